//! Image PI-Net on handwritten digits (the UCI 8 x 8 digits bundled with
//! scikit-learn): PI-Net's image experiments (Som et al., CVPR-W 2020,
//! Sec. 4.2, Tables 3-4) in miniature.
//!
//! 1. Exact persistence images of every digit with the PI-Net image recipe
//!    (grey levels scaled to [0, 1], the 8 x 8 image flattened row-major,
//!    sublevel H0, bars of one 8-bit grey level or less dropped
//!    (persistence <= 1.5/255, as in PI-Net's published targets), legacy
//!    50 x 50 grid, sigma 0.05 over [0, 1], divided by the maximum).
//! 2. Transfer: an Image PI-Net trained on digits 0-4, then fine-tuned on
//!    digits 5-9 from the 4th convolution block to the output (the first
//!    three blocks frozen), against the same network without fine-tuning
//!    and one trained on 5-9 from scratch: MSE on held-out 5-9 digits.
//! 3. Classification of all ten digits by a small 2-D CNN, alone and fused
//!    with exact PIs or Image PI-Net PIs (from the fine-tuned network, which
//!    has seen training digits of every class): accuracy mean +- sd over
//!    seeded runs.
//! 4. Robustness (Table 4): the same classifiers on test digits with
//!    Gaussian noise, a mean-filter blur and a translation, the PIs
//!    recomputed from the perturbed digits.
//! 5. `target/image_pinet/digits_pis.png`: digits, their exact PIs and the
//!    Image PI-Net's, side by side; `target/image_pinet/results.md`.
//!
//! Digits with an even index (in the file's order) train, odd ones test.
//!
//! Run: `cargo run --release --example image_pinet`. Flags: `--runs N`
//! (default 5), `--epochs N` (classifier epochs, default 15),
//! `--pinet-epochs N` (Image PI-Net epochs per stage, two stages 1e-3 then
//! 1e-4; default 10), `--full` (the paper's 300 / 300 / 400 schedule),
//! `--retrain` (ignore the networks cached in `target/image_pinet/`, where
//! each one trained has a figure of its loss per epoch, `*_training.png`).
//!
//! Paths under `target/` are under `$CARGO_TARGET_DIR` instead when that is set.

#[path = "../benches/common/mod.rs"]
#[allow(dead_code)]
mod bench_inputs;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use clap::Parser;
use ndarray::{s, Array1, Array3, Array4, Axis};
use rand::SeedableRng;
use rand_xoshiro::SplitMix64;
use tda_pinet::io::csv;
use tda_pinet::io::plot::{self, PlotOptions};
use tda_pinet::nn::metrics::{accuracy, mean_sd};
use tda_pinet::nn::{
    copy_weights, init_keras, ClassifierTrainer, Cnn, CnnConfig, CnnInput, CnnPiFusion,
    CnnPiFusionConfig, FusionInput, ImagePiNet, ImagePiNetConfig, PiNet, PiNetTrainer, TrainConfig,
};
use tda_pinet::vectorize::{pinet_targets, PersistenceImage};

// Shared with the other PI-Net examples; each uses part of it.
#[allow(dead_code)]
mod common;

use common::{Res, Settings};
use tda_pinet::nn::tensor::to_tensor;

// Training allocates and frees tensors the size of the widest layers many
// times per step; mimalloc keeps them mapped (see examples/har_fusion.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Side of the digits.
const SIDE: usize = 8;
/// Side of the persistence images.
const RES: usize = 50;

/// Batch-norm settling passes ([`TrainConfig::settle_batch_norm`]; four
/// batches per pass for the PI-Nets, 29 for the classifiers). Without them
/// the small CNN scored 81 % on the test digits in inference mode against
/// 98 % with batch statistics, after 15 epochs.
const PINET_SETTLE: usize = common::settle::DIGITS_PINET;
const CLASSIFIER_SETTLE: usize = common::settle::DIGITS_CLASSIFIER;

/// The settings in words, printed and written with the results.
fn describe(settings: &Settings) -> String {
    format!(
        "classifiers: Adam (lr 1e-3, beta1 0.9, eps 1e-7), batch 32, {} epochs, cross-entropy, {} seeded runs per row, batch-norm statistics settled over {CLASSIFIER_SETTLE} passes\n\
         Image PI-Nets: Adam (beta1 0.99, eps 1e-7), batch 128, schedule (lr, epochs) {:?}, MSE, batch-norm statistics settled over {PINET_SETTLE} passes; fine-tuning uses the same schedule",
        settings.epochs, settings.runs, settings.pinet_schedule
    )
}

