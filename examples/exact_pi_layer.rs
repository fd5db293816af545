//! The exact persistence-image layer against PI-Net (issue 16, item 7).
//!
//! PI-Net (Som et al., CVPR-W 2020) trains CNNs to predict persistence
//! images because the images were thought not differentiable.
//! `tda_pinet::nn::PersistenceImageLayer` computes them exactly and is
//! differentiable: the diagrams' critical indices are found on the host,
//! the birth and death values are gathered from the input tensor and the
//! pixel integrals are tensor ops, so gradients reach the input at the
//! critical values. This example measures what that changes, on
//! BasicMotions frames (3 accelerometer signals x 100 samples, PI-Net's
//! signal recipe) and on the 8 x 8 digits (each image flattened row-major to
//! one curve of 64 values, PI-Net's image recipe, as `image_pinet` does):
//!
//! 1. Error to the exact images (`tda_vectorize::pinet_targets`) on the
//!    test items: the layer (`f32` and `f64` inputs) and the PI-Nets the
//!    other examples train and cache (`har_fusion`'s Signal PI-Net trained
//!    on BasicMotions, `target/har_fusion/`; `image_pinet`'s Image PI-Net
//!    trained on digits 0-4 and fine-tuned on 5-9, `target/image_pinet/`),
//!    trained here with those examples' schedules when absent.
//! 2. Throughput per item on one thread (`CANDLE_NUM_THREADS=1`, a
//!    one-thread rayon pool), batches of `--batch` items: forward only,
//!    and forward + backward of the sum of the output with respect to the
//!    input.
//! 3. Classifiers trained end to end through each: PI-Net's CNN + PI
//!    fusion (`har_fusion`'s 1-D CNN; `image_pinet`'s small 2-D CNN) whose
//!    PI branch reads images produced inside the forward pass from the raw
//!    input, by (a) the exact layer (no weights: gradients reach the input,
//!    nothing upstream of it learns) or (b) the pre-trained PI-Net, whose
//!    weights are trained with the classifier's. Weighted F1 and accuracy
//!    on the test items, mean +- sd over `--seeds` runs, and each PI-Net's
//!    error to the exact images after that training.
//!
//! Results go to stdout and `target/exact_pi_layer/results.md`.
//!
//! Run: `cargo run --release --example exact_pi_layer` (about 14 minutes on
//! two loaded cores with the PI-Nets cached, ~10 of them in the three runs
//! that train through the Image PI-Net; `--seeds 1` takes under 5). Flags:
//! `--seeds N` (default 3), `--epochs N` (classifier epochs on both data
//! sets; default `har_fusion`'s 20 on BasicMotions, `image_pinet`'s 15 on
//! digits), `--digits-epochs N` (digits only, over `--epochs`),
//! `--pinet-epochs N` (per stage, for PI-Nets not cached yet; default 10),
//! `--full` (PI-Net's 300 / 300 / 400 schedule for the PI-Nets, as the
//! other examples' `--full`, and 300 classifier epochs on BasicMotions),
//! `--batch N` (throughput batch, default 64).
//!
//! Paths under `target/` are under `$CARGO_TARGET_DIR` instead when that is set.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use clap::Parser;
use ndarray::{s, Array3, Array4, Axis};
use tda_pinet::io::{csv, ts};
use tda_pinet::nn::layers::{DiagramConfig, PersistenceImageLayer};
use tda_pinet::nn::metrics::{mean_sd, ConfusionMatrix};
use tda_pinet::nn::{
    copy_weights, init_keras, Classifier, ClassifierTrainer, CnnConfig, CnnInput, CnnPiFusion,
    CnnPiFusionConfig, FusionInput, ImagePiNet, ImagePiNetConfig, PiNet, SignalPiNet,
    SignalPiNetConfig, TrainConfig,
};
use tda_pinet::vectorize::{pinet_targets, PersistenceImage};

// Shared with the other PI-Net examples; each uses part of it.
#[allow(dead_code)]
mod common;

use common::{Res, Settings};
use tda_pinet::nn::tensor::to_tensor;

// Training allocates and frees large tensors many times per step; mimalloc
// keeps them mapped (see examples/har_fusion.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `har_fusion`'s and `image_pinet`'s batch-norm settling passes (part of
/// their networks' cache names).
const HAR_PINET_SETTLE: usize = common::settle::HAR_PINET;
const HAR_CLASSIFIER_SETTLE: usize = common::settle::HAR_CLASSIFIER;
const DIGITS_PINET_SETTLE: usize = common::settle::DIGITS_PINET;
const DIGITS_CLASSIFIER_SETTLE: usize = common::settle::DIGITS_CLASSIFIER;
/// Side of the digits.
const SIDE: usize = 8;

