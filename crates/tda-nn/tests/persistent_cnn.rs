//! The Persistent CNN tagger: shapes of the three variants, gradients,
//! parameter counts of the paper's networks, the clipped binary
//! cross-entropy, training (the loss falls; the best validation epoch is
//! kept; seeded runs repeat), typed errors.

use std::ops::ControlFlow;

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use tda_nn::train::clipped_binary_cross_entropy;
use tda_nn::{
    init_keras, Branches, Error, PersistentCnn, PersistentCnnConfig, TaggerTrainer, TrainConfig,
};

/// A small network with the paper's time structure (8-frame early
/// convolution, pools of 4 and 32, segments of 32).
fn tiny(branches: Branches, k: usize) -> PersistentCnnConfig {
    PersistentCnnConfig {
        branches,
        mels: 8,
        early_filters: 4,
        conv_channels: 12,
        num_landscapes: k,
        late_channels: vec![16, 16],
        num_tags: 3,
        ..PersistentCnnConfig::default()
    }
}

fn build(cfg: PersistentCnnConfig, seed: u64) -> (VarMap, PersistentCnn) {
    let vars = VarMap::new();
    let net = PersistentCnn::new(
        cfg,
        VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu),
    )
    .unwrap();
    init_keras(&vars, seed).unwrap();
    (vars, net)
}

fn noise(shape: (usize, usize, usize, usize), seed: u64) -> Tensor {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n = shape.0 * shape.1 * shape.2 * shape.3;
    let v: Vec<f32> = (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
}

/// 300 frames: 75 steps after the pool of 4; branch C pools them to
/// ceil(75 / 32) = 3 steps, branch P cuts 2 segments of 32; together they
/// are cropped to 2.
#[test]
fn shapes_of_the_three_variants() {
    let x = noise((2, 1, 300, 8), 1);
    for (branches, steps) in [
        (Branches::Conv, 3),
        (Branches::Persistence, 2),
        (Branches::Both, 2),
    ] {
        for k in [1, 5] {
            let cfg = tiny(branches, k);
            assert_eq!(cfg.output_steps(300), steps);
            let (_, net) = build(cfg, 0);
            let per_step = net.step_probabilities_t(&x, true).unwrap();
            assert_eq!(per_step.dims(), &[2, 3, steps], "{branches:?} k {k}");
            let p = net.infer(&x).unwrap();
            assert_eq!(p.dims(), &[2, 3]);
            let values = p.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            assert!(values.iter().all(|v| (0.0..=1.0).contains(v)));
            // The inference output is the mean of the per-step outputs.
            let mean = net
                .step_probabilities_t(&x, false)
                .unwrap()
                .mean(2)
                .unwrap();
            let diff = (mean - &p).unwrap().abs().unwrap().max_keepdim(0).unwrap();
            assert!(
                diff.max(1)
                    .unwrap()
                    .squeeze(0)
                    .unwrap()
                    .to_scalar::<f32>()
                    .unwrap()
                    < 1e-6
            );
        }
    }
    assert_eq!(tiny(Branches::Both, 5).features(), 12 + 4 * 5 * 10);
    assert_eq!(tiny(Branches::Persistence, 1).features(), 4 * 10);
    assert_eq!(tiny(Branches::Conv, 1).features(), 12);
    // The shortest input with branch P: 125 frames, 32 steps, one segment.
    assert_eq!(tiny(Branches::Both, 1).min_frames(), 125);
    assert_eq!(tiny(Branches::Conv, 1).min_frames(), 1);
    let (_, net) = build(tiny(Branches::Both, 1), 0);
    assert_eq!(
        net.infer(&noise((1, 1, 125, 8), 2)).unwrap().dims(),
        &[1, 3]
    );
    let (_, fcn) = build(tiny(Branches::Conv, 1), 0);
    assert_eq!(fcn.infer(&noise((1, 1, 3, 8), 2)).unwrap().dims(), &[1, 3]);
}

/// Parameters of the paper's networks (50 tags, 128 mel bins): the early
/// convolution 64 x 8 x 128 + 64, branch C 64 x 3200 + 3200, the late
/// convolutions from 3200 (C or P with k = 5: 64 x 5 x 10) or 6400
/// features to 512 and 512, the output 512 x 50 + 50.
#[test]
fn parameter_counts_of_the_paper() {
    let early = 64 * 8 * 128 + 64;
    let conv = 64 * 3200 + 3200;
    let late = |f: u64| f * 512 + 512 + 512 * 512 + 512 + 512 * 50 + 50;
    let cases = [
        (
            PersistentCnnConfig::fcn(),
            early + conv + late(3200),
            2_200_818,
        ),
        (PersistentCnnConfig::p_fcn(5), early + late(3200), 1_992_818),
        (
            PersistentCnnConfig::pc_fcn(5),
            early + conv + late(6400),
            3_839_218,
        ),
        (
            PersistentCnnConfig::pc_fcn(1),
            early + conv + late(3840),
            2_528_498,
        ),
    ];
    for (cfg, want, literal) in cases {
        assert_eq!(want, literal);
        assert_eq!(cfg.num_parameters(), Some(want), "{:?}", cfg.branches);
    }
    assert_eq!(
        PersistentCnnConfig::default(),
        PersistentCnnConfig::pc_fcn(5)
    );
    // The variables of the built network add up to the count.
    let vars = VarMap::new();
    PersistentCnn::new(
        PersistentCnnConfig::pc_fcn(5),
        VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu),
    )
    .unwrap();
    let total: usize = vars.all_vars().iter().map(|v| v.elem_count()).sum();
    assert_eq!(total as u64, 3_839_218);
    let data = vars.data().lock().unwrap();
    assert_eq!(data["early.weight"].dims(), &[64, 1, 8, 128]);
    assert_eq!(data["late0.weight"].dims(), &[512, 6400, 1]);
}

