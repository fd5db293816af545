//! The crate's error type.

/// Everything that can go wrong in `tda-nn`; user input never panics.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A tensor or array whose shape does not fit the model's configuration.
    #[error("`{name}` has shape {got:?}, expected {expected}")]
    Shape {
        /// Which tensor (as named in the API).
        name: &'static str,
        /// What was expected, in words.
        expected: String,
        /// The shape given.
        got: Vec<usize>,
    },
    /// A configuration value outside its valid range.
    #[error("invalid configuration `{name}` = {value}: {reason}")]
    InvalidConfig {
        /// Name of the field.
        name: &'static str,
        /// The rejected value, formatted.
        value: String,
        /// Why it is rejected.
        reason: &'static str,
    },
    /// An error from candle (tensor operations, variable loading, ...).
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
    /// An error computing exact diagrams.
    #[error(transparent)]
    Persistence(#[from] tda_persistence::Error),
    /// An error computing persistence images.
    #[error(transparent)]
    Vectorize(#[from] tda_vectorize::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
