//! The Persistent CNN's landscape layer (Liu, Jeng & Yang 2016): persistence
//! landscapes of the diagram of each curve, segment of a curve or image,
//! differentiable through the critical values.
//!
//! candle has no persistence: the diagrams, their critical indices and the
//! choice of the `k` largest tents per sample are computed on the host
//! (rayon over the curves or images, `selection.rs`) and are constants of
//! the graph, so gradients reach the input through the critical values
//! only. On CPU tensors of `f32` and `f64` one fused kernel does all of it
//! and writes the output directly (`fused.rs`); elsewhere the birth and
//! death values are gathered from the input tensor (`index_select`) and
//! the selected tents written in tensor ops.

use candle_core::{Module, Tensor};
use tda_persistence::memory;

use super::diagrams::{DiagramConfig, Units};
use super::fused::{self, Landscapes};
use super::input::{check_finite, finite_host_copy, index_tensor};
use super::selection::{decode, pick_rows, MAX_ROW};
use crate::error::{Error, Result};

/// Configuration of a [`LandscapeLayer`]; the defaults are the Persistent
/// CNN's.
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeConfig {
    /// Which diagrams (default [`DiagramConfig::persistent_cnn`]:
    /// superlevel H0 of segments of 32, the essential class replaced by the
    /// segment's range).
    pub diagram: DiagramConfig,
    /// Number `k` of landscape functions (default 5).
    pub num_landscapes: usize,
    /// Sample positions `t`, finite and strictly increasing (default
    /// `0, 0.5, ..., 4.5`).
    pub samples: Vec<f64>,
    /// Pairs with persistence `|death - birth| <= min_persistence` are
    /// dropped (default 0: zero-persistence pairs only).
    pub min_persistence: f64,
}

impl Default for LandscapeConfig {
    fn default() -> Self {
        Self {
            diagram: DiagramConfig::persistent_cnn(),
            num_landscapes: 5,
            samples: (0..10).map(|i| 0.5 * f64::from(i)).collect(),
            min_persistence: 0.0,
        }
    }
}

/// Persistence landscapes of every curve, segment or image, as a layer
/// without weights.
///
/// Input `(batch, channels, length)` curves or `(batch, channels, height,
/// width)` images of a floating dtype on any device; each curve, each
/// `segment`-long piece of a curve or each image gives a diagram as its
/// [`DiagramConfig`] says. Each pair, read as the interval `[lo, hi] =
/// [min(b, d), max(b, d)]`, gives the tent `max(0, min(t - lo, hi - t))`;
/// `lambda_j(t)` is the `j`-th largest tent at sample `t` (0 where fewer
/// pairs are positive), exactly [`tda_vectorize::Landscape`]'s values on
/// the same diagram.
///
/// Output `(batch, channels, [segments,] k, samples)`, in the input's
/// dtype and device (the `segments` axis for segmented curves only):
/// `out[b, c, s, j, i]` is `lambda_{j+1}(samples[i])` of segment `s` of
/// curve `(b, c)`. The Persistent CNN reads the `k x samples` values of
/// each curve as its features at time step `s` (merge the channel and
/// landscape dimensions after moving `segments` last).
///
/// Gradients: which pair fills each slot, and which of its ends the
/// slot's value is on (`t - lo` or `hi - t`, the smaller), is chosen on the
/// host (a constant), so the gradient of a slot reaches the input at that
/// end only, with sign `-1` or `+1`; empty slots have zero gradient.
///
/// ```
/// use candle_core::{DType, Device, Module, Tensor};
/// use tda_nn::layers::{DiagramConfig, LandscapeConfig, LandscapeLayer};
/// // The Persistent CNN's: segments of 32 steps.
/// let layer = LandscapeLayer::new(LandscapeConfig::default()).unwrap();
/// let x = Tensor::zeros((2, 3, 70), DType::F32, &Device::Cpu).unwrap();
/// assert_eq!(x.apply(&layer).unwrap().dims(), &[2, 3, 2, 5, 10]);
/// // Holes (H1) of images.
/// let diagram = DiagramConfig { dimension: 1, ..DiagramConfig::default() };
/// let layer = LandscapeLayer::new(LandscapeConfig { diagram, ..LandscapeConfig::default() }).unwrap();
/// let x = Tensor::zeros((2, 3, 8, 8), DType::F32, &Device::Cpu).unwrap();
/// assert_eq!(x.apply(&layer).unwrap().dims(), &[2, 3, 5, 10]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeLayer {
    cfg: LandscapeConfig,
}

impl LandscapeLayer {
    /// Checks the configuration.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the field: `segment` `Some(0)` or
    /// `dimension` above 1 in the diagram, `num_landscapes` 0, `samples`
    /// empty, not finite or not strictly increasing, `min_persistence`
    /// negative or NaN.
    pub fn new(cfg: LandscapeConfig) -> Result<Self> {
        let invalid = |name: &'static str, value: String, reason: &'static str| {
            Err(Error::InvalidConfig {
                name,
                value,
                reason,
            })
        };
        cfg.diagram.validate()?;
        if cfg.num_landscapes == 0 {
            return invalid("num_landscapes", "0".into(), "at least one landscape");
        }
        if cfg.samples.is_empty() {
            return invalid("samples", "[]".into(), "at least one sample");
        }
        if let Some(t) = cfg.samples.iter().find(|t| !t.is_finite()) {
            return invalid("samples", t.to_string(), "samples must be finite");
        }
        if let Some(w) = cfg.samples.windows(2).find(|w| w[0] >= w[1]) {
            return invalid(
                "samples",
                format!("[.., {}, {}, ..]", w[0], w[1]),
                "samples must be strictly increasing",
            );
        }
        if cfg.min_persistence.is_nan() || cfg.min_persistence < 0.0 {
            return invalid(
                "min_persistence",
                cfg.min_persistence.to_string(),
                "must be a number >= 0",
            );
        }
        Ok(Self { cfg })
    }

