//! Persistence layers: layers without weights that compute persistence
//! diagrams of their input and vectorise them, differentiable through the
//! critical values (candle has no persistence).
//!
//! Each forward pass runs the same steps: the diagrams and their critical
//! indices are computed on the host, in parallel over the curves or images
//! (rayon), and are constants of the graph; the vectorisation then depends
//! on the input through the birth and death values only, so the gradient
//! reaches the input at the critical indices. On CPU tensors of `f32` and
//! `f64` each layer is one candle custom op with its own backward pass;
//! on other devices and dtypes the values are gathered from the input
//! tensor (`index_select`) and the vectorisation written in tensor ops.
//!
//! - [`DiagramConfig`] (`diagrams.rs`): which diagram of each curve,
//!   segment or image; how the input splits into them; the critical pairs
//!   each keeps (`curve_h0.rs`: those of curves in one pass).
//! - [`LandscapeLayer`] (`landscape.rs`): the Persistent CNN's
//!   persistence landscapes; `selection.rs` chooses the tents, `fused.rs`
//!   holds the CPU op.
//! - [`PersistenceImageLayer`] (`image.rs`): exact persistence images; the
//!   CPU op in `image_kernel.rs` (its per-pair loops in `window.rs`), the
//!   pixel masses in `fused.rs`.
//! - `input.rs`: the finiteness checks and the index tensors both use.

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
