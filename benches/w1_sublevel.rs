//! W1: sublevel H0 of 2000 standardised random walks of length 1000.
//!
//! Target (docs/benchmarks.md): <= 6 us per signal on one thread; anchors: gudhi
//! cubical ~340 us, ripser lower-star ~540 us (`tools/anchors.py`).
//! Criterion reports the time for all 2000 signals; divide by 2000.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tda_pinet::persistence::sublevel::{self, SignalH0};

const N: usize = 2000;
const LEN: usize = 1000;

fn w1(c: &mut Criterion) {
    let walks = common::standardised_walks(N, LEN, 0);
    let mut group = c.benchmark_group("W1_sublevel_h0_2000x1000");
    group.throughput(Throughput::Elements(N as u64));
    group.sample_size(20);
    group.bench_function("single_thread", |b| {
        let mut h0 = SignalH0::default();
        b.iter(|| {
            walks
                .rows()
                .into_iter()
                .map(|row| h0.sublevel(row.as_slice().unwrap()).unwrap().len())
                .sum::<usize>()
        })
    });
    group.bench_function("with_critical_single_thread", |b| {
        let mut h0 = SignalH0::default();
        b.iter(|| {
            walks
                .rows()
                .into_iter()
                .map(|row| {
                    h0.sublevel_with_critical(row.as_slice().unwrap())
                        .unwrap()
                        .1
                        .len()
                })
                .sum::<usize>()
        })
    });
    group.bench_function("batch_rayon", |b| {
        b.iter(|| sublevel::h0_batch(walks.view()).unwrap().len())
    });
    group.finish();
}

criterion_group!(benches, w1);
criterion_main!(benches);
