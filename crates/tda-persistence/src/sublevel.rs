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
//! Two linear passes, no sorting of the signal:
//!
//! 1. *Turning points.* Only local minima and interior local maxima (in the
//!    `(value, index)` order) matter: a vertex with one lower and one higher
//!    neighbour just extends the lower neighbour's component. A branch-free
//!    pass keeps them; they alternate min, max, ..., min (the endpoints count
//!    as minima when their neighbour is higher).
//! 2. *Maxima stack.* A stack of maxima with strictly decreasing values, each
//!    with the minimum of its left basin, plus the minimum seen since the last
//!    push (the right basin so far). A new maximum pops every lower maximum
//!    `e`; the running minimum is then exactly the minimum of `e`'s right
//!    basin, so `e` kills the younger of its two basin minima and passes the
//!    older one on. A final sentinel above everything empties the stack. This
//!    is the "nearest greater element" stack; pairing minima with maxima this
//!    way is the elder rule (Edelsbrunner & Harer, *Computational Topology*,
//!    2010, ch. VII) and the same cancellation rainflow counting performs on
//!    turning points (ASTM E1049).
//!
//! Every comparison is between a vertex and one to its right, so the
//! tie-break by index reduces to one non-strict value comparison.
//!
//! Values are only compared (as numbers, `-0.0 == 0.0`), never combined,
//! so every finite value, subnormal to `±f64::MAX`, is handled exactly and
//! every bar is made of input values.
//!
//! The batch functions validate all input first, then run the pass per row in
//! parallel with one reusable [`SignalH0`] per worker, so the results do not
//! depend on the number of threads.

use ndarray::{ArrayView2, ArrayView3, Axis};
use rayon::prelude::*;

use crate::diagram::{CriticalPair, Diagram, PersistencePair};
use crate::error::{check_finite, Result};
use crate::memory;
use crate::sort::{sort_canonical, SortScratch};

/// A filtration direction. Vertices are totally ordered by value, then
/// index; the pass only ever compares a vertex with one to its right, so the
/// tie-break by index reduces to a single non-strict value comparison.
trait Direction {
    /// For `a` left of `b`: true if `a` enters the filtration before `b`.
    fn before_right(a: f64, b: f64) -> bool;
    /// Death value of the essential class.
    const ESSENTIAL_DEATH: f64;
}

/// Sublevel: increasing values.
struct Rising;
impl Direction for Rising {
    #[inline(always)]
    fn before_right(a: f64, b: f64) -> bool {
        a <= b
    }
    const ESSENTIAL_DEATH: f64 = f64::INFINITY;
}

/// Superlevel: decreasing values (the sublevel order of `-x`).
struct Falling;
impl Direction for Falling {
    #[inline(always)]
    fn before_right(a: f64, b: f64) -> bool {
        a >= b
    }
    const ESSENTIAL_DEATH: f64 = f64::NEG_INFINITY;
}

/// A vertex with its value, so the pass never reloads from the signal.
#[derive(Clone, Copy, Debug, Default)]
struct Vertex {
    idx: usize,
    val: f64,
}

/// A local maximum waiting for a higher one, with the minimum of its left basin.
#[derive(Clone, Copy, Debug)]
struct StackEntry {
    max: Vertex,
    left_min: Vertex,
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
    /// Turning points; only the first `count` entries of a call are meaningful.
    turning: Vec<Vertex>,
    stack: Vec<StackEntry>,
    /// Finite pairs as (dying minimum, killing maximum).
    raw: Vec<(Vertex, Vertex)>,
    /// Working memory of the canonical sort.
    sort_scratch: SortScratch,
}

impl SignalH0 {
    /// Sublevel H0 diagram of `signal`; see [`h0`].
    ///
    /// # Errors
    /// [`Error::Empty`](crate::Error::Empty) for an empty signal,
    /// [`Error::NonFinite`](crate::Error::NonFinite) for NaN or infinity.
    pub fn sublevel(&mut self, signal: &[f64]) -> Result<Diagram> {
        check_finite(signal)?;
        Ok(self.diagram::<Rising>(signal))
    }

