//! Training, checkpoints and transfer learning.

mod common;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use common::snapshot;
use tda_nn::*;

fn cfg() -> SignalPiNetConfig {
    SignalPiNetConfig {
        length: 16,
        channels: 2,
        filters: vec![4, 4, 6, 8],
        kernel: 3,
        resolution: 4,
    }
}

fn model(vars: &VarMap, cfg: SignalPiNetConfig, seed: u64) -> Result<SignalPiNet> {
    let net = SignalPiNet::new(cfg, VarBuilder::from_varmap(vars, DType::F32, &Device::Cpu))?;
    init_keras(vars, seed)?;
    Ok(net)
}

fn data(n: usize) -> Result<(Tensor, Tensor)> {
    let dev = Device::Cpu;
    let x: Vec<f32> = (0..n * 2 * 16)
        .map(|i| ((i * 37 % 23) as f32 / 23.0 - 0.5) * 2.0)
        .collect();
    let y: Vec<f32> = (0..n * 2 * 16).map(|i| (i * 11 % 7) as f32 / 7.0).collect();
    Ok((
        Tensor::from_vec(x, (n, 2, 16), &dev)?,
        Tensor::from_vec(y, (n, 2, 4, 4), &dev)?,
    ))
}

fn quiet(schedule: Vec<(f64, usize)>) -> TrainConfig {
    TrainConfig {
        schedule,
        batch_size: 4,
        ..TrainConfig::default()
    }
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tda-nn-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn trainer_logs_every_epoch_and_checkpoints_atomically() -> Result<()> {
    let vars = VarMap::new();
    let net = model(&vars, cfg(), 1)?;
    let (x, y) = data(10)?;
    let dir = temp_dir("ckpt");
    let path = dir.join("net.safetensors");
    let trainer = PiNetTrainer::new(TrainConfig {
        checkpoint: Some(path.clone()),
        ..quiet(vec![(1e-2, 2), (1e-3, 1)])
    })?;
    let logs = trainer.fit(&net, &vars, &x, &y, Some((&x, &y)))?;
    assert_eq!(
        logs.iter().map(|l| (l.epoch, l.lr)).collect::<Vec<_>>(),
        vec![(1, 1e-2), (2, 1e-2), (3, 1e-3)]
    );
    assert!(logs
        .iter()
        .all(|l| l.train_loss.is_finite() && l.val_loss.is_some_and(f64::is_finite)));
    // Only the checkpoint is left in the directory: no temporary file.
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, vec![std::ffi::OsString::from("net.safetensors")]);
    // Resuming from it runs only what is left of the schedule.
    let again = PiNetTrainer::new(quiet(vec![(1e-2, 2), (1e-3, 2)]))?;
    let logs = again.resume(&net, &vars, &path, &x, &y, None)?;
    assert_eq!(logs.iter().map(|l| l.epoch).collect::<Vec<_>>(), vec![4]);
    std::fs::remove_dir_all(dir).unwrap();
    Ok(())
}

#[test]
fn save_and_load_round_trip_gives_identical_outputs() -> Result<()> {
    let (x, y) = data(6)?;
    let vars = VarMap::new();
    let net = model(&vars, cfg(), 2)?;
    PiNetTrainer::new(quiet(vec![(1e-2, 2)]))?.fit(&net, &vars, &x, &y, None)?;
    let dir = temp_dir("roundtrip");
    let path = dir.join("w.safetensors");
    save_checkpoint(&vars, &path, None)?;
    let other = VarMap::new();
    let net2 = model(&other, cfg(), 99)?;
    assert_eq!(load_checkpoint(&other, &path)?, None);
    let (a, b) = (net.infer(&x)?, net2.infer(&x)?);
    assert_eq!(
        a.flatten_all()?.to_vec1::<f32>()?,
        b.flatten_all()?.to_vec1::<f32>()?
    );
    // A checkpoint of another configuration names the first bad tensor
    // and leaves the model unchanged.
    let wide = VarMap::new();
    let mut c = cfg();
    c.resolution = 5;
    let _net3 = model(&wide, c, 3)?;
    let before = snapshot(&wide);
    match load_checkpoint(&wide, &path) {
        Err(Error::Checkpoint { name, .. }) => assert_eq!(name, "dense.bias"),
        other => panic!("{other:?}"),
    }
    assert_eq!(snapshot(&wide), before);
    let missing = load_checkpoint(&wide, &dir.join("none.safetensors"));
    assert!(matches!(missing, Err(Error::Io { .. })));
    std::fs::write(dir.join("junk.safetensors"), b"not a checkpoint").unwrap();
    assert!(matches!(
        load_checkpoint(&wide, &dir.join("junk.safetensors")),
        Err(Error::Candle(_))
    ));
    std::fs::remove_dir_all(dir).unwrap();
    Ok(())
}

