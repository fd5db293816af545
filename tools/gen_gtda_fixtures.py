"""Regenerate the giotto-tda fixtures of tda_pinet.sklearn.VietorisRipsPersistence.

Usage (from the repository root, in a venv with giotto-tda 0.6.2, e.g.
``.venv/bin/pip install giotto-tda==0.6.2``):
    .venv/bin/python tools/gen_gtda_fixtures.py

Writes crates/tda-python/tests/data/gtda_vr_fixtures.npz: for each case
``k``, its parameters as JSON (``case{k}_params``, with its name and its
input kind: ``list``, ``array3d`` or ``sparse``), its input (``case{k}_X{i}``
per sample, ``case{k}_X`` for a 3-D array, or for sparse matrices the COO
triplets ``case{k}_X{i}_row``, ``_col``, ``_data`` and shape
``case{k}_X{i}_shape``, in stored order, duplicates kept) and giotto-tda's
``VietorisRipsPersistence(**params).fit_transform(X)`` (``case{k}_out``),
plus ``case{k}_infinity_values`` (the fitted ``infinity_values_``).

giotto-tda (giotto-ph) computes in float32: its values are float32
roundings of the distances. Point clouds are random (no float32 ties) or on
integer grids (manhattan: exact integer distances); distance matrices hold
float32 values (stored exactly as float64), so those values are the ones the
float64 engine sees too. Thresholds and infinity values are float32 numbers.

scikit-learn >= 1.6 renamed ``check_array``'s ``force_all_finite`` to
``ensure_all_finite`` (1.8 removed the old name), which giotto-tda 0.6.2
still passes; a shim below renames the keyword (same meaning) so the
reference venv's newer scikit-learn can run it.
"""
import inspect
import json
import os

import numpy as np
import scipy.sparse as sp
import sklearn.utils.validation as skv

import gtda.utils.validation as gv

if "force_all_finite" not in inspect.signature(skv.check_array).parameters:
    _check_array = skv.check_array

    def _compat_check_array(X, *args, force_all_finite=None, **kwargs):
        if force_all_finite is not None:
            kwargs["ensure_all_finite"] = force_all_finite
        return _check_array(X, *args, **kwargs)

    gv.check_array = _compat_check_array

import gtda  # noqa: E402
from gtda.homology import VietorisRipsPersistence  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "tda-python", "tests", "data", "gtda_vr_fixtures.npz")
rng = np.random.default_rng(20261201)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def euclid(x):
    return np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))


def f32_matrix(d):
    """A symmetric float32-valued distance matrix with zero diagonal."""
    d = f32(d)
    d = np.minimum(d, d.T)
    np.fill_diagonal(d, 0.0)
    return d


def weighted_matrix(n, dim=2, ties=False):
    """A distance matrix with vertex births on the diagonal: entries
    max(d_ij, w_i, w_j), float32 values; with ``ties``, values on a coarse
    grid (many equal deaths with different births)."""
    x = rng.random((n, dim))
    d = euclid(x)
    w = rng.random(n) * 0.4
    if ties:
        d = np.round(d * 8) / 8
        w = np.round(w * 8) / 8
    m = np.maximum(d, np.maximum(w[:, None], w[None, :]))
    np.fill_diagonal(m, w)
    return f32(m)


def rp2(n):
    """Lines through 0 (points of the upper half sphere), distance
    arccos|<x, y>|: the real projective plane (Z/2 and Z/3 differ)."""
    i = np.arange(n) + 0.5
    z = i / n
    phi = i * np.pi * (3 - np.sqrt(5))
    r = np.sqrt(1 - z * z)
    x = np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)
    return f32_matrix(np.arccos(np.clip(np.abs(x @ x.T), 0.0, 1.0)))


def grid_cloud(side, keep):
    """Integer points of a side x side grid, a random subset of ``keep``."""
    g = np.array([(i, j) for i in range(side) for j in range(side)], dtype=np.float64)
    return g[np.sort(rng.choice(len(g), keep, replace=False))]


def circle(n, noise=0.05, r=1.0):
    t = rng.random(n) * 2 * np.pi
    return np.c_[r * np.cos(t), r * np.sin(t)] + noise * rng.normal(size=(n, 2))


cases = []


