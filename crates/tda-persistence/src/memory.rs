//! The memory limit every size a caller chooses is checked against.
//!
//! A resolution, a sample count, a window dimension or a number of classes
//! decides how much an entry point allocates. Rust aborts the process when
//! an allocation fails (no `catch_unwind` can stop it), and on Linux a
//! request the kernel overcommits is killed later, when it is touched. So
//! every entry point of the workspace estimates, with checked arithmetic,
//! the bytes a caller's sizes make it allocate, and refuses with a
//! [`MemoryError`] (naming what was asked for and the estimate) before it
//! allocates anything, when the estimate is over [`limit`].
//!
//! The limit is one process-wide value, [`DEFAULT_LIMIT`] (8 GiB) unless
//! [`set_limit`] changes it; the Vietoris-Rips engine takes its default from
//! it and can be given its own ([`crate::RipsBuilder::memory_limit`]).
//!
//! ```
//! use tda_persistence::memory;
//! // A 10^6 x 10^6 image of f64 is 8 TB: refused, without allocating.
//! let err = memory::check("image", memory::bytes_of::<f64>(&[1_000_000, 1_000_000])).unwrap_err();
//! assert_eq!(err.estimated_bytes, 8_000_000_000_000);
//! // Sizes whose product overflows are refused too.
//! assert!(memory::check("image", memory::bytes_of::<f64>(&[usize::MAX, 2])).is_err());
//! assert!(memory::check("image", memory::bytes_of::<f64>(&[50, 50])).is_ok());
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

/// The default memory limit: 8 GiB.
pub const DEFAULT_LIMIT: u64 = 8 << 30;

static LIMIT: AtomicU64 = AtomicU64::new(DEFAULT_LIMIT);

/// The process-wide memory limit in bytes.
pub fn limit() -> u64 {
    LIMIT.load(Ordering::Relaxed)
}

/// Sets the process-wide memory limit in bytes (for every entry point of
/// the workspace; calls already running keep the limit they started with).
pub fn set_limit(bytes: u64) {
    LIMIT.store(bytes, Ordering::Relaxed);
}

/// A computation refused because its estimated memory is over the limit,
/// or because its size overflows 64 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error(
    "{what} would need {} bytes, over the memory limit of {limit} bytes \
     (tda_persistence::memory::set_limit raises it)",
    if *estimated_bytes == u64::MAX { "more than 2^64".to_string() } else { estimated_bytes.to_string() }
)]
pub struct MemoryError {
    /// What was asked for, in the API's words ("persistence image", ...).
    pub what: &'static str,
    /// Estimated bytes; `u64::MAX` when the size overflows.
    pub estimated_bytes: u64,
    /// The limit in force.
    pub limit: u64,
}

/// Bytes of an array of `T` with the given dimensions, `None` on overflow.
pub fn bytes_of<T>(dims: &[usize]) -> Option<u64> {
    dims.iter()
        .try_fold(std::mem::size_of::<T>() as u64, |acc, &d| {
            acc.checked_mul(d as u64)
        })
}

/// The sum of byte estimates, `None` if any is `None` or the sum overflows.
pub fn sum(parts: &[Option<u64>]) -> Option<u64> {
    parts
        .iter()
        .try_fold(0u64, |acc, &p| p.and_then(|p| acc.checked_add(p)))
}

/// Refuses `bytes` (an estimate, `None` for an overflowed one) over [`limit`].
///
/// # Errors
/// [`MemoryError`] naming `what`, the estimate (`u64::MAX` for `None`) and
/// the limit, if `bytes` is `None` or above [`limit`].
pub fn check(what: &'static str, bytes: Option<u64>) -> Result<(), MemoryError> {
    check_against(what, bytes, limit())
}

/// Refuses `bytes` over the given `limit` (for engines with a limit of their own).
///
/// # Errors
/// [`MemoryError`] naming `what`, the estimate (`u64::MAX` for `None`) and
/// `limit`, if `bytes` is `None` or above `limit`.
pub fn check_against(
    what: &'static str,
    bytes: Option<u64>,
    limit: u64,
) -> Result<(), MemoryError> {
    match bytes {
        Some(b) if b <= limit => Ok(()),
        _ => Err(MemoryError {
            what,
            estimated_bytes: bytes.unwrap_or(u64::MAX),
            limit,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_sums() {
        assert_eq!(bytes_of::<f32>(&[3, 5]), Some(60));
        assert_eq!(bytes_of::<f64>(&[]), Some(8));
        assert_eq!(bytes_of::<f64>(&[usize::MAX, 2]), None);
        assert_eq!(bytes_of::<u8>(&[0, usize::MAX]), Some(0));
        assert_eq!(sum(&[Some(1), Some(2)]), Some(3));
        assert_eq!(sum(&[Some(1), None]), None);
        assert_eq!(sum(&[Some(u64::MAX), Some(1)]), None);
    }

    #[test]
    fn check_refuses_over_the_limit_and_overflow() {
        assert!(check_against("x", Some(10), 10).is_ok());
        let e = check_against("x", Some(11), 10).unwrap_err();
        assert_eq!((e.what, e.estimated_bytes, e.limit), ("x", 11, 10));
        let e = check_against("big", None, 10).unwrap_err();
        assert_eq!(e.estimated_bytes, u64::MAX);
        assert!(e.to_string().contains("more than 2^64"), "{e}");
    }
}
