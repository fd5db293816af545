//! The 19 statistical features (SF) of tri-axial accelerometer frames.
//!
//! PI-Net (Som et al., CVPR-W 2020) fuses persistence images with 19
//! classical statistics of each accelerometer frame (axes x, y, z; `L`
//! samples each), which [`StatFeatures`] computes. They are, in this order
//! (see [`StatFeatures::NAMES`]):
//!
//! | index | features | definition |
//! |-------|----------|------------|
//! | 0..3   | `mean_x`, `mean_y`, `mean_z` | arithmetic mean of the axis |
//! | 3..6   | `var_x`, `var_y`, `var_z` | population variance, `sum((v - mean)^2) / L` (numpy's `var`, ddof 0) |
//! | 6..9   | `rms_x`, `rms_y`, `rms_z` | root mean square, `sqrt(sum(v^2) / L)` |
//! | 9..12  | `corr_xy`, `corr_xz`, `corr_yz` | Pearson correlation (numpy's `corrcoef`), clipped to `[-1, 1]` |
//! | 12..15 | `range_x`, `range_y`, `range_z` | `max - min` of the axis: `dx`, `dy`, `dz` |
//! | 15..19 | `mag_xy`, `mag_xz`, `mag_yz`, `mag_xyz` | `sqrt(dx² + dy²)`, `sqrt(dx² + dz²)`, `sqrt(dy² + dz²)`, `sqrt(dx² + dy² + dz²)` |
//!
//! Numerics: means and the centred sums of variances and correlations are
//! computed in two passes (mean first, then sums of centred values), which
//! stays accurate for frames with a large offset such as gravity. Every
//! axis is scaled by a power of two that brings its largest magnitude into
//! `[1, 2)` (and the ranges likewise for the magnitudes), which changes no
//! bit of any result where nothing overflows or underflows, and keeps sums
//! of values and of squares finite over the whole `f64` range: means, RMS
//! and correlations are computed to rounding for **all finite input**
//! (`±f64::MAX` and subnormals included), and so are ranges and magnitudes
//! whenever the true value is representable. The variance is the feature
//! that can exceed `f64::MAX`: when a standard deviation is above about
//! `1.34e154` (which any range or magnitude over `f64::MAX` implies) the
//! call is an error naming the feature, never an infinity. Sums carry the
//! usual rounding error of a two-pass sum (values below `2^-1022` times an
//! axis' largest magnitude count as 0 in its sums, far below that error).
//!
//! A constant axis (`max == min`) has its value as mean and a variance of
//! exactly 0 (numpy's two-pass `var` can give a few ulps² from the rounding
//! of the mean). A Pearson correlation with a constant axis (zero variance)
//! is undefined (numpy's `corrcoef` returns NaN with a warning, scipy's
//! `pearsonr` NaN with a `ConstantInputWarning`); here it is `0.0`: a
//! constant axis carries no linear relation with the others, and the
//! classifiers fed with these features need finite input.
//!
//! ```
//! use ndarray::{array, Array3};
//! use tda_vectorize::StatFeatures;
//! let frame = array![[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 1.0, 2.0]];
//! let sf = StatFeatures.transform(frame.view()).unwrap();
//! assert_eq!(StatFeatures::NAMES[9], "corr_xy");
//! assert!((sf[9] - 1.0).abs() < 1e-15);
//! assert_eq!(sf[12], 2.0); // range of x
//! // A batch of frames, one row of 19 features each.
//! let batch = StatFeatures.transform_batch(Array3::ones((4, 3, 10)).view()).unwrap();
//! assert_eq!(batch.dim(), (4, StatFeatures::COUNT));
//! ```

use ndarray::parallel::prelude::*;
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayView3, Axis};

use tda_persistence::memory;

use crate::error::{Error, Result};

/// The 19 statistical features of tri-axial accelerometer frames (see the
/// module documentation for the definitions and the numerics): one frame
/// with [`StatFeatures::transform`], a batch with
/// [`StatFeatures::transform_batch`]. The extractor has no parameter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatFeatures;

impl StatFeatures {
    /// Number of statistical features per frame.
    pub const COUNT: usize = 19;

    /// Names of the 19 features, in the order the transforms return them.
    pub const NAMES: [&'static str; Self::COUNT] = [
        "mean_x", "mean_y", "mean_z", "var_x", "var_y", "var_z", "rms_x", "rms_y", "rms_z",
        "corr_xy", "corr_xz", "corr_yz", "range_x", "range_y", "range_z", "mag_xy", "mag_xz",
        "mag_yz", "mag_xyz",
    ];

