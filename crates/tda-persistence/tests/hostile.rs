//! Hostile input for every public entry point of the crate: NaN, ±inf,
//! ±f64::MAX, subnormals, -0.0, empty and wrongly shaped arrays, sizes of 0,
//! `usize::MAX` and far beyond memory, impossible parameters and ties. Each
//! case asserts the exact typed error, or a result checked bit for bit
//! against a slow reference (a union-find, a dense boundary reduction) or
//! against the same input scaled by a power of two (exact in binary
//! floating point). Sizes over the memory limit are refused without being
//! allocated: the tests allocate nothing large. Each test prints its number
//! of cases (`cargo test --test hostile -- --nocapture`).

mod common;

use std::cmp::Ordering;

use common::rips_ref::rips_reference;
use common::{bars, cubical_top_reference, cubical_vertices_reference, h0_union_find, sorted, Bar};
use ndarray::{Array2, Array3, ArrayView2, Axis, ShapeBuilder};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_xoshiro::SplitMix64;
use tda_persistence::cubical::{
    lower_star_2d, lower_star_2d_with, lower_star_2d_with_critical, Connectivity,
};
use tda_persistence::memory::{self, MemoryError, DEFAULT_LIMIT};
use tda_persistence::rips::{Metric, Rips, RipsBuilder, Storage};
use tda_persistence::sublevel::{self, SignalH0};
use tda_persistence::{CriticalPair, Diagram, Error, PersistencePair, SlidingWindow};

const MAX: f64 = f64::MAX;
const SUB: f64 = 5e-324; // the smallest subnormal
const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

fn report(entry: &str, cases: usize) {
    eprintln!("hostile cases: {entry}: {cases}");
}

/// `2^k` for any `k` in `-1074..=1023`.
fn pow2(k: i32) -> f64 {
    2f64.powi(k.max(-1000)) * 2f64.powi(k.min(-1000) + 1000)
}

fn bits(d: &Diagram) -> Vec<(u64, u64)> {
    d.iter()
        .map(|p| (p.birth.to_bits(), p.death.to_bits()))
        .collect()
}

/// A finite value of any magnitude, sign or kind (subnormal, ±0): a
/// uniformly drawn bit pattern, redrawn while it is infinite or NaN.
fn any_finite(g: &mut impl Rng) -> f64 {
    loop {
        let x = f64::from_bits(g.next_u64());
        if x.is_finite() {
            return x;
        }
    }
}

/// A whole number in `0..k`, as `f64`.
fn small(g: &mut impl Rng, k: u64) -> f64 {
    g.random_range(0..k) as f64
}

// ---------------------------------------------------------------- sublevel

/// Superlevel reference: the sublevel one of `-x`, values negated back.
fn h0_superlevel_reference(x: &[f64]) -> (Diagram, Vec<CriticalPair>) {
    let neg: Vec<f64> = x.iter().map(|v| -v).collect();
    let (d, crit) = h0_union_find(&neg);
    let mut both: Vec<_> = d
        .pairs
        .iter()
        .map(|p| PersistencePair::new(-p.birth, -p.death))
        .zip(crit)
        .collect();
    both.sort_by(|a, b| {
        a.0.canonical_cmp(&b.0)
            .then(a.1.birth_index.cmp(&b.1.birth_index))
    });
    let (pairs, crit) = both.into_iter().unzip();
    (Diagram { dim: 0, pairs }, crit)
}

/// Finite hostile signals: extremes, subnormals, signed zeros, ties, plateaus.
fn hostile_signals() -> Vec<Vec<f64>> {
    let mut g = SplitMix64::seed_from_u64(1);
    let mut v = vec![
        vec![5.0],
        vec![-0.0],
        vec![0.0, -0.0, 0.0, -0.0],
        vec![-0.0, 1.0, 0.0, 1.0, -0.0],
        vec![MAX, -MAX, MAX, -MAX],
        vec![-MAX, MAX],
        vec![MAX, MAX, -MAX, -MAX, MAX],
        vec![SUB, 0.0, SUB, -SUB, -0.0, 2.0 * SUB],
        vec![f64::MIN_POSITIVE, SUB, -f64::MIN_POSITIVE, MAX, SUB],
        vec![1e308, -1e308, 1e-308, -1e-308],
        vec![0.0, 2.0, 2.0, 2.0, 1.0, 3.0],
        vec![1.0, 1.0 + f64::EPSILON, 1.0, 1.0 - f64::EPSILON / 2.0, 1.0],
        vec![1.0; 1000],
        (0..1000).map(f64::from).collect(),
        (0..1000).map(|i| -f64::from(i)).collect(),
        (0..257).map(|i| f64::from(i % 2)).collect(),
        (0..300)
            .map(|i| f64::from(i % 3) * (MAX / 2.0) - MAX / 2.0)
            .collect(),
    ];
    v.push((0..500).map(|_| any_finite(&mut g)).collect());
    v.push((0..500).map(|_| small(&mut g, 4) - 1.5).collect());
    v.push((0..200).map(|_| (small(&mut g, 7) - 3.0) * SUB).collect());
    v
}

fn assert_h0_bits(
    ours: &(Diagram, Vec<CriticalPair>),
    reference: &(Diagram, Vec<CriticalPair>),
    x: &[f64],
) {
    assert_eq!(bits(&ours.0), bits(&reference.0), "{x:?}");
    assert_eq!(ours.1, reference.1, "{x:?}");
    assert_eq!(ours.0.dim, 0);
}

#[test]
fn sublevel_functions_and_planner() {
    let mut cases = 0;
    let mut planner = SignalH0::default();
    for x in hostile_signals() {
        let sub = h0_union_find(&x);
        let sup = h0_superlevel_reference(&x);
        assert_h0_bits(&sublevel::h0_with_critical(&x).unwrap(), &sub, &x);
        assert_h0_bits(
            &sublevel::h0_superlevel_with_critical(&x).unwrap(),
            &sup,
            &x,
        );
        assert_eq!(bits(&sublevel::h0(&x).unwrap()), bits(&sub.0));
        assert_eq!(bits(&sublevel::h0_superlevel(&x).unwrap()), bits(&sup.0));
        // One planner across all signals (long then short, errors between).
        assert_eq!(bits(&planner.sublevel(&x).unwrap()), bits(&sub.0));
        assert!(planner.sublevel(&[]).is_err());
        assert_eq!(bits(&planner.superlevel(&x).unwrap()), bits(&sup.0));
        assert_h0_bits(&planner.sublevel_with_critical(&x).unwrap(), &sub, &x);
        assert_h0_bits(&planner.superlevel_with_critical(&x).unwrap(), &sup, &x);
        cases += 1;
    }
    let errors: [(&[f64], Error); 7] = [
        (&[], Error::Empty),
        (&[NAN], Error::NonFinite { index: 0 }),
        (&[1.0, INF], Error::NonFinite { index: 1 }),
        (&[-INF, 0.0], Error::NonFinite { index: 0 }),
        (&[0.0, 1.0, -NAN], Error::NonFinite { index: 2 }),
        (&[MAX, -MAX, SUB, NAN, INF], Error::NonFinite { index: 3 }),
        (&[-0.0, f64::NEG_INFINITY], Error::NonFinite { index: 1 }),
    ];
    for (x, e) in errors {
        assert_eq!(sublevel::h0(x).unwrap_err(), e);
        assert_eq!(sublevel::h0_superlevel(x).unwrap_err(), e);
        assert_eq!(sublevel::h0_with_critical(x).unwrap_err(), e);
        assert_eq!(sublevel::h0_superlevel_with_critical(x).unwrap_err(), e);
        assert_eq!(planner.sublevel(x).unwrap_err(), e);
        assert_eq!(planner.superlevel(x).unwrap_err(), e);
        assert_eq!(planner.sublevel_with_critical(x).unwrap_err(), e);
        assert_eq!(planner.superlevel_with_critical(x).unwrap_err(), e);
        cases += 1;
    }
    report("sublevel h0 / h0_superlevel / h0_with_critical / h0_superlevel_with_critical / SignalH0 (each)", cases);
}

