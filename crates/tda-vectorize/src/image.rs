//! Persistence images (Adams et al. 2017).

use tda_persistence::Diagram;

use crate::error::{Error, Result};
use crate::normal_tail::NormalTail;
use crate::pixel_masses::PixelAxis;
#[cfg(target_arch = "x86_64")]
use crate::simd::Avx2Fma;
use crate::simd::{Portable, Simd, LANES};
use crate::vectorizer::{
    check_len, check_range, check_size, linspace, validate_diagram, Essential, Vectorizer,
};

/// Weight `w(b, p)` of a point at birth `b` and persistence `p`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Weight {
    /// `w = p` (persim's default `persistence` weight with `n = 1`).
    #[default]
    Persistence,
    /// `w = 1`.
    Constant,
    /// persim's `linear_ramp`: `low` for `p < start`, `high` for `p > end`,
    /// linear in between.
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

    /// The weight of a point of persistence `pers` (no variant depends on the birth).
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
                    (pers - start) * (high - low) / (end - start) + low
                }
            }
        }
    }
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
    pub fn build(self) -> Result<PersistenceImage> {
        if !(self.sigma.is_finite() && self.sigma > 0.0) {
            return Err(Error::InvalidSigma { sigma: self.sigma });
        }
        check_size("resolution.0", self.resolution.0)?;
        check_size("resolution.1", self.resolution.1)?;
        check_range("birth_range", self.birth_range)?;
        match self.grid {
            Grid::Contiguous => check_range("pers_range", self.pers_range)?,
            Grid::LegacyPersImage => {
                if self.birth_range.1 <= 0.0 {
                    return Err(Error::InvalidParameter {
                        name: "birth_range.1",
                        value: self.birth_range.1,
                        reason: "the legacy grid needs maxBD > 0",
                    });
                }
            }
        }
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

/// Persistence image of a diagram, in (birth, persistence) coordinates.
///
/// Each kept pair `(b, d)` becomes a point at `(b, p)`, `p = |d - b|`, with
/// weight `w(b, p)`; pixel `[x0, x1] x [y0, y1]` receives the exact integral
/// of the point's isotropic Gaussian (standard deviation `sigma`):
/// `w * (Phi((x1 - b)/s) - Phi((x0 - b)/s)) * (Phi((y1 - p)/s) - Phi((y0 - p)/s))`.
/// The integral is separable, so a point costs one normal-tail evaluation
/// (a table of Taylor polynomials, accurate to double precision) per pixel edge
/// within 8 sigma of it along each axis, plus an outer product.
/// Layout of the output: see [`Grid`]. Pairs are dropped by the
/// [`Essential`] policy and the optional `min_persistence` threshold
/// (`p <= threshold` is dropped) before weighting.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistenceImage {
    config: PersistenceImageBuilder,
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
    /// essential pairs dropped, bars of persistence `<= 1/255` (one grey
    /// level) dropped, each image divided by its maximum. The threshold is
    /// the one that reproduces the paper's published sample targets (see
    /// `PAPERS.md` of the design notes, and `anchors_w4_w6.py`).
    pub fn pinet_image() -> Self {
        Self::from_valid(Self::pinet_builder(0.0, 1.0, 0.05).min_persistence(1.0 / 255.0))
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
        Self { config, bx, py }
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

    /// Adds the image of `d` to `img`, birth-major with row stride
    /// `ny + LANES` (`img[i * (ny + LANES) + j]`), in f64; the padding
    /// columns receive zeros only.
    fn accumulate(&self, d: &Diagram, scratch: &mut Scratch) {
        let Scratch {
            points,
            img,
            masses,
        } = scratch;
        let cfg = &self.config;
        points.clear();
        for pair in &d.pairs {
            let Some(death) = cfg.essential.death(pair) else {
                continue;
            };
            let p = (death - pair.birth).abs();
            if cfg.min_persistence.is_some_and(|t| p <= t) {
                continue;
            }
            points.push((pair.birth, p, cfg.weight.eval(p)));
        }
        if cfg.grid == Grid::LegacyPersImage {
            let max_w = points.iter().map(|q| q.2).fold(f64::NEG_INFINITY, f64::max);
            if !(max_w.is_finite() && max_w > 0.0) {
                return;
            }
            points.iter_mut().for_each(|q| q.2 /= max_w);
        }
        self.splat(points, img, masses);
    }

    /// Adds the Gaussians of the weighted `points` `(b, p, w)` to the
    /// birth-major image `img` (row stride `ny + LANES`). Where the CPU has
    /// AVX2 and FMA (detected at run time, as rustfft does) the kernels run
    /// with AVX2 intrinsics and fused multiply-adds ([`crate::simd`]): the
    /// results then differ from the portable kernels by rounding only, and
    /// never depend on the number of threads.
    fn splat(
        &self,
        points: &[(f64, f64, f64)],
        img: &mut [f64],
        masses: &mut (Vec<f64>, Vec<f64>),
    ) {
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = Avx2Fma::detect() {
            // SAFETY: `detect` found AVX2 and FMA on this CPU.
            unsafe { self.splat_avx2_fma(simd, points, img, masses) };
            return;
        }
        self.splat_with(Portable, points, img, masses);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn splat_avx2_fma(
        &self,
        simd: Avx2Fma,
        points: &[(f64, f64, f64)],
        img: &mut [f64],
        masses: &mut (Vec<f64>, Vec<f64>),
    ) {
        self.splat_with(simd, points, img, masses);
    }

    /// The body of [`PersistenceImage::splat`], with kernels `simd`.
    #[inline(always)]
    fn splat_with<S: Simd>(
        &self,
        simd: S,
        points: &[(f64, f64, f64)],
        img: &mut [f64],
        (bbuf, pbuf): &mut (Vec<f64>, Vec<f64>),
    ) {
        let stride = self.py.len() + LANES;
        let tail = NormalTail::get();
        for &(b, p, w) in points {
            if w == 0.0 {
                continue;
            }
            let Some(bs) = self.bx.masses(simd, b, tail, bbuf) else {
                continue;
            };
            let Some(ps) = self.py.masses(simd, p, tail, pbuf) else {
                continue;
            };
            // Whole chunks of LANES columns: the padding of `ps` is zero and
            // lands in the row's padding columns or adds zero.
            let block = &mut img[bs.first * stride + ps.first..];
            simd.outer(w, bs.masses(), ps.padded, block, stride);
        }
    }
}

/// Per-thread buffers reused across [`PersistenceImage::transform_into`]
/// calls: the weighted points and the f64 image.
#[derive(Default)]
struct Scratch {
    points: Vec<(f64, f64, f64)>,
    img: Vec<f64>,
    /// Masses along the birth and the persistence axis of one point.
    masses: (Vec<f64>, Vec<f64>),
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl Vectorizer for PersistenceImage {
    fn len(&self) -> usize {
        self.config.resolution.0 * self.config.resolution.1
    }

    fn transform_into(&self, d: &Diagram, out: &mut [f32]) -> Result<()> {
        check_len(self.len(), out.len())?;
        validate_diagram(d)?;
        let (nx, ny) = self.config.resolution;
        let stride = ny + LANES;
        SCRATCH.with(|scratch| {
            let scratch = &mut *scratch.borrow_mut();
            let img = &mut scratch.img;
            img.clear();
            img.resize(nx * stride, 0.0);
            self.accumulate(d, scratch);
            let img = &scratch.img;
            // The padding columns hold zeros, so they change neither.
            let scale = match self.config.normalize {
                Normalize::None => 1.0,
                Normalize::Max => img.iter().copied().fold(0.0, f64::max),
                Normalize::Sum => img.iter().sum(),
            };
            let inv = if scale > 0.0 && scale.is_finite() {
                1.0 / scale
            } else {
                1.0
            };
            match self.config.grid {
                Grid::Contiguous => {
                    for (o, row) in out.chunks_exact_mut(ny).zip(img.chunks_exact(stride)) {
                        for (o, v) in o.iter_mut().zip(row) {
                            *o = (v * inv) as f32;
                        }
                    }
                }
                Grid::LegacyPersImage => {
                    for (i, row) in img.chunks_exact(stride).enumerate() {
                        for (j, v) in row[..ny].iter().enumerate() {
                            out[(ny - 1 - j) * nx + i] = (v * inv) as f32;
                        }
                    }
                }
            }
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The f64 image of `points` through `splat` (the kernels this CPU
    /// gets) and through the portable kernels.
    fn both(pi: &PersistenceImage, points: &[(f64, f64, f64)]) -> (Vec<f64>, Vec<f64>) {
        let (nx, ny) = (pi.bx.len(), pi.py.len());
        let mut masses = Default::default();
        let mut fast = vec![0.0; nx * (ny + LANES)];
        pi.splat(points, &mut fast, &mut masses);
        let mut slow = vec![0.0; nx * (ny + LANES)];
        pi.splat_with(Portable, points, &mut slow, &mut masses);
        (fast, slow)
    }

    proptest! {
        #[test]
        fn dispatched_kernels_match_portable(
            sigma in 0.05f64..2.0,
            nx in 1usize..40,
            ny in 1usize..40,
            legacy in any::<bool>(),
            points in prop::collection::vec((-12.0f64..12.0, 0.0f64..12.0, 0.0f64..3.0), 0..30),
        ) {
            let grid = if legacy { Grid::LegacyPersImage } else { Grid::Contiguous };
            let pi = PersistenceImage::builder()
                .grid(grid)
                .resolution(nx, ny)
                .sigma(sigma)
                .birth_range(-10.0, 10.0)
                .pers_range(0.0, 10.0)
                .build()
                .unwrap();
            let (fast, slow) = both(&pi, &points);
            for (i, (f, s)) in fast.iter().zip(&slow).enumerate() {
                prop_assert!((f - s).abs() <= 1e-12 * s.abs().max(1e-300), "pixel {i}: {f:e} vs {s:e}");
                // Padding columns stay zero.
                if i % (ny + LANES) >= ny {
                    prop_assert_eq!(*f, 0.0);
                }
            }
        }
    }
}
