//! PI-Net's CNN + PI fusion (Som et al., CVPR-W 2020, Sec. 4.1): the CNN
//! encoder's pooled features of the raw signal (or image) concatenated
//! with persistence-image features, then a dense output layer.

use candle_core::{Device, Tensor};
use candle_nn::{linear, Linear, Module, VarBuilder};

use super::classifier::{common_samples, Classifier, Samples};
use super::cnn::CnnConfig;
use super::encoder::Encoder;
use super::mlp::{dense_stack, dense_stack_size};
use crate::error::{Error, Result};
use crate::validate::size::{dense_params, Count, Footprint};
use crate::validate::{check_finite, check_hidden, check_input, finite_output, Kind};

/// What a [`CnnPiFusion`] reads: the raw signals (or images) of its CNN
/// branch and the flattened persistence images of its PI branch, with the
/// same number of samples.
#[derive(Debug, Clone)]
pub struct FusionInput {
    /// `(batch, input dims...)`: the signals or images of
    /// [`CnnPiFusionConfig::cnn`].
    pub raw: Tensor,
    /// `(batch, pi_inputs)`: the flattened persistence images.
    pub images: Tensor,
}

impl Samples for FusionInput {
    fn sample_count(&self) -> Result<usize> {
        common_samples(&[&self.raw, &self.images])
    }

    fn index_samples(&self, idx: &Tensor) -> Result<Self> {
        Ok(Self {
            raw: self.raw.index_select(idx, 0)?,
            images: self.images.index_select(idx, 0)?,
        })
    }

    fn narrow_samples(&self, start: usize, len: usize) -> Result<Self> {
        Ok(Self {
            raw: self.raw.narrow(0, start, len)?,
            images: self.images.narrow(0, start, len)?,
        })
    }

    fn check_finite(&self, name: &'static str) -> Result<()> {
        check_finite(&self.raw, name)?;
        check_finite(&self.images, name)
    }

    fn device(&self) -> &Device {
        self.raw.device()
    }
}

/// Configuration of a [`CnnPiFusion`].
#[derive(Debug, Clone, PartialEq)]
pub struct CnnPiFusionConfig {
    /// The CNN branch on the raw signal or image.
    pub cnn: CnnConfig,
    /// Width of the flattened persistence-image input (the default: 3
    /// channels of 50 x 50).
    pub pi_inputs: usize,
    /// Dense layers (ReLU) of the PI branch (the paper: 1024, 512).
    pub pi_hidden: Vec<usize>,
}

impl Default for CnnPiFusionConfig {
    fn default() -> Self {
        Self {
            cnn: CnnConfig::default(),
            pi_inputs: 3 * 50 * 50,
            pi_hidden: vec![1024, 512],
        }
    }
}

/// The paper's CNN + PI fusion: the [`Cnn`](crate::Cnn) encoder's pooled
/// features of [`FusionInput::raw`] concatenated with
/// [`FusionInput::images`] passed through dense layers (ReLU), then a
/// dense output layer of logits. Variables: `encoder.*`, `pi{i}.dense`,
/// `out`.
///
/// With two inputs it is not a candle `Module` (which takes one tensor);
/// its branches are candle layers, and [`CnnPiFusion::forward_t`] is
/// differentiable.
#[derive(Debug, Clone)]
pub struct CnnPiFusion {
    cfg: CnnPiFusionConfig,
    encoder: Encoder,
    pi: Vec<Linear>,
    out: Linear,
    kind: Kind,
    footprint: Footprint,
}

