//! Hostile input for every public entry point of tda-nn (checkpoints
//! aside, see `checkpoint_hostile.rs`): a table of cases per entry point,
//! each asserting the exact typed error or a correct finite result against
//! a closed form or a slow reference. Sizes are refused before anything is
//! allocated: the tables use sizes far over any sane memory limit (or whose
//! products overflow), and broadcast views that allocate nothing, so these
//! tests would abort or hang if a check were missing. The memory limit is
//! never changed here (it is process-wide).

mod common;

use candle_core::{DType, Device, Tensor};
use candle_nn::{Optimizer, ParamsAdamW, VarMap};
use common::{snapshot, vb};
use tda_nn::metrics::{self, mean_sd, ConfusionMatrix};
use tda_nn::pool::{max_pool_same, pad_same};
use tda_nn::*;

const MAX: f64 = f64::MAX;

/// A predicate on the expected error.
type Check = dyn Fn(&Error) -> bool;
/// The smallest positive subnormal.
const TINY: f64 = 5e-324;

/// A refusal by the memory guard, with an estimate over 1e12 bytes (or an
/// overflow), before anything was allocated.
fn is_too_large<T>(r: &Result<T>) -> bool {
    matches!(r, Err(Error::TooLarge(m)) if m.estimated_bytes >= 1_000_000_000_000
        && m.estimated_bytes > m.limit)
}

fn describe<T: std::fmt::Debug>(r: &Result<T>) -> String {
    match r {
        Ok(v) => format!("Ok({v:?})"),
        Err(e) => format!("Err({e:?})"),
    }
}

fn signal_cfg() -> SignalPiNetConfig {
    SignalPiNetConfig {
        length: 8,
        channels: 2,
        filters: vec![2, 3],
        kernel: 3,
        resolution: 3,
    }
}

fn image_cfg() -> ImagePiNetConfig {
    ImagePiNetConfig {
        height: 5,
        width: 4,
        channels: 2,
        filters: vec![2, 3],
        kernel: 3,
        resolution: 3,
    }
}

fn mlp_cfg() -> MlpConfig {
    MlpConfig {
        inputs: 4,
        hidden: vec![5],
        dropout: 0.25,
        classes: 3,
        seed: 1,
    }
}

fn cnn_cfg() -> CnnConfig {
    CnnConfig {
        input: CnnInput::Signal {
            channels: 2,
            length: 6,
        },
        filters: vec![3, 3],
        pools: vec![Some(2), None],
        kernel: 3,
        classes: 3,
    }
}

fn fusion_cfg() -> CnnPiFusionConfig {
    CnnPiFusionConfig {
        cnn: cnn_cfg(),
        pi_inputs: 5,
        pi_hidden: vec![4],
    }
}

