//! Training PI-Nets on exact persistence images (MSE), as the paper does.

use std::path::PathBuf;

use candle_core::{Tensor, Var};
use candle_nn::{Optimizer, ParamsAdamW, VarMap};
use indicatif::{ProgressBar, ProgressStyle};

use crate::adam::Adam;
use crate::checkpoint::{load_checkpoint, lock, save_checkpoint};

use crate::error::{Error, Result};
use crate::finite::check_finite;
use crate::pinet::PiNet;
use crate::rng::SplitMix64;

/// How to train. The default is PI-Net's published recipe: Adam with
/// `beta1 = 0.99` and `epsilon = 0.1`, learning rate 1e-3 / 1e-4 / 1e-5 for
/// 300 / 300 / 400 epochs (a new optimizer at each step, as the published
/// code does), batches of 128, MSE.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// `(learning rate, epochs)` stages, in order.
    pub schedule: Vec<(f64, usize)>,
    /// Samples per batch (the last batch of an epoch may be smaller).
    pub batch_size: usize,
    /// Adam's first-moment decay.
    pub beta1: f64,
    /// Adam's second-moment decay.
    pub beta2: f64,
    /// Adam's epsilon.
    pub eps: f64,
    /// Seed of the per-epoch shuffling.
    pub seed: u64,
    /// Stop when the validation loss has not improved for this many epochs.
    pub patience: Option<usize>,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// Save the weights here (safetensors, atomically) after every epoch.
    pub checkpoint: Option<PathBuf>,
    /// After the schedule, this many passes over the training data in
    /// training mode without updates, so that batch norm's running
    /// statistics (momentum 0.99: ~460 steps to reach 99 %) catch up with
    /// the final weights; short runs otherwise predict with statistics of
    /// early weights (re-estimation, as in Wu & Johnson, "Rethinking
    /// 'Batch' in BatchNorm", 2021). 0: none (Keras' behaviour).
    pub settle_batch_norm: usize,
    /// Train only the variables whose names start with one of these
    /// prefixes (e.g. [`PiNet::head_prefixes`] for transfer learning); all
    /// if `None`.
    pub trainable: Option<Vec<String>>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            schedule: vec![(1e-3, 300), (1e-4, 300), (1e-5, 400)],
            batch_size: 128,
            beta1: 0.99,
            beta2: 0.999,
            eps: 0.1,
            seed: 0,
            patience: None,
            progress: true,
            checkpoint: None,
            settle_batch_norm: 0,
            trainable: None,
        }
    }
}

/// Losses after one epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochLog {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Learning rate used.
    pub lr: f64,
    /// Mean training MSE over the epoch's batches (weighted by size).
    pub train_loss: f64,
    /// MSE on the validation set after the epoch (inference mode), if any.
    pub val_loss: Option<f64>,
}

/// Trains a [`PiNet`] whose variables live in a `VarMap`.
#[derive(Debug, Clone)]
pub struct PiNetTrainer {
    cfg: TrainConfig,
}

impl PiNetTrainer {
    /// A trainer; rejects empty schedules, non-positive rates or batch
    /// sizes, and Adam parameters outside their ranges.
    pub fn new(cfg: TrainConfig) -> Result<Self> {
        cfg.check()?;
        Ok(Self { cfg })
    }

    /// Trains `model` (variables in `vars`) on inputs `x` and targets `y`
    /// (first dimension: samples), reporting validation loss on `val`.
    ///
    /// Errors: [`Error::Shape`] when `x` and `y` differ in samples or have
    /// none (or more than `u32::MAX`); [`Error::NonFinite`] naming the
    /// first NaN or infinite value of `x`, `y` or the validation set;
    /// [`Error::Diverged`] when a batch's or the validation loss becomes
    /// NaN or infinite (training stops there); the model's errors for
    /// inputs of the wrong shape, dtype or device.
    pub fn fit<M: PiNet>(
        &self,
        model: &M,
        vars: &VarMap,
        x: &Tensor,
        y: &Tensor,
        val: Option<(&Tensor, &Tensor)>,
    ) -> Result<Vec<EpochLog>> {
        self.fit_from(model, vars, x, y, val, 0)
    }

    /// Loads the checkpoint at `path` into `vars` and trains on from the
    /// epoch it records (the shuffling of each epoch depends on the seed
    /// and the epoch only, so it is the order an uninterrupted run would
    /// have used; Adam's moments start afresh, as at every stage change).
    pub fn resume<M: PiNet>(
        &self,
        model: &M,
        vars: &VarMap,
        path: &std::path::Path,
        x: &Tensor,
        y: &Tensor,
        val: Option<(&Tensor, &Tensor)>,
    ) -> Result<Vec<EpochLog>> {
        let done = load_checkpoint(vars, path)?.unwrap_or(0);
        self.fit_from(model, vars, x, y, val, done)
    }

