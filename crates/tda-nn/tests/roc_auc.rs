//! Per-label ROC-AUC: scikit-learn's `roc_auc_score` on fixtures written by
//! `tools/gen_metrics_fixtures.py`, a brute-force pair count on random
//! inputs with ties, and the errors.

use ndarray::{Array2, ArrayView2};
use proptest::prelude::*;
use serde_json::Value;
use tda_nn::metrics::{mean_roc_auc, roc_auc, TagAuc};
use tda_nn::Error;

fn fixtures() -> Vec<Value> {
    let path = format!("{}/tests/fixtures/metrics.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("fixture file");
    let v: Value = serde_json::from_str(&text).expect("valid JSON");
    v["roc_auc"].as_array().expect("roc_auc cases").clone()
}

fn matrix<T>(v: &Value, cell: impl Fn(&Value) -> T) -> Array2<T> {
    let rows = v.as_array().expect("rows");
    let cols = rows[0].as_array().expect("row").len();
    let flat: Vec<T> = rows
        .iter()
        .flat_map(|r| r.as_array().expect("row").iter().map(&cell))
        .collect();
    Array2::from_shape_vec((rows.len(), cols), flat).expect("rectangular")
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-12
}

#[test]
fn equals_scikit_learn_on_fixtures() {
    let cases = fixtures();
    assert!(cases.len() >= 6);
    let mut skipped_seen = 0;
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        let y = matrix(&case["y_true"], |v| v.as_u64().expect("0 or 1") as u8);
        let s = matrix(&case["scores"], |v| v.as_f64().expect("score"));
        let TagAuc {
            per_tag,
            mean,
            skipped,
        } = mean_roc_auc(y.view(), s.view()).unwrap();
        let want: Vec<Option<f64>> = case["per_tag"]
            .as_array()
            .expect("per_tag")
            .iter()
            .map(Value::as_f64)
            .collect();
        assert_eq!(per_tag.len(), want.len(), "{name}");
        for (t, (g, w)) in per_tag.iter().zip(&want).enumerate() {
            match (g, w) {
                (Some(g), Some(w)) => assert!(close(*g, *w), "{name} label {t}: {g} vs {w}"),
                (None, None) => {}
                _ => panic!("{name} label {t}: {g:?} vs {w:?}"),
            }
            // The one-label function agrees with the matrix one.
            let column: Vec<bool> = y.column(t).iter().map(|&v| v == 1).collect();
            let single = roc_auc(&column, &s.column(t).to_vec()).unwrap();
            assert_eq!(single, *g, "{name} label {t}");
        }
        match (mean, case["mean"].as_f64()) {
            (Some(g), Some(w)) => assert!(close(g, w), "{name} mean: {g} vs {w}"),
            (g, w) => assert_eq!(g, w, "{name} mean"),
        }
        assert_eq!(skipped, want.iter().filter(|w| w.is_none()).count());
        skipped_seen += skipped;
    }
    assert!(
        skipped_seen >= 1,
        "the fixtures hold a label with one class"
    );
}

/// The Mann-Whitney count over every (positive, negative) pair, a tie
/// counting one half.
fn brute(y: &[bool], s: &[f64]) -> Option<f64> {
    let (mut wins, mut pairs) = (0.0, 0.0);
    for (i, &yi) in y.iter().enumerate() {
        for (j, &yj) in y.iter().enumerate() {
            if yi && !yj {
                pairs += 1.0;
                wins += if s[i] > s[j] {
                    1.0
                } else if s[i] == s[j] {
                    0.5
                } else {
                    0.0
                };
            }
        }
    }
    (pairs > 0.0).then(|| wins / pairs)
}

proptest! {
    #[test]
    fn equals_the_pair_count(
        rows in prop::collection::vec((any::<bool>(), 0i32..6, any::<bool>()), 1..40),
    ) {
        // Scores on a coarse grid: many ties, zeros of both signs.
        let y: Vec<bool> = rows.iter().map(|r| r.0).collect();
        let s: Vec<f64> = rows
            .iter()
            .map(|&(_, k, negative_zero)| match f64::from(k) * 0.5 - 1.0 {
                v if v == 0.0 && negative_zero => -0.0,
                v => v,
            })
            .collect();
        let got = roc_auc(&y, &s).unwrap();
        let want = brute(&y, &s);
        match (got, want) {
            (Some(g), Some(w)) => prop_assert!((g - w).abs() <= 1e-12, "{} vs {}", g, w),
            (g, w) => prop_assert_eq!(g, w),
        }
    }
}

#[test]
fn errors_name_the_bad_input() {
    assert!(matches!(
        roc_auc(&[true, false], &[0.5]),
        Err(Error::Shape { name: "scores", .. })
    ));
    assert!(matches!(
        roc_auc(&[], &[]),
        Err(Error::Shape { name: "scores", .. })
    ));
    assert!(matches!(
        roc_auc(&[true, false, true], &[0.1, f64::NAN, 0.2]),
        Err(Error::NonFinite { name: "scores", ref index, .. }) if index == &[1]
    ));
    assert!(matches!(
        roc_auc(&[true, false], &[f64::INFINITY, 0.2]),
        Err(Error::NonFinite { name: "scores", ref index, .. }) if index == &[0]
    ));
    let y = ndarray::array![[0u8, 1], [1, 2]];
    let s = ndarray::array![[0.1, 0.2], [0.3, 0.4]];
    assert!(matches!(
        mean_roc_auc(y.view(), s.view()),
        Err(Error::Label {
            name: "y_true",
            index: 3,
            label: 2,
            classes: 2
        })
    ));
    let y = ndarray::array![[0u8, 1], [1, 0]];
    let mut bad = s.clone();
    bad[[1, 0]] = f64::NEG_INFINITY;
    assert!(matches!(
        mean_roc_auc(y.view(), bad.view()),
        Err(Error::NonFinite { name: "scores", ref index, .. }) if index == &[1, 0]
    ));
    // Any memory layout: a transposed view gives what its copy gives.
    assert_eq!(
        mean_roc_auc(y.view(), s.t()).unwrap(),
        mean_roc_auc(y.view(), s.t().to_owned().view()).unwrap()
    );
    let three = Array2::<f64>::zeros((3, 2));
    assert!(matches!(
        mean_roc_auc(y.view(), three.view()),
        Err(Error::Shape { name: "scores", .. })
    ));
    let empty = ArrayView2::<f64>::from_shape((0, 2), &[]).unwrap();
    let empty_y = ArrayView2::<u8>::from_shape((0, 2), &[]).unwrap();
    assert!(matches!(
        mean_roc_auc(empty_y, empty),
        Err(Error::Shape { name: "scores", .. })
    ));
}

#[test]
fn no_label_with_both_classes_has_no_mean() {
    let y = ndarray::array![[1u8, 0], [1, 0]];
    let s = ndarray::array![[0.1, 0.2], [0.3, 0.4]];
    let auc = mean_roc_auc(y.view(), s.view()).unwrap();
    assert_eq!(auc.per_tag, vec![None, None]);
    assert_eq!((auc.mean, auc.skipped), (None, 2));
}
