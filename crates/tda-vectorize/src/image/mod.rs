//! Persistence images (Adams et al. 2017): the public type
//! [`PersistenceImage`] and its transform here; its builder (parameters,
//! checks, fitting the ranges to diagrams) in `builder.rs`; the weight
//! functions in `weight.rs`; the pixel grids (edges, output layout, memory)
//! in `grid.rs`. The computation: the masses of the pixels along one axis
//! under a point's Gaussian (`pixel_masses.rs`, normal tails from
//! `normal_tail.rs`), a memo of those masses by coordinate (`memo.rs`), and
//! the image as a matrix product of the two axes' masses (`splat.rs`, with
//! the SIMD kernels of `simd.rs`).

mod builder;
mod grid;
mod memo;
mod normal_tail;
mod pixel_masses;
mod simd;
mod splat;
mod weight;

use tda_persistence::Diagram;

pub use builder::PersistenceImageBuilder;
pub use grid::Grid;
pub use weight::Weight;

use crate::error::{Error, Result};
use crate::validate::{check_len, to_f32, validate_diagram};
use crate::vectorizer::{Essential, Vectorizer};
use builder::Params;
use pixel_masses::PixelAxis;
use splat::{Layout, Splatter};

/// An axis of a persistence image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageAxis {
    /// The birth axis (`nx` pixels).
    Birth,
    /// The persistence axis (`ny` pixels).
    Persistence,
}

/// Normalisation applied to each image after it is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Normalize {
    /// Leave the image as computed.
    #[default]
    None,
    /// Divide by the largest pixel value (if it is > 0).
    Max,
    /// Divide by the sum of the pixel values (if it is > 0).
    Sum,
}

/// The persistence threshold of PI-Net's image recipe
/// ([`PersistenceImage::pinet_image`]): bars with `p <= 1.5/255` are
/// dropped. Halfway between one grey level and two, so that rounding of
/// `(k+1)/255 - k/255` (which can land on either side of `1/255`) cannot
/// decide whether a one-level bar is kept.
pub const PINET_IMAGE_MIN_PERSISTENCE: f64 = 1.5 / 255.0;

/// Persistence image of a diagram, in (birth, persistence) coordinates.
///
/// Each kept pair `(b, d)` becomes a point at `(b, p)`, `p = |d - b|`, with
/// weight `w(b, p)`; pixel `[x0, x1] x [y0, y1]` receives the exact integral
/// of the point's isotropic Gaussian (standard deviation `sigma`):
/// `w * (Phi((x1 - b)/s) - Phi((x0 - b)/s)) * (Phi((y1 - p)/s) - Phi((y0 - p)/s))`.
/// The integral is separable, so a point costs one normal-tail evaluation
/// (a table of Taylor polynomials, accurate to double precision) per pixel edge
/// within 8 sigma of it along each axis; the image is then one matrix
/// product over the distinct births, blocked in registers.
/// Layout of the output: see [`Grid`]. Pairs are dropped by the
/// [`Essential`] policy and the optional `min_persistence` threshold
/// (`p <= threshold` is dropped) before weighting.
///
/// Magnitudes: every finite birth and death is placed exactly (to
/// rounding), subnormal ones included, except a pair whose persistence
/// `|d - b|` overflows `f64` ([`Error::PersistenceOverflow`]). Ranges of
/// any finite width up to `f64::MAX`, sigma from the smallest subnormal up
/// to `f64::MAX / 16` and up to `1e100` pixel widths (pixels far narrower
/// than sigma are integrated by the midpoint rule with its second-order
/// correction, where a difference of normal CDFs would cancel). Weights
/// are exact over the whole `f64` range: where they are huge (above
/// `2^500`), tiny (below `2^-500`, subnormals included) or overflow
/// (`p^n` of [`Weight::Power`]), the image is computed with weights scaled
/// by a common factor (a power of two, or `(p / p_max)^n`) and the factor
/// applied when the image is written, where normalisation cancels it.
/// Normalising by a subnormal maximum or sum divides each pixel (its
/// reciprocal would overflow). A pixel beyond `f32::MAX` is refused with
/// [`Error::OutputOverflow`]; no finite input gives NaN or infinity.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistenceImage {
    params: Params,
    /// `nx * ny` (checked when built).
    len: usize,
    bx: PixelAxis,
    py: PixelAxis,
}

