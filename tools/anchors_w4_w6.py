"""The workplace's shared anchor script for W4 and W6, copied unchanged so that
the benches and docs point inside the repository.

Anchors for W4 (EMPH as the authors' numpy code does it) and W6 (PI-Net's conventional
ground-truth pipeline for one 32x32x3 image: ripser lower-star H0 + persim PersImage per channel)."""
import json, time, warnings
import numpy as np
warnings.filterwarnings("ignore")
rng = np.random.default_rng(1)
out = {}

# W4: numpy FFT + closed-form H1 bars on the diagonal ray, 2000 series of length 1000, K = 20
N, K, M = 1000, 20, 2000
X = rng.standard_normal((M, N)).cumsum(1)
t = time.perf_counter()
r = 2 * np.abs(np.fft.fft(X, axis=1))[:, 1:K + 1] / N
bars = np.stack([np.zeros_like(r), np.sqrt(3) * r], -1)
out["W4_numpy_batched_s_per_series"] = (time.perf_counter() - t) / M
t = time.perf_counter()
for x in X[:200]:
    rr = 2 * np.abs(np.fft.fft(x))[1:K + 1] / N
    b = [(0.0, np.sqrt(3) * v) for v in rr]
out["W4_numpy_per_series_s"] = (time.perf_counter() - t) / 200

# W6: PI-Net's ground truth for one image, as the published targets were made
from ripser import ripser
from scipy import sparse
from persim import PersImage
def lowerstar_h0(x):
    n = len(x); I = np.arange(n - 1)
    V = np.maximum(x[:-1], x[1:])
    D = sparse.coo_matrix((np.concatenate([V, x]), (np.concatenate([I, np.arange(n)]), np.concatenate([I + 1, np.arange(n)]))), shape=(n, n)).tocsr()
    d = ripser(D, maxdim=0, distance_matrix=True)["dgms"][0]
    d = d[np.isfinite(d[:, 1])]
    return d[(d[:, 1] - d[:, 0]) > 1 / 255]
pim = PersImage(pixels=[50, 50], spread=0.05, specs={"minBD": 0, "maxBD": 1}, verbose=False)
imgs = rng.integers(0, 256, (50, 32, 32, 3)) / 255.0
t = time.perf_counter()
for im in imgs:
    for c in range(3):
        pi = pim.transform(lowerstar_h0(im[:, :, c].reshape(-1)))
        pi = pi / max(pi.max(), 1e-12)
out["W6_ripser_persim_PersImage_s_per_image"] = (time.perf_counter() - t) / len(imgs)
print(json.dumps(out, indent=1))
