#!/usr/bin/env python3
"""Regenerate the tda-vectorize test fixtures from persim and gudhi.

Run from the repository root with a Python that has numpy, persim (0.4.x) and
gudhi installed:

    .venv/bin/python tools/gen_vectorize_fixtures.py

Writes crates/tda-vectorize/tests/fixtures/{persim_imager,persim_persimage,
gudhi_curves,gudhi_summaries}.json (the last one also needs scipy). Diagrams
are lists of [birth, death]; a death of `null` stands for +infinity (JSON has
no infinity).
"""

import json
import os
import warnings

import numpy as np
import gudhi.representations as gr
import persim

OUT = os.path.join("crates", "tda-vectorize", "tests", "fixtures")


def diagram(rng, n, lo, hi, pmax):
    b = rng.uniform(lo, hi, n)
    p = rng.uniform(0.0, pmax, n)
    return np.column_stack([b, b + p])


def dump(name, cases):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"generator": "tools/gen_vectorize_fixtures.py", "cases": cases}, f)
    print("wrote", path, len(cases), "cases")


def jdiag(d):
    return [[float(b), None if np.isinf(x) else float(x)] for b, x in d]


def imager_cases(rng):
    """persim.PersistenceImager (contiguous grid); image shape (n_birth, n_pers)."""
    cases = []
    specs = [
        # birth_range, pers_range, pixel_size, sigma (std), weight, weight_params, ours
        ((0.0, 1.0), (0.0, 1.0), 0.1, 0.1, "persistence", {"n": 1.0}, {"kind": "persistence"}),
        ((-2.0, 2.0), (0.0, 3.0), 0.25, 0.3, "persistence", {"n": 2.0}, {"kind": "power", "n": 2.0}),
        (
            (-1.0, 1.0),
            (0.0, 2.0),
            0.125,
            0.05,
            "linear_ramp",
            {"low": 0.2, "high": 1.5, "start": 0.1, "end": 1.2},
            {"kind": "linear_ramp", "low": 0.2, "high": 1.5, "start": 0.1, "end": 1.2},
        ),
    ]
    for (br, pr, px, s, w, wp, ours) in specs:
        for n in (1, 7, 40):
            d = diagram(rng, n, br[0] - 0.3, br[1] + 0.3, (pr[1] - pr[0]) * 1.1)
            pim = persim.PersistenceImager(
                birth_range=br,
                pers_range=pr,
                pixel_size=px,
                weight=w,
                weight_params=wp,
                kernel_params={"sigma": [[s * s, 0.0], [0.0, s * s]]},
            )
            nx, ny = pim.resolution
            assert np.allclose(pim._bpnts, np.linspace(br[0], br[1], nx + 1), atol=1e-14)
            assert np.allclose(pim._ppnts, np.linspace(pr[0], pr[1], ny + 1), atol=1e-14)
            img = pim.transform(d, skew=True)
            assert img.shape == (nx, ny)
            cases.append(
                {
                    "birth_range": br,
                    "pers_range": pr,
                    "resolution": [nx, ny],
                    "sigma": s,
                    "weight": ours,
                    "diagram": jdiag(d),
                    "expected": img.ravel().tolist(),
                }
            )
    return cases


def persimage_cases(rng):
    """persim.PersImage (legacy, deprecated); image shape (ny, nx), rows = persistence descending."""
    cases = []
    specs = [
        # minBD, maxBD, (nx, ny), sigma, diagram generator
        (0.0, 1.0, (20, 20), 0.05, lambda n: diagram(rng, n, 0.0, 0.7, 0.3)),
        (-10.0, 10.0, (50, 50), 0.25, lambda n: diagram(rng, n, -3.0, 3.0, 4.0)),
        (-1.0, 2.0, (8, 5), 0.2, lambda n: diagram(rng, n, -1.5, 1.5, 1.5)),
    ]
    for (lo, hi, (nx, ny), s, gen) in specs:
        for n in (1, 9, 60):
            d = gen(n)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pim = persim.PersImage(
                    pixels=[nx, ny], spread=s, specs={"minBD": lo, "maxBD": hi}, verbose=False
                )
            img = pim.transform(d)
            assert img.shape == (ny, nx)
            cases.append(
                {
                    "birth_range": [lo, hi],
                    "resolution": [nx, ny],
                    "sigma": s,
                    "diagram": jdiag(d),
                    "expected": img.ravel().tolist(),
                }
            )
    return cases


def gudhi_cases(rng):
    """gudhi Landscape (divided by sqrt(2)) and BettiCurve on a given sample range."""
    cases = []
    for n in (1, 5, 30):
        # Births and deaths on multiples of 0.25 so that some sit exactly on samples.
        b = rng.integers(0, 16, n) * 0.25
        p = rng.integers(1, 8, n) * 0.25
        tied = np.column_stack([b, b + p])
        smooth = diagram(rng, n, 0.0, 4.0, 2.0)
        for d in (tied, smooth):
            for (k, res, rng_) in ((1, 21, (0.0, 5.0)), (3, 21, (0.0, 5.0)), (5, 100, (-1.0, 6.0))):
                land = gr.Landscape(num_landscapes=k, resolution=res, sample_range=list(rng_))
                vals = land.fit_transform([d])[0] / np.sqrt(2.0)
                assert np.allclose(land.grid_, np.linspace(rng_[0], rng_[1], res), rtol=0, atol=0)
                cases.append(
                    {
                        "kind": "landscape",
                        "num_landscapes": k,
                        "resolution": res,
                        "sample_range": list(rng_),
                        "essential": "drop",
                        "diagram": jdiag(d),
                        "expected": vals.tolist(),
                    }
                )
            for (res, rng_) in ((21, (0.0, 5.0)), (100, (-1.0, 6.0))):
                bc = gr.BettiCurve(resolution=res, sample_range=list(rng_))
                vals = bc.fit_transform([d])[0]
                assert np.array_equal(bc.grid_, np.linspace(rng_[0], rng_[1], res))
                cases.append(
                    {
                        "kind": "betti",
                        "resolution": res,
                        "sample_range": list(rng_),
                        "essential": "drop",
                        "diagram": jdiag(d),
                        "expected": vals.astype(float).tolist(),
                    }
                )
    # An essential pair: gudhi counts it in the Betti curve (our Essential::Keep).
    d = np.array([[0.5, 2.0], [1.0, np.inf], [1.25, 1.75]])
    bc = gr.BettiCurve(resolution=21, sample_range=[0.0, 5.0])
    vals = bc.fit_transform([d])[0]
    cases.append(
        {
            "kind": "betti",
            "resolution": 21,
            "sample_range": [0.0, 5.0],
            "essential": "keep",
            "diagram": jdiag(d),
            "expected": vals.astype(float).tolist(),
        }
    )
    return cases


