//! [`MelStandardizer`]: per-mel-band standardisation fitted on training
//! spectrograms.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use crate::error::{Error, Result};

/// Standardises log-mel spectrograms per mel band:
///
/// ```text
/// y[t, m] = (x[t, m] - mean[m]) / s[m],   s[m] = std[m] if std[m] > 0, else 1
/// ```
///
/// where `mean[m]` and `std[m]` are the mean and the population standard
/// deviation (`ddof = 0`, numpy's `std` default) of band `m` over every
/// frame of every training spectrogram (frames pooled, so a long clip
/// weighs more than a short one): what
/// `np.concatenate(train).mean(axis=0)` and `.std(axis=0)` give, computed
/// in two passes in `f64`. A band constant over the training set (`std`
/// 0, e.g. silent high bands) is only centred: it is divided by 1, not by
/// 0. Fit on the training split only, then apply the same standardiser to
/// validation and test clips.
///
/// ```
/// use ndarray::array;
/// use tda_io::audio::MelStandardizer;
/// let a = array![[1.0, 7.0], [2.0, 7.0], [3.0, 7.0]];
/// let b = array![[4.0, 7.0], [5.0, 7.0]];
/// let st = MelStandardizer::fit(&[a.view(), b.view()]).unwrap();
/// assert_eq!(st.mean(), [3.0, 7.0]);
/// assert_eq!(st.std(), [2f64.sqrt(), 0.0]);
/// let y = st.transform(b.view()).unwrap();
/// assert_eq!(y, array![[1.0 / 2f64.sqrt(), 0.0], [2.0 / 2f64.sqrt(), 0.0]]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MelStandardizer {
    mean: Vec<f64>,
    std: Vec<f64>,
}

impl MelStandardizer {
    /// Fits the per-band mean and population standard deviation over all
    /// frames of `spectrograms`, each of shape `(frames, n_mels)`.
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] if there is no spectrogram, no frame in all of
    /// them, or no mel band;
    /// [`Error::MelCount`] naming the first spectrogram whose band count
    /// differs from the first one's;
    /// [`Error::NonFiniteFrame`] naming the spectrogram, frame and band of
    /// the first NaN or infinite value.
    pub fn fit(spectrograms: &[ArrayView2<'_, f64>]) -> Result<Self> {
        let n_mels = spectrograms.first().ok_or(Error::Empty)?.ncols();
        let mut frames = 0usize;
        let mut sum = vec![0.0; n_mels];
        for (c, x) in spectrograms.iter().enumerate() {
            if x.ncols() != n_mels {
                return Err(Error::MelCount {
                    expected: n_mels,
                    found: x.ncols(),
                    clip: Some(c),
                });
            }
            check_finite(x, Some(c))?;
            frames += x.nrows();
            for row in x.rows() {
                for (s, v) in sum.iter_mut().zip(row) {
                    *s += v;
                }
            }
        }
        if frames == 0 || n_mels == 0 {
            return Err(Error::Empty);
        }
        let n = frames as f64;
        let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
        let mut sq = vec![0.0; n_mels];
        for x in spectrograms {
            for row in x.rows() {
                for ((q, v), m) in sq.iter_mut().zip(row).zip(&mean) {
                    *q += (v - m) * (v - m);
                }
            }
        }
        let std = sq.iter().map(|q| (q / n).sqrt()).collect();
        Ok(Self { mean, std })
    }

    /// A standardiser from stored moments (e.g. those of an earlier
    /// [`MelStandardizer::fit`], saved with a model).
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] if `mean` is empty;
    /// [`Error::MelCount`] if `std` has another length than `mean`;
    /// [`Error::AudioParameter`] naming `mean` or `std` and the band for a
    /// NaN or infinite value, or a negative standard deviation.
    pub fn from_moments(mean: Vec<f64>, std: Vec<f64>) -> Result<Self> {
        if mean.is_empty() {
            return Err(Error::Empty);
        }
        if std.len() != mean.len() {
            return Err(Error::MelCount {
                expected: mean.len(),
                found: std.len(),
                clip: None,
            });
        }
        for (name, values) in [("mean", &mean), ("std", &std)] {
            let bad = values
                .iter()
                .position(|v| !v.is_finite() || (name == "std" && *v < 0.0));
            if let Some(m) = bad {
                return Err(Error::AudioParameter {
                    name,
                    message: format!(
                        "band {m}: {} is not a finite{} value",
                        values[m],
                        if name == "std" { ", non-negative" } else { "" }
                    ),
                });
            }
        }
        Ok(Self { mean, std })
    }

    /// Number of mel bands.
    #[must_use]
    pub fn n_mels(&self) -> usize {
        self.mean.len()
    }

    /// Per-band means.
    #[must_use]
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// Per-band population standard deviations as fitted (0 for a
    /// constant band, which [`MelStandardizer::transform`] divides by 1).
    #[must_use]
    pub fn std(&self) -> &[f64] {
        &self.std
    }

    /// The standardised copy of `x`, shape `(frames, n_mels)`.
    ///
    /// # Errors
    ///
    /// [`Error::MelCount`] if `x` has another number of bands;
    /// [`Error::NonFiniteFrame`] naming the first NaN or infinite value.
    pub fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let mut y = x.to_owned();
        self.transform_in_place(y.view_mut())?;
        Ok(y)
    }

    /// Standardises `x`, shape `(frames, n_mels)`, in place; on an error
    /// `x` is left unchanged.
    ///
    /// # Errors
    ///
    /// As [`MelStandardizer::transform`].
    pub fn transform_in_place(&self, mut x: ArrayViewMut2<'_, f64>) -> Result<()> {
        if x.ncols() != self.n_mels() {
            return Err(Error::MelCount {
                expected: self.n_mels(),
                found: x.ncols(),
                clip: None,
            });
        }
        check_finite(&x.view(), None)?;
        for mut row in x.rows_mut() {
            for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                let s = if *s > 0.0 { *s } else { 1.0 };
                *v = (*v - m) / s;
            }
        }
        Ok(())
    }
}

/// The first non-finite value of `x`, as an error naming `clip`.
fn check_finite(x: &ArrayView2<'_, f64>, clip: Option<usize>) -> Result<()> {
    match x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some(((frame, mel), &value)) => Err(Error::NonFiniteFrame {
            clip,
            frame,
            mel,
            value,
        }),
        None => Ok(()),
    }
}
