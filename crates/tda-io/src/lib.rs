//! Data sets and file formats for tda-pinet.
//!
//! Readers turn files into `ndarray` arrays with typed errors that name the
//! file, line and problem; the algorithm crates never touch files.
//!
//! - [`ts`]: the UEA/UCR time-series classification archive format (`.ts`),
//!   univariate and multivariate, equal length, with class labels.
//!
//! ```
//! let text = "@problemName Toy\n@univariate true\n@classLabel true a b\n@data\n1,2,3:a\n4,5,6:b\n";
//! let ds = tda_io::ts::parse(text).unwrap();
//! assert_eq!(ds.data.dim(), (2, 1, 3));
//! assert_eq!(ds.labels, vec!["a", "b"]);
//! ```

#![warn(missing_docs)]

mod error;
pub mod ts;

pub use error::{Error, Result};
