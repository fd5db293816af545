#!/usr/bin/env python3
"""Regenerate the tda-io audio fixtures (the Persistent CNN's log-mel input).

Run from the repository root:

    python3 tools/gen_audio_fixtures.py

The script creates `.venv` (gitignored) if it is missing, installs librosa
and soundfile into it, and re-runs itself with that interpreter. It writes
into crates/tda-io/tests/fixtures/audio/:

- three seeded clips at 16 kHz, written with soundfile:
  `chirp_pcm16.wav` (1.0 s linear chirp 100 Hz -> 7 kHz, mono, 16-bit PCM),
  `chord_stereo_f32.wav` (0.6 s chord of four sines with an attack/decay
  envelope, the channels mixed differently, stereo, 32-bit float, with
  libsndfile's PEAK chunk, its timestamp zeroed),
  `noise_pcm24.wav` (0.75 s seeded white noise, mono, 24-bit PCM);
- `log_mel.json`: per clip, the file name, sample rate, channel count,
  frame count (samples per channel), the first 16 frames as soundfile reads
  them back (float64, rows = frames), and
  `log(1 + 10000 * librosa.feature.melspectrogram(y=mono, sr=16000,
  n_fft=512, hop_length=512, n_mels=128))` transposed to (frames, 128), where
  `mono` is soundfile's float64 read-back averaged over channels
  (librosa's defaults otherwise: centred frames padded with zeros,
  periodic Hann window, power 2, Slaney mel scale and norm, float32 filters);
  plus the same for an empty signal (`empty`, one frame), librosa's
  `mel_frequencies(130, fmin=0, fmax=8000)` and the sums of
  `filters.mel(sr=16000, n_fft=512, n_mels=128, dtype=float64)` over
  frequency (per filter) and over filters (per FFT bin).

- three MP3 clips at 16 kHz written with soundfile (libsndfile's LAME
  encoder, which stores a LAME `Info` header with the encoder delay and
  padding): `chirp_mono.mp3` (the chirp, mono, constant bitrate),
  `chord_stereo.mp3` (the chord, stereo, constant bitrate) and
  `noise_vbr.mp3` (12345 samples of seeded noise, mono, variable bitrate);
- `mp3.json`: per MP3, the file name, sample rate, channel count and frame
  count soundfile decodes (libsndfile with mpg123, gapless), soundfile's
  decoded samples (float32 values, exact in their shortest repr) of every
  `stride`-th frame (rows = frames, `stride` stored), and rows `0, 4, 8,
  ...` of the log-mel spectrogram above of the decoded signal averaged over
  channels (7 significant digits).

- `standardize.json`: three seeded spectrogram-like arrays (5, 7 and 4
  frames x 6 bands, band 3 constant, log-mel-like magnitudes), numpy's
  `mean(axis=0)` and `std(axis=0)` (population) of their concatenation,
  and the third array standardised with them (constant band divided by 1).

Floats are written with Python's round-trip repr.
"""

import json
import os
import subprocess
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv")
VPY = os.path.join(VENV, "bin", "python")
OUT = os.path.join(ROOT, "crates", "tda-io", "tests", "fixtures", "audio")


def ensure_env():
    try:
        import librosa  # noqa: F401
        import soundfile  # noqa: F401
        return
    except ImportError:
        pass
    if not os.path.exists(VPY):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    has = subprocess.call([VPY, "-c", "import librosa, soundfile"], stderr=subprocess.DEVNULL) == 0
    if not has:
        subprocess.check_call([VPY, "-m", "pip", "install", "librosa", "soundfile"])
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        sys.exit("librosa and soundfile were installed but do not import")
    os.execv(VPY, [VPY] + sys.argv)


ensure_env()

import librosa  # noqa: E402
import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

SR = 16000
N_FFT = 512
HOP = 512
N_MELS = 128


def log_mel(mono):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = librosa.feature.melspectrogram(
            y=mono, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS
        )
    return np.log1p(10000.0 * s).T


def zero_peak_timestamp(path):
    """libsndfile writes a PEAK chunk with the time of writing into float
    files; zero that timestamp so that the fixture is reproducible."""
    with open(path, "rb") as f:
        b = bytearray(f.read())
    i = b.find(b"PEAK")
    if i >= 0:
        b[i + 12 : i + 16] = bytes(4)  # id, size, version, then the timestamp
        with open(path, "wb") as f:
            f.write(b)


