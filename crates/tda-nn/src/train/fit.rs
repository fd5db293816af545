//! The loop the trainers share, in named steps: the stages of the
//! schedule ([`train_loop`] with Adam, [`train_loop_with`] with any
//! optimizer), one epoch of seeded shuffled batches ([`shuffled`],
//! [`train_epoch`]), validation ([`validate_epoch`]: a loss, and a score
//! to maximise where the trainer has one), the epoch's report to the
//! caller and early stopping ([`EarlyStop`]), checkpoints, the best
//! epoch's weights ([`Keep`]), and the batch-norm settling passes
//! ([`settle_batch_norm`]).

use std::ops::ControlFlow;

use candle_core::{Device, Tensor, Var};
use candle_nn::{Optimizer, ParamsAdamW, VarMap};
use rand::{Rng, SeedableRng};
use rand_xoshiro::SplitMix64;
use tda_persistence::memory;

use super::adam::Adam;
use super::checkpoint::save_checkpoint;
use super::config::TrainConfig;
use crate::error::{Error, Result};

/// Losses after one epoch, as the trainers return them and report them to
/// the caller's callback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochLog {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Epochs the schedule runs in all (resumed epochs included): a
    /// progress bar's length.
    pub epochs: usize,
    /// Learning rate used.
    pub lr: f64,
    /// Mean training loss over the epoch's batches (weighted by size).
    pub train_loss: f64,
    /// Loss on the validation set after the epoch (inference mode), if any.
    pub val_loss: Option<f64>,
    /// The validation score the trainer maximises, if it has one (the
    /// [`TaggerTrainer`](crate::TaggerTrainer)'s mean ROC-AUC over the
    /// tags); `None` for the loss-only trainers.
    pub val_score: Option<f64>,
}

/// What a validation pass measures: the loss, and the score to maximise
/// where the trainer has one (early stopping and [`Keep::BestScore`] then
/// follow the score instead of the loss).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Validation {
    pub(crate) loss: f64,
    pub(crate) score: Option<f64>,
}

impl Validation {
    /// A validation loss without a score.
    pub(crate) fn loss(loss: f64) -> Self {
        Self { loss, score: None }
    }
}

/// Which weights the variables hold when training ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// The last epoch's.
    Last,
    /// The weights after the epoch with the highest validation score (the
    /// earliest on ties; the last epoch's without a score).
    BestScore,
}

/// What a trainer's batches do, given to [`train_loop`].
pub(crate) struct Steps<S, T, V> {
    /// One optimizer step on the batch of these sample indices; returns
    /// the batch's mean loss.
    pub(crate) step: S,
    /// A training-mode forward pass of a batch, without update (batch
    /// norm's running statistics catch up).
    pub(crate) settle: T,
    /// The validation loss (and score), if there is a validation set.
    pub(crate) validate: V,
}

/// [`train_loop_with`] with Adam (a new one per stage, with the
/// configuration's decays and epsilon), keeping the last epoch's weights.
pub(crate) fn train_loop<S, T, V>(
    cfg: &TrainConfig,
    vars: &VarMap,
    n: usize,
    start: usize,
    steps: Steps<S, T, V>,
    on_epoch: &mut dyn FnMut(&EpochLog) -> ControlFlow<()>,
) -> Result<Vec<EpochLog>>
where
    S: FnMut(&mut Adam, &Tensor) -> Result<f64>,
    T: Fn(&Tensor) -> Result<()>,
    V: Fn() -> Result<Option<Validation>>,
{
    check_moments(&cfg.trainable_vars(vars)?)?;
    let new_adam = |trainable: &[Var], lr: f64| adam(cfg, trainable, lr);
    train_loop_with(cfg, vars, n, start, new_adam, Keep::Last, steps, on_epoch)
}

