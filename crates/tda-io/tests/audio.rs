//! The audio front end against librosa (fixtures from
//! tools/gen_audio_fixtures.py) and its error reporting.

use std::path::{Path, PathBuf};

use ndarray::{Array2, Axis};
use serde_json::Value;
use tda_io::audio::{mel, read_wav, LogMel, Wav};
use tda_io::Error;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio")
}

fn fixtures() -> Value {
    let text = std::fs::read_to_string(fixture_dir().join("log_mel.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v.as_array().unwrap().iter().map(floats).collect();
    let cols = rows.first().map_or(0, Vec::len);
    Array2::from_shape_vec((rows.len(), cols), rows.concat()).unwrap()
}

/// The largest error relative to each expected value, with an absolute
/// floor of 1e-9 times the largest expected magnitude.
fn max_rel_error(ours: &Array2<f64>, theirs: &Array2<f64>) -> f64 {
    assert_eq!(ours.dim(), theirs.dim());
    let scale = theirs.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let floor = 1e-9 * scale;
    ours.iter()
        .zip(theirs)
        .map(|(a, b)| (a - b).abs() / b.abs().max(floor).max(f64::MIN_POSITIVE))
        .fold(0.0, f64::max)
}

#[test]
fn wav_files_read_as_soundfile_reads_them() {
    let fx = fixtures();
    for clip in fx["clips"].as_array().unwrap() {
        let name = clip["file"].as_str().unwrap();
        let wav = read_wav(fixture_dir().join(name)).unwrap();
        assert_eq!(wav.sample_rate, 16000, "{name}");
        assert_eq!(u64::from(wav.channels), clip["channels"].as_u64().unwrap());
        assert_eq!(wav.frames() as u64, clip["frames"].as_u64().unwrap());
        let head = matrix(&clip["head"]);
        let ours = wav.samples.slice(ndarray::s![..head.nrows(), ..]);
        // soundfile's float64 read-back is exact for these formats.
        assert_eq!(ours, head, "{name}");
        let mono = wav.mono();
        assert_eq!(mono.len(), wav.frames());
        let mean = wav.samples.mean_axis(Axis(1)).unwrap();
        assert!(mono.iter().zip(&mean).all(|(a, b)| (a - b).abs() <= 1e-15));
    }
}

#[test]
fn log_mel_matches_librosa_on_the_fixtures() {
    let fx = fixtures();
    let mut lm = LogMel::builder().build().unwrap();
    let mut worst = 0.0f64;
    for clip in fx["clips"].as_array().unwrap() {
        let name = clip["file"].as_str().unwrap();
        let wav = read_wav(fixture_dir().join(name)).unwrap();
        let ours = lm.transform_wav(&wav).unwrap();
        let theirs = matrix(&clip["log_mel"]);
        let shape = floats(&clip["shape"]);
        assert_eq!(ours.dim(), (shape[0] as usize, shape[1] as usize), "{name}");
        let err = max_rel_error(&ours, &theirs);
        eprintln!(
            "{name}: {} frames, max relative error {err:e}",
            ours.nrows()
        );
        assert!(err <= 1e-4, "{name}: max relative error {err}");
        worst = worst.max(err);
    }
    eprintln!("worst max relative error against librosa: {worst:e}");
}

#[test]
fn an_empty_signal_gives_one_frame_as_librosa() {
    let fx = fixtures();
    let mut lm = LogMel::builder().build().unwrap();
    let ours = lm.transform(&[], 16000).unwrap();
    let theirs = matrix(&fx["empty"]["log_mel"]);
    assert_eq!(ours.dim(), (1, 128));
    assert_eq!(ours, theirs);
    assert_eq!(lm.frames(0), 1);
    assert_eq!(lm.frames(511), 1);
    assert_eq!(lm.frames(512), 2);
}

#[test]
fn the_filterbank_has_librosa_band_edges_and_sums() {
    let fx = fixtures();
    let lm = LogMel::builder().build().unwrap();
    let edges = floats(&fx["mel_frequencies"]);
    assert_eq!(lm.band_edges().len(), 130);
    for (a, b) in lm.band_edges().iter().zip(&edges) {
        assert!((a - b).abs() <= 1e-12 * b.max(1.0), "{a} vs {b}");
    }
    let filters = lm.filters();
    assert_eq!(filters.dim(), (128, 257));
    for (a, b) in filters
        .sum_axis(Axis(1))
        .iter()
        .zip(floats(&fx["filter_sums"]))
    {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1e-300), "{a} vs {b}");
    }
    for (a, b) in filters
        .sum_axis(Axis(0))
        .iter()
        .zip(floats(&fx["bin_sums"]))
    {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1e-12), "{a} vs {b}");
    }
}

