//! Signal PI-Net on BasicMotions: test MSE after training on its training
//! set, and after training on Daphnet accelerometer frames only (the
//! paper's cross-data-set setting, GeneActiv -> USC-HAD, in miniature).
//!
//! Inputs are the accelerometer channels (3 x 100 samples); targets are the
//! exact PI-Net persistence images of each channel
//! (`PersistenceImage::pinet_signal`: sublevel H0, legacy 50 x 50 grid,
//! sigma 0.25, birth range [-10, 10], divided by the maximum). Daphnet
//! (ankle accelerometer, 64 Hz, milli-g) is converted to g, resampled to
//! 10 Hz by taking every 6th sample (~10.7 Hz) and cut into windows of 100
//! samples every 10 samples.
//!
//! Run: `cargo run --release --example pinet_basicmotions` (a short
//! schedule: 15 epochs at 1e-3, then 15 at 1e-4; about 2.5 minutes on two
//! cores), `-- --epochs N` for N per stage, or `-- --full` for the paper's
//! 300 / 300 / 400 epochs at 1e-3 / 1e-4 / 1e-5 (about 26 minutes); `--
//! --eps E` sets Adam's epsilon (default 0.1, PI-Net's published code;
//! Keras' default is 1e-7). Results: `docs/benchmarks.md`; each network's
//! training and validation loss per epoch: `target/pinet_basicmotions/*.png`.

use std::path::Path;
use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use clap::Parser;
use ndarray::{s, Array3};
use tda_pinet::io::ts;
use tda_pinet::nn::tensor::to_tensor;
use tda_pinet::nn::{init_keras, PiNetTrainer, SignalPiNet, SignalPiNetConfig, TrainConfig};
use tda_pinet::vectorize::{pinet_targets, PersistenceImage};

// Shared with the other PI-Net examples; each uses part of it.
#[allow(dead_code)]
mod common;

use common::{daphnet_frames, EpochBar, Res};

/// Signal PI-Net on BasicMotions: test MSE after training on BasicMotions,
/// and after training on Daphnet accelerometer frames only.
#[derive(Parser)]
struct Cli {
    /// PI-Net epochs per stage, two stages at 1e-3 then 1e-4 (ignored with
    /// --full)
    #[arg(long, value_name = "N", default_value_t = 15)]
    epochs: usize,
    #[command(flatten)]
    schedule: common::ScheduleFlag,
    /// Adam's epsilon: 0.1 in PI-Net's published code, 1e-7 Keras' default
    #[arg(long, value_name = "E", default_value_t = 0.1)]
    eps: f64,
}

fn main() -> Res<()> {
    let cli = Cli::parse();
    let (schedule, eps) = (cli.schedule.pinet_schedule(cli.epochs), cli.eps);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let out = common::output_dir("pinet_basicmotions")?;
    let accel = |split: &str| -> Res<Array3<f64>> {
        let ds = ts::read(root.join(format!("basicmotions/BasicMotions_{split}.ts")))?;
        Ok(ds.data.slice(s![.., 0..3, ..]).to_owned())
    };
    let (train, test) = (accel("TRAIN")?, accel("TEST")?);
    let daphnet = daphnet_frames(&root.join("daphnet/S06R02E0.csv"))?;
    let recipe = PersistenceImage::pinet_signal();
    let t0 = Instant::now();
    let (y_train, y_test, y_daph) = (
        pinet_targets(train.view(), &recipe)?,
        pinet_targets(test.view(), &recipe)?,
        pinet_targets(daphnet.view(), &recipe)?,
    );
    let exact_us =
        t0.elapsed().as_secs_f64() * 1e6 / (train.dim().0 + test.dim().0 + daphnet.dim().0) as f64;
    println!(
        "BasicMotions: {} train + {} test frames of 3 x 100; Daphnet: {} frames",
        train.dim().0,
        test.dim().0,
        daphnet.dim().0
    );
    println!("exact targets: {exact_us:.1} us per frame (3 channels)");
    println!(
        "schedule (learning rate, epochs): {schedule:?}, batch 128, Adam beta1 0.99 eps {eps}\n"
    );

    let dev = Device::Cpu;
    let x = |a: &Array3<f64>| -> Res<Tensor> { Ok(to_tensor(&a.mapv(|v| v as f32), &dev)?) };
    let y = |a: &ndarray::Array4<f32>| -> Res<Tensor> { Ok(to_tensor(a, &dev)?) };
    let (xt_test, yt_test) = (x(&test)?, y(&y_test)?);

    // Baselines: all zeros, and the mean training image.
    let zeros = yt_test.zeros_like()?;
    let mse0 = candle_nn::loss::mse(&zeros, &yt_test)?.to_scalar::<f32>()?;
    let mean = y(&y_train)?
        .mean_keepdim(0)?
        .broadcast_as(yt_test.shape())?;
    let mse_mean = candle_nn::loss::mse(&mean, &yt_test)?.to_scalar::<f32>()?;

    let mut rows = vec![
        ("predict zeros".to_string(), f64::from(mse0), 0.0),
        (
            "predict the mean training image".to_string(),
            f64::from(mse_mean),
            0.0,
        ),
    ];
    for (name, xs, ys) in [
        (
            "Signal PI-Net trained on BasicMotions TRAIN",
            x(&train)?,
            y(&y_train)?,
        ),
        (
            "Signal PI-Net trained on Daphnet only",
            x(&daphnet)?,
            y(&y_daph)?,
        ),
    ] {
        println!("{name}:");
        let vars = VarMap::new();
        let net = SignalPiNet::new(
            SignalPiNetConfig::default(),
            VarBuilder::from_varmap(&vars, DType::F32, &dev),
        )?;
        init_keras(&vars, 0)?;
        let trainer = PiNetTrainer::new(TrainConfig {
            schedule: schedule.clone(),
            eps,
            ..TrainConfig::default()
        })?;
        let t = Instant::now();
        let bar = EpochBar::new(&schedule);
        let val = Some((&xt_test, &yt_test));
        let logs = trainer.fit_with(&net, &vars, &xs, &ys, val, |log| bar.update(log))?;
        bar.finish();
        common::plot_training(
            &out.join(format!("{}.png", common::slug(name))),
            name,
            &format!(
                "Adam (beta1 0.99, eps {eps}), batch 128, {}; MSE; validation: BasicMotions TEST",
                common::schedule_words(&schedule)
            ),
            &logs,
        )?;
        let secs = t.elapsed().as_secs_f64();
        if let (Some(first), Some(last)) = (logs.first(), logs.last()) {
            println!(
                "  train MSE {:.4e} -> {:.4e}; {:.2} s per epoch",
                first.train_loss,
                last.train_loss,
                secs / logs.len() as f64
            );
        }
        let test_mse = trainer.evaluate(&net, &xt_test, &yt_test)?;
        let t = Instant::now();
        net.infer(&xt_test)?;
        let infer_us = t.elapsed().as_secs_f64() * 1e6 / test.dim().0 as f64;
        rows.push((name.to_string(), test_mse, infer_us));
    }
    println!("\nBasicMotions TEST, MSE against the exact persistence images:");
    println!(
        "{:48} {:>12} {:>16}",
        "predictor", "test MSE", "us per frame"
    );
    for (name, mse, us) in rows {
        println!("{name:48} {mse:>12.4e} {us:>16.1}");
    }
    Ok(())
}
