//! How to train: [`TrainConfig`], shared by both trainers, checked once
//! when a trainer is built.

use std::ops::Range;
use std::path::PathBuf;

use candle_core::Var;
use candle_nn::VarMap;

use super::checkpoint::lock;
use crate::error::{Error, Result};

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
    /// prefixes (e.g. [`PiNet::head_prefixes`](crate::PiNet::head_prefixes) for transfer learning); all
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
            checkpoint: None,
            settle_batch_norm: 0,
            trainable: None,
        }
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

    /// The Persistent CNN's recipe (the authors' `train_model.pc_fcn.py`)
    /// for [`TaggerTrainer`](crate::TaggerTrainer): Adagrad at learning
    /// rate 0.01 with Lasagne's epsilon 1e-6 (in `eps`) for 10 epochs,
    /// batches of 10, the rest as [`TrainConfig::default`] (Adam's decays
    /// are unused).
    pub fn persistent_cnn() -> Self {
        Self {
            schedule: vec![(0.01, 10)],
            batch_size: 10,
            eps: 1e-6,
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
    pub(crate) fn trainable_vars(&self, vars: &VarMap) -> Result<Vec<Var>> {
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

    /// Epochs of the schedule in all (without the settling passes; checked
    /// by [`TrainConfig::check`] not to overflow).
    pub(crate) fn epochs(&self) -> usize {
        self.schedule.iter().map(|s| s.1).sum()
    }

    /// The stages of the schedule: each learning rate with the epochs
    /// (numbered from 0) it runs.
    pub(crate) fn stages(&self) -> impl Iterator<Item = (f64, Range<usize>)> + '_ {
        self.schedule.iter().scan(0usize, |end, &(lr, epochs)| {
            let start = *end;
            *end += epochs;
            Some((lr, start..*end))
        })
    }
}
