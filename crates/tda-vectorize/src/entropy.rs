//! Persistent entropy (a scalar) and the entropy summary function.

use tda_persistence::Diagram;

use crate::error::{Error, Result};
use crate::sample_grid::{sample_range_setters, SampleGrid, SampleRange};
use crate::validate::{check_len, validate_diagram};
use crate::vectorizer::{Essential, Vectorizer};

/// The bars of positive length of `d` after the essential policy (bars of
/// length 0 contribute nothing to any entropy), as `(lo, hi, l)` with the
/// length `l` relative to the longest bar (so in `(0, 1]`), and the
/// natural log of the longest length (or of half of it, with
/// `ln_lmax` adding `ln 2`, where a length overflows `f64`). The entropy
/// depends on the ratios `l_i / L` only, so scaling by the longest bar
/// changes nothing but makes every sum `<= n`: no overflow, and no
/// underflow of subnormal lengths.
struct Lengths {
    bars: Vec<(f64, f64, f64)>,
    /// `ln` of the longest bar length (exactly, up to rounding).
    ln_lmax: f64,
}

impl Lengths {
    fn new(essential: Essential, d: &Diagram) -> Self {
        let mut bars: Vec<(f64, f64, f64)> = d
            .pairs
            .iter()
            .filter_map(|p| essential.interval(p))
            .filter(|(lo, hi)| hi > lo)
            .map(|(lo, hi)| (lo, hi, hi - lo))
            .collect();
        let mut lmax = bars.iter().fold(0.0f64, |m, b| m.max(b.2));
        let mut ln_extra = 0.0;
        if lmax.is_infinite() {
            // Halves: exact, except for subnormal lengths (negligible next
            // to one that overflows).
            bars.iter_mut().for_each(|b| b.2 = b.1 * 0.5 - b.0 * 0.5);
            lmax = bars.iter().fold(0.0f64, |m, b| m.max(b.2));
            ln_extra = std::f64::consts::LN_2;
        }
        bars.iter_mut().for_each(|b| b.2 /= lmax);
        Self {
            bars,
            ln_lmax: lmax.ln() + ln_extra,
        }
    }
}

/// `q ln q`, 0 at `q = 0` (its limit): a bar whose ratio to the longest
/// underflows to 0 (a length of 1e-300 next to 1e308) adds nothing.
#[inline]
fn plogp(q: f64) -> f64 {
    if q > 0.0 {
        q * q.ln()
    } else {
        0.0
    }
}

/// How [`PersistenceEntropy`] rescales the entropy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntropyNormalization {
    /// The entropy itself (gudhi's `Entropy(mode="scalar")`, giotto-tda's
    /// `PersistenceEntropy(normalize=False)`). The default.
    #[default]
    Raw,
    /// Divided by `log(n)`, `n` the number of bars of positive length: the
    /// "evenness" `E / log n` in `[0, 1]` (the normalised persistent entropy
    /// of Rucco et al.), 1 exactly when all bars have the same length.
    LogBars,
    /// Divided by `log(L)`, `L` the sum of the bar lengths: giotto-tda's
    /// `PersistenceEntropy(normalize=True)` heuristic (Myers, Munch,
    /// Khasawneh 2019). Negative when `L < 1`.
    LogTotalLength,
}