#[test]
fn h0_batch_rows() {
    let mut cases = 0;
    // Rows of hostile signals of one length, contiguous and strided.
    let signals: Vec<Vec<f64>> = hostile_signals()
        .into_iter()
        .filter(|x| x.len() >= 4)
        .collect();
    for len in [4usize, 5, 6, 200, 300, 1000] {
        let rows: Vec<&Vec<f64>> = signals.iter().filter(|x| x.len() >= len).collect();
        let a = Array2::from_shape_fn((rows.len(), len), |(r, c)| rows[r][c]);
        let expected: Vec<_> = rows
            .iter()
            .map(|x| bits(&h0_union_find(&x[..len]).0))
            .collect();
        let got: Vec<_> = sublevel::h0_batch(a.view())
            .unwrap()
            .iter()
            .map(bits)
            .collect();
        assert_eq!(got, expected, "len {len}");
        // Column-major copy (rows not contiguous) and a reversed view.
        let f =
            Array2::from_shape_vec((rows.len(), len).f(), a.t().iter().copied().collect()).unwrap();
        assert_eq!(f, a);
        let got: Vec<_> = sublevel::h0_batch(f.view())
            .unwrap()
            .iter()
            .map(bits)
            .collect();
        assert_eq!(got, expected);
        let mut rev = a.view();
        rev.invert_axis(Axis(0));
        let mut got: Vec<_> = sublevel::h0_batch(rev).unwrap().iter().map(bits).collect();
        got.reverse();
        assert_eq!(got, expected);
        cases += 3;
    }
    let mut bad = Array2::<f64>::zeros((3, 4));
    bad[[2, 1]] = -NAN;
    bad[[2, 3]] = INF;
    let too_big = Array2::from_elem((1, 1), 1.0);
    let too_big = too_big.broadcast((1 << 20, 1 << 20)).unwrap();
    let table: [(ArrayView2<f64>, Error); 4] = [
        (ArrayView2::from_shape((0, 4), &[]).unwrap(), Error::Empty),
        (ArrayView2::from_shape((3, 0), &[]).unwrap(), Error::Empty),
        (bad.view(), Error::NonFinite { index: 9 }),
        (too_big, too_large("sublevel H0 batch")),
    ];
    for (a, e) in table {
        assert_eq!(same_error(sublevel::h0_batch(a).unwrap_err()), e);
        cases += 1;
    }
    // One value per row; one row of one value.
    let col = Array2::from_shape_vec((3, 1), vec![MAX, -0.0, SUB]).unwrap();
    let d = sublevel::h0_batch(col.view()).unwrap();
    assert_eq!(
        d.iter()
            .map(|d| d.pairs[0].birth.to_bits())
            .collect::<Vec<_>>(),
        [MAX.to_bits(), (-0.0f64).to_bits(), SUB.to_bits()]
    );
    cases += 1;
    report("sublevel::h0_batch", cases);
}

/// A `TooLarge` error of `what`, with its estimate and limit blanked (see [`same_error`]).
fn too_large(what: &'static str) -> Error {
    Error::TooLarge(MemoryError {
        what,
        estimated_bytes: 0,
        limit: 0,
    })
}

/// Blanks the estimate and limit of a `TooLarge` error (after checking the
/// estimate is over the limit), so tables can name the error exactly.
fn same_error(e: Error) -> Error {
    match e {
        Error::TooLarge(m) => {
            assert!(m.estimated_bytes > m.limit, "{m:?}");
            assert_eq!(m.limit, memory::limit());
            too_large(m.what)
        }
        other => other,
    }
}

#[test]
fn h0_image_channels() {
    let mut cases = 0;
    let mut g = SplitMix64::seed_from_u64(77);
    for (h, w, c) in [(1, 1, 1), (1, 7, 2), (7, 1, 3), (4, 5, 3), (6, 6, 1)] {
        for kind in 0..3 {
            let img = Array3::from_shape_fn((h, w, c), |_| match kind {
                0 => any_finite(&mut g),
                1 => [0.0, -0.0, SUB, -SUB, MAX, -MAX][g.random_range(0..6u64) as usize],
                _ => small(&mut g, 3),
            });
            let got = sublevel::h0_image_channels(img.view()).unwrap();
            assert_eq!(got.len(), c);
            for (k, d) in got.iter().enumerate() {
                let flat: Vec<f64> = img.index_axis(Axis(2), k).iter().copied().collect();
                assert_eq!(bits(d), bits(&h0_union_find(&flat).0));
            }
            cases += 1;
        }
    }
    let mut bad = Array3::<f64>::zeros((2, 2, 2));
    bad[[1, 0, 1]] = NAN;
    let one = Array3::from_elem((1, 1, 1), 0.5);
    let huge = one.broadcast((1 << 16, 1 << 16, 1 << 10)).unwrap();
    let table = [
        (Array3::<f64>::zeros((0, 2, 3)), Error::Empty),
        (Array3::<f64>::zeros((2, 0, 3)), Error::Empty),
        (Array3::<f64>::zeros((2, 2, 0)), Error::Empty),
        (bad, Error::NonFinite { index: 5 }),
    ];
    for (img, e) in table {
        assert_eq!(sublevel::h0_image_channels(img.view()).unwrap_err(), e);
        cases += 1;
    }
    assert_eq!(
        same_error(sublevel::h0_image_channels(huge).unwrap_err()),
        too_large("sublevel H0 of image channels")
    );
    cases += 1;
    report("sublevel::h0_image_channels", cases);
}

// ---------------------------------------------------------------- cubical

