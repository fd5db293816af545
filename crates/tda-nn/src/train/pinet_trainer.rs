//! Training PI-Nets on exact persistence images (MSE), as the paper does.

use std::ops::ControlFlow;
use std::path::Path;

use candle_core::Tensor;
use candle_nn::VarMap;

use super::adam::Adam;
use super::checkpoint::load_checkpoint;
use super::config::TrainConfig;
use super::fit::{
    batched_mean, finite_loss, samples, scalar, step_if_finite, train_loop, EpochLog, Steps,
    Validation,
};
use crate::error::Result;
use crate::models::PiNet;
use crate::validate::check_finite;

/// Trains a [`PiNet`] whose variables live in a `VarMap`, with MSE.
///
/// Progress is the caller's to show: [`PiNetTrainer::fit_with`] reports
/// each epoch to a callback, which can also stop training.
#[derive(Debug, Clone)]
pub struct PiNetTrainer {
    cfg: TrainConfig,
}

impl PiNetTrainer {
    /// A trainer.
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] for an empty schedule, a rate that is
    /// not finite and positive (as an `f32`), a batch size of 0, a total of
    /// epochs that overflows, or Adam parameters outside their ranges.
    pub fn new(cfg: TrainConfig) -> Result<Self> {
        cfg.check()?;
        Ok(Self { cfg })
    }

    /// The configuration.
    pub fn config(&self) -> &TrainConfig {
        &self.cfg
    }

    /// Trains `model` (variables in `vars`) on inputs `x` and targets `y`
    /// (first dimension: samples), reporting validation loss on `val`;
    /// returns every epoch's losses. [`PiNetTrainer::fit_with`] does the
    /// same and reports each epoch as it ends.
    ///
    /// # Errors
    /// [`crate::Error::Shape`] when `x` and `y` differ in samples or have
    /// none (or more than `u32::MAX`); [`crate::Error::NonFinite`] naming
    /// the first NaN or infinite value of `x`, `y` or the validation set;
    /// [`crate::Error::Diverged`] when a batch's or the validation loss
    /// becomes NaN or infinite (training stops there); the model's errors
    /// for inputs of the wrong shape, dtype or device; those of
    /// [`crate::save_checkpoint`] when [`TrainConfig::checkpoint`] is set.
    pub fn fit<M: PiNet>(
        &self,
        model: &M,
        vars: &VarMap,
        x: &Tensor,
        y: &Tensor,
        val: Option<(&Tensor, &Tensor)>,
    ) -> Result<Vec<EpochLog>> {
        self.fit_with(model, vars, x, y, val, |_| ControlFlow::Continue(()))
    }

    /// [`PiNetTrainer::fit`], calling `on_epoch` after each epoch (after
    /// its checkpoint is saved) with its losses; training stops there when
    /// `on_epoch` returns [`ControlFlow::Break`] (the batch-norm settling
    /// passes still run). A progress bar, a log line, or a stop rule of the
    /// caller's:
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use candle_core::{DType, Device, Tensor};
    /// use candle_nn::{VarBuilder, VarMap};
    /// use tda_nn::{init_keras, PiNetTrainer, SignalPiNet, SignalPiNetConfig, TrainConfig};
    /// let cfg = SignalPiNetConfig { length: 12, channels: 2, filters: vec![4, 4], kernel: 3, resolution: 3 };
    /// let vars = VarMap::new();
    /// let net = SignalPiNet::new(cfg, VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu)).unwrap();
    /// init_keras(&vars, 0).unwrap();
    /// let x = Tensor::randn(0f32, 1.0, (8, 2, 12), &Device::Cpu).unwrap();
    /// let y = Tensor::zeros((8, 2, 3, 3), DType::F32, &Device::Cpu).unwrap();
    /// let trainer = PiNetTrainer::new(TrainConfig { schedule: vec![(1e-3, 5)], ..TrainConfig::default() }).unwrap();
    /// let logs = trainer
    ///     .fit_with(&net, &vars, &x, &y, None, |log| {
    ///         eprintln!("epoch {}/{}: MSE {:.3e}", log.epoch, log.epochs, log.train_loss);
    ///         // Stop after 3 epochs (or on any rule of the caller's).
    ///         if log.epoch == 3 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    ///     })
    ///     .unwrap();
    /// assert_eq!(logs.len(), 3);
    /// ```
    ///
    /// # Errors
    /// As [`PiNetTrainer::fit`].
    pub fn fit_with<M: PiNet>(
        &self,
        model: &M,
        vars: &VarMap,
        x: &Tensor,
        y: &Tensor,
        val: Option<(&Tensor, &Tensor)>,
        mut on_epoch: impl FnMut(&EpochLog) -> ControlFlow<()>,
    ) -> Result<Vec<EpochLog>> {
        self.fit_from(model, vars, (x, y), val, 0, &mut on_epoch)
    }

    /// Loads the checkpoint at `path` into `vars` and trains on from the
    /// epoch it records (the shuffling of each epoch depends on the seed
    /// and the epoch only, so it is the order an uninterrupted run would
    /// have used; Adam's moments start afresh, as at every stage change).
    ///
    /// # Errors
    /// Those of [`crate::load_checkpoint`], then as [`PiNetTrainer::fit`].
    pub fn resume<M: PiNet>(
        &self,
        model: &M,
        vars: &VarMap,
        path: &Path,
        x: &Tensor,
        y: &Tensor,
        val: Option<(&Tensor, &Tensor)>,
    ) -> Result<Vec<EpochLog>> {
        self.resume_with(model, vars, path, x, y, val, |_| ControlFlow::Continue(()))
    }

    /// [`PiNetTrainer::resume`] with a callback, as
    /// [`PiNetTrainer::fit_with`] (the first epoch reported is the first
    /// one after the checkpoint's).
    ///
    /// # Errors
    /// As [`PiNetTrainer::resume`].
    #[allow(clippy::too_many_arguments)]
    pub fn resume_with<M: PiNet>(
        &self,
        model: &M,
        vars: &VarMap,
        path: &Path,
        x: &Tensor,
        y: &Tensor,
        val: Option<(&Tensor, &Tensor)>,
        mut on_epoch: impl FnMut(&EpochLog) -> ControlFlow<()>,
    ) -> Result<Vec<EpochLog>> {
        let done = load_checkpoint(vars, path)?.unwrap_or(0);
        self.fit_from(model, vars, (x, y), val, done, &mut on_epoch)
    }

    /// Checks the data once, then runs the shared loop from epoch `start`.
    fn fit_from<M: PiNet>(
        &self,
        model: &M,
        vars: &VarMap,
        (x, y): (&Tensor, &Tensor),
        val: Option<(&Tensor, &Tensor)>,
        start: usize,
        on_epoch: &mut dyn FnMut(&EpochLog) -> ControlFlow<()>,
    ) -> Result<Vec<EpochLog>> {
        let n = samples(x, y)?;
        check_finite(x, "x")?;
        check_finite(y, "y")?;
        if let Some((vx, vy)) = val {
            samples(vx, vy)?;
            check_finite(vx, "val.x")?;
            check_finite(vy, "val.y")?;
        }
        let steps = Steps {
            step: |opt: &mut Adam, idx: &Tensor| -> Result<f64> {
                let (bx, by) = (x.index_select(idx, 0)?, y.index_select(idx, 0)?);
                let loss = candle_nn::loss::mse(&model.forward_t(&bx, true)?, &by)?;
                step_if_finite(opt, &loss)
            },
            settle: |idx: &Tensor| -> Result<()> {
                model.forward_t(&x.index_select(idx, 0)?, true)?;
                Ok(())
            },
            // Checked once above: each epoch computes the loss only.
            validate: || {
                val.map(|(vx, vy)| {
                    Ok(Validation::loss(self.mean_loss(
                        model,
                        vx,
                        vy,
                        vx.dim(0)?,
                    )?))
                })
                .transpose()
            },
        };
        train_loop(&self.cfg, vars, n, start, steps, on_epoch)
    }

    /// MSE of `model` on `(x, y)` in inference mode, in batches.
    ///
    /// # Errors
    /// As [`PiNetTrainer::fit`] for the shapes and values of `x` and `y`;
    /// [`crate::Error::NonFinite`] named `loss` when the loss overflows.
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
