//! The Persistent CNN (Liu, Jeng & Yang 2016, "Applying topological
//! persistence in convolutional neural network for music audio signals")
//! for music auto-tagging, as the authors' Theano/Lasagne code builds it
//! (`ciaua/PersistenceNetwork`, `pnet/network_design.py`: `fcn`, `p_fcn`,
//! `pc_fcn`; `scripts/train_model.pc_fcn.py` for the settings).
//!
//! Input `(batch, 1, frames, mels)` standardised log-mel spectrograms.
//! An early convolution of `early_filters` filters spanning
//! `early_frames` frames and all mel bins (the authors' `strictsamex`
//! padding: `early_frames / 2` zero frames before, the rest after, so the
//! frames are kept), ReLU, max-pool of `early_pool` in time (the last
//! partial window counts: Theano's `ignore_border=False`) gives
//! `early_filters` activation curves of `steps = ceil(frames /
//! early_pool)` values. Then one or both branches:
//! - C: a 1x1 convolution to `conv_channels`, ReLU, max-pool of
//!   `conv_pool` (partial window counting): `ceil(steps / conv_pool)`
//!   time steps;
//! - P: the [`LandscapeLayer`] on the curves, `LandscapeConfig {
//!   num_landscapes, ..Default::default() }` (superlevel H0 of segments of
//!   32 steps, the tail dropped, the essential class as the segment range,
//!   10 samples `0, 0.5, ..., 4.5`), its `k x 10` values per curve read as
//!   features at each segment: `early_filters * k * 10` channels,
//!   `steps / 32` time steps.
//!
//! The branches are concatenated along the channels (C first), time
//! cropped to the shorter; then per late layer dropout and a 1x1
//! convolution with ReLU (two of 512), dropout and a 1x1 convolution to
//! the tags with a sigmoid, and the mean over time.
//!
//! Initialisation: the authors use Lasagne's defaults, Glorot-uniform
//! weights (fans counting the receptive field) and zero biases, which are
//! Keras': [`init_keras`](crate::init_keras) draws them from a seed.
//! Theano's `conv2d` flips its filters (a true convolution); here the
//! filters are correlated, as candle's are (the same family of functions;
//! flip the time axis to load the authors' weights).

use candle_core::{ModuleT, Tensor};
use candle_nn::{Init, VarBuilder};

use crate::error::{Error, Result};
use crate::layers::{max_pool_ceil, LandscapeConfig, LandscapeLayer, SameConv, SeededDropout};
use crate::validate::size::{dense_params, Count, Footprint};
use crate::validate::{check_finite, finite_output, Kind};

/// Which branches a [`PersistentCnn`] reads the early convolution's
/// curves with (the paper's variants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Branches {
    /// Branch C only, the 1x1 convolution: the paper's FCN.
    Conv,
    /// Branch P only, the persistence landscapes: the paper's P-FCN.
    Persistence,
    /// Both, concatenated: the paper's PC-FCN.
    #[default]
    Both,
}

impl Branches {
    /// Whether branch C (the 1x1 convolution) is used.
    pub fn has_conv(self) -> bool {
        matches!(self, Self::Conv | Self::Both)
    }

    /// Whether branch P (the landscape layer) is used.
    pub fn has_persistence(self) -> bool {
        matches!(self, Self::Persistence | Self::Both)
    }
}

/// Configuration of a [`PersistentCnn`]. The default is the paper's
/// PC-FCN with `k = 5` landscapes on 128 mel bins and MagnaTagATune's top
/// 50 tags; [`PersistentCnnConfig::fcn`], [`PersistentCnnConfig::p_fcn`]
/// and [`PersistentCnnConfig::pc_fcn`] give the variants. The widths are
/// fields so that tests can shrink the network.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistentCnnConfig {
    /// Which branches (default [`Branches::Both`]).
    pub branches: Branches,
    /// Mel bins of the input, the last input dimension (default 128).
    pub mels: usize,
    /// Filters of the early convolution: the curves the landscapes are
    /// computed on (default 64).
    pub early_filters: usize,
    /// Frames the early convolution spans (default 8).
    pub early_frames: usize,
    /// Max-pool after the early convolution, in frames (default 4).
    pub early_pool: usize,
    /// Channels of branch C's 1x1 convolution (default 3200).
    pub conv_channels: usize,
    /// Max-pool of branch C, in steps (default 32, the landscape segment).
    pub conv_pool: usize,
    /// Landscapes `k` of branch P (default 5; the paper also uses 1).
    pub num_landscapes: usize,
    /// Channels of the late 1x1 convolutions, in order (default `[512,
    /// 512]`).
    pub late_channels: Vec<usize>,
    /// Tags, the output width (default 50).
    pub num_tags: usize,
    /// Dropout rate on the input of each late convolution and of the
    /// output convolution (default 0.5).
    pub dropout: f64,
    /// Seed of the dropout masks (layer `i` draws from `seed + i`).
    pub dropout_seed: u64,
}

