//! A validated uniform sample grid, shared by the one-dimensional summaries
//! (Betti curves, landscapes, silhouettes, entropy summary functions), and
//! numpy's `linspace`, which also places the pixel edges of persistence
//! images.

use tda_persistence::{memory, Diagram};

use crate::error::{Error, Result};

use crate::validate::check_size;

/// A sample range as the builders of the curves hold it: given (NaN ends
/// until it is, gudhi's default), or fitted to diagrams.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SampleRange {
    /// `(start, end)` as set by the user.
    Given(f64, f64),
    /// `(min lo, max hi)` over the finite pairs of the diagrams given to a
    /// builder's `fit`, each pair read as `(lo, hi) = (min(b, d), max(b,
    /// d))`; `None` if there is no such pair.
    Fitted(Option<(f64, f64)>),
}

impl Default for SampleRange {
    fn default() -> Self {
        SampleRange::Given(f64::NAN, f64::NAN)
    }
}

impl SampleRange {
    /// gudhi's `_automatic_sample_range` on the finite pairs of `diagrams`
    /// (pairs with an infinite or NaN birth or death are left out).
    pub(crate) fn fit(diagrams: &[Diagram]) -> Self {
        let mut range: Option<(f64, f64)> = None;
        for p in diagrams.iter().flat_map(|d| d.iter()) {
            if !(p.birth.is_finite() && p.death.is_finite()) {
                continue;
            }
            let (lo, hi) = (p.birth.min(p.death), p.birth.max(p.death));
            range = Some(range.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
        }
        SampleRange::Fitted(range)
    }
}

/// The setters every sample-range builder shares, written once:
/// `sample_range`, `fit` (`$gudhi` is the gudhi transformer whose fitted
/// range it matches) and `resolution`. The builder needs the fields
/// `sample_range: SampleRange` and `resolution: usize`.
macro_rules! sample_range_setters {
    ($gudhi:literal) => {
        /// The range sampled, `linspace(start, end, resolution)` (finite,
        /// `start < end`; `start == end` only where one sample is allowed).
        /// Replaces a range fitted before.
        pub fn sample_range(mut self, start: f64, end: f64) -> Self {
            self.sample_range = $crate::sample_grid::SampleRange::Given(start, end);
            self
        }

        #[doc = concat!(
                            "Takes the sample range from `diagrams` (all together): from the ",
                            "smallest birth to the largest death of their pairs with a finite ",
                            "birth and death, as gudhi's `", $gudhi, ".fit(diagrams)`. ",
                            "See [the crate docs](crate#fitting-ranges-to-diagrams) for the ",
                            "details (essential pairs, gudhi's default `keep_endpoints=False`, ",
                            "diagrams without a finite pair). A range set after this call ",
                            "replaces the fitted one."
                        )]
        pub fn fit(mut self, diagrams: &[tda_persistence::Diagram]) -> Self {
            self.sample_range = $crate::sample_grid::SampleRange::fit(diagrams);
            self
        }

        /// Number of samples (default 100; the minimum is checked by
        /// `build`).
        pub fn resolution(mut self, resolution: usize) -> Self {
            self.resolution = resolution;
            self
        }
    };
}
pub(crate) use sample_range_setters;

/// Sample positions `linspace(start, end, resolution)` (numpy's formula) of a
/// validated range: `resolution >= 1`, finite ends, `start < end` (or
/// `start == end` with a single sample). Any finite range is accepted,
/// `(-f64::MAX, f64::MAX)` included: where `end - start` overflows, the
/// samples are computed in half steps (see [`linspace`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SampleGrid {
    t: Vec<f64>,
    /// For the O(1) index guess `(x * factor - start) * inv_step`:
    /// `factor` is 1, or 1/2 where the range's width overflows (then
    /// `start` and `inv_step` are of the halved coordinates).
    factor: f64,
    start: f64,
    /// `1 / step` (0 for a single sample).
    inv_step: f64,
}

impl SampleGrid {
    /// Validates `sample_range` and `resolution` (errors name them as
    /// `"sample_range"` and `"resolution"`; a fitted range that the
    /// diagrams could not give is [`Error::CannotFit`]) and checks the
    /// memory of the grid and of what the caller allocates per sample
    /// (`per_sample` bytes, `None` if that overflowed) against the limit,
    /// as `what`.
    pub(crate) fn new(
        sample_range: SampleRange,
        resolution: usize,
        what: &'static str,
        per_sample: Option<u64>,
    ) -> Result<Self> {
        check_size("resolution", resolution)?;
        let cannot_fit = |reason| Error::CannotFit {
            name: "sample_range",
            reason,
        };
        let (start, end) = match sample_range {
            SampleRange::Given(start, end) => (start, end),
            SampleRange::Fitted(Some(range)) => range,
            SampleRange::Fitted(None) => {
                return Err(cannot_fit(
                    "the diagrams hold no pair with a finite birth and death",
                ))
            }
        };
        let ok = start.is_finite()
            && end.is_finite()
            && (start < end || resolution == 1 && start == end);
        if !ok {
            return Err(match sample_range {
                SampleRange::Given(..) => Error::InvalidRange {
                    name: "sample_range",
                    start,
                    end,
                },
                SampleRange::Fitted(_) => cannot_fit(
                    "every finite pair is the same single value, so the fitted range is \
                     empty; set sample_range explicitly",
                ),
            });
        }
        // The sample (8 bytes) and what the caller keeps per sample.
        let bytes = per_sample.and_then(|b| b.checked_add(8)?.checked_mul(resolution as u64));
        memory::check(what, bytes)?;
        let factor = if (end - start).is_finite() { 1.0 } else { 0.5 };
        let inv_step = if resolution > 1 {
            (resolution - 1) as f64 / (end * factor - start * factor)
        } else {
            0.0
        };
        Ok(Self {
            t: linspace(start, end, resolution),
            factor,
            start: start * factor,
            inv_step,
        })
    }

