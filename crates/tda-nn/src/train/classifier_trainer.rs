//! Training and using classifiers: cross-entropy with Adam, on the loop
//! the PI-Net trainer uses (schedule, seeded shuffling, validation, early
//! stop, checkpoints, a per-epoch callback).

use std::ops::ControlFlow;

use candle_core::{DType, Tensor};
use candle_nn::VarMap;

use super::adam::Adam;
use super::config::TrainConfig;
use super::fit::{
    batched_mean, finite_loss, scalar, step_if_finite, train_loop, EpochLog, Steps, Validation,
};
use crate::error::{Error, Result};
use crate::metrics::check_labels;
use crate::models::{Classifier, Samples};
use crate::validate::finite_output;

/// Trains a [`Classifier`] whose variables live in a `VarMap`, and
/// predicts with it. Inputs are the model's [`Classifier::Input`] (a
/// tensor, or a [`crate::FusionInput`]; first dimension: samples); labels
/// are class indices.
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
    /// A trainer.
    ///
    /// # Errors
    /// The configurations [`crate::PiNetTrainer::new`] rejects.
    pub fn new(cfg: TrainConfig) -> Result<Self> {
        cfg.check()?;
        Ok(Self { cfg })
    }

    /// The configuration.
    pub fn config(&self) -> &TrainConfig {
        &self.cfg
    }

    /// Trains `model` (variables in `vars`) on `x` with `labels`, reporting
    /// the validation cross-entropy on `val`; returns every epoch's losses.
    /// [`ClassifierTrainer::fit_with`] does the same and reports each epoch
    /// as it ends.
    ///
    /// # Errors
    /// [`Error::Shape`] when the inputs differ in samples, have none (or
    /// more than `u32::MAX`), or there is not one label per sample;
    /// [`Error::Label`] naming the first label not below the model's
    /// number of classes; [`Error::NonFinite`] naming the first NaN or
    /// infinite input value; [`Error::Diverged`] when a batch's or the
    /// validation loss becomes NaN or infinite (training stops there); the
    /// model's errors for inputs of the wrong shape, dtype or device.
    pub fn fit<M: Classifier + ?Sized>(
        &self,
        model: &M,
        vars: &VarMap,
        x: &M::Input,
        labels: &[usize],
        val: Option<(&M::Input, &[usize])>,
    ) -> Result<Vec<EpochLog>> {
        self.fit_with(model, vars, x, labels, val, |_| ControlFlow::Continue(()))
    }

    /// [`ClassifierTrainer::fit`], calling `on_epoch` after each epoch
    /// with its losses; training stops there when `on_epoch` returns
    /// [`ControlFlow::Break`] (see [`crate::PiNetTrainer::fit_with`]).
    ///
    /// # Errors
    /// As [`ClassifierTrainer::fit`].
    pub fn fit_with<M: Classifier + ?Sized>(
        &self,
        model: &M,
        vars: &VarMap,
        x: &M::Input,
        labels: &[usize],
        val: Option<(&M::Input, &[usize])>,
        mut on_epoch: impl FnMut(&EpochLog) -> ControlFlow<()>,
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
        let steps = Steps {
            step: |opt: &mut Adam, idx: &Tensor| -> Result<f64> {
                let logits = model.logits_t(&x.index_samples(idx)?, true)?;
                let loss = candle_nn::loss::cross_entropy(&logits, &y.index_select(idx, 0)?)?;
                step_if_finite(opt, &loss)
            },
            settle: |idx: &Tensor| -> Result<()> {
                model.logits_t(&x.index_samples(idx)?, true)?;
                Ok(())
            },
            validate: || {
                val.as_ref()
                    .map(|(vx, vy, n)| Ok(Validation::loss(self.mean_loss(model, vx, vy, *n)?)))
                    .transpose()
            },
        };
        train_loop(&self.cfg, vars, labels.len(), 0, steps, &mut on_epoch)
    }

    /// Mean cross-entropy of `model` on `(x, labels)` in inference mode.
    ///
    /// # Errors
    /// As [`ClassifierTrainer::fit`] for the inputs and labels;
    /// [`Error::NonFinite`] named `loss` when the loss overflows.
    pub fn evaluate<M: Classifier + ?Sized>(
        &self,
        model: &M,
        x: &M::Input,
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
        x: &M::Input,
        y: &Tensor,
        n: usize,
    ) -> Result<f64> {
        batched_mean(n, self.cfg.batch_size, |start, len| {
            let logits = model.logits_t(&x.narrow_samples(start, len)?, false)?;
            scalar(&candle_nn::loss::cross_entropy(
                &logits,
                &y.narrow(0, start, len)?,
            )?)
        })
    }

    /// Class probabilities `(samples, classes)` (softmax of the logits),
    /// in inference mode.
    ///
    /// # Errors
    /// As [`ClassifierTrainer::fit`] for the inputs; [`Error::NonFinite`]
    /// named `output` when a probability is NaN (logits that overflowed).
    pub fn predict_proba<M: Classifier + ?Sized>(&self, model: &M, x: &M::Input) -> Result<Tensor> {
        let n = x.sample_count()?;
        x.check_finite("x")?;
        let mut parts = Vec::new();
        let mut start = 0;
        while start < n {
            let len = self.cfg.batch_size.min(n - start);
            let logits = model.logits_t(&x.narrow_samples(start, len)?, false)?;
            parts.push(candle_nn::ops::softmax_last_dim(&logits)?);
            start += len;
        }
        finite_output(Tensor::cat(&parts, 0)?)
    }

    /// The most probable class of each sample (on the CPU, the first on
    /// ties).
    ///
    /// # Errors
    /// As [`ClassifierTrainer::predict_proba`].
    pub fn predict<M: Classifier + ?Sized>(&self, model: &M, x: &M::Input) -> Result<Vec<usize>> {
        let classes = self.predict_proba(model, x)?.argmax(1)?;
        let classes = classes.to_dtype(DType::U32)?.to_vec1::<u32>()?;
        Ok(classes.into_iter().map(|c| c as usize).collect())
    }
}

/// `labels` as a `u32` tensor on the inputs' device, after checking that
/// there is one per sample and each is below the model's class count, and
/// that the inputs are finite.
fn label_tensor<M: Classifier + ?Sized>(
    model: &M,
    x: &M::Input,
    labels: &[usize],
    names: (&'static str, &'static str),
) -> Result<Tensor> {
    let n = x.sample_count()?;
    x.check_finite(names.0)?;
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
    Ok(Tensor::from_vec(y, n, x.device())?)
}
