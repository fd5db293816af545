//! ndarray arrays to candle tensors and back.
//!
//! [`to_tensor`] copies an array of any dimension and layout (views,
//! transposed or strided ones included) into a tensor of the same shape and
//! element type on a device; [`to_array`] copies a tensor (from any device)
//! into an array of a chosen element type and dimension, converting the
//! dtype as candle's `to_dtype` does. Element types are candle's
//! ([`WithDType`]: `f32`, `f64`, `u8`, `u32`, `i64`, ...); the workspace's
//! convention is `f64` for numbers and `f32` for tensors.
//!
//! ```
//! use candle_core::Device;
//! use ndarray::{array, Array2};
//! use tda_nn::tensor::{to_array, to_tensor};
//! let a = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
//! let t = to_tensor(&a.t(), &Device::Cpu).unwrap();
//! assert_eq!(t.dims(), &[3, 2]);
//! let back: Array2<f64> = to_array(&t).unwrap();
//! assert_eq!(back, a.t().mapv(f64::from));
//! ```

use candle_core::{Device, Tensor, WithDType};
use ndarray::{Array, ArrayBase, Data, Dimension, IxDyn};
use tda_persistence::memory;

use crate::error::{Error, Result};

/// A tensor of `array`'s shape and element type on `device`, holding its
/// values in logical (row-major) order whatever its memory layout.
///
/// # Errors
/// [`Error::TooLarge`] if the tensor would exceed the memory limit
/// ([`tda_persistence::memory::limit`]); [`Error::Candle`] if the device
/// cannot hold it.
pub fn to_tensor<A, S, D>(array: &ArrayBase<S, D>, device: &Device) -> Result<Tensor>
where
    A: WithDType,
    S: Data<Elem = A>,
    D: Dimension,
{
    memory::check(
        "tensor copied from an array",
        memory::bytes_of::<A>(array.shape()),
    )?;
    let standard = array.as_standard_layout();
    let tensor = match standard.as_slice() {
        Some(values) => Tensor::from_slice(values, array.shape(), device)?,
        // A standard-layout array is contiguous; this path is never taken.
        None => Tensor::from_iter(standard.iter().copied(), device)?.reshape(array.shape())?,
    };
    Ok(tensor)
}

/// An array of element type `A` and dimension `D` (e.g. `Ix2`, or `IxDyn`
/// for any) holding `tensor`'s values, copied to the host and converted to
/// `A` (as candle's `to_dtype` converts: `f64` to `f32` rounds to
/// nearest).
///
/// # Errors
/// [`Error::Shape`] (named `tensor`) if `D` has a fixed number of
/// dimensions other than the tensor's; [`Error::TooLarge`] if the array
/// would exceed the memory limit; [`Error::Candle`] if the tensor cannot
/// be converted or copied.
pub fn to_array<A, D>(tensor: &Tensor) -> Result<Array<A, D>>
where
    A: WithDType,
    D: Dimension,
{
    let dims = tensor.dims();
    if D::NDIM.is_some_and(|n| n != dims.len()) {
        return Err(Error::Shape {
            name: "tensor",
            expected: format!("{} dimensions", D::NDIM.unwrap_or_default()),
            got: dims.to_vec(),
        });
    }
    memory::check("array copied from a tensor", memory::bytes_of::<A>(dims))?;
    let values = tensor.to_dtype(A::DTYPE)?.flatten_all()?.to_vec1::<A>()?;
    let array = Array::from_shape_vec(IxDyn(dims), values).map_err(|e| Error::Shape {
        name: "tensor",
        expected: format!("{} values ({e})", dims.iter().product::<usize>()),
        got: dims.to_vec(),
    })?;
    array.into_dimensionality::<D>().map_err(|_| Error::Shape {
        name: "tensor",
        expected: format!("{} dimensions", D::NDIM.unwrap_or_default()),
        got: dims.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::DType;
    use ndarray::{array, s, Array1, Array3, ArrayD, Ix2, ShapeBuilder};

    #[test]
    fn round_trips_keep_values_shapes_and_dtypes() {
        let a = Array3::<f64>::from_shape_fn((2, 3, 4), |(i, j, k)| {
            (i * 12 + j * 4 + k) as f64 * 0.1 - 1.0
        });
        let t = to_tensor(&a, &Device::Cpu).unwrap();
        assert_eq!((t.dims(), t.dtype()), (&[2, 3, 4][..], DType::F64));
        let b: Array3<f64> = to_array(&t).unwrap();
        assert_eq!(a, b);
        let d: ArrayD<f64> = to_array(&t).unwrap();
        assert_eq!(d.shape(), &[2, 3, 4]);

        let f = array![[1.5f32, f32::INFINITY], [f32::MIN_POSITIVE / 4.0, -0.0]];
        let t = to_tensor(&f, &Device::Cpu).unwrap();
        assert_eq!(t.dtype(), DType::F32);
        let g: ndarray::Array2<f32> = to_array(&t).unwrap();
        let bits = |x: &ndarray::Array2<f32>| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&f), bits(&g));
    }

    #[test]
    fn any_layout_is_copied_in_logical_order() {
        let a = Array::from_shape_vec((3, 4).f(), (0..12).map(|v| v as f32).collect()).unwrap();
        let t = to_tensor(&a, &Device::Cpu).unwrap();
        assert_eq!(to_array::<f32, Ix2>(&t).unwrap(), a);
        let view = a.slice(s![..;2, 1..;2]);
        let t = to_tensor(&view, &Device::Cpu).unwrap();
        assert_eq!(to_array::<f32, Ix2>(&t).unwrap(), view);
        let empty = Array1::<f32>::zeros(0);
        let t = to_tensor(&empty, &Device::Cpu).unwrap();
        assert_eq!(to_array::<f32, ndarray::Ix1>(&t).unwrap(), empty);
    }

    #[test]
    fn dtypes_are_converted_on_the_way_back() {
        let t = Tensor::new(&[[0.1f64, 2.0]], &Device::Cpu).unwrap();
        let a: ndarray::Array2<f32> = to_array(&t).unwrap();
        assert_eq!(a, array![[0.1f32, 2.0]]);
    }

    #[test]
    fn a_wrong_rank_is_a_shape_error() {
        let t = Tensor::zeros((2, 3), DType::F32, &Device::Cpu).unwrap();
        let e = to_array::<f32, ndarray::Ix3>(&t).unwrap_err();
        assert!(
            matches!(&e, Error::Shape { name: "tensor", got, .. } if got == &[2, 3]),
            "{e}"
        );
        assert!(e.to_string().contains("3 dimensions"), "{e}");
    }
}
