//! Sublevel / superlevel H0 of signals: references, fixtures, properties, errors.

mod common;

use common::{bars, h0_union_find, signal_fixtures, sorted, Bar};
use ndarray::{Array2, Array3, ShapeBuilder};
use proptest::prelude::*;
use tda_persistence::sublevel::{
    self, h0, h0_superlevel, h0_superlevel_with_critical, h0_with_critical, SignalH0,
};
use tda_persistence::Error;

#[test]
fn equals_gudhi_cubical_on_fixtures() {
    for f in signal_fixtures() {
        assert_eq!(
            bars(&h0(&f.x).unwrap()),
            sorted(f.gudhi_h0.clone()),
            "{}",
            f.name
        );
    }
}

#[test]
fn superlevel_equals_gudhi_on_negated_signal() {
    for f in signal_fixtures() {
        let d = h0_superlevel(&f.x).unwrap();
        assert!(d.iter().all(|p| p.birth >= p.death), "{}", f.name);
        // Fixture bars are in original values with a null (-inf) essential death.
        let ours: Vec<Bar> = sorted(
            d.iter()
                .map(|p| (p.birth, p.death.is_finite().then_some(p.death)))
                .collect(),
        );
        assert_eq!(ours, sorted(f.gudhi_h0_superlevel.clone()), "{}", f.name);
        assert_eq!(d.essential_count(), 1);
        assert!(d.iter().any(|p| p.death == f64::NEG_INFINITY));
    }
}

#[test]
fn equals_ripser_lower_star_in_f32() {
    for f in signal_fixtures() {
        let to32 = |b: Vec<Bar>| -> Vec<(f32, Option<f32>)> {
            let mut v: Vec<_> = b
                .into_iter()
                .map(|(b, d)| (b as f32, d.map(|d| d as f32)))
                .collect();
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            v
        };
        // ripser drops bars that become empty once rounded to f32.
        let ours: Vec<Bar> = bars(&h0(&f.x).unwrap())
            .into_iter()
            .filter(|(b, d)| d.is_none_or(|d| *b as f32 != d as f32))
            .collect();
        assert_eq!(to32(ours), to32(f.ripser_h0.clone()), "{}", f.name);
    }
}

#[test]
fn closed_forms() {
    // Constant and monotone signals: one essential bar at the minimum.
    for x in [
        vec![2.0; 9],
        (0..9).map(f64::from).collect(),
        (0..9).rev().map(f64::from).collect(),
    ] {
        let d = h0(&x).unwrap();
        assert_eq!(
            bars(&d),
            vec![(*x.iter().min_by(|a, b| a.total_cmp(b)).unwrap(), None)]
        );
    }
    assert_eq!(bars(&h0(&[7.0]).unwrap()), vec![(7.0, None)]);
    assert_eq!(bars(&h0(&[1.0, 0.0]).unwrap()), vec![(0.0, None)]);
    // Two equal minima: the later one dies at the separating maximum.
    let (d, crit) = h0_with_critical(&[0.0, 2.0, 0.0]).unwrap();
    assert_eq!(bars(&d), vec![(0.0, Some(2.0)), (0.0, None)]);
    assert_eq!(crit[0].birth_index, 2);
    assert_eq!(crit[0].death_index, Some(1));
    assert_eq!(crit[1].birth_index, 0);
    // A plateau maximum: the first index of the plateau is older, so the last one kills.
    let (_, crit) = h0_with_critical(&[0.0, 3.0, 3.0, 1.0]).unwrap();
    assert_eq!(crit[1].death_index, Some(2));
}

#[test]
fn superlevel_critical_indices_point_at_the_values() {
    let x = [1.0, 5.0, 2.0, 4.0, 0.0, 3.0];
    let (d, crit) = h0_superlevel_with_critical(&x).unwrap();
    assert_eq!(d.len(), crit.len());
    for (p, c) in d.iter().zip(&crit) {
        assert_eq!(p.birth, x[c.birth_index]);
        assert_eq!(p.death, c.death_index.map_or(f64::NEG_INFINITY, |i| x[i]));
    }
    assert_eq!(
        bars(&d),
        vec![(3.0, Some(0.0)), (4.0, Some(2.0)), (5.0, None)]
    );
}

