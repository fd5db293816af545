//! Layers, one per file, each a candle [`Module`](candle_core::Module) (or
//! [`ModuleT`](candle_core::ModuleT) where training and inference differ),
//! so they compose with candle's own layers (`candle_nn::seq()`,
//! `x.apply(&layer)`). Each replaces a candle piece for a reason its module
//! documentation states (a missing or slow backward pass, an unseeded
//! generator) and keeps candle's variable names, so checkpoints are
//! unchanged.
//!
//! - [`SameConv`] (`conv.rs`): "same" 1-D/2-D convolutions as one matrix
//!   product over shifted views.
//! - [`SameDeconv`] (`deconv.rs`): the Image PI-Net's transposed
//!   convolution as one matrix product.
//! - [`MaxPoolSame`], [`max_pool_same`], [`pad_same`] (`pool.rs`):
//!   overlapping "same" max-pooling with a backward pass, and the zero
//!   padding of the convolutions; [`max_pool_ceil`], the Persistent CNN's
//!   non-overlapping pooling whose last partial window counts.
//! - [`LandscapeLayer`], [`PersistenceImageLayer`], [`DiagramConfig`]
//!   (`persistence/`): persistence landscapes (the Persistent CNN's
//!   layer) and exact persistence images of the diagrams of curves,
//!   segments or images, differentiable through the critical values
//!   (candle has no persistence).
//! - [`SeededDropout`] (`dropout.rs`): dropout whose masks depend on a seed.
//! - [`keras_batch_norm`] (`batch_norm.rs`): candle's batch norm configured
//!   as Keras configures it.
//! - [`init_keras`] (`init.rs`): seeded Keras-default initial weights for
//!   every variable of a model.
//!
//! The inherent `forward` of each layer returns this crate's typed
//! [`Error`](crate::Error); the trait methods return it as candle's error.

mod batch_norm;
mod conv;
mod deconv;
mod dropout;
mod init;
mod persistence;
pub mod pool;

pub use batch_norm::{keras_batch_norm, keras_batch_norm_config};
pub use conv::SameConv;
pub use deconv::SameDeconv;
pub use dropout::SeededDropout;
pub use init::init_keras;
pub use persistence::{
    DiagramConfig, EssentialPolicy, Filtration, LandscapeConfig, LandscapeLayer,
    PersistenceImageLayer,
};
pub use pool::{max_pool_ceil, max_pool_same, pad_same, MaxPoolSame};