#[test]
fn cubical_lower_star() {
    let mut cases = 0;
    let mut g = SplitMix64::seed_from_u64(5);
    let mut images: Vec<Array2<f64>> = vec![
        Array2::from_elem((1, 1), -0.0),
        Array2::from_shape_vec((1, 5), vec![MAX, -MAX, 0.0, -0.0, SUB]).unwrap(),
        Array2::from_shape_vec((5, 1), vec![SUB, -SUB, MAX, 0.0, -MAX]).unwrap(),
        Array2::from_elem((3, 3), 2.0),
        Array2::from_shape_fn((4, 4), |(i, j)| if (i + j) % 2 == 0 { 0.0 } else { -0.0 }),
        Array2::from_shape_fn((4, 4), |(i, j)| if (i + j) % 2 == 0 { MAX } else { -MAX }),
        Array2::from_shape_fn((3, 3), |(i, j)| if i == 1 && j == 1 { MAX } else { -MAX }),
        Array2::from_shape_fn((3, 4), |(i, j)| {
            [SUB, 0.0, -SUB, 2.0 * SUB][(i + 2 * j) % 4]
        }),
        Array2::from_shape_fn((2, 2), |_| 1.0),
    ];
    images.push(Array2::from_shape_fn((6, 5), |_| any_finite(&mut g)));
    images.push(Array2::from_shape_fn((5, 6), |_| small(&mut g, 3)));
    images.push(Array2::from_shape_fn((4, 4), |_| {
        [0.0, -0.0, 1.0][g.random_range(0..3u64) as usize]
    }));
    for img in &images {
        let (h, w) = img.dim();
        let flat: Vec<f64> = img.iter().copied().collect();
        let four = lower_star_2d(img.view()).unwrap();
        assert_eq!(
            four,
            lower_star_2d_with(img.view(), Connectivity::Four).unwrap()
        );
        let eight = lower_star_2d_with(img.view(), Connectivity::Eight).unwrap();
        // The reference orders -0.0 before 0.0: compare with zeros unsigned.
        let unsigned = |b: Vec<Bar>| {
            sorted(
                b.into_iter()
                    .map(|(b, d)| (b + 0.0, d.map(|d| d + 0.0)))
                    .collect(),
            )
        };
        let as_bars = |d: &[Diagram]| [unsigned(bars(&d[0])), unsigned(bars(&d[1]))];
        let reference = |r: [Vec<Bar>; 2]| r.map(unsigned);
        assert_eq!(
            as_bars(&four),
            reference(cubical_vertices_reference(&flat, h, w)),
            "{img:?}"
        );
        assert_eq!(
            as_bars(&eight),
            reference(cubical_top_reference(&flat, h, w)),
            "{img:?}"
        );
        // Transposed view (not contiguous) = transposed copy.
        let t = img.t().to_owned();
        assert_eq!(
            lower_star_2d(img.t()).unwrap(),
            lower_star_2d(t.view()).unwrap()
        );
        cases += 2;
    }
    // One row is the signal, bit for bit (signed zeros in ties included).
    for x in hostile_signals().into_iter().filter(|x| x.len() <= 300) {
        let img = Array2::from_shape_vec((1, x.len()), x.clone()).unwrap();
        for c in [Connectivity::Four, Connectivity::Eight] {
            let d = lower_star_2d_with(img.view(), c).unwrap();
            assert_eq!(bits(&d[0]), bits(&h0_union_find(&x).0), "{x:?}");
            assert!(d[1].is_empty());
        }
        cases += 1;
    }
    let mut nan = Array2::<f64>::zeros((3, 3));
    nan[[2, 1]] = -NAN;
    let mut inf = Array2::<f64>::zeros((3, 3));
    inf[[0, 2]] = -INF;
    let one = Array2::from_elem((1, 1), 0.0);
    let huge = one.broadcast((1 << 20, 1 << 20)).unwrap();
    for c in [Connectivity::Four, Connectivity::Eight] {
        let table: [(ArrayView2<f64>, Error); 5] = [
            (ArrayView2::from_shape((0, 3), &[]).unwrap(), Error::Empty),
            (ArrayView2::from_shape((3, 0), &[]).unwrap(), Error::Empty),
            (nan.view(), Error::NonFinite { index: 7 }),
            (inf.view(), Error::NonFinite { index: 2 }),
            (huge, too_large("cubical persistence")),
        ];
        for (img, e) in table {
            assert_eq!(same_error(lower_star_2d_with(img, c).unwrap_err()), e);
            assert_eq!(
                same_error(lower_star_2d_with_critical(img, c).unwrap_err()),
                e
            );
            cases += 2;
        }
    }
    report(
        "cubical::lower_star_2d / lower_star_2d_with / lower_star_2d_with_critical (Four, Eight)",
        cases,
    );
}

// ---------------------------------------------------------------- sliding window

#[test]
fn sliding_window_embed() {
    let mut cases = 0;
    let x: Vec<f64> = vec![MAX, -MAX, SUB, -0.0, 0.0, -SUB, 1.0, f64::MIN_POSITIVE];
    let sw = |dim, delay, stride| SlidingWindow { dim, delay, stride };
    // Values are copied bit for bit.
    for (dim, delay, stride) in [
        (1, 1, 1),
        (3, 2, 1),
        (2, 7, 1),
        (8, 1, 1),
        (2, 1, 3),
        (1, 1, usize::MAX),
    ] {
        let w = sw(dim, delay, stride);
        let p = w.embed(&x).unwrap();
        assert_eq!(p.dim(), (w.n_points(x.len()), dim));
        for ((t, j), v) in p.indexed_iter() {
            assert_eq!(v.to_bits(), x[t * stride + j * delay].to_bits());
        }
        cases += 1;
    }
    let param = |name: &'static str| Error::InvalidParameter {
        name,
        value: "0".into(),
        reason: "must be at least 1",
    };
    let long = vec![0.5; 100_000];
    let table: Vec<(SlidingWindow, &[f64], Error)> = vec![
        (sw(0, 1, 1), &x, param("dim")),
        (sw(2, 0, 1), &x, param("delay")),
        (sw(2, 1, 0), &x, param("stride")),
        (sw(0, 0, 0), &x, param("dim")),
        (sw(2, 1, 1), &[], Error::Empty),
        (sw(2, 1, 1), &[0.0, NAN], Error::NonFinite { index: 1 }),
        (sw(2, 1, 1), &[-INF], Error::NonFinite { index: 0 }),
        (sw(9, 1, 1), &x, Error::TooShort { len: 8, needed: 9 }),
        (
            sw(usize::MAX, 1, 1),
            &x,
            Error::TooShort {
                len: 8,
                needed: usize::MAX,
            },
        ),
        (
            sw(2, usize::MAX, 1),
            &x,
            Error::TooShort {
                len: 8,
                needed: usize::MAX,
            },
        ),
        (
            sw(usize::MAX, usize::MAX, usize::MAX),
            &x,
            Error::TooShort {
                len: 8,
                needed: usize::MAX,
            },
        ),
        // 50,001 points of 50,000 values: 20 GB, refused before allocating.
        (
            sw(50_000, 1, 1),
            &long,
            too_large("sliding-window embedding"),
        ),
        (
            sw(30_000, 2, 1),
            &long,
            too_large("sliding-window embedding"),
        ),
    ];
    for (w, s, e) in table {
        assert_eq!(same_error(w.embed(s).unwrap_err()), e, "{w:?}");
        cases += 1;
    }
    // span and n_points saturate instead of overflowing.
    assert_eq!(sw(usize::MAX, 2, 1).span(), usize::MAX);
    assert_eq!(sw(0, 5, 1).span(), 0);
    assert_eq!(sw(3, 1, 1).n_points(usize::MAX), usize::MAX - 2);
    assert_eq!(sw(3, 1, 0).n_points(10), 0);
    assert_eq!(sw(3, 1, 1).n_points(2), 0);
    cases += 5;
    report("SlidingWindow::embed / span / n_points", cases);
}

