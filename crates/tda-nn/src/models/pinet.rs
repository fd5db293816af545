//! Signal PI-Net and Image PI-Net (Som et al., "PI-Net: A Deep Learning
//! Approach to Extract Topological Persistence Images", CVPR-W 2020): CNNs
//! that map raw signals or images straight to persistence images.
//!
//! Both are the same [`Trunk`] (input checks and the convolutional
//! encoder) followed by a head: a dense layer reshaped to the images
//! (Signal PI-Net), or a dense latent map, a transposed convolution and
//! batch norm (Image PI-Net).

use candle_core::{ModuleT, Tensor};
use candle_nn::{linear, BatchNorm, Linear, Module, VarBuilder};

use super::encoder::Encoder;
use crate::error::{Error, Result};
use crate::layers::{keras_batch_norm, SameDeconv};
use crate::validate::size::{self, batch_norm_params, Count, Footprint};
use crate::validate::{check_filters, InputCheck, Kind};

/// What training needs from a PI-Net ([`SignalPiNet`], [`ImagePiNet`]).
pub trait PiNet {
    /// Forward pass, differentiable; `train` selects batch statistics in
    /// batch norm (and updates the running ones).
    ///
    /// # Errors
    /// The model's errors for an input of the wrong shape, dtype or
    /// device, or a batch over the memory limit (values are not checked).
    fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor>;

    /// Variable-name prefixes of the layers PI-Net fine-tunes in transfer
    /// learning: from the 4th convolution block (the last, if there are
    /// fewer) to the output.
    fn head_prefixes(&self) -> Vec<String>;

    /// Runs the batch norm of the first `n` convolution blocks with its
    /// running statistics even in training, so that frozen blocks stay
    /// bit-identical while the head is fine-tuned.
    fn freeze_blocks(&mut self, n: usize);
}

/// Validates the shared configuration fields.
fn check_config(filters: &[usize], kernel: usize, resolution: usize) -> Result<()> {
    check_filters(filters, kernel)?;
    if resolution == 0 {
        return Err(Error::InvalidConfig {
            name: "resolution",
            value: "0".into(),
            reason: "the image must have >= 1 pixel per side",
        });
    }
    Ok(())
}

/// The PI-Net encoder's pools: a max-pool of 3 with stride 2 after every
/// block but the last.
fn pinet_pools(filters: &[usize]) -> Vec<Option<usize>> {
    let mut pools = vec![Some(2); filters.len()];
    if let Some(last) = pools.last_mut() {
        *last = None;
    }
    pools
}

/// What the two PI-Nets share: the checks of their input and the encoder
/// (variables `encoder.*`) that turns it into one feature vector per
/// sample.
#[derive(Debug, Clone)]
struct Trunk {
    input: InputCheck,
    encoder: Encoder,
}

impl Trunk {
    /// The encoder of `filters` blocks over the input's sample shape
    /// `(channels, spatial...)`, after checking that the network's
    /// footprint fits the memory limit (`model` names the network).
    fn new(
        model: &'static str,
        input: InputCheck,
        filters: &[usize],
        kernel: usize,
        vb: &VarBuilder,
    ) -> Result<Self> {
        input.footprint.check_model(model, input.kind.dtype)?;
        let encoder = Encoder::new(
            input.sample.len() - 1,
            input.sample[0],
            filters,
            kernel,
            &pinet_pools(filters),
            vb.pp("encoder"),
        )?;
        Ok(Self { input, encoder })
    }

    /// The checks of `x`, then the encoder: `(batch, filters.last())`.
    fn encode(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.input.check(x)?;
        self.encoder.forward_t(x, train)
    }

    /// The variable prefix of the encoder from the 4th block (or the last)
    /// on.
    fn head_block_prefix(&self) -> String {
        format!("encoder.block{}.", 3.min(self.encoder.blocks() - 1))
    }
}

/// Configuration of a [`SignalPiNet`]. The default is the paper's network
/// for 3-axis accelerometer frames of 100 samples and 50 x 50 images.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalPiNetConfig {
    /// Samples per signal (the paper: 100; the published code: 250).
    pub length: usize,
    /// Channels per input, one persistence image each (the paper: 3).
    pub channels: usize,
    /// Filters of the convolution blocks (the paper: 128, 256, 512, 1024).
    pub filters: Vec<usize>,
    /// Kernel width of the convolutions (the paper: 3).
    pub kernel: usize,
    /// Side of the output images (the paper: 50).
    pub resolution: usize,
}

