//! The Slaney mel scale and mel filterbank, as `librosa.filters.mel(sr,
//! n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm="slaney")` builds them.

use ndarray::Array2;

/// Hz per mel below 1 kHz on the Slaney scale (200 / 3).
const F_SP: f64 = 200.0 / 3.0;
/// Where the Slaney scale turns logarithmic, in Hz.
const MIN_LOG_HZ: f64 = 1000.0;
/// `MIN_LOG_HZ` in mels (15).
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

/// ln(6.4) / 27: the log step above 1 kHz.
fn log_step() -> f64 {
    6.4f64.ln() / 27.0
}

/// Hz to mels on the Slaney scale (librosa's `hz_to_mel(f, htk=False)`):
/// `f / (200/3)` below 1 kHz, `15 + ln(f / 1000) / (ln(6.4) / 27)` above.
#[must_use]
pub fn hz_to_mel(hz: f64) -> f64 {
    if hz >= MIN_LOG_HZ {
        MIN_LOG_MEL + (hz / MIN_LOG_HZ).ln() / log_step()
    } else {
        hz / F_SP
    }
}

/// Mels to Hz on the Slaney scale, the inverse of [`hz_to_mel`]
/// (librosa's `mel_to_hz(m, htk=False)`).
#[must_use]
pub fn mel_to_hz(mel: f64) -> f64 {
    if mel >= MIN_LOG_MEL {
        MIN_LOG_HZ * (log_step() * (mel - MIN_LOG_MEL)).exp()
    } else {
        F_SP * mel
    }
}

/// `n` frequencies in Hz equally spaced in mels from `fmin` to `fmax`, both
/// included (librosa's `mel_frequencies(n, fmin, fmax, htk=False)`, with
/// numpy's `linspace`: `start + i * step`, the last one exactly `fmax`'s
/// mel value).
#[must_use]
pub fn mel_frequencies(n: usize, fmin: f64, fmax: f64) -> Vec<f64> {
    let (lo, hi) = (hz_to_mel(fmin), hz_to_mel(fmax));
    let step = if n > 1 {
        (hi - lo) / (n - 1) as f64
    } else {
        0.0
    };
    (0..n)
        .map(|i| {
            let m = if n > 1 && i == n - 1 {
                hi
            } else {
                lo + i as f64 * step
            };
            mel_to_hz(m)
        })
        .collect()
}

/// The mel filterbank, shape `(n_mels, n_fft / 2 + 1)`: filter `i` is the
/// triangle rising from `f[i]` to 1 at `f[i + 1]` and falling to 0 at
/// `f[i + 2]`, `f = mel_frequencies(n_mels + 2, 0, sr / 2)`, sampled at the
/// FFT bin frequencies `k * sr / n_fft`, times the Slaney norm
/// `2 / (f[i + 2] - f[i])` (each filter has unit area in Hz). Computed in
/// `f64` (librosa stores `float32` weights by default; the two differ by
/// its rounding, about 6e-8 relative).
///
/// Also returns the band edges `f`.
pub(crate) fn filterbank(sample_rate: u32, n_fft: usize, n_mels: usize) -> (Array2<f64>, Vec<f64>) {
    let sr = f64::from(sample_rate);
    let bins = n_fft / 2 + 1;
    let f = mel_frequencies(n_mels + 2, 0.0, sr / 2.0);
    let mut w = Array2::zeros((n_mels, bins));
    for i in 0..n_mels {
        let (lo, mid, hi) = (f[i], f[i + 1], f[i + 2]);
        let norm = 2.0 / (hi - lo);
        for k in 0..bins {
            let fk = k as f64 * sr / n_fft as f64;
            let lower = -(lo - fk) / (mid - lo);
            let upper = (hi - fk) / (hi - mid);
            w[[i, k]] = lower.min(upper).max(0.0) * norm;
        }
    }
    (w, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_is_linear_below_1khz_and_inverts() {
        assert_eq!(hz_to_mel(0.0), 0.0);
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-12);
        assert!((hz_to_mel(500.0) - 7.5).abs() < 1e-12);
        assert!((hz_to_mel(6400.0) - 42.0).abs() < 1e-12);
        for hz in [0.0, 10.0, 999.0, 1000.0, 4321.0, 8000.0, 22050.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() <= 1e-9 * hz.max(1.0));
        }
    }
}
