//! [`LogMel`], the planner of log-mel spectrograms, and its builder.

use std::sync::Arc;

/// The largest sample magnitude [`LogMel::transform`] accepts: far above
/// audio's `[-1, 1]`, and low enough that no power spectrum (at most
/// `(n_fft * MAX_SAMPLE)^2` per bin), mel band or `10000 * mel` overflows
/// `f64` for any `n_fft` a signal in memory allows.
pub const MAX_SAMPLE: f64 = 1e100;

use ndarray::{Array2, ArrayView2};
use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use tda_persistence::memory;

use super::mel::filterbank;
use super::wav::Wav;
use crate::error::{Error, Result};

/// The log-mel spectrogram `log(1 + 10000 * mel_power)` of the Persistent
/// CNN's input, a planner in `rustfft`'s way: built once (window, mel
/// filterbank, FFT plan), then [`LogMel::transform`] reuses its buffers for
/// every clip. See the [module documentation](super) for the formula.
///
/// ```
/// use tda_io::audio::LogMel;
/// let mut lm = LogMel::builder().build().unwrap(); // 16 kHz, 512, 512, 128
/// let signal: Vec<f64> = (0..16000).map(|i| (i as f64 * 0.1).sin()).collect();
/// let x = lm.transform(&signal, 16000).unwrap();
/// assert_eq!(x.dim(), (32, 128)); // 1 + 16000 / 512 centred frames
/// assert!(lm.transform(&signal, 44100).is_err()); // no resampling
/// ```
#[derive(Clone)]
pub struct LogMel {
    sample_rate: u32,
    n_fft: usize,
    hop_length: usize,
    /// Periodic Hann window of length `n_fft`.
    window: Vec<f64>,
    /// `(n_mels, n_fft / 2 + 1)`.
    filters: Array2<f64>,
    /// Per filter, the bins `[start, end)` holding its nonzero weights.
    support: Vec<(usize, usize)>,
    /// Band edges in Hz (`n_mels + 2`).
    edges: Vec<f64>,
    fft: Arc<dyn Fft<f64>>,
    buffer: Vec<Complex<f64>>,
    scratch: Vec<Complex<f64>>,
    power: Vec<f64>,
}

impl std::fmt::Debug for LogMel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogMel")
            .field("sample_rate", &self.sample_rate)
            .field("n_fft", &self.n_fft)
            .field("hop_length", &self.hop_length)
            .field("n_mels", &self.n_mels())
            .finish_non_exhaustive()
    }
}

/// Builder of a [`LogMel`]: each setter stores its value,
/// [`LogMelBuilder::build`] checks them all. The defaults are the
/// Persistent CNN's: 16 kHz, `n_fft` 512, hop 512, 128 mel bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogMelBuilder {
    sample_rate: u32,
    n_fft: usize,
    hop_length: usize,
    n_mels: usize,
}

impl Default for LogMelBuilder {
    fn default() -> Self {
        Self {
            sample_rate: 16_000,
            n_fft: 512,
            hop_length: 512,
            n_mels: 128,
        }
    }
}

impl LogMelBuilder {
    /// The sample rate in Hz signals must have (default 16000).
    #[must_use]
    pub fn sample_rate(mut self, hz: u32) -> Self {
        self.sample_rate = hz;
        self
    }

    /// The FFT size and window length, even (default 512).
    #[must_use]
    pub fn n_fft(mut self, n: usize) -> Self {
        self.n_fft = n;
        self
    }

    /// Samples between frame starts (default 512).
    #[must_use]
    pub fn hop_length(mut self, n: usize) -> Self {
        self.hop_length = n;
        self
    }

    /// Number of mel bands (default 128).
    #[must_use]
    pub fn n_mels(mut self, n: usize) -> Self {
        self.n_mels = n;
        self
    }