impl SignalPiNetConfig {
    /// What the network allocates, in elements (see `validate/size.rs`).
    fn footprint(&self) -> Footprint {
        let (encoder, acts) = size::encoder(
            &[self.length],
            self.channels,
            &self.filters,
            self.kernel,
            &pinet_pools(&self.filters),
        );
        let units = Count::of(&[self.resolution, self.resolution, self.channels]);
        let last = self.filters.last().copied().unwrap_or(0);
        let dense = Count::of(&[last]) * units + units;
        Footprint {
            params: encoder + dense,
            fixed: Count::ZERO,
            // The dense layer's output, its ReLU and the reshaped copy.
            per_sample: acts + units * 3,
        }
    }
}

impl Default for SignalPiNetConfig {
    fn default() -> Self {
        Self {
            length: 100,
            channels: 3,
            filters: vec![128, 256, 512, 1024],
            kernel: 3,
            resolution: 50,
        }
    }
}

/// Signal PI-Net: `(batch, channels, length)` signals to `(batch,
/// channels, resolution, resolution)` persistence images. Four 1-D
/// convolution blocks (batch norm, ReLU; max-pool 3/2 after the first
/// three), global average pooling, a dense layer of `resolution^2 x
/// channels` units with ReLU, reshaped channel-major.
///
/// A [`ModuleT`]: `x.apply_t(&net, train)` is [`SignalPiNet::forward_t`]
/// with candle's error type.
#[derive(Debug, Clone)]
pub struct SignalPiNet {
    cfg: SignalPiNetConfig,
    trunk: Trunk,
    dense: Linear,
}

impl SignalPiNet {
    /// The network with variables from `vb` (created there if `vb` is
    /// backed by a `VarMap`).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a zero size (length, channels,
    /// filters, kernel, resolution) or no block; [`Error::TooLarge`] when
    /// the parameters and one sample's activations (estimated with checked
    /// arithmetic, before anything is allocated) are over
    /// [`tda_persistence::memory::limit`].
    pub fn new(cfg: SignalPiNetConfig, vb: VarBuilder) -> Result<Self> {
        check_config(&cfg.filters, cfg.kernel, cfg.resolution)?;
        if cfg.length == 0 || cfg.channels == 0 {
            return Err(Error::InvalidConfig {
                name: "length/channels",
                value: format!("{}/{}", cfg.length, cfg.channels),
                reason: "signals need >= 1 sample and >= 1 channel",
            });
        }
        let input = InputCheck {
            kind: Kind::of(&vb),
            footprint: cfg.footprint(),
            sample: vec![cfg.channels, cfg.length],
            what: "(channels, length)",
            pass: "Signal PI-Net forward pass",
        };
        let trunk = Trunk::new("Signal PI-Net", input, &cfg.filters, cfg.kernel, &vb)?;
        let units = Count::of(&[cfg.resolution, cfg.resolution, cfg.channels]);
        let units = units.to_usize().ok_or(Error::InvalidConfig {
            name: "resolution",
            value: cfg.resolution.to_string(),
            reason: "resolution^2 * channels overflows usize",
        })?;
        let last = cfg.filters[cfg.filters.len() - 1];
        let dense = linear(last, units, vb.pp("dense"))?;
        Ok(Self { cfg, trunk, dense })
    }

    /// The configuration.
    pub fn config(&self) -> &SignalPiNetConfig {
        &self.cfg
    }

    /// Forward pass, differentiable: `train` selects batch statistics in
    /// batch norm (and updates the running ones).
    ///
    /// # Errors
    /// [`Error::Shape`] for an input not `(batch >= 1, channels, length)`;
    /// [`Error::Incompatible`] for another dtype or device than the
    /// model's; [`Error::TooLarge`] when the batch's activations are over
    /// [`tda_persistence::memory::limit`]. Values are not checked (NaN and
    /// infinities propagate; the trainers check their data once, up
    /// front; [`SignalPiNet::infer`] checks them).
    pub fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        let c = &self.cfg;
        let z = self.trunk.encode(x, train)?;
        let y = self.dense.forward(&z)?.relu()?;
        Ok(y.reshape((x.dim(0)?, c.channels, c.resolution, c.resolution))?)
    }

    /// Inference (batch norm with running statistics), detached from the
    /// autograd graph: images used as features downstream must not drag
    /// the network's backward pass into another model's training (use
    /// [`SignalPiNet::forward_t`] to differentiate through the network).
    ///
    /// # Errors
    /// As [`SignalPiNet::forward_t`], and [`Error::NonFinite`] naming the
    /// first NaN or infinite input value (`x`), or output value (`output`,
    /// an overflow of the dtype's range).
    pub fn infer(&self, x: &Tensor) -> Result<Tensor> {
        self.trunk.input.infer(x, |x| self.forward_t(x, false))
    }
}

