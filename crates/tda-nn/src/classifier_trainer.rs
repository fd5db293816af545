//! Training and using classifiers: cross-entropy with Adam, on the loop
//! the PI-Net trainer uses (schedule, seeded shuffling, validation, early
//! stop, checkpoints, progress bar).

use candle_core::{DType, Tensor};
use candle_nn::{Optimizer, VarMap};

use crate::classify::Classifier;
use crate::error::{Error, Result};
use crate::train::{batched_mean, scalar, train_loop, EpochLog, TrainConfig};

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
    pub fn fit<M: Classifier + ?Sized>(
        &self,
        model: &M,
        vars: &VarMap,
        x: &[Tensor],
        labels: &[usize],
        val: Option<(&[Tensor], &[usize])>,
    ) -> Result<Vec<EpochLog>> {
        let y = label_tensor(model, x, labels)?;
        if let Some((vx, vl)) = val {
            label_tensor(model, vx, vl)?;
        }
        let step = |opt: &mut crate::Adam, idx: &Tensor| -> Result<f64> {
            let logits = model.logits_t(&select(x, idx)?, true)?;
            let loss = candle_nn::loss::cross_entropy(&logits, &y.index_select(idx, 0)?)?;
            opt.backward_step(&loss)?;
            scalar(&loss)
        };
        let settle = |idx: &Tensor| -> Result<()> {
            model.logits_t(&select(x, idx)?, true)?;
            Ok(())
        };
        let validate = || val.map(|(vx, vl)| self.evaluate(model, vx, vl)).transpose();
        train_loop(&self.cfg, vars, labels.len(), 0, step, settle, validate)
    }

    /// Mean cross-entropy of `model` on `(x, labels)` in inference mode.
    pub fn evaluate<M: Classifier + ?Sized>(
        &self,
        model: &M,
        x: &[Tensor],
        labels: &[usize],
    ) -> Result<f64> {
        let y = label_tensor(model, x, labels)?;
        batched_mean(labels.len(), self.cfg.batch_size, |start, len| {
            let logits = model.logits_t(&narrow(x, start, len)?, false)?;
            scalar(&candle_nn::loss::cross_entropy(
                &logits,
                &y.narrow(0, start, len)?,
            )?)
        })
    }

    /// Class probabilities `(samples, classes)` (softmax of the logits),
    /// in inference mode.
    pub fn predict_proba<M: Classifier + ?Sized>(&self, model: &M, x: &[Tensor]) -> Result<Tensor> {
        let n = sample_count(x)?;
        let mut parts = Vec::new();
        let mut start = 0;
        while start < n {
            let len = self.cfg.batch_size.min(n - start);
            let logits = model.logits_t(&narrow(x, start, len)?, false)?;
            parts.push(candle_nn::ops::softmax_last_dim(&logits)?);
            start += len;
        }
        Ok(Tensor::cat(&parts, 0)?)
    }

    /// The most probable class of each sample.
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

/// The common number of samples of the inputs (at least one input and one
/// sample).
fn sample_count(x: &[Tensor]) -> Result<usize> {
    let Some(first) = x.first() else {
        return Err(Error::Shape {
            name: "x",
            expected: "at least one input tensor".into(),
            got: vec![0],
        });
    };
    let n = first.dim(0)?;
    for t in x {
        if t.rank() == 0 || t.dim(0)? != n || n == 0 {
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
/// there is one per sample and each is below the model's class count.
fn label_tensor<M: Classifier + ?Sized>(
    model: &M,
    x: &[Tensor],
    labels: &[usize],
) -> Result<Tensor> {
    let n = sample_count(x)?;
    if labels.len() != n {
        return Err(Error::Shape {
            name: "labels",
            expected: format!("{n} labels, one per sample"),
            got: vec![labels.len()],
        });
    }
    if let Some(&bad) = labels.iter().find(|&&l| l >= model.classes()) {
        return Err(Error::InvalidConfig {
            name: "labels",
            value: bad.to_string(),
            reason: "a label is not below the model's number of classes",
        });
    }
    let y: Vec<u32> = labels.iter().map(|&l| l as u32).collect();
    Ok(Tensor::from_vec(y, n, x[0].device())?)
}
