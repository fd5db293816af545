//! Vietoris-Rips: ripser.py fixtures, a dense boundary-matrix reference,
//! closed forms (regular polygons, circles) and one test per error.

mod common;

use common::rips_ref::rips_reference;
use common::ripser::{cases, cloud, f32_bars, metric, metric_strategy, Case};
use common::{bars, sorted};
use ndarray::{Array2, ArrayView2};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_xoshiro::SplitMix64;
use tda_persistence::rips::{Collapse, Metric, Rips, RipsBuilder, Storage};
use tda_persistence::{Diagram, Error, MemoryError, SlidingWindow};

fn run_case(c: &Case, storage: Storage) -> Vec<Diagram> {
    let a = Array2::from_shape_vec(c.shape, c.values.clone()).unwrap();
    let mut rips = Rips::new()
        .max_dim(c.maxdim)
        .metric(metric(&c.metric))
        .storage(storage);
    if let Some(t) = c.threshold {
        rips = rips.threshold(t);
    }
    if c.distance_matrix {
        rips.compute_distance_matrix(a.view()).unwrap()
    } else {
        rips.compute(a.view()).unwrap()
    }
}

/// The distance matrix of a case, computed as the engine does.
fn distances(c: &Case) -> Vec<f64> {
    if c.distance_matrix {
        return c.values.clone();
    }
    let (n, k) = c.shape;
    let m = metric(&c.metric);
    let p = |i: usize| &c.values[i * k..(i + 1) * k];
    (0..n * n)
        .map(|ij| m.distance(p(ij / n), p(ij % n)))
        .collect()
}

#[test]
fn equals_ripser_on_fixtures() {
    for c in cases() {
        for storage in [Storage::Auto, Storage::Dense, Storage::Sparse] {
            let ours = run_case(&c, storage);
            assert_eq!(ours.len(), c.maxdim + 1, "{}", c.name);
            for (dim, (d, expected)) in ours.iter().zip(&c.dgms).enumerate() {
                assert_eq!(d.dim, dim);
                assert_eq!(
                    f32_bars(d),
                    sorted(expected.clone()),
                    "{} H{dim} {storage:?}",
                    c.name
                );
            }
        }
    }
}

#[test]
fn dense_reference_agrees_on_small_fixtures() {
    for c in cases().into_iter().filter(|c| c.shape.0 <= 25) {
        let n = c.shape.0;
        let t = c.threshold.unwrap_or(f64::INFINITY);
        let reference = rips_reference(&distances(&c), n, c.maxdim, t);
        let ours = run_case(&c, Storage::Auto);
        for dim in 0..=c.maxdim {
            assert_eq!(bars(&ours[dim]), reference[dim], "{} H{dim}", c.name);
        }
    }
}

