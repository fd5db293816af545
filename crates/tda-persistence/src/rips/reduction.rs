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

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

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

/// The dimension-1 columns (non-forest, non-apparent edges, sorted youngest
/// first) and, if `keep_all` (a dimension 2 follows), the keys of all edges
/// within the threshold and the apparent cofacets.
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
    let t = cf.threshold;
    let mut oom = None;
    let mut counted = 0u64;
    cf.space.for_each_edge(|i, j, d| {
        if d > t || oom.is_some() {
            return;
        }
        let idx = cf.binom.get(i as usize, 2) + u64::from(j);
        if keep_all {
            all.push(key(d, idx));
        }
        counted += 1;
        if !forest.contains(i, j) {
            let verts = [i, j];
            let (hint, apparent) = cf.apparent_cofacet(&verts, idx, d, &mut scratch);
            if !apparent {
                columns.push(Column {
                    key: key(d, idx),
                    hint: hint.map_or(NONE, |h| h.0),
                });
            } else if let (true, Some((_, tau))) = (keep_all, hint) {
                apparent_set.insert(key_index(tau));
            }
        }
        if counted % (1 << 16) == 0 {
            let held = all.len() as u64 * SIMPLEX_BYTES
                + columns.len() as u64 * COLUMN_BYTES
                + apparent_set.len() as u64 * SET_BYTES;
            if let Err(e) = guard.check(held) {
                oom = Some(e);
            }
        }
    });
    if let Some(e) = oom {
        return Err(e);
    }
    columns.sort_unstable_by_key(|c| Reverse(c.key));
    Ok(Assembly {
        columns,
        simplices: all,
        apparent: apparent_set,
    })
}

