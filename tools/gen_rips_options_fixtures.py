"""Regenerate the fixtures of the Vietoris-Rips input options from ripser.py.

Usage (from the repository root, in a venv with numpy, scipy and ripser):
    python tools/gen_rips_options_fixtures.py

Writes crates/tda-persistence/tests/fixtures/rips_options/:
- n_perm.json: point clouds (and one distance matrix) run with `n_perm`,
  with ripser.py's dgms, idx_perm and r_cover. Integer clouds put ties in
  the greedy permutation's argmax.
- sparse.json: scipy.sparse distance matrices (COO with only the upper
  triangle, with both triangles, with a lower triangle that differs and is
  ignored; CSR; explicit thresholds; diagonal vertex births; values on a
  1/16 grid for ties) with ripser.py's dgms and num_edges. Values are
  rounded to float32 first, so both sides read the same numbers (ripser.py
  computes in float32). Duplicate entries are not included: ripser.py
  passes them on unsummed and returns wrong bars or does not terminate.

Essential deaths are written as null; the tests compare after rounding our
f64 diagrams to f32.
"""
import json, os
import numpy as np
from scipy import sparse
import ripser as ripser_pkg
from ripser import ripser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "tda-persistence", "tests", "fixtures", "rips_options")
rng = np.random.default_rng(20261130)


def pairs(arr):
    out = [[float(b), None if np.isinf(d) else float(d)] for b, d in np.asarray(arr).reshape(-1, 2)]
    return sorted(out, key=lambda p: (p[0], float("inf") if p[1] is None else p[1]))


def dump(name, cases):
    meta = {"generator": "tools/gen_rips_options_fixtures.py", "ripser": ripser_pkg.__version__,
            "numpy": np.__version__}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", len(cases), "cases to", name)


# --- n_perm ------------------------------------------------------------------
perm_cases = []


def add_perm(name, x, n_perm, maxdim, metric="euclidean", distance_matrix=False):
    r = ripser(x, maxdim=maxdim, n_perm=n_perm, metric=metric, distance_matrix=distance_matrix)
    perm_cases.append({
        "name": name, "metric": metric, "maxdim": maxdim, "n_perm": n_perm,
        "distance_matrix": distance_matrix, "shape": list(x.shape),
        "values": [float(v) for v in np.asarray(x).ravel()],
        "dgms": [pairs(d) for d in r["dgms"]],
        "idx_perm": [int(i) for i in r["idx_perm"]], "r_cover": float(r["r_cover"]),
    })


def circle(n, noise=0.05):
    a = rng.uniform(0, 2 * np.pi, n)
    return np.stack([np.cos(a), np.sin(a)], axis=1) + noise * rng.standard_normal((n, 2))


add_perm("uniform_2d_60_perm20", rng.random((60, 2)), 20, 1)
add_perm("normal_3d_50_perm15", rng.standard_normal((50, 3)), 15, 2)
add_perm("circle_80_perm25", circle(80), 25, 1)
add_perm("integer_ties_40_perm12", rng.integers(0, 6, (40, 2)).astype(float), 12, 1)
add_perm("integer_ties_3d_30_perm10", rng.integers(0, 3, (30, 3)).astype(float), 10, 2)
add_perm("manhattan_ties_35_perm9", rng.integers(0, 5, (35, 2)).astype(float), 9, 1, metric="manhattan")
add_perm("uniform_2d_12_perm_all", rng.random((12, 2)), 12, 1)
add_perm("uniform_2d_20_perm1", rng.random((20, 2)), 1, 0)
# Duplicate points and more samples than distinct points: argmax of all
# zeros picks point 0 again.
add_perm("duplicates_perm6", np.array([[0.0, 0], [1, 0], [0, 1], [1, 0], [0, 0], [0, 1], [1, 0]]), 6, 1)
m = rng.random((30, 30))
m = np.round((m + m.T) / 2, 3)
np.fill_diagonal(m, 0.0)
add_perm("matrix_30_perm10", m, 10, 1, distance_matrix=True)
m = rng.integers(1, 5, (25, 25)).astype(float)
m = np.triu(m, 1)
m = m + m.T
add_perm("matrix_ties_25_perm8", m, 8, 1, distance_matrix=True)

# --- sparse ------------------------------------------------------------------
sparse_cases = []


def f32(v):
    return np.asarray(v, dtype=np.float32).astype(np.float64)


