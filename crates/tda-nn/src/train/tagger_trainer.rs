//! Training and using the multi-label [`PersistentCnn`] tagger: binary
//! cross-entropy on clipped predictions with [`Adagrad`], the best epoch
//! chosen by the validation mean ROC-AUC over the tags (the authors'
//! `pnet/utils.py`), on the loop the other trainers use (schedule, seeded
//! shuffling, early stop, checkpoints, a per-epoch callback).

use std::ops::ControlFlow;

use candle_core::{DType, Tensor};
use candle_nn::{Optimizer, VarMap};
use ndarray::{Array2, ArrayView2};

use super::adagrad::{Adagrad, ParamsAdagrad};
use super::config::TrainConfig;
use super::fit::{
    batched_mean, finite_loss, scalar, step_if_finite, train_loop_with, EpochLog, Keep, Steps,
    Validation,
};
use crate::error::{Error, Result};
use crate::metrics::{mean_roc_auc, TagAuc};
use crate::models::PersistentCnn;
use crate::validate::{check_finite, finite_output};

/// Predictions are clipped to `[CLIP, 1 - CLIP]` in the loss (the
/// authors' `epsilon`).
pub const CLIP: f64 = 1e-6;

/// Binary cross-entropy of tag probabilities `probs` against 0/1
/// `targets` (same shape, same dtype), the probabilities clipped to
/// `[CLIP, 1 - CLIP]` first (so a prediction of exactly 0 or 1 costs
/// `-ln(CLIP)`, finite, and has zero gradient, as Theano's `clip`), mean
/// over all entries (batch and tags): the Persistent CNN's loss.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use tda_nn::train::clipped_binary_cross_entropy;
/// let p = Tensor::new(&[[0.0f64, 1.0]], &Device::Cpu).unwrap();
/// let y = Tensor::new(&[[1.0f64, 0.0]], &Device::Cpu).unwrap();
/// let loss = clipped_binary_cross_entropy(&p, &y).unwrap().to_scalar::<f64>().unwrap();
/// assert!((loss + 1e-6f64.ln()).abs() < 1e-9);
/// ```
///
/// # Errors
/// [`Error::Shape`] (named `targets`) when the shapes differ;
/// [`Error::Candle`] for another dtype or device.
pub fn clipped_binary_cross_entropy(probs: &Tensor, targets: &Tensor) -> Result<Tensor> {
    if probs.dims() != targets.dims() {
        return Err(Error::Shape {
            name: "targets",
            expected: format!("the predictions' shape {:?}", probs.dims()),
            got: targets.dims().to_vec(),
        });
    }
    let p = probs.clamp(CLIP, 1.0 - CLIP)?;
    let positive = (targets * p.log()?)?;
    let negative = (targets.affine(-1.0, 1.0)? * p.affine(-1.0, 1.0)?.log()?)?;
    Ok((positive + negative)?.mean_all()?.neg()?)
}

/// Trains a [`PersistentCnn`] whose variables live in a `VarMap` on
/// multi-label targets, and predicts and scores with it. Inputs are
/// `(clips, 1, frames, mels)` tensors; targets are `(clips, tags)`
/// label-indicator matrices of 0 and 1 (scikit-learn's layout).
///
/// Of the [`TrainConfig`] it reads the schedule (`(learning rate,
/// epochs)` stages, a new [`Adagrad`] per stage), `batch_size`, `eps`
/// (Adagrad's epsilon), `seed`, `patience` (epochs without a better
/// validation mean ROC-AUC), `checkpoint` and `trainable`; Adam's decays
/// are unused. [`TrainConfig::persistent_cnn`] is the paper's recipe.
/// With a validation set, the weights of the epoch with the best
/// validation mean ROC-AUC are restored when training ends (the
/// authors keep that epoch's parameters); without one, the last epoch's.
#[derive(Debug, Clone)]
pub struct TaggerTrainer {
    cfg: TrainConfig,
}

impl TaggerTrainer {
    /// A trainer.
    ///
    /// # Errors
    /// The configurations [`crate::PiNetTrainer::new`] rejects (an empty
    /// schedule, a rate or epsilon not finite and > 0 as an `f32`, a batch
    /// size of 0, ...).
    pub fn new(cfg: TrainConfig) -> Result<Self> {
        cfg.check()?;
        Ok(Self { cfg })
    }

