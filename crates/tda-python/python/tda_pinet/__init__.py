"""tda_pinet: exact persistence diagrams, persistence images, landscapes,
Betti curves and diagram distances, computed in Rust.

Two ways in:

* drop-in modules with the signatures, defaults and outputs of the tools
  people use: ``tda_pinet.ripser.ripser`` (ripser.py) and
  ``tda_pinet.persim`` (``PersistenceImager``, ``bottleneck``,
  ``wasserstein``): change the import, keep the code;
* the native API below, shaped like the Rust crates: batch calls take 2-D
  arrays and return one array where a feature matrix is what you want;
  ``tda_pinet.pinet`` (Signal / Image PI-Net inference from a checkpoint),
  ``tda_pinet.sklearn`` (scikit-learn transformers) and ``tda_pinet.dask``
  (the batch features mapped over a Dask cluster).

Diagrams are ``(n, 2)`` float64 arrays of ``(birth, death)`` rows; an
essential bar dies at ``inf`` (``-inf`` for the superlevel filtration's).
Every function accepts arrays of any real dtype and memory layout, releases
the GIL while it computes, and raises ``ValueError`` (``TypeError`` for a
wrong type, ``MemoryError`` over the memory limit) naming the bad argument.
``n_jobs`` sets the threads of a batch call (``None`` or ``-1``: all cores,
or ``RAYON_NUM_THREADS``); results never depend on it.
"""

import math

import numpy as np

from . import _core
from ._arrays import as_diagram, as_diagrams, as_float64, as_tuple

__version__ = _core.__version__

__all__ = [
    "sublevel_h0",
    "superlevel_h0",
    "cubical_persistence",
    "rips",
    "rips_batch",
    "persistence_images",
    "landscapes",
    "betti_curves",
    "silhouettes",
    "entropy",
    "bottleneck",
    "wasserstein",
    "emph_modes",
    "emph_barcodes",
    "emph_collection_barcodes",
    "emph_random_rays",
    "emph_search_rays",
]


def _h0(x, superlevel, n_jobs):
    a = np.asarray(x)
    if a.ndim == 1:
        return _core.h0(as_float64(a, "x", 1), superlevel)
    return _core.h0_batch(as_float64(a, "x", 2), superlevel, n_jobs)


def sublevel_h0(x, n_jobs=None):
    """H0 of the sublevel filtration of a signal (1-D ``x``: one ``(n, 2)``
    diagram) or of each row of a 2-D ``x`` (a list of diagrams).

    Equals gudhi's ``CubicalComplex(vertices=x)`` dimension 0 and ripser's
    ``lower_star`` idiom; zero-persistence pairs are omitted; the global
    minimum's bar dies at ``inf``.
    """
    return _h0(x, False, n_jobs)


def superlevel_h0(x, n_jobs=None):
    """H0 of the superlevel filtration (components born at local maxima,
    dying at the minimum that merges them; ``death < birth``), as
    :func:`sublevel_h0`; the global maximum's bar dies at ``-inf``."""
    return _h0(x, True, n_jobs)


def cubical_persistence(image, connectivity=4):
    """``[H0, H1]`` of the lower-star filtration of a 2-D image.

    ``connectivity=4``: edge-adjacent pixels, gudhi's
    ``CubicalComplex(vertices=image)``; ``8``: also corner-adjacent, gudhi's
    ``CubicalComplex(top_dimensional_cells=image)``.
    """
    return _core.cubical(as_float64(image, "image", 2), connectivity)


def rips(X, maxdim=1, thresh=math.inf, metric="euclidean", distance_matrix=False, n_jobs=None):
    """Vietoris-Rips diagrams ``[H0, ..., H_maxdim]`` of a point cloud (one
    point per row) or of a distance matrix (``distance_matrix=True``), with
    Z/2 coefficients, up to ``thresh`` (``inf``: the enclosing radius, which
    gives the same diagrams). ``metric``: euclidean, manhattan or
    chebyshev. For ripser.py's signature and result dictionary, use
    :func:`tda_pinet.ripser.ripser`."""
    X = as_float64(X, "X", 2)
    dgms = _core.rips(X, maxdim, thresh, metric, distance_matrix, n_jobs=n_jobs, dperm2all=False)[0]
    return dgms


def rips_batch(Xs, maxdim=1, thresh=math.inf, metric="euclidean", distance_matrix=False, coeff=2, n_jobs=None):
    """Vietoris-Rips diagrams of many point clouds (or distance matrices),
    computed in parallel on ``n_jobs`` threads (the results do not depend
    on it): one list ``[H0, ..., H_maxdim]`` per input, as :func:`rips`
    gives for each. Point clouds must have the same number of coordinates;
    a bad input raises naming its index."""
    Xs = [as_float64(X, f"Xs[{i}]", 2) for i, X in enumerate(Xs)]
    return _core.rips_batch(Xs, maxdim, thresh, metric, distance_matrix, coeff, n_jobs)


