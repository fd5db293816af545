//! Persistence images (Adams et al. 2017).

use tda_persistence::Diagram;

use crate::error::{Error, Result};
use crate::vectorizer::{
    check_len, check_range, check_size, linspace, validate_diagram, Essential, Vectorizer,
};

/// Half-width, in standard deviations, of the window of pixels a point
/// touches along each axis. The Gaussian mass beyond 8 sigma is
/// `Phi(-8) ~ 6.2e-16` of the point's weight, below `f32` resolution.
const CUTOFF_SIGMAS: f64 = 8.0;

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
        self.essential.validate()?;
        if self.essential == Essential::Keep {
            return Err(Error::InvalidParameter {
                name: "essential",
                value: f64::INFINITY,
                reason: "persistence images need a finite death: use Drop or ClampDeath",
            });
        }
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

/// Pixel intervals along one axis.
#[derive(Debug, Clone, PartialEq)]
enum Axis {
    /// `n` pixels tiling `[edges[0], edges[n]]`.
    Contiguous { edges: Vec<f64> },
    /// Pixel `i` is `[lower[i], lower[i] + width]`.
    Legacy { lower: Vec<f64>, width: f64 },
}

/// Upper-tail mass beyond `|z|` of the standard normal: `Phi(-|z|)`.
#[inline]
fn tail(z: f64) -> f64 {
    0.5 * libm::erfc(z.abs() * std::f64::consts::FRAC_1_SQRT_2)
}

/// `Phi(z1) - Phi(z0)` from the tails `t0 = tail(z0)`, `t1 = tail(z1)`,
/// without cancellation when both ends are in the same tail.
#[inline]
fn mass(z0: f64, t0: f64, z1: f64, t1: f64) -> f64 {
    if z0 >= 0.0 {
        t0 - t1
    } else if z1 <= 0.0 {
        t1 - t0
    } else {
        1.0 - t0 - t1
    }
}

/// Clamped `floor` of `x` as an index in `0..=n`.
#[inline]
fn clamp_index(x: f64, n: usize) -> usize {
    if x.is_nan() || x <= 0.0 {
        0
    } else if x >= n as f64 {
        n
    } else {
        x as usize
    }
}

impl Axis {
    fn len(&self) -> usize {
        match self {
            Axis::Contiguous { edges } => edges.len() - 1,
            Axis::Legacy { lower, .. } => lower.len(),
        }
    }

    /// Gaussian masses of the pixels near `c`: returns the first pixel index
    /// and fills `buf` with the masses of the following pixels.
    fn masses(&self, c: f64, sigma: f64, buf: &mut Vec<f64>) -> usize {
        buf.clear();
        let reach = CUTOFF_SIGMAS * sigma;
        match self {
            Axis::Contiguous { edges } => {
                let n = edges.len() - 1;
                let (lo, hi) = (edges[0], edges[n]);
                let step = (hi - lo) / n as f64;
                let i0 = clamp_index(((c - reach - lo) / step).floor(), n);
                let i1 = clamp_index(((c + reach - lo) / step).ceil(), n);
                if i1 <= i0 {
                    return i0;
                }
                let mut z0 = (edges[i0] - c) / sigma;
                let mut t0 = tail(z0);
                for &e in &edges[i0 + 1..=i1] {
                    let z1 = (e - c) / sigma;
                    let t1 = tail(z1);
                    buf.push(mass(z0, t0, z1, t1));
                    z0 = z1;
                    t0 = t1;
                }
                i0
            }
            Axis::Legacy { lower, width } => {
                let n = lower.len();
                let (i0, i1) = if n == 1 {
                    (0, 1)
                } else {
                    let step = (lower[n - 1] - lower[0]) / (n - 1) as f64;
                    let i0 = clamp_index(((c - reach - width - lower[0]) / step).floor() - 1.0, n);
                    let i1 = clamp_index(((c + reach - lower[0]) / step).floor() + 2.0, n);
                    (i0, i1)
                };
                for &l in &lower[i0..i1] {
                    let z0 = (l - c) / sigma;
                    let z1 = (l + width - c) / sigma;
                    buf.push(mass(z0, tail(z0), z1, tail(z1)));
                }
                i0
            }
        }
    }
}