    /// The configuration.
    pub fn config(&self) -> &TrainConfig {
        &self.cfg
    }

    /// Trains `model` (variables in `vars`) on clips `x` with `targets`,
    /// scoring the validation set `val` after each epoch; returns every
    /// epoch's log (`val_score`: the validation mean ROC-AUC, `None` when
    /// no tag has both classes there). [`TaggerTrainer::fit_with`] does
    /// the same and reports each epoch as it ends.
    ///
    /// # Errors
    /// [`Error::Shape`] when the targets are not `(clips, tags)` for the
    /// clips of `x` and the model's tags, or there is no clip (or more
    /// than `u32::MAX`); [`Error::Label`] naming the first target (flat
    /// index) that is not 0 or 1; [`Error::NonFinite`] naming the first
    /// NaN or infinite input value; [`Error::Diverged`] when a batch's or
    /// the validation loss becomes NaN or infinite (training stops
    /// there); the model's errors for inputs of the wrong shape, dtype or
    /// device.
    pub fn fit(
        &self,
        model: &PersistentCnn,
        vars: &VarMap,
        x: &Tensor,
        targets: ArrayView2<u8>,
        val: Option<(&Tensor, ArrayView2<u8>)>,
    ) -> Result<Vec<EpochLog>> {
        self.fit_with(model, vars, x, targets, val, |_| ControlFlow::Continue(()))
    }

    /// [`TaggerTrainer::fit`], calling `on_epoch` after each epoch with its
    /// log; training stops there when `on_epoch` returns
    /// [`ControlFlow::Break`] (the best epoch's weights are still
    /// restored).
    ///
    /// # Errors
    /// As [`TaggerTrainer::fit`].
    pub fn fit_with(
        &self,
        model: &PersistentCnn,
        vars: &VarMap,
        x: &Tensor,
        targets: ArrayView2<u8>,
        val: Option<(&Tensor, ArrayView2<u8>)>,
        mut on_epoch: impl FnMut(&EpochLog) -> ControlFlow<()>,
    ) -> Result<Vec<EpochLog>> {
        let y = target_tensor(model, x, targets, ("x", "targets"))?;
        let val = match val {
            Some((vx, vt)) => Some((
                vx,
                vt,
                target_tensor(model, vx, vt, ("val.x", "val.targets"))?,
            )),
            None => None,
        };
        let eps = self.cfg.eps;
        let new_adagrad = |trainable: &[candle_core::Var], lr: f64| -> Result<Adagrad> {
            Ok(Adagrad::new(trainable.to_vec(), ParamsAdagrad { lr, eps })?)
        };
        let steps = Steps {
            step: |opt: &mut Adagrad, idx: &Tensor| -> Result<f64> {
                let probs = model.forward_t(&x.index_select(idx, 0)?, true)?;
                let loss = clipped_binary_cross_entropy(&probs, &y.index_select(idx, 0)?)?;
                step_if_finite(opt, &loss)
            },
            // No batch norm: nothing to settle.
            settle: |_: &Tensor| -> Result<()> { Ok(()) },
            validate: || {
                val.as_ref()
                    .map(|(vx, vt, vy)| self.validation(model, vx, *vt, vy))
                    .transpose()
            },
        };
        let n = x.dim(0)?;
        train_loop_with(
            &self.cfg,
            vars,
            n,
            0,
            new_adagrad,
            Keep::BestScore,
            steps,
            &mut on_epoch,
        )
    }

    /// The validation loss and mean ROC-AUC of `model` on `(x, targets)`
    /// (`y`: the targets as a tensor), unchecked.
    fn validation(
        &self,
        model: &PersistentCnn,
        x: &Tensor,
        targets: ArrayView2<u8>,
        y: &Tensor,
    ) -> Result<Validation> {
        let probs = self.probabilities(model, x)?;
        let loss = scalar(&clipped_binary_cross_entropy(&probs, y)?)?;
        let score = if loss.is_finite() {
            mean_roc_auc(targets, to_array(&probs)?.view())?.mean
        } else {
            None
        };
        Ok(Validation { loss, score })
    }

    /// Probabilities of `x` in inference mode, in batches, unchecked.
    fn probabilities(&self, model: &PersistentCnn, x: &Tensor) -> Result<Tensor> {
        let n = x.dim(0)?;
        let mut parts = Vec::new();
        let mut start = 0;
        while start < n {
            let len = self.cfg.batch_size.min(n - start);
            parts.push(model.forward_t(&x.narrow(0, start, len)?, false)?);
            start += len;
        }
        Ok(Tensor::cat(&parts, 0)?)
    }

