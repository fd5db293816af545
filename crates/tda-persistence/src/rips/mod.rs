//! Vietoris-Rips persistence of point clouds and distance matrices.
//!
//! The Vietoris-Rips complex of a finite metric space at scale `t` holds every
//! simplex whose diameter (largest pairwise distance) is `<= t`; as `t` grows
//! the complexes nest, and persistent homology turns the nested sequence into
//! one barcode per dimension. [`Rips`] computes those barcodes with `Z/2`
//! coefficients exactly as Ripser does (Bauer, "Ripser: efficient computation
//! of Vietoris-Rips persistence barcodes", J. Appl. Comput. Topol. 2021):
//! same filtration (diameters, ties broken by reverse colexicographic order),
//! same default threshold, same bars; ripser.py's diagrams equal ours after
//! rounding both to `f32` (ripser computes in `f32`, we in `f64`).
//!
//! ```
//! use ndarray::array;
//! use tda_persistence::rips::Rips;
//! // Four corners of a unit square: one loop born at 1, dying at sqrt(2).
//! let square = array![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
//! let dgms = Rips::new().max_dim(1).compute(square.view()).unwrap();
//! assert_eq!(dgms[0].len(), 4); // three bars [0, 1) and one [0, inf)
//! assert_eq!(dgms[1].pairs[0].birth, 1.0);
//! assert_eq!(dgms[1].pairs[0].death, 2f64.sqrt());
//! ```
//!
//! How (see each module): the distances in a dense matrix or sparse
//! neighbour lists (`distance`), simplices as integers in
//! the combinatorial number system (`binomial`), coboundaries enumerated on
//! the fly (`cofaces`), H0 by a minimum spanning forest (`h0`), and
//! persistent cohomology dimension by dimension with clearing, apparent and
//! emergent pairs (`reduction`).

mod binomial;
mod cofaces;
mod distance;
mod h0;
mod reduction;

use ndarray::ArrayView2;

use crate::error::{check_finite, Error, Result};
use crate::memory::MemoryError;
use crate::{Diagram, PersistencePair, SlidingWindow};
use binomial::Binomial;
use cofaces::Cofaces;
pub use distance::Metric;
use distance::{Dense, Source, Space, Sparse};
use reduction::{Guard, COLUMN_BYTES, PIVOT_BYTES, RIPS, SIMPLEX_BYTES};

/// Which distance store the engine runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Storage {
    /// Dense unless the threshold keeps at most a quarter of all pairs (or
    /// the dense matrix would exceed the memory limit): the default.
    #[default]
    Auto,
    /// The full `n x n` matrix (fastest when most pairs are within the threshold).
    Dense,
    /// Neighbour lists of the pairs within the threshold (memory `O(edges)`).
    Sparse,
}

/// Vietoris-Rips persistent homology, configured builder-style.
///
/// `Rips::new()` computes H0 and H1 with the Euclidean metric up to the
/// enclosing radius, under an 8 GiB memory limit.
///
/// ```
/// use ndarray::Array2;
/// use tda_persistence::rips::{Metric, Rips};
/// let pts = Array2::from_shape_fn((12, 2), |(i, j)| {
///     let a = i as f64 * std::f64::consts::TAU / 12.0;
///     if j == 0 { a.cos() } else { a.sin() }
/// });
/// let dgms = Rips::new().max_dim(2).metric(Metric::Euclidean).compute(pts.view()).unwrap();
/// assert_eq!(dgms.len(), 3);
/// assert_eq!(dgms[1].len(), 1); // the circle
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Rips {
    max_dim: usize,
    threshold: Option<f64>,
    metric: Metric,
    memory_limit: u64,
    storage: Storage,
}

impl Default for Rips {
    fn default() -> Self {
        Self::new()
    }
}

impl Rips {
    /// Default memory limit: 8 GiB ([`crate::memory::DEFAULT_LIMIT`]).
    pub const DEFAULT_MEMORY_LIMIT: u64 = crate::memory::DEFAULT_LIMIT;

    /// H0 and H1, Euclidean, default threshold, the process-wide memory
    /// limit ([`crate::memory::limit`], 8 GiB unless set), automatic storage.
    pub fn new() -> Self {
        Self {
            max_dim: 1,
            threshold: None,
            metric: Metric::Euclidean,
            memory_limit: crate::memory::limit(),
            storage: Storage::Auto,
        }
    }

    /// Highest homology dimension computed; diagrams `0..=max_dim` are returned.
    pub fn max_dim(mut self, max_dim: usize) -> Self {
        self.max_dim = max_dim;
        self
    }

