//! MP3 decoding against soundfile (libsndfile with mpg123; fixtures from
//! tools/gen_audio_fixtures.py) and its error reporting.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tda_io::audio::{read_audio, read_wav, LogMel};
use tda_io::{AudioErrorKind, Error};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio")
}

fn fixtures() -> Value {
    let text = std::fs::read_to_string(fixture_dir().join("mp3.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn rows(v: &Value) -> Vec<Vec<f64>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect()
}

/// Decoded length equals soundfile's (the encoder delay and padding are
/// trimmed as libsndfile/mpg123 trims them), and every stored sample agrees
/// within 1e-5. Measured: the largest difference over all samples of the
/// three fixtures is about 2e-6 (2.1e-6 chirp, 4.5e-7 chord, 1.2e-6 noise
/// when measured against soundfile's full decode): both decoders output
/// float32 but round differently inside the synthesis filterbank, so the
/// bound is a few float32 ulps of full scale, and 1e-5 leaves a margin of
/// about 4 without hiding an offset by even one sample (which moves the
/// chirp by more than 1e-2).
#[test]
fn mp3_files_decode_as_soundfile_decodes_them() {
    let fx = fixtures();
    let stride = fx["stride"].as_u64().unwrap() as usize;
    let mut worst = 0.0f64;
    for clip in fx["clips"].as_array().unwrap() {
        let name = clip["file"].as_str().unwrap();
        let wav = read_audio(fixture_dir().join(name)).unwrap();
        assert_eq!(
            u64::from(wav.sample_rate),
            clip["sample_rate"].as_u64().unwrap()
        );
        assert_eq!(u64::from(wav.channels), clip["channels"].as_u64().unwrap());
        assert_eq!(
            wav.frames() as u64,
            clip["frames"].as_u64().unwrap(),
            "{name}"
        );
        let theirs = rows(&clip["samples"]);
        assert_eq!(theirs.len(), wav.frames().div_ceil(stride));
        let mut err = 0.0f64;
        for (i, row) in theirs.iter().enumerate() {
            for (c, &x) in row.iter().enumerate() {
                // The fixture holds float32 values in their shortest repr.
                let x = f64::from(x as f32);
                err = err.max((wav.samples[[i * stride, c]] - x).abs());
            }
        }
        eprintln!("{name}: {} frames, max sample error {err:e}", wav.frames());
        assert!(err <= 1e-5, "{name}: {err}");
        worst = worst.max(err);
    }
    eprintln!("worst sample error against soundfile: {worst:e}");
}

/// The log-mel spectrogram of the decoded clip (decode, mix down, LogMel)
/// against librosa's of soundfile's decode. The decoders differ by ~1e-6
/// per sample, and `ln(1 + 10000 P)` is most sensitive in quiet bands
/// (`d = 10000 dP / (1 + 10000 P)`): adding uniform noise of ±1e-6 to
/// soundfile's decode moves librosa's log-mel of the chirp by up to 2.4e-4.
/// So values must agree within 1e-3 absolute (log-mel values run 0 to
/// ~10; the fixture's 7 significant digits add at most 5e-6); measured:
/// 7.5e-5 (chirp), 6.5e-5 (chord), 1.0e-5 (noise).
#[test]
fn log_mel_of_an_mp3_matches_librosa_of_soundfile() {
    let fx = fixtures();
    let mut lm = LogMel::builder().build().unwrap();
    for clip in fx["clips"].as_array().unwrap() {
        let name = clip["file"].as_str().unwrap();
        let ours = lm.transform_file(fixture_dir().join(name)).unwrap();
        let shape = clip["log_mel_shape"].as_array().unwrap();
        assert_eq!(ours.nrows() as u64, shape[0].as_u64().unwrap());
        assert_eq!(ours.ncols() as u64, shape[1].as_u64().unwrap());
        let mut err = 0.0f64;
        for (i, row) in rows(&clip["log_mel_rows_by_4"]).iter().enumerate() {
            for (m, &x) in row.iter().enumerate() {
                err = err.max((ours[[4 * i, m]] - x).abs());
            }
        }
        eprintln!("{name}: log-mel max abs error {err:e}");
        assert!(err <= 1e-3, "{name}: {err}");
    }
}

#[test]
fn another_sample_rate_is_refused_by_log_mel_not_resampled() {
    let mut lm = LogMel::builder().sample_rate(22050).build().unwrap();
    let e = lm
        .transform_file(fixture_dir().join("chirp_mono.mp3"))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::SampleRate {
                expected: 22050,
                found: 16000
            }
        ),
        "{e}"
    );
}

#[test]
fn wav_files_go_to_the_exact_wav_reader() {
    for name in ["chirp_pcm16.wav", "chord_stereo_f32.wav", "noise_pcm24.wav"] {
        let p = fixture_dir().join(name);
        assert_eq!(read_audio(&p).unwrap(), read_wav(&p).unwrap());
    }
    // Recognised by content, not by name.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("really_a_wav.mp3");
    std::fs::copy(fixture_dir().join("chirp_pcm16.wav"), &p).unwrap();
    assert_eq!(read_audio(&p).unwrap().frames(), 16000);
}

fn kind_of(e: Error, path: &Path) -> AudioErrorKind {
    match e {
        Error::Audio { path: p, kind, .. } => {
            assert_eq!(p, path);
            kind
        }
        other => panic!("{}: {other:?}", path.display()),
    }
}

#[test]
fn a_missing_file_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("absent.mp3");
    match read_audio(&p) {
        Err(Error::Io { path, source }) => {
            assert_eq!(path, p);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(read_audio(dir.path()), Err(Error::Io { .. })));
}

