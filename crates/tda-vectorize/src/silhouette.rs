//! Power-weighted persistence silhouettes, sampled on a uniform grid.

use tda_persistence::Diagram;

use crate::error::{Error, Result};
use crate::sample_grid::{sample_range_setters, SampleGrid, SampleRange};
use crate::validate::{check_len, validate_diagram, write_f32};
use crate::vectorizer::{Essential, Vectorizer};

/// Power-weighted persistence silhouette (Chazal, Fasy, Lecci, Rinaldo,
/// Wasserman 2014, "Stochastic convergence of persistence landscapes and
/// silhouettes"):
///
/// `phi_p(t) = sum_j w_j Lambda_j(t) / sum_j w_j`, with `w_j = (d_j - b_j)^p`
/// and the tent `Lambda_j(t) = max(0, min(t - b_j, d_j - t))`,
///
/// evaluated exactly at `resolution` samples `linspace(start, end,
/// resolution)` of `sample_range` (numpy's formula). Output: one value per
/// sample. Cost: O(pairs x samples inside each bar), like [`crate::Landscape`].
///
/// - `p = 0` is the unweighted mean of the tents; every bar counts in the
///   denominator, zero-length bars included (`0^0 = 1`, as in gudhi).
/// - Weights are computed as `(l_j / l_max)^p` (`l_max` the longest bar), the
///   same ratio without overflow for large `p` (giotto-tda does this only
///   for `p > 8`).
/// - An empty diagram (after the essential policy), or one whose bars all
///   have length 0, gives all zeros (gudhi gives zeros for an empty diagram
///   and NaN when all weights are 0; giotto-tda gives zeros).
/// - A pair with `d < b` (superlevel convention) counts as the bar `[d, b]`
///   of length `b - d`.
///
/// Comparison with the references: gudhi
/// `representations.Silhouette(weight=lambda x: (x[1] - x[0])**p,
/// resolution=n, sample_range=[start, end])` samples the same grid and
/// returns `sqrt(2)` times these values (its tents, like its `Landscape`, are
/// scaled by `sqrt(2)`); this crate follows the paper, persim-style
/// landscapes and giotto-tda, without the factor. giotto-tda's
/// `Silhouette(power=p, n_bins=n)` computes the same function (no `sqrt(2)`)
/// but on a grid it fits itself (from the smallest birth to the largest death
/// seen in `fit`, per homology dimension), so its values agree with these on
/// the same sample positions.
///
/// Magnitudes: exact (to rounding) for every finite range and finite births
/// and deaths. Bar lengths that overflow `f64` (`d - b > f64::MAX`) are
/// taken in halves (the weights `(l_j / l_max)^p` are ratios), the weights
/// are divided by their sum before the tents are added (so the sum never
/// overflows: the silhouette is a weighted mean of tents), and a tent
/// `min(t - b, d - t)` never overflows. A value beyond `f32::MAX` is
/// refused with [`Error::OutputOverflow`]. Memory: 20 bytes per sample,
/// checked against [`tda_persistence::memory::limit`].
#[derive(Debug, Clone, PartialEq)]
pub struct Silhouette {
    samples: SampleGrid,
    power: f64,
    essential: Essential,
}

/// Builder of a [`Silhouette`]: each setter stores its value,
/// [`SilhouetteBuilder::build`] checks them all. Defaults: power 1
/// (giotto-tda's; gudhi's default weight is constant, power 0), no sample
/// range (set it, or [`fit`](SilhouetteBuilder::fit) it to diagrams), 100
/// samples (gudhi's), essential pairs dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct SilhouetteBuilder {
    power: f64,
    sample_range: SampleRange,
    resolution: usize,
    essential: Essential,
}

impl Default for SilhouetteBuilder {
    fn default() -> Self {
        Self {
            power: 1.0,
            sample_range: SampleRange::default(),
            resolution: 100,
            essential: Essential::Drop,
        }
    }
}

impl SilhouetteBuilder {
    sample_range_setters!("Silhouette(resolution=n, keep_endpoints=True)");

    /// The weight exponent `p` (finite, `>= 0`; default 1).
    pub fn power(mut self, power: f64) -> Self {
        self.power = power;
        self
    }

