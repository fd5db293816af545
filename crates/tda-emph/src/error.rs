//! The crate's error type.

/// Everything that can go wrong in `tda-emph`; user input never panics.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A NaN or infinite value at `index` of the input (flat row-major
    /// index for two-dimensional inputs).
    #[error("non-finite value (NaN or infinity) at index {index}")]
    NonFinite {
        /// Index of the offending value.
        index: usize,
    },
    /// A series too short for the number of Fourier modes asked for.
    #[error("series of length {len} is too short for {modes} Fourier modes: at least {needed} values are needed")]
    TooShort {
        /// Length of the series.
        len: usize,
        /// Number of modes asked for.
        modes: usize,
        /// Minimum length, `2 * modes + 1`.
        needed: usize,
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
    /// Two inputs whose lengths must agree (a ray and the modes, the
    /// coordinates of a direction and an endpoint, ...).
    #[error("`{name}` has length {got}, expected {expected}")]
    LengthMismatch {
        /// Name of the input whose length is wrong.
        name: &'static str,
        /// The length it must have.
        expected: usize,
        /// Its length.
        got: usize,
    },
    /// A barcode with more bars than the enumeration limit.
    #[error("the degree-{dim} barcode has more than {limit} bars; ask for a lower degree or fewer modes")]
    TooManyBars {
        /// The homology degree asked for.
        dim: usize,
        /// The limit.
        limit: usize,
    },
    /// A homology degree above [`crate::MAX_DIM`] asked of a torus whose
    /// circles can carry it (each has bars up to degree
    /// [`crate::MAX_CIRCLE_DIM`]; a circle's bar in degree `2l + 1` has
    /// length about `1.2 r / l^3`, under `1e-5` of its endpoints above
    /// `MAX_DIM`, and the enumeration grows with the degree).
    #[error("degree {dim} is above the highest degree computed, {max}: circle bars of such degrees are shorter than 1e-5 of their endpoints")]
    DegreeTooHigh {
        /// The homology degree asked for.
        dim: usize,
        /// The highest degree computed, [`crate::MAX_DIM`].
        max: usize,
    },
    /// A Künneth enumeration that visited more than
    /// [`crate::MAX_STEPS`] partial choices of bars (one bar per circle)
    /// without finishing: ask for a lower degree or fewer modes.
    #[error("the degree-{dim} Künneth enumeration needs more than {limit} steps; ask for a lower degree or fewer modes")]
    TooManySteps {
        /// The homology degree asked for.
        dim: usize,
        /// The limit, [`crate::MAX_STEPS`].
        limit: u64,
    },
    /// A result that is finite in exact arithmetic but beyond the range of
    /// `f64` (its magnitude exceeds `f64::MAX`): a Fourier amplitude of a
    /// series whose values are near `f64::MAX`, a circle bar of a radius
    /// near `f64::MAX`, or a bar endpoint mapped along a path far outside
    /// the range (a path that returns NaN is reported here too).
    #[error(
        "the {what} at index {index} is beyond the range of f64 (its magnitude exceeds f64::MAX)"
    )]
    OutOfRange {
        /// What overflowed: `"radius"`, `"bar endpoint"`, ...
        what: &'static str,
        /// Where: the mode (or the flat row-major index `row * K + mode`
        /// in a batch).
        index: usize,
    },
    /// The sizes asked for (series length, number of modes, degree, batch
    /// size, number of rays) need more memory than
    /// [`tda_persistence::memory::limit`] allows, or overflow 64 bits;
    /// refused before anything is allocated.
    #[error(transparent)]
    TooLarge(#[from] tda_persistence::MemoryError),
    /// An error from the vectoriser the barcodes were fed to.
    #[error(transparent)]
    Vectorize(#[from] tda_vectorize::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Checks that every value is finite.
pub(crate) fn check_finite(values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NonFinite { index }),
        None => Ok(()),
    }
}

/// Checks that every value is finite and returns the largest magnitude
/// (one pass; `0.0` for an empty slice).
pub(crate) fn check_finite_max_abs(values: &[f64]) -> Result<f64> {
    // Four independent lanes so that the loop vectorises; `ok` turns false
    // on NaN (every comparison with NaN is false) and on infinities.
    let mut m = [0.0f64; 4];
    let mut ok = true;
    let mut chunks = values.chunks_exact(4);
    for c in &mut chunks {
        for j in 0..4 {
            let a = c[j].abs();
            ok &= a <= f64::MAX;
            m[j] = if a > m[j] { a } else { m[j] };
        }
    }
    for &v in chunks.remainder() {
        let a = v.abs();
        ok &= a <= f64::MAX;
        m[0] = if a > m[0] { a } else { m[0] };
    }
    if !ok {
        check_finite(values)?;
    }
    Ok(m[0].max(m[1]).max(m[2].max(m[3])))
}
