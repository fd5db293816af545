//! tda-vectorize: fixed-length vectors from persistence diagrams, for
//! machine learning.
//!
//! It computes persistence images ([`PersistenceImage`], exact pixel
//! integrals, persim-compatible grids), Betti curves ([`BettiCurve`]) and
//! persistence landscapes ([`Landscape`]); all implement [`Vectorizer`],
//! which adds parallel batch transforms into an `ndarray::Array2<f32>`.
//! [`Silhouette`] samples the power-weighted silhouette, the average of the
//! bars' tents weighted by `(d - b)^p` (Chazal et al. 2014).
//! [`PersistenceEntropy`] is the Shannon entropy of the bar lengths (one
//! value), and [`EntropySummary`] gudhi's entropy summary function.
//! [`bottleneck`] and [`wasserstein`] are the exact distances between
//! diagrams (gudhi's semantics; Hopcroft–Karp and Hungarian matchings).
//!
//! The math: a pair `(b, d)` is the interval `[b, d)` (persistence
//! `p = d - b`). Its persistence-image contribution is a Gaussian of standard
//! deviation `sigma` centred at `(b, p)`, scaled by a weight `w(b, p)` and
//! integrated exactly over each pixel, which factorises into
//! `w * (Phi((x1-b)/s) - Phi((x0-b)/s)) * (Phi((y1-p)/s) - Phi((y0-p)/s))`.
//! The Betti curve at `t` counts the pairs with `b <= t < d`; the k-th
//! landscape at `t` is the k-th largest tent value `max(0, min(t-b, d-t))`.
//! Essential (infinite) pairs follow an explicit [`Essential`] policy
//! (dropped by default).
//!
//! ```
//! use tda_persistence::{Diagram, PersistencePair};
//! use tda_vectorize::{BettiCurve, Landscape, PersistenceImage, Vectorizer};
//!
//! let d = Diagram::new(0, vec![PersistencePair::new(0.0, 2.0), PersistencePair::new(1.0, f64::INFINITY)]);
//! let pi = PersistenceImage::builder()
//!     .birth_range(-1.0, 1.0)
//!     .pers_range(0.0, 4.0)
//!     .resolution(20, 40)
//!     .sigma(0.1)
//!     .build()
//!     .unwrap();
//! let img = pi.transform(&d).unwrap();
//! assert_eq!(img.len(), 800);
//! // One finite point of weight 2, well inside the range: the image sums to ~2.
//! assert!((img.iter().map(|&v| v as f64).sum::<f64>() - 2.0).abs() < 1e-5);
//!
//! let betti = BettiCurve::new((0.0, 2.0), 3).unwrap().transform(&d).unwrap();
//! assert_eq!(betti, vec![1.0, 1.0, 0.0]);
//! let land = Landscape::new(1, (0.0, 2.0), 3).unwrap().transform(&d).unwrap();
//! assert_eq!(land, vec![0.0, 1.0, 0.0]);
//! ```

#![warn(missing_docs)]

mod curves;
mod distance;
mod entropy;
pub mod error;
mod image;
mod pinet_targets;
mod sample_grid;
mod silhouette;
mod stat_features;
mod validate;
mod vectorizer;

pub use curves::{BettiCurve, Landscape};
pub use distance::{
    bottleneck, bottleneck_matching, wasserstein, wasserstein_matching, Matching, Wasserstein,
};
pub use entropy::{EntropyNormalization, EntropySummary, PersistenceEntropy};
pub use error::{Error, Result};
pub use image::{
    Grid, Normalize, PersistenceImage, PersistenceImageBuilder, Weight, PINET_IMAGE_MIN_PERSISTENCE,
};
pub use pinet_targets::pinet_targets;
pub use silhouette::Silhouette;
pub use stat_features::StatFeatures;
pub use vectorizer::{Essential, Vectorizer};
