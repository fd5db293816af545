//! Training, one concept per file: the configuration the trainers share
//! (`config.rs`, [`TrainConfig`]), the shared loop in named steps
//! (`fit.rs`: stages, shuffled batches, validation by a loss or a score,
//! early stop, the best epoch's weights, the per-epoch callback,
//! batch-norm settling), the PI-Net trainer (MSE, `pinet_trainer.rs`),
//! the classifier trainer (cross-entropy, `classifier_trainer.rs`), the
//! Persistent CNN's multi-label tagger trainer (clipped binary
//! cross-entropy with Adagrad, best epoch by validation mean ROC-AUC,
//! `tagger_trainer.rs`), the in-place [`Adam`] (`adam.rs`) and
//! [`Adagrad`] (`adagrad.rs`), and safetensors checkpoints written
//! atomically through `tda-io` (`checkpoint.rs`).
//!
//! Nothing here prints: [`PiNetTrainer::fit_with`],
//! [`ClassifierTrainer::fit_with`] and [`TaggerTrainer::fit_with`] report
//! each epoch's [`EpochLog`] to a callback of the caller's, which may draw
//! a progress bar or stop training early.

mod adagrad;
mod adam;
pub(crate) mod checkpoint;
mod classifier_trainer;
mod config;
mod fit;
mod pinet_trainer;
mod tagger_trainer;

pub use adagrad::{Adagrad, ParamsAdagrad};
pub use adam::Adam;
pub use checkpoint::{copy_weights, load_checkpoint, load_checkpoint_bytes, save_checkpoint};
pub use classifier_trainer::ClassifierTrainer;
pub use config::TrainConfig;
pub use fit::EpochLog;
pub use pinet_trainer::PiNetTrainer;
pub use tagger_trainer::{clipped_binary_cross_entropy, TaggerTrainer, CLIP};
