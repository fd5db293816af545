//! Exact training targets for the PI-Nets (Som et al., CVPR-W 2020): the
//! persistence image of every channel of every signal, as one array.
//! `tda-nn` turns it into a tensor for training; nothing here needs candle.

use ndarray::parallel::prelude::*;
use ndarray::{Array4, ArrayView3, Axis};
use tda_persistence::memory;
use tda_persistence::sublevel::SignalH0;

use crate::error::{Error, Result};
use crate::{PersistenceImage, Vectorizer};

/// Exact persistence images of every channel of every signal: `signals` is
/// `(batch, channels, length)`; each channel's 0-dimensional sublevel
/// diagram ([`tda_persistence::sublevel::h0`]) is vectorised by `image`, giving `(batch,
/// channels, rows, cols)` in channel-major order (the PI-Nets' output
/// layout), computed in parallel (the result does not depend on the number
/// of threads).
///
/// The PI-Net recipe is [`PersistenceImage::pinet_signal`] (signals) or
/// [`PersistenceImage::pinet_image`] (image channels flattened row-major,
/// values in `[0, 1]`, bars of one grey level or less dropped): the legacy
/// `PersImage` grid, essential pairs dropped, each channel divided by its
/// maximum.
///
/// ```
/// use ndarray::Array3;
/// use tda_vectorize::{pinet_targets, PersistenceImage};
/// let signals = Array3::from_shape_fn((2, 3, 100), |(b, c, t)| ((b + c + t) as f64 * 0.3).sin());
/// let y = pinet_targets(signals.view(), &PersistenceImage::pinet_signal()).unwrap();
/// assert_eq!(y.dim(), (2, 3, 50, 50));
/// ```
///
/// # Errors
/// [`Error::Shape`] for an empty batch, channel list or signal;
/// [`Error::NonFiniteInput`] naming the `[sample, channel, index]` of the
/// first NaN or infinite value (row-major); [`Error::TooLarge`] when the
/// output (`batch x channels x rows x cols` of `f32`) and the per-worker
/// buffers are over [`tda_persistence::memory::limit`] (checked before
/// anything is allocated); the errors of the diagram
/// ([`Error::Persistence`]) and the image.
pub fn pinet_targets(signals: ArrayView3<f64>, image: &PersistenceImage) -> Result<Array4<f32>> {
    let (batch, channels, length) = signals.dim();
    if batch == 0 || channels == 0 || length == 0 {
        return Err(Error::Shape {
            name: "signals",
            expected: "(batch >= 1, channels >= 1, length >= 1)",
            got: vec![batch, channels, length],
        });
    }
    let (rows, cols) = image.shape();
    memory::check(
        "PI-Net targets",
        memory::sum(&[
            memory::bytes_of::<f32>(&[batch, channels, rows, cols]),
            // A worker's channel copy and the H0 engine's buffers (a few
            // words per sample), for each thread.
            memory::bytes_of::<f64>(&[length, 8, rayon::current_num_threads()]),
        ]),
    )?;
    // Checked here, in order, so the error names the first bad value
    // whatever the thread count.
    // (`iter` is in logical row-major order; `indexed_iter` costs far more.)
    if let Some(flat) = signals.iter().position(|v| !v.is_finite()) {
        let (b, c, i) = (
            flat / (channels * length),
            flat / length % channels,
            flat % length,
        );
        return Err(Error::NonFiniteInput {
            name: "signals",
            index: vec![b, c, i],
            value: signals[[b, c, i]],
        });
    }
    let mut out = Array4::<f32>::zeros((batch, channels, rows, cols));
    out.axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(signals.axis_iter(Axis(0)).into_par_iter())
        // One reusable H0 engine and channel buffer per worker.
        .try_for_each_init(
            || (SignalH0::default(), Vec::with_capacity(length)),
            |(h0, values), (mut o, signal)| -> Result<()> {
                for (mut img, channel) in o.axis_iter_mut(Axis(0)).zip(signal.axis_iter(Axis(0))) {
                    values.clear();
                    values.extend(channel.iter());
                    let diagram = h0.sublevel(values)?;
                    let dst = img.as_slice_mut().ok_or_else(|| Error::Shape {
                        name: "targets",
                        expected: "a contiguous image",
                        got: vec![rows, cols],
                    })?;
                    image.transform_into(&diagram, dst)?;
                }
                Ok(())
            },
        )?;
    Ok(out)
}
