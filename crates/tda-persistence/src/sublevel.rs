//! 0-dimensional sublevel (and superlevel) persistence of 1-D signals.
//!
//! The filtration is the lower-star filtration of the path graph
//! `0 - 1 - ... - n-1`: vertex `i` enters at `x[i]`, edge `(i, i+1)` at
//! `max(x[i], x[i+1])`. This is what gudhi's `CubicalComplex(vertices=x)` and
//! ripser's lower-star idiom (a sparse distance matrix with the signal on the
//! diagonal) compute in dimension 0.
//!
//! Ties are broken by index: vertices are totally ordered by `(x[i], i)`, so
//! among equal values the lower index is older. Under the elder rule every
//! local maximum `x[i]` (both neighbours lower in that order) merges two
//! components and kills the younger one, whose minimum is the higher of the
//! minima of its two *basins*; a basin runs from `i` to the nearest higher
//! vertex on that side (or the end of the signal). The global minimum never
//! dies. Zero-persistence pairs (plateaus) are omitted.
//!
//! # Algorithm
//!
//! One left-to-right pass with a strictly decreasing monotonic stack, `O(n)`
//! time. Each stack entry keeps the minimum of its left basin. When a higher
//! vertex `k` arrives, the entries it pops are exactly the vertices whose
//! right basin ends at `k`; the right basin of each popped entry is the union
//! of the segments popped before it, so a running minimum gives it. An entry
//! with two non-empty basins is a local maximum and emits its pair. A final
//! sentinel higher than everything empties the stack. This is the classical
//! "nearest greater element" stack; its use for merge trees of functions on a
//! line is folklore (see e.g. Edelsbrunner & Harer, *Computational Topology*,
//! 2010, ch. VII, for the elder rule).
//!
//! The batch functions validate all input first, then run the pass per row in
//! parallel with one reusable [`SignalH0`] per worker, so the results do not
//! depend on the number of threads.

use ndarray::{ArrayView2, ArrayView3, Axis};
use rayon::prelude::*;

use crate::diagram::{CriticalPair, Diagram, PersistencePair};
use crate::error::{check_finite, Result};

/// A strict total order on the indices of a signal.
trait VertexOrder {
    /// True if vertex `a` enters the filtration before vertex `b`.
    fn before(x: &[f64], a: usize, b: usize) -> bool;
    /// Death value of the essential class.
    const ESSENTIAL_DEATH: f64;
}

/// Sublevel: increasing values, lower index first among ties.
struct Rising;
impl VertexOrder for Rising {
    #[inline(always)]
    fn before(x: &[f64], a: usize, b: usize) -> bool {
        let (xa, xb) = (x[a], x[b]);
        xa < xb || (xa == xb && a < b)
    }
    const ESSENTIAL_DEATH: f64 = f64::INFINITY;
}

/// Superlevel: decreasing values, lower index first among ties
/// (the sublevel order of `-x`).
struct Falling;
impl VertexOrder for Falling {
    #[inline(always)]
    fn before(x: &[f64], a: usize, b: usize) -> bool {
        let (xa, xb) = (x[a], x[b]);
        xa > xb || (xa == xb && a < b)
    }
    const ESSENTIAL_DEATH: f64 = f64::NEG_INFINITY;
}

/// Marks an empty basin.
const NONE: usize = usize::MAX;

#[derive(Clone, Copy, Debug)]
struct StackEntry {
    /// Vertex index.
    idx: usize,
    /// Index of the minimum of the left basin, or `NONE` if it is empty.
    left_min: usize,
}

/// Reusable buffers for H0 of signals: plan once, call many times.
///
/// The free functions of this module allocate a fresh one per call; keep one
/// around (one per thread) to compute many diagrams without reallocating the
/// working memory.
///
/// ```
/// use tda_persistence::sublevel::SignalH0;
/// let mut h0 = SignalH0::default();
/// for x in [[0.0, 2.0, 1.0, 3.0], [1.0, 0.0, 1.0, 0.5]] {
///     let d = h0.sublevel(&x).unwrap();
///     assert_eq!(d.len(), 2);
/// }
/// ```
#[derive(Debug, Default, Clone)]
pub struct SignalH0 {
    stack: Vec<StackEntry>,
    /// Finite pairs as (birth index, death index).
    raw: Vec<(usize, usize)>,
}

impl SignalH0 {
    /// Sublevel H0 diagram of `signal`; see [`h0`].
    pub fn sublevel(&mut self, signal: &[f64]) -> Result<Diagram> {
        check_finite(signal)?;
        Ok(self.diagram::<Rising>(signal))
    }