/// The exact persistence-image layer against PI-Net: error to the exact
/// images, throughput on one thread, and CNN + PI fusion classifiers
/// trained end to end through each, on BasicMotions and the 8 x 8 digits.
#[derive(Parser)]
struct Cli {
    /// Seeded classifier runs per row (at least 1)
    #[arg(long, value_name = "N", default_value_t = 3)]
    seeds: usize,
    /// Classifier epochs on both data sets (default: 20 on BasicMotions,
    /// 300 with --full, as har_fusion; 15 on digits, as image_pinet)
    #[arg(long, value_name = "N")]
    epochs: Option<usize>,
    /// Classifier epochs on digits, over --epochs (default 15; training
    /// through the Image PI-Net costs ~3 minutes per run at 15)
    #[arg(long, value_name = "N")]
    digits_epochs: Option<usize>,
    /// PI-Net epochs per stage (1e-3 then 1e-4) for networks not cached
    /// yet; the cache names follow the schedule (default 10)
    #[arg(long, value_name = "N")]
    pinet_epochs: Option<usize>,
    #[command(flatten)]
    schedule: common::ScheduleFlag,
    /// Items per batch in the throughput measurement
    #[arg(long, value_name = "N", default_value_t = 64)]
    batch: usize,
}

/// A pre-trained PI-Net of either kind.
enum Net {
    Signal(SignalPiNet),
    Image(ImagePiNet),
}

impl Net {
    /// A fresh network of `like`'s configuration with variables from `vb`.
    fn new_like(like: &Net, vb: VarBuilder) -> Res<Net> {
        Ok(match like {
            Net::Signal(n) => Net::Signal(SignalPiNet::new(n.config().clone(), vb)?),
            Net::Image(n) => Net::Image(ImagePiNet::new(n.config().clone(), vb)?),
        })
    }

    /// The differentiable forward pass.
    fn forward_t(&self, x: &Tensor, train: bool) -> tda_pinet::nn::Result<Tensor> {
        match self {
            Net::Signal(n) => n.forward_t(x, train),
            Net::Image(n) => n.forward_t(x, train),
        }
    }
}

/// What fills the fusion's PI branch, inside the forward pass.
enum Producer {
    /// The exact layer on the input's curves (images flattened row-major).
    Exact(PersistenceImageLayer),
    /// A PI-Net whose variables train with the classifier's.
    Net(Net),
}

impl Producer {
    /// Images `(batch, channels, 50, 50)` of `x` (the classifier's raw
    /// input), differentiable.
    fn images(&self, x: &Tensor, train: bool) -> tda_pinet::nn::Result<Tensor> {
        match self {
            Producer::Exact(layer) => layer.forward(&x.flatten_from(2)?),
            Producer::Net(net) => net.forward_t(x, train),
        }
    }
}

/// PI-Net's CNN + PI fusion reading only the raw input: its PI branch's
/// images are produced from the raw input inside the forward pass, so the
/// classifier's loss differentiates through the producer (into a PI-Net's
/// weights, or through the exact layer to its input).
struct EndToEnd {
    producer: Producer,
    fusion: CnnPiFusion,
}

impl Classifier for EndToEnd {
    type Input = Tensor;

    fn classes(&self) -> usize {
        self.fusion.config().cnn.classes
    }

    fn logits_t(&self, x: &Tensor, train: bool) -> tda_pinet::nn::Result<Tensor> {
        let images = self.producer.images(x, train)?.flatten_from(1)?;
        self.fusion.forward_t(
            &FusionInput {
                raw: x.clone(),
                images,
            },
            train,
        )
    }
}

/// One data set of the comparison.
struct Task {
    name: &'static str,
    /// Raw inputs as the CNN and the PI-Net read them: `(n, 3, 100)`
    /// frames or `(n, 1, 8, 8)` digits.
    train_x: Tensor,
    train_labels: Vec<usize>,
    test_x: Tensor,
    test_labels: Vec<usize>,
    /// The test items' curves `(n, channels, length)` in `f64`.
    test_curves: Array3<f64>,
    /// Their exact images `(n, channels, 50, 50)`.
    test_pi: Array4<f32>,
    recipe: PersistenceImage,
    classes: usize,
    cnn: CnnConfig,
    batch_size: usize,
    settle: usize,
    epochs: usize,
    /// The pre-trained PI-Net, its variables, and where it comes from.
    net: Net,
    net_vars: VarMap,
    net_name: String,
}

