//! Seeded initialisation of a model's variables.
//!
//! candle draws its initial weights from an unseeded generator on the CPU;
//! training runs (and tests) must be reproducible, so the PI-Nets are
//! re-initialised here from a seed, with the Keras defaults of the
//! published models: Glorot-uniform kernels, zero biases, batch norm with
//! unit scale and zero shift, running mean 0 and variance 1.

use candle_core::Tensor;
use candle_nn::VarMap;

use crate::checkpoint::lock;
use crate::error::Result;
use crate::rng::SplitMix64;

/// Re-draws every variable of `vars` from `seed` (variables are visited in
/// name order, so the result does not depend on how they were created).
pub fn init_keras(vars: &VarMap, seed: u64) -> Result<()> {
    let data = lock(vars)?;
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    let mut rng = SplitMix64(seed);
    for name in names {
        let var = &data[name];
        let shape = var.dims().to_vec();
        let leaf = name.rsplit('.').next().unwrap_or(name);
        let in_batch_norm = name.split('.').rev().nth(1) == Some("bn");
        let value = match (in_batch_norm, leaf) {
            (true, "weight" | "running_var") => Tensor::ones(shape, var.dtype(), var.device())?,
            (_, "weight") if shape.len() >= 2 => {
                // Glorot & Bengio (2010): U(-l, l), l = sqrt(6 / (fan_in + fan_out)),
                // fans counting the receptive field.
                // In f64: exact below 2^53, and no overflow for any shape
                // (an empty variable's fans may be huge).
                let receptive: f64 = shape[2..].iter().map(|&d| d as f64).product();
                let (fan_out, fan_in) = (shape[0] as f64 * receptive, shape[1] as f64 * receptive);
                let limit = (6.0 / (fan_in + fan_out)).sqrt();
                let n = var.elem_count();
                let values: Vec<f32> = (0..n)
                    .map(|_| ((2.0 * rng.uniform() - 1.0) * limit) as f32)
                    .collect();
                Tensor::from_vec(values, shape, var.device())?.to_dtype(var.dtype())?
            }
            _ => Tensor::zeros(shape, var.dtype(), var.device())?,
        };
        var.set(&value)?;
    }
    Ok(())
}
