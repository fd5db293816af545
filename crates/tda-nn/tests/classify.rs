//! Classifiers: shapes, bad input, overfitting a tiny problem, seeded
//! reproducibility, checkpoint round trips.

mod common;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarMap;
use common::vb;
use rand::{Rng, SeedableRng};
use rand_xoshiro::SplitMix64;
use tda_nn::*;

fn small_mlp(inputs: usize, classes: usize) -> MlpConfig {
    MlpConfig {
        inputs,
        hidden: vec![16, 8],
        dropout: 0.2,
        classes,
        seed: 3,
    }
}

fn small_cnn(channels: usize, length: usize, classes: usize) -> CnnConfig {
    CnnConfig {
        input: CnnInput::Signal { channels, length },
        filters: vec![6; 4],
        pools: vec![Some(1), Some(2), Some(1), None],
        kernel: 3,
        classes,
    }
}

fn quiet(schedule: Vec<(f64, usize)>) -> TrainConfig {
    TrainConfig {
        batch_size: 8,
        ..TrainConfig::keras_adam(schedule)
    }
}

#[test]
fn shapes_for_odd_and_tiny_sizes() -> Result<()> {
    let dev = Device::Cpu;
    for (channels, length) in [(1, 1), (3, 7), (2, 33), (3, 100)] {
        let vars = VarMap::new();
        let cnn = Cnn::new(small_cnn(channels, length, 5), vb(&vars))?;
        let x = Tensor::randn(0f32, 1.0, (4, channels, length), &dev)?;
        for train in [false, true] {
            assert_eq!(cnn.logits_t(&x, train)?.dims(), &[4, 5]);
        }
    }
    let vars = VarMap::new();
    let mlp = Mlp::new(small_mlp(19, 3), vb(&vars))?;
    let x = Tensor::randn(0f32, 1.0, (2, 19), &dev)?;
    assert_eq!(mlp.infer(&x)?.dims(), &[2, 3]);
    // The paper's defaults build and run.
    let vars = VarMap::new();
    let mlp = Mlp::new(MlpConfig::default(), vb(&vars))?;
    assert_eq!(
        mlp.logits_t(&Tensor::zeros((2, 19), DType::F32, &dev)?, true)?
            .dims(),
        &[2, 4]
    );
    let vars = VarMap::new();
    let cnn = Cnn::new(CnnConfig::default(), vb(&vars))?;
    assert_eq!(
        cnn.infer(&Tensor::zeros((2, 3, 100), DType::F32, &dev)?)?
            .dims(),
        &[2, 4]
    );
    let vars = VarMap::new();
    let fusion = CnnPiFusion::new(CnnPiFusionConfig::default(), vb(&vars))?;
    let input = FusionInput {
        raw: Tensor::zeros((2, 3, 100), DType::F32, &dev)?,
        images: Tensor::zeros((2, 7500), DType::F32, &dev)?,
    };
    assert_eq!(fusion.infer(&input)?.dims(), &[2, 4]);
    Ok(())
}

#[test]
fn the_paper_cnn_pools_with_stride_2_after_even_layers_only() -> Result<()> {
    // 10 layers: strides 1,2,1,2,1,2,1,2,1 then global pooling; a length
    // of 100 becomes 50, 25, 13, 7, 4.
    let cfg = CnnConfig::default();
    assert_eq!(cfg.filters, vec![64; 10]);
    let strides: Vec<Option<usize>> = [1, 2, 1, 2, 1, 2, 1, 2, 1]
        .into_iter()
        .map(Some)
        .chain([None])
        .collect();
    assert_eq!(cfg.pools, strides);
    let vars = VarMap::new();
    let names = {
        Cnn::new(cfg, vb(&vars))?;
        let data = vars.data().lock().unwrap();
        let mut names: Vec<String> = data.keys().cloned().collect();
        names.sort();
        names
    };
    assert!(names.contains(&"encoder.block9.conv.weight".to_string()));
    assert!(!names.iter().any(|n| n.starts_with("encoder.block10")));
    assert!(names.contains(&"out.weight".to_string()));
    Ok(())
}