impl PiNet for SignalPiNet {
    fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        SignalPiNet::forward_t(self, x, train)
    }

    fn head_prefixes(&self) -> Vec<String> {
        vec![self.trunk.head_block_prefix(), "dense.".into()]
    }

    fn freeze_blocks(&mut self, n: usize) {
        self.trunk.encoder.frozen = n;
    }
}

impl ModuleT for SignalPiNet {
    fn forward_t(&self, xs: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        Ok(SignalPiNet::forward_t(self, xs, train)?)
    }
}

/// Configuration of an [`ImagePiNet`]. The default is the paper's network
/// for 32 x 32 RGB images and 50 x 50 persistence images.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePiNetConfig {
    /// Image height.
    pub height: usize,
    /// Image width.
    pub width: usize,
    /// Channels per image, one persistence image each.
    pub channels: usize,
    /// Filters of the convolution blocks (the paper: 128, 256, 512, 1024).
    pub filters: Vec<usize>,
    /// Kernel size of the convolutions (the paper: 3).
    pub kernel: usize,
    /// Side of the output images (the paper: 50).
    pub resolution: usize,
}

impl ImagePiNetConfig {
    /// What the network allocates, in elements (see `validate/size.rs`).
    fn footprint(&self) -> Footprint {
        let (encoder, acts) = size::encoder(
            &[self.height, self.width],
            self.channels,
            &self.filters,
            self.kernel,
            &pinet_pools(&self.filters),
        );
        let last = self.filters.last().copied().unwrap_or(0);
        let pixels = Count::of(&[self.resolution, self.resolution]);
        let maps = Count::of(&[self.channels]) * pixels;
        // The transposed convolution's gather table (built on the host, then
        // copied to the device) and its channels x pixels^2 matrix (gathered,
        // then laid out for the product) in every forward pass.
        let table = pixels * pixels;
        Footprint {
            params: encoder
                + Count::of(&[last]) * pixels
                + pixels
                + maps
                + Count::of(&[self.channels])
                + batch_norm_params(self.channels)
                + table * 2,
            fixed: Count::of(&[self.channels]) * table * 2,
            // The latent (dense output, ReLU), the deconvolution (broadcast
            // input, product, layout change, bias) and batch norm, ReLU.
            per_sample: acts + pixels * 3 + maps * HEAD_COPIES,
        }
    }
}

/// Copies of the output maps in the Image PI-Net's head.
const HEAD_COPIES: usize = 10;

impl Default for ImagePiNetConfig {
    fn default() -> Self {
        Self {
            height: 32,
            width: 32,
            channels: 3,
            filters: vec![128, 256, 512, 1024],
            kernel: 3,
            resolution: 50,
        }
    }
}

/// The largest [`ImagePiNetConfig::resolution`]: the transposed
/// convolution runs as a matrix of `resolution^4` entries (268 M at 128).
pub const MAX_IMAGE_RESOLUTION: usize = SameDeconv::MAX_SIDE;

/// Image PI-Net: `(batch, channels, height, width)` images to `(batch,
/// channels, resolution, resolution)` persistence images. The 2-D version
/// of the Signal PI-Net encoder, a dense latent of `resolution^2` units
/// (ReLU) reshaped to one `resolution x resolution` map, a transposed
/// convolution with kernel `resolution`, stride 1 and `channels` filters
/// cropped to the same size (Keras "same": the smaller half of the
/// `resolution - 1` extra rows and columns cut before), batch norm, ReLU.
///
/// A [`ModuleT`]: `x.apply_t(&net, train)` is [`ImagePiNet::forward_t`]
/// with candle's error type.
#[derive(Debug, Clone)]
pub struct ImagePiNet {
    cfg: ImagePiNetConfig,
    trunk: Trunk,
    dense: Linear,
    deconv: SameDeconv,
    bn: BatchNorm,
}