impl PersistenceImage {
    /// A builder with the defaults: contiguous 20 x 20 grid over
    /// `[0, 1] x [0, 1]`, sigma 0.1, persistence weight, essential pairs
    /// dropped, no threshold, no normalisation. Its
    /// [`fit`](PersistenceImageBuilder::fit) takes the ranges from a
    /// collection of diagrams instead.
    pub fn builder() -> PersistenceImageBuilder {
        PersistenceImageBuilder::default()
    }

    /// PI-Net's recipe for time series: legacy grid, 50 x 50 pixels,
    /// sigma 0.25, birth range `[-10, 10]`, essential pairs dropped, each
    /// image divided by its maximum.
    pub fn pinet_signal() -> Self {
        Self::from_valid(Self::pinet_params(-10.0, 10.0, 0.25, None))
    }

    /// PI-Net's recipe for images (8-bit values scaled to `[0, 1]`):
    /// legacy grid, 50 x 50 pixels, sigma 0.05, birth range `[0, 1]`,
    /// essential pairs dropped, bars of one grey level dropped, each image
    /// divided by its maximum.
    ///
    /// The threshold is [`PINET_IMAGE_MIN_PERSISTENCE`] (1.5/255, halfway
    /// between one and two grey levels): PI-Net's published sample targets
    /// drop every bar of one grey level and keep every bar of two. The
    /// obvious `p <= 1/255` keeps some one-level bars, because in f64
    /// `(k+1)/255 - k/255` rounds above `1/255` for 48 of the 255 values of
    /// `k`. With this threshold the preset reproduces all 60 channel images
    /// of the published file (`data/pinet-published`) to 1e-6.
    pub fn pinet_image() -> Self {
        Self::from_valid(Self::pinet_params(
            0.0,
            1.0,
            0.05,
            Some(PINET_IMAGE_MIN_PERSISTENCE),
        ))
    }

    /// The presets' parameters (valid: [`PersistenceImageBuilder::build`]
    /// accepts them, which the tests check).
    fn pinet_params(lo: f64, hi: f64, sigma: f64, min_persistence: Option<f64>) -> Params {
        Params {
            birth_range: (lo, hi),
            pers_range: (0.0, 1.0),
            resolution: (50, 50),
            sigma,
            weight: Weight::Persistence,
            grid: Grid::LegacyPersImage,
            essential: Essential::Drop,
            min_persistence,
            normalize: Normalize::Max,
        }
    }

    pub(crate) fn from_valid(params: Params) -> Self {
        let (bx, py) = params.grid.axes(
            params.birth_range,
            params.pers_range,
            params.resolution,
            params.sigma,
        );
        let len = params.resolution.0 * params.resolution.1;
        Self {
            params,
            len,
            bx,
            py,
        }
    }

    /// `(rows, cols)` of the image in the output layout: `(nx, ny)` for
    /// [`Grid::Contiguous`], `(ny, nx)` for [`Grid::LegacyPersImage`].
    pub fn shape(&self) -> (usize, usize) {
        self.params.grid.shape(self.params.resolution)
    }

    /// Range of births covered (for [`Grid::LegacyPersImage`], persim's
    /// `(minBD, maxBD)`), as given or fitted.
    pub fn birth_range(&self) -> (f64, f64) {
        self.params.birth_range
    }

    /// Range of persistences covered by [`Grid::Contiguous`], as given or
    /// fitted (not used by [`Grid::LegacyPersImage`]).
    pub fn pers_range(&self) -> (f64, f64) {
        self.params.pers_range
    }

    /// Number of pixels `(nx, ny)` along the birth and persistence axes.
    pub fn resolution(&self) -> (usize, usize) {
        self.params.resolution
    }