#[test]
fn image_cnns_and_their_fusion_have_the_right_shapes() -> Result<()> {
    let dev = Device::Cpu;
    for (c, h, w) in [(1, 8, 8), (3, 7, 5), (1, 1, 1)] {
        let cfg = CnnConfig {
            input: CnnInput::Image {
                channels: c,
                height: h,
                width: w,
            },
            filters: vec![4, 8],
            pools: vec![Some(2), None],
            kernel: 3,
            classes: 10,
        };
        let vars = VarMap::new();
        let cnn = Cnn::new(cfg.clone(), vb(&vars))?;
        let x = Tensor::randn(0f32, 1.0, (3, c, h, w), &dev)?;
        assert_eq!(cnn.logits_t(&x, true)?.dims(), &[3, 10]);
        let wrong = Tensor::zeros((3, c, h + 1, w), DType::F32, &dev)?;
        assert!(matches!(
            cnn.infer(&wrong),
            Err(Error::Shape { name: "x", .. })
        ));
        let vars = VarMap::new();
        let fusion = CnnPiFusion::new(
            CnnPiFusionConfig {
                cnn: cfg,
                pi_inputs: 6,
                pi_hidden: vec![5],
            },
            vb(&vars),
        )?;
        let images = Tensor::zeros((3, 6), DType::F32, &dev)?;
        let input = FusionInput { raw: x, images };
        assert_eq!(fusion.infer(&input)?.dims(), &[3, 10]);
    }
    Ok(())
}

/// Four well-separated classes of 3 x 12 signals: a constant level per
/// class plus seeded noise.
fn toy_signals(n: usize, seed: u64) -> Result<(Tensor, Vec<usize>)> {
    let mut rng = SplitMix64::seed_from_u64(seed);
    let mut next = || rng.random::<f32>() - 0.5;
    let labels: Vec<usize> = (0..n).map(|i| i % 4).collect();
    let mut data = Vec::with_capacity(n * 36);
    for &l in &labels {
        for c in 0..3 {
            for t in 0..12 {
                let shape = if c == l % 3 {
                    (t as f32 * 0.7).sin()
                } else {
                    0.0
                };
                data.push(l as f32 * 0.5 + shape + 0.1 * next());
            }
        }
    }
    Ok((Tensor::from_vec(data, (n, 3, 12), &Device::Cpu)?, labels))
}

#[test]
fn tiny_classifiers_overfit_a_small_problem() -> Result<()> {
    let (x, labels) = toy_signals(16, 1)?;
    // One step per epoch; predictions run batch norm on its running
    // statistics, which at Keras' momentum (0.99) need ~200 steps to
    // settle.
    let trainer = ClassifierTrainer::new(TrainConfig {
        batch_size: 16,
        ..quiet(vec![(1e-2, 60), (1e-3, 140)])
    })?;

    let vars = VarMap::new();
    let cfg = CnnConfig {
        filters: vec![16; 4],
        ..small_cnn(3, 12, 4)
    };
    let cnn = Cnn::new(cfg, vb(&vars))?;
    init_keras(&vars, 0)?;
    let logs = trainer.fit(&cnn, &vars, &x, &labels, None)?;
    let (first, last) = (logs[0].train_loss, logs[logs.len() - 1].train_loss);
    assert!(last < first / 10.0, "CNN loss {first} -> {last}");
    assert_eq!(trainer.predict(&cnn, &x)?, labels);

    let flat = x.flatten_from(1)?;
    let vars = VarMap::new();
    // Dropout off: this checks that the network can fit, not regularise.
    let cfg = MlpConfig {
        dropout: 0.0,
        ..small_mlp(36, 4)
    };
    let mlp = Mlp::new(cfg, vb(&vars))?;
    init_keras(&vars, 0)?;
    let logs = trainer.fit(&mlp, &vars, &flat, &labels, None)?;
    let (first, last) = (logs[0].train_loss, logs[logs.len() - 1].train_loss);
    assert!(last < first / 10.0, "MLP loss {first} -> {last}");
    assert_eq!(trainer.predict(&mlp, &flat)?, labels);

    let probs = trainer.predict_proba(&mlp, &x.flatten_from(1)?)?;
    let sums = probs.sum(1)?.to_vec1::<f32>()?;
    assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-5));
    Ok(())
}

#[test]
fn fusion_trains_on_two_inputs_with_validation() -> Result<()> {
    let (x, labels) = toy_signals(12, 2)?;
    let images = Tensor::randn(0f32, 1.0, (12, 10), &Device::Cpu)?;
    let cfg = CnnPiFusionConfig {
        cnn: small_cnn(3, 12, 4),
        pi_inputs: 10,
        pi_hidden: vec![8, 4],
    };
    let vars = VarMap::new();
    let net = CnnPiFusion::new(cfg, vb(&vars))?;
    init_keras(&vars, 1)?;
    let trainer = ClassifierTrainer::new(quiet(vec![(1e-2, 30)]))?;
    let inputs = FusionInput { raw: x, images };
    let logs = trainer.fit(&net, &vars, &inputs, &labels, Some((&inputs, &labels)))?;
    assert_eq!(logs.len(), 30);
    let val = logs[29].val_loss.unwrap();
    assert_eq!(val, trainer.evaluate(&net, &inputs, &labels)?);
    assert!(val < logs[0].val_loss.unwrap());
    Ok(())
}