#[test]
fn text_empty_and_random_files_are_not_audio() {
    let dir = tempfile::tempdir().unwrap();
    let mut noise = vec![0u8; 5000];
    let mut x = 12345u32;
    for b in &mut noise {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 24) as u8 & 0x7f; // no 0xff: no MPEG frame sync
    }
    for (name, bytes) in [
        ("notes.mp3", b"clip_id\tmp3_path\n1\t0/a.mp3\n".to_vec()),
        ("empty.mp3", Vec::new()),
        ("noise.mp3", noise),
        ("short.mp3", vec![0xff]),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        let kind = kind_of(read_audio(&p).unwrap_err(), &p);
        assert_eq!(kind, AudioErrorKind::NotAudio, "{name}");
    }
}

#[test]
fn a_truncated_mp3_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture_dir().join("chirp_mono.mp3")).unwrap();
    // Cut inside a frame and at several points: the LAME header announces
    // 16000 samples, fewer decode.
    for cut in [bytes.len() - 1, bytes.len() - 500, bytes.len() / 2, 700] {
        let p = dir.path().join(format!("cut{cut}.mp3"));
        std::fs::write(&p, &bytes[..cut]).unwrap();
        let kind = kind_of(read_audio(&p).unwrap_err(), &p);
        assert_eq!(kind, AudioErrorKind::Truncated, "cut at {cut}");
    }
}

/// Hostile variants of a valid file (bytes flipped, frames duplicated,
/// garbage appended) give a result or a typed error, never a panic.
#[test]
fn damaged_mp3s_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture_dir().join("chord_stereo.mp3")).unwrap();
    let mut x = 99u64;
    for round in 0..60 {
        let mut b = bytes.clone();
        for _ in 0..(1 + round % 7) {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let i = (x >> 33) as usize % b.len();
            b[i] ^= (x >> 20) as u8 | 1;
        }
        if round % 5 == 0 {
            b.extend_from_slice(&bytes[..1000]);
        }
        let p = dir.path().join(format!("damaged{round}.mp3"));
        std::fs::write(&p, &b).unwrap();
        match read_audio(&p) {
            Ok(w) => assert!(w.channels >= 1),
            Err(Error::Audio { .. }) => {}
            Err(e) => panic!("round {round}: unexpected {e:?}"),
        }
    }
}

/// Random frames behind valid MPEG frame headers (the fixture's own
/// headers, so the decoder gets past the sync search into the bit
/// reservoir, Huffman tables and side information) give a typed error or a
/// result, never a panic.
#[test]
fn random_frame_bodies_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture_dir().join("noise_vbr.mp3")).unwrap();
    // Offsets of the frame syncs (0xFFE.) in the fixture.
    let syncs: Vec<usize> = (0..bytes.len() - 1)
        .filter(|&i| bytes[i] == 0xff && bytes[i + 1] & 0xe0 == 0xe0)
        .collect();
    let mut x = 2024u64;
    let mut next = || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1442695040888963407);
        (x >> 24) as u8
    };
    for round in 0..40 {
        let mut b = bytes.clone();
        // Keep each header (4 bytes) and randomise a share of each body.
        for w in syncs.windows(2).filter(|w| w[1] > w[0] + 4) {
            for byte in &mut b[w[0] + 4..w[1]] {
                let r = next();
                if r % (1 + round % 8) == 0 {
                    *byte = next();
                }
            }
        }
        let p = dir.path().join(format!("random{round}.mp3"));
        std::fs::write(&p, &b).unwrap();
        match read_audio(&p) {
            Ok(w) => assert!(w.channels >= 1),
            Err(Error::Audio { .. }) => {}
            Err(e) => panic!("round {round}: unexpected {e:?}"),
        }
    }
}

/// An ID3v2 tag before the stream and an ID3v1 tag after it (as tagged
/// MP3s carry) are skipped: the same samples decode.
#[test]
fn id3_tags_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture_dir().join("chirp_mono.mp3")).unwrap();
    // ID3v2.3 with one TIT2 (title) frame.
    let title = b"\x00a chirp";
    let mut frame = b"TIT2".to_vec();
    frame.extend_from_slice(&(title.len() as u32).to_be_bytes());
    frame.extend_from_slice(&[0, 0]);
    frame.extend_from_slice(title);
    let size = frame.len() as u32;
    let mut tagged = b"ID3\x03\x00\x00".to_vec();
    tagged.extend_from_slice(&[
        (size >> 21 & 0x7f) as u8,
        (size >> 14 & 0x7f) as u8,
        (size >> 7 & 0x7f) as u8,
        (size & 0x7f) as u8,
    ]);
    tagged.extend_from_slice(&frame);
    tagged.extend_from_slice(&bytes);
    let mut v1 = b"TAG".to_vec();
    v1.resize(128, b' ');
    tagged.extend_from_slice(&v1);
    let p = dir.path().join("tagged.mp3");
    std::fs::write(&p, &tagged).unwrap();
    let plain = read_audio(fixture_dir().join("chirp_mono.mp3")).unwrap();
    assert_eq!(read_audio(&p).unwrap(), plain);
}

/// A WAV header announcing zero channels is a typed error through
/// read_audio too (an MPEG header cannot announce zero channels).
#[test]
fn zero_channels_are_a_typed_error() {
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36u32 + 4).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // PCM
    b.extend_from_slice(&0u16.to_le_bytes()); // zero channels
    b.extend_from_slice(&16000u32.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes()); // byte rate
    b.extend_from_slice(&0u16.to_le_bytes()); // block align
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&4u32.to_le_bytes());
    b.extend_from_slice(&[0, 0, 0, 0]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("zero.wav");
    std::fs::write(&p, &b).unwrap();
    match read_audio(&p) {
        Err(Error::Wav { path, message }) => {
            assert_eq!(path, p);
            assert!(message.contains("zero channels"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
