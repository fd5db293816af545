//! Batch norm (Ioffe & Szegedy, ICML 2015) as Keras configures it: the
//! published PI-Net models are Keras models. candle's `BatchNorm` computes
//! it (a [`candle_core::ModuleT`]: batch statistics in training, running
//! statistics in inference); only the configuration differs from candle's
//! default.

use candle_nn::{batch_norm, BatchNorm, BatchNormConfig, VarBuilder};
use tda_persistence::memory;

use crate::error::{Error, Result};
use crate::validate::size::batch_norm_params;

/// Keras' batch norm settings: running statistics updated with momentum
/// 0.99 (candle's `momentum` is the weight of the new batch: 0.01),
/// epsilon 1e-3, a learned scale and shift.
pub fn keras_batch_norm_config() -> BatchNormConfig {
    BatchNormConfig {
        eps: 1e-3,
        remove_mean: true,
        affine: true,
        momentum: 0.01,
    }
}

/// A batch norm over `channels` (dimension 1 of its input) with
/// [`keras_batch_norm_config`], variables `weight`, `bias`, `running_mean`
/// and `running_var` from `vb`.
///
/// # Errors
/// [`Error::InvalidConfig`] for 0 channels; [`Error::TooLarge`] when the
/// four variables are over [`tda_persistence::memory::limit`];
/// [`Error::Candle`] when `vb` cannot provide them (a checkpoint-backed
/// `vb` without them, or of another shape).
pub fn keras_batch_norm(channels: usize, vb: VarBuilder) -> Result<BatchNorm> {
    if channels == 0 {
        return Err(Error::InvalidConfig {
            name: "channels",
            value: "0".into(),
            reason: "batch norm needs >= 1 channel",
        });
    }
    memory::check("batch norm", batch_norm_params(channels).bytes(vb.dtype()))?;
    Ok(batch_norm(channels, keras_batch_norm_config(), vb)?)
}
