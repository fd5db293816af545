//! Settings and helpers shared by the PI-Net examples (`har_fusion`,
//! `image_pinet`, `pinet_basicmotions`).

/// Errors of the examples.
pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The flag every PI-Net example has: `--full`, the paper's schedule.
#[derive(Debug, clap::Args)]
pub struct ScheduleFlag {
    /// The paper's PI-Net schedule: 300 / 300 / 400 epochs at learning
    /// rates 1e-3 / 1e-4 / 1e-5
    #[arg(long)]
    pub full: bool,
}

impl ScheduleFlag {
    /// PI-Net `(learning rate, epochs)` stages: the paper's with `--full`,
    /// otherwise `per_stage` epochs at 1e-3, then `per_stage` at 1e-4.
    pub fn pinet_schedule(&self, per_stage: usize) -> Vec<(f64, usize)> {
        if self.full {
            vec![(1e-3, 300), (1e-4, 300), (1e-5, 400)]
        } else {
            vec![(1e-3, per_stage), (1e-4, per_stage)]
        }
    }
}

/// The flags of the PI-Net experiments that also train classifiers
/// (`har_fusion`, `image_pinet`); each flattens them into its parser and
/// states its default epochs with [`Defaults::help`].
#[derive(Debug, clap::Args)]
pub struct ExperimentFlags {
    /// Seeded runs per row (at least 1)
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub runs: usize,
    /// Classifier epochs (default: below)
    #[arg(long, value_name = "N")]
    pub epochs: Option<usize>,
    /// PI-Net epochs per stage, two stages at 1e-3 then 1e-4 (default:
    /// below; ignored with --full)
    #[arg(long, value_name = "N")]
    pub pinet_epochs: Option<usize>,
    #[command(flatten)]
    pub schedule: ScheduleFlag,
    /// Train the PI-Nets even when a cached checkpoint exists
    #[arg(long)]
    pub retrain: bool,
}

/// An example's default epochs, for the flags left out.
#[derive(Debug)]
pub struct Defaults {
    /// Classifier epochs.
    pub epochs: usize,
    /// Classifier epochs with `--full`.
    pub full_epochs: usize,
    /// PI-Net epochs per stage.
    pub pinet_epochs: usize,
}

impl Defaults {
    /// The defaults, as the example's `--help` ends.
    pub fn help(&self) -> String {
        format!(
            "Defaults: --epochs {} ({} with --full), --pinet-epochs {}.",
            self.epochs, self.full_epochs, self.pinet_epochs
        )
    }
}

/// What a run does: seeded runs per row, classifier epochs, the PI-Net
/// schedule and whether cached networks are ignored ([`ExperimentFlags`]).
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
    /// The settings of `flags`, with `defaults` for the epochs not given.
    pub fn new(flags: &ExperimentFlags, defaults: &Defaults) -> Self {
        let full = flags.schedule.full;
        let default_epochs = if full {
            defaults.full_epochs
        } else {
            defaults.epochs
        };
        Self {
            runs: flags.runs.max(1),
            epochs: flags.epochs.unwrap_or(default_epochs),
            pinet_schedule: flags
                .schedule
                .pinet_schedule(flags.pinet_epochs.unwrap_or(defaults.pinet_epochs)),
            retrain: flags.retrain,
        }
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

/// A progress bar over a trainer's epochs on standard error, drawn from
/// the trainer's per-epoch callback (`fit_with`): the epochs done, the
/// last losses, the time spent and left.
pub struct EpochBar(indicatif::ProgressBar);

impl EpochBar {
    /// A bar over the epochs of `schedule` (`(learning rate, epochs)`
    /// stages).
    pub fn new(schedule: &[(f64, usize)]) -> Self {
        let total: usize = schedule.iter().map(|s| s.1).sum();
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} epochs {msg} [{elapsed} < {eta}]",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_position(0);
        Self(bar)
    }

    /// The trainers' callback: one more epoch, its losses as the message;
    /// training goes on.
    pub fn update(&self, log: &tda_pinet::nn::EpochLog) -> std::ops::ControlFlow<()> {
        self.0.set_message(match log.val_loss {
            Some(v) => format!("train {:.3e} val {v:.3e}", log.train_loss),
            None => format!("train {:.3e}", log.train_loss),
        });
        self.0.inc(1);
        std::ops::ControlFlow::Continue(())
    }

    /// Leaves the finished bar on screen.
    pub fn finish(&self) {
        self.0.finish();
    }
}