    fn fit_from<M: PiNet>(
        &self,
        model: &M,
        vars: &VarMap,
        x: &Tensor,
        y: &Tensor,
        val: Option<(&Tensor, &Tensor)>,
        start: usize,
    ) -> Result<Vec<EpochLog>> {
        let n = samples(x, y)?;
        check_finite(x, "x")?;
        check_finite(y, "y")?;
        if let Some((vx, vy)) = val {
            samples(vx, vy)?;
            check_finite(vx, "val.x")?;
            check_finite(vy, "val.y")?;
        }
        let step = |opt: &mut Adam, idx: &Tensor| -> Result<f64> {
            let (bx, by) = (x.index_select(idx, 0)?, y.index_select(idx, 0)?);
            let loss = candle_nn::loss::mse(&model.forward_t(&bx, true)?, &by)?;
            step_if_finite(opt, &loss)
        };
        let settle = |idx: &Tensor| -> Result<()> {
            model.forward_t(&x.index_select(idx, 0)?, true)?;
            Ok(())
        };
        // Checked once above: each epoch computes the loss only.
        let validate = || {
            val.map(|(vx, vy)| self.mean_loss(model, vx, vy, vx.dim(0)?))
                .transpose()
        };
        train_loop(&self.cfg, vars, n, start, step, settle, validate)
    }

    /// MSE of `model` on `(x, y)` in inference mode, in batches.
    ///
    /// Errors: as [`PiNetTrainer::fit`] for the shapes and values of `x`
    /// and `y`.
    pub fn evaluate<M: PiNet>(&self, model: &M, x: &Tensor, y: &Tensor) -> Result<f64> {
        let n = samples(x, y)?;
        check_finite(x, "x")?;
        check_finite(y, "y")?;
        finite_loss(self.mean_loss(model, x, y, n)?)
    }

    /// MSE of `model` on `(x, y)` (`n` samples), unchecked (a non-finite
    /// value stops `fit` with `Diverged`).
    fn mean_loss<M: PiNet>(&self, model: &M, x: &Tensor, y: &Tensor, n: usize) -> Result<f64> {
        batched_mean(n, self.cfg.batch_size, |start, len| {
            let pred = model.forward_t(&x.narrow(0, start, len)?, false)?;
            scalar(&candle_nn::loss::mse(&pred, &y.narrow(0, start, len)?)?)
        })
    }
}

impl TrainConfig {
    /// Keras' Adam defaults (beta1 0.9, beta2 0.999, epsilon 1e-7) with
    /// this schedule, the rest as [`TrainConfig::default`]: the usual
    /// setting for the classifiers, whose recipe the paper does not give.
    pub fn keras_adam(schedule: Vec<(f64, usize)>) -> Self {
        Self {
            schedule,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-7,
            ..Self::default()
        }
    }

    /// Rejects empty schedules, non-positive rates or batch sizes, a total
    /// of epochs (with the settling passes) that overflows `usize`, and
    /// Adam parameters outside their ranges (checked as the `f32` values
    /// Adam updates with: a rate or epsilon that rounds to 0 or infinity,
    /// a decay that rounds to 1, are rejected).
    pub(crate) fn check(&self) -> Result<()> {
        let bad = |name, value: String, reason| {
            Err(Error::InvalidConfig {
                name,
                value,
                reason,
            })
        };
        // Adam computes in f32: a value must stay in range as an f32.
        let positive_f32 = |v: f64| v > 0.0 && (v as f32) > 0.0 && (v as f32).is_finite();
        if self.schedule.is_empty() || self.schedule.iter().any(|&(lr, _)| !positive_f32(lr)) {
            return bad(
                "schedule",
                format!("{:?}", self.schedule),
                "need >= 1 stage, every rate finite and > 0 as an f32",
            );
        }
        let epochs = self
            .schedule
            .iter()
            .try_fold(0usize, |acc, s| acc.checked_add(s.1))
            .and_then(|e| e.checked_add(self.settle_batch_norm));
        if epochs.is_none() {
            return bad(
                "schedule",
                format!(
                    "{:?} (settle_batch_norm {})",
                    self.schedule, self.settle_batch_norm
                ),
                "the total number of epochs overflows usize",
            );
        }
        if self.batch_size == 0 {
            return bad("batch_size", "0".into(), "batches need >= 1 sample");
        }
        for (name, v) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            if !((0.0..1.0).contains(&v) && (v as f32) < 1.0) {
                return bad(
                    name,
                    v.to_string(),
                    "must be in [0, 1), and below 1 as an f32",
                );
            }
        }
        if !positive_f32(self.eps) {
            return bad(
                "eps",
                self.eps.to_string(),
                "must be finite and > 0 as an f32",
            );
        }
        Ok(())
    }

    /// The variables to optimise, in name order.
    fn trainable_vars(&self, vars: &VarMap) -> Result<Vec<Var>> {
        let data = lock(vars)?;
        let mut chosen: Vec<(&String, &Var)> = data
            .iter()
            .filter(|(name, _)| match &self.trainable {
                None => true,
                Some(prefixes) => prefixes.iter().any(|p| name.starts_with(p.as_str())),
            })
            // Batch-norm running statistics are updated by the forward
            // pass, not by the optimizer.
            .filter(|(name, _)| !name.ends_with("running_mean") && !name.ends_with("running_var"))
            .collect();
        chosen.sort_by(|a, b| a.0.cmp(b.0));
        if chosen.is_empty() {
            return Err(Error::InvalidConfig {
                name: "trainable",
                value: format!("{:?}", self.trainable),
                reason: "no variable of the model matches",
            });
        }
        Ok(chosen.into_iter().map(|(_, v)| v.clone()).collect())
    }
}

