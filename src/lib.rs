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
//! # Features
//!
//! `cargo add tda-pinet` gives the whole library (the default features).
//! A program that needs less builds less (only `nn` compiles candle):
//!
//! ```toml
//! # Rips, sublevel and cubical persistence only:
//! tda-pinet = { version = "0.1", default-features = false }
//! # ... plus persistence images, landscapes and distances:
//! tda-pinet = { version = "0.1", default-features = false, features = ["vectorize"] }
//! ```
//!
//! | feature | what it adds |
//! |---|---|
//! | (none) | [`persistence`]: diagrams of signals, images, point clouds |
//! | `serde` | serde for `Diagram` and `PersistencePair` (the JSON diagram format) |
//! | `vectorize` | `vectorize`: persistence images, landscapes, Betti curves, silhouettes, entropy, distances |
//! | `emph` | `emph`: exact multi-parameter persistence of time series (with `vectorize`) |
//! | `io` | `io`: `.ts`, CSV, `.npy`, audio and PNG files |
//! | `nn` | `nn`: the candle networks and persistence layers (with `vectorize`, `io`); re-exports `candle` and `candle_nn` |
//! | `cuda` | `nn` on CUDA devices (needs the CUDA toolkit) |
//!
//! [`ndarray`] (0.16) is re-exported: use `tda_pinet::ndarray`, or the same
//! version, for the arrays you pass in. The examples and doctests use the
//! default features.
//!
//! # Threads
//!
//! Batch calls run in parallel on rayon's global pool: all cores, or
//! `RAYON_NUM_THREADS` if set; to choose per call, run it inside
//! `rayon::ThreadPoolBuilder::new().num_threads(n).build()?.install(|| ...)`.
//! Every item of a batch is computed on its own, so results never depend
//! on the number of threads.
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

#[cfg(feature = "emph")]
pub use tda_emph as emph;
#[cfg(feature = "io")]
pub use tda_io as io;
#[cfg(feature = "nn")]
pub use tda_nn as nn;
pub use tda_persistence as persistence;
#[cfg(feature = "vectorize")]
pub use tda_vectorize as vectorize;

/// The ndarray this library is built with (0.16): use
/// `tda_pinet::ndarray` (or depend on the same version) so that arrays
/// passed in and out are the same type.
pub use ndarray;

/// candle's tensor core (0.11), whose `Tensor`, `Device` and `DType` are
/// in the networks' API.
#[cfg(feature = "nn")]
pub use candle_core as candle;

/// candle's layers and `VarBuilder` / `VarMap` (0.11), as the networks
/// take them.
#[cfg(feature = "nn")]
pub use candle_nn;

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
    #[cfg(feature = "emph")]
    pub use tda_emph::{barcode, collection_barcode, features, FourierModes, Ray, RayCollection};
    pub use tda_persistence::cubical::{self, Connectivity};
    pub use tda_persistence::sublevel;
    pub use tda_persistence::{
        CriticalPair, Diagram, Metric, PersistencePair, Rips, SlidingWindow,
    };
    #[cfg(feature = "vectorize")]
    pub use tda_vectorize::{
        bottleneck, pinet_targets, wasserstein, BettiCurve, Essential, Grid, Landscape, Normalize,
        PersistenceEntropy, PersistenceImage, Silhouette, StatFeatures, Vectorizer, Weight,
    };
}
