//! Betti curves and persistence landscapes, sampled on a uniform grid, and
//! what fitting a sample range to diagrams means for every curve.

use tda_persistence::Diagram;

#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::sample_grid::{sample_range_setters, SampleGrid, SampleRange};
use crate::validate::{check_len, check_size, to_f32, validate_diagram};
use crate::vectorizer::{Essential, Vectorizer};

/// Betti curve: the number of bars alive at each sample,
/// `beta(t) = #{pairs: b <= t < d}`, at `resolution` samples
/// `linspace(start, end, resolution)` of `sample_range` (gudhi's and
/// giotto-tda's `BettiCurve` with the same grid). A pair with `d < b`
/// (superlevel convention) counts as the interval `[d, b)`. Output: one
/// value per sample.
///
/// Exact for every finite range (`(-f64::MAX, f64::MAX)` included) and
/// every finite birth and death: the counts compare coordinates, never
/// differences. Memory: 20 bytes per sample (the samples, the output and
/// the counts), checked against [`tda_persistence::memory::limit`].
#[derive(Debug, Clone, PartialEq)]
pub struct BettiCurve {
    samples: SampleGrid,
    essential: Essential,
}

/// Builder of a [`BettiCurve`]: each setter stores its value,
/// [`BettiCurveBuilder::build`] checks them all. Defaults: no sample range
/// (set it, or [`fit`](BettiCurveBuilder::fit) it to diagrams), 100
/// samples (gudhi's default), essential pairs dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct BettiCurveBuilder {
    sample_range: SampleRange,
    resolution: usize,
    essential: Essential,
}

impl Default for BettiCurveBuilder {
    fn default() -> Self {
        Self {
            sample_range: SampleRange::default(),
            resolution: 100,
            essential: Essential::Drop,
        }
    }
}

impl BettiCurveBuilder {
    sample_range_setters!("BettiCurve(resolution=n, keep_endpoints=True)");

    /// Essential-pair policy (default [`Essential::Drop`]; gudhi counts
    /// essential pairs, which is [`Essential::Keep`]).
    pub fn essential(mut self, essential: Essential) -> Self {
        self.essential = essential;
        self
    }

    /// Checks the parameters and builds the curve.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroSize`] (`"resolution"` is 0), [`Error::InvalidRange`]
    /// (`"sample_range"` not set, not finite, or with `start >= end` and
    /// more than one sample), [`Error::CannotFit`] (a fitted range the
    /// diagrams could not give), [`Error::TooLarge`] (the samples are over
    /// the memory limit), [`Error::InvalidParameter`] (`"essential"`:
    /// [`Essential::ClampDeath`] with a death that is not finite).
    pub fn build(self) -> Result<BettiCurve> {
        let samples = SampleGrid::new(
            self.sample_range,
            self.resolution,
            "Betti curve samples",
            Some(12),
        )?;
        self.essential.validate()?;
        Ok(BettiCurve {
            samples,
            essential: self.essential,
        })
    }
}

impl BettiCurve {
    /// A builder with the defaults of [`BettiCurveBuilder`].
    pub fn builder() -> BettiCurveBuilder {
        BettiCurveBuilder::default()
    }

    /// Shorthand for `BettiCurve::builder().sample_range(start,
    /// end).resolution(resolution).build()`: `resolution` samples of
    /// `sample_range`, essential pairs dropped (use the builder's
    /// [`essential`](BettiCurveBuilder::essential) with [`Essential::Keep`]
    /// to count them, as gudhi does).
    ///
    /// # Errors
    ///
    /// Those of [`BettiCurveBuilder::build`].
    pub fn new(sample_range: (f64, f64), resolution: usize) -> Result<Self> {
        Self::builder()
            .sample_range(sample_range.0, sample_range.1)
            .resolution(resolution)
            .build()
    }

    /// The sample positions.
    pub fn samples(&self) -> &[f64] {
        self.samples.t()
    }

