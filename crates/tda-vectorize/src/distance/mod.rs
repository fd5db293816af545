//! Exact bottleneck and Wasserstein distances between persistence diagrams.
//!
//! # Semantics (those of gudhi)
//!
//! A *matching* between diagrams `a` and `b` pairs some points of `a` with
//! points of `b` one to one; every other point is matched to the diagonal.
//! The ground metric is an `L^q` norm on the plane (`q = internal_p`,
//! `L^inf` by default): matching `(b1, d1)` with `(b2, d2)` costs
//! `||(b1 - b2, d1 - d2)||_q`, and matching `(b, d)` with the diagonal costs
//! its `L^q` distance to the closest diagonal point `((b+d)/2, (b+d)/2)`,
//! namely `|d - b| * 2^(1/q - 1)` (`|d - b| / 2` for `L^inf`, `|d - b|` for
//! `L^1`, `|d - b| / sqrt 2` for `L^2`). Then
//!
//! - bottleneck = min over matchings of the largest cost (`L^inf` ground
//!   metric, as gudhi's `bottleneck_distance` and persim's `bottleneck`);
//! - `p`-Wasserstein = (min over matchings of the sum of cost^p)^(1/p), as
//!   gudhi's `wasserstein.wasserstein_distance(X, Y, order=p, internal_p=q)`;
//!   `p = inf` gives the bottleneck distance in the `L^q` ground metric.
//!
//! **Essential pairs** (infinite death) follow gudhi (`bottleneck_distance`,
//! and `wasserstein_distance` with its default `keep_essential_parts=True`):
//! they can only be matched with essential pairs of the same kind
//! (`+inf` with `+inf`, `-inf` with `-inf`), by sorted birth, which is
//! optimal in one dimension; the cost of such a match is the birth
//! difference. If the two diagrams have different numbers of essential pairs
//! of some kind, the distance is `+inf`. persim's `bottleneck` and
//! `wasserstein` instead drop essential pairs (with a warning); to get its
//! numbers, drop them first (`Diagram::finite`).
//!
//! **Superlevel pairs** (`death < birth`, from `h0_superlevel`) are read as
//! the interval `(min, max)`, as the crate's vectorizers do: `(b, d)` with
//! `d < b` is the point `(d, b)`, at diagonal distance `(b - d) * 2^(1/q - 1)`.
//! A superlevel essential pair `(b, -inf)` is gudhi's `(-inf, b)`; these are
//! matched among themselves by `b`.
//!
//! persim differs in more than essential pairs: `persim.wasserstein` is the
//! 1-Wasserstein distance with the *Euclidean* ground metric
//! (`Wasserstein::builder().internal_p(2.0).build()?` here), and persim's
//! diagonal costs are negative for pairs with `death < birth`.
//!
//! # Algorithms
//!
//! - Bottleneck (exact): the distance is one of finitely many candidate
//!   costs (point-point and point-diagonal). A binary search over the
//!   candidates, selected lazily with `select_nth_unstable`, tests each
//!   threshold for a perfect matching with Hopcroft–Karp on the usual
//!   reduction with diagonal copies (Efrat, Itai, Katz, "Geometry helps in
//!   bottleneck matching and related problems", Algorithmica 2001; Kerber,
//!   Morozov, Nigmetov, "Geometry helps to compare persistence diagrams",
//!   JEA 2017). See `bottleneck.rs` for the pruning.
//! - Wasserstein (exact): the shortest-augmenting-path Hungarian algorithm
//!   (Kuhn–Munkres with Jonker–Volgenant style Dijkstra searches) on the
//!   `(n+m) x (n+m)` cost matrix with diagonal copies: `O((n+m)^3)` time,
//!   `O(n m)` memory; meant for diagrams up to a few thousand points. Edges
//!   that no optimal matching needs (`cost^p >= diag_a^p + diag_b^p`) are
//!   dropped first; when few remain (the usual case) the searches run on
//!   the sparse graph with a binary heap, with the diagonal as one node of
//!   capacity `m` (resp. `n`) per side. See `hungarian.rs`.
//!
//! # Errors
//!
//! They return [`Result<f64>`](crate::Result), not a bare `f64`, so that
//! bad input never panics:
//! [`Error::DimensionMismatch`] when `a.dim != b.dim`, [`Error::NonFinite`]
//! for a NaN or infinite birth or a NaN death (the index is that of the pair
//! in `a`, or in `b` if `a` is valid), [`Error::InvalidParameter`] for an
//! order or ground norm out of range, [`Error::TooLarge`] when the matching
//! graph (bottleneck: the point-point edges that pruning keeps, up to
//! `n m`, 64 bytes each) or the cost matrix (Wasserstein: `8 n m` bytes)
//! is over [`tda_persistence::memory::limit`] (refused before it is
//! allocated), [`Error::OutputOverflow`] when diagrams of finite points
//! are farther apart than `f64::MAX` (e.g. essential births `-f64::MAX`
//! and `f64::MAX`).
//!
//! # Magnitudes
//!
//! Exact (to rounding) for every finite birth and death, `±f64::MAX` and
//! subnormals included: coordinates beyond `1e300` are scaled by `2^-8`
//! (exactly) so that no difference overflows, `L^q` norms are scaled as
//! `hypot` does, and Wasserstein costs are divided by the largest cost
//! before the power `p`, or by the bottleneck distance where the costs span
//! too wide a range for that (see `hungarian.rs`), so that neither a huge
//! nor a tiny scale, nor a mix of both in one diagram, loses the optimum's
//! terms. Time: the bottleneck search is `O(E sqrt(n) log E)`
//! for `E` kept edges; the Hungarian algorithm `O((n + m)^3)`, meant for a
//! few thousand points (memory is checked, time is not bounded).

