//! Data sets and file formats for tda-pinet.
//!
//! Readers turn files into `ndarray` arrays with typed errors that name the
//! file, line and problem; the algorithm crates never touch files. No
//! reader allocates by a size a file announces before checking it against
//! the file's length and the process-wide memory limit
//! ([`tda_persistence::memory`]); buffers that grow with the data are
//! checked as they grow ([`Error::TooLarge`]).
//!
//! Writers are atomic and durable: they write a temporary file
//! `.<name>.tda-tmp-<pid>-<random>` next to the target, sync it, rename it
//! into place and sync the directory, so a reader sees the old file or the
//! whole new one, a failed write leaves nothing behind, and concurrent
//! writers to one path leave one complete file ([`write_file`] does this
//! for any bytes). Temporary files of killed writers are removed by the
//! next writer in that directory ([`clean_stale_temp_files`]).
//!
//! - [`ts`]: the UEA/UCR time-series classification archive format (`.ts`),
//!   univariate and multivariate, equal length, with class labels.
//! - [`csv`]: numeric CSV tables (e.g. sensor recordings), all columns or
//!   selected ones by name, optionally gzip-compressed (`.gz`).
//! - [`npy`]: NumPy `.npy` arrays, read and written with dtype and shape checks.
//! - [`diagrams`]: sets of persistence diagrams as JSON (the diagram format
//!   of [`tda_persistence`]'s crate docs) or as NumPy `.npz` archives.
//! - [`audio`]: WAV and MP3 files ([`read_wav`], [`read_audio`]) and the
//!   Persistent CNN's log-mel spectrogram input ([`LogMel`], librosa's
//!   `melspectrogram` semantics), standardised per mel band
//!   ([`MelStandardizer`]).
//! - [`tagging`]: multi-label music tagging sets in MagnaTagATune's layout
//!   ([`tagging::TagSet`]: annotations, clips, top tags, the usual split).
//! - [`plot`]: figures as PNG (persistence diagrams, barcodes, persistence
//!   images, image grids, confusion matrices, line charts), drawn with
//!   plotters in an embedded font.
//!
//! ```
//! let text = "@problemName Toy\n@univariate true\n@classLabel true a b\n@data\n1,2,3:a\n4,5,6:b\n";
//! let ds = tda_io::ts::parse(text).unwrap();
//! assert_eq!(ds.data.dim(), (2, 1, 3));
//! assert_eq!(ds.labels, vec!["a", "b"]);
//! ```
//!
//! ```
//! use tda_io::csv::{parse, CsvOptions};
//! let table = parse("t,x,y\n0.0,1,2\n0.5,3,4\n", &CsvOptions::default()).unwrap();
//! assert_eq!(table.columns, ["t", "x", "y"]);
//! assert_eq!(table.data.dim(), (2, 3));
//! assert_eq!(table.data[[1, 2]], 4.0);
//! ```

#![warn(missing_docs)]
#![warn(clippy::missing_errors_doc)]

mod atomic;
pub mod audio;
pub mod csv;
pub mod diagrams;
mod error;
mod limits;
pub mod npy;
pub mod plot;
pub mod tagging;
pub mod ts;

pub use atomic::{clean_stale_temp_files, write_file, STALE_AFTER};
pub use audio::{read_audio, read_wav, LogMel, LogMelBuilder, MelStandardizer, Wav};
pub use diagrams::{
    read_diagrams_json, read_diagrams_npz, write_diagrams_json, write_diagrams_npz,
};
pub use error::{AnnotationProblem, AudioErrorKind, Error, Result};
