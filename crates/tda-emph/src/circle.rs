//! The Vietoris–Rips barcode of a round circle.

use tda_persistence::PersistencePair;

use crate::error::{Error, Result};

/// The highest degree in which [`circle_bar`] reports a bar. The exact bar
/// of degree `m` is about `pi^2 r / m^3` long: above this degree that is
/// less than a fifth of one unit in the last place of its endpoints (both
/// near `2 r`), so their `f64` values are rounding alone and the bar is
/// below `f64`'s resolution: reported as none. (From degree about `2.8e5`
/// the bar is already under one unit in the last place.)
pub const MAX_CIRCLE_DIM: usize = (1 << 19) - 1;

/// The bar of homology degree `dim` of the Vietoris–Rips filtration of a
/// circle of radius `radius` (Euclidean distances, an edge enters at its
/// length), or `None` where that degree has no bar.
///
/// Adamaszek and Adams ("The Vietoris–Rips complexes of a circle", Pacific
/// J. Math. 290, 2017) show the complex is homotopy equivalent to the
/// `(2l+1)`-sphere for scales between the side lengths of inscribed regular
/// `(2l+1)`- and `(2l+3)`-gons. So degree 0 has the bar `[0, inf)`, degree
/// `2l + 1` the bar `[2 r sin(pi l / (2l+1)), 2 r sin(pi (l+1) / (2l+3)))`
/// (H1: `[0, sqrt(3) r)`), and even degrees `>= 2` none; a circle of radius
/// 0 (a point) has only the degree-0 bar.
///
/// Any degree is answered in `O(1)`, `usize::MAX` included. The endpoints
/// are rounded to `f64`; a bar whose endpoints round to the same value is
/// `None`, and so is every bar above degree [`MAX_CIRCLE_DIM`], narrower
/// than that rounding.
///
/// # Errors
/// [`Error::NonFinite`] for a NaN or infinite radius,
/// [`Error::InvalidParameter`] for a negative one, [`Error::OutOfRange`]
/// where an endpoint exceeds `f64::MAX` (radii above `f64::MAX / 2`).
///
/// ```
/// use tda_emph::circle_bar;
/// let h1 = circle_bar(1.0, 1).unwrap().unwrap();
/// assert_eq!((h1.birth, h1.death), (0.0, 3f64.sqrt()));
/// assert!(circle_bar(1.0, 2).unwrap().is_none());
/// assert!(circle_bar(1.0, usize::MAX).unwrap().is_none());
/// ```
pub fn circle_bar(radius: f64, dim: usize) -> Result<Option<PersistencePair>> {
    if !radius.is_finite() {
        return Err(Error::NonFinite { index: 0 });
    }
    if radius < 0.0 {
        return Err(Error::InvalidParameter {
            name: "radius",
            value: radius.to_string(),
            reason: "a circle's radius must be >= 0",
        });
    }
    if dim == 0 {
        return Ok(Some(PersistencePair::new(0.0, f64::INFINITY)));
    }
    if dim % 2 == 0 || radius == 0.0 || dim > MAX_CIRCLE_DIM {
        return Ok(None);
    }
    // m = 2l + 1 = dim, exact as an f64.
    let m = dim as f64;
    let (birth, death) = (radius * chord_f(m), radius * chord_f(m + 2.0));
    if death.is_infinite() {
        return Err(Error::OutOfRange {
            what: "circle bar endpoint",
            index: 0,
        });
    }
    Ok((birth < death).then(|| PersistencePair::new(birth, death)))
}

/// `2 sin(pi (m - 1) / (2m))` for an odd `m >= 1`: the death of the
/// degree-`(m - 2)` bar and the birth of the degree-`m` bar of a unit
/// circle (`0` for `m = 1`, exactly `sqrt(3)` for `m = 3`).
pub(crate) fn chord(m: usize) -> f64 {
    match m {
        1 => 0.0,
        // sin(pi / 3) is written out so that the H1 bar is exactly sqrt(3) r.
        3 => 3f64.sqrt(),
        _ => chord_f(m as f64),
    }
}

/// [`chord`] for `m` given as an `f64` (any size).
fn chord_f(m: f64) -> f64 {
    use std::f64::consts::PI;
    if m == 1.0 {
        0.0
    } else if m == 3.0 {
        3f64.sqrt()
    } else {
        2.0 * (PI * (m - 1.0) / 2.0 / m).sin()
    }
}
