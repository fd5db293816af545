#!/usr/bin/env python3
"""Regenerate crates/tda-vectorize/tests/fixtures/fit.json: ranges fitted to a
collection of diagrams by persim and gudhi, and the vectors they then give.

Run from the repository root with a Python that has numpy, persim (0.4.x) and
gudhi installed (scipy and scikit-learn come with them):

    python3 -m venv .venv && .venv/bin/pip install numpy persim gudhi
    .venv/bin/python tools/gen_fit_fixtures.py

Each case holds the diagrams our builders' `fit` sees ("diagrams": lists of
[birth, death], death `null` for +infinity). The references see the same
diagrams without their essential pairs (persim's and gudhi's fits fail or
give infinite ranges on them; ours leave them out), so every case also checks
that ours leave them out.

Cases:
- "image_exact": births and deaths on multiples of 1/8 and pixel_size 1/8,
  so persim pads nothing: persim's fitted ranges, resolution and images are
  ours exactly, and both ranges equal gudhi's fitted im_range.
- "image_padded": smooth random diagrams: gudhi's im_range (ours exactly),
  persim's padded ranges and resolution for its pixel_size, and persim's
  images on that padded grid (the test widens our fitted ranges the way
  persim does and compares the images).
- "image_legacy": persim 0.1 PersImage without specs (it fits minBD and maxBD
  to the diagrams it transforms), and its images.
- "curves": one set of diagrams, and for each of gudhi's Landscape,
  BettiCurve, Silhouette and Entropy(mode="vector") with sample_range
  [nan, nan]: keep_endpoints=True (our fit exactly: the fitted range, the
  grid and the values) and keep_endpoints=False (reached with
  resolution + 2 samples, see the crate docs).
"""

import json
import os
import warnings

import numpy as np
import gudhi.representations as gr
import persim

OUT = os.path.join("crates", "tda-vectorize", "tests", "fixtures", "fit.json")


def jdiag(d):
    return [[float(b), None if np.isinf(x) else float(x)] for b, x in d]


def finite(d):
    return d[np.isfinite(d).all(axis=1)]


def with_essential(rng, dgms):
    """Adds an essential pair [b, inf) to every other diagram, b outside the
    finite extent (so a fit that took it in would differ)."""
    out = []
    for i, d in enumerate(dgms):
        if i % 2 == 0:
            b = float(np.min(d[:, 0])) - 3.0 if len(d) else -3.0
            d = np.vstack([d, [[b, np.inf]]])
        out.append(d)
    return out


def smooth(rng, n, lo, hi, pmax):
    b = rng.uniform(lo, hi, n)
    return np.column_stack([b, b + rng.uniform(0.01, pmax, n)])


def dyadic(rng, n, lo8, hi8, pmax8):
    b = rng.integers(lo8, hi8, n) / 8.0
    return np.column_stack([b, b + rng.integers(1, pmax8, n) / 8.0])


def imager(px, sigma):
    return persim.PersistenceImager(
        pixel_size=px,
        weight="persistence",
        weight_params={"n": 1.0},
        kernel_params={"sigma": [[sigma * sigma, 0.0], [0.0, sigma * sigma]]},
    )


def gudhi_im_range(dgms, res):
    pi = gr.PersistenceImage(resolution=list(res), im_range=[np.nan] * 4).fit(dgms)
    return [float(v) for v in pi.im_range_fixed_]


