//! The Persistent CNN's landscape layer (Liu, Jeng & Yang 2016): persistence
//! landscapes of the 0-dimensional persistence of each segment of each
//! curve, differentiable through the critical values.
//!
//! candle has no persistence: the diagrams, their critical indices and the
//! choice of the `k` largest tents per sample are computed on the host
//! (rayon over the curves) and are constants of the graph; the birth and
//! death values are then gathered from the input tensor (`index_select`)
//! and the selected tents written in tensor ops, so gradients reach the
//! input through the critical values only.

use candle_core::{Module, Tensor};
use rayon::prelude::*;
use tda_persistence::sublevel::{h0_superlevel_with_critical, h0_with_critical};
use tda_persistence::{memory, CriticalPair};

use super::curves::{curve_dims, finite_host_copy, index_tensor};
use crate::error::{Error, Result};

/// Which filtration of each segment the diagram is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filtration {
    /// Sublevel sets: local minima are born, pairs have `birth <= death`.
    Sublevel,
    /// Superlevel sets (the Persistent CNN's): local maxima are born,
    /// pairs have `birth >= death`.
    #[default]
    Superlevel,
}

/// What becomes of each segment's essential class (infinite death).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EssentialPolicy {
    /// Dropped.
    Drop,
    /// Replaced by the finite pair (segment max, segment min) for
    /// superlevel, (segment min, segment max) for sublevel (the Persistent
    /// CNN's): its critical indices are the segment's first argmax and
    /// argmin.
    #[default]
    SegmentRange,
}

/// Configuration of a [`LandscapeLayer`]; the defaults are the Persistent
/// CNN's.
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeConfig {
    /// Filtration of each segment (default [`Filtration::Superlevel`]).
    pub filtration: Filtration,
    /// Length of the non-overlapping segments (default 32).
    pub segment: usize,
    /// Number `k` of landscape functions (default 5).
    pub num_landscapes: usize,
    /// Sample positions `t`, finite and strictly increasing (default
    /// `0, 0.5, ..., 4.5`).
    pub samples: Vec<f64>,
    /// Pairs with persistence `|death - birth| <= min_persistence` are
    /// dropped (default 0: zero-persistence pairs only).
    pub min_persistence: f64,
    /// Essential-class policy (default [`EssentialPolicy::SegmentRange`]).
    pub essential: EssentialPolicy,
}

impl Default for LandscapeConfig {
    fn default() -> Self {
        Self {
            filtration: Filtration::Superlevel,
            segment: 32,
            num_landscapes: 5,
            samples: (0..10).map(|i| 0.5 * f64::from(i)).collect(),
            min_persistence: 0.0,
            essential: EssentialPolicy::SegmentRange,
        }
    }
}

/// Persistence landscapes of every segment of every curve, as a layer
/// without weights.
///
/// Input `(batch, channels, length)` of a floating dtype on any device;
/// each curve is cut into `segments = length / segment` non-overlapping
/// segments (the tail is dropped). Each segment's 0-dimensional diagram
/// (see [`LandscapeConfig`]) gives, per pair read as the interval
/// `[lo, hi] = [min(b, d), max(b, d)]`, the tent `max(0, min(t - lo, hi -
/// t))`; `lambda_j(t)` is the `j`-th largest tent at sample `t` (0 where
/// fewer pairs are positive), exactly
/// [`tda_vectorize::Landscape`]'s values on the same diagram.
///
/// Output `(batch, channels, segments, k, samples)`, in the input's dtype
/// and device: `out[b, c, s, j, i]` is `lambda_{j+1}(samples[i])` of
/// segment `s` of curve `(b, c)`. The Persistent CNN reads the `k x
/// samples` values of each curve as its features at time step `s` (merge
/// the channel and landscape dimensions after moving `segments` last).
///
/// Gradients: which pair fills each slot is chosen on the host (a
/// constant), its values are gathered from the input, so the gradient of
/// a slot reaches the input at the birth and death indices of its pair;
/// empty slots are masked and have zero gradient.
///
/// ```
/// use candle_core::{DType, Device, Module, Tensor};
/// use tda_nn::layers::{LandscapeConfig, LandscapeLayer};
/// let layer = LandscapeLayer::new(LandscapeConfig::default()).unwrap();
/// let x = Tensor::zeros((2, 3, 70), DType::F32, &Device::Cpu).unwrap();
/// assert_eq!(x.apply(&layer).unwrap().dims(), &[2, 3, 2, 5, 10]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeLayer {
    cfg: LandscapeConfig,
}

/// One curve's selection: for each (segment, landscape, sample) slot the
/// flat input indices of its interval's ends, and whether it is filled.
struct Selection {
    lo: Vec<usize>,
    hi: Vec<usize>,
    mask: Vec<f64>,
}

