//! Agreement with persim and gudhi, on fixtures written by
//! `tools/gen_vectorize_fixtures.py`.

use serde_json::Value;
use tda_persistence::{Diagram, PersistencePair};
use tda_vectorize::{BettiCurve, Essential, Grid, Landscape, PersistenceImage, Vectorizer, Weight};

fn load(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("fixture file");
    let v: Value = serde_json::from_str(&text).expect("valid JSON");
    v["cases"].as_array().expect("cases").clone()
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn pair2(v: &Value) -> (f64, f64) {
    (f(&v[0]), f(&v[1]))
}

fn diagram(v: &Value) -> Diagram {
    let pairs = v
        .as_array()
        .expect("diagram")
        .iter()
        .map(|p| PersistencePair::new(f(&p[0]), p[1].as_f64().unwrap_or(f64::INFINITY)))
        .collect();
    Diagram::new(0, pairs)
}

fn expected(v: &Value) -> Vec<f64> {
    v.as_array().expect("expected").iter().map(f).collect()
}

/// `|got - want| <= 1e-6 |want|`, with an absolute floor of 1e-12 times the
/// largest expected value (pixels far from every point sit at the 8-sigma
/// truncation level).
fn assert_close(got: &[f32], want: &[f64], what: &str) {
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

#[test]
fn persistence_imager_contiguous() {
    let cases = load("persim_imager.json");
    assert!(!cases.is_empty());
    for (c, case) in cases.iter().enumerate() {
        let (b0, b1) = pair2(&case["birth_range"]);
        let (p0, p1) = pair2(&case["pers_range"]);
        let res = &case["resolution"];
        let w = &case["weight"];
        let weight = match w["kind"].as_str().expect("kind") {
            "persistence" => Weight::Persistence,
            "power" => Weight::Power(f(&w["n"])),
            "linear_ramp" => Weight::LinearRamp {
                low: f(&w["low"]),
                high: f(&w["high"]),
                start: f(&w["start"]),
                end: f(&w["end"]),
            },
            other => panic!("unknown weight {other}"),
        };
        let pi = PersistenceImage::builder()
            .grid(Grid::Contiguous)
            .birth_range(b0, b1)
            .pers_range(p0, p1)
            .resolution(
                res[0].as_u64().unwrap() as usize,
                res[1].as_u64().unwrap() as usize,
            )
            .sigma(f(&case["sigma"]))
            .weight(weight)
            .build()
            .unwrap();
        let got = pi.transform(&diagram(&case["diagram"])).unwrap();
        assert_close(
            &got,
            &expected(&case["expected"]),
            &format!("imager case {c}"),
        );
    }
}

#[test]
fn persim_persimage_legacy() {
    let cases = load("persim_persimage.json");
    assert!(!cases.is_empty());
    for (c, case) in cases.iter().enumerate() {
        let (lo, hi) = pair2(&case["birth_range"]);
        let res = &case["resolution"];
        let pi = PersistenceImage::builder()
            .grid(Grid::LegacyPersImage)
            .birth_range(lo, hi)
            .resolution(
                res[0].as_u64().unwrap() as usize,
                res[1].as_u64().unwrap() as usize,
            )
            .sigma(f(&case["sigma"]))
            .build()
            .unwrap();
        let got = pi.transform(&diagram(&case["diagram"])).unwrap();
        assert_close(
            &got,
            &expected(&case["expected"]),
            &format!("persimage case {c}"),
        );
    }
}

#[test]
fn gudhi_landscapes_and_betti_curves() {
    let cases = load("gudhi_curves.json");
    assert!(!cases.is_empty());
    for (c, case) in cases.iter().enumerate() {
        let range = pair2(&case["sample_range"]);
        let res = case["resolution"].as_u64().unwrap() as usize;
        let essential = match case["essential"].as_str().unwrap() {
            "drop" => Essential::Drop,
            "keep" => Essential::Keep,
            other => panic!("unknown policy {other}"),
        };
        let d = diagram(&case["diagram"]);
        let got = match case["kind"].as_str().unwrap() {
            "landscape" => {
                let k = case["num_landscapes"].as_u64().unwrap() as usize;
                Landscape::builder()
                    .num_landscapes(k)
                    .sample_range(range.0, range.1)
                    .resolution(res)
                    .essential(essential)
                    .build()
                    .unwrap()
                    .transform(&d)
                    .unwrap()
            }
            "betti" => BettiCurve::builder()
                .sample_range(range.0, range.1)
                .resolution(res)
                .essential(essential)
                .build()
                .unwrap()
                .transform(&d)
                .unwrap(),
            other => panic!("unknown kind {other}"),
        };
        assert_close(
            &got,
            &expected(&case["expected"]),
            &format!("gudhi case {c}"),
        );
    }
}
