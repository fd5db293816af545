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
    /// A checkpoint that does not fit the model: a tensor missing, extra,
    /// or of another shape or type (a checkpoint from another
    /// configuration).
    #[error("checkpoint {path}: tensor `{name}`: {reason}")]
    Checkpoint {
        /// The checkpoint file.
        path: std::path::PathBuf,
        /// The tensor's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Weights copied between models that do not fit each other: a
    /// variable missing, extra, or of another shape or type.
    #[error("copying weights: tensor `{name}`: {reason}")]
    WeightsMismatch {
        /// The tensor's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A file that could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A NaN or infinite value in an input array or tensor, or in an
    /// output or loss computed from finite input (named `output` or
    /// `loss`: the values overflowed the tensors' range, e.g. `f32`).
    #[error("`{name}` holds {value} at index {index:?}: values must be finite")]
    NonFinite {
        /// Which input (as named in the API).
        name: &'static str,
        /// Its index (one entry per dimension of the input).
        index: Vec<usize>,
        /// The value.
        value: f64,
    },
    /// A class label not below the number of classes.
    #[error("`{name}`[{index}] = {label} is not a class (classes = {classes})")]
    Label {
        /// Which labels (as named in the API).
        name: &'static str,
        /// Position of the label.
        index: usize,
        /// The label.
        label: usize,
        /// The number of classes.
        classes: usize,
    },
    /// A tensor of another dtype, or on another device, than the model's.
    #[error("`{name}` is {got}, the model expects {expected}")]
    Incompatible {
        /// Which tensor (as named in the API).
        name: &'static str,
        /// The model's dtype or device.
        expected: String,
        /// The tensor's.
        got: String,
    },
    /// Training stopped because a loss became NaN or infinite (the
    /// learning rate is too large for the data, or the model diverged);
    /// the failing batch's update is not applied (earlier updates may
    /// already have made weights non-finite when gradients overflowed).
    #[error("training diverged: {what} loss {loss} at epoch {epoch}")]
    Diverged {
        /// `"training"` (a batch's loss) or `"validation"`.
        what: &'static str,
        /// Epoch number, from 1.
        epoch: usize,
        /// The loss.
        loss: f64,
    },
    /// A size whose memory is over [`tda_persistence::memory::limit`] (or
    /// overflows 64 bits), refused before anything is allocated.
    #[error(transparent)]
    TooLarge(#[from] tda_persistence::MemoryError),
    /// An error from candle (tensor operations, variable loading, ...).
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
    /// An error computing exact diagrams.
    #[error(transparent)]
    Persistence(#[from] tda_persistence::Error),
    /// An error computing persistence images or the PI-Net targets.
    #[error(transparent)]
    Vectorize(#[from] tda_vectorize::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Our errors as candle's, for the [`candle_core::Module`] and
/// [`candle_core::ModuleT`] implementations of the layers and models:
/// candle's own errors pass through unchanged, the others are wrapped with
/// their message (which names the input and the problem). The inherent
/// methods (`forward_t`, `infer`, ...) return the typed [`Error`].
impl From<Error> for candle_core::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Candle(e) => e,
            other => candle_core::Error::wrap(other),
        }
    }
}