    /// Tag probabilities `(clips, tags)` of `x` in inference mode (no
    /// dropout), in batches of `batch_size`, not clipped.
    ///
    /// # Errors
    /// [`Error::Shape`] for no clip; [`Error::NonFinite`] naming the first
    /// NaN or infinite input value (`x`) or output (`output`); the
    /// model's errors for an input of the wrong shape, dtype or device.
    pub fn predict(&self, model: &PersistentCnn, x: &Tensor) -> Result<Tensor> {
        if x.dims().first().is_none_or(|&n| n == 0) {
            return Err(Error::Shape {
                name: "x",
                expected: "(clips >= 1, 1, frames, mels)".into(),
                got: x.dims().to_vec(),
            });
        }
        check_finite(x, "x")?;
        finite_output(self.probabilities(model, x)?)
    }

    /// The ROC-AUC of each tag of `model`'s predictions on `x` against
    /// `targets`, and their mean ([`mean_roc_auc`]: a tag with one class
    /// only among the clips has no area and is left out of the mean).
    ///
    /// # Errors
    /// As [`TaggerTrainer::fit`] for the inputs and targets, and
    /// [`TaggerTrainer::predict`].
    pub fn evaluate(
        &self,
        model: &PersistentCnn,
        x: &Tensor,
        targets: ArrayView2<u8>,
    ) -> Result<TagAuc> {
        target_tensor(model, x, targets, ("x", "targets"))?;
        let probs = self.predict(model, x)?;
        mean_roc_auc(targets, to_array(&probs)?.view())
    }

    /// Mean clipped binary cross-entropy of `model` on `(x, targets)` in
    /// inference mode.
    ///
    /// # Errors
    /// As [`TaggerTrainer::evaluate`]; [`Error::NonFinite`] named `loss`
    /// when the loss overflows.
    pub fn loss(&self, model: &PersistentCnn, x: &Tensor, targets: ArrayView2<u8>) -> Result<f64> {
        let y = target_tensor(model, x, targets, ("x", "targets"))?;
        let n = x.dim(0)?;
        finite_loss(batched_mean(n, self.cfg.batch_size, |start, len| {
            let probs = model.forward_t(&x.narrow(0, start, len)?, false)?;
            scalar(&clipped_binary_cross_entropy(
                &probs,
                &y.narrow(0, start, len)?,
            )?)
        })?)
    }
}

/// `targets` as a tensor of the model's dtype on the inputs' device, after
/// checking that `x` has clips (at most `u32::MAX`), finite values, and
/// that `targets` is `(clips, tags)` of 0 and 1.
fn target_tensor(
    model: &PersistentCnn,
    x: &Tensor,
    targets: ArrayView2<u8>,
    names: (&'static str, &'static str),
) -> Result<Tensor> {
    let n = x.dims().first().copied().unwrap_or(0);
    if n == 0 || n > u32::MAX as usize {
        return Err(Error::Shape {
            name: names.0,
            expected: "(clips >= 1 (at most u32::MAX), 1, frames, mels)".into(),
            got: x.dims().to_vec(),
        });
    }
    let tags = model.config().num_tags;
    if targets.dim() != (n, tags) {
        return Err(Error::Shape {
            name: names.1,
            expected: format!("({n} clips, {tags} tags)"),
            got: targets.shape().to_vec(),
        });
    }
    if let Some((i, &v)) = targets.iter().enumerate().find(|(_, &v)| v > 1) {
        return Err(Error::Label {
            name: names.1,
            index: i,
            label: usize::from(v),
            classes: 2,
        });
    }
    check_finite(x, names.0)?;
    let values: Vec<f32> = targets.iter().map(|&v| f32::from(v)).collect();
    Ok(Tensor::from_vec(values, (n, tags), x.device())?.to_dtype(x.dtype())?)
}

/// A `(clips, tags)` tensor as an `f64` array.
fn to_array(t: &Tensor) -> Result<Array2<f64>> {
    let (n, tags) = t.dims2()?;
    let values = t.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
    Array2::from_shape_vec((n, tags), values).map_err(|e| Error::Shape {
        name: "output",
        expected: e.to_string(),
        got: vec![n, tags],
    })
}
