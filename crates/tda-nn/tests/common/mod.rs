//! Helpers shared by the tda-nn test files.
#![allow(dead_code)]

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};

pub mod persistence;

/// A builder of `f32` variables on the CPU, stored in `vars`.
pub fn vb(vars: &VarMap) -> VarBuilder<'_> {
    VarBuilder::from_varmap(vars, DType::F32, &Device::Cpu)
}

/// The values of `t`, flattened to `f32`.
pub fn values(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

/// Every variable of `vars` by name, flattened to `f32` values, in name order.
pub fn snapshot(vars: &VarMap) -> Vec<(String, Vec<f32>)> {
    let data = vars.data().lock().unwrap();
    let mut out: Vec<(String, Vec<f32>)> = data
        .iter()
        .map(|(k, v)| (k.clone(), values(v.as_tensor())))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
