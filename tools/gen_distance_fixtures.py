#!/usr/bin/env python3
"""Regenerate the tda-vectorize distance fixtures from gudhi and persim.

Run from the repository root with a Python that has numpy, scipy, gudhi,
persim (0.4.x) and POT (`pip install pot`, needed by gudhi.wasserstein)
installed:

    .venv/bin/python tools/gen_distance_fixtures.py

Writes crates/tda-vectorize/tests/fixtures/distances.json: a list of cases,
each with two diagrams `a` and `b` in the crate's convention (lists of
[birth, death]; a death of `null` is +inf, the string "-inf" is -inf; pairs
with death < birth are superlevel pairs) and the reference values:

- `bottleneck`: gudhi.bottleneck_distance(A, B, e=0) (exact);
- `wasserstein`: a list of {p, internal_p, value} from
  gudhi.wasserstein.wasserstein_distance(A, B, order=p, internal_p=q)
  (POT's exact network simplex; keep_essential_parts=True);
- `persim_bottleneck`, `persim_wasserstein` where persim applies (no
  essential and no superlevel pairs): persim.bottleneck (L-inf, exact) and
  persim.wasserstein (p = 1 with the Euclidean ground metric, i.e. our
  internal_p = 2; only accurate to about 1e-8, see below).

An infinite reference value is written as `null`. gudhi is given each pair
as the point (min(b, d), max(b, d)), and a superlevel essential pair
(b, -inf) as (-inf, b), which is how the crate reads them.
"""

import json
import os
import warnings

import numpy as np
import gudhi
import persim
from gudhi.wasserstein import wasserstein_distance

OUT = os.path.join("crates", "tda-vectorize", "tests", "fixtures", "distances.json")
ORDERS = (1.0, 2.0, 3.5)
INTERNAL = (1.0, 2.0, np.inf)


def random_diagram(rng, n, lo=-2.0, hi=2.0, pmax=3.0):
    b = rng.uniform(lo, hi, n)
    return np.column_stack([b, b + rng.uniform(0.0, pmax, n)])


def tied_diagram(rng, n):
    """Coordinates on a coarse grid: many equal costs."""
    b = rng.integers(0, 6, n) * 0.5
    return np.column_stack([b, b + rng.integers(0, 5, n) * 0.5])


def to_gudhi(d):
    """Our pairs -> gudhi points: (min, max); (b, -inf) -> (-inf, b)."""
    out = []
    for b, x in d:
        if x == -np.inf:
            out.append([-np.inf, b])
        elif x == np.inf:
            out.append([b, np.inf])
        else:
            out.append([min(b, x), max(b, x)])
    return np.array(out, dtype=float).reshape(-1, 2)


def jdiag(d):
    def death(x):
        if x == np.inf:
            return None
        if x == -np.inf:
            return "-inf"
        return float(x)

    return [[float(b), death(x)] for b, x in d]


def jval(v):
    return None if np.isinf(v) else float(v)


