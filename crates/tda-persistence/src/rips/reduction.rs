//! Persistent cohomology of one dimension at a time, with clearing, apparent
//! and emergent pairs, implicit coboundaries and a lazily reduced heap column.
//!
//! Dimension `d` reduces the coboundary matrix whose columns are the
//! `d`-simplices in *reverse* filtration order (youngest first) and whose
//! pivot is the oldest cofacet of a column (Bauer 2021, Sec. 2-3; de Silva,
//! Morozov, Vejdemo-Johansson 2011 for the cohomology duality). Tricks:
//!
//! - **Clearing** (Chen & Kerber 2011; Bauer 2021, Sec. 3.2): a `(d+1)`-simplex
//!   that is a pivot in dimension `d` has a column that reduces to zero, so it
//!   is never assembled as a column of dimension `d + 1`.
//! - **Apparent pairs** (Bauer 2021, Sec. 3.4): a column whose oldest cofacet
//!   has the same diameter and has it as youngest facet is paired with it
//!   without any reduction, and neither is stored: such columns are skipped
//!   at assembly, and when a pivot turns out to be the cofacet of an apparent
//!   pair the (unreduced) coboundary of its facet is added.
//! - **Emergent pairs** (Bauer 2021, Sec. 3.5): if the oldest cofacet of a
//!   column has the same diameter and is not yet a pivot, the column is
//!   already reduced; it is paired at once, before its coboundary is even
//!   fully enumerated. In Ripser's ablation this was the largest single win.
//! - **Implicit matrices** (Bauer 2021, Sec. 4): neither the coboundary nor
//!   the reduced matrix is stored. The working column is a binary heap of
//!   cofacet keys (entries cancel in pairs over Z/2), and only the reduction
//!   matrix `V` is kept, one short list of simplices per pivot; adding a
//!   column means re-enumerating the coboundaries of those simplices.
//! - **Windowed heap** (not in Ripser): the heap holds only the working
//!   coboundary's entries up to a diameter bound, which grows when they
//!   cancel out; the distance scans skip the rest before computing any
//!   index. Ripser's heap receives every cofacet and pops a few (see
//!   [`Work`]).
//! - **Coefficients** (Bauer 2021, Sec. 5; ripser.py's `coeff`): the
//!   reduction is generic over a [`Field`], `Z/2` (heap entries are bare
//!   keys) or `Z/p` (heap and `V` entries carry a coefficient, equal keys sum
//!   mod `p`, an added column is scaled by `-c / (its pivot's coefficient)`).
//!   Apparent and emergent pairs depend on the filtration order only, so
//!   they hold over any field; their pivots' coefficients are the signs
//!   `(-1)^k` of the coboundary (see [`Field::sign`]).
//! - **Cocycles** (ripser.py's `do_cocycles`): the cocycle of a bar is its
//!   column's simplex plus its summed reduction column `V`, exactly what
//!   ripser.py reads off its working reduction column. Every bar's `V` is
//!   complete: emergent and apparent pairs, whose `V` is implicit, have zero
//!   persistence and so are never bars.
//! - **Parallelism** (with more than one rayon thread): the assembly of a
//!   dimension runs over blocks of facets in parallel, and the reduction
//!   over a window of columns in rounds of two phases (parallel against
//!   the finished columns, then a serial record; see [`reduce_in`]), after
//!   Bauer, Kerber and Reininghaus 2014. Every column gets the `V` of the
//!   serial reduction, so diagrams and cocycles do not depend on the
//!   number of threads.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering as AtomicOrdering};

use rayon::prelude::*;

use super::cofaces::{insert_vertex, key, key_diam, key_index, Cofaces, Key};
use super::distance::Space;
use super::field::{Entry, Field, Zp, Z2};
use super::h0::{Forest, NONE};
use super::output::Cocycle;
use crate::memory::MemoryError;
use crate::{Diagram, Error, PersistencePair, Result};

/// A multiply-fold hasher for simplex indices (keys are already well spread).
#[derive(Default, Clone, Copy)]
pub(crate) struct IndexHasher(u64);

impl Hasher for IndexHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b) ^ self.0.rotate_left(8));
        }
    }
    #[inline(always)]
    fn write_u64(&mut self, x: u64) {
        let m = u128::from(x ^ self.0) * 0x9E37_79B9_7F4A_7C15_u128;
        self.0 = (m >> 64) as u64 ^ m as u64;
    }
}

/// Pivot (a cofacet index) -> slot of the column that owns it.
pub(crate) type PivotMap = HashMap<u64, u32, BuildHasherDefault<IndexHasher>>;

/// A set of simplex indices.
pub(crate) type IndexSet = HashSet<u64, BuildHasherDefault<IndexHasher>>;

/// What the assembly of one dimension produces.
pub(crate) struct Assembly {
    /// The columns to reduce, youngest first.
    pub columns: Vec<Column>,
    /// All simplices of the dimension within the threshold (if asked for).
    pub simplices: Vec<Key>,
    /// The cofacets of the apparent pairs found (if asked for): they are
    /// pivots of this dimension, so the next dimension clears them.
    pub apparent: IndexSet,
}

