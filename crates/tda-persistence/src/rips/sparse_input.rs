//! Sparse distance input ([`SparseDistances`]), read as ripser.py reads a
//! `scipy.sparse` matrix with `distance_matrix=True`.
//!
//! See [`SparseDistances`] for the semantics.

use super::binomial::Binomial;
use super::cofaces::key_diam;
use super::distance::Sparse;
use super::h0::{find, sorted_edges};
use crate::error::{Error, Result};
use crate::PersistencePair;

/// A sparse distance matrix on `n` points: the input of
/// [`RipsInput::Sparse`](super::RipsInput::Sparse), ripser.py's
/// `scipy.sparse` input with `distance_matrix=True`.
///
/// ripser.py (0.6, `ripser()` then `rips_dm_sparse` / the COO constructor
/// of `sparse_distance_matrix` in `ripser.cpp`) keeps:
/// - an entry `(i, j, v)` with `i < j` as the edge `{i, j}` of diameter `v`
///   (if `v <= thresh`); entries with `i > j` (the lower triangle) are
///   ignored, so a matrix given only by its lower triangle has no edges;
/// - a diagonal entry `(i, i, v)` as the birth time of vertex `i` (default
///   0), which only changes H0 (Kruskal's union-find with births, the elder
///   rule keeping the older class; a bar is reported when its death exceeds
///   its birth);
/// - every absent pair as an infinite distance (never an edge);
/// - `thresh` as given (infinite by default): no enclosing radius.
///
/// ripser.py passes repeated `(i, j)` entries of a COO matrix on unsummed,
/// and then computes wrong bars (or does not terminate); here two entries at
/// the same `(i, j)` with `i <= j` are refused ([`Error::DuplicateEntry`]).
///
/// This type reads entries the same way, in `f64` (ripser.py rounds them
/// to `f32`). Vertex births later than an incident edge are accepted, as by
/// ripser.py (H0 then follows its union-find order: edges by increasing
/// diameter, ties by decreasing edge index).
///
/// Checked when built: every value finite and non-negative, every index
/// below `n`, no place `(i, j)`, `i <= j`, given twice.
///
/// ```
/// use tda_persistence::rips::{Rips, RipsInput, SparseDistances};
/// // A square 0-1-2-3 with both diagonals longer: one loop [1, 2).
/// let d = SparseDistances::from_triplets(
///     4,
///     &[0, 1, 2, 0, 0, 1],
///     &[1, 2, 3, 3, 2, 3],
///     &[1.0, 1.0, 1.0, 1.0, 2.0, 2.0],
/// )
/// .unwrap();
/// let out = Rips::builder().build().unwrap().run(RipsInput::Sparse(&d)).unwrap();
/// assert_eq!(out.diagrams[1].pairs[0].birth, 1.0);
/// assert_eq!(out.diagrams[1].pairs[0].death, 2.0);
/// assert_eq!(out.num_edges, 6);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SparseDistances {
    n: usize,
    /// The edges `(j, i, v)` of the entries `(i, j, v)` with `i < j`, in input order.
    edges: Vec<(u32, u32, f64)>,
    /// Vertex birth times (the diagonal), all 0 unless given.
    births: Vec<f64>,
}

impl SparseDistances {
    /// The matrix of `n` points whose entry `k` is `values[k]` at
    /// `(rows[k], cols[k])` (scipy's COO triplets).
    ///
    /// # Errors
    /// [`Error::Empty`] (`n == 0`), [`Error::LengthMismatch`] (`cols` or
    /// `values` not as long as `rows`), [`Error::IndexOutOfRange`] (naming
    /// the entry and its place), [`Error::NonFinite`] (NaN or infinite
    /// `values[index]`), [`Error::NegativeDistance`] (naming the place and
    /// value), [`Error::DuplicateEntry`] (a second entry at `(i, j)`, `i <= j`).
    pub fn from_triplets(n: usize, rows: &[usize], cols: &[usize], values: &[f64]) -> Result<Self> {
        for (what, len) in [("cols", cols.len()), ("values", values.len())] {
            if len != rows.len() {
                return Err(Error::LengthMismatch {
                    what,
                    len,
                    expected: rows.len(),
                });
            }
        }
        Self::from_entries(
            n,
            rows.iter()
                .zip(cols)
                .zip(values)
                .map(|((&r, &c), &v)| (r, c, v)),
        )
    }

