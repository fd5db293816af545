//! Vietoris-Rips persistence of point clouds and distance matrices.
//!
//! The Vietoris-Rips complex of a finite metric space at scale `t` holds every
//! simplex whose diameter (largest pairwise distance) is `<= t`; as `t` grows
//! the complexes nest, and persistent homology turns the nested sequence into
//! one barcode per dimension. [`Rips`] computes those barcodes with `Z/2`
//! coefficients (or `Z/p`, [`RipsBuilder::coeff`], with representative
//! cocycles on request, [`RipsBuilder::cocycles`]) exactly as Ripser does
//! (Bauer, "Ripser: efficient computation of Vietoris-Rips persistence
//! barcodes", J. Appl. Comput. Topol. 2021):
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
//! # Configuration
//!
//! One way, as everywhere in the workspace: [`Rips::builder`] returns a
//! [`RipsBuilder`] whose setters only store values, and
//! [`RipsBuilder::build`] checks them once (a NaN or negative threshold
//! is [`Error::InvalidParameter`] from there) and returns the immutable
//! engine [`Rips`], with a getter per parameter. The stable one-liner
//! `Rips::new().max_dim(1).threshold(t).metric(Metric::Euclidean).compute(points)`
//! keeps working the way linfa's `ParamGuard` runs `fit` on unchecked
//! hyperparameters: `Rips::new()` is a shorthand for `Rips::builder()`,
//! and the builder's `compute`, `compute_distance_matrix` and
//! `compute_sliding_window` build first (so a bad parameter gets the same
//! error as from `build`), then run. This keeps one set of setters (on the
//! builder) and one place where parameters are checked, instead of
//! setters on the engine itself that could leave it unchecked. What
//! depends on the input (enough points for `max_dim`, the index range,
//! the memory estimate against the limit, NaN coordinates, a distance
//! matrix's symmetry) is checked by the `compute` methods.
//!
//! # Inputs and options
//!
//! [`Rips::run`] takes a [`RipsInput`]: points or a distance matrix, in
//! `f64` or `f32` (read in place, widened exactly per value: the same
//! results as the widened `f64` input), or a [`SparseDistances`] matrix
//! read as ripser.py reads `scipy.sparse` input (absent pairs infinite, the
//! diagonal as vertex births, no default threshold).
//! [`RipsBuilder::n_perm`] runs on ripser.py's greedy subsample and reports
//! it ([`RipsOutput::idx_perm`], [`RipsOutput::r_cover`]);
//! [`Rips::run_batch`] runs many inputs in parallel.
//!
//! How (see each module): the distances in a dense matrix or sparse
//! neighbour lists (`distance`), simplices as integers in
//! the combinatorial number system (`binomial`), coboundaries enumerated on
//! the fly (`cofaces`), H0 by a minimum spanning forest (`h0`),
//! persistent cohomology dimension by dimension with clearing, apparent and
//! emergent pairs (`reduction`), and, before H2 and up by default, the edge
//! collapse of the filtered graph, which keeps every diagram (`collapse`,
//! [`Collapse`]).
//!
//! A run uses the current rayon pool (`ThreadPool::install` to choose its
//! size): the assembly of each dimension and the reduction (in chunks of
//! columns, Bauer, Kerber and Reininghaus 2014) run in parallel, and the
//! diagrams and cocycles are identical for any number of threads.

mod binomial;
mod builder;
mod cofaces;
mod collapse;
mod distance;
mod field;
mod greedy;
mod grid;
mod h0;
mod input;
mod output;
mod reduction;
mod sparse_input;

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use crate::error::{check_finite, Error, Result};
use crate::memory::MemoryError;
use crate::{Diagram, PersistencePair, SlidingWindow};
use binomial::Binomial;
pub use builder::RipsBuilder;
use cofaces::Cofaces;
pub use collapse::{collapse_edges, Collapse};
pub use distance::Metric;
use distance::{full_matrix, Coord, Dense, Pairs, Source, Space, Sparse};
use h0::{KRUSKAL_EDGE_BYTES, VERTEX_BYTES};
pub use input::RipsInput;
pub use output::{Cocycle, RipsOutput};
#[doc(hidden)]
pub use reduction::{set_first_window, set_parallel_chunk};
use reduction::{Guard, COLUMN_BYTES, PIVOT_BYTES, RIPS, SIMPLEX_BYTES};
pub use sparse_input::SparseDistances;

/// A point cloud of `n` points with `dim` coordinates needs both.
fn check_cloud_shape(n: usize, dim: usize) -> Result<()> {
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
    Ok(())
}

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

