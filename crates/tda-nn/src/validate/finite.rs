//! Finite-value checks of the tensors the models and trainers take, and
//! of the outputs they return.

use candle_core::{DType, Tensor};

use crate::error::{Error, Result};

/// Elements copied to the host at a time while looking for a non-finite
/// value.
const CHUNK: usize = 1 << 16;

/// [`Error::NonFinite`] naming the first (row-major) NaN or infinite
/// element of `t`, if any. Integer tensors are always finite.
///
/// The common case costs one reduction on the tensor's device: the sum of
/// the elements is finite when they all are (a NaN or infinity propagates
/// into it); only when it is not (a non-finite element, or finite
/// elements whose sum overflows) is the tensor read back, in chunks.
pub(crate) fn check_finite(t: &Tensor, name: &'static str) -> Result<()> {
    if !t.dtype().is_float() || t.elem_count() == 0 {
        return Ok(());
    }
    let probe = t.sum_all()?.to_dtype(DType::F64)?.to_scalar::<f64>()?;
    if probe.is_finite() {
        return Ok(());
    }
    let flat = t.flatten_all()?;
    let total = flat.elem_count();
    let mut start = 0;
    while start < total {
        let len = CHUNK.min(total - start);
        let values = flat
            .narrow(0, start, len)?
            .to_dtype(DType::F64)?
            .to_vec1::<f64>()?;
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                name,
                index: unravel(start + i, t.dims()),
                value: values[i],
            });
        }
        start += len;
    }
    Ok(())
}

/// `y`, or [`Error::NonFinite`] naming its first NaN or infinite value
/// (named `output`: computed from finite input, it overflowed the dtype's
/// range).
pub(crate) fn finite_output(y: Tensor) -> Result<Tensor> {
    check_finite(&y, "output")?;
    Ok(y)
}

/// The multi-dimensional index of the row-major flat index `flat`.
fn unravel(mut flat: usize, dims: &[usize]) -> Vec<usize> {
    let mut index = vec![0; dims.len()];
    for (i, &d) in dims.iter().enumerate().rev() {
        if d > 0 {
            index[i] = flat % d;
            flat /= d;
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn names_the_first_non_finite_element() {
        let mut v = vec![1f32; 2 * 3 * 4];
        v[13] = f32::INFINITY;
        v[20] = f32::NAN;
        let t = Tensor::from_vec(v, (2, 3, 4), &Device::Cpu).unwrap();
        let err = check_finite(&t, "x").unwrap_err();
        assert!(
            matches!(err, Error::NonFinite { name: "x", ref index, value } if index == &[1, 0, 1] && value == f64::INFINITY),
            "{err}"
        );
        // Finite values whose sum overflows are finite.
        let big = Tensor::from_vec(vec![f32::MAX; 4], 4, &Device::Cpu).unwrap();
        check_finite(&big, "x").unwrap();
        // Integers, and empty tensors.
        check_finite(&Tensor::new(&[1u32, 2], &Device::Cpu).unwrap(), "x").unwrap();
        check_finite(
            &Tensor::zeros((0, 3), DType::F32, &Device::Cpu).unwrap(),
            "x",
        )
        .unwrap();
        // A non-finite value beyond the first chunk.
        let mut v = vec![0f64; CHUNK + 5];
        v[CHUNK + 3] = f64::NEG_INFINITY;
        let t = Tensor::from_vec(v, CHUNK + 5, &Device::Cpu).unwrap();
        let err = check_finite(&t, "y").unwrap_err();
        assert!(
            matches!(err, Error::NonFinite { name: "y", ref index, .. } if index == &[CHUNK + 3]),
            "{err}"
        );
    }

    #[test]
    fn unravels_row_major() {
        assert_eq!(unravel(0, &[2, 3]), vec![0, 0]);
        assert_eq!(unravel(5, &[2, 3]), vec![1, 2]);
        assert_eq!(unravel(7, &[2, 3, 4]), vec![0, 1, 3]);
        assert_eq!(unravel(0, &[]), Vec::<usize>::new());
    }
}
