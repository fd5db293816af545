//! `tda emph` and `tda pinet`: outputs equal the library's on the same
//! data, and every error path is one line naming the file or option.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use common::{fails, ok, tda};
use ndarray::{Array2, Array3, Array4};
use tda_emph::{Ray, RayCollection};
use tda_nn::{
    ImagePiNet, ImagePiNetConfig, PiNetTrainer, SignalPiNet, SignalPiNetConfig, TrainConfig,
};
use tda_vectorize::{BettiCurve, Essential, PersistenceImage};

/// Sums of cosines: row `i` is `sum_k a_ik cos(k t + phi_ik)` over one
/// period of 64 samples.
fn cosines() -> Array2<f64> {
    Array2::from_shape_fn((5, 64), |(i, j)| {
        let t = std::f64::consts::TAU * j as f64 / 64.0;
        (1..=4)
            .map(|k| {
                let a = 1.0 + ((i * 7 + k * 3) % 5) as f64 * 0.4;
                a * (k as f64 * t + 0.3 * (i + k) as f64).cos()
            })
            .sum()
    })
}

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().to_path_buf();
    tda_io::npy::write_npy(p.join("cos.npy"), &cosines()).unwrap();
    (dir, p)
}

fn basicmotions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/basicmotions/BasicMotions_TRAIN.ts")
}

#[test]
fn emph_barcodes_and_features_equal_the_library() {
    let (_keep, dir) = setup();
    let rows = cosines();
    ok(&tda(
        &[
            "emph",
            "cos.npy",
            "--modes",
            "4",
            "-o",
            "b.json",
            "--features",
            "f.npy",
        ],
        &dir,
    ));
    let got = tda_io::read_diagrams_json(dir.join("b.json")).unwrap();
    let modes = tda_emph::modes_batch(rows.view(), 4).unwrap();
    let diagonal = Ray::diagonal(4).unwrap();
    let want = tda_emph::barcode_batch(&modes, &diagonal, 1).unwrap();
    assert_eq!(got, want);
    assert!(got.iter().all(|d| d.len() == 4));
    let betti = BettiCurve::builder()
        .fit(&want)
        .resolution(100)
        .essential(Essential::Drop)
        .build()
        .unwrap();
    let features: Array2<f32> = tda_io::npy::read_npy(dir.join("f.npy")).unwrap();
    let lib = tda_emph::features(rows.view(), 4, &diagonal, 1, &betti).unwrap();
    assert_eq!(features, lib);

    // Another ray and degree, and only the features over a given range.
    ok(&tda(
        &[
            "emph",
            "cos.npy",
            "--modes",
            "4",
            "--ray",
            "1,2,1.5,1",
            "--endpoint",
            "0,0.1,-0.2,0",
            "--degree",
            "2",
            "-o",
            "b2.npz",
        ],
        &dir,
    ));
    let ray = Ray::new(vec![1.0, 2.0, 1.5, 1.0], vec![0.0, 0.1, -0.2, 0.0]).unwrap();
    assert_eq!(
        tda_io::read_diagrams_npz(dir.join("b2.npz")).unwrap(),
        tda_emph::barcode_batch(&modes, &ray, 2).unwrap()
    );
    ok(&tda(
        &[
            "emph",
            "cos.npy",
            "--modes",
            "4",
            "--features",
            "f2.npy",
            "--resolution",
            "7",
            "--sample-range",
            "0",
            "5",
        ],
        &dir,
    ));
    let betti = BettiCurve::builder()
        .resolution(7)
        .sample_range(0.0, 5.0)
        .build()
        .unwrap();
    let f2: Array2<f32> = tda_io::npy::read_npy(dir.join("f2.npy")).unwrap();
    assert_eq!(
        f2,
        tda_emph::features(rows.view(), 4, &diagonal, 1, &betti).unwrap()
    );

    // A ray collection: directions then endpoints, one ray per row.
    let rays = Array2::from_shape_fn((4, 8), |(i, j)| {
        if j < 4 {
            1.0 + 0.25 * ((i + j) % 3) as f64
        } else {
            0.1 * i as f64
        }
    });
    tda_io::npy::write_npy(dir.join("rays.npy"), &rays).unwrap();
    ok(&tda(
        &[
            "emph", "cos.npy", "--modes", "4", "--rays", "rays.npy", "-o", "c.json",
        ],
        &dir,
    ));
    let collection = RayCollection::new(
        rays.outer_iter()
            .map(|r| Ray::new(r.to_vec()[..4].to_vec(), r.to_vec()[4..].to_vec()).unwrap())
            .collect(),
    )
    .unwrap();
    let want: Vec<_> = modes
        .iter()
        .map(|m| tda_emph::collection_barcode(m, &collection).unwrap())
        .collect();
    assert_eq!(
        tda_io::read_diagrams_json(dir.join("c.json")).unwrap(),
        want
    );
}

