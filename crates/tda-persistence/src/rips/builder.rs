//! The parameters of a Vietoris-Rips run, as the user sets them
//! ([`RipsBuilder`]), checked once by [`RipsBuilder::build`] into a
//! [`Rips`].

use ndarray::ArrayView2;

use super::{Collapse, Metric, Rips, Storage};
use crate::error::{Error, Result};
use crate::{Diagram, SlidingWindow};

/// Unchecked parameters of a [`Rips`] engine: each setter only stores its
/// value, [`RipsBuilder::build`] checks them all and returns the engine.
///
/// The `compute*` methods build first and then run, so the one-liner
/// `Rips::new().max_dim(1).threshold(t).compute(points)` works (and reports
/// a bad parameter as `build` would); build once with
/// [`RipsBuilder::build`] to check the parameters before any input is seen,
/// or to run one engine on many inputs.
///
/// Defaults: H0 and H1 (`max_dim = 1`), no threshold (the enclosing
/// radius), [`Metric::Euclidean`], the process-wide memory limit
/// ([`crate::memory::limit`], 8 GiB unless set) read when the builder is
/// made, [`Storage::Auto`], [`Collapse::Auto`], coefficients in `Z/2`, no
/// cocycles.
///
/// ```
/// use ndarray::array;
/// use tda_persistence::rips::{Metric, Rips};
/// let square = array![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
/// let rips = Rips::builder().max_dim(1).metric(Metric::Chebyshev).build().unwrap();
/// let dgms = rips.compute(square.view()).unwrap();
/// assert_eq!(dgms[1].len(), 0); // in the max metric the square is filled at once
/// // A negative threshold is refused by build(), before any input.
/// assert!(Rips::builder().threshold(-1.0).build().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RipsBuilder(
    /// The parameters as set, not yet checked (linfa's `ParamGuard` shape:
    /// the unchecked parameters wrap the checked type).
    Rips,
);

impl RipsBuilder {
    /// Highest homology dimension computed; diagrams `0..=max_dim` are
    /// returned (default 1). Whether the input has enough points for it
    /// (`max_dim + 1`) is checked by the `compute` methods.
    pub fn max_dim(mut self, max_dim: usize) -> Self {
        self.0.max_dim = max_dim;
        self
    }

