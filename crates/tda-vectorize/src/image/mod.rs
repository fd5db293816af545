//! Persistence images (Adams et al. 2017).

mod memo;
mod normal_tail;
mod pixel_masses;
mod simd;
mod splat;

use tda_persistence::{memory, Diagram};

use crate::error::{Error, Result};
use crate::sample_grid::linspace;
use crate::validate::{check_len, check_range, check_size, to_f32, validate_diagram};
use crate::vectorizer::{Essential, Vectorizer};
use pixel_masses::{PixelAxis, MIN_WIDTH_OVER_SIGMA};
use simd::LANES;
use splat::{Layout, Splatter};

/// Weight `w(b, p)` of a point at birth `b` and persistence `p`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Weight {
    /// `w = p` (persim's default `persistence` weight with `n = 1`).
    #[default]
    Persistence,
    /// `w = 1`.
    Constant,
    /// persim's `linear_ramp`: `low` for `p < start`, `high` for `p > end`,
    /// linear in between. As in persim, `p` is the persistence as computed
    /// in `f64` (`|death - birth|`, rounded), so a bar whose exact
    /// persistence is `start` or `end` may fall on either side. Where
    /// persim's formula overflows (`high - low` or `end - start` beyond
    /// `f64::MAX`) the weight is `low (1 - t) + high t`, exact to rounding
    /// relative to `max(|low|, |high|)`.
    LinearRamp {
        /// Weight below `start`.
        low: f64,
        /// Weight above `end`.
        high: f64,
        /// Persistence where the ramp starts.
        start: f64,
        /// Persistence where the ramp ends (`> start`).
        end: f64,
    },
    /// `w = p^n` for `n > 0` (persim's `persistence` weight with parameter `n`).
    Power(f64),
}

impl Weight {
    fn validate(self) -> Result<()> {
        let bad = |value: f64, reason| {
            Err(Error::InvalidParameter {
                name: "weight",
                value,
                reason,
            })
        };
        match self {
            Weight::Persistence | Weight::Constant => Ok(()),
            Weight::Power(n) if !(n.is_finite() && n > 0.0) => {
                bad(n, "the exponent of Power must be finite and > 0")
            }
            Weight::Power(_) => Ok(()),
            Weight::LinearRamp {
                low,
                high,
                start,
                end,
            } => {
                for v in [low, high, start, end] {
                    if !v.is_finite() {
                        return bad(v, "LinearRamp values must be finite");
                    }
                }
                if start >= end {
                    return bad(end, "LinearRamp needs start < end");
                }
                Ok(())
            }
        }
    }

    /// The weight of a point of persistence `pers` (no variant depends on
    /// the birth). Finite for every finite `pers` except [`Weight::Power`],
    /// which may overflow (or underflow): see [`PersistenceImage`] for how
    /// that is handled.
    #[inline]
    fn eval(self, pers: f64) -> f64 {
        match self {
            Weight::Persistence => pers,
            Weight::Constant => 1.0,
            Weight::Power(n) => pers.powf(n),
            Weight::LinearRamp {
                low,
                high,
                start,
                end,
            } => {
                if pers < start {
                    low
                } else if pers > end {
                    high
                } else {
                    let v = (pers - start) * (high - low) / (end - start) + low;
                    if v.is_finite() {
                        v
                    } else {
                        ramp_without_overflow(pers, low, high, start, end)
                    }
                }
            }
        }
    }
}

/// persim's linear ramp at `start <= pers <= end`, where the direct formula
/// overflows (`high - low`, `end - start` or a product beyond `f64::MAX`):
/// the fraction `t` of the ramp on halved coordinates if need be, then
/// `low (1 - t) + high t`, which stays between `low` and `high`.
#[cold]
fn ramp_without_overflow(pers: f64, low: f64, high: f64, start: f64, end: f64) -> f64 {
    let t = if (end - start).is_finite() {
        (pers - start) / (end - start)
    } else {
        (pers * 0.5 - start * 0.5) / (end * 0.5 - start * 0.5)
    };
    let t = t.clamp(0.0, 1.0);
    low * (1.0 - t) + high * t
}