#[test]
fn emph_of_basicmotions_is_one_barcode_per_channel() {
    let (_keep, dir) = setup();
    let ts = basicmotions();
    ok(&tda(
        &[
            "emph",
            ts.to_str().unwrap(),
            "--threads",
            "2",
            "-o",
            "bm.npz",
        ],
        &dir,
    ));
    let got = tda_io::read_diagrams_npz(dir.join("bm.npz")).unwrap();
    let data = tda_io::ts::read(&ts).unwrap().data;
    let (n, c, l) = data.dim();
    let rows = data.into_shape_with_order((n * c, l)).unwrap();
    let modes = tda_emph::modes_batch(rows.view(), 10).unwrap();
    let want = tda_emph::barcode_batch(&modes, &Ray::diagonal(10).unwrap(), 1).unwrap();
    assert_eq!(got.len(), n * c);
    assert_eq!(got, want);
    // Whatever the number of threads.
    ok(&tda(
        &[
            "emph",
            ts.to_str().unwrap(),
            "--threads",
            "1",
            "-o",
            "bm1.npz",
        ],
        &dir,
    ));
    assert_eq!(tda_io::read_diagrams_npz(dir.join("bm1.npz")).unwrap(), got);
}

#[test]
fn emph_errors_are_one_line() {
    let (_keep, dir) = setup();
    let emph = |extra: &[&str]| {
        let mut args = vec!["emph", "cos.npy", "--modes", "4", "-o", "x.json"];
        args.extend_from_slice(extra);
        tda(&args, &dir)
    };
    fails(&emph(&["--ray", "-1,1,1,1"]), 1, "cos.npy: --ray");
    fails(&emph(&["--ray", "0,1,1,1"]), 1, "> 0");
    fails(
        &emph(&["--ray", "1,1"]),
        1,
        "--ray has 2 entries, --modes asks for 4",
    );
    fails(
        &emph(&["--endpoint", "0,0,0"]),
        1,
        "--endpoint has 3 entries",
    );
    fails(&emph(&["--ray", "1,x,1,1"]), 2, "--ray");
    fails(
        &tda(&["emph", "cos.npy", "--modes", "0", "-o", "x.json"], &dir),
        1,
        "--modes must be at least 1",
    );
    // 64 samples carry at most 31 modes.
    fails(
        &tda(&["emph", "cos.npy", "--modes", "32", "-o", "x.json"], &dir),
        1,
        "cos.npy: series of length 64 is too short for 32 Fourier modes",
    );
    let mut nan = cosines();
    nan[[2, 5]] = f64::NAN;
    tda_io::npy::write_npy(dir.join("nan.npy"), &nan).unwrap();
    fails(
        &tda(&["emph", "nan.npy", "--modes", "4", "-o", "x.json"], &dir),
        1,
        "nan.npy: signal 2, sample 5: not a finite number",
    );
    tda_io::npy::write_npy(dir.join("rays.npy"), &Array2::<f64>::ones((3, 4))).unwrap();
    fails(
        &emph(&["--rays", "rays.npy"]),
        1,
        "rays.npy: a collection for --modes 4",
    );
    let mut bad = Array2::<f64>::ones((4, 4));
    bad[[1, 2]] = -1.0;
    tda_io::npy::write_npy(dir.join("neg.npy"), &bad).unwrap();
    fails(&emph(&["--rays", "neg.npy"]), 1, "neg.npy: ray 1:");
    tda_io::npy::write_npy(dir.join("ones.npy"), &Array2::<f64>::ones((4, 4))).unwrap();
    fails(
        &emph(&["--rays", "ones.npy", "--degree", "2"]),
        1,
        "ones.npy: a ray collection gives H1 barcodes only",
    );
    fails(
        &emph(&["--rays", "ones.npy", "--ray", "1,1,1,1"]),
        2,
        "--ray",
    );
    fails(&tda(&["emph", "cos.npy"], &dir), 2, "--output");
    fails(
        &emph(&["--features", "f.txt"]),
        1,
        "f.txt: the output must end in .npy",
    );
    fails(
        &tda(&["emph", "missing.npy", "-o", "x.json"], &dir),
        1,
        "missing.npy",
    );
}

