//! Fourier modes of a time series: the radii of the circles whose product is
//! its Liouville torus.

use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};

use crate::error::{check_finite, Error, Result};

/// The amplitudes `r_1, ..., r_K` of the first `K` Fourier modes of a
/// series (the DC term dropped): `r_k = 2 |X_k| / N`, where `X` is the
/// unnormalised DFT of the `N` samples. Mode `k` of the series
/// `sum_k r_k cos(k t + phi_k)` is a circle of radius `r_k`; the series'
/// Liouville torus is the product of these circles.
#[derive(Debug, Clone, PartialEq)]
pub struct FourierModes {
    radii: Vec<f64>,
}

impl FourierModes {
    /// The first `k` modes of `signal` (samples `x_0..x_{N-1}` of one
    /// period, `N >= 2k + 1` so that no mode reaches the Nyquist
    /// frequency). Plans an FFT for this one call; to transform many series
    /// of one length, reuse a [`ModesPlanner`] or call
    /// [`crate::modes_batch`].
    ///
    /// ```
    /// use tda_emph::FourierModes;
    /// let n = 64;
    /// let x: Vec<f64> = (0..n)
    ///     .map(|i| {
    ///         let t = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
    ///         t.cos() + 2.0 * (2.0 * t).cos()
    ///     })
    ///     .collect();
    /// let modes = FourierModes::from_signal(&x, 3).unwrap();
    /// assert!((modes.radii()[0] - 1.0).abs() < 1e-12);
    /// assert!((modes.radii()[1] - 2.0).abs() < 1e-12);
    /// assert!(modes.radii()[2].abs() < 1e-12);
    /// ```
    pub fn from_signal(signal: &[f64], k: usize) -> Result<Self> {
        ModesPlanner::new(signal.len(), k)?.modes(signal)
    }

    /// Modes with the given amplitudes (at least one; finite and `>= 0`).
    pub fn from_radii(radii: Vec<f64>) -> Result<Self> {
        if radii.is_empty() {
            return Err(Error::InvalidParameter {
                name: "radii",
                value: "[]".into(),
                reason: "at least one mode is needed",
            });
        }
        check_finite(&radii)?;
        if let Some(&r) = radii.iter().find(|&&r| r < 0.0) {
            return Err(Error::InvalidParameter {
                name: "radii",
                value: r.to_string(),
                reason: "amplitudes must be >= 0",
            });
        }
        Ok(Self { radii })
    }

    /// The amplitudes `r_1..r_K`.
    pub fn radii(&self) -> &[f64] {
        &self.radii
    }

    /// Number of modes `K` (at least 1).
    pub fn len(&self) -> usize {
        self.radii.len()
    }

    /// Always false: there is at least one mode.
    pub fn is_empty(&self) -> bool {
        self.radii.is_empty()
    }
}

/// An FFT planned once for series of one length, with its buffers: the
/// rustfft pattern for transforming many series. Cloning shares the plan
/// and gives the clone its own buffers (one per thread).
///
/// For an even length `N` the series is packed into `N / 2` complex
/// samples `x_{2n} + i x_{2n+1}` and transformed at half the length, then
/// the spectrum of the real series is unpacked for the `K` kept modes only
/// (the standard real-input FFT trick; e.g. Press et al., Numerical
/// Recipes, section 12.3).
#[derive(Clone)]
pub struct ModesPlanner {
    len: usize,
    k: usize,
    fft: Arc<dyn Fft<f64>>,
    /// `e^{-2 pi i k / N}` for `k = 1..=K` when the length is even (the
    /// packed transform), else empty.
    twiddles: Vec<Complex<f64>>,
    buffer: Vec<Complex<f64>>,
    scratch: Vec<Complex<f64>>,
}

impl std::fmt::Debug for ModesPlanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModesPlanner")
            .field("len", &self.len)
            .field("k", &self.k)
            .finish_non_exhaustive()
    }
}

