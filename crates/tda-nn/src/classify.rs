//! The classifiers of PI-Net's experiments (Som et al., CVPR-W 2020,
//! Sec. 4.1): an MLP, a 1-D CNN, and the CNN fused with persistence-image
//! features. Each returns logits; the softmax is folded into the
//! cross-entropy of [`crate::ClassifierTrainer`] (and applied by
//! [`crate::ClassifierTrainer::predict_proba`]).
//!
//! The MLP's other fusion, features concatenated at its input (SF + PI),
//! needs no model of its own: concatenate the feature matrices and set
//! [`MlpConfig::inputs`] to the total width.

use candle_core::{ModuleT, Tensor};
use candle_nn::{batch_norm, linear, BatchNorm, Linear, Module, VarBuilder};

use crate::dropout::SeededDropout;
use crate::encoder::{check_filters, check_input, keras_batch_norm, Encoder};
use crate::error::{Error, Result};

/// What training and prediction need from a classifier.
pub trait Classifier {
    /// Number of classes (width of the logits).
    fn classes(&self) -> usize;

    /// Logits `(batch, classes)` of `inputs` (one tensor per input of the
    /// model, all with the same batch size); `train` selects batch
    /// statistics in batch norm and turns dropout on.
    fn logits_t(&self, inputs: &[Tensor], train: bool) -> Result<Tensor>;
}

/// Rejects zero classes.
fn check_classes(classes: usize) -> Result<()> {
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
fn single<'a>(inputs: &'a [Tensor], name: &'static str) -> Result<&'a Tensor> {
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
fn dense_stack(
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

/// Rejects an empty or zero-width hidden layer list.
fn check_hidden(name: &'static str, hidden: &[usize]) -> Result<()> {
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
}

impl Mlp {
    /// The network with variables from `vb`.
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
        let dense = dense_stack(cfg.inputs, &cfg.hidden, "layer", &vb)?;
        let mut layers = Vec::with_capacity(dense.len());
        for (i, (d, &h)) in dense.into_iter().zip(&cfg.hidden).enumerate() {
            let drop = SeededDropout::new(cfg.dropout, cfg.seed.wrapping_add(i as u64))?;
            let bn = batch_norm(h, keras_batch_norm(), vb.pp(format!("layer{i}")).pp("bn"))?;
            layers.push((d, drop, bn));
        }
        let last = cfg.hidden.last().copied().unwrap_or(cfg.inputs);
        let out = linear(last, cfg.classes, vb.pp("out"))?;
        Ok(Self { cfg, layers, out })
    }

    /// The configuration.
    pub fn config(&self) -> &MlpConfig {
        &self.cfg
    }

    /// Logits of `x` `(batch, inputs)` in inference mode.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.logits_t(std::slice::from_ref(x), false)
    }
}

impl Classifier for Mlp {
    fn classes(&self) -> usize {
        self.cfg.classes
    }

    fn logits_t(&self, inputs: &[Tensor], train: bool) -> Result<Tensor> {
        let x = single(inputs, "x")?;
        check_input(x, "x", &[self.cfg.inputs], "(features)")?;
        let mut h = x.clone();
        for (dense, drop, bn) in &self.layers {
            h = drop.forward_t(&dense.forward(&h)?.relu()?, train)?;
            h = bn.forward_t(&h, train)?;
        }
        Ok(self.out.forward(&h)?)
    }
}

/// Configuration of a [`Cnn1d`]. The default is the paper's network on
/// 3-axis frames of 100 samples, for 4 classes (BasicMotions).
#[derive(Debug, Clone, PartialEq)]
pub struct Cnn1dConfig {
    /// Channels per signal.
    pub channels: usize,
    /// Samples per signal.
    pub length: usize,
    /// Filters per convolution layer (the paper: 64).
    pub filters: usize,
    /// Convolution layers (the paper: 10).
    pub layers: usize,
    /// Kernel width (the paper: 3).
    pub kernel: usize,
    /// Number of classes.
    pub classes: usize,
}

impl Default for Cnn1dConfig {
    fn default() -> Self {
        Self {
            channels: 3,
            length: 100,
            filters: 64,
            layers: 10,
            kernel: 3,
            classes: 4,
        }
    }
}

impl Cnn1dConfig {
    fn check(&self) -> Result<()> {
        check_classes(self.classes)?;
        check_filters(&vec![self.filters; self.layers], self.kernel)?;
        if self.channels == 0 || self.length == 0 {
            return Err(Error::InvalidConfig {
                name: "channels/length",
                value: format!("{}/{}", self.channels, self.length),
                reason: "signals need >= 1 channel and >= 1 sample",
            });
        }
        Ok(())
    }

    /// The encoder: layer `l` (from 1) is followed by a "same" max-pool of
    /// 3 with stride 1 when `l` is odd and 2 when even; the last layer by
    /// global average pooling instead.
    fn encoder(&self, vb: VarBuilder) -> Result<Encoder> {
        let pools = (1..=self.layers)
            .map(|l| (l < self.layers).then_some(if l % 2 == 1 { 1 } else { 2 }))
            .collect();
        let filters = vec![self.filters; self.layers];
        Encoder::new(1, self.channels, &filters, self.kernel, pools, vb)
    }
}

/// The paper's 1-D CNN: `layers` convolutions of `filters` (same padding,
/// batch norm, ReLU, max-pool 3 with stride 1 after odd and 2 after even
/// layers), global average pooling after the last, a dense output layer of
/// logits. Variables: `encoder.block{i}.conv`, `encoder.block{i}.bn`, `out`.
#[derive(Debug, Clone)]
pub struct Cnn1d {
    cfg: Cnn1dConfig,
    encoder: Encoder,
    out: Linear,
}

impl Cnn1d {
    /// The network with variables from `vb`.
    pub fn new(cfg: Cnn1dConfig, vb: VarBuilder) -> Result<Self> {
        cfg.check()?;
        let encoder = cfg.encoder(vb.pp("encoder"))?;
        let out = linear(cfg.filters, cfg.classes, vb.pp("out"))?;
        Ok(Self { cfg, encoder, out })
    }

    /// The configuration.
    pub fn config(&self) -> &Cnn1dConfig {
        &self.cfg
    }

    /// Logits of `x` `(batch, channels, length)` in inference mode.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.logits_t(std::slice::from_ref(x), false)
    }
}

