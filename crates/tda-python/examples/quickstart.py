"""tda_pinet in five minutes: run after ``pip install ./crates/tda-python``
(plus ``pip install scikit-learn`` for the last part).

    python crates/tda-python/examples/quickstart.py

Each section prints what it computed; no plots.
"""

import time

import numpy as np

import tda_pinet

rng = np.random.default_rng(0)


def r3(pair):
    """A range as a tuple of floats rounded to 3 digits, for printing."""
    return tuple(round(float(v), 3) for v in pair)


# %% 1. ripser drop-in: the loop of a noisy circle -------------------------
# Same call and result dictionary as ripser.py; only the import changes.
from tda_pinet.ripser import ripser

theta = rng.uniform(0.0, 2.0 * np.pi, 200)
circle = np.c_[np.cos(theta), np.sin(theta)] + 0.1 * rng.normal(size=(200, 2))
result = ripser(circle, maxdim=1)
h0, h1 = result["dgms"]
loop = h1[np.argmax(h1[:, 1] - h1[:, 0])]
print("1. ripser drop-in on a noisy circle (200 points)")
print(f"   keys: {sorted(result)}")
print(f"   H0: {len(h0)} bars (one infinite); H1: {len(h1)} bars")
print(f"   the loop: born {loop[0]:.3f}, dies {loop[1]:.3f} (persistence {loop[1] - loop[0]:.3f});")
print(f"   next longest H1 bar: {np.sort(h1[:, 1] - h1[:, 0])[-2]:.3f}")

# %% 2. persim drop-in: a persistence image of that diagram ---------------
# persim 0.4's PersistenceImager; kernel_params' sigma is a variance, as in persim.
from tda_pinet.persim import PersistenceImager

imager = PersistenceImager(pixel_size=0.05, kernel_params={"sigma": 0.01})
imager.fit(h1)
image = imager.transform(h1)
print("\n2. persim drop-in: PersistenceImager on the H1 diagram")
print(f"   fitted birth_range {r3(imager.birth_range)}, "
      f"pers_range {r3(imager.pers_range)}, resolution {imager.resolution}")
print(f"   image {image.shape}, total mass {image.sum():.3f}, brightest pixel {tuple(int(i) for i in np.unravel_index(image.argmax(), image.shape))}")

# %% 3. native batch API: many signals at once ------------------------------
# Two classes of signals: white noise against noisy sines.
n, length = 500, 400
t = np.linspace(0.0, 8.0 * np.pi, length)
noise = rng.normal(size=(n, length))
sines = np.sin(rng.uniform(0.5, 2.0, (n, 1)) * t + rng.uniform(0, 2 * np.pi, (n, 1))) + 0.3 * rng.normal(size=(n, length))
X = np.vstack([noise, sines])
y = np.r_[np.zeros(n, int), np.ones(n, int)]

t0 = time.perf_counter()
diagrams = tda_pinet.sublevel_h0(X)  # one (k, 2) diagram per row, computed in parallel
images = tda_pinet.persistence_images(diagrams, birth_range=(-3.5, 2.0), pers_range=(0.0, 5.0),
                                      resolution=(10, 10), sigma=0.3)
elapsed = time.perf_counter() - t0
print("\n3. native batch: sublevel H0 + 10x10 persistence images")
print(f"   {len(X)} signals of length {length} -> images {images.shape} {images.dtype} in {1e3 * elapsed:.1f} ms")
longest = [np.max(d[np.isfinite(d[:, 1]), 1] - d[np.isfinite(d[:, 1]), 0]) for d in diagrams]
print(f"   mean longest finite bar: noise {np.mean(longest[:n]):.2f}, sines {np.mean(longest[n:]):.2f}")

# %% 4. scikit-learn pipeline -------------------------------------------------
try:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
except ImportError:
    print("\n4. (skipped: pip install scikit-learn for the pipeline)")
else:
    from tda_pinet.sklearn import PersistenceImage, SublevelH0

    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    model = make_pipeline(SublevelH0(), PersistenceImage(resolution=(10, 10), sigma=0.3),
                          LogisticRegression(max_iter=2000))
    model.fit(Xtr, ytr)
    pi = model.named_steps["persistenceimage"]
    print("\n4. scikit-learn pipeline: SublevelH0 -> PersistenceImage -> LogisticRegression")
    print(f"   ranges learned by fit: birth {r3(pi.birth_range_)}, "
          f"persistence {r3(pi.pers_range_)}")
    print(f"   test accuracy: {model.score(Xte, yte):.3f} on {len(yte)} signals")
    print("   scale out: tda_pinet.dask.map_features(dask_array, model[:-1]); see docs/scaling.md")