fn main() -> Res<()> {
    // Before candle starts its thread pools: the throughput measurement
    // runs on one thread (training runs in rayon's global pool).
    std::env::set_var("CANDLE_NUM_THREADS", "1");
    let cli = Cli::parse();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = common::output_dir("exact_pi_layer")?;
    std::fs::create_dir_all(&out)?;
    let t0 = Instant::now();
    let settings = |epochs: usize| Settings {
        runs: cli.seeds.max(1),
        epochs: cli.epochs.unwrap_or(epochs),
        pinet_schedule: cli.schedule.pinet_schedule(cli.pinet_epochs.unwrap_or(10)),
        retrain: false,
    };
    let har = settings(if cli.schedule.full { 300 } else { 20 });
    let digits = Settings {
        epochs: cli.digits_epochs.or(cli.epochs).unwrap_or(15),
        ..settings(15)
    };
    let tasks = [basicmotions(root, &har)?, digits_task(root, &digits)?];
    let describe = format!(
        "classifiers: Adam (lr 1e-3, beta1 0.9, eps 1e-7) over the fusion's and the PI-Net's variables, cross-entropy, {} seeded runs per row; BasicMotions: batch 16, {} epochs, batch-norm statistics settled over {HAR_CLASSIFIER_SETTLE} passes (har_fusion's); digits: batch 32, {} epochs, {DIGITS_CLASSIFIER_SETTLE} passes (image_pinet's)\n\
         PI-Nets (loaded from the other examples' caches, or trained as they do): schedule (lr, epochs) {:?}\n\
         throughput: one thread (CANDLE_NUM_THREADS=1, a one-thread rayon pool), batches of {} items, median of repeated runs",
        har.runs, har.epochs, digits.epochs, har.pinet_schedule, cli.batch
    );
    println!("\n{describe}\n");
    let mut report = format!(
        "# The exact PI layer against PI-Net\n\n{}\n\n",
        describe.replace('\n', "  \n")
    );

    // 1. Error to the exact images.
    let mut table = String::from(
        "## Error to the exact images (test items)\n\n| data | producer | MSE | max abs error |\n|---|---|---|---|\n",
    );
    println!("error to the exact images (test items):");
    for task in &tasks {
        let layer = PersistenceImageLayer::new(&task.recipe, DiagramConfig::default())?;
        let curves32 = to_tensor(&task.test_curves.mapv(|v| v as f32), &Device::Cpu)?;
        let rows = [
            (
                "exact layer, f32 input".to_string(),
                layer.forward(&curves32)?,
            ),
            (
                "exact layer, f64 input".to_string(),
                layer.forward(&Tensor::from_vec(
                    task.test_curves.iter().copied().collect::<Vec<f64>>(),
                    task.test_curves.dim(),
                    &Device::Cpu,
                )?)?,
            ),
            (
                task.net_name.clone(),
                match &task.net {
                    Net::Signal(n) => n.infer(&task.test_x)?,
                    Net::Image(n) => n.infer(&task.test_x)?,
                },
            ),
        ];
        for (name, images) in rows {
            let (mse, max) = errors(&images, &task.test_pi)?;
            let label = format!("{} ({} test items)", task.name, task.test_labels.len());
            println!("  {label:34} {name:56} MSE {mse:.3e}  max {max:.3e}");
            writeln!(table, "| {label} | {name} | {mse:.3e} | {max:.3e} |")?;
        }
    }
    report.push_str(&table);

    // 2. Throughput on one thread.
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let mut table = format!(
        "\n## Throughput, one thread, batches of {}\n\n| data | producer | forward (us / item) | forward (items / s) | forward + backward (us / item) | forward + backward (items / s) | input values with a non-zero gradient |\n|---|---|---|---|---|---|---|\n",
        cli.batch
    );
    println!("\nthroughput, one thread, batches of {}:", cli.batch);
    for task in &tasks {
        let layer = PersistenceImageLayer::new(&task.recipe, DiagramConfig::default())?;
        let n = cli.batch.max(1);
        let x = batch_of(&task.test_x, &task.train_x, n)?;
        let exact = Producer::Exact(layer);
        let learned = Producer::Net(clone_net(&task.net));
        for (name, producer) in [
            ("exact layer".to_string(), &exact),
            (task.net_name.clone(), &learned),
        ] {
            let timing = one_thread
                .install(|| throughput(producer, &x))
                .map_err(|e| format!("throughput of {name}: {e}"))?;
            let [fwd, both] = [timing.forward, timing.both].map(|s| s * 1e6 / n as f64);
            println!(
                "  {:14} {name:56} forward {fwd:9.1} us/item ({:8.0} /s)  fwd+bwd {both:9.1} us/item ({:8.0} /s)  non-zero grad {:.1} %",
                task.name,
                1e6 / fwd,
                1e6 / both,
                100.0 * timing.nonzero
            );
            writeln!(
                table,
                "| {} | {name} | {fwd:.1} | {:.0} | {both:.1} | {:.0} | {:.1} % |",
                task.name,
                1e6 / fwd,
                1e6 / both,
                100.0 * timing.nonzero
            )?;
        }
        // For reference: the same images on the host (tda_vectorize, f64,
        // no autograd).
        let flat = x.flatten_from(2)?;
        let dims = flat.dims3()?;
        let curves = Array3::from_shape_vec(
            dims,
            flat.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?,
        )?;
        let host = one_thread
            .install(|| {
                median_secs(|| {
                    pinet_targets(curves.view(), &task.recipe).map_err(|e| e.to_string())?;
                    Ok(())
                })
            })
            .map_err(|e| format!("throughput of pinet_targets: {e}"))?;
        let host = host * 1e6 / n as f64;
        let name = "tda_vectorize::pinet_targets (host f64, no autograd)";
        println!(
            "  {:14} {name:56} forward {host:9.1} us/item ({:8.0} /s)",
            task.name,
            1e6 / host
        );
        writeln!(
            table,
            "| {} | {name} | {host:.1} | {:.0} | - | - | - |",
            task.name,
            1e6 / host
        )?;
    }
    report.push_str(&table);

    // 3. Classifiers trained end to end through each.
    let mut table = format!(
        "\n## CNN + PI fusion trained end to end, mean +- sd over {} runs\n\n| data | PI branch fed by | weighted F1 (%) | accuracy (%) | PI-Net's MSE to the exact test images after training | s per run |\n|---|---|---|---|---|---|\n",
        har.runs
    );
    println!(
        "\nCNN + PI fusion trained end to end, mean +- sd over {} runs:",
        har.runs
    );
    for task in &tasks {
        for exact in [true, false] {
            let name = if exact {
                "exact layer (no weights)".to_string()
            } else {
                format!("{}, trained with the classifier", task.net_name)
            };
            let t = Instant::now();
            let (mut f1s, mut accs, mut mses) = (Vec::new(), Vec::new(), Vec::new());
            for seed in 0..har.runs as u64 {
                let run = train_end_to_end(task, exact, seed)?;
                f1s.push(100.0 * run.f1);
                accs.push(100.0 * run.accuracy);
                mses.extend(run.mse);
            }
            let secs = t.elapsed().as_secs_f64() / har.runs as f64;
            let ((f1, f1_sd), (acc, acc_sd)) = (mean_sd(&f1s), mean_sd(&accs));
            let mse = if mses.is_empty() {
                "-".to_string()
            } else {
                let (m, sd) = mean_sd(&mses);
                format!("{m:.3e} +- {sd:.1e}")
            };
            println!(
                "  {:14} {name:72} F1 {f1:6.2} +- {f1_sd:5.2}  acc {acc:6.2} +- {acc_sd:5.2}  PI MSE {mse:20} {secs:6.1} s/run",
                task.name
            );
            writeln!(
                table,
                "| {} | {name} | {f1:.2} +- {f1_sd:.2} | {acc:.2} +- {acc_sd:.2} | {mse} | {secs:.1} |",
                task.name
            )?;
        }
    }
    report.push_str(&table);
    let total = t0.elapsed().as_secs_f64();
    writeln!(report, "\nTotal run time {total:.0} s.")?;
    tda_pinet::io::write_file(out.join("results.md"), report.as_bytes())?;
    println!(
        "\nwrote {}; total {total:.0} s",
        out.join("results.md").display()
    );
    Ok(())
}