impl Default for PersistentCnnConfig {
    fn default() -> Self {
        Self::pc_fcn(5)
    }
}

impl PersistentCnnConfig {
    /// Length of the landscape layer's segments, in steps
    /// (`LandscapeConfig::default()`'s, the paper's).
    pub const LANDSCAPE_SEGMENT: usize = 32;
    /// Samples of each landscape (`LandscapeConfig::default()`'s, the
    /// paper's `0, 0.5, ..., 4.5`).
    pub const LANDSCAPE_SAMPLES: usize = 10;

    /// The paper's settings with these branches and `k` landscapes.
    fn paper(branches: Branches, num_landscapes: usize) -> Self {
        Self {
            branches,
            mels: 128,
            early_filters: 64,
            early_frames: 8,
            early_pool: 4,
            conv_channels: 3200,
            conv_pool: 32,
            num_landscapes,
            late_channels: vec![512, 512],
            num_tags: 50,
            dropout: 0.5,
            dropout_seed: 0,
        }
    }

    /// The paper's FCN (branch C only).
    pub fn fcn() -> Self {
        Self::paper(Branches::Conv, 5)
    }

    /// The paper's P-FCN (branch P only) with `k` landscapes.
    pub fn p_fcn(k: usize) -> Self {
        Self::paper(Branches::Persistence, k)
    }

    /// The paper's PC-FCN (both branches) with `k` landscapes.
    pub fn pc_fcn(k: usize) -> Self {
        Self::paper(Branches::Both, k)
    }

    /// Rejects zero tags, mel bins, filters, frames, pools, channels (of a
    /// branch in use), landscapes (with branch P) or late channels, and a
    /// dropout rate outside `[0, 1)`.
    fn check(&self) -> Result<()> {
        let mut sizes = vec![
            ("num_tags", self.num_tags),
            ("mels", self.mels),
            ("early_filters", self.early_filters),
            ("early_frames", self.early_frames),
            ("early_pool", self.early_pool),
        ];
        if self.branches.has_conv() {
            sizes.extend([
                ("conv_channels", self.conv_channels),
                ("conv_pool", self.conv_pool),
            ]);
        }
        if self.branches.has_persistence() {
            sizes.push(("num_landscapes", self.num_landscapes));
        }
        if let Some(&(name, _)) = sizes.iter().find(|(_, v)| *v == 0) {
            return Err(Error::InvalidConfig {
                name,
                value: "0".into(),
                reason: "must be >= 1",
            });
        }
        if self.late_channels.contains(&0) {
            return Err(Error::InvalidConfig {
                name: "late_channels",
                value: format!("{:?}", self.late_channels),
                reason: "every late convolution needs >= 1 channel",
            });
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(Error::InvalidConfig {
                name: "dropout",
                value: self.dropout.to_string(),
                reason: "the dropout rate must be in [0, 1)",
            });
        }
        Ok(())
    }

    /// The fewest frames an input may have: one landscape segment of
    /// steps after the early pool with branch P (`(32 - 1) * early_pool +
    /// 1`, 125 with the paper's settings), one frame otherwise.
    pub fn min_frames(&self) -> usize {
        if self.branches.has_persistence() {
            (Self::LANDSCAPE_SEGMENT - 1)
                .saturating_mul(self.early_pool)
                .saturating_add(1)
        } else {
            1
        }
    }

    /// Time steps of the output of `frames` input frames, before the mean
    /// over time: the shorter branch's (C: `ceil(ceil(frames /
    /// early_pool) / conv_pool)`, P: `ceil(frames / early_pool) / 32`).
    pub fn output_steps(&self, frames: usize) -> usize {
        let steps = frames.div_ceil(self.early_pool.max(1));
        let conv = steps.div_ceil(self.conv_pool.max(1));
        let persistence = steps / Self::LANDSCAPE_SEGMENT;
        match self.branches {
            Branches::Conv => conv,
            Branches::Persistence => persistence,
            Branches::Both => conv.min(persistence),
        }
    }

