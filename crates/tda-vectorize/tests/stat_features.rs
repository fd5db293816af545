//! The 19 statistical features: numpy fixtures (written by
//! `tools/gen_metrics_fixtures.py`), a hand-computed frame, batch against
//! single frames (proptest), and every error case.

use ndarray::{array, Array2, Array3, ArrayView2, ArrayView3, Axis};
use proptest::prelude::*;
use serde_json::Value;
use tda_vectorize::{Error, StatFeatures};

const MAX: f64 = f64::MAX;
/// The smallest positive subnormal.
const TINY: f64 = 5e-324;

/// One frame's features.
fn statistical_features(frame: ArrayView2<f64>) -> Result<[f64; 19], Error> {
    StatFeatures.transform(frame)
}

/// A batch's features.
fn statistical_features_batch(frames: ArrayView3<f64>) -> Result<Array2<f64>, Error> {
    StatFeatures.transform_batch(frames)
}

/// A refusal by the memory guard, with an estimate over 1e12 bytes (or an
/// overflow), before anything was allocated.
fn is_too_large<T>(r: &Result<T, Error>) -> bool {
    matches!(r, Err(Error::TooLarge(m)) if m.estimated_bytes >= 1_000_000_000_000
        && m.estimated_bytes > m.limit)
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-10 * want.abs() + 1e-15
}

fn assert_features(got: &[f64], want: &[f64], case: &str) {
    assert_eq!(got.len(), 19);
    assert_eq!(want.len(), 19);
    for k in 0..19 {
        assert!(
            close(got[k], want[k]),
            "{case}: {} = {}, numpy {}",
            StatFeatures::NAMES[k],
            got[k],
            want[k]
        );
    }
}

fn numpy_frames() -> Vec<(String, Array2<f64>, Vec<f64>)> {
    let path = format!(
        "{}/tests/fixtures/stat_features.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture file");
    let v: Value = serde_json::from_str(&text).expect("valid JSON");
    v["frames"]
        .as_array()
        .expect("frames")
        .iter()
        .map(|c| {
            let rows: Vec<Vec<f64>> = c["frame"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    r.as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_f64().unwrap())
                        .collect()
                })
                .collect();
            let len = rows[0].len();
            let flat: Vec<f64> = rows.concat();
            let frame = Array2::from_shape_vec((rows.len(), len), flat).unwrap();
            let want = c["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            (c["name"].as_str().unwrap().to_string(), frame, want)
        })
        .collect()
}

#[test]
fn numpy_fixtures() {
    let frames = numpy_frames();
    assert!(frames.len() >= 4);
    assert!(frames.iter().any(|(n, _, _)| n.contains("constant")));
    for (name, frame, want) in &frames {
        let sf = statistical_features(frame.view()).unwrap();
        assert_features(&sf, want, name);
    }
}

#[test]
fn numpy_fixtures_in_a_batch() {
    // Frames of one length batched together.
    let frames: Vec<_> = numpy_frames()
        .into_iter()
        .filter(|(_, f, _)| f.ncols() == 50)
        .collect();
    assert!(!frames.is_empty());
    let views: Vec<_> = frames.iter().map(|(_, f, _)| f.view()).collect();
    let batch = ndarray::stack(Axis(0), &views).unwrap();
    let out = statistical_features_batch(batch.view()).unwrap();
    for ((name, _, want), row) in frames.iter().zip(out.rows()) {
        assert_features(row.as_slice().unwrap(), want, name);
    }
}

#[test]
fn names() {
    assert_eq!(StatFeatures::NAMES.len(), StatFeatures::COUNT);
    assert_eq!(StatFeatures::COUNT, 19);
    assert_eq!(StatFeatures::NAMES[0], "mean_x");
    assert_eq!(StatFeatures::NAMES[3], "var_x");
    assert_eq!(StatFeatures::NAMES[6], "rms_x");
    assert_eq!(
        StatFeatures::NAMES[9..12],
        ["corr_xy", "corr_xz", "corr_yz"]
    );
    assert_eq!(StatFeatures::NAMES[12], "range_x");
    assert_eq!(
        StatFeatures::NAMES[15..],
        ["mag_xy", "mag_xz", "mag_yz", "mag_xyz"]
    );
}

