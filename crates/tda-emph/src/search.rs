//! Random ray search (Kim & Jung, Section 5): draw rays, keep the best.

use crate::error::{Error, Result};
use crate::path::Ray;

/// Direction entries are drawn from `{1.0, 1.1, ..., 2.0}` and endpoint
/// entries from `{0.0, 0.1, ..., 5.0}`, as in the authors' code.
const DIRECTION_STEPS: u64 = 11;
const ENDPOINT_STEPS: u64 = 51;

/// `count` random rays of `k` coordinates, reproducible from `seed`:
/// direction entries uniform on `{1.0, 1.1, ..., 2.0}`, endpoint entries
/// uniform on `{0.0, 0.1, ..., 5.0}` (the grids of the paper's experiments).
pub fn random_rays(k: usize, count: usize, seed: u64) -> Result<Vec<Ray>> {
    if k == 0 {
        return Err(Error::InvalidParameter {
            name: "k",
            value: "0".into(),
            reason: "a ray needs at least one coordinate",
        });
    }
    let mut rng = SplitMix64(seed);
    (0..count)
        .map(|_| {
            let a = (0..k)
                .map(|_| 1.0 + rng.below(DIRECTION_STEPS) as f64 / 10.0)
                .collect();
            let b = (0..k)
                .map(|_| rng.below(ENDPOINT_STEPS) as f64 / 10.0)
                .collect();
            Ray::new(a, b)
        })
        .collect()
}

/// Draws `count >= 1` rays with [`random_rays`] and returns the one with the
/// highest `score` (e.g. a cross-validated accuracy of the features it
/// gives), with its score; ties keep the earlier ray and NaN scores never
/// win (if every score is NaN, the first ray is returned with NaN).
pub fn search_rays<F>(k: usize, count: usize, seed: u64, mut score: F) -> Result<(Ray, f64)>
where
    F: FnMut(&Ray) -> f64,
{
    let mut rays = random_rays(k, count, seed)?.into_iter();
    let Some(first) = rays.next() else {
        return Err(Error::InvalidParameter {
            name: "count",
            value: "0".into(),
            reason: "at least one ray must be tried",
        });
    };
    let s = score(&first);
    let mut best = (first, s);
    for ray in rays {
        let s = score(&ray);
        if s > best.1 || (best.1.is_nan() && !s.is_nan()) {
            best = (ray, s);
        }
    }
    Ok(best)
}

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014): small, seedable, and the same on every
/// platform.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on `0..n` (Lemire's multiply-shift; the bias is below
    /// `n / 2^64`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}
