//! Exact bottleneck and Wasserstein distances between pairs of W1 diagrams
//! (H0 of standardised random walks of length 1000, ~250 finite pairs each,
//! essential pairs dropped; see docs/benchmarks.md, "Workloads and targets").
//! Anchors: gudhi `bottleneck_distance(e=0)` and
//! `wasserstein.wasserstein_distance` (POT), persim `bottleneck` and
//! `wasserstein`, on diagrams of the same distribution. Criterion reports
//! the time for all 20 pairs; divide by 20.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tda_pinet::persistence::sublevel::h0;
use tda_pinet::prelude::*;
use tda_pinet::vectorize::{bottleneck, wasserstein, Wasserstein};

mod common;

/// 20 pairs of W1 diagrams (finite pairs only).
fn pairs() -> Vec<(Diagram, Diagram)> {
    let walks = common::standardised_walks(40, 1000, 0);
    let ds: Vec<Diagram> = walks
        .rows()
        .into_iter()
        .map(|row| {
            let d = h0(row.as_slice().expect("contiguous row")).expect("finite walk");
            Diagram::new(d.dim, d.finite().copied().collect())
        })
        .collect();
    ds.chunks_exact(2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect()
}

fn run(
    c: &mut Criterion,
    name: &str,
    pairs: &[(Diagram, Diagram)],
    f: &dyn Fn(&Diagram, &Diagram) -> f64,
) {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.throughput(Throughput::Elements(pairs.len() as u64));
    group.bench_function("single_thread", |b| {
        b.iter(|| {
            for (x, y) in pairs {
                black_box(f(black_box(x), black_box(y)));
            }
        })
    });
    group.finish();
}

fn distances(c: &mut Criterion) {
    let pairs = pairs();
    run(c, "distance_bottleneck_w1", &pairs, &|x, y| {
        bottleneck(x, y).expect("valid diagrams")
    });
    run(c, "distance_wasserstein_p1_w1", &pairs, &|x, y| {
        wasserstein(x, y, 1.0).expect("valid diagrams")
    });
    run(c, "distance_wasserstein_p2_w1", &pairs, &|x, y| {
        wasserstein(x, y, 2.0).expect("valid diagrams")
    });
    // persim.wasserstein's metric: p = 1, Euclidean ground metric.
    let w1_l2 = Wasserstein::builder()
        .order(1.0)
        .internal_p(2.0)
        .build()
        .expect("valid parameters");
    run(c, "distance_wasserstein_p1_l2_w1", &pairs, &|x, y| {
        w1_l2.distance(x, y).expect("valid diagrams")
    });
}

criterion_group!(benches, distances);
criterion_main!(benches);
