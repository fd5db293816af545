//! The benches' inputs (`benches/common/mod.rs`, also drawn by the
//! examples) stay the same numbers: the values below are those of the
//! hand-written SplitMix64 the inputs were first drawn with (bits of the
//! `f64`s, and a fold over longer runs), so no change of generator or
//! transform moves a bench's input.

#[allow(dead_code)]
#[path = "../benches/common/mod.rs"]
mod common;

use common::{normal, standardised_walks};
use rand::{RngCore, SeedableRng};
use rand_xoshiro::SplitMix64;

/// An order-sensitive fold of the bits of `values`.
fn fold(values: impl IntoIterator<Item = f64>) -> u64 {
    values
        .into_iter()
        .fold(0u64, |h, v| h.rotate_left(5) ^ v.to_bits())
}

/// The bits of `values`.
fn bits(values: impl IntoIterator<Item = f64>) -> Vec<u64> {
    values.into_iter().map(f64::to_bits).collect()
}

#[test]
fn normals_are_the_first_drawn() {
    let mut rng = SplitMix64::seed_from_u64(1);
    assert_eq!(
        bits((0..3).map(|_| normal(&mut rng))),
        [
            13807171693206598293,
            13820751723371368362,
            4592092906608719685
        ]
    );
    let mut rng = SplitMix64::seed_from_u64(1);
    assert_eq!(
        fold((0..100_000).map(|_| normal(&mut rng))),
        0x5a55_94b1_1198_a82e
    );
    let mut rng = SplitMix64::seed_from_u64(7);
    assert_eq!(
        bits((0..3).map(|_| normal(&mut rng))),
        [
            4608826197974838881,
            13824186797681467973,
            4571836469702388853
        ]
    );
}

#[test]
fn integer_draws_are_the_first_drawn() {
    let mut rng = SplitMix64::seed_from_u64(6);
    let pixels: Vec<u64> = (0..5).map(|_| rng.next_u64() % 256).collect();
    assert_eq!(pixels, [0, 153, 70, 144, 39]);
}

#[test]
fn walks_are_the_first_drawn() {
    let w = standardised_walks(40, 1000, 0);
    assert_eq!(
        bits(w.iter().take(3).copied()),
        [
            13828756548907236977,
            13825404833626563037,
            13826857469357487137
        ]
    );
    assert_eq!(fold(w.iter().copied()), 0xfe56_0cf4_a6cb_6ff9);
}
