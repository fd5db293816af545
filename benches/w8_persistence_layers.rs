//! W8: the exact persistence layers, forward + backward, on one thread
//! (issue 16; anchors: the same computations in PyTorch with gudhi's pairs
//! and differentiable gathers, as torch-topological does them,
//! `tools/anchors_w8.py`).
//!
//! - The Persistent CNN's landscape branch: a batch of 10 clips, 64
//!   activation curves of 228 steps each, superlevel H0 of 7 segments of
//!   32, k = 5 landscapes at 10 samples; target <= 2 ms.
//! - The persistence-image layer with PI-Net's image recipe on one 32 x 32
//!   x 3 image (each channel flattened row-major, legacy 50 x 50 grid,
//!   max-normalised); target <= 200 us.
//!
//! Both run on one thread: the host-side persistence under a one-thread
//! rayon pool, candle's CPU kernels with `CANDLE_NUM_THREADS=1` (set here
//! before candle starts its pool: its workers spin at barriers, which on a
//! loaded machine costs more than the work). Both include the backward
//! pass of a weighted sum of the output.

use candle_core::{DType, Device, Tensor, Var};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rand::{RngCore, SeedableRng};
use rand_xoshiro::SplitMix64;
use tda_pinet::nn::layers::{
    DiagramConfig, LandscapeConfig, LandscapeLayer, PersistenceImageLayer,
};
use tda_pinet::vectorize::PersistenceImage;

mod common;

// As in the examples that train these layers: glibc hands the large
// per-call buffers (slot indices, host copies, outputs, gradients) back to
// the kernel and faults them in again on the next call, about a quarter
// of W8a's time with the system allocator (13.6 ms against 7.7 ms here;
// `docs/benchmarks.md`). mimalloc keeps them mapped.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `sum(layer(x) * w)` and its gradient with respect to `x`.
fn forward_backward(layer: &impl Fn(&Tensor) -> Tensor, x: &Var, w: &Tensor) -> Tensor {
    let loss = layer(x.as_tensor()).mul(w).unwrap().sum_all().unwrap();
    let grads = loss.backward().unwrap();
    grads.get(x.as_tensor()).unwrap().clone()
}

/// A variable of `n` standard normal `f32` values of shape `dims`.
fn normal_var(dims: &[usize], seed: u64) -> Var {
    let mut rng = SplitMix64::seed_from_u64(seed);
    let n = dims.iter().product();
    let v: Vec<f32> = (0..n).map(|_| common::normal(&mut rng) as f32).collect();
    Var::from_tensor(&Tensor::from_vec(v, dims, &Device::Cpu).unwrap()).unwrap()
}

fn w8(c: &mut Criterion) {
    // Before the first candle kernel creates candle's thread pool.
    std::env::set_var("CANDLE_NUM_THREADS", "1");
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut group = c.benchmark_group("W8_persistence_layers");
    group.sample_size(20);

    let landscape = LandscapeLayer::new(LandscapeConfig::default()).unwrap();
    let x = normal_var(&[10, 64, 228], 8);
    let w = normal_var(&[10, 64, 7, 5, 10], 9).as_tensor().clone();
    let layer = |x: &Tensor| landscape.forward(x).unwrap();
    group.bench_function("landscape_branch_10x64x228_k5_fwd_bwd", |b| {
        b.iter(|| one_thread.install(|| forward_backward(&layer, black_box(&x), &w)))
    });

    let image =
        PersistenceImageLayer::new(&PersistenceImage::pinet_image(), DiagramConfig::default())
            .unwrap();
    let mut rng = SplitMix64::seed_from_u64(6);
    // Integer pixel values / 255, as the anchor draws them.
    let pixels: Vec<f32> = (0..3 * 1024)
        .map(|_| (rng.next_u64() % 256) as f32 / 255.0)
        .collect();
    let x =
        Var::from_tensor(&Tensor::from_vec(pixels, (1, 3, 1024), &Device::Cpu).unwrap()).unwrap();
    let w = normal_var(&[1, 3, 50, 50], 10).as_tensor().clone();
    let layer = |x: &Tensor| image.forward(x).unwrap();
    group.bench_function("pinet_image_layer_32x32x3_fwd_bwd", |b| {
        b.iter(|| one_thread.install(|| forward_backward(&layer, black_box(&x), &w)))
    });
    let x64 = Var::from_tensor(&x.as_tensor().to_dtype(DType::F64).unwrap()).unwrap();
    let w64 = w.to_dtype(DType::F64).unwrap();
    group.bench_function("pinet_image_layer_32x32x3_fwd_bwd_f64", |b| {
        b.iter(|| one_thread.install(|| forward_backward(&layer, black_box(&x64), &w64)))
    });
    group.finish();
}

criterion_group!(benches, w8);
criterion_main!(benches);