mod bottleneck;
mod hungarian;

use tda_persistence::Diagram;

use crate::error::{Error, Result};
use crate::validate::validate_diagram;

/// A point of the plane, `(lo, hi)` with `lo <= hi` (a pair read as the
/// interval `(min(b, d), max(b, d))`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pt {
    pub lo: f64,
    pub hi: f64,
}

/// Matched `(index in a, index in b)` pairs, `None` for the diagonal.
pub(crate) type Pairs = Vec<(Option<usize>, Option<usize>)>;

/// The `L^q` ground metric on the plane, `q` in `[1, inf]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ground {
    q: f64,
    /// `2^(1/q - 1)`: the distance from `(x, x + 1)` to the diagonal.
    diag_factor: f64,
}

impl Ground {
    pub(crate) const LINF: Ground = Ground {
        q: f64::INFINITY,
        diag_factor: 0.5,
    };

    fn new(q: f64) -> Self {
        let diag_factor = if q == f64::INFINITY {
            0.5
        } else {
            2f64.powf(1.0 / q - 1.0)
        };
        Self { q, diag_factor }
    }

    /// Cost of matching two points. Never less than `|a.lo - b.lo|` (as
    /// computed in floating point), which the bottleneck search relies on.
    #[inline]
    pub(crate) fn cost(&self, a: Pt, b: Pt) -> f64 {
        let x = (a.lo - b.lo).abs();
        let y = (a.hi - b.hi).abs();
        if self.q == f64::INFINITY {
            x.max(y)
        } else if self.q == 1.0 {
            x + y
        } else {
            // Scaled so that large coordinates do not overflow.
            let (big, small) = if x >= y { (x, y) } else { (y, x) };
            if big == 0.0 {
                return 0.0;
            }
            let t = small / big;
            let r = if self.q == 2.0 {
                (1.0 + t * t).sqrt()
            } else {
                (1.0 + t.powf(self.q)).powf(1.0 / self.q)
            };
            (big * r).max(big)
        }
    }

    /// Cost of matching a point with the diagonal.
    #[inline]
    pub(crate) fn diag(&self, a: Pt) -> f64 {
        (a.hi - a.lo) * self.diag_factor
    }
}