#[test]
fn copied_weights_give_identical_outputs_and_mismatches_are_named() -> Result<()> {
    let (x, y) = data(6)?;
    let source = VarMap::new();
    let net = model(&source, cfg(), 2)?;
    PiNetTrainer::new(quiet(vec![(1e-2, 2)]))?.fit(&net, &source, &x, &y, None)?;
    let target = VarMap::new();
    let net2 = model(&target, cfg(), 77)?;
    copy_weights(&source, &target)?;
    assert_eq!(
        net.infer(&x)?.flatten_all()?.to_vec1::<f32>()?,
        net2.infer(&x)?.flatten_all()?.to_vec1::<f32>()?
    );
    // The copy is a copy: training the target leaves the source alone.
    let before = snapshot(&source);
    PiNetTrainer::new(quiet(vec![(1e-2, 1)]))?.fit(&net2, &target, &x, &y, None)?;
    assert_eq!(snapshot(&source), before);
    // Another configuration: the first bad tensor is named, nothing changes.
    let wide = VarMap::new();
    let mut c = cfg();
    c.resolution = 5;
    let _net3 = model(&wide, c, 3)?;
    let before = snapshot(&wide);
    match copy_weights(&source, &wide) {
        Err(Error::WeightsMismatch { name, reason }) => {
            assert_eq!(name, "dense.bias");
            assert!(reason.contains("source model"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(snapshot(&wide), before);
    // A model copied onto itself (no deadlock) is unchanged.
    let before = snapshot(&source);
    copy_weights(&source, &source)?;
    assert_eq!(snapshot(&source), before);
    Ok(())
}

#[test]
fn fine_tuning_the_head_leaves_frozen_blocks_bit_identical() -> Result<()> {
    let (x, y) = data(8)?;
    let vars = VarMap::new();
    let mut net = model(&vars, cfg(), 4)?;
    PiNetTrainer::new(quiet(vec![(1e-2, 1)]))?.fit(&net, &vars, &x, &y, None)?;
    let before = snapshot(&vars);
    // Transfer: freeze blocks 1-3 (batch norm in inference mode too) and
    // train from the 4th block to the output.
    net.freeze_blocks(3);
    let head = net.head_prefixes();
    assert_eq!(
        head,
        vec!["encoder.block3.".to_string(), "dense.".to_string()]
    );
    let trainer = PiNetTrainer::new(TrainConfig {
        trainable: Some(head.clone()),
        ..quiet(vec![(1e-2, 2)])
    })?;
    trainer.fit(&net, &vars, &x, &y, None)?;
    let after = snapshot(&vars);
    let mut changed = 0;
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        if head.iter().any(|p| name.starts_with(p.as_str())) {
            changed += usize::from(a != b);
        } else {
            assert_eq!(a, b, "frozen variable {name} changed");
        }
    }
    assert!(changed >= 4, "only {changed} head variables changed");
    Ok(())
}

#[test]
fn the_image_pinet_fine_tunes_its_head_with_frozen_blocks_bit_identical() -> Result<()> {
    let dev = Device::Cpu;
    let cfg = ImagePiNetConfig {
        height: 6,
        width: 5,
        channels: 2,
        filters: vec![4, 4, 6, 8],
        kernel: 3,
        resolution: 4,
    };
    let vars = VarMap::new();
    let mut net = ImagePiNet::new(cfg, VarBuilder::from_varmap(&vars, DType::F32, &dev))?;
    init_keras(&vars, 5)?;
    let x: Vec<f32> = (0..8 * 60).map(|i| (i * 13 % 17) as f32 / 17.0).collect();
    let y: Vec<f32> = (0..8 * 32).map(|i| (i * 5 % 9) as f32 / 9.0).collect();
    let (x, y) = (
        Tensor::from_vec(x, (8, 2, 6, 5), &dev)?,
        Tensor::from_vec(y, (8, 2, 4, 4), &dev)?,
    );
    let logs = PiNetTrainer::new(quiet(vec![(1e-2, 2)]))?.fit(&net, &vars, &x, &y, None)?;
    assert_eq!(logs.len(), 2);
    let before = snapshot(&vars);
    net.freeze_blocks(3);
    let head = net.head_prefixes();
    assert_eq!(head, ["encoder.block3.", "dense.", "deconv.", "bn."]);
    let trainer = PiNetTrainer::new(TrainConfig {
        trainable: Some(head.clone()),
        ..quiet(vec![(1e-2, 2)])
    })?;
    trainer.fit(&net, &vars, &x, &y, None)?;
    let mut changed = 0;
    for ((name, a), (_, b)) in before.iter().zip(&snapshot(&vars)) {
        if head.iter().any(|p| name.starts_with(p.as_str())) {
            changed += usize::from(a != b);
        } else {
            assert_eq!(a, b, "frozen variable {name} changed");
        }
    }
    assert!(changed >= 6, "only {changed} head variables changed");
    Ok(())
}

#[test]
fn settling_batch_norm_makes_inference_match_training_mode() -> Result<()> {
    let (x, y) = data(8)?;
    let run = |settle: usize| -> Result<(f64, f64)> {
        let vars = VarMap::new();
        let net = model(&vars, cfg(), 2)?;
        let trainer = PiNetTrainer::new(TrainConfig {
            batch_size: 8,
            settle_batch_norm: settle,
            ..quiet(vec![(1e-2, 3)])
        })?;
        trainer.fit(&net, &vars, &x, &y, None)?;
        let inference = trainer.evaluate(&net, &x, &y)?;
        let training_mode = candle_nn::loss::mse(&net.forward_t(&x, true)?, &y)?;
        Ok((inference, f64::from(training_mode.to_scalar::<f32>()?)))
    };
    let (raw, t1) = run(0)?;
    let (settled, t2) = run(700)?;
    // Settling changes no weight, so training-mode losses agree.
    assert!((t1 - t2).abs() < 1e-6 * t1, "{t1} vs {t2}");
    assert!(
        (settled - t2).abs() < 0.02 * t2,
        "settled {settled} vs training mode {t2}"
    );
    assert!(
        (raw - t1).abs() > 5.0 * (settled - t2).abs(),
        "raw {raw}, settled {settled}, training mode {t1}"
    );
    Ok(())
}

#[test]
fn bad_training_configs_are_typed_errors() -> Result<()> {
    let bad = |c: TrainConfig| PiNetTrainer::new(c).unwrap_err();
    assert!(matches!(
        bad(quiet(vec![])),
        Error::InvalidConfig {
            name: "schedule",
            ..
        }
    ));
    assert!(matches!(
        bad(quiet(vec![(0.0, 3)])),
        Error::InvalidConfig {
            name: "schedule",
            ..
        }
    ));
    assert!(matches!(
        bad(TrainConfig {
            batch_size: 0,
            ..quiet(vec![(1e-3, 1)])
        }),
        Error::InvalidConfig {
            name: "batch_size",
            ..
        }
    ));
    assert!(matches!(
        bad(TrainConfig {
            beta1: 1.0,
            ..quiet(vec![(1e-3, 1)])
        }),
        Error::InvalidConfig { name: "beta1", .. }
    ));
    assert!(matches!(
        bad(TrainConfig {
            eps: 0.0,
            ..quiet(vec![(1e-3, 1)])
        }),
        Error::InvalidConfig { name: "eps", .. }
    ));
    let vars = VarMap::new();
    let net = model(&vars, cfg(), 5)?;
    let (x, y) = data(4)?;
    let trainer = PiNetTrainer::new(TrainConfig {
        trainable: Some(vec!["nothing.".into()]),
        ..quiet(vec![(1e-3, 1)])
    })?;
    assert!(matches!(
        trainer.fit(&net, &vars, &x, &y, None),
        Err(Error::InvalidConfig {
            name: "trainable",
            ..
        })
    ));
    let plain = PiNetTrainer::new(quiet(vec![(1e-3, 1)]))?;
    let (_, y3) = data(3)?;
    assert!(matches!(
        plain.fit(&net, &vars, &x, &y3, None),
        Err(Error::Shape { name: "y", .. })
    ));
    let (x_wrong, _) = (Tensor::zeros((4, 3, 16), DType::F32, &Device::Cpu)?, ());
    assert!(matches!(
        plain.fit(&net, &vars, &x_wrong, &y, None),
        Err(Error::Shape { name: "x", .. })
    ));
    Ok(())
}
