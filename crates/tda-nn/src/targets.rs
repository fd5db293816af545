//! The PI-Nets' training targets as a tensor. The targets themselves (the
//! exact persistence image of every channel) are
//! [`tda_vectorize::pinet_targets`], which needs no candle; this is the
//! step from its array to a tensor.

use candle_core::{Device, Tensor};
use ndarray::ArrayView3;
use tda_vectorize::PersistenceImage;

use crate::error::Result;

/// The exact PI-Net targets of `signals` (`(batch, channels, length)`;
/// [`tda_vectorize::pinet_targets`] with `image`, e.g.
/// [`PersistenceImage::pinet_signal`]) as an `f32` tensor `(batch,
/// channels, rows, cols)` on `device`: what
/// [`PiNetTrainer::fit`](crate::PiNetTrainer::fit) takes as `y`.
///
/// ```
/// use candle_core::Device;
/// use ndarray::Array3;
/// use tda_nn::pinet_targets_tensor;
/// use tda_vectorize::PersistenceImage;
/// let signals = Array3::from_shape_fn((4, 3, 100), |(b, c, t)| ((b + c) as f64 + t as f64 * 0.2).sin());
/// let y = pinet_targets_tensor(signals.view(), &PersistenceImage::pinet_signal(), &Device::Cpu).unwrap();
/// assert_eq!(y.dims(), &[4, 3, 50, 50]);
/// ```
///
/// # Errors
/// Those of [`tda_vectorize::pinet_targets`] (as
/// [`crate::Error::Vectorize`]: empty input, NaN or infinite values,
/// sizes over the memory limit); [`crate::Error::Candle`] when the tensor
/// cannot be made on `device`.
pub fn pinet_targets_tensor(
    signals: ArrayView3<f64>,
    image: &PersistenceImage,
    device: &Device,
) -> Result<Tensor> {
    let targets = tda_vectorize::pinet_targets(signals, image)?;
    let shape = targets.shape().to_vec();
    // A fresh array in standard layout: its buffer is the row-major data.
    Ok(Tensor::from_vec(
        targets.into_raw_vec_and_offset().0,
        shape,
        device,
    )?)
}