#[test]
fn the_filterbank_follows_its_closed_form() {
    let lm = LogMel::builder().build().unwrap();
    let f = lm.band_edges();
    let df = 16000.0 / 512.0;
    // Edges equally spaced on the Slaney scale: 8 kHz is 15 + ln 8 / (ln 6.4 / 27) mels.
    let top = 15.0 + 8f64.ln() / (6.4f64.ln() / 27.0);
    for (i, &hz) in f.iter().enumerate() {
        let m = top * i as f64 / 129.0;
        let want = if m < 15.0 {
            m * 200.0 / 3.0
        } else {
            1000.0 * ((m - 15.0) * 6.4f64.ln() / 27.0).exp()
        };
        assert!(
            (hz - want).abs() <= 1e-9 * want.max(1.0),
            "edge {i}: {hz} vs {want}"
        );
        assert!((mel::hz_to_mel(hz) - m).abs() <= 1e-9);
    }
    for (i, row) in lm.filters().outer_iter().enumerate() {
        let (lo, mid, hi) = (f[i], f[i + 1], f[i + 2]);
        // The peak lies in the bin at or just around the centre frequency,
        // and the triangle's value there is its closed form.
        let k = row
            .iter()
            .enumerate()
            .fold((0, f64::MIN), |b, (k, &w)| if w > b.1 { (k, w) } else { b })
            .0;
        let fk = k as f64 * df;
        assert!(
            (fk - mid).abs() < df,
            "filter {i}: peak {fk} Hz, centre {mid} Hz"
        );
        let tri = if fk <= mid {
            (fk - lo) / (mid - lo)
        } else {
            (hi - fk) / (hi - mid)
        };
        let want = tri * 2.0 / (hi - lo);
        assert!((row[k] - want).abs() <= 1e-12 * want, "filter {i}");
        // Zero outside (lo, hi).
        for (k, &w) in row.iter().enumerate() {
            let fk = k as f64 * df;
            if fk <= lo || fk >= hi {
                assert_eq!(w, 0.0, "filter {i}, bin {k}");
            }
        }
    }
}

#[test]
fn a_truncated_wav_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture_dir().join("chirp_pcm16.wav")).unwrap();
    for cut in [bytes.len() - 1001, 30, 3] {
        let p = dir.path().join(format!("cut{cut}.wav"));
        std::fs::write(&p, &bytes[..cut]).unwrap();
        match read_wav(&p) {
            Err(Error::Wav { path, message }) => {
                assert_eq!(path, p);
                assert!(message.contains("truncated"), "{cut}: {message}");
            }
            other => panic!("{cut}: {other:?}"),
        }
    }
}

#[test]
fn a_text_file_named_wav_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.wav");
    std::fs::write(&p, "these are not samples, just some text\n").unwrap();
    let e = read_wav(&p).unwrap_err();
    assert!(
        matches!(&e, Error::Wav { path, message } if path == &p && message.contains("not a valid WAV")),
        "{e}"
    );
    assert!(e.to_string().contains("notes.wav"));
    let missing = dir.path().join("missing.wav");
    assert!(matches!(read_wav(&missing), Err(Error::Io { path, .. }) if path == missing));
}

/// A minimal WAV header for `data_len` bytes of data.
fn header(format_tag: u16, channels: u16, rate: u32, bits: u16, data_len: u32) -> Vec<u8> {
    let block = channels * bits / 8;
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data_len).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&format_tag.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    h.extend_from_slice(&block.to_le_bytes());
    h.extend_from_slice(&bits.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_len.to_le_bytes());
    h
}