    /// Superlevel H0 diagram of `signal`; see [`h0_superlevel`].
    ///
    /// # Errors
    /// As [`SignalH0::sublevel`].
    pub fn superlevel(&mut self, signal: &[f64]) -> Result<Diagram> {
        check_finite(signal)?;
        Ok(self.diagram::<Falling>(signal))
    }

    /// Sublevel H0 diagram with critical indices; see [`h0_with_critical`].
    ///
    /// # Errors
    /// As [`SignalH0::sublevel`].
    pub fn sublevel_with_critical(
        &mut self,
        signal: &[f64],
    ) -> Result<(Diagram, Vec<CriticalPair>)> {
        check_finite(signal)?;
        Ok(self.diagram_with_critical::<Rising>(signal))
    }

    /// Superlevel H0 diagram with critical indices; see [`h0_superlevel_with_critical`].
    ///
    /// # Errors
    /// As [`SignalH0::sublevel`].
    pub fn superlevel_with_critical(
        &mut self,
        signal: &[f64],
    ) -> Result<(Diagram, Vec<CriticalPair>)> {
        check_finite(signal)?;
        Ok(self.diagram_with_critical::<Falling>(signal))
    }

    /// The critical indices of the sublevel H0 diagram of `signal` without
    /// the diagram, written to `out` (cleared first): the essential class
    /// first, then the finite pairs in no particular order. For
    /// differentiable layers that only gather values at the indices (no
    /// pair values built, nothing sorted).
    ///
    /// # Errors
    /// As [`SignalH0::sublevel`].
    pub fn sublevel_critical_into(
        &mut self,
        signal: &[f64],
        out: &mut Vec<CriticalPair>,
    ) -> Result<()> {
        check_finite(signal)?;
        self.critical_into::<Rising>(signal, out);
        Ok(())
    }

    /// [`SignalH0::sublevel_critical_into`] for the superlevel diagram.
    ///
    /// # Errors
    /// As [`SignalH0::sublevel`].
    pub fn superlevel_critical_into(
        &mut self,
        signal: &[f64],
        out: &mut Vec<CriticalPair>,
    ) -> Result<()> {
        check_finite(signal)?;
        self.critical_into::<Falling>(signal, out);
        Ok(())
    }

    fn critical_into<O: Direction>(&mut self, x: &[f64], out: &mut Vec<CriticalPair>) {
        let oldest = self.pairs::<O>(x);
        out.clear();
        out.push(CriticalPair {
            birth_index: oldest.idx,
            death_index: None,
        });
        out.extend(self.raw.iter().map(|(b, d)| CriticalPair {
            birth_index: b.idx,
            death_index: Some(d.idx),
        }));
    }

    /// Fills `self.raw` with the finite pairs and returns the oldest vertex
    /// (the essential class). `x` must be non-empty.
    fn pairs<O: Direction>(&mut self, x: &[f64]) -> Vertex {
        let n = x.len();
        debug_assert!(n > 0);
        if self.turning.len() < n {
            self.turning.resize(n, Vertex::default());
        }
        // Pass 1: vertex i is a turning point iff the direction changes at it,
        // with a virtual step down before 0 and up after n-1.
        let turning = &mut self.turning[..n];
        let mut count = 0;
        let mut rising_in = false;
        for (i, step) in x.windows(2).enumerate() {
            let rising_out = O::before_right(step[0], step[1]);
            turning[count] = Vertex {
                idx: i,
                val: step[0],
            };
            count += usize::from(rising_in != rising_out);
            rising_in = rising_out;
        }
        turning[count] = Vertex {
            idx: n - 1,
            val: x[n - 1],
        };
        count += usize::from(!rising_in);
        // Pass 2: turning[..count] alternates min, max, ..., min.
        self.stack.clear();
        self.raw.clear();
        let mut right_min = turning[0];
        for j in (1..count).step_by(2) {
            let max = turning[j];
            while let Some(&e) = self.stack.last() {
                if !O::before_right(e.max.val, max.val) {
                    break;
                }
                self.stack.pop();
                right_min = Self::kill::<O>(&mut self.raw, e, right_min);
            }
            self.stack.push(StackEntry {
                max,
                left_min: right_min,
            });
            right_min = turning[j + 1];
        }
        while let Some(e) = self.stack.pop() {
            right_min = Self::kill::<O>(&mut self.raw, e, right_min);
        }
        right_min
    }