    /// Channels into the first late convolution: branch C's and branch
    /// P's (`early_filters * k * 10`).
    pub fn features(&self) -> usize {
        let conv = if self.branches.has_conv() {
            self.conv_channels
        } else {
            0
        };
        let persistence = if self.branches.has_persistence() {
            Count::of(&[
                self.early_filters,
                self.num_landscapes,
                Self::LANDSCAPE_SAMPLES,
            ])
            .to_usize()
            .unwrap_or(usize::MAX)
        } else {
            0
        };
        conv.saturating_add(persistence)
    }

    /// Parameters (weights and biases) of the network.
    pub fn num_parameters(&self) -> Option<u64> {
        self.params().0
    }

    /// Parameters, in checked arithmetic.
    fn params(&self) -> Count {
        let early = Count::of(&[self.early_filters, self.early_frames, self.mels])
            + Count::of(&[self.early_filters]);
        let conv = if self.branches.has_conv() {
            dense_params(self.early_filters, self.conv_channels)
        } else {
            Count::ZERO
        };
        let mut width = self.features();
        let mut late = Count::ZERO;
        for &c in &self.late_channels {
            late = late + dense_params(width, c);
            width = c;
        }
        early + conv + late + dense_params(width, self.num_tags)
    }

    /// What the network allocates: its parameters, and per sample the
    /// activations of `frames` frames (the early convolution's columns and
    /// outputs per frame, the branches per step, the late layers per
    /// output step, a few copies of each).
    fn footprint(&self, frames: usize) -> Footprint {
        let steps = frames.div_ceil(self.early_pool.max(1));
        let per_frame =
            Count::of(&[self.early_frames, self.mels]) * 3 + Count::of(&[self.early_filters]) * 4;
        let mut per_step = Count::of(&[self.early_filters]) * 4;
        if self.branches.has_conv() {
            per_step = per_step + Count::of(&[self.conv_channels]) * 6;
        }
        if self.branches.has_persistence() {
            // The landscape layer's output, its indices and temporaries
            // (~8 copies), per segment of 32 steps.
            per_step = per_step
                + Count::of(&[
                    self.early_filters,
                    self.num_landscapes,
                    Self::LANDSCAPE_SAMPLES,
                ]) * 2;
        }
        let late: usize = self
            .late_channels
            .iter()
            .fold(self.features(), |acc, &c| acc.saturating_add(c));
        let per_out = Count::of(&[late.saturating_add(self.num_tags)]) * 6;
        Footprint {
            params: self.params(),
            fixed: Count::ZERO,
            per_sample: Count::of(&[frames]) * per_frame
                + Count::of(&[steps]) * per_step
                + Count::of(&[self.output_steps(frames)]) * per_out,
        }
    }
}

/// The Persistent CNN; see the module documentation. Variables:
/// `early.weight` `(early_filters, 1, early_frames, mels)` and
/// `early.bias` (the authors' Lasagne layout), `conv.weight` /
/// `conv.bias` (branch C), `late{i}.weight` / `.bias`, `out.weight` /
/// `out.bias` (the 1x1 convolutions, `(out, in, 1)`). Created with
/// candle's initialisation; [`init_keras`](crate::init_keras) re-draws
/// them as the authors' Lasagne defaults, from a seed.
///
/// A [`ModuleT`]: `x.apply_t(&net, train)` is [`PersistentCnn::forward_t`]
/// with candle's error type (`train` turns dropout on).
///
/// ```
/// use candle_core::{DType, Device, Tensor};
/// use candle_nn::{VarBuilder, VarMap};
/// use tda_nn::{init_keras, Branches, PersistentCnn, PersistentCnnConfig};
/// let cfg = PersistentCnnConfig {
///     branches: Branches::Both,
///     mels: 16,
///     early_filters: 4,
///     conv_channels: 8,
///     num_landscapes: 1,
///     late_channels: vec![8, 8],
///     num_tags: 3,
///     ..PersistentCnnConfig::default()
/// };
/// let vars = VarMap::new();
/// let net = PersistentCnn::new(cfg, VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu)).unwrap();
/// init_keras(&vars, 0).unwrap();
/// let x = Tensor::randn(0f32, 1.0, (2, 1, 300, 16), &Device::Cpu).unwrap();
/// let tags = net.infer(&x).unwrap(); // tag probabilities, (batch, tags)
/// assert_eq!(tags.dims(), &[2, 3]);
/// ```
#[derive(Debug, Clone)]
pub struct PersistentCnn {
    cfg: PersistentCnnConfig,
    kind: Kind,
    early_weight: Tensor,
    early_bias: Tensor,
    conv: Option<SameConv>,
    landscape: Option<LandscapeLayer>,
    late: Vec<(SeededDropout, SameConv)>,
    out_dropout: SeededDropout,
    out: SameConv,
}