/// Gradients reach the input and every parameter, through both branches
/// (branch P through the landscapes' critical values only).
#[test]
fn gradients_reach_the_input_and_the_parameters() {
    for branches in [Branches::Conv, Branches::Persistence, Branches::Both] {
        let (vars, net) = build(tiny(branches, 5), 4);
        let x = Var::from_tensor(&noise((2, 1, 140, 8), 5)).unwrap();
        let loss = net
            .forward_t(x.as_tensor(), true)
            .unwrap()
            .sqr()
            .unwrap()
            .sum_all()
            .unwrap();
        let grads = loss.backward().unwrap();
        let norm = |t: &Tensor| {
            t.sqr()
                .unwrap()
                .sum_all()
                .unwrap()
                .to_scalar::<f32>()
                .unwrap()
        };
        let gx = grads.get(&x).expect("input gradient");
        assert!(norm(gx) > 0.0, "{branches:?}: no input gradient");
        for (name, var) in vars.data().lock().unwrap().iter() {
            let g = grads
                .get(var)
                .unwrap_or_else(|| panic!("{branches:?}: {name}"));
            assert!(norm(g) > 0.0, "{branches:?}: zero gradient of {name}");
        }
    }
}

/// A prediction of exactly 0 or 1 costs `-ln(1e-6)`, not infinity, and
/// a correct one `-ln(1 - 1e-6)`; the loss is the mean over batch and
/// tags.
#[test]
fn binary_cross_entropy_clips_predictions() {
    let dev = Device::Cpu;
    let p = Tensor::new(&[[0.0f64, 1.0], [1.0, 0.0]], &dev).unwrap();
    let y = Tensor::new(&[[1.0f64, 0.0], [1.0, 0.0]], &dev).unwrap();
    let loss = clipped_binary_cross_entropy(&p, &y)
        .unwrap()
        .to_scalar::<f64>()
        .unwrap();
    let (wrong, right) = (-(1e-6f64).ln(), -(1.0 - 1e-6f64).ln());
    assert!(
        (loss - (2.0 * wrong + 2.0 * right) / 4.0).abs() < 1e-9,
        "{loss}"
    );
    // A plain value: -(ln 0.8 + ln 0.5) / 2.
    let p = Tensor::new(&[[0.8f32, 0.5]], &dev).unwrap();
    let y = Tensor::new(&[[1.0f32, 0.0]], &dev).unwrap();
    let loss = clipped_binary_cross_entropy(&p, &y)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!((f64::from(loss) + (0.8f64.ln() + 0.5f64.ln()) / 2.0).abs() < 1e-6);
    // f32: finite, about -ln(1e-6) (1 - 1e-6 rounds in f32).
    let p = Tensor::new(&[[0.0f32, 1.0]], &dev).unwrap();
    let y = Tensor::new(&[[1.0f32, 0.0]], &dev).unwrap();
    let loss = clipped_binary_cross_entropy(&p, &y)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(
        loss.is_finite() && (f64::from(loss) - wrong).abs() < 0.02,
        "{loss}"
    );
    // The clipped entries pass no gradient (Theano's clip).
    let v = Var::new(&[[0.0f64, 1.0, 0.3]], &dev).unwrap();
    let y = Tensor::new(&[[1.0f64, 0.0, 1.0]], &dev).unwrap();
    let g = clipped_binary_cross_entropy(v.as_tensor(), &y)
        .unwrap()
        .backward()
        .unwrap();
    let g = g.get(&v).unwrap().to_vec2::<f64>().unwrap();
    assert_eq!(&g[0][..2], &[0.0, 0.0]);
    assert!((g[0][2] + 1.0 / (3.0 * 0.3)).abs() < 1e-12);
    assert!(matches!(
        clipped_binary_cross_entropy(&p, &Tensor::zeros((1, 3), DType::F32, &dev).unwrap()),
        Err(Error::Shape {
            name: "targets",
            ..
        })
    ));
}

