//! tda-pinet: exact topological features of signals and images, fast.
//!
//! This facade re-exports the workspace crates:
//!
//! - [`persistence`] (`tda-persistence`): persistence diagrams of signals
//!   (sublevel/superlevel H0), images (cubical H0/H1) and sliding-window
//!   embeddings.
//! - [`io`] (`tda-io`): readers for the data sets the examples use.
//! - [`vectorize`] (`tda-vectorize`): persistence images, Betti curves and
//!   landscapes of diagrams.
//! - [`nn`] (`tda-nn`): candle networks (Signal and Image PI-Net) trained on
//!   exact persistence images.
//! - [`emph`] (`tda-emph`): exact multi-parameter persistence of time series
//!   (closed-form barcodes of the Liouville torus on rays and curves).
//!
//! ```
//! use tda_pinet::prelude::*;
//! let d = sublevel::h0(&[1.0, 0.0, 2.0, -1.0]).unwrap();
//! assert_eq!(d.len(), 2);
//! ```

#![warn(missing_docs)]

pub use tda_emph as emph;
pub use tda_io as io;
pub use tda_nn as nn;
pub use tda_persistence as persistence;
pub use tda_vectorize as vectorize;

/// The README's usage example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The names most programs need, in one `use`.
pub mod prelude {
    pub use tda_persistence::cubical::{self, Connectivity};
    pub use tda_persistence::sublevel;
    pub use tda_persistence::{CriticalPair, Diagram, PersistencePair, SlidingWindow};
    pub use tda_vectorize::{
        bottleneck, wasserstein, BettiCurve, Essential, Grid, Landscape, Normalize,
        PersistenceEntropy, PersistenceImage, Silhouette, Vectorizer, Weight,
    };
}
