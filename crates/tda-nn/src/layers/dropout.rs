//! Dropout (Srivastava et al., JMLR 2014) with seeded masks.
//!
//! candle's `Dropout` draws its masks from an unseeded generator, so two
//! training runs with the same seed would differ; here the mask of the
//! `k`-th training call is a function of `(seed, k)` only.

use std::sync::atomic::{AtomicU64, Ordering};

use candle_core::Tensor;

use crate::error::{Error, Result};
use crate::rng::SplitMix64;

/// Inverted dropout: in training each unit is zeroed with probability `p`
/// and the survivors are scaled by `1 / (1 - p)`; inference is the
/// identity.
#[derive(Debug)]
pub(crate) struct SeededDropout {
    p: f64,
    seed: u64,
    calls: AtomicU64,
}

impl Clone for SeededDropout {
    fn clone(&self) -> Self {
        Self {
            p: self.p,
            seed: self.seed,
            calls: AtomicU64::new(self.calls.load(Ordering::Relaxed)),
        }
    }
}

impl SeededDropout {
    /// Dropout with rate `p` in `[0, 1)`.
    pub(crate) fn new(p: f64, seed: u64) -> Result<Self> {
        if !(0.0..1.0).contains(&p) {
            return Err(Error::InvalidConfig {
                name: "dropout",
                value: p.to_string(),
                reason: "the dropout rate must be in [0, 1)",
            });
        }
        Ok(Self {
            p,
            seed,
            calls: AtomicU64::new(0),
        })
    }

    /// Applies the next mask when `train`; the identity otherwise.
    pub(crate) fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        if !train || self.p == 0.0 {
            return Ok(x.clone());
        }
        let call = self.calls.fetch_add(1, Ordering::Relaxed);
        let mut rng = SplitMix64(self.seed ^ call.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let keep = (1.0 / (1.0 - self.p)) as f32;
        let mask: Vec<f32> = (0..x.elem_count())
            .map(|_| if rng.uniform() < self.p { 0.0 } else { keep })
            .collect();
        let mask = Tensor::from_vec(mask, x.dims(), x.device())?.to_dtype(x.dtype())?;
        Ok(x.mul(&mask)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};

    #[test]
    fn masks_are_seeded_and_scaled() {
        let x = Tensor::ones((64, 32), DType::F32, &Device::Cpu).unwrap();
        let run = |seed| {
            let d = SeededDropout::new(0.25, seed).unwrap();
            let a = d.forward_t(&x, true).unwrap().flatten_all().unwrap();
            a.to_vec1::<f32>().unwrap()
        };
        let (a, b, c) = (run(7), run(7), run(8));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().all(|&v| v == 0.0 || (v - 4.0 / 3.0).abs() < 1e-6));
        let dropped = a.iter().filter(|&&v| v == 0.0).count() as f64 / a.len() as f64;
        assert!((dropped - 0.25).abs() < 0.05, "{dropped}");
        let d = SeededDropout::new(0.25, 7).unwrap();
        let first = d.forward_t(&x, true).unwrap();
        let second = d.forward_t(&x, true).unwrap();
        assert_ne!(
            first.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
            second.flatten_all().unwrap().to_vec1::<f32>().unwrap()
        );
        let inference = d.forward_t(&x, false).unwrap();
        assert_eq!(
            inference.sum_all().unwrap().to_scalar::<f32>().unwrap(),
            2048.0
        );
    }

    #[test]
    fn rejects_rates_outside_0_1() {
        assert!(SeededDropout::new(1.0, 0).is_err());
        assert!(SeededDropout::new(-0.1, 0).is_err());
        assert!(SeededDropout::new(f64::NAN, 0).is_err());
    }
}
