//! Seeded initialisation of a model's variables.
//!
//! candle draws its initial weights from an unseeded generator on the CPU;
//! training runs (and tests) must be reproducible, so the PI-Nets are
//! re-initialised here from a seed, with the Keras defaults of the
//! published models: Glorot-uniform kernels, zero biases, batch norm with
//! unit scale and zero shift, running mean 0 and variance 1.

use candle_core::Tensor;
use candle_nn::VarMap;
use rand::{Rng, SeedableRng};
use rand_xoshiro::SplitMix64;

use crate::error::Result;
use crate::train::checkpoint::lock;

/// Re-draws every variable of `vars` from `seed` (variables are visited in
/// name order, so the result does not depend on how they were created),
/// with a SplitMix64 generator (`rand_xoshiro`'s). Variables are
/// recognised by name: `weight` of rank >= 2 (Glorot-uniform), `weight`
/// and `running_var` inside a `bn` (ones); everything else is zeroed.
///
/// # Errors
/// [`crate::Error::Candle`] when a variable cannot be set (candle's), or
/// the variable map's lock is poisoned.
pub fn init_keras(vars: &VarMap, seed: u64) -> Result<()> {
    let data = lock(vars)?;
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    let mut rng = SplitMix64::seed_from_u64(seed);
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
                    .map(|_| ((2.0 * rng.random::<f64>() - 1.0) * limit) as f32)
                    .collect();
                Tensor::from_vec(values, shape, var.device())?.to_dtype(var.dtype())?
            }
            _ => Tensor::zeros(shape, var.dtype(), var.device())?,
        };
        var.set(&value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};
    use candle_nn::{Init, VarBuilder};
    use rand::RngCore;

    /// The weights the hand-written SplitMix64 this crate used before
    /// `rand_xoshiro`'s drew (recorded with it, as `f32` bits): seeded
    /// runs keep their results.
    #[test]
    fn weights_are_those_of_the_old_generator() {
        let vars = VarMap::new();
        let vb = VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu);
        vb.get_with_hints((3, 2, 2), "conv.weight", Init::Const(0.0))
            .unwrap();
        vb.get_with_hints((4, 3), "dense.weight", Init::Const(0.0))
            .unwrap();
        init_keras(&vars, 7).unwrap();
        let pins: [(&str, [u32; 12]); 2] = [
            (
                "conv.weight",
                [
                    3190736239, 3208618877, 1058992231, 1040420599, 3180782543, 3200696166,
                    3175832229, 3196608007, 3205565696, 3188312652, 3206363581, 1060528657,
                ],
            ),
            (
                "dense.weight",
                [
                    1061561932, 1060111558, 1059884032, 1035410707, 1060368839, 3198459340,
                    1046600885, 1056174996, 1051033351, 3208277833, 3197335924, 3188754571,
                ],
            ),
        ];
        let data = vars.data().lock().unwrap();
        for (name, bits) in pins {
            let got: Vec<u32> = data[name]
                .as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap()
                .iter()
                .map(|v| v.to_bits())
                .collect();
            assert_eq!(got, bits, "{name}");
        }
    }

    /// `rand_xoshiro`'s SplitMix64 is the generator this crate wrote by
    /// hand before: the same 64-bit words, and `random::<f64>()` the same
    /// `(x >> 11) * 2^-53` (values recorded with the old code, seed 42).
    #[test]
    fn the_generator_is_the_old_splitmix64() {
        let mut rng = SplitMix64::seed_from_u64(42);
        let words: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            words,
            [
                13679457532755275413,
                2949826092126892291,
                5139283748462763858
            ]
        );
        let uniforms: Vec<u64> = (0..3).map(|_| rng.random::<f64>().to_bits()).collect();
        assert_eq!(
            uniforms,
            [
                4599872008648626872,
                4585641545927528512,
                4605995522829291547
            ]
        );
        // `random_range(0..n)` on u64 is the old multiply-shift (Lemire)
        // except when the low half of the product is above `2^64 - n`
        // (probability n / 2^64), where rand draws once more to remove the
        // bias: never for the shuffles of this crate's data sizes, always
        // for n near 2^64 (the old code gave ...645 for the last draw).
        let below: Vec<u64> = [1u64, 2, 3, 10, 1000]
            .iter()
            .map(|&n| rng.random_range(0..n))
            .collect();
        assert_eq!(below, [0, 1, 1, 6, 204]);
    }
}
