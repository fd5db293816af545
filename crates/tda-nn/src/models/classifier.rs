//! What the classifiers share: the [`Classifier`] trait the trainer
//! drives, and [`Samples`], the inputs a classifier reads (one tensor, or
//! the fusion model's [`FusionInput`](crate::FusionInput)).

use candle_core::{Device, Tensor};

use crate::error::{Error, Result};
use crate::validate::check_finite;

/// A batch of samples along the first dimension: one tensor, or several
/// tensors with the same number of samples (a model with several inputs,
/// such as [`FusionInput`](crate::FusionInput)). What
/// [`ClassifierTrainer`](crate::ClassifierTrainer) needs to shuffle, batch
/// and check a model's input.
pub trait Samples: Sized {
    /// The number of samples: the first dimension of every tensor.
    ///
    /// # Errors
    /// [`Error::Shape`] (named `x`) when a tensor has no dimension, no
    /// sample, more than `u32::MAX` (sample indices are `u32`), or a
    /// number of samples other than the first tensor's.
    fn sample_count(&self) -> Result<usize>;

    /// The samples at `idx` (a `u32` tensor of indices), in that order.
    ///
    /// # Errors
    /// [`Error::Candle`] for an index out of range.
    fn index_samples(&self, idx: &Tensor) -> Result<Self>;

    /// The samples `start..start + len`.
    ///
    /// # Errors
    /// [`Error::Candle`] for a range out of bounds.
    fn narrow_samples(&self, start: usize, len: usize) -> Result<Self>;

    /// [`Error::NonFinite`] naming `name` and the index of the first NaN
    /// or infinite value.
    ///
    /// # Errors
    /// As described; [`Error::Candle`] if a tensor cannot be read.
    fn check_finite(&self, name: &'static str) -> Result<()>;

    /// The device the samples are on.
    fn device(&self) -> &Device;
}

/// The common number of samples of `tensors` (at least one tensor and one
/// sample, at most `u32::MAX`), or [`Error::Shape`] named `x`.
pub(crate) fn common_samples(tensors: &[&Tensor]) -> Result<usize> {
    let n = tensors
        .first()
        .and_then(|t| t.dims().first().copied())
        .unwrap_or(0);
    for t in tensors {
        if t.rank() == 0 || t.dim(0)? != n || n == 0 || n > u32::MAX as usize {
            return Err(Error::Shape {
                name: "x",
                expected: format!("every input with the same number of samples >= 1 ({n})"),
                got: t.dims().to_vec(),
            });
        }
    }
    Ok(n)
}

impl Samples for Tensor {
    fn sample_count(&self) -> Result<usize> {
        common_samples(&[self])
    }

    fn index_samples(&self, idx: &Tensor) -> Result<Self> {
        Ok(self.index_select(idx, 0)?)
    }

    fn narrow_samples(&self, start: usize, len: usize) -> Result<Self> {
        Ok(self.narrow(0, start, len)?)
    }

    fn check_finite(&self, name: &'static str) -> Result<()> {
        check_finite(self, name)
    }

    fn device(&self) -> &Device {
        Tensor::device(self)
    }
}

/// What training and prediction need from a classifier ([`crate::Mlp`],
/// [`crate::Cnn`], [`crate::CnnPiFusion`]). Each returns logits; the
/// softmax is folded into the cross-entropy of
/// [`ClassifierTrainer`](crate::ClassifierTrainer) (and applied by its
/// `predict_proba`).
pub trait Classifier {
    /// What the model reads: a [`Tensor`], or a struct of tensors.
    type Input: Samples;

    /// Number of classes (width of the logits).
    fn classes(&self) -> usize;

    /// Logits `(batch, classes)` of `x`, differentiable; `train` selects
    /// batch statistics in batch norm and turns dropout on.
    ///
    /// # Errors
    /// The model's errors for an input of the wrong shape, dtype or
    /// device, or a batch over the memory limit (values are not checked).
    fn logits_t(&self, x: &Self::Input, train: bool) -> Result<Tensor>;
}
