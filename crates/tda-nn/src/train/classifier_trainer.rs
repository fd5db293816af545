//! Training and using classifiers: cross-entropy with Adam, on the loop
//! the PI-Net trainer uses (schedule, seeded shuffling, validation, early
//! stop, checkpoints, progress bar).

use candle_core::{DType, Tensor};
use candle_nn::VarMap;

use crate::classify::{finite_output, Classifier};
use crate::error::{Error, Result};
use crate::finite::check_finite;
use crate::metrics::check_labels;
use crate::train::{
    batched_mean, finite_loss, scalar, step_if_finite, train_loop, EpochLog, TrainConfig,
};

/// Trains a [`Classifier`] whose variables live in a `VarMap`, and
/// predicts with it. Inputs are a slice of tensors (one per model input,
/// first dimension: samples); labels are class indices.
///
/// [`TrainConfig`]'s default is PI-Net's regression recipe; for
/// classifiers [`TrainConfig::keras_adam`] gives Keras' Adam, e.g.
/// `TrainConfig { batch_size: 32, ..TrainConfig::keras_adam(vec![(1e-3,
/// 100)]) }`.
#[derive(Debug, Clone)]
pub struct ClassifierTrainer {
    cfg: TrainConfig,
}

impl ClassifierTrainer {
    /// A trainer; rejects the configurations [`crate::PiNetTrainer::new`]
    /// rejects.
    pub fn new(cfg: TrainConfig) -> Result<Self> {
        cfg.check()?;
        Ok(Self { cfg })
    }

    /// Trains `model` (variables in `vars`) on `x` with `labels`, reporting
    /// the validation cross-entropy on `val`.
    ///
    /// Errors: [`Error::Shape`] when there is no input, the inputs differ
    /// in samples, have none (or more than `u32::MAX`), or there is not one
    /// label per sample; [`Error::Label`] naming the first label not below
    /// the model's number of classes; [`Error::NonFinite`] naming the first
    /// NaN or infinite input value; [`Error::Diverged`] when a batch's or
    /// the validation loss becomes NaN or infinite (training stops there);
    /// the model's errors for inputs of the wrong shape, dtype or device.
    pub fn fit<M: Classifier + ?Sized>(
        &self,
        model: &M,
        vars: &VarMap,
        x: &[Tensor],
        labels: &[usize],
        val: Option<(&[Tensor], &[usize])>,
    ) -> Result<Vec<EpochLog>> {
        let y = label_tensor(model, x, labels, ("x", "labels"))?;
        let val = match val {
            Some((vx, vl)) => Some((
                vx,
                label_tensor(model, vx, vl, ("val.x", "val.labels"))?,
                vl.len(),
            )),
            None => None,
        };
        let step = |opt: &mut crate::Adam, idx: &Tensor| -> Result<f64> {
            let logits = model.logits_t(&select(x, idx)?, true)?;
            let loss = candle_nn::loss::cross_entropy(&logits, &y.index_select(idx, 0)?)?;
            step_if_finite(opt, &loss)
        };
        let settle = |idx: &Tensor| -> Result<()> {
            model.logits_t(&select(x, idx)?, true)?;
            Ok(())
        };
        let validate = || {
            val.as_ref()
                .map(|(vx, vy, n)| self.mean_loss(model, vx, vy, *n))
                .transpose()
        };
        train_loop(&self.cfg, vars, labels.len(), 0, step, settle, validate)
    }

    /// Mean cross-entropy of `model` on `(x, labels)` in inference mode.
    ///
    /// Errors: as [`ClassifierTrainer::fit`] for the inputs and labels.
    pub fn evaluate<M: Classifier + ?Sized>(
        &self,
        model: &M,
        x: &[Tensor],
        labels: &[usize],
    ) -> Result<f64> {
        let y = label_tensor(model, x, labels, ("x", "labels"))?;
        finite_loss(self.mean_loss(model, x, &y, labels.len())?)
    }