    /// Checks the parameters and plans the transform.
    ///
    /// # Errors
    ///
    /// [`Error::AudioParameter`] if the sample rate, `hop_length` or
    /// `n_mels` is 0, if `n_fft` is 0 or odd, or if a mel filter would
    /// cover no FFT bin (too many bands for `n_fft`: where librosa warns
    /// "Empty filters detected" and returns all-zero rows, this refuses);
    /// [`Error::TooLarge`] if the filterbank would exceed the memory limit.
    pub fn build(self) -> Result<LogMel> {
        let bad = |name, message: String| Err(Error::AudioParameter { name, message });
        if self.sample_rate == 0 {
            return bad("sample_rate", "must be positive".to_string());
        }
        if self.n_fft == 0 || self.n_fft % 2 != 0 {
            return bad(
                "n_fft",
                format!("must be even and positive, got {}", self.n_fft),
            );
        }
        if self.hop_length == 0 {
            return bad("hop_length", "must be positive".to_string());
        }
        if self.n_mels == 0 {
            return bad("n_mels", "must be positive".to_string());
        }
        let bins = self.n_fft / 2 + 1;
        memory::check(
            "mel filterbank",
            memory::sum(&[
                memory::bytes_of::<f64>(&[self.n_mels, bins]),
                memory::bytes_of::<Complex<f64>>(&[self.n_fft, 3]),
            ]),
        )?;
        let (filters, edges) = filterbank(self.sample_rate, self.n_fft, self.n_mels);
        let mut support = Vec::with_capacity(self.n_mels);
        for (i, row) in filters.outer_iter().enumerate() {
            let start = row.iter().position(|&w| w > 0.0);
            let end = row.iter().rposition(|&w| w > 0.0);
            match (start, end) {
                (Some(s), Some(e)) => support.push((s, e + 1)),
                // librosa's test: filters starting at 0 Hz are not reported.
                _ if edges[i] == 0.0 => support.push((0, 0)),
                _ => {
                    return bad(
                        "n_mels",
                        format!(
                            "{} bands leave filter {i} ({:.1} Hz to {:.1} Hz) between FFT bins {:.1} Hz apart (n_fft {}); use fewer bands or a larger n_fft",
                            self.n_mels,
                            edges[i],
                            edges[i + 2],
                            f64::from(self.sample_rate) / self.n_fft as f64,
                            self.n_fft
                        ),
                    )
                }
            }
        }
        let fft = FftPlanner::new().plan_fft_forward(self.n_fft);
        let scratch = vec![Complex::default(); fft.get_inplace_scratch_len()];
        let n = self.n_fft as f64;
        let window = (0..self.n_fft)
            .map(|j| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * j as f64 / n).cos())
            .collect();
        Ok(LogMel {
            sample_rate: self.sample_rate,
            n_fft: self.n_fft,
            hop_length: self.hop_length,
            window,
            filters,
            support,
            edges,
            fft,
            buffer: vec![Complex::default(); self.n_fft],
            scratch,
            power: vec![0.0; bins],
        })
    }
}

impl LogMel {
    /// A builder holding the defaults (16 kHz, `n_fft` 512, hop 512, 128
    /// mel bands).
    #[must_use]
    pub fn builder() -> LogMelBuilder {
        LogMelBuilder::default()
    }

    /// The sample rate in Hz signals must have.
    #[must_use]
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// The FFT size and window length.
    #[must_use]
    pub fn n_fft(&self) -> usize {
        self.n_fft
    }

    /// Samples between frame starts.
    #[must_use]
    pub fn hop_length(&self) -> usize {
        self.hop_length
    }

    /// Number of mel bands (the output's columns).
    #[must_use]
    pub fn n_mels(&self) -> usize {
        self.filters.nrows()
    }

