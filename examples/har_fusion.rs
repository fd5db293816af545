//! The main job: PI-Net's Table 1 (Som et al., CVPR-W 2020) on real
//! human-activity data. Topological features (exact persistence images,
//! and images predicted by Signal PI-Nets) alone and fused with
//! statistical features or a 1-D CNN, classifying the four BasicMotions
//! activities from the smart-watch accelerometer (3 x 100 samples).
//!
//! Steps:
//! 1. Exact PIs of each accelerometer channel with the PI-Net recipe
//!    (sublevel H0, 50 x 50 legacy grid, sigma 0.25, birth range [-10, 10],
//!    each channel divided by its maximum).
//! 2. Two Signal PI-Nets: one trained on BasicMotions TRAIN, one trained on
//!    Daphnet ankle-accelerometer frames only (cross-data-set, as the
//!    paper's GeneActiv -> USC-HAD). Their weights are cached in
//!    `target/har_fusion/` (`--retrain` trains afresh), each beside a
//!    figure of its training loss per epoch (`*_training.png`).
//! 3. The 19 statistical features (SF) of each frame, standardised with the
//!    training set's mean and deviation.
//! 4. Every row of Table 1 (MLP on PI / Signal PI-Net / SF / SF + PI / SF +
//!    Signal PI-Net; 1-D CNN alone and fused with PI or Signal PI-Net),
//!    trained on TRAIN and scored on TEST by weighted F1, mean +- sd over
//!    seeded runs. Results go to stdout and `target/har_fusion/results.md`,
//!    with one confusion-matrix PNG per row (summed over the runs).
//!
//! After training, every network's batch-norm running statistics are
//! brought up to date with its final weights (`settle_batch_norm`): with
//! one or three batches per epoch, short schedules otherwise leave them far
//! behind and inference-mode predictions poor.
//!
//! Run: `cargo run --release --example har_fusion` (defaults: short
//! schedules, 6-9 minutes on two cores). Flags: `--runs N` (default 5),
//! `--epochs N` (classifier epochs, default 20), `--pinet-epochs N` (per
//! stage, two stages 1e-3 then 1e-4; default 10), `--full` (the paper's
//! 300 / 300 / 400 PI-Net schedule and 300 classifier epochs), `--retrain`.
//!
//! Paths under `target/` are under `$CARGO_TARGET_DIR` instead when that is set.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use clap::Parser;
use ndarray::{concatenate, s, Array2, Array3, Axis};
use tda_pinet::io::plot::{self, PlotOptions};
use tda_pinet::io::ts;
use tda_pinet::nn::metrics::{mean_sd, ConfusionMatrix};
use tda_pinet::nn::{
    init_keras, pinet_targets_tensor, Classifier, ClassifierTrainer, Cnn, CnnConfig, CnnPiFusion,
    CnnPiFusionConfig, FusionInput, Mlp, MlpConfig, SignalPiNet, SignalPiNetConfig, TrainConfig,
};
use tda_pinet::vectorize::{pinet_targets, PersistenceImage, StatFeatures};

// Shared with the other PI-Net examples; each uses part of it.
#[allow(dead_code)]
mod common;

use common::{Res, Settings};
use tda_pinet::nn::tensor::to_tensor;

// Training allocates and frees tensors the size of the widest dense layer
// (30 MB) many times per step; glibc hands such blocks back to the kernel
// and page-faults them in again, which doubled the run time. mimalloc keeps
// them mapped.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Batch-norm settling passes ([`TrainConfig::settle_batch_norm`]).
const PINET_SETTLE: usize = common::settle::HAR_PINET;
const CLASSIFIER_SETTLE: usize = common::settle::HAR_CLASSIFIER;

/// The settings in words, printed and written with the results.
fn describe(settings: &Settings) -> String {
    format!(
        "classifiers: Adam (lr 1e-3, beta1 0.9, eps 1e-7), batch 16, {} epochs, cross-entropy, {} seeded runs per row, batch-norm statistics settled over {CLASSIFIER_SETTLE} passes\n\
         Signal PI-Nets: Adam (beta1 0.99, eps 1e-7), batch 128, schedule (lr, epochs) {:?}, MSE, batch-norm statistics settled over {PINET_SETTLE} passes",
        settings.epochs, settings.runs, settings.pinet_schedule
    )
}

/// One split of BasicMotions: accelerometer frames, labels, features.
struct Split {
    frames: Array3<f64>,
    labels: Vec<usize>,
    /// Exact PIs, flattened: `(frames, 3 * 50 * 50)`.
    pi: Array2<f32>,
    /// Standardised statistical features `(frames, 19)`.
    sf: Array2<f32>,
}

/// The feature sets a row feeds its classifier.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Input {
    Pi,
    SpnBasic,
    SpnDaphnet,
    Sf,
}