def add(name, X, kind="list", **params):
    cases.append((name, X, kind, params))


# Random clouds of different sizes, default parameters.
add("default_list", [rng.random((n, 2)) for n in (12, 20, 7, 15)])
# A 3-D array; dimensions 0, 1, 2.
add("array3d_dims012", rng.random((5, 14, 3)), kind="array3d", homology_dimensions=(0, 1, 2))
# Noisy circles (long H1 bars) of different sizes.
add("circles", [circle(n, r=r) for n, r in ((25, 1.0), (18, 0.5), (30, 2.0))])
# Integer grids: many ties.
add("grid_euclidean", [grid_cloud(5, k) for k in (14, 20, 9)])
add("grid_manhattan", [grid_cloud(5, k) for k in (14, 20, 9)], metric="manhattan", homology_dimensions=(0, 1, 2))
add("grid_chebyshev", [grid_cloud(4, k) for k in (10, 13)], metric="chebyshev")
add("manhattan_random", [rng.random((n, 3)) for n in (10, 16)], metric="manhattan")
# Homology dimensions not starting at 0, unsorted, repeated.
add("dims_1", [rng.random((n, 2)) for n in (11, 16, 9)], homology_dimensions=(1,))
add("dims_2_0", [rng.random((n, 3)) for n in (12, 9)], homology_dimensions=(2, 0))
add("dims_1_1", [rng.random((n, 2)) for n in (10, 8)], homology_dimensions=[1, 1])
# Finite thresholds.
add("max_edge_finite", [rng.random((n, 2)) for n in (15, 10, 12)], max_edge_length=0.25)
add(
    "max_edge_finite_inf_values",
    [rng.random((n, 2)) for n in (15, 10, 12)],
    max_edge_length=0.3,
    infinity_values=0.75,
    homology_dimensions=(0, 1, 2),
)
add("inf_values_below_births", [rng.random((n, 2)) for n in (12, 9)], max_edge_length=0.375, infinity_values=0.125)
add("grid_max_edge", [grid_cloud(5, k) for k in (12, 16)], max_edge_length=1.5, reduced_homology=False)
# Unreduced homology.
add("unreduced", [rng.random((n, 2)) for n in (9, 13)], reduced_homology=False)
add("unreduced_dims_1_0", [rng.random((n, 2)) for n in (9, 13)], reduced_homology=False, homology_dimensions=(1, 0))
# Distance matrices.
add("precomputed", [f32_matrix(euclid(rng.random((n, 2)))) for n in (10, 15, 8)], metric="precomputed")
add(
    "precomputed_array3d",
    np.stack([f32_matrix(euclid(rng.random((9, 3)))) for _ in range(3)]),
    kind="array3d",
    metric="precomputed",
    homology_dimensions=(0, 1, 2),
)
add(
    "precomputed_threshold",
    [f32_matrix(euclid(rng.random((n, 2)))) for n in (12, 10)],
    metric="precomputed",
    max_edge_length=0.3,
)
add("precomputed_vertex_births", [weighted_matrix(n) for n in (10, 14)], metric="precomputed")
add(
    "precomputed_vertex_births_ties",
    [weighted_matrix(n, ties=True) for n in (12, 16, 9)],
    metric="precomputed",
    reduced_homology=False,
)
add(
    "precomputed_vertex_births_ties_reduced",
    [weighted_matrix(n, ties=True) for n in (12, 16)],
    metric="precomputed",
    max_edge_length=0.5,
)


def with_absent_edges(n):
    """A distance matrix with infinite entries (absent edges)."""
    d = f32_matrix(euclid(rng.random((n, 2))))
    far = np.triu(rng.random((n, n)) < 0.3, 1)
    d[far | far.T] = np.inf
    return d


add("precomputed_inf_entries", [with_absent_edges(n) for n in (10, 12)], metric="precomputed", reduced_homology=False)
add("precomputed_inf_entries_reduced", [with_absent_edges(n) for n in (10, 12)], metric="precomputed")


def asymmetric(n):
    """Only the upper triangle counts: a junk lower triangle."""
    d = f32_matrix(euclid(rng.random((n, 2))))
    lower = np.tril_indices(n, -1)
    d[lower] = f32(rng.random(len(lower[0])) * 5)
    return d


