//! Exact persistence diagrams of signals and images.
//!
//! `tda-persistence` computes the persistent homology a machine-learning
//! pipeline needs from raw data: the 0-dimensional sublevel (and superlevel)
//! persistence of 1-D signals ([`sublevel`]), the H0 and H1 persistence of
//! 2-D images on a cubical grid ([`cubical`]), and the sliding-window
//! embedding of a time series into a point cloud ([`SlidingWindow`]).
//! The Vietoris-Rips engine ([`rips::Rips`]) computes Ripser's barcodes of
//! point clouds and distance matrices.
//!
//! The math in one paragraph: a function `f` on a cell complex defines the
//! nested sublevel sets `K_t = f^{-1}(-inf, t]`; as `t` grows, homology
//! classes (components, loops) appear and disappear, and each class becomes a
//! bar `[birth, death)` of a [`Diagram`]. For H0 the elder rule decides which
//! component dies when two merge: the younger one (the one whose minimum is
//! higher). Values enter in the order `(value, index)`, so ties are broken by
//! index and every result is deterministic; zero-length bars are omitted and
//! the bars of classes that never die (essential) keep an infinite death.
//! Results equal gudhi's `CubicalComplex` and ripser's lower-star idiom.
//!
//! ```
//! use tda_persistence::sublevel;
//! let signal = [0.0, 2.0, 1.0, 3.0, -1.0, 0.5];
//! let d = sublevel::h0(&signal).unwrap();
//! for p in &d {
//!     println!("[{}, {})", p.birth, p.death);
//! }
//! // The global minimum is essential; 0 dies at 3 and 1 at 2.
//! let bars: Vec<_> = d.iter().map(|p| (p.birth, p.death)).collect();
//! assert_eq!(bars, vec![(-1.0, f64::INFINITY), (0.0, 3.0), (1.0, 2.0)]);
//! ```

#![warn(missing_docs)]
#![warn(clippy::missing_errors_doc)]

pub mod cubical;
mod diagram;
mod error;
pub mod memory;
pub mod rips;
mod sliding_window;
mod sort;
pub mod sublevel;

pub use diagram::{CriticalPair, Diagram, PersistencePair};
pub use error::{Error, Result};
pub use memory::MemoryError;
pub use rips::{Metric, Rips, RipsBuilder};
pub use sliding_window::SlidingWindow;