    /// Superlevel H0 diagram of `signal`; see [`h0_superlevel`].
    pub fn superlevel(&mut self, signal: &[f64]) -> Result<Diagram> {
        check_finite(signal)?;
        Ok(self.diagram::<Falling>(signal))
    }

    /// Sublevel H0 diagram with critical indices; see [`h0_with_critical`].
    pub fn sublevel_with_critical(
        &mut self,
        signal: &[f64],
    ) -> Result<(Diagram, Vec<CriticalPair>)> {
        check_finite(signal)?;
        Ok(self.diagram_with_critical::<Rising>(signal))
    }

    /// Superlevel H0 diagram with critical indices; see [`h0_superlevel_with_critical`].
    pub fn superlevel_with_critical(
        &mut self,
        signal: &[f64],
    ) -> Result<(Diagram, Vec<CriticalPair>)> {
        check_finite(signal)?;
        Ok(self.diagram_with_critical::<Falling>(signal))
    }

    /// Fills `self.raw` with the finite pairs and returns the index of the
    /// oldest vertex (the essential class). `x` must be non-empty.
    fn pairs<O: VertexOrder>(&mut self, x: &[f64]) -> usize {
        let n = x.len();
        debug_assert!(n > 0);
        self.stack.clear();
        self.raw.clear();
        for k in 0..=n {
            // Minimum of the segments popped so far: the right basin of the next popped entry.
            let mut right_min = NONE;
            while let Some(&e) = self.stack.last() {
                // k == n is a sentinel above every vertex.
                if k < n && !O::before(x, e.idx, k) {
                    break;
                }
                self.stack.pop();
                if e.left_min != NONE && right_min != NONE {
                    // e is a local maximum joining two basins: the younger minimum dies at e.
                    let young = if O::before(x, e.left_min, right_min) {
                        right_min
                    } else {
                        e.left_min
                    };
                    if x[young] != x[e.idx] {
                        self.raw.push((young, e.idx));
                    }
                }
                // The basin minimum is always older than e (everything in it is lower).
                let seg_min = if e.left_min == NONE { e.idx } else { e.left_min };
                if right_min == NONE || O::before(x, seg_min, right_min) {
                    right_min = seg_min;
                }
            }
            if k == n {
                return right_min;
            }
            self.stack.push(StackEntry {
                idx: k,
                left_min: right_min,
            });
        }
        unreachable!("the sentinel step returns")
    }

    fn diagram<O: VertexOrder>(&mut self, x: &[f64]) -> Diagram {
        let oldest = self.pairs::<O>(x);
        let mut pairs = Vec::with_capacity(self.raw.len() + 1);
        pairs.push(PersistencePair::new(x[oldest], O::ESSENTIAL_DEATH));
        pairs.extend(
            self.raw
                .iter()
                .map(|&(b, d)| PersistencePair::new(x[b], x[d])),
        );
        Diagram::new(0, pairs)
    }

    fn diagram_with_critical<O: VertexOrder>(&mut self, x: &[f64]) -> (Diagram, Vec<CriticalPair>) {
        let oldest = self.pairs::<O>(x);
        let mut crit: Vec<CriticalPair> = Vec::with_capacity(self.raw.len() + 1);
        crit.push(CriticalPair {
            birth_index: oldest,
            death_index: None,
        });
        crit.extend(self.raw.iter().map(|&(b, d)| CriticalPair {
            birth_index: b,
            death_index: Some(d),
        }));
        let value = |c: &CriticalPair| {
            let death = c.death_index.map_or(O::ESSENTIAL_DEATH, |d| x[d]);
            PersistencePair::new(x[c.birth_index], death)
        };
        // Canonical order by (birth, death); the birth index makes ties deterministic.
        crit.sort_unstable_by(|a, b| {
            value(a)
                .canonical_cmp(&value(b))
                .then(a.birth_index.cmp(&b.birth_index))
        });
        let pairs = crit.iter().map(value).collect();
        (Diagram { dim: 0, pairs }, crit)
    }
}

