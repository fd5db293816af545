//! Inputs shared by the workload benches (see DESIGN.md, "Workloads and targets").

use ndarray::Array2;

/// SplitMix64: a tiny seeded generator, so the benches need no RNG crate.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// `n` random walks of length `len`, each standardised to mean 0 and
/// standard deviation 1: the W1 input (same distribution as
/// `../shared/bench/anchors.py`).
#[allow(dead_code)] // not every bench uses every input
pub fn standardised_walks(n: usize, len: usize, seed: u64) -> Array2<f64> {
    let mut rng = SplitMix64(seed);
    let mut x = Array2::zeros((n, len));
    for mut row in x.rows_mut() {
        let mut acc = 0.0;
        for v in row.iter_mut() {
            acc += rng.normal();
            *v = acc;
        }
        let mean = row.sum() / len as f64;
        let sd = (row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / len as f64).sqrt();
        row.mapv_inplace(|v| (v - mean) / sd);
    }
    x
}