    /// The range sampled, as given or fitted.
    pub fn sample_range(&self) -> (f64, f64) {
        self.samples.range()
    }

    /// Number of samples.
    pub fn resolution(&self) -> usize {
        self.samples.len()
    }

    /// The essential-pair policy.
    pub fn essential(&self) -> Essential {
        self.essential
    }
}

impl Vectorizer for BettiCurve {
    fn len(&self) -> usize {
        self.samples.len()
    }

    fn transform_into(&self, d: &Diagram, out: &mut [f32]) -> Result<()> {
        check_len(self.len(), out.len())?;
        validate_diagram(d)?;
        let n = self.len();
        // Difference array: +1 at the first sample >= lo, -1 at the first
        // sample >= hi (index n: past the end), then a prefix sum, so sample
        // i counts the pairs with lo <= t_i < hi. A bar between two samples
        // adds +1 and -1 at the same index, which cancel: no branch on the
        // data, which the many short bars would make unpredictable.
        let mut diff = vec![0i64; n + 1];
        for p in &d.pairs {
            let Some((lo, hi)) = self.essential.interval(p) else {
                continue;
            };
            diff[self.samples.first_at_least(lo)] += 1;
            diff[self.samples.first_at_least(hi)] -= 1;
        }
        let mut acc = 0i64;
        for (o, &dv) in out.iter_mut().zip(&diff) {
            acc += dv;
            *o = acc as f32;
        }
        Ok(())
    }
}

/// Persistence landscapes: `lambda_k(t)` = the k-th largest of
/// `max(0, min(t - b, d - t))` over the pairs, for `k = 1..=num_landscapes`,
/// evaluated exactly at `resolution` samples `linspace(start, end,
/// resolution)` of `sample_range` (persim's exact landscapes, giotto-tda).
/// gudhi's `Landscape` returns `sqrt(2)` times these values. A pair with
/// `d < b` counts as the interval `[d, b]`. Output layout: landscape-major,
/// `lambda_k` at sample `i` in `out[(k - 1) * resolution + i]` (gudhi's
/// layout).
///
/// Exact (to rounding) for every finite range and finite births and
/// deaths: a tent value `min(t - b, d - t)` never overflows, since both
/// differences cannot exceed `f64::MAX` at once. A value beyond `f32::MAX`
/// (bars longer than about `6.8e38`) is refused with
/// [`crate::Error::OutputOverflow`]. Memory: `12 * num_landscapes + 8`
/// bytes per sample, checked against [`tda_persistence::memory::limit`].
#[derive(Debug, Clone, PartialEq)]
pub struct Landscape {
    samples: SampleGrid,
    num_landscapes: usize,
    essential: Essential,
}

/// Builder of a [`Landscape`]: each setter stores its value,
/// [`LandscapeBuilder::build`] checks them all. Defaults (gudhi's): 5
/// landscapes, 100 samples, no sample range (set it, or
/// [`fit`](LandscapeBuilder::fit) it to diagrams); essential pairs dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeBuilder {
    num_landscapes: usize,
    sample_range: SampleRange,
    resolution: usize,
    essential: Essential,
}

impl Default for LandscapeBuilder {
    fn default() -> Self {
        Self {
            num_landscapes: 5,
            sample_range: SampleRange::default(),
            resolution: 100,
            essential: Essential::Drop,
        }
    }
}

impl LandscapeBuilder {
    sample_range_setters!("Landscape(resolution=n, keep_endpoints=True)");

    /// Number of landscape functions `lambda_1..=lambda_k` (default 5).
    pub fn num_landscapes(mut self, num_landscapes: usize) -> Self {
        self.num_landscapes = num_landscapes;
        self
    }

    /// Essential-pair policy (default [`Essential::Drop`];
    /// [`Essential::Keep`] makes a bar `[b, inf)` contribute `t - b`).
    pub fn essential(mut self, essential: Essential) -> Self {
        self.essential = essential;
        self
    }

