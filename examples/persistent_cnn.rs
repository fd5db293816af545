//! The Persistent CNN (Liu, Jeng & Yang 2016) on real music: FCN, P-FCN and
//! PC-FCN (k = 1 and 5 landscapes) trained to tag music clips, compared by
//! mean ROC-AUC over the tags.
//!
//! Steps:
//! 1. The clips: by default the bundled set (`data/music/`: excerpts of the
//!    scores in music21's corpus rendered through a General MIDI SoundFont,
//!    tagged from the scores and the rendering; see its README), or, with
//!    `--mtat DIR`, MagnaTagATune in its own layout. The most frequent tags
//!    (at most 50, the paper's choice) and MagnaTagATune's split by folder
//!    (0-b train, c validation, d-f test).
//! 2. Each clip's log(1 + 10000 mel power) spectrogram (16 kHz, FFT 512, hop
//!    512, 128 mel bins, librosa's), cropped to the shortest clip and
//!    standardised per mel bin with the training clips' moments.
//! 3. Each network, for each seed: Adagrad (lr 0.01), batch 10, binary
//!    cross-entropy on clipped predictions, the epoch with the best
//!    validation mean ROC-AUC kept; its test ROC-AUC per tag and mean.
//! 4. `target/persistent_cnn/results.md`: mean +- sd over the seeds per
//!    network and the per-tag AUCs (averaged over seeds);
//!    `target/persistent_cnn/clip.png`: one test clip's spectrogram, the
//!    trained PC-FCN's 64 activation curves and their landscapes;
//!    `target/persistent_cnn/training_*.png`: each network's training and
//!    validation loss per epoch (seed 0).
//!
//! Run: `cargo run --release --example persistent_cnn` (defaults: 3 seeds,
//! 5 epochs, under 10 minutes on two cores). Flags: `--seeds N`, `--epochs
//! N`, `--full` (the paper's 10 epochs), `--mtat DIR`.
//!
//! Paths under `target/` are under `$CARGO_TARGET_DIR` instead when that is set.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use clap::Parser;
use ndarray::{s, Array2, Array4, Ix2};
use rayon::prelude::*;
use tda_pinet::io::audio::{LogMel, MelStandardizer};
use tda_pinet::io::plot::{self, PlotOptions};
use tda_pinet::io::tagging::TagSet;
use tda_pinet::nn::layers::{LandscapeConfig, LandscapeLayer};
use tda_pinet::nn::metrics::{mean_sd, TagAuc};
use tda_pinet::nn::tensor::{to_array, to_tensor};
use tda_pinet::nn::{init_keras, PersistentCnn, PersistentCnnConfig, TaggerTrainer, TrainConfig};

// Shared with the other examples; this one uses the progress bar.
#[allow(dead_code)]
mod common;

use common::Res;

// The 3200-channel activations are large blocks allocated and freed at
// every step; mimalloc keeps them mapped (see har_fusion).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "The Persistent CNN (FCN, P-FCN, PC-FCN) on music clips")]
struct Cli {
    /// MagnaTagATune directory (annotations_final.csv and the mp3 folders
    /// 0..f, beside it or in mp3/); default: the bundled set in data/music.
    #[arg(long)]
    mtat: Option<PathBuf>,
    /// Seeds per network.
    #[arg(long, default_value_t = 3)]
    seeds: u64,
    /// Training epochs (default 5; the paper's 10 with --full).
    #[arg(long)]
    epochs: Option<usize>,
    /// The paper's schedule: 10 epochs.
    #[arg(long)]
    full: bool,
}

/// The networks compared, with their names in the paper.
fn networks(tags: usize) -> Vec<(&'static str, PersistentCnnConfig)> {
    let with_tags = |cfg: PersistentCnnConfig| PersistentCnnConfig {
        num_tags: tags,
        ..cfg
    };
    vec![
        ("FCN", with_tags(PersistentCnnConfig::fcn())),
        ("P-FCN k=1", with_tags(PersistentCnnConfig::p_fcn(1))),
        ("P-FCN k=5", with_tags(PersistentCnnConfig::p_fcn(5))),
        ("PC-FCN k=1", with_tags(PersistentCnnConfig::pc_fcn(1))),
        ("PC-FCN k=5", with_tags(PersistentCnnConfig::pc_fcn(5))),
    ]
}

/// One split's clips: `(n, 1, frames, 128)` standardised log-mel inputs
/// and `(n, tags)` labels.
struct Split {
    x: Tensor,
    y: Array2<u8>,
}

/// Log-mel spectrograms `(frames, mels)` of every clip of `set`, in order.
fn spectrograms(set: &TagSet) -> Res<Vec<Array2<f64>>> {
    let log_mel = LogMel::builder().build()?;
    let out: Result<Vec<_>, _> = set
        .clips()
        .par_iter()
        .map_init(
            || log_mel.clone(),
            |lm, clip| lm.transform_file(set.audio_path(clip)),
        )
        .collect();
    Ok(out?)
}

