//! Helpers shared by the tda-nn test files.

use candle_nn::VarMap;

/// Every variable of `vars` by name, flattened to `f32` values, in name order.
pub fn snapshot(vars: &VarMap) -> Vec<(String, Vec<f32>)> {
    let data = vars.data().lock().unwrap();
    let mut out: Vec<(String, Vec<f32>)> = data
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_tensor()
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f32>()
                    .unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