/// An optimal matching and its distance.
///
/// `pairs` lists every point of `a` once, in index order, with its partner
/// in `b` (`Some(j)`, an index into `b.pairs`) or `None` for the diagonal,
/// followed by the points of `b` matched to the diagonal, in index order, as
/// `(None, Some(j))`. Indices refer to `Diagram::pairs`, essential pairs
/// included. When the distance is infinite because the numbers of essential
/// pairs differ, the surplus essential pairs (the largest births) are listed
/// as matched to the diagonal and the rest of the matching is still optimal.
#[derive(Debug, Clone, PartialEq)]
pub struct Matching {
    /// The distance achieved by the matching.
    pub distance: f64,
    /// Matched index pairs `(in a, in b)`; `None` is the diagonal.
    pub pairs: Vec<(Option<usize>, Option<usize>)>,
}

/// The `p`-Wasserstein distance with an `L^q` ground metric
/// (`q = internal_p`), as gudhi's
/// `wasserstein_distance(X, Y, order=p, internal_p=q)`.
///
/// Exact: Hungarian algorithm (shortest augmenting paths), `O((n+m)^3)`
/// time for diagrams of `n` and `m` finite points, `O(n m)` memory; for
/// diagrams up to a few thousand points. Essential pairs are matched by
/// sorted birth (the distance is `+inf` if their numbers differ); a pair
/// with `death < birth` is the point `(death, birth)`; `p = inf` gives the
/// bottleneck distance in the `L^q` ground metric. Errors:
/// [`Error::DimensionMismatch`], [`Error::NonFinite`] (a NaN or infinite
/// birth, a NaN death; the index is in `a`, or in `b` if `a` is valid).
///
/// ```
/// use tda_persistence::{Diagram, PersistencePair};
/// use tda_vectorize::Wasserstein;
///
/// let a = Diagram::new(0, vec![PersistencePair::new(0.0, 2.0)]);
/// let b = Diagram::new(0, vec![PersistencePair::new(0.0, 3.0)]);
/// // L^2 ground metric: moving (0, 2) to (0, 3) costs 1.
/// let w = Wasserstein::builder().order(2.0).internal_p(2.0).build().unwrap();
/// assert!((w.distance(&a, &b).unwrap() - 1.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wasserstein {
    order: f64,
    internal_p: f64,
}

/// Builder of a [`Wasserstein`] distance: each setter stores its value,
/// [`WassersteinBuilder::build`] checks them. Defaults (gudhi's
/// `wasserstein_distance`): order 1, `L^inf` ground metric.
#[derive(Debug, Clone, PartialEq)]
pub struct WassersteinBuilder {
    order: f64,
    internal_p: f64,
}

impl Default for WassersteinBuilder {
    fn default() -> Self {
        Self {
            order: 1.0,
            internal_p: f64::INFINITY,
        }
    }
}

impl WassersteinBuilder {
    /// The order `p` (`>= 1`, or `+inf` for the bottleneck distance;
    /// default 1).
    pub fn order(mut self, order: f64) -> Self {
        self.order = order;
        self
    }

    /// The ground norm `q` of the `L^q` metric on the plane, in `[1, inf]`
    /// (default `inf`; persim's `wasserstein` uses 2).
    pub fn internal_p(mut self, internal_p: f64) -> Self {
        self.internal_p = internal_p;
        self
    }

    /// Checks the parameters and builds the distance.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] named `"p"` (the order is NaN or below
    /// 1) or `"internal_p"` (NaN or below 1).
    pub fn build(self) -> Result<Wasserstein> {
        if self.order.is_nan() || self.order < 1.0 {
            return Err(Error::InvalidParameter {
                name: "p",
                value: self.order,
                reason: "the Wasserstein order must be >= 1 (or +inf for the bottleneck distance)",
            });
        }
        if self.internal_p.is_nan() || self.internal_p < 1.0 {
            return Err(Error::InvalidParameter {
                name: "internal_p",
                value: self.internal_p,
                reason: "the ground norm L^q needs q in [1, inf]",
            });
        }
        Ok(Wasserstein {
            order: self.order,
            internal_p: self.internal_p,
        })
    }
}