// ---------------------------------------------------------------- Rips

const METRICS: [Metric; 3] = [Metric::Euclidean, Metric::Chebyshev, Metric::Manhattan];
const STORAGES: [Storage; 3] = [Storage::Auto, Storage::Dense, Storage::Sparse];

/// Small integer clouds: every difference, square and sum is exact, and
/// distinct distances stay distinct after any scaling in the tests.
fn integer_clouds() -> Vec<Array2<f64>> {
    let mut g = SplitMix64::seed_from_u64(123);
    vec![
        Array2::from_shape_vec((4, 2), vec![0.0, 0.0, 4.0, 0.0, 4.0, 4.0, 0.0, 4.0]).unwrap(),
        Array2::from_shape_fn((8, 3), |_| small(&mut g, 9)),
        Array2::from_shape_fn((9, 2), |_| small(&mut g, 6)),
        Array2::from_shape_fn((7, 1), |_| small(&mut g, 16)),
    ]
}

/// The exact distance matrix of an integer cloud (correctly rounded square roots).
fn integer_matrix(p: &Array2<f64>, m: Metric) -> Array2<f64> {
    let n = p.nrows();
    Array2::from_shape_fn((n, n), |(i, j)| {
        let (ri, rj) = (p.row(i), p.row(j));
        let d = ri.iter().zip(rj.iter()).map(|(a, b)| (a - b).abs());
        match m {
            Metric::Euclidean => d.map(|x| x * x).sum::<f64>().sqrt(),
            Metric::Chebyshev => d.fold(0.0, f64::max),
            Metric::Manhattan => d.sum(),
        }
    })
}

fn scaled(ds: &[Diagram], c: f64) -> Vec<Vec<(u64, u64)>> {
    ds.iter()
        .map(|d| {
            let pairs = d
                .iter()
                .map(|p| PersistencePair::new(p.birth * c, p.death * c))
                .collect();
            bits(&Diagram::new(d.dim, pairs))
        })
        .collect()
}

fn all_bits(ds: &[Diagram]) -> Vec<Vec<(u64, u64)>> {
    ds.iter().map(bits).collect()
}

/// Scaling the points by `2^k` scales every bar by exactly `2^k` (rounded
/// once where subnormal), for every metric, store and entry point: the
/// squares of `2^500` and `2^-560` clouds overflow and underflow, and
/// `2^-1060` makes every coordinate subnormal.
#[test]
fn rips_scale_equivariance_over_the_whole_range() {
    let mut cases = 0;
    for p in integer_clouds() {
        let n = p.nrows();
        let max_dim = 2.min(n - 1);
        for m in METRICS {
            let dm = integer_matrix(&p, m);
            for t in [None, Some(5.0), Some(0.5)] {
                let reference =
                    rips_reference(dm.as_slice().unwrap(), n, max_dim, t.unwrap_or(INF));
                let rips = |c: f64, s: Storage| {
                    let r = Rips::new().max_dim(max_dim).metric(m).storage(s);
                    match t {
                        Some(t) => r.threshold(t * c),
                        None => r,
                    }
                };
                let base = rips(1.0, Storage::Auto).compute(p.view()).unwrap();
                for (d, r) in base.iter().zip(&reference) {
                    assert_eq!(&bars(d), r, "{m:?} {t:?}");
                }
                for k in [500, 1000, -560, -1060] {
                    let c = pow2(k);
                    let pc = p.mapv(|v| v * c);
                    let dc = dm.mapv(|v| v * c);
                    let expected = scaled(&base, c);
                    for s in STORAGES {
                        let r = rips(c, s);
                        assert_eq!(
                            all_bits(&r.compute(pc.view()).unwrap()),
                            expected,
                            "{m:?} {t:?} 2^{k} {s:?}"
                        );
                        assert_eq!(
                            all_bits(&r.compute_distance_matrix(dc.view()).unwrap()),
                            expected
                        );
                        cases += 2;
                    }
                    if t.is_some() {
                        // A limit under which the edges are counted from the
                        // points, without a dense matrix first.
                        let r = rips(c, Storage::Auto).memory_limit(8 << 10);
                        assert_eq!(all_bits(&r.compute(pc.view()).unwrap()), expected);
                        cases += 1;
                    }
                }
            }
        }
    }
    // The sliding-window convenience, on a signal scaled by 2^700.
    let x: Vec<f64> = (0..40).map(|i| f64::from((i * 7) % 11)).collect();
    let c = pow2(700);
    let xc: Vec<f64> = x.iter().map(|v| v * c).collect();
    let w = SlidingWindow {
        dim: 3,
        delay: 2,
        stride: 1,
    };
    for m in METRICS {
        let r = Rips::new().max_dim(1).metric(m);
        let base = r.compute_sliding_window(&x, &w).unwrap();
        assert_eq!(
            all_bits(&r.compute_sliding_window(&xc, &w).unwrap()),
            scaled(&base, c)
        );
        cases += 1;
    }
    report("Rips (scale equivariance: compute / compute_distance_matrix / compute_sliding_window, every metric and store)", cases);
}

