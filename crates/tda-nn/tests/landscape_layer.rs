//! The Persistent CNN's landscape layer: values equal to
//! `tda_vectorize::Landscape` on each segment's diagram, gradients equal to
//! finite differences, composition with `candle_nn::seq()`, typed errors.

use candle_core::{DType, Device, Module, Tensor, Var};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use tda_nn::layers::{EssentialPolicy, Filtration, LandscapeConfig, LandscapeLayer};
use tda_nn::Error;
use tda_persistence::sublevel::{h0, h0_superlevel};
use tda_persistence::{Diagram, PersistencePair};
use tda_vectorize::{Landscape, Vectorizer};

fn random(n: usize, lo: f64, hi: f64, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n).map(|_| rng.random_range(lo..hi)).collect()
}

/// The segment's diagram as the layer reads it: the essential pair
/// replaced or dropped per policy, short pairs dropped.
fn segment_diagram(seg: &[f64], cfg: &LandscapeConfig) -> Diagram {
    let superlevel = cfg.filtration == Filtration::Superlevel;
    let d = if superlevel {
        h0_superlevel(seg).unwrap()
    } else {
        h0(seg).unwrap()
    };
    let max = seg.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = seg.iter().copied().fold(f64::INFINITY, f64::min);
    let pairs = d
        .pairs
        .iter()
        .filter_map(|p| {
            if p.death.is_finite() {
                Some(*p)
            } else if cfg.essential == EssentialPolicy::Drop {
                None
            } else if superlevel {
                Some(PersistencePair::new(max, min))
            } else {
                Some(PersistencePair::new(min, max))
            }
        })
        .filter(|p| (p.death - p.birth).abs() > cfg.min_persistence)
        .collect();
    Diagram::new(0, pairs)
}

#[test]
fn values_equal_tda_vectorize_landscapes() {
    let (batch, channels, length, seg, k) = (3, 2, 45, 10, 3);
    for (case, (filtration, essential, min_persistence)) in [
        (Filtration::Superlevel, EssentialPolicy::SegmentRange, 0.0),
        (Filtration::Sublevel, EssentialPolicy::SegmentRange, 0.0),
        (Filtration::Superlevel, EssentialPolicy::Drop, 0.5),
        (Filtration::Sublevel, EssentialPolicy::Drop, 0.0),
    ]
    .into_iter()
    .enumerate()
    {
        let reference = Landscape::new(k, (-0.5, 4.5), 23).unwrap();
        let cfg = LandscapeConfig {
            filtration,
            segment: seg,
            num_landscapes: k,
            samples: reference.samples().to_vec(),
            min_persistence,
            essential,
        };
        let layer = LandscapeLayer::new(cfg.clone()).unwrap();
        let values = random(batch * channels * length, -1.0, 5.0, case as u64);
        for dtype in [DType::F64, DType::F32] {
            let x = Tensor::from_vec(values.clone(), (batch, channels, length), &Device::Cpu)
                .unwrap()
                .to_dtype(dtype)
                .unwrap();
            let host: Vec<f64> = x
                .flatten_all()
                .unwrap()
                .to_dtype(DType::F64)
                .unwrap()
                .to_vec1()
                .unwrap();
            let y = layer.forward(&x).unwrap();
            assert_eq!(y.dims(), &[batch, channels, length / seg, k, 23]);
            assert_eq!(y.dtype(), dtype);
            let y: Vec<f64> = y
                .flatten_all()
                .unwrap()
                .to_dtype(DType::F64)
                .unwrap()
                .to_vec1()
                .unwrap();
            let per_segment = k * 23;
            let mut positive = 0;
            for (r, row) in host.chunks(length).enumerate() {
                for s in 0..length / seg {
                    let d = segment_diagram(&row[s * seg..(s + 1) * seg], &cfg);
                    let want = reference.transform(&d).unwrap();
                    let at = (r * (length / seg) + s) * per_segment;
                    let got = &y[at..at + per_segment];
                    for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
                        let tol = if dtype == DType::F64 { 1e-6 } else { 2e-6 };
                        assert!(
                            (g - f64::from(w)).abs() <= tol,
                            "case {case} {dtype:?} row {r} segment {s} slot {i}: {g} vs {w}"
                        );
                        positive += usize::from(g > 0.0);
                    }
                }
            }
            assert!(
                positive > 100,
                "case {case}: only {positive} positive values"
            );
        }
    }
}

