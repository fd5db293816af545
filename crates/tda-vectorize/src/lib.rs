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
//! Two extractors serve PI-Net's experiments without a network library:
//! [`pinet_targets`] turns a batch of multichannel signals into their
//! PI-Net target images (sublevel H0 per channel, vectorised by a
//! [`PersistenceImage`], in parallel) as one `Array4<f32>`, and
//! [`StatFeatures`] computes the paper's 19 statistical features of
//! 3-axis accelerometer frames.
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
//! # Configuration: builders
//!
//! Every vectorizer, and the [`Wasserstein`] distance, is configured one
//! way: `X::builder()` returns an `XBuilder` holding the defaults, whose
//! setters only store values; `XBuilder::build()` checks every parameter
//! once and returns `X` or a typed [`Error`] naming the parameter as the
//! setter spells it (`"sigma"`, `"sample_range"`, `"resolution.0"`, ...).
//! A built `X` is immutable, with a getter per parameter. Short
//! constructors for the required parameters, such as
//! `BettiCurve::new(sample_range, resolution)` and `Wasserstein::new(order)`,
//! are shorthands for the builder.
//!
//! ```
//! use tda_persistence::{Diagram, PersistencePair};
//! use tda_vectorize::{BettiCurve, Essential, Landscape, PersistenceImage, Vectorizer};
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
//! // gudhi counts essential pairs in Betti curves: Essential::Keep.
//! let betti = BettiCurve::builder()
//!     .sample_range(0.0, 2.0)
//!     .resolution(3)
//!     .essential(Essential::Keep)
//!     .build()
//!     .unwrap();
//! assert_eq!(betti.transform(&d).unwrap(), vec![1.0, 2.0, 1.0]);
//! // The shorthand: essential pairs dropped.
//! let betti = BettiCurve::new((0.0, 2.0), 3).unwrap().transform(&d).unwrap();
//! assert_eq!(betti, vec![1.0, 1.0, 0.0]);
//! let land = Landscape::new(1, (0.0, 2.0), 3).unwrap().transform(&d).unwrap();
//! assert_eq!(land, vec![0.0, 1.0, 0.0]);
//!
//! // Impossible parameters are refused by build(), naming them.
//! let e = PersistenceImage::builder().sigma(-1.0).build().unwrap_err();
//! assert_eq!(e.to_string(), "invalid sigma -1: the standard deviation must be finite and > 0");
//! ```
//!
//! # Fitting ranges to diagrams
//!
//! The builders of [`PersistenceImage`], [`BettiCurve`], [`Landscape`],
//! [`Silhouette`] and [`EntropySummary`] have `fit(&diagrams)`, which takes
//! the ranges from a collection of diagrams (typically the training set),
//! as persim's and gudhi's `fit` do:
//!
//! - Only pairs with a finite birth and death count: essential pairs are
//!   left out whatever the [`Essential`] policy (gudhi and persim need them
//!   removed first: their fits fail or give infinite ranges on them), as
//!   are pairs with a NaN, which the transforms refuse anyway.
//! - Sample ranges (curves, silhouettes, entropy summaries): from the
//!   smallest birth to the largest death, a pair `(b, d)` read as the
//!   interval `(min(b, d), max(b, d))` as everywhere in this crate. That is
//!   gudhi's `_automatic_sample_range` with `keep_endpoints=True`: the
//!   grid is `linspace(min birth, max death, resolution)`. gudhi's default
//!   `keep_endpoints=False` instead samples `resolution + 2` points and
//!   drops both ends (where every curve is 0): ask for `resolution + 2`
//!   samples and drop the first and last values to get its Betti curves,
//!   landscapes and silhouettes; its entropy summary then keeps the
//!   *first* `resolution` values (its index rule still counts from the
//!   dropped first sample), L1-normalised over those values.
//! - Persistence images: see [`PersistenceImageBuilder::fit`] (gudhi's
//!   fitted `im_range` exactly; persim's ranges before it pads them to
//!   whole pixels).
//! - A fit is resolved when the builder builds; a range set after `fit`
//!   replaces the fitted one. Diagrams without a finite pair, or a fitted
//!   range that is a single value (every pair at one point), make `build`
//!   return [`Error::CannotFit`] naming the range, never a NaN grid.
//!
//! ```
//! use tda_persistence::{Diagram, PersistencePair};
//! use tda_vectorize::{Landscape, Vectorizer};
//!
//! let train = vec![
//!     Diagram::new(0, vec![PersistencePair::new(0.5, 2.0)]),
//!     Diagram::new(0, vec![PersistencePair::new(1.0, 3.0), PersistencePair::new(0.0, f64::INFINITY)]),
//! ];
//! let land = Landscape::builder().num_landscapes(2).resolution(11).fit(&train).build().unwrap();
//! assert_eq!(land.sample_range(), (0.5, 3.0));
//! assert_eq!(land.transform_batch(&train).unwrap().dim(), (2, 22));
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

pub use curves::{BettiCurve, BettiCurveBuilder, Landscape, LandscapeBuilder};
pub use distance::{
    bottleneck, bottleneck_matching, wasserstein, wasserstein_matching, Matching, Wasserstein,
    WassersteinBuilder,
};
pub use entropy::{
    EntropyNormalization, EntropySummary, EntropySummaryBuilder, PersistenceEntropy,
    PersistenceEntropyBuilder,
};
pub use error::{Error, Result};
pub use image::{
    Grid, ImageAxis, Normalize, PersistenceImage, PersistenceImageBuilder, Weight,
    PINET_IMAGE_MIN_PERSISTENCE,
};
pub use pinet_targets::pinet_targets;
pub use silhouette::{Silhouette, SilhouetteBuilder};
pub use stat_features::StatFeatures;
pub use vectorizer::{Essential, Vectorizer};