/// Mean squared and largest absolute difference between `images` (any
/// float dtype) and the exact images `exact`, computed in `f64`.
fn errors(images: &Tensor, exact: &Array4<f32>) -> Res<(f64, f64)> {
    let got = images
        .to_dtype(DType::F64)?
        .flatten_all()?
        .to_vec1::<f64>()?;
    if got.len() != exact.len() {
        return Err(format!("{} values against {} exact ones", got.len(), exact.len()).into());
    }
    let (mut sq, mut max) = (0.0f64, 0.0f64);
    for (g, &e) in got.iter().zip(exact.iter()) {
        let d = (g - f64::from(e)).abs();
        sq += d * d;
        max = max.max(d);
    }
    Ok((sq / got.len() as f64, max))
}

/// The first `n` items of `first` then `second` (cycling if needed).
fn batch_of(first: &Tensor, second: &Tensor, n: usize) -> Res<Tensor> {
    let all = Tensor::cat(&[first, second], 0)?;
    let total = all.dim(0)?;
    let idx: Vec<u32> = (0..n).map(|i| (i % total) as u32).collect();
    Ok(all.index_select(&Tensor::new(idx.as_slice(), &Device::Cpu)?, 0)?)
}

/// The same network (its variables shared), for the throughput runs.
fn clone_net(net: &Net) -> Net {
    match net {
        Net::Signal(n) => Net::Signal(n.clone()),
        Net::Image(n) => Net::Image(n.clone()),
    }
}