/// Vietoris-Rips persistent homology: an engine with checked parameters,
/// made by [`RipsBuilder::build`] (see the [module docs](self) for the
/// configuration).
///
/// `Rips::new()` (the builder's defaults) computes H0 and H1 with the
/// Euclidean metric up to the enclosing radius, under the process-wide
/// memory limit.
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
/// // The same, checked once and reusable.
/// let rips = Rips::builder().max_dim(2).build().unwrap();
/// assert_eq!(rips.compute(pts.view()).unwrap(), dgms);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Rips {
    max_dim: usize,
    threshold: Option<f64>,
    metric: Metric,
    memory_limit: u64,
    storage: Storage,
    coeff: u32,
    cocycles: bool,
    n_perm: Option<usize>,
    collapse: Collapse,
}

impl Default for Rips {
    /// The engine of the builder's defaults (see [`RipsBuilder`]), which
    /// are valid.
    fn default() -> Self {
        Self {
            max_dim: 1,
            threshold: None,
            metric: Metric::Euclidean,
            memory_limit: crate::memory::limit(),
            storage: Storage::Auto,
            coeff: 2,
            cocycles: false,
            n_perm: None,
            collapse: Collapse::Auto,
        }
    }
}

impl Rips {
    /// Default memory limit: 8 GiB ([`crate::memory::DEFAULT_LIMIT`]).
    pub const DEFAULT_MEMORY_LIMIT: u64 = crate::memory::DEFAULT_LIMIT;

    /// A builder with the defaults: H0 and H1, Euclidean, default
    /// threshold, the process-wide memory limit ([`crate::memory::limit`],
    /// 8 GiB unless set), automatic storage.
    pub fn builder() -> RipsBuilder {
        RipsBuilder::default()
    }

    /// Shorthand for [`Rips::builder`], so that the one-liner
    /// `Rips::new().max_dim(1).threshold(t).metric(m).compute(points)`
    /// reads as before: it returns the (unchecked) [`RipsBuilder`], whose
    /// `compute*` methods build first.
    #[allow(clippy::new_ret_no_self)] // linfa's ParamGuard shape: new() gives the unchecked parameters
    pub fn new() -> RipsBuilder {
        RipsBuilder::default()
    }

    /// Highest homology dimension computed.
    pub fn max_dim(&self) -> usize {
        self.max_dim
    }

    /// The threshold set, if any (`None`: the enclosing radius).
    pub fn threshold(&self) -> Option<f64> {
        self.threshold
    }

    /// Metric between points.
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// Memory limit of a run, in bytes.
    pub fn memory_limit(&self) -> u64 {
        self.memory_limit
    }

    /// Distance store.
    pub fn storage(&self) -> Storage {
        self.storage
    }

    /// Largest coefficient modulus [`RipsBuilder::coeff`] accepts,
    /// `2^31 - 1` (a prime): coefficients are kept in `u32` and multiplied in
    /// `u64`, so the arithmetic mod `p` stays exact.
    pub const MAX_COEFF: u32 = field::MAX_COEFF;

    /// The prime `p` of the coefficients `Z/p` (2 by default).
    pub fn coeff(&self) -> u32 {
        self.coeff
    }

    /// Whether [`Rips::run`] reports representative cocycles.
    pub fn cocycles(&self) -> bool {
        self.cocycles
    }

    /// The size of the greedy subsample, if any (see [`RipsBuilder::n_perm`]).
    pub fn n_perm(&self) -> Option<usize> {
        self.n_perm
    }

    /// Whether edges are collapsed before H1 and up (see [`Collapse`]).
    pub fn collapse_edges(&self) -> Collapse {
        self.collapse
    }

    /// Diagrams `0..=max_dim` of the point cloud `points` (one point per row).
    ///
    /// Distances are computed correctly for all finite coordinates (see
    /// [`Metric::distance`]); scaling the points by a power of two scales
    /// every bar by exactly that power (rounded once where the result is
    /// subnormal). A distance beyond `f64::MAX` is left out by any finite
    /// threshold, and refused without one.
    ///
    /// # Errors
    /// [`Error::Empty`] (no points), [`Error::Shape`] (points with no
    /// coordinates), [`Error::NonFinite`] (flat row-major index),
    /// [`Error::DistanceOverflow`] (a distance beyond `f64::MAX` and no
    /// finite threshold), and the errors of
    /// [`Rips::compute_distance_matrix`] about `max_dim` and size (the copy
    /// of the points counts towards the memory limit).
    /// With [`RipsBuilder::n_perm`]: [`Error::InvalidParameter`] named
    /// `"n_perm"` if it exceeds the number of points, then the errors of
    /// the run on the subsample.
    pub fn compute(&self, points: ArrayView2<f64>) -> Result<Vec<Diagram>> {
        Ok(self.run(RipsInput::Points(points))?.diagrams)
    }

