//! Tiny trained-shape Signal and Image PI-Nets, their checkpoints, inputs
//! and outputs, committed in `tests/fixtures/pinet_tiny/`: the Python
//! package's suite loads the same checkpoints and must predict the same
//! outputs (`crates/tda-python/tests/test_pinet.py`), and this test checks
//! that the Rust models still do. `TDA_REGENERATE_FIXTURES=1 cargo test
//! -p tda-nn --test pinet_checkpoint_fixture` writes them anew (random
//! weights; the record of how they were made).

use std::path::PathBuf;

use candle_core::{Device, Tensor};
use candle_nn::VarMap;
use ndarray::{ArrayD, IxDyn};
use tda_nn::train::{load_checkpoint, load_checkpoint_bytes, save_checkpoint};
use tda_nn::*;

mod common;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pinet_tiny")
}

/// `n` values of a fixed pseudo-random sequence in `[-1, 1)` (SplitMix64).
fn inputs(dims: &[usize], seed: u64) -> Tensor {
    let n: usize = dims.iter().product();
    let mut s = seed;
    let v: Vec<f32> = (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            (z >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect();
    Tensor::from_vec(v, dims, &Device::Cpu).unwrap()
}

fn to_array(t: &Tensor) -> ArrayD<f32> {
    ArrayD::from_shape_vec(IxDyn(t.dims()), t.flatten_all().unwrap().to_vec1().unwrap()).unwrap()
}

/// Writes the fixture of `name` (regenerating) or checks the model loaded
/// from it against its committed output.
fn check(
    name: &str,
    build: impl Fn(&VarMap) -> Result<Box<dyn Fn(&Tensor) -> Result<Tensor>>>,
    x: Tensor,
) -> Result<()> {
    let (ckpt, input, output) = (
        dir().join(format!("{name}.safetensors")),
        dir().join(format!("{name}_input.npy")),
        dir().join(format!("{name}_output.npy")),
    );
    let vars = VarMap::new();
    let infer = build(&vars)?;
    if std::env::var_os("TDA_REGENERATE_FIXTURES").is_some() {
        std::fs::create_dir_all(dir()).unwrap();
        save_checkpoint(&vars, &ckpt, None)?;
        tda_io::npy::write_npy(&input, &to_array(&x)).unwrap();
        tda_io::npy::write_npy(&output, &to_array(&infer(&x)?)).unwrap();
        return Ok(());
    }
    load_checkpoint(&vars, &ckpt)?;
    // The same weights from the file's bytes; a truncated file is refused
    // and leaves the variables as they were.
    let bytes = std::fs::read(&ckpt).unwrap();
    let from_bytes = VarMap::new();
    let infer_bytes = build(&from_bytes)?;
    assert_eq!(load_checkpoint_bytes(&from_bytes, &bytes)?, None);
    assert!(load_checkpoint_bytes(&from_bytes, &bytes[..bytes.len() / 2]).is_err());
    let x: ArrayD<f32> = tda_io::npy::read_npy(&input).unwrap();
    let want: ArrayD<f32> = tda_io::npy::read_npy(&output).unwrap();
    let x = Tensor::from_vec(
        x.iter().copied().collect::<Vec<_>>(),
        x.shape(),
        &Device::Cpu,
    )?;
    let got = to_array(&infer(&x)?);
    assert_eq!(got, to_array(&infer_bytes(&x)?));
    assert_eq!(got.shape(), want.shape());
    assert!(
        want.iter().any(|&v| v > 0.0),
        "{name}: a fixture of zeros tests nothing"
    );
    for (g, w) in got.iter().zip(&want) {
        assert!(
            (g - w).abs() <= 1e-5 * (1.0 + w.abs()),
            "{name}: {g} != {w}"
        );
    }
    Ok(())
}

#[test]
fn tiny_pinets_reproduce_their_committed_outputs() -> Result<()> {
    check(
        "signal",
        |vars| {
            let cfg = SignalPiNetConfig {
                length: 16,
                channels: 2,
                filters: vec![4, 6],
                kernel: 3,
                resolution: 5,
            };
            let net = SignalPiNet::new(cfg, common::vb(vars))?;
            Ok(Box::new(move |x: &Tensor| net.infer(x)))
        },
        inputs(&[3, 2, 16], 1),
    )?;
    check(
        "image",
        |vars| {
            let cfg = ImagePiNetConfig {
                height: 8,
                width: 6,
                channels: 3,
                filters: vec![4, 6],
                kernel: 3,
                resolution: 4,
            };
            let net = ImagePiNet::new(cfg, common::vb(vars))?;
            Ok(Box::new(move |x: &Tensor| net.infer(x)))
        },
        inputs(&[2, 3, 8, 6], 2),
    )
}
