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
//! The [`prelude`] names what most programs use: sublevel and cubical
//! persistence, Vietoris-Rips, EMPH, and the vectorisations and distances.
//!
//! ```
//! use ndarray::{array, Array2};
//! use tda_pinet::prelude::*;
//!
//! // Sublevel H0 of a signal: the global minimum's essential bar, and one more.
//! let d = sublevel::h0(&[1.0, 0.0, 2.0, -1.0]).unwrap();
//! assert_eq!(d.len(), 2);
//!
//! // Vietoris-Rips of the corners of a unit square: one loop, born at 1 and
//! // dying at sqrt(2).
//! let square = array![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
//! let rips = Rips::builder()
//!     .max_dim(1)
//!     .metric(Metric::Euclidean)
//!     .build()
//!     .unwrap();
//! let dgms = rips.compute(square.view()).unwrap();
//! assert_eq!(dgms[1].len(), 1);
//! assert_eq!(dgms[1].pairs[0].death, 2f64.sqrt());
//!
//! // EMPH: the exact H1 barcode of cos t + 2 cos 2t along the diagonal ray,
//! // {[0, sqrt(3)), [0, 2 sqrt(3))} ...
//! let n = 100;
//! let f: Vec<f64> = (0..n)
//!     .map(|i| {
//!         let t = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
//!         t.cos() + 2.0 * (2.0 * t).cos()
//!     })
//!     .collect();
//! let modes = FourierModes::from_signal(&f, 2).unwrap();
//! let h1 = barcode(&modes, &Ray::diagonal(2).unwrap(), 1).unwrap();
//! assert_eq!(h1.len(), 2);
//! // ... and the H1 bars of each mode read along a ray of its own.
//! let own = RayCollection::new(vec![Ray::diagonal(2).unwrap(); 2]).unwrap();
//! assert_eq!(collection_barcode(&modes, &own).unwrap().len(), 2);
//!
//! // EMPH features of a batch of series: H1 barcodes on the diagonal ray
//! // through 4 modes, as Betti curves of 10 samples, one row per series.
//! let rows = Array2::from_shape_fn((3, 32), |(i, j)| ((i + 1) as f64 * j as f64 * 0.2).sin());
//! let betti = BettiCurve::builder()
//!     .sample_range(0.0, 2.0)
//!     .resolution(10)
//!     .build()
//!     .unwrap();
//! let x = features(rows.view(), 4, &Ray::diagonal(4).unwrap(), 1, &betti).unwrap();
//! assert_eq!(x.dim(), (3, 10));
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

/// The names most programs need, in one `use`: diagrams of signals
/// ([`sublevel`](persistence::sublevel)), images
/// ([`cubical`](persistence::cubical)) and point clouds
/// ([`Rips`](persistence::Rips)); EMPH barcodes
/// ([`barcode`](emph::barcode),
/// [`collection_barcode`](emph::collection_barcode)) and batch features
/// ([`features`](emph::features)); vectorisations and distances of
/// diagrams, PI-Net's targets ([`pinet_targets`](vectorize::pinet_targets))
/// and statistical features. The networks (`tda_pinet::nn`) are imported
/// from their crate.
pub mod prelude {
    pub use tda_emph::{barcode, collection_barcode, features, FourierModes, Ray, RayCollection};
    pub use tda_persistence::cubical::{self, Connectivity};
    pub use tda_persistence::sublevel;
    pub use tda_persistence::{
        CriticalPair, Diagram, Metric, PersistencePair, Rips, SlidingWindow,
    };
    pub use tda_vectorize::{
        bottleneck, pinet_targets, wasserstein, BettiCurve, Essential, Grid, Landscape, Normalize,
        PersistenceEntropy, PersistenceImage, Silhouette, StatFeatures, Vectorizer, Weight,
    };
}