add("precomputed_upper_only", [asymmetric(n) for n in (9, 11)], metric="precomputed")
# Coefficients: the projective plane.
add("rp2_coeff2", [rp2(20), rp2(16)], metric="precomputed", homology_dimensions=(0, 1, 2))
add("rp2_coeff3", [rp2(20), rp2(16)], metric="precomputed", homology_dimensions=(0, 1, 2), coeff=3)
add("coeff5_clouds", [circle(n) for n in (16, 12)], coeff=5)
# Edge collapse (same diagrams).
add("collapse_edges", [circle(n) for n in (20, 14)], collapse_edges=True)
# Tiny clouds: fewer points than dimensions; clouds of different widths.
add("tiny", [rng.random((n, 2)) for n in (1, 2, 3, 6)], homology_dimensions=(0, 1, 2))
add("mixed_widths", [rng.random((8, 2)), rng.random((10, 3)), rng.random((7, 4))])


def sparse_graph(n, density=0.5, lower=0.3, births=False):
    """A scipy.sparse weighted graph: upper entries, some edges stored only
    below the diagonal, some twice (the upper value counts), optional
    diagonal (vertex births)."""
    d = f32_matrix(euclid(rng.random((n, 2))))
    rows, cols, data = [], [], []
    w = f32(rng.random(n) * 0.1) if births else None
    for i in range(n):
        for j in range(i + 1, n):
            if rng.random() > density:
                continue
            v = d[i, j] if w is None else max(d[i, j], w[i], w[j])
            r = rng.random()
            if r < lower:
                rows.append(j), cols.append(i), data.append(v)
            elif r < lower + 0.2:
                rows += [i, j]
                cols += [j, i]
                data += [v, v + 1.0]  # the lower copy is ignored
            else:
                rows.append(i), cols.append(j), data.append(v)
    if births:
        for i in range(n):
            rows.append(i), cols.append(i), data.append(w[i])
    return sp.coo_matrix((np.array(data), (np.array(rows), np.array(cols))), shape=(n, n))


add("sparse", [sparse_graph(n) for n in (10, 12)], kind="sparse", metric="precomputed")
add(
    "sparse_births_threshold",
    [sparse_graph(n, births=True) for n in (11, 9)],
    kind="sparse",
    metric="precomputed",
    max_edge_length=0.5,
    reduced_homology=False,
)

# Vertex births and a low threshold: several components, whose essential
# bars come in giotto-ph's union-find root order (the last one is dropped).
add(
    "vertex_births_components",
    [weighted_matrix(n, ties=True) for n in (14, 18)],
    metric="precomputed",
    max_edge_length=0.25,
    infinity_values=2.0,
    reduced_homology=False,
)
add(
    "vertex_births_components_reduced",
    [weighted_matrix(n, ties=True) for n in (14, 18)],
    metric="precomputed",
    max_edge_length=0.25,
)


def main():
    out = {}
    for k, (name, X, kind, params) in enumerate(cases):
        est = VietorisRipsPersistence(**params)
        Xt = est.fit_transform(X if kind != "sparse" else [x.tocsr() for x in X])
        out[f"case{k}_params"] = np.array(json.dumps({"name": name, "kind": kind, "params": params}))
        out[f"case{k}_out"] = np.asarray(Xt, dtype=np.float64)
        out[f"case{k}_infinity_values"] = np.array(est.infinity_values_, dtype=np.float64)
        if kind == "array3d":
            out[f"case{k}_X"] = np.asarray(X, dtype=np.float64)
        elif kind == "sparse":
            for i, x in enumerate(X):
                out[f"case{k}_X{i}_row"] = x.row.astype(np.int64)
                out[f"case{k}_X{i}_col"] = x.col.astype(np.int64)
                out[f"case{k}_X{i}_data"] = x.data.astype(np.float64)
                out[f"case{k}_X{i}_shape"] = np.array(x.shape, dtype=np.int64)
        else:
            for i, x in enumerate(X):
                out[f"case{k}_X{i}"] = np.asarray(x, dtype=np.float64)
        out[f"case{k}_n_inputs"] = np.array(len(X))
        print(f"{name:45s} {Xt.shape}")
    out["gtda_version"] = np.array(gtda.__version__)
    out["n_cases"] = np.array(len(cases))
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