/// 16 signals of 2 channels and 24 samples, and the small network the
/// PI-Net tests train.
fn pinet_data(dir: &Path) -> Array3<f64> {
    let x = Array3::from_shape_fn((16, 2, 24), |(i, c, t)| {
        ((i + 1) as f64 * 0.3 * t as f64 + c as f64).sin() * (1.0 + 0.1 * i as f64)
    });
    tda_io::npy::write_npy(dir.join("x.npy"), &x).unwrap();
    x
}

/// The network (not allowed with --resume, which reads it from the
/// checkpoint), and the training settings.
const NET: [&str; 4] = ["--filters", "4,4,4,8", "--resolution", "5"];
const SETTINGS: [&str; 4] = ["--batch-size", "8", "--seed", "3"];

fn net_config() -> SignalPiNetConfig {
    SignalPiNetConfig {
        length: 24,
        channels: 2,
        filters: vec![4, 4, 4, 8],
        kernel: 3,
        resolution: 5,
    }
}

/// The weights of a checkpoint, by name (the epoch count too).
fn weights(path: &Path) -> Vec<(String, Vec<f32>)> {
    let mut all: Vec<_> = candle_core::safetensors::load(path, &Device::Cpu)
        .unwrap()
        .into_iter()
        .map(|(name, t)| {
            let v = t.flatten_all().unwrap().to_dtype(DType::F32).unwrap();
            (name, v.to_vec1::<f32>().unwrap())
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

/// Asserts that two checkpoints hold the same tensors, to 1e-6.
fn same_weights(a: &Path, b: &Path) {
    let (a, b) = (weights(a), weights(b));
    assert_eq!(a.len(), b.len());
    for ((n1, a), (n2, b)) in a.iter().zip(&b) {
        assert_eq!(n1, n2);
        let diff = a
            .iter()
            .zip(b)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0, f32::max);
        assert!(diff <= 1e-6, "{n1}: {diff}");
    }
}

/// The PI-Net signal recipe at 5 x 5 pixels.
fn signal_recipe() -> PersistenceImage {
    let preset = PersistenceImage::pinet_signal();
    PersistenceImage::builder()
        .grid(preset.grid())
        .birth_range(preset.birth_range().0, preset.birth_range().1)
        .resolution(5, 5)
        .sigma(preset.sigma())
        .normalize(preset.normalize())
        .build()
        .unwrap()
}

fn train(dir: &Path, extra: &[&str]) {
    let mut args = vec!["pinet", "train", "x.npy"];
    args.extend_from_slice(&SETTINGS);
    if !extra.contains(&"--resume") {
        args.extend_from_slice(&NET);
    }
    args.extend_from_slice(extra);
    ok(&tda(&args, dir));
}

/// `tda pinet predict MODEL DATA -o OUT` in `dir`.
fn predict(dir: &Path, model: &str, data: &str, out: &str) -> Output {
    tda(&["pinet", "predict", model, data, "-o", out], dir)
}

#[test]
fn pinet_train_and_predict_equal_the_library() {
    let (_keep, dir) = setup();
    let x = pinet_data(&dir);
    train(
        &dir,
        &["--epochs", "2", "--val", "x.npy", "-o", "m.safetensors"],
    );
    ok(&predict(&dir, "m.safetensors", "x.npy", "pis.npy"));
    let got: Array4<f32> = tda_io::npy::read_npy(dir.join("pis.npy")).unwrap();
    assert_eq!(got.dim(), (16, 2, 5, 5));

    let vars = VarMap::new();
    let net = SignalPiNet::new(
        net_config(),
        VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu),
    )
    .unwrap();
    let done = tda_nn::load_checkpoint(&vars, &dir.join("m.safetensors")).unwrap();
    assert_eq!(done, Some(2));
    let xt = tda_nn::tensor::to_tensor(&x.mapv(|v| v as f32), &Device::Cpu).unwrap();
    let want: Array4<f32> = tda_nn::tensor::to_array(&net.infer(&xt).unwrap()).unwrap();
    assert_eq!(got, want);

    // The same training in the library (seed 3 for the weights and the
    // shuffling), on the recipe's targets, validation included.
    let lib_vars = VarMap::new();
    let lib_net = SignalPiNet::new(
        net_config(),
        VarBuilder::from_varmap(&lib_vars, DType::F32, &Device::Cpu),
    )
    .unwrap();
    tda_nn::init_keras(&lib_vars, 3).unwrap();
    let yt = tda_nn::pinet_targets_tensor(x.view(), &signal_recipe(), &Device::Cpu).unwrap();
    let logs = PiNetTrainer::new(TrainConfig {
        schedule: vec![(1e-3, 2)],
        batch_size: 8,
        seed: 3,
        checkpoint: Some(dir.join("lib.safetensors")),
        ..TrainConfig::default()
    })
    .unwrap()
    .fit(&lib_net, &lib_vars, &xt, &yt, Some((&xt, &yt)))
    .unwrap();
    assert_eq!(logs.len(), 2);
    same_weights(&dir.join("m.safetensors"), &dir.join("lib.safetensors"));
    // Whatever the number of threads.
    let mut one = vec!["--threads", "1", "--epochs", "2", "--val", "x.npy"];
    one.extend_from_slice(&["-o", "m1.safetensors"]);
    train(&dir, &one);
    same_weights(&dir.join("m.safetensors"), &dir.join("m1.safetensors"));

    // Progress when piped: a line per epoch with both losses.
    let out = tda(
        &[
            "pinet",
            "train",
            "x.npy",
            "--filters",
            "4,4,4,8",
            "--resolution",
            "5",
            "--epochs",
            "1",
            "--val",
            "x.npy",
            "-o",
            "p.safetensors",
        ],
        &dir,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("tda: epoch 1/1: training MSE"), "{err}");
    assert!(err.contains("validation MSE"), "{err}");
    let quiet = tda(
        &[
            "--quiet",
            "pinet",
            "train",
            "x.npy",
            "--filters",
            "4,4,4,8",
            "--resolution",
            "5",
            "--epochs",
            "1",
            "-o",
            "q.safetensors",
        ],
        &dir,
    );
    assert!(quiet.status.success() && quiet.stderr.is_empty());
}

#[test]
fn pinet_resume_continues_from_the_recorded_epoch() {
    let (_keep, dir) = setup();
    let x = pinet_data(&dir);
    train(&dir, &["--epochs", "2", "-o", "a.safetensors"]);
    std::fs::copy(dir.join("a.safetensors"), dir.join("lib.safetensors")).unwrap();
    train(
        &dir,
        &[
            "--epochs",
            "4",
            "--resume",
            "a.safetensors",
            "-o",
            "r.safetensors",
        ],
    );
    // The library's resume from the same checkpoint, same settings.
    let vars = VarMap::new();
    let net = SignalPiNet::new(
        net_config(),
        VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu),
    )
    .unwrap();
    let xt = tda_nn::tensor::to_tensor(&x.mapv(|v| v as f32), &Device::Cpu).unwrap();
    let yt = tda_nn::pinet_targets_tensor(x.view(), &signal_recipe(), &Device::Cpu).unwrap();
    let trainer = PiNetTrainer::new(TrainConfig {
        schedule: vec![(1e-3, 4)],
        batch_size: 8,
        seed: 3,
        checkpoint: Some(dir.join("lib.safetensors")),
        ..TrainConfig::default()
    })
    .unwrap();
    let logs = trainer
        .resume(&net, &vars, &dir.join("lib.safetensors"), &xt, &yt, None)
        .unwrap();
    assert_eq!(logs.iter().map(|l| l.epoch).collect::<Vec<_>>(), [3, 4]);
    same_weights(&dir.join("r.safetensors"), &dir.join("lib.safetensors"));
    let got = weights(&dir.join("r.safetensors"));
    let epochs = got
        .iter()
        .find(|(n, _)| n == "trainer.epochs_done")
        .map(|(_, v)| v[0]);
    assert_eq!(epochs, Some(4.0));
    // Nothing left to do: an error, and the checkpoint is untouched.
    let again = tda(
        &[
            "pinet",
            "train",
            "x.npy",
            "--epochs",
            "4",
            "--resume",
            "r.safetensors",
            "-o",
            "r2.safetensors",
        ],
        &dir,
    );
    fails(&again, 1, "the checkpoint already records 4 epochs");
    assert!(!dir.join("r2.safetensors").exists());
    // The network comes from the checkpoint: giving it again is a usage
    // error.
    let both = tda(
        &[
            "pinet",
            "train",
            "x.npy",
            "--resume",
            "r.safetensors",
            "--filters",
            "4,4,4,8",
            "-o",
            "r3.safetensors",
        ],
        &dir,
    );
    fails(&both, 2, "--filters");
}

