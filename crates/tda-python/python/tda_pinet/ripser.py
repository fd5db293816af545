"""Drop-in replacement for ripser.py's ``ripser`` function.

``from tda_pinet.ripser import ripser`` in place of ``from ripser import
ripser``: same signature, defaults and result dictionary, diagrams equal to
ripser.py's. Differences, all deliberate:

* values are exact float64 distances; ripser.py rounds every distance to
  float32 first, so its values differ from these in the 8th digit, and bars
  whose ends tie in float32 may be split or merged differently;
* rows of a diagram come in this library's order (by birth, then death),
  not ripser.py's order of discovery;
* ``coeff`` other than 2, ``do_cocycles=True``, ``n_perm`` below the number
  of points (greedy subsampling), sparse distance matrices and distance
  matrices with a nonzero diagonal (vertex birth times) are not supported
  yet: they raise ``NotImplementedError``, never a different answer;
* ``cocycles`` is a list of empty lists (as ripser.py's without
  ``do_cocycles``); ``num_edges`` counts the pairs within the threshold
  (``thresh``, or the enclosing radius when it is ``inf``) in float64.

Metrics euclidean, manhattan/cityblock/l1, l2 and chebyshev are computed
here exactly; any other metric (a name or a callable) goes through
scikit-learn's ``pairwise_distances`` as ripser.py does, then the distance
matrix path.
"""

import warnings

import numpy as np

from . import _core
from ._arrays import as_float64

__all__ = ["ripser"]

_NATIVE_METRICS = ("euclidean", "l2", "manhattan", "cityblock", "l1", "chebyshev")


def _unsupported(what):
    return NotImplementedError(f"tda_pinet.ripser: {what} is not supported yet (use ripser.py for it)")


def ripser(
    X,
    maxdim=1,
    thresh=np.inf,
    coeff=2,
    distance_matrix=False,
    do_cocycles=False,
    metric="euclidean",
    n_perm=None,
):
    """Vietoris-Rips persistence diagrams, as ``ripser.ripser``.

    Parameters and result as ripser.py 0.6: ``X`` a point cloud (one point
    per row) or, with ``distance_matrix=True``, a square distance matrix;
    diagrams ``dgms[0..maxdim]`` up to ``thresh``. Returns the dictionary
    ``{"dgms", "cocycles", "num_edges", "dperm2all", "idx_perm",
    "r_cover"}``. See the module's docstring for what differs.
    """
    if coeff != 2:
        raise _unsupported(f"coeff={coeff} (only Z/2 coefficients)")
    if do_cocycles:
        raise _unsupported("do_cocycles=True")
    if _is_sparse(X):
        raise _unsupported("a sparse distance matrix")
    X = as_float64(X, "X", 2)
    n = X.shape[0]
    if distance_matrix:
        if X.shape[0] != X.shape[1]:
            raise ValueError("Distance matrix is not square")
    elif X.shape[0] == X.shape[1]:
        warnings.warn(
            "The input matrix is square, but the distance_matrix flag is off.  "
            "Did you mean to indicate that this was a distance matrix?"
        )
    elif X.shape[0] < X.shape[1]:
        warnings.warn("The input point cloud has more columns than rows; did you mean to transpose?")
    if n_perm:
        if n_perm > n:
            raise ValueError(
                "Number of points in greedy permutation is greater than number of points in the point cloud"
            )
        if n_perm < 0:
            raise ValueError("Should be a strictly positive number of points in the greedy permutation")
        if n_perm < n:
            raise _unsupported("n_perm (greedy subsampling)")
    maxdim = _non_negative_int(maxdim, "maxdim")
    try:
        thresh = float(thresh)
    except (TypeError, ValueError):
        raise TypeError(f"thresh: expected a number, got {thresh!r}") from None

    if not distance_matrix and not (isinstance(metric, str) and metric in _NATIVE_METRICS):
        X = _pairwise_distances(X, metric)
        distance_matrix = True
    if distance_matrix and n > 0 and np.any(np.diagonal(X) != 0):
        raise _unsupported("a distance matrix with a nonzero diagonal (vertex birth times)")

    # The engine needs maxdim + 1 points; ripser.py gives empty diagrams above.
    computed = min(maxdim, max(n - 1, 0))
    dgms, num_edges, dm = _core.rips(
        X, computed, thresh, metric if not distance_matrix else "euclidean", distance_matrix
    )
    dgms = list(dgms) + [np.empty((0, 2)) for _ in range(maxdim - computed)]
    return {
        "dgms": dgms,
        "cocycles": [[] for _ in range(maxdim + 1)],
        "num_edges": int(num_edges),
        "dperm2all": dm,
        "idx_perm": np.arange(n),
        "r_cover": 0.0,
    }


def _non_negative_int(v, name):
    try:
        i = int(v)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a non-negative integer, got {v!r}") from None
    if i != v or i < 0:
        raise ValueError(f"{name}: expected a non-negative integer, got {v!r}")
    return i


def _is_sparse(X):
    try:
        from scipy import sparse
    except ImportError:
        return False
    return sparse.issparse(X)


def _pairwise_distances(X, metric):
    try:
        from sklearn.metrics import pairwise_distances
    except ImportError:
        raise _unsupported(
            f"metric={metric!r} without scikit-learn (built in: {', '.join(_NATIVE_METRICS)})"
        ) from None
    return np.asarray(pairwise_distances(X, metric=metric), dtype=np.float64)