    /// Each pixel's interval `[lower, upper]` along the birth axis (`nx`)
    /// and the persistence axis (`ny`), ascending: the intervals the
    /// transform integrates each point's Gaussian over. For
    /// [`Grid::Contiguous`] they tile the ranges (`linspace(start, end, n +
    /// 1)`, the last edge exactly `end`); for [`Grid::LegacyPersImage`]
    /// they are persim 0.1's lower edges plus the common pixel width (see
    /// there). Where they sit in the output: see [`Grid`].
    pub fn pixel_bounds(&self) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
        (self.bx.bounds(), self.py.bounds())
    }

    /// The Gaussian masses of every pixel along `axis` for a point at
    /// coordinate `c` (its birth or its persistence), written to `out` in
    /// [`pixel_bounds`](Self::pixel_bounds)' order: pixel `i` gets
    /// `Phi((upper_i - c)/sigma) - Phi((lower_i - c)/sigma)`, zero beyond 8
    /// sigma of `c`. These are the separable factors of the transform:
    /// a point of weight `w` adds `w * birth[i] * persistence[j]` to pixel
    /// `(i, j)` (placed as [`Grid`] documents); differentiable layers use
    /// them with the densities at the pixel edges.
    ///
    /// # Errors
    /// [`Error::Shape`] if `out` does not hold one value per pixel of the
    /// axis; [`Error::NonFiniteInput`] for a NaN or infinite `c`.
    pub fn axis_masses(&self, axis: ImageAxis, c: f64, out: &mut [f64]) -> Result<()> {
        let pixels = match axis {
            ImageAxis::Birth => &self.bx,
            ImageAxis::Persistence => &self.py,
        };
        if out.len() != pixels.len() {
            return Err(Error::Shape {
                name: "out",
                expected: "one value per pixel of the axis",
                got: vec![out.len()],
            });
        }
        if !c.is_finite() {
            return Err(Error::NonFiniteInput {
                name: "c",
                index: vec![],
                value: c,
            });
        }
        thread_local! {
            static SCRATCH: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        SCRATCH.with_borrow_mut(|buf| pixels.dense_masses(c, out, buf));
        Ok(())
    }

    /// Standard deviation of the Gaussians.
    pub fn sigma(&self) -> f64 {
        self.params.sigma
    }

    /// Weight function.
    pub fn weight(&self) -> Weight {
        self.params.weight
    }

    /// Pixel grid.
    pub fn grid(&self) -> Grid {
        self.params.grid
    }

    /// Essential-pair policy.
    pub fn essential(&self) -> Essential {
        self.params.essential
    }

    /// Persistence threshold (pairs with `p <= threshold` are dropped), if any.
    pub fn min_persistence(&self) -> Option<f64> {
        self.params.min_persistence
    }

    /// Normalisation of each image.
    pub fn normalize(&self) -> Normalize {
        self.params.normalize
    }

    /// The weighted points `(b, p, w)` of `d` into `points`: pairs dropped
    /// by the essential policy and the threshold, weights scaled to a
    /// maximum of 1 on the legacy grid (none are left if no weight is
    /// positive there). Weights may be scaled by a common factor
    /// `2^-log2_scale` so that they are neither huge nor tiny (see
    /// [`PersistenceImage`]); the image of `points` times `2^log2_scale`
    /// is the persistence image.
    fn weighted_points(&self, d: &Diagram, points: &mut Vec<(f64, f64, f64)>) -> Result<Weighted> {
        let cfg = &self.params;
        points.clear();
        for (index, pair) in d.pairs.iter().enumerate() {
            let Some(death) = cfg.essential.death(pair) else {
                continue;
            };
            let p = (death - pair.birth).abs();
            if p == f64::INFINITY {
                return Err(Error::PersistenceOverflow {
                    index,
                    birth: pair.birth,
                    death,
                });
            }
            if cfg.min_persistence.is_some_and(|t| p <= t) {
                continue;
            }
            points.push((pair.birth, p, cfg.weight.eval(p)));
        }
        let mut log2_scale = 0.0;
        if let Weight::Power(n) = cfg.weight {
            // Power weights that overflow or underflow (the only weights
            // that can): (p / p_max)^n, times p_max^n = 2^(n log2 p_max)
            // (p_max > 0: a weight 0^n = 0 is exact).
            let lost = |q: &(f64, f64, f64)| {
                !q.2.is_finite() || (q.2.abs() < f64::MIN_POSITIVE && q.1 > 0.0)
            };
            let pmax = points.iter().map(|q| q.1).fold(0.0, f64::max);
            if pmax > 0.0 && points.iter().any(lost) {
                points.iter_mut().for_each(|q| q.2 = (q.1 / pmax).powf(n));
                log2_scale = n * pmax.log2();
            }
        }
        // The largest weight, the largest |weight| and the sum of |weight|
        // (plain comparisons: weights are never NaN, and `f64::max`'s NaN
        // handling costs several instructions a point).
        let (mut max_w, mut max_abs, mut abs_sum) = (f64::NEG_INFINITY, 0.0f64, 0.0f64);
        for q in points.iter() {
            let a = q.2.abs();
            max_w = if q.2 > max_w { q.2 } else { max_w };
            max_abs = if a > max_abs { a } else { max_abs };
            abs_sum += a;
        }
        if cfg.grid == Grid::LegacyPersImage {
            if max_w.is_finite() && max_w > 0.0 {
                points.iter_mut().for_each(|q| q.2 /= max_w);
                return Ok(Weighted {
                    log2_scale: 0.0,
                    abs_sum: abs_sum / max_w,
                });
            }
            points.clear();
            return Ok(Weighted {
                log2_scale: 0.0,
                abs_sum: 0.0,
            });
        }
        if log2_scale == 0.0 && max_abs > 0.0 && !(WEIGHT_TINY..=WEIGHT_HUGE).contains(&max_abs) {
            // A power of two: exact, but for weights that become subnormal
            // (negligible next to the largest, which is near 1).
            let k = libm::ilogb(max_abs);
            points.iter_mut().for_each(|q| q.2 = libm::ldexp(q.2, -k));
            return Ok(Weighted {
                log2_scale: k as f64,
                abs_sum: points.iter().map(|q| q.2.abs()).sum(),
            });
        }
        Ok(Weighted {
            log2_scale,
            abs_sum,
        })
    }
}

