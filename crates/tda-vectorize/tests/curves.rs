//! Betti curves and landscapes: closed forms and essential policies.

mod common;

use common::diagram;
use tda_persistence::Diagram;
use tda_vectorize::{BettiCurve, Essential, Landscape, Vectorizer};

#[test]
fn tent_landscapes() {
    // Samples 0, 0.5, ..., 4.
    let land = Landscape::new(3, (0.0, 4.0), 9).unwrap();
    assert_eq!(land.len(), 27);
    // Nested tents [0, 4) and [1, 3): lambda_1 is the big tent, lambda_2 the small one.
    let v = land.transform(&diagram(&[(0.0, 4.0), (1.0, 3.0)])).unwrap();
    let big = [0.0, 0.5, 1.0, 1.5, 2.0, 1.5, 1.0, 0.5, 0.0];
    let small = [0.0, 0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0, 0.0];
    assert_eq!(&v[0..9], &big.map(|x| x as f32));
    assert_eq!(&v[9..18], &small.map(|x| x as f32));
    assert!(v[18..].iter().all(|&x| x == 0.0));
    // Overlapping tents [0, 2) and [1, 3): lambda_1 is their upper envelope.
    let v = land.transform(&diagram(&[(0.0, 2.0), (1.0, 3.0)])).unwrap();
    let upper = [0.0, 0.5, 1.0, 0.5, 1.0, 0.5, 0.0, 0.0, 0.0];
    let lower = [0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0];
    assert_eq!(&v[0..9], &upper.map(|x| x as f32));
    assert_eq!(&v[9..18], &lower.map(|x| x as f32));
}

#[test]
fn landscape_essential_policies() {
    let d = diagram(&[(1.0, f64::INFINITY)]);
    let land = Landscape::builder()
        .num_landscapes(1)
        .sample_range(0.0, 4.0)
        .resolution(5);
    assert!(land
        .clone()
        .build()
        .unwrap()
        .transform(&d)
        .unwrap()
        .iter()
        .all(|&x| x == 0.0));
    let keep = land.clone().essential(Essential::Keep).build().unwrap();
    assert_eq!(keep.transform(&d).unwrap(), vec![0.0, 0.0, 1.0, 2.0, 3.0]);
    let clamp = land.essential(Essential::ClampDeath(3.0)).build().unwrap();
    assert_eq!(clamp.transform(&d).unwrap(), vec![0.0, 0.0, 1.0, 0.0, 0.0]);
}

#[test]
fn betti_counts_half_open_bars() {
    // Samples 0, 1, 2, 3, 4; bars [1, 3) and [1, inf).
    let d = diagram(&[(1.0, 3.0), (1.0, f64::INFINITY), (2.5, 2.75)]);
    let builder = BettiCurve::builder().sample_range(0.0, 4.0).resolution(5);
    let betti = builder.clone().build().unwrap();
    assert_eq!(betti.samples(), &[0.0, 1.0, 2.0, 3.0, 4.0]);
    assert_eq!(betti.transform(&d).unwrap(), vec![0.0, 1.0, 1.0, 0.0, 0.0]);
    let keep = builder.clone().essential(Essential::Keep).build().unwrap();
    assert_eq!(keep.transform(&d).unwrap(), vec![0.0, 2.0, 2.0, 1.0, 1.0]);
    let clamp = builder
        .essential(Essential::ClampDeath(4.0))
        .build()
        .unwrap();
    assert_eq!(clamp.transform(&d).unwrap(), vec![0.0, 2.0, 2.0, 1.0, 0.0]);
}

#[test]
fn superlevel_pairs_are_intervals() {
    // A superlevel pair (birth 3 >= death 1) counts as [1, 3).
    let betti = BettiCurve::new((0.0, 4.0), 5).unwrap();
    assert_eq!(
        betti.transform(&diagram(&[(3.0, 1.0)])).unwrap(),
        vec![0.0, 1.0, 1.0, 0.0, 0.0]
    );
    let land = Landscape::new(1, (0.0, 4.0), 5).unwrap();
    assert_eq!(
        land.transform(&diagram(&[(3.0, 1.0)])).unwrap(),
        vec![0.0, 0.0, 1.0, 0.0, 0.0]
    );
}

#[test]
fn single_sample_and_batch() {
    let betti = BettiCurve::new((2.0, 2.0), 1).unwrap();
    assert_eq!(betti.transform(&diagram(&[(1.0, 3.0)])).unwrap(), vec![1.0]);
    let land = Landscape::new(2, (0.0, 4.0), 7).unwrap();
    let ds: Vec<Diagram> = (0..20)
        .map(|k| diagram(&[(0.1 * k as f64, 2.0 + 0.05 * k as f64), (1.0, 2.5)]))
        .collect();
    let batch = land.transform_batch(&ds).unwrap();
    for (row, d) in batch.outer_iter().zip(&ds) {
        assert_eq!(row.to_vec(), land.transform(d).unwrap());
    }
}