    /// Essential-pair policy (default [`Essential::Drop`]):
    /// [`Essential::ClampDeath`] turns `[b, inf)` into `[b, v]`;
    /// [`Essential::Keep`] is rejected by [`SilhouetteBuilder::build`],
    /// since an infinite bar has an infinite weight.
    pub fn essential(mut self, essential: Essential) -> Self {
        self.essential = essential;
        self
    }

    /// Checks the parameters and builds the silhouette.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] named `"power"` (not finite and `>= 0`)
    /// or `"essential"` ([`Essential::Keep`], or [`Essential::ClampDeath`]
    /// with a death that is not finite), [`Error::ZeroSize`]
    /// (`"resolution"` is 0), [`Error::InvalidRange`] (`"sample_range"` not
    /// set, not finite, or with `start >= end` and more than one sample),
    /// [`Error::CannotFit`] (a fitted range the diagrams could not give),
    /// [`Error::TooLarge`] (the samples are over the memory limit).
    pub fn build(self) -> Result<Silhouette> {
        if !(self.power.is_finite() && self.power >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "power",
                value: self.power,
                reason: "the silhouette weight exponent must be finite and >= 0",
            });
        }
        let samples = SampleGrid::new(
            self.sample_range,
            self.resolution,
            "silhouette samples",
            Some(12),
        )?;
        self.essential.validate_finite(
            "silhouette weights need a finite bar length: use Drop or ClampDeath",
        )?;
        Ok(Silhouette {
            samples,
            power: self.power,
            essential: self.essential,
        })
    }
}

impl Silhouette {
    /// A builder with the defaults of [`SilhouetteBuilder`].
    pub fn builder() -> SilhouetteBuilder {
        SilhouetteBuilder::default()
    }

    /// Shorthand for `Silhouette::builder().power(power).sample_range(start,
    /// end).resolution(resolution).build()`: the silhouette with weight
    /// exponent `power` at `resolution` samples of `sample_range`,
    /// essential pairs dropped.
    ///
    /// # Errors
    ///
    /// Those of [`SilhouetteBuilder::build`].
    pub fn new(power: f64, sample_range: (f64, f64), resolution: usize) -> Result<Self> {
        Self::builder()
            .power(power)
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

    /// The weight exponent `p`.
    pub fn power(&self) -> f64 {
        self.power
    }

    /// The essential-pair policy.
    pub fn essential(&self) -> Essential {
        self.essential
    }
}

impl Vectorizer for Silhouette {
    fn len(&self) -> usize {
        self.samples.len()
    }

    fn transform_into(&self, d: &Diagram, out: &mut [f32]) -> Result<()> {
        check_len(self.len(), out.len())?;
        validate_diagram(d)?;
        let bars = || d.pairs.iter().filter_map(|p| self.essential.interval(p));
        // Bar lengths, halved (exactly, but for subnormals) if one of them
        // overflows: only their ratios matter.
        let halve = bars().any(|(lo, hi)| (hi - lo).is_infinite());
        let length = |lo: f64, hi: f64| {
            if halve {
                hi * 0.5 - lo * 0.5
            } else {
                hi - lo
            }
        };
        let lmax = bars().fold(0.0f64, |m, (lo, hi)| m.max(length(lo, hi)));
        if lmax <= 0.0 {
            // No bar at all, or only zero-length bars: every tent is 0.
            out.fill(0.0);
            return Ok(());
        }
        let weight = |lo: f64, hi: f64| (length(lo, hi) / lmax).powf(self.power);
        // total >= 1: the longest bar has weight 1.
        let total: f64 = bars().map(|(lo, hi)| weight(lo, hi)).sum();
        let t = self.samples.t();
        let mut acc = vec![0.0f64; t.len()];
        for (lo, hi) in bars() {
            // Weights summing to 1: `acc` is a weighted mean of tents and
            // cannot overflow.
            let w = weight(lo, hi) / total;
            // Only samples strictly inside (lo, hi) have a positive tent.
            let a = self.samples.first_above(lo);
            let b = self.samples.first_at_least(hi);
            if w == 0.0 || a >= b {
                continue;
            }
            for (s, &ti) in acc[a..b].iter_mut().zip(&t[a..b]) {
                *s += w * (ti - lo).min(hi - ti);
            }
        }
        write_f32(out, acc)
    }
}
