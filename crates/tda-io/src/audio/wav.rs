//! WAV files read with `hound` into `f64` samples.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use ndarray::{Array1, Array2, Axis};
use tda_persistence::memory;

use crate::error::{Error, Result};

/// A decoded WAV file.
///
/// `samples` has shape `(frames, channels)`: row `t` holds the samples of
/// every channel at time `t` (the file's interleaved order, so the array is
/// the file's data in its own order). Integer PCM is divided by
/// `2^(bits - 1)`, which puts it in `[-1, 1)`; 32-bit float samples are
/// kept as stored (normally in `[-1, 1]`, but neither clipped nor checked:
/// a float file may hold NaN, which [`LogMel`](super::LogMel) refuses).
#[derive(Debug, Clone, PartialEq)]
pub struct Wav {
    /// Samples per second and channel, in Hz.
    pub sample_rate: u32,
    /// Number of channels (at least 1).
    pub channels: u16,
    /// Shape `(frames, channels)`, values as described above.
    pub samples: Array2<f64>,
}

impl Wav {
    /// Number of frames (samples per channel).
    #[must_use]
    pub fn frames(&self) -> usize {
        self.samples.nrows()
    }

    /// Duration in seconds.
    #[must_use]
    pub fn duration(&self) -> f64 {
        self.frames() as f64 / f64::from(self.sample_rate)
    }

    /// The channels averaged into one signal (the mean of each row; for a
    /// mono file, a copy of its one channel). This is what
    /// `soundfile.read(path).mean(axis=1)` and `librosa.to_mono` give.
    #[must_use]
    pub fn mono(&self) -> Array1<f64> {
        let c = self.samples.ncols().max(1) as f64;
        self.samples.sum_axis(Axis(1)).mapv_into(|s| s / c)
    }
}

/// Reads a WAV file: 8, 16, 24 or 32-bit integer PCM or 32-bit float, any
/// number of channels (plain or `WAVE_FORMAT_EXTENSIBLE` headers), into a
/// [`Wav`]. Channels are kept apart; [`Wav::mono`] averages them.
///
/// The sample count the header announces is checked against the file's
/// length and the memory limit ([`tda_persistence::memory`]) before
/// anything is allocated for it.
///
/// # Errors
///
/// [`Error::Io`] if the file cannot be opened or read;
/// [`Error::Wav`] naming the path if it is not a WAV file, its header is
/// malformed, its data chunk is shorter than the header says (a truncated
/// file), or its sample format is unsupported (e.g. 64-bit float);
/// [`Error::TooLarge`] if the samples would exceed the memory limit.
pub fn read_wav(path: impl AsRef<Path>) -> Result<Wav> {
    let path = path.as_ref();
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let file_len = file.metadata().map_err(io)?.len();
    let reader = hound::WavReader::new(BufReader::new(file)).map_err(|e| wav_error(path, e))?;
    let spec = reader.spec();
    let bad = |message: String| Error::Wav {
        path: path.to_path_buf(),
        message,
    };
    let count = u64::from(reader.len());
    let channels = spec.channels;
    if channels == 0 {
        return Err(bad("the header says 0 channels".to_string()));
    }
    // The container holds at least ceil(bits / 8) bytes per sample.
    let data_bytes = count * u64::from(spec.bits_per_sample).div_ceil(8);
    if data_bytes > file_len {
        return Err(bad(format!(
            "truncated: the header announces {count} samples ({data_bytes} bytes) but the whole file holds {file_len} bytes"
        )));
    }
    let count =
        usize::try_from(count).map_err(|_| bad(format!("{count} samples do not fit in memory")))?;
    memory::check(
        "samples read from a WAV file",
        memory::bytes_of::<f64>(&[count]),
    )?;
    let mut data = Vec::with_capacity(count);
    match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Float, 32) => {
            for s in reader.into_samples::<f32>() {
                data.push(f64::from(s.map_err(|e| wav_error(path, e))?));
            }
        }
        (hound::SampleFormat::Int, bits @ (8 | 16 | 24 | 32)) => {
            let scale = f64::from(1u32 << (bits - 1));
            for s in reader.into_samples::<i32>() {
                data.push(f64::from(s.map_err(|e| wav_error(path, e))?) / scale);
            }
        }
        (format, bits) => {
            return Err(bad(format!(
                "unsupported sample format: {bits}-bit {} (supported: 8, 16, 24, 32-bit integer PCM and 32-bit float)",
                match format {
                    hound::SampleFormat::Float => "float",
                    hound::SampleFormat::Int => "integer",
                }
            )))
        }
    }
    if data.len() != count {
        return Err(bad(format!(
            "truncated: the header announces {count} samples but the data chunk ends after {}",
            data.len()
        )));
    }
    let frames = count / usize::from(channels);
    let samples = Array2::from_shape_vec((frames, usize::from(channels)), data)
        .map_err(|e| bad(format!("the samples do not fill whole frames: {e}")))?;
    Ok(Wav {
        sample_rate: spec.sample_rate,
        channels,
        samples,
    })
}

/// Turns `hound`'s error into the crate's, naming the file.
fn wav_error(path: &Path, e: hound::Error) -> Error {
    let message = match e {
        // hound reports a short read as `Other` with this text.
        hound::Error::IoError(source)
            if source.kind() == std::io::ErrorKind::UnexpectedEof
                || (source.kind() == std::io::ErrorKind::Other
                    && source.to_string() == "Failed to read enough bytes.") =>
        {
            "truncated: the file ends inside a header or the data chunk".to_string()
        }
        hound::Error::IoError(source) => {
            return Error::Io {
                path: path.to_path_buf(),
                source,
            }
        }
        hound::Error::FormatError(m) => format!("not a valid WAV file: {m}"),
        hound::Error::Unsupported => "unsupported WAV format".to_string(),
        hound::Error::TooWide => "the samples are wider than 32 bits".to_string(),
        hound::Error::UnfinishedSample => {
            "truncated: the data chunk ends inside a sample".to_string()
        }
        hound::Error::InvalidSampleFormat => "unsupported sample format".to_string(),
    };
    Error::Wav {
        path: path.to_path_buf(),
        message,
    }
}
