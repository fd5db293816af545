//! Betti curves and persistence landscapes, sampled on a uniform grid.

use tda_persistence::Diagram;

use crate::error::Result;
use crate::sample_grid::SampleGrid;
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

impl BettiCurve {
    /// `resolution` samples of `sample_range`, essential pairs dropped
    /// ([`Essential::Drop`]; use [`BettiCurve::with_essential`] to count
    /// them as gudhi does, with [`Essential::Keep`]).
    /// [`crate::Error::TooLarge`] if the samples are over the memory limit.
    pub fn new(sample_range: (f64, f64), resolution: usize) -> Result<Self> {
        Ok(Self {
            samples: SampleGrid::new(sample_range, resolution, "Betti curve samples", Some(12))?,
            essential: Essential::Drop,
        })
    }

    /// The same curve with another essential-pair policy.
    pub fn with_essential(mut self, essential: Essential) -> Result<Self> {
        essential.validate()?;
        self.essential = essential;
        Ok(self)
    }

    /// The sample positions.
    pub fn samples(&self) -> &[f64] {
        self.samples.t()
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

impl Landscape {
    /// `num_landscapes` functions at `resolution` samples of
    /// `sample_range`, essential pairs dropped ([`Essential::Drop`]).
    /// [`crate::Error::TooLarge`] if `num_landscapes x resolution` values
    /// are over the memory limit (or overflow).
    pub fn new(num_landscapes: usize, sample_range: (f64, f64), resolution: usize) -> Result<Self> {
        check_size("num_landscapes", num_landscapes)?;
        // Per sample: k tent values (f64) while computing, k outputs (f32).
        let per_sample = (num_landscapes as u64).checked_mul(12);
        Ok(Self {
            samples: SampleGrid::new(sample_range, resolution, "landscape values", per_sample)?,
            num_landscapes,
            essential: Essential::Drop,
        })
    }

    /// The same landscapes with another essential-pair policy
    /// ([`Essential::Keep`] makes a bar `[b, inf)` contribute `t - b`).
    pub fn with_essential(mut self, essential: Essential) -> Result<Self> {
        essential.validate()?;
        self.essential = essential;
        Ok(self)
    }

    /// The sample positions.
    pub fn samples(&self) -> &[f64] {
        self.samples.t()
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
