//! The networks, one per file: the PI-Nets (`pinet.rs`, on the shared
//! convolutional encoder of `encoder.rs`), and the classifiers of PI-Net's
//! experiments behind the [`Classifier`] trait: the MLP (`mlp.rs`), the
//! 1-D or 2-D CNN (`cnn.rs`) and the CNN fused with persistence images
//! (`fusion.rs`); and the Persistent CNN for music auto-tagging
//! (`persistent_cnn.rs`: FCN, P-FCN and PC-FCN, multi-label).
//!
//! Every model but the fusion (two inputs) is a candle
//! [`ModuleT`](candle_core::ModuleT): `x.apply_t(&net, train)` runs its
//! differentiable forward pass. Each model also has inherent methods that
//! return this crate's typed [`Error`](crate::Error): `forward_t`
//! (differentiable, shapes checked) and `infer` (inference mode, values
//! checked, output detached from the autograd graph).

mod classifier;
mod cnn;
mod encoder;
mod fusion;
mod mlp;
mod persistent_cnn;
mod pinet;

pub use classifier::{Classifier, Samples};
pub use cnn::{Cnn, CnnConfig, CnnInput};
pub use fusion::{CnnPiFusion, CnnPiFusionConfig, FusionInput};
pub use mlp::{Mlp, MlpConfig};
pub use persistent_cnn::{Branches, PersistentCnn, PersistentCnnConfig};
pub use pinet::{
    ImagePiNet, ImagePiNetConfig, PiNet, SignalPiNet, SignalPiNetConfig, MAX_IMAGE_RESOLUTION,
};
