//! The PI-Net targets (`pinet_targets`): equal to the exact diagram and
//! image of each channel, finite images in [0, 1] for hostile values, and
//! every error case (sizes refused before anything is allocated, with
//! broadcast views that allocate nothing).

use ndarray::Array3;
use tda_persistence::sublevel;
use tda_vectorize::{pinet_targets, Error, PersistenceImage, Result, Vectorizer};

const MAX: f64 = f64::MAX;
/// The smallest positive subnormal.
const TINY: f64 = 5e-324;
const BIG: usize = 1 << 40;

/// A predicate on the expected error.
type Check = dyn Fn(&Error) -> bool;

#[test]
fn shape_and_non_finite_errors() {
    let pi = PersistenceImage::pinet_signal();
    let empty = Array3::<f64>::zeros((0, 3, 10));
    assert!(matches!(
        pinet_targets(empty.view(), &pi),
        Err(Error::Shape {
            name: "signals",
            ..
        })
    ));
    let mut nan = Array3::<f64>::zeros((2, 3, 10));
    nan[[1, 2, 4]] = f64::NAN;
    assert!(matches!(
        pinet_targets(nan.view(), &pi),
        Err(Error::NonFiniteInput { name: "signals", ref index, .. }) if index == &[1, 2, 4]
    ));
}

fn signals(batch: usize, channels: usize, length: usize) -> Array3<f64> {
    Array3::from_shape_fn((batch, channels, length), |(b, c, t)| {
        let t = t as f64;
        ((b + 1) as f64 * 0.31 * t + c as f64).sin() * (1.0 + 0.5 * ((c + b) % 3) as f64)
            + 0.2 * (1.7 * t + b as f64).cos()
    })
}

#[test]
fn targets_equal_the_exact_vectorize_output() -> Result<()> {
    let x = signals(5, 3, 40);
    let pi = PersistenceImage::pinet_signal();
    let y = pinet_targets(x.view(), &pi)?;
    assert_eq!(y.dim(), (5, 3, 50, 50));
    for b in 0..5 {
        for c in 0..3 {
            let row: Vec<f64> = x.slice(ndarray::s![b, c, ..]).to_vec();
            let want = pi.transform(&sublevel::h0(&row)?)?;
            let got: Vec<f32> = y.slice(ndarray::s![b, c, .., ..]).iter().copied().collect();
            assert_eq!(got, want);
        }
    }
    Ok(())
}