#[test]
fn hand_computed_frame() {
    // x = 1 2 3, y = 2x, z = 3 1 2.
    let frame = array![[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 1.0, 2.0]];
    let sf = statistical_features(frame.view()).unwrap();
    let want = [
        2.0,
        4.0,
        2.0,
        2.0 / 3.0,
        8.0 / 3.0,
        2.0 / 3.0,
        (14.0f64 / 3.0).sqrt(),
        (56.0f64 / 3.0).sqrt(),
        (14.0f64 / 3.0).sqrt(),
        // centred x = (-1, 0, 1), y = (-2, 0, 2), z = (1, -1, 0).
        1.0,
        -0.5,
        -0.5,
        2.0,
        4.0,
        2.0,
        20.0f64.sqrt(),
        8.0f64.sqrt(),
        20.0f64.sqrt(),
        24.0f64.sqrt(),
    ];
    assert_features(&sf, &want, "hand");
}

#[test]
fn two_samples() {
    let frame = array![[0.0, 2.0], [1.0, -1.0], [5.0, 5.5]];
    let sf = statistical_features(frame.view()).unwrap();
    assert_eq!(&sf[0..3], &[1.0, 0.0, 5.25]);
    assert_eq!(&sf[3..6], &[1.0, 1.0, 0.0625]);
    // Two points are always perfectly (anti-)correlated.
    for (c, want) in sf[9..12].iter().zip([-1.0, 1.0, -1.0]) {
        assert!((c - want).abs() <= 1e-15, "{c} vs {want}");
    }
    assert_eq!(&sf[12..15], &[2.0, 2.0, 0.5]);
}

#[test]
fn constant_axis_has_zero_correlations() {
    let frame = array![
        [1.0, 5.0, 2.0, 8.0],
        [9.81, 9.81, 9.81, 9.81],
        [0.1, 0.3, 0.2, 0.9]
    ];
    let sf = statistical_features(frame.view()).unwrap();
    assert_eq!(sf[1], 9.81);
    assert_eq!(sf[4], 0.0);
    assert_eq!(sf[9], 0.0); // xy
    assert_eq!(sf[11], 0.0); // yz
    assert!(sf[10] > 0.9); // xz is defined
    assert_eq!(sf[13], 0.0);
    assert!(sf.iter().all(|v| v.is_finite()));
    // All three constant: every correlation 0, every range 0.
    let flat = Array2::from_elem((3, 5), 1.25);
    let sf = statistical_features(flat.view()).unwrap();
    assert_eq!(&sf[9..], &[0.0; 10]);
}

#[test]
fn large_offset_is_stable() {
    // Variance 2/3 * 1e-6 on top of 1e8: one-pass formulas lose everything.
    let base = 1e8;
    let frame = array![
        [base - 1e-3, base, base + 1e-3],
        [base, base + 1e-3, base - 1e-3],
        [1.0, 2.0, 3.0]
    ];
    let sf = statistical_features(frame.view()).unwrap();
    let dev = frame.row(0).map(|v| v - base);
    let var: f64 = dev.iter().map(|d| d * d).sum::<f64>() / 3.0;
    assert!((sf[3] - var).abs() <= 1e-6 * var, "{} vs {var}", sf[3]);
    assert!((sf[9] + 0.5).abs() <= 1e-6, "corr_xy {}", sf[9]);
}

#[test]
fn layout_does_not_matter() {
    let frame = Array2::from_shape_fn((3, 11), |(a, i)| ((a * 7 + i * 3) % 5) as f64 - a as f64);
    let transposed = frame.t().to_owned(); // L x 3, standard layout
    let view = transposed.t(); // 3 x L, column-major view
    assert_eq!(
        statistical_features(view).unwrap(),
        statistical_features(frame.view()).unwrap()
    );
}

