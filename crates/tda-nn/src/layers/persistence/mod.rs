//! Persistence layers: layers without weights that compute persistence
//! diagrams of their input and vectorise them, differentiable through the
//! critical values (candle has no persistence).
//!
//! Each forward pass runs the same three steps: the diagrams and their
//! critical indices are computed on the host, in parallel over the curves
//! or images (rayon), and are constants of the graph; the birth and death
//! values are gathered from the input tensor (`index_select`), so on any
//! device the gradient reaches the input at the critical indices; the
//! vectorisation is written in tensor ops over pairs padded to a common
//! count with a mask.
//!
//! - [`DiagramConfig`] (`diagrams.rs`): which diagram of each curve,
//!   segment or image; how the input splits into them; the critical pairs
//!   each keeps.
//! - [`LandscapeLayer`] (`landscape.rs`): the Persistent CNN's
//!   persistence landscapes.
//! - [`PersistenceImageLayer`] (`image.rs`): exact persistence images.
//! - `input.rs`: the finite host copy and the index tensors both use.

mod curve_h0;
mod diagrams;
mod fused;
mod image;
mod image_kernel;
mod input;
mod landscape;
mod selection;
mod window;

pub use diagrams::{DiagramConfig, EssentialPolicy, Filtration};
pub use image::PersistenceImageLayer;
pub use landscape::{LandscapeConfig, LandscapeLayer};