/// 1-D clouds of mixed magnitudes: every metric's distance is exactly
/// `|x - y|` (for Euclidean, `sqrt(d * d) == |d|` in binary floating
/// point), so the dense reference on those differences is exact.
#[test]
fn rips_mixed_magnitudes_against_the_reference() {
    let mut cases = 0;
    let clouds: Vec<Vec<f64>> = vec![
        vec![0.0, 5e-170, 1.0, 1.0 + 1e-160],
        vec![0.0, 1e155, 2e155, 3.5e155],
        vec![-1e300, 0.0, 1e300, 5e-324, -5e-324],
        vec![SUB, 2.0 * SUB, 4.0 * SUB, 0.0, -0.0],
        vec![MAX, MAX / 2.0, 0.0, MAX / 4.0, SUB],
        vec![1e-300, 2e-300, 1e300, 2e300, -1.0],
    ];
    for x in clouds {
        let n = x.len();
        let p = Array2::from_shape_vec((n, 1), x.clone()).unwrap();
        let dm = Array2::from_shape_fn((n, n), |(i, j)| (x[i] - x[j]).abs());
        for t in [None, Some(1e155)] {
            let reference = rips_reference(dm.as_slice().unwrap(), n, 2, t.unwrap_or(INF));
            for m in METRICS {
                for s in STORAGES {
                    let mut r = Rips::new().max_dim(2).metric(m).storage(s);
                    if let Some(t) = t {
                        r = r.threshold(t);
                    }
                    let got = r.compute(p.view()).unwrap();
                    for (d, rf) in got.iter().zip(&reference) {
                        assert_eq!(&bars(d), rf, "{x:?} {m:?} {s:?} {t:?}");
                    }
                    assert_eq!(r.compute_distance_matrix(dm.view()).unwrap(), got);
                    // Edges counted from the points (see the scale test).
                    assert_eq!(
                        r.clone().memory_limit(8 << 10).compute(p.view()).unwrap(),
                        got
                    );
                    cases += 3;
                }
            }
        }
    }
    // A unit square of side 1e155 (squares 1e310): H1 [1e155, sqrt(2) 1e155).
    let side = 1e155;
    let sq =
        Array2::from_shape_vec((4, 2), vec![0.0, 0.0, side, 0.0, side, side, 0.0, side]).unwrap();
    let d = Rips::new().compute(sq.view()).unwrap();
    assert_eq!(d[1].len(), 1);
    assert_eq!(d[1].pairs[0].birth, side);
    assert!(close(d[1].pairs[0].death, side.hypot(side)));
    assert_eq!(d[0].essential_count(), 1);
    cases += 1;
    report(
        "Rips (mixed magnitudes vs dense reference: compute / compute_distance_matrix)",
        cases,
    );
}

/// Distances beyond f64::MAX: left out by a finite threshold, refused without one.
#[test]
fn rips_distance_overflow() {
    let mut cases = 0;
    let two = Array2::from_shape_vec((2, 1), vec![1.5e308, -1.5e308]).unwrap();
    let three = Array2::from_shape_vec((3, 1), vec![0.0, 1.5e308, -1.5e308]).unwrap();
    let diag = Array2::from_shape_vec((2, 2), vec![1e308, 1e308, 0.0, 0.0]).unwrap();
    for s in STORAGES {
        for m in METRICS {
            let r = Rips::new().max_dim(1).metric(m).storage(s);
            // |1.5e308 - -1.5e308| overflows in every metric.
            assert_eq!(
                r.compute(two.view()),
                Err(Error::DistanceOverflow { row: 1, col: 0 })
            );
            assert_eq!(
                r.clone().threshold(INF).compute(two.view()),
                Err(Error::DistanceOverflow { row: 1, col: 0 })
            );
            for t in [MAX, 1e308] {
                let d = r.clone().threshold(t).compute(two.view()).unwrap();
                assert_eq!(bars(&d[0]), vec![(0.0, None), (0.0, None)]);
            }
            // The enclosing radius (1.5e308, from point 0) keeps the overflowing pair out.
            let d = r.compute(three.view()).unwrap();
            assert_eq!(
                bars(&d[0]),
                vec![(0.0, Some(1.5e308)), (0.0, Some(1.5e308)), (0.0, None)]
            );
            assert!(d[1].is_empty());
            cases += 5;
        }
        // (1e308, 1e308) to the origin: Euclidean sqrt(2) 1e308 and
        // Chebyshev 1e308 are finite, Manhattan 2e308 is not.
        let r = Rips::new().max_dim(0).storage(s);
        let e = r.clone().compute(diag.view()).unwrap();
        let root2 = Metric::Euclidean.distance(&[1e308, 1e308], &[0.0, 0.0]);
        assert!(close(root2, 1e308f64.hypot(1e308)));
        assert_eq!(bars(&e[0]), vec![(0.0, Some(root2)), (0.0, None)]);
        let c = r
            .clone()
            .metric(Metric::Chebyshev)
            .compute(diag.view())
            .unwrap();
        assert_eq!(bars(&c[0]), vec![(0.0, Some(1e308)), (0.0, None)]);
        assert_eq!(
            r.clone().metric(Metric::Manhattan).compute(diag.view()),
            Err(Error::DistanceOverflow { row: 1, col: 0 })
        );
        cases += 3;
    }
    report("Rips (distance overflow)", cases);
}