def rows(a):
    return [[float(x) for x in row] for row in a]


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20161)

    t = np.arange(int(1.0 * SR)) / SR
    chirp = 0.8 * np.sin(2 * np.pi * (100 * t + 0.5 * (7000 - 100) / 1.0 * t**2))

    t = np.arange(int(0.6 * SR)) / SR
    env = np.minimum(t / 0.05, 1.0) * np.exp(-3.0 * t)
    notes = [np.sin(2 * np.pi * f * t) for f in (220.0, 277.18, 329.63, 440.0)]
    left = 0.25 * env * (notes[0] + notes[1] + notes[2] + 0.5 * notes[3])
    right = 0.25 * env * (0.5 * notes[0] + notes[1] + notes[2] + notes[3])
    chord = np.stack([left, right], axis=1)

    noise = 0.3 * rng.standard_normal(int(0.75 * SR))
    noise = np.clip(noise, -0.99, 0.99)

    clips = [
        ("chirp_pcm16.wav", chirp, "PCM_16"),
        ("chord_stereo_f32.wav", chord, "FLOAT"),
        ("noise_pcm24.wav", noise, "PCM_24"),
    ]
    out = {"sample_rate": SR, "n_fft": N_FFT, "hop_length": HOP, "n_mels": N_MELS, "clips": []}
    for name, data, subtype in clips:
        path = os.path.join(OUT, name)
        sf.write(path, data, SR, subtype=subtype)
        zero_peak_timestamp(path)
        back, sr = sf.read(path, dtype="float64", always_2d=True)
        assert sr == SR
        mono = back.mean(axis=1)
        lm = log_mel(mono)
        out["clips"].append(
            {
                "file": name,
                "sample_rate": sr,
                "channels": back.shape[1],
                "frames": back.shape[0],
                "head": rows(back[:16]),
                "shape": list(lm.shape),
                "log_mel": rows(lm),
            }
        )
    lm = log_mel(np.zeros(0))
    out["empty"] = {"shape": list(lm.shape), "log_mel": rows(lm)}
    out["mel_frequencies"] = [
        float(x) for x in librosa.mel_frequencies(N_MELS + 2, fmin=0.0, fmax=SR / 2)
    ]
    basis = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS, dtype=np.float64)
    out["filter_sums"] = [float(x) for x in basis.sum(axis=1)]
    out["bin_sums"] = [float(x) for x in basis.sum(axis=0)]
    with open(os.path.join(OUT, "log_mel.json"), "w") as f:
        json.dump(out, f)
        f.write("\n")
    mp3_fixtures(chirp, chord, rng)
    standardize_fixture(np.random.default_rng(2014))


def standardize_fixture(rng):
    xs = [rng.gamma(2.0, 1.5, size=(n, 6)) + 3.0 for n in (5, 7, 4)]
    for x in xs:
        x[:, 3] = 2.5
    cat = np.concatenate(xs)
    mean, std = cat.mean(axis=0), cat.std(axis=0)
    y = (xs[2] - mean) / np.where(std > 0, std, 1.0)
    out = {
        "spectrograms": [rows(x) for x in xs],
        "mean": [float(v) for v in mean],
        "std": [float(v) for v in std],
        "third_standardized": rows(y),
    }
    with open(os.path.join(OUT, "standardize.json"), "w") as f:
        json.dump(out, f)
        f.write("\n")


def f32(x):
    """The shortest repr that reads back as the same float32."""
    return float(np.format_float_positional(np.float32(x), unique=True, trim="-"))


def mp3_fixtures(chirp, chord, rng):
    noise = np.clip(0.3 * rng.standard_normal(12345), -0.99, 0.99)
    clips = [
        ("chirp_mono.mp3", chirp, "CONSTANT"),
        ("chord_stereo.mp3", chord, "CONSTANT"),
        ("noise_vbr.mp3", noise, "VARIABLE"),
    ]
    stride = 40
    out = {"sample_rate": SR, "stride": stride, "clips": []}
    for name, data, mode in clips:
        path = os.path.join(OUT, name)
        sf.write(
            path, data, SR, format="MP3", subtype="MPEG_LAYER_III",
            bitrate_mode=mode, compression_level=0.6,
        )
        back, sr = sf.read(path, dtype="float64", always_2d=True)
        back32, _ = sf.read(path, dtype="float32", always_2d=True)
        assert sr == SR and np.array_equal(back, back32.astype(np.float64))
        assert back.shape[0] == len(data), "soundfile's decode is not gapless"
        lm = log_mel(back.mean(axis=1))
        out["clips"].append(
            {
                "file": name,
                "sample_rate": sr,
                "channels": back.shape[1],
                "frames": back.shape[0],
                "samples": [[f32(x) for x in row] for row in back[::stride]],
                "log_mel_shape": list(lm.shape),
                "log_mel_rows_by_4": [[float("%.7g" % x) for x in row] for row in lm[::4]],
            }
        )
    with open(os.path.join(OUT, "mp3.json"), "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    main()
