//! One-parameter paths through the K-parameter filtration space: rays,
//! collections of rays, and monotone piecewise-linear curves.

use ndarray::ArrayView2;

use tda_persistence::memory;

use crate::error::{check_finite, Error, Result};
use crate::scaled;

/// A monotone path `t -> (e_1(t), ..., e_K(t))` through the filtration
/// space, along which the K-parameter persistence module of the Liouville
/// torus is restricted to a one-parameter one: at parameter `t`, circle `k`
/// is filtered at scale `e_k(t)`.
///
/// Implementations must be non-decreasing in `value` for each `k`
/// ([`crate::barcode`] refuses a path it sees decrease), and return `±inf`
/// where the exact parameter is beyond `±f64::MAX` (the barcodes refuse
/// non-finite parameters with [`Error::OutOfRange`]).
pub trait FiltrationPath {
    /// The number of coordinates `K`.
    fn dims(&self) -> usize;

    /// The first parameter `t` at which coordinate `k < dims()` reaches
    /// `value`, `min { t : e_k(t) >= value }`: a circle bar `[c, d)` of
    /// mode `k` becomes the bar `[param(k, c), param(k, d))` along the
    /// path. Panics if `k >= dims()`.
    fn param(&self, k: usize, value: f64) -> f64;
}

/// A ray `e(t) = b + t v` with endpoint `b` and direction `v = sqrt(K) a /
/// |a|_2` for a direction `a` with positive entries (so that the diagonal
/// `a = (1, ..., 1)` has `v = (1, ..., 1)`). A circle bar `[c, d)` of mode
/// `k` becomes `[(c - b_k) / v_k, (d - b_k) / v_k)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ray {
    /// `v`, the normalised direction.
    velocity: Vec<f64>,
    /// `b`.
    endpoint: Vec<f64>,
}

impl Ray {
    /// The diagonal ray of `k >= 1` coordinates: `a = 1`, `b = 0`. Its H1
    /// barcode is `{[0, sqrt(3) r_k)}`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `k = 0`; [`Error::TooLarge`] if `k`
    /// coordinates do not fit the memory limit.
    pub fn diagonal(k: usize) -> Result<Self> {
        // The direction, the endpoint and the velocity.
        memory::check("diagonal ray", memory::bytes_of::<f64>(&[k, 3]))?;
        Self::new(vec![1.0; k], vec![0.0; k])
    }

    /// The ray with direction `a` (finite, every entry `> 0`) and endpoint
    /// `b` (finite, the same length, at least 1).
    ///
    /// Any positive finite direction is normalised without overflow or
    /// underflow (`|a|_2` is computed scaled by the largest entry, as
    /// `hypot` does), as long as every velocity `v_k = sqrt(K) a_k / |a|_2`
    /// is a normal `f64`: entries below `2^-1022` times the largest are
    /// refused.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an empty direction, an entry `<= 0`
    /// or one too small relative to the largest; [`Error::LengthMismatch`]
    /// if `b` has another length; [`Error::NonFinite`] for NaN or infinite
    /// entries (the direction's first, then the endpoint's).
    pub fn new(direction: Vec<f64>, endpoint: Vec<f64>) -> Result<Self> {
        if direction.is_empty() {
            return Err(Error::InvalidParameter {
                name: "direction",
                value: "[]".into(),
                reason: "a ray needs at least one coordinate",
            });
        }
        if endpoint.len() != direction.len() {
            return Err(Error::LengthMismatch {
                name: "endpoint",
                expected: direction.len(),
                got: endpoint.len(),
            });
        }
        check_finite(&direction)?;
        check_finite(&endpoint)?;
        if let Some(&a) = direction.iter().find(|&&a| a <= 0.0) {
            return Err(Error::InvalidParameter {
                name: "direction",
                value: a.to_string(),
                reason: "every entry of a ray's direction must be > 0",
            });
        }
        // v_k = sqrt(K) a_k / |a|_2 = (a_k / m) sqrt(K / s), with m the
        // largest entry and s = sum (a_j / m)^2 in [1, K]: no overflow, and
        // the diagonal gets v = 1 exactly.
        let m = direction.iter().fold(0.0f64, |m, &a| m.max(a));
        let s: f64 = direction.iter().map(|&a| (a / m) * (a / m)).sum();
        let q = (direction.len() as f64 / s).sqrt();
        let mut velocity = Vec::with_capacity(direction.len());
        for &a in &direction {
            let ratio = a / m;
            if ratio < f64::MIN_POSITIVE {
                return Err(Error::InvalidParameter {
                    name: "direction",
                    value: a.to_string(),
                    reason: "an entry below 2^-1022 times the largest makes its velocity underflow",
                });
            }
            velocity.push(ratio * q);
        }
        Ok(Self { velocity, endpoint })
    }

