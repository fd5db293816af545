//! `n_jobs`: how many threads a batch call uses. Results never depend on
//! it (every item is computed on its own).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use pyo3::PyResult;
use rayon::ThreadPool;

use crate::error::bad_argument;

/// Pools by thread count, built on first use and kept: building one costs
/// far more than a small batch.
static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();

/// The most threads a call may ask for (far above any core count; a
/// larger request is a mistake, and would start that many threads).
const MAX_THREADS: i64 = 1024;

/// Runs `f` on `n_jobs` threads: `None` or `-1` for rayon's global pool
/// (all cores, or `RAYON_NUM_THREADS`), `1 <= k <= 1024` for `k` threads.
///
/// # Errors
/// `ValueError` for any other `n_jobs`, or a pool the system cannot start.
pub fn with_threads<T: Send>(n_jobs: Option<i64>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    let threads = match n_jobs {
        None | Some(-1) => return Ok(f()),
        Some(k @ 1..=MAX_THREADS) => k as usize,
        Some(k) => {
            let problem = format!("must be from 1 to {MAX_THREADS}, or -1 or None for all cores");
            return Err(bad_argument("n_jobs", format!("{problem}, got {k}")));
        }
    };
    let pool = {
        let mut pools = POOLS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match pools.get(&threads) {
            Some(p) => Arc::clone(p),
            None => {
                let p = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .map_err(|e| bad_argument("n_jobs", e))?;
                let p = Arc::new(p);
                pools.insert(threads, Arc::clone(&p));
                p
            }
        }
    };
    Ok(pool.install(f))
}
