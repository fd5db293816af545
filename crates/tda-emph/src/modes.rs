//! Fourier modes of a time series: the radii of the circles whose product is
//! its Liouville torus.

use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};

use tda_persistence::memory;

use crate::error::{check_finite, check_finite_max_abs, Error, Result};

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
    ///
    /// Exact over the whole `f64` range: the samples are scaled by the
    /// power of two that brings the largest magnitude to `[1, 2)` (exact)
    /// and the radii scaled back, so a series times `2^j` has radii times
    /// `2^j` bit for bit (as long as neither over- nor underflows).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `k = 0`; [`Error::TooShort`] for
    /// `len < 2k + 1`; [`Error::NonFinite`] for NaN or infinite samples;
    /// [`Error::TooLarge`] if the FFT's plan and buffers do not fit the
    /// memory limit; [`Error::OutOfRange`] (`"radius"`, the mode's index
    /// from 0) for an amplitude above `f64::MAX` (a series of magnitude
    /// near `f64::MAX`: `r_k <= 2 max |x|`).
    pub fn from_signal(signal: &[f64], k: usize) -> Result<Self> {
        ModesPlanner::new(signal.len(), k)?.modes(signal)
    }

    /// Modes with the given amplitudes (at least one; finite and `>= 0`;
    /// `-0.0` is stored as `0.0`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for no radii or a negative one,
    /// [`Error::NonFinite`] for NaN or infinite ones.
    pub fn from_radii(mut radii: Vec<f64>) -> Result<Self> {
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
        for r in &mut radii {
            *r += 0.0;
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
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `k = 0`; [`Error::TooShort`] for
    /// `len < 2k + 1`; [`Error::TooLarge`] if the plan and buffers (about
    /// `16 (3 n + 9 p)` bytes for a transform of length `n` whose largest
    /// prime factor is `p`, `n = len / 2` for even lengths) do not fit the
    /// memory limit, checked before rustfft plans anything.
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
        memory::check(
            "FFT plan and buffers (ModesPlanner)",
            plan_bytes(fft_len, k),
        )?;
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

    /// The modes of `signal` (of the planned length, finite); see
    /// [`FourierModes::from_signal`] for the range handled.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] if `signal` is not of the planned length;
    /// [`Error::NonFinite`] for NaN or infinite samples (the first one's
    /// index); [`Error::OutOfRange`] (`"radius"`, the mode's index from 0)
    /// for an amplitude above `f64::MAX`.
    pub fn modes(&mut self, signal: &[f64]) -> Result<FourierModes> {
        if signal.len() != self.len {
            return Err(Error::LengthMismatch {
                name: "signal",
                expected: self.len,
                got: signal.len(),
            });
        }
        let max_abs = check_finite_max_abs(signal)?;
        self.modes_of_finite(signal.iter().copied(), max_abs)
    }

    /// Bytes of the buffers a clone adds (one per thread in a batch).
    pub(crate) fn buffer_bytes(&self) -> Option<u64> {
        memory::bytes_of::<Complex<f64>>(&[self.buffer.len() + self.scratch.len()])
    }

    /// The modes of `len` finite samples (checked by the caller) whose
    /// largest magnitude is `max_abs`. [`Error::OutOfRange`] names the
    /// mode (from 0) whose radius overflows.
    pub(crate) fn modes_of_finite(
        &mut self,
        samples: impl Iterator<Item = f64>,
        max_abs: f64,
    ) -> Result<FourierModes> {
        if max_abs == 0.0 {
            return Ok(FourierModes {
                radii: vec![0.0; self.k],
            });
        }
        // Scale by 2^-e, with 2^e <= max_abs < 2^(e+1): exact (as two
        // factors where 2^-e is not a normal f64), so the transform sees
        // the same numbers for a series times any power of two.
        let e = libm::ilogb(max_abs);
        if (-1022..=1022).contains(&e) {
            let s = libm::ldexp(1.0, -e);
            self.pack(samples.map(|x| x * s));
        } else {
            let (s1, s2) = (libm::ldexp(1.0, -e / 2), libm::ldexp(1.0, -e - (-e / 2)));
            self.pack(samples.map(|x| x * s1 * s2));
        }
        self.fft
            .process_with_scratch(&mut self.buffer, &mut self.scratch);
        // The samples are below 2 in magnitude, so |X_k| <= 2N: the moduli
        // need no hypot (a square below 2^-1022 is below the rounding of
        // the others anyway).
        let scale = 2.0 / self.len as f64;
        let mut radii = Vec::with_capacity(self.k);
        if self.twiddles.is_empty() {
            radii.extend(
                self.buffer[1..=self.k]
                    .iter()
                    .map(|z| scale * z.norm_sqr().sqrt()),
            );
        } else {
            // Z = FFT of the packed samples; with E, O the DFTs of the even
            // and odd samples, Z_j = E_j + i O_j, so E_j = (Z_j + conj
            // Z_{h-j}) / 2, O_j = (Z_j - conj Z_{h-j}) / 2i and X_j = E_j +
            // w^j O_j.
            let h = self.buffer.len();
            radii.extend(self.twiddles.iter().enumerate().map(|(i, w)| {
                let j = i + 1;
                let (z, zc) = (self.buffer[j], self.buffer[h - j].conj());
                let even = (z + zc) * 0.5;
                let odd = (z - zc) * Complex::new(0.0, -0.5);
                scale * (even + w * odd).norm_sqr().sqrt()
            }));
        }
        for (index, r) in radii.iter_mut().enumerate() {
            *r = libm::ldexp(*r, e);
            if r.is_infinite() {
                return Err(Error::OutOfRange {
                    what: "radius",
                    index,
                });
            }
        }
        Ok(FourierModes { radii })
    }

    /// Fills the FFT buffer: real samples, or pairs packed as complex
    /// samples for an even length.
    fn pack(&mut self, mut samples: impl Iterator<Item = f64>) {
        if self.twiddles.is_empty() {
            for (b, x) in self.buffer.iter_mut().zip(samples) {
                *b = Complex::new(x, 0.0);
            }
        } else {
            for b in self.buffer.iter_mut() {
                let re = samples.next().unwrap_or(0.0);
                let im = samples.next().unwrap_or(0.0);
                *b = Complex::new(re, im);
            }
        }
    }
}

/// Bytes of the plan (twiddles, inner transforms), buffer and scratch of
/// a complex FFT of length `n`, and of `k` kept modes. Measured for
/// rustfft 6 (one allocation counter over lengths 2^20, 10^6, primes near
/// 10^6 and twice them): about `3n` complex values for lengths whose prime
/// factors are small, up to `10.5n` for primes (Bluestein's algorithm on
/// an inner length up to `4n`); modelled as `3n + 9p` with `p` the largest
/// prime factor (bounded by the cofactor left after dividing out the
/// primes below 1000).
fn plan_bytes(n: usize, k: usize) -> Option<u64> {
    let mut m = n;
    let mut largest = 1;
    let mut d = 2;
    while d < 1000 && d * d <= m {
        while m % d == 0 {
            m /= d;
            largest = d;
        }
        d += 1;
    }
    let p = largest.max(m);
    memory::sum(&[
        memory::bytes_of::<Complex<f64>>(&[n, 3]),
        memory::bytes_of::<Complex<f64>>(&[p, 9]),
        memory::bytes_of::<Complex<f64>>(&[k]),
        memory::bytes_of::<f64>(&[k]),
    ])
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
