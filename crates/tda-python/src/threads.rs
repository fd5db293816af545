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

/// Runs `f` on `n_jobs` threads: `None` or `-1` for rayon's global pool
/// (all cores, or `RAYON_NUM_THREADS`), `k >= 1` for `k` threads.
///
/// # Errors
/// `ValueError` for any other `n_jobs`, or a pool the system cannot start.
pub fn with_threads<T: Send>(n_jobs: Option<i64>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    let threads = match n_jobs {
        None | Some(-1) => return Ok(f()),
        Some(k) if k >= 1 => usize::try_from(k).map_err(|_| bad_argument("n_jobs", k))?,
        Some(k) => {
            return Err(bad_argument(
                "n_jobs",
                format!("must be a positive thread count, -1 or None (all cores), got {k}"),
            ))
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