/// Sublevel H0 diagram of a signal (lower-star filtration of the path graph).
///
/// Equals gudhi `CubicalComplex(vertices=x)` in dimension 0 and ripser's
/// lower-star idiom: local minima are born, the younger component dies at the
/// merging local maximum, the global minimum is essential (death `+inf`).
/// Zero-persistence pairs are omitted.
///
/// ```
/// use tda_persistence::sublevel::h0;
/// let d = h0(&[3.0, 1.0, 4.0, 0.0, 5.0]).unwrap();
/// let bars: Vec<_> = d.iter().map(|p| (p.birth, p.death)).collect();
/// assert_eq!(bars, vec![(0.0, f64::INFINITY), (1.0, 4.0)]);
/// ```
///
/// # Errors
/// [`Error::Empty`](crate::Error::Empty) for an empty signal, [`Error::NonFinite`](crate::Error::NonFinite) for NaN or infinity.
pub fn h0(signal: &[f64]) -> Result<Diagram> {
    SignalH0::default().sublevel(signal)
}

/// Superlevel H0 diagram: the sublevel diagram of `-signal` reported in the
/// original values, so every pair has `birth >= death`; local maxima are born,
/// the global maximum is essential with death `-inf`.
///
/// # Errors
/// As [`h0`].
pub fn h0_superlevel(signal: &[f64]) -> Result<Diagram> {
    SignalH0::default().superlevel(signal)
}

/// Sublevel H0 diagram and, for each pair in the same order, the input
/// indices of its birth (a local minimum) and death (a local maximum).
///
/// Among equal values the lower index is older, so the indices are
/// deterministic; the essential pair has `death_index: None`.
///
/// ```
/// use tda_persistence::sublevel::h0_with_critical;
/// let (d, crit) = h0_with_critical(&[3.0, 1.0, 4.0, 0.0, 5.0]).unwrap();
/// assert_eq!(d.pairs[1].birth, 1.0);
/// assert_eq!((crit[1].birth_index, crit[1].death_index), (1, Some(2)));
/// assert_eq!((crit[0].birth_index, crit[0].death_index), (3, None));
/// ```
///
/// # Errors
/// As [`h0`].
pub fn h0_with_critical(signal: &[f64]) -> Result<(Diagram, Vec<CriticalPair>)> {
    SignalH0::default().sublevel_with_critical(signal)
}

/// Superlevel H0 diagram with critical indices (births at local maxima,
/// deaths at local minima); see [`h0_superlevel`] and [`h0_with_critical`].
///
/// # Errors
/// As [`h0`].
pub fn h0_superlevel_with_critical(signal: &[f64]) -> Result<(Diagram, Vec<CriticalPair>)> {
    SignalH0::default().superlevel_with_critical(signal)
}

/// Sublevel H0 diagrams of every row of `rows`, in parallel (rayon).
///
/// A multi-channel signal of shape `(channels, length)` gives one diagram per
/// channel this way. All values are checked before any work starts, so the
/// error (the first non-finite value in row-major order) and the results do
/// not depend on the number of threads.
///
/// # Errors
/// [`Error::Empty`](crate::Error::Empty) if there are no rows or the rows are empty;
/// [`Error::NonFinite`](crate::Error::NonFinite) with the flat row-major index of the first bad value.
pub fn h0_batch(rows: ArrayView2<f64>) -> Result<Vec<Diagram>> {
    check_finite(rows.iter())?;
    Ok(rows
        .axis_iter(Axis(0))
        .into_par_iter()
        .map_init(
            || (SignalH0::default(), Vec::new()),
            |(h0, buf), row| match row.as_slice() {
                Some(x) => h0.diagram::<Rising>(x),
                None => {
                    buf.clear();
                    buf.extend(row.iter().copied());
                    h0.diagram::<Rising>(buf)
                }
            },
        )
        .collect())
}

/// Per-channel sublevel H0 diagrams of an image of shape `(height, width,
/// channels)`: each channel is flattened row-major into a 1-D signal of length
/// `height * width` (the PI-Net recipe), giving one diagram per channel.
///
/// ```
/// use ndarray::Array3;
/// use tda_persistence::sublevel::h0_image_channels;
/// let img = Array3::from_shape_fn((4, 4, 3), |(i, j, c)| ((i * 4 + j) * (c + 1)) as f64);
/// let diagrams = h0_image_channels(img.view()).unwrap();
/// assert_eq!(diagrams.len(), 3);
/// ```
///
/// # Errors
/// [`Error::Empty`](crate::Error::Empty) for a zero-sized image; [`Error::NonFinite`](crate::Error::NonFinite) with the
/// flat row-major index into the `(height, width, channels)` array.
pub fn h0_image_channels(image: ArrayView3<f64>) -> Result<Vec<Diagram>> {
    check_finite(image.iter())?;
    let (h, w, c) = image.dim();
    let flat = ndarray::Array2::from_shape_fn((c, h * w), |(k, p)| image[[p / w, p % w, k]]);
    h0_batch(flat.view())
}