    /// Only simplices of diameter `<= threshold` enter (edges with `d <= t`);
    /// classes alive at `threshold` are reported as essential (infinite death).
    ///
    /// Without a threshold (or with `+inf`) the enclosing radius
    /// `min_i max_j d(i, j)` is used: beyond it the complex is a cone, so no
    /// bar changes and only one H0 class is essential. NaN or a negative
    /// threshold is refused by [`RipsBuilder::build`].
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.0.threshold = Some(threshold);
        self
    }

    /// Metric between points (for [`Rips::compute`]); Euclidean by default.
    pub fn metric(mut self, metric: Metric) -> Self {
        self.0.metric = metric;
        self
    }

    /// Upper bound on the memory a run may take, in bytes (default: the
    /// process-wide [`crate::memory::limit`], 8 GiB unless set); a run
    /// estimated to need more fails with [`Error::TooLarge`] instead. Any
    /// value is a valid limit (0 refuses every run): whether a run fits
    /// depends on the input, so it is checked by the `compute` methods.
    pub fn memory_limit(mut self, bytes: u64) -> Self {
        self.0.memory_limit = bytes;
        self
    }

    /// Forces a distance store (the default [`Storage::Auto`] picks one).
    pub fn storage(mut self, storage: Storage) -> Self {
        self.0.storage = storage;
        self
    }

    /// Coefficients in the prime field `Z/p` (ripser.py's `coeff`; default
    /// 2). Bars can depend on `p` (torsion: the real projective plane has an
    /// H1 bar over `Z/2` and none over `Z/3`); H0 does not. `p` must be a
    /// prime `<=` [`Rips::MAX_COEFF`], checked by [`RipsBuilder::build`].
    pub fn coeff(mut self, p: u32) -> Self {
        self.0.coeff = p;
        self
    }

    /// Reports a representative cocycle of every bar of dimension >= 1 in
    /// [`RipsOutput::cocycles`](super::RipsOutput::cocycles) (ripser.py's
    /// `do_cocycles`; default `false`). Only [`Rips::run`] returns them.
    ///
    /// ```
    /// use ndarray::array;
    /// use tda_persistence::rips::{Rips, RipsInput};
    /// // The unit square's loop [1, sqrt 2): over Z/3 its cocycle is the
    /// // youngest side, the edge {1, 0}, with coefficient 1.
    /// let square = array![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    /// let rips = Rips::builder().coeff(3).cocycles(true).build().unwrap();
    /// let out = rips.run(RipsInput::Points(square.view())).unwrap();
    /// assert!(out.cocycles[0].is_empty()); // none in H0, as ripser.py
    /// let loop1 = &out.cocycles[1][0];
    /// assert_eq!(loop1.simplex(0), (&[1, 0][..], 1));
    /// // A modulus that is not a prime is refused.
    /// assert!(Rips::builder().coeff(4).build().is_err());
    /// ```
    pub fn cocycles(mut self, cocycles: bool) -> Self {
        self.0.cocycles = cocycles;
        self
    }

    /// Computes on a greedy subsample of `n_perm` points (ripser.py's
    /// `n_perm`; `None`, the default, uses every point): the first `n_perm`
    /// points of the farthest point sampling that starts at point 0 and
    /// adds, each time, the point farthest from those already taken (the
    /// first such point on ties), for points and distance matrices alike.
    /// [`RipsOutput::idx_perm`](super::RipsOutput::idx_perm) and
    /// [`RipsOutput::r_cover`](super::RipsOutput::r_cover) report the
    /// subsample and its covering radius; cocycles are given in the input's
    /// indices. `Some(0)` is refused by [`RipsBuilder::build`]; more points
    /// than the input has, or a sparse input, by the run.
    pub fn n_perm(mut self, n_perm: Option<usize>) -> Self {
        self.0.n_perm = n_perm;
        self
    }

    /// Whether to collapse edges before computing H1 and up (Boissonnat &
    /// Pritam 2020, Glisse & Pritam 2022; see [`Collapse`]): the diagrams
    /// are the same, bar for bar; [`Collapse::Auto`] (the default)
    /// collapses where it pays.
    pub fn collapse_edges(mut self, collapse: Collapse) -> Self {
        self.0.collapse = collapse;
        self
    }

    /// Checks the parameters and returns the engine.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] named `"threshold"` for a NaN or
    /// negative threshold, named `"coeff"` for a coefficient modulus that
    /// is not a prime (0 and 1 included) or exceeds [`Rips::MAX_COEFF`],
    /// named `"n_perm"` for `n_perm(Some(0))`. (The other parameters take
    /// any value; the
    /// checks that depend on the input, such as `max_dim` against the
    /// number of points and the memory estimate, are made by the `compute`
    /// methods.)
    pub fn build(self) -> Result<Rips> {
        if let Some(t) = self.0.threshold {
            if t.is_nan() || t < 0.0 {
                return Err(Error::InvalidParameter {
                    name: "threshold",
                    value: t.to_string(),
                    reason: "must be a non-negative number",
                });
            }
        }
        let p = self.0.coeff;
        if !super::field::is_prime(p) {
            return Err(Error::InvalidParameter {
                name: "coeff",
                value: p.to_string(),
                reason: "must be a prime",
            });
        }
        if p > Rips::MAX_COEFF {
            return Err(Error::InvalidParameter {
                name: "coeff",
                value: p.to_string(),
                reason: "must be at most Rips::MAX_COEFF = 2^31 - 1",
            });
        }
        if self.0.n_perm == Some(0) {
            return Err(Error::InvalidParameter {
                name: "n_perm",
                value: "0".to_string(),
                reason: "a greedy subsample needs at least one point",
            });
        }
        Ok(self.0)
    }

    /// Builds the engine and runs [`Rips::compute`] on `points`.
    ///
    /// # Errors
    ///
    /// Those of [`RipsBuilder::build`], then those of [`Rips::compute`].
    pub fn compute(&self, points: ArrayView2<f64>) -> Result<Vec<Diagram>> {
        self.clone().build()?.compute(points)
    }

    /// Builds the engine and runs [`Rips::compute_distance_matrix`] on `d`.
    ///
    /// # Errors
    ///
    /// Those of [`RipsBuilder::build`], then those of
    /// [`Rips::compute_distance_matrix`].
    pub fn compute_distance_matrix(&self, d: ArrayView2<f64>) -> Result<Vec<Diagram>> {
        self.clone().build()?.compute_distance_matrix(d)
    }

    /// Builds the engine and runs [`Rips::compute_sliding_window`].
    ///
    /// # Errors
    ///
    /// Those of [`RipsBuilder::build`], then those of
    /// [`Rips::compute_sliding_window`].
    pub fn compute_sliding_window(
        &self,
        signal: &[f64],
        window: &SlidingWindow,
    ) -> Result<Vec<Diagram>> {
        self.clone().build()?.compute_sliding_window(signal, window)
    }
}