/// Draws a training run's losses, one point per epoch (the training loss,
/// and the validation loss where every epoch logged one), as log10 values
/// to `path`: titled `title`, with `schedule` (the optimiser, batch and
/// learning-rate schedule in words) as the subtitle.
pub fn plot_training(
    path: &std::path::Path,
    title: &str,
    schedule: &str,
    logs: &[tda_pinet::nn::EpochLog],
) -> Res<()> {
    use tda_pinet::io::plot::{line_chart, PlotOptions, Series};
    let log10 = |v: f64| v.max(f64::MIN_POSITIVE).log10();
    let curve = |name: &str, loss: &dyn Fn(&tda_pinet::nn::EpochLog) -> Option<f64>| Series {
        name: name.to_string(),
        points: logs
            .iter()
            .filter_map(|l| Some((l.epoch as f64, log10(loss(l)?))))
            .collect(),
    };
    let mut series = vec![curve("training loss", &|l| Some(l.train_loss))];
    let val = curve("validation loss", &|l| l.val_loss);
    if !val.points.is_empty() && val.points.len() == logs.len() {
        series.push(val);
    }
    let opts = PlotOptions::new(title, "epoch", "loss (log10)")
        .subtitle(schedule)
        .size(860, 520);
    line_chart(path, &series, &opts)?;
    Ok(())
}

/// A file-name-safe form of a name: lower-case words joined by `_`.
pub fn slug(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// A learning-rate schedule in words: `lr 1e-3 x 300 epochs, then 1e-4 x
/// 300`.
pub fn schedule_words(schedule: &[(f64, usize)]) -> String {
    let stages: Vec<String> = schedule
        .iter()
        .enumerate()
        .map(|(i, (lr, e))| match i {
            0 => format!("lr {lr:e} x {e} epochs"),
            _ => format!("{lr:e} x {e}"),
        })
        .collect();
    stages.join(", then ")
}

/// A PI-Net's weights in `vars`: loaded from the cached checkpoint at
/// `path` when there is one (and `--retrain` was not given); otherwise
/// `prepare` initialises `vars` and returns the inputs and exact targets,
/// the network is trained with the settings' schedule (Adam with PI-Net's
/// beta1 0.99 and epsilon 1e-7, `settle` batch-norm passes, only the
/// `trainable` variables if given) and saved to `path`, its training
/// curve drawn beside it (`<checkpoint stem>_training.png`).
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
    let bar = EpochBar::new(&settings.pinet_schedule);
    let logs = trainer.fit_with(net, vars, &x, &y, None, |log| bar.update(log))?;
    bar.finish();
    if let (Some(first), Some(last)) = (logs.first(), logs.last()) {
        println!(
            "  train MSE {:.3e} -> {:.3e} in {:.0} s",
            first.train_loss,
            last.train_loss,
            t.elapsed().as_secs_f64()
        );
    }
    save_checkpoint(vars, path, None)?;
    let stem = path
        .file_stem()
        .map_or_else(Default::default, |s| s.to_string_lossy());
    let schedule = format!(
        "Adam (beta1 0.99, eps 1e-7), batch {}, {}; MSE",
        trainer.config().batch_size,
        schedule_words(&settings.pinet_schedule)
    );
    plot_training(
        &path.with_file_name(format!("{stem}_training.png")),
        &format!("{label}: training loss"),
        &schedule,
        &logs,
    )?;
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

/// The folder an example writes its results to: `$CARGO_TARGET_DIR/<name>`
/// when `CARGO_TARGET_DIR` is set, else `target/<name>` in the workspace;
/// created if missing.
pub fn output_dir(name: &str) -> Res<std::path::PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
            std::path::PathBuf::from,
        );
    let out = target.join(name);
    std::fs::create_dir_all(&out)?;
    Ok(out)
}

/// Passes over the training data after training that bring batch norm's
/// running statistics up to date (`TrainConfig::settle_batch_norm`): with
/// one batch per epoch a short schedule leaves them far behind. One place
/// for them, because `exact_pi_layer` reads the networks `har_fusion` and
/// `image_pinet` cache (the passes are part of the cache name).
pub mod settle {
    /// `har_fusion`'s Signal PI-Nets.
    pub const HAR_PINET: usize = 200;
    /// `har_fusion`'s classifiers (three batches per pass).
    pub const HAR_CLASSIFIER: usize = 100;
    /// `image_pinet`'s Image PI-Nets.
    pub const DIGITS_PINET: usize = 25;
    /// `image_pinet`'s classifiers.
    pub const DIGITS_CLASSIFIER: usize = 20;
}
