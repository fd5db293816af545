//! The classifiers of PI-Net's experiments (Som et al., CVPR-W 2020,
//! Sec. 4.1): the [`Classifier`] trait and the MLP here; the 1-D (or 2-D)
//! CNN, [`crate::Cnn`], and the CNN fused with persistence-image features,
//! [`crate::CnnPiFusion`], in `cnn.rs`. Each returns logits; the softmax is
//! folded into the cross-entropy of [`crate::ClassifierTrainer`] (and
//! applied by [`crate::ClassifierTrainer::predict_proba`]).
//!
//! The MLP's other fusion, features concatenated at its input (SF + PI),
//! needs no model of its own: concatenate the feature matrices and set
//! [`MlpConfig::inputs`] to the total width.

use candle_core::{ModuleT, Tensor};
use candle_nn::{batch_norm, linear, BatchNorm, Linear, Module, VarBuilder};

use crate::dropout::SeededDropout;
use crate::encoder::{check_input, keras_batch_norm, Kind};
use crate::error::{Error, Result};
use crate::finite::check_finite;
use crate::size::{batch_norm_params, dense_params, Count, Footprint};

/// What training and prediction need from a classifier.
pub trait Classifier {
    /// Number of classes (width of the logits).
    fn classes(&self) -> usize;

    /// Logits `(batch, classes)` of `inputs` (one tensor per input of the
    /// model, all with the same batch size); `train` selects batch
    /// statistics in batch norm and turns dropout on.
    fn logits_t(&self, inputs: &[Tensor], train: bool) -> Result<Tensor>;
}

/// `y`, or [`Error::NonFinite`] naming its first NaN or infinite value
/// (computed from finite input: an overflow of the dtype's range).
pub(crate) fn finite_output(y: Tensor) -> Result<Tensor> {
    check_finite(&y, "output")?;
    Ok(y)
}

/// Rejects zero classes.
pub(crate) fn check_classes(classes: usize) -> Result<()> {
    if classes == 0 {
        return Err(Error::InvalidConfig {
            name: "classes",
            value: "0".into(),
            reason: "a classifier needs >= 1 class",
        });
    }
    Ok(())
}

/// The one input of a single-input model, or a shape error naming it.
pub(crate) fn single<'a>(inputs: &'a [Tensor], name: &'static str) -> Result<&'a Tensor> {
    match inputs {
        [x] => Ok(x),
        _ => Err(Error::Shape {
            name,
            expected: "exactly one input tensor".into(),
            got: vec![inputs.len()],
        }),
    }
}

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

/// Rejects a zero-width hidden layer.
pub(crate) fn check_hidden(name: &'static str, hidden: &[usize]) -> Result<()> {
    if hidden.contains(&0) {
        return Err(Error::InvalidConfig {
            name,
            value: format!("{hidden:?}"),
            reason: "every hidden layer needs >= 1 unit",
        });
    }
    Ok(())
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
#[derive(Debug, Clone)]
pub struct Mlp {
    cfg: MlpConfig,
    layers: Vec<(Linear, SeededDropout, BatchNorm)>,
    out: Linear,
    kind: Kind,
    footprint: Footprint,
}

impl Mlp {
    /// The network with variables from `vb`.
    ///
    /// Errors: [`Error::InvalidConfig`] for zero classes, inputs or hidden
    /// units, or a dropout rate outside `[0, 1)`; [`Error::TooLarge`] when
    /// the parameters and one sample's activations (estimated with checked
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
            let bn = batch_norm(h, keras_batch_norm(), vb.pp(format!("layer{i}")).pp("bn"))?;
            layers.push((d, drop, bn));
        }
        let last = cfg.hidden.last().copied().unwrap_or(cfg.inputs);
        let out = linear(last, cfg.classes, vb.pp("out"))?;
        Ok(Self {
            cfg,
            layers,
            out,
            kind,
            footprint,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &MlpConfig {
        &self.cfg
    }

    /// Logits of `x` `(batch, inputs)` in inference mode.
    ///
    /// Errors: [`Error::Shape`] for an input not `(batch >= 1, inputs)`;
    /// [`Error::Incompatible`] for another dtype or device than the
    /// model's; [`Error::NonFinite`] naming the first NaN or infinite input
    /// value; [`Error::TooLarge`] when the batch's activations are over
    /// [`tda_persistence::memory::limit`]. (`logits_t` does not check
    /// values.)
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.check_x(x)?;
        check_finite(x, "x")?;
        finite_output(self.logits_t(std::slice::from_ref(x), false)?)
    }

    /// The shape, dtype, device and batch-size checks of the input.
    fn check_x(&self, x: &Tensor) -> Result<()> {
        check_input(&self.kind, x, "x", &[self.cfg.inputs], "(features)")?;
        self.footprint
            .check_batch("MLP forward pass", self.kind.dtype, x.dim(0)?)
    }
}

impl Classifier for Mlp {
    fn classes(&self) -> usize {
        self.cfg.classes
    }

    fn logits_t(&self, inputs: &[Tensor], train: bool) -> Result<Tensor> {
        let x = single(inputs, "x")?;
        self.check_x(x)?;
        let mut h = x.clone();
        for (dense, drop, bn) in &self.layers {
            h = drop.forward_t(&dense.forward(&h)?.relu()?, train)?;
            h = bn.forward_t(&h, train)?;
        }
        Ok(self.out.forward(&h)?)
    }
}
