"""Drop-in replacement for ripser.py's ``ripser`` function.

``from tda_pinet.ripser import ripser`` in place of ``from ripser import
ripser``: same signature, defaults and result dictionary, diagrams equal to
ripser.py's. Differences, all deliberate:

* values are exact float64 distances; ripser.py rounds every distance to
  float32 first, so its values differ from these in the 8th digit, and bars
  whose ends tie in float32 may be split or merged differently;
* rows of a diagram come in this library's order (by birth, then death),
  not ripser.py's order of discovery;
* ``coeff`` must be a prime (ripser.py does not check; a composite modulus
  gives it meaningless bars): anything else is a ``ValueError``;
* cocycles come in the order of this library's diagrams (ripser.py's order
  where bars have distinct ends); each is ripser.py's ``(k, d + 2)`` array;
* a sparse matrix holding the same pair twice is a ``ValueError``
  (ripser.py takes both entries and can return wrong bars or loop);
* a greedy subsample (``n_perm``) of a distance matrix with a nonzero
  diagonal raises ``NotImplementedError``.

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
    maxdim = _non_negative_int(maxdim, "maxdim")
    coeff = _non_negative_int(coeff, "coeff")
    try:
        thresh = float(thresh)
    except (TypeError, ValueError):
        raise TypeError(f"thresh: expected a number, got {thresh!r}") from None
    if _is_sparse(X):
        return _sparse(X, maxdim, thresh, coeff, do_cocycles, distance_matrix, n_perm)
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
    subsample = int(n_perm) if n_perm and n_perm < n else None

    if not distance_matrix and not (isinstance(metric, str) and metric in _NATIVE_METRICS):
        X = _pairwise_distances(X, metric)
        distance_matrix = True
    if distance_matrix and n > 0 and np.any(np.diagonal(X) != 0):
        # As ripser.py: a nonzero diagonal (vertex birth times) makes the
        # matrix sparse; its zero entries off the diagonal are dropped.
        if subsample is not None:
            raise _unsupported("n_perm with a nonzero diagonal (vertex birth times)")
        rows, cols = np.nonzero(X)
        dgms, cocycles, num_edges = _core.rips_sparse(
            n, rows.astype(np.int64), cols.astype(np.int64), X[rows, cols], maxdim, thresh, coeff, do_cocycles
        )
        return _result(dgms, cocycles, num_edges, X, np.arange(n), 0.0, maxdim)

    # The engine needs maxdim + 1 points; ripser.py gives empty diagrams above.
    points = subsample if subsample is not None else n
    computed = min(maxdim, max(points - 1, 0))
    dgms, cocycles, num_edges, dm, idx_perm, r_cover = _core.rips(
        X,
        computed,
        thresh,
        metric if not distance_matrix else "euclidean",
        distance_matrix,
        coeff,
        do_cocycles,
        subsample,
    )
    if idx_perm is None:
        idx_perm = np.arange(n)
    return _result(dgms, cocycles, num_edges, dm, idx_perm, r_cover, maxdim)


def _sparse(X, maxdim, thresh, coeff, do_cocycles, distance_matrix, n_perm):
    """ripser.py on a scipy.sparse distance matrix."""
    if n_perm and distance_matrix:
        raise ValueError("Greedy permutation is not supported for sparse distance matrices")
    if X.shape[0] != X.shape[1]:
        raise ValueError("Distance matrix is not square")
    n = X.shape[0]
    coo = X.tocoo()
    computed = min(maxdim, max(n - 1, 0))
    dgms, cocycles, num_edges = _core.rips_sparse(
        n,
        np.asarray(coo.row, dtype=np.int64),
        np.asarray(coo.col, dtype=np.int64),
        np.asarray(coo.data, dtype=np.float64),
        computed,
        thresh,
        coeff,
        do_cocycles,
    )
    return _result(dgms, cocycles, num_edges, X, np.arange(n), 0.0, maxdim)


def _result(dgms, cocycles, num_edges, dperm2all, idx_perm, r_cover, maxdim):
    """ripser.py's result dictionary, with empty diagrams (and cocycle
    lists) above the dimensions the input has points for."""
    missing = maxdim + 1 - len(dgms)
    return {
        "dgms": list(dgms) + [np.empty((0, 2)) for _ in range(missing)],
        "cocycles": list(cocycles) + [[] for _ in range(missing)],
        "num_edges": int(num_edges),
        "dperm2all": dperm2all,
        "idx_perm": idx_perm,
        "r_cover": float(r_cover),
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