    /// The 19 statistical features of one frame of shape `3 x L` (rows:
    /// axes x, y, z; `L >= 2` samples), in the order of
    /// [`StatFeatures::NAMES`]. Any memory layout is accepted (a transposed
    /// view of an `L x 3` array works).
    ///
    /// # Errors
    /// [`Error::Shape`] when the frame does not have 3 rows or has fewer
    /// than 2 samples; [`Error::NonFiniteInput`] naming the `[axis, index]`
    /// of the first NaN or infinite value (row-major order);
    /// [`Error::FeatureOverflow`] naming the feature when its true value is
    /// over `f64::MAX` (see the module documentation).
    pub fn transform(&self, frame: ArrayView2<f64>) -> Result<[f64; Self::COUNT]> {
        let (axes, length) = frame.dim();
        if axes != 3 || length < 2 {
            return Err(Error::Shape {
                name: "frame",
                expected: "3 x L (axes x, y, z; L >= 2 samples)",
                got: vec![axes, length],
            });
        }
        if let Some(((axis, index), &value)) = frame.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::NonFiniteInput {
                name: "frame",
                index: vec![axis, index],
                value,
            });
        }
        let sf = features(frame);
        check_finite_output(&sf, None)?;
        Ok(sf)
    }

    /// The 19 statistical features of every frame of `frames` (`samples x
    /// 3 x L`, `L >= 2`), one row per frame (`samples x 19`), computed in
    /// parallel. Each row is bit-for-bit what [`StatFeatures::transform`]
    /// gives for that frame, whatever the number of threads. An empty batch
    /// (0 samples) gives a `0 x 19` array.
    ///
    /// # Errors
    /// As [`StatFeatures::transform`], for the first offending value in
    /// row-major order ([`Error::NonFiniteInput`] names its `[sample, axis,
    /// index]`, [`Error::FeatureOverflow`] the feature and the sample);
    /// [`Error::TooLarge`] when the output is over
    /// [`tda_persistence::memory::limit`].
    pub fn transform_batch(&self, frames: ArrayView3<f64>) -> Result<Array2<f64>> {
        let (samples, axes, length) = frames.dim();
        if axes != 3 || length < 2 {
            return Err(Error::Shape {
                name: "frames",
                expected: "samples x 3 x L (axes x, y, z; L >= 2 samples)",
                got: vec![samples, axes, length],
            });
        }
        memory::check(
            "statistical features",
            memory::bytes_of::<f64>(&[samples, Self::COUNT]),
        )?;
        // Checked here, sequentially and in order, so the error names the
        // first bad value whatever the thread count.
        if let Some(((sample, axis, index), &value)) =
            frames.indexed_iter().find(|(_, v)| !v.is_finite())
        {
            return Err(Error::NonFiniteInput {
                name: "frames",
                index: vec![sample, axis, index],
                value,
            });
        }
        let mut out = Array2::<f64>::zeros((samples, Self::COUNT));
        out.axis_iter_mut(Axis(0))
            .into_par_iter()
            .zip(frames.axis_iter(Axis(0)).into_par_iter())
            .for_each(|(mut row, frame)| {
                for (o, v) in row.iter_mut().zip(features(frame)) {
                    *o = v;
                }
            });
        for (sample, row) in out.axis_iter(Axis(0)).enumerate() {
            check_finite_output(row.iter(), Some(sample))?;
        }
        Ok(out)
    }
}

/// Error for a non-finite feature (an overflow from huge finite input).
fn check_finite_output<'a>(
    sf: impl IntoIterator<Item = &'a f64>,
    sample: Option<usize>,
) -> Result<()> {
    if let Some((k, &value)) = sf.into_iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(Error::FeatureOverflow {
            name: if sample.is_some() { "frames" } else { "frame" },
            feature: StatFeatures::NAMES[k],
            sample,
            value,
        });
    }
    Ok(())
}

/// The exponent `e` with `2^e <= |x| < 2^(e + 1)` for finite nonzero `x`
/// (libm's `ilogb`, subnormals included); 0 for 0.
fn exponent(x: f64) -> i32 {
    if x == 0.0 {
        0
    } else {
        libm::ilogb(x)
    }
}

