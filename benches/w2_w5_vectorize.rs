//! W2 (persistence images) and W5 (landscapes, Betti curves) on the W1
//! diagrams: H0 of 2000 standardised random walks of length 1000, essential
//! pairs dropped (see docs/benchmarks.md, "Workloads and targets").

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tda_pinet::persistence::sublevel::h0_batch;
use tda_pinet::prelude::*;

mod common;

fn w1_diagrams() -> Vec<Diagram> {
    let walks = common::standardised_walks(2000, 1000, 0);
    h0_batch(walks.view())
        .expect("finite walks")
        .into_iter()
        .map(|d| Diagram::new(d.dim, d.finite().copied().collect()))
        .collect()
}

fn run(c: &mut Criterion, name: &str, v: &dyn Vectorizer, diagrams: &[Diagram]) {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.throughput(Throughput::Elements(diagrams.len() as u64));
    let mut out = vec![0.0f32; v.len()];
    group.bench_function("single_thread", |b| {
        b.iter(|| {
            for d in diagrams {
                v.transform_into(black_box(d), &mut out)
                    .expect("valid diagram");
            }
            black_box(&out);
        })
    });
    group.finish();
}

fn vectorize(c: &mut Criterion) {
    let diagrams = w1_diagrams();
    // W2: target <= 20 us/diagram.
    let pi = PersistenceImage::builder()
        .grid(Grid::Contiguous)
        .resolution(50, 50)
        .sigma(0.25)
        .birth_range(-10.0, 10.0)
        .pers_range(0.0, 20.0)
        .build()
        .expect("valid parameters");
    run(c, "w2_pi_50x50_contiguous", &pi, &diagrams);
    // W5: target <= 10 us/diagram.
    let land = Landscape::new(5, (-10.0, 10.0), 100).expect("valid parameters");
    run(c, "w5_landscape_5x100", &land, &diagrams);
    // W5: target <= 5 us/diagram.
    let betti = BettiCurve::new((-10.0, 10.0), 100).expect("valid parameters");
    run(c, "w5_betti_100", &betti, &diagrams);
}

criterion_group!(benches, vectorize);
criterion_main!(benches);
