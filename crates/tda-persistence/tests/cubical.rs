//! Cubical H0/H1 of images: gudhi fixtures, dense boundary-matrix reference, errors.

mod common;

use common::{bars, cubical_top_reference, cubical_vertices_reference, image_fixtures, sorted};
use ndarray::{Array2, ArrayView2};
use proptest::prelude::*;
use tda_persistence::cubical::{lower_star_2d, lower_star_2d_with, Connectivity};
use tda_persistence::Error;

fn ours(img: ArrayView2<f64>, c: Connectivity) -> [Vec<common::Bar>; 2] {
    let d = lower_star_2d_with(img, c).unwrap();
    assert_eq!((d.len(), d[0].dim, d[1].dim), (2, 0, 1));
    [bars(&d[0]), bars(&d[1])]
}

#[test]
fn equals_gudhi_on_fixtures() {
    for f in image_fixtures() {
        let img = Array2::from_shape_vec(f.shape, f.values.clone()).unwrap();
        let v = ours(img.view(), Connectivity::Four);
        assert_eq!(
            v,
            [sorted(f.vertices.h0.clone()), sorted(f.vertices.h1.clone())],
            "{} vertices",
            f.name
        );
        let t = ours(img.view(), Connectivity::Eight);
        let expected = [
            sorted(f.top_dimensional_cells.h0.clone()),
            sorted(f.top_dimensional_cells.h1.clone()),
        ];
        assert_eq!(t, expected, "{} top cells", f.name);
        assert_eq!(
            lower_star_2d(img.view()).unwrap(),
            lower_star_2d_with(img.view(), Connectivity::Four).unwrap()
        );
    }
}

#[test]
fn dense_reference_agrees_on_fixtures() {
    // Checks the reference itself against gudhi, so the proptests below mean something.
    for f in image_fixtures()
        .into_iter()
        .filter(|f| f.values.len() <= 100)
    {
        let (h, w) = f.shape;
        let v = cubical_vertices_reference(&f.values, h, w);
        assert_eq!(
            v,
            [sorted(f.vertices.h0.clone()), sorted(f.vertices.h1.clone())],
            "{}",
            f.name
        );
        let t = cubical_top_reference(&f.values, h, w);
        let expected = [
            sorted(f.top_dimensional_cells.h0.clone()),
            sorted(f.top_dimensional_cells.h1.clone()),
        ];
        assert_eq!(t, expected, "{}", f.name);
    }
}

fn image() -> impl Strategy<Value = Array2<f64>> {
    (1usize..7, 1usize..7).prop_flat_map(|(h, w)| {
        prop_oneof![
            prop::collection::vec((0i32..3).prop_map(f64::from), h * w),
            prop::collection::vec(-10.0f64..10.0, h * w),
        ]
        .prop_map(move |v| Array2::from_shape_vec((h, w), v).unwrap())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn four_connectivity_equals_dense_reduction(img in image()) {
        let (h, w) = img.dim();
        let flat: Vec<f64> = img.iter().copied().collect();
        prop_assert_eq!(ours(img.view(), Connectivity::Four), cubical_vertices_reference(&flat, h, w));
    }

    #[test]
    fn eight_connectivity_equals_dense_reduction(img in image()) {
        let (h, w) = img.dim();
        let flat: Vec<f64> = img.iter().copied().collect();
        prop_assert_eq!(ours(img.view(), Connectivity::Eight), cubical_top_reference(&flat, h, w));
    }
}

#[test]
fn a_single_row_is_the_signal_diagram() {
    let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
    let img = Array2::from_shape_vec((1, 8), x.to_vec()).unwrap();
    for c in [Connectivity::Four, Connectivity::Eight] {
        let d = lower_star_2d_with(img.view(), c).unwrap();
        assert_eq!(d[0], tda_persistence::sublevel::h0(&x).unwrap());
        assert!(d[1].is_empty());
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    assert_eq!(
        lower_star_2d(Array2::<f64>::zeros((0, 3)).view()),
        Err(Error::Empty)
    );
    let mut img = Array2::<f64>::zeros((3, 3));
    img[[2, 1]] = f64::NAN;
    assert_eq!(
        lower_star_2d(img.view()),
        Err(Error::NonFinite { index: 7 })
    );
    img[[2, 1]] = f64::INFINITY;
    assert_eq!(
        lower_star_2d_with(img.view(), Connectivity::Eight),
        Err(Error::NonFinite { index: 7 })
    );
}