/// The loop both trainers share: the stages of the schedule (a new Adam
/// per stage), epochs of seeded shuffled batches (`step` takes one batch's
/// sample indices and returns its mean loss), validation after each epoch,
/// checkpoints, early stop and the progress bar. Epochs before `start` are
/// skipped (resume). Then [`TrainConfig::settle_batch_norm`] passes of
/// `settle` (a training-mode forward pass of one batch).
pub(crate) fn train_loop(
    cfg: &TrainConfig,
    vars: &VarMap,
    n: usize,
    start: usize,
    mut step: impl FnMut(&mut Adam, &Tensor) -> Result<f64>,
    settle: impl Fn(&Tensor) -> Result<()>,
    validate: impl Fn() -> Result<Option<f64>>,
) -> Result<Vec<EpochLog>> {
    let trainable = cfg.trainable_vars(vars)?;
    // Adam's two f32 moments per trainable value, allocated per stage.
    let moments = trainable
        .iter()
        .try_fold(0u64, |acc, v| acc.checked_add(v.elem_count() as u64))
        .and_then(|c| c.checked_mul(8));
    tda_persistence::memory::check("Adam moments", moments)?;
    let device = trainable[0].device().clone();
    let total: usize = cfg.schedule.iter().map(|s| s.1).sum();
    let bar = if cfg.progress {
        ProgressBar::new(total as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} epochs {msg} [{elapsed} < {eta}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_position(start as u64);
    let mut logs = Vec::new();
    let (mut best, mut since_best) = (f64::INFINITY, 0usize);
    let mut epoch = 0usize;
    let mut finish = String::new();
    'stages: for &(lr, epochs) in &cfg.schedule {
        let stage_end = epoch + epochs;
        if stage_end <= start {
            epoch = stage_end;
            continue;
        }
        let mut opt = Adam::new(
            trainable.clone(),
            ParamsAdamW {
                lr,
                beta1: cfg.beta1,
                beta2: cfg.beta2,
                eps: cfg.eps,
                weight_decay: 0.0,
            },
        )?;
        for e in epoch.max(start)..stage_end {
            let mut sum = 0.0;
            for batch in shuffled(n, cfg.seed, e).chunks(cfg.batch_size) {
                let idx = Tensor::from_slice(batch, batch.len(), &device)?;
                let loss = step(&mut opt, &idx)?;
                if !loss.is_finite() {
                    return Err(Error::Diverged {
                        what: "training",
                        epoch: e + 1,
                        loss,
                    });
                }
                sum += loss * batch.len() as f64;
            }
            let train_loss = sum / n as f64;
            let val_loss = validate()?;
            if let Some(loss) = val_loss.filter(|v| !v.is_finite()) {
                return Err(Error::Diverged {
                    what: "validation",
                    epoch: e + 1,
                    loss,
                });
            }
            if let Some(path) = &cfg.checkpoint {
                save_checkpoint(vars, path, Some(e + 1))?;
            }
            logs.push(EpochLog {
                epoch: e + 1,
                lr,
                train_loss,
                val_loss,
            });
            bar.set_message(match val_loss {
                Some(v) => format!("train {train_loss:.3e} val {v:.3e}"),
                None => format!("train {train_loss:.3e}"),
            });
            bar.inc(1);
            if let (Some(v), Some(patience)) = (val_loss, cfg.patience) {
                if v < best {
                    (best, since_best) = (v, 0);
                } else {
                    since_best += 1;
                    if since_best >= patience {
                        finish = format!("early stop at epoch {}", e + 1);
                        break 'stages;
                    }
                }
            }
        }
        epoch = stage_end;
    }
    if cfg.settle_batch_norm > 0 {
        for pass in 0..cfg.settle_batch_norm {
            for batch in shuffled(n, cfg.seed ^ 0x005E_771E, total + pass).chunks(cfg.batch_size) {
                settle(&Tensor::from_slice(batch, batch.len(), &device)?)?;
            }
        }
        if let (Some(path), Some(last)) = (&cfg.checkpoint, logs.last()) {
            save_checkpoint(vars, path, Some(last.epoch))?;
        }
    }
    if finish.is_empty() {
        bar.finish();
    } else {
        bar.finish_with_message(finish);
    }
    Ok(logs)
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
pub(crate) fn step_if_finite(opt: &mut Adam, loss: &Tensor) -> Result<f64> {
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

/// `0..n` shuffled by Fisher–Yates with a generator seeded by `(seed,
/// epoch)`.
fn shuffled(n: usize, seed: u64, epoch: usize) -> Vec<u32> {
    let mut rng = SplitMix64(seed ^ (epoch as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let mut order: Vec<u32> = (0..n as u32).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    order
}