def image_cases(rng):
    cases = []
    for n_dgms, n in ((1, 6), (3, 10), (4, 20)):
        # Exact: dyadic values, pixel_size 1/8.
        dgms = [dyadic(rng, n, -4, 12, 8) for _ in range(n_dgms)]
        px, sigma = 0.125, 0.2
        pim = imager(px, sigma)
        pim.fit(dgms, skew=True)
        lo_b, hi_b = min(d[:, 0].min() for d in dgms), max(d[:, 0].max() for d in dgms)
        assert tuple(pim.birth_range) == (lo_b, hi_b), (pim.birth_range, lo_b, hi_b)
        imgs = pim.transform(dgms, skew=True)
        nx, ny = pim.resolution
        im_range = gudhi_im_range(dgms, (nx, ny))
        assert im_range == [*pim.birth_range, *pim.pers_range], (im_range, pim.birth_range, pim.pers_range)
        cases.append(
            {
                "kind": "image_exact",
                "sigma": sigma,
                "pixel_size": px,
                "diagrams": [jdiag(d) for d in with_essential(rng, dgms)],
                "gudhi_im_range": im_range,
                "persim_birth_range": [float(v) for v in pim.birth_range],
                "persim_pers_range": [float(v) for v in pim.pers_range],
                "persim_resolution": [int(nx), int(ny)],
                "expected": [img.ravel().tolist() for img in imgs],
            }
        )
        # Padded: smooth values, a pixel size that does not divide the ranges.
        dgms = [smooth(rng, n, -1.0, 2.0, 1.5) for _ in range(n_dgms)]
        px, sigma = 0.3, 0.15
        pim = imager(px, sigma)
        pim.fit(dgms, skew=True)
        imgs = pim.transform(dgms, skew=True)
        nx, ny = pim.resolution
        cases.append(
            {
                "kind": "image_padded",
                "sigma": sigma,
                "pixel_size": px,
                "diagrams": [jdiag(d) for d in with_essential(rng, dgms)],
                "gudhi_im_range": gudhi_im_range(dgms, (nx, ny)),
                "persim_birth_range": [float(v) for v in pim.birth_range],
                "persim_pers_range": [float(v) for v in pim.pers_range],
                "persim_resolution": [int(nx), int(ny)],
                "expected": [img.ravel().tolist() for img in imgs],
            }
        )
        # Legacy PersImage, specs fitted by transform.
        dgms = [smooth(rng, n, -0.5, 1.0, 0.8) for _ in range(n_dgms)]
        nx, ny, sigma = 12, 9, 0.1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pim = persim.PersImage(pixels=[nx, ny], spread=sigma, verbose=False)
            imgs = pim.transform(dgms)
        cases.append(
            {
                "kind": "image_legacy",
                "sigma": sigma,
                "resolution": [nx, ny],
                "diagrams": [jdiag(d) for d in with_essential(rng, dgms)],
                "persim_specs": [float(pim.specs["minBD"]), float(pim.specs["maxBD"])],
                "expected": [np.asarray(img).ravel().tolist() for img in imgs],
            }
        )
    return cases


def curve_cases(rng):
    cases = []
    for n_dgms, n in ((1, 5), (3, 12), (4, 20)):
        dgms = [smooth(rng, n, 0.0, 4.0, 2.0) for _ in range(n_dgms)]
        results = []
        for keep in (True, False):
            for res in (7, 20):
                specs = [
                    ("landscape", {"num_landscapes": 3}, gr.Landscape(num_landscapes=3, resolution=res, keep_endpoints=keep), np.sqrt(2.0)),
                    ("betti", {}, gr.BettiCurve(resolution=res, keep_endpoints=keep), 1.0),
                    ("silhouette", {"power": 1.0}, gr.Silhouette(weight=lambda x: x[1] - x[0], resolution=res, keep_endpoints=keep), np.sqrt(2.0)),
                    ("entropy_summary", {}, gr.Entropy(mode="vector", normalized=True, resolution=res, keep_endpoints=keep), 1.0),
                ]
                for kind, params, est, scale in specs:
                    est.fit(dgms)
                    vals = est.transform(dgms) / scale
                    lo = min(d[:, 0].min() for d in dgms)
                    hi = max(d[:, 1].max() for d in dgms)
                    assert list(est.sample_range_fixed_) == [lo, hi]
                    if keep:
                        assert np.array_equal(est.grid_, np.linspace(lo, hi, res))
                    results.append(
                        {
                            "curve": kind,
                            "keep_endpoints": keep,
                            "resolution": res,
                            **params,
                            "sample_range": [float(lo), float(hi)],
                            "grid": [float(t) for t in est.grid_],
                            "expected": [np.asarray(v, dtype=float).tolist() for v in vals],
                        }
                    )
        cases.append(
            {
                "kind": "curves",
                "diagrams": [jdiag(d) for d in with_essential(rng, dgms)],
                "results": results,
            }
        )
    return cases


def main():
    rng = np.random.default_rng(20261129)
    cases = image_cases(rng) + curve_cases(rng)
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/gen_fit_fixtures.py", "cases": cases}, f)
    print("wrote", OUT, len(cases), "cases")


if __name__ == "__main__":
    main()
