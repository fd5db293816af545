//! Checks shared by the vectorizers and distances: diagrams, output
//! buffers, parameters, and the conversion of results to `f32`.
//!
//! Parameters are checked once, by the builders' `build` (errors name the
//! parameter as it appears in the API); diagrams and buffers at every
//! transform.

use tda_persistence::Diagram;

use crate::error::{Error, Result};

/// Checks that every birth is finite and no death is NaN.
pub(crate) fn validate_diagram(d: &Diagram) -> Result<()> {
    match d
        .pairs
        .iter()
        .position(|p| !p.birth.is_finite() || p.death.is_nan())
    {
        Some(index) => Err(Error::NonFinite { index }),
        None => Ok(()),
    }
}

/// `v` as `f32`, or [`Error::OutputOverflow`] naming output `index` when it
/// is beyond the `f32` range (or not finite).
#[inline]
pub(crate) fn to_f32(index: usize, v: f64) -> Result<f32> {
    let x = v as f32;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Error::OutputOverflow { index, value: v })
    }
}

/// Writes `values` into `out` as `f32`, [`Error::OutputOverflow`] at the
/// first value beyond the `f32` range.
pub(crate) fn write_f32(out: &mut [f32], values: impl IntoIterator<Item = f64>) -> Result<()> {
    for (i, (o, v)) in out.iter_mut().zip(values).enumerate() {
        *o = to_f32(i, v)?;
    }
    Ok(())
}

/// [`Error::LengthMismatch`] unless an output buffer of length `got` is
/// the `expected` length.
pub(crate) fn check_len(expected: usize, got: usize) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::LengthMismatch { expected, got })
    }
}

/// [`Error::InvalidRange`] named `name` unless the range is finite with
/// `start < end`.
pub(crate) fn check_range(name: &'static str, (start, end): (f64, f64)) -> Result<()> {
    if start.is_finite() && end.is_finite() && start < end {
        Ok(())
    } else {
        Err(Error::InvalidRange { name, start, end })
    }
}

/// [`Error::ZeroSize`] named `name` if `n` is 0.
pub(crate) fn check_size(name: &'static str, n: usize) -> Result<()> {
    if n == 0 {
        Err(Error::ZeroSize { name })
    } else {
        Ok(())
    }
}
