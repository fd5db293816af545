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
//!
//! # Diagrams as data
//!
//! A [`Diagram`] prints as a readable list of bars (`Display`: `H0: 3 bars`,
//! then `  [0, inf)` per bar), converts to and from an `(n, 2)` array of
//! rows `[birth, death]` ([`Diagram::to_array`], [`Diagram::from_array`];
//! essential classes keep `f64::INFINITY`, or `f64::NEG_INFINITY` in
//! superlevel diagrams), and, with the crate feature `serde`, serializes to
//! the JSON diagram format below (`tda-io` reads and writes files of it).
//!
//! ## The JSON diagram format
//!
//! One diagram is an object with exactly two keys:
//!
//! ```json
//! {"dim": 0, "pairs": [[0.0, "inf"], [0.5, 1.25], [1.0, 2.0]]}
//! ```
//!
//! - `dim`: the homology dimension, a non-negative integer (`1.0`, `-1` or
//!   `"0"` are refused).
//! - `pairs`: a list of `[birth, death]` pairs, each value a JSON number,
//!   or the string `"inf"` / `"-inf"` for an infinite death (an essential
//!   class: `"inf"` in sublevel filtrations, `"-inf"` in superlevel ones).
//!   Births are finite. NaN (`"nan"`, or anything else) is refused.
//! - A file may hold one diagram or a list of them: `[{...}, {...}]`.
//!
//! Why strings for infinity: JSON has no infinity or NaN, and the two usual
//! escapes are worse. `null` would be ambiguous with a missing or unknown
//! value (and cannot tell `+inf` from `-inf`); a huge number such as `1e999`
//! is read as infinity by some parsers and as an error by others, and
//! `Infinity` is not JSON at all. `"inf"` and `"-inf"` are what Python's
//! `str(float("inf"))` prints and what `float("inf")` reads back, so
//! `[[b, float(d)] for b, d in pairs]` restores a diagram in Python.
//!
//! Numbers are written as serde_json writes an `f64` (the shortest text that
//! reads back to the same value, e.g. `0.1`, `1e-310`,
//! `1.7976931348623157e308`), so a diagram round-trips bit for bit.
//! Reading sorts the pairs into canonical order ([`Diagram::new`]); writing
//! keeps the diagram's order. Writing a diagram that holds NaN fails.
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use tda_persistence::{Diagram, PersistencePair};
//! let d = Diagram::new(0, vec![
//!     PersistencePair::new(0.5, 1.25),
//!     PersistencePair::new(0.0, f64::INFINITY),
//! ]);
//! let json = serde_json::to_string(&d).unwrap();
//! assert_eq!(json, r#"{"dim":0,"pairs":[[0.0,"inf"],[0.5,1.25]]}"#);
//! assert_eq!(serde_json::from_str::<Diagram>(&json).unwrap(), d);
//! # }
//! ```

#![warn(missing_docs)]
#![warn(clippy::missing_errors_doc)]

pub mod cubical;
mod diagram;
mod error;
#[cfg(feature = "serde")]
mod json;
pub mod memory;
pub mod rips;
mod sliding_window;
mod sort;
pub mod sublevel;

pub use diagram::{CriticalPair, Diagram, PersistencePair};
pub use error::{Error, Result};
pub use memory::MemoryError;
pub use rips::{Cocycle, Metric, Rips, RipsBuilder, RipsInput, RipsOutput, SparseDistances};
pub use sliding_window::SlidingWindow;