    /// Only simplices of diameter `<= threshold` enter (edges with `d <= t`);
    /// classes alive at `threshold` are reported as essential (infinite death).
    ///
    /// Without a threshold (or with `+inf`) the enclosing radius
    /// `min_i max_j d(i, j)` is used: beyond it the complex is a cone, so no
    /// bar changes and only one H0 class is essential. NaN or a negative
    /// threshold is rejected by the `compute` methods.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = Some(threshold);
        self
    }

    /// Metric between points (for [`Rips::compute`]); Euclidean by default.
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }

    /// Upper bound on the memory a run may take, in bytes (default: the
    /// process-wide [`crate::memory::limit`], 8 GiB unless set);
    /// a run estimated to need more fails with [`Error::TooLarge`] instead.
    pub fn memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = bytes;
        self
    }

    /// Forces a distance store (the default [`Storage::Auto`] picks one).
    pub fn storage(mut self, storage: Storage) -> Self {
        self.storage = storage;
        self
    }

    /// Diagrams `0..=max_dim` of the point cloud `points` (one point per row).
    ///
    /// # Errors
    /// [`Error::Empty`] (no points), [`Error::Shape`] (points with no
    /// coordinates), [`Error::NonFinite`] (flat row-major index), and the
    /// errors of [`Rips::compute_distance_matrix`] about parameters and size.
    pub fn compute(&self, points: ArrayView2<f64>) -> Result<Vec<Diagram>> {
        let (n, dim) = points.dim();
        if n == 0 {
            return Err(Error::Empty);
        }
        if dim == 0 {
            return Err(Error::Shape {
                rows: n,
                cols: dim,
                reason: "points need at least one coordinate",
            });
        }
        let coords: Vec<f64> = points.iter().copied().collect();
        check_finite(&coords)?;
        self.run(&Source::Points {
            coords: &coords,
            dim,
            metric: self.metric,
        })
    }

    /// Diagrams `0..=max_dim` of a distance matrix (the metric setting is ignored).
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::Shape`] (not square), [`Error::NonFinite`],
    /// [`Error::NegativeDistance`], [`Error::NonZeroDiagonal`],
    /// [`Error::NotSymmetric`] (exact comparison),
    /// [`Error::InvalidParameter`] (NaN or negative threshold),
    /// [`Error::DimensionTooLarge`] (`max_dim + 1` points are needed),
    /// [`Error::IndexOverflow`] (`n` choose `max_dim + 2` must fit in `u64`),
    /// [`Error::TooLarge`] (estimated memory over the limit).
    pub fn compute_distance_matrix(&self, d: ArrayView2<f64>) -> Result<Vec<Diagram>> {
        let (rows, cols) = d.dim();
        if rows == 0 || cols == 0 {
            return Err(Error::Empty);
        }
        if rows != cols {
            return Err(Error::Shape {
                rows,
                cols,
                reason: "a distance matrix must be square",
            });
        }
        check_finite(d.iter())?;
        for ((i, j), &v) in d.indexed_iter() {
            if v < 0.0 {
                return Err(Error::NegativeDistance {
                    row: i,
                    col: j,
                    value: v,
                });
            }
        }
        for i in 0..rows {
            if d[[i, i]] != 0.0 {
                return Err(Error::NonZeroDiagonal {
                    index: i,
                    value: d[[i, i]],
                });
            }
            for j in 0..i {
                if d[[i, j]] != d[[j, i]] {
                    return Err(Error::NotSymmetric { row: i, col: j });
                }
            }
        }
        self.run(&Source::Matrix(d))
    }

    /// Diagrams of the sliding-window embedding of `signal` (see [`SlidingWindow::embed`]).
    ///
    /// # Errors
    /// Those of [`SlidingWindow::embed`] and [`Rips::compute`].
    pub fn compute_sliding_window(
        &self,
        signal: &[f64],
        window: &SlidingWindow,
    ) -> Result<Vec<Diagram>> {
        let points = window.embed(signal)?;
        self.compute(points.view())
    }

    fn check_parameters(&self, n: usize) -> Result<Binomial> {
        if let Some(t) = self.threshold {
            if t.is_nan() || t < 0.0 {
                return Err(Error::InvalidParameter {
                    name: "threshold",
                    value: t.to_string(),
                    reason: "must be a non-negative number",
                });
            }
        }
        if self.max_dim >= n {
            return Err(Error::DimensionTooLarge {
                max_dim: self.max_dim,
                points: n,
            });
        }
        let overflow = Error::IndexOverflow {
            max_dim: self.max_dim,
            points: n,
        };
        if n > u32::MAX as usize - 1 {
            return Err(overflow);
        }
        // Guard the table's own size before building it.
        let cells = (self.max_dim as u64 + 3).saturating_mul(n as u64 + 1);
        if cells.saturating_mul(8) > self.memory_limit {
            return Err(Error::TooLarge(MemoryError {
                what: RIPS,
                estimated_bytes: cells.saturating_mul(8),
                limit: self.memory_limit,
            }));
        }
        Binomial::new(n, self.max_dim + 2).ok_or(overflow)
    }

    /// The effective threshold (at most the enclosing radius) and the number of edges within it.
    fn threshold_and_edges(&self, src: &Source<'_>) -> (f64, usize) {
        let radius = src.enclosing_radius();
        let t = self.threshold.map_or(radius, |t| t.min(radius));
        (t, src.edges_within(t))
    }

    /// Chooses the store for `edges` edges and checks the memory estimate.
    fn plan(&self, n: usize, edges: usize, dense_fits: bool) -> Result<(bool, Guard)> {
        let limit = self.memory_limit;
        let pairs = (n as u64) * (n as u64).saturating_sub(1) / 2;
        let use_sparse = match self.storage {
            Storage::Dense => false,
            Storage::Sparse => true,
            Storage::Auto => !dense_fits || (edges as u64) * 4 <= pairs,
        };
        let store = if use_sparse {
            Sparse::bytes(n, edges)
        } else {
            Dense::bytes(n)
        };
        let guard = Guard {
            base: store.saturating_add(24 * n as u64),
            limit,
        };
        // Per edge: its dimension-1 column, a pivot slot and, if a higher
        // dimension follows, its key in the list of all edges. Higher
        // dimensions are checked as their simplices are enumerated.
        let keep = if self.max_dim >= 2 { SIMPLEX_BYTES } else { 0 };
        let per_edge = if self.max_dim >= 1 {
            COLUMN_BYTES + PIVOT_BYTES + keep
        } else {
            0
        };
        guard.check((edges as u64).saturating_mul(per_edge))?;
        Ok((use_sparse, guard))
    }

    fn run(&self, src: &Source<'_>) -> Result<Vec<Diagram>> {
        let n = src.len();
        let binom = self.check_parameters(n)?;
        if Dense::bytes(n) <= self.memory_limit {
            // Build the dense matrix once and read everything off it.
            let dense = Dense::new(src);
            let msrc = Source::Matrix(dense.view());
            let (t, edges) = self.threshold_and_edges(&msrc);
            let (use_sparse, guard) = self.plan(n, edges, true)?;
            if use_sparse {
                let sparse = Sparse::new(&msrc, t, edges);
                drop(dense);
                self.persistence(&sparse, &binom, t, &guard, None)
            } else {
                self.persistence(&dense, &binom, t, &guard, Some(&dense))
            }
        } else {
            let (t, edges) = self.threshold_and_edges(src);
            let (use_sparse, guard) = self.plan(n, edges, false)?;
            if !use_sparse {
                return Err(Error::TooLarge(MemoryError {
                    what: RIPS,
                    estimated_bytes: guard.base,
                    limit: self.memory_limit,
                }));
            }
            let sparse = Sparse::new(src, t, edges);
            self.persistence(&sparse, &binom, t, &guard, None)
        }
    }

    fn persistence<S: Space>(
        &self,
        space: &S,
        binom: &Binomial,
        t: f64,
        guard: &Guard,
        dense: Option<&Dense>,
    ) -> Result<Vec<Diagram>> {
        let forest = match dense {
            Some(d) => h0::prim(d, binom, t),
            None => h0::kruskal(space, binom),
        };
        let mut h0_pairs: Vec<PersistencePair> = forest
            .deaths
            .iter()
            .filter(|&&d| d > 0.0)
            .map(|&d| PersistencePair::new(0.0, d))
            .collect();
        h0_pairs.extend((0..forest.components()).map(|_| PersistencePair::new(0.0, f64::INFINITY)));
        let mut diagrams = vec![Diagram::new(0, h0_pairs)];
        if self.max_dim == 0 {
            return Ok(diagrams);
        }
        let cf = Cofaces {
            space,
            binom,
            threshold: t,
        };
        let mut assembly = reduction::assemble_edges(&cf, &forest, self.max_dim >= 2, guard)?;
        drop(forest);
        for dim in 1..=self.max_dim {
            let (pairs, pivots) = reduction::reduce(&cf, dim, &assembly.columns, guard)?;
            diagrams.push(Diagram::new(dim, pairs));
            if dim < self.max_dim {
                assembly.columns = Vec::new(); // free before the next assembly
                assembly = reduction::assemble(
                    &cf,
                    dim + 1,
                    &assembly.simplices,
                    &pivots,
                    &assembly.apparent,
                    dim + 1 < self.max_dim,
                    guard,
                )?;
            }
        }
        Ok(diagrams)
    }
}
