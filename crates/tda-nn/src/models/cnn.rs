//! Convolutional classifiers: PI-Net's 1-D CNN (Som et al., CVPR-W 2020,
//! Sec. 4.1) or any stack of 1-D or 2-D convolution blocks (fused with
//! persistence-image features in `fusion.rs`).

use candle_core::{ModuleT, Tensor};
use candle_nn::{linear, Linear, Module, VarBuilder};

use super::classifier::Classifier;
use super::encoder::Encoder;
use crate::error::{Error, Result};
use crate::validate::size::{self, dense_params, Count, Footprint};
use crate::validate::{check_classes, check_filters, InputCheck, Kind};

/// What a [`Cnn`] reads: signals or images (the batch dimension aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CnnInput {
    /// `(channels, length)` signals; 1-D convolutions.
    Signal {
        /// Channels per signal.
        channels: usize,
        /// Samples per signal.
        length: usize,
    },
    /// `(channels, height, width)` images; 2-D convolutions.
    Image {
        /// Channels per image.
        channels: usize,
        /// Rows.
        height: usize,
        /// Columns.
        width: usize,
    },
}

impl CnnInput {
    /// The input shape without the batch dimension.
    pub fn dims(&self) -> Vec<usize> {
        match *self {
            Self::Signal { channels, length } => vec![channels, length],
            Self::Image {
                channels,
                height,
                width,
            } => vec![channels, height, width],
        }
    }

    /// The sample shape in words.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Self::Signal { .. } => "(channels, length)",
            Self::Image { .. } => "(channels, height, width)",
        }
    }
}

/// Configuration of a [`Cnn`]. The default is the paper's 1-D CNN on
/// 3-axis frames of 100 samples, for 4 classes (BasicMotions).
#[derive(Debug, Clone, PartialEq)]
pub struct CnnConfig {
    /// The input.
    pub input: CnnInput,
    /// Filters of each convolution block (same padding, stride 1, batch
    /// norm, ReLU).
    pub filters: Vec<usize>,
    /// Stride of the "same" max-pool of 3 after each block (`None`: no
    /// pooling); one entry per block. Global average pooling follows the
    /// last block in any case.
    pub pools: Vec<Option<usize>>,
    /// Kernel size (the paper: 3).
    pub kernel: usize,
    /// Number of classes.
    pub classes: usize,
}

impl Default for CnnConfig {
    fn default() -> Self {
        Self::paper_1d(3, 100, 4)
    }
}

impl CnnConfig {
    /// The paper's 1-D CNN: 10 convolutions of 64 filters, kernel 3, layer
    /// `l` (from 1) followed by a max-pool of 3 with stride 1 when `l` is
    /// odd and 2 when even, the 10th by global average pooling instead.
    pub fn paper_1d(channels: usize, length: usize, classes: usize) -> Self {
        let layers = 10;
        Self {
            input: CnnInput::Signal { channels, length },
            filters: vec![64; layers],
            pools: (1..=layers)
                .map(|l| (l < layers).then_some(if l % 2 == 1 { 1 } else { 2 }))
                .collect(),
            kernel: 3,
            classes,
        }
    }

    /// Rejects zero classes, filters, kernel, input dimensions or pool
    /// strides, no block, or not one pool entry per block.
    pub(crate) fn check(&self) -> Result<()> {
        check_classes(self.classes)?;
        check_filters(&self.filters, self.kernel)?;
        if self.input.dims().contains(&0) {
            return Err(Error::InvalidConfig {
                name: "input",
                value: format!("{:?}", self.input),
                reason: "every input dimension must be >= 1",
            });
        }
        if self.pools.len() != self.filters.len() || self.pools.contains(&Some(0)) {
            return Err(Error::InvalidConfig {
                name: "pools",
                value: format!("{:?}", self.pools),
                reason: "need one entry per block, each stride >= 1",
            });
        }
        Ok(())
    }

    /// The encoder, variables from `vb`.
    pub(crate) fn encoder(&self, vb: VarBuilder) -> Result<Encoder> {
        let dims = self.input.dims();
        Encoder::new(
            dims.len() - 1,
            dims[0],
            &self.filters,
            self.kernel,
            &self.pools,
            vb,
        )
    }