    /// The mel filterbank, shape `(n_mels, n_fft / 2 + 1)` (librosa's
    /// `filters.mel` in `f64`).
    #[must_use]
    pub fn filters(&self) -> ArrayView2<'_, f64> {
        self.filters.view()
    }

    /// The `n_mels + 2` band edges in Hz: filter `i` rises from `edges[i]`,
    /// peaks at `edges[i + 1]` and ends at `edges[i + 2]` (librosa's
    /// `mel_frequencies(n_mels + 2, fmin=0, fmax=sr/2)`).
    #[must_use]
    pub fn band_edges(&self) -> &[f64] {
        &self.edges
    }

    /// Number of frames for a signal of `len` samples: `1 + len / hop`
    /// (centred frames; an empty signal has one).
    #[must_use]
    pub fn frames(&self, len: usize) -> usize {
        1 + len / self.hop_length
    }

    /// The log-mel spectrogram of a mono `signal` sampled at `sample_rate`
    /// Hz, shape `(frames, n_mels)` (time major).
    ///
    /// # Errors
    ///
    /// [`Error::SampleRate`] if `sample_rate` is not the configured one (no
    /// resampling); [`Error::NonFiniteSample`] naming the first NaN or
    /// infinite sample; [`Error::SampleOutOfRange`] naming the first of
    /// magnitude above [`MAX_SAMPLE`]; [`Error::TooLarge`] if the output
    /// would exceed the memory limit.
    pub fn transform(&mut self, signal: &[f64], sample_rate: u32) -> Result<Array2<f64>> {
        if sample_rate != self.sample_rate {
            return Err(Error::SampleRate {
                expected: self.sample_rate,
                found: sample_rate,
            });
        }
        if let Some(index) = signal.iter().position(|x| !x.is_finite()) {
            return Err(Error::NonFiniteSample {
                index,
                value: signal[index],
            });
        }
        if let Some(index) = signal.iter().position(|x| x.abs() > MAX_SAMPLE) {
            return Err(Error::SampleOutOfRange {
                index,
                value: signal[index],
                limit: MAX_SAMPLE,
            });
        }
        let frames = self.frames(signal.len());
        let n_mels = self.n_mels();
        memory::check(
            "log-mel spectrogram",
            memory::bytes_of::<f64>(&[frames, n_mels]),
        )?;
        let mut out = Array2::zeros((frames, n_mels));
        let half = self.n_fft / 2;
        for (t, mut row) in out.outer_iter_mut().enumerate() {
            // Frame t covers padded samples [t * hop, t * hop + n_fft), that
            // is signal samples from t * hop - n_fft / 2.
            let start = t * self.hop_length;
            for (j, (b, w)) in self.buffer.iter_mut().zip(&self.window).enumerate() {
                let x = (start + j)
                    .checked_sub(half)
                    .and_then(|i| signal.get(i))
                    .copied()
                    .unwrap_or(0.0);
                *b = Complex::new(x * w, 0.0);
            }
            self.fft
                .process_with_scratch(&mut self.buffer, &mut self.scratch);
            for (p, c) in self.power.iter_mut().zip(&self.buffer) {
                *p = c.norm_sqr();
            }
            for ((m, &(s, e)), o) in self.support.iter().enumerate().zip(row.iter_mut()) {
                let weights = self.filters.row(m);
                let mel: f64 = (s..e).map(|k| weights[k] * self.power[k]).sum();
                *o = (10_000.0 * mel).ln_1p();
            }
        }
        Ok(out)
    }

    /// The log-mel spectrogram of an audio file (MP3 or WAV, read by
    /// [`read_audio`](super::read_audio)), its channels averaged
    /// ([`Wav::mono`]): decode, mix down, transform. The file must have the
    /// configured sample rate (nothing is resampled).
    ///
    /// # Errors
    ///
    /// As [`read_audio`](super::read_audio) for the file, then as
    /// [`LogMel::transform`] ([`Error::SampleRate`] for a file at another
    /// rate).
    pub fn transform_file(&mut self, path: impl AsRef<std::path::Path>) -> Result<Array2<f64>> {
        let wav = super::read_audio(path)?;
        self.transform_wav(&wav)
    }

    /// The log-mel spectrogram of a WAV file's channels averaged
    /// ([`Wav::mono`]).
    ///
    /// # Errors
    ///
    /// As [`LogMel::transform`].
    pub fn transform_wav(&mut self, wav: &Wav) -> Result<Array2<f64>> {
        if wav.sample_rate != self.sample_rate {
            return Err(Error::SampleRate {
                expected: self.sample_rate,
                found: wav.sample_rate,
            });
        }
        let mono = wav.mono();
        match mono.as_slice() {
            Some(s) => self.transform(s, wav.sample_rate),
            None => self.transform(&mono.to_vec(), wav.sample_rate),
        }
    }
}
