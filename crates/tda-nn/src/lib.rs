//! tda-nn: candle networks for topological features.
//!
//! [`SignalPiNet`] and [`ImagePiNet`] (Som et al., CVPR-W 2020) learn to
//! map raw signals or images straight to their persistence images; they are
//! trained with MSE on exact images (0-dimensional sublevel persistence of
//! each channel, vectorised with the PI-Net recipe:
//! [`tda_vectorize::pinet_targets`], as a tensor with
//! [`pinet_targets_tensor`]) by [`PiNetTrainer`] (the published Adam
//! settings and step schedule, seeded shuffling, atomic safetensors
//! checkpoints with [`save_checkpoint`] / [`load_checkpoint`], resume, and
//! transfer learning that fine-tunes only [`PiNet::head_prefixes`]). The
//! classifiers of the paper's experiments are here too: [`Mlp`], [`Cnn`]
//! (the paper's 1-D CNN by default, or 2-D for images) and the CNN fused
//! with persistence images, [`CnnPiFusion`] (the MLP's fusion is a
//! concatenation of feature matrices at its input), trained with
//! [`ClassifierTrainer`] (cross-entropy, on the same loop) and scored with
//! [`metrics`] (accuracy, per-class and weighted F1, confusion matrices,
//! per-label ROC-AUC, as scikit-learn computes them). The Persistent CNN
//! (Liu, Jeng & Yang 2016), [`PersistentCnn`], tags music clips from
//! log-mel spectrograms with the persistence landscapes of its early
//! convolution's activations ([`LandscapeLayer`]), as FCN, P-FCN or
//! PC-FCN ([`Branches`]); [`TaggerTrainer`] trains it as the authors do
//! (clipped binary cross-entropy, [`Adagrad`], the best epoch by
//! validation mean ROC-AUC, [`TrainConfig::persistent_cnn`]). What needs no candle
//! lives in `tda-vectorize`: the PI-Net targets as an array, and the
//! paper's 19 statistical features of accelerometer frames
//! ([`tda_vectorize::StatFeatures`]).
//!
//! Layout, one concept per folder:
//! - [`layers`]: convolutions, the transposed convolution, pooling,
//!   seeded dropout, Keras batch norm, seeded Keras initialisation
//!   ([`init_keras`]), the Persistent CNN's landscape layer
//!   ([`LandscapeLayer`]);
//! - [`models`]: the PI-Nets on a shared encoder, the MLP, the CNN, the
//!   fusion, behind the [`PiNet`] and [`Classifier`] traits, and the
//!   Persistent CNN tagger;
//! - [`train`]: [`TrainConfig`], the shared loop, the three trainers,
//!   [`Adam`] and [`Adagrad`] (in place on the CPU), checkpoints;
//! - [`tensor`]: ndarray arrays to tensors and back ([`tensor::to_tensor`],
//!   [`tensor::to_array`]);
//! - [`metrics`]; input checks (shapes, values, memory) in a private
//!   `validate` module.
//!
//! Models and layers are candle modules: every model but the fusion (two
//! inputs) is a [`candle_core::ModuleT`] (`x.apply_t(&net, train)`, where
//! `train` selects batch statistics and dropout), every layer a
//! [`candle_core::Module`] or `ModuleT`, so they compose with
//! `candle_nn::seq()`. The trait methods are differentiable. Each model
//! also has inherent methods returning this crate's typed [`Error`]:
//! `forward_t` (differentiable, the same pass) and `infer` (inference mode,
//! values checked, output detached from the autograd graph, for images or
//! logits used downstream).
//!
//! The math in one paragraph: a persistence image is a smooth, fixed-size
//! summary of a persistence diagram (a Gaussian per pair, weighted by its
//! persistence, integrated over pixels); computing it exactly costs a
//! persistence computation per channel, while the network costs one forward
//! pass, is differentiable, and batches on a GPU.
//!
//! Sizes and values: every model's `new` estimates its parameters and one
//! sample's activations, and every forward pass its batch's activations,
//! in checked arithmetic, and refuses with [`Error::TooLarge`] what is over
//! [`tda_persistence::memory::limit`] before candle allocates (so do the
//! layers, the confusion matrix and the pooling helpers). Inputs of the
//! wrong shape, dtype or device are [`Error::Shape`] /
//! [`Error::Incompatible`]; NaN or infinite values in what the trainers and
//! `infer` take are [`Error::NonFinite`] naming the index, and a training
//! loss that becomes NaN or infinite stops training with
//! [`Error::Diverged`]. Nothing here prints: the trainers report each
//! epoch to a callback of the caller's ([`PiNetTrainer::fit_with`]).
//!
//! ```
//! use candle_core::{DType, Device, ModuleT, Tensor};
//! use candle_nn::{VarBuilder, VarMap};
//! use tda_nn::{init_keras, SignalPiNet, SignalPiNetConfig};
//! let cfg = SignalPiNetConfig { length: 20, channels: 2, filters: vec![4, 4, 4, 8], kernel: 3, resolution: 5 };
//! let vars = VarMap::new();
//! let net = SignalPiNet::new(cfg, VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu)).unwrap();
//! init_keras(&vars, 0).unwrap();
//! let x = Tensor::zeros((7, 2, 20), DType::F32, &Device::Cpu).unwrap();
//! // A candle module: differentiable, training or inference mode.
//! let images = x.apply_t(&net, false).unwrap();
//! assert_eq!(images.dims(), &[7, 2, 5, 5]);
//! // Inference with the values checked, detached from the graph.
//! assert_eq!(net.infer(&x).unwrap().dims(), images.dims());
//! ```

#![warn(missing_docs)]

mod device;
mod error;
pub mod layers;
pub mod metrics;
pub mod models;
mod targets;
pub mod tensor;
pub mod train;
mod validate;

pub use device::device;
pub use error::{Error, Result};
pub use layers::{
    init_keras, max_pool_ceil, pool, DiagramConfig, EssentialPolicy, Filtration, LandscapeConfig,
    LandscapeLayer, PersistenceImageLayer,
};
pub use models::{
    Branches, Classifier, Cnn, CnnConfig, CnnInput, CnnPiFusion, CnnPiFusionConfig, FusionInput,
    ImagePiNet, ImagePiNetConfig, Mlp, MlpConfig, PersistentCnn, PersistentCnnConfig, PiNet,
    Samples, SignalPiNet, SignalPiNetConfig, MAX_IMAGE_RESOLUTION,
};
pub use targets::pinet_targets_tensor;
pub use train::{
    copy_weights, load_checkpoint, save_checkpoint, Adagrad, Adam, ClassifierTrainer, EpochLog,
    PiNetTrainer, TaggerTrainer, TrainConfig,
};
