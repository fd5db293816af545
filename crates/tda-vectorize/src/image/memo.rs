//! A memo of one pixel axis' masses, keyed by the exact coordinate.
//!
//! Quantised data repeat coordinates from one diagram to the next: the
//! PI-Net image recipe has 8-bit pixels, so every birth is one of 256
//! values `k / 255` and the persistences (differences of two of them, in
//! f64) about 740 distinct bit patterns over 48 random channels of 340
//! points each. There a lookup replaces a polynomial evaluation per
//! point and axis ([`PixelAxis::masses`]), the largest cost of an image
//! after the product itself.
//!
//! A hit returns the very values a computation would (they are a function
//! of the coordinate's bits and the axis), so results never depend on the
//! memo. Continuous data never hit: the memo switches itself off when,
//! after `WARMUP` lookups, fewer than a quarter have hit, and tries again
//! after `RETRY` further coordinates. Its memory is bounded by `CAPACITY`
//! entries and `ARENA` stored masses; past them it stops adding.

use crate::image::normal_tail::NormalTail;
use crate::image::pixel_masses::{AxisKey, PixelAxis, Span};
use crate::image::simd::Simd;

/// Most entries kept.
const CAPACITY: usize = 2048;
/// Slots of the open-addressing table (a power of two, twice `CAPACITY`).
const SLOTS: usize = 2 * CAPACITY;
/// Most masses kept, over all entries (2 MiB of f64).
const ARENA: usize = 1 << 18;
/// Lookups before the hit rate is judged.
const WARMUP: u64 = 256;
/// Coordinates computed while switched off before the memo tries again.
const RETRY: u32 = 1 << 16;

/// One memoised coordinate.
#[derive(Debug, Clone, Copy)]
struct Entry {
    bits: u64,
    first: usize,
    len: usize,
    /// Start of the padded masses in the arena.
    offset: usize,
    padded: usize,
}

/// Memo of the masses of one axis (see the module documentation); it
/// starts afresh whenever it is asked about another axis.
#[derive(Debug, Default)]
pub(crate) struct MassCache {
    key: Option<AxisKey>,
    /// Entry index plus one per slot; 0 is empty.
    slots: Vec<u32>,
    entries: Vec<Entry>,
    arena: Vec<f64>,
    lookups: u64,
    hits: u64,
    /// Coordinates computed since the memo switched off, if it is off.
    off: Option<u32>,
}

impl MassCache {
    /// The memo for `axis`, emptied first if it held another axis'.
    pub(crate) fn memo<'c, 'x>(&'c mut self, axis: &'x PixelAxis) -> Memo<'c, 'x> {
        let key = axis.key();
        if self.key != Some(key) {
            self.reset(key);
        }
        Memo { cache: self, axis }
    }

    /// Empties the memo for the axis `key`.
    fn reset(&mut self, key: AxisKey) {
        self.key = Some(key);
        self.slots.clear();
        self.slots.resize(SLOTS, 0);
        self.entries.clear();
        self.arena.clear();
        self.lookups = 0;
        self.hits = 0;
        self.off = None;
    }

    /// The slot holding `bits`, or the empty slot where it would go
    /// (linear probing from a Fibonacci hash, Knuth TAOCP vol. 3, 6.4;
    /// the table is never more than half full, so one exists).
    #[inline(always)]
    fn probe(&self, bits: u64) -> usize {
        let mut slot =
            (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS.trailing_zeros())) as usize;
        loop {
            match self.slots[slot].checked_sub(1) {
                None => return slot,
                Some(i) if self.entries[i as usize].bits == bits => return slot,
                Some(_) => slot = (slot + 1) & (SLOTS - 1),
            }
        }
    }
}

/// A [`MassCache`] bound to the axis its entries belong to.
pub(crate) struct Memo<'c, 'x> {
    cache: &'c mut MassCache,
    axis: &'x PixelAxis,
}

