//! Colours: the sequential map of images and the palette of dimensions.

use plotters::style::RGBColor;

/// Viridis (matplotlib's default map, which persim's plots use), sampled at
/// nine stops and interpolated linearly: dark purple at 0, yellow at 1;
/// `t` is clamped to `[0, 1]` (NaN gives 0).
pub fn colour_map(t: f64) -> RGBColor {
    const STOPS: [[f64; 3]; 9] = [
        [68.0, 1.0, 84.0],
        [71.0, 44.0, 122.0],
        [59.0, 81.0, 139.0],
        [44.0, 113.0, 142.0],
        [33.0, 144.0, 141.0],
        [39.0, 173.0, 129.0],
        [92.0, 200.0, 99.0],
        [170.0, 220.0, 50.0],
        [253.0, 231.0, 37.0],
    ];
    interpolate(&STOPS, t)
}

/// White at 0 through light and mid blue to dark navy at 1 (clamped; NaN
/// gives 0), for shares such as the rows of a confusion matrix; lightness
/// falls monotonically, so it also reads in greyscale.
pub(crate) fn blues(t: f64) -> RGBColor {
    const STOPS: [[f64; 3]; 5] = [
        [255.0, 255.0, 255.0],
        [200.0, 221.0, 240.0],
        [110.0, 170.0, 215.0],
        [35.0, 110.0, 180.0],
        [10.0, 40.0, 100.0],
    ];
    interpolate(&STOPS, t)
}

/// The colour at `t` of the map through `stops` (at least two, evenly
/// spaced over `[0, 1]`), linear between stops; `t` is clamped to `[0, 1]`
/// and NaN gives the first stop.
fn interpolate(stops: &[[f64; 3]], t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let pos = t * (stops.len() - 1) as f64;
    // `pos` is in [0, stops - 1]: the cast cannot truncate out of range.
    let k = (pos.floor() as usize).min(stops.len() - 2);
    let f = pos - k as f64;
    let mix = |c: usize| (stops[k][c] + (stops[k + 1][c] - stops[k][c]) * f).round() as u8;
    RGBColor(mix(0), mix(1), mix(2))
}

/// The colour of homology dimension (or series) `i`: matplotlib's tab10.
pub(crate) fn palette(i: usize) -> RGBColor {
    const TAB10: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (255, 127, 14),
        (44, 160, 44),
        (214, 39, 40),
        (148, 103, 189),
        (140, 86, 75),
        (227, 119, 194),
        (127, 127, 127),
        (188, 189, 34),
        (23, 190, 207),
    ];
    let (r, g, b) = TAB10[i % TAB10.len()];
    RGBColor(r, g, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_clamping() {
        assert_eq!(colour_map(0.0), RGBColor(68, 1, 84));
        assert_eq!(colour_map(1.0), RGBColor(253, 231, 37));
        assert_eq!(colour_map(-3.0), colour_map(0.0));
        assert_eq!(colour_map(f64::NAN), colour_map(0.0));
        assert_eq!(colour_map(9.0), colour_map(1.0));
        assert_eq!(palette(10), palette(0));
    }
}
