//! The Rips memory guard against the memory a run really allocates: a
//! counting allocator (per thread; the engine is single-threaded) measures
//! the peak of live heap bytes of a run, and every run the guard lets
//! through under a limit must stay under it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::SplitMix64;
use tda_persistence::rips::{Metric, Rips, RipsBuilder, Storage};

struct Counting;

thread_local! {
    // Signed: a thread may free what another allocated.
    static LIVE: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

fn grow(by: u64) {
    let _ = LIVE.try_with(|l| {
        let v = l.get().wrapping_add(by as i64);
        l.set(v);
        let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
    });
}

fn shrink(by: u64) {
    let _ = LIVE.try_with(|l| l.set(l.get().wrapping_sub(by as i64)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size() as u64);
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grow(layout.size() as u64);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrink(layout.size() as u64);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as resized in place (large blocks are remapped, not copied).
        if new_size as u64 >= layout.size() as u64 {
            grow(new_size as u64 - layout.size() as u64);
        } else {
            shrink(layout.size() as u64 - new_size as u64);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Peak live heap bytes allocated by `f` on this thread, above what was live before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let out = f();
    (out, (PEAK.with(Cell::get) - before) as u64)
}

/// The smallest limit under which `run` accepts (to 1/256 of it).
fn smallest_accepted(rips: &RipsBuilder, run: &dyn Fn(&RipsBuilder) -> bool) -> u64 {
    let mut hi = 1u64 << 14;
    while !run(&rips.clone().memory_limit(hi)) {
        hi *= 2;
        assert!(hi < 1 << 40, "refused under every limit");
    }
    let mut lo = hi / 2;
    while hi - lo > hi / 256 {
        let mid = lo + (hi - lo) / 2;
        if run(&rips.clone().memory_limit(mid)) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

fn cloud(n: usize, dim: usize, seed: u64) -> Array2<f64> {
    let mut rng = SplitMix64::seed_from_u64(seed);
    Array2::from_shape_fn((n, dim), |_| rng.random::<f64>())
}

/// Every run the guard lets through under a limit allocates at most that
/// limit: the dense matrix alive while the sparse store is built from it
/// (`Storage::Sparse`, no threshold), Kruskal's edge list (`max_dim` 0 on a
/// sparse store), sparse stores built from the points (a threshold), dense
/// runs and matrix inputs.
#[test]
fn accepted_runs_stay_under_the_limit() {
    let p = cloud(150, 3, 7);
    let d = Array2::from_shape_fn((150, 150), |(i, j)| {
        Metric::Euclidean.distance(&p.row(i).to_vec(), &p.row(j).to_vec())
    });
    let cases = [
        (0, None, Storage::Sparse),
        (1, None, Storage::Sparse),
        (0, None, Storage::Auto),
        (1, None, Storage::Auto),
        (0, Some(0.2), Storage::Auto),
        (1, Some(0.2), Storage::Auto),
        (0, Some(0.5), Storage::Sparse),
        (1, Some(0.5), Storage::Dense),
        (2, Some(0.3), Storage::Auto),
    ];
    for (max_dim, t, storage) in cases {
        for matrix in [false, true] {
            let mut r = Rips::new().max_dim(max_dim).storage(storage);
            if let Some(t) = t {
                r = r.threshold(t);
            }
            let run = |r: &RipsBuilder| {
                if matrix {
                    r.compute_distance_matrix(d.view()).is_ok()
                } else {
                    r.compute(p.view()).is_ok()
                }
            };
            let limit = smallest_accepted(&r, &run);
            let (ok, peak) = peak_of(|| run(&r.clone().memory_limit(limit)));
            assert!(ok);
            assert!(
                peak <= limit,
                "max_dim {max_dim}, threshold {t:?}, {storage:?}, matrix {matrix}: \
                 peak {peak} bytes over the accepted limit {limit}"
            );
        }
    }
}

/// A small threshold on 4,000 points keeps a few hundred edges: the run
/// must not build the 128 MB dense matrix, under the default limit or under
/// one below the matrix's size. (20,000 points, the case of the issue, take
/// 2 * 10^8 distances a pass: too slow for a debug test.)
#[test]
fn small_threshold_on_many_points_never_builds_the_dense_matrix() {
    let n = 4000;
    let p = cloud(n, 2, 11);
    let dense = (n * n * 8) as u64;
    let t = 0.004;
    for rips in [
        Rips::new().threshold(t),
        Rips::new().threshold(t).memory_limit(64 << 20),
    ] {
        let (d, peak) = peak_of(|| rips.compute(p.view()).unwrap());
        assert!(
            d[0].len() == n && d[0].essential_count() < n,
            "{}",
            d[0].len()
        );
        assert!(peak < dense / 20, "peak {peak} bytes");
    }
}
