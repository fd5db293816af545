//! tda-emph: exact multi-parameter persistent homology of time series
//! (EMPH; Kim & Jung, "Exact multi-parameter persistent homology of
//! time-series data: fast and variable topological inferences", arXiv
//! 2211.03337).
//!
//! A series `x_0..x_{N-1}` sampled over one period is a sum of Fourier
//! modes `r_k cos(k t + phi_k)`; mode `k` traces a circle of radius
//! `r_k = 2 |X_k| / N` ([`FourierModes`]), and the series' Liouville torus
//! is the product of these circles with the max metric. Filtering circle
//! `k` at its own scale `e_k` gives a K-parameter persistence module; along
//! a [`Ray`] (or a monotone [`Curve`]) through the scale space it restricts
//! to a one-parameter module whose barcode is known in closed form: the
//! Vietoris–Rips barcode of a circle ([`circle_bar`]: `[0, inf)` in degree
//! 0, `[0, sqrt(3) r)` in degree 1, one bar in every odd degree), mapped
//! along the path, combined over the circles by the persistent Künneth
//! formula ([`barcode`], any degree). So an exact barcode costs one FFT and
//! `O(K)` arithmetic for H1, instead of a sliding-window Vietoris–Rips
//! computation. The derivation, with worked examples, is in `docs/emph.md`.
//!
//! ```
//! use tda_emph::{barcode, FourierModes, Ray};
//! let n = 100;
//! let f: Vec<f64> = (0..n)
//!     .map(|i| {
//!         let t = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
//!         t.cos() + 2.0 * (2.0 * t).cos()
//!     })
//!     .collect();
//! let modes = FourierModes::from_signal(&f, 2).unwrap();
//! let h1 = barcode(&modes, &Ray::diagonal(2).unwrap(), 1).unwrap();
//! // H1 = {[0, sqrt(3)), [0, 2 sqrt(3))}.
//! assert_eq!(h1.len(), 2);
//! assert!((h1.pairs[1].death - 2.0 * 3f64.sqrt()).abs() < 1e-12);
//! ```

#![warn(missing_docs)]
#![warn(clippy::missing_errors_doc)]

mod barcode;
mod batch;
mod circle;
mod error;
mod modes;
mod path;
mod scaled;
mod search;

pub use barcode::{barcode, collection_barcode, product_barcode, MAX_BARS, MAX_DIM, MAX_STEPS};
pub use batch::{barcode_batch, features, modes_batch};
pub use circle::{circle_bar, MAX_CIRCLE_DIM};
pub use error::{Error, Result};
pub use modes::{FourierModes, ModesPlanner};
pub use path::{Curve, FiltrationPath, Ray, RayCollection};
pub use search::{random_rays, search_rays};
