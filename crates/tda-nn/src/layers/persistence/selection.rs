//! The landscape layer's choice of tents, shared by its fused CPU kernel
//! and its generic tensor-op path (so both pick the same pair for every
//! output slot, ties included): per unit, the `k` largest tents at every
//! sample, from the unit's kept pairs.

use candle_core::WithDType;
use rayon::prelude::*;

use super::diagrams::{DiagramConfig, PairFinder, Units};
use crate::error::Result;

/// An output slot with no tent: value 0, and its code says gradient 0 at
/// input 0 (so the backward pass needs no branch for it).
pub(super) const NO_SLOT: u32 = 0;

/// The longest rows the slot codes take: a row-relative input index and
/// two bits of sign in one `u32`.
pub(super) const MAX_ROW: usize = (u32::MAX >> 2) as usize;

/// The derivative of a slot's value in its input, by the code's low two
/// bits: empty, rising side, (unused), falling side.
const SIGNS: [f64; 4] = [0.0, -1.0, 0.0, 1.0];

/// The code of an output slot whose tent's value is `+(x[index] - t)`
/// (`up`: the falling side, `x[hi] - t`) or `-(x[index] - t)` (the rising
/// side, `t - x[lo]`), `index` row-relative: its derivative is `+1` or
/// `-1` in `x[index]` alone.
fn code(index: usize, up: bool) -> u32 {
    debug_assert!(index <= MAX_ROW);
    (index as u32) << 2 | u32::from(up) << 1 | 1
}

/// The row-relative input index of a slot code and the derivative of the
/// slot's value in it (`+1.0`, `-1.0`, or `0.0` for [`NO_SLOT`]).
pub(super) fn decode(slot: u32) -> (usize, f64) {
    ((slot >> 2) as usize, SIGNS[(slot & 3) as usize])
}

/// One kept pair of a unit as the interval `[lo, hi]`: its ends' values
/// and their slot codes (falling side at `hi`, rising side at `lo`).
#[derive(Debug, Clone, Copy)]
struct Interval {
    lo_value: f64,
    hi_value: f64,
    lo: u32,
    hi: u32,
}

/// Chooses the tents of one row at a time, with its reusable buffers (one
/// per worker, so the per-unit loop allocates nothing).
pub(super) struct TentPicker<'a> {
    finder: PairFinder<'a>,
    units: &'a Units,
    samples: &'a [f64],
    k: usize,
    /// The current unit's values as `f64`.
    values: Vec<f64>,
    /// The current unit's kept pairs, unit-relative `(birth, death)`.
    pairs: Vec<(usize, usize)>,
    /// The same as intervals, those positive at some sample only.
    intervals: Vec<Interval>,
    /// The largest tents at each sample (`k` per sample), descending:
    /// value and slot code, `(0.0, NO_SLOT)` where empty.
    top: Vec<(f64, u32)>,
}

impl<'a> TentPicker<'a> {
    /// A picker of the `k` largest tents at `samples` of the diagrams
    /// `cfg` says of `units`, keeping pairs with persistence above
    /// `min_persistence`.
    pub fn new(
        cfg: &'a DiagramConfig,
        units: &'a Units,
        min_persistence: f64,
        samples: &'a [f64],
        k: usize,
    ) -> Self {
        Self {
            finder: PairFinder::new(cfg, units, min_persistence),
            units,
            samples,
            k,
            values: Vec::with_capacity(units.unit_len),
            pairs: Vec::new(),
            intervals: Vec::new(),
            top: vec![(0.0, NO_SLOT); k * samples.len()],
        }
    }

    /// The tents of one row (its values `row`): for every slot (laid out
    /// `(unit, landscape, sample)`, units x `k` x samples of them) its code
    /// into `slots` and its value into `out`, both as they come in (all
    /// [`NO_SLOT`] and 0) and written where a tent is positive.
    ///
    /// # Errors
    /// [`Error::Persistence`](crate::Error::Persistence) from a diagram
    /// (not for finite values).
    pub fn row<T: WithDType>(&mut self, row: &[T], slots: &mut [u32], out: &mut [T]) -> Result<()> {
        let len = self.units.unit_len;
        let per_unit = self.k * self.samples.len();
        let outputs = slots
            .chunks_exact_mut(per_unit)
            .zip(out.chunks_exact_mut(per_unit));
        for (s, (unit, (slots, out))) in row.chunks_exact(len).zip(outputs).enumerate() {
            self.values.clear();
            self.values.extend(unit.iter().map(|v| v.to_f64()));
            self.finder.unit_into(&self.values, 0, &mut self.pairs)?;
            self.intervals(s * len);
            self.pick(slots, out);
        }
        Ok(())
    }