/// The clips as network inputs: each spectrogram cropped to `frames` and
/// standardised.
fn split(set: &TagSet, mels: &[Array2<f64>], frames: usize, std: &MelStandardizer) -> Res<Split> {
    let n_mels = std.n_mels();
    let mut x = Array4::<f32>::zeros((mels.len(), 1, frames, n_mels));
    for (i, m) in mels.iter().enumerate() {
        let z = std.transform(m.slice(s![..frames, ..]))?;
        x.slice_mut(s![i, 0, .., ..]).assign(&z.mapv(|v| v as f32));
    }
    Ok(Split {
        x: to_tensor(&x, &Device::Cpu)?,
        y: set.labels().to_owned(),
    })
}

/// One trained network's test result and the seconds its training took.
struct Run {
    auc: TagAuc,
    seconds: f64,
    /// The losses of each epoch.
    logs: Vec<tda_pinet::nn::EpochLog>,
}

fn train_one(
    cfg: &PersistentCnnConfig,
    seed: u64,
    epochs: usize,
    train: &Split,
    valid: &Split,
    test: &Split,
) -> Res<(Run, PersistentCnn)> {
    let vars = VarMap::new();
    let cfg = PersistentCnnConfig {
        dropout_seed: seed,
        ..cfg.clone()
    };
    let model = PersistentCnn::new(
        cfg,
        VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu),
    )?;
    init_keras(&vars, seed)?;
    let trainer = TaggerTrainer::new(TrainConfig {
        schedule: vec![(0.01, epochs)],
        seed,
        ..TrainConfig::persistent_cnn()
    })?;
    let bar = common::EpochBar::new(&trainer.config().schedule);
    let t0 = Instant::now();
    let logs = trainer.fit_with(
        &model,
        &vars,
        &train.x,
        train.y.view(),
        Some((&valid.x, valid.y.view())),
        |log| bar.update(log),
    )?;
    bar.finish();
    let seconds = t0.elapsed().as_secs_f64();
    let auc = trainer.evaluate(&model, &test.x, test.y.view())?;
    Ok((Run { auc, seconds, logs }, model))
}

