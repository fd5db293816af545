"""Regenerate the Z/p and cocycle fixtures of the Vietoris-Rips engine from ripser.py.

Usage (from the repository root, in a venv with `pip install numpy ripser`):
    python tools/gen_rips_coeff_fixtures.py

Writes crates/tda-persistence/tests/fixtures/rips_coeff/cases.json: inputs with
ripser.py's `ripser(..., coeff=p, do_cocycles=True)` results for p = 2, 3, 5
(and 7 once): `dgms[d]` as [birth, death] pairs (essential deaths null) and
`cocycles[d]`, one per bar of `dgms[d]` in ripser.py's own order (not sorted),
each a flat list of rows `d+1 vertex indices, coefficient` (ripser.py's
`(k, d+2)` array, row-major).

ripser.py computes in float32. Point clouds are integer coordinates (exact
distances, many ties, same order in f32 and f64). The other inputs are given
as distance matrices whose entries are float32 values (stored exactly as f64),
so both engines see the very same filtration, ties and order included, and so
run the very same reduction: cocycles must then be equal, not just cohomologous.

The real projective plane (points of the upper half sphere with the distance
arccos|<x, y>| between lines) has torsion: an H1 and an H2 bar over Z/2 that
do not exist over Z/3.
"""
import json, os
import numpy as np
from ripser import ripser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "tda-persistence", "tests", "fixtures", "rips_coeff")
rng = np.random.default_rng(20261130)


def f32_matrix(d):
    d = np.asarray(d, dtype=np.float32).astype(np.float64)
    d = np.minimum(d, d.T)
    np.fill_diagonal(d, 0.0)
    return d


def euclid(x):
    return np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))


def rp2(n):
    """n points on the upper half sphere (Fibonacci spiral), lines through 0."""
    i = np.arange(n) + 0.5
    z = i / n  # uniform in (0, 1): the upper hemisphere
    phi = i * np.pi * (3 - np.sqrt(5))
    r = np.sqrt(1 - z * z)
    x = np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)
    g = np.clip(np.abs(x @ x.T), 0.0, 1.0)
    return np.arccos(g)


cases = []


def add(name, x, coeffs, maxdim, distance_matrix, thresh=None):
    for p in coeffs:
        kw = {"maxdim": maxdim, "coeff": p, "do_cocycles": True, "distance_matrix": distance_matrix}
        if thresh is not None:
            kw["thresh"] = thresh
        r = ripser(x, **kw)
        dgms = [[[float(b), None if np.isinf(d) else float(d)] for b, d in dg] for dg in r["dgms"]]
        cocycles = [[[int(v) for v in np.asarray(c).ravel()] for c in cc] for cc in r["cocycles"]]
        for d in range(1, maxdim + 1):
            assert len(cocycles[d]) == len(dgms[d]), (name, p, d)
        cases.append({
            "name": f"{name}_p{p}", "coeff": p, "maxdim": maxdim, "threshold": thresh,
            "distance_matrix": distance_matrix, "shape": list(x.shape),
            "values": [float(v) for v in np.asarray(x).ravel()],
            "dgms": dgms, "cocycles": cocycles,
        })


add("integer_ties_2d_25", rng.integers(0, 5, (25, 2)).astype(float), (2, 3, 5), 2, False)
add("integer_ties_3d_20", rng.integers(0, 3, (20, 3)).astype(float), (2, 3, 5), 2, False)
add("uniform_2d_30", f32_matrix(euclid(rng.random((30, 2)))), (2, 3, 5), 2, True)
add("normal_3d_22", f32_matrix(euclid(rng.standard_normal((22, 3)))), (2, 3, 5), 2, True)
add("threshold_uniform_2d_30", f32_matrix(euclid(rng.random((30, 2)))), (3,), 2, True, thresh=0.25)
m = rng.random((18, 18))
add("random_matrix_18", f32_matrix(np.round((m + m.T) / 2, 2)), (7,), 2, True)
add("rp2_40", f32_matrix(rp2(40)), (2, 3), 2, True)

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump({"cases": cases}, f, separators=(",", ":"))
for c in cases:
    print(c["name"], [len(d) for d in c["dgms"]], [sum(len(x) for x in cc) for cc in c["cocycles"]])
print("bytes", os.path.getsize(os.path.join(OUT, "cases.json")))