/// Seconds per batch (median), and the fraction of input values whose
/// gradient is non-zero.
struct Timing {
    forward: f64,
    both: f64,
    nonzero: f64,
}

/// Times `producer` on `x` in inference mode (a PI-Net's batch norm with
/// its running statistics): the forward pass alone, and the forward pass
/// with the backward pass of the output's sum with respect to `x` (which,
/// for a PI-Net, also computes its weights' gradients, as a training step
/// does). Errors as strings (the closure runs in another thread pool).
fn throughput(producer: &Producer, x: &Tensor) -> Result<Timing, String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let forward = median_secs(|| {
        producer.images(x, false).map_err(|e| fail(&e))?;
        Ok(())
    })?;
    let var = Var::from_tensor(x).map_err(|e| fail(&e))?;
    let step = || -> Result<Tensor, String> {
        let y = producer
            .images(var.as_tensor(), false)
            .map_err(|e| fail(&e))?;
        let grads = y
            .sum_all()
            .and_then(|s| s.backward())
            .map_err(|e| fail(&e))?;
        grads
            .get(var.as_tensor())
            .cloned()
            .ok_or_else(|| "no gradient reached the input".to_string())
    };
    let both = median_secs(|| step().map(|_| ()))?;
    let grad = step()?
        .flatten_all()
        .and_then(|g| g.to_dtype(DType::F64))
        .and_then(|g| g.to_vec1::<f64>())
        .map_err(|e| fail(&e))?;
    let nonzero = grad.iter().filter(|g| **g != 0.0).count() as f64 / grad.len() as f64;
    Ok(Timing {
        forward,
        both,
        nonzero,
    })
}

/// The median wall-clock seconds of `f` after one warm-up call: at least 5
/// calls, more until 2 s have passed (at most 100).
fn median_secs(mut f: impl FnMut() -> Result<(), String>) -> Result<f64, String> {
    f()?;
    let start = Instant::now();
    let mut secs = Vec::new();
    while secs.len() < 5 || (start.elapsed().as_secs_f64() < 2.0 && secs.len() < 100) {
        let t = Instant::now();
        f()?;
        secs.push(t.elapsed().as_secs_f64());
    }
    secs.sort_by(f64::total_cmp);
    Ok(secs[secs.len() / 2])
}

/// One end-to-end classifier run.
struct Run {
    f1: f64,
    accuracy: f64,
    /// The PI-Net's MSE to the exact test images after training.
    mse: Option<f64>,
}

