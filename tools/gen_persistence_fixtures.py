"""Regenerate the tda-persistence test fixtures from gudhi and ripser.

Usage (from the repository root, in a venv with `pip install numpy scipy gudhi ripser`):
    python tools/gen_persistence_fixtures.py

Writes crates/tda-persistence/tests/fixtures/sublevel.json and cubical.json
(with gudhi's critical pixels of every image, as row-major indices).
Essential deaths are written as null (their sign follows the filtration:
+inf for sublevel, -inf for superlevel). gudhi works in float64 (compared
exactly); ripser.py works in float32 (compared after rounding to f32).
"""
import gzip, json, os
import numpy as np
import gudhi
from ripser import ripser
from scipy import sparse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "tda-persistence", "tests", "fixtures")
rng = np.random.default_rng(20261121)


def pairs(arr, sign=1.0):
    """Sorted [birth, death] lists with null for an infinite death."""
    out = [[sign * float(b), None if np.isinf(d) else sign * float(d)] for b, d in np.asarray(arr).reshape(-1, 2)]
    return sorted(out, key=lambda p: (p[0], float("inf") if p[1] is None else p[1]))


def gudhi_cubical(**kw):
    cc = gudhi.CubicalComplex(**kw)
    cc.compute_persistence(homology_coeff_field=2, min_persistence=0)
    return cc


def critical_pixels(cc, kw, shape):
    """gudhi's critical cells as row-major pixel indices: per dimension, the
    [birth, death] pixels of the finite pairs (sorted) and the birth pixels
    of the essential ones. `vertices_of_persistence_pairs` (vertices=) and
    `cofaces_of_persistence_pairs` (top_dimensional_cells=) index pixels in
    column-major order."""
    h, w = shape
    regular, essential = (cc.vertices_of_persistence_pairs() if kw == "vertices"
                          else cc.cofaces_of_persistence_pairs())
    row_major = lambda i: int(i % h) * w + int(i // h)
    out = {}
    for d in (0, 1):
        reg = regular[d] if d < len(regular) else np.zeros((0, 2), dtype=int)
        ess = essential[d] if d < len(essential) else np.zeros(0, dtype=int)
        out[f"h{d}"] = sorted([row_major(b), row_major(e)] for b, e in np.asarray(reg).reshape(-1, 2))
        out[f"h{d}_essential"] = sorted(row_major(b) for b in np.asarray(ess).ravel())
    return out


def ripser_lowerstar(x):
    n = len(x)
    i = np.arange(n - 1)
    rows = np.concatenate([i, np.arange(n)])
    cols = np.concatenate([i + 1, np.arange(n)])
    vals = np.concatenate([np.maximum(x[:-1], x[1:]), x])
    d = sparse.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    return ripser(d, maxdim=0, distance_matrix=True)["dgms"][0]


def walk(n):
    x = np.cumsum(rng.standard_normal(n))
    return (x - x.mean()) / x.std()


signals = {
    "length_1": np.array([0.5]),
    "length_2_falling": np.array([1.0, 0.0]),
    "length_2_equal": np.array([2.0, 2.0]),
    "constant": np.full(17, -3.25),
    "increasing": np.arange(12, dtype=float),
    "decreasing": -np.arange(12, dtype=float),
    "plateaus": np.array([3, 3, 1, 1, 1, 4, 4, 2, 2, 5, 5, 5, 0, 0, 3, 3], dtype=float),
    "w_shape_equal_minima": np.array([0, 2, 0, 2, 0], dtype=float),
    "normal_60": rng.standard_normal(60),
    "ties_small_ints_80": rng.integers(0, 4, 80).astype(float),
    "ties_half_steps_200": rng.integers(-6, 7, 200) / 2.0,
    "walk_1000": walk(1000),
    "sine_plus_noise_300": np.sin(np.linspace(0, 12 * np.pi, 300)) + 0.3 * rng.standard_normal(300),
}

sig_out = []
for name, x in signals.items():
    sub = gudhi_cubical(vertices=x).persistence_intervals_in_dimension(0)
    sup = gudhi_cubical(vertices=-x).persistence_intervals_in_dimension(0)
    sig_out.append({
        "name": name,
        "x": [float(v) for v in x],
        "gudhi_h0": pairs(sub),
        "gudhi_h0_superlevel": pairs(sup, sign=-1.0),
        "ripser_h0": pairs(ripser_lowerstar(x)),
    })

with gzip.open(os.path.join(ROOT, "..", "shared", "data", "digits", "digits.csv.gz"), "rt") as f:
    digits = np.loadtxt(f, delimiter=",", max_rows=3)[:, :64].reshape(-1, 8, 8)

images = {
    "single_pixel": np.array([[1.5]]),
    "row_1x9": rng.standard_normal((1, 9)),
    "column_7x1": rng.standard_normal((7, 1)),
    "ring": np.array([[0, 0, 0], [0, 5, 0], [0, 0, 0]], dtype=float),
    "diagonal_peaks": np.array([[0, 0, 0, 0], [0, 5, 0, 0], [0, 0, 5, 0], [0, 0, 0, 0]], dtype=float),
    "saddle_checker": np.array([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]], dtype=float),
    "normal_6x9": rng.standard_normal((6, 9)),
    "ties_ints_10x10": rng.integers(0, 3, (10, 10)).astype(float),
    "uniform_32x32": rng.random((32, 32)),
    "digit_0": digits[0],
    "digit_1": digits[1],
    "digit_2": digits[2],
}

img_out = []
for name, img in images.items():
    rec = {"name": name, "shape": list(img.shape), "values": [float(v) for v in img.ravel()]}
    for key, kw in (("vertices", "vertices"), ("top_dimensional_cells", "top_dimensional_cells")):
        cc = gudhi_cubical(**{kw: img})
        rec[key] = {f"h{d}": pairs(cc.persistence_intervals_in_dimension(d)) for d in (0, 1)}
        rec[key]["critical"] = critical_pixels(cc, kw, img.shape)
    img_out.append(rec)

os.makedirs(OUT, exist_ok=True)
meta = {"generator": "tools/gen_persistence_fixtures.py", "gudhi": gudhi.__version__,
        "ripser": __import__("ripser").__version__, "numpy": np.__version__}
for fname, key, data in (("sublevel.json", "signals", sig_out), ("cubical.json", "images", img_out)):
    with open(os.path.join(OUT, fname), "w") as f:
        json.dump({"meta": meta, key: data}, f, separators=(",", ":"))
        f.write("\n")
print("wrote", len(sig_out), "signals and", len(img_out), "images to", OUT)
