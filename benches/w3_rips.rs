//! W3 / W3b: Vietoris-Rips persistence (docs/benchmarks.md, "Workloads and targets").
//!
//! - W3: H0 + H1 of the sliding-window embedding (dim 10, delay 1: 991 points
//!   in R^10) of the fixed W3 signal `benches/data/w3_signal.txt` (written by
//!   `tools/gen_rips_fixtures.py`, identical to `tools/anchors.py`),
//!   default threshold. Target <= 0.25 s single thread; anchors: ripser.py
//!   ~0.6-0.7 s, giotto-ph ~0.3 s (1 thread).
//! - W3b: H0..H3 of Ripser's `o3_1024` benchmark
//!   (`data/ripser-benchmark/o3_1024.txt`), threshold 1.8. Target <= 2.0 s
//!   single thread; anchors: ripser.py ~3.0-3.5 s, giotto-ph ~2.2-2.7 s.
//!
//! The engine is single-threaded.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ndarray::Array2;
use tda_pinet::persistence::rips::Rips;
use tda_pinet::persistence::SlidingWindow;

fn read_numbers(path: &str) -> Vec<f64> {
    let full = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), path);
    std::fs::read_to_string(&full)
        .unwrap_or_else(|e| panic!("{full}: {e}"))
        .split_whitespace()
        .map(|x| x.parse().expect("a number"))
        .collect()
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
    group.finish();
}

criterion_group!(benches, w3, w3b);
criterion_main!(benches);
