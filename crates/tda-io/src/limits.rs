//! Memory checks for buffers that grow with the data read.

use tda_persistence::memory;

use crate::error::Result;

/// Pushes `value` onto `vec`; before the vector grows, checks that its new
/// capacity plus `held` bytes (what the call already holds) stays within
/// `limit` bytes, so that input can never make a reader allocate past the
/// limit ([`crate::Error::TooLarge`] naming `what` otherwise).
pub(crate) fn push_checked<T>(
    vec: &mut Vec<T>,
    value: T,
    what: &'static str,
    held: u64,
    limit: u64,
) -> Result<()> {
    if vec.len() == vec.capacity() {
        let new_cap = vec.capacity().checked_mul(2).map(|c| c.max(256));
        let bytes = new_cap.and_then(|c| memory::sum(&[memory::bytes_of::<T>(&[c]), Some(held)]));
        memory::check_against(what, bytes, limit)?;
        // `bytes` fits the limit, so `new_cap` is known here.
        let extra = new_cap.unwrap_or(0) - vec.len();
        vec.reserve_exact(extra);
    }
    vec.push(value);
    Ok(())
}

/// Makes room for `additional` more elements in `vec`: when its capacity
/// is short, grows it to at least twice its capacity (at least 256), after
/// checking that the new capacity plus `held` bytes stays within `limit`
/// bytes ([`crate::Error::TooLarge`] naming `what` otherwise).
pub(crate) fn reserve_checked<T>(
    vec: &mut Vec<T>,
    additional: usize,
    what: &'static str,
    held: u64,
    limit: u64,
) -> Result<()> {
    let needed = vec.len().checked_add(additional);
    if needed.is_some_and(|n| n <= vec.capacity()) {
        return Ok(());
    }
    let new_cap = needed.and_then(|n| vec.capacity().checked_mul(2).map(|c| c.max(256).max(n)));
    let bytes = new_cap.and_then(|c| memory::sum(&[memory::bytes_of::<T>(&[c]), Some(held)]));
    memory::check_against(what, bytes, limit)?;
    let extra = new_cap.unwrap_or(0) - vec.len();
    vec.reserve_exact(extra);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn growth_is_refused_past_the_limit_before_allocating() {
        let mut v: Vec<f64> = Vec::new();
        // 256 f64 = 2048 bytes fit a limit of 4096 with 1000 bytes held.
        for i in 0..256 {
            push_checked(&mut v, f64::from(i), "values", 1000, 4096).unwrap();
        }
        assert_eq!(v.capacity(), 256);
        // Doubling to 512 (4096 bytes) plus 1000 held is over.
        let e = push_checked(&mut v, 0.0, "values", 1000, 4096).unwrap_err();
        match e {
            Error::TooLarge(m) => {
                assert_eq!((m.what, m.estimated_bytes, m.limit), ("values", 5096, 4096));
            }
            other => panic!("{other}"),
        }
        assert_eq!((v.len(), v.capacity()), (256, 256));
        // With nothing held it fits.
        push_checked(&mut v, 1.0, "values", 0, 4096).unwrap();
        assert_eq!(v.capacity(), 512);
    }

    #[test]
    fn an_overflowing_estimate_is_refused() {
        let mut v: Vec<u8> = Vec::new();
        let e = push_checked(&mut v, 1, "bytes", u64::MAX, u64::MAX).unwrap_err();
        assert!(matches!(e, Error::TooLarge(m) if m.estimated_bytes == u64::MAX));
        assert!(v.is_empty());
    }

    #[test]
    fn reserve_grows_by_doubling_within_the_limit() {
        let mut v: Vec<f64> = Vec::new();
        reserve_checked(&mut v, 10, "values", 0, 4096).unwrap();
        assert_eq!(v.capacity(), 256);
        v.resize(250, 0.0);
        reserve_checked(&mut v, 6, "values", 0, 4096).unwrap();
        assert_eq!(v.capacity(), 256);
        // 257 elements need 512 (4096 bytes): fits exactly.
        reserve_checked(&mut v, 7, "values", 0, 4096).unwrap();
        assert_eq!(v.capacity(), 512);
        v.resize(512, 0.0);
        let e = reserve_checked(&mut v, 1, "values", 0, 4096).unwrap_err();
        assert!(matches!(e, Error::TooLarge(m) if m.estimated_bytes == 8192));
        let e = reserve_checked(&mut v, usize::MAX, "values", 0, u64::MAX).unwrap_err();
        assert!(matches!(e, Error::TooLarge(m) if m.estimated_bytes == u64::MAX));
        assert_eq!(v.capacity(), 512);
    }
}