/// Persistence image of a diagram, in (birth, persistence) coordinates.
///
/// Each kept pair `(b, d)` becomes a point at `(b, p)`, `p = |d - b|`, with
/// weight `w(b, p)`; pixel `[x0, x1] x [y0, y1]` receives the exact integral
/// of the point's isotropic Gaussian (standard deviation `sigma`):
/// `w * (Phi((x1 - b)/s) - Phi((x0 - b)/s)) * (Phi((y1 - p)/s) - Phi((y0 - p)/s))`.
/// The integral is separable, so a point costs one `erfc` per pixel edge
/// within 8 sigma of it along each axis, plus an outer product.
/// Layout of the output: see [`Grid`]. Pairs are dropped by the
/// [`Essential`] policy and the optional `min_persistence` threshold
/// (`p <= threshold` is dropped) before weighting.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistenceImage {
    config: PersistenceImageBuilder,
    bx: Axis,
    py: Axis,
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

    /// PI-Net's recipe for images (values in `[0, 1]`): legacy grid,
    /// 50 x 50 pixels, sigma 0.05, birth range `[0, 1]`, essential pairs
    /// dropped, each image divided by its maximum. Add a
    /// `min_persistence` threshold through [`PersistenceImage::builder`] if
    /// small bars should be dropped.
    pub fn pinet_image() -> Self {
        Self::from_valid(Self::pinet_builder(0.0, 1.0, 0.05))
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
                    Axis::Contiguous {
                        edges: linspace(b0, b1, nx + 1),
                    },
                    Axis::Contiguous {
                        edges: linspace(p0, p1, ny + 1),
                    },
                )
            }
            Grid::LegacyPersImage => {
                let max_bd = config.birth_range.1;
                let min_bd = config.birth_range.0.min(0.0);
                let width = max_bd / ny as f64;
                (
                    Axis::Legacy {
                        lower: linspace(min_bd, max_bd, nx),
                        width,
                    },
                    Axis::Legacy {
                        lower: linspace(0.0, max_bd, ny),
                        width,
                    },
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

    /// The image in birth-major order (`img[i * ny + j]`), in f64.
    fn accumulate(&self, d: &Diagram) -> Vec<f64> {
        let (nx, ny) = (self.bx.len(), self.py.len());
        let mut img = vec![0.0f64; nx * ny];
        let cfg = &self.config;
        let mut points: Vec<(f64, f64, f64)> = Vec::with_capacity(d.len());
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
                return img;
            }
            points.iter_mut().for_each(|q| q.2 /= max_w);
        }
        let (mut bbuf, mut pbuf) = (Vec::new(), Vec::new());
        for &(b, p, w) in &points {
            if w == 0.0 {
                continue;
            }
            let i0 = self.bx.masses(b, cfg.sigma, &mut bbuf);
            if bbuf.is_empty() {
                continue;
            }
            let j0 = self.py.masses(p, cfg.sigma, &mut pbuf);
            for (di, &mb) in bbuf.iter().enumerate() {
                let f = w * mb;
                let row = &mut img[(i0 + di) * ny + j0..][..pbuf.len()];
                for (o, &mp) in row.iter_mut().zip(&pbuf) {
                    *o += f * mp;
                }
            }
        }
        img
    }
}

impl Vectorizer for PersistenceImage {
    fn len(&self) -> usize {
        self.config.resolution.0 * self.config.resolution.1
    }

    fn transform_into(&self, d: &Diagram, out: &mut [f32]) -> Result<()> {
        check_len(self.len(), out.len())?;
        validate_diagram(d)?;
        let img = self.accumulate(d);
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
        let (nx, ny) = self.config.resolution;
        match self.config.grid {
            Grid::Contiguous => {
                for (o, v) in out.iter_mut().zip(&img) {
                    *o = (v * inv) as f32;
                }
            }
            Grid::LegacyPersImage => {
                for i in 0..nx {
                    for j in 0..ny {
                        out[(ny - 1 - j) * nx + i] = (img[i * ny + j] * inv) as f32;
                    }
                }
            }
        }
        Ok(())
    }
}
