//! Adagrad (Duchi, Hazan & Singer, JMLR 2011) as Lasagne's
//! `lasagne.updates.adagrad` writes it, the Persistent CNN's optimizer
//! (Liu, Jeng & Yang 2016; the authors' `pnet/utils.py`): per value, the
//! accumulator (starting at 0) adds the squared gradient, then
//! `param -= lr * grad / sqrt(accumulator + eps)`, `eps = 1e-6`.
//!
//! As [`Adam`](crate::Adam) does, the update runs in place on the CPU for
//! `f32` variables (one fused loop per variable through candle's
//! `InplaceOp2`, the accumulator a plain vector); otherwise (a GPU,
//! another dtype) it is written in tensor operations.

use std::sync::Mutex;

use candle_core::backprop::GradStore;
use candle_core::{CpuStorage, DType, InplaceOp2, Layout, Tensor, Var};
use candle_nn::Optimizer;

/// Adagrad's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamsAdagrad {
    /// Learning rate (the Persistent CNN's: 0.01).
    pub lr: f64,
    /// Added to the accumulated squared gradients under the square root
    /// (Lasagne's default: 1e-6).
    pub eps: f64,
}

impl Default for ParamsAdagrad {
    /// Lasagne's `adagrad(learning_rate=0.01, epsilon=1e-6)`, the
    /// Persistent CNN's.
    fn default() -> Self {
        Self {
            lr: 0.01,
            eps: 1e-6,
        }
    }
}

/// Adagrad over a set of variables; see the module documentation. A
/// candle [`Optimizer`]: `opt.backward_step(&loss)`.
///
/// ```
/// use candle_core::{Device, Var};
/// use candle_nn::Optimizer;
/// use tda_nn::train::{Adagrad, ParamsAdagrad};
/// let w = Var::new(&[1.0f32], &Device::Cpu).unwrap();
/// let mut opt = Adagrad::new(vec![w.clone()], ParamsAdagrad { lr: 0.1, eps: 0.0 }).unwrap();
/// // loss = 3 w: gradient 3, accumulator 9, step 0.1 * 3 / 3 = 0.1.
/// opt.backward_step(&(w.as_tensor() * 3.0).unwrap()).unwrap();
/// assert!((w.as_tensor().to_vec1::<f32>().unwrap()[0] - 0.9).abs() < 1e-6);
/// ```
#[derive(Debug)]
pub struct Adagrad {
    params: ParamsAdagrad,
    backend: Backend,
}

#[derive(Debug)]
enum Backend {
    /// In place on the CPU: each variable with its accumulator.
    Fused(Vec<(Var, Vec<f32>)>),
    /// Tensor operations: each variable with its accumulator.
    Tensors(Vec<(Var, Tensor)>),
}

impl Optimizer for Adagrad {
    type Config = ParamsAdagrad;

    /// Adagrad over the floating-point variables of `vars`, accumulators
    /// at 0.
    ///
    /// # Errors
    /// candle's, with a message naming the value: a learning rate that is
    /// not finite and > 0 as an `f32`, an epsilon that is negative, NaN or
    /// infinite; the accumulators (one per value) over
    /// [`tda_persistence::memory::limit`] (candle's error wrapping the
    /// [`tda_persistence::MemoryError`]).
    fn new(vars: Vec<Var>, params: ParamsAdagrad) -> candle_core::Result<Self> {
        check_params(&params)?;
        let vars: Vec<Var> = vars.into_iter().filter(|v| v.dtype().is_float()).collect();
        let values = vars
            .iter()
            .try_fold(0u64, |acc, v| acc.checked_add(v.elem_count() as u64));
        let bytes = values.and_then(|n| {
            n.checked_mul(vars.first().map_or(4, |v| v.dtype().size_in_bytes()) as u64)
        });
        tda_persistence::memory::check("Adagrad accumulators", bytes)
            .map_err(candle_core::Error::wrap)?;
        let fused = vars
            .iter()
            .all(|v| v.dtype() == DType::F32 && v.device().is_cpu());
        let backend = if fused {
            Backend::Fused(
                vars.into_iter()
                    .map(|v| {
                        let n = v.elem_count();
                        (v, vec![0.0; n])
                    })
                    .collect(),
            )
        } else {
            Backend::Tensors(
                vars.into_iter()
                    .map(|v| {
                        let zeros = v.zeros_like()?;
                        Ok((v, zeros))
                    })
                    .collect::<candle_core::Result<_>>()?,
            )
        };
        Ok(Self { params, backend })
    }

    fn learning_rate(&self) -> f64 {
        self.params.lr
    }

    /// Sets the learning rate (not checked: a rate that is not finite and
    /// positive makes the next step's parameters NaN or infinite).
    fn set_learning_rate(&mut self, lr: f64) {
        self.params.lr = lr;
    }

