//! The crate's error type.

/// Everything that can go wrong in `tda-emph`; user input never panics.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A NaN or infinite value at `index` of the input (flat row-major
    /// index for two-dimensional inputs).
    #[error("non-finite value (NaN or infinity) at index {index}")]
    NonFinite {
        /// Index of the offending value.
        index: usize,
    },
    /// A series too short for the number of Fourier modes asked for.
    #[error("series of length {len} is too short for {modes} Fourier modes: at least {needed} values are needed")]
    TooShort {
        /// Length of the series.
        len: usize,
        /// Number of modes asked for.
        modes: usize,
        /// Minimum length, `2 * modes + 1`.
        needed: usize,
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
    /// Two inputs whose lengths must agree (a ray and the modes, the
    /// coordinates of a direction and an endpoint, ...).
    #[error("`{name}` has length {got}, expected {expected}")]
    LengthMismatch {
        /// Name of the input whose length is wrong.
        name: &'static str,
        /// The length it must have.
        expected: usize,
        /// Its length.
        got: usize,
    },
    /// A barcode with more bars than the enumeration limit.
    #[error("the degree-{dim} barcode has more than {limit} bars; ask for a lower degree or fewer modes")]
    TooManyBars {
        /// The homology degree asked for.
        dim: usize,
        /// The limit.
        limit: usize,
    },
    /// An error from the vectoriser the barcodes were fed to.
    #[error(transparent)]
    Vectorize(#[from] tda_vectorize::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Checks that every value is finite.
pub(crate) fn check_finite(values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NonFinite { index }),
        None => Ok(()),
    }
}