/// Per-axis statistics used by the features, of the axis scaled by `2^-e`
/// (its largest magnitude in `[1, 2)`), so that no sum overflows.
struct AxisStats {
    /// The scale exponent `e`.
    e: i32,
    /// Mean of the scaled values.
    mean: f64,
    /// Sum of squared centred scaled values.
    css: f64,
    /// Sum of squared scaled values.
    ss: f64,
    /// Smallest and largest (unscaled) value.
    min: f64,
    max: f64,
}

fn axis_stats(v: ArrayView1<f64>) -> AxisStats {
    let n = v.len() as f64;
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for &x in v {
        min = min.min(x);
        max = max.max(x);
    }
    let e = exponent(min.abs().max(max.abs()));
    if min == max {
        // Constant: the mean is the value, the variance exactly 0.
        let m = libm::ldexp(max, -e);
        return AxisStats {
            e,
            mean: m,
            css: 0.0,
            ss: m * m * n,
            min,
            max,
        };
    }
    let (mut sum, mut ss) = (0.0, 0.0);
    for &x in v {
        let x = libm::ldexp(x, -e);
        sum += x;
        ss += x * x;
    }
    let mean = sum / n;
    let css = v
        .iter()
        .map(|&x| {
            let d = libm::ldexp(x, -e) - mean;
            d * d
        })
        .sum();
    AxisStats {
        e,
        mean,
        css,
        ss,
        min,
        max,
    }
}

/// Pearson correlation from two-pass centred sums (scale-free, so the
/// scaled values serve); 0 for a constant axis.
fn pearson(a: ArrayView1<f64>, sa: &AxisStats, b: ArrayView1<f64>, sb: &AxisStats) -> f64 {
    if sa.max == sa.min || sb.max == sb.min || sa.css == 0.0 || sb.css == 0.0 {
        return 0.0;
    }
    let cross: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (libm::ldexp(x, -sa.e) - sa.mean) * (libm::ldexp(y, -sb.e) - sb.mean))
        .sum();
    // Divided one square root at a time (as numpy's corrcoef), which
    // neither overflows nor underflows where the product would.
    (cross / sa.css.sqrt() / sb.css.sqrt()).clamp(-1.0, 1.0)
}

/// `sqrt(sum of squares of ds)` (non-negative `ds`), scaled as `hypot`:
/// finite whenever the true value is.
fn norm(ds: &[f64]) -> f64 {
    let top = ds.iter().fold(0.0f64, |m, &d| m.max(d));
    if top == 0.0 || !top.is_finite() {
        return top;
    }
    let e = exponent(top);
    let ss: f64 = ds
        .iter()
        .map(|&d| {
            let d = libm::ldexp(d, -e);
            d * d
        })
        .sum();
    libm::ldexp(ss.sqrt(), e)
}

/// The features of a validated frame (3 rows, >= 2 finite samples).
fn features(frame: ArrayView2<f64>) -> [f64; StatFeatures::COUNT] {
    let n = frame.ncols() as f64;
    let (x, y, z) = (frame.row(0), frame.row(1), frame.row(2));
    let s = [axis_stats(x), axis_stats(y), axis_stats(z)];
    // Ranges overflow (to +inf) only when the true range is over f64::MAX.
    let d = [
        s[0].max - s[0].min,
        s[1].max - s[1].min,
        s[2].max - s[2].min,
    ];
    let mean = |a: &AxisStats| libm::ldexp(a.mean, a.e);
    // css / n * 2^(2e), in two steps (2^(2e) may not be representable).
    let var = |a: &AxisStats| libm::ldexp(libm::ldexp(a.css / n, a.e), a.e);
    let rms = |a: &AxisStats| libm::ldexp((a.ss / n).sqrt(), a.e);
    [
        mean(&s[0]),
        mean(&s[1]),
        mean(&s[2]),
        var(&s[0]),
        var(&s[1]),
        var(&s[2]),
        rms(&s[0]),
        rms(&s[1]),
        rms(&s[2]),
        pearson(x, &s[0], y, &s[1]),
        pearson(x, &s[0], z, &s[2]),
        pearson(y, &s[1], z, &s[2]),
        d[0],
        d[1],
        d[2],
        norm(&[d[0], d[1]]),
        norm(&[d[0], d[2]]),
        norm(&[d[1], d[2]]),
        norm(&d),
    ]
}
