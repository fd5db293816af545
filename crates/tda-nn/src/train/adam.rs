//! Adam (Kingma & Ba, ICLR 2015) with decoupled weight decay (Loshchilov &
//! Hutter, ICLR 2019), updating the parameters in place on the CPU.
//!
//! candle's `AdamW` builds each update from about ten tensor operations,
//! each allocating a new tensor the size of the parameter. For the PI-Nets'
//! and the classifiers' wide dense layers (7.7 M weights) that is ~300 MB
//! of fresh memory per step, and the page faults dominated training time.
//! Here, when every variable is an `f32` tensor on the CPU, one fused loop
//! per variable updates the first and second moments (kept as plain
//! vectors) and the parameter in place, through candle's `InplaceOp2`;
//! the arithmetic is candle's `AdamW`'s. Otherwise (a GPU, another dtype)
//! the step is delegated to candle's `AdamW`.

use std::sync::Mutex;

use candle_core::backprop::GradStore;
use candle_core::{CpuStorage, DType, InplaceOp2, Layout, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};

/// Adam over a set of variables; see the module documentation.
#[derive(Debug)]
pub struct Adam {
    params: ParamsAdamW,
    backend: Backend,
}

#[derive(Debug)]
enum Backend {
    /// In place on the CPU: each variable with its two moment vectors.
    Fused {
        vars: Vec<(Var, Vec<f32>, Vec<f32>)>,
        step: i32,
    },
    /// candle's `AdamW`.
    Candle(AdamW),
}

impl Optimizer for Adam {
    type Config = ParamsAdamW;

    /// Adam over the floating-point variables of `vars`.
    ///
    /// # Errors
    /// candle's, with a message naming the value: a learning rate,
    /// epsilon or weight decay that is negative, NaN or infinite (or, for
    /// the rate and epsilon, 0 or out of range as an `f32`), a decay
    /// `beta1`, `beta2` outside `[0, 1)` (or 1 as an `f32`); the moments
    /// (two per value) over [`tda_persistence::memory::limit`] (candle's
    /// error wrapping the [`tda_persistence::MemoryError`]).
    fn new(vars: Vec<Var>, params: ParamsAdamW) -> candle_core::Result<Self> {
        check_params(&params)?;
        let vars: Vec<Var> = vars.into_iter().filter(|v| v.dtype().is_float()).collect();
        let fused = vars
            .iter()
            .all(|v| v.dtype() == DType::F32 && v.device().is_cpu());
        let values = vars
            .iter()
            .try_fold(0u64, |acc, v| acc.checked_add(v.elem_count() as u64));
        let bytes = values.and_then(|n| {
            n.checked_mul(2 * vars.first().map_or(4, |v| v.dtype().size_in_bytes()) as u64)
        });
        tda_persistence::memory::check("Adam moments", bytes).map_err(candle_core::Error::wrap)?;
        let backend = if fused {
            Backend::Fused {
                vars: vars
                    .into_iter()
                    .map(|v| {
                        let n = v.elem_count();
                        (v, vec![0.0; n], vec![0.0; n])
                    })
                    .collect(),
                step: 0,
            }
        } else {
            Backend::Candle(AdamW::new(vars, params.clone())?)
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
        if let Backend::Candle(opt) = &mut self.backend {
            opt.set_learning_rate(lr);
        }
    }

    fn step(&mut self, grads: &GradStore) -> candle_core::Result<()> {
        let (vars, step) = match &mut self.backend {
            Backend::Candle(opt) => return opt.step(grads),
            Backend::Fused { vars, step } => (vars, step),
        };
        *step = step.saturating_add(1);
        let p = &self.params;
        for (var, m, v) in vars.iter_mut() {
            if let Some(g) = grads.get(var) {
                let kernel = AdamKernel {
                    lr: p.lr as f32,
                    decay: (1.0 - p.lr * p.weight_decay) as f32,
                    beta1: p.beta1 as f32,
                    beta2: p.beta2 as f32,
                    scale_m: (1.0 / (1.0 - p.beta1.powi(*step))) as f32,
                    scale_v: (1.0 / (1.0 - p.beta2.powi(*step))) as f32,
                    eps: p.eps as f32,
                    moments: Mutex::new((m, v)),
                };
                var.as_tensor().inplace_op2(g, &kernel)?;
            }
        }
        Ok(())
    }
}

/// Rejects Adam parameters that would make the update NaN or infinite, or
/// (as `f32`, in which the fused update runs) no update at all.
fn check_params(p: &ParamsAdamW) -> candle_core::Result<()> {
    let positive_f32 = |v: f64| v > 0.0 && (v as f32) > 0.0 && (v as f32).is_finite();
    if !positive_f32(p.lr) {
        candle_core::bail!(
            "Adam: learning rate {} must be finite and > 0 as an f32",
            p.lr
        );
    }
    if !positive_f32(p.eps) {
        candle_core::bail!("Adam: epsilon {} must be finite and > 0 as an f32", p.eps);
    }
    for (name, b) in [("beta1", p.beta1), ("beta2", p.beta2)] {
        if !((0.0..1.0).contains(&b) && (b as f32) < 1.0) {
            candle_core::bail!("Adam: {name} {b} must be in [0, 1), and below 1 as an f32");
        }
    }
    if !(p.weight_decay >= 0.0 && p.weight_decay.is_finite()) {
        candle_core::bail!(
            "Adam: weight decay {} must be finite and >= 0",
            p.weight_decay
        );
    }
    Ok(())
}

/// One fused Adam update of a parameter (the in-place operand) from its
/// gradient, with the moments it owns for the duration of the step.
struct AdamKernel<'a> {
    lr: f32,
    decay: f32,
    beta1: f32,
    beta2: f32,
    scale_m: f32,
    scale_v: f32,
    eps: f32,
    moments: Mutex<(&'a mut Vec<f32>, &'a mut Vec<f32>)>,
}

