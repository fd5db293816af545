//! Agreement with persim and gudhi, on fixtures written by
//! `tools/gen_vectorize_fixtures.py`.

mod common;

use common::{assert_close, expected, f, fixture_diagram, load, pair2};
use tda_vectorize::{BettiCurve, Essential, Grid, Landscape, PersistenceImage, Vectorizer, Weight};

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
        let got = pi.transform(&fixture_diagram(&case["diagram"])).unwrap();
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
        let got = pi.transform(&fixture_diagram(&case["diagram"])).unwrap();
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
        let d = fixture_diagram(&case["diagram"]);
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
