//! The [`Vectorizer`] trait and the essential-pair policy [`Essential`].

use ndarray::{Array2, Axis};
use rayon::prelude::*;
use tda_persistence::{memory, Diagram, PersistencePair};

use crate::error::{Error, Result};

/// A map from persistence diagrams to fixed-length `f32` vectors.
///
/// Validation: every `transform*` method first checks the diagram (each birth
/// must be finite, each death finite or infinite but not NaN) and returns
/// [`Error::NonFinite`] naming the first bad pair; nothing panics on user
/// input. Parameters are validated once, when the vectorizer is built.
pub trait Vectorizer: Sync {
    /// Number of values written per diagram.
    fn len(&self) -> usize;

    /// True if the vectorizer writes no values (never the case for the
    /// vectorizers of this crate, whose sizes are validated to be >= 1).
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the vector of `d` into `out`, which must have length
    /// [`Vectorizer::len`].
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] for an `out` of another length,
    /// [`Error::NonFinite`] for a NaN or infinite birth or a NaN death, and
    /// the vectorizer's own (such as [`Error::OutputOverflow`] for a value
    /// beyond `f32`, [`Error::PersistenceOverflow`] for a persistence
    /// image).
    fn transform_into(&self, d: &Diagram, out: &mut [f32]) -> Result<()>;

    /// The vector of one diagram.
    ///
    /// # Errors
    ///
    /// Those of [`Vectorizer::transform_into`] (but for the length).
    fn transform(&self, d: &Diagram) -> Result<Vec<f32>> {
        let mut out = vec![0.0; self.len()];
        self.transform_into(d, &mut out)?;
        Ok(out)
    }

    /// The vectors of many diagrams, one row per diagram, computed in
    /// parallel with rayon (each row is computed independently, so the
    /// result does not depend on the number of threads). On error, the
    /// error of the lowest-indexed failing diagram is returned.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] (before anything is allocated) when the
    /// `ds.len() x len()` output is over [`memory::limit`]; otherwise the
    /// error of [`Vectorizer::transform_into`] for the lowest-indexed
    /// failing diagram.
    fn transform_batch(&self, ds: &[Diagram]) -> Result<Array2<f32>> {
        memory::check(
            "transform_batch output (diagrams x values)",
            memory::bytes_of::<f32>(&[ds.len(), self.len()]),
        )?;
        let mut out = Array2::<f32>::zeros((ds.len(), self.len()));
        let results: Vec<Result<()>> = out
            .axis_iter_mut(Axis(0))
            .into_par_iter()
            .zip(ds.par_iter())
            .map(|(mut row, d)| match row.as_slice_mut() {
                Some(slice) => self.transform_into(d, slice),
                None => {
                    let mut buf = vec![0.0; row.len()];
                    self.transform_into(d, &mut buf)?;
                    row.iter_mut().zip(buf).for_each(|(o, v)| *o = v);
                    Ok(())
                }
            })
            .collect();
        results.into_iter().collect::<Result<Vec<()>>>()?;
        Ok(out)
    }
}

/// What a vectorizer does with essential pairs (infinite death).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Essential {
    /// Ignore essential pairs (the default everywhere).
    #[default]
    Drop,
    /// Replace the infinite death by this finite value, then treat the pair
    /// like any other.
    ClampDeath(f64),
    /// Keep the pair as an interval that never ends (Betti curves count it,
    /// landscapes grow linearly along it). Not allowed for persistence
    /// images, whose weight and kernel need a finite persistence.
    Keep,
}

impl Essential {
    pub(crate) fn validate(self) -> Result<()> {
        match self {
            Essential::ClampDeath(v) if !v.is_finite() => Err(Error::InvalidParameter {
                name: "essential",
                value: v,
                reason: "ClampDeath needs a finite death value",
            }),
            _ => Ok(()),
        }
    }

    /// Also rejects [`Essential::Keep`], for vectorizers whose weights or
    /// kernels need a finite bar; `why` says so in the error.
    pub(crate) fn validate_finite(self, why: &'static str) -> Result<()> {
        self.validate()?;
        if self == Essential::Keep {
            return Err(Error::InvalidParameter {
                name: "essential",
                value: f64::INFINITY,
                reason: why,
            });
        }
        Ok(())
    }

    /// The interval `(lo, hi) = (min(b, d), max(b, d))` a pair stands for
    /// after the policy (a pair with `d < b`, superlevel convention, counts
    /// as `[d, b]`; a kept essential pair has an infinite end), or `None` if
    /// the pair is dropped.
    #[inline]
    pub(crate) fn interval(self, p: &PersistencePair) -> Option<(f64, f64)> {
        let d = self.death(p)?;
        Some((p.birth.min(d), p.birth.max(d)))
    }

    /// The death to use for `p`, or `None` if the pair is dropped.
    #[inline]
    pub(crate) fn death(self, p: &PersistencePair) -> Option<f64> {
        if !p.is_essential() {
            return Some(p.death);
        }
        match self {
            Essential::Drop => None,
            Essential::ClampDeath(v) => Some(v),
            Essential::Keep => Some(p.death),
        }
    }
}