/// Weights beyond these are scaled (see [`PersistenceImage`]).
const WEIGHT_HUGE: f64 = 3.273390607896142e150; // 2^500
const WEIGHT_TINY: f64 = 3.054936363499605e-151; // 2^-500

/// What [`PersistenceImage::weighted_points`] did to the weights.
struct Weighted {
    /// The image is that of the points times `2^log2_scale`.
    log2_scale: f64,
    /// Sum of the points' `|w|`: no pixel of their image is larger.
    abs_sum: f64,
}

/// How the pixels of the `f64` image become output values.
#[derive(Clone, Copy)]
enum Scale {
    /// `v * factor`.
    Mul(f64),
    /// `v / divisor` (where `1 / divisor` overflows: a subnormal divisor).
    Div(f64),
    /// `v * 2^log2` (where `2^log2` is beyond the `f64` range).
    Log2(f64),
}

impl Scale {
    /// Divides by `s > 0`: by its reciprocal unless that overflows.
    fn divide_by(s: f64) -> Self {
        let inv = 1.0 / s;
        if inv.is_finite() {
            Scale::Mul(inv)
        } else {
            Scale::Div(s)
        }
    }

    /// Multiplies by `2^log2`.
    fn power_of_two(log2: f64) -> Self {
        let f = log2.exp2();
        if log2 == 0.0 {
            Scale::Mul(1.0)
        } else if f.is_finite() && f >= f64::MIN_POSITIVE {
            Scale::Mul(f)
        } else {
            Scale::Log2(log2)
        }
    }

    /// The bound of `|v|` scaled, for `|v| <= bound`.
    fn bound(self, bound: f64) -> f64 {
        match self {
            Scale::Mul(f) => bound * f.abs(),
            Scale::Div(s) => bound / s,
            Scale::Log2(l) => (bound.log2() + l).exp2(),
        }
    }