def gudhi_summary_cases(rng):
    """gudhi Silhouette (divided by sqrt(2)), Entropy scalar and vector modes.

    Also `giotto_formula` entropy cases: giotto-tda is not installed, so these
    re-evaluate the formula of its PersistenceEntropy._persistence_entropy
    (scipy.stats.entropy(lifetimes, base=2), divided by log2(sum of lifetimes)
    when normalize=True), not giotto-tda itself.
    """
    from scipy.stats import entropy as sp_entropy

    cases = []
    diagrams = [np.zeros((0, 2)), np.array([[0.5, 2.0]])]
    for n in (2, 6, 25):
        # Multiples of 0.25 (samples of the 0.25-step grids fall on ends),
        # with a duplicated bar; and smooth random bars.
        b = rng.integers(0, 16, n) * 0.25
        p = rng.integers(1, 8, n) * 0.25
        tied = np.column_stack([b, b + p])
        tied = np.vstack([tied, tied[:1]])
        diagrams += [tied, diagram(rng, n, 0.0, 4.0, 2.0)]
    grids = ((21, (0.0, 5.0)), (100, (-1.0, 6.0)), (7, (1.0, 3.0)))
    for d in diagrams:
        for power in (0.0, 1.0, 2.0):
            for (res, rng_) in grids:
                sil = gr.Silhouette(
                    weight=lambda x, q=power: (x[1] - x[0]) ** q,
                    resolution=res,
                    sample_range=list(rng_),
                )
                vals = sil.fit_transform([d])[0] / np.sqrt(2.0)
                assert np.array_equal(sil.grid_, np.linspace(rng_[0], rng_[1], res))
                cases.append(
                    {
                        "kind": "silhouette",
                        "power": power,
                        "resolution": res,
                        "sample_range": list(rng_),
                        "essential": "drop",
                        "diagram": jdiag(d),
                        "expected": vals.tolist(),
                    }
                )
        ent = gr.Entropy(mode="scalar").fit_transform([d])[0]
        cases.append({"kind": "entropy", "essential": "drop", "diagram": jdiag(d), "expected": ent.tolist()})
        if len(d) > 0:
            life = d[:, 1] - d[:, 0]
            for normalize in (False, True):
                e = sp_entropy(life, base=2)
                if normalize:
                    e = e / np.log2(np.sum(life))
                cases.append(
                    {
                        "kind": "giotto_formula",
                        "normalize": normalize,
                        "diagram": jdiag(d),
                        "expected": [float(e)],
                    }
                )
        if len(d) > 1:
            for normalized in (False, True):
                for (res, rng_) in grids:
                    es = gr.Entropy(mode="vector", normalized=normalized, resolution=res, sample_range=list(rng_))
                    vals = es.fit_transform([d])[0]
                    assert np.array_equal(es.grid_, np.linspace(rng_[0], rng_[1], res))
                    cases.append(
                        {
                            "kind": "entropy_summary",
                            "normalized": normalized,
                            "resolution": res,
                            "sample_range": list(rng_),
                            "essential": "drop",
                            "diagram": jdiag(d),
                            "expected": vals.tolist(),
                        }
                    )
    # An essential pair clamped at 3.5 (gudhi sees the clamped diagram).
    d_inf = np.array([[0.5, 2.0], [1.0, np.inf], [1.25, 1.75]])
    d_clamped = np.where(np.isinf(d_inf), 3.5, d_inf)
    for power in (0.0, 1.0, 2.0):
        sil = gr.Silhouette(weight=lambda x, q=power: (x[1] - x[0]) ** q, resolution=21, sample_range=[0.0, 5.0])
        vals = sil.fit_transform([d_clamped])[0] / np.sqrt(2.0)
        cases.append(
            {
                "kind": "silhouette",
                "power": power,
                "resolution": 21,
                "sample_range": [0.0, 5.0],
                "essential": 3.5,
                "diagram": jdiag(d_inf),
                "expected": vals.tolist(),
            }
        )
    ent = gr.Entropy(mode="scalar").fit_transform([d_clamped])[0]
    cases.append({"kind": "entropy", "essential": 3.5, "diagram": jdiag(d_inf), "expected": ent.tolist()})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261121)
    dump("persim_imager.json", imager_cases(rng))
    dump("persim_persimage.json", persimage_cases(rng))
    dump("gudhi_curves.json", gudhi_cases(rng))
    dump("gudhi_summaries.json", gudhi_summary_cases(np.random.default_rng(20261122)))


if __name__ == "__main__":
    main()
