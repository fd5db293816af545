//! What the persistence layers share about their input tensor: its finite
//! host copy and the index tensors that gather critical values from it.

use candle_core::{DType, Device, Tensor};

use crate::error::{Error, Result};

/// The values of `flat` (the input flattened row-major, of dimensions
/// `dims`) as `f64` on the host.
///
/// # Errors
/// [`Error::NonFinite`] naming the index (one entry per dimension) of the
/// first NaN or infinite value; [`Error::Candle`] from the copy.
pub(crate) fn finite_host_copy(flat: &Tensor, dims: &[usize]) -> Result<Vec<f64>> {
    let host = flat.to_dtype(DType::F64)?.to_vec1::<f64>()?;
    if let Some(i) = host.iter().position(|v| !v.is_finite()) {
        let mut index = vec![0; dims.len()];
        let mut rest = i;
        for (slot, &d) in index.iter_mut().zip(dims).rev() {
            *slot = rest % d;
            rest /= d;
        }
        return Err(Error::NonFinite {
            name: "x",
            index,
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