fn main() -> Res<()> {
    let cli = Cli::parse();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = common::output_dir("persistent_cnn")?;
    std::fs::create_dir_all(&out)?;
    let epochs = cli.epochs.unwrap_or(if cli.full { 10 } else { 5 });
    let data = cli.mtat.clone().unwrap_or_else(|| root.join("data/music"));

    let t0 = Instant::now();
    let all = TagSet::open_dir(&data)?;
    for skipped in all.skipped() {
        eprintln!("skipped {skipped:?}");
    }
    let set = all.top_tags(50.min(all.tag_names().len()))?;
    let (train_set, valid_set, test_set) = set.split()?;
    let tags = set.tag_names().to_vec();
    println!(
        "{}: {} clips ({} train, {} validation, {} test), {} tags",
        data.display(),
        set.len(),
        train_set.len(),
        valid_set.len(),
        test_set.len(),
        tags.len()
    );
    let mels: Vec<Vec<Array2<f64>>> = [&train_set, &valid_set, &test_set]
        .into_iter()
        .map(spectrograms)
        .collect::<Res<_>>()?;
    let frames = mels.iter().flatten().map(|m| m.nrows()).min().unwrap_or(0);
    let train_views: Vec<_> = mels[0].iter().map(|m| m.slice(s![..frames, ..])).collect();
    let standardizer = MelStandardizer::fit(&train_views)?;
    let train = split(&train_set, &mels[0], frames, &standardizer)?;
    let valid = split(&valid_set, &mels[1], frames, &standardizer)?;
    let test = split(&test_set, &mels[2], frames, &standardizer)?;
    println!(
        "log-mel inputs (1, {frames}, 128), standardised per mel bin: {:.1} s\n",
        t0.elapsed().as_secs_f64()
    );

    let mut report = String::new();
    writeln!(
        report,
        "# Persistent CNN on {}\n\n{} clips ({} train, {} validation, {} test), {} tags, \
         {frames} frames; Adagrad lr 0.01, batch 10, {epochs} epochs (best validation \
         mean ROC-AUC kept), {} seeds.\n",
        if cli.mtat.is_some() {
            "MagnaTagATune"
        } else {
            "the bundled music21 clips"
        },
        set.len(),
        train_set.len(),
        valid_set.len(),
        test_set.len(),
        tags.len(),
        cli.seeds
    )?;
    writeln!(
        report,
        "| network | parameters | test mean ROC-AUC (mean +- sd) | training s / run |"
    )?;
    writeln!(report, "|---|---|---|---|")?;
    let mut per_tag: Vec<(&str, Vec<f64>)> = Vec::new();
    let mut pc_fcn = None;
    for (name, cfg) in networks(tags.len()) {
        let mut runs = Vec::new();
        for seed in 0..cli.seeds {
            println!("{name}, seed {seed}");
            let (run, model) = train_one(&cfg, seed, epochs, &train, &valid, &test)?;
            if seed == 0 {
                common::plot_training(
                    &out.join(format!("training_{}.png", common::slug(name))),
                    &format!("{name}, seed 0: tag cross-entropy"),
                    &format!(
                        "Adagrad (eps 1e-6), batch 10, lr 0.01 x {epochs} epochs; validation: the validation split"
                    ),
                    &run.logs,
                )?;
            }
            if name == "PC-FCN k=5" && seed == 0 {
                pc_fcn = Some(model);
            }
            runs.push(run);
        }
        let means: Vec<f64> = runs.iter().filter_map(|r| r.auc.mean).collect();
        let (m, sd) = mean_sd(&means);
        let seconds = runs.iter().map(|r| r.seconds).sum::<f64>() / runs.len().max(1) as f64;
        let skipped = runs.first().map_or(0, |r| r.auc.skipped);
        let line = format!(
            "| {name} | {} | {m:.4} +- {sd:.4} | {seconds:.0} |",
            cfg.num_parameters().unwrap_or(0)
        );
        println!(
            "{line}{}",
            if skipped > 0 {
                format!(" ({skipped} tags with one class skipped)")
            } else {
                String::new()
            }
        );
        writeln!(report, "{line}")?;
        let tag_means = (0..tags.len())
            .map(|t| {
                let v: Vec<f64> = runs.iter().filter_map(|r| r.auc.per_tag[t]).collect();
                mean_sd(&v).0
            })
            .collect();
        per_tag.push((name, tag_means));
    }
    writeln!(report, "\n## Test ROC-AUC per tag (mean over seeds)\n")?;
    let names: Vec<&str> = per_tag.iter().map(|p| p.0).collect();
    writeln!(report, "| tag | {} |", names.join(" | "))?;
    writeln!(report, "|---|{}", "---|".repeat(names.len()))?;
    for (t, tag) in tags.iter().enumerate() {
        let cells: Vec<String> = per_tag.iter().map(|p| format!("{:.3}", p.1[t])).collect();
        writeln!(report, "| {tag} | {} |", cells.join(" | "))?;
    }
    println!("\n{report}");
    std::fs::write(out.join("results.md"), &report)?;
    if let Some(model) = pc_fcn {
        draw_clip(&model, &test, epochs, &out.join("clip.png"))?;
    }
    println!(
        "\nwrote {} and clip.png ({:.0} s in all)",
        out.join("results.md").display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The first test clip's standardised spectrogram (time on x, mel bins
/// up), the trained network's activation curves (one row per filter) and
/// their k = 5 landscapes (per filter, segment by segment: 5 landscapes x
/// 10 samples), one panel each.
fn draw_clip(model: &PersistentCnn, test: &Split, epochs: usize, path: &Path) -> Res<()> {
    let x = test.x.narrow(0, 0, 1)?;
    let spec = x
        .squeeze(0)?
        .squeeze(0)?
        .to_dtype(DType::F64)?
        .to_vec2::<f64>()?;
    // Rows = mel bins ascending (drawn from the bottom), columns = frames.
    let spec = Array2::from_shape_fn((spec[0].len(), spec.len()), |(m, t)| spec[t][m]);
    let curves = model.activation_curves(&x)?.detach();
    let landscapes = LandscapeLayer::new(LandscapeConfig::default())?.forward(&curves)?;
    let curves2 = to_array::<f64, Ix2>(&curves.squeeze(0)?)?;
    let (_, c, segments, k, n) = landscapes.dims5()?;
    let land = to_array::<f64, Ix2>(&landscapes.squeeze(0)?.reshape((c, segments * k * n))?)?;
    // 512-sample hops at 16 kHz.
    let seconds = spec.ncols() as f64 * 512.0 / 16_000.0;
    let panels = [
        plot::Panel {
            title: "standardised log-mel spectrogram".into(),
            image: spec.view(),
            extent: Some(plot::Extent {
                x: (0.0, seconds),
                y: (0.0, spec.nrows() as f64),
            }),
            origin: plot::Origin::Lower,
            x_label: "time (s)".into(),
            y_label: "mel bin".into(),
        },
        plot::Panel {
            x_label: "time step (frames / 4, after the early conv and max-pool)".into(),
            y_label: "filter".into(),
            ..plot::Panel::picture(
                "activation curves of the 64 early filters (one row each)",
                curves2.view(),
            )
        },
        plot::Panel {
            x_label: format!(
                "{segments} segments of 32 steps x {k} landscapes x {n} samples (t = 0, 0.5, .., 4.5)"
            ),
            y_label: "filter".into(),
            ..plot::Panel::picture(
                "their superlevel persistence landscapes (k = 5)",
                land.view(),
            )
        },
    ];
    let opts = PlotOptions::new("Persistent CNN (PC-FCN k=5, seed 0): one test clip", "", "")
        .subtitle(&format!(
            "Adagrad lr 0.01, batch 10, {epochs} epochs, best validation mean ROC-AUC epoch kept"
        ))
        .size(1000, 3 * 320 + 60);
    plot::image_grid(path, &panels, 1, &opts)?;
    Ok(())
}