#[test]
fn empty_batch() {
    let out = statistical_features_batch(Array3::<f64>::zeros((0, 3, 4)).view()).unwrap();
    assert_eq!(out.dim(), (0, 19));
}

#[test]
fn error_wrong_axes() {
    for rows in [0, 1, 2, 4] {
        let frame = Array2::<f64>::zeros((rows, 5));
        let err = statistical_features(frame.view()).unwrap_err();
        assert!(
            matches!(err, Error::Shape { name: "frame", ref got, .. } if got == &[rows, 5]),
            "{err}"
        );
    }
    let err = statistical_features_batch(Array3::<f64>::zeros((2, 4, 5)).view()).unwrap_err();
    assert!(
        matches!(err, Error::Shape { name: "frames", ref got, .. } if got == &[2, 4, 5]),
        "{err}"
    );
}

#[test]
fn error_too_few_samples() {
    for len in [0, 1] {
        let err = statistical_features(Array2::<f64>::zeros((3, len)).view()).unwrap_err();
        assert!(matches!(err, Error::Shape { name: "frame", .. }), "{err}");
        let err = statistical_features_batch(Array3::<f64>::zeros((2, 3, len)).view()).unwrap_err();
        assert!(matches!(err, Error::Shape { name: "frames", .. }), "{err}");
    }
}

#[test]
fn error_non_finite_value() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut frame = Array2::<f64>::ones((3, 6));
        frame[[2, 4]] = bad;
        let err = statistical_features(frame.view()).unwrap_err();
        assert!(
            matches!(err, Error::NonFiniteInput { name: "frame", ref index, value }
                if index == &[2, 4] && value.to_bits() == bad.to_bits()),
            "{err}"
        );
    }
}

#[test]
fn error_non_finite_value_in_batch_names_the_first() {
    let mut frames = Array3::<f64>::ones((5, 3, 6));
    frames[[3, 0, 2]] = f64::NAN;
    frames[[4, 1, 1]] = f64::INFINITY;
    let err = statistical_features_batch(frames.view()).unwrap_err();
    assert!(
        matches!(err, Error::NonFiniteInput { name: "frames", ref index, value }
            if index == &[3, 0, 2] && value.is_nan()),
        "{err}"
    );
}

