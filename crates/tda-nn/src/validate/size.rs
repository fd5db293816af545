//! Memory estimates of the models, checked against
//! [`tda_persistence::memory::limit`] before candle allocates.
//!
//! A model's configuration decides how much it allocates: its parameters
//! when it is built, and its activations (which autograd keeps alive until
//! the output is dropped) for each sample of a forward pass. Every model
//! computes both here, in element counts with checked arithmetic, and
//! refuses with [`crate::Error::TooLarge`] a configuration that cannot run
//! one sample within the limit (in `new`) and a batch that cannot run (in
//! the forward pass). The activation counts are estimates (each layer's
//! outputs and its large temporaries, a few tensors per layer), not exact
//! byte counts.

use std::ops::{Add, Mul};

use candle_core::DType;
use tda_persistence::memory;

use crate::error::Result;

/// An element count in checked arithmetic: `None` once anything
/// overflowed 64 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Count(pub(crate) Option<u64>);

impl Count {
    /// Zero elements.
    pub(crate) const ZERO: Count = Count(Some(0));

    /// The product of `dims`.
    pub(crate) fn of(dims: &[usize]) -> Count {
        Count(
            dims.iter()
                .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64)),
        )
    }

    /// `base^exp`.
    pub(crate) fn pow(base: usize, exp: usize) -> Count {
        Count(
            u32::try_from(exp)
                .ok()
                .and_then(|e| (base as u64).checked_pow(e)),
        )
    }

    /// The count as a `usize`, if it is one.
    pub(crate) fn to_usize(self) -> Option<usize> {
        self.0.and_then(|c| usize::try_from(c).ok())
    }

    /// Bytes of this many elements of `dtype`.
    pub(crate) fn bytes(self, dtype: DType) -> Option<u64> {
        self.0
            .and_then(|c| c.checked_mul(dtype.size_in_bytes() as u64))
    }
}

impl Add for Count {
    type Output = Count;
    fn add(self, other: Count) -> Count {
        Count(self.0.zip(other.0).and_then(|(a, b)| a.checked_add(b)))
    }
}

impl Mul for Count {
    type Output = Count;
    fn mul(self, other: Count) -> Count {
        Count(self.0.zip(other.0).and_then(|(a, b)| a.checked_mul(b)))
    }
}

impl Mul<usize> for Count {
    type Output = Count;
    fn mul(self, k: usize) -> Count {
        Count(self.0.and_then(|a| a.checked_mul(k as u64)))
    }
}

/// What a model allocates, in elements of its dtype.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Footprint {
    /// Parameters (and other variables, such as batch-norm statistics) and
    /// tables built with the model.
    pub(crate) params: Count,
    /// Allocated by every forward pass whatever the batch size.
    pub(crate) fixed: Count,
    /// Activations per sample of a forward pass.
    pub(crate) per_sample: Count,
}

impl Footprint {
    /// Refuses a model that cannot hold its parameters and run one sample
    /// within the memory limit (`what` names it in the error).
    pub(crate) fn check_model(&self, what: &'static str, dtype: DType) -> Result<()> {
        let total = self.params + self.fixed + self.per_sample;
        Ok(memory::check(what, total.bytes(dtype))?)
    }

    /// Refuses a forward pass of `batch` samples whose activations are
    /// over the memory limit.
    pub(crate) fn check_batch(&self, what: &'static str, dtype: DType, batch: usize) -> Result<()> {
        let total = self.fixed + self.per_sample * batch;
        Ok(memory::check(what, total.bytes(dtype))?)
    }
}

/// Parameters of a dense layer `inputs -> outputs` (weights and biases).
pub(crate) fn dense_params(inputs: usize, outputs: usize) -> Count {
    Count::of(&[inputs, outputs]) + Count::of(&[outputs])
}

/// Variables of a batch norm over `channels` (scale, shift, running mean
/// and variance).
pub(crate) fn batch_norm_params(channels: usize) -> Count {
    Count::of(&[channels]) * 4
}

/// Copies of a layer's output a forward pass makes (matrix product, bias,
/// layout change, the batch norm's four elementwise steps, ReLU).
const LAYER_COPIES: usize = 8;

/// Parameters and per-sample activations of the convolutional encoder
/// (see `models/encoder.rs`) on inputs `(in_channels, dims...)`.
pub(crate) fn encoder(
    dims: &[usize],
    in_channels: usize,
    filters: &[usize],
    kernel: usize,
    pools: &[Option<usize>],
) -> (Count, Count) {
    let spatial = dims.len();
    let taps = Count::pow(kernel, spatial);
    let mut dims = dims.to_vec();
    let (mut params, mut acts) = (Count::ZERO, Count::ZERO);
    let mut c_in = in_channels;
    for (&c_out, pool) in filters.iter().zip(pools) {
        let positions = Count::of(&dims);
        params = params
            + Count::of(&[c_in, c_out]) * taps
            + Count::of(&[c_out])
            + batch_norm_params(c_out);
        // Zero padding (one dimension at a time), the stacked shifted
        // views and their transposed copy (im2col).
        let mut padded = Count::of(&[c_in]);
        for &d in &dims {
            padded = padded * Count(d.checked_add(kernel).map(|p| p as u64));
        }
        acts = acts + padded * spatial + Count::of(&[c_in]) * taps * positions * 2;
        acts = acts + Count::of(&[c_out]) * positions * LAYER_COPIES;
        if let Some(stride) = *pool {
            // The "same" max-pool of 3, one dimension at a time: the padded
            // input (at most the dimension plus the stride and 2, see
            // `layers/pool.rs`), a copy per shifted view and the running
            // maxima.
            for i in 0..spatial {
                let out = dims[i].div_ceil(stride.max(1));
                let mut padded = dims.clone();
                padded[i] = dims[i]
                    .saturating_add(stride.min(dims[i]))
                    .saturating_add(3);
                acts = acts + Count::of(&[c_out]) * Count::of(&padded) * 5;
                dims[i] = out;
            }
        }
        c_in = c_out;
    }
    (params, acts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_overflow_to_none() {
        assert_eq!(Count::of(&[3, 5]), Count(Some(15)));
        assert_eq!(Count::of(&[usize::MAX, 3]), Count(None));
        assert_eq!(Count::pow(2, 64), Count(None));
        assert_eq!(Count::pow(3, 2), Count(Some(9)));
        assert_eq!(Count(None) + Count::ZERO, Count(None));
        assert_eq!(Count(Some(u64::MAX)) + Count(Some(1)), Count(None));
        assert_eq!(Count(Some(u64::MAX)) * 2, Count(None));
        assert_eq!(Count(Some(3)).bytes(DType::F32), Some(12));
        assert_eq!(Count(Some(u64::MAX)).bytes(DType::F32), None);
    }
}
