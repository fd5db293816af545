//! W4: EMPH H1 on a ray, series of length 1000, K = 20 modes (docs/benchmarks.md,
//! "Workloads and targets"). Target <= 10 us per series single thread;
//! compared with sliding-window Rips of one such series (W3, `w3_rips`) and
//! with the authors' numpy recipe (`tools/anchors_w4_w6.py`: 2000
//! random walks, FFT, closed-form diagonal H1).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use ndarray::Array2;
use rand::SeedableRng;
use rand_xoshiro::SplitMix64;
use tda_pinet::emph::{barcode, barcode_batch, modes_batch, ModesPlanner, Ray};

mod common;

/// 2000 unstandardised random walks of length 1000 (the anchor's input).
fn walks() -> Array2<f64> {
    let mut rng = SplitMix64::seed_from_u64(1);
    let mut x = Array2::zeros((2000, 1000));
    for mut row in x.rows_mut() {
        let mut acc = 0.0;
        for v in row.iter_mut() {
            acc += common::normal(&mut rng);
            *v = acc;
        }
    }
    x
}

fn w4(c: &mut Criterion) {
    let x = walks();
    let k = 20;
    let diagonal = Ray::diagonal(k).unwrap();
    let skewed = Ray::new(
        (0..k).map(|i| 1.0 + (i % 11) as f64 / 10.0).collect(),
        (0..k).map(|i| (i * 7 % 51) as f64 / 10.0).collect(),
    )
    .unwrap();
    let mut group = c.benchmark_group("W4_emph_h1_len1000_k20");
    group.sample_size(10);
    group.throughput(Throughput::Elements(x.nrows() as u64));
    for (name, ray) in [("diagonal", &diagonal), ("skewed_ray", &skewed)] {
        let mut planner = ModesPlanner::new(1000, k).unwrap();
        group.bench_function(format!("{name}_single_thread"), |b| {
            b.iter(|| {
                for row in x.outer_iter() {
                    let modes = planner.modes(row.as_slice().unwrap()).unwrap();
                    black_box(barcode(&modes, ray, 1).unwrap());
                }
            })
        });
    }
    group.bench_function("diagonal_batch_rayon", |b| {
        b.iter(|| {
            let modes = modes_batch(x.view(), k).unwrap();
            black_box(barcode_batch(&modes, &diagonal, 1).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, w4);
criterion_main!(benches);
