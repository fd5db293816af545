"""Scale-out on Dask: the batch features of many series, chunk by chunk,
on a cluster (``distributed``) or a local scheduler.

::

    import dask.array as da
    from dask.distributed import Client
    from sklearn.pipeline import make_pipeline
    from tda_pinet.sklearn import SublevelH0, PersistenceImage
    from tda_pinet.dask import map_features

    client = Client("tcp://scheduler:8786")          # or Client() locally
    x = da.from_zarr("series.zarr")                  # (n_series, length)
    pipe = make_pipeline(SublevelH0(), PersistenceImage(resolution=(20, 20), sigma=0.5))
    pipe.fit(x[:10_000].compute())                   # learn the ranges on a sample
    features = map_features(x, pipe)                 # dask array (n_series, 400)
    features.to_zarr("features.zarr")

Each chunk of rows is one task that runs the whole batch in Rust; the
result equals the local call (``transformer.transform(x.compute())``)
exactly, whatever the chunking, because every series is computed on its
own. Dask is imported when a function runs, so ``tda_pinet`` and this
module import without it. See ``docs/scaling.md`` for chunk sizes and
measured throughput.
"""

import copy

import numpy as np

__all__ = ["map_features", "map_diagrams"]


def _require_dask():
    try:
        import dask  # noqa: F401
        import dask.array  # noqa: F401
    except ImportError:
        raise ImportError("tda_pinet.dask needs dask: pip install 'dask[array]' distributed") from None


def _with_n_jobs(transformer, n_jobs):
    """A copy of ``transformer`` with every ``n_jobs`` parameter (nested
    ones of a pipeline included) set to ``n_jobs``; the object itself if
    it has no such parameter or ``n_jobs`` is None."""
    if n_jobs is None or not hasattr(transformer, "get_params"):
        return transformer
    keys = [k for k in transformer.get_params(deep=True) if k == "n_jobs" or k.endswith("__n_jobs")]
    if not keys:
        return transformer
    t = copy.deepcopy(transformer)
    t.set_params(**{k: n_jobs for k in keys})
    return t


def _as_function(transformer, method):
    """``transformer.<method>`` for an estimator, else the callable itself."""
    if hasattr(transformer, method):
        return getattr(transformer, method)
    if callable(transformer):
        return transformer
    raise TypeError(f"transformer: expected an object with a {method!r} method or a callable, got {transformer!r}")


def _apply_block(block, transformer, method):
    """The features of one chunk of rows, as an ndarray."""
    return np.asarray(_as_function(transformer, method)(block))


def map_features(x, transformer, method="transform", n_jobs=1, n_features=None, dtype=None):
    """The features of every row of the dask array ``x`` (one series per
    row), computed chunk by chunk: a dask array with ``x``'s row chunks.

    ``transformer``: a *fitted* transformer (a :mod:`tda_pinet.sklearn`
    transformer, a fitted scikit-learn ``Pipeline`` of them, anything with
    ``method``, ``"transform"`` by default; ``"predict"`` or
    ``"predict_proba"`` of a fitted classifier pipeline work the same way),
    or a picklable callable mapping a 2-D numpy block of rows to a 2-D (or
    1-D) array with one row (entry) per input row. It is pickled into the
    graph once and sent to the workers.

    ``x`` is rechunked to one chunk along the columns (each task needs
    whole series); choose its row chunks (tens of thousands of series,
    ~10-100 MB) with ``x.rechunk({0: rows})``. ``n_jobs``: the threads each
    task uses, set on every ``n_jobs`` parameter of the transformer (on a
    copy); the default 1 leaves the parallelism to Dask's worker threads;
    ``None`` keeps the transformer's own. Results never depend on it.

    ``n_features`` and ``dtype`` describe the output; when either is not
    given, the transformer is run once on one all-zero row to find them
    (a 1-D result there gives a 1-D dask array).
    """
    _require_dask()
    import dask.array as da

    if not isinstance(x, da.Array):
        raise TypeError(f"x: expected a dask array, got {type(x).__name__}")
    if x.ndim != 2:
        raise ValueError(f"x: expected a 2-D dask array (one series per row), got shape {x.shape}")
    if not isinstance(method, str):
        raise TypeError(f"method: expected a method name, got {method!r}")
    transformer = _with_n_jobs(transformer, n_jobs)
    _as_function(transformer, method)  # fails early on a bad transformer
    x = x.rechunk({1: -1})
    if n_features is None or dtype is None:
        probe = _apply_block(np.zeros((1, x.shape[1]), dtype=x.dtype), transformer, method)
        if probe.ndim not in (1, 2) or probe.shape[0] != 1:
            raise ValueError(
                f"transformer: must map a block of rows to one row per input row, "
                f"got shape {probe.shape} for one row"
            )
        dtype = probe.dtype if dtype is None else np.dtype(dtype)
        if n_features is None:
            n_features = None if probe.ndim == 1 else probe.shape[1]
    dtype = np.dtype(dtype)
    if n_features is None:  # one value per row
        return x.map_blocks(
            _apply_block, transformer, method, chunks=(x.chunks[0],), drop_axis=1, dtype=dtype,
            meta=np.empty((0,), dtype=dtype),
        )
    return x.map_blocks(
        _apply_block, transformer, method, chunks=(x.chunks[0], (int(n_features),)), dtype=dtype,
        meta=np.empty((0, 0), dtype=dtype),
    )


def _diagrams_of_block(block, fn, kwargs):
    return list(fn(block, **kwargs))


def _rips(points, **kwargs):
    from . import rips

    return rips(points, **kwargs)


def _sublevel_h0(block, **kwargs):
    from . import sublevel_h0

    return sublevel_h0(block, **kwargs)


def map_diagrams(data, fn=None, **kwargs):
    """Diagrams of many inputs on Dask, as a dask bag (one item per input).

    * ``data`` a dask **bag** of point clouds (``(n_points, dim)`` arrays):
      ``fn`` defaults to :func:`tda_pinet.rips`, each item becomes its list
      of diagrams ``[H0, ..., H_maxdim]``;
    * ``data`` a 2-D dask **array** of series (one per row): ``fn`` defaults
      to :func:`tda_pinet.sublevel_h0`, called on each chunk of rows (it
      must map a 2-D block to one result per row); each item is one row's
      diagram.

    ``kwargs`` go to ``fn`` (``maxdim``, ``thresh``, ...); ``n_jobs``
    defaults to 1 for the default functions (Dask runs the tasks in
    parallel). Results equal the local calls item by item.
    """
    _require_dask()
    import dask.array as da
    import dask.bag as db
    from dask import delayed

    if isinstance(data, db.Bag):
        if fn is None:
            fn = _rips
            kwargs.setdefault("n_jobs", 1)
        return data.map(fn, **kwargs)
    if isinstance(data, da.Array):
        if data.ndim != 2:
            raise ValueError(f"data: expected a 2-D dask array (one series per row), got shape {data.shape}")
        if fn is None:
            fn = _sublevel_h0
            kwargs.setdefault("n_jobs", 1)
        blocks = data.rechunk({1: -1}).to_delayed().ravel()
        return db.from_delayed([delayed(_diagrams_of_block)(b, fn, kwargs) for b in blocks])
    raise TypeError(f"data: expected a dask bag or a dask array, got {type(data).__name__}")
