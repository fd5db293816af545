//! The kept pairs of one curve or segment's 0-dimensional sublevel or
//! superlevel diagram in one pass, for the layers' per-unit hot loop.
//!
//! The same pairs, in the same order, as
//! [`tda_persistence::sublevel::SignalH0`]'s critical indices filtered by
//! the layer's essential policy and threshold (the tests check this on
//! inputs full of ties), without the detour through `CriticalPair`s and
//! their filtering: the essential class is read off the unit's first
//! extremes directly, and the finite pairs are kept as they die.
//!
//! The algorithm is SignalH0's: vertices ordered by `(value, index)`; a
//! stack of maxima with decreasing values, each with the minimum of its
//! left basin; a new maximum pops every lower one, whose younger basin
//! minimum dies at it (the elder rule: Edelsbrunner & Harer,
//! *Computational Topology*, 2010, ch. VII; the "nearest greater element"
//! stack). Every comparison is between a vertex and one to its right, so
//! the tie-break by index is one non-strict comparison. Superlevel sets
//! are the same with the order reversed.

use super::diagrams::EssentialPolicy;

/// A vertex of the curve: its index in the unit and its value.
#[derive(Debug, Clone, Copy)]
struct Vertex {
    idx: usize,
    val: f64,
}

/// A local maximum (in the filtration's order) waiting for a higher one,
/// with the minimum of its left basin.
#[derive(Debug, Clone, Copy)]
struct Entry {
    max: Vertex,
    left_min: Vertex,
}

/// Which pairs of a unit's diagram a layer keeps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct KeepRule {
    /// Superlevel sets (else sublevel).
    pub superlevel: bool,
    /// What becomes of the essential class.
    pub essential: EssentialPolicy,
    /// Pairs with persistence `|death - birth|` at most this are dropped.
    pub min_persistence: f64,
}

/// The reusable buffers of the H0 of curves (one per worker).
#[derive(Debug, Default, Clone)]
pub(super) struct CurveH0 {
    /// Indices of the turning points of the current curve.
    turning: Vec<usize>,
    stack: Vec<Entry>,
}

impl CurveH0 {
    /// The pairs of `x` (finite) that `rule` keeps, into `out` (cleared)
    /// as unit-relative `(birth, death)` indices: the essential class
    /// first (if kept), then the finite pairs in the order they die.
    pub fn kept_into(&mut self, x: &[f64], rule: &KeepRule, out: &mut Vec<(usize, usize)>) {
        if rule.superlevel {
            self.run(x, rule, out, |a, b| a >= b);
        } else {
            self.run(x, rule, out, |a, b| a <= b);
        }
    }

    /// The passes, with `before(a, b)`: for `a` left of `b`, whether `a`
    /// enters the filtration first.
    #[inline(always)]
    fn run(
        &mut self,
        x: &[f64],
        rule: &KeepRule,
        out: &mut Vec<(usize, usize)>,
        before: impl Fn(f64, f64) -> bool + Copy,
    ) {
        out.clear();
        if x.is_empty() {
            return;
        }
        // Zero persistence is never kept (`min_persistence >= 0`).
        let keep =
            |birth: Vertex, death: Vertex| (death.val - birth.val).abs() > rule.min_persistence;
        // The essential class: born at the first vertex to enter (the
        // oldest: first argmax for superlevel sets, first argmin for
        // sublevel), made finite at the first vertex to enter last.
        if rule.essential == EssentialPolicy::SegmentRange {
            let (high, low) = first_extremes(x);
            let (birth, death) = if rule.superlevel {
                (high, low)
            } else {
                (low, high)
            };
            let at = |i: usize| Vertex { idx: i, val: x[i] };
            if keep(at(birth), at(death)) {
                out.push((birth, death));
            }
        }
        let count = self.turning_points(x, before);
        // The turning points alternate min, max, ..., min.
        self.stack.clear();
        let at = |i: usize| Vertex { idx: i, val: x[i] };
        let mut right_min = at(self.turning[0]);
        for j in (1..count).step_by(2) {
            let max = at(self.turning[j]);
            while let Some(&e) = self.stack.last() {
                if !before(e.max.val, max.val) {
                    break;
                }
                self.stack.pop();
                right_min = Self::kill(e, right_min, out, keep, before);
            }
            self.stack.push(Entry {
                max,
                left_min: right_min,
            });
            right_min = at(self.turning[j + 1]);
        }
        while let Some(e) = self.stack.pop() {
            right_min = Self::kill(e, right_min, out, keep, before);
        }
    }