def add_sparse(name, n, rows, cols, values, maxdim, thresh=None, fmt="coo"):
    values = f32(values)
    coo = sparse.coo_matrix((values, (np.asarray(rows), np.asarray(cols))), shape=(n, n))
    mat = coo if fmt == "coo" else coo.tocsr()
    kw = {"maxdim": maxdim, "distance_matrix": True}
    if thresh is not None:
        kw["thresh"] = thresh
    r = ripser(mat, **kw)
    rec = {"name": name, "n": n, "maxdim": maxdim, "threshold": thresh, "format": fmt,
           "dgms": [pairs(d) for d in r["dgms"]], "num_edges": int(r["num_edges"])}
    if fmt == "coo":
        rec.update(rows=[int(i) for i in rows], cols=[int(j) for j in cols],
                   values=[float(v) for v in values])
    else:
        rec.update(indptr=[int(i) for i in mat.indptr], indices=[int(j) for j in mat.indices],
                   data=[float(v) for v in mat.data])
    sparse_cases.append(rec)


def random_graph(n, p, grid=16, top=16):
    """Upper-triangle entries (i < j) of a random graph, values k/grid."""
    iu, ju = np.triu_indices(n, 1)
    keep = rng.random(len(iu)) < p
    vals = rng.integers(1, top + 1, keep.sum()) / grid
    return iu[keep], ju[keep], vals


i, j, v = random_graph(25, 0.4)
add_sparse("upper_only_25", 25, i, j, v, 2)
add_sparse("upper_only_25_thresh", 25, i, j, v, 2, thresh=0.5)
perm = rng.permutation(len(i))
add_sparse("both_triangles_30", 30, *[np.concatenate([a, b])[np.concatenate([perm, perm + len(i)])]
                                      for a, b in ((i, j), (j, i), (v, v))], 1)
i, j, v = random_graph(30, 0.3)
lower = rng.integers(1, 17, len(i)) / 16  # different values below the diagonal: ignored
add_sparse("lower_differs_30", 30, np.concatenate([j, i]), np.concatenate([i, j]),
           np.concatenate([lower, v]), 1)
i, j, v = random_graph(10, 0.5)
add_sparse("lower_only_10", 10, j, i, v, 1)
i, j, v = random_graph(40, 0.15, grid=8, top=8)
add_sparse("sparse_ties_40", 40, i, j, v, 2)
add_sparse("csr_ties_40_thresh", 40, i, j, v, 2, thresh=0.625, fmt="csr")
# Explicit zeros are edges of length 0.
i, j, v = random_graph(20, 0.3)
v[:3] = 0.0
add_sparse("explicit_zeros_20", 20, i, j, v, 1)
# All pairs within t of a cloud, as CSR (the usual sparse input).
x = rng.random((45, 2))
d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
iu, ju = np.triu_indices(45, 1)
near = d[iu, ju] <= 0.3
add_sparse("cloud_within_0.3_csr", 45, iu[near], ju[near], d[iu, ju][near], 2, fmt="csr")
add_sparse("cloud_within_0.3_thresh_0.2", 45, iu[near], ju[near], d[iu, ju][near], 1, thresh=0.2)
# Vertex births on the diagonal: below every incident edge (a filtration),
# then arbitrary ones (ripser.py still runs: H0 by its union-find order).
i, j, v = random_graph(20, 0.3, grid=8, top=16)
births = np.zeros(20)
for a, b, w in zip(i, j, v):
    births[a] = min(births[a] if births[a] else w, w)
births = np.floor(births * rng.random(20) * 8) / 8
diag = np.nonzero(births)[0]
add_sparse("births_filtration_20", 20, np.concatenate([i, diag]), np.concatenate([j, diag]),
           np.concatenate([v, births[diag]]), 1)
diag = rng.choice(20, 8, replace=False)
arb = rng.integers(0, 25, 8) / 8
add_sparse("births_arbitrary_20", 20, np.concatenate([diag, i]), np.concatenate([diag, j]),
           np.concatenate([arb, v]), 1)
add_sparse("births_arbitrary_20_thresh", 20, np.concatenate([diag, i]), np.concatenate([diag, j]),
           np.concatenate([arb, v]), 1, thresh=1.0)

os.makedirs(OUT, exist_ok=True)
dump("n_perm.json", perm_cases)
dump("sparse.json", sparse_cases)
