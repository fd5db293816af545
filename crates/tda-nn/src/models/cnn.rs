//! Convolutional classifiers: PI-Net's 1-D CNN (Som et al., CVPR-W 2020,
//! Sec. 4.1) or any stack of 1-D or 2-D convolution blocks, alone or fused
//! with persistence-image features after global pooling.

use candle_core::Tensor;
use candle_nn::{linear, Linear, Module, VarBuilder};

use crate::classify::{
    check_classes, check_hidden, dense_stack, dense_stack_size, finite_output, single, Classifier,
};
use crate::encoder::{check_filters, check_input, Encoder, Kind};
use crate::error::{Error, Result};
use crate::finite::check_finite;
use crate::size::{self, dense_params, Count, Footprint};

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

    fn describe(&self) -> &'static str {
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

    fn check(&self) -> Result<()> {
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

    fn encoder(&self, vb: VarBuilder) -> Result<Encoder> {
        let dims = self.input.dims();
        Encoder::new(
            dims.len() - 1,
            dims[0],
            &self.filters,
            self.kernel,
            self.pools.clone(),
            vb,
        )
    }

    /// Width of the pooled features.
    fn features(&self) -> usize {
        self.filters.last().copied().unwrap_or(0)
    }

    /// The encoder's parameters and per-sample activations, in elements
    /// (see `size.rs`).
    fn encoder_size(&self) -> (Count, Count) {
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

    fn check_input(&self, kind: &Kind, x: &Tensor, name: &'static str) -> Result<()> {
        check_input(kind, x, name, &self.input.dims(), self.input.describe())
    }
}

/// A CNN classifier: convolution blocks, global average pooling, a dense
/// output layer of logits. With [`CnnConfig::default`] it is the paper's
/// 1-D CNN. Variables: `encoder.block{i}.conv`, `encoder.block{i}.bn`,
/// `out`.
#[derive(Debug, Clone)]
pub struct Cnn {
    cfg: CnnConfig,
    encoder: Encoder,
    out: Linear,
    kind: Kind,
    footprint: Footprint,
}

impl Cnn {
    /// The network with variables from `vb`.
    ///
    /// Errors: [`Error::InvalidConfig`] for zero classes, filters, kernel,
    /// input dimensions or pool strides, no block, or not one pool entry
    /// per block; [`Error::TooLarge`] when the parameters and one sample's
    /// activations (estimated with checked arithmetic, before anything is
    /// allocated) are over [`tda_persistence::memory::limit`].
    pub fn new(cfg: CnnConfig, vb: VarBuilder) -> Result<Self> {
        cfg.check()?;
        let kind = Kind::of(&vb);
        let footprint = cfg.footprint();
        footprint.check_model("CNN", kind.dtype)?;
        let encoder = cfg.encoder(vb.pp("encoder"))?;
        let out = linear(cfg.features(), cfg.classes, vb.pp("out"))?;
        Ok(Self {
            cfg,
            encoder,
            out,
            kind,
            footprint,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &CnnConfig {
        &self.cfg
    }

    /// Logits of `x` (batch first, then the input's dimensions) in
    /// inference mode.
    ///
    /// Errors: [`Error::Shape`] for an input not `(batch >= 1, input
    /// dims...)`; [`Error::Incompatible`] for another dtype or device than
    /// the model's; [`Error::NonFinite`] naming the first NaN or infinite
    /// input value; [`Error::TooLarge`] when the batch's activations are
    /// over [`tda_persistence::memory::limit`]. (`logits_t` does not check
    /// values.)
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.check_x(x)?;
        check_finite(x, "x")?;
        finite_output(self.logits_t(std::slice::from_ref(x), false)?)
    }

    /// The shape, dtype, device and batch-size checks of the input.
    fn check_x(&self, x: &Tensor) -> Result<()> {
        self.cfg.check_input(&self.kind, x, "x")?;
        self.footprint
            .check_batch("CNN forward pass", self.kind.dtype, x.dim(0)?)
    }
}

impl Classifier for Cnn {
    fn classes(&self) -> usize {
        self.cfg.classes
    }

    fn logits_t(&self, inputs: &[Tensor], train: bool) -> Result<Tensor> {
        let x = single(inputs, "x")?;
        self.check_x(x)?;
        Ok(self.out.forward(&self.encoder.forward_t(x, train)?)?)
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

/// The paper's CNN + PI fusion: the [`Cnn`] encoder's pooled features
/// concatenated with the persistence images passed through dense layers
/// (ReLU), then a dense output layer of logits. Inputs: `[raw (batch,
/// input dims...), images (batch, pi_inputs)]`. Variables: `encoder.*`,
/// `pi{i}.dense`, `out`.
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
    /// Errors: as [`Cnn::new`], and [`Error::InvalidConfig`] for zero PI
    /// inputs or hidden units; [`Error::TooLarge`] counts the PI branch
    /// too.
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

    /// Logits of `(raw, images)` in inference mode.
    ///
    /// Errors: as [`Cnn::forward`] for each input, and [`Error::Shape`]
    /// when their batch sizes differ.
    pub fn forward(&self, raw: &Tensor, images: &Tensor) -> Result<Tensor> {
        self.check_inputs(raw, images)?;
        check_finite(raw, "raw")?;
        check_finite(images, "images")?;
        finite_output(self.logits_t(&[raw.clone(), images.clone()], false)?)
    }
}

impl Classifier for CnnPiFusion {
    fn classes(&self) -> usize {
        self.cfg.cnn.classes
    }

    fn logits_t(&self, inputs: &[Tensor], train: bool) -> Result<Tensor> {
        let [raw, images] = inputs else {
            return Err(Error::Shape {
                name: "inputs",
                expected: "two input tensors: [raw, images]".into(),
                got: vec![inputs.len()],
            });
        };
        self.check_inputs(raw, images)?;
        let mut h = images.clone();
        for dense in &self.pi {
            h = dense.forward(&h)?.relu()?;
        }
        let z = Tensor::cat(&[&self.encoder.forward_t(raw, train)?, &h], 1)?;
        Ok(self.out.forward(&z)?)
    }
}

impl CnnPiFusion {
    /// The shape, dtype, device and batch-size checks of the inputs.
    fn check_inputs(&self, raw: &Tensor, images: &Tensor) -> Result<()> {
        self.cfg.cnn.check_input(&self.kind, raw, "raw")?;
        check_input(
            &self.kind,
            images,
            "images",
            &[self.cfg.pi_inputs],
            "(flattened images)",
        )?;
        if images.dim(0)? != raw.dim(0)? {
            return Err(Error::Shape {
                name: "images",
                expected: format!("{} samples, as the raw input", raw.dim(0)?),
                got: images.dims().to_vec(),
            });
        }
        self.footprint
            .check_batch("CNN + PI fusion forward pass", self.kind.dtype, raw.dim(0)?)
    }
}
