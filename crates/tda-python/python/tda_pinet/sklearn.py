"""scikit-learn-style transformers over the native batch API.

::

    from sklearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from tda_pinet.sklearn import SublevelH0, PersistenceImage

    model = make_pipeline(SublevelH0(), PersistenceImage(resolution=(10, 10), sigma=0.5),
                          LogisticRegression())
    model.fit(signals_train, y_train).score(signals_test, y_test)

scikit-learn itself is optional: these classes follow its estimator
conventions by hand (``__init__`` only stores its keyword arguments,
``get_params`` / ``set_params``, ``fit`` returns ``self``, attributes
learned by ``fit`` end with ``_``, estimator tags) and import scikit-learn
only when it asks them something (its tags, its ``NotFittedError``). They
work in ``Pipeline``, ``clone``, ``GridSearchCV`` and ``cross_val_score``
(joblib's dask backend included), and pickle as plain objects.

* :class:`SublevelH0`: a 2-D array of signals (one per row) to a *list* of
  H0 diagrams: the first step of a pipeline. Stateless: ``transform``
  needs no ``fit``.
* :class:`EmphBarcodes`: the same for EMPH barcodes (the first ``k``
  Fourier modes of each series read along a ray).
* :class:`VietorisRipsPersistence`: giotto-tda's transformer of the same
  name (a drop-in: change only the import): point clouds or distance
  matrices to one 3-D array of ``(birth, death, dimension)`` triples,
  padded per dimension as giotto-tda pads them.
* :class:`PersistenceImage`, :class:`Landscape`, :class:`BettiCurve`,
  :class:`Silhouette`: a
  list of diagrams to one float32 feature matrix ``(n_samples,
  n_features)``, equal to the native :func:`tda_pinet.persistence_images`
  (flattened row-major), :func:`tda_pinet.landscapes`,
  :func:`tda_pinet.betti_curves` and :func:`tda_pinet.silhouettes` with the
  same parameters. Ranges left at
  ``None`` are learned by ``fit`` from the finite pairs of the training
  diagrams, as the Rust builders' ``fit`` does (see each class).

Parameters are checked by ``fit`` (not ``__init__``, as scikit-learn
wants): a bad one raises ``ValueError`` naming it (``TypeError`` for a
wrong type). ``transform`` before ``fit`` raises scikit-learn's
``NotFittedError`` if scikit-learn is installed, else this module's
:class:`NotFittedError`; both are ``ValueError`` and ``AttributeError``.
``n_jobs``: threads of each batch call (``None`` or ``-1``: all cores);
results never depend on it.
"""

import inspect
import math
import numbers
import warnings

import numpy as np

from . import (
    _core,
    betti_curves,
    emph_barcodes,
    emph_modes,
    landscapes,
    persistence_images,
    rips_batch,
    silhouettes,
    sublevel_h0,
    superlevel_h0,
)
from ._arrays import as_diagrams, as_float64, as_tuple

__all__ = [
    "SublevelH0",
    "EmphBarcodes",
    "VietorisRipsPersistence",
    "PersistenceImage",
    "Landscape",
    "BettiCurve",
    "Silhouette",
    "NotFittedError",
]


class NotFittedError(ValueError, AttributeError):
    """Raised when ``transform`` comes before ``fit`` and scikit-learn is
    not installed (with scikit-learn, its own ``NotFittedError`` is raised;
    both derive from ``ValueError`` and ``AttributeError``)."""


def _not_fitted(est):
    msg = (
        f"This {type(est).__name__} instance is not fitted yet. Call 'fit' with "
        "appropriate arguments before using this estimator."
    )
    try:
        from sklearn.exceptions import NotFittedError as SkNotFittedError
    except ImportError:
        return NotFittedError(msg)
    return SkNotFittedError(msg)


class _Transformer:
    """Estimator plumbing shared by the transformers (scikit-learn's
    ``BaseEstimator`` + ``TransformerMixin`` conventions, written out so
    that scikit-learn stays optional)."""

    _requires_fit = True
    _input_2d_array = False

    @classmethod
    def _get_param_names(cls):
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values() if p.name != "self")

    def get_params(self, deep=True):
        """The constructor's parameters as a dict (``deep`` is accepted for
        scikit-learn; these transformers hold no sub-estimators)."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Sets constructor parameters by name and returns ``self``; an
        unknown name raises ``ValueError``. Takes effect at the next
        ``fit``."""
        valid = self._get_param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
            setattr(self, key, value)
        return self

    def __repr__(self):
        defaults = {
            p.name: p.default
            for p in inspect.signature(type(self).__init__).parameters.values()
            if p.name != "self"
        }
        changed = []
        for name, value in self.get_params().items():
            default = defaults[name]
            try:
                same = bool(value == default) and type(value) is type(default)
            except Exception:  # arrays and the like
                same = False
            if not same:
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    def fit_transform(self, X, y=None, **fit_params):
        """``fit(X, y)`` then ``transform(X)``."""
        return self.fit(X, y, **fit_params).transform(X)

    def __sklearn_is_fitted__(self):
        """Whether ``fit`` has run (scikit-learn's ``check_is_fitted``)."""
        return not self._requires_fit or hasattr(self, "n_features_out_")

    def _check_fitted(self):
        if not self.__sklearn_is_fitted__():
            raise _not_fitted(self)

    def __sklearn_tags__(self):
        """scikit-learn (>= 1.6) estimator tags: a transformer, no target,
        float32 output (no dtype preserved)."""
        from sklearn.utils import InputTags, Tags, TargetTags, TransformerTags

        return Tags(
            estimator_type=None,
            target_tags=TargetTags(required=False),
            transformer_tags=TransformerTags(preserves_dtype=[]),
            input_tags=InputTags(two_d_array=self._input_2d_array),
            requires_fit=self._requires_fit,
        )

    def _more_tags(self):
        """Estimator tags for scikit-learn < 1.6."""
        return {"requires_fit": self._requires_fit, "stateless": not self._requires_fit, "preserves_dtype": []}


