//! `tda pinet train | predict`: the Signal PI-Net (Som et al. 2020), a
//! network that maps signals straight to the persistence images of their
//! channels, trained with MSE on the exact images (the PI-Net recipe,
//! `tda_vectorize::pinet_targets` with `PersistenceImage::pinet_signal`).
//!
//! The checkpoint is tda-nn's: safetensors holding the weights only (and
//! the epochs trained), as the Python `tda_pinet.pinet.SignalPiNet` reads
//! it. The configuration is read back from the weights' shapes: channels,
//! filters and kernel from the convolutions, the resolution from the dense
//! layer; the signal length is not in the weights (the encoder ends with
//! global average pooling) and comes from the data.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use clap::{Args, Subcommand};
use ndarray::{Array3, Array4, Axis, Ix3, Ix4};
use tda_nn::{
    init_keras, load_checkpoint, pinet_targets_tensor, PiNetTrainer, SignalPiNet,
    SignalPiNetConfig, TrainConfig,
};
use tda_vectorize::PersistenceImage;

use crate::error::{Error, Result};
use crate::files::read_array;
use crate::progress::Report;

/// `tda pinet`.
#[derive(Debug, Args)]
pub struct PinetArgs {
    #[command(subcommand)]
    command: PinetCommand,
}

/// `tda pinet train | predict`.
#[derive(Debug, Subcommand)]
enum PinetCommand {
    /// Trains a Signal PI-Net on the exact persistence images of the data's
    /// channels (MSE) and writes its checkpoint.
    Train(TrainArgs),
    /// The persistence images a trained Signal PI-Net predicts, as a
    /// float32 .npy `(n, channels, resolution, resolution)`.
    Predict(PredictArgs),
}

impl PinetArgs {
    pub(super) fn run(&self, report: Report) -> Result<()> {
        match &self.command {
            PinetCommand::Train(a) => a.run(report),
            PinetCommand::Predict(a) => a.run(report),
        }
    }
}

/// `tda pinet train`.
#[derive(Debug, Args)]
struct TrainArgs {
    /// Signals `(n, channels, length)`: a .ts archive or a 3-D .npy (a 2-D
    /// one is n signals of one channel).
    data: PathBuf,
    /// The checkpoint (safetensors), written atomically after every epoch.
    #[arg(short, long)]
    output: PathBuf,
    /// Epochs in all (with --resume: counting those the checkpoint records).
    #[arg(long, default_value_t = 30)]
    epochs: usize,
    /// Adam's learning rate (beta1 0.99, epsilon 0.1: PI-Net's published
    /// settings).
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    lr: f64,
    /// Samples per batch.
    #[arg(long, default_value_t = 128)]
    batch_size: usize,
    /// Seed of the initial weights and of the shuffling of each epoch.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Filters of the convolution blocks, comma-separated (the paper's
    /// network: 128,256,512,1024).
    #[arg(long, value_delimiter = ',', default_values_t = [128, 256, 512, 1024])]
    filters: Vec<usize>,
    /// Kernel width of the convolutions.
    #[arg(long, default_value_t = 3)]
    kernel: usize,
    /// Side of the persistence images (the recipe's 50: sigma 0.25, births
    /// in [-10, 10]).
    #[arg(long, default_value_t = 50)]
    resolution: usize,
    /// A validation set (same channels and length): its MSE is reported
    /// after every epoch.
    #[arg(long, value_name = "FILE")]
    val: Option<PathBuf>,
    /// Continue from this checkpoint, from the epoch it records (the
    /// network's configuration is read from it; the shuffling is that of
    /// an uninterrupted run, Adam's moments start afresh).
    #[arg(long, value_name = "CHECKPOINT")]
    resume: Option<PathBuf>,
}