    /// The maximum `e` joins its left basin and the right one (minimum
    /// `right_min`): the younger minimum dies at `e`; returns the older one.
    #[inline(always)]
    fn kill<O: Direction>(
        raw: &mut Vec<(Vertex, Vertex)>,
        e: StackEntry,
        right_min: Vertex,
    ) -> Vertex {
        let (old, young) = if O::before_right(e.left_min.val, right_min.val) {
            (e.left_min, right_min)
        } else {
            (right_min, e.left_min)
        };
        if young.val != e.max.val {
            raw.push((young, e.max));
        }
        old
    }

    fn diagram<O: Direction>(&mut self, x: &[f64]) -> Diagram {
        let oldest = self.pairs::<O>(x);
        let mut pairs = Vec::with_capacity(self.raw.len() + 1);
        pairs.push(PersistencePair::new(oldest.val, O::ESSENTIAL_DEATH));
        pairs.extend(
            self.raw
                .iter()
                .map(|(b, d)| PersistencePair::new(b.val, d.val)),
        );
        sort_canonical(&mut pairs, &mut self.sort_scratch);
        Diagram { dim: 0, pairs }
    }

    fn diagram_with_critical<O: Direction>(&mut self, x: &[f64]) -> (Diagram, Vec<CriticalPair>) {
        let oldest = self.pairs::<O>(x);
        let mut both = Vec::with_capacity(self.raw.len() + 1);
        let essential = (
            PersistencePair::new(oldest.val, O::ESSENTIAL_DEATH),
            CriticalPair {
                birth_index: oldest.idx,
                death_index: None,
            },
        );
        both.push(essential);
        both.extend(self.raw.iter().map(|(b, d)| {
            (
                PersistencePair::new(b.val, d.val),
                CriticalPair {
                    birth_index: b.idx,
                    death_index: Some(d.idx),
                },
            )
        }));
        Diagram::with_critical(0, both)
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

/// Bytes of a batch of `rows` signals of length `cols`: the diagrams (at
/// most `cols / 2 + 1` pairs each) and each worker's buffers (a row copy,
/// turning points, stack and raw pairs: 64 bytes a value).
fn batch_bytes(rows: usize, cols: usize) -> Option<u64> {
    memory::sum(&[
        memory::bytes_of::<PersistencePair>(&[rows, cols / 2 + 1]),
        memory::bytes_of::<[u8; 64]>(&[rayon::current_num_threads().min(rows.max(1)), cols]),
    ])
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
/// [`Error::NonFinite`](crate::Error::NonFinite) with the flat row-major index of the first bad value;
/// [`Error::TooLarge`](crate::Error::TooLarge) if the diagrams (8 bytes a value at most) and
/// the workers' buffers are over the memory limit ([`crate::memory::limit`]).
pub fn h0_batch(rows: ArrayView2<f64>) -> Result<Vec<Diagram>> {
    memory::check("sublevel H0 batch", batch_bytes(rows.nrows(), rows.ncols()))?;
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
/// flat row-major index into the `(height, width, channels)` array;
/// [`Error::TooLarge`](crate::Error::TooLarge) as [`h0_batch`], with the channel copy.
pub fn h0_image_channels(image: ArrayView3<f64>) -> Result<Vec<Diagram>> {
    let (h, w, c) = image.dim();
    let flat = memory::bytes_of::<f64>(&[h, w, c]);
    let pixels = h.saturating_mul(w);
    memory::check(
        "sublevel H0 of image channels",
        memory::sum(&[flat, batch_bytes(c, pixels)]),
    )?;
    check_finite(image.iter())?;
    let flat = ndarray::Array2::from_shape_fn((c, h * w), |(k, p)| image[[p / w, p % w, k]]);
    h0_batch(flat.view())
}
