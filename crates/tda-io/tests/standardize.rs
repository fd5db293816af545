//! MelStandardizer against numpy (fixture from tools/gen_audio_fixtures.py)
//! and a closed form, and its errors.

use std::path::Path;

use ndarray::{array, Array2, Axis};
use serde_json::Value;
use tda_io::audio::MelStandardizer;
use tda_io::Error;

fn fixture() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/standardize.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v.as_array().unwrap().iter().map(floats).collect();
    Array2::from_shape_vec((rows.len(), rows[0].len()), rows.concat()).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn fit_and_transform_match_numpy() {
    let fx = fixture();
    let xs: Vec<Array2<f64>> = fx["spectrograms"]
        .as_array()
        .unwrap()
        .iter()
        .map(matrix)
        .collect();
    let views: Vec<_> = xs.iter().map(Array2::view).collect();
    let st = MelStandardizer::fit(&views).unwrap();
    assert_eq!(st.n_mels(), 6);
    for (a, b) in st.mean().iter().zip(floats(&fx["mean"])) {
        assert!(close(*a, b), "{a} vs {b}");
    }
    for (a, b) in st.std().iter().zip(floats(&fx["std"])) {
        assert!(close(*a, b), "{a} vs {b}");
    }
    assert_eq!(st.std()[3], 0.0); // the constant band
    let y = st.transform(xs[2].view()).unwrap();
    let want = matrix(&fx["third_standardized"]);
    for (a, b) in y.iter().zip(&want) {
        assert!(close(*a, *b), "{a} vs {b}");
    }
    // In place gives the same.
    let mut z = xs[2].clone();
    st.transform_in_place(z.view_mut()).unwrap();
    assert_eq!(z, y);
}

/// Standardised training frames have mean 0 and population std 1 per band
/// (0 for a constant band, which is only centred).
#[test]
fn standardised_training_data_has_zero_mean_and_unit_std() {
    let a = array![[1.0, 7.0, -3.0], [2.0, 7.0, 10.0], [3.0, 7.0, 0.5]];
    let b = array![[4.0, 7.0, 2.0], [5.0, 7.0, -8.0]];
    let st = MelStandardizer::fit(&[a.view(), b.view()]).unwrap();
    // Band 0 holds 1 .. 5: mean 3, population variance 2.
    assert_eq!(st.mean()[0], 3.0);
    assert_eq!(st.std()[0], 2f64.sqrt());
    assert_eq!((st.mean()[1], st.std()[1]), (7.0, 0.0));
    let mut all = ndarray::concatenate(Axis(0), &[a.view(), b.view()]).unwrap();
    st.transform_in_place(all.view_mut()).unwrap();
    for (m, col) in all.columns().into_iter().enumerate() {
        let mean = col.mean().unwrap();
        let std = col.std(0.0);
        assert!(mean.abs() < 1e-15, "band {m}: mean {mean}");
        let want = if m == 1 { 0.0 } else { 1.0 };
        assert!((std - want).abs() < 1e-15, "band {m}: std {std}");
    }
    // Moments round-trip.
    let again = MelStandardizer::from_moments(st.mean().to_vec(), st.std().to_vec()).unwrap();
    assert_eq!(again, st);
    // A clip with no frames contributes nothing.
    let empty = Array2::<f64>::zeros((0, 3));
    let with_empty = MelStandardizer::fit(&[a.view(), empty.view(), b.view()]).unwrap();
    assert_eq!(with_empty, st);
}

#[test]
fn errors_are_typed() {
    let a = array![[1.0, 2.0], [3.0, 4.0]];
    let b = array![[1.0, 2.0, 3.0]];
    assert!(matches!(MelStandardizer::fit(&[]), Err(Error::Empty)));
    let none = Array2::<f64>::zeros((0, 2));
    assert!(matches!(
        MelStandardizer::fit(&[none.view()]),
        Err(Error::Empty)
    ));
    let no_bands = Array2::<f64>::zeros((3, 0));
    assert!(matches!(
        MelStandardizer::fit(&[no_bands.view()]),
        Err(Error::Empty)
    ));
    assert!(matches!(
        MelStandardizer::fit(&[a.view(), b.view()]),
        Err(Error::MelCount {
            expected: 2,
            found: 3,
            clip: Some(1)
        })
    ));
    let mut nan = a.clone();
    nan[[1, 0]] = f64::NAN;
    match MelStandardizer::fit(&[a.view(), nan.view()]) {
        Err(Error::NonFiniteFrame {
            clip: Some(1),
            frame: 1,
            mel: 0,
            value,
        }) => assert!(value.is_nan()),
        other => panic!("{other:?}"),
    }
    let st = MelStandardizer::fit(&[a.view()]).unwrap();
    assert!(matches!(
        st.transform(b.view()),
        Err(Error::MelCount {
            expected: 2,
            found: 3,
            clip: None
        })
    ));
    let mut inf = a.clone();
    inf[[0, 1]] = f64::INFINITY;
    let before = inf.clone();
    assert!(matches!(
        st.transform_in_place(inf.view_mut()),
        Err(Error::NonFiniteFrame {
            clip: None,
            frame: 0,
            mel: 1,
            ..
        })
    ));
    assert_eq!(inf, before); // untouched on error
    assert!(matches!(
        MelStandardizer::from_moments(vec![], vec![]),
        Err(Error::Empty)
    ));
    assert!(matches!(
        MelStandardizer::from_moments(vec![0.0], vec![1.0, 2.0]),
        Err(Error::MelCount { .. })
    ));
    assert!(matches!(
        MelStandardizer::from_moments(vec![0.0, 1.0], vec![1.0, -2.0]),
        Err(Error::AudioParameter { name: "std", .. })
    ));
    assert!(matches!(
        MelStandardizer::from_moments(vec![f64::NAN], vec![1.0]),
        Err(Error::AudioParameter { name: "mean", .. })
    ));
}