#[test]
fn rips_parameters_and_shapes() {
    let mut cases = 0;
    let square =
        Array2::from_shape_vec((4, 2), vec![0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0]).unwrap();
    let sqd = integer_matrix(&square, Metric::Euclidean);
    let bad_t = |t: f64| Error::InvalidParameter {
        name: "threshold",
        value: t.to_string(),
        reason: "must be a non-negative number",
    };
    let mut nan_p = square.clone();
    nan_p[[2, 1]] = -NAN;
    let mut inf_p = square.clone();
    inf_p[[3, 0]] = INF;
    let one = Array2::from_elem((1, 1), 0.5);
    let huge = one.broadcast((1 << 20, 1 << 20)).unwrap();
    let rips_too_large = |e: Result<Vec<Diagram>, Error>| match e {
        Err(Error::TooLarge(m)) => {
            assert!(m.estimated_bytes > m.limit);
            m.what
        }
        other => panic!("{other:?}"),
    };
    for s in STORAGES {
        for m in METRICS {
            let r = Rips::new().storage(s).metric(m);
            let table: Vec<(RipsBuilder, ArrayView2<f64>, Error)> = vec![
                (
                    r.clone(),
                    ArrayView2::from_shape((0, 2), &[]).unwrap(),
                    Error::Empty,
                ),
                (
                    r.clone(),
                    ArrayView2::from_shape((3, 0), &[]).unwrap(),
                    Error::Shape {
                        rows: 3,
                        cols: 0,
                        reason: "points need at least one coordinate",
                    },
                ),
                (r.clone(), nan_p.view(), Error::NonFinite { index: 5 }),
                (r.clone(), inf_p.view(), Error::NonFinite { index: 6 }),
                (r.clone().threshold(NAN), square.view(), bad_t(NAN)),
                (r.clone().threshold(-1.0), square.view(), bad_t(-1.0)),
                (r.clone().threshold(-INF), square.view(), bad_t(-INF)),
                (r.clone().threshold(-SUB), square.view(), bad_t(-SUB)),
                (
                    r.clone().max_dim(4),
                    square.view(),
                    Error::DimensionTooLarge {
                        max_dim: 4,
                        points: 4,
                    },
                ),
                (
                    r.clone().max_dim(usize::MAX),
                    square.view(),
                    Error::DimensionTooLarge {
                        max_dim: usize::MAX,
                        points: 4,
                    },
                ),
            ];
            for (rips, p, e) in table {
                assert_eq!(rips.compute(p).unwrap_err(), e, "{s:?} {m:?}");
                cases += 1;
            }
            // Index overflow: 3000 choose 12 > 2^64.
            let many = Array2::<f64>::zeros((3000, 1));
            assert_eq!(
                r.clone().max_dim(10).compute(many.view()),
                Err(Error::IndexOverflow {
                    max_dim: 10,
                    points: 3000
                })
            );
            // Over the memory limit: no limit at all, or a 2^40-value broadcast view.
            assert_eq!(
                rips_too_large(r.clone().memory_limit(0).compute(square.view())),
                "Vietoris-Rips persistence"
            );
            assert_eq!(rips_too_large(r.compute(huge)), "Vietoris-Rips persistence");
            cases += 3;
            // Thresholds at the edges: -0.0 and subnormal are 0, MAX and inf the radius.
            let zero = r.clone().threshold(0.0).compute(square.view()).unwrap();
            for t in [-0.0, SUB] {
                assert_eq!(r.clone().threshold(t).compute(square.view()).unwrap(), zero);
            }
            assert_eq!(zero[0].essential_count(), 4);
            let full = r.compute(square.view()).unwrap();
            for t in [MAX, INF, 1e300] {
                assert_eq!(r.clone().threshold(t).compute(square.view()).unwrap(), full);
            }
            cases += 6;
            // Ties: every point equal (all bars of length zero), ±0 coordinates.
            let same = Array2::from_shape_fn((6, 2), |(i, _)| if i % 2 == 0 { 0.0 } else { -0.0 });
            let d = r.clone().max_dim(2).compute(same.view()).unwrap();
            assert_eq!(bars(&d[0]), vec![(0.0, None)]);
            assert!(d[1].is_empty() && d[2].is_empty());
            let single = Array2::from_elem((1, 3), -MAX);
            assert_eq!(
                bars(&r.clone().max_dim(0).compute(single.view()).unwrap()[0]),
                vec![(0.0, None)]
            );
            cases += 2;
        }
        // Distance matrices.
        let r = Rips::new().storage(s);
        let mut asym = sqd.clone();
        asym[[0, 1]] = f64::from_bits(asym[[0, 1]].to_bits() + 1);
        let mut neg = sqd.clone();
        neg[[1, 2]] = -SUB;
        neg[[2, 1]] = -SUB;
        let mut diag = sqd.clone();
        diag[[2, 2]] = SUB;
        let mut nan = sqd.clone();
        nan[[3, 1]] = NAN;
        let mut inf = sqd.clone();
        inf[[0, 3]] = INF;
        let table: Vec<(ArrayView2<f64>, Error)> = vec![
            (ArrayView2::from_shape((0, 0), &[]).unwrap(), Error::Empty),
            (ArrayView2::from_shape((2, 0), &[]).unwrap(), Error::Empty),
            (
                ArrayView2::from_shape((2, 3), &[0.0; 6]).unwrap(),
                Error::Shape {
                    rows: 2,
                    cols: 3,
                    reason: "a distance matrix must be square",
                },
            ),
            (asym.view(), Error::NotSymmetric { row: 1, col: 0 }),
            (
                neg.view(),
                Error::NegativeDistance {
                    row: 1,
                    col: 2,
                    value: -SUB,
                },
            ),
            (
                diag.view(),
                Error::NonZeroDiagonal {
                    index: 2,
                    value: SUB,
                },
            ),
            (nan.view(), Error::NonFinite { index: 13 }),
            (inf.view(), Error::NonFinite { index: 3 }),
        ];
        for (d, e) in table {
            assert_eq!(r.compute_distance_matrix(d).unwrap_err(), e, "{s:?}");
            cases += 1;
        }
        // -0.0 entries are zeros; entries up to f64::MAX and subnormal are exact.
        let mut z = Array2::<f64>::from_elem((3, 3), -0.0);
        z[[0, 1]] = MAX;
        z[[1, 0]] = MAX;
        z[[2, 0]] = SUB;
        z[[0, 2]] = SUB;
        let d = r
            .clone()
            .max_dim(1)
            .compute_distance_matrix(z.view())
            .unwrap();
        let reference = rips_reference(z.mapv(|v| v + 0.0).as_slice().unwrap(), 3, 1, INF);
        assert_eq!(bars(&d[0]), reference[0]);
        assert!(d[0].pairs.iter().all(|p| p.birth.to_bits() == 0));
        assert_eq!(
            rips_too_large(
                r.clone()
                    .memory_limit(0)
                    .compute_distance_matrix(sqd.view())
            ),
            "Vietoris-Rips persistence"
        );
        cases += 2;
        // The sliding-window convenience: window errors, and the embedding
        // checked against the engine's own limit.
        let x = [0.0, 1.0, NAN];
        let w = SlidingWindow {
            dim: 2,
            delay: 1,
            stride: 1,
        };
        assert_eq!(
            r.compute_sliding_window(&x, &w),
            Err(Error::NonFinite { index: 2 })
        );
        assert_eq!(
            r.compute_sliding_window(&[1.0], &w),
            Err(Error::TooShort { len: 1, needed: 2 })
        );
        let big = SlidingWindow {
            dim: 1000,
            delay: 1,
            stride: 1,
        };
        let y = vec![0.25; 2000];
        assert_eq!(
            rips_too_large(
                r.clone()
                    .memory_limit(1 << 20)
                    .compute_sliding_window(&y, &big)
            ),
            "sliding-window embedding"
        );
        cases += 3;
    }
    report("Rips (parameters, shapes, errors: compute / compute_distance_matrix / compute_sliding_window)", cases);
}

// ---------------------------------------------------------------- Metric::distance

/// A slow reference: `hypot` folded over the differences.
fn hypot_reference(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0f64, |acc, (x, y)| acc.hypot(x - y))
}

fn close(got: f64, want: f64) -> bool {
    if want.is_infinite() || got.is_infinite() {
        // At the very top, the last bits decide whether the sum overflows.
        return got.min(want) >= MAX * (1.0 - 1e-14);
    }
    (got - want).abs() <= 1e-14 * want + 4.0 * SUB
}