/// How pixels are laid out in the (birth, persistence) plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grid {
    /// persim `PersistenceImager`: `nx` x `ny` pixels tile
    /// `birth_range x pers_range` exactly. Output layout: birth-major, value
    /// of birth pixel `i` and persistence pixel `j` at `out[i * ny + j]`,
    /// i.e. persim's `(n_birth, n_pers)` image flattened row-major.
    #[default]
    Contiguous,
    /// persim 0.1 `PersImage` (the grid of PI-Net's published targets), with
    /// `specs = {"minBD": birth_range.0, "maxBD": birth_range.1}`:
    /// birth-pixel lower edges `linspace(min(minBD, 0), maxBD, nx)`,
    /// persistence-pixel lower edges `linspace(0, maxBD, ny)`, every pixel
    /// `maxBD / ny` wide (pixels overlap or leave gaps: they do not tile).
    /// `pers_range` is not used; `maxBD` must be > 0. Weights are divided by
    /// the largest weight among the diagram's kept points (with the default
    /// [`Weight::Persistence`] that is persim's `persistence / max
    /// persistence`); a diagram whose largest weight is not > 0 gives zeros.
    /// Output layout: persim's `(ny, nx)` image flattened row-major, rows =
    /// persistence descending, columns = birth ascending: persistence pixel
    /// `j`, birth pixel `i` at `out[(ny - 1 - j) * nx + i]`.
    LegacyPersImage,
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

/// Builder of a [`PersistenceImage`]; [`PersistenceImageBuilder::build`]
/// validates the parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistenceImageBuilder {
    birth_range: (f64, f64),
    pers_range: (f64, f64),
    resolution: (usize, usize),
    sigma: f64,
    weight: Weight,
    grid: Grid,
    essential: Essential,
    min_persistence: Option<f64>,
    normalize: Normalize,
}

impl Default for PersistenceImageBuilder {
    fn default() -> Self {
        Self {
            birth_range: (0.0, 1.0),
            pers_range: (0.0, 1.0),
            resolution: (20, 20),
            sigma: 0.1,
            weight: Weight::Persistence,
            grid: Grid::Contiguous,
            essential: Essential::Drop,
            min_persistence: None,
            normalize: Normalize::None,
        }
    }
}

impl PersistenceImageBuilder {
    /// Range of births covered (default `(0, 1)`). For
    /// [`Grid::LegacyPersImage`] this is persim's `(minBD, maxBD)`.
    pub fn birth_range(mut self, start: f64, end: f64) -> Self {
        self.birth_range = (start, end);
        self
    }

    /// Range of persistences covered by [`Grid::Contiguous`] (default `(0, 1)`).
    pub fn pers_range(mut self, start: f64, end: f64) -> Self {
        self.pers_range = (start, end);
        self
    }

    /// Number of pixels `(nx, ny)` along the birth and persistence axes
    /// (default `(20, 20)`).
    pub fn resolution(mut self, nx: usize, ny: usize) -> Self {
        self.resolution = (nx, ny);
        self
    }

    /// Standard deviation of the Gaussian placed on each point (default 0.1).
    /// persim's `PersistenceImager` takes the variance `sigma^2` instead.
    pub fn sigma(mut self, sigma: f64) -> Self {
        self.sigma = sigma;
        self
    }

    /// Weight function (default [`Weight::Persistence`]).
    pub fn weight(mut self, weight: Weight) -> Self {
        self.weight = weight;
        self
    }

    /// Pixel grid (default [`Grid::Contiguous`]).
    pub fn grid(mut self, grid: Grid) -> Self {
        self.grid = grid;
        self
    }

    /// Essential-pair policy (default [`Essential::Drop`]; [`Essential::Keep`]
    /// is rejected by [`PersistenceImageBuilder::build`]).
    pub fn essential(mut self, essential: Essential) -> Self {
        self.essential = essential;
        self
    }

    /// Drop pairs with persistence `<= threshold` (default: keep all).
    ///
    /// The comparison is made on the persistence as computed in `f64`,
    /// `|death - birth|`, which is rounded: for quantised data (values on
    /// a grid of step `h`, such as `k / 255`) a bar of exactly `h` can
    /// come out a little above or below `h`, so `threshold = h` keeps some
    /// of them and drops others. Put the threshold between two levels
    /// (`1.5 h` to drop bars of one level and keep those of two), as
    /// [`PINET_IMAGE_MIN_PERSISTENCE`] does.
    pub fn min_persistence(mut self, threshold: f64) -> Self {
        self.min_persistence = Some(threshold);
        self
    }

    /// Normalisation of each image (default [`Normalize::None`]).
    pub fn normalize(mut self, normalize: Normalize) -> Self {
        self.normalize = normalize;
        self
    }