#[test]
fn gradients_equal_finite_differences() {
    let (batch, channels, length) = (2, 2, 26);
    for filtration in [Filtration::Superlevel, Filtration::Sublevel] {
        let layer = LandscapeLayer::new(LandscapeConfig {
            filtration,
            segment: 8,
            num_landscapes: 3,
            samples: (0..12).map(|i| -0.45 + 0.41 * f64::from(i)).collect(),
            ..LandscapeConfig::default()
        })
        .unwrap();
        let n = batch * channels * length;
        // Distinct values (a shuffled grid plus jitter) on [-0.5, 4.5].
        let mut values: Vec<f64> = (0..n).map(|i| -0.5 + 5.0 * i as f64 / n as f64).collect();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        for i in (1..n).rev() {
            values.swap(i, rng.random_range(0..=i));
        }
        let jitter = random(n, 0.0, 0.01, 12);
        for (v, j) in values.iter_mut().zip(jitter) {
            *v += j;
        }
        let weights = random(batch * channels * 3 * 3 * 12, -1.0, 1.0, 13);
        let w = Tensor::from_vec(weights, (batch, channels, 3, 3, 12), &Device::Cpu).unwrap();
        let loss = |v: &[f64]| -> f64 {
            let x = Tensor::from_slice(v, (batch, channels, length), &Device::Cpu).unwrap();
            let y = layer.forward(&x).unwrap();
            y.mul(&w).unwrap().sum_all().unwrap().to_scalar().unwrap()
        };
        let x = Var::from_tensor(
            &Tensor::from_slice(&values, (batch, channels, length), &Device::Cpu).unwrap(),
        )
        .unwrap();
        let l = layer
            .forward(x.as_tensor())
            .unwrap()
            .mul(&w)
            .unwrap()
            .sum_all()
            .unwrap();
        let grads = l.backward().unwrap();
        let g: Vec<f64> = grads
            .get(x.as_tensor())
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let eps = 1e-6;
        let mut nonzero = 0;
        for i in 0..n {
            let mut plus = values.clone();
            plus[i] += eps;
            let mut minus = values.clone();
            minus[i] -= eps;
            let fd = (loss(&plus) - loss(&minus)) / (2.0 * eps);
            assert!(
                (fd - g[i]).abs() <= 1e-6 * (1.0 + fd.abs()),
                "{filtration:?} index {i}: autograd {} vs finite differences {fd}",
                g[i]
            );
            nonzero += usize::from(g[i] != 0.0);
        }
        assert!(
            nonzero > 10,
            "{filtration:?}: only {nonzero} nonzero gradients"
        );
        // The tail (index 24, 25 of each curve) is dropped: zero gradient.
        for r in 0..batch * channels {
            assert_eq!(g[r * length + 24], 0.0);
            assert_eq!(g[r * length + 25], 0.0);
        }
    }
}

#[test]
fn padded_slots_have_zero_values_and_gradients() {
    // Constant curves have no pairs at all: every slot is padding.
    let layer = LandscapeLayer::new(LandscapeConfig {
        segment: 4,
        ..LandscapeConfig::default()
    })
    .unwrap();
    let x = Var::from_tensor(&Tensor::ones((2, 1, 8), DType::F64, &Device::Cpu).unwrap()).unwrap();
    let y = layer.forward(x.as_tensor()).unwrap();
    assert_eq!(
        y.abs()
            .unwrap()
            .sum_all()
            .unwrap()
            .to_scalar::<f64>()
            .unwrap(),
        0.0
    );
    let grads = y.sum_all().unwrap().backward().unwrap();
    let g = grads.get(x.as_tensor()).unwrap();
    assert_eq!(
        g.abs()
            .unwrap()
            .sum_all()
            .unwrap()
            .to_scalar::<f64>()
            .unwrap(),
        0.0
    );
}