/// The columns of dimension `dim` (>= 2) from all simplices of dimension
/// `dim - 1` (`lower`), with clearing against the `pivots` and `apparent`
/// cofacets of dimension `dim - 1` and apparent pairs skipped; plus all
/// `dim`-simplices and this dimension's apparent cofacets if `keep_all`.
pub(crate) fn assemble<S: Space>(
    cf: &Cofaces<'_, S>,
    dim: usize,
    lower: &[Key],
    pivots: &PivotMap,
    cleared: &IndexSet,
    keep_all: bool,
    guard: &Guard,
) -> Result<Assembly> {
    let n = cf.n();
    let mut columns = Vec::new();
    let mut all = Vec::new();
    let mut apparent_set = IndexSet::default();
    let (mut verts, mut tau, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
    let held_before = lower.len() as u64 * SIMPLEX_BYTES
        + pivots.len() as u64 * PIVOT_BYTES
        + cleared.len() as u64 * SET_BYTES;
    for (done, &s) in lower.iter().enumerate() {
        let (sd, si) = (key_diam(s), key_index(s));
        cf.binom.vertices(si, dim - 1, n, &mut verts);
        // Each dim-simplex once: from its facet without the top vertex.
        cf.for_each_cofacet(&verts, si, sd, verts[0] + 1, cf.threshold, |c, k| {
            if keep_all {
                all.push(k);
            }
            let (td, ti) = (key_diam(k), key_index(k));
            if pivots.contains_key(&ti) || cleared.contains(&ti) {
                return true; // a pivot of dimension dim - 1: cleared
            }
            insert_vertex(&verts, c, &mut tau);
            let (hint, apparent) = cf.apparent_cofacet(&tau, ti, td, &mut scratch);
            if !apparent {
                columns.push(Column {
                    key: k,
                    hint: hint.map_or(NONE, |h| h.0),
                });
            } else if let (true, Some((_, tau))) = (keep_all, hint) {
                apparent_set.insert(key_index(tau));
            }
            true
        });
        if done % 1024 == 1023 {
            let held = all.len() as u64 * SIMPLEX_BYTES
                + columns.len() as u64 * COLUMN_BYTES
                + apparent_set.len() as u64 * SET_BYTES;
            if guard.check(held_before + held).is_err() {
                // Extrapolate from the share of facets processed so far.
                let share = (done + 1) as f64 / lower.len() as f64;
                let estimate = held_before as f64 + held as f64 / share;
                return Err(Error::TooLarge(MemoryError {
                    what: RIPS,
                    estimated_bytes: (guard.base as f64 + estimate) as u64,
                    limit: guard.limit,
                }));
            }
        }
    }
    columns.sort_unstable_by_key(|c| Reverse(c.key));
    Ok(Assembly {
        columns,
        simplices: all,
        apparent: apparent_set,
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

/// [`reduce`] over the field `F` (monomorphised: `Z2` pays for no coefficient).
fn reduce_in<S: Space, F: Field>(
    cf: &Cofaces<'_, S>,
    dim: usize,
    columns: &[Column],
    field: &F,
    want_cocycles: bool,
    guard: &Guard,
) -> Result<Reduced> {
    let n = cf.n();
    let mut pairs = Vec::new();
    let mut cocycles = Vec::new();
    let mut cocycle_bytes = 0u64;
    let mut pivots = PivotMap::default();
    // Slot -> (column simplex, range of its V entries in `v_entries`, the
    // inverse of its pivot's coefficient).
    let mut slots: Vec<(Key, usize, usize, F::Coef)> = Vec::new();
    let mut v_entries: Vec<Entry<F::Coef>> = Vec::new();
    let mut heap: BinaryHeap<Reverse<Entry<F::Coef>>> = BinaryHeap::new();
    let mut working_v: Vec<Entry<F::Coef>> = Vec::new();
    let mut summed: Vec<Entry<F::Coef>> = Vec::new();
    let (mut verts, mut tau, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
    let t = cf.threshold;
    let entry_bytes = std::mem::size_of::<Entry<F::Coef>>() as u64;

    // Adds `factor` times the coboundary of `s` to the heap.
    let push_coboundary = |heap: &mut BinaryHeap<Reverse<Entry<F::Coef>>>,
                           verts: &mut Vec<u32>,
                           s: Key,
                           factor: F::Coef| {
        let (sd, si) = (key_diam(s), key_index(s));
        cf.binom.vertices(si, dim, n, verts);
        cf.for_each_cofacet_below(verts, si, sd, 0, t, |_, below, k| {
            heap.push(Reverse((k, field.mul(factor, field.sign(below)))));
            true
        });
    };

    for (ci, col) in columns.iter().enumerate() {
        let (diam, idx) = (key_diam(col.key), key_index(col.key));
        cf.binom.vertices(idx, dim, n, &mut verts);
        // Emergent pair: the zero-persistence pivot found at assembly is free.
        if col.hint != NONE {
            insert_vertex(&verts, col.hint, &mut tau);
            let ti = cf.binom.index(&tau);
            if !pivots.contains_key(&ti) && cf.apparent_facet(&tau, diam, &mut scratch).is_none() {
                // Its coefficient is a sign, its own inverse.
                let below = verts.len() - verts.partition_point(|&v| v > col.hint);
                pivots.insert(ti, slots.len() as u32);
                slots.push((col.key, 0, 0, field.sign(below)));
                continue;
            }
        }
        heap.clear();
        working_v.clear();
        push_coboundary(&mut heap, &mut verts, col.key, field.one());
        loop {
            let Some((p, pc)) = field.pivot(&mut heap) else {
                pairs.push(PersistencePair::new(diam, f64::INFINITY));
                if want_cocycles {
                    summed.clear();
                    field.sum_into(&mut working_v, &mut summed);
                    let c = cocycle(cf, field, dim, col.key, &summed, &mut verts);
                    cocycle_bytes += c.len() as u64 * (dim as u64 + 2) * 4;
                    cocycles.push(c);
                }
                break;
            };
            let pi = key_index(p);
            if let Some(&slot) = pivots.get(&pi) {
                // Cancel the pivot: add -pc / (its pivot's coefficient) times that column.
                let (owner, start, end, inv) = slots[slot as usize];
                let factor = field.neg(field.mul(pc, inv));
                working_v.push((owner, factor));
                push_coboundary(&mut heap, &mut verts, owner, factor);
                for &(s, c) in &v_entries[start..end] {
                    let f = field.mul(c, factor);
                    working_v.push((s, f));
                    push_coboundary(&mut heap, &mut verts, s, f);
                }
                continue;
            }
            cf.binom.vertices(pi, dim + 1, n, &mut tau);
            if let Some((facet, below)) = cf.apparent_facet(&tau, key_diam(p), &mut scratch) {
                // The pivot has coefficient (-1)^below in the facet's coboundary.
                let factor = field.neg(field.mul(pc, field.sign(below)));
                working_v.push((facet, factor));
                push_coboundary(&mut heap, &mut verts, facet, factor);
                continue;
            }
            // A new pair (column, pivot); store the column's V, summed.
            let start = v_entries.len();
            field.sum_into(&mut working_v, &mut v_entries);
            pivots.insert(pi, slots.len() as u32);
            slots.push((col.key, start, v_entries.len(), field.inv(pc)));
            let death = key_diam(p);
            if death > diam {
                pairs.push(PersistencePair::new(diam, death));
                if want_cocycles {
                    let c = cocycle(cf, field, dim, col.key, &v_entries[start..], &mut verts);
                    cocycle_bytes += c.len() as u64 * (dim as u64 + 2) * 4;
                    cocycles.push(c);
                }
            }
            break;
        }
        if ci % 4096 == 4095 {
            let held = v_entries.len() as u64 * entry_bytes
                + slots.len() as u64 * (PIVOT_BYTES + 32)
                + heap.capacity() as u64 * entry_bytes
                + cocycle_bytes;
            guard.check(held)?;
        }
    }
    Ok(Reduced {
        pairs,
        cocycles,
        pivots,
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
