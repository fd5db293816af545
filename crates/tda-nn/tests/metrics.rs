//! Classification metrics: agreement with scikit-learn (fixtures written by
//! `tools/gen_metrics_fixtures.py`), a brute-force reference from per-class
//! TP/FP/FN counts (proptest), and every error case.

use proptest::prelude::*;
use serde_json::Value;
use tda_nn::metrics::{self, mean_sd, ConfusionMatrix};
use tda_nn::Error;

fn fixtures() -> Value {
    let path = format!("{}/tests/fixtures/metrics.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture file");
    serde_json::from_str(&text).expect("valid JSON")
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_u64().expect("integer") as usize)
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12
}

fn assert_all_close(got: &[f64], want: &[f64], what: &str, case: &str) {
    assert_eq!(got.len(), want.len(), "{case}: {what} length");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(close(*g, *w), "{case}: {what}[{k}] = {g}, sklearn {w}");
    }
}

#[test]
fn sklearn_fixtures() {
    let v = fixtures();
    let cases = v["classification"].as_array().expect("cases");
    assert!(cases.len() >= 8);
    for c in cases {
        let name = c["name"].as_str().expect("name");
        let y_true = usizes(&c["y_true"]);
        let y_pred = usizes(&c["y_pred"]);
        let classes = c["classes"].as_u64().expect("classes") as usize;
        let cm = ConfusionMatrix::new(&y_true, &y_pred, classes).expect("valid case");
        let want_counts: Vec<Vec<usize>> = c["confusion"]
            .as_array()
            .expect("rows")
            .iter()
            .map(usizes)
            .collect();
        assert_eq!(cm.counts().dim(), (classes, classes), "{name}");
        for (t, row) in want_counts.iter().enumerate() {
            for (p, &n) in row.iter().enumerate() {
                assert_eq!(cm.counts()[[t, p]], n, "{name}: counts[{t}, {p}]");
            }
        }
        assert!(
            close(cm.accuracy(), c["accuracy"].as_f64().unwrap()),
            "{name}: accuracy"
        );
        assert_all_close(&cm.precision(), &floats(&c["precision"]), "precision", name);
        assert_all_close(&cm.recall(), &floats(&c["recall"]), "recall", name);
        assert_all_close(&cm.f1(), &floats(&c["f1"]), "f1", name);
        let wf1 = c["weighted_f1"].as_f64().unwrap();
        let mf1 = c["macro_f1"].as_f64().unwrap();
        assert!(
            close(cm.weighted_f1(), wf1),
            "{name}: weighted F1 {} vs {wf1}",
            cm.weighted_f1()
        );
        assert!(
            close(cm.macro_f1(), mf1),
            "{name}: macro F1 {} vs {mf1}",
            cm.macro_f1()
        );
        let support: Vec<usize> = want_counts.iter().map(|r| r.iter().sum()).collect();
        assert_eq!(cm.support(), support, "{name}: support");
        assert_eq!(cm.total(), y_true.len());
        // The free functions agree with the matrix.
        assert_eq!(metrics::accuracy(&y_true, &y_pred).unwrap(), cm.accuracy());
        assert_eq!(
            metrics::weighted_f1(&y_true, &y_pred, classes).unwrap(),
            cm.weighted_f1()
        );
        assert_eq!(
            metrics::macro_f1(&y_true, &y_pred, classes).unwrap(),
            cm.macro_f1()
        );
    }
}