    /// Mean cross-entropy of `model` on `x` with label tensor `y`,
    /// unchecked (a non-finite value stops `fit` with `Diverged`).
    fn mean_loss<M: Classifier + ?Sized>(
        &self,
        model: &M,
        x: &[Tensor],
        y: &Tensor,
        n: usize,
    ) -> Result<f64> {
        batched_mean(n, self.cfg.batch_size, |start, len| {
            let logits = model.logits_t(&narrow(x, start, len)?, false)?;
            scalar(&candle_nn::loss::cross_entropy(
                &logits,
                &y.narrow(0, start, len)?,
            )?)
        })
    }

    /// Class probabilities `(samples, classes)` (softmax of the logits),
    /// in inference mode.
    ///
    /// Errors: as [`ClassifierTrainer::fit`] for the inputs.
    pub fn predict_proba<M: Classifier + ?Sized>(&self, model: &M, x: &[Tensor]) -> Result<Tensor> {
        let n = sample_count(x)?;
        check_inputs_finite(x, "x")?;
        let mut parts = Vec::new();
        let mut start = 0;
        while start < n {
            let len = self.cfg.batch_size.min(n - start);
            let logits = model.logits_t(&narrow(x, start, len)?, false)?;
            parts.push(candle_nn::ops::softmax_last_dim(&logits)?);
            start += len;
        }
        finite_output(Tensor::cat(&parts, 0)?)
    }

    /// The most probable class of each sample (on the CPU, the first on
    /// ties).
    ///
    /// Errors: as [`ClassifierTrainer::predict_proba`].
    pub fn predict<M: Classifier + ?Sized>(&self, model: &M, x: &[Tensor]) -> Result<Vec<usize>> {
        let classes = self.predict_proba(model, x)?.argmax(1)?;
        let classes = classes.to_dtype(DType::U32)?.to_vec1::<u32>()?;
        Ok(classes.into_iter().map(|c| c as usize).collect())
    }
}

/// The rows `idx` of every input.
fn select(x: &[Tensor], idx: &Tensor) -> Result<Vec<Tensor>> {
    Ok(x.iter()
        .map(|t| t.index_select(idx, 0))
        .collect::<candle_core::Result<Vec<_>>>()?)
}

/// Rows `start..start + len` of every input.
fn narrow(x: &[Tensor], start: usize, len: usize) -> Result<Vec<Tensor>> {
    Ok(x.iter()
        .map(|t| t.narrow(0, start, len))
        .collect::<candle_core::Result<Vec<_>>>()?)
}

/// [`Error::NonFinite`] for the first non-finite value of the inputs.
fn check_inputs_finite(x: &[Tensor], name: &'static str) -> Result<()> {
    x.iter().try_for_each(|t| check_finite(t, name))
}

/// The common number of samples of the inputs (at least one input and one
/// sample, at most `u32::MAX`: sample indices are `u32`).
fn sample_count(x: &[Tensor]) -> Result<usize> {
    let Some(first) = x.first() else {
        return Err(Error::Shape {
            name: "x",
            expected: "at least one input tensor".into(),
            got: vec![0],
        });
    };
    let n = first.dims().first().copied().unwrap_or(0);
    for t in x {
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

/// `labels` as a `u32` tensor on the inputs' device, after checking that
/// there is one per sample and each is below the model's class count, and
/// that the inputs are finite.
fn label_tensor<M: Classifier + ?Sized>(
    model: &M,
    x: &[Tensor],
    labels: &[usize],
    names: (&'static str, &'static str),
) -> Result<Tensor> {
    let n = sample_count(x)?;
    check_inputs_finite(x, names.0)?;
    if labels.len() != n {
        return Err(Error::Shape {
            name: "labels",
            expected: format!("{n} labels, one per sample"),
            got: vec![labels.len()],
        });
    }
    check_labels(names.1, labels, model.classes())?;
    // Labels are u32 on the device: a model of more classes could not be
    // built within any memory limit (its output layer alone), but check.
    let y: Vec<u32> = labels
        .iter()
        .enumerate()
        .map(|(index, &l)| {
            u32::try_from(l).map_err(|_| Error::Label {
                name: names.1,
                index,
                label: l,
                classes: u32::MAX as usize,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Tensor::from_vec(y, n, x[0].device())?)
}
