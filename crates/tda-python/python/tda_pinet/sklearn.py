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

import numpy as np

from . import (
    betti_curves,
    emph_barcodes,
    emph_modes,
    landscapes,
    persistence_images,
    silhouettes,
    sublevel_h0,
    superlevel_h0,
)
from ._arrays import as_diagrams, as_float64, as_tuple

__all__ = ["SublevelH0", "EmphBarcodes", "PersistenceImage", "Landscape", "BettiCurve", "Silhouette", "NotFittedError"]


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