/// Trains on `n` samples: the stages of the schedule (a new optimizer per
/// stage from `new_optimizer(trainable variables, learning rate)`), each
/// epoch's batches, validation, checkpoint and report to `on_epoch`;
/// stops after an epoch when `on_epoch` breaks or the validation criterion
/// (the score where there is one, else the loss) has not improved for
/// [`TrainConfig::patience`] epochs. Epochs before `start` are skipped
/// (resume). Then the weights `keep` chooses are restored (checkpoints
/// hold each epoch's own weights), and the settling passes run.
#[allow(clippy::too_many_arguments)]
pub(crate) fn train_loop_with<O, F, S, T, V>(
    cfg: &TrainConfig,
    vars: &VarMap,
    n: usize,
    start: usize,
    new_optimizer: F,
    keep: Keep,
    mut steps: Steps<S, T, V>,
    on_epoch: &mut dyn FnMut(&EpochLog) -> ControlFlow<()>,
) -> Result<Vec<EpochLog>>
where
    O: Optimizer,
    F: Fn(&[Var], f64) -> Result<O>,
    S: FnMut(&mut O, &Tensor) -> Result<f64>,
    T: Fn(&Tensor) -> Result<()>,
    V: Fn() -> Result<Option<Validation>>,
{
    let trainable = cfg.trainable_vars(vars)?;
    let device = trainable[0].device().clone();
    let epochs = cfg.epochs();
    let mut early = EarlyStop::new(cfg.patience);
    let mut best = BestWeights::new(keep, &trainable)?;
    let mut logs = Vec::new();
    'stages: for (lr, stage) in cfg.stages() {
        if stage.end <= start {
            continue;
        }
        let mut opt = new_optimizer(&trainable, lr)?;
        for e in stage.start.max(start)..stage.end {
            let train_loss = train_epoch(cfg, n, e, &device, &mut opt, &mut steps.step)?;
            let val = validate_epoch(&steps.validate, e)?;
            if let Some(path) = &cfg.checkpoint {
                save_checkpoint(vars, path, Some(e + 1))?;
            }
            let (val_loss, val_score) = (val.map(|v| v.loss), val.and_then(|v| v.score));
            best.record(val_score, &trainable)?;
            let log = EpochLog {
                epoch: e + 1,
                epochs,
                lr,
                train_loss,
                val_loss,
                val_score,
            };
            logs.push(log);
            // A score is maximised: early stopping minimises its negative.
            let stop = early.stops_after(val_score.map(|s| -s).or(val_loss));
            if on_epoch(&log).is_break() || stop {
                break 'stages;
            }
        }
    }
    best.restore(&trainable)?;
    settle_batch_norm(cfg, vars, n, &device, &steps.settle, logs.last())?;
    Ok(logs)
}

/// The weights of the epoch with the best validation score so far (with
/// [`Keep::BestScore`]), copies of the trainable variables.
struct BestWeights {
    keep: Keep,
    best: Option<(f64, Vec<Tensor>)>,
}

impl BestWeights {
    /// Nothing recorded yet; refuses copies of `trainable` over the memory
    /// limit before training starts.
    fn new(keep: Keep, trainable: &[Var]) -> Result<Self> {
        if keep == Keep::BestScore {
            let bytes = trainable.iter().try_fold(0u64, |acc, v| {
                acc.checked_add(
                    (v.elem_count() as u64).checked_mul(v.dtype().size_in_bytes() as u64)?,
                )
            });
            memory::check("best weights", bytes)?;
        }
        Ok(Self { keep, best: None })
    }

    /// Copies the weights when `score` beats the best so far.
    fn record(&mut self, score: Option<f64>, trainable: &[Var]) -> Result<()> {
        let Some(score) = score.filter(|_| self.keep == Keep::BestScore) else {
            return Ok(());
        };
        if self.best.as_ref().is_none_or(|(b, _)| score > *b) {
            let copies = trainable
                .iter()
                .map(|v| Ok(v.as_tensor().copy()?.detach()))
                .collect::<Result<_>>()?;
            self.best = Some((score, copies));
        }
        Ok(())
    }

    /// Writes the recorded weights back, if any.
    fn restore(&self, trainable: &[Var]) -> Result<()> {
        if let Some((_, copies)) = &self.best {
            for (v, c) in trainable.iter().zip(copies) {
                v.set(c)?;
            }
        }
        Ok(())
    }
}

/// Refuses Adam's two `f32` moments per trainable value (allocated per
/// stage) when they are over the memory limit.
fn check_moments(trainable: &[Var]) -> Result<()> {
    let moments = trainable
        .iter()
        .try_fold(0u64, |acc, v| acc.checked_add(v.elem_count() as u64))
        .and_then(|c| c.checked_mul(8));
    Ok(tda_persistence::memory::check("Adam moments", moments)?)
}

