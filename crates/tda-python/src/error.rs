//! Rust errors as Python exceptions: `MemoryError` where a size is over
//! the memory limit, `ValueError` for every other bad input, each with the
//! Rust error's message (which names the argument or index at fault).

use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::PyErr;

/// A Rust error of one of the workspace crates, as a Python exception.
pub trait IntoPyErr {
    /// The exception for this error.
    fn into_py_err(self) -> PyErr;
}

impl IntoPyErr for tda_persistence::Error {
    fn into_py_err(self) -> PyErr {
        match self {
            tda_persistence::Error::TooLarge(_) => PyMemoryError::new_err(self.to_string()),
            _ => PyValueError::new_err(self.to_string()),
        }
    }
}

impl IntoPyErr for tda_vectorize::Error {
    fn into_py_err(self) -> PyErr {
        match self {
            tda_vectorize::Error::TooLarge(_)
            | tda_vectorize::Error::Persistence(tda_persistence::Error::TooLarge(_)) => {
                PyMemoryError::new_err(self.to_string())
            }
            _ => PyValueError::new_err(self.to_string()),
        }
    }
}

impl IntoPyErr for tda_emph::Error {
    fn into_py_err(self) -> PyErr {
        match self {
            tda_emph::Error::TooLarge(_)
            | tda_emph::Error::Vectorize(tda_vectorize::Error::TooLarge(_)) => {
                PyMemoryError::new_err(self.to_string())
            }
            _ => PyValueError::new_err(self.to_string()),
        }
    }
}

impl IntoPyErr for tda_nn::Error {
    fn into_py_err(self) -> PyErr {
        match self {
            tda_nn::Error::TooLarge(_) => PyMemoryError::new_err(self.to_string()),
            _ => PyValueError::new_err(self.to_string()),
        }
    }
}

/// `result` with its error as a Python exception.
pub fn py_result<T, E: IntoPyErr>(result: Result<T, E>) -> pyo3::PyResult<T> {
    result.map_err(IntoPyErr::into_py_err)
}

/// A `ValueError` naming the argument `name` and what is wrong with it.
pub fn bad_argument(name: &str, problem: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("{name}: {problem}"))
}