#[test]
fn fixtures_cover_the_edge_cases() {
    let v = fixtures();
    let names: Vec<&str> = v["classification"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for want in [
        "class never predicted",
        "class absent from y_true",
        "class absent from both",
        "perfect",
    ] {
        assert!(names.contains(&want), "missing fixture case {want}");
    }
}

#[test]
fn hand_computed_small_case() {
    // true: 0 0 0 1 1 2; pred: 0 1 0 1 2 2; class 3 absent from both.
    let cm = ConfusionMatrix::new(&[0, 0, 0, 1, 1, 2], &[0, 1, 0, 1, 2, 2], 4).unwrap();
    assert_eq!(cm.classes(), 4);
    assert_eq!(cm.support(), vec![3, 2, 1, 0]);
    assert_eq!(cm.predicted(), vec![2, 2, 2, 0]);
    assert_eq!(cm.accuracy(), 4.0 / 6.0);
    assert_eq!(cm.precision(), vec![1.0, 0.5, 0.5, 0.0]);
    assert_eq!(cm.recall(), vec![2.0 / 3.0, 0.5, 1.0, 0.0]);
    // F1 = 2 TP / (support + predicted).
    let f1 = vec![4.0 / 5.0, 2.0 / 4.0, 2.0 / 3.0, 0.0];
    assert_eq!(cm.f1(), f1);
    let weighted = (f1[0] * 3.0 + f1[1] * 2.0 + f1[2]) / 6.0;
    assert!((cm.weighted_f1() - weighted).abs() <= 1e-15);
    // Macro over the three present classes only.
    assert!((cm.macro_f1() - (f1[0] + f1[1] + f1[2]) / 3.0).abs() <= 1e-15);
}

#[test]
fn perfect_and_all_wrong() {
    let y = [2, 0, 1, 1, 0];
    let cm = ConfusionMatrix::new(&y, &y, 3).unwrap();
    assert_eq!(cm.accuracy(), 1.0);
    assert_eq!(cm.weighted_f1(), 1.0);
    assert_eq!(cm.macro_f1(), 1.0);
    let wrong: Vec<usize> = y.iter().map(|l| (l + 1) % 3).collect();
    let cm = ConfusionMatrix::new(&y, &wrong, 3).unwrap();
    assert_eq!(cm.accuracy(), 0.0);
    assert_eq!(cm.weighted_f1(), 0.0);
    assert_eq!(cm.macro_f1(), 0.0);
}

#[test]
fn display_and_named_report() {
    let cm = ConfusionMatrix::new(&[0, 0, 1, 2, 2, 2], &[0, 1, 1, 2, 2, 0], 3).unwrap();
    let text = cm.to_string();
    assert!(text.contains("confusion matrix"));
    assert!(text.contains("precision"));
    assert!(text.contains("weighted avg"));
    assert!(text.contains("accuracy"));
    let names: Vec<String> = ["walking", "running", "standing"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let named = cm.to_text(&names).unwrap();
    for n in &names {
        assert!(named.contains(n.as_str()), "{named}");
    }
    // A row of the matrix: `running` (true) has 0, 1, 0.
    let row = named
        .lines()
        .find(|l| l.trim_start().starts_with("running") && !l.contains('.'))
        .expect("matrix row");
    let counts: Vec<&str> = row.split_whitespace().skip(1).collect();
    assert_eq!(counts, ["0", "1", "0"]);
}

#[test]
fn to_text_needs_one_name_per_class() {
    let cm = ConfusionMatrix::new(&[0, 1], &[0, 1], 2).unwrap();
    let err = cm.to_text(&["a".to_string()]).unwrap_err();
    assert!(matches!(err, Error::Shape { name: "names", .. }), "{err}");
}

#[test]
fn error_lengths_differ() {
    let err = ConfusionMatrix::new(&[0, 1, 1], &[0, 1], 2).unwrap_err();
    assert!(
        matches!(err, Error::Shape { name: "y_pred", ref got, .. } if got == &[2]),
        "{err}"
    );
    assert!(metrics::accuracy(&[0], &[0, 1]).is_err());
    assert!(metrics::weighted_f1(&[0], &[0, 1], 2).is_err());
}

#[test]
fn error_empty() {
    let err = ConfusionMatrix::new(&[], &[], 2).unwrap_err();
    assert!(matches!(err, Error::Shape { name: "y_true", .. }), "{err}");
    assert!(matches!(
        metrics::accuracy(&[], &[]),
        Err(Error::Shape { .. })
    ));
}

#[test]
fn error_label_out_of_range() {
    let err = ConfusionMatrix::new(&[0, 3, 1], &[0, 1, 1], 3).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Label {
                name: "y_true",
                index: 1,
                label: 3,
                classes: 3
            }
        ),
        "{err}"
    );
    let err = ConfusionMatrix::new(&[0, 1, 1], &[0, 1, 5], 3).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Label {
                name: "y_pred",
                index: 2,
                label: 5,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn error_zero_classes() {
    let err = ConfusionMatrix::new(&[0], &[0], 0).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidConfig {
                name: "classes",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn error_classes_overflow() {
    // classes² overflows, or is far over any memory limit: refused before
    // anything is allocated.
    for classes in [usize::MAX, 1 << 31, 1 << 20] {
        let err = ConfusionMatrix::new(&[0], &[0], classes).unwrap_err();
        assert!(
            matches!(err, Error::TooLarge(ref m) if m.what == "confusion matrix"),
            "{err}"
        );
    }
}

#[test]
fn mean_sd_values() {
    let (m, sd) = mean_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
    assert_eq!(m, 5.0);
    // Sum of squares 32, ddof 1: sqrt(32 / 7).
    assert!((sd - (32.0f64 / 7.0).sqrt()).abs() <= 1e-15);
    assert_eq!(mean_sd(&[3.5]), (3.5, 0.0));
    let (m, sd) = mean_sd(&[]);
    assert!(m.is_nan() && sd.is_nan());
    let (m, sd) = mean_sd(&[1.0, f64::NAN]);
    assert!(m.is_nan() && sd.is_nan());
    let (m, sd) = mean_sd(&[1.0, f64::INFINITY]);
    assert!(m == f64::INFINITY && sd.is_nan());
    // Two passes: a large offset does not cancel.
    let (m, sd) = mean_sd(&[1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0]);
    assert_eq!(m, 1e9 + 2.0);
    assert_eq!(sd, 1.0);
}

/// Reference from per-class TP, FP, FN counted sample by sample, with
/// precision and recall first and F1 as their harmonic mean.
fn reference(y_true: &[usize], y_pred: &[usize], classes: usize) -> (f64, f64, f64) {
    let n = y_true.len();
    let mut weighted = 0.0;
    let (mut macro_sum, mut present) = (0.0, 0);
    for k in 0..classes {
        let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
        for (&t, &p) in y_true.iter().zip(y_pred) {
            match (t == k, p == k) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fneg += 1,
                (false, false) => {}
            }
        }
        let precision = if tp + fp == 0 {
            0.0
        } else {
            tp as f64 / (tp + fp) as f64
        };
        let recall = if tp + fneg == 0 {
            0.0
        } else {
            tp as f64 / (tp + fneg) as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        weighted += f1 * (tp + fneg) as f64 / n as f64;
        if tp + fp + fneg > 0 {
            macro_sum += f1;
            present += 1;
        }
    }
    let correct = y_true.iter().zip(y_pred).filter(|(t, p)| t == p).count();
    (
        correct as f64 / n as f64,
        weighted,
        macro_sum / present as f64,
    )
}

fn labels() -> impl Strategy<Value = (usize, Vec<usize>, Vec<usize>)> {
    (1usize..7).prop_flat_map(|classes| {
        (1usize..60).prop_flat_map(move |n| {
            (
                Just(classes),
                proptest::collection::vec(0..classes, n),
                proptest::collection::vec(0..classes, n),
            )
        })
    })
}

proptest! {
    #[test]
    fn agrees_with_count_reference((classes, y_true, y_pred) in labels()) {
        let cm = ConfusionMatrix::new(&y_true, &y_pred, classes).unwrap();
        let (acc, weighted, macro_f1) = reference(&y_true, &y_pred, classes);
        prop_assert!((cm.accuracy() - acc).abs() <= 1e-12);
        prop_assert!((cm.weighted_f1() - weighted).abs() <= 1e-12,
            "weighted {} vs {}", cm.weighted_f1(), weighted);
        prop_assert!((cm.macro_f1() - macro_f1).abs() <= 1e-12,
            "macro {} vs {}", cm.macro_f1(), macro_f1);
        prop_assert_eq!(cm.total(), y_true.len());
        prop_assert_eq!(cm.support().iter().sum::<usize>(), y_true.len());
        prop_assert_eq!(cm.predicted().iter().sum::<usize>(), y_true.len());
        prop_assert!((0.0..=1.0).contains(&cm.weighted_f1()));
    }
}