impl Wasserstein {
    /// A builder with the defaults of [`WassersteinBuilder`].
    pub fn builder() -> WassersteinBuilder {
        WassersteinBuilder::default()
    }

    /// Shorthand for `Wasserstein::builder().order(order).build()`: the
    /// `order`-Wasserstein distance with the `L^inf` ground metric
    /// (`order = inf` gives the bottleneck distance).
    ///
    /// # Errors
    ///
    /// Those of [`WassersteinBuilder::build`].
    pub fn new(order: f64) -> Result<Self> {
        Self::builder().order(order).build()
    }

    /// The order `p`.
    pub fn order(&self) -> f64 {
        self.order
    }

    /// The ground norm `q` (`L^q`).
    pub fn internal_p(&self) -> f64 {
        self.internal_p
    }

    /// The distance between `a` and `b`.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] when `a.dim != b.dim`,
    /// [`Error::NonFinite`] for a NaN or infinite birth or a NaN death (the
    /// index is that of the pair in `a`, or in `b` if `a` is valid),
    /// [`Error::TooLarge`] when the matching graph or the cost matrix is
    /// over [`tda_persistence::memory::limit`], [`Error::OutputOverflow`]
    /// when diagrams of finite points are farther apart than `f64::MAX`.
    pub fn distance(&self, a: &Diagram, b: &Diagram) -> Result<f64> {
        Ok(self.matching(a, b)?.distance)
    }

    /// The distance and an optimal matching (see [`Matching`]).
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] when `a.dim != b.dim`,
    /// [`Error::NonFinite`] for a NaN or infinite birth or a NaN death (the
    /// index is that of the pair in `a`, or in `b` if `a` is valid),
    /// [`Error::TooLarge`] when the matching graph or the cost matrix is
    /// over [`tda_persistence::memory::limit`], [`Error::OutputOverflow`]
    /// when diagrams of finite points are farther apart than `f64::MAX`.
    pub fn matching(&self, a: &Diagram, b: &Diagram) -> Result<Matching> {
        let ground = Ground::new(self.internal_p);
        if self.order == f64::INFINITY {
            compute(a, b, ground, Objective::Bottleneck)
        } else {
            compute(a, b, ground, Objective::Wasserstein(self.order))
        }
    }
}

/// The exact bottleneck distance (`L^inf` ground metric), as gudhi's
/// `bottleneck_distance(X, Y, e=0)`.
///
/// Binary search over the candidate costs with Hopcroft–Karp matching tests.
/// Essential pairs are matched by sorted birth (the distance is `+inf` if
/// their numbers differ, per kind `+inf`/`-inf`); a pair with
/// `death < birth` is the point `(death, birth)`. Returns a `Result` (not a
/// bare `f64`): [`Error::DimensionMismatch`] if
/// `a.dim != b.dim`, [`Error::NonFinite`] for a NaN or infinite birth or a
/// NaN death (the index is in `a`, or in `b` if `a` is valid).
///
/// # Errors
///
/// Those of [`Wasserstein::distance`].
///
/// persim's `bottleneck` drops essential pairs (with a warning) and gives
/// negative diagonal costs to pairs with `death < birth`; on diagrams
/// without either it agrees with this function.
///
/// ```
/// use tda_persistence::{Diagram, PersistencePair};
/// use tda_vectorize::bottleneck;
///
/// let a = Diagram::new(0, vec![PersistencePair::new(0.0, 4.0), PersistencePair::new(1.0, 1.5)]);
/// let b = Diagram::new(0, vec![PersistencePair::new(0.5, 3.0)]);
/// // (0, 4) -> (0.5, 3) costs 1; (1, 1.5) -> diagonal costs 0.25.
/// assert_eq!(bottleneck(&a, &b).unwrap(), 1.0);
/// ```
pub fn bottleneck(a: &Diagram, b: &Diagram) -> Result<f64> {
    Ok(bottleneck_matching(a, b)?.distance)
}

