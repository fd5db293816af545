//! Inputs shared by the workload benches (see docs/benchmarks.md, "Workloads and
//! targets"), and the seeded normal draws of the examples' synthetic data
//! (`image_pinet` and `emph_shapes` include this file).
//!
//! Every draw comes from [`SplitMix64`] (`rand_xoshiro`) seeded with
//! `SeedableRng::seed_from_u64`: small, seedable and the same on every
//! platform. `tests/bench_inputs.rs` pins the numbers, so a bench measures
//! the same input from one version to the next.

use ndarray::Array2;
use rand::distr::OpenClosed01;
use rand::{Rng, SeedableRng};
use rand_xoshiro::SplitMix64;

/// The Box-Muller transform: a standard normal from `u` in `(0, 1]` and `v`
/// in `[0, 1]`, both uniform and independent.
pub fn box_muller(u: f64, v: f64) -> f64 {
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// A standard normal from two draws uniform in `(0, 1]` ([`box_muller`]).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u = rng.sample(OpenClosed01);
    box_muller(u, rng.sample(OpenClosed01))
}

/// `n` random walks of length `len`, each standardised to mean 0 and
/// standard deviation 1: the W1 input (same distribution as
/// `tools/anchors.py`).
#[allow(dead_code)] // not every bench uses every input
pub fn standardised_walks(n: usize, len: usize, seed: u64) -> Array2<f64> {
    let mut rng = SplitMix64::seed_from_u64(seed);
    let mut x = Array2::zeros((n, len));
    for mut row in x.rows_mut() {
        let mut acc = 0.0;
        for v in row.iter_mut() {
            acc += normal(&mut rng);
            *v = acc;
        }
        let mean = row.sum() / len as f64;
        let sd = (row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / len as f64).sqrt();
        row.mapv_inplace(|v| (v - mean) / sd);
    }
    x
}
