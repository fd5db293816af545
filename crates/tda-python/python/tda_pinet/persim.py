"""Drop-in replacements for persim 0.4's ``PersistenceImager``,
``bottleneck`` and ``wasserstein``.

``from tda_pinet.persim import PersistenceImager`` in place of ``from persim
import PersistenceImager``: same constructor, attributes (``birth_range``,
``pers_range``, ``pixel_size``, ``resolution``, ``width``, ``height``),
``fit``, ``transform``, ``fit_transform``, and the same images (pixel
values are the exact integrals persim computes, to float rounding).

As in persim, ``kernel_params={"sigma": ...}`` is a *covariance*: a number
is the variance of an isotropic Gaussian (the standard deviation is its
square root), a 2x2 matrix must be ``[[v, 0], [0, v]]``. Differences, all
deliberate:

* infinite bars are left out (persim turns them into NaN images) and so
  are they in ``fit`` (persim's ranges would become infinite);
* points of negative persistence (``death < birth``, as superlevel
  diagrams write them) raise ``ValueError``: persim would weight them
  negatively below the axis; write such bars as ``(min, max)`` first;
* the ``uniform`` kernel, anisotropic covariances and weight or kernel
  functions of your own raise ``NotImplementedError``; persim's own
  ``persistence`` and ``linear_ramp`` weights, by name or as functions,
  are supported;
* the plotting methods are not provided (use persim's with these images).
"""

import math
import warnings

import numpy as np

from . import _core
from ._arrays import as_diagram

__all__ = ["PersistenceImager", "bottleneck", "wasserstein"]

_WEIGHTS = ("persistence", "linear_ramp")


def _unsupported(what):
    return NotImplementedError(f"tda_pinet.persim: {what} is not supported (use persim for it)")


def _name_of(f, kind):
    """The persim name of a weight or kernel given by name or as persim's function."""
    if isinstance(f, str):
        return f
    if callable(f) and getattr(f, "__module__", "").startswith(f"persim.images_{kind}s"):
        return f.__name__
    raise _unsupported(f"a {kind} function of your own ({f!r})")


def _variance(kernel_params):
    sigma = kernel_params.get("sigma", [[1.0, 0.0], [0.0, 1.0]])
    if isinstance(sigma, (int, float)):
        return float(sigma)
    s = np.asarray(sigma, dtype=np.float64)
    if s.shape != (2, 2):
        raise ValueError(f"kernel_params['sigma']: expected a number or a 2x2 covariance, got {sigma!r}")
    if s[0, 0] != s[1, 1] or s[0, 1] != 0.0:
        raise _unsupported(f"an anisotropic covariance {sigma!r}")
    return float(s[0, 0])