    /// The local minima and interior local maxima of `x` (non-empty) in
    /// the filtration's order into `self.turning`, returning their count:
    /// vertex `i` turns where the direction changes, with a virtual step
    /// down before 0 and up after the last (branch-free: each index is
    /// written, the count advances where it turns).
    #[inline(always)]
    fn turning_points(&mut self, x: &[f64], before: impl Fn(f64, f64) -> bool) -> usize {
        let n = x.len();
        if self.turning.len() < n {
            self.turning.resize(n, 0);
        }
        let turning = &mut self.turning[..n];
        let (mut count, mut rising_in) = (0, false);
        for (i, step) in x.windows(2).enumerate() {
            let rising_out = before(step[0], step[1]);
            turning[count] = i;
            count += usize::from(rising_in != rising_out);
            rising_in = rising_out;
        }
        turning[count] = n - 1;
        count + usize::from(!rising_in)
    }

    /// The maximum `e` joins its left basin and the right one (minimum
    /// `right_min`): the younger minimum dies at `e` (kept as `keep`
    /// says, zero persistence never); returns the older one.
    #[inline(always)]
    fn kill(
        e: Entry,
        right_min: Vertex,
        out: &mut Vec<(usize, usize)>,
        keep: impl Fn(Vertex, Vertex) -> bool,
        before: impl Fn(f64, f64) -> bool,
    ) -> Vertex {
        let (old, young) = if before(e.left_min.val, right_min.val) {
            (e.left_min, right_min)
        } else {
            (right_min, e.left_min)
        };
        if keep(young, e.max) {
            out.push((young.idx, e.max.idx));
        }
        old
    }
}

/// The first index of the largest value of `x` (non-empty) and the first
/// of its smallest.
fn first_extremes(x: &[f64]) -> (usize, usize) {
    let (mut high, mut low) = ((0, x[0]), (0, x[0]));
    for (i, &v) in x.iter().enumerate().skip(1) {
        high = if v > high.1 { (i, v) } else { high };
        low = if v < low.1 { (i, v) } else { low };
    }
    (high.0, low.0)
}

#[cfg(test)]
mod tests {
    use candle_core::{DType, Device, Tensor};
    use proptest::prelude::*;

    use super::super::diagrams::{DiagramConfig, EssentialPolicy, Filtration, PairFinder, Units};

    proptest! {
        /// The one-pass H0 keeps SignalH0's pairs in SignalH0's order, on
        /// curves full of ties and plateaus (quarters, -0.0 beside 0.0).
        #[test]
        fn equals_signal_h0(
            quarters in prop::collection::vec(-8i32..8, 1..40),
            superlevel: bool,
            segment_range: bool,
            min_quarters in 0u8..3,
        ) {
            let x: Vec<f64> = quarters
                .iter()
                .map(|&q| if q == -8 { -0.0 } else { f64::from(q) / 4.0 })
                .collect();
            let cfg = DiagramConfig {
                filtration: if superlevel { Filtration::Superlevel } else { Filtration::Sublevel },
                essential: if segment_range { EssentialPolicy::SegmentRange } else { EssentialPolicy::Drop },
                ..DiagramConfig::default()
            };
            let zeros = Tensor::zeros((1, 1, x.len()), DType::F64, &Device::Cpu).unwrap();
            let units = Units::of(&zeros, &cfg).unwrap();
            let mut finder = PairFinder::new(&cfg, &units, f64::from(min_quarters) / 4.0);
            let (mut fast, mut reference) = (Vec::new(), Vec::new());
            finder.unit_into(&x, 3, &mut fast).unwrap();
            finder.reference_unit_into(&x, 3, &mut reference).unwrap();
            prop_assert_eq!(fast, reference);
        }
    }
}