/// A column to reduce: a simplex and the vertex that adds its
/// zero-persistence pivot cofacet (`NONE` if it has none), found at assembly.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Column {
    /// The simplex.
    pub key: Key,
    /// See the type's doc.
    pub hint: u32,
}

/// What the memory errors of the engine name.
pub(crate) const RIPS: &str = "Vietoris-Rips persistence";

/// Bytes per stored simplex in a list, per column, per pivot (hash map with load factor).
pub(crate) const SIMPLEX_BYTES: u64 = 16;
pub(crate) const COLUMN_BYTES: u64 = 32;
pub(crate) const PIVOT_BYTES: u64 = 32;
/// Bytes per entry of an [`IndexSet`] (with load factor).
pub(crate) const SET_BYTES: u64 = 24;

/// Tracks the bytes the run holds against the memory limit.
pub(crate) struct Guard {
    /// Bytes held by the distance store and other fixed structures.
    pub base: u64,
    /// The configured limit.
    pub limit: u64,
}

impl Guard {
    /// Error if `bytes` (to be held on top of `base`) exceeds the limit.
    pub(crate) fn check(&self, bytes: u64) -> Result<()> {
        let total = self.base.saturating_add(bytes);
        if total > self.limit {
            return Err(Error::TooLarge(MemoryError {
                what: RIPS,
                estimated_bytes: total,
                limit: self.limit,
            }));
        }
        Ok(())
    }
}

