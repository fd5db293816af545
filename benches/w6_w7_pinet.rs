//! W6 / W7: PI-Net against the exact pipeline (docs/benchmarks.md, "Workloads and
//! targets").
//!
//! - W6: a 32x32x3 image: the exact pipeline (each channel flattened
//!   row-major, sublevel H0, `PersistenceImage::pinet_image`: bars of one
//!   grey level dropped (persistence <= 1.5/255), 50 x 50, divided by the
//!   maximum; target <= 100 us per image on one core; anchor ripser + persim `PersImage` ~126-200 ms) vs
//!   Image PI-Net inference with the paper's configuration on the CPU.
//! - Signal PI-Net: inference vs the exact pipeline on BasicMotions-sized
//!   accelerometer frames (3 x 100).
//! - W7: one Signal PI-Net training epoch on BasicMotions-sized data (40
//!   frames of 3 x 100, batch 128: one step), CPU.

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use ndarray::{Array3, Array4};
use rand::{RngCore, SeedableRng};
use rand_xoshiro::SplitMix64;
use tda_pinet::nn::{
    init_keras, ImagePiNet, ImagePiNetConfig, PiNetTrainer, SignalPiNet, SignalPiNetConfig,
    TrainConfig,
};
use tda_pinet::vectorize::{pinet_targets, PersistenceImage};

mod common;

fn w6(c: &mut Criterion) {
    let mut rng = SplitMix64::seed_from_u64(6);
    let n = 16;
    // Integer pixel values / 255, as the anchor draws them.
    let images = Array4::from_shape_fn((n, 3, 32, 32), |_| (rng.next_u64() % 256) as f64 / 255.0);
    let flat = images
        .clone()
        .into_shape_with_order((n, 3, 1024))
        .expect("contiguous");
    let recipe = PersistenceImage::pinet_image();
    let mut group = c.benchmark_group("W6_pinet_image_32x32x3");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("exact_pipeline_rayon", |b| {
        b.iter(|| pinet_targets(black_box(flat.view()), &recipe).unwrap())
    });
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    group.bench_function("exact_pipeline_single_thread", |b| {
        b.iter(|| one_thread.install(|| pinet_targets(black_box(flat.view()), &recipe).unwrap()))
    });
    let vars = VarMap::new();
    let net = ImagePiNet::new(
        ImagePiNetConfig::default(),
        VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu),
    )
    .unwrap();
    init_keras(&vars, 0).unwrap();
    let x = Tensor::from_iter(images.iter().map(|&v| v as f32), &Device::Cpu)
        .unwrap()
        .reshape((n, 3, 32, 32))
        .unwrap();
    group.bench_function("image_pinet_inference_cpu", |b| {
        b.iter(|| net.infer(black_box(&x)).unwrap())
    });
    group.finish();
}

fn signals(n: usize) -> Array3<f64> {
    let mut rng = SplitMix64::seed_from_u64(7);
    let mut x = Array3::zeros((n, 3, 100));
    for mut ch in x.outer_iter_mut() {
        for mut row in ch.outer_iter_mut() {
            let mut acc = 0.0;
            for v in row.iter_mut() {
                acc += common::normal(&mut rng) * 0.3;
                *v = acc;
            }
        }
    }
    x
}

fn signal_net(vars: &VarMap) -> SignalPiNet {
    let net = SignalPiNet::new(
        SignalPiNetConfig::default(),
        VarBuilder::from_varmap(vars, DType::F32, &Device::Cpu),
    )
    .unwrap();
    init_keras(vars, 0).unwrap();
    net
}

fn to_tensor(a: &Array3<f64>) -> Tensor {
    Tensor::from_iter(a.iter().map(|&v| v as f32), &Device::Cpu)
        .unwrap()
        .reshape(a.dim())
        .unwrap()
}

fn signal(c: &mut Criterion) {
    let n = 40;
    let x = signals(n);
    let recipe = PersistenceImage::pinet_signal();
    let vars = VarMap::new();
    let net = signal_net(&vars);
    let xt = to_tensor(&x);
    let mut group = c.benchmark_group("signal_pinet_3x100");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("exact_pipeline_rayon", |b| {
        b.iter(|| pinet_targets(black_box(x.view()), &recipe).unwrap())
    });
    group.bench_function("signal_pinet_inference_cpu", |b| {
        b.iter(|| net.infer(black_box(&xt)).unwrap())
    });
    group.finish();
}

fn w7(c: &mut Criterion) {
    let n = 40;
    let x = signals(n);
    let y = pinet_targets(x.view(), &PersistenceImage::pinet_signal()).unwrap();
    let xt = to_tensor(&x);
    let yt = Tensor::from_iter(y.iter().copied(), &Device::Cpu)
        .unwrap()
        .reshape((n, 3, 50, 50))
        .unwrap();
    let vars = VarMap::new();
    let net = signal_net(&vars);
    let trainer = PiNetTrainer::new(TrainConfig {
        schedule: vec![(1e-3, 1)],
        ..TrainConfig::default()
    })
    .unwrap();
    let mut group = c.benchmark_group("W7_signal_pinet_training_40x3x100");
    group.sample_size(10);
    group.bench_function("one_epoch_cpu", |b| {
        b.iter(|| trainer.fit(&net, &vars, &xt, &yt, None).unwrap())
    });
    group.finish();
}

criterion_group!(benches, w6, signal, w7);
criterion_main!(benches);