#[test]
fn metric_distance_table() {
    let e = Metric::Euclidean;
    let big = pow2(520);
    let tiny = pow2(-600);
    // (metric, a, b, expected, exact): inexact rows are checked against `hypot` to 1e-14.
    type Row = (Metric, Vec<f64>, Vec<f64>, f64, bool);
    let table: Vec<Row> = vec![
        (
            e,
            vec![0.0, 0.0],
            vec![3.0 * big, 4.0 * big],
            5.0 * big,
            true,
        ),
        (
            e,
            vec![0.0, 0.0],
            vec![3.0 * tiny, 4.0 * tiny],
            5.0 * tiny,
            true,
        ),
        (
            e,
            vec![0.0, 0.0],
            vec![3e155, 4e155],
            3e155f64.hypot(4e155),
            false,
        ),
        (e, vec![0.0], vec![5e-170], 5e-170, true),
        (e, vec![-1e155], vec![1e155], 2e155, true),
        (e, vec![SUB, 0.0], vec![0.0, SUB], SUB, true), // sqrt(2) SUB rounds to SUB
        (
            e,
            vec![3.0 * SUB, 0.0],
            vec![0.0, 4.0 * SUB],
            5.0 * SUB,
            true,
        ),
        (e, vec![MAX, 0.0], vec![0.0, 0.0], MAX, true),
        (e, vec![MAX, MAX], vec![0.0, 0.0], INF, true),
        (e, vec![1.5e308], vec![-1.5e308], INF, true),
        (
            e,
            vec![1e308, 1e308],
            vec![0.0, 0.0],
            1e308f64.hypot(1e308),
            false,
        ),
        (e, vec![1e-300, 1e300], vec![0.0, 0.0], 1e300, true),
        (e, vec![-0.0, 0.0], vec![0.0, -0.0], 0.0, true),
        (e, vec![], vec![], 0.0, true),
        (e, vec![1.0, 2.0], vec![1.0], NAN, true),
        (e, vec![NAN], vec![0.0], NAN, true),
        (e, vec![INF], vec![INF], NAN, true),
        (
            Metric::Chebyshev,
            vec![1.5e308, 0.0],
            vec![-1.5e308, 0.0],
            INF,
            true,
        ),
        (
            Metric::Chebyshev,
            vec![SUB, -SUB],
            vec![0.0, 0.0],
            SUB,
            true,
        ),
        (
            Metric::Chebyshev,
            vec![MAX, -MAX],
            vec![0.0, 0.0],
            MAX,
            true,
        ),
        (Metric::Chebyshev, vec![1.0], vec![], NAN, true),
        (
            Metric::Manhattan,
            vec![1e308, 1e308],
            vec![0.0, 0.0],
            INF,
            true,
        ),
        (
            Metric::Manhattan,
            vec![MAX / 2.0, MAX / 2.0],
            vec![0.0, 0.0],
            MAX,
            true,
        ),
        (
            Metric::Manhattan,
            vec![SUB, SUB, SUB],
            vec![-SUB, 0.0, 0.0],
            4.0 * SUB,
            true,
        ),
        (Metric::Manhattan, vec![-0.0], vec![0.0], 0.0, true),
        (Metric::Manhattan, vec![], vec![0.0], NAN, true),
    ];
    let cases = table.len();
    for (m, a, b, want, exact) in table {
        let got = m.distance(&a, &b);
        let ok = if exact {
            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan())
        } else {
            close(got, want)
        };
        assert!(ok, "{m:?} {a:?} {b:?}: {got:e} != {want:e}");
    }
    report("Metric::distance (table; and 512 proptest cases)", cases);
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>()
            .prop_map(f64::from_bits)
            .prop_filter("finite", |x| x.is_finite()),
        (-1000i32..1000).prop_map(f64::from),
        Just(0.0),
        Just(-0.0),
        (1u64..1 << 20).prop_map(|m| m as f64 * SUB),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any finite coordinates: within 1e-14 of a `hypot` fold (and
    /// `+inf` only where the distance is beyond f64::MAX).
    #[test]
    fn euclidean_distance_matches_hypot(
        ab in (1usize..6).prop_flat_map(|k| (
            prop::collection::vec(finite_f64(), k),
            prop::collection::vec(finite_f64(), k),
            -1074i32..1024,
        ))
    ) {
        let (a, b, k) = ab;
        let got = Metric::Euclidean.distance(&a, &b);
        let want = hypot_reference(&a, &b);
        prop_assert!(close(got, want), "{:?} {:?}: {:e} vs {:e}", a, b, got, want);
        prop_assert_eq!(got.to_bits(), Metric::Euclidean.distance(&b, &a).to_bits());
        // Scaling small integer points by 2^k scales the distance exactly.
        let ia: Vec<f64> = a.iter().map(|x| (x.to_bits() % 9) as f64).collect();
        let ib: Vec<f64> = b.iter().map(|x| (x.to_bits() % 9) as f64).collect();
        let c = pow2(k);
        let base = Metric::Euclidean.distance(&ia, &ib);
        let sa: Vec<f64> = ia.iter().map(|x| x * c).collect();
        let sb: Vec<f64> = ib.iter().map(|x| x * c).collect();
        if (base * c).is_finite() && ia.iter().chain(&ib).all(|x| (x * c) / c == *x) {
            prop_assert_eq!(Metric::Euclidean.distance(&sa, &sb).to_bits(), (base * c).to_bits());
        }
    }
}

// ---------------------------------------------------------------- diagrams and pairs

fn special() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(NAN),
        Just(-NAN),
        Just(f64::from_bits(0x7ff0_0000_0000_0001)), // signalling NaN
        Just(f64::from_bits(0xfff8_0000_0000_0001)),
        Just(INF),
        Just(-INF),
        Just(0.0),
        Just(-0.0),
        Just(SUB),
        Just(-SUB),
        Just(MAX),
        Just(-MAX),
    ]
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => (0i32..40).prop_map(|v| f64::from(v) / 4.0),
        2 => any::<u64>().prop_map(f64::from_bits),
        1 => special(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `Diagram::new` sorts exactly as `sort_by(canonical_cmp)` for every bit
    /// pattern (NaN of both signs, ±0, ±inf, subnormals), short (comparison
    /// sort) and long (bucket sort) alike.
    #[test]
    fn diagram_new_is_canonical_for_every_bit_pattern(
        pairs in prop::collection::vec((value(), value()), 0..300),
        nan_births in prop::collection::vec((0usize..300, special()), 0..4),
    ) {
        let mut pairs: Vec<PersistencePair> = pairs.into_iter().map(|(b, d)| PersistencePair::new(b, d)).collect();
        for (i, v) in nan_births {
            if let Some(p) = pairs.get_mut(i) {
                p.birth = v;
            }
        }
        let mut expected = pairs.clone();
        expected.sort_by(PersistencePair::canonical_cmp);
        let got = Diagram::new(3, pairs);
        prop_assert_eq!(got.dim, 3);
        let key = |p: &PersistencePair| (p.birth.to_bits(), p.death.to_bits());
        prop_assert_eq!(got.pairs.iter().map(key).collect::<Vec<_>>(), expected.iter().map(key).collect::<Vec<_>>());
    }
}