    #[inline]
    fn apply(self, v: f64) -> f64 {
        match self {
            Scale::Mul(f) => v * f,
            Scale::Div(s) => v / s,
            Scale::Log2(_) if v == 0.0 => 0.0,
            Scale::Log2(l) => (v.abs().log2() + l).exp2().copysign(v),
        }
    }
}

/// Per-thread buffers reused across [`PersistenceImage::transform_into`]
/// calls: the weighted points and the splatting's working memory.
#[derive(Default)]
struct Scratch {
    points: Vec<(f64, f64, f64)>,
    splatter: Splatter,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Largest value of `v` (0 if empty or all negative), eight running maxima
/// at a time so that it vectorises.
fn max_of(v: &[f64]) -> f64 {
    let mut m = [0.0f64; 8];
    let chunks = v.chunks_exact(8);
    let rest = chunks.remainder().iter().fold(0.0, |a: f64, &b| a.max(b));
    for c in chunks {
        for (m, &x) in m.iter_mut().zip(c) {
            *m = if x > *m { x } else { *m };
        }
    }
    m.iter().fold(rest, |a, &b| a.max(b))
}

impl Vectorizer for PersistenceImage {
    fn len(&self) -> usize {
        self.len
    }

    fn transform_into(&self, d: &Diagram, out: &mut [f32]) -> Result<()> {
        check_len(self.len(), out.len())?;
        validate_diagram(d)?;
        let (nx, ny) = self.params.resolution;
        // The legacy grid's output is persistence-major (rows from the
        // highest persistence down), so the f64 image is made so too and
        // each of its rows is one output row.
        let (layout, cols) = match self.params.grid {
            Grid::Contiguous => (Layout::BirthMajor, ny),
            Grid::LegacyPersImage => (Layout::PersistenceMajor, nx),
        };
        SCRATCH.with(|scratch| {
            let Scratch { points, splatter } = &mut *scratch.borrow_mut();
            let weighted = self.weighted_points(d, points)?;
            let (img, stride) = splatter.splat(&self.bx, &self.py, points, layout);
            // The padding columns hold zeros, so they change neither.
            let weights = Scale::power_of_two(weighted.log2_scale);
            let scale = match self.params.normalize {
                Normalize::None => weights,
                Normalize::Max => match max_of(img) {
                    m if m > 0.0 => Scale::divide_by(m),
                    _ => weights,
                },
                Normalize::Sum => match img.iter().sum::<f64>() {
                    s if s > 0.0 && s.is_finite() => Scale::divide_by(s),
                    _ => weights,
                },
            };
            let rows = img.chunks_exact(stride).map(|row| &row[..cols]);
            // Every pixel is at most the sum of |w| (masses are <= 1).
            let fits = scale.bound(weighted.abs_sum * 1.01) <= f32::MAX as f64;
            if let (Scale::Mul(f), true) = (scale, fits) {
                let convert = |(o, row): (&mut [f32], &[f64])| {
                    for (o, v) in o.iter_mut().zip(row) {
                        *o = (v * f) as f32;
                    }
                };
                match self.params.grid {
                    Grid::Contiguous => out.chunks_exact_mut(cols).zip(rows).for_each(convert),
                    Grid::LegacyPersImage => {
                        out.chunks_exact_mut(cols).rev().zip(rows).for_each(convert)
                    }
                }
                return Ok(());
            }
            // Rare: scaled weights, a subnormal divisor, or pixels that
            // may not fit in f32 (checked one by one).
            let nrows = out.len() / cols;
            for (r, row) in rows.enumerate() {
                let out_row = match self.params.grid {
                    Grid::Contiguous => r,
                    Grid::LegacyPersImage => nrows - 1 - r,
                };
                for (c, &v) in row.iter().enumerate() {
                    let at = out_row * cols + c;
                    out[at] = to_f32(at, scale.apply(v))?;
                }
            }
            Ok(())
        })
    }
}