class SublevelH0(_Transformer):
    """H0 diagrams of the sublevel (``superlevel=True``: superlevel)
    filtration of each row of a 2-D array of signals.

    ``transform(X)`` returns a **list** of ``(n_i, 2)`` float64 diagrams
    (not an array: diagrams differ in length), exactly
    :func:`tda_pinet.sublevel_h0` / :func:`tda_pinet.superlevel_h0` of
    ``X``: the input of :class:`PersistenceImage`, :class:`Landscape` or
    :class:`BettiCurve` in a pipeline. Stateless: ``fit`` only checks the
    parameters and records ``n_features_in_`` (the signal length), and
    ``transform`` works without it.
    """

    _requires_fit = False
    _input_2d_array = True

    def __init__(self, superlevel=False, n_jobs=None):
        self.superlevel = superlevel
        self.n_jobs = n_jobs

    def _check_params(self):
        if not isinstance(self.superlevel, (bool, np.bool_)):
            raise ValueError(f"superlevel: expected True or False, got {self.superlevel!r}")

    def fit(self, X, y=None):
        """Checks ``X`` and the parameters; returns ``self``."""
        self._check_params()
        X = as_float64(X, "X", 2)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        """The H0 diagram of each row of ``X``: a list of ``(n, 2)`` arrays."""
        self._check_params()
        X = as_float64(X, "X", 2)
        h0 = superlevel_h0 if self.superlevel else sublevel_h0
        return h0(X, n_jobs=self.n_jobs)