impl ImagePiNet {
    /// The network with variables from `vb`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a zero size (height, width, channels,
    /// filters, kernel, resolution), no block, or a resolution over
    /// [`MAX_IMAGE_RESOLUTION`]; [`Error::TooLarge`] when the parameters,
    /// the transposed convolution's `channels x resolution^4` matrix and
    /// one sample's activations (estimated with checked arithmetic, before
    /// anything is allocated) are over [`tda_persistence::memory::limit`].
    pub fn new(cfg: ImagePiNetConfig, vb: VarBuilder) -> Result<Self> {
        check_config(&cfg.filters, cfg.kernel, cfg.resolution)?;
        if cfg.height == 0 || cfg.width == 0 || cfg.channels == 0 {
            return Err(Error::InvalidConfig {
                name: "height/width/channels",
                value: format!("{}/{}/{}", cfg.height, cfg.width, cfg.channels),
                reason: "images need >= 1 pixel and >= 1 channel",
            });
        }
        if cfg.resolution > MAX_IMAGE_RESOLUTION {
            return Err(Error::InvalidConfig {
                name: "resolution",
                value: cfg.resolution.to_string(),
                reason: "the transposed convolution's matrix has resolution^4 entries; at most 128 per side",
            });
        }
        let input = InputCheck {
            kind: Kind::of(&vb),
            footprint: cfg.footprint(),
            sample: vec![cfg.channels, cfg.height, cfg.width],
            what: "(channels, height, width)",
            pass: "Image PI-Net forward pass",
        };
        let trunk = Trunk::new("Image PI-Net", input, &cfg.filters, cfg.kernel, &vb)?;
        let last = cfg.filters[cfg.filters.len() - 1];
        let r = cfg.resolution;
        // r <= MAX_IMAGE_RESOLUTION: no overflow.
        let dense = linear(last, r * r, vb.pp("dense"))?;
        let deconv = SameDeconv::new(cfg.channels, r, vb.pp("deconv"))?;
        let bn = keras_batch_norm(cfg.channels, vb.pp("bn"))?;
        Ok(Self {
            cfg,
            trunk,
            dense,
            deconv,
            bn,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ImagePiNetConfig {
        &self.cfg
    }

    /// Forward pass, differentiable: `train` selects batch statistics in
    /// batch norm (and updates the running ones).
    ///
    /// # Errors
    /// [`Error::Shape`] for an input not `(batch >= 1, channels, height,
    /// width)`; [`Error::Incompatible`] for another dtype or device than
    /// the model's; [`Error::TooLarge`] when the batch's activations are
    /// over [`tda_persistence::memory::limit`]. Values are not checked
    /// (NaN and infinities propagate; the trainers check their data once,
    /// up front; [`ImagePiNet::infer`] checks them).
    pub fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        let r = self.cfg.resolution;
        let z = self.trunk.encode(x, train)?;
        let latent = self
            .dense
            .forward(&z)?
            .relu()?
            .reshape((x.dim(0)?, 1, r, r))?;
        let y = self.deconv.forward(&latent)?;
        Ok(self.bn.forward_t(&y, train)?.relu()?)
    }

    /// Inference (batch norm with running statistics), detached from the
    /// autograd graph (use [`ImagePiNet::forward_t`] to differentiate
    /// through the network).
    ///
    /// # Errors
    /// As [`ImagePiNet::forward_t`], and [`Error::NonFinite`] naming the
    /// first NaN or infinite input value (`x`), or output value (`output`,
    /// an overflow of the dtype's range).
    pub fn infer(&self, x: &Tensor) -> Result<Tensor> {
        self.trunk.input.infer(x, |x| self.forward_t(x, false))
    }
}

impl PiNet for ImagePiNet {
    fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        ImagePiNet::forward_t(self, x, train)
    }

    fn head_prefixes(&self) -> Vec<String> {
        vec![
            self.trunk.head_block_prefix(),
            "dense.".into(),
            "deconv.".into(),
            "bn.".into(),
        ]
    }

    fn freeze_blocks(&mut self, n: usize) {
        self.trunk.encoder.frozen = n;
    }
}

impl ModuleT for ImagePiNet {
    fn forward_t(&self, xs: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        Ok(ImagePiNet::forward_t(self, xs, train)?)
    }
}
