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
    /// A JSON diagram file does not follow the diagram format (see
    /// [`crate::diagrams`]): malformed JSON, a NaN, a pair that is not
    /// `[birth, death]`, an infinite birth, a `dim` that is not a
    /// non-negative integer, a missing or unknown key. `line` and `column`
    /// are 1-based, as serde_json reports them; both are 0 when no place in
    /// the text is to blame (writing a diagram that holds NaN).
    #[error("{path}{}: {message}", if *line == 0 { String::new() } else { format!(", line {line}, column {column}") })]
    DiagramJson {
        /// The file.
        path: PathBuf,
        /// 1-based line (0: none).
        line: usize,
        /// 1-based column (0: none).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// An `.npz` archive of diagrams is malformed: not a zip archive, a
    /// corrupt or encrypted member, a member not named `dgm_<i>_dim<dim>.npy`
    /// or indices that are not `0..n`, or a member array that is not a
    /// diagram (not 2 columns, a NaN, an infinite birth). Problems of one
    /// member's `.npy` content are [`Error::NpyFormat`], [`Error::NpyDtype`]
    /// or [`Error::NpyNdim`] naming `<archive>/<member>`.
    #[error("{path}: not a valid .npz archive of diagrams: {message}")]
    DiagramNpz {
        /// The archive, or `<archive>/<member>` for one member.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A figure's side is outside
    /// [`plot::MIN_SIDE`](crate::plot::MIN_SIDE)`..=`[`plot::MAX_SIDE`](crate::plot::MAX_SIDE)
    /// pixels.
    #[error("cannot make a {width} x {height} pixel figure: each side must be 64 to 8192 pixels")]
    ImageSize {
        /// Requested width in pixels.
        width: usize,
        /// Requested height in pixels.
        height: usize,
    },
    /// A figure cannot be drawn: an impossible parameter (an inverted or
    /// non-finite axis range, zero columns) or a failure of the drawing
    /// backend; the message says which.
    #[error("cannot draw the figure: {0}")]
    Plot(String),
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
    /// be even, or leaving mel filters empty), or a stored mel-band moment
    /// of a [`MelStandardizer`](crate::audio::MelStandardizer) is not
    /// finite (or a standard deviation negative).
    #[error("invalid audio parameter `{name}`: {message}")]
    AudioParameter {
        /// The parameter, as the builder names it.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A compressed audio file (MP3) cannot be decoded; `kind` says why.
    #[error("{path}: cannot decode the audio file: {kind}: {message}")]
    Audio {
        /// The file.
        path: PathBuf,
        /// The class of problem.
        kind: AudioErrorKind,
        /// Details (the decoder's own words where it gave some).
        message: String,
    },
    /// A MagnaTagATune annotation file (`annotations_final.csv`) is
    /// malformed; `line` is 1-based (1 is the header).
    #[error("{path}, line {line}: {problem}")]
    Annotations {
        /// The annotation file.
        path: PathBuf,
        /// 1-based line number where the offending record starts.
        line: usize,
        /// What is wrong.
        problem: AnnotationProblem,
    },
    /// No directory holding MagnaTagATune's audio folders (`0` to `f`) was
    /// found where [`TagSet::open_dir`](crate::tagging::TagSet::open_dir)
    /// looked.
    #[error("no MagnaTagATune audio folders (0 .. f) in {}", searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" or "))]
    AudioRootNotFound {
        /// The directories searched, in order.
        searched: Vec<PathBuf>,
    },
    /// More tags were asked for than a tag set has, or none.
    #[error("asked for the {requested} most frequent tags of a set with {available} tags")]
    TagCount {
        /// Tags asked for.
        requested: usize,
        /// Tags in the set.
        available: usize,
    },
    /// A spectrogram has another number of mel bands than expected (by a
    /// fitted [`MelStandardizer`](crate::audio::MelStandardizer), or the
    /// first spectrogram of a fit set).
    #[error("{} has {found} mel bands, expected {expected}", clip.map_or_else(|| "the spectrogram".to_string(), |c| format!("spectrogram {c}")))]
    MelCount {
        /// Mel bands expected.
        expected: usize,
        /// Mel bands found.
        found: usize,
        /// Index of the offending spectrogram in a fit set, if any.
        clip: Option<usize>,
    },
    /// A spectrogram value is NaN or infinite.
    #[error("{}frame {frame}, mel band {mel} is not finite ({value})", clip.map_or_else(String::new, |c| format!("spectrogram {c}, ")))]
    NonFiniteFrame {
        /// Index of the spectrogram in a fit set, if any.
        clip: Option<usize>,
        /// 0-based frame (row).
        frame: usize,
        /// 0-based mel band (column).
        mel: usize,
        /// The value.
        value: f64,
    },
}

/// Why a compressed audio file could not be decoded ([`Error::Audio`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AudioErrorKind {
    /// No supported container or stream was recognised (a text file, an
    /// empty file, random bytes).
    NotAudio,
    /// The stream was recognised but is malformed: a corrupt frame, or the
    /// decoder failed.
    Corrupt,
    /// The file ends before the stream does (inside a frame, or fewer
    /// frames than its header announces).
    Truncated,
    /// The container holds a codec or feature this build does not decode.
    Unsupported,
    /// The container holds no audio track.
    NoAudioTrack,
    /// The stream announces zero channels.
    NoChannels,
    /// Channel count or sample rate change in the middle of the stream.
    InconsistentStream,
}

impl std::fmt::Display for AudioErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotAudio => "not a supported audio file",
            Self::Corrupt => "corrupt stream",
            Self::Truncated => "truncated",
            Self::Unsupported => "unsupported codec or feature",
            Self::NoAudioTrack => "no audio track",
            Self::NoChannels => "zero channels",
            Self::InconsistentStream => "the stream changes its format",
        })
    }
}

/// What is wrong in a MagnaTagATune annotation file ([`Error::Annotations`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnnotationProblem {
    /// The header lacks a required column (`clip_id` or `mp3_path`), or
    /// names a column twice, or has no tag column.
    Header(String),
    /// A row has another number of fields than the header.
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        got: usize,
    },
    /// A tag value is neither `0` nor `1`.
    TagValue {
        /// The tag column's name.
        column: String,
        /// The field's text (at most 40 characters).
        text: String,
    },
    /// A clip id appears a second time.
    DuplicateClip {
        /// The clip id.
        id: String,
        /// The line where it first appeared.
        first_line: usize,
    },
    /// An `mp3_path` is empty, absolute or leaves the audio root (`..`),
    /// or (for a split) is not in one of the folders `0` .. `f`.
    BadPath(String),
    /// The record is not valid tab-separated text (bad quoting, not UTF-8).
    Syntax(String),
    /// The file has a header but no clip rows.
    NoClips,
}

impl std::fmt::Display for AnnotationProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Header(m) => write!(f, "bad header: {m}"),
            Self::FieldCount { expected, got } => {
                write!(f, "expected {expected} fields as in the header, got {got}")
            }
            Self::TagValue { column, text } => {
                write!(
                    f,
                    "column `{column}`: tag value `{text}` is neither 0 nor 1"
                )
            }
            Self::DuplicateClip { id, first_line } => {
                write!(f, "clip id `{id}` already appeared on line {first_line}")
            }
            Self::BadPath(m) => write!(f, "bad mp3_path: {m}"),
            Self::Syntax(m) => write!(f, "{m}"),
            Self::NoClips => write!(f, "no clip rows after the header"),
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