/// A new Adam over `trainable` at learning rate `lr` (one per stage, as
/// PI-Net's published code does).
fn adam(cfg: &TrainConfig, trainable: &[Var], lr: f64) -> Result<Adam> {
    Ok(Adam::new(
        trainable.to_vec(),
        ParamsAdamW {
            lr,
            beta1: cfg.beta1,
            beta2: cfg.beta2,
            eps: cfg.eps,
            weight_decay: 0.0,
        },
    )?)
}

/// One epoch (`epoch`, from 0): `step` on each batch of the epoch's
/// shuffled order; returns the mean loss over the samples, or
/// [`Error::Diverged`] at the first batch whose loss is NaN or infinite.
fn train_epoch<O>(
    cfg: &TrainConfig,
    n: usize,
    epoch: usize,
    device: &Device,
    opt: &mut O,
    step: &mut impl FnMut(&mut O, &Tensor) -> Result<f64>,
) -> Result<f64> {
    let mut sum = 0.0;
    for batch in shuffled(n, cfg.seed, epoch).chunks(cfg.batch_size) {
        let idx = Tensor::from_slice(batch, batch.len(), device)?;
        let loss = step(opt, &idx)?;
        if !loss.is_finite() {
            return Err(Error::Diverged {
                what: "training",
                epoch: epoch + 1,
                loss,
            });
        }
        sum += loss * batch.len() as f64;
    }
    Ok(sum / n as f64)
}

/// The validation loss (and score) after epoch `epoch` (from 0), if any,
/// or [`Error::Diverged`] when the loss is NaN or infinite.
fn validate_epoch(
    validate: &impl Fn() -> Result<Option<Validation>>,
    epoch: usize,
) -> Result<Option<Validation>> {
    let val = validate()?;
    if let Some(loss) = val.map(|v| v.loss).filter(|v| !v.is_finite()) {
        return Err(Error::Diverged {
            what: "validation",
            epoch: epoch + 1,
            loss,
        });
    }
    Ok(val)
}

/// Early stopping: stop when the validation loss has not improved for
/// `patience` epochs in a row (never without a patience or a validation
/// set).
struct EarlyStop {
    patience: Option<usize>,
    best: f64,
    since_best: usize,
}

impl EarlyStop {
    fn new(patience: Option<usize>) -> Self {
        Self {
            patience,
            best: f64::INFINITY,
            since_best: 0,
        }
    }

    /// Records an epoch's validation loss; true when training stops here.
    fn stops_after(&mut self, val_loss: Option<f64>) -> bool {
        let (Some(v), Some(patience)) = (val_loss, self.patience) else {
            return false;
        };
        if v < self.best {
            (self.best, self.since_best) = (v, 0);
            false
        } else {
            self.since_best += 1;
            self.since_best >= patience
        }
    }
}

/// [`TrainConfig::settle_batch_norm`] passes of `settle` over the shuffled
/// batches (an order of their own, after the schedule's epochs), then the
/// checkpoint again (recording the last epoch trained, `last`).
fn settle_batch_norm(
    cfg: &TrainConfig,
    vars: &VarMap,
    n: usize,
    device: &Device,
    settle: &impl Fn(&Tensor) -> Result<()>,
    last: Option<&EpochLog>,
) -> Result<()> {
    if cfg.settle_batch_norm == 0 {
        return Ok(());
    }
    let epochs = cfg.epochs();
    for pass in 0..cfg.settle_batch_norm {
        for batch in shuffled(n, cfg.seed ^ 0x005E_771E, epochs + pass).chunks(cfg.batch_size) {
            settle(&Tensor::from_slice(batch, batch.len(), device)?)?;
        }
    }
    if let (Some(path), Some(last)) = (&cfg.checkpoint, last) {
        save_checkpoint(vars, path, Some(last.epoch))?;
    }
    Ok(())
}

/// The mean over `n` samples of `f(start, len)` (a batch's mean), computed
/// in batches of `batch`.
pub(crate) fn batched_mean(
    n: usize,
    batch: usize,
    mut f: impl FnMut(usize, usize) -> Result<f64>,
) -> Result<f64> {
    let mut sum = 0.0;
    let mut start = 0;
    while start < n {
        let len = batch.min(n - start);
        sum += f(start, len)? * len as f64;
        start += len;
    }
    Ok(sum / n as f64)
}

