"""tda_pinet: exact persistence diagrams, persistence images, landscapes,
Betti curves and diagram distances, computed in Rust.

Two ways in:

* drop-in modules with the signatures, defaults and outputs of the tools
  people use: ``tda_pinet.ripser.ripser`` (ripser.py) and
  ``tda_pinet.persim`` (``PersistenceImager``, ``bottleneck``,
  ``wasserstein``): change the import, keep the code;
* the native API below, shaped like the Rust crates: batch calls take 2-D
  arrays and return one array where a feature matrix is what you want.

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
    "persistence_images",
    "landscapes",
    "betti_curves",
    "bottleneck",
    "wasserstein",
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
    dgms, _, _ = _core.rips(X, maxdim, thresh, metric, distance_matrix, n_jobs)
    return dgms


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