/// Persistent entropy (Chintakunta, Gentimis, Gonzalez-Diaz, Jimenez, Krim
/// 2015; Atienza et al. 2020): the Shannon entropy of the bar lengths,
///
/// `E = -sum_i (l_i / L) log(l_i / L)`, `l_i = d_i - b_i`, `L = sum_i l_i`,
///
/// over the finite bars left by the essential policy. Output length 1.
///
/// - Logarithm: natural by default (gudhi `representations.Entropy`);
///   [`PersistenceEntropyBuilder::base`] picks another (`2.0` for giotto-tda's
///   `PersistenceEntropy`, whose entropies are in bits).
/// - Bars of length 0 contribute nothing (`0 log 0 = 0`; gudhi returns NaN
///   for a diagram with such a bar) and are not counted by
///   [`EntropyNormalization::LogBars`].
/// - When the entropy is undefined, the builder's
///   [`undefined_value`](PersistenceEntropyBuilder::undefined_value) is
///   written (default `0.0`): when there is no bar of positive length
///   (empty diagram after the policy: gudhi gives 0; only zero-length bars:
///   gudhi and giotto-tda give NaN, giotto-tda then its `nan_fill_value`,
///   default -1), and in the normalised modes when the denominator `log n`
///   or `log L` is 0 (one bar; `L = 1`).
/// - The normalised values do not depend on the base (both logs share it).
/// - A pair with `d < b` (superlevel convention) is the bar `[d, b]`.
/// - [`EntropyNormalization::LogTotalLength`] is undefined also where
///   `L` is within rounding of 1 (`|ln L| <= 4 (n + 1) eps`, `n` bars):
///   there the sign and size of `E / ln L` are decided by the rounding of
///   the bar lengths and their sum, not by the data (bars of lengths
///   0.1 and 0.9 sum to 1 in `f64`, those of `[0.3, 0.7)` and `[0, 0.6)`
///   may not).
///
/// Magnitudes: exact (to rounding) for all finite births and deaths,
/// subnormal and `f64::MAX`-sized bars included: the lengths are divided
/// by the longest before anything is summed (the entropy depends on their
/// ratios only), and taken in halves where `d - b` overflows.
///
/// giotto-tda users: `PersistenceEntropy::builder().base(2.0).build()?` (add
/// `.normalization(EntropyNormalization::LogTotalLength)` for
/// `normalize=True` and `.undefined_value(-1.0)` for its NaN filling;
/// giotto-tda writes a huge finite number where `log L = 0` and `E > 0`).
#[derive(Debug, Clone, PartialEq)]
pub struct PersistenceEntropy {
    base: f64,
    /// `ln(base)`, exactly 1 for the natural logarithm.
    ln_base: f64,
    normalization: EntropyNormalization,
    essential: Essential,
    undefined: f64,
}

/// Builder of a [`PersistenceEntropy`]: each setter stores its value,
/// [`PersistenceEntropyBuilder::build`] checks them all. Defaults: natural
/// logarithm, [`EntropyNormalization::Raw`], essential pairs dropped,
/// undefined entropies written as 0.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistenceEntropyBuilder {
    base: f64,
    normalization: EntropyNormalization,
    essential: Essential,
    undefined: f64,
}

impl Default for PersistenceEntropyBuilder {
    fn default() -> Self {
        Self {
            base: std::f64::consts::E,
            normalization: EntropyNormalization::Raw,
            essential: Essential::Drop,
            undefined: 0.0,
        }
    }
}

impl PersistenceEntropyBuilder {
    /// Logarithms in `base` (finite, `> 0`, `!= 1`; default `e`).
    pub fn base(mut self, base: f64) -> Self {
        self.base = base;
        self
    }

    /// The normalisation (default [`EntropyNormalization::Raw`]).
    pub fn normalization(mut self, normalization: EntropyNormalization) -> Self {
        self.normalization = normalization;
        self
    }

    /// Essential-pair policy (default [`Essential::Drop`]):
    /// [`Essential::ClampDeath`] turns `[b, inf)` into `[b, v]`;
    /// [`Essential::Keep`] is rejected by
    /// [`PersistenceEntropyBuilder::build`], since an infinite bar has an
    /// infinite length.
    pub fn essential(mut self, essential: Essential) -> Self {
        self.essential = essential;
        self
    }

    /// The value written where the entropy is undefined (see
    /// [`PersistenceEntropy`]); any value, NaN included (default 0).
    pub fn undefined_value(mut self, value: f64) -> Self {
        self.undefined = value;
        self
    }

    /// Checks the parameters and builds the entropy.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] named `"base"` (not finite, `> 0` and
    /// `!= 1`) or `"essential"` ([`Essential::Keep`], or
    /// [`Essential::ClampDeath`] with a death that is not finite).
    pub fn build(self) -> Result<PersistenceEntropy> {
        let base = self.base;
        if !(base.is_finite() && base > 0.0 && base != 1.0) {
            return Err(Error::InvalidParameter {
                name: "base",
                value: base,
                reason: "the logarithm base must be finite, > 0 and != 1",
            });
        }
        self.essential
            .validate_finite("entropy needs finite bar lengths: use Drop or ClampDeath")?;
        Ok(PersistenceEntropy {
            base,
            ln_base: if base == std::f64::consts::E {
                1.0
            } else {
                base.ln()
            },
            normalization: self.normalization,
            essential: self.essential,
            undefined: self.undefined,
        })
    }
}

impl Default for PersistenceEntropy {
    fn default() -> Self {
        Self::new()
    }
}

impl PersistenceEntropy {
    /// A builder with the defaults of [`PersistenceEntropyBuilder`].
    pub fn builder() -> PersistenceEntropyBuilder {
        PersistenceEntropyBuilder::default()
    }