fn matrix_of(p: ArrayView2<f64>, m: Metric) -> Vec<f64> {
    let n = p.nrows();
    (0..n * n)
        .map(|ij| {
            let (a, b) = (p.row(ij / n).to_vec(), p.row(ij % n).to_vec());
            m.distance(&a, &b)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn engine_equals_dense_reduction(p in cloud(14), m in metric_strategy(), t in prop::option::of(0.0f64..2.5)) {
        let n = p.nrows();
        let max_dim = (n - 1).min(2);
        let d = matrix_of(p.view(), m);
        let reference = rips_reference(&d, n, max_dim, t.unwrap_or(f64::INFINITY));
        for storage in [Storage::Dense, Storage::Sparse] {
            let mut rips = Rips::new().max_dim(max_dim).metric(m).storage(storage);
            if let Some(t) = t {
                rips = rips.threshold(t);
            }
            let ours = rips.compute(p.view()).unwrap();
            for dim in 0..=max_dim {
                prop_assert_eq!(&bars(&ours[dim]), &reference[dim], "H{} {:?}", dim, storage);
            }
            let dm = Array2::from_shape_vec((n, n), d.clone()).unwrap();
            prop_assert_eq!(rips.compute_distance_matrix(dm.view()).unwrap(), ours);
        }
    }
}

fn polygon(n: usize, r: f64) -> Array2<f64> {
    Array2::from_shape_fn((n, 2), |(i, j)| {
        let a = i as f64 * std::f64::consts::TAU / n as f64;
        r * if j == 0 { a.cos() } else { a.sin() }
    })
}

#[test]
fn regular_polygons_have_the_closed_form_h1_bar() {
    use std::f64::consts::PI;
    for n in 4..=16 {
        let d = Rips::new()
            .max_dim(1)
            .compute(polygon(n, 1.0).view())
            .unwrap();
        // Equal distances may differ in the last bits: ignore bars shorter than 1e-9.
        let long: Vec<_> = d[1].iter().filter(|p| p.persistence() > 1e-9).collect();
        assert_eq!(long.len(), 1, "n = {n}: {:?}", d[1]);
        let birth = 2.0 * (PI / n as f64).sin();
        let death = 2.0 * (PI * n.div_ceil(3) as f64 / n as f64).sin();
        assert!((long[0].birth - birth).abs() < 1e-12, "n = {n}");
        assert!((long[0].death - death).abs() < 1e-12, "n = {n}");
        assert_eq!(d[0].essential_count(), 1);
        assert!(d[0].finite().all(|p| (p.death - birth).abs() < 1e-12));
    }
}

#[test]
fn dense_circle_dies_near_sqrt3_r() {
    let r = 2.5;
    // The loop is born at the chord of the widest gap between neighbouring
    // angles: 0.22 for this seed (about 15% of seeds leave a gap over 0.3).
    let mut rng = SplitMix64::seed_from_u64(7);
    let angles: Vec<f64> = (0..400)
        .map(|_| rng.random::<f64>() * std::f64::consts::TAU)
        .collect();
    let pts = Array2::from_shape_fn((400, 2), |(i, j)| {
        let a = angles[i];
        r * if j == 0 { a.cos() } else { a.sin() }
    });
    let d = Rips::new().compute(pts.view()).unwrap();
    let top = d[1]
        .iter()
        .max_by(|a, b| a.persistence().total_cmp(&b.persistence()))
        .unwrap();
    assert!(top.birth < 0.3, "{top:?}");
    assert!((top.death - 3f64.sqrt() * r).abs() < 0.05, "{top:?}");
}

#[test]
fn sliding_window_convenience_equals_embedding() {
    let x: Vec<f64> = (0..120).map(|i| (i as f64 * 0.3).sin()).collect();
    let sw = SlidingWindow {
        dim: 4,
        delay: 3,
        stride: 2,
    };
    let rips = Rips::new().max_dim(1);
    assert_eq!(
        rips.compute_sliding_window(&x, &sw).unwrap(),
        rips.compute(sw.embed(&x).unwrap().view()).unwrap()
    );
    assert!(!rips.compute_sliding_window(&x, &sw).unwrap()[1].is_empty());
}

#[test]
fn explicit_threshold_above_the_radius_changes_nothing() {
    let p = polygon(9, 1.0);
    let a = Rips::new().max_dim(2).compute(p.view()).unwrap();
    let b = Rips::new()
        .max_dim(2)
        .threshold(f64::INFINITY)
        .compute(p.view())
        .unwrap();
    let c = Rips::new()
        .max_dim(2)
        .threshold(100.0)
        .compute(p.view())
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[test]
fn single_point_and_zero_threshold() {
    let p = Array2::from_elem((1, 3), 1.5);
    let d = Rips::new().max_dim(0).compute(p.view()).unwrap();
    assert_eq!(bars(&d[0]), vec![(0.0, None)]);
    let p = polygon(5, 1.0);
    let d = Rips::new()
        .max_dim(1)
        .threshold(0.0)
        .compute(p.view())
        .unwrap();
    assert_eq!(d[0].essential_count(), 5);
    assert!(d[1].is_empty());
}

// ---- one test per error variant

#[test]
fn error_empty() {
    let r = Rips::new().max_dim(0);
    assert_eq!(
        r.compute(Array2::<f64>::zeros((0, 2)).view()),
        Err(Error::Empty)
    );
    assert_eq!(
        r.compute_distance_matrix(Array2::<f64>::zeros((0, 0)).view()),
        Err(Error::Empty)
    );
}

#[test]
fn error_non_finite() {
    let mut p = Array2::<f64>::zeros((4, 3));
    p[[2, 1]] = f64::NAN;
    assert_eq!(
        Rips::new().compute(p.view()),
        Err(Error::NonFinite { index: 7 })
    );
    let mut d = Array2::<f64>::zeros((3, 3));
    d[[1, 2]] = f64::INFINITY;
    assert_eq!(
        Rips::new().compute_distance_matrix(d.view()),
        Err(Error::NonFinite { index: 5 })
    );
}

#[test]
fn error_shape() {
    assert!(matches!(
        Rips::new().compute_distance_matrix(Array2::<f64>::zeros((3, 4)).view()),
        Err(Error::Shape {
            rows: 3,
            cols: 4,
            ..
        })
    ));
    assert!(matches!(
        Rips::new().compute(Array2::<f64>::zeros((3, 0)).view()),
        Err(Error::Shape {
            rows: 3,
            cols: 0,
            ..
        })
    ));
}

#[test]
fn error_not_symmetric() {
    let mut d = Array2::<f64>::from_elem((3, 3), 1.0);
    d.diag_mut().fill(0.0);
    d[[0, 2]] = 2.0;
    assert_eq!(
        Rips::new().compute_distance_matrix(d.view()),
        Err(Error::NotSymmetric { row: 2, col: 0 })
    );
}

#[test]
fn error_negative_distance() {
    let mut d = Array2::<f64>::from_elem((3, 3), 1.0);
    d.diag_mut().fill(0.0);
    d[[1, 0]] = -0.5;
    d[[0, 1]] = -0.5;
    assert_eq!(
        Rips::new().compute_distance_matrix(d.view()),
        Err(Error::NegativeDistance {
            row: 0,
            col: 1,
            value: -0.5
        })
    );
}

#[test]
fn error_non_zero_diagonal() {
    let mut d = Array2::<f64>::from_elem((3, 3), 1.0);
    d.diag_mut().fill(0.0);
    d[[1, 1]] = 0.25;
    assert_eq!(
        Rips::new().compute_distance_matrix(d.view()),
        Err(Error::NonZeroDiagonal {
            index: 1,
            value: 0.25
        })
    );
}

#[test]
fn error_invalid_threshold() {
    let p = polygon(5, 1.0);
    for t in [f64::NAN, -1.0] {
        assert!(matches!(
            Rips::new().threshold(t).compute(p.view()),
            Err(Error::InvalidParameter {
                name: "threshold",
                ..
            })
        ));
    }
}

/// Every impossible parameter is refused by `build()`, naming it, before
/// any input is seen; the builder's `compute*` (the `Rips::new()...`
/// one-liner) build first, so they report it even for input that is
/// itself invalid. One row per parameter that has impossible values: the
/// threshold (`max_dim`, the metric, the memory limit and the storage take
/// any value; `max_dim` is checked against the input by `compute`).
#[test]
fn build_refuses_impossible_parameters() {
    let bad_t = |t: f64| Error::InvalidParameter {
        name: "threshold",
        value: t.to_string(),
        reason: "must be a non-negative number",
    };
    let rows: Vec<(&str, RipsBuilder, Error)> = [f64::NAN, -1.0, f64::NEG_INFINITY, -5e-324]
        .into_iter()
        .map(|t| ("threshold", Rips::builder().threshold(t), bad_t(t)))
        .collect();
    let empty = Array2::<f64>::zeros((0, 2));
    let sw = SlidingWindow {
        dim: 2,
        delay: 1,
        stride: 1,
    };
    for (name, builder, want) in rows {
        let got = builder.clone().build().unwrap_err();
        assert_eq!(got, want);
        assert!(matches!(got, Error::InvalidParameter { name: n, .. } if n == name));
        assert_eq!(builder.compute(empty.view()).unwrap_err(), want);
        assert_eq!(
            builder.compute_distance_matrix(empty.view()).unwrap_err(),
            want
        );
        assert_eq!(builder.compute_sliding_window(&[], &sw).unwrap_err(), want);
    }
    // Valid parameters, including the edge values, build; the getters
    // return them.
    for t in [0.0, 5e-324, 1.0, f64::INFINITY] {
        let rips = Rips::new()
            .max_dim(3)
            .threshold(t)
            .metric(Metric::Manhattan)
            .memory_limit(0)
            .storage(Storage::Sparse)
            .build()
            .unwrap();
        assert_eq!(rips.threshold(), Some(t));
        assert_eq!(
            (
                rips.max_dim(),
                rips.metric(),
                rips.memory_limit(),
                rips.storage()
            ),
            (3, Metric::Manhattan, 0, Storage::Sparse)
        );
    }
    let defaults = Rips::builder().build().unwrap();
    assert_eq!(defaults, Rips::default());
    assert_eq!(
        (defaults.max_dim(), defaults.threshold(), defaults.metric()),
        (1, None, Metric::Euclidean)
    );
}

#[test]
fn error_dimension_too_large() {
    assert_eq!(
        Rips::new().max_dim(3).compute(polygon(3, 1.0).view()),
        Err(Error::DimensionTooLarge {
            max_dim: 3,
            points: 3
        })
    );
}

#[test]
fn error_index_overflow() {
    // 3000 choose 12 > 2^64.
    let p = Array2::<f64>::zeros((3000, 1));
    assert_eq!(
        Rips::new().max_dim(10).compute(p.view()),
        Err(Error::IndexOverflow {
            max_dim: 10,
            points: 3000
        })
    );
}

#[test]
fn error_too_large() {
    let p = polygon(200, 1.0);
    match Rips::new().memory_limit(100_000).compute(p.view()) {
        Err(Error::TooLarge(MemoryError {
            estimated_bytes,
            limit,
            ..
        })) => {
            assert_eq!(limit, 100_000);
            assert!(estimated_bytes > limit);
        }
        other => panic!("{other:?}"),
    }
    // Enough for the matrix and the edges, not for the list of all
    // triangles that the assembly of the tetrahedra of H3 needs: the guard
    // stops the run while the triangles are enumerated (without the edge
    // collapse, which leaves few enough triangles to fit).
    let q = Array2::from_shape_fn((120, 3), |(i, j)| ((i * 7919 + j * 104729) % 1013) as f64);
    let limit = 2_000_000;
    assert!(Rips::new()
        .max_dim(1)
        .memory_limit(limit)
        .compute(q.view())
        .is_ok());
    assert!(matches!(
        Rips::new()
            .max_dim(3)
            .collapse_edges(Collapse::Never)
            .memory_limit(limit)
            .compute(q.view()),
        Err(Error::TooLarge(MemoryError {
            limit: 2_000_000,
            ..
        }))
    ));
    assert!(Rips::new()
        .max_dim(3)
        .memory_limit(limit)
        .compute(q.view())
        .is_ok());
}