#[test]
fn diagram_new_with_nan_births_in_the_bucket_path() {
    // 100 ordinary births in 4 values (buckets over 16 pairs, sorted one by
    // one) and NaNs of both signs: -NaN sorts first, NaN last.
    let mut pairs: Vec<PersistencePair> = (0..100)
        .map(|i| PersistencePair::new(f64::from(i % 4), 1.0))
        .collect();
    pairs[37].birth = NAN;
    pairs[60].birth = -NAN;
    pairs[99].birth = -0.0;
    let d = Diagram::new(0, pairs.clone());
    assert!(d.pairs[0].birth.is_nan() && d.pairs[0].birth.is_sign_negative());
    assert!(d.pairs[99].birth.is_nan() && d.pairs[99].birth.is_sign_positive());
    let mut expected = pairs;
    expected.sort_by(PersistencePair::canonical_cmp);
    assert_eq!(
        d.pairs
            .iter()
            .map(|p| p.birth.to_bits())
            .collect::<Vec<_>>(),
        expected
            .iter()
            .map(|p| p.birth.to_bits())
            .collect::<Vec<_>>()
    );
    report("Diagram::new (one table case and 256 proptest cases)", 1);
}

#[test]
fn pair_and_diagram_methods() {
    let p = PersistencePair::new;
    // (pair, persistence, essential)
    let table = [
        (p(0.0, 1.0), 1.0, false),
        (p(1.0, 0.0), 1.0, false),
        (p(-MAX, MAX), INF, false), // the length exceeds f64::MAX: documented
        (p(MAX, -MAX), INF, false),
        (p(0.0, INF), INF, true),
        (p(0.0, -INF), INF, true),
        (p(SUB, 2.0 * SUB), SUB, false),
        (p(-0.0, 0.0), 0.0, false),
        (p(NAN, 1.0), NAN, false),
        (p(1.0, NAN), NAN, false),
        (p(INF, INF), NAN, true),
    ];
    let mut cases = 0;
    for (q, pers, ess) in table {
        let got = q.persistence();
        assert!(
            got.to_bits() == pers.to_bits() || (got.is_nan() && pers.is_nan()),
            "{q:?}"
        );
        assert_eq!(q.is_essential(), ess, "{q:?}");
        assert_eq!(q.canonical_cmp(&q), Ordering::Equal);
        cases += 1;
    }
    assert_eq!(p(-0.0, 1.0).canonical_cmp(&p(0.0, 0.0)), Ordering::Less);
    assert_eq!(p(-NAN, 0.0).canonical_cmp(&p(-INF, 0.0)), Ordering::Less);
    assert_eq!(p(NAN, 0.0).canonical_cmp(&p(INF, 0.0)), Ordering::Greater);
    assert_eq!(p(1.0, NAN).canonical_cmp(&p(1.0, INF)), Ordering::Greater);
    cases += 4;
    // Diagram methods on hostile contents.
    let empty = Diagram::new(0, vec![]);
    assert!(empty.is_empty() && empty.iter().next().is_none());
    assert_eq!(empty.len(), 0);
    assert_eq!(empty.max_finite_persistence(), None);
    assert_eq!(empty.essential_count(), 0);
    let d = Diagram::new(
        1,
        vec![
            p(0.0, INF),
            p(1.0, -INF),
            p(-MAX, MAX),
            p(0.0, NAN),
            p(SUB, 0.0),
            p(NAN, 2.0),
        ],
    );
    assert_eq!(d.len(), 6);
    assert_eq!(d.essential_count(), 2);
    assert_eq!(d.finite().count(), 3); // NaN deaths are neither finite nor essential
    assert_eq!(d.max_finite_persistence(), Some(INF)); // -MAX..MAX, documented
    let only_nan = Diagram::new(0, vec![p(NAN, 1.0), p(1.0, NAN)]);
    assert_eq!(only_nan.max_finite_persistence(), None);
    assert_eq!((&d).into_iter().count(), 6);
    cases += 4;
    report("PersistencePair / Diagram methods", cases);
}

// ---------------------------------------------------------------- memory helpers

#[test]
fn memory_helpers() {
    // This binary never calls `set_limit`.
    assert_eq!(memory::limit(), DEFAULT_LIMIT);
    let table_bytes: [(&[usize], Option<u64>); 7] = [
        (&[], Some(8)),
        (&[0], Some(0)),
        (&[0, usize::MAX], Some(0)),
        (&[usize::MAX], None),
        (&[usize::MAX, 2], None),
        (&[1 << 30, 1 << 30], Some(8 << 60)),
        (&[1 << 31, 1 << 30], None),
    ];
    let mut cases = 0;
    for (dims, want) in table_bytes {
        assert_eq!(memory::bytes_of::<f64>(dims), want, "{dims:?}");
        cases += 1;
    }
    assert_eq!(memory::bytes_of::<()>(&[usize::MAX, usize::MAX]), Some(0));
    assert_eq!(memory::bytes_of::<[u8; 3]>(&[5]), Some(15));
    let sums: [(&[Option<u64>], Option<u64>); 5] = [
        (&[], Some(0)),
        (&[Some(u64::MAX)], Some(u64::MAX)),
        (&[Some(u64::MAX), Some(1)], None),
        (&[Some(1), None, Some(2)], None),
        (&[Some(3), Some(4)], Some(7)),
    ];
    for (parts, want) in sums {
        assert_eq!(memory::sum(parts), want);
        cases += 1;
    }
    let checks: [(Option<u64>, u64, bool); 6] = [
        (Some(0), 0, true),
        (Some(1), 0, false),
        (Some(u64::MAX), u64::MAX, true),
        (None, u64::MAX, false),
        (Some(10), 10, true),
        (Some(11), 10, false),
    ];
    for (bytes, limit, ok) in checks {
        let r = memory::check_against("thing", bytes, limit);
        assert_eq!(r.is_ok(), ok);
        if let Err(e) = r {
            assert_eq!(
                e,
                MemoryError {
                    what: "thing",
                    estimated_bytes: bytes.unwrap_or(u64::MAX),
                    limit
                }
            );
            assert!(e.to_string().starts_with("thing would need"), "{e}");
        }
        cases += 1;
    }
    assert!(memory::check("x", Some(DEFAULT_LIMIT)).is_ok());
    assert_eq!(
        memory::check("x", Some(DEFAULT_LIMIT + 1))
            .unwrap_err()
            .limit,
        DEFAULT_LIMIT
    );
    assert_eq!(
        memory::check("x", None).unwrap_err().estimated_bytes,
        u64::MAX
    );
    // Through the crate's error, transparently.
    let e: Error = memory::check("x", None).unwrap_err().into();
    assert!(e.to_string().contains("more than 2^64"), "{e}");
    cases += 6;
    report(
        "memory helpers (limit, bytes_of, sum, check, check_against)",
        cases,
    );
}
