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
//! How (see each module): the distances in a dense matrix or sparse
//! neighbour lists (`distance`), simplices as integers in
//! the combinatorial number system (`binomial`), coboundaries enumerated on
//! the fly (`cofaces`), H0 by a minimum spanning forest (`h0`),
//! persistent cohomology dimension by dimension with clearing, apparent and
//! emergent pairs (`reduction`), and, before H2 and up by default, the edge
//! collapse of the filtered graph, which keeps every diagram (`collapse`,
//! [`Collapse`]).

mod binomial;
mod builder;
mod cofaces;
mod collapse;
mod distance;
mod h0;
mod input;
mod output;
mod reduction;

use ndarray::ArrayView2;

use crate::error::{check_finite, Error, Result};
use crate::memory::MemoryError;
use crate::{Diagram, PersistencePair, SlidingWindow};
use binomial::Binomial;
pub use builder::RipsBuilder;
use cofaces::Cofaces;
pub use collapse::{collapse_edges, Collapse};
pub use distance::Metric;
use distance::{Dense, Source, Space, Sparse};
use h0::{KRUSKAL_EDGE_BYTES, VERTEX_BYTES};
pub use input::RipsInput;
pub use output::{Cocycle, RipsOutput};
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

    /// Shorthand for [`Rips::builder`], so that DESIGN.md's one-liner
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
    /// Those of [`Rips::compute`] for points, of
    /// [`Rips::compute_distance_matrix`] for a matrix.
    pub fn run(&self, input: RipsInput<'_>) -> Result<RipsOutput> {
        match input {
            RipsInput::Points(points) => self.run_points(points, 0),
            RipsInput::DistanceMatrix(d) => self.run_matrix(d),
        }
    }

    /// [`Rips::run`] on points, with `held` more bytes held by the caller
    /// for the run.
    fn run_points(&self, points: ArrayView2<f64>, held: u64) -> Result<RipsOutput> {
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
        // The engine's copy of the points, held for the whole run (checked
        // first: a broadcast view may be far larger than the memory behind it).
        let held = crate::memory::sum(&[crate::memory::bytes_of::<f64>(&[n, dim]), Some(held)]);
        crate::memory::check_against(RIPS, held, self.memory_limit)?;
        let held = held.unwrap_or(u64::MAX);
        check_finite(points.iter())?;
        let coords: Vec<f64> = points.iter().copied().collect();
        self.run_source(
            &Source::Points {
                coords: &coords,
                dim,
                metric: self.metric,
            },
            held,
        )
    }

    /// Diagrams `0..=max_dim` of a distance matrix (the metric setting is ignored).
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::Shape`] (not square), [`Error::NonFinite`],
    /// [`Error::NegativeDistance`], [`Error::NonZeroDiagonal`],
    /// [`Error::NotSymmetric`] (exact comparison),
    /// [`Error::DimensionTooLarge`] (`max_dim + 1` points are needed),
    /// [`Error::IndexOverflow`] (`n` choose `max_dim + 2` must fit in `u64`),
    /// [`Error::TooLarge`] (estimated memory over the limit).
    pub fn compute_distance_matrix(&self, d: ArrayView2<f64>) -> Result<Vec<Diagram>> {
        Ok(self.run(RipsInput::DistanceMatrix(d))?.diagrams)
    }

    /// [`Rips::run`] on a distance matrix, checked first.
    fn run_matrix(&self, d: ArrayView2<f64>) -> Result<RipsOutput> {
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
        self.run_source(&Source::Matrix(d), 0)
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
        let (radius, within_user) = match src {
            Source::Points { .. } if user.is_finite() => {
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
        let dense_first = matches!(src, Source::Points { .. })
            && (self.threshold.is_none_or(f64::is_infinite)
                || self.storage == Storage::Dense
                || Dense::bytes(n) <= self.memory_limit / 128);
        if dense_fits && dense_first {
            let dense = Dense::new(src);
            let msrc = Source::Matrix(dense.view());
            let (t, edges) = self.threshold_and_edges(&msrc)?;
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
        if self.collapse.applies(self.max_dim) {
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
        let output = |diagrams: Vec<Diagram>| RipsOutput {
            cocycles: vec![Vec::new(); diagrams.len()],
            diagrams,
            num_edges: edges,
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
            return Ok(output(diagrams));
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
        Ok(output(diagrams))
    }
}