#[test]
fn a_huge_announced_length_is_refused_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.wav");
    let mut bytes = header(1, 1, 16000, 16, 4_000_000_000);
    bytes.extend_from_slice(&[0; 64]);
    std::fs::write(&p, &bytes).unwrap();
    match read_wav(&p) {
        Err(Error::Wav { message, .. }) => assert!(message.contains("truncated"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unsupported_formats_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f64.wav");
    let mut bytes = header(3, 1, 16000, 64, 16);
    bytes.extend_from_slice(&[0; 16]);
    std::fs::write(&p, &bytes).unwrap();
    let e = read_wav(&p).unwrap_err();
    assert!(matches!(&e, Error::Wav { path, .. } if path == &p), "{e}");
}

#[test]
fn integer_depths_are_scaled_by_two_to_the_bits_minus_one() {
    let dir = tempfile::tempdir().unwrap();
    for bits in [8u16, 16, 24, 32] {
        let p = dir.path().join(format!("i{bits}.wav"));
        let spec = hound::WavSpec {
            channels: 3,
            sample_rate: 8000,
            bits_per_sample: bits,
            sample_format: hound::SampleFormat::Int,
        };
        let full = 1i64 << (bits - 1);
        let values = [-full, -1, 0, 1, full - 1, full / 2];
        let mut w = hound::WavWriter::create(&p, spec).unwrap();
        for &v in &values {
            w.write_sample(v as i32).unwrap();
        }
        w.finalize().unwrap();
        let wav = read_wav(&p).unwrap();
        assert_eq!((wav.sample_rate, wav.channels, wav.frames()), (8000, 3, 2));
        let want: Vec<f64> = values.iter().map(|&v| v as f64 / full as f64).collect();
        assert_eq!(
            wav.samples.iter().copied().collect::<Vec<_>>(),
            want,
            "{bits} bits"
        );
        assert_eq!(wav.samples[[0, 0]], -1.0);
        assert_eq!(wav.mono()[1], (want[3] + want[4] + want[5]) / 3.0);
    }
}

#[test]
fn a_wrong_sample_rate_is_a_typed_error() {
    let mut lm = LogMel::builder().build().unwrap();
    let wav = Wav {
        sample_rate: 22050,
        channels: 1,
        samples: Array2::zeros((100, 1)),
    };
    assert!(matches!(
        lm.transform_wav(&wav),
        Err(Error::SampleRate {
            expected: 16000,
            found: 22050
        })
    ));
    assert!(matches!(
        lm.transform(&[0.0; 10], 44100),
        Err(Error::SampleRate {
            expected: 16000,
            found: 44100
        })
    ));
    // A transform configured for 22050 Hz takes it.
    let mut lm = LogMel::builder().sample_rate(22050).build().unwrap();
    assert_eq!(lm.transform_wav(&wav).unwrap().dim(), (1, 128));
}

#[test]
fn non_finite_samples_are_typed_errors_naming_the_index() {
    let mut lm = LogMel::builder().build().unwrap();
    let mut x = vec![0.1; 1000];
    x[737] = f64::NAN;
    x[900] = f64::INFINITY;
    match lm.transform(&x, 16000) {
        Err(Error::NonFiniteSample { index: 737, value }) => assert!(value.is_nan()),
        other => panic!("{other:?}"),
    }
    // A float WAV holding NaN reads, and its spectrogram is refused.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nan.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&p, spec).unwrap();
    for s in [0.0f32, 0.5, f32::NAN, -0.5] {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
    let wav = read_wav(&p).unwrap();
    assert!(wav.samples[[2, 0]].is_nan());
    let e = lm.transform_wav(&wav).unwrap_err();
    assert!(matches!(e, Error::NonFiniteSample { index: 2, .. }), "{e}");
    assert!(e.to_string().contains("sample 2"));
}

#[test]
fn magnitudes_whose_spectrum_would_overflow_are_refused() {
    let mut lm = LogMel::builder().build().unwrap();
    // At the limit every value is finite (the worst case: a full-scale
    // constant at the limit, the window's whole sum in one bin).
    let at_limit = vec![tda_io::audio::MAX_SAMPLE; 2048];
    let x = lm.transform(&at_limit, 16000).unwrap();
    assert!(x.iter().all(|v| v.is_finite()));
    let mut over = vec![0.0; 100];
    over[7] = -1e101;
    let e = lm.transform(&over, 16000).unwrap_err();
    assert!(
        matches!(e, Error::SampleOutOfRange { index: 7, value, .. } if value == -1e101),
        "{e}"
    );
}

#[test]
fn impossible_parameters_are_refused_at_build() {
    let name_of = |b: tda_io::audio::LogMelBuilder| match b.build() {
        Err(Error::AudioParameter { name, .. }) => name,
        other => panic!("{other:?}"),
    };
    assert_eq!(name_of(LogMel::builder().n_fft(0)), "n_fft");
    assert_eq!(name_of(LogMel::builder().n_fft(511)), "n_fft");
    assert_eq!(name_of(LogMel::builder().hop_length(0)), "hop_length");
    assert_eq!(name_of(LogMel::builder().n_mels(0)), "n_mels");
    assert_eq!(name_of(LogMel::builder().sample_rate(0)), "sample_rate");
    // librosa 0.11 first warns of empty filters at 196 bands for 16 kHz
    // and n_fft 512, at 152 for 8 kHz and n_fft 256: this refuses them.
    assert_eq!(LogMel::builder().n_mels(195).build().unwrap().n_mels(), 195);
    assert_eq!(name_of(LogMel::builder().n_mels(196)), "n_mels");
    assert_eq!(name_of(LogMel::builder().n_mels(256)), "n_mels");
    let small = LogMel::builder().sample_rate(8000).n_fft(256);
    assert!(small.n_mels(151).build().is_ok());
    assert_eq!(name_of(small.n_mels(152)), "n_mels");
    let lm = LogMel::builder()
        .sample_rate(8000)
        .n_fft(256)
        .hop_length(128)
        .n_mels(40)
        .build()
        .unwrap();
    assert_eq!(
        (lm.sample_rate(), lm.n_fft(), lm.hop_length(), lm.n_mels()),
        (8000, 256, 128, 40)
    );
    assert_eq!(lm.frames(1000), 8);
}
