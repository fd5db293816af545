"""Anchor timings: the Python/C++ TDA stack a user would pick instead.

The workplace's shared anchor script, copied so that the benches and docs
point inside the repository; the changes are the path of the W3b input
(this repository's data/ripser-benchmark) and the W3c workload (issue 19). Run it with a venv holding
numpy scipy ripser persim gudhi giotto-ph: python tools/anchors.py

Workloads (same as the project's benches; keep in sync with COMPASS.md):
  W1 sublevel H0 of 1D signals   : 2000 signals x length 1000 (standardised random walks)
  W2 persistence image 50x50     : the W1 diagrams, sigma 0.25, birth range [-10,10], weight = persistence
  W3 Rips H1 of sliding window   : signal length 1000, window dim 10, tau 1  (991 points in R^10)
  W3b Rips H0..H3 of Ripser's o3_1024 benchmark, threshold 1.8 (data/ripser-benchmark/o3_1024.txt)
  W3c Rips H0+H1 of 10,000 points on a noisy torus in R^3, threshold 0.45 (benches/data/w3c_torus.npy;
      giotto-ph with edge collapse on 1 and 2 threads, best of 3; peak memory: tools/anchors_w3c.py)
  W5 landscapes / Betti curves   : the W1 diagrams, 5 landscapes x 100 samples; Betti curve 100 samples
Prints one JSON object: seconds per item for each tool.
"""
import json, os, time, sys
import numpy as np

rng = np.random.default_rng(0)
N_SIG, LEN = int(sys.argv[1]) if len(sys.argv) > 1 else 2000, 1000

def walks(n, length):
    x = np.cumsum(rng.standard_normal((n, length)), axis=1)
    x -= x.mean(axis=1, keepdims=True)
    x /= x.std(axis=1, keepdims=True)
    return x

def timeit(f, reps=1):
    t = time.perf_counter()
    for _ in range(reps):
        out = f()
    return (time.perf_counter() - t) / reps, out

out = {}
X = walks(N_SIG, LEN)

# ---- W1: sublevel-set H0 of 1D signals
import gudhi
def gudhi_h0(x):
    cc = gudhi.CubicalComplex(vertices=x)  # vertex (lower-star) filtration
    cc.compute_persistence(homology_coeff_field=2, min_persistence=0)
    return cc.persistence_intervals_in_dimension(0)
t, dg_gudhi = timeit(lambda: [gudhi_h0(x) for x in X])
out["W1_gudhi_cubical_s_per_signal"] = t / N_SIG

from ripser import ripser
from scipy import sparse
def ripser_lowerstar(x):
    n = len(x)
    I = np.arange(n - 1); J = I + 1
    V = np.maximum(x[:-1], x[1:])
    D = sparse.coo_matrix((np.concatenate([V, x]), (np.concatenate([I, np.arange(n)]), np.concatenate([J, np.arange(n)]))), shape=(n, n)).tocsr()
    return ripser(D, maxdim=0, distance_matrix=True)["dgms"][0]
M = min(N_SIG, 500)
t, dg_rip = timeit(lambda: [ripser_lowerstar(x) for x in X[:M]])
out["W1_ripser_lowerstar_s_per_signal"] = t / M
out["W1_mean_points_per_diagram"] = float(np.mean([len(d) for d in dg_gudhi]))

# finite diagrams for vectorisation (drop the essential bar)
D0 = [d[np.isfinite(d[:, 1])] for d in dg_gudhi]

# ---- W2: persistence images
from persim import PersistenceImager
pimgr = PersistenceImager(birth_range=(-10, 10), pers_range=(0, 20), pixel_size=0.4,
                          kernel_params={"sigma": [[0.0625, 0], [0, 0.0625]]})  # persim: covariance, std 0.25
