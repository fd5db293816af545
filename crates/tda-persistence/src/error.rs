//! The crate's error type.

/// Everything that can go wrong in `tda-persistence`; user input never panics.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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
    /// Array dimensions that do not fit together.
    #[error("shape error: {0}")]
    Shape(String),
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
pub(crate) fn check_finite<'a>(values: impl IntoIterator<Item = &'a f64>) -> Result<()> {
    let mut any = false;
    for (index, v) in values.into_iter().enumerate() {
        any = true;
        if !v.is_finite() {
            return Err(Error::NonFinite { index });
        }
    }
    if any {
        Ok(())
    } else {
        Err(Error::Empty)
    }
}
