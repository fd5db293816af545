//! Sliding-window (Takens delay) embedding of a signal into a point cloud.

use ndarray::Array2;

use crate::error::{check_finite, Error, Result};
use crate::memory;

/// Delay embedding parameters: point `t` is
/// `[x[t*stride], x[t*stride + delay], ..., x[t*stride + (dim-1)*delay]]`.
///
/// Matches giotto-tda's `SingleTakensEmbedding(dimension=dim, time_delay=delay, stride=stride)`.
///
/// ```
/// use tda_persistence::SlidingWindow;
/// let sw = SlidingWindow { dim: 3, delay: 2, stride: 1 };
/// let points = sw.embed(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
/// assert_eq!(points.nrows(), 2);
/// assert_eq!(points.row(1).to_vec(), vec![1.0, 3.0, 5.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlidingWindow {
    /// Embedding dimension (number of coordinates per point), at least 1.
    pub dim: usize,
    /// Gap between consecutive coordinates, in samples, at least 1.
    pub delay: usize,
    /// Gap between consecutive windows, in samples, at least 1.
    pub stride: usize,
}

impl Default for SlidingWindow {
    /// `dim 10, delay 1, stride 1`, the sliding window of workload W3.
    fn default() -> Self {
        Self {
            dim: 10,
            delay: 1,
            stride: 1,
        }
    }
}

impl SlidingWindow {
    /// Number of samples one window spans: `(dim - 1) * delay + 1` (0 for
    /// `dim == 0`), saturating at `usize::MAX` instead of overflowing.
    pub fn span(&self) -> usize {
        match self.dim {
            0 => 0,
            d => (d - 1).saturating_mul(self.delay).saturating_add(1),
        }
    }

    /// Number of points the embedding of a signal of length `len` has
    /// (0 if the signal is shorter than one window).
    pub fn n_points(&self, len: usize) -> usize {
        if self.dim == 0 || self.delay == 0 || self.stride == 0 || len < self.span() {
            0
        } else {
            (len - self.span()) / self.stride + 1
        }
    }

    fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("dim", self.dim),
            ("delay", self.delay),
            ("stride", self.stride),
        ] {
            if value == 0 {
                return Err(Error::InvalidParameter {
                    name,
                    value: "0".into(),
                    reason: "must be at least 1",
                });
            }
        }
        Ok(())
    }

    /// The embedded point cloud, one point per row, shape `(n_points, dim)`.
    ///
    /// Its size, `n_points * dim` values, grows with the square of the
    /// signal's length (a window of half the signal has half as many
    /// points): it is checked against the process-wide memory limit
    /// ([`crate::memory::limit`]) before anything is allocated.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `dim`, `delay` or `stride` is 0;
    /// [`Error::Empty`] / [`Error::NonFinite`] for an empty or non-finite
    /// signal; [`Error::TooShort`] if the signal is shorter than one window;
    /// [`Error::TooLarge`] if the embedding is over the memory limit.
    pub fn embed(&self, signal: &[f64]) -> Result<Array2<f64>> {
        self.embed_within(signal, crate::memory::limit())
    }

    /// [`SlidingWindow::embed`] under the memory limit `limit`.
    pub(crate) fn embed_within(&self, signal: &[f64], limit: u64) -> Result<Array2<f64>> {
        self.validate()?;
        check_finite(signal)?;
        let span = self.span();
        if signal.len() < span {
            return Err(Error::TooShort {
                len: signal.len(),
                needed: span,
            });
        }
        let n = self.n_points(signal.len());
        memory::check_against(
            "sliding-window embedding",
            memory::bytes_of::<f64>(&[n, self.dim]),
            limit,
        )?;
        // t * stride + j * delay <= len - 1: no overflow.
        Ok(Array2::from_shape_fn((n, self.dim), |(t, j)| {
            signal[t * self.stride + j * self.delay]
        }))
    }
}