    /// Checks the parameters and builds the landscapes.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroSize`] (`"num_landscapes"` or `"resolution"` is 0),
    /// [`Error::InvalidRange`] (`"sample_range"` not set, not finite, or
    /// with `start >= end` and more than one sample),
    /// [`Error::CannotFit`] (a fitted range the diagrams could not give),
    /// [`Error::TooLarge`] (`num_landscapes x resolution` values over the
    /// memory limit, or overflowing), [`Error::InvalidParameter`]
    /// (`"essential"`: [`Essential::ClampDeath`] with a death that is not
    /// finite).
    pub fn build(self) -> Result<Landscape> {
        check_size("num_landscapes", self.num_landscapes)?;
        // Per sample: k tent values (f64) while computing, k outputs (f32).
        let per_sample = (self.num_landscapes as u64).checked_mul(12);
        let samples = SampleGrid::new(
            self.sample_range,
            self.resolution,
            "landscape values",
            per_sample,
        )?;
        self.essential.validate()?;
        Ok(Landscape {
            samples,
            num_landscapes: self.num_landscapes,
            essential: self.essential,
        })
    }
}

impl Landscape {
    /// A builder with the defaults of [`LandscapeBuilder`].
    pub fn builder() -> LandscapeBuilder {
        LandscapeBuilder::default()
    }

    /// Shorthand for `Landscape::builder().num_landscapes(num_landscapes)
    /// .sample_range(start, end).resolution(resolution).build()`:
    /// `num_landscapes` functions at `resolution` samples of
    /// `sample_range`, essential pairs dropped.
    ///
    /// # Errors
    ///
    /// Those of [`LandscapeBuilder::build`].
    pub fn new(num_landscapes: usize, sample_range: (f64, f64), resolution: usize) -> Result<Self> {
        Self::builder()
            .num_landscapes(num_landscapes)
            .sample_range(sample_range.0, sample_range.1)
            .resolution(resolution)
            .build()
    }

    /// The sample positions.
    pub fn samples(&self) -> &[f64] {
        self.samples.t()
    }

    /// The range sampled, as given or fitted.
    pub fn sample_range(&self) -> (f64, f64) {
        self.samples.range()
    }

    /// Number of samples per landscape.
    pub fn resolution(&self) -> usize {
        self.samples.len()
    }

    /// Number of landscape functions.
    pub fn num_landscapes(&self) -> usize {
        self.num_landscapes
    }

    /// The essential-pair policy.
    pub fn essential(&self) -> Essential {
        self.essential
    }
}

impl Vectorizer for Landscape {
    fn len(&self) -> usize {
        self.num_landscapes * self.samples.len()
    }

    fn transform_into(&self, d: &Diagram, out: &mut [f32]) -> Result<()> {
        check_len(self.len(), out.len())?;
        validate_diagram(d)?;
        let (k, n) = (self.num_landscapes, self.samples.len());
        // top[i * k ..][..k]: the k largest tent values at sample i, descending.
        let mut top = vec![0.0f64; n * k];
        for p in &d.pairs {
            let Some((lo, hi)) = self.essential.interval(p) else {
                continue;
            };
            // Only samples strictly inside (lo, hi) have a positive tent value.
            let a = self.samples.first_above(lo);
            let b = self.samples.first_at_least(hi);
            for i in a..b {
                let t = self.samples.t()[i];
                let v = (t - lo).min(hi - t);
                let slot = &mut top[i * k..(i + 1) * k];
                if v > slot[k - 1] {
                    let mut j = k - 1;
                    while j > 0 && slot[j - 1] < v {
                        slot[j] = slot[j - 1];
                        j -= 1;
                    }
                    slot[j] = v;
                }
            }
        }
        for (i, slot) in top.chunks_exact(k).enumerate() {
            for (j, &v) in slot.iter().enumerate() {
                out[j * n + i] = to_f32(j * n + i, v)?;
            }
        }
        Ok(())
    }
}