impl ModesPlanner {
    /// A planner for series of length `len`, keeping `k >= 1` modes;
    /// `len >= 2k + 1`.
    pub fn new(len: usize, k: usize) -> Result<Self> {
        if k == 0 {
            return Err(Error::InvalidParameter {
                name: "k",
                value: "0".into(),
                reason: "at least one Fourier mode is needed",
            });
        }
        let needed = k.saturating_mul(2).saturating_add(1);
        if len < needed {
            return Err(Error::TooShort {
                len,
                modes: k,
                needed,
            });
        }
        let packed = len % 2 == 0;
        let fft_len = if packed { len / 2 } else { len };
        let fft = FftPlanner::new().plan_fft_forward(fft_len);
        let scratch = vec![Complex::default(); fft.get_inplace_scratch_len()];
        let twiddles = if packed {
            (1..=k)
                .map(|j| Complex::from_polar(1.0, -std::f64::consts::TAU * j as f64 / len as f64))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Self {
            len,
            k,
            fft,
            twiddles,
            buffer: vec![Complex::default(); fft_len],
            scratch,
        })
    }

    /// Length of the series this planner transforms.
    pub fn series_len(&self) -> usize {
        self.len
    }

    /// Number of modes kept.
    pub fn modes_kept(&self) -> usize {
        self.k
    }

    /// The modes of `signal` (of the planned length, finite).
    pub fn modes(&mut self, signal: &[f64]) -> Result<FourierModes> {
        if signal.len() != self.len {
            return Err(Error::LengthMismatch {
                name: "signal",
                expected: self.len,
                got: signal.len(),
            });
        }
        check_finite(signal)?;
        Ok(self.modes_of_finite(signal.iter().copied()))
    }

    /// The modes of `len` finite samples (checked by the caller).
    pub(crate) fn modes_of_finite(
        &mut self,
        mut samples: impl Iterator<Item = f64>,
    ) -> FourierModes {
        let scale = 2.0 / self.len as f64;
        if self.twiddles.is_empty() {
            for (b, x) in self.buffer.iter_mut().zip(samples) {
                *b = Complex::new(x, 0.0);
            }
            self.fft
                .process_with_scratch(&mut self.buffer, &mut self.scratch);
            let radii = self.buffer[1..=self.k]
                .iter()
                .map(|z| scale * z.norm())
                .collect();
            return FourierModes { radii };
        }
        for b in self.buffer.iter_mut() {
            let re = samples.next().unwrap_or(0.0);
            let im = samples.next().unwrap_or(0.0);
            *b = Complex::new(re, im);
        }
        self.fft
            .process_with_scratch(&mut self.buffer, &mut self.scratch);
        // Z = FFT of the packed samples; with E, O the DFTs of the even and
        // odd samples, Z_j = E_j + i O_j, so E_j = (Z_j + conj Z_{h-j}) / 2,
        // O_j = (Z_j - conj Z_{h-j}) / 2i and X_j = E_j + w^j O_j.
        let h = self.buffer.len();
        let radii = self
            .twiddles
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let j = i + 1;
                let (z, zc) = (self.buffer[j], self.buffer[h - j].conj());
                let even = (z + zc) * 0.5;
                let odd = (z - zc) * Complex::new(0.0, -0.5);
                scale * (even + w * odd).norm()
            })
            .collect();
        FourierModes { radii }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct DFT definition, for comparison.
    fn direct(x: &[f64], k: usize) -> Vec<f64> {
        let n = x.len() as f64;
        (1..=k)
            .map(|j| {
                let z: Complex<f64> = x
                    .iter()
                    .enumerate()
                    .map(|(t, &v)| {
                        v * Complex::from_polar(1.0, -std::f64::consts::TAU * (j * t) as f64 / n)
                    })
                    .sum();
                2.0 * z.norm() / n
            })
            .collect()
    }

    #[test]
    fn packed_and_plain_transforms_match_the_definition() {
        for len in [5usize, 6, 7, 8, 21, 22, 64, 100, 101] {
            let x: Vec<f64> = (0..len)
                .map(|i| ((i * i * 7 + 3) % 11) as f64 - 4.5)
                .collect();
            let k = (len - 1) / 2;
            let got = FourierModes::from_signal(&x, k).unwrap();
            for (g, w) in got.radii().iter().zip(direct(&x, k)) {
                assert!((g - w).abs() < 1e-9, "len {len}: {g} vs {w}");
            }
        }
    }
}