impl LandscapeLayer {
    /// Checks the configuration.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the field: `segment` or
    /// `num_landscapes` 0, `samples` empty, not finite or not strictly
    /// increasing, `min_persistence` negative or NaN.
    pub fn new(cfg: LandscapeConfig) -> Result<Self> {
        let invalid = |name: &'static str, value: String, reason: &'static str| {
            Err(Error::InvalidConfig {
                name,
                value,
                reason,
            })
        };
        if cfg.segment == 0 {
            return invalid("segment", "0".into(), "segments must hold a value");
        }
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

    /// The landscapes of every segment (differentiable); see the type's
    /// documentation for the layout.
    ///
    /// # Errors
    /// [`Error::Shape`] for an input not of rank 3 or shorter than one
    /// segment; [`Error::Incompatible`] for an integer dtype;
    /// [`Error::NonFinite`] naming `[batch, channel, index]` of the first
    /// NaN or infinite value; [`Error::TooLarge`] when the host copy, the
    /// indices or the output are over [`tda_persistence::memory::limit`];
    /// [`Error::Candle`] from the tensor operations.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (batch, channels, length) = curve_dims(x)?;
        let seg = self.cfg.segment;
        if length < seg {
            return Err(Error::Shape {
                name: "x",
                expected: format!("(batch, channels, length >= segment = {seg})"),
                got: x.dims().to_vec(),
            });
        }
        let segments = length / seg;
        let (k, n) = (self.cfg.num_landscapes, self.cfg.samples.len());
        let rows = batch * channels;
        let out_dims = [batch, channels, segments, k, n];
        // Host: the input copy; per output element two indices and a mask
        // (24 bytes); device: gathered ends, mask, differences and the
        // result (8 tensors of the output's size at f64).
        memory::check(
            "landscape layer",
            memory::sum(&[
                memory::bytes_of::<f64>(&[rows, length]),
                memory::bytes_of::<[u8; 24]>(&out_dims),
                memory::bytes_of::<[f64; 8]>(&out_dims),
            ]),
        )?;
        let flat = x.flatten_all()?;
        if rows == 0 {
            return Ok(Tensor::zeros(&out_dims, x.dtype(), x.device())?);
        }
        let host = finite_host_copy(&flat, channels, length)?;
        let per_row: Vec<Selection> = host
            .par_chunks(length)
            .enumerate()
            .map(|(r, row)| self.select(row, r * length, segments))
            .collect::<Result<_>>()?;
        let total = rows * segments * k * n;
        let (mut lo, mut hi, mut mask) = (
            Vec::with_capacity(total),
            Vec::with_capacity(total),
            Vec::with_capacity(total),
        );
        for s in per_row {
            lo.extend(s.lo);
            hi.extend(s.hi);
            mask.extend(s.mask);
        }
        let dev = x.device();
        let index = |v: Vec<usize>| index_tensor(v, host.len(), dev);
        let lo = flat.index_select(&index(lo)?, 0)?.reshape(&out_dims)?;
        let hi = flat.index_select(&index(hi)?, 0)?.reshape(&out_dims)?;
        let mask = Tensor::from_vec(mask, &out_dims, dev)?.to_dtype(x.dtype())?;
        let t = Tensor::from_slice(&self.cfg.samples, n, dev)?.to_dtype(x.dtype())?;
        let rise = t.broadcast_sub(&lo)?;
        let fall = hi.broadcast_sub(&t)?;
        Ok(rise.minimum(&fall)?.relu()?.mul(&mask)?)
    }

    /// The (lo, hi) flat input indices of each segment's kept intervals.
    fn intervals(&self, seg: &[f64], offset: usize) -> Result<Vec<(usize, usize)>> {
        let superlevel = self.cfg.filtration == Filtration::Superlevel;
        let (_, crit): (_, Vec<CriticalPair>) = if superlevel {
            h0_superlevel_with_critical(seg)?
        } else {
            h0_with_critical(seg)?
        };
        let first = |better: fn(f64, f64) -> bool| {
            (1..seg.len()).fold(0, |m, i| if better(seg[i], seg[m]) { i } else { m })
        };
        let mut out = Vec::with_capacity(crit.len());
        for c in crit {
            let (birth, death) = match c.death_index {
                Some(d) => (c.birth_index, d),
                None => match self.cfg.essential {
                    EssentialPolicy::Drop => continue,
                    EssentialPolicy::SegmentRange if superlevel => {
                        (c.birth_index, first(|a, b| a < b))
                    }
                    EssentialPolicy::SegmentRange => (c.birth_index, first(|a, b| a > b)),
                },
            };
            let (lo, hi) = if seg[birth] <= seg[death] {
                (birth, death)
            } else {
                (death, birth)
            };
            if seg[hi] - seg[lo] > self.cfg.min_persistence {
                out.push((offset + lo, offset + hi));
            }
        }
        Ok(out)
    }

    /// The `k` largest tents of every sample of every segment of one curve
    /// (`row`, whose first value is at flat index `offset`).
    fn select(&self, row: &[f64], offset: usize, segments: usize) -> Result<Selection> {
        let (seg, k, n) = (
            self.cfg.segment,
            self.cfg.num_landscapes,
            self.cfg.samples.len(),
        );
        let len = segments * k * n;
        let mut sel = Selection {
            lo: vec![offset; len],
            hi: vec![offset; len],
            mask: vec![0.0; len],
        };
        let value = |i: usize| row[i - offset];
        // Per slot of one sample: (tent, lo, hi), descending.
        let mut top: Vec<(f64, usize, usize)> = Vec::with_capacity(k);
        for s in 0..segments {
            let pairs = self.intervals(&row[s * seg..(s + 1) * seg], offset + s * seg)?;
            for (i, &t) in self.cfg.samples.iter().enumerate() {
                top.clear();
                for &(lo, hi) in &pairs {
                    let v = (t - value(lo)).min(value(hi) - t);
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
                    sel.mask[o] = 1.0;
                }
            }
        }
        Ok(sel)
    }
}

impl Module for LandscapeLayer {
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        Ok(LandscapeLayer::forward(self, xs)?)
    }
}