/// `n` clips of 128 frames x 8 mel bins of noise; tag `t` is on when mel
/// bins `2t, 2t + 1` are loud (+2) throughout the clip.
fn band_clips(n: usize, seed: u64) -> (Tensor, Array2<u8>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (frames, mels, tags) = (128, 8, 3);
    let mut targets = Array2::<u8>::zeros((n, tags));
    let mut x = vec![0f32; n * frames * mels];
    for c in 0..n {
        for t in 0..tags {
            targets[[c, t]] = u8::from(rng.random_bool(0.5));
        }
        for f in 0..frames {
            for m in 0..mels {
                let loud = m / 2 < tags && targets[[c, m / 2]] == 1;
                x[(c * frames + f) * mels + m] =
                    rng.random_range(-1.0f32..1.0) + if loud { 2.0 } else { 0.0 };
            }
        }
    }
    let x = Tensor::from_vec(x, (n, 1, frames, mels), &Device::Cpu).unwrap();
    (x, targets)
}

fn tiny_trainable() -> PersistentCnnConfig {
    PersistentCnnConfig {
        early_filters: 6,
        conv_channels: 16,
        num_landscapes: 1,
        late_channels: vec![16, 16],
        dropout: 0.0,
        ..tiny(Branches::Both, 1)
    }
}

/// A tiny PC-FCN learns which bands are loud: its training loss falls at
/// least 5x; seeded runs repeat exactly; the callback sees every epoch.
#[test]
fn training_loss_falls_on_learnable_clips() {
    let (x, y) = band_clips(20, 11);
    let run = || {
        let (vars, net) = build(tiny_trainable(), 3);
        let trainer = TaggerTrainer::new(TrainConfig {
            schedule: vec![(0.05, 40)],
            ..TrainConfig::persistent_cnn()
        })
        .unwrap();
        let before = trainer.loss(&net, &x, y.view()).unwrap();
        let mut seen = 0;
        let logs = trainer
            .fit_with(&net, &vars, &x, y.view(), None, |log| {
                seen += 1;
                assert_eq!((log.epoch, log.epochs), (seen, 40));
                assert_eq!((log.val_loss, log.val_score), (None, None));
                ControlFlow::Continue(())
            })
            .unwrap();
        assert_eq!(seen, 40);
        let after = trainer.loss(&net, &x, y.view()).unwrap();
        let auc = trainer.evaluate(&net, &x, y.view()).unwrap();
        (before, after, logs, auc)
    };
    let (before, after, logs, auc) = run();
    assert!(after * 5.0 <= before, "loss {before} -> {after}");
    assert!(auc.mean.unwrap() > 0.95, "{auc:?}");
    let (before2, after2, logs2, _) = run();
    assert_eq!((before, after), (before2, after2));
    assert_eq!(logs, logs2);
}

