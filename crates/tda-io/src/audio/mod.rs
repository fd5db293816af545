//! The audio front end of the Persistent CNN: WAV files and log-mel
//! spectrograms.
//!
//! [`read_wav`] decodes a WAV file (integer PCM of 8 to 32 bits or 32-bit
//! float, any number of channels) into a [`Wav`] of `f64` samples, shape
//! `(frames, channels)`; [`Wav::mono`] averages the channels.
//! [`read_audio`] reads MP3 as well (with `symphonia`, gapless: as many
//! samples as libsndfile/mpg123 decode) and sends WAV to [`read_wav`];
//! [`LogMel::transform_file`] goes from a file to the network's input, and
//! [`MelStandardizer`] standardises it per mel band with moments fitted on
//! the training clips.
//!
//! [`LogMel`] computes the network's input
//!
//! ```text
//! X[t, m] = ln(1 + 10000 * sum_k M[m, k] * |S[t, k]|^2)
//! ```
//!
//! with librosa's semantics for
//! `librosa.feature.melspectrogram(y=y, sr=16000, n_fft=512, hop_length=512,
//! n_mels=128)` (librosa 0.11, the defaults otherwise):
//!
//! - `S[t, k]` is the short-time Fourier transform of centred frames: the
//!   signal is padded with `n_fft / 2` zeros on both sides (librosa's
//!   `center=True, pad_mode="constant"`), frame `t` is padded samples
//!   `[t * hop, t * hop + n_fft)`, there are `1 + len / hop` frames (one for
//!   an empty signal), each multiplied by the periodic Hann window
//!   `w[j] = 0.5 - 0.5 cos(2 pi j / n_fft)` (scipy's
//!   `get_window("hann", n_fft, fftbins=True)`), bins `k = 0 ..= n_fft / 2`
//!   (a complex FFT of length `n_fft` of the real frame);
//! - `M` is the Slaney mel filterbank (`librosa.filters.mel(sr, n_fft,
//!   n_mels, fmin=0, fmax=sr/2, htk=False, norm="slaney")`): triangles
//!   between band edges equally spaced on the Slaney mel scale (linear,
//!   200/3 Hz per mel, below 1 kHz, logarithmic above), each scaled by
//!   `2 / (f_hi - f_lo)`; computed in `f64` where librosa rounds its
//!   weights to `float32` (the outputs differ by about 1e-7 relative);
//! - the output has shape `(frames, n_mels)`, time major, the network's
//!   `(batch, 1, T, 128)` input without the batch and channel axes; librosa
//!   returns the transpose.
//!
//! Signals must have the configured sample rate (there is no resampling:
//! [`crate::Error::SampleRate`] otherwise) and finite samples of magnitude
//! at most [`MAX_SAMPLE`].
//!
//! ```
//! use tda_io::audio::{LogMel, Wav};
//! use ndarray::Array2;
//! // A stereo clip of 0.1 s at 16 kHz: left a 440 Hz tone, right silent.
//! let left = (0..1600).map(|i| (2.0 * std::f64::consts::PI * 440.0 * i as f64 / 16000.0).sin());
//! let samples = Array2::from_shape_vec((1600, 2), left.flat_map(|x| [x, 0.0]).collect()).unwrap();
//! let wav = Wav { sample_rate: 16000, channels: 2, samples };
//! assert_eq!(wav.mono()[1], wav.samples[[1, 0]] / 2.0);
//! let mut lm = LogMel::builder().build().unwrap();
//! let x = lm.transform_wav(&wav).unwrap();
//! assert_eq!(x.dim(), (4, 128));
//! ```

mod decode;
mod log_mel;
pub mod mel;
mod standardize;
mod wav;

pub use decode::read_audio;
pub use log_mel::{LogMel, LogMelBuilder, MAX_SAMPLE};
pub use standardize::MelStandardizer;
pub use wav::{read_wav, Wav};
