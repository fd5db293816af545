//! The schedule of the Vietoris-Rips reduction never changes its results
//! (issue 19): diagrams (bit for bit) and representative cocycles are
//! identical
//!
//! - for 1, 2 and 4 rayon threads, with `Z/2` and `Z/3`, dense and sparse
//!   stores, on random clouds with many ties (integer coordinates). One
//!   thread takes the serial path; with more, the parallel reduction
//!   (rounds over a window of columns) and the parallel assembly run (the
//!   window is made small so that small inputs have many rounds);
//! - for any first bound of the windowed heap: the whole coboundary at
//!   once (Ripser's way), the default, and a bound so tight that almost
//!   every pivot needs widenings.
//!
//! Results never depend on these process-wide settings, so setting them is
//! harmless to the other tests of this file running meanwhile.

use ndarray::Array2;
use proptest::prelude::*;
use tda_persistence::rips::{
    set_first_window, set_parallel_chunk, Rips, RipsInput, RipsOutput, Storage,
};

/// Runs `rips` on `points` in a rayon pool of `threads` threads.
fn run_in(threads: usize, rips: &Rips, points: &Array2<f64>) -> RipsOutput {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| rips.run(RipsInput::Points(points.view())).unwrap())
}

/// The diagrams as raw bits (so that equality is bit for bit).
fn bits(out: &RipsOutput) -> Vec<Vec<(u64, u64)>> {
    out.diagrams
        .iter()
        .map(|d| {
            d.iter()
                .map(|p| (p.birth.to_bits(), p.death.to_bits()))
                .collect()
        })
        .collect()
}

/// Asserts that 2 and 4 threads give what 1 thread gives.
fn assert_same_for_any_threads(rips: &Rips, points: &Array2<f64>) {
    let serial = run_in(1, rips, points);
    for threads in [2, 4] {
        let par = run_in(threads, rips, points);
        assert_eq!(bits(&par), bits(&serial), "diagrams, {threads} threads");
        assert_eq!(par.cocycles, serial.cocycles, "cocycles, {threads} threads");
        assert_eq!(par.num_edges, serial.num_edges);
    }
}

/// `n` points in `[0, side)^dim` with integer coordinates from `seed`.
fn integer_cloud(n: usize, dim: usize, side: u64, seed: u64) -> Array2<f64> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    Array2::from_shape_fn((n, dim), |_| {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as f64 % side as f64
    })
}

/// A random case: a cloud of 12 to 39 points in 2 to 4 dimensions with
/// integer coordinates (many ties), or those plus a small jitter (distinct
/// distances), and a run up to H3 (H2 from 25 points) with cocycles over
/// `Z/2` or `Z/3`, dense, or sparse under a threshold.
fn case() -> impl Strategy<Value = (Rips, Array2<f64>)> {
    (
        12usize..40,
        2usize..5,
        3u64..8,
        any::<u64>(),
        prop::sample::select(vec![2u32, 3]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(n, dim, side, seed, coeff, sparse, jitter)| {
            let mut points = integer_cloud(n, dim, side, seed);
            if jitter {
                points = points + integer_cloud(n, dim, 1000, seed ^ 1) / 1500.0;
            }
            let max_dim = if n <= 24 { 3 } else { 2 };
            let mut b = Rips::builder().max_dim(max_dim).coeff(coeff).cocycles(true);
            if sparse {
                b = b.threshold(side as f64 * 0.8).storage(Storage::Sparse);
            }
            (b.build().unwrap(), points)
        })
}

/// Asserts that the first bounds `1` (the whole coboundary), the default
/// and `1e-4` give the same results, on one thread.
fn assert_same_for_any_first_window(rips: &Rips, points: &Array2<f64>) {
    let mut runs = Vec::new();
    for share in [1.0, 0.0, 1e-4] {
        set_first_window(share); // 0: the default
        runs.push((share, run_in(1, rips, points)));
    }
    set_first_window(0.0);
    let (_, whole) = &runs[0];
    for (share, out) in &runs[1..] {
        assert_eq!(bits(out), bits(whole), "diagrams, first window {share}");
        assert_eq!(
            out.cocycles, whole.cocycles,
            "cocycles, first window {share}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn same_diagrams_and_cocycles_for_any_thread_count(
        (rips, points) in case(),
        chunk in prop::sample::select(vec![1usize, 3, 8]),
    ) {
        set_parallel_chunk(chunk);
        assert_same_for_any_threads(&rips, &points);
    }

    #[test]
    fn same_diagrams_and_cocycles_for_any_first_window((rips, points) in case()) {
        assert_same_for_any_first_window(&rips, &points);
    }
}

/// The automatic chunk size (unless a proptest case has set one meanwhile)
/// on an input with several chunks per dimension,
/// diagrams only and with cocycles.
#[test]
fn default_chunks_on_a_larger_cloud() {
    set_parallel_chunk(0);
    let points = integer_cloud(90, 3, 6, 7);
    for cocycles in [false, true] {
        let rips = Rips::builder()
            .max_dim(2)
            .cocycles(cocycles)
            .build()
            .unwrap();
        assert_same_for_any_threads(&rips, &points);
    }
}