    /// `(first sample, last sample)`: the range sampled.
    #[inline]
    pub(crate) fn range(&self) -> (f64, f64) {
        (self.t[0], self.t[self.t.len() - 1])
    }

    /// The sample positions.
    #[inline]
    pub(crate) fn t(&self) -> &[f64] {
        &self.t
    }

    /// Number of samples.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.t.len()
    }

    /// The number of samples below `x` (`t[i] < x`, or `t[i] <= x` when
    /// `inclusive`): an arithmetic guess from the uniform spacing, then
    /// corrected against the stored samples, so the answer equals a binary
    /// search even where `linspace` rounding moves a sample by an ulp. The
    /// guess is off by at most one, so this is O(1) and branch-predictable,
    /// unlike a binary search (`x` is finite or infinite, never NaN).
    #[inline]
    fn count_below(&self, x: f64, inclusive: bool) -> usize {
        let n = self.t.len();
        let below = |t: f64| t < x || inclusive && t == x;
        let g = ((x * self.factor - self.start) * self.inv_step).ceil();
        let mut i = if g.is_nan() || g <= 0.0 {
            0
        } else if g >= n as f64 {
            n
        } else {
            g as usize
        };
        while i > 0 && !below(self.t[i - 1]) {
            i -= 1;
        }
        while i < n && below(self.t[i]) {
            i += 1;
        }
        i
    }

    /// First sample index `i` with `t[i] >= x` (`len()` if none).
    #[inline]
    pub(crate) fn first_at_least(&self, x: f64) -> usize {
        self.count_below(x, false)
    }

    /// First sample index `i` with `t[i] > x` (`len()` if none).
    #[inline]
    pub(crate) fn first_above(&self, x: f64) -> usize {
        self.count_below(x, true)
    }
}

/// `n` evenly spaced values from `start` to `end` inclusive (finite, `start
/// <= end`), computed as numpy's `linspace` does (`start + i * step`, last
/// value set to `end`). Where `end - start` overflows `f64` (a range wider
/// than `f64::MAX`), half steps are added twice, `(start + i h) + i h` with
/// `h = (end / 2 - start / 2) / (n - 1)`, so that no partial sum leaves
/// `[start, end]`; the values stay finite and nondecreasing.
pub(crate) fn linspace(start: f64, end: f64, n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![start];
    }
    let div = (n - 1) as f64;
    let step = (end - start) / div;
    let mut v: Vec<f64> = if step.is_finite() {
        (0..n).map(|i| i as f64 * step + start).collect()
    } else {
        let half = (end * 0.5 - start * 0.5) / div;
        (0..n)
            .map(|i| {
                let h = i as f64 * half;
                (start + h) + h
            })
            .collect()
    };
    if let Some(last) = v.last_mut() {
        *last = end;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::{SampleGrid, SampleRange};
    use proptest::prelude::*;

    proptest! {
        /// The O(1) index equals a binary search over the stored samples,
        /// also at the samples themselves and at infinities.
        #[test]
        fn count_below_is_a_binary_search(
            start in -50.0f64..50.0,
            width in 1e-9f64..100.0,
            n in 1usize..300,
            xs in prop::collection::vec(-200.0f64..200.0, 1..20),
            pick in prop::collection::vec(0usize..300, 1..5),
        ) {
            let end = if n == 1 { start } else { start + width };
            let s = SampleGrid::new(SampleRange::Given(start, end), n, "test", Some(0)).unwrap();
            let mut probes = xs;
            probes.extend(pick.iter().map(|&i| s.t[i % n]));
            probes.extend([f64::INFINITY, f64::NEG_INFINITY, start, end]);
            for x in probes {
                prop_assert_eq!(s.first_at_least(x), s.t.partition_point(|&t| t < x));
                prop_assert_eq!(s.first_above(x), s.t.partition_point(|&t| t <= x));
            }
        }

        /// The same over ranges whose width overflows f64.
        #[test]
        fn count_below_on_huge_ranges(
            lo in 0.3f64..1.0,
            hi in 0.3f64..1.0,
            n in 2usize..300,
            xs in prop::collection::vec(-1.0f64..1.0, 1..20),
            pick in prop::collection::vec(0usize..300, 1..5),
        ) {
            let (start, end) = (-lo * f64::MAX, hi * f64::MAX);
            let s = SampleGrid::new(SampleRange::Given(start, end), n, "test", Some(0)).unwrap();
            prop_assert!(s.t.iter().all(|t| t.is_finite()));
            prop_assert!(s.t.windows(2).all(|w| w[0] <= w[1]));
            prop_assert_eq!((s.t[0], s.t[n - 1]), (start, end));
            let mut probes: Vec<f64> = xs.iter().map(|x| x * f64::MAX).collect();
            probes.extend(pick.iter().map(|&i| s.t[i % n]));
            probes.extend([f64::INFINITY, f64::NEG_INFINITY, f64::MAX, -f64::MAX]);
            for x in probes {
                prop_assert_eq!(s.first_at_least(x), s.t.partition_point(|&t| t < x));
                prop_assert_eq!(s.first_above(x), s.t.partition_point(|&t| t <= x));
            }
        }
    }
}
