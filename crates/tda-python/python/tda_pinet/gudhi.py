"""gudhi-style cubical persistence, where gudhi's API maps one to one onto
this library's: ``CubicalComplex`` of a 1-D signal or a 2-D image.

``from tda_pinet.gudhi import CubicalComplex`` in place of ``from gudhi
import CubicalComplex``: ``CubicalComplex(vertices=x)`` (the lower-star
filtration of the pixel values, 4-connected) or
``CubicalComplex(top_dimensional_cells=x)`` (values on the squares,
8-connected for H0), then ``persistence()`` as a list of ``(dim, (birth,
death))`` sorted as gudhi sorts it (dimension descending, then length
descending) and ``persistence_intervals_in_dimension(dim)`` as an
``(n, 2)`` array. Same bars as gudhi's; within a run of equal lengths the
order may differ. Arrays of 3 or more dimensions raise
``NotImplementedError``. Cubical complexes of 1-D and 2-D arrays have no
torsion, so ``homology_coeff_field`` does not change the result.
"""

import numpy as np

from . import _core
from ._arrays import as_float64

__all__ = ["CubicalComplex"]


class CubicalComplex:
    """The cubical complex of a 1-D signal or a 2-D image, as gudhi's."""

    def __init__(self, dimensions=None, top_dimensional_cells=None, vertices=None):
        if dimensions is not None:
            raise NotImplementedError(
                "tda_pinet.gudhi: CubicalComplex(dimensions=...) with flat cells is not supported; "
                "pass vertices= or top_dimensional_cells= as an array"
            )
        if (vertices is None) == (top_dimensional_cells is None):
            raise ValueError("give exactly one of vertices= or top_dimensional_cells=")
        name = "vertices" if vertices is not None else "top_dimensional_cells"
        values = np.asarray(vertices if vertices is not None else top_dimensional_cells)
        if values.ndim not in (1, 2):
            raise NotImplementedError(
                f"tda_pinet.gudhi: {name} of {values.ndim} dimensions (only 1-D and 2-D arrays)"
            )
        self._values = as_float64(values, name, values.ndim)
        self._connectivity = 4 if vertices is not None else 8
        self._diagrams = None

    def persistence(self, homology_coeff_field=11, min_persistence=0.0):
        """All bars as ``[(dim, (birth, death)), ...]``, dimension
        descending then length descending; bars of length ``<=
        min_persistence`` are left out (gudhi's rule)."""
        self.compute_persistence(homology_coeff_field, min_persistence)
        bars = [(dim, (float(b), float(d))) for dim, dgm in enumerate(self._diagrams) for b, d in dgm]
        bars.sort(key=lambda bar: (-bar[0], -(bar[1][1] - bar[1][0]), bar[1][0]))
        return bars

    def compute_persistence(self, homology_coeff_field=11, min_persistence=0.0):
        """Compute the diagrams (``persistence`` calls this)."""
        x = self._values
        if x.ndim == 1:
            # A signal is a one-row image; both connectivities agree on it.
            x = x[np.newaxis, :]
        dgms = _core.cubical(x, self._connectivity)
        if self._values.ndim == 1:
            dgms = dgms[:1]
        self._diagrams = [d[(d[:, 1] - d[:, 0]) > min_persistence] for d in dgms]

    def persistence_intervals_in_dimension(self, dimension):
        """The bars of one dimension as an ``(n, 2)`` array (after
        ``persistence`` or ``compute_persistence``)."""
        if self._diagrams is None:
            raise RuntimeError("compute_persistence() must be called before persistence_intervals_in_dimension()")
        if dimension < len(self._diagrams):
            return self._diagrams[dimension].copy()
        return np.empty((0, 2))

    def dimension(self):
        """The dimension of the complex (1 for a signal, 2 for an image)."""
        return self._values.ndim

    def num_simplices(self):
        """The number of cells (gudhi's count for the vertex-valued or
        top-cell-valued complex of this shape)."""
        shape = self._values.shape
        if self._connectivity == 4:  # vertices: the cells of the vertex grid
            sizes = [2 * s - 1 for s in shape]
        else:  # top cells: their closure
            sizes = [2 * s + 1 for s in shape]
        return int(np.prod(sizes))
