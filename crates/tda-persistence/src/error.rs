//! The crate's error type.

/// Everything that can go wrong in `tda-persistence`; user input never panics.
///
/// Non-exhaustive: later engines (Vietoris-Rips) add variants.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input holds no values (an empty signal, an image with a zero-length axis, ...).
    #[error("input is empty")]
    Empty,
    /// A NaN or infinite value; `index` is its flat position in row-major (C) order.
    #[error("non-finite value (NaN or infinity) at flat row-major index {index}")]
    NonFinite {
        /// Flat row-major index of the offending value.
        index: usize,
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
    /// A signal too short for the requested operation (e.g. a sliding window longer than the signal).
    #[error("signal of length {len} is too short: at least {needed} values are needed")]
    TooShort {
        /// Length of the given signal.
        len: usize,
        /// Minimum length required.
        needed: usize,
    },
    /// An array of the wrong shape (e.g. a non-square distance matrix, or points with no coordinates).
    #[error("array of shape {rows} x {cols} is invalid: {reason}")]
    Shape {
        /// Number of rows of the given array.
        rows: usize,
        /// Number of columns of the given array.
        cols: usize,
        /// What shape was expected.
        reason: &'static str,
    },
    /// A distance matrix that is not exactly symmetric: `d[row][col] != d[col][row]`.
    #[error("distance matrix is not symmetric: d[{row}][{col}] != d[{col}][{row}]")]
    NotSymmetric {
        /// Row of the first offending entry (`row > col`).
        row: usize,
        /// Column of the first offending entry.
        col: usize,
    },
    /// A negative entry in a distance matrix.
    #[error("distance matrix entry d[{row}][{col}] = {value} is negative")]
    NegativeDistance {
        /// Row of the offending entry.
        row: usize,
        /// Column of the offending entry.
        col: usize,
        /// The negative value.
        value: f64,
    },
    /// A non-zero diagonal entry in a distance matrix (a point's distance to itself must be 0).
    #[error("distance matrix diagonal entry d[{index}][{index}] = {value} is not zero")]
    NonZeroDiagonal {
        /// Position on the diagonal.
        index: usize,
        /// The non-zero value.
        value: f64,
    },
    /// A homology dimension that the input cannot have: `max_dim + 1` vertices are
    /// needed for a `max_dim`-simplex, but the input has only `points`.
    #[error("max_dim = {max_dim} needs at least {} points, the input has {points}", max_dim + 1)]
    DimensionTooLarge {
        /// The requested maximal homology dimension.
        max_dim: usize,
        /// Number of points of the input.
        points: usize,
    },
    /// The combinatorial index of a `(max_dim + 1)`-simplex, up to `points` choose
    /// `max_dim + 2`, does not fit in 64 bits.
    #[error("{points} points choose {} overflows the 64-bit simplex index (max_dim = {max_dim})", max_dim + 2)]
    IndexOverflow {
        /// The requested maximal homology dimension.
        max_dim: usize,
        /// Number of points of the input.
        points: usize,
    },
    /// The distance between points `row` and `col` (`row > col`, the first
    /// such pair in row-major order) exceeds `f64::MAX`, and no finite
    /// threshold keeps it out of the complex: a bar dying there could not be
    /// told from an essential one. Give a finite threshold, or scale the points down.
    #[error(
        "the distance between points {row} and {col} exceeds f64::MAX and no finite threshold \
         excludes it: give a finite threshold or scale the points down"
    )]
    DistanceOverflow {
        /// The later point of the pair.
        row: usize,
        /// The earlier point of the pair.
        col: usize,
    },
    /// An entry of a sparse distance input whose row or column is not below
    /// the number of points.
    #[error("sparse entry {entry} at ({row}, {col}) is out of range for {points} points")]
    IndexOutOfRange {
        /// Position of the entry in the input arrays.
        entry: usize,
        /// Its row.
        row: usize,
        /// Its column.
        col: usize,
        /// The number of points.
        points: usize,
    },
    /// Two entries of a sparse distance input at the same place `(row, col)`
    /// with `row <= col` (ripser.py passes such duplicates on and computes
    /// wrong bars or hangs; sum or drop them before).
    #[error(
        "sparse distance input has two entries at ({row}, {col}); entry {entry} is the second"
    )]
    DuplicateEntry {
        /// Row of the repeated place.
        row: usize,
        /// Column of the repeated place.
        col: usize,
        /// Position of the second entry in the input arrays.
        entry: usize,
    },
    /// Arrays that must have related lengths do not (e.g. the rows and the
    /// values of sparse triplets, or a CSR `indptr` and the number of points).
    #[error("`{what}` has length {len}, expected {expected}")]
    LengthMismatch {
        /// The array, as named in the API.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The length it should have.
        expected: usize,
    },
    /// A point cloud of a batch whose number of coordinates differs from
    /// the batch's first point cloud.
    #[error("cloud {index} of the batch has {found} coordinates per point, the first cloud has {expected}")]
    DimensionMismatch {
        /// Index of the first cloud in the batch whose dimension differs.
        index: usize,
        /// Coordinates per point of the batch's first point cloud.
        expected: usize,
        /// Coordinates per point of cloud `index`.
        found: usize,
    },
    /// The error of one input of a batch (the lowest-index failing one).
    #[error("cloud {index} of the batch: {error}")]
    InBatch {
        /// Index of the failing input in the batch.
        index: usize,
        /// Its error.
        #[source]
        error: Box<Error>,
    },
    /// The computation would need more memory than the limit (see
    /// [`crate::memory`]), or its size overflows.
    #[error(transparent)]
    TooLarge(#[from] crate::memory::MemoryError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Checks that `values` (in row-major order; `f64`, or `f32` widened
/// exactly) is non-empty and finite.
pub(crate) fn check_finite<'a, T, I>(values: I) -> Result<()>
where
    T: Copy + Into<f64> + 'a,
    I: IntoIterator<Item = &'a T>,
    I::IntoIter: Clone,
{
    let finite = |v: &T| (*v).into().is_finite();
    let mut values = values.into_iter();
    // A branch-free fold vectorises; the index is searched only on failure.
    let (count, all_finite) = values
        .clone()
        .fold((0usize, true), |(n, ok), v| (n + 1, ok & finite(v)));
    if count == 0 {
        return Err(Error::Empty);
    }
    if all_finite {
        return Ok(());
    }
    let index = values.position(|v| !finite(v)).unwrap_or_default();
    Err(Error::NonFinite { index })
}
