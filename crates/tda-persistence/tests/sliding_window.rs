//! Sliding-window embedding: shapes, values, errors.

use tda_persistence::{Error, SlidingWindow};

#[test]
fn embeds_with_delay_and_stride() {
    let x: Vec<f64> = (0..10).map(f64::from).collect();
    let sw = SlidingWindow {
        dim: 3,
        delay: 2,
        stride: 3,
    };
    assert_eq!(sw.span(), 5);
    assert_eq!(sw.n_points(10), 2);
    let p = sw.embed(&x).unwrap();
    assert_eq!(p, ndarray::array![[0.0, 2.0, 4.0], [3.0, 5.0, 7.0]]);
}

#[test]
fn w3_shape() {
    let x = vec![0.5; 1000];
    assert_eq!(SlidingWindow::default().embed(&x).unwrap().dim(), (991, 10));
}

#[test]
fn exact_window_and_dim_one() {
    let x = [1.0, 2.0, 3.0];
    assert_eq!(
        SlidingWindow {
            dim: 3,
            delay: 1,
            stride: 1
        }
        .embed(&x)
        .unwrap()
        .dim(),
        (1, 3)
    );
    let p = SlidingWindow {
        dim: 1,
        delay: 1,
        stride: 2,
    }
    .embed(&x)
    .unwrap();
    assert_eq!(p, ndarray::array![[1.0], [3.0]]);
}

#[test]
fn bad_input_is_a_typed_error() {
    let x = [1.0, 2.0, 3.0];
    let too_long = SlidingWindow {
        dim: 3,
        delay: 2,
        stride: 1,
    };
    assert_eq!(
        too_long.embed(&x),
        Err(Error::TooShort { len: 3, needed: 5 })
    );
    assert_eq!(too_long.n_points(3), 0);
    for (sw, name) in [
        (
            SlidingWindow {
                dim: 0,
                delay: 1,
                stride: 1,
            },
            "dim",
        ),
        (
            SlidingWindow {
                dim: 2,
                delay: 0,
                stride: 1,
            },
            "delay",
        ),
        (
            SlidingWindow {
                dim: 2,
                delay: 1,
                stride: 0,
            },
            "stride",
        ),
    ] {
        match sw.embed(&x) {
            Err(Error::InvalidParameter { name: n, .. }) => assert_eq!(n, name),
            other => panic!("expected InvalidParameter for {name}, got {other:?}"),
        }
        assert_eq!(sw.n_points(3), 0);
    }
    assert_eq!(SlidingWindow::default().embed(&[]), Err(Error::Empty));
    // Absurd sizes saturate instead of overflowing.
    let huge = SlidingWindow {
        dim: usize::MAX,
        delay: 3,
        stride: 1,
    };
    assert_eq!(huge.span(), usize::MAX);
    assert_eq!(huge.n_points(10), 0);
    assert_eq!(
        huge.embed(&x),
        Err(Error::TooShort {
            len: 3,
            needed: usize::MAX
        })
    );
    assert_eq!(
        SlidingWindow {
            dim: 0,
            delay: 1,
            stride: 1
        }
        .span(),
        0
    );
    assert_eq!(
        SlidingWindow {
            dim: 1,
            delay: 1,
            stride: 1
        }
        .embed(&[0.0, f64::NAN]),
        Err(Error::NonFinite { index: 1 })
    );
}
