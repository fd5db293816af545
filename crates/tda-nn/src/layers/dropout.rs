//! Dropout (Srivastava et al., JMLR 2014) with seeded masks.
//!
//! candle's `Dropout` draws its masks from an unseeded generator, so two
//! training runs with the same seed would differ; here the mask of the
//! `k`-th training call is a function of `(seed, k)` only (SplitMix64,
//! `rand_xoshiro`'s).

use std::sync::atomic::{AtomicU64, Ordering};

use candle_core::{ModuleT, Tensor};
use rand::{Rng, SeedableRng};
use rand_xoshiro::SplitMix64;

use crate::error::{Error, Result};

/// Inverted dropout: in training each unit is zeroed with probability `p`
/// and the survivors are scaled by `1 / (1 - p)`; inference is the
/// identity. A [`ModuleT`]: `x.apply_t(&dropout, train)`.
///
/// ```
/// use candle_core::{DType, Device, ModuleT, Tensor};
/// use tda_nn::layers::SeededDropout;
/// let drop = SeededDropout::new(0.5, 7).unwrap();
/// let x = Tensor::ones((4, 8), DType::F32, &Device::Cpu).unwrap();
/// let y = x.apply_t(&drop, true).unwrap(); // half the units zeroed, the rest doubled
/// assert_eq!(x.apply_t(&drop, false).unwrap().to_vec2::<f32>().unwrap(), x.to_vec2::<f32>().unwrap());
/// # let _ = y;
/// ```
#[derive(Debug)]
pub struct SeededDropout {
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
    /// Dropout with rate `p` in `[0, 1)`, masks drawn from `seed`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a rate outside `[0, 1)` (or NaN).
    pub fn new(p: f64, seed: u64) -> Result<Self> {
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

    /// Applies the next mask when `train` (differentiable); the identity
    /// otherwise.
    ///
    /// # Errors
    /// [`Error::TooLarge`] when the mask (host and device copies) is over
    /// [`tda_persistence::memory::limit`]; [`Error::Candle`] from the
    /// product.
    pub fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        if !train || self.p == 0.0 {
            return Ok(x.clone());
        }
        tda_persistence::memory::check(
            "dropout mask",
            tda_persistence::memory::bytes_of::<f32>(&[x.elem_count(), 2]),
        )?;
        let call = self.calls.fetch_add(1, Ordering::Relaxed);
        let mut rng =
            SplitMix64::seed_from_u64(self.seed ^ call.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let keep = (1.0 / (1.0 - self.p)) as f32;
        let mask: Vec<f32> = (0..x.elem_count())
            .map(|_| {
                if rng.random::<f64>() < self.p {
                    0.0
                } else {
                    keep
                }
            })
            .collect();
        let mask = Tensor::from_vec(mask, x.dims(), x.device())?.to_dtype(x.dtype())?;
        Ok(x.mul(&mask)?)
    }
}

impl ModuleT for SeededDropout {
    fn forward_t(&self, xs: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        Ok(SeededDropout::forward_t(self, xs, train)?)
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

    /// The masks of the hand-written SplitMix64 this crate used before
    /// `rand_xoshiro`'s (recorded with it): seeded runs keep their results.
    #[test]
    fn masks_are_those_of_the_old_generator() {
        let x = Tensor::ones((2, 8), DType::F32, &Device::Cpu).unwrap();
        let d = SeededDropout::new(0.25, 7).unwrap();
        let k = 4.0f32 / 3.0;
        let pins: [[f32; 16]; 2] = [
            [k, 0., k, k, k, 0., k, k, 0., k, 0., k, k, k, k, k],
            [k, k, k, 0., 0., k, k, k, k, k, k, 0., k, k, k, k],
        ];
        for pin in pins {
            let mask = d.forward_t(&x, true).unwrap().flatten_all().unwrap();
            assert_eq!(mask.to_vec1::<f32>().unwrap(), pin);
        }
    }

    #[test]
    fn rejects_rates_outside_0_1() {
        assert!(SeededDropout::new(1.0, 0).is_err());
        assert!(SeededDropout::new(-0.1, 0).is_err());
        assert!(SeededDropout::new(f64::NAN, 0).is_err());
    }
}