    /// The current unit's pairs (its first value at row index `offset`) as
    /// intervals, in the pairs' order, leaving out those with no positive
    /// tent at any sample (`hi <= t_first` or `lo >= t_last`).
    fn intervals(&mut self, offset: usize) {
        let (Some(&first), Some(&last)) = (self.samples.first(), self.samples.last()) else {
            return;
        };
        let values = &self.values;
        self.intervals.clear();
        let intervals = self.pairs.iter().map(|&(b, d)| {
            let (lo, hi) = if values[b] <= values[d] {
                (b, d)
            } else {
                (d, b)
            };
            Interval {
                lo_value: values[lo],
                hi_value: values[hi],
                lo: code(offset + lo, false),
                hi: code(offset + hi, true),
            }
        });
        self.intervals
            .extend(intervals.filter(|iv| iv.hi_value > first && iv.lo_value < last));
    }

    /// The `k` largest tents at every sample of the current unit into
    /// `slots` and `out` (`k` x samples). Interval by interval, not sample
    /// by sample: an interval's tent is positive exactly at the samples
    /// strictly inside it, a run of the sorted samples (its ends counted,
    /// not searched: a handful of independent comparisons beats a
    /// bisection's chain of dependent loads), so each interval visits only
    /// those. Among equal tents the earlier
    /// pair ranks first.
    fn pick<T: WithDType>(&mut self, slots: &mut [u32], out: &mut [T]) {
        let (k, n) = (self.k, self.samples.len());
        self.top.fill((0.0, NO_SLOT));
        for iv in &self.intervals {
            let first = count(self.samples, |t| t <= iv.lo_value);
            let end = count(self.samples, |t| t < iv.hi_value);
            for (i, &t) in self.samples.iter().enumerate().take(end).skip(first) {
                let (rise, fall) = (t - iv.lo_value, iv.hi_value - t);
                let tent = if rise < fall {
                    (rise, iv.lo)
                } else {
                    (fall, iv.hi)
                };
                insert(&mut self.top[i * k..(i + 1) * k], tent);
            }
        }
        for (i, top) in self.top.chunks_exact(k).enumerate() {
            for (j, &(value, slot)) in top.iter().enumerate() {
                slots[j * n + i] = slot;
                out[j * n + i] = T::from_f64(value);
            }
        }
    }
}

/// How many of `samples` satisfy `below` (a prefix of the sorted samples:
/// the end of that prefix).
fn count(samples: &[f64], below: impl Fn(f64) -> bool) -> usize {
    samples.iter().map(|&t| usize::from(below(t))).sum()
}

/// `tent` (value `> 0`) into `top` (descending by value, empty places
/// `(0.0, NO_SLOT)` last), after the tents of equal value, dropping the
/// last: one pass of compare-exchanges (insertion into a sorted array
/// without data-dependent branches, which random tents would
/// mispredict).
fn insert(top: &mut [(f64, u32)], tent: (f64, u32)) {
    let mut carried = tent;
    for place in top {
        let ahead = carried.0 > place.0;
        let kept = if ahead { carried } else { *place };
        carried = if ahead { *place } else { carried };
        *place = kept;
    }
}

/// The slot codes and values of every row of `x` (the input flattened,
/// rows of `units.row_len` at most [`MAX_ROW`]), in parallel over the rows
/// (rayon, one picker per worker) and laid out `(row, unit, landscape,
/// sample)`: the result does not depend on the number of threads.
///
/// # Errors
/// The first error of a row, as [`TentPicker::row`].
pub(super) fn pick_rows<T: WithDType>(
    x: &[T],
    units: &Units,
    cfg: &DiagramConfig,
    min_persistence: f64,
    samples: &[f64],
    k: usize,
) -> Result<(Vec<u32>, Vec<T>)> {
    let per_row = units.per_row * k * samples.len();
    let mut slots = vec![NO_SLOT; units.rows * per_row];
    let mut out = vec![T::zero(); units.rows * per_row];
    if per_row == 0 || units.row_len == 0 {
        return Ok((slots, out));
    }
    slots
        .par_chunks_mut(per_row)
        .zip(out.par_chunks_mut(per_row))
        .zip(x.par_chunks(units.row_len))
        .try_for_each_init(
            || TentPicker::new(cfg, units, min_persistence, samples, k),
            |picker, ((slots, out), row)| picker.row(row, slots, out),
        )?;
    Ok((slots, out))
}