    fn step(&mut self, grads: &GradStore) -> candle_core::Result<()> {
        let p = self.params;
        match &mut self.backend {
            Backend::Fused(vars) => {
                for (var, accumulator) in vars.iter_mut() {
                    if let Some(g) = grads.get(var) {
                        let kernel = AdagradKernel {
                            lr: p.lr as f32,
                            eps: p.eps as f32,
                            accumulator: Mutex::new(accumulator),
                        };
                        var.as_tensor().inplace_op2(g, &kernel)?;
                    }
                }
            }
            Backend::Tensors(vars) => {
                for (var, accumulator) in vars.iter_mut() {
                    if let Some(g) = grads.get(var) {
                        *accumulator = (&*accumulator + g.sqr()?)?.detach();
                        let scale = ((&*accumulator + p.eps)?.sqrt()?.recip()? * p.lr)?;
                        var.set(&var.as_tensor().sub(&g.mul(&scale)?)?)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Rejects settings that would make the update NaN or infinite, or no
/// update at all (as `f32`, in which the fused update runs).
fn check_params(p: &ParamsAdagrad) -> candle_core::Result<()> {
    if !(p.lr > 0.0 && (p.lr as f32) > 0.0 && (p.lr as f32).is_finite()) {
        candle_core::bail!(
            "Adagrad: learning rate {} must be finite and > 0 as an f32",
            p.lr
        );
    }
    if !(p.eps >= 0.0 && (p.eps as f32).is_finite()) {
        candle_core::bail!("Adagrad: epsilon {} must be finite and >= 0", p.eps);
    }
    Ok(())
}

/// One fused Adagrad update of a parameter (the in-place operand) from its
/// gradient, with the accumulator it owns for the duration of the step.
struct AdagradKernel<'a> {
    lr: f32,
    eps: f32,
    accumulator: Mutex<&'a mut Vec<f32>>,
}

impl InplaceOp2 for AdagradKernel<'_> {
    fn name(&self) -> &'static str {
        "fused-adagrad"
    }

    fn cpu_fwd(
        &self,
        theta: &mut CpuStorage,
        theta_l: &Layout,
        grad: &CpuStorage,
        grad_l: &Layout,
    ) -> candle_core::Result<()> {
        let (theta, grad) = super::adam::f32_slices(self.name(), theta, theta_l, grad, grad_l)?;
        let mut accumulator = self
            .accumulator
            .lock()
            .map_err(|_| candle_core::Error::Msg("fused-adagrad: poisoned accumulator".into()))?;
        if grad.len() != theta.len() || accumulator.len() != theta.len() {
            candle_core::bail!("fused-adagrad: gradient and parameter sizes differ");
        }
        for ((t, &g), a) in theta.iter_mut().zip(grad).zip(accumulator.iter_mut()) {
            *a += g * g;
            *t -= self.lr * g / (*a + self.eps).sqrt();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    /// Two steps on `loss = sum(c * w^2)`, by hand: gradient `2 c w`.
    fn two_steps(dtype: DType) -> Vec<f64> {
        let var = Var::from_tensor(
            &Tensor::new(&[1.0f64, -2.0, 0.5], &Device::Cpu)
                .unwrap()
                .to_dtype(dtype)
                .unwrap(),
        )
        .unwrap();
        let c = Tensor::new(&[1.0f64, 0.5, 3.0], &Device::Cpu)
            .unwrap()
            .to_dtype(dtype)
            .unwrap();
        let mut opt =
            Adagrad::new(vec![var.clone()], ParamsAdagrad { lr: 0.1, eps: 1e-6 }).unwrap();
        assert_eq!(
            matches!(opt.backend, Backend::Fused(_)),
            dtype == DType::F32
        );
        for _ in 0..2 {
            let loss = (var.as_tensor().sqr().unwrap() * &c)
                .unwrap()
                .sum_all()
                .unwrap();
            opt.backward_step(&loss).unwrap();
        }
        var.as_tensor()
            .to_dtype(DType::F64)
            .unwrap()
            .to_vec1::<f64>()
            .unwrap()
    }

    fn by_hand() -> Vec<f64> {
        let (lr, eps) = (0.1, 1e-6);
        [(1.0f64, 1.0f64), (-2.0, 0.5), (0.5, 3.0)]
            .iter()
            .map(|&(mut w, c)| {
                let mut acc = 0.0;
                for _ in 0..2 {
                    let g = 2.0 * c * w;
                    acc += g * g;
                    w -= lr * g / (acc + eps).sqrt();
                }
                w
            })
            .collect()
    }

    #[test]
    fn two_steps_match_the_hand_computed_update() {
        let want = by_hand();
        // First step: w - 0.1 * sign(g) (up to eps); second: g2 / sqrt(g1^2 + g2^2).
        assert!((want[0] - (0.9 - 0.1 * 1.8 / (4.0f64 + 3.24).sqrt())).abs() < 1e-6);
        for (dtype, tol) in [(DType::F32, 1e-6), (DType::F64, 1e-12)] {
            for (g, w) in two_steps(dtype).iter().zip(&want) {
                assert!((g - w).abs() <= tol, "{dtype:?}: {g} vs {w}");
            }
        }
    }

    #[test]
    fn rejects_bad_settings() {
        let var = Var::zeros(2, DType::F32, &Device::Cpu).unwrap();
        for p in [
            ParamsAdagrad { lr: 0.0, eps: 1e-6 },
            ParamsAdagrad {
                lr: f64::NAN,
                eps: 1e-6,
            },
            ParamsAdagrad { lr: 0.1, eps: -1.0 },
            ParamsAdagrad {
                lr: 0.1,
                eps: f64::INFINITY,
            },
        ] {
            assert!(Adagrad::new(vec![var.clone()], p).is_err(), "{p:?}");
        }
    }
}
