//! PI-Net's MLP (Som et al., CVPR-W 2020, Sec. 4.1), and the stacks of
//! dense layers it shares with the fusion model.
//!
//! The MLP's fusion, features concatenated at its input (SF + PI), needs
//! no model of its own: concatenate the feature matrices and set
//! [`MlpConfig::inputs`] to the total width.

use candle_core::{ModuleT, Tensor};
use candle_nn::{linear, BatchNorm, Linear, Module, VarBuilder};

use super::classifier::Classifier;
use crate::error::{Error, Result};
use crate::layers::{keras_batch_norm, SeededDropout};
use crate::validate::size::{batch_norm_params, dense_params, Count, Footprint};
use crate::validate::{check_classes, check_hidden, InputCheck, Kind};

/// Dense layers `inputs -> hidden[0] -> hidden[1] ...` named
/// `{prefix}{i}.dense`.
pub(crate) fn dense_stack(
    inputs: usize,
    hidden: &[usize],
    prefix: &str,
    vb: &VarBuilder,
) -> Result<Vec<Linear>> {
    let mut layers = Vec::with_capacity(hidden.len());
    let mut width = inputs;
    for (i, &h) in hidden.iter().enumerate() {
        layers.push(linear(width, h, vb.pp(format!("{prefix}{i}")).pp("dense"))?);
        width = h;
    }
    Ok(layers)
}

/// Parameters of the dense layers `inputs -> hidden[0] -> hidden[1] ...`
/// and the sum of the hidden widths.
pub(crate) fn dense_stack_size(inputs: usize, hidden: &[usize]) -> (Count, Count) {
    let (mut params, mut units) = (Count::ZERO, Count::ZERO);
    let mut width = inputs;
    for &h in hidden {
        params = params + dense_params(width, h);
        units = units + Count::of(&[h]);
        width = h;
    }
    (params, units)
}

/// Configuration of an [`Mlp`]. The default is the paper's network on the
/// 19 statistical features of a frame, for 4 classes (BasicMotions).
#[derive(Debug, Clone, PartialEq)]
pub struct MlpConfig {
    /// Input features per sample.
    pub inputs: usize,
    /// Hidden widths (the paper: 1024, 1024, 512, 512, 256, 256, 128, 128).
    pub hidden: Vec<usize>,
    /// Dropout rate after each hidden layer's ReLU (the paper: 0.2).
    pub dropout: f64,
    /// Number of classes.
    pub classes: usize,
    /// Seed of the dropout masks.
    pub seed: u64,
}

impl Default for MlpConfig {
    fn default() -> Self {
        Self {
            inputs: 19,
            hidden: vec![1024, 1024, 512, 512, 256, 256, 128, 128],
            dropout: 0.2,
            classes: 4,
            seed: 0,
        }
    }
}

/// The paper's MLP: each hidden layer is dense, ReLU, dropout, batch norm
/// (in the order the paper lists them), then a dense output layer of
/// logits. Variables: `layer{i}.dense`, `layer{i}.bn`, `out`.
///
/// A [`ModuleT`] on `(batch, inputs)`: `x.apply_t(&mlp, train)` is
/// [`Mlp::forward_t`] with candle's error type.
#[derive(Debug, Clone)]
pub struct Mlp {
    cfg: MlpConfig,
    layers: Vec<(Linear, SeededDropout, BatchNorm)>,
    out: Linear,
    input: InputCheck,
}

impl Mlp {
    /// The network with variables from `vb`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for zero classes, inputs or hidden units,
    /// or a dropout rate outside `[0, 1)`; [`Error::TooLarge`] when the
    /// parameters and one sample's activations (estimated with checked
    /// arithmetic, before anything is allocated) are over
    /// [`tda_persistence::memory::limit`].
    pub fn new(cfg: MlpConfig, vb: VarBuilder) -> Result<Self> {
        check_classes(cfg.classes)?;
        check_hidden("hidden", &cfg.hidden)?;
        if cfg.inputs == 0 {
            return Err(Error::InvalidConfig {
                name: "inputs",
                value: "0".into(),
                reason: "the MLP needs >= 1 input feature",
            });
        }
        // Checked before building anything (the rate is checked again by
        // each layer's dropout).
        SeededDropout::new(cfg.dropout, cfg.seed)?;
        let kind = Kind::of(&vb);
        let footprint = {
            let (dense, units) = dense_stack_size(cfg.inputs, &cfg.hidden);
            let bn = cfg
                .hidden
                .iter()
                .fold(Count::ZERO, |acc, &h| acc + batch_norm_params(h));
            let last = cfg.hidden.last().copied().unwrap_or(cfg.inputs);
            Footprint {
                params: dense + bn + dense_params(last, cfg.classes),
                fixed: Count::ZERO,
                // Each hidden layer: product, bias, ReLU, dropout mask (host
                // and device) and product, batch norm's steps.
                per_sample: units * 10 + Count::of(&[cfg.inputs]) + Count::of(&[cfg.classes]) * 2,
            }
        };
        footprint.check_model("MLP", kind.dtype)?;
        let dense = dense_stack(cfg.inputs, &cfg.hidden, "layer", &vb)?;
        let mut layers = Vec::with_capacity(dense.len());
        for (i, (d, &h)) in dense.into_iter().zip(&cfg.hidden).enumerate() {
            let drop = SeededDropout::new(cfg.dropout, cfg.seed.wrapping_add(i as u64))?;
            let bn = keras_batch_norm(h, vb.pp(format!("layer{i}")).pp("bn"))?;
            layers.push((d, drop, bn));
        }
        let last = cfg.hidden.last().copied().unwrap_or(cfg.inputs);
        let out = linear(last, cfg.classes, vb.pp("out"))?;
        let input = InputCheck {
            kind,
            footprint,
            sample: vec![cfg.inputs],
            what: "(features)",
            pass: "MLP forward pass",
        };
        Ok(Self {
            cfg,
            layers,
            out,
            input,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &MlpConfig {
        &self.cfg
    }

    /// Logits `(batch, classes)` of `x` `(batch, inputs)`,
    /// differentiable; `train` selects batch statistics in batch norm and
    /// turns dropout on.
    ///
    /// # Errors
    /// [`Error::Shape`] for an input not `(batch >= 1, inputs)`;
    /// [`Error::Incompatible`] for another dtype or device than the
    /// model's; [`Error::TooLarge`] when the batch's activations are over
    /// [`tda_persistence::memory::limit`]. Values are not checked
    /// ([`Mlp::infer`] checks them).
    pub fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.input.check(x)?;
        let mut h = x.clone();
        for (dense, drop, bn) in &self.layers {
            h = drop.forward_t(&dense.forward(&h)?.relu()?, train)?;
            h = bn.forward_t(&h, train)?;
        }
        Ok(self.out.forward(&h)?)
    }

    /// Logits of `x` in inference mode, detached from the autograd graph.
    ///
    /// # Errors
    /// As [`Mlp::forward_t`], and [`Error::NonFinite`] naming the first
    /// NaN or infinite input value (`x`), or logit (`output`, an overflow
    /// of the dtype's range).
    pub fn infer(&self, x: &Tensor) -> Result<Tensor> {
        self.input.infer(x, |x| self.forward_t(x, false))
    }
}

impl Classifier for Mlp {
    type Input = Tensor;

    fn classes(&self) -> usize {
        self.cfg.classes
    }

    fn logits_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.forward_t(x, train)
    }
}

impl ModuleT for Mlp {
    fn forward_t(&self, xs: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        Ok(Mlp::forward_t(self, xs, train)?)
    }
}