    /// Everything a run on `input` reports: the diagrams, the cocycles
    /// (when [`RipsBuilder::cocycles`] is set) and the number of edges, the
    /// fields of ripser.py's result dictionary.
    ///
    /// ```
    /// use ndarray::array;
    /// use tda_persistence::rips::{Rips, RipsInput};
    /// let square = array![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    /// let out = Rips::builder().build().unwrap().run(RipsInput::Points(square.view())).unwrap();
    /// assert_eq!(out.diagrams[1].len(), 1);
    /// // The enclosing radius is the diagonal: all 6 edges enter.
    /// assert_eq!(out.num_edges, 6);
    /// ```
    ///
    /// # Errors
    /// Those of [`Rips::compute`] for points (`f64` or `f32`), of
    /// [`Rips::compute_distance_matrix`] for a matrix; for a sparse matrix,
    /// [`Error::InvalidParameter`] named `"n_perm"` if a subsample is
    /// asked for, [`Error::DimensionTooLarge`], [`Error::IndexOverflow`]
    /// and [`Error::TooLarge`] (its checks are made by
    /// [`SparseDistances`]'s constructors). With
    /// [`RipsBuilder::n_perm`], [`Error::InvalidParameter`] named
    /// `"n_perm"` if it exceeds the number of points, and the errors of the
    /// run on the subsample.
    pub fn run(&self, input: RipsInput<'_>) -> Result<RipsOutput> {
        match input {
            RipsInput::Points(points) => self.run_points(points, 0),
            RipsInput::PointsF32(points) => self.run_points(points, 0),
            RipsInput::DistanceMatrix(d) => self.run_matrix(d),
            RipsInput::DistanceMatrixF32(d) => self.run_matrix(d),
            RipsInput::Sparse(s) => self.run_sparse(s),
        }
    }

