//! Compressed audio (MP3) decoded with `symphonia`, gaplessly, into a
//! [`Wav`]; WAV files go to [`read_wav`].

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use ndarray::Array2;
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use tda_persistence::memory;

use super::wav::{read_wav, Wav};
use crate::error::{AudioErrorKind, Error, Result};
use crate::limits::reserve_checked;

/// What the decoded samples are called in memory errors.
const WHAT: &str = "samples decoded from an audio file";

/// Reads an audio file into a [`Wav`] of `f64` samples, shape `(frames,
/// channels)`: MP3 (MPEG-1, 2 and 2.5 Layer III, constant or variable
/// bitrate, ID3 tags skipped) decoded with `symphonia`, and WAV files
/// (recognised by their `RIFF`/`WAVE` header, whatever the file's name)
/// read exactly by [`read_wav`].
///
/// MP3 decoding is gapless: the encoder delay and padding that a LAME/Xing
/// `Info` header announces are trimmed (plus the decoder's own 529-sample
/// delay), so a file written by LAME or libsndfile decodes to as many
/// samples as were encoded, the count `soundfile.read` (libsndfile with
/// mpg123) and `mpg123` report. Without such a header nothing is trimmed.
/// Samples are the decoder's `f32` output widened to `f64` (in `[-1, 1]`
/// up to the codec's overshoot; not clipped). MP3 decoders differ in
/// rounding: against libsndfile/mpg123 the samples agree within a few
/// 1e-6 (at most 2.3e-6 measured; see the crate's tests), not bit for bit.
///
/// Sample rates are kept as stored: nothing is resampled, so a clip at
/// another rate than a [`LogMel`](super::LogMel) expects is refused there
/// ([`Error::SampleRate`]).
///
/// Decoding is strict: a corrupt frame, or a file shorter than its header
/// announces, is an error rather than a glitch or a shorter signal. A
/// decoder panic on hostile data is caught and reported as
/// [`AudioErrorKind::Corrupt`] (under `panic = "abort"` it aborts).
///
/// # Errors
///
/// [`Error::Io`] if the file cannot be opened or read (a missing file:
/// kind `NotFound`);
/// [`Error::Audio`] naming the path and an [`AudioErrorKind`]: `NotAudio`
/// for an empty file, text or anything not recognised as MP3 or WAV,
/// `Corrupt` for a malformed stream, `Truncated` for a file that ends
/// before the frame count its LAME header announces (without such a
/// header an MPEG stream has no announced end, and a cut file decodes to
/// the whole frames it holds, as with mpg123),
/// `Unsupported`, `NoAudioTrack`, `NoChannels`, or `InconsistentStream`
/// when the sample rate or channel count changes mid-stream;
/// for WAV files, as [`read_wav`];
/// [`Error::TooLarge`] if the decoded samples would exceed the memory
/// limit ([`tda_persistence::memory`]), checked as the buffer grows and
/// before it grows.
///
/// ```no_run
/// let clip = tda_io::audio::read_audio("clip.mp3").unwrap();
/// let mono = clip.mono();
/// println!("{} Hz, {} samples", clip.sample_rate, mono.len());
/// ```
pub fn read_audio(path: impl AsRef<Path>) -> Result<Wav> {
    decode_file(path.as_ref(), memory::limit())
}

/// [`read_audio`] with an explicit memory limit in bytes.
pub(crate) fn decode_file(path: &Path, limit: u64) -> Result<Wav> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    let mut head = Vec::with_capacity(12);
    (&mut file).take(12).read_to_end(&mut head).map_err(io)?;
    if head.len() == 12 && (&head[..4] == b"RIFF" || &head[..4] == b"RIFX") && &head[8..] == b"WAVE"
    {
        drop(file);
        return read_wav(path);
    }
    if head.is_empty() {
        return Err(audio_error(
            path,
            AudioErrorKind::NotAudio,
            "the file is empty".to_string(),
        ));
    }
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    match catch_unwind(AssertUnwindSafe(|| decode_stream(path, file, limit))) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(audio_error(
                path,
                AudioErrorKind::Corrupt,
                format!("the decoder failed on malformed data: {message}"),
            ))
        }
    }
}

/// The crate's error for an audio file.
fn audio_error(path: &Path, kind: AudioErrorKind, message: String) -> Error {
    Error::Audio {
        path: path.to_path_buf(),
        kind,
        message,
    }
}

/// Maps `symphonia`'s error while decoding (after the format was found).
fn stream_error(path: &Path, e: SymError) -> Error {
    match e {
        SymError::IoError(source) if source.kind() == std::io::ErrorKind::UnexpectedEof => {
            audio_error(
                path,
                AudioErrorKind::Truncated,
                "the file ends inside a frame".to_string(),
            )
        }
        SymError::IoError(source) => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        SymError::Unsupported(m) => audio_error(path, AudioErrorKind::Unsupported, m.to_string()),
        SymError::ResetRequired => audio_error(
            path,
            AudioErrorKind::InconsistentStream,
            "the track list changed mid-stream".to_string(),
        ),
        other => audio_error(path, AudioErrorKind::Corrupt, other.to_string()),
    }
}

