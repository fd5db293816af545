//! Fixture loading, diagram builders and comparisons shared by the
//! tda-vectorize test files.
#![allow(dead_code)]

use serde_json::Value;
use tda_persistence::{Diagram, PersistencePair};

/// The `cases` array of `tests/fixtures/{name}`.
pub fn load(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("fixture file");
    let v: Value = serde_json::from_str(&text).expect("valid JSON");
    v["cases"].as_array().expect("cases").clone()
}

/// A JSON number.
pub fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

/// A JSON pair of numbers `[a, b]`.
pub fn pair2(v: &Value) -> (f64, f64) {
    (f(&v[0]), f(&v[1]))
}

/// A fixture diagram `[[birth, death], ...]` (a `null` death is infinite),
/// in dimension 0 and canonical order.
pub fn fixture_diagram(v: &Value) -> Diagram {
    let pairs = v
        .as_array()
        .expect("diagram")
        .iter()
        .map(|p| PersistencePair::new(f(&p[0]), p[1].as_f64().unwrap_or(f64::INFINITY)))
        .collect();
    Diagram::new(0, pairs)
}

/// A fixture's expected vector.
pub fn expected(v: &Value) -> Vec<f64> {
    v.as_array().expect("expected").iter().map(f).collect()
}

/// The diagram of `(birth, death)` pairs, in dimension 0 and canonical
/// order.
pub fn diagram(pairs: &[(f64, f64)]) -> Diagram {
    Diagram::new(
        0,
        pairs
            .iter()
            .map(|&(b, d)| PersistencePair::new(b, d))
            .collect(),
    )
}

/// `|got - want| <= 1e-6 |want|`, with an absolute floor of 1e-12 times the
/// largest expected value (`got` are `f32` outputs; the floor absorbs
/// pixels far from every point, which sit at the 8-sigma truncation level,
/// and gudhi's rounding of tents at bar ends).
pub fn assert_close(got: &[f32], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let tol = 1e-6 * w.abs() + 1e-12 * scale;
        assert!(
            (g as f64 - w).abs() <= tol,
            "{what}: index {i}: got {g}, want {w}"
        );
    }
}

/// numpy's linspace.
pub fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![a];
    }
    let step = (b - a) / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n).map(|i| a + i as f64 * step).collect();
    v[n - 1] = b;
    v
}
