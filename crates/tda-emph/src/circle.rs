//! The Vietoris–Rips barcode of a round circle.

use tda_persistence::PersistencePair;

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
/// ```
/// use tda_emph::circle_bar;
/// let h1 = circle_bar(1.0, 1).unwrap();
/// assert_eq!((h1.birth, h1.death), (0.0, 3f64.sqrt()));
/// assert!(circle_bar(1.0, 2).is_none());
/// ```
pub fn circle_bar(radius: f64, dim: usize) -> Option<PersistencePair> {
    use std::f64::consts::PI;
    if dim == 0 {
        return Some(PersistencePair::new(0.0, f64::INFINITY));
    }
    if dim % 2 == 0 {
        return None;
    }
    let l = (dim / 2) as f64;
    // sin(pi / 3) is written out so that the H1 bar is exactly sqrt(3) r.
    let side = |m: f64| match m as usize {
        1 => 0.0,
        3 => 3f64.sqrt(),
        _ => 2.0 * (PI * (m - 1.0) / 2.0 / m).sin(),
    };
    let (birth, death) = (radius * side(2.0 * l + 1.0), radius * side(2.0 * l + 3.0));
    (birth < death).then(|| PersistencePair::new(birth, death))
}