/// The number of samples of `x`, which `y` must match (at least one, at
/// most `u32::MAX`: sample indices are `u32`).
pub(crate) fn samples(x: &Tensor, y: &Tensor) -> Result<usize> {
    let (Some(&n), Some(&ny)) = (x.dims().first(), y.dims().first()) else {
        return Err(Error::Shape {
            name: if x.rank() == 0 { "x" } else { "y" },
            expected: "a first dimension of samples".into(),
            got: if x.rank() == 0 { x.dims() } else { y.dims() }.to_vec(),
        });
    };
    if n > u32::MAX as usize {
        return Err(Error::Shape {
            name: "x",
            expected: "at most u32::MAX samples".into(),
            got: x.dims().to_vec(),
        });
    }
    if n == 0 || ny != n {
        return Err(Error::Shape {
            name: "y",
            expected: format!("{n} samples (as x), at least one"),
            got: y.dims().to_vec(),
        });
    }
    Ok(n)
}

/// One optimizer step on `loss`, unless it is NaN or infinite (the loop
/// then stops with [`Error::Diverged`], and the failing batch's gradients
/// are not applied); returns the loss.
pub(crate) fn step_if_finite(opt: &mut impl Optimizer, loss: &Tensor) -> Result<f64> {
    let value = scalar(loss)?;
    if value.is_finite() {
        opt.backward_step(loss)?;
    }
    Ok(value)
}

/// `loss`, or [`Error::NonFinite`] (named `loss`) when it is NaN or
/// infinite: computed from finite data, it overflowed the `f32` range.
pub(crate) fn finite_loss(loss: f64) -> Result<f64> {
    if loss.is_finite() {
        Ok(loss)
    } else {
        Err(Error::NonFinite {
            name: "loss",
            index: vec![],
            value: loss,
        })
    }
}

/// A scalar loss as `f64`.
pub(crate) fn scalar(loss: &Tensor) -> Result<f64> {
    Ok(f64::from(
        loss.to_dtype(candle_core::DType::F32)?.to_scalar::<f32>()?,
    ))
}

/// `0..n` shuffled by Fisher–Yates with a SplitMix64 generator
/// (`rand_xoshiro`'s) seeded by `(seed, epoch)`: the order of an epoch
/// depends on the seed and the epoch only (so a resumed run shuffles as an
/// uninterrupted one). Indices are drawn as `u64` ranges, so the order is
/// the same on every platform.
pub(crate) fn shuffled(n: usize, seed: u64, epoch: usize) -> Vec<u32> {
    let mut rng =
        SplitMix64::seed_from_u64(seed ^ (epoch as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let mut order: Vec<u32> = (0..n as u32).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.random_range(0..=i as u64) as usize);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The orders the hand-written SplitMix64 this crate used before
    /// `rand_xoshiro`'s gave (recorded with it): seeded runs keep their
    /// results.
    #[test]
    fn shuffles_are_those_of_the_old_generator() {
        assert_eq!(shuffled(10, 3, 2), [9, 8, 7, 5, 0, 1, 3, 2, 6, 4]);
        assert_eq!(shuffled(7, 0, 0), [1, 5, 4, 3, 0, 2, 6]);
        assert_eq!(shuffled(5, u64::MAX, 9), [4, 1, 0, 2, 3]);
        assert_eq!(shuffled(1, 0, 0), [0]);
        assert!(shuffled(0, 0, 0).is_empty());
    }

    #[test]
    fn early_stop_counts_epochs_without_improvement() {
        let mut early = EarlyStop::new(Some(2));
        assert!(!early.stops_after(Some(1.0)));
        assert!(!early.stops_after(Some(1.0)));
        assert!(!early.stops_after(Some(0.5)));
        assert!(!early.stops_after(Some(0.7)));
        assert!(early.stops_after(Some(0.6)));
        let mut never = EarlyStop::new(None);
        assert!((0..10).all(|_| !never.stops_after(Some(1.0))));
        let mut no_validation = EarlyStop::new(Some(1));
        assert!((0..10).all(|_| !no_validation.stops_after(None)));
    }
}