    /// Width of the pooled features.
    pub(crate) fn features(&self) -> usize {
        self.filters.last().copied().unwrap_or(0)
    }

    /// The encoder's parameters and per-sample activations, in elements
    /// (see `validate/size.rs`).
    pub(crate) fn encoder_size(&self) -> (Count, Count) {
        let dims = self.input.dims();
        size::encoder(&dims[1..], dims[0], &self.filters, self.kernel, &self.pools)
    }

    /// What the encoder and the output layer allocate, in elements.
    fn footprint(&self) -> Footprint {
        let (encoder, acts) = self.encoder_size();
        Footprint {
            params: encoder + dense_params(self.features(), self.classes),
            fixed: Count::ZERO,
            per_sample: acts + Count::of(&[self.classes]) * 2,
        }
    }

    /// The checks of a model's input `x` (`pass` names its forward pass).
    pub(crate) fn input_check(
        &self,
        kind: Kind,
        footprint: Footprint,
        pass: &'static str,
    ) -> InputCheck {
        InputCheck {
            kind,
            footprint,
            sample: self.input.dims(),
            what: self.input.describe(),
            pass,
        }
    }
}

/// A CNN classifier: convolution blocks, global average pooling, a dense
/// output layer of logits. With [`CnnConfig::default`] it is the paper's
/// 1-D CNN. Variables: `encoder.block{i}.conv`, `encoder.block{i}.bn`,
/// `out`.
///
/// A [`ModuleT`]: `x.apply_t(&cnn, train)` is [`Cnn::forward_t`] with
/// candle's error type.
#[derive(Debug, Clone)]
pub struct Cnn {
    cfg: CnnConfig,
    encoder: Encoder,
    out: Linear,
    input: InputCheck,
}

impl Cnn {
    /// The network with variables from `vb`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for zero classes, filters, kernel, input
    /// dimensions or pool strides, no block, or not one pool entry per
    /// block; [`Error::TooLarge`] when the parameters and one sample's
    /// activations (estimated with checked arithmetic, before anything is
    /// allocated) are over [`tda_persistence::memory::limit`].
    pub fn new(cfg: CnnConfig, vb: VarBuilder) -> Result<Self> {
        cfg.check()?;
        let kind = Kind::of(&vb);
        let footprint = cfg.footprint();
        footprint.check_model("CNN", kind.dtype)?;
        let encoder = cfg.encoder(vb.pp("encoder"))?;
        let out = linear(cfg.features(), cfg.classes, vb.pp("out"))?;
        let input = cfg.input_check(kind, footprint, "CNN forward pass");
        Ok(Self {
            cfg,
            encoder,
            out,
            input,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &CnnConfig {
        &self.cfg
    }

    /// Logits `(batch, classes)` of `x` (batch first, then the input's
    /// dimensions), differentiable; `train` selects batch statistics in
    /// batch norm.
    ///
    /// # Errors
    /// [`Error::Shape`] for an input not `(batch >= 1, input dims...)`;
    /// [`Error::Incompatible`] for another dtype or device than the
    /// model's; [`Error::TooLarge`] when the batch's activations are over
    /// [`tda_persistence::memory::limit`]. Values are not checked
    /// ([`Cnn::infer`] checks them).
    pub fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.input.check(x)?;
        Ok(self.out.forward(&self.encoder.forward_t(x, train)?)?)
    }

    /// Logits of `x` in inference mode, detached from the autograd graph.
    ///
    /// # Errors
    /// As [`Cnn::forward_t`], and [`Error::NonFinite`] naming the first
    /// NaN or infinite input value (`x`), or logit (`output`, an overflow
    /// of the dtype's range).
    pub fn infer(&self, x: &Tensor) -> Result<Tensor> {
        self.input.infer(x, |x| self.forward_t(x, false))
    }
}

impl Classifier for Cnn {
    type Input = Tensor;

    fn classes(&self) -> usize {
        self.cfg.classes
    }

    fn logits_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.forward_t(x, train)
    }
}

impl ModuleT for Cnn {
    fn forward_t(&self, xs: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        Ok(Cnn::forward_t(self, xs, train)?)
    }
}