/// The exact bottleneck distance and a matching that achieves it (see
/// [`bottleneck`] and [`Matching`]).
///
/// # Errors
///
/// Those of [`bottleneck`].
pub fn bottleneck_matching(a: &Diagram, b: &Diagram) -> Result<Matching> {
    compute(a, b, Ground::LINF, Objective::Bottleneck)
}

/// The exact `p`-Wasserstein distance with the `L^inf` ground metric, as
/// gudhi's `wasserstein_distance(X, Y, order=p, internal_p=inf)`; `p >= 1`,
/// and `p = inf` gives the bottleneck distance. For another ground metric use
/// [`WassersteinBuilder::internal_p`]; persim's `wasserstein` is `p = 1` with
/// the Euclidean ground metric (`internal_p = 2`) and drops essential pairs.
/// Semantics as for [`Wasserstein`].
///
/// # Errors
///
/// [`Error::InvalidParameter`] named `"p"` for an order below 1 or NaN;
/// then those of [`Wasserstein::distance`].
///
/// ```
/// use tda_persistence::{Diagram, PersistencePair};
/// use tda_vectorize::wasserstein;
///
/// let a = Diagram::new(0, vec![PersistencePair::new(0.0, 4.0), PersistencePair::new(1.0, 1.5)]);
/// let b = Diagram::new(0, vec![PersistencePair::new(0.5, 3.0)]);
/// // 1 (moving (0, 4) to (0.5, 3)) + 0.25 ((1, 1.5) to the diagonal).
/// assert!((wasserstein(&a, &b, 1.0).unwrap() - 1.25).abs() < 1e-12);
/// ```
pub fn wasserstein(a: &Diagram, b: &Diagram, p: f64) -> Result<f64> {
    Wasserstein::new(p)?.distance(a, b)
}

/// The exact `p`-Wasserstein distance (`L^inf` ground metric) and an optimal
/// matching (see [`wasserstein`] and [`Matching`]).
///
/// # Errors
///
/// Those of [`wasserstein`].
pub fn wasserstein_matching(a: &Diagram, b: &Diagram, p: f64) -> Result<Matching> {
    Wasserstein::new(p)?.matching(a, b)
}

#[derive(Debug, Clone, Copy)]
enum Objective {
    Bottleneck,
    Wasserstein(f64),
}

/// One diagram split into finite points and the two kinds of essential
/// pairs, each with its index in `Diagram::pairs`.
#[derive(Default)]
struct Split {
    finite: Vec<Pt>,
    finite_idx: Vec<usize>,
    /// `(birth, index)` of pairs with `death = +inf`, sorted.
    ess_pos: Vec<(f64, usize)>,
    /// `(birth, index)` of pairs with `death = -inf`, sorted.
    ess_neg: Vec<(f64, usize)>,
}

/// Coordinates beyond this are scaled down by [`SCALE_DOWN`] (an exact power
/// of two) so that no difference of coordinates overflows.
const HUGE: f64 = 1e300;
const SCALE_DOWN: f64 = 1.0 / 256.0;

fn split(d: &Diagram, scale: f64) -> Split {
    let mut s = Split::default();
    for (i, p) in d.pairs.iter().enumerate() {
        let birth = p.birth * scale;
        if p.death == f64::INFINITY {
            s.ess_pos.push((birth, i));
        } else if p.death == f64::NEG_INFINITY {
            s.ess_neg.push((birth, i));
        } else {
            let death = p.death * scale;
            s.finite.push(Pt {
                lo: birth.min(death),
                hi: birth.max(death),
            });
            s.finite_idx.push(i);
        }
    }
    let by_birth = |x: &(f64, usize), y: &(f64, usize)| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1));
    s.ess_pos.sort_unstable_by(by_birth);
    s.ess_neg.sort_unstable_by(by_birth);
    s
}