fn signal() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        // Few distinct values: many ties and plateaus.
        prop::collection::vec((0i32..4).prop_map(f64::from), 1..120),
        prop::collection::vec(-1e3f64..1e3, 1..300),
        // Repeated runs of random values.
        prop::collection::vec(((-5i32..5).prop_map(f64::from), 1usize..6), 1..40).prop_map(
            |runs| runs
                .into_iter()
                .flat_map(|(v, n)| std::iter::repeat_n(v, n))
                .collect()
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn stack_pass_equals_union_find(x in signal()) {
        let (d, crit) = h0_with_critical(&x).unwrap();
        let (ref_d, ref_crit) = h0_union_find(&x);
        prop_assert_eq!(&d, &ref_d);
        prop_assert_eq!(crit, ref_crit);
        prop_assert_eq!(h0(&x).unwrap(), d);
    }

    #[test]
    fn critical_into_is_the_diagrams_critical_pairs(x in signal()) {
        let mut engine = SignalH0::default();
        let mut out = Vec::new();
        for superlevel in [false, true] {
            let (_, mut want) = if superlevel {
                h0_superlevel_with_critical(&x).unwrap()
            } else {
                h0_with_critical(&x).unwrap()
            };
            if superlevel {
                engine.superlevel_critical_into(&x, &mut out).unwrap();
            } else {
                engine.sublevel_critical_into(&x, &mut out).unwrap();
            }
            prop_assert!(out[0].death_index.is_none());
            let key = |c: &tda_persistence::CriticalPair| (c.birth_index, c.death_index);
            want.sort_by_key(key);
            let mut got = out.clone();
            got.sort_by_key(key);
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn superlevel_is_negated_sublevel(x in signal()) {
        let neg: Vec<f64> = x.iter().map(|v| -v).collect();
        let (d, crit) = h0_superlevel_with_critical(&x).unwrap();
        let (dn, critn) = h0_with_critical(&neg).unwrap();
        let mut flipped: Vec<_> = dn.iter().map(|p| (-p.birth, -p.death)).zip(critn).collect();
        flipped.sort_by(|a, b| a.0.0.total_cmp(&b.0.0).then(a.0.1.total_cmp(&b.0.1)).then(a.1.birth_index.cmp(&b.1.birth_index)));
        let ours: Vec<_> = d.iter().map(|p| (p.birth, p.death)).zip(crit).collect();
        prop_assert_eq!(ours, flipped);
    }

    #[test]
    fn pair_count_and_order_invariants(x in signal()) {
        let (d, crit) = h0_with_critical(&x).unwrap();
        prop_assert_eq!(d.essential_count(), 1);
        prop_assert!(d.pairs.windows(2).all(|w| w[0].canonical_cmp(&w[1]).is_le()));
        for (p, c) in d.iter().zip(&crit) {
            prop_assert!(p.birth < p.death);
            prop_assert_eq!(p.birth, x[c.birth_index]);
            if let Some(di) = c.death_index { prop_assert_eq!(p.death, x[di]); }
        }
    }
}

#[test]
fn workspace_reuse_gives_identical_results() {
    let mut h0w = SignalH0::default();
    for f in signal_fixtures() {
        assert_eq!(h0w.sublevel(&f.x).unwrap(), h0(&f.x).unwrap());
        assert_eq!(h0w.superlevel(&f.x).unwrap(), h0_superlevel(&f.x).unwrap());
    }
}

#[test]
fn batch_equals_rows_and_ignores_thread_count() {
    let rows = Array2::from_shape_fn((37, 50), |(i, j)| {
        (((i * 31 + j * 17) % 23) as f64 - 11.0) * 0.5
    });
    let expected: Vec<_> = rows
        .rows()
        .into_iter()
        .map(|r| h0(&r.to_vec()).unwrap())
        .collect();
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        assert_eq!(
            pool.install(|| sublevel::h0_batch(rows.view()).unwrap()),
            expected
        );
    }
    // A column-major array has non-contiguous rows.
    let fortran = Array2::from_shape_vec((37, 50).f(), rows.t().iter().copied().collect()).unwrap();
    assert_eq!(fortran, rows);
    assert_eq!(sublevel::h0_batch(fortran.view()).unwrap(), expected);
}

#[test]
fn image_channels_flatten_row_major() {
    let img = Array3::from_shape_fn((5, 4, 3), |(i, j, c)| ((i * 7 + j * 3 + c * 5) % 11) as f64);
    let diagrams = sublevel::h0_image_channels(img.view()).unwrap();
    assert_eq!(diagrams.len(), 3);
    for (c, d) in diagrams.iter().enumerate() {
        let flat: Vec<f64> = (0..20).map(|p| img[[p / 4, p % 4, c]]).collect();
        assert_eq!(d, &h0(&flat).unwrap());
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    assert_eq!(h0(&[]), Err(Error::Empty));
    assert_eq!(h0(&[0.0, f64::NAN]), Err(Error::NonFinite { index: 1 }));
    assert_eq!(
        h0_superlevel(&[f64::INFINITY]),
        Err(Error::NonFinite { index: 0 })
    );
    assert_eq!(
        h0_with_critical(&[1.0, f64::NEG_INFINITY]).unwrap_err(),
        Error::NonFinite { index: 1 }
    );
    assert_eq!(h0_superlevel_with_critical(&[]).unwrap_err(), Error::Empty);
    let mut rows = Array2::<f64>::zeros((3, 4));
    rows[[2, 1]] = f64::NAN;
    rows[[1, 3]] = f64::INFINITY;
    assert_eq!(
        sublevel::h0_batch(rows.view()),
        Err(Error::NonFinite { index: 7 })
    );
    assert_eq!(
        sublevel::h0_batch(Array2::<f64>::zeros((0, 4)).view()),
        Err(Error::Empty)
    );
    assert_eq!(
        sublevel::h0_batch(Array2::<f64>::zeros((3, 0)).view()),
        Err(Error::Empty)
    );
    let mut img = Array3::<f64>::zeros((2, 2, 2));
    img[[1, 0, 1]] = f64::NAN;
    assert_eq!(
        sublevel::h0_image_channels(img.view()),
        Err(Error::NonFinite { index: 5 })
    );
    assert_eq!(
        sublevel::h0_image_channels(Array3::<f64>::zeros((0, 2, 3)).view()),
        Err(Error::Empty)
    );
}
