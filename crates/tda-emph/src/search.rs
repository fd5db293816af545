//! Random ray search (Kim & Jung, Section 5): draw rays, keep the best.

use rand::{Rng, SeedableRng};
use rand_xoshiro::SplitMix64;
use tda_persistence::memory;

use crate::error::{Error, Result};
use crate::path::Ray;

/// Direction entries are drawn from `{1.0, 1.1, ..., 2.0}` and endpoint
/// entries from `{0.0, 0.1, ..., 5.0}`, as in the authors' code.
const DIRECTION_STEPS: u64 = 11;
const ENDPOINT_STEPS: u64 = 51;

/// `count` random rays of `k` coordinates, reproducible from `seed`:
/// direction entries uniform on `{1.0, 1.1, ..., 2.0}`, endpoint entries
/// uniform on `{0.0, 0.1, ..., 5.0}` (the grids of the paper's experiments).
///
/// # Errors
/// [`Error::InvalidParameter`] for `k = 0`; [`Error::TooLarge`] if the
/// rays do not fit the memory limit.
pub fn random_rays(k: usize, count: usize, seed: u64) -> Result<Vec<Ray>> {
    check_k(k)?;
    memory::check(
        "random rays",
        memory::sum(&[
            memory::bytes_of::<f64>(&[count, k, 3]),
            memory::bytes_of::<Ray>(&[count]),
        ]),
    )?;
    let mut draw = RayDraw::new(k, seed);
    (0..count).map(|_| draw.next_ray()).collect()
}

/// Draws `count >= 1` rays as [`random_rays`] does (the same rays, one at
/// a time, so `count` costs time but no memory) and returns the one with
/// the highest `score` (e.g. a cross-validated accuracy of the features it
/// gives), with its score; ties keep the earlier ray and NaN scores never
/// win (if every score is NaN, the first ray is returned with NaN).
///
/// # Errors
/// [`Error::InvalidParameter`] for `k = 0` or `count = 0`;
/// [`Error::TooLarge`] if two rays of `k` coordinates do not fit the
/// memory limit.
pub fn search_rays<F>(k: usize, count: usize, seed: u64, mut score: F) -> Result<(Ray, f64)>
where
    F: FnMut(&Ray) -> f64,
{
    check_k(k)?;
    if count == 0 {
        return Err(Error::InvalidParameter {
            name: "count",
            value: "0".into(),
            reason: "at least one ray must be tried",
        });
    }
    memory::check("random rays", memory::bytes_of::<f64>(&[k, 6]))?;
    let mut draw = RayDraw::new(k, seed);
    let first = draw.next_ray()?;
    let s = score(&first);
    let mut best = (first, s);
    for _ in 1..count {
        let ray = draw.next_ray()?;
        let s = score(&ray);
        if s > best.1 || (best.1.is_nan() && !s.is_nan()) {
            best = (ray, s);
        }
    }
    Ok(best)
}

fn check_k(k: usize) -> Result<()> {
    if k == 0 {
        return Err(Error::InvalidParameter {
            name: "k",
            value: "0".into(),
            reason: "a ray needs at least one coordinate",
        });
    }
    Ok(())
}

/// The stream of random rays of [`random_rays`]: SplitMix64 (Steele, Lea &
/// Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
/// small, seedable and the same on every platform) seeded with `seed`, one
/// draw per entry. Draws are taken over `u64` ranges (`rand` samples a
/// `usize` range through `u32`, which would change the rays of a seed).
struct RayDraw {
    k: usize,
    rng: SplitMix64,
}

impl RayDraw {
    fn new(k: usize, seed: u64) -> Self {
        Self {
            k,
            rng: SplitMix64::seed_from_u64(seed),
        }
    }

    fn next_ray(&mut self) -> Result<Ray> {
        let rng = &mut self.rng;
        let a = (0..self.k)
            .map(|_| 1.0 + rng.random_range(0..DIRECTION_STEPS) as f64 / 10.0)
            .collect();
        let b = (0..self.k)
            .map(|_| rng.random_range(0..ENDPOINT_STEPS) as f64 / 10.0)
            .collect();
        Ray::new(a, b)
    }
}