    /// The entropy with the builder's defaults (`PersistenceEntropy::builder()
    /// .build()`, which cannot fail): natural logarithm, no normalisation,
    /// essential pairs dropped ([`Essential::Drop`]), undefined entropies
    /// written as 0.
    pub fn new() -> Self {
        Self {
            base: std::f64::consts::E,
            ln_base: 1.0,
            normalization: EntropyNormalization::Raw,
            essential: Essential::Drop,
            undefined: 0.0,
        }
    }

    /// The logarithm base.
    pub fn base(&self) -> f64 {
        self.base
    }

    /// The normalisation.
    pub fn normalization(&self) -> EntropyNormalization {
        self.normalization
    }

    /// The essential-pair policy.
    pub fn essential(&self) -> Essential {
        self.essential
    }

    /// The value written where the entropy is undefined.
    pub fn undefined_value(&self) -> f64 {
        self.undefined
    }

    /// The entropy of `d` in `f64` (the vectorizer writes it as `f32`).
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] for a NaN/infinite birth or a NaN death.
    pub fn entropy(&self, d: &Diagram) -> Result<f64> {
        validate_diagram(d)?;
        let lengths = Lengths::new(self.essential, d);
        let n = lengths.bars.len();
        if n == 0 {
            return Ok(self.undefined);
        }
        // total in [1, n]: the longest bar is 1.
        let total: f64 = lengths.bars.iter().map(|b| b.2).sum();
        let h: f64 = -lengths
            .bars
            .iter()
            .map(|&(_, _, l)| plogp(l / total))
            .sum::<f64>();
        let den = match self.normalization {
            EntropyNormalization::Raw => return Ok(h / self.ln_base),
            EntropyNormalization::LogBars => (n as f64).ln(),
            EntropyNormalization::LogTotalLength => {
                let ln_total = total.ln() + lengths.ln_lmax;
                // Within rounding of ln 1 = 0: undefined (see the docs).
                if ln_total.abs() <= 4.0 * (n as f64 + 1.0) * f64::EPSILON {
                    0.0
                } else {
                    ln_total
                }
            }
        };
        Ok(if den == 0.0 { self.undefined } else { h / den })
    }
}

impl Vectorizer for PersistenceEntropy {
    fn len(&self) -> usize {
        1
    }

    fn transform_into(&self, d: &Diagram, out: &mut [f32]) -> Result<()> {
        check_len(1, out.len())?;
        out[0] = self.entropy(d)? as f32;
        Ok(())
    }
}

/// The entropy summary function (Atienza, Gonzalez-Diaz, Soriano-Trigueros
/// 2020), gudhi's `representations.Entropy(mode="vector")`:
///
/// `S(t) = -sum_{i: t in bar i} (l_i / L) ln(l_i / L)`,
///
/// at `resolution >= 2` samples `linspace(start, end, resolution)` of
/// `sample_range`, optionally divided by its L1 norm (`normalized`, the
/// default, as in gudhi). Output: one value per sample.
///
/// Which samples a bar `[b, d)` covers follows gudhi's index rule exactly:
/// samples `i` with `ceil((b - start) / step) <= i < ceil((d - start) / step)`
/// (clipped to the grid), `step = t_1 - t_0`; this is `b <= t_i < d` up to
/// rounding at exact ties. Differences from gudhi: bars of length 0 add
/// nothing (gudhi's output becomes NaN), and where there is no bar of
/// positive length, or the L1 norm is 0, the output is all zeros (gudhi
/// gives zeros for an empty unnormalised summary, NaN otherwise). Essential
/// pairs follow [`Essential`] (Drop by default, Keep rejected); a pair with
/// `d < b` is the bar `[d, b)`.
///
/// Magnitudes: exact (to rounding) for every finite range
/// (`(-f64::MAX, f64::MAX)` included) and finite births and deaths, as
/// for [`PersistenceEntropy`]; where the range's width overflows, gudhi's
/// index is computed on halved coordinates. Memory: 20 bytes per sample,
/// checked against [`tda_persistence::memory::limit`].
#[derive(Debug, Clone, PartialEq)]
pub struct EntropySummary {
    samples: SampleGrid,
    /// 1, or 1/2 where the range's width overflows (`start` and `step`
    /// are then of the halved coordinates).
    factor: f64,
    start: f64,
    step: f64,
    normalized: bool,
    essential: Essential,
}

/// Builder of an [`EntropySummary`]: each setter stores its value,
/// [`EntropySummaryBuilder::build`] checks them all. Defaults (gudhi's): no
/// sample range (set it, or [`fit`](EntropySummaryBuilder::fit) it to
/// diagrams), 100 samples, L1-normalised; essential pairs dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct EntropySummaryBuilder {
    sample_range: SampleRange,
    resolution: usize,
    normalized: bool,
    essential: Essential,
}