/// A row of Table 1.
struct Row {
    name: &'static str,
    model: ModelKind,
}

enum ModelKind {
    /// The MLP on these feature sets, concatenated.
    Mlp(&'static [Input]),
    /// The 1-D CNN on the raw frames.
    Cnn,
    /// The 1-D CNN fused with these images.
    CnnFusion(Input),
}

const ROWS: [Row; 11] = [
    Row {
        name: "MLP-PI",
        model: ModelKind::Mlp(&[Input::Pi]),
    },
    Row {
        name: "MLP-Signal PI-Net (BM)",
        model: ModelKind::Mlp(&[Input::SpnBasic]),
    },
    Row {
        name: "MLP-Signal PI-Net (Daphnet)",
        model: ModelKind::Mlp(&[Input::SpnDaphnet]),
    },
    Row {
        name: "MLP-SF",
        model: ModelKind::Mlp(&[Input::Sf]),
    },
    Row {
        name: "MLP-SF+PI",
        model: ModelKind::Mlp(&[Input::Sf, Input::Pi]),
    },
    Row {
        name: "MLP-SF+Signal PI-Net (BM)",
        model: ModelKind::Mlp(&[Input::Sf, Input::SpnBasic]),
    },
    Row {
        name: "MLP-SF+Signal PI-Net (Daphnet)",
        model: ModelKind::Mlp(&[Input::Sf, Input::SpnDaphnet]),
    },
    Row {
        name: "1D CNN",
        model: ModelKind::Cnn,
    },
    Row {
        name: "1D CNN+PI",
        model: ModelKind::CnnFusion(Input::Pi),
    },
    Row {
        name: "1D CNN+Signal PI-Net (BM)",
        model: ModelKind::CnnFusion(Input::SpnBasic),
    },
    Row {
        name: "1D CNN+Signal PI-Net (Daphnet)",
        model: ModelKind::CnnFusion(Input::SpnDaphnet),
    },
];

const DEFAULTS: common::Defaults = common::Defaults {
    epochs: 20,
    full_epochs: 300,
    pinet_epochs: 10,
};

/// PI-Net's Table 1 on BasicMotions: exact persistence images and Signal
/// PI-Net images, alone and fused with statistical features or a 1-D CNN.
#[derive(Parser)]
#[command(after_help = DEFAULTS.help())]
struct Cli {
    #[command(flatten)]
    flags: common::ExperimentFlags,
}

fn main() -> Res<()> {
    let settings = Settings::new(&Cli::parse().flags, &DEFAULTS);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = common::output_dir("har_fusion")?;
    std::fs::create_dir_all(&out)?;
    println!("{}\n", describe(&settings));

    let t0 = Instant::now();
    let (mut train, classes) = load_split(&root.join("data/basicmotions/BasicMotions_TRAIN.ts"))?;
    let (mut test, _) = load_split(&root.join("data/basicmotions/BasicMotions_TEST.ts"))?;
    standardise(&mut train.sf, &mut test.sf);
    println!(
        "BasicMotions: {} train + {} test frames of 3 x 100, classes {classes:?}; exact PIs and SF in {:.1} ms",
        train.labels.len(),
        test.labels.len(),
        t0.elapsed().as_secs_f64() * 1e3
    );

    // Signal PI-Nets: predicted images for both splits.
    let daphnet = common::daphnet_frames(&root.join("data/daphnet/S06R02E0.csv"))?;
    let mut spn = Vec::new();
    for (name, frames) in [("basicmotions", &train.frames), ("daphnet", &daphnet)] {
        let net_vars = VarMap::new();
        let net = signal_pinet(name, frames, &settings, &net_vars, &out)?;
        spn.push((
            predict_images(&net, &train.frames)?,
            predict_images(&net, &test.frames)?,
        ));
    }
    let features = |input: Input, split: usize| -> &Array2<f32> {
        match (input, split) {
            (Input::Pi, 0) => &train.pi,
            (Input::Pi, _) => &test.pi,
            (Input::Sf, 0) => &train.sf,
            (Input::Sf, _) => &test.sf,
            (Input::SpnBasic, 0) => &spn[0].0,
            (Input::SpnBasic, _) => &spn[0].1,
            (Input::SpnDaphnet, 0) => &spn[1].0,
            (Input::SpnDaphnet, _) => &spn[1].1,
        }
    };

    let mut report = format!(
        "# PI-Net Table 1 on BasicMotions (accelerometer)\n\n{}\n\n| model | weighted F1 (%) | accuracy (%) | s per run |\n|---|---|---|---|\n",
        describe(&settings).replace('\n', "  \n")
    );
    // Rows print above a progress bar over all classifier runs (`suspend`
    // prints them also when the bar is hidden, e.g. output to a file).
    let bar = indicatif::ProgressBar::new((ROWS.len() * settings.runs) as u64);
    bar.set_style(indicatif::ProgressStyle::with_template(
        "{bar:30} {pos}/{len} classifier runs [{elapsed} < {eta}]",
    )?);
    let header = format!(
        "\n{:34} {:>18} {:>16} {:>10}",
        "model", "weighted F1 (%)", "accuracy (%)", "s / run"
    );
    bar.suspend(|| println!("{header}"));
    for row in &ROWS {
        let t = Instant::now();
        let mut f1s = Vec::new();
        let mut accs = Vec::new();
        let mut counts = Array2::<usize>::zeros((classes.len(), classes.len()));
        // The row's inputs, the same for every run.
        let inputs = |split: usize| -> Res<RowInput> {
            let frames = if split == 0 {
                &train.frames
            } else {
                &test.frames
            };
            Ok(match row.model {
                ModelKind::Mlp(sets) => {
                    let views: Vec<_> = sets.iter().map(|&i| features(i, split).view()).collect();
                    RowInput::One(to_tensor(&concatenate(Axis(1), &views)?, &Device::Cpu)?)
                }
                ModelKind::Cnn => RowInput::One(tensor3(frames)?),
                ModelKind::CnnFusion(i) => RowInput::Fusion(FusionInput {
                    raw: tensor3(frames)?,
                    images: to_tensor(features(i, split), &Device::Cpu)?,
                }),
            })
        };
        let (x_train, x_test) = (inputs(0)?, inputs(1)?);
        for run in 0..settings.runs {
            let seed = run as u64;
            let predicted = train_and_predict(
                row,
                &x_train,
                &train.labels,
                &x_test,
                classes.len(),
                seed,
                &settings,
            )?;
            let cm = ConfusionMatrix::new(&test.labels, &predicted, classes.len())?;
            f1s.push(100.0 * cm.weighted_f1());
            accs.push(100.0 * cm.accuracy());
            counts += &cm.counts();
            bar.inc(1);
        }
        let secs = t.elapsed().as_secs_f64() / settings.runs as f64;
        let ((f1, f1_sd), (acc, acc_sd)) = (mean_sd(&f1s), mean_sd(&accs));
        let line = format!(
            "{:34} {f1:>9.2} +- {f1_sd:>5.2} {acc:>8.2} +- {acc_sd:>5.2} {secs:>10.1}",
            row.name
        );
        bar.suspend(|| println!("{line}"));
        writeln!(
            report,
            "| {} | {f1:.2} +- {f1_sd:.2} | {acc:.2} +- {acc_sd:.2} | {secs:.1} |",
            row.name
        )?;
        let file = format!("confusion_{}.png", common::slug(row.name));
        let opts = PlotOptions::new(
            &format!("{}: test confusion, summed over {} runs", row.name, settings.runs),
            "predicted class",
            "true class",
        )
        .subtitle(&format!(
            "classifier: Adam lr 1e-3, batch 16, {} epochs; Signal PI-Net schedule (lr, epochs) {:?}",
            settings.epochs, settings.pinet_schedule
        ))
        .size(640, 600);
        plot::confusion_matrix(out.join(&file), counts.view(), &classes, &opts)?;
    }
    bar.finish_and_clear();
    writeln!(
        report,
        "\nConfusion matrices (summed over the runs): `confusion_*.png` beside this file."
    )?;
    tda_pinet::io::write_file(out.join("results.md"), report.as_bytes())?;
    println!(
        "\nwrote {} and the confusion matrices; total {:.0} s",
        out.join("results.md").display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Frames (accelerometer channels), labels, exact PIs and raw SF of a split.
fn load_split(path: &Path) -> Res<(Split, Vec<String>)> {
    let ds = ts::read(path)?;
    let labels = ds.label_indices()?;
    let frames = ds.data.slice(s![.., 0..3, ..]).to_owned();
    let images = pinet_targets(frames.view(), &PersistenceImage::pinet_signal())?;
    let n = frames.dim().0;
    let pi = images.into_shape_with_order((n, 3 * 50 * 50))?;
    let sf = StatFeatures
        .transform_batch(frames.view())?
        .mapv(|v| v as f32);
    Ok((
        Split {
            frames,
            labels,
            pi,
            sf,
        },
        ds.class_names,
    ))
}

/// Standardises the columns of both splits with the training split's mean
/// and (population) standard deviation; constant columns are only centred.
fn standardise(train: &mut Array2<f32>, test: &mut Array2<f32>) {
    for j in 0..train.ncols() {
        let col = train.column(j);
        let mean = col.mean().unwrap_or(0.0);
        let sd = col
            .mapv(|v| (v - mean).powi(2))
            .mean()
            .unwrap_or(0.0)
            .sqrt();
        let scale = if sd > 0.0 { 1.0 / sd } else { 1.0 };
        for a in [&mut *train, &mut *test] {
            a.column_mut(j).mapv_inplace(|v| (v - mean) * scale);
        }
    }
}

/// A Signal PI-Net trained on `frames` (exact targets), or loaded from its
/// cached checkpoint when one exists for the same schedule
/// ([`common::train_or_load`]).
fn signal_pinet(
    name: &str,
    frames: &Array3<f64>,
    settings: &Settings,
    vars: &VarMap,
    out: &Path,
) -> Res<SignalPiNet> {
    let net = SignalPiNet::new(
        SignalPiNetConfig::default(),
        VarBuilder::from_varmap(vars, DType::F32, &Device::Cpu),
    )?;
    let path = out.join(settings.cache_name(&format!("signal_pinet_{name}"), PINET_SETTLE));
    common::train_or_load(
        &format!("Signal PI-Net ({name})"),
        &net,
        vars,
        &path,
        settings,
        PINET_SETTLE,
        None,
        || {
            init_keras(vars, 0)?;
            let recipe = PersistenceImage::pinet_signal();
            let y = pinet_targets_tensor(frames.view(), &recipe, &Device::Cpu)?;
            Ok((tensor3(frames)?, y))
        },
    )?;
    Ok(net)
}

/// The network's images of `frames`, flattened to `(frames, 3 * 50 * 50)`.
fn predict_images(net: &SignalPiNet, frames: &Array3<f64>) -> Res<Array2<f32>> {
    let y = net.infer(&tensor3(frames)?)?.flatten_from(1)?;
    let (n, m) = y.dims2()?;
    Ok(Array2::from_shape_vec(
        (n, m),
        y.flatten_all()?.to_vec1::<f32>()?,
    )?)
}

/// A row's inputs: one tensor (the MLP's features, the CNN's frames), or
/// the fusion's frames and images.
enum RowInput {
    One(Tensor),
    Fusion(FusionInput),
}

/// Trains the row's classifier with `seed` and predicts the test labels.
#[allow(clippy::too_many_arguments)]
fn train_and_predict(
    row: &Row,
    x_train: &RowInput,
    labels: &[usize],
    x_test: &RowInput,
    classes: usize,
    seed: u64,
    settings: &Settings,
) -> Res<Vec<usize>> {
    let vars = VarMap::new();
    let vb = VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu);
    let trainer = ClassifierTrainer::new(TrainConfig {
        batch_size: 16,
        seed,
        settle_batch_norm: CLASSIFIER_SETTLE,
        ..TrainConfig::keras_adam(vec![(1e-3, settings.epochs)])
    })?;
    let cnn = CnnConfig::paper_1d(3, 100, classes);
    let fit = Fit {
        vars: &vars,
        trainer: &trainer,
        labels,
        seed,
    };
    match (&row.model, x_train, x_test) {
        (ModelKind::Mlp(_), RowInput::One(train), RowInput::One(test)) => {
            let cfg = MlpConfig {
                inputs: train.dim(1)?,
                classes,
                seed,
                ..MlpConfig::default()
            };
            fit.predict(&Mlp::new(cfg, vb)?, train, test)
        }
        (ModelKind::Cnn, RowInput::One(train), RowInput::One(test)) => {
            fit.predict(&Cnn::new(cnn, vb)?, train, test)
        }
        (ModelKind::CnnFusion(_), RowInput::Fusion(train), RowInput::Fusion(test)) => {
            let cfg = CnnPiFusionConfig {
                cnn,
                pi_inputs: train.images.dim(1)?,
                ..CnnPiFusionConfig::default()
            };
            fit.predict(&CnnPiFusion::new(cfg, vb)?, train, test)
        }
        _ => Err("a row's inputs do not fit its model".into()),
    }
}

/// What a classifier run shares: its variables, trainer, training labels
/// and seed.
struct Fit<'a> {
    vars: &'a VarMap,
    trainer: &'a ClassifierTrainer,
    labels: &'a [usize],
    seed: u64,
}

impl Fit<'_> {
    /// Initialises `model` from the seed, trains it on `x_train` and
    /// predicts the classes of `x_test`.
    fn predict<M: Classifier>(
        &self,
        model: &M,
        x_train: &M::Input,
        x_test: &M::Input,
    ) -> Res<Vec<usize>> {
        init_keras(self.vars, self.seed)?;
        self.trainer
            .fit(model, self.vars, x_train, self.labels, None)?;
        Ok(self.trainer.predict(model, x_test)?)
    }
}

/// Frames as an `f32` tensor.
fn tensor3(a: &Array3<f64>) -> Res<Tensor> {
    Ok(to_tensor(&a.mapv(|v| v as f32), &Device::Cpu)?)
}