impl Classifier for Cnn1d {
    fn classes(&self) -> usize {
        self.cfg.classes
    }

    fn logits_t(&self, inputs: &[Tensor], train: bool) -> Result<Tensor> {
        let x = single(inputs, "x")?;
        let c = &self.cfg;
        check_input(x, "x", &[c.channels, c.length], "(channels, length)")?;
        Ok(self.out.forward(&self.encoder.forward_t(x, train)?)?)
    }
}

/// Configuration of a [`CnnPiFusion`].
#[derive(Debug, Clone, PartialEq)]
pub struct CnnPiFusionConfig {
    /// The CNN branch on the raw signal.
    pub cnn: Cnn1dConfig,
    /// Width of the flattened persistence-image input (the default: 3
    /// channels of 50 x 50).
    pub pi_inputs: usize,
    /// Dense layers (ReLU) of the PI branch (the paper: 1024, 512).
    pub pi_hidden: Vec<usize>,
}

impl Default for CnnPiFusionConfig {
    fn default() -> Self {
        Self {
            cnn: Cnn1dConfig::default(),
            pi_inputs: 3 * 50 * 50,
            pi_hidden: vec![1024, 512],
        }
    }
}

/// The paper's CNN + PI fusion: the [`Cnn1d`] encoder's pooled features
/// concatenated with the persistence images passed through dense layers
/// (ReLU), then a dense output layer of logits. Inputs: `[signal (batch,
/// channels, length), images (batch, pi_inputs)]`. Variables:
/// `encoder.*`, `pi{i}.dense`, `out`.
#[derive(Debug, Clone)]
pub struct CnnPiFusion {
    cfg: CnnPiFusionConfig,
    encoder: Encoder,
    pi: Vec<Linear>,
    out: Linear,
}

impl CnnPiFusion {
    /// The network with variables from `vb`.
    pub fn new(cfg: CnnPiFusionConfig, vb: VarBuilder) -> Result<Self> {
        cfg.cnn.check()?;
        check_hidden("pi_hidden", &cfg.pi_hidden)?;
        if cfg.pi_inputs == 0 {
            return Err(Error::InvalidConfig {
                name: "pi_inputs",
                value: "0".into(),
                reason: "the PI branch needs >= 1 input",
            });
        }
        let encoder = cfg.cnn.encoder(vb.pp("encoder"))?;
        let pi = dense_stack(cfg.pi_inputs, &cfg.pi_hidden, "pi", &vb)?;
        let pi_width = cfg.pi_hidden.last().copied().unwrap_or(cfg.pi_inputs);
        let out = linear(cfg.cnn.filters + pi_width, cfg.cnn.classes, vb.pp("out"))?;
        Ok(Self {
            cfg,
            encoder,
            pi,
            out,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &CnnPiFusionConfig {
        &self.cfg
    }

    /// Logits of `(signal, images)` in inference mode.
    pub fn forward(&self, signal: &Tensor, images: &Tensor) -> Result<Tensor> {
        self.logits_t(&[signal.clone(), images.clone()], false)
    }
}

impl Classifier for CnnPiFusion {
    fn classes(&self) -> usize {
        self.cfg.cnn.classes
    }

    fn logits_t(&self, inputs: &[Tensor], train: bool) -> Result<Tensor> {
        let [signal, images] = inputs else {
            return Err(Error::Shape {
                name: "inputs",
                expected: "two input tensors: [signal, images]".into(),
                got: vec![inputs.len()],
            });
        };
        let c = &self.cfg;
        check_input(
            signal,
            "signal",
            &[c.cnn.channels, c.cnn.length],
            "(channels, length)",
        )?;
        check_input(images, "images", &[c.pi_inputs], "(flattened images)")?;
        if images.dim(0)? != signal.dim(0)? {
            return Err(Error::Shape {
                name: "images",
                expected: format!("{} samples, as the signal", signal.dim(0)?),
                got: images.dims().to_vec(),
            });
        }
        let mut h = images.clone();
        for dense in &self.pi {
            h = dense.forward(&h)?.relu()?;
        }
        let z = Tensor::cat(&[&self.encoder.forward_t(signal, train)?, &h], 1)?;
        Ok(self.out.forward(&z)?)
    }
}