impl PersistentCnn {
    /// The network with variables from `vb`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the field for zero tags
    /// (`num_tags`), mel bins, filters, frames, pools, channels of a branch
    /// in use or late channels, zero landscapes (`num_landscapes`) with
    /// branch P, a dropout rate outside `[0, 1)`, or a landscape layer
    /// whose defaults are no longer the paper's segments of 32 and 10
    /// samples; [`Error::TooLarge`] when the parameters and one sample of
    /// [`PersistentCnnConfig::min_frames`] are over
    /// [`tda_persistence::memory::limit`]; [`Error::Candle`] when `vb`
    /// cannot provide the variables.
    pub fn new(cfg: PersistentCnnConfig, vb: VarBuilder) -> Result<Self> {
        cfg.check()?;
        let kind = Kind::of(&vb);
        cfg.footprint(cfg.min_frames())
            .check_model("Persistent CNN", kind.dtype)?;
        let early = vb.pp("early");
        let early_weight = early.get_with_hints(
            (cfg.early_filters, 1, cfg.early_frames, cfg.mels),
            "weight",
            candle_nn::init::DEFAULT_KAIMING_NORMAL,
        )?;
        let early_bias = early.get_with_hints(cfg.early_filters, "bias", Init::Const(0.0))?;
        let conv = if cfg.branches.has_conv() {
            Some(SameConv::new(
                1,
                cfg.early_filters,
                cfg.conv_channels,
                1,
                vb.pp("conv"),
            )?)
        } else {
            None
        };
        let landscape = if cfg.branches.has_persistence() {
            Some(landscape_layer(cfg.num_landscapes)?)
        } else {
            None
        };
        let mut width = cfg.features();
        let mut late = Vec::with_capacity(cfg.late_channels.len());
        for (i, &c) in cfg.late_channels.iter().enumerate() {
            let drop = SeededDropout::new(cfg.dropout, cfg.dropout_seed.wrapping_add(i as u64))?;
            late.push((
                drop,
                SameConv::new(1, width, c, 1, vb.pp(format!("late{i}")))?,
            ));
            width = c;
        }
        let out_seed = cfg
            .dropout_seed
            .wrapping_add(cfg.late_channels.len() as u64);
        let out_dropout = SeededDropout::new(cfg.dropout, out_seed)?;
        let out = SameConv::new(1, width, cfg.num_tags, 1, vb.pp("out"))?;
        Ok(Self {
            cfg,
            kind,
            early_weight,
            early_bias,
            conv,
            landscape,
            late,
            out_dropout,
            out,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &PersistentCnnConfig {
        &self.cfg
    }

    /// Tag probabilities `(batch, tags)` of `x`, `(batch, 1, frames,
    /// mels)`, differentiable: the sigmoid outputs of each time step,
    /// averaged over time. `train` turns dropout on.
    ///
    /// # Errors
    /// [`Error::Shape`] for an input not `(batch >= 1, 1, frames, mels)`,
    /// or with fewer frames than [`PersistentCnnConfig::min_frames`]
    /// (branch P: too short for one landscape segment after the early
    /// pool; the message says so); [`Error::Incompatible`] for another
    /// dtype or device than the model's; [`Error::TooLarge`] when the
    /// batch's activations are over [`tda_persistence::memory::limit`];
    /// [`Error::NonFinite`] from the landscape layer when the curves hold
    /// NaN or infinite values. Values are not otherwise checked
    /// ([`PersistentCnn::infer`] checks them).
    pub fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        Ok(self.step_probabilities_t(x, train)?.mean(2)?)
    }

    /// Tag probabilities of each output time step, `(batch, tags, steps)`
    /// with `steps` = [`PersistentCnnConfig::output_steps`] (the sigmoid
    /// outputs [`PersistentCnn::forward_t`] averages), differentiable.
    ///
    /// # Errors
    /// As [`PersistentCnn::forward_t`].
    pub fn step_probabilities_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.check_input(x)?;
        let curves = self.early(x)?;
        let mut parts = Vec::with_capacity(2);
        if let Some(conv) = &self.conv {
            // ReLU after the pool: they commute (ReLU is monotonic), and
            // the ReLU's passes run on `conv_pool` times fewer values.
            let c = max_pool_ceil(&conv.forward(&curves)?, 2, self.cfg.conv_pool)?;
            parts.push(c.relu()?);
        }
        if let Some(landscape) = &self.landscape {
            let p = landscape.forward(&curves)?;
            let (b, channels, segments, k, samples) = p.dims5()?;
            // (b, c, s, k, n) -> (b, c * k * n, s): the authors' flattening
            // (channel-major features per segment).
            let p = p
                .permute((0, 1, 3, 4, 2))?
                .reshape((b, channels * k * samples, segments))?;
            parts.push(p);
        }
        let steps = parts
            .iter()
            .map(|p| p.dim(2))
            .collect::<candle_core::Result<Vec<_>>>()?
            .into_iter()
            .min()
            .unwrap_or(0);
        let parts = parts
            .iter()
            .map(|p| p.narrow(2, 0, steps))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let mut z = Tensor::cat(&parts, 1)?;
        for (drop, conv) in &self.late {
            z = conv.forward(&drop.forward_t(&z, train)?)?.relu()?;
        }
        let logits = self.out.forward(&self.out_dropout.forward_t(&z, train)?)?;
        Ok(candle_nn::ops::sigmoid(&logits)?)
    }

    /// The activation curves both branches read: the early convolution,
    /// ReLU and pool of `x`, `(batch, early_filters, steps)` (the landscape
    /// branch's input), differentiable.
    ///
    /// # Errors
    /// As [`PersistentCnn::forward_t`].
    pub fn activation_curves(&self, x: &Tensor) -> Result<Tensor> {
        self.check_input(x)?;
        self.early(x)
    }

    /// Tag probabilities of `x` in inference mode (no dropout), detached
    /// from the autograd graph.
    ///
    /// # Errors
    /// As [`PersistentCnn::forward_t`], and [`Error::NonFinite`] naming
    /// the first NaN or infinite input value (`x`), or output (`output`).
    pub fn infer(&self, x: &Tensor) -> Result<Tensor> {
        self.check_input(x)?;
        check_finite(x, "x")?;
        finite_output(self.forward_t(x, false)?.detach())
    }

    /// The early convolution, ReLU and pool: `(batch, 1, frames, mels)` to
    /// the curves `(batch, early_filters, ceil(frames / early_pool))`. The
    /// convolution is one matrix product over the stacked shifted views of
    /// the zero-padded input (as [`SameConv`]; candle's convolutions are
    /// slow backward).
    fn early(&self, x: &Tensor) -> Result<Tensor> {
        let (batch, _, frames, mels) = x.dims4()?;
        let (filters, width) = (self.cfg.early_filters, self.cfg.early_frames);
        let before = width / 2;
        let padded = x
            .squeeze(1)?
            .pad_with_zeros(1, before, width - 1 - before)?;
        let views = (0..width)
            .map(|t| padded.narrow(1, t, frames))
            .collect::<candle_core::Result<Vec<_>>>()?;
        // (batch, frames, width * mels), taps in the kernel's order.
        let cols = Tensor::cat(&views, 2)?.reshape((batch * frames, width * mels))?;
        let w = self.early_weight.reshape((filters, width * mels))?;
        let y = cols
            .matmul(&w.t()?)?
            .broadcast_add(&self.early_bias)?
            .reshape((batch, frames, filters))?
            .transpose(1, 2)?
            .contiguous()?;
        // ReLU after the pool, which it commutes with (see `forward_t`).
        Ok(max_pool_ceil(&y, 2, self.cfg.early_pool)?.relu()?)
    }

    /// The shape, dtype, device and batch-size checks of `x`.
    fn check_input(&self, x: &Tensor) -> Result<()> {
        let dims = x.dims();
        let mels = self.cfg.mels;
        if dims.len() != 4 || dims[0] == 0 || dims[1] != 1 || dims[3] != mels || dims[2] == 0 {
            return Err(Error::Shape {
                name: "x",
                expected: format!("(batch >= 1, 1, frames, {mels} mel bins)"),
                got: dims.to_vec(),
            });
        }
        let min = self.cfg.min_frames();
        if dims[2] < min {
            return Err(Error::Shape {
                name: "x",
                expected: format!(
                    "(batch, 1, frames >= {min}, {mels}): fewer frames are too short for one \
                     landscape segment of {} steps after the early max-pool of {}",
                    PersistentCnnConfig::LANDSCAPE_SEGMENT,
                    self.cfg.early_pool
                ),
                got: dims.to_vec(),
            });
        }
        crate::validate::check_input(&self.kind, x, "x", &dims[1..], "(1, frames, mels)")?;
        self.cfg.footprint(dims[2]).check_batch(
            "Persistent CNN forward pass",
            self.kind.dtype,
            dims[0],
        )
    }
}

/// The paper's landscape layer with `k` landscapes
/// ([`LandscapeConfig::default`]: superlevel H0 of segments of
/// [`PersistentCnnConfig::LANDSCAPE_SEGMENT`] steps,
/// [`PersistentCnnConfig::LANDSCAPE_SAMPLES`] samples; a test keeps the
/// two in step).
fn landscape_layer(k: usize) -> Result<LandscapeLayer> {
    LandscapeLayer::new(LandscapeConfig {
        num_landscapes: k,
        ..Default::default()
    })
}

impl ModuleT for PersistentCnn {
    fn forward_t(&self, xs: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        Ok(PersistentCnn::forward_t(self, xs, train)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};
    use candle_nn::VarMap;

    /// The model's landscape constants are the layer's defaults.
    #[test]
    fn landscape_constants_are_the_layer_defaults() {
        let cfg = LandscapeConfig::default();
        assert_eq!(
            cfg.diagram.segment,
            Some(PersistentCnnConfig::LANDSCAPE_SEGMENT)
        );
        assert_eq!(cfg.samples.len(), PersistentCnnConfig::LANDSCAPE_SAMPLES);
    }

    /// The early convolution is the authors' `strictsamex` correlation
    /// (padding `width / 2` before, the rest after), checked against
    /// candle's `conv2d` of the padded input, then ReLU and the ceil pool.
    #[test]
    fn early_convolution_pads_as_the_authors() -> Result<()> {
        let dev = Device::Cpu;
        for (width, pool, frames) in [(8, 4, 130), (3, 2, 127), (1, 3, 125)] {
            let cfg = PersistentCnnConfig {
                mels: 5,
                early_filters: 3,
                early_frames: width,
                early_pool: pool,
                conv_channels: 4,
                num_landscapes: 1,
                late_channels: vec![4],
                num_tags: 2,
                ..PersistentCnnConfig::default()
            };
            let vars = VarMap::new();
            let net = PersistentCnn::new(cfg, VarBuilder::from_varmap(&vars, DType::F32, &dev))?;
            crate::init_keras(&vars, 3)?;
            // A non-zero bias, so that padding mistakes show.
            vars.data().lock().expect("variables")["early.bias"]
                .set(&Tensor::new(&[0.3f32, -0.2, 0.1], &dev)?)?;
            let x = Tensor::randn(0f32, 1.0, (2, 1, frames, 5), &dev)?;
            let got = net.early(&x)?;
            let before = width / 2;
            let padded = x.pad_with_zeros(2, before, width - 1 - before)?;
            let direct = padded
                .conv2d(&net.early_weight, 0, 1, 1, 1)?
                .squeeze(3)?
                .broadcast_add(&net.early_bias.reshape((3, 1))?)?
                .relu()?;
            assert_eq!(direct.dims(), &[2, 3, frames]);
            let want = max_pool_ceil(&direct, 2, pool)?;
            assert_eq!(got.dims(), &[2, 3, frames.div_ceil(pool)]);
            let diff = (got - want)?
                .abs()?
                .flatten_all()?
                .max(0)?
                .to_scalar::<f32>()?;
            assert!(diff < 1e-4, "width {width}: {diff}");
        }
        Ok(())
    }
}