def persistence_images(
    diagrams,
    birth_range,
    pers_range,
    resolution=(20, 20),
    sigma=0.1,
    weight="persistence",
    n=1.0,
    ramp=None,
    grid="contiguous",
    essential="drop",
    min_persistence=None,
    normalize="none",
    n_jobs=None,
):
    """Exact persistence images (Adams et al. 2017) of a list of diagrams:
    a float32 array ``(len(diagrams), rows, cols)``.

    Each point ``(b, p = |d - b|)`` carries a Gaussian of standard deviation
    ``sigma`` (persim's ``PersistenceImager`` takes the variance instead),
    weighted by ``weight``: ``"persistence"`` (``p**n``), ``"constant"`` or
    ``"linear_ramp"`` with ``ramp=(low, high, start, end)``; a pixel holds
    the Gaussian's exact integral over it.

    ``grid="contiguous"``: ``resolution=(nx, ny)`` pixels tiling
    ``birth_range x pers_range``, images ``(nx, ny)`` birth-major (persim's
    ``PersistenceImager``). ``grid="legacy"``: persim 0.1 ``PersImage``'s
    grid with ``birth_range=(minBD, maxBD)``, images ``(ny, nx)`` with
    persistence descending, weights divided by the diagram's largest
    (PI-Net's recipe with ``normalize="max"``).

    ``essential``: ``"drop"`` infinite bars (default) or a number to use as
    their death. ``min_persistence``: drop bars with ``p <=`` it.
    ``normalize``: ``"none"``, ``"max"`` or ``"sum"`` per image.
    """
    ds, _ = as_diagrams(diagrams, "diagrams")
    return _core.persistence_images(
        ds,
        as_tuple(birth_range, "birth_range", 2),
        as_tuple(pers_range, "pers_range", 2),
        as_tuple(resolution, "resolution", 2, int),
        sigma,
        weight,
        n,
        None if ramp is None else as_tuple(ramp, "ramp", 4),
        grid,
        essential,
        min_persistence,
        normalize,
        n_jobs,
    )


def landscapes(diagrams, num_landscapes=5, sample_range=(0.0, 1.0), resolution=100, essential="drop", n_jobs=None):
    """Persistence landscapes ``lambda_1..lambda_k`` at ``resolution``
    evenly spaced samples of ``sample_range`` (endpoints included): a
    float32 array ``(len(diagrams), k * resolution)``, landscape-major.
    Equal to persim's exact landscapes and giotto-tda's; gudhi's
    ``Landscape`` returns ``sqrt(2)`` times these values."""
    ds, _ = as_diagrams(diagrams, "diagrams")
    return _core.landscapes(
        ds, num_landscapes, as_tuple(sample_range, "sample_range", 2), resolution, essential, n_jobs
    )


def betti_curves(diagrams, sample_range=(0.0, 1.0), resolution=100, essential="drop", n_jobs=None):
    """Betti curves ``#{bars with b <= t < d}`` at ``resolution`` samples of
    ``sample_range``: a float32 array ``(len(diagrams), resolution)``
    (gudhi's ``BettiCurve``, giotto-tda's). ``essential="keep"`` counts
    infinite bars."""
    ds, _ = as_diagrams(diagrams, "diagrams")
    return _core.betti_curves(ds, as_tuple(sample_range, "sample_range", 2), resolution, essential, n_jobs)


def silhouettes(diagrams, power=1.0, sample_range=(0.0, 1.0), resolution=100, essential="drop", n_jobs=None):
    """Silhouettes (averages of the tents weighted by ``|d - b|**power``)
    at ``resolution`` samples of ``sample_range``: a float32 array
    ``(len(diagrams), resolution)``: giotto-tda's values; gudhi's
    ``Silhouette`` with weight ``pers**power`` returns ``sqrt(2)`` times
    these (its tents are scaled so)."""
    ds, _ = as_diagrams(diagrams, "diagrams")
    return _core.silhouettes(ds, power, as_tuple(sample_range, "sample_range", 2), resolution, essential, n_jobs)


def entropy(diagrams, base=math.e, normalization="raw", essential="drop", undefined_value=0.0, n_jobs=None):
    """Persistent entropy of each diagram, the Shannon entropy of its bar
    lengths in ``base``: a float32 array ``(len(diagrams),)``.
    ``normalization``: ``"raw"`` (gudhi's ``Entropy``, giotto-tda's
    ``PersistenceEntropy(normalize=False)``), ``"log_bars"`` (divided by
    the log of the number of bars) or ``"log_total_length"`` (giotto-tda's
    ``normalize=True``); ``undefined_value`` for a diagram without bars."""
    ds, _ = as_diagrams(diagrams, "diagrams")
    return _core.entropies(ds, base, normalization, essential, undefined_value, n_jobs)[:, 0]


