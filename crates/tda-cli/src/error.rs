//! The command's errors: each one line naming the file and the problem.

use std::path::PathBuf;

/// What went wrong, for the one line `tda` prints before exiting with 1.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file (tda-io names the file in its message).
    #[error("{0}")]
    Io(#[from] tda_io::Error),
    /// The data of `path` cannot give a diagram.
    #[error("{path}: {source}")]
    Persistence {
        /// The input file.
        path: PathBuf,
        /// Why.
        source: tda_persistence::Error,
    },
    /// A vectorisation or distance refused its input or parameters.
    #[error("{path}: {source}")]
    Vectorize {
        /// The input file.
        path: PathBuf,
        /// Why.
        source: tda_vectorize::Error,
    },
    /// EMPH refused the signals or the path.
    #[error("{path}: {source}")]
    Emph {
        /// The input file.
        path: PathBuf,
        /// Why.
        source: tda_emph::Error,
    },
    /// A PI-Net could not be built, trained or run.
    #[error("{path}: {source}")]
    Nn {
        /// The file at fault (the data, or the checkpoint).
        path: PathBuf,
        /// Why.
        source: tda_nn::Error,
    },
    /// An input that does not fit the command (shape, extension, options).
    #[error("{path}: {problem}")]
    Input {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// The thread pool could not be set up.
    #[error("--threads: {0}")]
    Threads(String),
}

/// `Result` with the command's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