/// Matches two sorted lists of essential births in order. Returns the
/// matched `(index in a, index in b, |birth difference|)` and the surplus.
fn essential_pairs(
    x: &[(f64, usize)],
    y: &[(f64, usize)],
    out: &mut Vec<(Option<usize>, Option<usize>, f64)>,
) {
    for k in 0..x.len().max(y.len()) {
        match (x.get(k), y.get(k)) {
            (Some(&(bx, ix)), Some(&(by, iy))) => out.push((Some(ix), Some(iy), (bx - by).abs())),
            (Some(&(_, ix)), None) => out.push((Some(ix), None, f64::INFINITY)),
            (None, Some(&(_, iy))) => out.push((None, Some(iy), f64::INFINITY)),
            (None, None) => {}
        }
    }
}

fn compute(a: &Diagram, b: &Diagram, ground: Ground, objective: Objective) -> Result<Matching> {
    if a.dim != b.dim {
        return Err(Error::DimensionMismatch {
            left: a.dim,
            right: b.dim,
        });
    }
    validate_diagram(a)?;
    validate_diagram(b)?;

    let largest = a
        .iter()
        .chain(b.iter())
        .flat_map(|p| [p.birth.abs(), p.death.abs()])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let scale = if largest > HUGE { SCALE_DOWN } else { 1.0 };
    let sa = split(a, scale);
    let sb = split(b, scale);

    // Essential parts: (index in a, index in b, cost).
    let mut ess = Vec::new();
    essential_pairs(&sa.ess_pos, &sb.ess_pos, &mut ess);
    essential_pairs(&sa.ess_neg, &sb.ess_neg, &mut ess);

    // Finite parts: indices into sa.finite / sb.finite.
    let surplus = ess.iter().any(|e| e.2.is_infinite());
    let (finite_value, finite_pairs) = match objective {
        Objective::Bottleneck => bottleneck::bottleneck(&sa.finite, &sb.finite, ground)?,
        Objective::Wasserstein(p) => {
            // The bottleneck distance is the unit of the costs where they
            // span too wide a range (see hungarian.rs).
            let bottleneck = || {
                let (b_fin, b_pairs) = bottleneck::bottleneck(&sa.finite, &sb.finite, ground)?;
                let b_ess = ess
                    .iter()
                    .map(|e| e.2)
                    .filter(|c| c.is_finite())
                    .fold(0.0, f64::max);
                Ok((b_fin.max(b_ess), b_pairs))
            };
            hungarian::wasserstein(&sa.finite, &sb.finite, ground, p, &ess, bottleneck)?
        }
    };
    let ess_value = match objective {
        Objective::Bottleneck => ess.iter().map(|e| e.2).fold(0.0, f64::max),
        // Already folded into `finite_value` (one sum, one scale).
        Objective::Wasserstein(_) => 0.0,
    };
    let distance = finite_value.max(ess_value) / scale;
    if !surplus && !distance.is_finite() {
        // Finite diagrams whose distance is beyond f64::MAX.
        return Err(Error::OutputOverflow {
            index: 0,
            value: distance,
        });
    }

    // Assemble the matching in the documented order.
    let mut partner_of_a: Vec<Option<usize>> = vec![None; a.len()];
    let mut b_matched = vec![false; b.len()];
    for &(i, j) in &finite_pairs {
        if let (Some(i), Some(j)) = (i, j) {
            partner_of_a[sa.finite_idx[i]] = Some(sb.finite_idx[j]);
            b_matched[sb.finite_idx[j]] = true;
        }
    }
    for &(i, j, _) in &ess {
        if let (Some(i), Some(j)) = (i, j) {
            partner_of_a[i] = Some(j);
            b_matched[j] = true;
        }
    }
    let mut pairs: Pairs = partner_of_a
        .into_iter()
        .enumerate()
        .map(|(i, j)| (Some(i), j))
        .collect();
    pairs.extend(
        b_matched
            .iter()
            .enumerate()
            .filter(|(_, &m)| !m)
            .map(|(j, _)| (None, Some(j))),
    );
    Ok(Matching { distance, pairs })
}