impl Memo<'_, '_> {
    /// The masses of the axis at `c`, exactly as [`PixelAxis::masses`]
    /// computes them (in `buf` when they are computed).
    #[inline(always)]
    pub(crate) fn masses<'a, S: Simd>(
        &'a mut self,
        simd: S,
        c: f64,
        tail: &NormalTail,
        buf: &'a mut Vec<f64>,
    ) -> Option<Span<'a>> {
        let (cache, axis) = (&mut *self.cache, self.axis);
        if let Some(skipped) = &mut cache.off {
            *skipped += 1;
            if *skipped >= RETRY {
                cache.off = None;
                cache.lookups = 0;
                cache.hits = 0;
            }
            return axis.masses(simd, c, tail, buf);
        }
        let bits = c.to_bits();
        let slot = cache.probe(bits);
        cache.lookups += 1;
        if let Some(e) = cache.slots[slot]
            .checked_sub(1)
            .map(|i| cache.entries[i as usize])
        {
            cache.hits += 1;
            return Some(Span {
                first: e.first,
                len: e.len,
                padded: &cache.arena[e.offset..][..e.padded],
            });
        }
        if cache.lookups >= WARMUP && cache.hits < cache.lookups / 4 {
            cache.off = Some(0);
        }
        let span = axis.masses(simd, c, tail, buf)?;
        let padded = span.padded.len();
        if cache.entries.len() < CAPACITY && cache.arena.len() + padded <= ARENA {
            cache.entries.push(Entry {
                bits,
                first: span.first,
                len: span.len,
                offset: cache.arena.len(),
                padded,
            });
            cache.arena.extend_from_slice(span.padded);
            // At most CAPACITY entries, so the index fits.
            cache.slots[slot] = cache.entries.len() as u32;
        }
        Some(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::simd::Portable;
    use crate::sample_grid::linspace;
    use proptest::prelude::*;

    /// `cache` at `c` against a direct computation, pixel for pixel.
    fn same(cache: &mut MassCache, axis: &PixelAxis, c: f64) {
        let tail = NormalTail::get();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let memo = cache
            .memo(axis)
            .masses(Portable, c, tail, &mut a)
            .map(|s| (s.first, s.len, s.padded.to_vec()));
        let direct = axis
            .masses(Portable, c, tail, &mut b)
            .map(|s| (s.first, s.len, s.padded.to_vec()));
        assert_eq!(memo, direct, "at {c}");
    }

    proptest! {
        /// Repeated and fresh coordinates, on two axes used in turn.
        #[test]
        fn memo_equals_computation(
            picks in prop::collection::vec((0usize..20, any::<bool>(), -2.0f64..12.0), 1..300),
        ) {
            let axes = [
                PixelAxis::legacy(linspace(0.0, 10.0, 30), 0.4, 0.5),
                PixelAxis::contiguous(linspace(-1.0, 11.0, 41), 0.3),
            ];
            let mut cache = MassCache::default();
            for (k, second, fresh) in picks {
                let c = if k < 10 { k as f64 * 0.77 } else { fresh };
                same(&mut cache, &axes[usize::from(second)], c);
            }
        }
    }

    #[test]
    fn switches_off_for_continuous_data_and_retries() {
        let axis = PixelAxis::legacy(linspace(0.0, 1.0, 50), 0.02, 0.05);
        let mut cache = MassCache::default();
        for i in 0..WARMUP + 10 {
            same(&mut cache, &axis, i as f64 / 1000.0 + 1e-7);
        }
        assert!(cache.off.is_some());
        for i in 0..RETRY + 10 {
            same(&mut cache, &axis, (i % 7) as f64 / 7.0);
        }
        assert!(cache.off.is_none(), "tries again after RETRY coordinates");
        assert!(cache.hits > 0);
    }

    #[test]
    fn stops_adding_at_capacity() {
        let axis = PixelAxis::legacy(linspace(0.0, 1.0, 50), 0.02, 0.05);
        let mut cache = MassCache::default();
        // Every value twice, so the hit rate stays at one half.
        for i in 0..CAPACITY + 100 {
            let c = i as f64 / (CAPACITY + 100) as f64;
            same(&mut cache, &axis, c);
            same(&mut cache, &axis, c);
        }
        assert_eq!(cache.entries.len(), CAPACITY);
        assert!(cache.off.is_none());
    }
}
