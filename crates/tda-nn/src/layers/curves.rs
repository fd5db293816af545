//! What the persistence layers share about their input, a batch of curves
//! `(batch, channels, length)`: its checks, its finite host copy, and the
//! index tensors that gather critical values from it.

use candle_core::{DType, Device, Tensor};

use crate::error::{Error, Result};

/// `(batch, channels, length)` of a floating-point tensor `x`.
///
/// # Errors
/// [`Error::Shape`] for another rank; [`Error::Incompatible`] for an
/// integer dtype (tents and pixel masses need a floating one).
pub(crate) fn curve_dims(x: &Tensor) -> Result<(usize, usize, usize)> {
    let &[batch, channels, length] = x.dims() else {
        return Err(Error::Shape {
            name: "x",
            expected: "(batch, channels, length)".into(),
            got: x.dims().to_vec(),
        });
    };
    if !x.dtype().is_float() {
        return Err(Error::Incompatible {
            name: "x",
            expected: "a floating dtype".into(),
            got: format!("{:?}", x.dtype()),
        });
    }
    Ok((batch, channels, length))
}

/// The values of `flat` (the input flattened, curves of `length` values in
/// `channels` per sample) as `f64` on the host.
///
/// # Errors
/// [`Error::NonFinite`] naming `[batch, channel, index]` of the first NaN
/// or infinite value; [`Error::Candle`] from the copy.
pub(crate) fn finite_host_copy(flat: &Tensor, channels: usize, length: usize) -> Result<Vec<f64>> {
    let host = flat.to_dtype(DType::F64)?.to_vec1::<f64>()?;
    if let Some(i) = host.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite {
            name: "x",
            index: vec![i / (channels * length), (i / length) % channels, i % length],
            value: host[i],
        });
    }
    Ok(host)
}

/// Flat input indices as an index tensor on `device` for `index_select`
/// on an input of `elements` values: `u32` where they fit, `i64` past
/// `u32::MAX` elements.
///
/// # Errors
/// [`Error::Candle`] from the tensor's creation.
pub(crate) fn index_tensor(
    indices: Vec<usize>,
    elements: usize,
    device: &Device,
) -> Result<Tensor> {
    let n = indices.len();
    Ok(if elements <= u32::MAX as usize {
        let v: Vec<u32> = indices.into_iter().map(|i| i as u32).collect();
        Tensor::from_vec(v, n, device)?
    } else {
        let v: Vec<i64> = indices.into_iter().map(|i| i as i64).collect();
        Tensor::from_vec(v, n, device)?
    })
}