    /// The matrix of `n` points in compressed sparse row form (scipy's CSR:
    /// row `i` holds `indices[k]`, `data[k]` for `k` in
    /// `indptr[i]..indptr[i + 1]`).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] (`indptr` not of length `n + 1`, `data` not
    /// as long as `indices`, or `indptr[n]` not `indices.len()`),
    /// [`Error::InvalidParameter`] named `"indptr"` (not starting at 0 or
    /// decreasing), then those of [`SparseDistances::from_triplets`].
    pub fn from_csr(n: usize, indptr: &[usize], indices: &[usize], data: &[f64]) -> Result<Self> {
        let check_len = |what, len, expected| {
            if len == expected {
                Ok(())
            } else {
                Err(Error::LengthMismatch {
                    what,
                    len,
                    expected,
                })
            }
        };
        check_len("indptr", indptr.len(), n.saturating_add(1))?;
        check_len("data", data.len(), indices.len())?;
        if indptr[0] != 0 {
            return Err(Error::InvalidParameter {
                name: "indptr",
                value: format!("indptr[0] = {}", indptr[0]),
                reason: "must start at 0",
            });
        }
        if let Some(i) = (0..n).find(|&i| indptr[i + 1] < indptr[i]) {
            return Err(Error::InvalidParameter {
                name: "indptr",
                value: format!(
                    "indptr[{}] = {} < indptr[{i}] = {}",
                    i + 1,
                    indptr[i + 1],
                    indptr[i]
                ),
                reason: "must not decrease",
            });
        }
        check_len("indices", indices.len(), indptr[n])?;
        Self::from_entries(
            n,
            (0..n).flat_map(|i| (indptr[i]..indptr[i + 1]).map(move |k| (i, indices[k], data[k]))),
        )
    }

    /// Checks and stores the entries `(row, col, value)`, numbered in order.
    fn from_entries(n: usize, entries: impl Iterator<Item = (usize, usize, f64)>) -> Result<Self> {
        if n == 0 {
            return Err(Error::Empty);
        }
        // Vertex indices are u32 in the engine (n itself is checked by the run).
        let fits = |v: usize| v < n && u32::try_from(v).is_ok();
        let mut edges = Vec::new();
        let mut births = vec![0.0; n];
        // The place (row, col), row <= col, and number of every kept entry.
        let mut places: Vec<(u32, u32, usize)> = Vec::new();
        for (entry, (row, col, value)) in entries.enumerate() {
            if !(fits(row) && fits(col)) {
                return Err(Error::IndexOutOfRange {
                    entry,
                    row,
                    col,
                    points: n,
                });
            }
            if !value.is_finite() {
                return Err(Error::NonFinite { index: entry });
            }
            if value < 0.0 {
                return Err(Error::NegativeDistance { row, col, value });
            }
            let value = value + 0.0; // -0.0 -> +0.0
            if row < col {
                edges.push((col as u32, row as u32, value));
            } else if row == col {
                births[row] = value;
            } else {
                continue; // the lower triangle is not read
            }
            places.push((row as u32, col as u32, entry));
        }
        // Duplicates: sorted by place then entry, a repeated place's second
        // entry follows its first; report the earliest such second entry.
        places.sort_unstable();
        let second = places
            .windows(2)
            .filter(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
            .map(|w| w[1])
            .min_by_key(|p| p.2);
        if let Some((row, col, entry)) = second {
            return Err(Error::DuplicateEntry {
                row: row as usize,
                col: col as usize,
                entry,
            });
        }
        Ok(Self { n, edges, births })
    }

    /// Number of points.
    pub fn n_points(&self) -> usize {
        self.n
    }

    /// Number of edges: entries `(i, j)` with `i < j`.
    pub fn num_edges(&self) -> usize {
        self.edges.len()
    }

    /// The birth time of every vertex (the diagonal; 0 where absent).
    pub fn vertex_births(&self) -> &[f64] {
        &self.births
    }

    /// The edges `(i, j, d)`, `i > j`, with `d <= t`.
    pub(crate) fn edges_within(&self, t: f64) -> Vec<(u32, u32, f64)> {
        self.edges.iter().copied().filter(|e| e.2 <= t).collect()
    }

    /// Number of edges with `d <= t`.
    pub(crate) fn count_within(&self, t: f64) -> usize {
        self.edges.iter().filter(|e| e.2 <= t).count()
    }

    /// True if some vertex is born after 0.
    pub(crate) fn has_births(&self) -> bool {
        self.births.iter().any(|&b| b != 0.0)
    }
}

/// H0 with vertex births, as ripser's `compute_dim_0_pairs`: the edges
/// of `space` by increasing diameter, ties by decreasing edge index (the
/// order of ripser's sort), merge union-find classes, each class born at
/// the earliest birth of its vertices; a merge kills the younger class (the
/// later birth) at the edge's diameter, reported if the death exceeds the
/// birth; every class left is essential. (When every edge is at least as
/// long as its vertices' births, the bars do not depend on the order of ties.)
pub(crate) fn h0_with_births(
    space: &Sparse,
    binom: &Binomial,
    births: &[f64],
) -> Vec<PersistencePair> {
    let n = births.len();
    let edges = sorted_edges(space, binom);
    let mut uf: Vec<u32> = (0..n as u32).collect();
    let mut birth = births.to_vec();
    let mut pairs = Vec::new();
    for &(k, i, j) in &edges {
        let (a, b) = (find(&mut uf, i), find(&mut uf, j));
        if a == b {
            continue;
        }
        let (ba, bb) = (birth[a as usize], birth[b as usize]);
        let (young, death) = (ba.max(bb), key_diam(k));
        if death > young {
            pairs.push(PersistencePair::new(young, death));
        }
        uf[a as usize] = b;
        birth[b as usize] = ba.min(bb);
    }
    for v in 0..n as u32 {
        if find(&mut uf, v) == v {
            pairs.push(PersistencePair::new(birth[v as usize], f64::INFINITY));
        }
    }
    pairs
}