class PersistenceImager:
    """Persistence images on a grid of square pixels, as persim 0.4's
    ``PersistenceImager`` (Adams et al. 2017).

    ``birth_range`` and ``pers_range`` (default ``(0, 1)``), ``pixel_size``
    (default 0.2), ``weight`` (``"persistence"``, ``weight_params={"n":
    1.0}``, or ``"linear_ramp"`` with ``low``, ``high``, ``start``, ``end``),
    ``kernel="gaussian"`` with ``kernel_params={"sigma": covariance}``.
    """

    def __init__(
        self,
        birth_range=None,
        pers_range=None,
        pixel_size=None,
        weight=None,
        weight_params=None,
        kernel=None,
        kernel_params=None,
    ):
        birth_range = (0.0, 1.0) if birth_range is None else birth_range
        pers_range = (0.0, 1.0) if pers_range is None else pers_range
        pixel_size = 0.2 if pixel_size is None else pixel_size
        weight = "persistence" if weight is None else weight
        kernel = "gaussian" if kernel is None else kernel
        weight_params = {"n": 1.0} if weight_params is None else weight_params
        kernel_params = {"sigma": [[1.0, 0.0], [0.0, 1.0]]} if kernel_params is None else kernel_params
        for name, r in (("birth_range", birth_range), ("pers_range", pers_range)):
            if not (isinstance(r, tuple) and len(r) == 2 and all(isinstance(v, (int, float)) for v in r)):
                raise ValueError(f"{name} must be a tuple of two numbers, got {r!r}")
        if not isinstance(pixel_size, (int, float)) or not pixel_size > 0:
            raise ValueError(f"pixel_size must be a positive number, got {pixel_size!r}")
        if not isinstance(weight_params, dict):
            raise ValueError("weight_params must be a dict")
        if not isinstance(kernel_params, dict):
            raise ValueError("kernel_params must be a dict")
        self.weight = _name_of(weight, "weight")
        if self.weight not in _WEIGHTS:
            raise ValueError(f"weight must be callable or a str in {list(_WEIGHTS)}")
        self.kernel = _name_of(kernel, "kernel")
        if self.kernel == "uniform":
            raise _unsupported("the uniform kernel")
        if self.kernel != "gaussian":
            raise ValueError("kernel must be callable or a str in ['gaussian', 'uniform']")
        _variance(kernel_params)
        self.weight_params = weight_params
        self.kernel_params = kernel_params
        # persim's constructor takes the ranges as given and floors the
        # pixel count (the pixels then stretch to fill (range + one pixel)
        # / (count + 1)); the setters below pad instead.
        self._pixel_size = pixel_size
        self._birth_range = birth_range
        self._pers_range = pers_range
        self._width = birth_range[1] - birth_range[0]
        self._height = pers_range[1] - pers_range[0]
        self._resolution = (int(self._width / pixel_size), int(self._height / pixel_size))
        self._create_mesh()

    @property
    def width(self):
        """Width of the image along the birth axis."""
        return self._width

    @property
    def height(self):
        """Height of the image along the persistence axis."""
        return self._height

    @property
    def resolution(self):
        """``(birth pixels, persistence pixels)``."""
        return self._resolution

    @property
    def pixel_size(self):
        """Side of a square pixel."""
        return self._pixel_size

    @pixel_size.setter
    def pixel_size(self, val):
        self._pixel_size = val
        self._width = self._padded(self._birth_range)
        self._height = self._padded(self._pers_range)
        self._update()

    @property
    def birth_range(self):
        """``(min, max)`` birth covered by the image."""
        return self._birth_range

    @birth_range.setter
    def birth_range(self, val):
        self._birth_range = val
        self._width = self._padded(val)
        self._update()

    @property
    def pers_range(self):
        """``(min, max)`` persistence covered by the image."""
        return self._pers_range

    @pers_range.setter
    def pers_range(self, val):
        self._pers_range = val
        self._height = self._padded(val)
        self._update()

    def _padded(self, r):
        """A range's extent rounded up to a whole number of pixels."""
        return int(np.ceil((r[1] - r[0]) / self._pixel_size)) * self._pixel_size

    def _update(self):
        self._resolution = (int(self._width / self._pixel_size), int(self._height / self._pixel_size))
        self._create_mesh()

    def _create_mesh(self):
        # Centre the ranges in the padded extent; pixel edges as persim's
        # linspace(lo, hi + pixel_size, count + 1, endpoint=False).
        db = self._width - (self._birth_range[1] - self._birth_range[0])
        dp = self._height - (self._pers_range[1] - self._pers_range[0])
        self._birth_range = (self._birth_range[0] - db / 2, self._birth_range[1] + db / 2)
        self._pers_range = (self._pers_range[0] - dp / 2, self._pers_range[1] + dp / 2)
        nb, npers = self._resolution
        self._bpnts = np.linspace(
            self._birth_range[0], self._birth_range[1] + self._pixel_size, nb + 1, endpoint=False
        )
        self._ppnts = np.linspace(
            self._pers_range[0], self._pers_range[1] + self._pixel_size, npers + 1, endpoint=False
        )

    def __repr__(self):
        return (
            f"PersistenceImager(birth_range={self.birth_range}, pers_range={self.pers_range}, "
            f"pixel_size={self.pixel_size}, weight={self.weight}, weight_params={self.weight_params}, "
            f"kernel={self.kernel}, kernel_params={self.kernel_params})"
        )

    def fit(self, pers_dgms, skew=True):
        """Set ``birth_range`` and ``pers_range`` to the extent of the finite
        points of the diagrams (birth-persistence coordinates if ``skew``),
        padded to whole pixels."""
        dgms, _ = _ensure_iterable(pers_dgms)
        points = [p for p in (_finite_points(d, skew) for d in dgms) if len(p)]
        if not points:
            raise ValueError("pers_dgms: no finite point to fit the ranges to")
        pts = np.concatenate(points)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        self.birth_range = (lo[0], hi[0])
        self.pers_range = (lo[1], hi[1])

    def transform(self, pers_dgms, skew=True, n_jobs=None):
        """The image of each diagram (a list), or one image for one diagram:
        float64 arrays of shape ``resolution``, birth-major. ``skew=False``
        reads the rows as ``(birth, persistence)``. ``n_jobs``: threads
        (``None``: all cores)."""
        if len(pers_dgms) == 0:
            return np.zeros(self.resolution)
        dgms, singular = _ensure_iterable(pers_dgms)
        if min(self._resolution) == 0:
            images = [np.zeros(self._resolution) for _ in dgms]
            return images[0] if singular else images
        rows = [_birth_death(d, skew, f"pers_dgms[{i}]") for i, d in enumerate(dgms)]
        w = self.weight_params
        if self.weight == "persistence":
            extra = dict(weight_name="persistence", n=float(w.get("n", 1.0)))
        else:
            ramp = tuple(float(w.get(k, d)) for k, d in (("low", 0.0), ("high", 1.0), ("start", 0.0), ("end", 1.0)))
            extra = dict(weight_name="linear_ramp", ramp=ramp)
        nb, npers = self._resolution
        images = _core.persistence_images(
            rows,
            (float(self._bpnts[0]), float(self._bpnts[-1])),
            (float(self._ppnts[0]), float(self._ppnts[-1])),
            (nb, npers),
            math.sqrt(_variance(self.kernel_params)),
            n_jobs=_jobs(n_jobs),
            **extra,
        ).astype(np.float64)
        return images[0] if singular else list(images)

    def fit_transform(self, pers_dgms, skew=True):
        """``fit`` then ``transform``."""
        self.fit(pers_dgms, skew=skew)
        return self.transform(pers_dgms, skew=skew)


