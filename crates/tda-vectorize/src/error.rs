//! The crate's error type.

/// Everything that can go wrong in `tda-vectorize`; user input never panics.
///
/// Non-exhaustive: later vectorizers may add variants.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A Gaussian standard deviation that is not finite and positive.
    #[error("invalid sigma {sigma}: the standard deviation must be finite and > 0")]
    InvalidSigma {
        /// The rejected standard deviation.
        sigma: f64,
    },
    /// A range that is empty, inverted or not finite.
    #[error("invalid range `{name}` = [{start}, {end}]: it must be finite with start < end")]
    InvalidRange {
        /// Name of the parameter as it appears in the API.
        name: &'static str,
        /// Start of the rejected range.
        start: f64,
        /// End of the rejected range.
        end: f64,
    },
    /// A range to be fitted to diagrams (a builder's `fit`) that they
    /// cannot give: they hold no finite pair, or the fitted range is a
    /// single value. Reported by the builder's `build`.
    #[error("cannot fit `{name}` to the diagrams: {reason}")]
    CannotFit {
        /// Name of the range as it appears in the API.
        name: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A resolution or count of zero.
    #[error("`{name}` is 0: it must be at least 1")]
    ZeroSize {
        /// Name of the parameter as it appears in the API.
        name: &'static str,
    },
    /// Another numeric parameter outside its valid range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Name of the parameter as it appears in the API.
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// Why it is rejected.
        reason: &'static str,
    },
    /// A pair whose birth is NaN or infinite, or whose death is NaN.
    #[error("non-finite birth (or NaN death) in pair {index} of the diagram")]
    NonFinite {
        /// Index of the offending pair in `Diagram::pairs`.
        index: usize,
    },
    /// Two diagrams of different homology dimensions given to a distance.
    #[error("cannot compare diagrams of dimensions {left} and {right}")]
    DimensionMismatch {
        /// Dimension of the first diagram.
        left: usize,
        /// Dimension of the second diagram.
        right: usize,
    },
    /// An output buffer of the wrong length.
    #[error("output buffer has length {got}, the vectorizer writes {expected} values")]
    LengthMismatch {
        /// Length the vectorizer writes ([`crate::Vectorizer::len`]).
        expected: usize,
        /// Length of the buffer given.
        got: usize,
    },
    /// The sizes asked for (resolution, sample count, number of landscapes,
    /// batch size, diagram sizes of a distance) need more memory than
    /// [`tda_persistence::memory::limit`] allows, or overflow 64 bits;
    /// refused before anything is allocated.
    #[error(transparent)]
    TooLarge(#[from] tda_persistence::MemoryError),
    /// A finite pair whose persistence `|death - birth|` overflows `f64`
    /// (births and deaths of opposite signs beyond `f64::MAX / 2`), given
    /// to a vectorizer that places or weights the pair by its persistence
    /// (persistence images).
    #[error(
        "pair {index} = ({birth:e}, {death:e}): its persistence |death - birth| overflows f64"
    )]
    PersistenceOverflow {
        /// Index of the offending pair in `Diagram::pairs`.
        index: usize,
        /// Its birth.
        birth: f64,
        /// Its death (after the essential policy).
        death: f64,
    },
    /// A value of the output that is finite in exact arithmetic but beyond
    /// the range of the output type: `f32::MAX` for vectors, `f64::MAX`
    /// for distances (`value` is then `f64::INFINITY`).
    #[error("output value {value:e} at index {index} is beyond the range of the output type")]
    OutputOverflow {
        /// Index of the value in the output (0 for a distance).
        index: usize,
        /// The value (in `f64`), or `f64::INFINITY` when it overflows `f64` itself.
        value: f64,
    },
    /// An input array (signals, frames) of the wrong shape.
    #[error("`{name}` has shape {got:?}, expected {expected}")]
    Shape {
        /// Which input (as named in the API).
        name: &'static str,
        /// What was expected, in words.
        expected: &'static str,
        /// The shape given.
        got: Vec<usize>,
    },
    /// A NaN or infinite value in an input array (signals, frames).
    #[error("`{name}` holds {value} at index {index:?}: values must be finite")]
    NonFiniteInput {
        /// Which input (as named in the API).
        name: &'static str,
        /// Its index (one entry per dimension of the input).
        index: Vec<usize>,
        /// The value.
        value: f64,
    },
    /// A statistical feature whose true value is beyond `f64::MAX` (finite
    /// input of too large a magnitude); see [`crate::StatFeatures`].
    #[error("`{name}`: feature `{feature}`{} = {value}: it overflows f64, values too large in magnitude", .sample.map(|s| format!(" of sample {s}")).unwrap_or_default())]
    FeatureOverflow {
        /// Which input (`frame` or `frames`).
        name: &'static str,
        /// The feature's name ([`crate::StatFeatures::NAMES`]).
        feature: &'static str,
        /// The sample of a batch, if a batch.
        sample: Option<usize>,
        /// The value computed (infinite or NaN).
        value: f64,
    },
    /// An error computing a persistence diagram (the PI-Net targets).
    #[error(transparent)]
    Persistence(#[from] tda_persistence::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