/// Digits of one split: images in [0, 1] `(n, 1, 8, 8)` and labels.
struct Digits {
    images: Array4<f64>,
    labels: Vec<usize>,
}

impl Digits {
    /// The digits whose label passes `keep`.
    fn only(&self, keep: impl Fn(usize) -> bool) -> Digits {
        let idx: Vec<usize> = (0..self.labels.len())
            .filter(|&i| keep(self.labels[i]))
            .collect();
        Digits {
            images: self.images.select(Axis(0), &idx),
            labels: idx.iter().map(|&i| self.labels[i]).collect(),
        }
    }
}

const DEFAULTS: common::Defaults = common::Defaults {
    epochs: 15,
    full_epochs: 15,
    pinet_epochs: 10,
};

/// PI-Net's image experiments on 8 x 8 digits: exact and Image PI-Net
/// persistence images, transfer by fine-tuning, and CNN classifiers fused
/// with them, on clean and perturbed digits.
#[derive(Parser)]
#[command(after_help = DEFAULTS.help())]
struct Cli {
    #[command(flatten)]
    flags: common::ExperimentFlags,
}

fn main() -> Res<()> {
    let settings = Settings::new(&Cli::parse().flags, &DEFAULTS);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = common::output_dir("image_pinet")?;
    std::fs::create_dir_all(&out)?;
    println!("{}\n", describe(&settings));
    let t0 = Instant::now();
    let (train, test) = load_digits(&root.join("data/digits/digits.csv.gz"))?;
    let t = Instant::now();
    let (pi_train, pi_test) = (exact_pis(&train.images)?, exact_pis(&test.images)?);
    println!(
        "digits: {} train + {} test; exact PIs {:.1} us per digit",
        train.labels.len(),
        test.labels.len(),
        t.elapsed().as_secs_f64() * 1e6 / (train.labels.len() + test.labels.len()) as f64
    );
    let mut report = format!(
        "# Image PI-Net on the 8 x 8 digits\n\n{}\n\n",
        describe(&settings).replace('\n', "  \n")
    );

    // Transfer: 0-4 -> 5-9.
    let (low, high) = (train.only(|l| l < 5), train.only(|l| l >= 5));
    let high_test = test.only(|l| l >= 5);
    let y_high_test = to_tensor(&exact_pis(&high_test.images)?, &Device::Cpu)?;
    let x_high_test = to_tensor(&high_test.images.mapv(|v| v as f32), &Device::Cpu)?;
    let source = image_pinet("source_0-4", &low, None, &settings, &out)?;
    let tuned = image_pinet("finetuned_5-9", &high, Some(&source), &settings, &out)?;
    let scratch = image_pinet("scratch_5-9", &high, None, &settings, &out)?;
    let eval = PiNetTrainer::new(TrainConfig::default())?;
    let mean_image = to_tensor(&exact_pis(&high.images)?, &Device::Cpu)?
        .mean_keepdim(0)?
        .broadcast_as(y_high_test.shape())?;
    let baseline = f64::from(candle_nn::loss::mse(&mean_image, &y_high_test)?.to_scalar::<f32>()?);
    writeln!(
        report,
        "## Transfer (MSE on the {} test digits 5-9)\n\n| Image PI-Net | test MSE |\n|---|---|",
        high_test.labels.len()
    )?;
    println!("\ntransfer, MSE on test digits 5-9:");
    for (name, mse) in [
        ("the mean training image of 5-9 (baseline)", baseline),
        (
            "trained on 0-4, not fine-tuned",
            eval.evaluate(&source.0, &x_high_test, &y_high_test)?,
        ),
        (
            "trained on 0-4, head fine-tuned on 5-9",
            eval.evaluate(&tuned.0, &x_high_test, &y_high_test)?,
        ),
        (
            "trained on 5-9 from scratch",
            eval.evaluate(&scratch.0, &x_high_test, &y_high_test)?,
        ),
    ] {
        println!("  {name:44} {mse:.4e}");
        writeln!(report, "| {name} | {mse:.4e} |")?;
    }

    // Classification and robustness.
    let net = &tuned.0;
    let perturbations = perturbations();
    let rows = ["CNN", "CNN+PI", "CNN+Image PI-Net"];
    // accuracies[row][perturbation][run]
    let mut acc = vec![vec![Vec::new(); perturbations.len()]; rows.len()];
    let tests: Vec<(Tensor, Tensor, Tensor)> = perturbations
        .iter()
        .map(|(_, p)| -> Res<_> {
            let images = p(&test.images);
            let x = to_tensor(&images.mapv(|v| v as f32), &Device::Cpu)?;
            let exact = flatten(&exact_pis(&images)?)?;
            let learned = net.infer(&x)?.flatten_from(1)?;
            Ok((x, exact, learned))
        })
        .collect::<Res<_>>()?;
    let x_train = to_tensor(&train.images.mapv(|v| v as f32), &Device::Cpu)?;
    // The images each row fuses with the digits: none (the CNN alone),
    // exact, learned.
    let train_images = [
        None,
        Some(flatten(&pi_train)?),
        Some(net.infer(&x_train)?.flatten_from(1)?),
    ];
    let bar = indicatif::ProgressBar::new((rows.len() * settings.runs) as u64);
    bar.set_style(indicatif::ProgressStyle::with_template(
        "{bar:30} {pos}/{len} classifier runs [{elapsed} < {eta}]",
    )?);
    for run in 0..settings.runs {
        for (r, images) in train_images.iter().enumerate() {
            let seed = run as u64;
            let vars = VarMap::new();
            let model = classifier(r, &vars)?;
            init_keras(&vars, seed)?;
            let trainer = ClassifierTrainer::new(TrainConfig {
                batch_size: 32,
                seed,
                settle_batch_norm: CLASSIFIER_SETTLE,
                ..TrainConfig::keras_adam(vec![(1e-3, settings.epochs)])
            })?;
            // One prediction per perturbation of the test digits.
            let predicted: Vec<Vec<usize>> = match (&model, images) {
                (RowModel::Cnn(cnn), None) => {
                    trainer.fit(cnn, &vars, &x_train, &train.labels, None)?;
                    tests
                        .iter()
                        .map(|(x, _, _)| trainer.predict(cnn, x))
                        .collect::<Result<_, _>>()?
                }
                (RowModel::Fusion(fusion), Some(images)) => {
                    let fused = |raw: &Tensor, images: &Tensor| FusionInput {
                        raw: raw.clone(),
                        images: images.clone(),
                    };
                    trainer.fit(fusion, &vars, &fused(&x_train, images), &train.labels, None)?;
                    tests
                        .iter()
                        .map(|(x, exact, learned)| {
                            let images = if r == 1 { exact } else { learned };
                            trainer.predict(fusion, &fused(x, images))
                        })
                        .collect::<Result<_, _>>()?
                }
                _ => return Err("a row's inputs do not fit its model".into()),
            };
            for (p, predicted) in predicted.iter().enumerate() {
                acc[r][p].push(100.0 * accuracy(&test.labels, predicted)?);
            }
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let header: Vec<&str> = perturbations.iter().map(|(n, _)| *n).collect();
    writeln!(
        report,
        "\n## Test accuracy (%), mean +- sd over {} runs, clean and perturbed test digits\n\n| model | {} |\n|---|{}",
        settings.runs,
        header.join(" | "),
        "---|".repeat(header.len())
    )?;
    println!(
        "\ntest accuracy (%), mean +- sd over {} runs:",
        settings.runs
    );
    println!(
        "{:18} {}",
        "",
        header
            .iter()
            .map(|h| format!("{h:>14}"))
            .collect::<String>()
    );
    for (r, name) in rows.iter().enumerate() {
        let cells: Vec<String> = acc[r]
            .iter()
            .map(|a| {
                let (m, sd) = mean_sd(a);
                format!("{m:.1} +- {sd:.1}")
            })
            .collect();
        println!(
            "{name:18} {}",
            cells.iter().map(|c| format!("{c:>14}")).collect::<String>()
        );
        writeln!(report, "| {name} | {} |", cells.join(" | "))?;
    }

    side_by_side(&out.join("digits_pis.png"), &test, &pi_test, net, &settings)?;
    writeln!(
        report,
        "\n`digits_pis.png`: test digits, their exact PIs and the fine-tuned Image PI-Net's."
    )?;
    tda_pinet::io::write_file(out.join("results.md"), report.as_bytes())?;
    println!(
        "\nwrote {} and digits_pis.png; total {:.0} s",
        out.join("results.md").display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Train and test digits (even and odd rows of the file), grey levels
/// divided by 16.
fn load_digits(path: &Path) -> Res<(Digits, Digits)> {
    let table = csv::read(
        path,
        &csv::CsvOptions {
            header: false,
            ..csv::CsvOptions::default()
        },
    )?;
    let n = table.data.nrows();
    if table.data.ncols() != SIDE * SIDE + 1 {
        return Err(format!("{}: expected 65 columns", path.display()).into());
    }
    let split = |parity: usize| -> Res<Digits> {
        let rows: Vec<usize> = (0..n).filter(|i| i % 2 == parity).collect();
        let data = table.data.select(Axis(0), &rows);
        let images = data
            .slice(s![.., ..SIDE * SIDE])
            .mapv(|v| v / 16.0)
            .into_shape_with_order((rows.len(), 1, SIDE, SIDE))?;
        let labels = data
            .column(SIDE * SIDE)
            .iter()
            .map(|&l| l as usize)
            .collect();
        Ok(Digits { images, labels })
    };
    Ok((split(0)?, split(1)?))
}

/// Exact PI-Net images of digits `(n, 1, 8, 8)`: `(n, 1, 50, 50)`.
fn exact_pis(images: &Array4<f64>) -> Res<Array4<f32>> {
    let n = images.dim().0;
    let flat: Array3<f64> = images.to_shape((n, 1, SIDE * SIDE))?.to_owned();
    Ok(pinet_targets(
        flat.view(),
        &PersistenceImage::pinet_image(),
    )?)
}

/// An Image PI-Net trained on `digits` (exact targets), starting from
/// `start`'s weights with the first three blocks frozen when given; loaded
/// from its cached checkpoint when one exists for the same schedule.
fn image_pinet(
    name: &str,
    digits: &Digits,
    start: Option<&(ImagePiNet, VarMap)>,
    settings: &Settings,
    out: &Path,
) -> Res<(ImagePiNet, VarMap)> {
    let vars = VarMap::new();
    let cfg = ImagePiNetConfig {
        height: SIDE,
        width: SIDE,
        channels: 1,
        ..ImagePiNetConfig::default()
    };
    let mut net = ImagePiNet::new(
        cfg,
        VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu),
    )?;
    let path = out.join(settings.cache_name(&format!("image_pinet_{name}"), PINET_SETTLE));
    // Transfer: start from the source's weights, train from the 4th block on.
    let trainable = start.map(|(source, _)| source.head_prefixes());
    if start.is_some() {
        net.freeze_blocks(3);
    }
    common::train_or_load(
        &format!("Image PI-Net ({name})"),
        &net,
        &vars,
        &path,
        settings,
        PINET_SETTLE,
        trainable,
        || {
            init_keras(&vars, 0)?;
            if let Some((_, source_vars)) = start {
                copy_weights(source_vars, &vars)?;
            }
            let x = to_tensor(&digits.images.mapv(|v| v as f32), &Device::Cpu)?;
            Ok((x, to_tensor(&exact_pis(&digits.images)?, &Device::Cpu)?))
        },
    )?;
    Ok((net, vars))
}

/// A classifier of the table: the CNN alone, or fused with images.
enum RowModel {
    Cnn(Cnn),
    Fusion(CnnPiFusion),
}

/// Row `r` of the classification table: a small 2-D CNN (32, 64, 128
/// filters, max-pool 3/2 after the first two blocks), alone or fused with
/// 50 x 50 PIs.
fn classifier(r: usize, vars: &VarMap) -> Res<RowModel> {
    let vb = VarBuilder::from_varmap(vars, DType::F32, &Device::Cpu);
    let cnn = CnnConfig {
        input: CnnInput::Image {
            channels: 1,
            height: SIDE,
            width: SIDE,
        },
        filters: vec![32, 64, 128],
        pools: vec![Some(2), Some(2), None],
        kernel: 3,
        classes: 10,
    };
    Ok(if r == 0 {
        RowModel::Cnn(Cnn::new(cnn, vb)?)
    } else {
        RowModel::Fusion(CnnPiFusion::new(
            CnnPiFusionConfig {
                cnn,
                pi_inputs: RES * RES,
                ..CnnPiFusionConfig::default()
            },
            vb,
        )?)
    })
}

/// A transformation of a batch of digits.
type Transform = Box<dyn Fn(&Array4<f64>) -> Array4<f64>>;

/// A perturbation of the test digits, by name.
type Perturbation = (&'static str, Transform);

/// Table 4's perturbations at the digits' scale: Gaussian noise (sd 0.02,
/// 0.06, 0.10 of the [0, 1] range, seeded, clipped to [0, 1]), mean-filter
/// blur (2 x 2, 3 x 3), translation right and down by 1 and 2 pixels
/// (12.5 % and 25 % of the side; zeros shifted in).
fn perturbations() -> Vec<Perturbation> {
    let noise = |sd: f64| -> Transform {
        Box::new(move |x: &Array4<f64>| {
            let mut rng = SplitMix64::seed_from_u64(7);
            x.mapv(|v| (v + sd * bench_inputs::normal(&mut rng)).clamp(0.0, 1.0))
        })
    };
    vec![
        ("clean", Box::new(|x: &Array4<f64>| x.clone())),
        ("noise 0.02", noise(0.02)),
        ("noise 0.06", noise(0.06)),
        ("noise 0.10", noise(0.10)),
        ("blur 2x2", Box::new(|x: &Array4<f64>| blur(x, 2))),
        ("blur 3x3", Box::new(|x: &Array4<f64>| blur(x, 3))),
        ("shift 12.5%", Box::new(|x: &Array4<f64>| shift(x, 1))),
        ("shift 25%", Box::new(|x: &Array4<f64>| shift(x, 2))),
    ]
}

/// Mean filter over `k x k` windows (anchored as OpenCV's `blur`: offset
/// `k / 2` before the pixel), averaging the in-image pixels only.
fn blur(x: &Array4<f64>, k: usize) -> Array4<f64> {
    let (n, c, h, w) = x.dim();
    Array4::from_shape_fn((n, c, h, w), |(i, ch, r, col)| {
        let (r0, c0) = (r.saturating_sub(k / 2), col.saturating_sub(k / 2));
        let (r1, c1) = ((r0 + k).min(h), (c0 + k).min(w));
        let window = x.slice(s![i, ch, r0..r1, c0..c1]);
        window.sum() / window.len() as f64
    })
}

/// Shifts right and down by `d` pixels, zeros coming in.
fn shift(x: &Array4<f64>, d: usize) -> Array4<f64> {
    let (n, c, h, w) = x.dim();
    Array4::from_shape_fn((n, c, h, w), |(i, ch, r, col)| {
        if r >= d && col >= d {
            x[[i, ch, r - d, col - d]]
        } else {
            0.0
        }
    })
}

/// One test digit per class, a row each: the digit, its exact PI and the
/// network's PI (persistence images drawn as persim draws them: birth on
/// x, persistence on y, origin at the lower left).
fn side_by_side(
    path: &Path,
    test: &Digits,
    pis: &Array4<f32>,
    net: &ImagePiNet,
    settings: &Settings,
) -> Res<()> {
    let show: Vec<usize> = (0..10)
        .filter_map(|d| test.labels.iter().position(|&l| l == d))
        .collect();
    let x = to_tensor(
        &test.images.select(Axis(0), &show).mapv(|v| v as f32),
        &Device::Cpu,
    )?;
    let learned = net.infer(&x)?;
    // The legacy grid over [0, 1]: lower bin edges linspace(0, 1, RES),
    // each bin 1 / RES wide.
    let edge = (0.0, 1.0 + 1.0 / RES as f64);
    let mut images = Vec::new();
    for (row, &i) in show.iter().enumerate() {
        let digit = test.images.slice(s![i, 0, .., ..]).to_owned();
        let exact = pis.slice(s![i, 0, .., ..]).mapv(f64::from);
        let net_pi: Array1<f32> = learned.get(row)?.flatten_all()?.to_vec1::<f32>()?.into();
        let net_pi = net_pi.mapv(f64::from).into_shape_with_order((RES, RES))?;
        images.push((test.labels[i], digit, exact, net_pi));
    }
    let mut panels = Vec::new();
    for (label, digit, exact, net_pi) in &images {
        panels.push(plot::Panel::picture(
            &format!("test digit {label}"),
            digit.view(),
        ));
        for (title, pi) in [("exact PI", exact), ("Image PI-Net PI", net_pi)] {
            panels.push(plot::Panel::persistence_image(
                &format!("{title} ({label})"),
                pi.view(),
                plot::PiLayout::PersistenceRowsDescending,
                edge,
                edge,
            ));
        }
    }
    let opts = PlotOptions::new(
        "Test digits, their exact H0 PIs and the fine-tuned Image PI-Net's",
        "",
        "",
    )
    .subtitle(&format!(
        "Image PI-Net: Adam, batch 128, MSE, schedule (lr, epochs) {:?}, trained on digits 0-4, fine-tuned on 5-9",
        settings.pinet_schedule
    ))
    .size(960, 10 * 230 + 60);
    plot::image_grid(path, &panels, 3, &opts)?;
    Ok(())
}

/// Images `(n, 1, 50, 50)` as a `(n, 2500)` tensor.
fn flatten(a: &Array4<f32>) -> Res<Tensor> {
    Ok(to_tensor(a, &Device::Cpu)?.flatten_from(1)?)
}