thread_local! {
    /// Set while this thread runs one input of a batch: that run stays on it.
    static SERIAL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with the parallel paths of this module off on this thread (the
/// runs of [`Rips::run_batch`](super::Rips::run_batch): one input per
/// task, so that no waiting task starts another input's run and at most
/// `rayon::current_num_threads()` runs are alive at once).
pub(crate) fn serially<T>(f: impl FnOnce() -> T) -> T {
    /// Restores the flag, also on unwinding.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            SERIAL.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(SERIAL.with(|s| s.replace(true)));
    f()
}

/// Whether to take the parallel paths: more than one rayon thread, not in [`serially`].
pub(crate) fn use_threads() -> bool {
    rayon::current_num_threads() > 1 && !SERIAL.with(std::cell::Cell::get)
}

/// The column of the edge `(i, j)` (index `idx`, length `d`), or the
/// cofacet of its apparent pair (`None` if it has none or if not `keep_all`).
#[inline]
fn edge_column<S: Space>(
    cf: &Cofaces<'_, S>,
    (i, j, d): (u32, u32, f64),
    keep_all: bool,
    scratch: &mut Vec<u32>,
) -> std::result::Result<Column, Option<u64>> {
    let idx = cf.binom.get(i as usize, 2) + u64::from(j);
    let (hint, apparent) = cf.apparent_cofacet(&[i, j], idx, d, scratch);
    if !apparent {
        Ok(Column {
            key: key(d, idx),
            hint: hint.map_or(NONE, |h| h.0),
        })
    } else {
        Err(hint.filter(|_| keep_all).map(|(_, tau)| key_index(tau)))
    }
}

/// The dimension-1 columns (non-forest, non-apparent edges, sorted youngest
/// first) and, if `keep_all` (a dimension 2 follows), the keys of all edges
/// within the threshold and the apparent cofacets.
///
/// With more than one rayon thread, the edges are listed first and their
/// apparent-pair tests (the costly part) run over blocks in parallel.
pub(crate) fn assemble_edges<S: Space>(
    cf: &Cofaces<'_, S>,
    forest: &Forest,
    keep_all: bool,
    guard: &Guard,
) -> Result<Assembly> {
    let mut columns = Vec::new();
    let mut all = Vec::new();
    let mut apparent_set = IndexSet::default();
    let mut scratch = Vec::with_capacity(4);
    let parallel = use_threads();
    // The edges to test in parallel.
    let mut edges: Vec<(u32, u32, f64)> = Vec::new();
    let t = cf.threshold;
    let mut oom = None;
    let mut counted = 0u64;
    cf.space.for_each_edge(|i, j, d| {
        if d > t || oom.is_some() {
            return;
        }
        if keep_all {
            all.push(key(d, cf.binom.get(i as usize, 2) + u64::from(j)));
        }
        counted += 1;
        if !forest.contains(i, j) {
            if parallel {
                edges.push((i, j, d));
            } else {
                match edge_column(cf, (i, j, d), keep_all, &mut scratch) {
                    Ok(column) => columns.push(column),
                    Err(Some(tau)) => {
                        apparent_set.insert(tau);
                    }
                    Err(None) => {}
                }
            }
        }
        if counted % (1 << 16) == 0 {
            let held = all.len() as u64 * SIMPLEX_BYTES
                + (columns.len() + edges.len()) as u64 * COLUMN_BYTES
                + apparent_set.len() as u64 * SET_BYTES;
            if let Err(e) = guard.check(held) {
                oom = Some(e);
            }
        }
    });
    if let Some(e) = oom {
        return Err(e);
    }
    if parallel {
        // The edges, and at most all of them as columns twice (in blocks, merged).
        let held = all.len() as u64 * SIMPLEX_BYTES + edges.len() as u64 * 3 * COLUMN_BYTES;
        guard.check(held)?;
        let block = |scratch: &mut Vec<u32>, block: &[(u32, u32, f64)]| {
            let mut part = Part::default();
            for &e in block {
                match edge_column(cf, e, keep_all, scratch) {
                    Ok(column) => part.columns.push(column),
                    Err(Some(tau)) => {
                        part.apparent.insert(tau);
                    }
                    Err(None) => {}
                }
            }
            part
        };
        // A single block stays on this thread.
        let parts: Vec<Part> = if edges.len() > ASSEMBLY_BLOCK {
            edges
                .par_chunks(ASSEMBLY_BLOCK)
                .map_init(Vec::new, block)
                .collect()
        } else {
            vec![block(&mut scratch, &edges)]
        };
        drop(edges);
        for part in parts {
            columns.extend_from_slice(&part.columns);
            apparent_set.extend(part.apparent);
        }
    }
    columns.sort_unstable_by_key(|c| Reverse(c.key));
    Ok(Assembly {
        columns,
        simplices: all,
        apparent: apparent_set,
    })
}

/// Facets per block of the assembly (the unit of its parallel work).
const ASSEMBLY_BLOCK: usize = 1024;

/// Blocks per round of the parallel assembly (the memory is checked between rounds).
const ASSEMBLY_ROUND: usize = 64;

/// What the assembly of one block of facets produces.
#[derive(Default)]
struct Part {
    columns: Vec<Column>,
    all: Vec<Key>,
    apparent: IndexSet,
}

/// Adds to `part` the `dim`-simplices of the facets `lower` (each once,
/// from its facet without its top vertex): columns (unsorted) and, if
/// `keep_all`, all simplices and the apparent cofacets.
fn assemble_block<S: Space>(
    cf: &Cofaces<'_, S>,
    (dim, lower): (usize, &[Key]),
    pivots: &PivotMap,
    cleared: &IndexSet,
    keep_all: bool,
    part: &mut Part,
) {
    let n = cf.n();
    let (mut verts, mut tau, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
    for &s in lower {
        let (sd, si) = (key_diam(s), key_index(s));
        cf.binom.vertices(si, dim - 1, n, &mut verts);
        cf.for_each_cofacet(&verts, si, sd, verts[0] + 1, cf.threshold, |c, k| {
            if keep_all {
                part.all.push(k);
            }
            let (td, ti) = (key_diam(k), key_index(k));
            if pivots.contains_key(&ti) || cleared.contains(&ti) {
                return true; // a pivot of dimension dim - 1: cleared
            }
            insert_vertex(&verts, c, &mut tau);
            let (hint, apparent) = cf.apparent_cofacet(&tau, ti, td, &mut scratch);
            if !apparent {
                part.columns.push(Column {
                    key: k,
                    hint: hint.map_or(NONE, |h| h.0),
                });
            } else if let (true, Some((_, tau))) = (keep_all, hint) {
                part.apparent.insert(key_index(tau));
            }
            true
        });
    }
}

/// The columns of dimension `dim` (>= 2) from all simplices of dimension
/// `dim - 1` (`lower`), with clearing against the `pivots` and `apparent`
/// cofacets of dimension `dim - 1` and apparent pairs skipped; plus all
/// `dim`-simplices and this dimension's apparent cofacets if `keep_all`.
///
/// With more than one rayon thread, blocks of facets are assembled in
/// parallel and concatenated in order: the simplices come out in the serial
/// order, and the columns are sorted anyway.
pub(crate) fn assemble<S: Space>(
    cf: &Cofaces<'_, S>,
    dim: usize,
    lower: &[Key],
    pivots: &PivotMap,
    cleared: &IndexSet,
    keep_all: bool,
    guard: &Guard,
) -> Result<Assembly> {
    let mut out = Part::default();
    let held_before = lower.len() as u64 * SIMPLEX_BYTES
        + pivots.len() as u64 * PIVOT_BYTES
        + cleared.len() as u64 * SET_BYTES;
    let parallel = use_threads() && lower.len() > ASSEMBLY_BLOCK;
    let round = if parallel {
        ASSEMBLY_BLOCK * ASSEMBLY_ROUND
    } else {
        ASSEMBLY_BLOCK
    };
    let mut done = 0;
    for facets in lower.chunks(round) {
        // The blocks' outputs, held together with `out` while merged.
        let mut transient = 0;
        if parallel {
            let parts: Vec<Part> = facets
                .par_chunks(ASSEMBLY_BLOCK)
                .map(|block| {
                    let mut part = Part::default();
                    assemble_block(cf, (dim, block), pivots, cleared, keep_all, &mut part);
                    part
                })
                .collect();
            for part in parts {
                transient += part.all.len() as u64 * SIMPLEX_BYTES
                    + part.columns.len() as u64 * COLUMN_BYTES
                    + part.apparent.len() as u64 * SET_BYTES;
                out.columns.extend_from_slice(&part.columns);
                out.all.extend_from_slice(&part.all);
                out.apparent.extend(part.apparent);
            }
        } else {
            assemble_block(cf, (dim, facets), pivots, cleared, keep_all, &mut out);
        }
        done += facets.len();
        let held = out.all.len() as u64 * SIMPLEX_BYTES
            + out.columns.len() as u64 * COLUMN_BYTES
            + out.apparent.len() as u64 * SET_BYTES;
        let checked = parallel || facets.len() == round;
        if checked && guard.check(held_before + held + transient).is_err() {
            // Extrapolate from the share of facets processed so far.
            let share = done as f64 / lower.len() as f64;
            let estimate = held_before as f64 + held as f64 / share;
            return Err(Error::TooLarge(MemoryError {
                what: RIPS,
                estimated_bytes: (guard.base as f64 + estimate) as u64,
                limit: guard.limit,
            }));
        }
    }
    out.columns.sort_unstable_by_key(|c| Reverse(c.key));
    Ok(Assembly {
        columns: out.columns,
        simplices: out.all,
        apparent: out.apparent,
    })
}

/// What the reduction of one dimension reports.
pub(crate) struct Reduced {
    /// The bars (zero-length ones omitted, essential ones with infinite
    /// death), in reduction order (ripser.py's order).
    pub pairs: Vec<PersistencePair>,
    /// One representative cocycle per bar, in the same order, if asked for.
    pub cocycles: Vec<Cocycle>,
    /// Pivot -> slot of its column.
    pub pivots: PivotMap,
}

/// Reduces the columns of dimension `dim` with coefficients in `Z/coeff`
/// (`coeff` a prime checked by the builder), keeping a representative
/// cocycle of every bar if `cocycles`.
pub(crate) fn reduce<S: Space>(
    cf: &Cofaces<'_, S>,
    dim: usize,
    columns: &[Column],
    coeff: u32,
    cocycles: bool,
    guard: &Guard,
) -> Result<Reduced> {
    if coeff == 2 {
        reduce_in(cf, dim, columns, &Z2, cocycles, guard)
    } else {
        reduce_in(cf, dim, columns, &Zp::new(coeff), cocycles, guard)
    }
}

/// A cocycle from its column's simplex (coefficient 1) and the summed
/// entries of its reduction column (all younger than the column), in
/// filtration order, oldest first: ripser.py's `compute_cocycles`, which
/// pops the working reduction column's heap.
fn cocycle<S: Space, F: Field>(
    cf: &Cofaces<'_, S>,
    field: &F,
    dim: usize,
    column: Key,
    entries: &[Entry<F::Coef>],
    verts: &mut Vec<u32>,
) -> Cocycle {
    debug_assert!(entries.first().is_none_or(|e| e.0 > column));
    let mut out = Cocycle {
        dim,
        vertices: Vec::with_capacity((entries.len() + 1) * (dim + 1)),
        coefficients: Vec::with_capacity(entries.len() + 1),
    };
    let first = std::iter::once((column, field.one()));
    for (k, c) in first.chain(entries.iter().copied()) {
        cf.binom.vertices(key_index(k), dim, cf.n(), verts);
        out.vertices.extend_from_slice(verts);
        out.coefficients.push(field.value(c));
    }
    out
}

/// The parallel reduction cuts a dimension into about this many chunks...
const CHUNKS_PER_DIM: usize = 64;
/// ... of at least this many columns ...
const MIN_CHUNK: usize = 8;
/// ... and at most this many.
const MAX_CHUNK: usize = 256;
/// Fewer columns than this are reduced serially (unless the chunk size is set).
const MIN_PARALLEL_COLUMNS: usize = 256;

/// The chunk size set by [`set_parallel_chunk`], 0 for automatic.
static CHUNK: AtomicUsize = AtomicUsize::new(0);

/// Sets the number of columns per chunk of the parallel Vietoris-Rips
/// reduction (0, the default: from the number of columns of the dimension
/// only, never from the number of threads) and returns the previous
/// setting. Diagrams and cocycles do not depend on it (nor on the number of
/// threads): it only changes the rounds of the parallel reduction. For
/// tests and measurements; process-wide.
#[doc(hidden)]
pub fn set_parallel_chunk(size: usize) -> usize {
    CHUNK.swap(size, AtomicOrdering::Relaxed)
}

/// The window size for `columns` columns and whether to reduce them in
/// parallel (more than one rayon thread, at least two windows' worth).
fn chunking(columns: usize) -> (usize, bool) {
    let (chunk, min) = match CHUNK.load(AtomicOrdering::Relaxed) {
        0 => (
            (columns / CHUNKS_PER_DIM).clamp(MIN_CHUNK, MAX_CHUNK),
            MIN_PARALLEL_COLUMNS,
        ),
        set => (set, 0),
    };
    let parallel = use_threads() && columns >= min.max(2 * chunk);
    (chunk, parallel)
}

/// The pivots found so far in one dimension.
struct Store<C> {
    /// Pivot -> slot of its column.
    pivots: PivotMap,
    /// Slot -> (column simplex, range of its V entries in `v_entries`, the
    /// inverse of its pivot's coefficient).
    slots: Vec<(Key, usize, usize, C)>,
    v_entries: Vec<Entry<C>>,
}

/// The working state of one column: its working reduction column `V`
/// (unsummed) and a heap holding the entries of diameter at most `bound`
/// of the coboundary of its working cochain (the column's simplex plus `V`).
///
/// **Windowed heap.** Ripser pushes every cofacet of every summand into the
/// heap, yet a column's reduction only ever pops the oldest few: on W3 (991
/// points in R^10, H1) 3,908 coboundaries pushed 2.2 million entries for
/// 3,224 pivot lookups. Only the entries up to a bound are enumerated
/// (the distance scans compare each candidate with the bound before any
/// index is computed); when those cancel out, the bound grows and the
/// summands' entries between the old and the new bound are added. The heap
/// always holds exactly the working coboundary's entries up to the bound,
/// so its oldest entry is the column's pivot whenever it has one.
struct Work<C> {
    heap: BinaryHeap<Reverse<Entry<C>>>,
    v: Vec<Entry<C>>,
    /// The column's simplex.
    column: Key,
    /// Every entry of diameter at most this is in the heap.
    bound: f64,
}

impl<C> Default for Work<C> {
    fn default() -> Self {
        Self {
            heap: BinaryHeap::new(),
            v: Vec::new(),
            column: 0,
            bound: f64::INFINITY,
        }
    }
}

/// The first bound of a column of diameter `d` under the threshold `t`:
/// this share of the way from `d` to `t` (see [`set_first_window`]). Each
/// widening doubles the distance from `d`.
const FIRST_WINDOW: f64 = 1.0 / 64.0;

/// The share set by [`set_first_window`] (as `f64` bits), 0 for [`FIRST_WINDOW`].
static WINDOW: AtomicU64 = AtomicU64::new(0);

/// Sets the first bound of the windowed heap of the Vietoris-Rips
/// reduction, as a share in `(0, 1]` of the way from a column's diameter to
/// the threshold (anything else restores the default), and returns the
/// previous share. Diagrams and cocycles do not depend on it: it only
/// changes how many entries are enumerated before the pivots are found.
/// For tests and measurements; process-wide.
#[doc(hidden)]
pub fn set_first_window(share: f64) -> f64 {
    let bits = if share > 0.0 && share <= 1.0 {
        share.to_bits()
    } else {
        0
    };
    match WINDOW.swap(bits, AtomicOrdering::Relaxed) {
        0 => FIRST_WINDOW,
        old => f64::from_bits(old),
    }
}

/// The share of [`set_first_window`] in effect.
fn first_window() -> f64 {
    match WINDOW.load(AtomicOrdering::Relaxed) {
        0 => FIRST_WINDOW,
        bits => f64::from_bits(bits),
    }
}

/// The bound after `bound` for a column of diameter `d` under the threshold `t`.
fn next_bound(d: f64, bound: f64, t: f64) -> f64 {
    let next = d + 2.0 * (bound - d);
    // Rounding (a width below d's precision) must not stall the growth.
    if next > bound && next < t {
        next
    } else {
        t
    }
}

/// Vertex buffers, one set per thread.
#[derive(Default)]
struct Scratch {
    verts: Vec<u32>,
    tau: Vec<u32>,
    other: Vec<u32>,
}

/// Where a column stands after its reduction against the pivots of a
/// [`Store`] (phase 1).
enum Start<C> {
    /// Its zero-persistence cofacet (index, coefficient) is not a pivot of
    /// the store and not an apparent cofacet: an emergent pair unless a
    /// column reduced since has taken that pivot.
    Emergent(u64, C),
    /// Reduced until its pivot (if it has one) is neither a pivot of the
    /// store nor an apparent cofacet.
    Pending(Option<Entry<C>>),
}

/// A column of the parallel reduction's window: its index, its state after
/// its last phase 1 (`None` before the first) and its working state.
type WindowSlot<C> = (usize, Option<Start<C>>, Work<C>);

/// The bars and cocycles of a dimension, in reduction order.
struct Bars {
    pairs: Vec<PersistencePair>,
    cocycles: Vec<Cocycle>,
    cocycle_bytes: u64,
}

/// One dimension's reduction: the complex, the dimension, the field.
struct Reducer<'a, 'b, S, F> {
    cf: &'a Cofaces<'b, S>,
    dim: usize,
    field: &'a F,
    want_cocycles: bool,
    /// See [`set_first_window`].
    first_window: f64,
}

impl<S: Space, F: Field> Reducer<'_, '_, S, F> {
    /// Adds to the heap `factor` times the entries of the coboundary of `s`
    /// of diameter in `range` (`(floor, limit]`).
    #[inline]
    fn push_coboundary(
        &self,
        heap: &mut BinaryHeap<Reverse<Entry<F::Coef>>>,
        verts: &mut Vec<u32>,
        (s, factor): Entry<F::Coef>,
        range: (f64, f64),
    ) {
        let (cf, field) = (self.cf, self.field);
        let (sd, si) = (key_diam(s), key_index(s));
        cf.binom.vertices(si, self.dim, cf.n(), verts);
        cf.for_each_cofacet_between(verts, si, sd, range, |below, k| {
            heap.push(Reverse((k, field.mul(factor, field.sign(below)))));
            true
        });
    }

    /// Starts the working column of the simplex `column`: its coboundary
    /// up to the first bound, an empty `V`.
    fn begin(&self, work: &mut Work<F::Coef>, column: Key, verts: &mut Vec<u32>) {
        let (d, t) = (key_diam(column), self.cf.threshold);
        work.heap.clear();
        work.v.clear();
        work.column = column;
        work.bound = if t.is_finite() {
            (d + (t - d) * self.first_window).min(t)
        } else {
            t
        };
        let range = (f64::NEG_INFINITY, work.bound);
        self.push_coboundary(&mut work.heap, verts, (column, self.field.one()), range);
    }

    /// Adds `factor` times the coboundary of `s` to the working column.
    #[inline]
    fn add(&self, work: &mut Work<F::Coef>, s: Key, factor: F::Coef, verts: &mut Vec<u32>) {
        work.v.push((s, factor));
        let range = (f64::NEG_INFINITY, work.bound);
        self.push_coboundary(&mut work.heap, verts, (s, factor), range);
    }

    /// The pivot of the working column (its oldest entry with a nonzero
    /// coefficient, left in the heap), widening the bound while the heap
    /// cancels out below it; `None` if the column is zero.
    fn pivot(&self, work: &mut Work<F::Coef>, verts: &mut Vec<u32>) -> Option<Entry<F::Coef>> {
        let t = self.cf.threshold;
        loop {
            if let Some(p) = self.field.pivot(&mut work.heap) {
                return Some(p);
            }
            if work.bound >= t {
                return None;
            }
            let floor = work.bound;
            work.bound = next_bound(key_diam(work.column), floor, t);
            let range = (floor, work.bound);
            let Work {
                heap, v, column, ..
            } = work;
            self.push_coboundary(heap, verts, (*column, self.field.one()), range);
            for &entry in v.iter() {
                self.push_coboundary(heap, verts, entry, range);
            }
        }
    }

    /// Cancels the pivot (coefficient `pc`) of the working column with the
    /// column in `slot`: adds `-pc / (its pivot's coefficient)` times it.
    fn add_slot(
        &self,
        store: &Store<F::Coef>,
        slot: u32,
        pc: F::Coef,
        work: &mut Work<F::Coef>,
        verts: &mut Vec<u32>,
    ) {
        let field = self.field;
        let (owner, start, end, inv) = store.slots[slot as usize];
        let factor = field.neg(field.mul(pc, inv));
        self.add(work, owner, factor, verts);
        for &(s, c) in &store.v_entries[start..end] {
            self.add(work, s, field.mul(c, factor), verts);
        }
    }

    /// Reduces the working column against the pivots of `store` and the
    /// apparent pairs until its pivot is neither: returns that pivot, or
    /// `None` if the column is zero.
    fn reduce_column(
        &self,
        store: &Store<F::Coef>,
        work: &mut Work<F::Coef>,
        sc: &mut Scratch,
    ) -> Option<Entry<F::Coef>> {
        let (cf, field) = (self.cf, self.field);
        loop {
            let (p, pc) = self.pivot(work, &mut sc.verts)?;
            let pi = key_index(p);
            if let Some(&slot) = store.pivots.get(&pi) {
                self.add_slot(store, slot, pc, work, &mut sc.verts);
                continue;
            }
            cf.binom.vertices(pi, self.dim + 1, cf.n(), &mut sc.tau);
            if let Some((facet, below)) = cf.apparent_facet(&sc.tau, key_diam(p), &mut sc.other) {
                // The pivot has coefficient (-1)^below in the facet's coboundary.
                let factor = field.neg(field.mul(pc, field.sign(below)));
                self.add(work, facet, factor, &mut sc.verts);
                continue;
            }
            return Some((p, pc));
        }
    }

    /// Phase 1 of a column: the emergent-pair test and its reduction
    /// against the pivots of `store` (`work` is started over).
    fn start(
        &self,
        store: &Store<F::Coef>,
        col: &Column,
        work: &mut Work<F::Coef>,
        sc: &mut Scratch,
    ) -> Start<F::Coef> {
        let cf = self.cf;
        let (diam, idx) = (key_diam(col.key), key_index(col.key));
        // Emergent pair: the zero-persistence pivot found at assembly is free.
        if col.hint != NONE {
            cf.binom.vertices(idx, self.dim, cf.n(), &mut sc.verts);
            insert_vertex(&sc.verts, col.hint, &mut sc.tau);
            let ti = cf.binom.index(&sc.tau);
            if !store.pivots.contains_key(&ti)
                && cf.apparent_facet(&sc.tau, diam, &mut sc.other).is_none()
            {
                // Its coefficient is a sign, its own inverse.
                let below = sc.verts.len() - sc.verts.partition_point(|&v| v > col.hint);
                return Start::Emergent(ti, self.field.sign(below));
            }
        }
        self.begin(work, col.key, &mut sc.verts);
        Start::Pending(self.reduce_column(store, work, sc))
    }

    /// Phase 2 of a column: finishes its reduction against `store` (which
    /// may have gained pivots since its phase 1; the parallel path calls it
    /// only when none of them is the column's pivot, the serial path right
    /// after phase 1 against the same store) and records its pivot, bar and
    /// cocycle. Exactly the serial reduction of the column: phase 1 stopped
    /// where a pivot was not in the store it saw, and the additions made
    /// there are the ones the serial reduction makes (a pivot's column
    /// never changes once stored, and an apparent cofacet is never a pivot).
    fn finish(
        &self,
        store: &mut Store<F::Coef>,
        col: &Column,
        start: Start<F::Coef>,
        work: &mut Work<F::Coef>,
        sc: &mut Scratch,
        bars: &mut Bars,
    ) {
        let field = self.field;
        let mut pivot = match start {
            Start::Emergent(ti, coef) if !store.pivots.contains_key(&ti) => {
                store.pivots.insert(ti, store.slots.len() as u32);
                store.slots.push((col.key, 0, 0, coef));
                return;
            }
            Start::Emergent(..) => {
                // Taken since phase 1: reduce the column as the serial path would.
                self.begin(work, col.key, &mut sc.verts);
                self.reduce_column(store, work, sc)
            }
            Start::Pending(pivot) => pivot,
        };
        loop {
            let Some((p, pc)) = pivot else {
                bars.pairs
                    .push(PersistencePair::new(key_diam(col.key), f64::INFINITY));
                if self.want_cocycles {
                    let mut summed = Vec::new();
                    field.sum_into(&mut work.v, &mut summed);
                    self.record_cocycle(col.key, &summed, sc, bars);
                }
                return;
            };
            let pi = key_index(p);
            if let Some(&slot) = store.pivots.get(&pi) {
                self.add_slot(store, slot, pc, work, &mut sc.verts);
                pivot = self.reduce_column(store, work, sc);
                continue;
            }
            // A new pair (column, pivot); store the column's V, summed.
            let start = store.v_entries.len();
            field.sum_into(&mut work.v, &mut store.v_entries);
            store.pivots.insert(pi, store.slots.len() as u32);
            store
                .slots
                .push((col.key, start, store.v_entries.len(), field.inv(pc)));
            let (birth, death) = (key_diam(col.key), key_diam(p));
            if death > birth {
                bars.pairs.push(PersistencePair::new(birth, death));
                if self.want_cocycles {
                    self.record_cocycle(col.key, &store.v_entries[start..], sc, bars);
                }
            }
            return;
        }
    }

    /// Phase 1 of a round for a column of the window: starts it (`state`
    /// is `None`), restarts it if its emergent pivot has been taken, or
    /// carries its reduction on if its pivot has been taken (in the last
    /// phase 2).
    fn advance(
        &self,
        store: &Store<F::Coef>,
        col: &Column,
        state: &mut Option<Start<F::Coef>>,
        work: &mut Work<F::Coef>,
        sc: &mut Scratch,
    ) {
        match *state {
            Some(Start::Pending(Some((p, pc)))) => {
                if let Some(&slot) = store.pivots.get(&key_index(p)) {
                    self.add_slot(store, slot, pc, work, &mut sc.verts);
                    *state = Some(Start::Pending(self.reduce_column(store, work, sc)));
                }
            }
            Some(Start::Pending(None)) => {}
            Some(Start::Emergent(ti, _)) if !store.pivots.contains_key(&ti) => {}
            _ => {
                *state = Some(self.start(store, col, work, sc));
            }
        }
    }

    /// Whether the pivot a column's phase 1 ended at has been taken since.
    fn taken(store: &Store<F::Coef>, start: &Start<F::Coef>) -> bool {
        match *start {
            Start::Emergent(ti, _) => store.pivots.contains_key(&ti),
            Start::Pending(Some((p, _))) => store.pivots.contains_key(&key_index(p)),
            Start::Pending(None) => false,
        }
    }

    fn record_cocycle(
        &self,
        column: Key,
        entries: &[Entry<F::Coef>],
        sc: &mut Scratch,
        bars: &mut Bars,
    ) {
        let c = cocycle(
            self.cf,
            self.field,
            self.dim,
            column,
            entries,
            &mut sc.verts,
        );
        bars.cocycle_bytes += c.len() as u64 * (self.dim as u64 + 2) * 4;
        bars.cocycles.push(c);
    }
}

/// [`reduce`] over the field `F` (monomorphised: `Z2` pays for no coefficient).
///
/// **Parallel reduction.** With more than one rayon thread and enough
/// columns, the columns (youngest first) go through a window of a size that
/// depends on the number of columns only (about 64 chunks per dimension,
/// of 8 to 256 columns; [`set_parallel_chunk`]), in rounds of two phases:
/// the chunk-wise scheme of Bauer, Kerber and Reininghaus ("Clear and
/// compress: computing persistent homology in chunks", 2014) applied to
/// Ripser's implicit cohomology.
///
/// 1. In parallel over the window, each column gets its emergent-pair test
///    and is reduced against the pivots of the finished columns only
///    (read-only: the pivot map and the stored `V`s) and the apparent
///    pairs, until its pivot is none of those; its heap and working `V`
///    are kept. A column already there continues only if its pivot was
///    taken in the last phase 2.
/// 2. Serially, in column order, each column whose pivot (or emergent
///    cofacet) is still free is finished: its pivot, bar, `V` and cocycle
///    are recorded. At the first column whose pivot an earlier column of
///    this phase 2 took, the round ends; that column and the rest stay in
///    the window (refilled with new columns) and go on in the next round's
///    phase 1, so that phase 2 only records and no reduction runs serially.
///    An emergent candidate whose cofacet was taken starts over as an
///    ordinary column, as in the serial path.
///
/// The serial reduction of a column is a deterministic sequence of
/// additions, each chosen by the current pivot's owner among the earlier
/// columns; a phase 1 makes a prefix of that sequence (it stops at the
/// first pivot whose owner it cannot see, and it sees only earlier columns,
/// whose `V` never changes once stored; an apparent cofacet is never a
/// pivot), and a column is finished only once its pivot is not owned by
/// any earlier column, all of them finished by then. So every column gets
/// the very `V` of the serial reduction, and the diagrams and cocycles are
/// identical for any number of threads and any window size (and the
/// schedule does not depend on the thread count anyway).
///
/// giotto-ph (Pérez, Hess, Ozornova, Tauzin 2021) parallelises Ripser
/// differently, with a lock-free pivot table after Morozov and Nigmetov
/// ("Towards lockfree persistent homology", 2020): columns race for pivots,
/// so which column keeps a pivot, and with it the reduction matrix and the
/// cocycles, depends on the timing (the pairing does not); we want cocycles
/// that do not depend on the thread count.
fn reduce_in<S: Space, F: Field + Sync>(
    cf: &Cofaces<'_, S>,
    dim: usize,
    columns: &[Column],
    field: &F,
    want_cocycles: bool,
    guard: &Guard,
) -> Result<Reduced>
where
    F::Coef: Send + Sync,
{
    let r = Reducer {
        cf,
        dim,
        field,
        want_cocycles,
        first_window: first_window(),
    };
    let mut store = Store {
        pivots: PivotMap::default(),
        slots: Vec::new(),
        v_entries: Vec::new(),
    };
    let mut bars = Bars {
        pairs: Vec::new(),
        cocycles: Vec::new(),
        cocycle_bytes: 0,
    };
    let entry_bytes = std::mem::size_of::<Entry<F::Coef>>() as u64;
    let stored_bytes = |store: &Store<F::Coef>, bars: &Bars| {
        store.v_entries.len() as u64 * entry_bytes
            + store.slots.len() as u64 * (PIVOT_BYTES + 32)
            + bars.cocycle_bytes
    };
    let (chunk, parallel) = chunking(columns.len());
    let mut sc = Scratch::default();
    if !parallel {
        let mut work = Work::default();
        for (ci, col) in columns.iter().enumerate() {
            let start = r.start(&store, col, &mut work, &mut sc);
            r.finish(&mut store, col, start, &mut work, &mut sc, &mut bars);
            if ci % 4096 == 4095 {
                let heap = (work.heap.capacity() + work.v.capacity()) as u64 * entry_bytes;
                guard.check(stored_bytes(&store, &bars) + heap)?;
            }
        }
    } else {
        // The rounds run on a pool thread, so that their parallel calls need no
        // hand-off from a thread outside the pool.
        rayon::scope(|_| -> Result<()> {
            let mut pool: Vec<Work<F::Coef>> = Vec::new();
            // The unfinished columns (index, phase-1 state, work), in order.
            let mut window: Vec<WindowSlot<F::Coef>> = Vec::new();
            let mut next = 0;
            while next < columns.len() || !window.is_empty() {
                while window.len() < chunk && next < columns.len() {
                    window.push((next, None, pool.pop().unwrap_or_default()));
                    next += 1;
                }
                // Phase 1, in parallel.
                window
                    .par_iter_mut()
                    .for_each_init(Scratch::default, |sc, (ci, state, work)| {
                        r.advance(&store, &columns[*ci], state, work, sc);
                    });
                let held: u64 = window
                    .iter()
                    .map(|(_, _, w)| (w.heap.capacity() + w.v.capacity()) as u64 * entry_bytes)
                    .sum();
                guard.check(stored_bytes(&store, &bars) + held)?;
                // Phase 2, in order, up to the first column whose pivot was
                // taken in this phase 2. The first column's pivot never is (all
                // earlier columns were finished before this round's phase 1),
                // and `finish` would carry its reduction on anyway.
                let mut done = 0;
                for (ci, state, work) in &mut window {
                    // Phase 1 gave every column of the window a state; one
                    // without would be started by the next round's phase 1.
                    let Some(start) = state.take() else {
                        break;
                    };
                    if done > 0 && Reducer::<S, F>::taken(&store, &start) {
                        *state = Some(start);
                        break;
                    }
                    r.finish(&mut store, &columns[*ci], start, work, &mut sc, &mut bars);
                    done += 1;
                }
                pool.extend(window.drain(..done).map(|(_, _, w)| w));
            }
            Ok(())
        })?;
    }
    Ok(Reduced {
        pairs: bars.pairs,
        cocycles: bars.cocycles,
        pivots: store.pivots,
    })
}

/// The diagram of dimension `dim` from a reduction's bars, and their
/// cocycles in the diagram's order: canonical (by birth, then death), bars
/// with equal ends in reduction order (ripser.py's order).
pub(crate) fn into_diagram(dim: usize, reduced: Reduced) -> (Diagram, Vec<Cocycle>, PivotMap) {
    let Reduced {
        pairs,
        cocycles,
        pivots,
    } = reduced;
    if cocycles.is_empty() {
        return (Diagram::new(dim, pairs), cocycles, pivots);
    }
    debug_assert_eq!(cocycles.len(), pairs.len());
    let mut both: Vec<(PersistencePair, Cocycle)> = pairs.into_iter().zip(cocycles).collect();
    both.sort_by(|a, b| a.0.canonical_cmp(&b.0)); // stable
    let (pairs, cocycles): (Vec<_>, Vec<_>) = both.into_iter().unzip();
    (Diagram::new(dim, pairs), cocycles, pivots)
}