/// The contiguous `f32` values of a parameter and its gradient, as the
/// fused optimiser kernels (this one and Adagrad's) update them in place.
///
/// # Errors
/// A candle error naming the kernel for another dtype or a strided layout.
pub(super) fn f32_slices<'a>(
    kernel: &str,
    theta: &'a mut CpuStorage,
    theta_l: &Layout,
    grad: &'a CpuStorage,
    grad_l: &Layout,
) -> candle_core::Result<(&'a mut [f32], &'a [f32])> {
    let (CpuStorage::F32(theta), CpuStorage::F32(grad)) = (theta, grad) else {
        candle_core::bail!("{kernel}: f32 parameters and gradients only");
    };
    let (Some((t0, t1)), Some((g0, g1))) =
        (theta_l.contiguous_offsets(), grad_l.contiguous_offsets())
    else {
        candle_core::bail!("{kernel}: contiguous parameters and gradients only");
    };
    Ok((&mut theta[t0..t1], &grad[g0..g1]))
}

impl InplaceOp2 for AdamKernel<'_> {
    fn name(&self) -> &'static str {
        "fused-adam"
    }

    fn cpu_fwd(
        &self,
        theta: &mut CpuStorage,
        theta_l: &Layout,
        grad: &CpuStorage,
        grad_l: &Layout,
    ) -> candle_core::Result<()> {
        let (theta, grad) = f32_slices(self.name(), theta, theta_l, grad, grad_l)?;
        let mut moments = self
            .moments
            .lock()
            .map_err(|_| candle_core::Error::Msg("fused-adam: poisoned moments".into()))?;
        let (m, v) = &mut *moments;
        if grad.len() != theta.len() || m.len() != theta.len() {
            candle_core::bail!("fused-adam: gradient and parameter sizes differ");
        }
        let (b1, b2) = (self.beta1, self.beta2);
        for (((t, &g), m), v) in theta
            .iter_mut()
            .zip(grad)
            .zip(m.iter_mut())
            .zip(v.iter_mut())
        {
            *m = *m * b1 + g * (1.0 - b1);
            *v = *v * b2 + g * g * (1.0 - b2);
            let step = (*m * self.scale_m) / ((*v * self.scale_v).sqrt() + self.eps);
            *t = *t * self.decay - step * self.lr;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Tensor};

    /// The fused update follows candle's `AdamW` step for step.
    #[test]
    fn matches_candles_adamw() {
        let params = ParamsAdamW {
            lr: 0.01,
            beta1: 0.9,
            beta2: 0.99,
            eps: 1e-6,
            weight_decay: 0.1,
        };
        let init = Tensor::randn(0f32, 1.0, (13, 7), &Device::Cpu).unwrap();
        let target = Tensor::randn(0f32, 1.0, (13, 7), &Device::Cpu).unwrap();
        let run = |fused: bool| {
            let var = Var::from_tensor(&init).unwrap();
            let mut opt: Box<dyn FnMut(&Tensor)> = if fused {
                let mut o = Adam::new(vec![var.clone()], params.clone()).unwrap();
                assert!(matches!(o.backend, Backend::Fused { .. }));
                Box::new(move |l| o.backward_step(l).unwrap())
            } else {
                let mut o = AdamW::new(vec![var.clone()], params.clone()).unwrap();
                Box::new(move |l| o.backward_step(l).unwrap())
            };
            for _ in 0..20 {
                let loss = (var.as_tensor() - &target)
                    .unwrap()
                    .sqr()
                    .unwrap()
                    .sum_all()
                    .unwrap();
                opt(&loss);
            }
            var.as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap()
        };
        let (a, b) = (run(true), run(false));
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() <= 1e-5 * (1.0 + y.abs()), "{x} vs {y}");
        }
        assert_ne!(a, init.flatten_all().unwrap().to_vec1::<f32>().unwrap());
    }

    #[test]
    fn other_dtypes_use_candles_adamw() {
        let var = Var::zeros(4, DType::F64, &Device::Cpu).unwrap();
        let opt = Adam::new(vec![var], ParamsAdamW::default()).unwrap();
        assert!(matches!(opt.backend, Backend::Candle(_)));
    }
}