#[test]
fn composes_with_candle_nn_seq() {
    let layer = LandscapeLayer::new(LandscapeConfig {
        segment: 16,
        ..LandscapeConfig::default()
    })
    .unwrap();
    let net = candle_nn::seq().add(layer).add_fn(|y| y.flatten_from(2));
    let x = Tensor::randn(0f32, 2.0, (4, 3, 50), &Device::Cpu).unwrap();
    let y = net.forward(&x).unwrap();
    assert_eq!(y.dims(), &[4, 3, 3 * 5 * 10]);
    assert_eq!(y.dtype(), DType::F32);
}

#[test]
fn persistent_cnn_shape() {
    let layer = LandscapeLayer::new(LandscapeConfig::default()).unwrap();
    let x = Tensor::randn(0f32, 1.0, (10, 64, 228), &Device::Cpu).unwrap();
    let y = x.apply(&layer).unwrap();
    assert_eq!(y.dims(), &[10, 64, 7, 5, 10]);
    assert!(y.max_all().unwrap().to_scalar::<f32>().unwrap() > 0.0);
}

#[test]
fn config_errors_name_the_field() {
    let field = |cfg: LandscapeConfig| match LandscapeLayer::new(cfg) {
        Err(Error::InvalidConfig { name, .. }) => name,
        other => panic!("expected InvalidConfig, got {other:?}"),
    };
    let d = LandscapeConfig::default;
    assert_eq!(field(LandscapeConfig { segment: 0, ..d() }), "segment");
    assert_eq!(
        field(LandscapeConfig {
            num_landscapes: 0,
            ..d()
        }),
        "num_landscapes"
    );
    for samples in [
        vec![],
        vec![0.0, 1.0, 0.5],
        vec![0.0, 0.0],
        vec![0.0, f64::NAN],
        vec![f64::NEG_INFINITY, 0.0],
    ] {
        assert_eq!(field(LandscapeConfig { samples, ..d() }), "samples");
    }
    for min_persistence in [-0.1, f64::NAN] {
        assert_eq!(
            field(LandscapeConfig {
                min_persistence,
                ..d()
            }),
            "min_persistence"
        );
    }
    assert!(LandscapeLayer::new(LandscapeConfig {
        samples: vec![1.0],
        ..d()
    })
    .is_ok());
}

#[test]
fn input_errors_are_typed() {
    let layer = LandscapeLayer::new(LandscapeConfig::default()).unwrap();
    let dev = Device::Cpu;
    let rank2 = Tensor::zeros((4, 64), DType::F32, &dev).unwrap();
    assert!(matches!(
        layer.forward(&rank2),
        Err(Error::Shape { name: "x", .. })
    ));
    let short = Tensor::zeros((2, 3, 31), DType::F32, &dev).unwrap();
    assert!(matches!(
        layer.forward(&short),
        Err(Error::Shape { name: "x", .. })
    ));
    let ints = Tensor::zeros((2, 3, 40), DType::U32, &dev).unwrap();
    assert!(matches!(
        layer.forward(&ints),
        Err(Error::Incompatible { .. })
    ));
    let mut v = vec![0.0f64; 2 * 3 * 40];
    v[40 * 4 + 17] = f64::NAN; // batch 1, channel 1, index 17
    v[40 * 5 + 3] = f64::INFINITY;
    let x = Tensor::from_vec(v, (2, 3, 40), &dev).unwrap();
    match layer.forward(&x) {
        Err(Error::NonFinite { name, index, value }) => {
            assert_eq!(name, "x");
            assert_eq!(index, vec![1, 1, 17]);
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
    // 10^6 landscapes x 10^6 samples: refused before anything is allocated.
    let huge = LandscapeLayer::new(LandscapeConfig {
        num_landscapes: 1_000_000,
        samples: (0..1_000_000).map(f64::from).collect(),
        ..LandscapeConfig::default()
    })
    .unwrap();
    let x = Tensor::zeros((1, 1, 32), DType::F32, &dev).unwrap();
    assert!(matches!(huge.forward(&x), Err(Error::TooLarge(_))));
    // Through the candle trait the error is candle's, with our message.
    let e = Module::forward(&layer, &rank2).unwrap_err();
    assert!(e.to_string().contains("`x` has shape [4, 64]"), "{e}");
}