/// What a constructor case expects.
#[derive(Debug)]
enum Want {
    Ok,
    Invalid(&'static str),
    TooLarge,
}

fn check_new<T>(case: &str, r: Result<T>, want: &Want) {
    let ok = match want {
        Want::Ok => r.is_ok(),
        Want::Invalid(name) => {
            matches!(&r, Err(Error::InvalidConfig { name: n, .. }) if n == name)
        }
        Want::TooLarge => is_too_large(&r),
    };
    let got = match &r {
        Ok(_) => "Ok".to_string(),
        Err(e) => format!("{e:?}"),
    };
    assert!(ok, "{case}: want {want:?}, got {got}");
}

const BIG: usize = 1 << 40;
const HUGE: usize = usize::MAX;

#[test]
fn signal_pinet_new() {
    let base = signal_cfg;
    let cases: Vec<(&str, SignalPiNetConfig, Want)> = vec![
        ("tiny", base(), Want::Ok),
        (
            "length 1",
            SignalPiNetConfig {
                length: 1,
                ..base()
            },
            Want::Ok,
        ),
        (
            "kernel > length",
            SignalPiNetConfig {
                kernel: 11,
                ..base()
            },
            Want::Ok,
        ),
        (
            "length 0",
            SignalPiNetConfig {
                length: 0,
                ..base()
            },
            Want::Invalid("length/channels"),
        ),
        (
            "channels 0",
            SignalPiNetConfig {
                channels: 0,
                ..base()
            },
            Want::Invalid("length/channels"),
        ),
        (
            "no blocks",
            SignalPiNetConfig {
                filters: vec![],
                ..base()
            },
            Want::Invalid("filters"),
        ),
        (
            "zero filters",
            SignalPiNetConfig {
                filters: vec![2, 0],
                ..base()
            },
            Want::Invalid("filters"),
        ),
        (
            "kernel 0",
            SignalPiNetConfig {
                kernel: 0,
                ..base()
            },
            Want::Invalid("kernel"),
        ),
        (
            "resolution 0",
            SignalPiNetConfig {
                resolution: 0,
                ..base()
            },
            Want::Invalid("resolution"),
        ),
        (
            "resolution 2^32",
            SignalPiNetConfig {
                resolution: 1 << 32,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "resolution 2^20",
            SignalPiNetConfig {
                resolution: 1 << 20,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "resolution MAX",
            SignalPiNetConfig {
                resolution: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "length 2^40",
            SignalPiNetConfig {
                length: BIG,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "length MAX",
            SignalPiNetConfig {
                length: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "channels MAX",
            SignalPiNetConfig {
                channels: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "channels 2^40",
            SignalPiNetConfig {
                channels: BIG,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "filters 2^20 x 2^20",
            SignalPiNetConfig {
                filters: vec![1 << 20, 1 << 20],
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "filters MAX",
            SignalPiNetConfig {
                filters: vec![HUGE],
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "kernel 2^40",
            SignalPiNetConfig {
                kernel: BIG,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "kernel MAX",
            SignalPiNetConfig {
                kernel: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "many blocks",
            SignalPiNetConfig {
                filters: vec![1 << 16; 1 << 12],
                ..base()
            },
            Want::TooLarge,
        ),
    ];
    assert_eq!(cases.len(), 21);
    for (case, cfg, want) in &cases {
        let vars = VarMap::new();
        check_new(case, SignalPiNet::new(cfg.clone(), vb(&vars)), want);
    }
}

#[test]
fn image_pinet_new() {
    let base = image_cfg;
    let cases: Vec<(&str, ImagePiNetConfig, Want)> = vec![
        ("tiny", base(), Want::Ok),
        (
            "1 x 1 image",
            ImagePiNetConfig {
                height: 1,
                width: 1,
                ..base()
            },
            Want::Ok,
        ),
        (
            "resolution 1",
            ImagePiNetConfig {
                resolution: 1,
                ..base()
            },
            Want::Ok,
        ),
        (
            "height 0",
            ImagePiNetConfig {
                height: 0,
                ..base()
            },
            Want::Invalid("height/width/channels"),
        ),
        (
            "width 0",
            ImagePiNetConfig { width: 0, ..base() },
            Want::Invalid("height/width/channels"),
        ),
        (
            "channels 0",
            ImagePiNetConfig {
                channels: 0,
                ..base()
            },
            Want::Invalid("height/width/channels"),
        ),
        (
            "kernel 0",
            ImagePiNetConfig {
                kernel: 0,
                ..base()
            },
            Want::Invalid("kernel"),
        ),
        (
            "no blocks",
            ImagePiNetConfig {
                filters: vec![],
                ..base()
            },
            Want::Invalid("filters"),
        ),
        (
            "resolution 0",
            ImagePiNetConfig {
                resolution: 0,
                ..base()
            },
            Want::Invalid("resolution"),
        ),
        (
            "resolution 129",
            ImagePiNetConfig {
                resolution: MAX_IMAGE_RESOLUTION + 1,
                ..base()
            },
            Want::Invalid("resolution"),
        ),
        (
            "resolution MAX",
            ImagePiNetConfig {
                resolution: HUGE,
                ..base()
            },
            Want::Invalid("resolution"),
        ),
        (
            "channels x 128^4",
            ImagePiNetConfig {
                channels: 1000,
                resolution: 128,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "height x width 2^60",
            ImagePiNetConfig {
                height: 1 << 30,
                width: 1 << 30,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "height MAX",
            ImagePiNetConfig {
                height: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "channels MAX",
            ImagePiNetConfig {
                channels: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "kernel 2^32 (k^2 overflows)",
            ImagePiNetConfig {
                kernel: 1 << 32,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "kernel 2^20",
            ImagePiNetConfig {
                kernel: 1 << 20,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "filters MAX",
            ImagePiNetConfig {
                filters: vec![2, HUGE],
                ..base()
            },
            Want::TooLarge,
        ),
    ];
    assert_eq!(cases.len(), 18);
    for (case, cfg, want) in &cases {
        let vars = VarMap::new();
        check_new(case, ImagePiNet::new(cfg.clone(), vb(&vars)), want);
    }
}

#[test]
fn mlp_new() {
    let base = mlp_cfg;
    let cases: Vec<(&str, MlpConfig, Want)> = vec![
        ("tiny", base(), Want::Ok),
        (
            "no hidden layer",
            MlpConfig {
                hidden: vec![],
                ..base()
            },
            Want::Ok,
        ),
        (
            "one class",
            MlpConfig {
                classes: 1,
                ..base()
            },
            Want::Ok,
        ),
        (
            "dropout 0",
            MlpConfig {
                dropout: 0.0,
                ..base()
            },
            Want::Ok,
        ),
        (
            "dropout -0",
            MlpConfig {
                dropout: -0.0,
                ..base()
            },
            Want::Ok,
        ),
        (
            "dropout just below 1",
            MlpConfig {
                dropout: 1.0 - f64::EPSILON,
                ..base()
            },
            Want::Ok,
        ),
        (
            "dropout subnormal",
            MlpConfig {
                dropout: TINY,
                ..base()
            },
            Want::Ok,
        ),
        (
            "seed MAX",
            MlpConfig {
                seed: u64::MAX,
                ..base()
            },
            Want::Ok,
        ),
        (
            "dropout 1",
            MlpConfig {
                dropout: 1.0,
                ..base()
            },
            Want::Invalid("dropout"),
        ),
        (
            "dropout -0.1",
            MlpConfig {
                dropout: -0.1,
                ..base()
            },
            Want::Invalid("dropout"),
        ),
        (
            "dropout NaN",
            MlpConfig {
                dropout: f64::NAN,
                ..base()
            },
            Want::Invalid("dropout"),
        ),
        (
            "dropout inf",
            MlpConfig {
                dropout: f64::INFINITY,
                ..base()
            },
            Want::Invalid("dropout"),
        ),
        (
            "dropout -inf",
            MlpConfig {
                dropout: f64::NEG_INFINITY,
                ..base()
            },
            Want::Invalid("dropout"),
        ),
        (
            "dropout 1 + eps",
            MlpConfig {
                dropout: 1.0 + f64::EPSILON,
                ..base()
            },
            Want::Invalid("dropout"),
        ),
        (
            "classes 0",
            MlpConfig {
                classes: 0,
                ..base()
            },
            Want::Invalid("classes"),
        ),
        (
            "inputs 0",
            MlpConfig {
                inputs: 0,
                ..base()
            },
            Want::Invalid("inputs"),
        ),
        (
            "hidden 0",
            MlpConfig {
                hidden: vec![3, 0],
                ..base()
            },
            Want::Invalid("hidden"),
        ),
        (
            "inputs MAX",
            MlpConfig {
                inputs: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "inputs 2^40",
            MlpConfig {
                inputs: BIG,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "classes MAX",
            MlpConfig {
                classes: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "classes 2^38 (x hidden 5)",
            MlpConfig {
                classes: 1 << 38,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "hidden 2^30 x 2^30",
            MlpConfig {
                hidden: vec![1 << 30, 1 << 30],
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "hidden MAX",
            MlpConfig {
                hidden: vec![HUGE],
                ..base()
            },
            Want::TooLarge,
        ),
    ];
    assert_eq!(cases.len(), 23);
    for (case, cfg, want) in &cases {
        let vars = VarMap::new();
        check_new(case, Mlp::new(cfg.clone(), vb(&vars)), want);
    }
}

#[test]
fn cnn_new() {
    let base = cnn_cfg;
    let image = |h, w| CnnInput::Image {
        channels: 1,
        height: h,
        width: w,
    };
    let cases: Vec<(&str, CnnConfig, Want)> = vec![
        ("tiny", base(), Want::Ok),
        (
            "2-D",
            CnnConfig {
                input: image(4, 5),
                ..base()
            },
            Want::Ok,
        ),
        (
            "stride MAX (one output)",
            CnnConfig {
                pools: vec![Some(HUGE), Some(HUGE)],
                ..base()
            },
            Want::Ok,
        ),
        ("paper 1-D", CnnConfig::paper_1d(3, 100, 4), Want::Ok),
        (
            "classes 0",
            CnnConfig {
                classes: 0,
                ..base()
            },
            Want::Invalid("classes"),
        ),
        (
            "kernel 0",
            CnnConfig {
                kernel: 0,
                ..base()
            },
            Want::Invalid("kernel"),
        ),
        (
            "no blocks",
            CnnConfig {
                filters: vec![],
                pools: vec![],
                ..base()
            },
            Want::Invalid("filters"),
        ),
        (
            "zero filters",
            CnnConfig {
                filters: vec![3, 0],
                ..base()
            },
            Want::Invalid("filters"),
        ),
        (
            "pool stride 0",
            CnnConfig {
                pools: vec![Some(0), None],
                ..base()
            },
            Want::Invalid("pools"),
        ),
        (
            "pools too short",
            CnnConfig {
                pools: vec![None],
                ..base()
            },
            Want::Invalid("pools"),
        ),
        (
            "pools too long",
            CnnConfig {
                pools: vec![None; 3],
                ..base()
            },
            Want::Invalid("pools"),
        ),
        (
            "length 0",
            CnnConfig {
                input: CnnInput::Signal {
                    channels: 2,
                    length: 0,
                },
                ..base()
            },
            Want::Invalid("input"),
        ),
        (
            "channels 0",
            CnnConfig {
                input: CnnInput::Signal {
                    channels: 0,
                    length: 4,
                },
                ..base()
            },
            Want::Invalid("input"),
        ),
        (
            "height 0",
            CnnConfig {
                input: image(0, 4),
                ..base()
            },
            Want::Invalid("input"),
        ),
        (
            "length MAX",
            CnnConfig {
                input: CnnInput::Signal {
                    channels: 2,
                    length: HUGE,
                },
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "channels 2^40",
            CnnConfig {
                input: CnnInput::Signal {
                    channels: BIG,
                    length: 4,
                },
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "image 2^31 x 2^31",
            CnnConfig {
                input: image(1 << 31, 1 << 31),
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "kernel MAX",
            CnnConfig {
                kernel: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "2-D kernel 2^32",
            CnnConfig {
                input: image(4, 4),
                kernel: 1 << 32,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "filters MAX",
            CnnConfig {
                filters: vec![HUGE, 3],
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "classes MAX",
            CnnConfig {
                classes: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
    ];
    assert_eq!(cases.len(), 21);
    for (case, cfg, want) in &cases {
        let vars = VarMap::new();
        check_new(case, Cnn::new(cfg.clone(), vb(&vars)), want);
    }
}

#[test]
fn cnn_pi_fusion_new() {
    let base = fusion_cfg;
    let cases: Vec<(&str, CnnPiFusionConfig, Want)> = vec![
        ("tiny", base(), Want::Ok),
        (
            "no PI hidden layer",
            CnnPiFusionConfig {
                pi_hidden: vec![],
                ..base()
            },
            Want::Ok,
        ),
        (
            "pi_inputs 0",
            CnnPiFusionConfig {
                pi_inputs: 0,
                ..base()
            },
            Want::Invalid("pi_inputs"),
        ),
        (
            "pi_hidden 0",
            CnnPiFusionConfig {
                pi_hidden: vec![0],
                ..base()
            },
            Want::Invalid("pi_hidden"),
        ),
        (
            "bad CNN",
            CnnPiFusionConfig {
                cnn: CnnConfig {
                    classes: 0,
                    ..cnn_cfg()
                },
                ..base()
            },
            Want::Invalid("classes"),
        ),
        (
            "fused width overflows",
            CnnPiFusionConfig {
                pi_hidden: vec![HUGE],
                ..base()
            },
            Want::Invalid("pi_hidden"),
        ),
        (
            "pi_inputs MAX",
            CnnPiFusionConfig {
                pi_inputs: HUGE,
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "pi_inputs 2^40, no hidden",
            CnnPiFusionConfig {
                pi_inputs: BIG,
                pi_hidden: vec![],
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "pi_hidden 2^30 x 2^30",
            CnnPiFusionConfig {
                pi_hidden: vec![1 << 30, 1 << 30],
                ..base()
            },
            Want::TooLarge,
        ),
        (
            "CNN too large",
            CnnPiFusionConfig {
                cnn: CnnConfig {
                    kernel: HUGE,
                    ..cnn_cfg()
                },
                ..base()
            },
            Want::TooLarge,
        ),
    ];
    assert_eq!(cases.len(), 10);
    for (case, cfg, want) in &cases {
        let vars = VarMap::new();
        check_new(case, CnnPiFusion::new(cfg.clone(), vb(&vars)), want);
    }
}

/// What a forward case expects.
#[derive(Debug)]
enum Fwd {
    /// Finite output of this shape.
    Shape(Vec<usize>),
    /// A shape error naming this input.
    BadShape(&'static str),
    /// Another dtype.
    Incompatible(&'static str),
    /// A non-finite input value at this index.
    NonFinite(&'static str, Vec<usize>),
    TooLarge,
}

fn check_forward(case: &str, r: Result<Tensor>, want: &Fwd) {
    let ok = match (want, &r) {
        (Fwd::Shape(dims), Ok(t)) => {
            t.dims() == dims.as_slice()
                && t.flatten_all()
                    .unwrap()
                    .to_vec1::<f32>()
                    .unwrap()
                    .iter()
                    .all(|v| v.is_finite())
        }
        (Fwd::BadShape(name), Err(Error::Shape { name: n, .. })) => n == name,
        (Fwd::Incompatible(name), Err(Error::Incompatible { name: n, .. })) => n == name,
        (
            Fwd::NonFinite(name, index),
            Err(Error::NonFinite {
                name: n, index: i, ..
            }),
        ) => n == name && i == index,
        (Fwd::TooLarge, r) => is_too_large(r),
        _ => false,
    };
    assert!(ok, "{case}: want {want:?}, got {}", describe(&r));
}

fn f32s(dims: &[usize], f: impl Fn(usize) -> f32) -> Tensor {
    let n: usize = dims.iter().product();
    Tensor::from_vec((0..n).map(f).collect::<Vec<f32>>(), dims, &Device::Cpu).unwrap()
}

fn wave(i: usize) -> f32 {
    ((i * 37 % 23) as f32 / 23.0 - 0.5) * 2.0
}

/// A tensor of `dims` whose first dimension is a stride-0 broadcast of one
/// sample: no memory for `batch` samples.
fn broadcast(batch: usize, sample: &[usize]) -> Tensor {
    let mut one = vec![1];
    one.extend_from_slice(sample);
    let mut all = vec![batch];
    all.extend_from_slice(sample);
    f32s(&one, wave).broadcast_as(all).unwrap()
}

/// The forward cases shared by the single-input models, for inputs of
/// shape `sample` (without the batch) and outputs of `out`.
fn forward_cases(sample: &[usize], out: &[usize]) -> Vec<(String, Tensor, Fwd)> {
    let dims = |batch: usize| {
        let mut d = vec![batch];
        d.extend_from_slice(sample);
        d
    };
    let with_out = |batch: usize| {
        let mut d = vec![batch];
        d.extend_from_slice(out);
        d
    };
    let n: usize = sample.iter().product();
    let mut wrong = dims(2);
    *wrong.last_mut().unwrap() += 1;
    let mut nan = f32s(&dims(2), wave)
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    nan[n + 1] = f32::NAN;
    let mut inf = nan.clone();
    inf[n + 1] = 1.0;
    inf[0] = f32::NEG_INFINITY;
    let mut index_nan = vec![1];
    let mut rest = 1;
    for (k, &d) in sample.iter().enumerate().rev() {
        let _ = k;
        index_nan.insert(1, rest % d);
        rest /= d;
    }
    let zero_index = vec![0; sample.len() + 1];
    let cases = vec![
        (
            "batch 1".to_string(),
            f32s(&dims(1), wave),
            Fwd::Shape(with_out(1)),
        ),
        (
            "batch 3".into(),
            f32s(&dims(3), wave),
            Fwd::Shape(with_out(3)),
        ),
        (
            "all zeros".into(),
            f32s(&dims(2), |_| 0.0),
            Fwd::Shape(with_out(2)),
        ),
        (
            "-0.0".into(),
            f32s(&dims(2), |_| -0.0),
            Fwd::Shape(with_out(2)),
        ),
        (
            "subnormal".into(),
            f32s(&dims(2), |i| f32::from_bits(1 + i as u32 % 5)),
            Fwd::Shape(with_out(2)),
        ),
        (
            "+-1e3".into(),
            f32s(&dims(2), |i| wave(i) * 1e3),
            Fwd::Shape(with_out(2)),
        ),
        ("batch 0".into(), f32s(&dims(0), wave), Fwd::BadShape("x")),
        (
            "wrong last dimension".into(),
            f32s(&wrong, wave),
            Fwd::BadShape("x"),
        ),
        (
            "no batch dimension".into(),
            f32s(sample, wave),
            Fwd::BadShape("x"),
        ),
        (
            "scalar".into(),
            Tensor::new(1f32, &Device::Cpu).unwrap(),
            Fwd::BadShape("x"),
        ),
        (
            "extra dimension".into(),
            f32s(&[dims(2), vec![1]].concat(), wave),
            Fwd::BadShape("x"),
        ),
        (
            "f64".into(),
            f32s(&dims(2), wave).to_dtype(DType::F64).unwrap(),
            Fwd::Incompatible("x"),
        ),
        (
            "u8".into(),
            f32s(&dims(2), |_| 1.0).to_dtype(DType::U8).unwrap(),
            Fwd::Incompatible("x"),
        ),
        (
            "bf16".into(),
            f32s(&dims(2), wave).to_dtype(DType::BF16).unwrap(),
            Fwd::Incompatible("x"),
        ),
        (
            "NaN".into(),
            Tensor::from_vec(nan, dims(2), &Device::Cpu).unwrap(),
            Fwd::NonFinite("x", index_nan),
        ),
        (
            "-inf".into(),
            Tensor::from_vec(inf, dims(2), &Device::Cpu).unwrap(),
            Fwd::NonFinite("x", zero_index),
        ),
        (
            "batch 2^40 (broadcast)".into(),
            broadcast(BIG, sample),
            Fwd::TooLarge,
        ),
    ];
    assert_eq!(cases.len(), 17);
    cases
}

#[test]
fn signal_pinet_forward() {
    let vars = VarMap::new();
    let net = SignalPiNet::new(signal_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 0).unwrap();
    for (case, x, want) in forward_cases(&[2, 8], &[2, 3, 3]) {
        check_forward(&case, net.infer(&x), &want);
    }
    // forward_t checks shapes and sizes too (values are the caller's).
    check_forward(
        "forward_t f64",
        net.forward_t(&f32s(&[2, 2, 8], wave).to_dtype(DType::F64).unwrap(), true),
        &Fwd::Incompatible("x"),
    );
    check_forward(
        "forward_t 2^40",
        net.forward_t(&broadcast(BIG, &[2, 8]), false),
        &Fwd::TooLarge,
    );
}

#[test]
fn image_pinet_forward() {
    let vars = VarMap::new();
    let net = ImagePiNet::new(image_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 0).unwrap();
    for (case, x, want) in forward_cases(&[2, 5, 4], &[2, 3, 3]) {
        check_forward(&case, net.infer(&x), &want);
    }
    check_forward(
        "forward_t 2^40",
        net.forward_t(&broadcast(BIG, &[2, 5, 4]), true),
        &Fwd::TooLarge,
    );
}

#[test]
fn mlp_forward() {
    let vars = VarMap::new();
    let net = Mlp::new(mlp_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 0).unwrap();
    for (case, x, want) in forward_cases(&[4], &[3]) {
        check_forward(&case, net.infer(&x), &want);
    }
    // The trainers' path (logits_t) checks shapes too (values are the
    // caller's).
    let x = f32s(&[2, 4], wave);
    check_forward(
        "logits_t wrong width",
        net.logits_t(&f32s(&[2, 5], wave), false),
        &Fwd::BadShape("x"),
    );
    // Seeded dropout: the same seed gives the same training-mode output.
    let again = Mlp::new(mlp_cfg(), vb(&vars)).unwrap();
    let a = net.logits_t(&x, true).unwrap();
    let b = again.logits_t(&x, true).unwrap();
    assert_eq!(
        a.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
        b.flatten_all().unwrap().to_vec1::<f32>().unwrap()
    );
}

#[test]
fn cnn_forward() {
    let vars = VarMap::new();
    let net = Cnn::new(cnn_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 0).unwrap();
    for (case, x, want) in forward_cases(&[2, 6], &[3]) {
        check_forward(&case, net.infer(&x), &want);
    }
    // Pool strides of usize::MAX: one output per pool, at once.
    let cfg = CnnConfig {
        pools: vec![Some(HUGE), Some(HUGE)],
        ..cnn_cfg()
    };
    let vars = VarMap::new();
    let net = Cnn::new(cfg, vb(&vars)).unwrap();
    check_forward(
        "stride MAX",
        net.infer(&f32s(&[2, 2, 6], wave)),
        &Fwd::Shape(vec![2, 3]),
    );
    // A 2-D CNN.
    let cfg = CnnConfig {
        input: CnnInput::Image {
            channels: 1,
            height: 3,
            width: 5,
        },
        ..cnn_cfg()
    };
    let vars = VarMap::new();
    let net = Cnn::new(cfg, vb(&vars)).unwrap();
    for (case, x, want) in forward_cases(&[1, 3, 5], &[3]) {
        check_forward(&format!("2-D {case}"), net.infer(&x), &want);
    }
}

#[test]
fn cnn_pi_fusion_forward() {
    let vars = VarMap::new();
    let net = CnnPiFusion::new(fusion_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 0).unwrap();
    let raw = |b| f32s(&[b, 2, 6], wave);
    let img = |b| f32s(&[b, 5], wave);
    let mut nan = img(2).flatten_all().unwrap().to_vec1::<f32>().unwrap();
    nan[7] = f32::INFINITY;
    let nan = Tensor::from_vec(nan, (2, 5), &Device::Cpu).unwrap();
    let cases: Vec<(&str, Tensor, Tensor, Fwd)> = vec![
        ("batch 2", raw(2), img(2), Fwd::Shape(vec![2, 3])),
        ("batch 1", raw(1), img(1), Fwd::Shape(vec![1, 3])),
        ("batches differ", raw(2), img(3), Fwd::BadShape("images")),
        (
            "images too wide",
            raw(2),
            f32s(&[2, 6], wave),
            Fwd::BadShape("images"),
        ),
        (
            "raw wrong",
            f32s(&[2, 3, 6], wave),
            img(2),
            Fwd::BadShape("raw"),
        ),
        ("raw batch 0", raw(0), img(0), Fwd::BadShape("raw")),
        (
            "images f64",
            raw(2),
            img(2).to_dtype(DType::F64).unwrap(),
            Fwd::Incompatible("images"),
        ),
        (
            "raw f16",
            raw(2).to_dtype(DType::F16).unwrap(),
            img(2),
            Fwd::Incompatible("raw"),
        ),
        (
            "images inf",
            raw(2),
            nan,
            Fwd::NonFinite("images", vec![1, 2]),
        ),
        (
            "batch 2^40",
            broadcast(BIG, &[2, 6]),
            f32s(&[1, 5], wave).broadcast_as((BIG, 5)).unwrap(),
            Fwd::TooLarge,
        ),
    ];
    assert_eq!(cases.len(), 10);
    for (case, r, i, want) in &cases {
        let input = FusionInput {
            raw: r.clone(),
            images: i.clone(),
        };
        check_forward(case, net.infer(&input), want);
    }
    // The trainers' path (logits_t) checks shapes too.
    let input = FusionInput {
        raw: raw(2),
        images: img(3),
    };
    check_forward(
        "logits_t batches differ",
        net.logits_t(&input, false),
        &Fwd::BadShape("images"),
    );
}

#[test]
fn confusion_matrix_and_f1() {
    /// Slow reference: per-class counts sample by sample.
    fn reference(t: &[usize], p: &[usize], classes: usize) -> (f64, f64, Vec<f64>) {
        let n = t.len();
        let acc = t.iter().zip(p).filter(|(a, b)| a == b).count() as f64 / n as f64;
        let mut f1s = Vec::new();
        let mut weighted = 0.0;
        for k in 0..classes {
            let tp = t.iter().zip(p).filter(|&(&a, &b)| a == k && b == k).count() as f64;
            let support = t.iter().filter(|&&a| a == k).count() as f64;
            let predicted = p.iter().filter(|&&b| b == k).count() as f64;
            let f1 = if support + predicted == 0.0 {
                0.0
            } else {
                2.0 * tp / (support + predicted)
            };
            weighted += f1 * support / n as f64;
            f1s.push(f1);
        }
        (acc, weighted, f1s)
    }
    let m = usize::MAX;
    // (case, y_true, y_pred, classes): valid, compared with the reference.
    let valid: Vec<(&str, Vec<usize>, Vec<usize>, usize)> = vec![
        ("one sample", vec![0], vec![0], 1),
        ("one wrong", vec![0], vec![1], 2),
        ("all one class", vec![2; 7], vec![2; 7], 3),
        ("never right", vec![0, 1, 0, 1], vec![1, 0, 1, 0], 2),
        ("absent classes", vec![0, 4, 4], vec![4, 4, 0], 9),
        (
            "ties everywhere",
            vec![0, 1, 2, 0, 1, 2],
            vec![0, 0, 0, 1, 1, 1],
            3,
        ),
        (
            "labels near the top",
            vec![999, 998, 999],
            vec![999, 999, 0],
            1000,
        ),
    ];
    for (case, t, p, classes) in &valid {
        let cm = ConfusionMatrix::new(t, p, *classes).unwrap();
        let (acc, weighted, f1s) = reference(t, p, *classes);
        assert_eq!(cm.accuracy(), acc, "{case}");
        assert!((cm.weighted_f1() - weighted).abs() <= 1e-15, "{case}");
        assert_eq!(cm.f1(), f1s, "{case}");
        assert!(
            cm.macro_f1().is_finite() && cm.weighted_f1().is_finite(),
            "{case}"
        );
        assert!(
            cm.precision()
                .iter()
                .chain(&cm.recall())
                .all(|v| (0.0..=1.0).contains(v)),
            "{case}"
        );
        assert_eq!(metrics::accuracy(t, p).unwrap(), acc, "{case}");
        assert_eq!(
            metrics::weighted_f1(t, p, *classes).unwrap(),
            cm.weighted_f1(),
            "{case}"
        );
        assert_eq!(
            metrics::macro_f1(t, p, *classes).unwrap(),
            cm.macro_f1(),
            "{case}"
        );
        assert!(cm.to_string().contains("weighted avg"), "{case}");
    }
    // (case, y_true, y_pred, classes, expected error).
    #[derive(Debug)]
    enum E {
        Shape(&'static str),
        Label(&'static str, usize, usize),
        Classes,
        TooLarge,
    }
    type BadLabels = (&'static str, Vec<usize>, Vec<usize>, usize, E);
    let bad: Vec<BadLabels> = vec![
        ("empty", vec![], vec![], 3, E::Shape("y_true")),
        ("lengths differ", vec![0, 1], vec![0], 3, E::Shape("y_pred")),
        (
            "lengths differ, empty pred",
            vec![0],
            vec![],
            3,
            E::Shape("y_pred"),
        ),
        ("classes 0", vec![0], vec![0], 0, E::Classes),
        (
            "true label = classes",
            vec![0, 3],
            vec![0, 0],
            3,
            E::Label("y_true", 1, 3),
        ),
        (
            "pred label = classes",
            vec![0, 1],
            vec![0, 3],
            3,
            E::Label("y_pred", 1, 3),
        ),
        ("label MAX", vec![m], vec![0], 3, E::Label("y_true", 0, m)),
        (
            "both bad: y_true named",
            vec![7],
            vec![8],
            3,
            E::Label("y_true", 0, 7),
        ),
        ("classes 2^31", vec![0], vec![0], 1 << 31, E::TooLarge),
        ("classes 2^32", vec![0], vec![0], 1 << 32, E::TooLarge),
        ("classes MAX", vec![0], vec![0], m, E::TooLarge),
        ("classes 10^6", vec![0], vec![0], 1_000_000, E::TooLarge),
    ];
    assert_eq!(valid.len() + bad.len(), 19);
    for (case, t, p, classes, want) in &bad {
        let r = ConfusionMatrix::new(t, p, *classes);
        let ok = match (want, &r) {
            (E::Shape(name), Err(Error::Shape { name: n, .. })) => n == name,
            (
                E::Label(name, i, l),
                Err(Error::Label {
                    name: n,
                    index,
                    label,
                    classes: c,
                }),
            ) => n == name && index == i && label == l && c == classes,
            (
                E::Classes,
                Err(Error::InvalidConfig {
                    name: "classes", ..
                }),
            ) => true,
            (E::TooLarge, r) => is_too_large(r),
            _ => false,
        };
        assert!(ok, "{case}: want {want:?}, got {}", describe(&r));
        // The functions built on the matrix fail the same way.
        assert_eq!(
            format!("{:?}", metrics::weighted_f1(t, p, *classes).unwrap_err()),
            format!("{:?}", r.as_ref().unwrap_err()),
            "{case}"
        );
        assert!(metrics::macro_f1(t, p, *classes).is_err(), "{case}");
    }
    // accuracy needs no class count: any labels.
    assert_eq!(metrics::accuracy(&[m, 0], &[m, 1]).unwrap(), 0.5);
    assert!(matches!(
        metrics::accuracy(&[], &[]),
        Err(Error::Shape { .. })
    ));
    // to_text wants one name per class.
    let cm = ConfusionMatrix::new(&[0, 1], &[1, 1], 2).unwrap();
    assert!(matches!(
        cm.to_text(&["a".into()]),
        Err(Error::Shape { name: "names", .. })
    ));
    assert!(cm.to_text(&["a".into(), "b".into()]).unwrap().contains('b'));
}

#[test]
fn mean_sd_over_the_whole_range() {
    let sqrt_half = 0.5f64.sqrt();
    // (values, mean, sd), exact or closed forms.
    let cases: Vec<(Vec<f64>, f64, f64)> = vec![
        (vec![MAX, MAX], MAX, 0.0),
        (vec![MAX, MAX, MAX], MAX, 0.0),
        (vec![-MAX, -MAX], -MAX, 0.0),
        (vec![MAX, MAX / 2.0], 0.75 * MAX, (MAX / 4.0) * 2f64.sqrt()),
        (vec![1e300, 3e300], 2e300, 2f64.sqrt() * 1e300),
        (vec![TINY, TINY], TINY, 0.0),
        (vec![2.0 * TINY, 4.0 * TINY], 3.0 * TINY, TINY), // sd sqrt(2) units rounds to 1
        (vec![-0.0, 0.0], 0.0, 0.0),
        (vec![1.0, 2.0], 1.5, sqrt_half),
        (vec![3.5], 3.5, 0.0),
    ];
    for (values, mean, sd) in &cases {
        let (m, s) = mean_sd(values);
        assert!(
            (m - mean).abs() <= mean.abs() * 1e-15,
            "{values:?}: mean {m} vs {mean}"
        );
        assert!((s - sd).abs() <= sd * 1e-15, "{values:?}: sd {s} vs {sd}");
    }
    // True overflow of the sd: +inf, documented; the mean stays exact.
    let (m, s) = mean_sd(&[MAX, -MAX]);
    assert_eq!((m, s), (0.0, f64::INFINITY));
    assert!(mean_sd(&[]).0.is_nan());
    assert_eq!(cases.len() + 2, 12);
}

#[test]
fn pooling() {
    let x = |n: usize| f32s(&[1, 2, n], |i| wave(i) * 3.0);
    // Values against a naive pool (huge kernels and strides included): the
    // unit tests of `pool.rs`.
    // -inf values are values: the max of all -inf is -inf.
    let minus = f32s(&[1, 1, 3], |_| f32::NEG_INFINITY);
    let got = max_pool_same(&minus, 2, 3, 2)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    assert_eq!(got, vec![f32::NEG_INFINITY; 2]);
    let bad: Vec<(&str, Result<Tensor>, &Check)> = vec![
        ("kernel 0", max_pool_same(&x(4), 2, 0, 1), &|e| {
            matches!(e, Error::InvalidConfig { name: "kernel", .. })
        }),
        ("stride 0", max_pool_same(&x(4), 2, 3, 0), &|e| {
            matches!(e, Error::InvalidConfig { name: "stride", .. })
        }),
        (
            "empty dimension",
            max_pool_same(&f32s(&[1, 2, 0], wave), 2, 3, 2),
            &|e| matches!(e, Error::Shape { name: "x", .. }),
        ),
        (
            "dimension out of range",
            max_pool_same(&x(4), 3, 3, 2),
            &|e| matches!(e, Error::Shape { name: "x", .. }),
        ),
        ("pad: dimension out of range", pad_same(&x(4), 5, 3), &|e| {
            matches!(e, Error::Shape { name: "x", .. })
        }),
        ("pad: kernel MAX", pad_same(&x(4), 2, HUGE), &|e| {
            matches!(e, Error::TooLarge(_))
        }),
        ("pad: kernel 2^40", pad_same(&x(4), 2, BIG), &|e| {
            matches!(e, Error::TooLarge(_))
        }),
    ];
    for (case, r, ok) in &bad {
        match r {
            Err(e) => assert!(ok(e), "{case}: {e:?}"),
            Ok(_) => panic!("{case}: Ok"),
        }
    }
    // pad_same: kernel - 1 zeros, the smaller half before; 0 and 1 pad none.
    for (k, before, after) in [(0, 0, 0), (1, 0, 0), (2, 0, 1), (3, 1, 1), (4, 1, 2)] {
        let p = pad_same(&x(4), 2, k).unwrap();
        assert_eq!(p.dim(2).unwrap(), 4 + before + after, "k {k}");
        let v = p.get(0).unwrap().get(0).unwrap().to_vec1::<f32>().unwrap();
        assert!(
            v[..before]
                .iter()
                .chain(&v[4 + before..])
                .all(|&z| z == 0.0),
            "k {k}"
        );
    }
    assert_eq!(1 + bad.len() + 5, 13);
}

fn signal_data(n: usize, fill: f32) -> (Tensor, Tensor) {
    (f32s(&[n, 2, 8], wave), f32s(&[n, 2, 3, 3], |_| fill))
}

fn quiet(schedule: Vec<(f64, usize)>) -> TrainConfig {
    TrainConfig {
        schedule,
        batch_size: 2,
        ..TrainConfig::default()
    }
}

#[test]
fn train_configs() {
    let base = || quiet(vec![(1e-3, 1)]);
    let cases: Vec<(&str, TrainConfig, Want)> = vec![
        ("default", TrainConfig::default(), Want::Ok),
        ("keras", TrainConfig::keras_adam(vec![(1e-3, 2)]), Want::Ok),
        ("zero epochs", quiet(vec![(1e-3, 0)]), Want::Ok),
        (
            "batch MAX",
            TrainConfig {
                batch_size: HUGE,
                ..base()
            },
            Want::Ok,
        ),
        (
            "beta 0",
            TrainConfig {
                beta1: 0.0,
                beta2: 0.0,
                ..base()
            },
            Want::Ok,
        ),
        (
            "epochs sum to MAX",
            quiet(vec![(1e-3, HUGE - 1), (1e-3, 1)]),
            Want::Ok,
        ),
        ("empty schedule", quiet(vec![]), Want::Invalid("schedule")),
        ("rate 0", quiet(vec![(0.0, 1)]), Want::Invalid("schedule")),
        ("rate -1", quiet(vec![(-1.0, 1)]), Want::Invalid("schedule")),
        (
            "rate NaN",
            quiet(vec![(f64::NAN, 1)]),
            Want::Invalid("schedule"),
        ),
        (
            "rate inf",
            quiet(vec![(f64::INFINITY, 1)]),
            Want::Invalid("schedule"),
        ),
        (
            "rate 1e-50 (0 as f32)",
            quiet(vec![(1e-50, 1)]),
            Want::Invalid("schedule"),
        ),
        (
            "rate 1e39 (inf as f32)",
            quiet(vec![(1e39, 1)]),
            Want::Invalid("schedule"),
        ),
        (
            "epochs overflow",
            quiet(vec![(1e-3, HUGE), (1e-3, 1)]),
            Want::Invalid("schedule"),
        ),
        (
            "settle overflows",
            TrainConfig {
                settle_batch_norm: 1,
                ..quiet(vec![(1e-3, HUGE)])
            },
            Want::Invalid("schedule"),
        ),
        (
            "batch 0",
            TrainConfig {
                batch_size: 0,
                ..base()
            },
            Want::Invalid("batch_size"),
        ),
        (
            "beta1 1",
            TrainConfig {
                beta1: 1.0,
                ..base()
            },
            Want::Invalid("beta1"),
        ),
        (
            "beta1 -0.1",
            TrainConfig {
                beta1: -0.1,
                ..base()
            },
            Want::Invalid("beta1"),
        ),
        (
            "beta1 NaN",
            TrainConfig {
                beta1: f64::NAN,
                ..base()
            },
            Want::Invalid("beta1"),
        ),
        (
            "beta2 1 - 1e-10 (1 as f32)",
            TrainConfig {
                beta2: 1.0 - 1e-10,
                ..base()
            },
            Want::Invalid("beta2"),
        ),
        (
            "eps 0",
            TrainConfig { eps: 0.0, ..base() },
            Want::Invalid("eps"),
        ),
        (
            "eps NaN",
            TrainConfig {
                eps: f64::NAN,
                ..base()
            },
            Want::Invalid("eps"),
        ),
        (
            "eps 1e-50 (0 as f32)",
            TrainConfig {
                eps: 1e-50,
                ..base()
            },
            Want::Invalid("eps"),
        ),
        (
            "eps inf",
            TrainConfig {
                eps: f64::INFINITY,
                ..base()
            },
            Want::Invalid("eps"),
        ),
    ];
    assert_eq!(cases.len(), 24);
    for (case, cfg, want) in &cases {
        check_new(
            &format!("PiNetTrainer {case}"),
            PiNetTrainer::new(cfg.clone()),
            want,
        );
        check_new(
            &format!("ClassifierTrainer {case}"),
            ClassifierTrainer::new(cfg.clone()),
            want,
        );
    }
}

#[test]
fn pinet_trainer_inputs() {
    let vars = VarMap::new();
    let net = SignalPiNet::new(signal_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 0).unwrap();
    let trainer = PiNetTrainer::new(quiet(vec![(1e-3, 1)])).unwrap();
    let (x, y) = signal_data(3, 0.5);
    let mut nan_x = x.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    nan_x[2 * 8 + 5] = f32::NAN;
    let nan_x = Tensor::from_vec(nan_x, (3, 2, 8), &Device::Cpu).unwrap();
    let inf_y = f32s(&[3, 2, 3, 3], |i| if i == 10 { f32::INFINITY } else { 0.5 });
    let fit = |x: &Tensor, y: &Tensor, val: Option<(&Tensor, &Tensor)>| {
        trainer.fit(&net, &vars, x, y, val)
    };
    let cases: Vec<(&str, Result<Vec<EpochLog>>, &Check)> = vec![
        (
            "mismatched samples",
            fit(&x, &signal_data(2, 0.5).1, None),
            &|e| matches!(e, Error::Shape { name: "y", .. }),
        ),
        (
            "no samples",
            fit(&signal_data(0, 0.5).0, &signal_data(0, 0.5).1, None),
            &|e| matches!(e, Error::Shape { .. }),
        ),
        (
            "scalar x",
            fit(&Tensor::new(1f32, &Device::Cpu).unwrap(), &y, None),
            &|e| matches!(e, Error::Shape { name: "x", .. }),
        ),
        (
            "NaN in x",
            fit(&nan_x, &y, None),
            &|e| matches!(e, Error::NonFinite { name: "x", index, .. } if index == &[1, 0, 5]),
        ),
        (
            "inf in y",
            fit(&x, &inf_y, None),
            &|e| matches!(e, Error::NonFinite { name: "y", index, .. } if index == &[0, 1, 0, 1]),
        ),
        ("inf in val.y", fit(&x, &y, Some((&x, &inf_y))), &|e| {
            matches!(e, Error::NonFinite { name: "val.y", .. })
        }),
        (
            "val mismatched",
            fit(&x, &y, Some((&x, &signal_data(1, 0.5).1))),
            &|e| matches!(e, Error::Shape { name: "y", .. }),
        ),
        (
            "wrong input shape",
            fit(&f32s(&[3, 2, 7], wave), &y, None),
            &|e| matches!(e, Error::Shape { name: "x", .. }),
        ),
        (
            "f64 input",
            fit(&x.to_dtype(DType::F64).unwrap(), &y, None),
            &|e| matches!(e, Error::Incompatible { name: "x", .. }),
        ),
        // Targets of 1e30: the f32 MSE overflows at the first batch.
        (
            "loss overflows",
            fit(&x, &signal_data(3, 1e30).1, None),
            &|e| matches!(e, Error::Diverged { what: "training", epoch: 1, loss } if !loss.is_finite()),
        ),
        (
            "evaluate: NaN",
            trainer.evaluate(&net, &nan_x, &y).map(|_| vec![]),
            &|e| matches!(e, Error::NonFinite { name: "x", .. }),
        ),
        (
            "evaluate: mismatched",
            trainer
                .evaluate(&net, &x, &signal_data(1, 0.5).1)
                .map(|_| vec![]),
            &|e| matches!(e, Error::Shape { name: "y", .. }),
        ),
    ];
    for (case, r, ok) in &cases {
        match r {
            Err(e) => assert!(ok(e), "{case}: {e:?}"),
            Ok(_) => panic!("{case}: Ok"),
        }
    }
    // A loss that overflows at the first batch: that batch's update is not
    // applied (batch norm's running statistics aside, which the forward
    // pass updates).
    let trained = |v: &VarMap| -> Vec<(String, Vec<f32>)> {
        snapshot(v)
            .into_iter()
            .filter(|(k, _)| !k.contains("running"))
            .collect()
    };
    let before = trained(&vars);
    let one = PiNetTrainer::new(TrainConfig {
        batch_size: 3,
        ..quiet(vec![(1e-3, 2)])
    })
    .unwrap();
    let r = one.fit(&net, &vars, &x, &signal_data(3, 1e30).1, None);
    assert!(matches!(r, Err(Error::Diverged { epoch: 1, .. })));
    assert_eq!(trained(&vars), before);
    // Zero epochs: nothing trained, no log, weights unchanged.
    let before = snapshot(&vars);
    let zero = PiNetTrainer::new(quiet(vec![(1e-3, 0)])).unwrap();
    assert!(zero.fit(&net, &vars, &x, &y, None).unwrap().is_empty());
    assert_eq!(snapshot(&vars), before);
    // One batch of everything, and a batch of one: finite losses.
    for batch_size in [HUGE, 1] {
        let t = PiNetTrainer::new(TrainConfig {
            batch_size,
            ..quiet(vec![(1e-3, 1)])
        })
        .unwrap();
        let logs = t.fit(&net, &vars, &x, &y, Some((&x, &y))).unwrap();
        assert!(logs[0].train_loss.is_finite() && logs[0].val_loss.unwrap().is_finite());
        assert!(t.evaluate(&net, &x, &y).unwrap().is_finite());
    }
    assert_eq!(cases.len() + 3, 15);
}

#[test]
fn classifier_trainer_inputs() {
    let vars = VarMap::new();
    let net = Mlp::new(mlp_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 0).unwrap();
    let trainer = ClassifierTrainer::new(quiet(vec![(1e-3, 1)])).unwrap();
    let x = f32s(&[4, 4], wave);
    let labels = [0, 1, 2, 1];
    let inf_x = f32s(
        &[4, 4],
        |i| if i == 9 { f32::NEG_INFINITY } else { wave(i) },
    );
    let xs = &x;
    // A two-input model, for inputs that differ in samples.
    let fusion_vars = VarMap::new();
    let fusion = CnnPiFusion::new(fusion_cfg(), vb(&fusion_vars)).unwrap();
    let uneven = FusionInput {
        raw: f32s(&[4, 2, 6], wave),
        images: f32s(&[3, 5], wave),
    };
    let cases: Vec<(&str, Result<()>, &Check)> = vec![
        (
            "label = classes",
            trainer.fit(&net, &vars, xs, &[0, 1, 3, 1], None).map(drop),
            &|e| {
                matches!(
                    e,
                    Error::Label {
                        name: "labels",
                        index: 2,
                        label: 3,
                        classes: 3
                    }
                )
            },
        ),
        (
            "label MAX",
            trainer
                .fit(&net, &vars, xs, &[0, HUGE, 0, 0], None)
                .map(drop),
            &|e| matches!(e, Error::Label { index: 1, .. }),
        ),
        (
            "val label bad",
            trainer
                .fit(&net, &vars, xs, &labels, Some((xs, &[0, 0, 0, 9])))
                .map(drop),
            &|e| {
                matches!(
                    e,
                    Error::Label {
                        name: "val.labels",
                        index: 3,
                        ..
                    }
                )
            },
        ),
        (
            "labels short",
            trainer.fit(&net, &vars, xs, &[0, 1], None).map(drop),
            &|e| matches!(e, Error::Shape { name: "labels", .. }),
        ),
        (
            "no samples",
            trainer
                .fit(&net, &vars, &f32s(&[0, 4], wave), &[], None)
                .map(drop),
            &|e| matches!(e, Error::Shape { name: "x", .. }),
        ),
        (
            "inputs differ in samples",
            trainer
                .fit(&fusion, &fusion_vars, &uneven, &labels, None)
                .map(drop),
            &|e| matches!(e, Error::Shape { name: "x", .. }),
        ),
        (
            "-inf input",
            trainer.fit(&net, &vars, &inf_x, &labels, None).map(drop),
            &|e| matches!(e, Error::NonFinite { name: "x", index, .. } if index == &[2, 1]),
        ),
        (
            "-inf val input",
            trainer
                .fit(&net, &vars, xs, &labels, Some((&inf_x, &labels)))
                .map(drop),
            &|e| matches!(e, Error::NonFinite { name: "val.x", .. }),
        ),
        (
            "wrong width",
            trainer
                .fit(&net, &vars, &f32s(&[4, 5], wave), &labels, None)
                .map(drop),
            &|e| matches!(e, Error::Shape { name: "x", .. }),
        ),
        (
            "f64 input",
            trainer
                .fit(&net, &vars, &x.to_dtype(DType::F64).unwrap(), &labels, None)
                .map(drop),
            &|e| matches!(e, Error::Incompatible { name: "x", .. }),
        ),
        (
            "evaluate: bad label",
            trainer.evaluate(&net, xs, &[5, 0, 0, 0]).map(drop),
            &|e| matches!(e, Error::Label { index: 0, .. }),
        ),
        (
            "predict: no samples",
            trainer.predict(&net, &f32s(&[0, 4], wave)).map(drop),
            &|e| matches!(e, Error::Shape { name: "x", .. }),
        ),
        (
            "predict: -inf",
            trainer.predict(&net, &inf_x).map(drop),
            &|e| matches!(e, Error::NonFinite { name: "x", .. }),
        ),
        (
            "predict_proba: inputs differ in samples",
            trainer.predict_proba(&fusion, &uneven).map(drop),
            &|e| matches!(e, Error::Shape { name: "x", .. }),
        ),
    ];
    for (case, r, ok) in &cases {
        match r {
            Err(e) => assert!(ok(e), "{case}: {e:?}"),
            Ok(_) => panic!("{case}: Ok"),
        }
    }
    // Valid: probabilities sum to 1, predictions are classes.
    let p = trainer.predict_proba(&net, xs).unwrap();
    for row in p.to_vec2::<f32>().unwrap() {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
    assert!(trainer.predict(&net, xs).unwrap().iter().all(|&c| c < 3));
    // A rate of 1e38 (finite as an f32): the logits overflow within a few
    // steps, and training stops with a typed error instead of going on.
    let wild = ClassifierTrainer::new(TrainConfig {
        batch_size: 1,
        ..quiet(vec![(1e38, 5)])
    })
    .unwrap();
    let big = f32s(&[4, 4], |i| wave(i) * 1e6);
    let r = wild.fit(&net, &vars, &big, &labels, None);
    assert!(
        matches!(
            r,
            Err(Error::Diverged {
                what: "training",
                ..
            })
        ),
        "{}",
        describe(&r)
    );
    assert_eq!(cases.len() + 3, 17);
}

#[test]
fn init_rng_adam_device() {
    // init_keras: empty map, variables with a zero dimension, extreme seeds
    // (the same seed gives the same weights).
    init_keras(&VarMap::new(), 0).unwrap();
    let vars = VarMap::new();
    let b = vb(&vars);
    b.get_with_hints((0, 3, 2), "empty.weight", candle_nn::Init::Const(0.0))
        .unwrap();
    b.get_with_hints((4, 3), "dense.weight", candle_nn::Init::Const(0.0))
        .unwrap();
    for seed in [0, u64::MAX] {
        init_keras(&vars, seed).unwrap();
        let a = snapshot(&vars);
        init_keras(&vars, seed).unwrap();
        assert_eq!(snapshot(&vars), a);
        let w = &a.iter().find(|(k, _)| k == "dense.weight").unwrap().1;
        let limit = (6.0f32 / 7.0).sqrt();
        assert!(w.iter().all(|v| v.abs() <= limit) && w.iter().any(|&v| v != 0.0));
    }
    // Adam: parameters that would make the update NaN or a no-op.
    let var = candle_core::Var::zeros(3, DType::F32, &Device::Cpu).unwrap();
    let ok = ParamsAdamW {
        lr: 1e-3,
        ..ParamsAdamW::default()
    };
    assert!(Adam::new(vec![var.clone()], ok.clone()).is_ok());
    let bad = [
        ParamsAdamW {
            lr: f64::NAN,
            ..ok.clone()
        },
        ParamsAdamW {
            lr: 0.0,
            ..ok.clone()
        },
        ParamsAdamW {
            lr: -1.0,
            ..ok.clone()
        },
        ParamsAdamW {
            eps: 0.0,
            ..ok.clone()
        },
        ParamsAdamW {
            eps: 1e-60,
            ..ok.clone()
        },
        ParamsAdamW {
            beta1: 1.0,
            ..ok.clone()
        },
        ParamsAdamW {
            beta2: f64::NAN,
            ..ok.clone()
        },
        ParamsAdamW {
            weight_decay: -1.0,
            ..ok.clone()
        },
        ParamsAdamW {
            weight_decay: f64::INFINITY,
            ..ok.clone()
        },
    ];
    for p in &bad {
        assert!(Adam::new(vec![var.clone()], p.clone()).is_err(), "{p:?}");
    }
    // Adam over no variable is fine (nothing to update).
    assert!(Adam::new(vec![], ok).is_ok());
    // Without the cuda feature the device is the CPU.
    #[cfg(not(feature = "cuda"))]
    assert!(device().is_cpu());
}

#[test]
fn outputs_and_losses_that_overflow_f32() {
    // Finite inputs near f32::MAX: the forward pass overflows, and says so.
    let vars = VarMap::new();
    let mlp = Mlp::new(
        MlpConfig {
            hidden: vec![],
            ..mlp_cfg()
        },
        vb(&vars),
    )
    .unwrap();
    init_keras(&vars, 0).unwrap();
    let huge = f32s(&[2, 4], |i| if i % 2 == 0 { f32::MAX } else { -f32::MAX });
    let r = mlp.infer(&huge);
    assert!(
        matches!(r, Err(Error::NonFinite { name: "output", .. })),
        "{}",
        describe(&r)
    );
    let trainer = ClassifierTrainer::new(quiet(vec![(1e-3, 1)])).unwrap();
    let r = trainer.evaluate(&mlp, &huge, &[0, 1]);
    assert!(
        matches!(r, Err(Error::NonFinite { name: "loss", .. })),
        "{}",
        describe(&r)
    );
    // Probabilities: logits of -inf are probabilities of 0 (a correct
    // answer); +inf or NaN logits are an error.
    for sign in [1.0f32, -1.0] {
        let x = (&huge * f64::from(sign)).unwrap();
        match trainer.predict_proba(&mlp, &x) {
            Ok(p) => {
                for row in p.to_vec2::<f32>().unwrap() {
                    assert!(row.iter().all(|v| v.is_finite()));
                    assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
                }
            }
            Err(e) => assert!(
                matches!(e, Error::NonFinite { name: "output", .. }),
                "{e:?}"
            ),
        }
    }
    // Targets of 1e30: the f32 MSE overflows.
    let vars = VarMap::new();
    let net = SignalPiNet::new(signal_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 0).unwrap();
    let (x, y) = signal_data(2, 1e30);
    let r = PiNetTrainer::new(quiet(vec![(1e-3, 1)]))
        .unwrap()
        .evaluate(&net, &x, &y);
    assert!(
        matches!(r, Err(Error::NonFinite { name: "loss", ref index, value })
            if index.is_empty() && value == f64::INFINITY),
        "{}",
        describe(&r)
    );
}