impl Default for EntropySummaryBuilder {
    fn default() -> Self {
        Self {
            sample_range: SampleRange::default(),
            resolution: 100,
            normalized: true,
            essential: Essential::Drop,
        }
    }
}

impl EntropySummaryBuilder {
    sample_range_setters!("Entropy(mode='vector', resolution=n, keep_endpoints=True)");

    /// Whether to divide the summary by its L1 norm (gudhi's `normalized`,
    /// default true).
    pub fn normalized(mut self, normalized: bool) -> Self {
        self.normalized = normalized;
        self
    }

    /// Essential-pair policy (default [`Essential::Drop`];
    /// [`Essential::Keep`] is rejected by [`EntropySummaryBuilder::build`]).
    pub fn essential(mut self, essential: Essential) -> Self {
        self.essential = essential;
        self
    }

    /// Checks the parameters and builds the summary.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroSize`] (`"resolution"` is 0), [`Error::InvalidRange`]
    /// (`"sample_range"` not set, not finite, or with `start >= end`),
    /// [`Error::CannotFit`] (a fitted range the diagrams could not give),
    /// [`Error::TooLarge`] (the samples are over the memory limit),
    /// [`Error::InvalidParameter`] named `"resolution"` (1 sample) or
    /// `"essential"` ([`Essential::Keep`], or [`Essential::ClampDeath`]
    /// with a death that is not finite).
    pub fn build(self) -> Result<EntropySummary> {
        let resolution = self.resolution;
        let samples = SampleGrid::new(
            self.sample_range,
            resolution,
            "entropy summary samples",
            Some(12),
        )?;
        if resolution < 2 {
            return Err(Error::InvalidParameter {
                name: "resolution",
                value: resolution as f64,
                reason: "the entropy summary needs at least 2 samples",
            });
        }
        self.essential
            .validate_finite("entropy needs finite bar lengths: use Drop or ClampDeath")?;
        let t = samples.t();
        // Halved coordinates where the range's width overflows.
        let factor = if (t[resolution - 1] - t[0]).is_finite() {
            1.0
        } else {
            0.5
        };
        let (start, step) = (t[0] * factor, t[1] * factor - t[0] * factor);
        Ok(EntropySummary {
            samples,
            factor,
            start,
            step,
            normalized: self.normalized,
            essential: self.essential,
        })
    }
}

impl EntropySummary {
    /// A builder with the defaults of [`EntropySummaryBuilder`].
    pub fn builder() -> EntropySummaryBuilder {
        EntropySummaryBuilder::default()
    }

    /// Shorthand for `EntropySummary::builder().sample_range(start,
    /// end).resolution(resolution).build()`: the L1-normalised summary at
    /// `resolution` samples of `sample_range`, essential pairs dropped.
    ///
    /// # Errors
    ///
    /// Those of [`EntropySummaryBuilder::build`].
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

    /// Whether the summary is L1-normalised.
    pub fn normalized(&self) -> bool {
        self.normalized
    }

    /// The essential-pair policy.
    pub fn essential(&self) -> Essential {
        self.essential
    }

    /// gudhi's sample index `clip(ceil((x - start) / step), 0, n)`.
    #[inline]
    fn index(&self, x: f64) -> usize {
        let n = self.samples.len();
        let i = ((x * self.factor - self.start) / self.step).ceil();
        if i <= 0.0 {
            0
        } else if i >= n as f64 {
            n
        } else {
            i as usize
        }
    }
}

impl Vectorizer for EntropySummary {
    fn len(&self) -> usize {
        self.samples.len()
    }

    fn transform_into(&self, d: &Diagram, out: &mut [f32]) -> Result<()> {
        check_len(self.len(), out.len())?;
        validate_diagram(d)?;
        out.fill(0.0);
        let lengths = Lengths::new(self.essential, d);
        let total: f64 = lengths.bars.iter().map(|b| b.2).sum();
        if total <= 0.0 {
            return Ok(());
        }
        let mut acc = vec![0.0f64; self.len()];
        for &(lo, hi, l) in &lengths.bars {
            let c = plogp(l / total);
            let (a, b) = (self.index(lo), self.index(hi));
            if a < b {
                acc[a..b].iter_mut().for_each(|s| *s -= c);
            }
        }
        let scale = if self.normalized {
            let norm: f64 = acc.iter().map(|v| v.abs()).sum();
            if norm > 0.0 {
                norm
            } else {
                return Ok(());
            }
        } else {
            1.0
        };
        for (o, s) in out.iter_mut().zip(&acc) {
            *o = (s / scale) as f32;
        }
        Ok(())
    }
}
