"""Regenerate the Vietoris-Rips test fixtures from ripser.py, and the W3 bench input.

Usage (from the repository root, in a venv with `pip install numpy ripser`):
    python tools/gen_rips_fixtures.py

Writes crates/tda-persistence/tests/fixtures/rips.json: point clouds (or a
distance matrix) with ripser.py's diagrams H0..H{maxdim}. ripser.py computes in
float32, so the tests compare after rounding our f64 diagrams to f32 (and
dropping bars that become zero-length). Essential deaths are written as null.

Also writes benches/data/w3_signal.txt: the fixed W3 signal of
tools/anchors.py, one value per line with repr precision.
"""
import json, os
import numpy as np
import ripser as ripser_pkg
from ripser import ripser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "tda-persistence", "tests", "fixtures")
rng = np.random.default_rng(20261122)


def pairs(arr):
    out = [[float(b), None if np.isinf(d) else float(d)] for b, d in np.asarray(arr).reshape(-1, 2)]
    return sorted(out, key=lambda p: (p[0], float("inf") if p[1] is None else p[1]))


def swe(x, dim, tau):
    n = len(x) - (dim - 1) * tau
    return np.stack([x[i * tau: i * tau + n] for i in range(dim)], axis=1)


def noisy_circle(n, r=1.0, noise=0.05):
    a = rng.uniform(0, 2 * np.pi, n)
    return np.stack([r * np.cos(a), r * np.sin(a)], axis=1) + noise * rng.standard_normal((n, 2))


cases = []


def add(name, x, maxdim, metric="euclidean", thresh=None, distance_matrix=False):
    kw = {"maxdim": maxdim, "metric": metric, "distance_matrix": distance_matrix}
    if thresh is not None:
        kw["thresh"] = thresh
    dgms = ripser(x, **kw)["dgms"]
    rec = {"name": name, "metric": metric, "maxdim": maxdim, "threshold": thresh,
           "distance_matrix": distance_matrix, "shape": list(x.shape),
           "values": [float(v) for v in np.asarray(x).ravel()],
           "dgms": [pairs(d) for d in dgms]}
    cases.append(rec)


for n in (10, 25, 40, 60):
    add(f"uniform_2d_{n}", rng.random((n, 2)), 2)
for n in (20, 50):
    add(f"normal_3d_{n}", rng.standard_normal((n, 3)), 2)
add("noisy_circle_40", noisy_circle(40), 2)
add("two_circles_60", np.concatenate([noisy_circle(30), noisy_circle(30, r=0.5) + [3.0, 0.0]]), 1)
for k, (dim, tau) in enumerate([(3, 2), (4, 1), (5, 3)]):
    t = np.linspace(0, 6 * np.pi, 60)
    x = np.sin(t) + 0.3 * np.sin(3.1 * t + k) + 0.1 * rng.standard_normal(60)
    add(f"sliding_window_sin_d{dim}_tau{tau}", swe(x, dim, tau), 2)
add("integer_ties_30", rng.integers(0, 5, (30, 2)).astype(float), 2)
add("integer_ties_3d_25", rng.integers(0, 3, (25, 3)).astype(float), 2)
add("chebyshev_3d_25", rng.random((25, 3)), 2, metric="chebyshev")
add("chebyshev_ties_30", rng.integers(0, 6, (30, 2)).astype(float), 2, metric="chebyshev")
add("manhattan_3d_25", rng.random((25, 3)), 2, metric="manhattan")
add("manhattan_ties_30", rng.integers(0, 6, (30, 2)).astype(float), 2, metric="manhattan")
# A distance matrix that is not a metric (random symmetric, zero diagonal).
m = rng.random((20, 20))
m = np.round((m + m.T) / 2, 3)
np.fill_diagonal(m, 0.0)
add("random_matrix_20", m, 2, distance_matrix=True)
# Thresholds below the enclosing radius: several components, essential loops.
add("threshold_uniform_2d_40", rng.random((40, 2)), 2, thresh=0.2)
add("threshold_circle_30", noisy_circle(30, noise=0.02), 1, thresh=0.9)
add("h3_uniform_4d_16", rng.random((16, 4)), 3)

os.makedirs(OUT, exist_ok=True)
meta = {"generator": "tools/gen_rips_fixtures.py", "ripser": ripser_pkg.__version__, "numpy": np.__version__}
with open(os.path.join(OUT, "rips.json"), "w") as f:
    json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print("wrote", len(cases), "cases to", OUT)

# The W3 signal, exactly as tools/anchors.py builds it.
LEN = 1000
sig = (np.sin(np.linspace(0, 8 * np.pi, LEN)) + 0.5 * np.sin(np.linspace(0, 24 * np.pi, LEN))
       + 0.1 * np.random.default_rng(3).standard_normal(LEN))
os.makedirs(os.path.join(ROOT, "benches", "data"), exist_ok=True)
with open(os.path.join(ROOT, "benches", "data", "w3_signal.txt"), "w") as f:
    f.write("".join(repr(float(v)) + "\n" for v in sig))
print("wrote benches/data/w3_signal.txt")