/// Trains the fusion classifier of `task` with its PI branch fed by the
/// exact layer (`exact`) or by a copy of the pre-trained PI-Net (trained
/// along), from `seed`; scores it on the test items.
fn train_end_to_end(task: &Task, exact: bool, seed: u64) -> Res<Run> {
    let vars = VarMap::new();
    let vb = VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu);
    let fusion = CnnPiFusion::new(
        CnnPiFusionConfig {
            cnn: task.cnn.clone(),
            pi_inputs: task.test_pi.len() / task.test_pi.dim().0,
            ..CnnPiFusionConfig::default()
        },
        vb.pp("fusion"),
    )?;
    let producer = if exact {
        Producer::Exact(PersistenceImageLayer::new(
            &task.recipe,
            DiagramConfig::default(),
        )?)
    } else {
        Producer::Net(Net::new_like(&task.net, vb.pp("pinet"))?)
    };
    // The fusion's variables (named `fusion.*`, drawn first in name
    // order) start as the other examples' do from the same seed; the
    // PI-Net's are then set to the pre-trained weights.
    init_keras(&vars, seed)?;
    if !exact {
        let all = vars.data().lock().map_err(|_| "poisoned variable map")?;
        for (name, var) in task
            .net_vars
            .data()
            .lock()
            .map_err(|_| "poisoned variable map")?
            .iter()
        {
            all.get(&format!("pinet.{name}"))
                .ok_or_else(|| format!("no variable pinet.{name}"))?
                .set(var.as_tensor())?;
        }
    }
    let model = EndToEnd { producer, fusion };
    let trainer = ClassifierTrainer::new(TrainConfig {
        batch_size: task.batch_size,
        seed,
        settle_batch_norm: task.settle,
        ..TrainConfig::keras_adam(vec![(1e-3, task.epochs)])
    })?;
    trainer.fit(&model, &vars, &task.train_x, &task.train_labels, None)?;
    let predicted = trainer.predict(&model, &task.test_x)?;
    let cm = ConfusionMatrix::new(&task.test_labels, &predicted, task.classes)?;
    let mse = match &model.producer {
        Producer::Exact(_) => None,
        Producer::Net(net) => {
            let mut parts = Vec::new();
            for start in (0..task.test_labels.len()).step_by(128) {
                let len = 128.min(task.test_labels.len() - start);
                parts.push(net.forward_t(&task.test_x.narrow(0, start, len)?, false)?);
            }
            Some(errors(&Tensor::cat(&parts, 0)?, &task.test_pi)?.0)
        }
    };
    Ok(Run {
        f1: cm.weighted_f1(),
        accuracy: cm.accuracy(),
        mse,
    })
}

/// BasicMotions' accelerometer frames and `har_fusion`'s Signal PI-Net
/// trained on the training frames.
fn basicmotions(root: &Path, settings: &Settings) -> Res<Task> {
    let load = |file: &str| -> Res<(Array3<f64>, Vec<usize>, usize)> {
        let ds = ts::read(root.join("data/basicmotions").join(file))?;
        let labels = ds.label_indices()?;
        let frames = ds.data.slice(s![.., 0..3, ..]).to_owned();
        Ok((frames, labels, ds.class_names.len()))
    };
    let (train, train_labels, classes) = load("BasicMotions_TRAIN.ts")?;
    let (test, test_labels, _) = load("BasicMotions_TEST.ts")?;
    let recipe = PersistenceImage::pinet_signal();
    let net_vars = VarMap::new();
    let net = SignalPiNet::new(
        SignalPiNetConfig::default(),
        VarBuilder::from_varmap(&net_vars, DType::F32, &Device::Cpu),
    )?;
    let cache = common::output_dir("har_fusion")?;
    std::fs::create_dir_all(&cache)?;
    let path = cache.join(settings.cache_name("signal_pinet_basicmotions", HAR_PINET_SETTLE));
    common::train_or_load(
        "Signal PI-Net (basicmotions, har_fusion's)",
        &net,
        &net_vars,
        &path,
        settings,
        HAR_PINET_SETTLE,
        None,
        || {
            init_keras(&net_vars, 0)?;
            let y = pinet_targets(train.view(), &recipe)?;
            Ok((
                to_tensor(&train.mapv(|v| v as f32), &Device::Cpu)?,
                to_tensor(&y, &Device::Cpu)?,
            ))
        },
    )?;
    Ok(Task {
        name: "BasicMotions",
        train_x: to_tensor(&train.mapv(|v| v as f32), &Device::Cpu)?,
        train_labels,
        test_x: to_tensor(&test.mapv(|v| v as f32), &Device::Cpu)?,
        test_labels,
        test_pi: pinet_targets(test.view(), &recipe)?,
        test_curves: test,
        recipe,
        classes,
        cnn: CnnConfig::paper_1d(3, 100, classes),
        batch_size: 16,
        settle: HAR_CLASSIFIER_SETTLE,
        epochs: settings.epochs,
        net: Net::Signal(net),
        net_vars,
        net_name: "Signal PI-Net (har_fusion's, trained on BM)".into(),
    })
}

