//! The builder of [`PersistenceImage`]: parameters stored as given, checked
//! once by [`PersistenceImageBuilder::build`], and ranges fitted to a
//! collection of diagrams by [`PersistenceImageBuilder::fit`].

use tda_persistence::{memory, Diagram};

use super::pixel_masses::MIN_WIDTH_OVER_SIGMA;
use super::{Grid, Normalize, PersistenceImage, Weight};
use crate::error::{Error, Result};
use crate::validate::{check_range, check_size};
use crate::vectorizer::Essential;

/// A range as the builder holds it: set by the user, or taken from the
/// diagrams given to [`PersistenceImageBuilder::fit`] when the image is
/// built (so that `fit` and `grid` may come in either order).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bounds {
    Given(f64, f64),
    Fitted,
}

/// The extremes of the finite points `(b, p)` of a collection of diagrams,
/// `p = |d - b|`; `None` if there is no such point.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Extent {
    birth: (f64, f64),
    pers: (f64, f64),
}

impl Extent {
    fn of(diagrams: &[Diagram]) -> Option<Self> {
        let mut birth = (f64::INFINITY, f64::NEG_INFINITY);
        let mut pers = birth;
        for p in diagrams.iter().flat_map(|d| d.iter()) {
            let q = (p.death - p.birth).abs();
            if !(p.birth.is_finite() && q.is_finite()) {
                continue;
            }
            birth = (birth.0.min(p.birth), birth.1.max(p.birth));
            pers = (pers.0.min(q), pers.1.max(q));
        }
        (birth.0 <= birth.1).then_some(Self { birth, pers })
    }
}

/// Builder of a [`PersistenceImage`]: each setter stores its value,
/// [`PersistenceImageBuilder::build`] checks them all. `Default` holds the
/// defaults listed at [`PersistenceImage::builder`].
///
/// ```
/// use tda_persistence::{Diagram, PersistencePair};
/// use tda_vectorize::{PersistenceImage, Vectorizer};
///
/// let train = vec![
///     Diagram::new(0, vec![PersistencePair::new(0.0, 2.0), PersistencePair::new(0.5, 1.0)]),
///     Diagram::new(0, vec![PersistencePair::new(1.0, 4.0), PersistencePair::new(0.0, f64::INFINITY)]),
/// ];
/// let pi = PersistenceImage::builder().fit(&train).resolution(10, 10).sigma(0.2).build().unwrap();
/// // Births 0..1, persistences 0.5..3 (the essential pair is left out).
/// assert_eq!(pi.birth_range(), (0.0, 1.0));
/// assert_eq!(pi.pers_range(), (0.5, 3.0));
/// let images = pi.transform_batch(&train).unwrap();
/// assert_eq!(images.dim(), (2, 100));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PersistenceImageBuilder {
    birth_range: Bounds,
    pers_range: Bounds,
    /// What [`PersistenceImageBuilder::fit`] found (`None` before a fit, or
    /// for diagrams without a finite point).
    extent: Option<Extent>,
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
            birth_range: Bounds::Given(0.0, 1.0),
            pers_range: Bounds::Given(0.0, 1.0),
            extent: None,
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

/// The parameters of a built image, checked and with the ranges resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Params {
    pub birth_range: (f64, f64),
    pub pers_range: (f64, f64),
    pub resolution: (usize, usize),
    pub sigma: f64,
    pub weight: Weight,
    pub grid: Grid,
    pub essential: Essential,
    pub min_persistence: Option<f64>,
    pub normalize: Normalize,
}

impl PersistenceImageBuilder {
    /// Range of births covered (default `(0, 1)`). For
    /// [`Grid::LegacyPersImage`] this is persim's `(minBD, maxBD)`.
    /// Replaces a range set by [`PersistenceImageBuilder::fit`] before.
    pub fn birth_range(mut self, start: f64, end: f64) -> Self {
        self.birth_range = Bounds::Given(start, end);
        self
    }

    /// Range of persistences covered by [`Grid::Contiguous`] (default
    /// `(0, 1)`). Replaces a range set by [`PersistenceImageBuilder::fit`]
    /// before.
    pub fn pers_range(mut self, start: f64, end: f64) -> Self {
        self.pers_range = Bounds::Given(start, end);
        self
    }