/// `tda pinet predict`.
#[derive(Debug, Args)]
struct PredictArgs {
    /// A checkpoint written by `tda pinet train`.
    model: PathBuf,
    /// Signals `(n, channels, length)`, as for `train`.
    data: PathBuf,
    /// The predicted images, a float32 .npy `(n, channels, resolution,
    /// resolution)`: sample, channel, then the image in the layout of the
    /// targets (persistence rows, birth columns).
    #[arg(short, long)]
    output: PathBuf,
}

/// Signals per forward pass of `predict` (inference is per sample: the
/// batch size changes the memory, not the images).
const PREDICT_BATCH: usize = 256;

/// An error of the network about the file `path`; errors that name their
/// own file (checkpoints) keep just that name.
fn nn_error(path: &Path, e: tda_nn::Error) -> Error {
    match e {
        tda_nn::Error::Checkpoint { path, name, reason } => Error::Input {
            path,
            problem: format!("tensor `{name}`: {reason}"),
        },
        tda_nn::Error::Io { path, source } => Error::Input {
            path,
            problem: source.to_string(),
        },
        tda_nn::Error::Candle(c) => Error::Input {
            path: path.to_path_buf(),
            problem: one_line(&c.to_string()),
        },
        source => Error::Nn {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// `s` on one line.
fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The signals of `path` as `(n, channels, length)`.
fn read_signals(path: &Path) -> Result<Array3<f64>> {
    let data = read_array(path)?;
    let data = if data.ndim() == 2 {
        data.insert_axis(Axis(1))
    } else {
        data
    };
    let shape = data.shape().to_vec();
    let signals = data
        .into_dimensionality::<Ix3>()
        .map_err(|_| Error::Input {
            path: path.to_path_buf(),
            problem: format!("signals are a (n, channels, length) array, got shape {shape:?}"),
        })?;
    if signals.is_empty() {
        return Err(Error::Input {
            path: path.to_path_buf(),
            problem: format!("no signals: shape {shape:?}"),
        });
    }
    if let Some(i) = signals.iter().position(|v| !v.is_finite()) {
        let (c, l) = (shape[1], shape[2]);
        return Err(Error::Input {
            path: path.to_path_buf(),
            problem: format!(
                "signal {}, channel {}, sample {}: not a finite number",
                i / (c * l),
                (i / l) % c,
                i % l
            ),
        });
    }
    Ok(signals)
}

/// The signals as an f32 tensor.
fn signals_tensor(path: &Path, signals: &Array3<f64>) -> Result<Tensor> {
    tda_nn::tensor::to_tensor(&signals.mapv(|v| v as f32), &Device::Cpu)
        .map_err(|e| nn_error(path, e))
}

/// The PI-Net recipe for signals at `resolution` pixels a side: the
/// library's preset with only the resolution changed.
fn recipe(resolution: usize) -> std::result::Result<PersistenceImage, tda_vectorize::Error> {
    let preset = PersistenceImage::pinet_signal();
    if preset.resolution() == (resolution, resolution) {
        return Ok(preset);
    }
    let (b0, b1) = preset.birth_range();
    let (p0, p1) = preset.pers_range();
    let mut builder = PersistenceImage::builder()
        .grid(preset.grid())
        .birth_range(b0, b1)
        .pers_range(p0, p1)
        .resolution(resolution, resolution)
        .sigma(preset.sigma())
        .weight(preset.weight())
        .essential(preset.essential())
        .normalize(preset.normalize());
    if let Some(t) = preset.min_persistence() {
        builder = builder.min_persistence(t);
    }
    builder.build()
}

/// A Signal PI-Net with fresh variables in `vars` (float32, CPU).
fn network(cfg: SignalPiNetConfig, vars: &VarMap, path: &Path) -> Result<SignalPiNet> {
    SignalPiNet::new(cfg, VarBuilder::from_varmap(vars, DType::F32, &Device::Cpu))
        .map_err(|e| nn_error(path, e))
}

/// Channels, filters, kernel and resolution of the Signal PI-Net whose
/// checkpoint is `path`, from the shapes of its weights.
fn config_of(path: &Path, length: usize) -> Result<SignalPiNetConfig> {
    let bad = |problem: String| Error::Input {
        path: path.to_path_buf(),
        problem,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).map_err(|e| {
        bad(format!(
            "not a safetensors checkpoint: {}",
            one_line(&e.to_string())
        ))
    })?;
    let tensors = meta.tensors();
    let shape = |name: &str| tensors.get(name).map(|t| t.shape.clone());
    if tensors.keys().any(|k| k.starts_with("deconv.")) {
        return Err(bad(
            "an Image PI-Net checkpoint: only the Signal PI-Net is supported".into(),
        ));
    }
    let mut filters = Vec::new();
    let (mut channels, mut kernel) = (0, 0);
    while let Some(s) = shape(&format!("encoder.block{}.conv.weight", filters.len())) {
        if s.len() != 3 {
            return Err(bad(format!(
                "tensor `encoder.block{}.conv.weight` has shape {s:?}, not that of a 1-D convolution",
                filters.len()
            )));
        }
        if filters.is_empty() {
            (channels, kernel) = (s[1], s[2]);
        }
        filters.push(s[0]);
    }
    let dense = shape("dense.weight");
    let (Some(&last), Some(dense)) = (filters.last(), dense) else {
        return Err(bad(
            "not a Signal PI-Net checkpoint (no `encoder.block0.conv.weight` or `dense.weight`)"
                .into(),
        ));
    };
    let units = dense.first().copied().unwrap_or(0);
    let side = (1..=units).take_while(|r| r * r * channels <= units).last();
    let resolution = match side {
        Some(r) if r * r * channels == units && dense.get(1) == Some(&last) => r,
        _ => {
            return Err(bad(format!(
                "tensor `dense.weight` has shape {dense:?}, not (channels x resolution^2, {last})"
            )))
        }
    };
    Ok(SignalPiNetConfig {
        length,
        channels,
        filters,
        kernel,
        resolution,
    })
}

impl TrainArgs {
    fn run(&self, report: Report) -> Result<()> {
        let option = |problem: String| Error::Input {
            path: self.data.clone(),
            problem,
        };
        if self.epochs == 0 {
            return Err(option("--epochs must be at least 1".into()));
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(option(format!(
                "--lr must be finite and > 0, got {}",
                self.lr
            )));
        }
        if self.batch_size == 0 {
            return Err(option("--batch-size must be at least 1".into()));
        }
        let signals = read_signals(&self.data)?;
        let (_, channels, length) = signals.dim();
        let cfg = match &self.resume {
            Some(ckpt) => config_of(ckpt, length)?,
            None => SignalPiNetConfig {
                length,
                channels,
                filters: self.filters.clone(),
                kernel: self.kernel,
                resolution: self.resolution,
            },
        };
        if cfg.channels != channels {
            return Err(option(format!(
                "{channels} channels, the checkpoint's network takes {}",
                cfg.channels
            )));
        }
        let resolution = cfg.resolution;
        let vars = VarMap::new();
        let net = network(cfg, &vars, &self.data)?;
        let image = recipe(resolution).map_err(|source| Error::Vectorize {
            path: self.data.clone(),
            source,
        })?;
        init_keras(&vars, self.seed).map_err(|e| nn_error(&self.data, e))?;

        let stage = report.stage("exact targets", signals.dim().0, "signals");
        let targets = |path: &Path, s: &Array3<f64>| {
            pinet_targets_tensor(s.view(), &image, &Device::Cpu).map_err(|e| nn_error(path, e))
        };
        let (x, y) = (
            signals_tensor(&self.data, &signals)?,
            targets(&self.data, &signals)?,
        );
        stage.inc(signals.dim().0 as u64);
        stage.finish();
        let val = match &self.val {
            Some(path) => {
                let v = read_signals(path)?;
                if v.dim().1 != channels || v.dim().2 != length {
                    return Err(Error::Input {
                        path: path.clone(),
                        problem: format!(
                            "{} channels of {} samples, the training data has {channels} of {length}",
                            v.dim().1,
                            v.dim().2
                        ),
                    });
                }
                Some((signals_tensor(path, &v)?, targets(path, &v)?))
            }
            None => None,
        };

        let trainer = PiNetTrainer::new(TrainConfig {
            schedule: vec![(self.lr, self.epochs)],
            batch_size: self.batch_size,
            seed: self.seed,
            checkpoint: Some(self.output.clone()),
            ..TrainConfig::default()
        })
        .map_err(|e| option(e.to_string()))?;
        let done = match &self.resume {
            Some(ckpt) => load_checkpoint(&vars, ckpt)
                .map_err(|e| nn_error(ckpt, e))?
                .unwrap_or(0),
            None => 0,
        };
        if done >= self.epochs {
            return Err(option(format!(
                "--epochs {}: the checkpoint already records {done} epochs",
                self.epochs
            )));
        }
        // Piped, a line per epoch (with the losses) is the progress.
        let bar = if report == Report::Lines {
            Report::Quiet
        } else {
            report
        };
        let stage = bar.stage("training", self.epochs - done, "epochs");
        let on_epoch = |log: &tda_nn::EpochLog| {
            stage.inc(1);
            if report == Report::Lines {
                let val = log
                    .val_loss
                    .map(|v| format!(", validation MSE {v:.4e}"))
                    .unwrap_or_default();
                eprintln!(
                    "tda: epoch {}/{}: training MSE {:.4e}{val}",
                    log.epoch, log.epochs, log.train_loss
                );
            }
            ControlFlow::Continue(())
        };
        let val = val.as_ref().map(|(vx, vy)| (vx, vy));
        let path = self.resume.as_deref().unwrap_or(&self.data);
        match &self.resume {
            Some(ckpt) => trainer.resume_with(&net, &vars, ckpt, &x, &y, val, on_epoch),
            None => trainer.fit_with(&net, &vars, &x, &y, val, on_epoch),
        }
        .map_err(|e| nn_error(path, e))?;
        stage.finish();
        Ok(())
    }
}

impl PredictArgs {
    fn run(&self, report: Report) -> Result<()> {
        super::emph::check_npy(&self.output)?;
        let signals = read_signals(&self.data)?;
        let (n, channels, length) = signals.dim();
        let cfg = config_of(&self.model, length)?;
        if cfg.channels != channels {
            return Err(Error::Input {
                path: self.data.clone(),
                problem: format!(
                    "{channels} channels, the network of {} takes {}",
                    self.model.display(),
                    cfg.channels
                ),
            });
        }
        let vars = VarMap::new();
        let net = network(cfg, &vars, &self.model)?;
        load_checkpoint(&vars, &self.model).map_err(|e| nn_error(&self.model, e))?;
        let r = net.config().resolution;
        let mut images = Array4::<f32>::zeros((n, channels, r, r));
        let stage = report.stage("PI-Net predictions", n, "signals");
        for (chunk, mut out) in signals
            .axis_chunks_iter(Axis(0), PREDICT_BATCH)
            .zip(images.axis_chunks_iter_mut(Axis(0), PREDICT_BATCH))
        {
            let x = signals_tensor(&self.data, &chunk.to_owned())?;
            let y = net.infer(&x).map_err(|e| nn_error(&self.data, e))?;
            let y: Array4<f32> =
                tda_nn::tensor::to_array::<f32, Ix4>(&y).map_err(|e| nn_error(&self.data, e))?;
            out.assign(&y);
            stage.inc(chunk.len_of(Axis(0)) as u64);
        }
        stage.finish();
        Ok(tda_io::npy::write_npy(&self.output, &images)?)
    }
}