#[test]
fn image_pinet_train_and_predict_equal_the_library() {
    let (_keep, dir) = setup();
    // 12 images of 6 x 7 pixels and 2 channels, grey levels k / 255,
    // channels last.
    let images = Array4::from_shape_fn((12, 6, 7, 2), |(i, r, c, ch)| {
        ((i * 37 + r * 11 + c * 5 + ch * 53) % 256) as f64 / 255.0
    });
    tda_io::npy::write_npy(dir.join("img.npy"), &images).unwrap();
    ok(&tda(
        &[
            "pinet",
            "train",
            "img.npy",
            "--image",
            "--filters",
            "4,4,4,8",
            "--resolution",
            "4",
            "--epochs",
            "2",
            "--batch-size",
            "4",
            "-o",
            "im.safetensors",
        ],
        &dir,
    ));
    ok(&predict(&dir, "im.safetensors", "img.npy", "ipis.npy"));
    let got: Array4<f32> = tda_io::npy::read_npy(dir.join("ipis.npy")).unwrap();
    assert_eq!(got.dim(), (12, 2, 4, 4));

    let vars = VarMap::new();
    let cfg = ImagePiNetConfig {
        height: 6,
        width: 7,
        channels: 2,
        filters: vec![4, 4, 4, 8],
        kernel: 3,
        resolution: 4,
    };
    let net = ImagePiNet::new(
        cfg,
        VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu),
    )
    .unwrap();
    assert_eq!(
        tda_nn::load_checkpoint(&vars, &dir.join("im.safetensors")).unwrap(),
        Some(2)
    );
    // The network takes channels first.
    let x = images.view().permuted_axes([0, 3, 1, 2]).mapv(|v| v as f32);
    let xt = tda_nn::tensor::to_tensor(&x, &Device::Cpu).unwrap();
    let want: Array4<f32> = tda_nn::tensor::to_array(&net.infer(&xt).unwrap()).unwrap();
    assert_eq!(got, want);

    // The same training in the library: fresh weights from seed 0, the
    // image recipe at 4 x 4 pixels on each channel flattened row-major.
    let lib_vars = VarMap::new();
    let lib_net = ImagePiNet::new(
        net.config().clone(),
        VarBuilder::from_varmap(&lib_vars, DType::F32, &Device::Cpu),
    )
    .unwrap();
    tda_nn::init_keras(&lib_vars, 0).unwrap();
    let preset = PersistenceImage::pinet_image();
    let recipe = PersistenceImage::builder()
        .grid(preset.grid())
        .birth_range(preset.birth_range().0, preset.birth_range().1)
        .resolution(4, 4)
        .sigma(preset.sigma())
        .min_persistence(preset.min_persistence().unwrap())
        .normalize(preset.normalize())
        .build()
        .unwrap();
    let flat = images
        .permuted_axes([0, 3, 1, 2])
        .as_standard_layout()
        .into_shape_with_order((12, 2, 42))
        .unwrap()
        .to_owned();
    let yt = tda_nn::pinet_targets_tensor(flat.view(), &recipe, &Device::Cpu).unwrap();
    PiNetTrainer::new(TrainConfig {
        schedule: vec![(1e-3, 2)],
        batch_size: 4,
        checkpoint: Some(dir.join("lib.safetensors")),
        ..TrainConfig::default()
    })
    .unwrap()
    .fit(&lib_net, &lib_vars, &xt, &yt, None)
    .unwrap();
    same_weights(&dir.join("im.safetensors"), &dir.join("lib.safetensors"));

    // Signals are not images.
    fails(
        &predict(&dir, "im.safetensors", "cos.npy", "p.npy"),
        1,
        "cos.npy: images are a (n, height, width, channels) array, got shape [5, 64]",
    );
}

