//! tda-nn: candle networks for topological features.
//!
//! [`SignalPiNet`] and [`ImagePiNet`] (Som et al., CVPR-W 2020) learn to
//! map raw signals or images straight to their persistence images; they are
//! trained with MSE on exact images from [`pinet_targets`] (0-dimensional
//! sublevel persistence of each channel, vectorised with the PI-Net recipe
//! by `tda-vectorize`) with [`PiNetTrainer`] (the published Adam settings
//! and step schedule, seeded shuffling, atomic safetensors checkpoints with
//! [`save_checkpoint`] / [`load_checkpoint`], resume, and transfer learning
//! that fine-tunes only [`PiNet::head_prefixes`]). Models follow candle-nn's
//! style: a plain config struct with `Default`, `new(cfg, vb)` and
//! `forward(&self, x)`; [`init_keras`] gives them seeded Keras-default
//! weights.
//!
//! The classifiers of the paper's experiments are here too: [`Mlp`],
//! [`Cnn`] (the paper's 1-D CNN by default, or 2-D for images) and the CNN
//! fused with persistence images, [`CnnPiFusion`]
//! (the MLP's fusion is a concatenation of feature matrices at its input),
//! trained with [`ClassifierTrainer`] (cross-entropy, on the same loop as
//! the PI-Net trainer) and scored with [`metrics`] (accuracy, per-class
//! and weighted F1, confusion matrices, as scikit-learn computes them);
//! [`stat_features`] computes the paper's 19 statistical features of
//! accelerometer frames. Both trainers step with [`Adam`], which updates
//! parameters in place on the CPU.
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
//! confusion matrix, the PI-Net targets, the batch statistical features
//! and the pooling helpers). Inputs of the wrong shape, dtype or device are
//! [`Error::Shape`] / [`Error::Incompatible`]; NaN or infinite values in
//! what the trainers, `forward` and the host-array functions take are
//! [`Error::NonFinite`] naming the index, and a training loss that becomes
//! NaN or infinite stops training with [`Error::Diverged`].
//!
//! ```
//! use candle_core::{DType, Device, Tensor};
//! use candle_nn::{VarBuilder, VarMap};
//! use tda_nn::{SignalPiNet, SignalPiNetConfig};
//! let cfg = SignalPiNetConfig { length: 20, channels: 2, filters: vec![4, 4, 4, 8], kernel: 3, resolution: 5 };
//! let vars = VarMap::new();
//! let net = SignalPiNet::new(cfg, VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu)).unwrap();
//! let x = Tensor::zeros((7, 2, 20), DType::F32, &Device::Cpu).unwrap();
//! assert_eq!(net.forward(&x).unwrap().dims(), &[7, 2, 5, 5]);
//! ```

#![warn(missing_docs)]

mod adam;
mod checkpoint;
mod classifier_trainer;
mod classify;
mod cnn;
mod conv;
mod deconv;
mod device;
mod dropout;
mod encoder;
mod error;
mod finite;
mod init;
pub mod metrics;
mod pinet;
pub mod pool;
mod rng;
mod size;
pub mod stat_features;
mod targets;
mod train;

pub use adam::Adam;
pub use checkpoint::{copy_weights, load_checkpoint, save_checkpoint};
pub use classifier_trainer::ClassifierTrainer;
pub use classify::{Classifier, Mlp, MlpConfig};
pub use cnn::{Cnn, CnnConfig, CnnInput, CnnPiFusion, CnnPiFusionConfig};
pub use device::device;
pub use error::{Error, Result};
pub use init::init_keras;
pub use pinet::{
    ImagePiNet, ImagePiNetConfig, PiNet, SignalPiNet, SignalPiNetConfig, MAX_IMAGE_RESOLUTION,
};
pub use targets::pinet_targets;
pub use train::{EpochLog, PiNetTrainer, TrainConfig};
