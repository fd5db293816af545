//! `tda_nn::train::load_checkpoint_bytes` on any bytes, into the variables
//! of a tiny Signal PI-Net (the shapes of the committed fixture
//! `crates/tda-nn/tests/fixtures/pinet_tiny/signal.safetensors`, so that
//! valid checkpoints are reachable) and into an empty `VarMap`.
//!
//! Invariants: no panic, no allocation past the memory limit; a refused
//! checkpoint leaves the variables as they were; a checkpoint that loads,
//! saved again and loaded into a fresh model, gives the same weights and
//! epoch count.

#![no_main]

use candle_core::{DType, Device};
use candle_nn::{VarBuilder, VarMap};
use libfuzzer_sys::fuzz_target;
use tda_nn::train::{load_checkpoint_bytes, save_checkpoint};
use tda_nn::{SignalPiNet, SignalPiNetConfig};

/// A fresh tiny Signal PI-Net's variables.
fn model() -> VarMap {
    let vars = VarMap::new();
    let cfg = SignalPiNetConfig {
        length: 16,
        channels: 2,
        filters: vec![4, 6],
        kernel: 3,
        resolution: 5,
    };
    SignalPiNet::new(
        cfg,
        VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu),
    )
    .expect("the tiny model builds");
    vars
}

/// Every variable by name, as raw `f32` bits, in name order.
fn snapshot(vars: &VarMap) -> Vec<(String, Vec<usize>, Vec<u32>)> {
    let data = vars.data().lock().unwrap();
    let mut out: Vec<_> = data
        .iter()
        .map(|(k, v)| {
            let t = v.as_tensor();
            let values = t.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            (
                k.clone(),
                t.dims().to_vec(),
                values.iter().map(|x| x.to_bits()).collect(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fuzz_target!(|data: &[u8]| {
    tda_pinet_fuzz::init();

    // An empty model: only an empty checkpoint (or one holding only the
    // epoch count) loads.
    let empty = VarMap::new();
    match load_checkpoint_bytes(&empty, data) {
        Ok(_) => assert!(empty.data().lock().unwrap().is_empty()),
        Err(e) => {
            let _ = e.to_string();
        }
    }

    let vars = model();
    let before = snapshot(&vars);
    let epochs = match load_checkpoint_bytes(&vars, data) {
        Ok(epochs) => epochs,
        Err(e) => {
            let _ = e.to_string();
            assert!(
                snapshot(&vars) == before,
                "a refused checkpoint changed the model"
            );
            return;
        }
    };
    let loaded = snapshot(&vars);
    let path = tda_pinet_fuzz::scratch().join("out.safetensors");
    save_checkpoint(&vars, &path, epochs).expect("a loaded model saves");
    let bytes = std::fs::read(&path).unwrap();
    let fresh = model();
    let again = load_checkpoint_bytes(&fresh, &bytes).expect("a saved checkpoint loads");
    assert_eq!(again, epochs);
    assert!(
        snapshot(&fresh) == loaded,
        "the weights changed in a save and load"
    );
});