class EmphBarcodes(_Transformer):
    """EMPH barcodes (Kim & Jung) of each row of a 2-D array of series: the
    radii of the first ``k`` Fourier modes, then the exact degree-``dim``
    barcode along the ray with ``direction`` and ``endpoint`` (the diagonal
    ray through 0 when both are ``None``).

    ``transform(X)`` returns a **list** of diagrams, exactly
    ``tda_pinet.emph_barcodes(tda_pinet.emph_modes(X, k), dim, direction,
    endpoint)``: the input of a vectoriser in a pipeline (EMPH-PI with
    :class:`PersistenceImage`, EMPH-Betti with :class:`BettiCurve`).
    Stateless like :class:`SublevelH0`.
    """

    _requires_fit = False
    _input_2d_array = True

    def __init__(self, k=10, dim=1, direction=None, endpoint=None, n_jobs=None):
        self.k = k
        self.dim = dim
        self.direction = direction
        self.endpoint = endpoint
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Checks ``X`` and the parameters (by computing the first row's
        barcode); returns ``self``."""
        X = as_float64(X, "X", 2)
        self.n_features_in_ = X.shape[1]
        self.transform(X[:1])
        return self

    def transform(self, X):
        """The barcode of each row of ``X``: a list of ``(n, 2)`` arrays."""
        X = as_float64(X, "X", 2)
        radii = emph_modes(X, self.k, n_jobs=self.n_jobs)
        return emph_barcodes(radii, self.dim, self.direction, self.endpoint, n_jobs=self.n_jobs)


# --- Vietoris-Rips persistence, giotto-tda's transformer ---------------------

_RIPS_METRICS = ("euclidean", "l2", "manhattan", "cityblock", "l1", "chebyshev")


def _dimensionality_warning(msg):
    """giotto-tda's warning for square point clouds (scikit-learn's
    ``DataDimensionalityWarning`` when it is installed)."""
    try:
        from sklearn.exceptions import DataDimensionalityWarning as category
    except ImportError:  # pragma: no cover - scikit-learn is a test dependency
        category = UserWarning
    warnings.warn(msg, category, stacklevel=4)


def _is_sparse(x):
    try:
        from scipy import sparse
    except ImportError:
        return False
    return sparse.issparse(x)


def _check_sample(x, name, precomputed):
    """One point cloud (or dense distance matrix) as a float64 2-D array,
    checked as giotto-tda checks it: at least one point and one coordinate,
    all finite (a distance matrix: square, no NaN, infinity allowed)."""
    x = as_float64(x, name, 2)
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"{name}: expected at least one point and one coordinate, got shape {x.shape}")
    if precomputed:
        if x.shape[0] != x.shape[1]:
            raise ValueError(f"{name}: a distance matrix must be square, got shape {x.shape}")
        if np.isnan(x).any():
            raise ValueError(f"{name}: the distance matrix contains NaN")
    elif not np.isfinite(x).all():
        raise ValueError(f"{name}: the point cloud contains NaN or infinity")
    return x


def _point_clouds(X, precomputed):
    """The samples of ``X`` (a 3-D array, or a sequence of 2-D arrays, and of
    scipy.sparse matrices for distance matrices), each checked."""
    if hasattr(X, "shape") and hasattr(X, "ndim") and not _is_sparse(X):
        if X.ndim != 3:
            raise ValueError(
                "X: expected a 3-D array or a list of 2-D arrays (or of sparse matrices), "
                f"got a {X.ndim}-D array; a single point cloud or distance matrix x is X = x[None, :, :]"
            )
        if X.shape[0] == 0:
            raise ValueError("X: no samples")
        if precomputed and X.shape[1] != X.shape[2]:
            raise ValueError(f"X: distance matrices must be square, got shape {X.shape}")
        if not precomputed and X.shape[1] == X.shape[2]:
            _dimensionality_warning(
                "Input array X has X.shape[1] == X.shape[2]: distance matrices? They are treated "
                "as point clouds unless metric='precomputed'."
            )
        return [_check_sample(x, f"X[{i}]", precomputed) for i, x in enumerate(X)]
    if _is_sparse(X):
        raise ValueError("X: a single sparse matrix; expected a list of them (X = [x])")
    try:
        items = list(X)
    except TypeError:
        raise TypeError(f"X: expected a 3-D array or a list of 2-D arrays, got {type(X).__name__}") from None
    if not items:
        raise ValueError("X: no samples")
    samples = []
    for i, x in enumerate(items):
        if _is_sparse(x):
            if not precomputed:
                raise ValueError(
                    f"X[{i}]: a sparse point cloud is not supported (sparse matrices are read as "
                    "distance matrices, with metric='precomputed')"
                )
            if x.shape[0] != x.shape[1]:
                raise ValueError(f"X[{i}]: a distance matrix must be square, got shape {x.shape}")
            if x.shape[0] == 0:
                raise ValueError(f"X[{i}]: expected at least one point, got shape {x.shape}")
            if np.isnan(np.asarray(x.data, dtype=np.float64)).any():
                raise ValueError(f"X[{i}]: the distance matrix contains NaN")
            samples.append(x)
        else:
            samples.append(_check_sample(x, f"X[{i}]", precomputed))
    if not precomputed and all(x.shape[0] == x.shape[1] for x in samples):
        _dimensionality_warning(
            "All arrays are square: distance matrices? They are treated as point clouds "
            "unless metric='precomputed'."
        )
    return samples


def _upper_triplets(x, thresh):
    """The edges and vertex births giotto-ph reads from a distance matrix:
    ``(births, i, j, value)`` with ``i < j``, from the upper triangle of a
    dense matrix, or from a sparse one (an entry below the diagonal counts
    only when its transpose is not stored). Infinite entries are absent
    edges; a vertex without a diagonal entry is born at 0, and so, in a
    dense matrix with a finite ``thresh``, is a vertex whose diagonal entry
    exceeds it (giotto-ph keeps only the entries within the threshold
    there)."""
    n = x.shape[0]
    if _is_sparse(x):
        coo = x.tocoo()
        r = np.asarray(coo.row, dtype=np.int64)
        c = np.asarray(coo.col, dtype=np.int64)
        v = np.asarray(coo.data, dtype=np.float64)
        upper = r <= c
        lower = ~upper
        if lower.any():
            have = set(zip(r[upper].tolist(), c[upper].tolist()))
            add = np.array([(cc, rr) not in have for rr, cc in zip(r[lower].tolist(), c[lower].tolist())], dtype=bool)
            lr, lc, lv = r[lower][add], c[lower][add], v[lower][add]
            r, c, v = np.r_[r[upper], lc], np.r_[c[upper], lr], np.r_[v[upper], lv]
        births = np.zeros(n)
        diag = r == c
        births[r[diag]] = v[diag]
        off = ~diag & np.isfinite(v)
        return births, r[off], c[off], v[off]
    i, j = np.triu_indices(n, 1)
    v = x[i, j]
    finite = np.isfinite(v)
    births = np.diagonal(x).copy()
    if math.isfinite(thresh):
        births[births > thresh] = 0.0
    return births, i[finite], j[finite], v[finite]


def _gph_h0(births, i, j, v, thresh):
    """H0 in giotto-ph's order: Kruskal over the edges within ``thresh``
    sorted by length, ties by decreasing (colexicographic) edge index, each
    merge giving ``(younger birth, length)`` if it has positive length; then
    one essential bar per remaining union-find root, by root index. The
    roots follow giotto-ph's union by rank, so the bar that
    ``reduced_homology`` drops is the one giotto-tda drops. Used when vertex
    births are not all zero (otherwise sorting the engine's bars gives the
    same array)."""
    n = len(births)
    keep = v <= thresh
    i, j, v = i[keep], j[keep], v[keep]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    index = hi * (hi - 1) // 2 + lo
    order = np.lexsort((-index, v))
    parent = list(range(n))
    rank = [0] * n
    birth = [float(b) for b in births]

    def find(a):
        root = a
        while parent[root] != root:
            root = parent[root]
        while parent[a] != root:
            parent[a], a = root, parent[a]
        return root

    rows = []
    for k in order.tolist():
        x, y = find(int(lo[k])), find(int(hi[k]))
        if x == y:
            continue
        dying = max(birth[x], birth[y])
        if rank[x] < rank[y]:
            parent[x] = y
            birth[y] = min(birth[x], birth[y])
        else:
            parent[y] = x
            birth[x] = min(birth[x], birth[y])
            if rank[x] == rank[y]:
                rank[x] += 1
        if v[k] > dying:
            rows.append((dying, float(v[k])))
    rows += [(birth[a], math.inf) for a in range(n) if find(a) == a]
    return np.array(rows, dtype=np.float64).reshape(-1, 2)


def _gph_order(dgm, dim):
    """A diagram's rows in giotto-ph's order: in H0 (all births 0), by
    death, essential bars last; above, finite pairs by decreasing
    ``(birth, death)``, then essential bars by decreasing birth."""
    if len(dgm) == 0:
        return dgm
    finite = np.isfinite(dgm[:, 1])
    fin, ess = dgm[finite], dgm[~finite]
    if dim == 0:
        fin = fin[np.argsort(fin[:, 1], kind="stable")]
        ess = ess[np.argsort(ess[:, 0], kind="stable")]
    else:
        fin = fin[np.lexsort((-fin[:, 1], -fin[:, 0]))]
        ess = ess[np.argsort(-ess[:, 0], kind="stable")]
    return np.concatenate([fin, ess])


class VietorisRipsPersistence(_Transformer):
    """Vietoris-Rips persistence diagrams of point clouds or distance
    matrices: a drop-in for giotto-tda 0.6's
    ``gtda.homology.VietorisRipsPersistence`` (change only the import).

    ``transform(X)`` returns one float64 array ``(n_samples, n_features,
    3)`` of ``(birth, death, q)`` triples, as giotto-tda does: for each
    dimension ``q`` of ``homology_dimensions`` (sorted), a block of ``n_q``
    rows, ``n_q`` the most bars any sample has in dimension ``q`` (at least
    1); a sample with fewer bars is padded with ``(m, m, q)``, ``m`` the
    smallest birth of a dimension-``q`` bar over all samples (0 if there is
    none). Before padding, as giotto-tda: with ``reduced_homology`` the last
    H0 bar (an essential one) is dropped; infinite deaths become
    ``infinity_values_``; then bars with ``birth >= death`` are dropped.

    Parameters (giotto-tda's, same defaults):

    * ``metric``: ``"euclidean"`` (or ``"l2"``), ``"manhattan"`` (or
      ``"cityblock"``, ``"l1"``), ``"chebyshev"``, or ``"precomputed"``:
      ``X`` then holds distance matrices (dense: only the upper triangle
      and the diagonal are read, the diagonal holding vertex births,
      infinite entries are absent edges; scipy.sparse: stored entries are
      the edges, an entry below the diagonal counting only when its
      transpose is not stored, unstored pairs absent, a stored diagonal
      entry is a vertex birth; as in giotto-ph, a dense matrix's vertex
      birth above a finite ``max_edge_length`` counts as 0). Other metrics (scipy's and scikit-learn's
      other names, callables) raise ``ValueError``: compute the distance
      matrices and pass ``metric="precomputed"``.
    * ``metric_params``: must be empty (none of the metrics above takes
      parameters) unless ``metric="precomputed"``, where it is ignored, as
      giotto-tda ignores it.
    * ``homology_dimensions``: a list or tuple of non-negative ints, in any
      order (computed up to the largest).
    * ``collapse_edges``: accepted and ignored: edge collapse (giotto-ph's
      speed-up) leaves the diagrams unchanged, and this engine computes
      them directly.
    * ``coeff``: a prime, the field Z/``coeff``.
    * ``max_edge_length``: the filtration's threshold (``inf``: the whole
      filtration); edges longer than it are never added.
    * ``infinity_values``: the death given to bars still alive at
      ``max_edge_length``; ``None``: ``max_edge_length``.
    * ``reduced_homology``: drop one essential H0 bar per sample.
    * ``n_jobs``: threads of the native batch call (giotto-tda: joblib
      processes); ``None`` or ``-1``: all cores. Results never depend on
      it.

    ``X``: a 3-D array ``(n_samples, n_points, n_coordinates)`` (or
    ``(n_samples, n, n)`` distance matrices), or a list of 2-D arrays of
    any sizes (point clouds may have different numbers of coordinates), or
    with ``metric="precomputed"`` of scipy.sparse matrices. Square point
    clouds raise scikit-learn's ``DataDimensionalityWarning`` as in
    giotto-tda.

    Learned by ``fit`` (which only checks the parameters and ``X``, as
    giotto-tda's does): ``infinity_values_``; ``_homology_dimensions``
    (giotto-tda's attribute: the sorted list) and ``homology_dimensions_``
    (the same as a tuple, an addition).

    Differences from giotto-tda, all deliberate:

    * values are exact float64 distances; giotto-ph rounds every distance
      to float32, so its values are the float32 roundings of these (equal
      when the distances are float32 numbers, e.g. integers), and bars
      whose ends tie only in float32 can differ; infinite deaths become
      exactly ``infinity_values_`` (giotto-tda writes it into float32
      diagrams: ``float32(infinity_values_)``);
    * rows within a dimension come in giotto-ph's order (H0 by death,
      essential bars last; higher dimensions by decreasing ``(birth,
      death)``, essential bars last by decreasing birth), so arrays are
      equal row for row up to that rounding;
    * bad parameters raise at ``fit`` (giotto-ph checks ``coeff`` only in
      ``transform``); every error names the parameter or the sample;
    * a sparse matrix holding the same entry twice, or a negative
      distance, raises ``ValueError``.
    """

    _input_2d_array = False

    def __init__(
        self,
        metric="euclidean",
        metric_params={},  # noqa: B006 - giotto-tda's default, never mutated
        homology_dimensions=(0, 1),
        collapse_edges=False,
        coeff=2,
        max_edge_length=np.inf,
        infinity_values=None,
        reduced_homology=True,
        n_jobs=None,
    ):
        self.metric = metric
        self.metric_params = metric_params
        self.homology_dimensions = homology_dimensions
        self.collapse_edges = collapse_edges
        self.coeff = coeff
        self.max_edge_length = max_edge_length
        self.infinity_values = infinity_values
        self.reduced_homology = reduced_homology
        self.n_jobs = n_jobs

    def _check_params(self):
        """The validated parameters as a dict (``ValueError`` naming a bad
        value, ``TypeError`` a bad type)."""
        metric = self.metric
        if callable(metric):
            raise ValueError(
                "metric: a callable is not supported; compute the distance matrices and use "
                "metric='precomputed'"
            )
        if not isinstance(metric, str):
            raise TypeError(f"metric: expected a string, got {metric!r}")
        if metric != "precomputed" and metric not in _RIPS_METRICS:
            raise ValueError(
                f"metric: {metric!r} is not supported (supported: {', '.join(_RIPS_METRICS)}, "
                "precomputed); compute the distance matrices and use metric='precomputed'"
            )
        if not isinstance(self.metric_params, dict):
            raise TypeError(f"metric_params: expected a dict, got {self.metric_params!r}")
        if self.metric_params and metric != "precomputed":
            raise ValueError(
                f"metric_params: metric {metric!r} takes no parameters, got {self.metric_params!r}"
            )
        dims = self.homology_dimensions
        if not isinstance(dims, (list, tuple)):
            raise TypeError(f"homology_dimensions: expected a list or tuple of ints, got {dims!r}")
        if len(dims) == 0:
            raise ValueError("homology_dimensions: expected at least one dimension, got an empty sequence")
        for k, q in enumerate(dims):
            if isinstance(q, (bool, np.bool_)) or not isinstance(q, numbers.Integral):
                raise TypeError(f"homology_dimensions[{k}]: expected an int, got {q!r}")
            if q < 0:
                raise ValueError(f"homology_dimensions[{k}]: expected a non-negative int, got {q!r}")
        for name in ("collapse_edges", "reduced_homology"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name}: expected True or False, got {getattr(self, name)!r}")
        coeff = self.coeff
        if isinstance(coeff, (bool, np.bool_)) or not isinstance(coeff, numbers.Integral):
            raise TypeError(f"coeff: expected a prime int, got {coeff!r}")
        coeff = int(coeff)
        if coeff > 2**31 - 1:
            raise ValueError(f"coeff: expected a prime below 2**31, got {coeff}")
        if coeff < 2 or any(coeff % p == 0 for p in range(2, math.isqrt(coeff) + 1)):
            raise ValueError(f"coeff: expected a prime, got {coeff}")
        thresh = self.max_edge_length
        if isinstance(thresh, (bool, np.bool_)) or not isinstance(thresh, numbers.Real):
            raise TypeError(f"max_edge_length: expected a number, got {thresh!r}")
        thresh = float(thresh)
        if math.isnan(thresh) or thresh < 0:
            raise ValueError(f"max_edge_length: expected a non-negative number, got {thresh}")
        inf_values = self.infinity_values
        if inf_values is not None:
            if isinstance(inf_values, (bool, np.bool_)) or not isinstance(inf_values, numbers.Real):
                raise TypeError(f"infinity_values: expected a number or None, got {inf_values!r}")
            if math.isnan(inf_values):
                raise ValueError("infinity_values: expected a number, got nan")
        n_jobs = self.n_jobs
        if n_jobs is not None:
            if isinstance(n_jobs, (bool, np.bool_)) or not isinstance(n_jobs, numbers.Integral):
                raise TypeError(f"n_jobs: expected an int or None, got {n_jobs!r}")
            if not (n_jobs == -1 or 1 <= n_jobs <= 1024):
                raise ValueError(f"n_jobs: must be from 1 to 1024, or -1 or None for all cores, got {n_jobs}")
            n_jobs = int(n_jobs)
        return {
            "metric": metric,
            "dims": sorted(int(q) for q in dims),
            "coeff": coeff,
            "thresh": thresh,
            "reduced": bool(self.reduced_homology),
            "n_jobs": n_jobs,
        }

    def fit(self, X, y=None):
        """Checks the parameters and ``X``, then stores
        ``infinity_values_`` (``max_edge_length`` where
        ``infinity_values`` is ``None``) and the sorted homology dimensions;
        returns ``self``. Computes nothing, as giotto-tda's ``fit``."""
        for name in ("infinity_values_", "_params"):
            if hasattr(self, name):
                delattr(self, name)  # not fitted until this fit succeeds
        params = self._check_params()
        precomputed = params["metric"] == "precomputed"
        _point_clouds(X, precomputed)
        self._params = params
        self._is_precomputed = precomputed
        self._homology_dimensions = list(params["dims"])
        self._max_homology_dimension = params["dims"][-1]
        self.homology_dimensions_ = tuple(params["dims"])
        self.infinity_values_ = self.max_edge_length if self.infinity_values is None else self.infinity_values
        return self

    def __sklearn_is_fitted__(self):
        """Whether ``fit`` has run (scikit-learn's ``check_is_fitted``)."""
        return hasattr(self, "infinity_values_") and hasattr(self, "_params")

    def __sklearn_tags__(self):
        """scikit-learn (>= 1.6) estimator tags: a transformer of 3-D
        arrays (or lists of 2-D arrays), no target, float64 output."""
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags

    def transform(self, X, y=None):
        """The diagrams of each sample of ``X``: a float64 array
        ``(n_samples, n_features, 3)`` of ``(birth, death, dimension)``
        triples, padded as the class docstring says. Uses the parameters
        checked by the last ``fit``."""
        self._check_fitted()
        p = self._params
        samples = _point_clouds(X, self._is_precomputed)
        diagrams = self._diagrams(samples, p)
        return _pad_triples(diagrams, p["dims"], self.infinity_values_, p["reduced"])

    def _diagrams(self, samples, p):
        """``[H0, ..., H_maxdim]`` of each sample, rows in giotto-ph's
        order. Samples go to the native batch call in groups sharing the
        computed dimension (and the number of coordinates)."""
        maxdim, thresh, coeff, n_jobs = p["dims"][-1], p["thresh"], p["coeff"], p["n_jobs"]
        out = [None] * len(samples)
        groups = {}
        sparse = []
        for k, x in enumerate(samples):
            n = x.shape[0]
            top = min(maxdim, n - 1)
            if self._is_precomputed:
                if _is_sparse(x) or not (np.isfinite(x).all() and not np.diagonal(x).any()):
                    sparse.append((k, top))
                    continue
                key = (top, "dm")
                # Only the upper triangle counts, as in giotto-ph.
                x = np.triu(x, 1)
                x = x + x.T
            else:
                key = (top, x.shape[1])
            groups.setdefault(key, []).append((k, x))
        for (top, kind), members in groups.items():
            res = rips_batch(
                [x for _, x in members],
                maxdim=top,
                thresh=thresh,
                metric="euclidean" if kind == "dm" else p["metric"],
                distance_matrix=kind == "dm",
                coeff=coeff,
                n_jobs=n_jobs,
            )
            for (k, _), dgms in zip(members, res):
                out[k] = [_gph_order(d, q) for q, d in enumerate(dgms)]
        for k, top in sparse:
            births, i, j, v = _upper_triplets(samples[k], thresh)
            n = samples[k].shape[0]
            diag = np.arange(n, dtype=np.int64)
            dgms = _core.rips_sparse(
                n,
                np.r_[diag, i].astype(np.int64),
                np.r_[diag, j].astype(np.int64),
                np.r_[births, v].astype(np.float64),
                top,
                thresh,
                coeff,
                False,
                n_jobs,
            )[0]
            dgms = [_gph_order(d, q) for q, d in enumerate(dgms)]
            if births.any():
                dgms[0] = _gph_h0(births, i, j, v, thresh)
            out[k] = dgms
        for dgms in out:
            dgms += [np.empty((0, 2)) for _ in range(maxdim + 1 - len(dgms))]
        return out


def _pad_triples(diagrams, dims, infinity_values, reduced):
    """giotto-tda's layout of the diagrams: one block per entry of the
    sorted ``dims``, each ``max(1, most bars of a sample)`` rows, the
    padding triples ``(m, m, q)`` after a sample's bars, ``m`` the smallest
    birth of the block over all samples (0 if the block has no bar)."""
    blocks = []
    for q in dims:
        subs = []
        for dgms in diagrams:
            d = dgms[q]
            if q == 0 and reduced:
                d = d[:-1]
            d = np.where(np.isposinf(d), float(infinity_values), d)
            subs.append(d[d[:, 0] < d[:, 1]])
        blocks.append(subs)
    widths = [max([1] + [len(d) for d in subs]) for subs in blocks]
    Xt = np.empty((len(diagrams), sum(widths), 3), dtype=np.float64)
    start = 0
    for q, subs, width in zip(dims, blocks, widths):
        nonempty = [d[:, 0].min() for d in subs if len(d)]
        pad = min(nonempty) if nonempty else 0.0
        Xt[:, start : start + width, 2] = q
        for s, d in enumerate(subs):
            Xt[s, start : start + len(d), :2] = d
            Xt[s, start + len(d) : start + width, :2] = pad
        start += width
    return Xt


def _finite_pairs(diagrams):
    """All pairs of the diagrams with a finite birth and death, stacked."""
    rows = [d[np.isfinite(d).all(axis=1)] for d in diagrams]
    return np.concatenate(rows) if rows else np.empty((0, 2))


def _nonempty(lo, hi, name):
    lo, hi = float(lo), float(hi)
    if not lo < hi:
        raise ValueError(
            f"{name}: the range fitted to the diagrams is empty ({lo}, {hi}) "
            f"(every finite pair has the same value there); set {name} explicitly"
        )
    return (lo, hi)


class _DiagramTransformer(_Transformer):
    """A transformer from a list of diagrams to one feature matrix."""

    def fit(self, X, y=None):
        """Learns the ranges left at ``None`` from the finite pairs of the
        diagrams ``X``, checks every parameter (``ValueError`` naming a bad
        one) and returns ``self``."""
        diagrams, _ = as_diagrams(X, "X")
        if hasattr(self, "n_features_out_"):
            del self.n_features_out_  # not fitted until this fit succeeds
        self._learn(diagrams)
        self.n_features_out_ = int(np.prod(self._native([]).shape[1:]))
        return self

    def transform(self, X):
        """The features of each diagram of ``X``: a float32 array
        ``(len(X), n_features_out_)``."""
        self._check_fitted()
        diagrams, _ = as_diagrams(X, "X")
        return self._native(diagrams).reshape(len(diagrams), self.n_features_out_)


class PersistenceImage(_DiagramTransformer):
    """Persistence images of diagrams, flattened: ``(n_samples, rows *
    cols)`` float32, row ``i`` equal to
    ``tda_pinet.persistence_images(X, birth_range_, pers_range_, ...)[i].ravel()``.

    Parameters as :func:`tda_pinet.persistence_images` (``sigma`` the
    Gaussian's standard deviation; images ``resolution = (nx, ny)``
    birth-major on the contiguous grid, ``(ny, nx)`` on the legacy one).

    Learned by ``fit`` (each only where the parameter is ``None``; else a
    tuple of floats of the given one), over the pairs with finite birth
    and death of all training diagrams, persistence ``p = |d - b|``:

    * ``birth_range_``: ``(min b, max b)`` on the contiguous grid;
      ``(min(0, min b), max(0, max b, max p))`` (persim 0.1 ``PersImage``'s
      ``(minBD, maxBD)``) on the legacy grid;
    * ``pers_range_``: ``(min p, max p)`` (unused by the legacy grid);
    * ``image_shape_``: ``(rows, cols)`` of one image;
      ``n_features_out_ = rows * cols``.

    No finite pair, or an empty fitted range (all values equal), raises
    ``ValueError`` naming the range: set it explicitly then.
    """

    def __init__(
        self,
        birth_range=None,
        pers_range=None,
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
        self.birth_range = birth_range
        self.pers_range = pers_range
        self.resolution = resolution
        self.sigma = sigma
        self.weight = weight
        self.n = n
        self.ramp = ramp
        self.grid = grid
        self.essential = essential
        self.min_persistence = min_persistence
        self.normalize = normalize
        self.n_jobs = n_jobs

    def _learn(self, diagrams):
        birth_range = None if self.birth_range is None else as_tuple(self.birth_range, "birth_range", 2)
        pers_range = None if self.pers_range is None else as_tuple(self.pers_range, "pers_range", 2)
        if birth_range is None or pers_range is None:
            pairs = _finite_pairs(diagrams)
            if len(pairs) == 0:
                missing = "birth_range" if birth_range is None else "pers_range"
                raise ValueError(
                    f"{missing}: the diagrams hold no pair with a finite birth and death "
                    f"to fit it to; set {missing} explicitly"
                )
            b, p = pairs[:, 0], np.abs(pairs[:, 1] - pairs[:, 0])
            if pers_range is None:
                lo, hi = p.min(), p.max()
                pers_range = (float(lo), float(hi)) if self.grid == "legacy" else _nonempty(lo, hi, "pers_range")
            if birth_range is None:
                if self.grid == "legacy":
                    lo, hi = min(0.0, b.min()), max(0.0, b.max(), p.max())
                    if not hi > 0:
                        raise ValueError("birth_range: the fitted maxBD is 0; set birth_range explicitly")
                    birth_range = (float(lo), float(hi))
                else:
                    birth_range = _nonempty(b.min(), b.max(), "birth_range")
        self.birth_range_ = birth_range
        self.pers_range_ = pers_range
        self.image_shape_ = tuple(self._native([]).shape[1:])

    def _native(self, diagrams):
        return persistence_images(
            diagrams,
            self.birth_range_,
            self.pers_range_,
            resolution=self.resolution,
            sigma=self.sigma,
            weight=self.weight,
            n=self.n,
            ramp=self.ramp,
            grid=self.grid,
            essential=self.essential,
            min_persistence=self.min_persistence,
            normalize=self.normalize,
            n_jobs=self.n_jobs,
        )


def _fit_sample_range(diagrams):
    """``(min(min(b, d)), max(max(b, d)))`` over the finite pairs."""
    pairs = _finite_pairs(diagrams)
    if len(pairs) == 0:
        raise ValueError(
            "sample_range: the diagrams hold no pair with a finite birth and death "
            "to fit it to; set sample_range explicitly"
        )
    return _nonempty(pairs.min(), pairs.max(), "sample_range")


class _SampledTransformer(_DiagramTransformer):
    """A transformer sampling a function of each diagram on a grid over
    ``sample_range`` (learned by ``fit`` where it is ``None``)."""

    def _learn(self, diagrams):
        if self.sample_range is None:
            self.sample_range_ = _fit_sample_range(diagrams)
        else:
            self.sample_range_ = as_tuple(self.sample_range, "sample_range", 2)


class Landscape(_SampledTransformer):
    """The first ``num_landscapes`` persistence landscapes of each diagram
    at ``resolution`` evenly spaced samples of the sample range (endpoints
    included): ``(n_samples, num_landscapes * resolution)`` float32,
    landscape-major, equal to :func:`tda_pinet.landscapes`.

    Learned by ``fit``: ``sample_range_``, the given ``sample_range``, or
    where it is ``None``, ``(min(min(b, d)), max(max(b, d)))`` over the
    pairs with finite birth and death of all training diagrams (the Rust
    builder's ``fit``, gudhi's fitted range); ``n_features_out_``.
    """

    def __init__(self, num_landscapes=5, sample_range=None, resolution=100, essential="drop", n_jobs=None):
        self.num_landscapes = num_landscapes
        self.sample_range = sample_range
        self.resolution = resolution
        self.essential = essential
        self.n_jobs = n_jobs

    def _native(self, diagrams):
        return landscapes(
            diagrams,
            num_landscapes=self.num_landscapes,
            sample_range=self.sample_range_,
            resolution=self.resolution,
            essential=self.essential,
            n_jobs=self.n_jobs,
        )


class BettiCurve(_SampledTransformer):
    """Betti curves ``#{bars with b <= t < d}`` of each diagram at
    ``resolution`` samples of the sample range: ``(n_samples,
    resolution)`` float32, equal to :func:`tda_pinet.betti_curves`
    (``essential="keep"`` counts infinite bars).

    Learned by ``fit``: ``sample_range_`` as :class:`Landscape`'s;
    ``n_features_out_``.
    """

    def __init__(self, sample_range=None, resolution=100, essential="drop", n_jobs=None):
        self.sample_range = sample_range
        self.resolution = resolution
        self.essential = essential
        self.n_jobs = n_jobs

    def _native(self, diagrams):
        return betti_curves(
            diagrams,
            sample_range=self.sample_range_,
            resolution=self.resolution,
            essential=self.essential,
            n_jobs=self.n_jobs,
        )


class Silhouette(_SampledTransformer):
    """Silhouettes (averages of the tents weighted by ``|d - b|**power``)
    of each diagram at ``resolution`` samples of the sample range:
    ``(n_samples, resolution)`` float32, equal to
    :func:`tda_pinet.silhouettes`.

    Learned by ``fit``: ``sample_range_`` as :class:`Landscape`'s;
    ``n_features_out_``.
    """

    def __init__(self, power=1.0, sample_range=None, resolution=100, essential="drop", n_jobs=None):
        self.power = power
        self.sample_range = sample_range
        self.resolution = resolution
        self.essential = essential
        self.n_jobs = n_jobs

    def _native(self, diagrams):
        return silhouettes(
            diagrams,
            power=self.power,
            sample_range=self.sample_range_,
            resolution=self.resolution,
            essential=self.essential,
            n_jobs=self.n_jobs,
        )