    /// [`Rips::run`] on every input of a batch, in parallel (rayon: one
    /// input per task, each run sequential; the results do not depend on
    /// the number of threads), in the order of `inputs`.
    ///
    /// The point clouds of a batch (`f64` or `f32`) must have the same
    /// number of coordinates, as giotto-tda's `VietorisRipsPersistence`
    /// requires; distance matrices and sparse inputs may be mixed in. The
    /// memory limit bounds each run: up to `rayon::current_num_threads()`
    /// run at once.
    ///
    /// ```
    /// use ndarray::array;
    /// use tda_persistence::rips::{Rips, RipsInput};
    /// let square = array![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    /// let line = array![[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]];
    /// let rips = Rips::builder().build().unwrap();
    /// let outs = rips
    ///     .run_batch(&[RipsInput::Points(square.view()), RipsInput::Points(line.view())])
    ///     .unwrap();
    /// assert_eq!(outs[0].diagrams[1].len(), 1);
    /// assert_eq!(outs[1].diagrams[1].len(), 0);
    /// ```
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] naming the first point cloud whose
    /// number of coordinates differs from the first point cloud's (checked
    /// before any run), else [`Error::InBatch`] with the index and the
    /// error of the lowest-index input whose run fails (every input is run).
    pub fn run_batch(&self, inputs: &[RipsInput<'_>]) -> Result<Vec<RipsOutput>> {
        let mut first: Option<usize> = None;
        for (index, input) in inputs.iter().enumerate() {
            if let Some(found) = input.point_dim() {
                match first {
                    None => first = Some(found),
                    Some(expected) if expected != found => {
                        return Err(Error::DimensionMismatch {
                            index,
                            expected,
                            found,
                        })
                    }
                    Some(_) => {}
                }
            }
        }
        let results: Vec<Result<RipsOutput>> = inputs
            .par_iter()
            .map(|input| reduction::serially(|| self.run(*input)))
            .collect();
        results
            .into_iter()
            .enumerate()
            .map(|(index, r)| {
                r.map_err(|e| Error::InBatch {
                    index,
                    error: Box::new(e),
                })
            })
            .collect()
    }

    /// [`Rips::run`] on points, with `held` more bytes held by the caller
    /// for the run.
    fn run_points<T: Coord>(&self, points: ArrayView2<T>, held: u64) -> Result<RipsOutput> {
        let (n, dim) = points.dim();
        check_cloud_shape(n, dim)?;
        // The engine's copy of the points, held for the whole run (checked
        // first: a broadcast view may be far larger than the memory behind it).
        let held = crate::memory::sum(&[crate::memory::bytes_of::<T>(&[n, dim]), Some(held)]);
        crate::memory::check_against(RIPS, held, self.memory_limit)?;
        let held = held.unwrap_or(u64::MAX);
        check_finite(points.iter())?;
        let coords: Vec<T> = points.iter().copied().collect();
        self.run_checked(&T::points(&coords, dim, self.metric), held)
    }

    /// The `n x n` matrix of the distances between `points` under this
    /// engine's metric: bit for bit those its runs use (ripser.py's
    /// `dperm2all` without `n_perm`).
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::Shape`] (no coordinate),
    /// [`Error::NonFinite`], [`Error::TooLarge`] (the matrix over
    /// [`RipsBuilder::memory_limit`]).
    pub fn distance_matrix(&self, points: ArrayView2<f64>) -> Result<Array2<f64>> {
        let (n, dim) = points.dim();
        check_cloud_shape(n, dim)?;
        let bytes = crate::memory::bytes_of::<f64>(&[n, n]);
        crate::memory::check_against("distance matrix", bytes, self.memory_limit)?;
        check_finite(points.iter())?;
        let coords: Vec<f64> = points.iter().copied().collect();
        let d = full_matrix(&f64::points(&coords, dim, self.metric));
        Array2::from_shape_vec((n, n), d).map_err(|_| Error::Shape {
            rows: n,
            cols: n,
            reason: "the distance matrix",
        })
    }

    /// The run on a checked source: on all of it, or on its greedy subsample.
    fn run_checked(&self, src: &Source<'_>, held: u64) -> Result<RipsOutput> {
        match self.n_perm {
            None => self.run_source(src, held),
            Some(m) => self.run_subsample(src, m, held),
        }
    }

    /// [`Rips::run`] on the greedy subsample of `m` points of `src`.
    fn run_subsample(&self, src: &Source<'_>, m: usize, held: u64) -> Result<RipsOutput> {
        let n = src.len();
        if m > n {
            return Err(Error::InvalidParameter {
                name: "n_perm",
                value: m.to_string(),
                reason: "exceeds the number of points",
            });
        }
        if m == n {
            // As ripser.py: no subsample, idx_perm = 0..n, r_cover = 0.
            let mut out = self.run_source(src, held)?;
            out.idx_perm = Some((0..n).collect());
            return Ok(out);
        }
        // The greedy pass (distances to the subsample, its indices), then
        // the subsample's coordinates or distance matrix, held for the run.
        let sub = match *src {
            Source::Points { dim, .. } => crate::memory::bytes_of::<f64>(&[m, dim]),
            Source::PointsF32 { dim, .. } => crate::memory::bytes_of::<f32>(&[m, dim]),
            _ => crate::memory::bytes_of::<f64>(&[m, m]),
        };
        let held = crate::memory::sum(&[
            Some(held),
            crate::memory::bytes_of::<f64>(&[n]),
            crate::memory::bytes_of::<usize>(&[m]),
            sub,
        ]);
        crate::memory::check_against(RIPS, held, self.memory_limit)?;
        let held = held.unwrap_or(u64::MAX);
        let (idx, r_cover) = greedy::greedy_permutation(src, m);
        let mut out = match *src {
            Source::Points { coords, dim, .. } => self.run_rows(coords, dim, &idx, held),
            Source::PointsF32 { coords, dim, .. } => self.run_rows(coords, dim, &idx, held),
            _ => {
                let d = Array2::from_shape_fn((m, m), |(a, b)| src.dist(idx[a], idx[b]));
                self.run_source(&Source::Matrix(d.view()), held)
            }
        }?;
        // Cocycles in the input's indices, as ripser.py reports them.
        for cocycle in out.cocycles.iter_mut().flatten() {
            for v in &mut cocycle.vertices {
                *v = idx[*v as usize] as u32;
            }
        }
        out.idx_perm = Some(idx);
        out.r_cover = r_cover;
        Ok(out)
    }

    /// [`Rips::run_source`] on the points `idx` of row-major `coords`.
    fn run_rows<T: Coord>(
        &self,
        coords: &[T],
        dim: usize,
        idx: &[usize],
        held: u64,
    ) -> Result<RipsOutput> {
        let sub: Vec<T> = idx
            .iter()
            .flat_map(|&i| coords[i * dim..(i + 1) * dim].iter().copied())
            .collect();
        self.run_source(&T::points(&sub, dim, self.metric), held)
    }

    /// [`Rips::run`] on a sparse distance matrix (checked when built).
    fn run_sparse(&self, s: &SparseDistances) -> Result<RipsOutput> {
        if let Some(m) = self.n_perm {
            return Err(Error::InvalidParameter {
                name: "n_perm",
                value: m.to_string(),
                reason: "a greedy subsample of a sparse distance input is not supported \
                         (ripser.py refuses it too)",
            });
        }
        let n = s.n_points();
        let binom = self.check_parameters(n)?;
        // ripser.py uses the threshold as given: no enclosing radius.
        let t = self.threshold.unwrap_or(f64::INFINITY);
        let edges = s.count_within(t);
        // The store is always the edges' lists (a dense one would hold
        // infinities); the filtered edge list lives while it is built.
        let engine = Rips {
            storage: Storage::Sparse,
            ..self.clone()
        };
        let (_, guard) = engine.plan(n, edges, false, 0)?;
        let list = (edges as u64).saturating_mul(16);
        self.sparse_build(n, edges, list, false)?;
        let within = s.edges_within(t);
        // No simplex is longer than the longest edge: the engine's threshold
        // (the limit of its scans and of the reduction's heap windows,
        // which an infinite one would switch off) need not be larger.
        let longest = within.iter().fold(f64::NEG_INFINITY, |m, e| m.max(e.2));
        let t = if within.is_empty() { t } else { t.min(longest) };
        let store = Sparse::from_edges(n, &within);
        drop(within);
        let mut out = self.persistence(&store, &binom, (t, edges), &guard, None)?;
        if s.has_births() {
            guard.check((edges as u64).saturating_mul(KRUSKAL_EDGE_BYTES))?;
            let pairs = sparse_input::h0_with_births(&store, &binom, s.vertex_births());
            out.diagrams[0] = Diagram::new(0, pairs);
        }
        Ok(out)
    }

    /// Diagrams `0..=max_dim` of a distance matrix (the metric setting is ignored).
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::Shape`] (not square), [`Error::NonFinite`],
    /// [`Error::NegativeDistance`], [`Error::NonZeroDiagonal`],
    /// [`Error::NotSymmetric`] (exact comparison),
    /// [`Error::DimensionTooLarge`] (`max_dim + 1` points are needed),
    /// [`Error::IndexOverflow`] (`n` choose `max_dim + 2` must fit in `u64`),
    /// [`Error::TooLarge`] (estimated memory over the limit);
    /// [`Error::InvalidParameter`] named `"n_perm"` if
    /// [`RipsBuilder::n_perm`] exceeds the number of points.
    pub fn compute_distance_matrix(&self, d: ArrayView2<f64>) -> Result<Vec<Diagram>> {
        Ok(self.run(RipsInput::DistanceMatrix(d))?.diagrams)
    }

    /// [`Rips::run`] on a distance matrix, checked first.
    fn run_matrix<T: Coord>(&self, d: ArrayView2<T>) -> Result<RipsOutput> {
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
            if v.wide() < 0.0 {
                return Err(Error::NegativeDistance {
                    row: i,
                    col: j,
                    value: v.wide(),
                });
            }
        }
        for i in 0..rows {
            if d[[i, i]].wide() != 0.0 {
                return Err(Error::NonZeroDiagonal {
                    index: i,
                    value: d[[i, i]].wide(),
                });
            }
            for j in 0..i {
                if d[[i, j]].wide() != d[[j, i]].wide() {
                    return Err(Error::NotSymmetric { row: i, col: j });
                }
            }
        }
        self.run_checked(&T::matrix(d), 0)
    }

    /// Diagrams of the sliding-window embedding of `signal` (see [`SlidingWindow::embed`]).
    ///
    /// The embedding is checked against this engine's memory limit
    /// ([`RipsBuilder::memory_limit`]) instead of the process-wide one.
    ///
    /// # Errors
    /// Those of [`SlidingWindow::embed`] and [`Rips::compute`].
    pub fn compute_sliding_window(
        &self,
        signal: &[f64],
        window: &SlidingWindow,
    ) -> Result<Vec<Diagram>> {
        // The embedding is checked against this engine's limit, and held during the run.
        let points = window.embed_within(signal, self.memory_limit)?;
        let held = crate::memory::bytes_of::<f64>(&[points.nrows(), points.ncols()]);
        Ok(self
            .run_points(points.view(), held.unwrap_or(u64::MAX))?
            .diagrams)
    }

    /// The checks of the parameters against the input size (the
    /// parameters themselves were checked by [`RipsBuilder::build`]).
    fn check_parameters(&self, n: usize) -> Result<Binomial> {
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

    /// The effective threshold (at most the enclosing radius) and the
    /// number of edges within it; refuses an infinite one (a distance
    /// beyond `f64::MAX` that no finite threshold excludes).
    fn threshold_and_edges(&self, src: &Source<'_>) -> Result<(f64, usize)> {
        let user = self.threshold.unwrap_or(f64::INFINITY);
        // From points, count the edges within a finite threshold in the same
        // pass as the radius; a matrix is cheaper to read twice.
        // A threshold below a lower bound of the enclosing radius is the
        // threshold used: no pass over all pairs for the radius.
        if src.is_points() && user < src.enclosing_radius_lower_bound() {
            return Ok((user, src.edges_within(user)));
        }
        let (radius, within_user) = match src {
            _ if src.is_points() && user.is_finite() => {
                let (radius, count) = src.radius_and_edges_within(user);
                (radius, Some(count))
            }
            _ => (src.enclosing_radius(), None),
        };
        let t = user.min(radius);
        if t == f64::INFINITY {
            // The radius is infinite only if some distance is.
            let (row, col) = src.first_infinite_pair().unwrap_or_default();
            return Err(Error::DistanceOverflow { row, col });
        }
        let edges = match within_user {
            Some(count) if t == user => count,
            _ => src.edges_within(t),
        };
        Ok((t, edges))
    }

    /// [`Rips::threshold_and_edges`] read off a dense store (`msrc` its view).
    fn dense_threshold_and_edges(&self, dense: &Dense, msrc: &Source<'_>) -> Result<(f64, usize)> {
        let t = self
            .threshold
            .unwrap_or(f64::INFINITY)
            .min(dense.enclosing_radius());
        if t == f64::INFINITY {
            // The radius is infinite only if some distance is.
            let (row, col) = msrc.first_infinite_pair().unwrap_or_default();
            return Err(Error::DistanceOverflow { row, col });
        }
        Ok((t, dense.edges_within(t)))
    }

    /// Chooses the store for `edges` edges on `n` points and checks the
    /// memory estimate: `held` bytes the caller holds for the whole run (a
    /// copy of the points), the store, the per-vertex structures, Kruskal's
    /// edge list (sparse stores) and the dimension-1 columns. The build of a
    /// sparse store is checked by [`Rips::sparse_build`].
    fn plan(&self, n: usize, edges: usize, dense_fits: bool, held: u64) -> Result<(bool, Guard)> {
        let limit = self.memory_limit;
        let pairs = (n as u64) * (n as u64).saturating_sub(1) / 2;
        let use_sparse = match self.storage {
            Storage::Dense => false,
            Storage::Sparse => true,
            Storage::Auto => !dense_fits || (edges as u64).saturating_mul(4) <= pairs,
        };
        let store = if use_sparse {
            Sparse::bytes(n, edges)
        } else {
            Dense::bytes(n)
        };
        let guard = Guard {
            base: store.saturating_add(self.fixed_bytes(n, held)),
            limit,
        };
        guard.check(if use_sparse {
            (edges as u64).saturating_mul(KRUSKAL_EDGE_BYTES)
        } else {
            0
        })?;
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

    /// Bytes held whatever the store: `held` by the caller and the per-vertex structures.
    fn fixed_bytes(&self, n: usize, held: u64) -> u64 {
        (n as u64).saturating_mul(VERTEX_BYTES).saturating_add(held)
    }

    /// Checks the peak of building a sparse store of `edges` edges: its
    /// lists with their temporary pair list, the fixed bytes and, if
    /// `dense_alive`, the dense matrix it is read from.
    fn sparse_build(&self, n: usize, edges: usize, held: u64, dense_alive: bool) -> Result<()> {
        let dense = if dense_alive { Dense::bytes(n) } else { 0 };
        let guard = Guard {
            base: self.fixed_bytes(n, held).saturating_add(dense),
            limit: self.memory_limit,
        };
        guard.check(Sparse::build_bytes(n, edges))
    }

    /// The most edges a sparse store on `n` points can hold within the
    /// memory limit, with the pair list it is built from
    /// ([`Rips::sparse_build`]).
    fn sparse_cap(&self, n: usize, held: u64) -> usize {
        // Sparse::build_bytes(n, e) is affine in e.
        let (fixed, per_edge) = (
            Sparse::build_bytes(n, 0),
            Sparse::build_bytes(n, 1) - Sparse::build_bytes(n, 0),
        );
        let room = self
            .memory_limit
            .saturating_sub(self.fixed_bytes(n, held))
            .saturating_sub(fixed);
        usize::try_from(room / per_edge).unwrap_or(usize::MAX)
    }

    /// Refuses at once a cloud whose dense matrix does not fit and which
    /// has no finite threshold, when the memory limit cannot hold its run
    /// either: dense storage is forced, or more edges than a sparse store
    /// can hold are already within a lower bound of the enclosing radius
    /// (counted until there are too many). Otherwise the pass over all
    /// pairs for the enclosing radius would come first, minutes on a few
    /// hundred thousand points, only to refuse.
    fn refuse_early(&self, src: &Source<'_>, dense_fits: bool, held: u64) -> Result<()> {
        let n = src.len();
        let no_threshold = self.threshold.is_none_or(f64::is_infinite);
        if dense_fits || !no_threshold || !src.is_points() {
            return Ok(());
        }
        let too_large = |estimated_bytes: u64| {
            Err(Error::TooLarge(MemoryError {
                what: RIPS,
                estimated_bytes,
                limit: self.memory_limit,
            }))
        };
        if self.storage == Storage::Dense {
            return too_large(Dense::bytes(n).saturating_add(self.fixed_bytes(n, held)));
        }
        let cap = self.sparse_cap(n, held);
        if src.more_pairs_within(src.enclosing_radius_lower_bound(), cap) {
            let edges = cap.saturating_add(1);
            return too_large(
                Sparse::build_bytes(n, edges).saturating_add(self.fixed_bytes(n, held)),
            );
        }
        Ok(())
    }

    /// The threshold and the pairs of points within it, found in one pass,
    /// if it is the threshold used (below a lower bound of the enclosing
    /// radius) and they are few enough to be the sparse store [`Rips::plan`]
    /// then chooses, within the memory limit with their list alive
    /// ([`Rips::sparse_build`]); otherwise `None`, and nothing is held.
    fn pairs_for_sparse(
        &self,
        src: &Source<'_>,
        dense_fits: bool,
        held: u64,
    ) -> Option<(f64, Pairs)> {
        let t = self.threshold?;
        if !src.is_points() || self.storage == Storage::Dense {
            return None;
        }
        if t >= src.enclosing_radius_lower_bound() {
            return None;
        }
        let n = src.len();
        let mut cap = self.sparse_cap(n, held);
        if self.storage == Storage::Auto && dense_fits {
            // More than a quarter of the pairs: the dense store is chosen.
            cap = cap.min(n * n.saturating_sub(1) / 2 / 4);
        }
        Some((t, src.pairs_within(t, cap)?))
    }

    /// `held`: bytes the caller holds for the run (a copy of the points).
    fn run_source(&self, src: &Source<'_>, held: u64) -> Result<RipsOutput> {
        let n = src.len();
        let binom = self.check_parameters(n)?;
        let dense_fits =
            Dense::bytes(n).saturating_add(self.fixed_bytes(n, held)) <= self.memory_limit;
        // Distances from points are dear: without a finite threshold, with
        // dense storage forced, or when the dense matrix takes at most 1/128
        // of the limit, it is built first and everything is read off it.
        // Otherwise the edges within a finite threshold are counted from the
        // points and the dense matrix is built only if chosen (a small
        // threshold on many points keeps a few edges of a matrix that may
        // not even fit). A matrix source is read directly.
        let dense_first = src.is_points()
            && (self.threshold.is_none_or(f64::is_infinite)
                || self.storage == Storage::Dense
                || Dense::bytes(n) <= self.memory_limit / 128);
        if dense_fits && dense_first {
            let dense = Dense::new(src);
            let msrc = Source::Matrix(dense.view());
            let (t, edges) = self.dense_threshold_and_edges(&dense, &msrc)?;
            let (use_sparse, guard) = self.plan(n, edges, true, held)?;
            if !use_sparse {
                return self.persistence(&dense, &binom, (t, edges), &guard, Some(&dense));
            }
            let sparse = if self.sparse_build(n, edges, held, true).is_ok() {
                let sparse = Sparse::new(&msrc, t, edges);
                drop(dense);
                sparse
            } else {
                // Not with the matrix alive: from the points again.
                drop(dense);
                self.sparse_build(n, edges, held, false)?;
                Sparse::new(src, t, edges)
            };
            self.persistence(&sparse, &binom, (t, edges), &guard, None)
        } else {
            self.refuse_early(src, dense_fits, held)?;
            if let Some((t, pairs)) = self.pairs_for_sparse(src, dense_fits, held) {
                // The threshold is below the enclosing radius, and the pairs
                // within it will be the sparse store: one pass, not a count
                // and then a build.
                let edges = pairs.len();
                let (use_sparse, guard) = self.plan(n, edges, dense_fits, held)?;
                self.sparse_build(n, edges, held, false)?;
                debug_assert!(use_sparse);
                let sparse = Sparse::from_pairs(n, &pairs);
                drop(pairs);
                return self.persistence(&sparse, &binom, (t, edges), &guard, None);
            }
            let (t, edges) = self.threshold_and_edges(src)?;
            let (use_sparse, guard) = self.plan(n, edges, dense_fits, held)?;
            if use_sparse {
                self.sparse_build(n, edges, held, false)?;
                let sparse = Sparse::new(src, t, edges);
                self.persistence(&sparse, &binom, (t, edges), &guard, None)
            } else if dense_fits {
                let dense = Dense::new(src);
                self.persistence(&dense, &binom, (t, edges), &guard, Some(&dense))
            } else {
                Err(Error::TooLarge(MemoryError {
                    what: RIPS,
                    estimated_bytes: guard.base,
                    limit: self.memory_limit,
                }))
            }
        }
    }

    /// The diagrams of the filtration of `space` up to threshold `t`, which
    /// keeps `edges` edges: of its edge collapse if [`Collapse`] says so
    /// (all dimensions, H0 included, from the collapsed graph: the diagrams
    /// are the same and its spanning forest is the one the dimension-1
    /// reduction clears with), else of `space` itself.
    fn persistence<S: Space>(
        &self,
        space: &S,
        binom: &Binomial,
        (t, edges): (f64, usize),
        guard: &Guard,
        dense: Option<&Dense>,
    ) -> Result<RipsOutput> {
        let n = space.n();
        // Cocycles of a collapsed complex are not cocycles of the original.
        if self.collapse.applies(self.max_dim) && !self.cocycles {
            let fits = guard.check(collapse::bytes(n, edges));
            if fits.is_ok() || self.collapse == Collapse::Always {
                fits?;
                let kept = collapse::collapse(space, t);
                let store = Sparse::from_edges(n, &kept);
                let guard = Guard {
                    base: guard.base.saturating_add(Sparse::bytes(n, kept.len())),
                    limit: guard.limit,
                };
                drop(kept);
                let mut out = self.diagrams_of(&store, binom, (t, edges), &guard, None)?;
                out.num_edges = edges;
                return Ok(out);
            }
        }
        self.diagrams_of(space, binom, (t, edges), guard, dense)
    }

    /// The diagrams of the filtration of `space` up to threshold `t`, which
    /// keeps `edges` edges.
    fn diagrams_of<S: Space>(
        &self,
        space: &S,
        binom: &Binomial,
        (t, edges): (f64, usize),
        guard: &Guard,
        dense: Option<&Dense>,
    ) -> Result<RipsOutput> {
        let mut cocycles = vec![Vec::new()]; // none in dimension 0, as ripser.py
        let output = |diagrams: Vec<Diagram>, mut cocycles: Vec<Vec<Cocycle>>| {
            cocycles.resize(diagrams.len(), Vec::new());
            RipsOutput {
                cocycles,
                diagrams,
                num_edges: edges,
                idx_perm: None,
                r_cover: 0.0,
            }
        };
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
            return Ok(output(diagrams, cocycles));
        }
        let cf = Cofaces {
            space,
            binom,
            threshold: t,
        };
        let mut assembly = reduction::assemble_edges(&cf, &forest, self.max_dim >= 2, guard)?;
        drop(forest);
        for dim in 1..=self.max_dim {
            let reduced = reduction::reduce(
                &cf,
                dim,
                &assembly.columns,
                self.coeff,
                self.cocycles,
                guard,
            )?;
            let (diagram, dim_cocycles, pivots) = reduction::into_diagram(dim, reduced);
            diagrams.push(diagram);
            cocycles.push(dim_cocycles);
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
        Ok(output(diagrams, cocycles))
    }
}