impl CnnPiFusion {
    /// The network with variables from `vb`.
    ///
    /// # Errors
    /// As [`Cnn::new`](crate::Cnn::new), and [`Error::InvalidConfig`] for
    /// zero PI inputs or hidden units; [`Error::TooLarge`] counts the PI
    /// branch too.
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
        let pi_width = cfg.pi_hidden.last().copied().unwrap_or(cfg.pi_inputs);
        let Some(joint) = cfg.cnn.features().checked_add(pi_width) else {
            return Err(Error::InvalidConfig {
                name: "pi_hidden",
                value: pi_width.to_string(),
                reason: "the fused width overflows usize",
            });
        };
        let kind = Kind::of(&vb);
        let footprint = {
            let (encoder, acts) = cfg.cnn.encoder_size();
            let (pi, units) = dense_stack_size(cfg.pi_inputs, &cfg.pi_hidden);
            let classes = cfg.cnn.classes;
            Footprint {
                params: encoder + pi + dense_params(joint, classes),
                fixed: Count::ZERO,
                // The PI branch (product, bias, ReLU), the concatenation and
                // the logits.
                per_sample: acts + units * 3 + Count::of(&[joint]) + Count::of(&[classes]) * 2,
            }
        };
        footprint.check_model("CNN + PI fusion", kind.dtype)?;
        let encoder = cfg.cnn.encoder(vb.pp("encoder"))?;
        let pi = dense_stack(cfg.pi_inputs, &cfg.pi_hidden, "pi", &vb)?;
        let out = linear(joint, cfg.cnn.classes, vb.pp("out"))?;
        Ok(Self {
            cfg,
            encoder,
            pi,
            out,
            kind,
            footprint,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &CnnPiFusionConfig {
        &self.cfg
    }

    /// Logits `(batch, classes)` of `x`, differentiable; `train` selects
    /// batch statistics in batch norm.
    ///
    /// # Errors
    /// [`Error::Shape`] naming `raw` or `images` for a tensor of the wrong
    /// shape, or `images` when the batch sizes differ;
    /// [`Error::Incompatible`] naming the tensor of another dtype or
    /// device than the model's; [`Error::TooLarge`] when the batch's
    /// activations are over [`tda_persistence::memory::limit`]. Values are
    /// not checked ([`CnnPiFusion::infer`] checks them).
    pub fn forward_t(&self, x: &FusionInput, train: bool) -> Result<Tensor> {
        self.check(x)?;
        let mut h = x.images.clone();
        for dense in &self.pi {
            h = dense.forward(&h)?.relu()?;
        }
        let z = Tensor::cat(&[&self.encoder.forward_t(&x.raw, train)?, &h], 1)?;
        Ok(self.out.forward(&z)?)
    }

    /// Logits of `x` in inference mode, detached from the autograd graph.
    ///
    /// # Errors
    /// As [`CnnPiFusion::forward_t`], and [`Error::NonFinite`] naming the
    /// first NaN or infinite value of `raw`, then of `images`, or logit
    /// (`output`, an overflow of the dtype's range).
    pub fn infer(&self, x: &FusionInput) -> Result<Tensor> {
        self.check(x)?;
        check_finite(&x.raw, "raw")?;
        check_finite(&x.images, "images")?;
        finite_output(self.forward_t(x, false)?.detach())
    }

    /// The shape, dtype, device and batch-size checks of the inputs.
    fn check(&self, x: &FusionInput) -> Result<()> {
        let raw = &self.cfg.cnn.input;
        check_input(&self.kind, &x.raw, "raw", &raw.dims(), raw.describe())?;
        check_input(
            &self.kind,
            &x.images,
            "images",
            &[self.cfg.pi_inputs],
            "(flattened images)",
        )?;
        if x.images.dim(0)? != x.raw.dim(0)? {
            return Err(Error::Shape {
                name: "images",
                expected: format!("{} samples, as the raw input", x.raw.dim(0)?),
                got: x.images.dims().to_vec(),
            });
        }
        self.footprint.check_batch(
            "CNN + PI fusion forward pass",
            self.kind.dtype,
            x.raw.dim(0)?,
        )
    }
}

impl Classifier for CnnPiFusion {
    type Input = FusionInput;

    fn classes(&self) -> usize {
        self.cfg.cnn.classes
    }

    fn logits_t(&self, x: &FusionInput, train: bool) -> Result<Tensor> {
        self.forward_t(x, train)
    }
}
