//! W3 / W3b: Vietoris-Rips persistence (docs/benchmarks.md, "Workloads and targets").
//!
//! - W3: H0 + H1 of the sliding-window embedding (dim 10, delay 1: 991 points
//!   in R^10) of the fixed W3 signal `benches/data/w3_signal.txt` (written by
//!   `tools/gen_rips_fixtures.py`, identical to `tools/anchors.py`),
//!   default threshold. Target <= 60 ms on one thread; anchors: ripser.py
//!   ~0.6-0.7 s, giotto-ph ~0.3 s (1 thread).
//! - W3b: H0..H3 of Ripser's `o3_1024` benchmark
//!   (`data/ripser-benchmark/o3_1024.txt`), threshold 1.8. Target <= 0.45 s
//!   on one thread, <= 0.28 s on two; anchors: ripser.py ~3.0-3.5 s,
//!   giotto-ph ~2.2-2.7 s (1 thread), 1.3-1.5 s (2 threads).
//!   The edge collapse is on for it by default ([`Collapse::Auto`]: H2 and
//!   up); the second function runs it without.
//! - W3c: H0 + H1 of 10,000 points on a noisy torus in R^3
//!   (`benches/data/w3c_torus.npy`, written by `tools/anchors_w3c.py`: R = 2,
//!   r = 1, uniform angles from numpy's `default_rng(19)`, Gaussian noise of
//!   sd 0.1), threshold 0.45 (427,374 edges), with the default collapse
//!   setting (off for H1 only) and with the collapse forced. Anchors
//!   (`tools/anchors_w3c.py`): giotto-ph with edge collapse, 1 and 2 threads.
//!
//! A run uses the global rayon pool (the assembly and the reduction run in
//! parallel, with the same diagrams for any number of threads):
//! `RAYON_NUM_THREADS=1 cargo bench ...` gives the one-thread figures.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ndarray::Array2;
use tda_pinet::persistence::rips::{Collapse, Rips};
use tda_pinet::persistence::SlidingWindow;

fn read_numbers(path: &str) -> Vec<f64> {
    let full = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), path);
    std::fs::read_to_string(&full)
        .unwrap_or_else(|e| panic!("{full}: {e}"))
        .split_whitespace()
        .map(|x| x.parse().expect("a number"))
        .collect()
}

/// The 2-D `f64` array of a `.npy` file of the repository.
fn read_npy(path: &str) -> Array2<f64> {
    let full = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), path);
    ndarray_npy::read_npy(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn w3(c: &mut Criterion) {
    let signal = read_numbers("benches/data/w3_signal.txt");
    assert_eq!(signal.len(), 1000);
    let points = SlidingWindow::default().embed(&signal).unwrap();
    let mut group = c.benchmark_group("W3_rips_sliding_window_991x10");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("h0_h1_single_thread", |b| {
        b.iter(|| Rips::new().max_dim(1).compute(points.view()).unwrap())
    });
    group.finish();
}

fn w3b(c: &mut Criterion) {
    let values = read_numbers("data/ripser-benchmark/o3_1024.txt");
    let points = Array2::from_shape_vec((values.len() / 9, 9), values).unwrap();
    assert_eq!(points.nrows(), 1024);
    let mut group = c.benchmark_group("W3b_rips_o3_1024_threshold_1.8");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("h0_to_h3_single_thread", |b| {
        b.iter(|| {
            Rips::new()
                .max_dim(3)
                .threshold(1.8)
                .compute(points.view())
                .unwrap()
        })
    });
    group.bench_function("h0_to_h3_single_thread_no_collapse", |b| {
        b.iter(|| {
            Rips::new()
                .max_dim(3)
                .threshold(1.8)
                .collapse_edges(Collapse::Never)
                .compute(points.view())
                .unwrap()
        })
    });
    group.finish();
}

fn w3c(c: &mut Criterion) {
    let points = read_npy("benches/data/w3c_torus.npy");
    assert_eq!(points.dim(), (10_000, 3));
    let mut group = c.benchmark_group("W3c_rips_torus_10000_threshold_0.45");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, collapse) in [
        ("h0_h1_single_thread", Collapse::Auto),
        ("h0_h1_single_thread_collapse", Collapse::Always),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                Rips::new()
                    .max_dim(1)
                    .threshold(0.45)
                    .collapse_edges(collapse)
                    .compute(points.view())
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, w3, w3b, w3c);
criterion_main!(benches);
