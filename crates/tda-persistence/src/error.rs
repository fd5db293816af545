//! The crate's error type.

/// Everything that can go wrong in `tda-persistence`; user input never panics.
///
/// Non-exhaustive: later engines (Vietoris-Rips) add variants.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input holds no values (an empty signal, an image with a zero-length axis, ...).
    #[error("input is empty")]
    Empty,
    /// A NaN or infinite value; `index` is its flat position in row-major (C) order.
    #[error("non-finite value (NaN or infinity) at flat row-major index {index}")]
    NonFinite {
        /// Flat row-major index of the offending value.
        index: usize,
    },
    /// A parameter outside its valid range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Name of the parameter as it appears in the API.
        name: &'static str,
        /// The rejected value, formatted.
        value: String,
        /// Why it is rejected.
        reason: &'static str,
    },
    /// A signal too short for the requested operation (e.g. a sliding window longer than the signal).
    #[error("signal of length {len} is too short: at least {needed} values are needed")]
    TooShort {
        /// Length of the given signal.
        len: usize,
        /// Minimum length required.
        needed: usize,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Checks that `values` (in row-major order) is non-empty and finite.
pub(crate) fn check_finite<'a, I>(values: I) -> Result<()>
where
    I: IntoIterator<Item = &'a f64>,
    I::IntoIter: Clone,
{
    let mut values = values.into_iter();
    // A branch-free fold vectorises; the index is searched only on failure.
    let (count, all_finite) = values
        .clone()
        .fold((0usize, true), |(n, ok), v| (n + 1, ok & v.is_finite()));
    if count == 0 {
        return Err(Error::Empty);
    }
    if all_finite {
        return Ok(());
    }
    let index = values.position(|v| !v.is_finite()).unwrap_or_default();
    Err(Error::NonFinite { index })
}