#[test]
fn error_overflowing_features() {
    let frame = array![[1e200, -1e200], [0.0, 1.0], [0.0, 1.0]];
    let err = statistical_features(frame.view()).unwrap_err();
    assert!(
        matches!(err, Error::FeatureOverflow { name: "frame", .. }),
        "{err}"
    );
    let batch = frame.insert_axis(Axis(0));
    let err = statistical_features_batch(batch.view()).unwrap_err();
    assert!(
        matches!(err, Error::FeatureOverflow { name: "frames", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("sample 0"), "{err}");
}

fn batches() -> impl Strategy<Value = Array3<f64>> {
    (0usize..6, 2usize..20).prop_flat_map(|(samples, len)| {
        proptest::collection::vec(
            prop_oneof![
                4 => -50.0f64..50.0,
                1 => Just(3.0f64), // runs of equal values, constant axes
            ],
            samples * 3 * len,
        )
        .prop_map(move |v| Array3::from_shape_vec((samples, 3, len), v).unwrap())
    })
}

proptest! {
    #[test]
    fn batch_matches_single_frames(frames in batches()) {
        let out = statistical_features_batch(frames.view()).unwrap();
        prop_assert_eq!(out.dim(), (frames.len_of(Axis(0)), 19));
        for (frame, row) in frames.outer_iter().zip(out.rows()) {
            let sf = statistical_features(frame).unwrap();
            prop_assert_eq!(row.to_vec(), sf.to_vec());
            prop_assert!(sf[9..12].iter().all(|c| (-1.0..=1.0).contains(c)));
            prop_assert!(sf[3..6].iter().all(|v| *v >= 0.0));
            // RMS² = var + mean² (up to rounding).
            for a in 0..3 {
                let lhs = sf[6 + a] * sf[6 + a];
                let rhs = sf[3 + a] + sf[a] * sf[a];
                prop_assert!((lhs - rhs).abs() <= 1e-9 * rhs.max(1.0));
            }
        }
    }
}

#[test]
fn statistical_features_table() {
    // (case, frame, expected features or the name of the feature that
    // overflows).
    enum Want {
        Values(Vec<(usize, f64)>),
        Overflow(&'static str),
    }
    let u = TINY;
    let long = |x: &dyn Fn(usize) -> f64, len: usize| -> Array2<f64> {
        Array2::from_shape_fn((3, len), |(a, i)| match a {
            0 => x(i),
            1 => (i % 3) as f64,
            _ => (i % 5) as f64,
        })
    };
    let cases: Vec<(&str, Array2<f64>, Want)> = vec![
        (
            "constant MAX axis",
            array![[MAX, MAX, MAX], [1.0, 2.0, 3.0], [0.0, 0.0, 1.0]],
            Want::Values(vec![
                (0, MAX),
                (3, 0.0),
                (6, MAX),
                (9, 0.0),
                (10, 0.0),
                (12, 0.0),
            ]),
        ),
        (
            "constant -MAX axis",
            array![[-MAX, -MAX], [1.0, 2.0], [0.0, 1.0]],
            Want::Values(vec![(0, -MAX), (3, 0.0), (6, MAX), (9, 0.0)]),
        ),
        (
            // x^2 overflows; var 2/3 e308 and rms sqrt(14/3) e154 do not.
            "squares overflow, results do not",
            array![[1e154, 2e154, 3e154], [1.0, 2.0, 3.0], [3.0, 1.0, 2.0]],
            Want::Values(vec![
                (0, 2e154),
                (3, 2.0 / 3.0 * 1e308),
                (6, (14.0f64 / 3.0).sqrt() * 1e154),
                (9, 1.0),
                (10, -0.5),
                (12, 2e154),
                (15, 2e154),
            ]),
        ),
        (
            // Subnormal axis: every centred square underflows unscaled.
            "subnormal axis correlates",
            array![[u, 2.0 * u, 3.0 * u], [1.0, 2.0, 3.0], [3.0, 1.0, 2.0]],
            Want::Values(vec![
                (0, 2.0 * u),
                (3, 0.0),     // 2/3 u^2: underflows to 0 (correctly rounded)
                (6, 2.0 * u), // sqrt(14/3) u rounds to 2 u
                (9, 1.0),
                (10, -0.5),
                (11, -0.5),
                (12, 2.0 * u),
                (15, 2.0),
            ]),
        ),
        (
            "range 1e155 over 100 samples (magnitude overflows unscaled)",
            long(
                &|i| match i {
                    0 => 0.0,
                    1 => 1e155,
                    _ => 5e154,
                },
                100,
            ),
            Want::Values(vec![(12, 1e155), (15, 1e155), (16, 1e155), (18, 1e155)]),
        ),
        (
            "all zeros",
            Array2::zeros((3, 4)),
            Want::Values((0..19).map(|k| (k, 0.0)).collect()),
        ),
        (
            "all -0.0",
            Array2::from_elem((3, 2), -0.0),
            Want::Values((0..19).map(|k| (k, 0.0)).collect()),
        ),
        (
            "constant 0.1 (var exactly 0)",
            Array2::from_elem((3, 3), 0.1),
            Want::Values(vec![
                (0, 0.1),
                (3, 0.0),
                (4, 0.0),
                (9, 0.0),
                (12, 0.0),
                (18, 0.0),
            ]),
        ),
        (
            "MAX and -MAX: variance over MAX",
            array![[MAX, -MAX], [0.0, 1.0], [0.0, 1.0]],
            Want::Overflow("var_x"),
        ),
        (
            "MAX and MAX/2: variance over MAX",
            array![[0.0, 1.0], [MAX, MAX / 2.0], [0.0, 1.0]],
            Want::Overflow("var_y"),
        ),
        // A range (or magnitude) over MAX implies a variance over MAX,
        // which comes first.
        (
            "range over MAX",
            array![[0.0, 1.0], [0.0, 1.0], [-0.6 * MAX, 0.6 * MAX]],
            Want::Overflow("var_z"),
        ),
    ];
    assert_eq!(cases.len(), 11);
    for (case, frame, want) in &cases {
        let r = statistical_features(frame.view());
        let batch = statistical_features_batch(frame.clone().insert_axis(ndarray::Axis(0)).view());
        match want {
            Want::Values(values) => {
                let sf = r.unwrap_or_else(|e| panic!("{case}: {e}"));
                assert!(sf.iter().all(|v| v.is_finite()), "{case}: {sf:?}");
                for &(k, v) in values {
                    let tol = v.abs() * 4.0 * f64::EPSILON;
                    assert!(
                        (sf[k] - v).abs() <= tol,
                        "{case}: {} = {} vs {v}",
                        StatFeatures::NAMES[k],
                        sf[k]
                    );
                }
                assert_eq!(batch.unwrap().row(0).to_vec(), sf.to_vec(), "{case}");
            }
            Want::Overflow(name) => {
                let e = r.unwrap_err();
                assert!(
                    matches!(e, Error::FeatureOverflow { name: "frame", feature, .. } if feature == *name),
                    "{case}: {e}"
                );
                let e = batch.unwrap_err();
                assert!(
                    matches!(e, Error::FeatureOverflow { name: "frames", feature, .. } if feature == *name),
                    "{case}: {e}"
                );
            }
        }
    }
}

#[test]
fn statistical_features_errors() {
    let cases: Vec<(&str, Array2<f64>)> = vec![
        ("2 axes", Array2::zeros((2, 5))),
        ("4 axes", Array2::zeros((4, 5))),
        ("0 x 0", Array2::zeros((0, 0))),
        ("1 sample", Array2::zeros((3, 1))),
        ("0 samples", Array2::zeros((3, 0))),
    ];
    for (case, frame) in &cases {
        assert!(
            matches!(
                statistical_features(frame.view()),
                Err(Error::Shape { name: "frame", .. })
            ),
            "{case}"
        );
    }
    let mut n = 0;
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut frame = Array2::<f64>::ones((3, 4));
        frame[[1, 3]] = bad;
        frame[[2, 0]] = f64::NAN;
        let e = statistical_features(frame.view()).unwrap_err();
        assert!(
            matches!(e, Error::NonFiniteInput { name: "frame", ref index, value }
                if index == &[1, 3] && value.to_bits() == bad.to_bits()),
            "{e}"
        );
        let mut frames = Array3::<f64>::ones((3, 3, 4));
        frames[[2, 1, 3]] = bad;
        let e = statistical_features_batch(frames.view()).unwrap_err();
        assert!(
            matches!(e, Error::NonFiniteInput { name: "frames", ref index, .. } if index == &[2, 1, 3]),
            "{e}"
        );
        n += 2;
    }
    // Batches: wrong axes, too few samples, empty (fine), and 2^60 frames
    // (a broadcast view: refused before it is even scanned).
    assert!(matches!(
        statistical_features_batch(Array3::<f64>::zeros((2, 2, 5)).view()),
        Err(Error::Shape { name: "frames", .. })
    ));
    assert!(matches!(
        statistical_features_batch(Array3::<f64>::zeros((2, 3, 1)).view()),
        Err(Error::Shape { name: "frames", .. })
    ));
    assert_eq!(
        statistical_features_batch(Array3::<f64>::zeros((0, 3, 5)).view())
            .unwrap()
            .dim(),
        (0, 19)
    );
    let one = Array3::<f64>::zeros((1, 3, 2));
    let huge = one.broadcast((1 << 60, 3, 2)).unwrap();
    assert!(is_too_large(&statistical_features_batch(huge)));
    assert_eq!(cases.len() + n + 4, 15);
}