    /// The normalised direction `v = sqrt(K) a / |a|_2`.
    pub fn velocity(&self) -> &[f64] {
        &self.velocity
    }

    /// The endpoint `b`.
    pub fn endpoint(&self) -> &[f64] {
        &self.endpoint
    }
}

impl FiltrationPath for Ray {
    fn dims(&self) -> usize {
        self.velocity.len()
    }

    /// `(value - b_k) / v_k`, without overflow in between (`±inf` only
    /// where the exact value is beyond `±f64::MAX`).
    fn param(&self, k: usize, value: f64) -> f64 {
        let (b, v) = (self.endpoint[k], self.velocity[k]);
        let d = value - b;
        if d.is_finite() {
            return d / v;
        }
        // |value - b| > f64::MAX (or value is not finite): halve both,
        // which is exact for the one of magnitude >= MAX / 2.
        let half = (value * 0.5 - b * 0.5) / v;
        if half.abs() > f64::MAX * 0.5 {
            f64::INFINITY.copysign(half)
        } else {
            half * 2.0
        }
    }
}

/// One ray per mode (Kim & Jung, Definition 4.11): the bar of mode `k` is
/// read along ray `k`, through its `k`-th coordinate, and not intersected
/// with the other modes' bars.
#[derive(Debug, Clone, PartialEq)]
pub struct RayCollection {
    rays: Vec<Ray>,
}

impl RayCollection {
    /// `K` rays of `K` coordinates each (at least one).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for no rays; [`Error::LengthMismatch`]
    /// for the first ray whose number of coordinates is not `K`.
    pub fn new(rays: Vec<Ray>) -> Result<Self> {
        if rays.is_empty() {
            return Err(Error::InvalidParameter {
                name: "rays",
                value: "[]".into(),
                reason: "a collection needs at least one ray",
            });
        }
        let k = rays.len();
        if let Some(r) = rays.iter().find(|r| r.dims() != k) {
            return Err(Error::LengthMismatch {
                name: "ray",
                expected: k,
                got: r.dims(),
            });
        }
        Ok(Self { rays })
    }

    /// The rays, ray `k` for mode `k`.
    pub fn rays(&self) -> &[Ray] {
        &self.rays
    }
}

/// A monotone piecewise-linear curve through the filtration space (Kim &
/// Jung, Remark 4.9): knots `(t_i, e(t_i))` with `t` strictly increasing
/// and every coordinate non-decreasing, extended beyond the first and last
/// knots along the first and last segments, which must increase in every
/// coordinate (so that every scale is reached). The bar `[c, d)` of mode
/// `k` becomes `[e_k^-1(c), e_k^-1(d))` with the generalised inverse
/// `e_k^-1(x) = min { t : e_k(t) >= x }`. A two-knot curve is a ray.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    t: Vec<f64>,
    /// `coords[k][i]`: coordinate `k` at knot `i`.
    coords: Vec<Vec<f64>>,
}