    /// Validates the parameters and builds the vectorizer.
    ///
    /// Errors: [`Error::InvalidSigma`] (sigma not finite and > 0),
    /// [`Error::ZeroSize`] (`resolution.0` or `resolution.1` is 0),
    /// [`Error::InvalidRange`] (a range not finite with start < end),
    /// [`Error::InvalidParameter`] for a range whose width `end - start`
    /// overflows `f64` (named after the range), for a sigma above
    /// `f64::MAX / 16` or over `1e100` pixel widths (named `"sigma"`: the
    /// windows overflow, or the pixel masses underflow), for the legacy
    /// grid's `maxBD <= 0`, a bad [`Weight`], [`Essential::Keep`] or a
    /// threshold that is not finite and `>= 0`; [`Error::TooLarge`] when
    /// the image (its output, the `f64` image it is computed in and the
    /// pixel edges) is over [`memory::limit`], checked with overflow-free
    /// arithmetic before anything is allocated.
    pub fn build(self) -> Result<PersistenceImage> {
        if !(self.sigma.is_finite() && self.sigma > 0.0) {
            return Err(Error::InvalidSigma { sigma: self.sigma });
        }
        let (nx, ny) = self.resolution;
        check_size("resolution.0", nx)?;
        check_size("resolution.1", ny)?;
        check_range("birth_range", self.birth_range)?;
        let span = |name, (start, end): (f64, f64)| {
            let width = end - start;
            if width.is_finite() {
                Ok(width)
            } else {
                Err(Error::InvalidParameter {
                    name,
                    value: width,
                    reason: "the width end - start of the range overflows f64",
                })
            }
        };
        // Pixel widths along the birth and the persistence axis.
        let widths = match self.grid {
            Grid::Contiguous => {
                check_range("pers_range", self.pers_range)?;
                let bw = span("birth_range", self.birth_range)? / nx as f64;
                let pw = span("pers_range", self.pers_range)? / ny as f64;
                (bw, pw)
            }
            Grid::LegacyPersImage => {
                let max_bd = self.birth_range.1;
                if max_bd <= 0.0 {
                    return Err(Error::InvalidParameter {
                        name: "birth_range.1",
                        value: max_bd,
                        reason: "the legacy grid needs maxBD > 0",
                    });
                }
                span("birth_range", (self.birth_range.0.min(0.0), max_bd))?;
                let w = max_bd / ny as f64;
                (w, w)
            }
        };
        if !(self.sigma * 16.0).is_finite() {
            return Err(Error::InvalidParameter {
                name: "sigma",
                value: self.sigma,
                reason: "sigma must be at most f64::MAX / 16 (its 8-sigma windows overflow)",
            });
        }
        for w in [widths.0, widths.1] {
            if (w / self.sigma).is_nan() || w / self.sigma < MIN_WIDTH_OVER_SIGMA {
                return Err(Error::InvalidParameter {
                    name: "sigma",
                    value: self.sigma,
                    reason: "sigma is over 1e100 pixel widths: the pixel masses would underflow",
                });
            }
        }
        memory::check("persistence image", image_bytes(self.grid, nx, ny))?;
        self.weight.validate()?;
        self.essential
            .validate_finite("persistence images need a finite death: use Drop or ClampDeath")?;
        if let Some(t) = self.min_persistence {
            if !(t.is_finite() && t >= 0.0) {
                return Err(Error::InvalidParameter {
                    name: "min_persistence",
                    value: t,
                    reason: "the threshold must be finite and >= 0",
                });
            }
        }
        Ok(PersistenceImage::from_valid(self))
    }
}

/// Bytes a persistence image of `nx x ny` pixels allocates: the `f32`
/// output, the `f64` image (rows padded by `LANES`), the pixel edges and
/// the masses of one point along each axis (`None` on overflow).
fn image_bytes(grid: Grid, nx: usize, ny: usize) -> Option<u64> {
    let (rows, cols) = match grid {
        Grid::Contiguous => (nx, ny),
        Grid::LegacyPersImage => (ny, nx),
    };
    let axes = nx.checked_add(ny)?.checked_add(2 * LANES + 2)?;
    memory::sum(&[
        memory::bytes_of::<f32>(&[nx, ny]),
        memory::bytes_of::<f64>(&[rows, cols.checked_add(LANES)?]),
        memory::bytes_of::<f64>(&[3, axes]),
    ])
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
    config: PersistenceImageBuilder,
    /// `nx * ny` (checked when built).
    len: usize,
    bx: PixelAxis,
    py: PixelAxis,
}

