//! What the persistence layers share about their input tensor: its finite
//! host copy and the index tensors that gather critical values from it.

use candle_core::{CpuStorage, DType, Device, Storage, Tensor, WithDType};

use crate::error::{Error, Result};

/// The values of `flat` (the input flattened row-major, of dimensions
/// `dims`) as `f64` on the host.
///
/// # Errors
/// [`Error::NonFinite`] naming the index (one entry per dimension) of the
/// first NaN or infinite value; [`Error::Candle`] from the copy.
pub(crate) fn finite_host_copy(flat: &Tensor, dims: &[usize]) -> Result<Vec<f64>> {
    let host = flat.to_dtype(DType::F64)?.to_vec1::<f64>()?;
    match first_non_finite(&host) {
        Some(i) => Err(non_finite(i, host[i], dims)),
        None => Ok(host),
    }
}

/// Checks that every value of `flat` (as [`finite_host_copy`]) is finite:
/// in place for a contiguous CPU tensor of `f32` or `f64` (no copy),
/// through a host copy otherwise.
///
/// # Errors
/// As [`finite_host_copy`].
pub(crate) fn check_finite(flat: &Tensor, dims: &[usize]) -> Result<()> {
    fn check<T: WithDType>(v: &[T], dims: &[usize]) -> Result<()> {
        match first_non_finite(v) {
            Some(i) => Err(non_finite(i, v[i].to_f64(), dims)),
            None => Ok(()),
        }
    }
    let (storage, layout) = flat.storage_and_layout();
    match (&*storage, layout.contiguous_offsets()) {
        (Storage::Cpu(CpuStorage::F32(v)), Some((a, b))) => check(&v[a..b], dims),
        (Storage::Cpu(CpuStorage::F64(v)), Some((a, b))) => check(&v[a..b], dims),
        _ => {
            drop(storage);
            finite_host_copy(flat, dims).map(drop)
        }
    }
}

/// The position of the first NaN or infinite value of `v`, found block by
/// block (a branch-free test per block of 64, which vectorises).
fn first_non_finite<T: WithDType>(v: &[T]) -> Option<usize> {
    const BLOCK: usize = 64;
    let bad = |x: &T| !x.to_f64().is_finite();
    let block = v
        .chunks(BLOCK)
        .position(|c| c.iter().fold(false, |any, x| any | bad(x)))?;
    let start = block * BLOCK;
    v[start..].iter().position(bad).map(|i| start + i)
}

/// [`Error::NonFinite`] for the value `value` at flat index `i` of an
/// input of dimensions `dims`, named by its index along each dimension.
fn non_finite(i: usize, value: f64, dims: &[usize]) -> Error {
    let mut index = vec![0; dims.len()];
    let mut rest = i;
    for (slot, &d) in index.iter_mut().zip(dims).rev() {
        *slot = rest % d;
        rest /= d;
    }
    Error::NonFinite {
        name: "x",
        index,
        value,
    }
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
