//! The crate's error type.

use std::path::PathBuf;

/// Everything that can go wrong reading or writing data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read, decompressed, written or renamed.
    #[error("i/o error on {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The content does not follow the format; `line` is 1-based (0 when no
    /// single line is to blame).
    #[error("line {line}: {message}")]
    Parse {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The input parsed but holds no data (no series, no rows).
    #[error("no data: the input holds no series or data rows")]
    Empty,
    /// A CSV row has a different number of fields than the header (or the
    /// first row when there is no header).
    #[error("line {line}: ragged row: expected {expected} fields, got {got}")]
    RaggedRow {
        /// 1-based line number where the row starts.
        line: usize,
        /// Number of fields in the header (or first row).
        expected: usize,
        /// Number of fields in this row.
        got: usize,
    },
    /// A CSV field that should be numeric is not a finite number; empty
    /// fields, `nan` and `inf` count as missing values and land here too.
    #[error("line {line}, column `{column}`: `{text}` is not a finite number (missing values are not supported)")]
    NotANumber {
        /// 1-based line number where the row starts.
        line: usize,
        /// Name of the column (its index as text when there is no header).
        column: String,
        /// The field's text (at most 40 characters).
        text: String,
    },
    /// A column requested by name is not in the CSV header.
    #[error("column `{name}` is not in the header")]
    MissingColumn {
        /// The requested name.
        name: String,
    },
    /// Columns were selected by name but the CSV options say there is no header.
    #[error("columns can only be selected by name when the file has a header")]
    ColumnsWithoutHeader,
    /// An `.npy` file holds another element type than the one requested.
    #[error(
        "{path}: the file's dtype {found} does not match the requested element type {expected}"
    )]
    NpyDtype {
        /// The file.
        path: PathBuf,
        /// The file's numpy type descriptor, e.g. `'<f8'`.
        found: String,
        /// The requested Rust element type.
        expected: String,
    },
    /// An `.npy` file holds an array with another number of dimensions than
    /// the one requested.
    #[error("{path}: the array has {found} dimensions, expected {}", expected.map_or_else(|| "any".to_string(), |e| e.to_string()))]
    NpyNdim {
        /// The file.
        path: PathBuf,
        /// Dimensions of the stored array.
        found: usize,
        /// Requested dimensions (`None`: dynamic).
        expected: Option<usize>,
    },
    /// An `.npy` file is malformed: bad header, truncated or extra data.
    #[error("{path}: not a valid .npy file: {message}")]
    NpyFormat {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An image or canvas would be empty (a zero side) or too large
    /// (more than [`png::MAX_PIXELS`](crate::png::MAX_PIXELS) pixels, or the
    /// size overflows).
    #[error("cannot make a {width} x {height} pixel image: sides must be positive and the pixel count at most 2^28")]
    ImageSize {
        /// Requested width in pixels (saturated on overflow).
        width: usize,
        /// Requested height in pixels (saturated on overflow).
        height: usize,
    },
    /// A matrix that must be square is not.
    #[error("the matrix must be square, got {rows} x {cols}")]
    NonSquare {
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// The number of labels differs from the number of classes.
    #[error("got {labels} labels for {classes} classes")]
    LabelCount {
        /// Number of labels given.
        labels: usize,
        /// Number of classes (matrix side).
        classes: usize,
    },
    /// What a call would allocate exceeds the process-wide memory limit
    /// ([`tda_persistence::memory::limit`]) or overflows: a `.npy` array, a
    /// table or data set growing past it, an image. Nothing was allocated.
    #[error(transparent)]
    TooLarge(#[from] tda_persistence::MemoryError),
    /// A value that must be finite is NaN or infinite.
    #[error("value at row {row}, column {col} is not finite ({value})")]
    NonFinite {
        /// 0-based row.
        row: usize,
        /// 0-based column.
        col: usize,
        /// The value.
        value: f64,
    },
    /// A WAV file cannot be read: not a RIFF/WAVE file, a malformed or
    /// truncated header or data chunk, or an unsupported sample format
    /// (supported: 8, 16, 24 and 32-bit integer PCM and 32-bit float).
    #[error("{path}: cannot read the WAV file: {message}")]
    Wav {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A signal's sample rate differs from the one an audio transform was
    /// configured for (there is no resampling).
    #[error("the signal is sampled at {found} Hz but the transform expects {expected} Hz (resample it first)")]
    SampleRate {
        /// The configured rate in Hz.
        expected: u32,
        /// The signal's rate in Hz.
        found: u32,
    },
    /// An audio sample is NaN or infinite.
    #[error("sample {index} is not finite ({value})")]
    NonFiniteSample {
        /// 0-based index in the (mono) signal.
        index: usize,
        /// The value.
        value: f64,
    },
    /// An audio sample too large in magnitude for the spectrum to be
    /// represented (beyond [`crate::audio::MAX_SAMPLE`]; audio lies in
    /// `[-1, 1]`).
    #[error(
        "sample {index} = {value} is beyond ±{limit}, where its power spectrum would overflow"
    )]
    SampleOutOfRange {
        /// 0-based index in the (mono) signal.
        index: usize,
        /// The value.
        value: f64,
        /// The largest magnitude accepted.
        limit: f64,
    },
    /// An audio transform's parameter is impossible (zero, odd where it must
    /// be even, or leaving mel filters empty).
    #[error("invalid audio parameter `{name}`: {message}")]
    AudioParameter {
        /// The parameter, as the builder names it.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