    /// Takes both ranges from the finite points of `diagrams` (all of them
    /// together), as persim's `PersistenceImager.fit(diagrams)` and gudhi's
    /// `PersistenceImage(im_range=[nan] * 4).fit(diagrams)` do; a range set
    /// after this call replaces the fitted one.
    ///
    /// The points are the pairs `(b, p)`, `p = |d - b|`, with `b` and `p`
    /// finite: essential pairs are left out whatever the [`Essential`]
    /// policy (persim and gudhi need them removed first), and so are pairs
    /// with a NaN (which [`crate::Vectorizer::transform`] refuses anyway).
    /// The [`min_persistence`](PersistenceImageBuilder::min_persistence)
    /// threshold does not apply to the fit. At build, according to the
    /// grid (so `fit` and [`grid`](PersistenceImageBuilder::grid) may come
    /// in either order):
    ///
    /// - [`Grid::Contiguous`]: `birth_range = (min b, max b)` and
    ///   `pers_range = (min p, max p)`, exactly gudhi's fitted `im_range`.
    ///   persim takes the same extremes, then widens each range
    ///   symmetrically to a whole number of its square pixels of side
    ///   `pixel_size` (and derives the resolution from it); with a
    ///   resolution given instead there is nothing to pad, so these are
    ///   persim's ranges before its padding. To get persim's grid, widen
    ///   the fitted ranges the same way and set them explicitly.
    /// - [`Grid::LegacyPersImage`]: persim 0.1 `PersImage`'s automatic
    ///   `specs` (used when it is given none), `minBD = min(0, min b)`
    ///   and `maxBD = max(0, max b, max p)`, as `birth_range`.
    ///
    /// Where the diagrams hold no finite point, or a fitted range is empty
    /// (every point has the same birth, or the same persistence, or
    /// `maxBD = 0`), [`PersistenceImageBuilder::build`] returns
    /// [`Error::CannotFit`] naming the range: such ranges would give a
    /// zero-width image (persim) or NaN pixels (gudhi).
    pub fn fit(mut self, diagrams: &[Diagram]) -> Self {
        self.extent = Extent::of(diagrams);
        self.birth_range = Bounds::Fitted;
        self.pers_range = Bounds::Fitted;
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
    /// [`super::PINET_IMAGE_MIN_PERSISTENCE`] does.
    pub fn min_persistence(mut self, threshold: f64) -> Self {
        self.min_persistence = Some(threshold);
        self
    }

    /// Normalisation of each image (default [`Normalize::None`]).
    pub fn normalize(mut self, normalize: Normalize) -> Self {
        self.normalize = normalize;
        self
    }

    /// Checks the parameters and builds the vectorizer.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSigma`] (sigma not finite and > 0),
    /// [`Error::ZeroSize`] (`resolution.0` or `resolution.1` is 0),
    /// [`Error::CannotFit`] (a range to be fitted that the diagrams given
    /// to [`fit`](PersistenceImageBuilder::fit) cannot give),
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
        let (birth_range, pers_range) = self.ranges()?;
        check_range("birth_range", birth_range)?;
        let span = |name, (start, end): (f64, f64)| {
            if (end - start).is_finite() {
                Ok(())
            } else {
                Err(Error::InvalidParameter {
                    name,
                    value: end - start,
                    reason: "the width end - start of the range overflows f64",
                })
            }
        };
        match self.grid {
            Grid::Contiguous => {
                check_range("pers_range", pers_range)?;
                span("birth_range", birth_range)?;
                span("pers_range", pers_range)?;
            }
            Grid::LegacyPersImage => {
                let max_bd = birth_range.1;
                if max_bd <= 0.0 {
                    return Err(Error::InvalidParameter {
                        name: "birth_range.1",
                        value: max_bd,
                        reason: "the legacy grid needs maxBD > 0",
                    });
                }
                span("birth_range", (birth_range.0.min(0.0), max_bd))?;
            }
        }
        let widths = self
            .grid
            .pixel_widths(birth_range, pers_range, self.resolution);
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
        memory::check("persistence image", self.grid.image_bytes(self.resolution))?;
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
        Ok(PersistenceImage::from_valid(Params {
            birth_range,
            pers_range,
            resolution: self.resolution,
            sigma: self.sigma,
            weight: self.weight,
            grid: self.grid,
            essential: self.essential,
            min_persistence: self.min_persistence,
            normalize: self.normalize,
        }))
    }

    /// `(birth_range, pers_range)`, fitted ones taken from the extent for
    /// the grid ([`Error::CannotFit`] where that gives no range or an empty
    /// one).
    fn ranges(&self) -> Result<((f64, f64), (f64, f64))> {
        type Pick = fn(&Extent, Grid) -> Option<(f64, f64)>;
        let fitted = |name: &'static str, pick: Pick| {
            let extent = self.extent.as_ref().ok_or(Error::CannotFit {
                name,
                reason: "the diagrams hold no pair with a finite birth and persistence",
            })?;
            pick(extent, self.grid).ok_or(Error::CannotFit {
                name,
                reason: "the fitted range is empty (every finite pair has the same value \
                         there, or maxBD = 0 on the legacy grid); set this range explicitly",
            })
        };
        let birth_range = match self.birth_range {
            Bounds::Given(start, end) => (start, end),
            Bounds::Fitted => fitted("birth_range", |e, grid| {
                let (lo, hi) = match grid {
                    Grid::Contiguous => e.birth,
                    Grid::LegacyPersImage => (e.birth.0.min(0.0), e.birth.1.max(e.pers.1)),
                };
                let nonempty = match grid {
                    Grid::Contiguous => lo < hi,
                    Grid::LegacyPersImage => hi > 0.0,
                };
                nonempty.then_some((lo, hi))
            })?,
        };
        let pers_range = match (self.pers_range, self.grid) {
            (Bounds::Given(start, end), _) => (start, end),
            // Not used by the legacy grid: the extent as it is, if any.
            (Bounds::Fitted, Grid::LegacyPersImage) => self.extent.map_or((0.0, 1.0), |e| e.pers),
            (Bounds::Fitted, Grid::Contiguous) => fitted("pers_range", |e, _| {
                let (lo, hi) = e.pers;
                (lo < hi).then_some((lo, hi))
            })?,
        };
        Ok((birth_range, pers_range))
    }
}
