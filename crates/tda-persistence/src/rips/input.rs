//! What a Vietoris-Rips run reads: [`RipsInput`].

use ndarray::ArrayView2;

use super::SparseDistances;

/// The input of [`Rips::run`](super::Rips::run): the one entry point that
/// takes every kind of input and reports everything a run can give
/// ([`RipsOutput`](super::RipsOutput)); [`Rips::compute`](super::Rips::compute)
/// and its siblings are shorthands that return the diagrams only.
///
/// The `f32` variants are read in place, each value widened exactly to
/// `f64` where it is used: a run on them equals the run on the widened
/// `f64` input.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum RipsInput<'a> {
    /// A point cloud, one point per row, measured with the engine's
    /// [`Metric`](super::Metric).
    Points(ArrayView2<'a, f64>),
    /// A symmetric distance matrix with a zero diagonal and non-negative
    /// finite entries (the metric setting is ignored).
    DistanceMatrix(ArrayView2<'a, f64>),
    /// [`RipsInput::Points`] in `f32`.
    PointsF32(ArrayView2<'a, f32>),
    /// [`RipsInput::DistanceMatrix`] in `f32`.
    DistanceMatrixF32(ArrayView2<'a, f32>),
    /// A sparse distance matrix, read as ripser.py reads a `scipy.sparse`
    /// one (see [`SparseDistances`]): absent pairs are infinite, the
    /// threshold is used as given (no enclosing radius), the
    /// [`Storage`](super::Storage) setting is ignored (the store is the
    /// edges), and a greedy subsample ([`RipsBuilder::n_perm`](super::RipsBuilder::n_perm))
    /// is refused.
    Sparse(&'a SparseDistances),
}

impl RipsInput<'_> {
    /// Number of points (rows; for a sparse matrix, its `n`).
    pub fn n_points(&self) -> usize {
        match self {
            RipsInput::Points(a) | RipsInput::DistanceMatrix(a) => a.nrows(),
            RipsInput::PointsF32(a) | RipsInput::DistanceMatrixF32(a) => a.nrows(),
            RipsInput::Sparse(s) => s.n_points(),
        }
    }

    /// Coordinates per point of a point cloud; `None` for distances.
    pub fn point_dim(&self) -> Option<usize> {
        match self {
            RipsInput::Points(a) => Some(a.ncols()),
            RipsInput::PointsF32(a) => Some(a.ncols()),
            _ => None,
        }
    }
}
