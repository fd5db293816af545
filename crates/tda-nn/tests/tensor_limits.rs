//! The array <-> tensor helpers refuse copies over the memory limit (a
//! test binary of its own: it lowers the process-wide limit).

use candle_core::{DType, Device, Tensor};
use ndarray::{Array2, Ix2};
use tda_nn::tensor::{to_array, to_tensor};
use tda_nn::Error;
use tda_persistence::memory;

#[test]
fn copies_over_the_memory_limit_are_refused() {
    let a = Array2::<f32>::zeros((10, 10));
    let t = Tensor::zeros((10, 10), DType::F64, &Device::Cpu).unwrap();
    memory::set_limit(399);
    let e = to_tensor(&a, &Device::Cpu).unwrap_err();
    assert!(
        matches!(&e, Error::TooLarge(m) if m.estimated_bytes == 400 && m.what == "tensor copied from an array"),
        "{e:?}"
    );
    let e = to_array::<f32, Ix2>(&t).unwrap_err();
    assert!(
        matches!(&e, Error::TooLarge(m) if m.estimated_bytes == 400 && m.what == "array copied from a tensor"),
        "{e:?}"
    );
    memory::set_limit(400);
    assert_eq!(to_tensor(&a, &Device::Cpu).unwrap().dims(), &[10, 10]);
    assert_eq!(to_array::<f32, Ix2>(&t).unwrap(), a);
    memory::set_limit(memory::DEFAULT_LIMIT);
}