def emph_modes(x, k, n_jobs=None):
    """EMPH (Kim & Jung): the radii ``r_1..r_k`` of the first ``k`` Fourier
    modes of each series (rows of a 2-D ``x``, or one 1-D series), ``r_j =
    2 |X_j| / N``: an ``(n, k)`` array (``(k,)`` for one series)."""
    a = np.asarray(x)
    if a.ndim == 1:
        return _core.emph_modes(as_float64(a, "x", 1)[np.newaxis, :], k, n_jobs)[0]
    return _core.emph_modes(as_float64(a, "x", 2), k, n_jobs)


def _rows(radii):
    r = np.asarray(radii)
    return as_float64(r[np.newaxis, :] if r.ndim == 1 else r, "radii", 2), r.ndim == 1


def _ray_part(v, name):
    return None if v is None else as_float64(v, name, 1)


def emph_barcodes(radii, dim=1, direction=None, endpoint=None, n_jobs=None):
    """The exact degree-``dim`` EMPH barcode of each row of ``radii`` (from
    :func:`emph_modes`) along the ray ``e(t) = endpoint + t v``, ``v`` the
    ``direction`` (positive entries) normalised so that the diagonal has
    ``v = 1``; the diagonal ray through 0 by default. A list of diagrams
    (one diagram for a 1-D ``radii``)."""
    r, one = _rows(radii)
    ds = _core.emph_barcodes(r, dim, _ray_part(direction, "direction"), _ray_part(endpoint, "endpoint"), n_jobs)
    return ds[0] if one else ds


def emph_collection_barcodes(radii, directions, endpoints, n_jobs=None):
    """EMPH barcodes along a ray collection (Kim & Jung, Definition 4.11):
    mode ``j`` read along ray ``j`` alone, whose direction and endpoint are
    row ``j`` of the ``(k, k)`` arrays ``directions`` and ``endpoints``."""
    r, one = _rows(radii)
    ds = _core.emph_collection_barcodes(
        r, as_float64(directions, "directions", 2), as_float64(endpoints, "endpoints", 2), n_jobs
    )
    return ds[0] if one else ds


def emph_random_rays(k, count, seed=0):
    """``count`` random rays of ``k`` coordinates, reproducible from
    ``seed``, drawn as the paper's search draws them: ``(velocities,
    endpoints)``, two ``(count, k)`` arrays (pass a row of each back as
    ``direction`` and ``endpoint``)."""
    return _core.emph_random_rays(k, count, seed)


def emph_search_rays(k, count, score, seed=0):
    """The ray with the highest ``score(direction, endpoint)`` among
    ``count`` random rays (:func:`emph_random_rays`), e.g. a cross-validated
    accuracy of the features it gives: ``(direction, endpoint,
    best_score)``. Ties keep the earlier ray; NaN scores never win (if all
    are NaN, the first ray is returned with NaN)."""
    if count < 1:
        raise ValueError(f"count: at least one ray must be tried, got {count}")
    velocities, endpoints = emph_random_rays(k, count, seed)
    best, best_score = 0, float(score(velocities[0], endpoints[0]))
    for i in range(1, count):
        s = float(score(velocities[i], endpoints[i]))
        if s > best_score or (math.isnan(best_score) and not math.isnan(s)):
            best, best_score = i, s
    return velocities[best], endpoints[best], best_score


def bottleneck(a, b, matching=False):
    """The exact bottleneck distance between two diagrams (``L^inf`` ground
    metric), gudhi's semantics: essential bars are matched among
    themselves, the distance is ``inf`` if their numbers differ. With
    ``matching=True``, returns ``(distance, pairs)``: ``pairs`` an
    ``(m, 2)`` int64 array of matched row indices, ``-1`` for the diagonal.
    For persim's semantics (essential bars dropped), see
    :func:`tda_pinet.persim.bottleneck`."""
    return _core.bottleneck(as_diagram(a, "a"), as_diagram(b, "b"), matching)


def wasserstein(a, b, order=1.0, internal_p=math.inf, matching=False):
    """The exact ``order``-Wasserstein distance between two diagrams with
    the ``L^internal_p`` ground metric: gudhi's
    ``wasserstein_distance(a, b, order, internal_p)``. ``matching`` as in
    :func:`bottleneck`."""
    return _core.wasserstein(as_diagram(a, "a"), as_diagram(b, "b"), order, internal_p, matching)