impl PersistenceImage {
    /// A builder with the defaults: contiguous 20 x 20 grid over
    /// `[0, 1] x [0, 1]`, sigma 0.1, persistence weight, essential pairs
    /// dropped, no threshold, no normalisation.
    pub fn builder() -> PersistenceImageBuilder {
        PersistenceImageBuilder::default()
    }

    /// PI-Net's recipe for time series: legacy grid, 50 x 50 pixels,
    /// sigma 0.25, birth range `[-10, 10]`, essential pairs dropped, each
    /// image divided by its maximum.
    pub fn pinet_signal() -> Self {
        Self::from_valid(Self::pinet_builder(-10.0, 10.0, 0.25))
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
        Self::from_valid(
            Self::pinet_builder(0.0, 1.0, 0.05).min_persistence(PINET_IMAGE_MIN_PERSISTENCE),
        )
    }

    fn pinet_builder(lo: f64, hi: f64, sigma: f64) -> PersistenceImageBuilder {
        Self::builder()
            .grid(Grid::LegacyPersImage)
            .birth_range(lo, hi)
            .resolution(50, 50)
            .sigma(sigma)
            .normalize(Normalize::Max)
    }

    fn from_valid(config: PersistenceImageBuilder) -> Self {
        let (nx, ny) = config.resolution;
        let (bx, py) = match config.grid {
            Grid::Contiguous => {
                let (b0, b1) = config.birth_range;
                let (p0, p1) = config.pers_range;
                (
                    PixelAxis::contiguous(linspace(b0, b1, nx + 1), config.sigma),
                    PixelAxis::contiguous(linspace(p0, p1, ny + 1), config.sigma),
                )
            }
            Grid::LegacyPersImage => {
                let max_bd = config.birth_range.1;
                let min_bd = config.birth_range.0.min(0.0);
                let width = max_bd / ny as f64;
                (
                    PixelAxis::legacy(linspace(min_bd, max_bd, nx), width, config.sigma),
                    PixelAxis::legacy(linspace(0.0, max_bd, ny), width, config.sigma),
                )
            }
        };
        let len = nx * ny;
        Self {
            config,
            len,
            bx,
            py,
        }
    }

    /// `(rows, cols)` of the image in the output layout: `(nx, ny)` for
    /// [`Grid::Contiguous`], `(ny, nx)` for [`Grid::LegacyPersImage`].
    pub fn shape(&self) -> (usize, usize) {
        let (nx, ny) = self.config.resolution;
        match self.config.grid {
            Grid::Contiguous => (nx, ny),
            Grid::LegacyPersImage => (ny, nx),
        }
    }

    /// Standard deviation of the Gaussians.
    pub fn sigma(&self) -> f64 {
        self.config.sigma
    }

    /// Pixel grid.
    pub fn grid(&self) -> Grid {
        self.config.grid
    }

    /// The weighted points `(b, p, w)` of `d` into `points`: pairs dropped
    /// by the essential policy and the threshold, weights scaled to a
    /// maximum of 1 on the legacy grid (none are left if no weight is
    /// positive there). Weights may be scaled by a common factor
    /// `2^-log2_scale` so that they are neither huge nor tiny (see
    /// [`PersistenceImage`]); the image of `points` times `2^log2_scale`
    /// is the persistence image.
    fn weighted_points(&self, d: &Diagram, points: &mut Vec<(f64, f64, f64)>) -> Result<Weighted> {
        let cfg = &self.config;
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
        let (nx, ny) = self.config.resolution;
        // The legacy grid's output is persistence-major (rows from the
        // highest persistence down), so the f64 image is made so too and
        // each of its rows is one output row.
        let (layout, cols) = match self.config.grid {
            Grid::Contiguous => (Layout::BirthMajor, ny),
            Grid::LegacyPersImage => (Layout::PersistenceMajor, nx),
        };
        SCRATCH.with(|scratch| {
            let Scratch { points, splatter } = &mut *scratch.borrow_mut();
            let weighted = self.weighted_points(d, points)?;
            let (img, stride) = splatter.splat(&self.bx, &self.py, points, layout);
            // The padding columns hold zeros, so they change neither.
            let weights = Scale::power_of_two(weighted.log2_scale);
            let scale = match self.config.normalize {
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
                match self.config.grid {
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
                let out_row = match self.config.grid {
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