#[test]
fn pinet_errors_are_one_line() {
    let (_keep, dir) = setup();
    pinet_data(&dir);
    let run = |args: &[&str]| tda(args, &dir);
    let train_with = |extra: &[&str]| {
        let mut args = vec!["pinet", "train", "x.npy", "-o", "m.safetensors"];
        args.extend_from_slice(&SETTINGS);
        if !extra.contains(&"--resume") {
            args.extend_from_slice(&NET);
        }
        args.extend_from_slice(extra);
        tda(&args, &dir)
    };
    fails(
        &run(&["pinet", "train", "missing.npy", "-o", "m.safetensors"]),
        1,
        "missing.npy",
    );
    tda_io::npy::write_npy(dir.join("four.npy"), &Array4::<f64>::zeros((2, 2, 2, 2))).unwrap();
    fails(
        &run(&["pinet", "train", "four.npy", "-o", "m.safetensors"]),
        1,
        "four.npy: signals are a (n, channels, length) array, got shape [2, 2, 2, 2]",
    );
    let mut nan = Array3::<f64>::ones((4, 2, 24));
    nan[[1, 1, 3]] = f64::NAN;
    tda_io::npy::write_npy(dir.join("nan.npy"), &nan).unwrap();
    fails(
        &run(&["pinet", "train", "nan.npy", "-o", "m.safetensors"]),
        1,
        "nan.npy: signal 1, channel 1, sample 3: not a finite number",
    );
    fails(
        &train_with(&["--epochs", "0"]),
        1,
        "--epochs must be at least 1",
    );
    fails(
        &train_with(&["--lr", "-1"]),
        1,
        "--lr must be finite and > 0",
    );
    fails(
        &train_with(&["--lr", "1e-50"]),
        1,
        "--lr must be finite and > 0 (as an f32), got 1e-50",
    );
    fails(
        &run(&[
            "pinet",
            "train",
            "x.npy",
            "--batch-size",
            "0",
            "-o",
            "m.safetensors",
        ]),
        1,
        "--batch-size must be at least 1",
    );
    let bad_net = |flag: &str, value: &str| {
        run(&[
            "pinet",
            "train",
            "x.npy",
            flag,
            value,
            "-o",
            "m.safetensors",
        ])
    };
    fails(
        &bad_net("--filters", "4,0"),
        1,
        "x.npy: invalid configuration",
    );
    fails(
        &bad_net("--resolution", "0"),
        1,
        "x.npy: invalid configuration",
    );
    fails(&bad_net("--kernel", "0"), 1, "x.npy: invalid configuration");
    assert!(!dir.join("m.safetensors").exists());
    fails(
        &train_with(&["--epochs", "1", "--val", "four.npy"]),
        1,
        "four.npy",
    );

    // Checkpoints: missing, corrupt, for another network, of another shape.
    fails(
        &predict(&dir, "none.safetensors", "x.npy", "p.npy"),
        1,
        "none.safetensors",
    );
    std::fs::write(
        dir.join("junk.safetensors"),
        b"\x08\x00\x00\x00\x00\x00\x00\x00{bad",
    )
    .unwrap();
    fails(
        &predict(&dir, "junk.safetensors", "x.npy", "p.npy"),
        1,
        "junk.safetensors: not a safetensors checkpoint",
    );
    fails(
        &train_with(&["--epochs", "2", "--resume", "junk.safetensors"]),
        1,
        "junk.safetensors",
    );
    let mut other = std::collections::HashMap::new();
    other.insert(
        "w".to_string(),
        Tensor::zeros((2, 2), DType::F32, &Device::Cpu).unwrap(),
    );
    candle_core::safetensors::save(&other, dir.join("other.safetensors")).unwrap();
    fails(
        &predict(&dir, "other.safetensors", "x.npy", "p.npy"),
        1,
        "other.safetensors: not a PI-Net checkpoint",
    );
    ok(&train_with(&["--epochs", "1"]));
    tda_io::npy::write_npy(dir.join("three.npy"), &Array3::<f64>::ones((4, 3, 24))).unwrap();
    fails(
        &predict(&dir, "m.safetensors", "three.npy", "p.npy"),
        1,
        "three.npy: 3 channels, the network of m.safetensors takes 2",
    );
    fails(
        &run(&[
            "pinet",
            "train",
            "three.npy",
            "--epochs",
            "2",
            "--resume",
            "m.safetensors",
            "-o",
            "n.safetensors",
        ]),
        1,
        "three.npy: 3 channels, the checkpoint's network takes 2",
    );
    fails(
        &predict(&dir, "m.safetensors", "x.npy", "p.txt"),
        1,
        "p.txt: the output must end in .npy",
    );
    // A truncated checkpoint.
    let bytes = std::fs::read(dir.join("m.safetensors")).unwrap();
    std::fs::write(dir.join("cut.safetensors"), &bytes[..bytes.len() / 2]).unwrap();
    fails(
        &predict(&dir, "cut.safetensors", "x.npy", "p.npy"),
        1,
        "cut.safetensors",
    );
}