def _jobs(n_jobs):
    """joblib's n_jobs (None, -1 all cores, k >= 1) as a thread count."""
    return None if n_jobs is None else int(n_jobs)


def _ensure_iterable(pers_dgms):
    """persim's rule: one diagram if the first entry of the first entry is a number."""
    try:
        singular = not hasattr(pers_dgms[0][0], "__iter__")
    except IndexError:
        singular = False
    return ([pers_dgms] if singular else list(pers_dgms)), singular


def _finite_points(d, skew):
    """The (birth, persistence) points of a diagram with finite coordinates."""
    a = as_diagram(d, "pers_dgms")
    a = a[np.isfinite(a).all(axis=1)]
    if skew:
        a = np.column_stack([a[:, 0], a[:, 1] - a[:, 0]])
    return a


def _birth_death(d, skew, name):
    """A diagram's (birth, death) rows for the engine, refusing points of
    negative persistence (persim would give them a Gaussian below the
    axis and a negative weight; the engine reads every bar as an interval)."""
    a = as_diagram(d, name)
    pers = a[:, 1] - a[:, 0] if skew else a[:, 1]
    bad = np.flatnonzero(pers < 0)
    if bad.size:
        raise ValueError(
            f"{name}: row {bad[0]} has negative persistence ({'death < birth' if skew else 'persistence < 0'}); "
            "write superlevel bars as (min, max) first"
        )
    if skew:
        return a
    return np.column_stack([a[:, 0], a[:, 0] + a[:, 1]])


def _finite_deaths(d, name):
    a = as_diagram(d, name)
    keep = np.isfinite(a[:, 1])
    if not keep.all():
        warnings.warn(f"{name} has points with non-finite death times;ignoring those points")
    return a[keep]


def _persim_matching(distance, a, b, pairs, cost):
    """persim's matching array: rows ``[i, j, cost]``, -1 for the diagonal."""
    rows = [(i, j, cost(a[i] if i >= 0 else None, b[j] if j >= 0 else None)) for i, j in pairs]
    return distance, np.array(rows, dtype=np.float64).reshape(-1, 3)


def bottleneck(dgm1, dgm2, matching=False):
    """The bottleneck distance, as persim's: points with a non-finite death
    are ignored (with persim's warning), the ``L^inf`` ground metric, a
    point's distance to the diagonal half its persistence. With
    ``matching=True``, returns ``(distance, matching)``: rows ``[i, j,
    cost]`` with ``-1`` for the diagonal (an optimal matching; when several
    tie, possibly another than persim's)."""
    a, b = _finite_deaths(dgm1, "dgm1"), _finite_deaths(dgm2, "dgm2")
    if not matching:
        return _core.bottleneck(a, b, False)
    d, pairs = _core.bottleneck(a, b, True)

    def cost(p, q):
        if p is None:
            return 0.5 * (q[1] - q[0])
        if q is None:
            return 0.5 * (p[1] - p[0])
        return max(abs(p[0] - q[0]), abs(p[1] - q[1]))

    return _persim_matching(d, a, b, pairs, cost)


def wasserstein(dgm1, dgm2, matching=False):
    """The 1-Wasserstein distance with the Euclidean ground metric, as
    persim's: points with a non-finite death are ignored (with persim's
    warning), a point's distance to the diagonal ``|d - b| / sqrt(2)``.
    ``matching`` as in :func:`bottleneck`."""
    a, b = _finite_deaths(dgm1, "dgm1"), _finite_deaths(dgm2, "dgm2")
    if not matching:
        return _core.wasserstein(a, b, 1.0, 2.0, False)
    d, pairs = _core.wasserstein(a, b, 1.0, 2.0, True)

    def cost(p, q):
        if p is None:
            return abs(q[1] - q[0]) / math.sqrt(2.0)
        if q is None:
            return abs(p[1] - p[0]) / math.sqrt(2.0)
        return math.hypot(p[0] - q[0], p[1] - q[1])

    return _persim_matching(d, a, b, pairs, cost)
