//! Settings and helpers shared by the PI-Net examples (`har_fusion`,
//! `image_pinet`, `pinet_basicmotions`).

/// Errors of the examples.
pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// What a run does: `--runs N` seeded runs per row, `--epochs N`
/// classifier epochs, `--pinet-epochs N` PI-Net epochs per stage (two
/// stages, 1e-3 then 1e-4), `--full` (the paper's 300 / 300 / 400 PI-Net
/// schedule at 1e-3 / 1e-4 / 1e-5, and `full_epochs` classifier epochs),
/// `--retrain` (ignore cached networks).
#[derive(Debug)]
pub struct Settings {
    /// Seeded runs per row.
    pub runs: usize,
    /// Classifier epochs.
    pub epochs: usize,
    /// PI-Net `(learning rate, epochs)` stages.
    pub pinet_schedule: Vec<(f64, usize)>,
    /// Train the PI-Nets even when a cached checkpoint exists.
    pub retrain: bool,
}

impl Settings {
    /// The settings from the command line, with these defaults.
    pub fn from_args(epochs: usize, full_epochs: usize, pinet_epochs: usize) -> Res<Self> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let number = |flag: &str, default: usize| -> Res<usize> {
            match args.iter().position(|a| a == flag) {
                Some(i) => Ok(args
                    .get(i + 1)
                    .ok_or(format!("{flag} needs a number"))?
                    .parse()?),
                None => Ok(default),
            }
        };
        let full = args.iter().any(|a| a == "--full");
        let pinet = number("--pinet-epochs", pinet_epochs)?;
        Ok(Self {
            runs: number("--runs", 5)?.max(1),
            epochs: number("--epochs", if full { full_epochs } else { epochs })?,
            pinet_schedule: if full {
                vec![(1e-3, 300), (1e-4, 300), (1e-5, 400)]
            } else {
                vec![(1e-3, pinet), (1e-4, pinet)]
            },
            retrain: args.iter().any(|a| a == "--retrain"),
        })
    }

    /// The file name of a cached network trained with this schedule and
    /// `settle` batch-norm passes.
    pub fn cache_name(&self, stem: &str, settle: usize) -> String {
        let tag: Vec<String> = self
            .pinet_schedule
            .iter()
            .map(|(lr, e)| format!("{lr:e}x{e}"))
            .collect();
        format!("{stem}_{}_settle{settle}.safetensors", tag.join("_"))
    }
}

/// An `f32` array as a CPU tensor of the same shape.
pub fn tensor<D: ndarray::Dimension>(a: &ndarray::Array<f32, D>) -> Res<candle_core::Tensor> {
    let a = a.as_standard_layout();
    Ok(candle_core::Tensor::from_slice(
        a.as_slice().ok_or("contiguous")?,
        a.shape(),
        &candle_core::Device::Cpu,
    )?)
}

/// A PI-Net's weights in `vars`: loaded from the cached checkpoint at
/// `path` when there is one (and `--retrain` was not given); otherwise
/// `prepare` initialises `vars` and returns the inputs and exact targets,
/// the network is trained with the settings' schedule (Adam with PI-Net's
/// beta1 0.99 and epsilon 1e-7, `settle` batch-norm passes, only the
/// `trainable` variables if given) and saved to `path`.
#[allow(clippy::too_many_arguments)]
pub fn train_or_load<M: tda_pinet::nn::PiNet>(
    label: &str,
    net: &M,
    vars: &candle_nn::VarMap,
    path: &std::path::Path,
    settings: &Settings,
    settle: usize,
    trainable: Option<Vec<String>>,
    prepare: impl FnOnce() -> Res<(candle_core::Tensor, candle_core::Tensor)>,
) -> Res<()> {
    use tda_pinet::nn::{load_checkpoint, save_checkpoint, PiNetTrainer, TrainConfig};
    if path.exists() && !settings.retrain {
        load_checkpoint(vars, path)?;
        println!("{label}: loaded {}", path.display());
        return Ok(());
    }
    let (x, y) = prepare()?;
    let trainer = PiNetTrainer::new(TrainConfig {
        schedule: settings.pinet_schedule.clone(),
        eps: 1e-7,
        trainable,
        settle_batch_norm: settle,
        ..TrainConfig::default()
    })?;
    println!("{label}: training on {} samples", x.dim(0)?);
    let t = std::time::Instant::now();
    let logs = trainer.fit(net, vars, &x, &y, None)?;
    if let (Some(first), Some(last)) = (logs.first(), logs.last()) {
        println!(
            "  train MSE {:.3e} -> {:.3e} in {:.0} s",
            first.train_loss,
            last.train_loss,
            t.elapsed().as_secs_f64()
        );
    }
    save_checkpoint(vars, path, None)?;
    Ok(())
}

/// Windows of 100 samples (every 10) of Daphnet's ankle accelerometer, in
/// g, resampled from 64 Hz to ~10.7 Hz by taking every 6th sample.
pub fn daphnet_frames(path: &std::path::Path) -> Res<ndarray::Array3<f64>> {
    let columns = ["ankle_horiz_fwd", "ankle_vert", "ankle_horiz_lateral"];
    let table = tda_pinet::io::csv::read(
        path,
        &tda_pinet::io::csv::CsvOptions {
            columns: Some(columns.iter().map(|c| c.to_string()).collect()),
            ..tda_pinet::io::csv::CsvOptions::default()
        },
    )?;
    let series = table.data.slice(ndarray::s![..;6, ..]).mapv(|v| v / 1000.0);
    let starts: Vec<usize> = (0..series.nrows().saturating_sub(99)).step_by(10).collect();
    Ok(ndarray::Array3::from_shape_fn(
        (starts.len(), 3, 100),
        |(f, c, t)| series[[starts[f] + t, c]],
    ))
}
