//! What a Vietoris-Rips run reads: [`RipsInput`].

use ndarray::ArrayView2;

/// The input of [`Rips::run`](super::Rips::run): the one entry point that
/// takes every kind of input and reports everything a run can give
/// ([`RipsOutput`](super::RipsOutput)); [`Rips::compute`](super::Rips::compute)
/// and its siblings are shorthands that return the diagrams only.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum RipsInput<'a> {
    /// A point cloud, one point per row, measured with the engine's
    /// [`Metric`](super::Metric).
    Points(ArrayView2<'a, f64>),
    /// A symmetric distance matrix with a zero diagonal and non-negative
    /// finite entries (the metric setting is ignored).
    DistanceMatrix(ArrayView2<'a, f64>),
}