    /// The configuration.
    pub fn config(&self) -> &LandscapeConfig {
        &self.cfg
    }

    /// The landscapes of every curve, segment or image (differentiable);
    /// see the type's documentation for the layout.
    ///
    /// # Errors
    /// [`Error::Shape`] for an input not of rank 3 or 4, or curves shorter
    /// than one segment; [`Error::Incompatible`] for an integer dtype, a
    /// diagram configuration the input cannot have (segments of images,
    /// dimension 1 of curves) or curves or images of `2^30` values or
    /// more; [`Error::NonFinite`] naming the index of the
    /// first NaN or infinite value; [`Error::TooLarge`] when the host copy,
    /// the indices or the output are over
    /// [`tda_persistence::memory::limit`]; [`Error::Candle`] from the
    /// tensor operations.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.forward_with(x, fused::applies_to(x))
    }

    /// [`Self::forward`] with the fused CPU kernel (`fused`, where it
    /// applies) or candle's generic ops.
    pub(crate) fn forward_with(&self, x: &Tensor, fused: bool) -> Result<Tensor> {
        let units = Units::of(x, &self.cfg.diagram)?;
        let (k, n) = (self.cfg.num_landscapes, self.cfg.samples.len());
        let out_dims = units.out_dims(&[k, n]);
        // Host: the input copy; per output element its pick (32 bytes) and
        // two indices, a mask or a gradient slot (24 bytes); device:
        // gathered ends, mask, differences and the result (8 tensors of the
        // output's size at f64; the fused CPU kernel needs less).
        memory::check(
            "landscape layer",
            memory::sum(&[
                memory::bytes_of::<f64>(&[units.rows, units.row_len]),
                memory::bytes_of::<[u8; 56]>(&out_dims),
                memory::bytes_of::<[f64; 8]>(&out_dims),
            ]),
        )?;
        let flat = x.flatten_all()?;
        if units.count() == 0 || units.elements() == 0 {
            return Ok(Tensor::zeros(out_dims, x.dtype(), x.device())?);
        }
        let cfg = &self.cfg;
        if units.row_len > MAX_ROW {
            return Err(Error::Incompatible {
                name: "x",
                expected: format!("curves or images of at most {MAX_ROW} values"),
                got: format!("{:?}", units.dims),
            });
        }
        if fused && fused::applies_to(x) {
            check_finite(&flat, &units.dims)?;
            let kernel = Landscapes::new(
                units,
                cfg.diagram.clone(),
                cfg.min_persistence,
                cfg.samples.clone(),
                k,
            );
            return Ok(flat.apply_op1(kernel)?.reshape(out_dims)?);
        }
        let host = finite_host_copy(&flat, &units.dims)?;
        let (slots, _) = pick_rows(
            &host,
            &units,
            &cfg.diagram,
            cfg.min_persistence,
            &cfg.samples,
            k,
        )?;
        self.gathered(&flat, &slots, &units, &out_dims)
    }

    /// Other devices and dtypes: the picked tents of `flat` (the input
    /// flattened) in candle's ops, as the fused kernel computes them: slot
    /// `o` at sample `t` is `sign * (x[index] - t)` with its code's input
    /// index and sign (`index_select`, then elementwise); empty slots
    /// gather their row's first value with sign 0.
    ///
    /// # Errors
    /// [`Error::Candle`] from the tensor operations.
    fn gathered(
        &self,
        flat: &Tensor,
        slots: &[u32],
        units: &Units,
        out_dims: &[usize],
    ) -> Result<Tensor> {
        let dev = flat.device();
        let per_row = slots.len() / units.rows.max(1);
        let (mut index, mut sign) = (
            Vec::with_capacity(slots.len()),
            Vec::with_capacity(slots.len()),
        );
        for (o, &slot) in slots.iter().enumerate() {
            let (at, s) = decode(slot);
            index.push(o / per_row * units.row_len + at);
            sign.push(s);
        }
        let index = index_tensor(index, units.elements(), dev)?;
        let ends = flat.index_select(&index, 0)?.reshape(out_dims)?;
        let sign = Tensor::from_vec(sign, out_dims, dev)?.to_dtype(flat.dtype())?;
        let samples = &self.cfg.samples;
        let t = Tensor::from_slice(samples, samples.len(), dev)?.to_dtype(flat.dtype())?;
        Ok(ends.broadcast_sub(&t)?.mul(&sign)?)
    }
}

impl Module for LandscapeLayer {
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        Ok(LandscapeLayer::forward(self, xs)?)
    }
}
