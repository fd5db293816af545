//! Cubical H0/H1 of images: gudhi fixtures, dense boundary-matrix reference, errors.

mod common;

use common::{
    bars, cubical_top_reference, cubical_vertices_reference, image_fixtures, sorted, CriticalPixels,
};
use ndarray::{Array2, ArrayView2};
use proptest::prelude::*;
use tda_persistence::cubical::{
    lower_star_2d, lower_star_2d_with, lower_star_2d_with_critical, Connectivity,
};
use tda_persistence::{CriticalPair, Error};

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

/// The critical pixels of `img`, checked against the diagrams they come
/// with: the same diagrams as [`lower_star_2d_with`], one critical pair per
/// pair, pointing at pixels of the pair's birth and death values. Returns,
/// per dimension, the finite pairs' `(birth, death)` pixels (sorted) and
/// the essential classes' birth pixels.
#[allow(clippy::type_complexity)]
fn critical(img: ArrayView2<f64>, c: Connectivity) -> [(Vec<(usize, usize)>, Vec<usize>); 2] {
    let dims = lower_star_2d_with_critical(img, c).unwrap();
    let plain = lower_star_2d_with(img, c).unwrap();
    let flat: Vec<f64> = img.iter().copied().collect();
    let mut out: [(Vec<(usize, usize)>, Vec<usize>); 2] = Default::default();
    assert_eq!(dims.len(), 2);
    for (dim, ((d, crit), want)) in dims.iter().zip(&plain).enumerate() {
        assert_eq!(d, want, "dimension {dim}: the same diagram");
        assert_eq!(
            crit.len(),
            d.len(),
            "dimension {dim}: one critical pair per pair"
        );
        for (
            p,
            &CriticalPair {
                birth_index,
                death_index,
            },
        ) in d.iter().zip(crit)
        {
            assert_eq!(flat[birth_index], p.birth, "birth pixel of {p:?}");
            match death_index {
                Some(i) => {
                    assert_eq!(flat[i], p.death, "death pixel of {p:?}");
                    out[dim].0.push((birth_index, i));
                }
                None => {
                    assert_eq!(p.death, f64::INFINITY);
                    out[dim].1.push(birth_index);
                }
            }
        }
        out[dim].0.sort_unstable();
        out[dim].1.sort_unstable();
    }
    out
}

/// The values `image[b], image[d]` of index pairs, sorted.
fn values(flat: &[f64], idx: &[(usize, usize)]) -> Vec<(f64, f64)> {
    let mut v: Vec<(f64, f64)> = idx.iter().map(|&(b, d)| (flat[b], flat[d])).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    v
}

#[test]
fn critical_pixels_equal_gudhi_on_fixtures() {
    let mut exact = 0;
    for f in image_fixtures() {
        let img = Array2::from_shape_vec(f.shape, f.values.clone()).unwrap();
        let mut distinct = f.values.clone();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let distinct = distinct.len() == f.values.len();
        for (c, g) in [
            (Connectivity::Four, &f.vertices.critical),
            (Connectivity::Eight, &f.top_dimensional_cells.critical),
        ] {
            let ours = critical(img.view(), c);
            let CriticalPixels {
                h0,
                h0_essential,
                h1,
                h1_essential,
            } = g;
            let gudhi = [(h0, h0_essential), (h1, h1_essential)];
            for (dim, ((pairs, ess), (g_pairs, g_ess))) in ours.iter().zip(gudhi).enumerate() {
                let what = format!("{} {c:?} H{dim}", f.name);
                if distinct {
                    // No ties: the very same pixels.
                    assert_eq!(pairs, g_pairs, "{what}");
                    assert_eq!(ess, g_ess, "{what} essential");
                } else {
                    // Ties: pixels may differ only between equal values.
                    assert_eq!(
                        values(&f.values, pairs),
                        values(&f.values, g_pairs),
                        "{what}"
                    );
                    let v = |e: &[usize]| e.iter().map(|&i| f.values[i]).collect::<Vec<_>>();
                    assert_eq!(v(ess), v(g_ess), "{what} essential");
                }
            }
            exact += usize::from(distinct);
        }
    }
    // Fixtures without ties (random floats) check the indices themselves.
    assert!(exact >= 8, "only {exact} exact comparisons");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn critical_pixels_carry_the_diagrams_values(img in image()) {
        // `critical` asserts the diagrams and the values at the pixels.
        for c in [Connectivity::Four, Connectivity::Eight] {
            critical(img.view(), c);
        }
    }

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
