//! The Persistent CNN's landscape layer (Liu, Jeng & Yang 2016): persistence
//! landscapes of the diagram of each curve, segment of a curve or image,
//! differentiable through the critical values.
//!
//! candle has no persistence: the diagrams, their critical indices and the
//! choice of the `k` largest tents per sample are computed on the host
//! (rayon over the curves or images) and are constants of the graph; the birth and
//! death values are then gathered from the input tensor (`index_select`)
//! and the selected tents written in tensor ops, so gradients reach the
//! input through the critical values only.

use candle_core::{Module, Tensor};
use tda_persistence::memory;

use super::diagrams::{map_rows, DiagramConfig, Units};
use super::fused::{self, Tents, EMPTY};
use super::input::{finite_host_copy, index_tensor};
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
/// Gradients: which pair fills each slot is chosen on the host (a
/// constant), its values are gathered from the input, so the gradient of
/// a slot reaches the input at the birth and death indices of its pair;
/// empty slots are masked and have zero gradient.
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

/// One row's selection: for each (unit, landscape, sample) slot the
/// flat input indices of its interval's ends ([`EMPTY`] for none).
struct Selection {
    lo: Vec<usize>,
    hi: Vec<usize>,
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
    /// than one segment; [`Error::Incompatible`] for an integer dtype, or
    /// a diagram configuration the input cannot have (segments of images,
    /// dimension 1 of curves); [`Error::NonFinite`] naming the index of the
    /// first NaN or infinite value; [`Error::TooLarge`] when the host copy,
    /// the indices or the output are over
    /// [`tda_persistence::memory::limit`]; [`Error::Candle`] from the
    /// tensor operations.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.forward_with(x, fused::applies_to(x))
    }

    /// [`Self::forward`] with the fused CPU kernels (`fused`, where they
    /// apply) or candle's generic ops.
    pub(crate) fn forward_with(&self, x: &Tensor, fused: bool) -> Result<Tensor> {
        let units = Units::of(x, &self.cfg.diagram)?;
        let (k, n) = (self.cfg.num_landscapes, self.cfg.samples.len());
        let out_dims = units.out_dims(&[k, n]);
        // Host: the input copy; per output element two indices and a mask
        // (24 bytes); device: gathered ends, mask, differences and the
        // result (8 tensors of the output's size at f64; the fused CPU
        // kernel needs less).
        memory::check(
            "landscape layer",
            memory::sum(&[
                memory::bytes_of::<f64>(&[units.rows, units.row_len]),
                memory::bytes_of::<[u8; 24]>(&out_dims),
                memory::bytes_of::<[f64; 8]>(&out_dims),
            ]),
        )?;
        let flat = x.flatten_all()?;
        if units.count() == 0 || units.elements() == 0 {
            return Ok(Tensor::zeros(out_dims, x.dtype(), x.device())?);
        }
        let host = finite_host_copy(&flat, &units.dims)?;
        let (diagram, min_persistence) = (&self.cfg.diagram, self.cfg.min_persistence);
        let per_row = map_rows(&host, &units, diagram, min_persistence, |u| {
            self.select(&host, u)
        })?;
        let total = units.count() * k * n;
        let (mut lo, mut hi) = (Vec::with_capacity(total), Vec::with_capacity(total));
        for s in per_row {
            lo.extend(s.lo);
            hi.extend(s.hi);
        }
        let samples = self.cfg.samples.clone();
        if fused && fused::applies_to(x) {
            let tents = flat.apply_op1(Tents { lo, hi, samples })?;
            return Ok(tents.reshape(out_dims)?);
        }
        // Other devices and dtypes: gathers and elementwise ops; empty
        // slots gather index 0 and are masked.
        let dev = x.device();
        let mask: Vec<f64> = lo
            .iter()
            .map(|&i| f64::from(u8::from(i != EMPTY)))
            .collect();
        let valid = |v: Vec<usize>| -> Vec<usize> {
            v.into_iter()
                .map(|i| if i == EMPTY { 0 } else { i })
                .collect()
        };
        let index = |v: Vec<usize>| index_tensor(valid(v), host.len(), dev);
        let lo = flat
            .index_select(&index(lo)?, 0)?
            .reshape(out_dims.as_slice())?;
        let hi = flat
            .index_select(&index(hi)?, 0)?
            .reshape(out_dims.as_slice())?;
        let mask = Tensor::from_vec(mask, out_dims.as_slice(), dev)?.to_dtype(x.dtype())?;
        let t = Tensor::from_vec(samples, n, dev)?.to_dtype(x.dtype())?;
        let rise = t.broadcast_sub(&lo)?;
        let fall = hi.broadcast_sub(&t)?;
        Ok(rise.minimum(&fall)?.relu()?.mul(&mask)?)
    }

    /// The `k` largest tents at every sample of each unit of one row,
    /// from the units' `(birth, death)` pairs (flat indices into `host`).
    fn select(&self, host: &[f64], units: Vec<Vec<(usize, usize)>>) -> Selection {
        let (k, n) = (self.cfg.num_landscapes, self.cfg.samples.len());
        let len = units.len() * k * n;
        let mut sel = Selection {
            lo: vec![EMPTY; len],
            hi: vec![EMPTY; len],
        };
        // Each unit's intervals as (lo value, hi value, lo index, hi index),
        // read once; per sample, the k largest tents (tent, lo, hi),
        // descending.
        let mut intervals: Vec<(f64, f64, usize, usize)> = Vec::new();
        let mut top: Vec<(f64, usize, usize)> = Vec::with_capacity(k);
        for (s, pairs) in units.iter().enumerate() {
            intervals.clear();
            intervals.extend(pairs.iter().map(|&(b, d)| {
                let (vb, vd) = (host[b], host[d]);
                if vb <= vd {
                    (vb, vd, b, d)
                } else {
                    (vd, vb, d, b)
                }
            }));
            for (i, &t) in self.cfg.samples.iter().enumerate() {
                top.clear();
                for &(lo_value, hi_value, lo, hi) in &intervals {
                    let v = (t - lo_value).min(hi_value - t);
                    if v <= 0.0 || (top.len() == k && v <= top[k - 1].0) {
                        continue;
                    }
                    let at = top.iter().position(|e| e.0 < v).unwrap_or(top.len());
                    if top.len() == k {
                        top.pop();
                    }
                    top.insert(at, (v, lo, hi));
                }
                for (j, &(_, lo, hi)) in top.iter().enumerate() {
                    let o = (s * k + j) * n + i;
                    sel.lo[o] = lo;
                    sel.hi[o] = hi;
                }
            }
        }
        sel
    }
}

impl Module for LandscapeLayer {
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        Ok(LandscapeLayer::forward(self, xs)?)
    }
}
