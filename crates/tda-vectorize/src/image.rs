//! Persistence images (Adams et al. 2017).

use tda_persistence::Diagram;

use crate::error::{Error, Result};
use crate::pixel_masses::PixelAxis;
use crate::splat::{Layout, Splatter};
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

    /// The weighted points `(b, p, w)` of `d` into `points`: pairs dropped
    /// by the essential policy and the threshold, weights scaled to a
    /// maximum of 1 on the legacy grid (none are left if no weight is
    /// positive there).
    fn weighted_points(&self, d: &Diagram, points: &mut Vec<(f64, f64, f64)>) {
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
            if max_w.is_finite() && max_w > 0.0 {
                points.iter_mut().for_each(|q| q.2 /= max_w);
            } else {
                points.clear();
            }
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
        self.config.resolution.0 * self.config.resolution.1
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
            self.weighted_points(d, points);
            let (img, stride) = splatter.splat(&self.bx, &self.py, points, layout);
            // The padding columns hold zeros, so they change neither.
            let scale = match self.config.normalize {
                Normalize::None => 1.0,
                Normalize::Max => max_of(img),
                Normalize::Sum => img.iter().sum(),
            };
            let inv = if scale > 0.0 && scale.is_finite() {
                1.0 / scale
            } else {
                1.0
            };
            let rows = img.chunks_exact(stride).map(|row| &row[..cols]);
            let convert = |(o, row): (&mut [f32], &[f64])| {
                for (o, v) in o.iter_mut().zip(row) {
                    *o = (v * inv) as f32;
                }
            };
            match self.config.grid {
                Grid::Contiguous => out.chunks_exact_mut(cols).zip(rows).for_each(convert),
                Grid::LegacyPersImage => {
                    out.chunks_exact_mut(cols).rev().zip(rows).for_each(convert)
                }
            }
        });
        Ok(())
    }
}