#[test]
fn pinet_targets_table() {
    let pi = PersistenceImage::pinet_signal();
    let (rows, cols) = pi.shape();
    // Valid: finite images in [0, 1] of the right shape.
    let valid: Vec<(&str, Array3<f64>)> = vec![
        (
            "one sample",
            Array3::from_shape_fn((1, 1, 6), |(_, _, i)| ((i * 5) % 7) as f64),
        ),
        (
            "constant (no finite pair)",
            Array3::from_elem((2, 2, 5), 3.0),
        ),
        ("length 1", Array3::from_elem((1, 2, 1), -1.0)),
        (
            "-0.0 and 0.0",
            Array3::from_shape_fn((1, 1, 4), |(_, _, i)| if i % 2 == 0 { -0.0 } else { 0.0 }),
        ),
        (
            "subnormals",
            Array3::from_shape_fn((1, 1, 6), |(_, _, i)| [TINY, 0.0, 3.0 * TINY, TINY][i % 4]),
        ),
    ];
    for (case, s) in &valid {
        let y = pinet_targets(s.view(), &pi).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(y.dim(), (s.dim().0, s.dim().1, rows, cols), "{case}");
        assert!(
            y.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)),
            "{case}"
        );
    }
    // A constant signal has no finite pair: all-zero images, not NaN.
    let y = pinet_targets(valid[1].1.view(), &pi).unwrap();
    assert!(y.iter().all(|&v| v == 0.0));
    // Errors.
    let mut nan = Array3::<f64>::zeros((2, 3, 4));
    nan[[1, 2, 3]] = f64::NAN;
    nan[[1, 0, 0]] = f64::INFINITY;
    let mut neg_inf = Array3::<f64>::zeros((1, 1, 3));
    neg_inf[[0, 0, 2]] = f64::NEG_INFINITY;
    let one = Array3::<f64>::zeros((1, 1, 4));
    let bad: Vec<(&str, Result<ndarray::Array4<f32>>, &Check)> = vec![
        (
            "batch 0",
            pinet_targets(Array3::zeros((0, 1, 4)).view(), &pi),
            &|e| {
                matches!(
                    e,
                    Error::Shape {
                        name: "signals",
                        ..
                    }
                )
            },
        ),
        (
            "channels 0",
            pinet_targets(Array3::zeros((1, 0, 4)).view(), &pi),
            &|e| {
                matches!(
                    e,
                    Error::Shape {
                        name: "signals",
                        ..
                    }
                )
            },
        ),
        (
            "length 0",
            pinet_targets(Array3::zeros((1, 1, 0)).view(), &pi),
            &|e| {
                matches!(
                    e,
                    Error::Shape {
                        name: "signals",
                        ..
                    }
                )
            },
        ),
        (
            "inf before NaN",
            pinet_targets(nan.view(), &pi),
            &|e| matches!(e, Error::NonFiniteInput { name: "signals", index, .. } if index == &[1, 0, 0]),
        ),
        (
            "-inf",
            pinet_targets(neg_inf.view(), &pi),
            &|e| matches!(e, Error::NonFiniteInput { name: "signals", index, value } if index == &[0, 0, 2] && *value == f64::NEG_INFINITY),
        ),
        (
            "2^40 signals (broadcast)",
            pinet_targets(one.broadcast((BIG, 1, 4)).unwrap(), &pi),
            &|e| matches!(e, Error::TooLarge(_)),
        ),
        (
            "channels 2^30 (broadcast)",
            pinet_targets(one.broadcast((1, 1 << 30, 4)).unwrap(), &pi),
            &|e| matches!(e, Error::TooLarge(_)),
        ),
        (
            "length 2^60 (broadcast)",
            pinet_targets(
                Array3::<f64>::zeros((1, 1, 1))
                    .broadcast((1, 1, 1 << 60))
                    .unwrap(),
                &pi,
            ),
            &|e| matches!(e, Error::TooLarge(_)),
        ),
    ];
    for (case, r, ok) in &bad {
        match r {
            Err(e) => assert!(ok(e), "{case}: {e:?}"),
            Ok(_) => panic!("{case}: Ok"),
        }
    }
    assert_eq!(valid.len() + bad.len(), 13);
}

#[test]
fn pinet_targets_extreme_magnitudes() {
    // Values of +-MAX: persistence may overflow f64; the answer is the
    // vectoriser's typed error or finite images in [0, 1], never NaN.
    let pi = PersistenceImage::pinet_signal();
    // (signal, largest pixel when Ok: 0 = no finite pair, 1 = normalised).
    let cases: [(Vec<f64>, f32); 4] = [
        (vec![MAX, -MAX, MAX], 0.0),
        (vec![-MAX, MAX, -MAX, MAX], 1.0),
        (vec![1e300, -1e300, 0.0], 0.0),
        (vec![0.0, 1e-300, 0.0], 1.0),
    ];
    for (s, top) in &cases {
        let a = Array3::from_shape_vec((1, 1, s.len()), s.clone()).unwrap();
        match pinet_targets(a.view(), &pi) {
            Ok(y) => {
                assert!(
                    y.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)),
                    "{s:?}"
                );
                assert_eq!(y.iter().cloned().fold(0.0f32, f32::max), *top, "{s:?}");
            }
            // A bar from -MAX to MAX: its persistence overflows.
            Err(e) => assert!(
                matches!(e, Error::PersistenceOverflow { .. }),
                "{s:?}: {e:?}"
            ),
        }
    }
}