/// Probes and decodes the default audio track of `file`.
fn decode_stream(path: &Path, file: File, limit: u64) -> Result<Wav> {
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| match e {
            SymError::IoError(source) if source.kind() != std::io::ErrorKind::UnexpectedEof => {
                Error::Io {
                    path: path.to_path_buf(),
                    source,
                }
            }
            other => audio_error(
                path,
                AudioErrorKind::NotAudio,
                format!("no MP3 or WAV stream recognised ({other})"),
            ),
        })?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or_else(|| {
            audio_error(
                path,
                AudioErrorKind::NoAudioTrack,
                "the container holds no audio track".to_string(),
            )
        })?
        .clone();
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| {
            audio_error(
                path,
                AudioErrorKind::NoAudioTrack,
                "the track is not audio".to_string(),
            )
        })?;
    if params.channels.as_ref().is_some_and(|c| c.count() == 0) {
        return Err(audio_error(
            path,
            AudioErrorKind::NoChannels,
            "the stream announces zero channels".to_string(),
        ));
    }
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(params, &AudioDecoderOptions::default())
        .map_err(|e| stream_error(path, e))?;
    // The frame count of a LAME/Xing `Info` header (net of delay and
    // padding); without a LAME tag the reader may only estimate it.
    let announced = track.delay.and(track.num_frames);

    let mut data: Vec<f64> = Vec::new();
    let mut spec: Option<(u32, usize)> = None;
    loop {
        let packet = match format.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => return Err(stream_error(path, e)),
        };
        if packet.track_id != track.id {
            continue;
        }
        let buf = decoder.decode(&packet).map_err(|e| stream_error(path, e))?;
        let (rate, channels) = (buf.spec().rate(), buf.spec().channels().count());
        if channels == 0 {
            return Err(audio_error(
                path,
                AudioErrorKind::NoChannels,
                "a frame decodes to zero channels".to_string(),
            ));
        }
        match spec {
            None => spec = Some((rate, channels)),
            Some(s) if s != (rate, channels) => {
                return Err(audio_error(
                    path,
                    AudioErrorKind::InconsistentStream,
                    format!(
                        "the stream starts at {} Hz with {} channels, then changes to {rate} Hz with {channels}",
                        s.0, s.1
                    ),
                ))
            }
            Some(_) => {}
        }
        let n = buf.frames() * channels;
        if n == 0 {
            continue;
        }
        reserve_checked(&mut data, n, WHAT, 0, limit)?;
        let start = data.len();
        data.resize(start + n, 0.0);
        buf.copy_to_slice_interleaved(&mut data[start..]);
    }
    let (rate, channels) = match (spec, params.sample_rate, params.channels.as_ref()) {
        (Some(s), _, _) => s,
        (None, Some(rate), Some(c)) => (rate, c.count()),
        (None, _, _) => {
            return Err(audio_error(
                path,
                AudioErrorKind::NotAudio,
                "the stream holds no audio frames".to_string(),
            ))
        }
    };
    let frames = data.len() / channels;
    if let Some(expected) = announced {
        if (frames as u64) < expected {
            return Err(audio_error(
                path,
                AudioErrorKind::Truncated,
                format!("the header announces {expected} frames, the file holds {frames}"),
            ));
        }
    }
    let channels_u16 = u16::try_from(channels).map_err(|_| {
        audio_error(
            path,
            AudioErrorKind::Unsupported,
            format!("{channels} channels"),
        )
    })?;
    let samples = Array2::from_shape_vec((frames, channels), data).map_err(|e| {
        audio_error(
            path,
            AudioErrorKind::Corrupt,
            format!("the samples do not fill whole frames: {e}"),
        )
    })?;
    Ok(Wav {
        sample_rate: rate,
        channels: channels_u16,
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chirp() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/chirp_mono.mp3")
    }

    #[test]
    fn a_stream_over_the_memory_limit_is_refused_as_it_grows() {
        // 16000 f64 samples need 128000 bytes once the buffer has grown.
        let e = decode_file(&chirp(), 100_000).unwrap_err();
        match e {
            Error::TooLarge(m) => {
                assert_eq!(m.what, WHAT);
                assert!(m.estimated_bytes > 100_000);
                assert_eq!(m.limit, 100_000);
            }
            other => panic!("{other:?}"),
        }
        // The buffer grows by doubling, to less than twice the samples.
        assert_eq!(
            decode_file(&chirp(), 2 * 16000 * 8).unwrap().frames(),
            16000
        );
    }
}