/// With a validation set the weights of the best epoch (highest
/// validation mean ROC-AUC) are restored, and early stopping follows the
/// score.
#[test]
fn the_best_validation_epoch_is_kept() {
    let (x, y) = band_clips(20, 21);
    let (vx, vy) = band_clips(10, 22);
    let (vars, net) = build(
        PersistentCnnConfig {
            dropout: 0.5,
            ..tiny_trainable()
        },
        5,
    );
    let trainer = TaggerTrainer::new(TrainConfig {
        schedule: vec![(0.05, 6)],
        ..TrainConfig::persistent_cnn()
    })
    .unwrap();
    let logs = trainer
        .fit(&net, &vars, &x, y.view(), Some((&vx, vy.view())))
        .unwrap();
    assert_eq!(logs.len(), 6);
    let best = logs
        .iter()
        .map(|l| l.val_score.unwrap())
        .fold(f64::NEG_INFINITY, f64::max);
    let auc = trainer.evaluate(&net, &vx, vy.view()).unwrap();
    assert_eq!(auc.mean, Some(best));
    assert_eq!(auc.per_tag.len(), 3);
    let probs = trainer.predict(&net, &vx).unwrap();
    assert_eq!(probs.dims(), &[10, 3]);
    // Stopping from the callback after the second epoch.
    let (vars, net) = build(tiny_trainable(), 5);
    let logs = trainer
        .fit_with(&net, &vars, &x, y.view(), Some((&vx, vy.view())), |l| {
            if l.epoch == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(logs.len(), 2);
}

#[test]
fn bad_configurations_are_typed_errors() {
    let vb = |vars: &VarMap| VarBuilder::from_varmap(vars, DType::F32, &Device::Cpu);
    let cases = [
        ("num_landscapes", tiny(Branches::Persistence, 0)),
        ("num_landscapes", tiny(Branches::Both, 0)),
        (
            "num_tags",
            PersistentCnnConfig {
                num_tags: 0,
                ..tiny(Branches::Both, 1)
            },
        ),
        (
            "mels",
            PersistentCnnConfig {
                mels: 0,
                ..tiny(Branches::Conv, 1)
            },
        ),
        (
            "conv_channels",
            PersistentCnnConfig {
                conv_channels: 0,
                ..tiny(Branches::Conv, 1)
            },
        ),
        (
            "late_channels",
            PersistentCnnConfig {
                late_channels: vec![4, 0],
                ..tiny(Branches::Both, 1)
            },
        ),
        (
            "dropout",
            PersistentCnnConfig {
                dropout: 1.0,
                ..tiny(Branches::Both, 1)
            },
        ),
    ];
    for (field, cfg) in cases {
        match PersistentCnn::new(cfg, vb(&VarMap::new())) {
            Err(Error::InvalidConfig { name, .. }) => assert_eq!(name, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    // k is not read without branch P.
    assert!(PersistentCnn::new(tiny(Branches::Conv, 0), vb(&VarMap::new())).is_ok());
}

#[test]
fn bad_inputs_are_typed_errors() {
    let (_, net) = build(tiny(Branches::Both, 1), 0);
    let shape_error = |x: Tensor| match net.infer(&x) {
        Err(Error::Shape {
            name: "x",
            expected,
            got,
        }) => (expected, got),
        other => panic!("{:?}: {other:?}", x.dims()),
    };
    // Mel bins other than the model's, a missing channel axis, no clip.
    shape_error(noise((2, 1, 200, 7), 0));
    shape_error(Tensor::zeros((2, 200, 8), DType::F32, &Device::Cpu).unwrap());
    shape_error(Tensor::zeros((0, 1, 200, 8), DType::F32, &Device::Cpu).unwrap());
    // Too short for one landscape segment after the pool: named.
    let (expected, got) = shape_error(noise((2, 1, 124, 8), 0));
    assert_eq!(got, [2, 1, 124, 8]);
    assert!(expected.contains("frames >= 125"), "{expected}");
    assert!(
        expected.contains("too short for one landscape segment"),
        "{expected}"
    );
    // Another dtype; non-finite values.
    assert!(matches!(
        net.infer(&noise((1, 1, 130, 8), 0).to_dtype(DType::F64).unwrap()),
        Err(Error::Incompatible { name: "x", .. })
    ));
    let mut v = vec![0f32; 130 * 8];
    v[17] = f32::NAN;
    let x = Tensor::from_vec(v, (1, 1, 130, 8), &Device::Cpu).unwrap();
    assert!(matches!(
        net.infer(&x),
        Err(Error::NonFinite { name: "x", .. })
    ));
    // The trainer's targets: shape and values.
    let trainer = TaggerTrainer::new(TrainConfig::persistent_cnn()).unwrap();
    let x = noise((2, 1, 130, 8), 0);
    let vars = VarMap::new();
    let wrong = Array2::<u8>::zeros((2, 4));
    assert!(matches!(
        trainer.fit(&net, &vars, &x, wrong.view(), None),
        Err(Error::Shape {
            name: "targets",
            ..
        })
    ));
    let mut two = Array2::<u8>::zeros((2, 3));
    two[[1, 2]] = 2;
    assert!(matches!(
        trainer.evaluate(&net, &x, two.view()),
        Err(Error::Label {
            name: "targets",
            index: 5,
            label: 2,
            ..
        })
    ));
}