/// The 8 x 8 digits (even rows train, odd rows test, grey levels / 16)
/// and `image_pinet`'s Image PI-Net fine-tuned on 5-9 (trained on 0-4
/// first when neither is cached).
fn digits_task(root: &Path, settings: &Settings) -> Res<Task> {
    let table = csv::read(
        root.join("data/digits/digits.csv.gz"),
        &csv::CsvOptions {
            header: false,
            ..csv::CsvOptions::default()
        },
    )?;
    if table.data.ncols() != SIDE * SIDE + 1 {
        return Err("digits.csv.gz: expected 65 columns".into());
    }
    let split = |parity: usize| -> Res<(Array4<f64>, Vec<usize>)> {
        let rows: Vec<usize> = (0..table.data.nrows())
            .filter(|i| i % 2 == parity)
            .collect();
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
        Ok((images, labels))
    };
    let (train, train_labels) = split(0)?;
    let (test, test_labels) = split(1)?;
    let recipe = PersistenceImage::pinet_image();
    // Each digit flattened row-major to one curve, as image_pinet does.
    let curves = |images: &Array4<f64>| -> Res<Array3<f64>> {
        Ok(images
            .to_shape((images.dim().0, 1, SIDE * SIDE))?
            .to_owned())
    };
    let only = |keep: fn(usize) -> bool| -> Array4<f64> {
        let idx: Vec<usize> = (0..train_labels.len())
            .filter(|&i| keep(train_labels[i]))
            .collect();
        train.select(Axis(0), &idx)
    };
    let cache = common::output_dir("image_pinet")?;
    std::fs::create_dir_all(&cache)?;
    let new_net = |vars: &VarMap| -> Res<ImagePiNet> {
        Ok(ImagePiNet::new(
            ImagePiNetConfig {
                height: SIDE,
                width: SIDE,
                channels: 1,
                ..ImagePiNetConfig::default()
            },
            VarBuilder::from_varmap(vars, DType::F32, &Device::Cpu),
        )?)
    };
    let data = |images: &Array4<f64>| -> Res<(Tensor, Tensor)> {
        let y = pinet_targets(curves(images)?.view(), &recipe)?;
        Ok((
            to_tensor(&images.mapv(|v| v as f32), &Device::Cpu)?,
            to_tensor(&y, &Device::Cpu)?,
        ))
    };
    // image_pinet's transfer: trained on 0-4, the head fine-tuned on 5-9.
    let net_vars = VarMap::new();
    let mut net = new_net(&net_vars)?;
    let trainable = Some(net.head_prefixes());
    net.freeze_blocks(3);
    let cached = |stem: &str| {
        cache.join(settings.cache_name(&format!("image_pinet_{stem}"), DIGITS_PINET_SETTLE))
    };
    common::train_or_load(
        "Image PI-Net (finetuned_5-9, image_pinet's)",
        &net,
        &net_vars,
        &cached("finetuned_5-9"),
        settings,
        DIGITS_PINET_SETTLE,
        trainable,
        || {
            let source_vars = VarMap::new();
            let source = new_net(&source_vars)?;
            common::train_or_load(
                "Image PI-Net (source_0-4, image_pinet's)",
                &source,
                &source_vars,
                &cached("source_0-4"),
                settings,
                DIGITS_PINET_SETTLE,
                None,
                || {
                    init_keras(&source_vars, 0)?;
                    data(&only(|l| l < 5))
                },
            )?;
            init_keras(&net_vars, 0)?;
            copy_weights(&source_vars, &net_vars)?;
            data(&only(|l| l >= 5))
        },
    )?;
    let test_curves = curves(&test)?;
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
    Ok(Task {
        name: "digits",
        train_x: to_tensor(&train.mapv(|v| v as f32), &Device::Cpu)?,
        train_labels,
        test_x: to_tensor(&test.mapv(|v| v as f32), &Device::Cpu)?,
        test_labels,
        test_pi: pinet_targets(test_curves.view(), &recipe)?,
        test_curves,
        recipe,
        classes: 10,
        cnn,
        batch_size: 32,
        settle: DIGITS_CLASSIFIER_SETTLE,
        epochs: settings.epochs,
        net: Net::Image(net),
        net_vars,
        net_name: "Image PI-Net (image_pinet's, 0-4 then 5-9)".into(),
    })
}
