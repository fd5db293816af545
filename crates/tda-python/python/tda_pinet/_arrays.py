"""Input conversion shared by the public modules.

Every public function converts its array arguments here: any real dtype and
any memory layout is accepted (float64 arrays pass through without a copy,
strided views included; other dtypes are converted once), and a bad shape
or a non-real dtype raises an error naming the argument.
"""

import numpy as np

__all__ = ["as_float64", "as_diagram", "as_diagrams", "as_tuple"]


def as_float64(x, name, ndim, dtype=np.float64):
    """`x` as an array of `ndim` dimensions and type `dtype` (float64 by
    default; no copy if it is one)."""
    try:
        a = np.asarray(x)
    except Exception as e:  # ragged sequences and the like
        raise ValueError(f"{name}: not an array ({e})") from None
    if a.dtype.kind not in "fiub":
        raise TypeError(f"{name}: expected real numbers, got an array of dtype {a.dtype}")
    if a.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {a.shape}")
    return a.astype(dtype, copy=False)


def as_diagram(d, name):
    """`d` as an (n, 2) float64 array of (birth, death) rows; an empty
    sequence or array is the empty diagram."""
    try:
        a = np.asarray(d)
    except Exception as e:
        raise ValueError(f"{name}: not an array ({e})") from None
    if a.size == 0:
        return np.empty((0, 2))
    a = as_float64(a, name, 2)
    if a.shape[1] != 2:
        raise ValueError(f"{name}: a diagram is an (n, 2) array of (birth, death) rows, got shape {a.shape}")
    return a


def as_diagrams(ds, name):
    """A list of diagrams: a sequence of (n, 2) arrays, or one (n, 2) array
    (a list of one). Returns the list and whether one diagram was given."""
    if isinstance(ds, np.ndarray) and ds.ndim == 2:
        return [as_diagram(ds, name)], True
    try:
        items = list(ds)
    except TypeError:
        raise TypeError(f"{name}: expected a diagram or a sequence of diagrams") from None
    return [as_diagram(d, f"{name}[{i}]") for i, d in enumerate(items)], False


def as_tuple(x, name, length, kind=float):
    """`x` as a tuple of `length` numbers of type `kind` (float or int)."""
    try:
        items = tuple(x)
    except TypeError:
        raise TypeError(f"{name}: expected a sequence of {length} numbers, got {x!r}") from None
    if len(items) != length:
        raise ValueError(f"{name}: expected {length} numbers, got {len(items)}")
    try:
        if kind is int:
            return tuple(_as_int(v) for v in items)
        return tuple(float(v) for v in items)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected {length} numbers, got {x!r}") from None


def _as_int(v):
    """An integral value as an int (refusing 2.5, accepting 2.0 and numpy ints)."""
    i = int(v)
    if i != v:
        raise ValueError(v)
    return i