M2 = min(N_SIG, 200)
t, _ = timeit(lambda: pimgr.transform(D0[:M2], skew=True))
out["W2_persim_PersistenceImager_s_per_diagram"] = t / M2
from gudhi.representations import PersistenceImage, Landscape, BettiCurve
gpi = PersistenceImage(bandwidth=0.25, resolution=[50, 50], im_range=[-10, 10, 0, 20],
                       weight=lambda p: p[1])
t, _ = timeit(lambda: gpi.fit_transform(D0))
out["W2_gudhi_PersistenceImage_s_per_diagram"] = t / N_SIG

# ---- W5: landscapes / Betti curves
gl = Landscape(num_landscapes=5, resolution=100, sample_range=[-10, 10])
t, _ = timeit(lambda: gl.fit_transform(D0))
out["W5_gudhi_Landscape_s_per_diagram"] = t / N_SIG
gb = BettiCurve(resolution=100, sample_range=[-10, 10])
t, _ = timeit(lambda: gb.fit_transform(D0))
out["W5_gudhi_BettiCurve_s_per_diagram"] = t / N_SIG
from persim import PersLandscapeExact
M5 = min(N_SIG, 200)
t, _ = timeit(lambda: [PersLandscapeExact(dgms=[d], hom_deg=0) for d in D0[:M5]])
out["W5_persim_PersLandscapeExact_s_per_diagram"] = t / M5

# ---- W3: Rips H1 of a sliding-window embedding
def swe(x, dim=10, tau=1):
    n = len(x) - (dim - 1) * tau
    return np.stack([x[i * tau: i * tau + n] for i in range(dim)], axis=1)
sig = np.sin(np.linspace(0, 8 * np.pi, LEN)) + 0.5 * np.sin(np.linspace(0, 24 * np.pi, LEN)) + 0.1 * np.random.default_rng(3).standard_normal(LEN)  # fixed W3 input
P = swe(sig)
t, r = timeit(lambda: ripser(P, maxdim=1))
out["W3_ripser_h1_s"] = t
out["W3_ripser_h1_bars"] = int(len(r["dgms"][1]))
from gph import ripser_parallel
t, r2 = timeit(lambda: ripser_parallel(P, maxdim=1, n_threads=2))
out["W3_giottoph_h1_2threads_s"] = t
t, r3 = timeit(lambda: ripser_parallel(P, maxdim=1, n_threads=1))
out["W3_giottoph_h1_1thread_s"] = t
if os.environ.get("ANCHORS_GUDHI_RIPS"):  # ~135 s on a 2-core box
    st_t = time.perf_counter()
    st = gudhi.RipsComplex(points=P).create_simplex_tree(max_dimension=2)
    st.compute_persistence()
    out["W3_gudhi_rips_h1_s"] = time.perf_counter() - st_t
import os
o3 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ripser-benchmark", "o3_1024.txt")  # this repository's copy
if os.path.exists(o3):
    Q = np.loadtxt(o3)
    t, _ = timeit(lambda: ripser(Q, maxdim=3, thresh=1.8))
    out["W3b_ripser_o3_1024_h3_s"] = t
    t, _ = timeit(lambda: ripser_parallel(Q, maxdim=3, thresh=1.8, n_threads=1))
    out["W3b_giottoph_o3_1024_h3_1thread_s"] = t
    t, _ = timeit(lambda: ripser_parallel(Q, maxdim=3, thresh=1.8, n_threads=2))
    out["W3b_giottoph_o3_1024_h3_2threads_s"] = t
torus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benches", "data", "w3c_torus.npy")
if os.path.exists(torus):
    T = np.load(torus)
    for threads in (1, 2):
        t = min(timeit(lambda: ripser_parallel(T, maxdim=1, thresh=0.45, collapse_edges=True, n_threads=threads))[0] for _ in range(3))
        out[f"W3c_giottoph_torus_h1_collapse_{threads}thread{'s' if threads > 1 else ''}_s"] = t
print(json.dumps(out, indent=1))