def case(name, a, b):
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    b = np.asarray(b, dtype=float).reshape(-1, 2)
    ga, gb = to_gudhi(a), to_gudhi(b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bn = gudhi.bottleneck_distance(ga, gb, 0)
        ws = [
            {
                "p": p,
                "internal_p": None if np.isinf(q) else q,
                "value": jval(wasserstein_distance(ga, gb, order=p, internal_p=q)),
            }
            for p in ORDERS
            for q in INTERNAL
        ]
    c = {"name": name, "a": jdiag(a), "b": jdiag(b), "bottleneck": jval(bn), "wasserstein": ws}
    plain = all(np.isfinite(d).all() and (d[:, 1] >= d[:, 0]).all() for d in (a, b))
    if plain:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pb = persim.bottleneck(a, b)
            pw = persim.wasserstein(a, b)
        # persim and gudhi agree where both apply (checked here, once).
        assert abs(pb - bn) <= 1e-12 * max(1.0, bn), (name, pb, bn)
        w12 = next(w["value"] for w in ws if w["p"] == 1.0 and w["internal_p"] == 2.0)
        # persim.wasserstein takes Euclidean distances from sklearn's
        # pairwise_distances, whose |x|^2 + |y|^2 - 2 x.y expansion loses
        # about half the digits (3e-8 for identical diagrams): not exact.
        assert abs(pw - w12) <= 1e-6 * max(1.0, w12), (name, pw, w12)
        c["persim_bottleneck"] = float(pb)
        c["persim_wasserstein"] = float(pw)
    return c


def main():
    rng = np.random.default_rng(20240611)
    inf = np.inf
    cases = []

    # Random diagrams of various sizes.
    for na, nb in ((0, 0), (0, 5), (1, 0), (1, 1), (5, 5), (5, 30), (30, 30), (30, 100), (100, 100)):
        cases.append(case(f"random {na}x{nb}", random_diagram(rng, na), random_diagram(rng, nb)))
    # Nearby diagrams (a perturbed copy): the optimum matches points.
    for n in (5, 30, 100):
        a = random_diagram(rng, n)
        b = a + rng.normal(0.0, 0.05, a.shape)
        b[:, 1] = np.maximum(b[:, 1], b[:, 0])
        cases.append(case(f"perturbed {n}", a, b))
    # Ties: coordinates on a grid, zero-persistence points included.
    for na, nb in ((5, 5), (30, 30), (30, 100)):
        cases.append(case(f"ties {na}x{nb}", tied_diagram(rng, na), tied_diagram(rng, nb)))
    # Points on the diagonal, and identical diagrams.
    d = random_diagram(rng, 12)
    cases.append(case("diagonal points", [[0.5, 0.5], [1.0, 1.0], [2.0, 3.0]], [[1.5, 1.5], [2.0, 2.9]]))
    cases.append(case("identical", d, d))
    cases.append(case("only diagonal points", [[0.0, 0.0], [1.0, 1.0]], [[3.0, 3.0]]))
    # Superlevel-style pairs (death < birth), alone and mixed with sublevel ones.
    for na, nb in ((5, 5), (30, 30)):
        a = random_diagram(rng, na)[:, ::-1]
        b = random_diagram(rng, nb)[:, ::-1]
        cases.append(case(f"superlevel {na}x{nb}", a, b))
    cases.append(case("mixed orientation", np.vstack([random_diagram(rng, 4), random_diagram(rng, 4)[:, ::-1]]), random_diagram(rng, 6)))
    # Essential pairs: equal counts (finite distance), different counts (inf).
    for ne, n in ((1, 0), (1, 5), (3, 30)):
        a = np.vstack([random_diagram(rng, n), np.column_stack([rng.uniform(-2, 2, ne), np.full(ne, inf)])])
        b = np.vstack([random_diagram(rng, n), np.column_stack([rng.uniform(-2, 2, ne), np.full(ne, inf)])])
        cases.append(case(f"essential {ne}+{n}", a, b))
    cases.append(case("essential only", [[0.0, inf], [1.0, inf]], [[0.25, inf], [3.0, inf]]))
    cases.append(case("essential count differs", [[0.0, 1.0], [0.0, inf]], [[0.0, 1.5]]))
    cases.append(case("essential vs empty", [[0.0, inf]], []))
    # Superlevel essential pairs (death -inf), with their finite pairs.
    a = np.vstack([random_diagram(rng, 6)[:, ::-1], [[1.5, -inf]]])
    b = np.vstack([random_diagram(rng, 6)[:, ::-1], [[0.25, -inf]]])
    cases.append(case("superlevel essential", a, b))
    cases.append(case("both essential kinds", [[0.0, inf], [2.0, -inf], [0.5, 1.0]], [[1.0, inf], [2.5, -inf]]))
    cases.append(case("essential kinds differ", [[0.0, inf]], [[0.0, -inf]]))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/gen_distance_fixtures.py", "cases": cases}, f)
    print("wrote", OUT, len(cases), "cases")


if __name__ == "__main__":
    main()