impl Curve {
    /// The curve through `points` (one row per knot, one column per
    /// coordinate) at parameters `t`.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] if `t` does not have one entry per knot;
    /// [`Error::InvalidParameter`] for fewer than two knots or no
    /// coordinate, knot parameters not strictly increasing, a coordinate
    /// decreasing along the curve, or a first or last segment that does not
    /// increase in every coordinate; [`Error::NonFinite`] for NaN or
    /// infinite values (the index in `t` first, then the flat row-major
    /// index in `points`).
    pub fn new(t: Vec<f64>, points: ArrayView2<f64>) -> Result<Self> {
        let (n, k) = points.dim();
        if t.len() != n {
            return Err(Error::LengthMismatch {
                name: "t",
                expected: n,
                got: t.len(),
            });
        }
        if n < 2 || k == 0 {
            return Err(Error::InvalidParameter {
                name: "points",
                value: format!("{n} x {k}"),
                reason: "a curve needs at least two knots of at least one coordinate",
            });
        }
        check_finite(&t)?;
        if let Some(index) = points.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite { index });
        }
        if t.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::InvalidParameter {
                name: "t",
                value: format!("{t:?}"),
                reason: "knot parameters must be strictly increasing",
            });
        }
        let coords: Vec<Vec<f64>> = points.columns().into_iter().map(|c| c.to_vec()).collect();
        for c in &coords {
            if c.windows(2).any(|w| w[0] > w[1]) {
                return Err(Error::InvalidParameter {
                    name: "points",
                    value: format!("{c:?}"),
                    reason: "every coordinate must be non-decreasing along the curve",
                });
            }
            if c[0] >= c[1] || c[n - 2] >= c[n - 1] {
                return Err(Error::InvalidParameter {
                    name: "points",
                    value: format!("{c:?}"),
                    reason: "the first and last segments must increase in every coordinate",
                });
            }
        }
        Ok(Self { t, coords })
    }
}

impl FiltrationPath for Curve {
    fn dims(&self) -> usize {
        self.coords.len()
    }

    /// The generalised inverse of coordinate `k` at `value`: exact at the
    /// knots, within the segment's parameters between them, computed
    /// without overflow or underflow in between (`±inf` only where the
    /// exact parameter, on an end segment extended, is beyond `±f64::MAX`).
    fn param(&self, k: usize, value: f64) -> f64 {
        let (t, e) = (&self.t, &self.coords[k]);
        if !value.is_finite() {
            return value;
        }
        let n = t.len();
        // The segment that first reaches `value` ends at the first knot
        // with e >= value (so it starts below `value` and is not flat);
        // before the first knot and beyond the last, the end segments
        // extend, and they increase by construction.
        let i = e.partition_point(|&x| x < value).clamp(1, n - 1);
        let (t0, t1, e0, e1) = (t[i - 1], t[i], e[i - 1], e[i]);
        debug_assert!(e1 > e0);
        if value == e1 {
            return t1;
        }
        if value == e0 {
            return t0;
        }
        // From the knot on the value's side (so that the end segments
        // extend monotonically): t_b + (value - e_b) (t1 - t0) / (e1 - e0),
        // scaled by powers of two.
        let (tb, eb) = if value > e1 { (t1, e1) } else { (t0, e0) };
        let (m, e) = scaled::mul_div_split(
            scaled::sub(value, eb),
            scaled::sub(t1, t0),
            scaled::sub(e1, e0),
        );
        let delta = libm::ldexp(m, e);
        let p = if delta.is_finite() {
            tb + delta
        } else {
            // |delta| > f64::MAX while t_b + delta may be in range: halve.
            let half = tb * 0.5 + libm::ldexp(m, e - 1);
            if half.abs() > f64::MAX * 0.5 {
                f64::INFINITY.copysign(half)
            } else {
                half * 2.0
            }
        };
        if value > e0 && value < e1 {
            // Inside the segment: keep rounding from leaving it, so that
            // the inverse stays non-decreasing across knots.
            p.clamp(t0, t1)
        } else {
            p
        }
    }
}
