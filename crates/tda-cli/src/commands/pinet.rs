//! `tda pinet train | predict`: PI-Net (Som et al. 2020), a network that
//! maps signals (Signal PI-Net) or images (Image PI-Net, `--image`)
//! straight to the persistence images of their channels, trained with MSE
//! on the exact images (the PI-Net recipe: `tda_vectorize::pinet_targets`
//! with `PersistenceImage::pinet_signal` or `pinet_image`).
//!
//! The checkpoint is tda-nn's: safetensors holding the weights only (and
//! the epochs trained), as the Python `tda_pinet.pinet` classes read it.
//! The configuration is read back from the weights' shapes: the kind of
//! network (an Image PI-Net has a transposed convolution, `deconv.*`),
//! channels, filters and kernel from the convolutions, the resolution from
//! the dense layer. The signal length or image size is not in the weights
//! (the encoder ends with global average pooling) and comes from the data.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use clap::{Args, Subcommand};
use ndarray::{Array4, ArrayD, Axis, Ix4, IxDyn};
use tda_nn::{
    init_keras, load_checkpoint, pinet_targets_tensor, ImagePiNet, ImagePiNetConfig, PiNet,
    PiNetTrainer, SignalPiNet, SignalPiNetConfig, TrainConfig,
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
    /// Trains a Signal (or Image) PI-Net on the exact persistence images of
    /// the data's channels (MSE) and writes its checkpoint.
    Train(TrainArgs),
    /// The persistence images a trained PI-Net predicts, as a float32 .npy
    /// `(n, channels, resolution, resolution)`.
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

/// The paper's filters, the default of `--filters`.
const PAPER_FILTERS: [usize; 4] = [128, 256, 512, 1024];

/// `tda pinet train`.
#[derive(Debug, Args)]
struct TrainArgs {
    /// Signals `(n, channels, length)`: a .ts archive or a 3-D .npy (a 2-D
    /// one is n signals of one channel); with --image, images `(n, height,
    /// width, channels)` with values in [0, 1] (a 3-D .npy is n images of
    /// one channel).
    data: PathBuf,
    /// The checkpoint (safetensors), written atomically after every epoch.
    #[arg(short, long)]
    output: PathBuf,
    /// Train an Image PI-Net on images (the recipe: sublevel H0 of each
    /// channel flattened row-major, bars of one 8-bit grey level dropped,
    /// sigma 0.05, births in [0, 1]).
    #[arg(long, conflicts_with = "resume")]
    image: bool,
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
    /// Filters of the convolution blocks, comma-separated [default:
    /// 128,256,512,1024, the paper's network].
    #[arg(long, value_delimiter = ',', conflicts_with = "resume")]
    filters: Option<Vec<usize>>,
    /// Kernel width of the convolutions [default: 3].
    #[arg(long, conflicts_with = "resume")]
    kernel: Option<usize>,
    /// Side of the persistence images [default: 50, the recipe's].
    #[arg(long, conflicts_with = "resume")]
    resolution: Option<usize>,
    /// A validation set (same channels, length or size): its MSE is
    /// reported after every epoch.
    #[arg(long, value_name = "FILE")]
    val: Option<PathBuf>,
    /// Continue from this checkpoint, from the epoch it records (the
    /// network is read from it; the shuffling is that of an uninterrupted
    /// run, Adam's moments start afresh).
    #[arg(long, value_name = "CHECKPOINT")]
    resume: Option<PathBuf>,
}

/// `tda pinet predict`.
#[derive(Debug, Args)]
struct PredictArgs {
    /// A checkpoint written by `tda pinet train`.
    model: PathBuf,
    /// Signals, or images for an Image PI-Net, as for `train`.
    data: PathBuf,
    /// The predicted images, a float32 .npy `(n, channels, resolution,
    /// resolution)`: sample, channel, then the image in the layout of the
    /// targets (persistence rows, birth columns).
    #[arg(short, long)]
    output: PathBuf,
}

/// Signals or images per forward pass of `predict` (inference is per
/// sample: the batch size changes the memory, not the images).
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

/// Which PI-Net, and its sizes (all but the input's length or size).
#[derive(Debug, Clone, PartialEq)]
struct Arch {
    image: bool,
    channels: usize,
    filters: Vec<usize>,
    kernel: usize,
    resolution: usize,
}

/// The network of an [`Arch`] for inputs of `spatial` size.
enum Net {
    Signal(SignalPiNet),
    Image(ImagePiNet),
}

impl Net {
    /// The network with fresh variables in `vars` (float32, CPU), for
    /// inputs whose trailing dimensions are `spatial` (length, or height
    /// and width).
    fn new(arch: &Arch, spatial: &[usize], vars: &VarMap, path: &Path) -> Result<Self> {
        let vb = VarBuilder::from_varmap(vars, DType::F32, &Device::Cpu);
        let net = match *spatial {
            [length] if !arch.image => SignalPiNet::new(
                SignalPiNetConfig {
                    length,
                    channels: arch.channels,
                    filters: arch.filters.clone(),
                    kernel: arch.kernel,
                    resolution: arch.resolution,
                },
                vb,
            )
            .map(Net::Signal),
            [height, width] if arch.image => ImagePiNet::new(
                ImagePiNetConfig {
                    height,
                    width,
                    channels: arch.channels,
                    filters: arch.filters.clone(),
                    kernel: arch.kernel,
                    resolution: arch.resolution,
                },
                vb,
            )
            .map(Net::Image),
            _ => {
                return Err(Error::Input {
                    path: path.to_path_buf(),
                    problem: "the data does not fit the network (signals or images)".into(),
                })
            }
        };
        net.map_err(|e| nn_error(path, e))
    }

    fn infer(&self, x: &Tensor) -> tda_nn::Result<Tensor> {
        match self {
            Net::Signal(n) => n.infer(x),
            Net::Image(n) => n.infer(x),
        }
    }
}

/// The data of `path` in the network's layout, `(n, channels, length)` for
/// signals or `(n, channels, height, width)` for images, checked finite.
fn read_data(path: &Path, image: bool) -> Result<ArrayD<f64>> {
    let bad = |problem: String| Error::Input {
        path: path.to_path_buf(),
        problem,
    };
    let data = read_array(path)?;
    let shape = data.shape().to_vec();
    let data = match (image, data.ndim()) {
        (false, 2) | (true, 3) => data.insert_axis(Axis(shape.len())),
        (false, 3) | (true, 4) => data,
        _ => {
            return Err(bad(format!(
                "{} are a {} array, got shape {shape:?}",
                if image { "images" } else { "signals" },
                if image {
                    "(n, height, width, channels)"
                } else {
                    "(n, channels, length)"
                }
            )))
        }
    };
    // Signals: a 2-D array gained its channel axis last; move it second.
    // Images: channels last to channels second.
    let mut axes: Vec<usize> = (0..data.ndim()).collect();
    if image || shape.len() == 2 {
        let c = axes.pop().unwrap_or(1);
        axes.insert(1, c);
    }
    let data = data.permuted_axes(IxDyn(&axes));
    let data = data.as_standard_layout().into_owned();
    if data.is_empty() {
        return Err(bad(format!("no data: shape {shape:?}")));
    }
    if let Some(i) = data.iter().position(|v| !v.is_finite()) {
        let at = index_of(i, data.shape());
        let what = if image {
            format!(
                "image {}, channel {}, row {}, column {}",
                at[0], at[1], at[2], at[3]
            )
        } else {
            format!("signal {}, channel {}, sample {}", at[0], at[1], at[2])
        };
        return Err(bad(format!("{what}: not a finite number")));
    }
    Ok(data)
}

/// The multi-index of flat row-major index `i` in `shape`.
fn index_of(mut i: usize, shape: &[usize]) -> Vec<usize> {
    let mut at = vec![0; shape.len()];
    for (a, &d) in at.iter_mut().zip(shape).rev() {
        *a = i % d.max(1);
        i /= d.max(1);
    }
    at
}

/// `data` as an f32 tensor.
fn to_tensor(path: &Path, data: &ArrayD<f64>) -> Result<Tensor> {
    tda_nn::tensor::to_tensor(&data.mapv(|v| v as f32), &Device::Cpu).map_err(|e| nn_error(path, e))
}

/// The PI-Net recipe (signals, or images) at `resolution` pixels a side:
/// the library's preset with only the resolution changed.
fn recipe(
    image: bool,
    resolution: usize,
) -> std::result::Result<PersistenceImage, tda_vectorize::Error> {
    let preset = if image {
        PersistenceImage::pinet_image()
    } else {
        PersistenceImage::pinet_signal()
    };
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

/// The exact targets of `data` (network layout): each channel flattened
/// row-major, through [`tda_nn::pinet_targets_tensor`].
fn targets(path: &Path, data: &ArrayD<f64>, image: &PersistenceImage) -> Result<Tensor> {
    let (n, c) = (data.shape()[0], data.shape()[1]);
    let flat = data
        .to_shape((n, c, data.len() / (n * c).max(1)))
        .map_err(|e| Error::Input {
            path: path.to_path_buf(),
            problem: e.to_string(),
        })?;
    pinet_targets_tensor(flat.view(), image, &Device::Cpu).map_err(|e| nn_error(path, e))
}

/// The PI-Net whose checkpoint is `path`, from the shapes of its weights.
fn arch_of(path: &Path) -> Result<Arch> {
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
    let image = tensors.keys().any(|k| k.starts_with("deconv."));
    let rank = if image { 4 } else { 3 };
    let mut filters = Vec::new();
    let (mut channels, mut kernel) = (0, 0);
    while let Some(s) = shape(&format!("encoder.block{}.conv.weight", filters.len())) {
        if s.len() != rank || s.contains(&0) {
            return Err(bad(format!(
                "tensor `encoder.block{}.conv.weight` has shape {s:?}, not that of a PI-Net convolution",
                filters.len()
            )));
        }
        if filters.is_empty() {
            (channels, kernel) = (s[1], s[2]);
        }
        filters.push(s[0]);
    }
    let (Some(&last), Some(dense)) = (filters.last(), shape("dense.weight")) else {
        return Err(bad(
            "not a PI-Net checkpoint (no `encoder.block0.conv.weight` or `dense.weight`)".into(),
        ));
    };
    // Dense units: channels x resolution^2 (Signal), resolution^2 (Image).
    let units = dense.first().copied().unwrap_or(0);
    let per = if image { 1 } else { channels };
    let side = (units % per == 0)
        .then(|| ((units / per) as f64).sqrt().round() as usize)
        .filter(|&r| r > 0 && r.checked_mul(r) == Some(units / per));
    let resolution = match side {
        Some(r) if dense.len() == 2 && dense[1] == last => r,
        _ => {
            return Err(bad(format!(
                "tensor `dense.weight` has shape {dense:?}, not that of a PI-Net's dense layer"
            )))
        }
    };
    Ok(Arch {
        image,
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
        // Adam updates in f32: the rate must stay positive and finite there.
        let lr32 = self.lr as f32;
        if !(self.lr > 0.0 && lr32 > 0.0 && lr32.is_finite()) {
            return Err(option(format!(
                "--lr must be finite and > 0 (as an f32), got {:?}",
                self.lr
            )));
        }
        if self.batch_size == 0 {
            return Err(option("--batch-size must be at least 1".into()));
        }
        let arch = match &self.resume {
            Some(ckpt) => Some(arch_of(ckpt)?),
            None => None,
        };
        let image = arch.as_ref().map_or(self.image, |a| a.image);
        let data = read_data(&self.data, image)?;
        let channels = data.shape()[1];
        let arch = arch.unwrap_or_else(|| Arch {
            image,
            channels,
            filters: self
                .filters
                .clone()
                .unwrap_or_else(|| PAPER_FILTERS.to_vec()),
            kernel: self.kernel.unwrap_or(3),
            resolution: self.resolution.unwrap_or(50),
        });
        if arch.channels != channels {
            return Err(option(format!(
                "{channels} channels, the checkpoint's network takes {}",
                arch.channels
            )));
        }
        let vars = VarMap::new();
        let net = Net::new(&arch, &data.shape()[2..], &vars, &self.data)?;
        let image = recipe(arch.image, arch.resolution).map_err(|source| Error::Vectorize {
            path: self.data.clone(),
            source,
        })?;
        init_keras(&vars, self.seed).map_err(|e| nn_error(&self.data, e))?;

        let n = data.shape()[0];
        let stage = report.stage("exact targets", n, "samples");
        let (x, y) = (
            to_tensor(&self.data, &data)?,
            targets(&self.data, &data, &image)?,
        );
        stage.inc(n as u64);
        stage.finish();
        let val = match &self.val {
            Some(path) => {
                let v = read_data(path, arch.image)?;
                if v.shape()[1..] != data.shape()[1..] {
                    return Err(Error::Input {
                        path: path.clone(),
                        problem: format!(
                            "samples of shape {:?}, the training data's are {:?}",
                            &v.shape()[1..],
                            &data.shape()[1..]
                        ),
                    });
                }
                Some((to_tensor(path, &v)?, targets(path, &v, &image)?))
            }
            None => None,
        };
        let val = val.as_ref().map(|(vx, vy)| (vx, vy));
        match &net {
            Net::Signal(net) => self.fit(net, &vars, (&x, &y), val, report),
            Net::Image(net) => self.fit(net, &vars, (&x, &y), val, report),
        }
    }

    /// Trains `net` from scratch or from --resume, saving the checkpoint
    /// after every epoch; a line per epoch when piped.
    fn fit<M: PiNet>(
        &self,
        net: &M,
        vars: &VarMap,
        (x, y): (&Tensor, &Tensor),
        val: Option<(&Tensor, &Tensor)>,
        report: Report,
    ) -> Result<()> {
        let trainer = PiNetTrainer::new(TrainConfig {
            schedule: vec![(self.lr, self.epochs)],
            batch_size: self.batch_size,
            seed: self.seed,
            checkpoint: Some(self.output.clone()),
            ..TrainConfig::default()
        })
        .map_err(|e| nn_error(&self.data, e))?;
        let done = match &self.resume {
            Some(ckpt) => load_checkpoint(vars, ckpt)
                .map_err(|e| nn_error(ckpt, e))?
                .unwrap_or(0),
            None => 0,
        };
        if done >= self.epochs {
            return Err(Error::Input {
                path: self.data.clone(),
                problem: format!(
                    "--epochs {}: the checkpoint already records {done} epochs",
                    self.epochs
                ),
            });
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
        let path = self.resume.as_deref().unwrap_or(&self.data);
        match &self.resume {
            Some(ckpt) => trainer.resume_with(net, vars, ckpt, x, y, val, on_epoch),
            None => trainer.fit_with(net, vars, x, y, val, on_epoch),
        }
        .map_err(|e| nn_error(path, e))?;
        stage.finish();
        Ok(())
    }
}

impl PredictArgs {
    fn run(&self, report: Report) -> Result<()> {
        super::emph::check_npy(&self.output)?;
        let arch = arch_of(&self.model)?;
        let data = read_data(&self.data, arch.image)?;
        let (n, channels) = (data.shape()[0], data.shape()[1]);
        if arch.channels != channels {
            return Err(Error::Input {
                path: self.data.clone(),
                problem: format!(
                    "{channels} channels, the network of {} takes {}",
                    self.model.display(),
                    arch.channels
                ),
            });
        }
        let vars = VarMap::new();
        let net = Net::new(&arch, &data.shape()[2..], &vars, &self.data)?;
        load_checkpoint(&vars, &self.model).map_err(|e| nn_error(&self.model, e))?;
        let r = arch.resolution;
        let mut images = Array4::<f32>::zeros((n, channels, r, r));
        let stage = report.stage("PI-Net predictions", n, "samples");
        for (chunk, mut out) in data
            .axis_chunks_iter(Axis(0), PREDICT_BATCH)
            .zip(images.axis_chunks_iter_mut(Axis(0), PREDICT_BATCH))
        {
            let x = to_tensor(&self.data, &chunk.to_owned())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_indices_are_row_major() {
        assert_eq!(index_of(0, &[2, 3, 4]), [0, 0, 0]);
        assert_eq!(index_of(23, &[2, 3, 4]), [1, 2, 3]);
        assert_eq!(index_of(13, &[2, 3, 4]), [1, 0, 1]);
    }

    #[test]
    fn the_recipe_at_its_resolution_is_the_preset() {
        assert_eq!(
            recipe(false, 50).unwrap().resolution(),
            PersistenceImage::pinet_signal().resolution()
        );
        let small = recipe(true, 5).unwrap();
        let preset = PersistenceImage::pinet_image();
        assert_eq!(small.resolution(), (5, 5));
        assert_eq!(small.min_persistence(), preset.min_persistence());
        assert_eq!(small.sigma(), preset.sigma());
        assert_eq!(small.birth_range(), preset.birth_range());
        assert_eq!(small.grid(), preset.grid());
    }
}