#[test]
fn seeded_runs_are_identical_and_checkpoints_round_trip() -> Result<()> {
    let (x, labels) = toy_signals(10, 3)?;
    let flat = x.flatten_from(1)?;
    let run = || -> Result<(VarMap, Vec<f32>)> {
        let vars = VarMap::new();
        let mlp = Mlp::new(small_mlp(36, 4), vb(&vars))?;
        init_keras(&vars, 9)?;
        ClassifierTrainer::new(quiet(vec![(1e-2, 5)]))?.fit(&mlp, &vars, &flat, &labels, None)?;
        let out = mlp.infer(&flat)?.flatten_all()?.to_vec1::<f32>()?;
        Ok((vars, out))
    };
    let (vars, a) = run()?;
    let (_, b) = run()?;
    assert_eq!(a, b);

    let dir = std::env::temp_dir().join(format!("tda-nn-classify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mlp.safetensors");
    save_checkpoint(&vars, &path, None)?;
    let fresh = VarMap::new();
    let mlp = Mlp::new(small_mlp(36, 4), vb(&fresh))?;
    load_checkpoint(&fresh, &path)?;
    assert_eq!(mlp.infer(&flat)?.flatten_all()?.to_vec1::<f32>()?, a);
    std::fs::remove_dir_all(&dir).unwrap();
    Ok(())
}

#[test]
fn bad_input_is_a_typed_error() -> Result<()> {
    let dev = Device::Cpu;
    let vars = VarMap::new();
    let mlp = Mlp::new(small_mlp(5, 3), vb(&vars))?;
    let x = Tensor::zeros((4, 5), DType::F32, &dev)?;
    let wrong = Tensor::zeros((4, 6), DType::F32, &dev)?;
    assert!(matches!(
        mlp.infer(&wrong),
        Err(Error::Shape { name: "x", .. })
    ));
    assert!(matches!(
        mlp.logits_t(&wrong, false),
        Err(Error::Shape { .. })
    ));
    let trainer = ClassifierTrainer::new(quiet(vec![(1e-3, 1)]))?;
    assert!(matches!(
        trainer.fit(&mlp, &vars, &x, &[0, 1, 2], None),
        Err(Error::Shape { name: "labels", .. })
    ));
    assert!(matches!(
        trainer.fit(&mlp, &vars, &x, &[0, 1, 2, 3], None),
        Err(Error::Label {
            name: "labels",
            index: 3,
            label: 3,
            classes: 3
        })
    ));
    assert!(matches!(
        trainer.predict(&mlp, &Tensor::zeros((0, 5), DType::F32, &dev)?),
        Err(Error::Shape { name: "x", .. })
    ));

    let cfg = CnnPiFusionConfig {
        cnn: small_cnn(3, 12, 4),
        pi_inputs: 10,
        pi_hidden: vec![8],
    };
    let vars = VarMap::new();
    let net = CnnPiFusion::new(cfg, vb(&vars))?;
    let input = FusionInput {
        raw: Tensor::zeros((3, 3, 12), DType::F32, &dev)?,
        images: Tensor::zeros((2, 10), DType::F32, &dev)?,
    };
    assert!(matches!(
        net.infer(&input),
        Err(Error::Shape { name: "images", .. })
    ));
    assert!(matches!(
        net.logits_t(&input, false),
        Err(Error::Shape { name: "images", .. })
    ));

    let vars = VarMap::new();
    let bad_configs: Vec<Result<Mlp>> = vec![
        Mlp::new(
            MlpConfig {
                classes: 0,
                ..small_mlp(5, 3)
            },
            vb(&vars),
        ),
        Mlp::new(
            MlpConfig {
                inputs: 0,
                ..small_mlp(5, 3)
            },
            vb(&vars),
        ),
        Mlp::new(
            MlpConfig {
                dropout: 1.0,
                ..small_mlp(5, 3)
            },
            vb(&vars),
        ),
        Mlp::new(
            MlpConfig {
                hidden: vec![4, 0],
                ..small_mlp(5, 3)
            },
            vb(&vars),
        ),
    ];
    for r in bad_configs {
        assert!(matches!(r, Err(Error::InvalidConfig { .. })));
    }
    for cfg in [
        CnnConfig {
            filters: vec![],
            pools: vec![],
            ..small_cnn(3, 12, 4)
        },
        small_cnn(3, 0, 4),
        CnnConfig {
            kernel: 0,
            ..small_cnn(3, 12, 4)
        },
        CnnConfig {
            pools: vec![Some(1)],
            ..small_cnn(3, 12, 4)
        },
        CnnConfig {
            pools: vec![Some(0), None, None, None],
            ..small_cnn(3, 12, 4)
        },
    ] {
        let vars = VarMap::new();
        assert!(matches!(
            Cnn::new(cfg, vb(&vars)),
            Err(Error::InvalidConfig { .. })
        ));
    }
    Ok(())
}
