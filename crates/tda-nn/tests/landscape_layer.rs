//! The landscape layer: values equal to `tda_vectorize::Landscape` on the
//! diagram of each curve, segment or image, gradients equal to finite
//! differences, composition with `candle_nn::seq()`, typed errors.

mod common;

use candle_core::{DType, Device, Module, Tensor, Var};
use common::persistence::{
    assert_shared_input_errors, check_gradients, distinct, for_each_unit, random,
    reference_diagram, InputLayout,
};
use tda_nn::layers::{DiagramConfig, EssentialPolicy, Filtration, LandscapeConfig, LandscapeLayer};
use tda_nn::Error;
use tda_persistence::cubical::Connectivity;
use tda_vectorize::{Landscape, Vectorizer};

/// `n` samples evenly spaced on `[lo, hi]`, as `tda_vectorize::Landscape`
/// places them.
fn samples(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    Landscape::new(1, (lo, hi), n).unwrap().samples().to_vec()
}

/// Checks the layer's output on `values` (`dims`, curves or images) against
/// `tda_vectorize::Landscape` on each unit's reference diagram, in f64 and
/// f32; returns the number of positive values.
fn assert_equals_reference(
    cfg: &LandscapeConfig,
    values: &[f64],
    dims: &[usize],
    case: &str,
) -> usize {
    let layer = LandscapeLayer::new(cfg.clone()).unwrap();
    let (n, k) = (cfg.samples.len(), cfg.num_landscapes);
    let reference = Landscape::new(k, (cfg.samples[0], cfg.samples[n - 1]), n).unwrap();
    assert_eq!(
        reference.samples(),
        cfg.samples,
        "samples must be a linspace"
    );
    let layout = InputLayout::new(dims, &cfg.diagram);
    let mut positive = 0;
    let forward = |x: &Tensor| layer.forward(x).unwrap();
    for_each_unit(
        forward,
        values,
        dims,
        &layout,
        [k, n],
        |dtype, u, unit, got| {
            let d = reference_diagram(unit, layout.image, &cfg.diagram, cfg.min_persistence);
            let want = reference.transform(&d).unwrap();
            for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
                let tol = if dtype == DType::F64 { 1e-6 } else { 2e-6 };
                assert!(
                    (g - f64::from(w)).abs() <= tol,
                    "{case} {dtype:?} unit {u} slot {i}: {g} vs {w}"
                );
                positive += usize::from(g > 0.0);
            }
        },
    );
    positive
}

#[test]
fn values_equal_tda_vectorize_landscapes_of_segments() {
    let (batch, channels, length, k) = (3, 2, 45, 3);
    let samples = samples(-0.5, 4.5, 23);
    for (case, (filtration, essential, min_persistence)) in [
        (Filtration::Superlevel, EssentialPolicy::SegmentRange, 0.0),
        (Filtration::Sublevel, EssentialPolicy::SegmentRange, 0.0),
        (Filtration::Superlevel, EssentialPolicy::Drop, 0.5),
        (Filtration::Sublevel, EssentialPolicy::Drop, 0.0),
    ]
    .into_iter()
    .enumerate()
    {
        let cfg = LandscapeConfig {
            diagram: DiagramConfig {
                filtration,
                segment: Some(10),
                essential,
                ..DiagramConfig::default()
            },
            num_landscapes: k,
            samples: samples.clone(),
            min_persistence,
        };
        let values = random(batch * channels * length, -1.0, 5.0, case as u64);
        let positive = assert_equals_reference(
            &cfg,
            &values,
            &[batch, channels, length],
            &format!("case {case}"),
        );
        assert!(
            positive > 100,
            "case {case}: only {positive} positive values"
        );
    }
}

#[test]
fn values_equal_tda_vectorize_landscapes_of_whole_curves_and_images() {
    let samples = samples(-0.2, 4.76, 17);
    let mut case = 0;
    for filtration in [Filtration::Sublevel, Filtration::Superlevel] {
        for essential in [EssentialPolicy::Drop, EssentialPolicy::SegmentRange] {
            // Whole curves: no segment axis.
            let diagram = DiagramConfig {
                filtration,
                essential,
                ..DiagramConfig::default()
            };
            let cfg = LandscapeConfig {
                diagram: diagram.clone(),
                num_landscapes: 4,
                samples: samples.clone(),
                min_persistence: 0.1,
            };
            let values = random(2 * 3 * 37, 0.0, 5.0, 100 + case);
            assert!(assert_equals_reference(&cfg, &values, &[2, 3, 37], "curves") > 50);
            // Images, both dimensions and connectivities (H1 has no essential class).
            for (dimension, connectivity) in [
                (0, Connectivity::Four),
                (0, Connectivity::Eight),
                (1, Connectivity::Four),
                (1, Connectivity::Eight),
            ] {
                let diagram = DiagramConfig {
                    dimension,
                    connectivity,
                    ..diagram.clone()
                };
                let cfg = LandscapeConfig {
                    diagram,
                    ..cfg.clone()
                };
                // Grey levels with ties (quantised), as images have.
                let values: Vec<f64> = random(2 * 2 * 9 * 7, 0.0, 5.0, 200 + case)
                    .iter()
                    .map(|v| (v * 4.0).round() / 4.0)
                    .collect();
                let what =
                    format!("images {filtration:?} {essential:?} H{dimension} {connectivity:?}");
                assert!(
                    assert_equals_reference(&cfg, &values, &[2, 2, 9, 7], &what) > 20,
                    "{what}"
                );
                case += 1;
            }
        }
    }
}

#[test]
fn gradients_equal_finite_differences() {
    let samples: Vec<f64> = (0..12).map(|i| -0.45 + 0.41 * f64::from(i)).collect();
    for filtration in [Filtration::Superlevel, Filtration::Sublevel] {
        // Segmented curves: the tail (indices 24, 25 of each curve) is
        // dropped and has zero gradient.
        let diagram = DiagramConfig {
            filtration,
            segment: Some(8),
            essential: EssentialPolicy::SegmentRange,
            ..DiagramConfig::default()
        };
        let layer = LandscapeLayer::new(LandscapeConfig {
            diagram,
            num_landscapes: 3,
            samples: samples.clone(),
            min_persistence: 0.0,
        })
        .unwrap();
        let values = distinct(2 * 2 * 26, -0.5, 4.5, 11);
        let g = check_gradients(|x| layer.forward(x).unwrap(), &values, &[2, 2, 26], 13);
        assert!(
            g.iter().filter(|&&v| v != 0.0).count() > 10,
            "{filtration:?}"
        );
        for r in 0..4 {
            assert_eq!((g[r * 26 + 24], g[r * 26 + 25]), (0.0, 0.0));
        }
        // Images: holes of the superlevel or sublevel filtration.
        let diagram = DiagramConfig {
            filtration,
            dimension: 1,
            connectivity: Connectivity::Eight,
            ..DiagramConfig::default()
        };
        let layer = LandscapeLayer::new(LandscapeConfig {
            diagram,
            num_landscapes: 2,
            samples: samples.clone(),
            min_persistence: 0.0,
        })
        .unwrap();
        let values = distinct(2 * 6 * 6, -0.5, 4.5, 21);
        let g = check_gradients(|x| layer.forward(x).unwrap(), &values, &[1, 2, 6, 6], 23);
        assert!(
            g.iter().filter(|&&v| v != 0.0).count() > 4,
            "{filtration:?} images"
        );
    }
}

/// The Persistent CNN's layer with segments of `segment` steps.
fn persistent_cnn_with_segments(segment: usize) -> LandscapeLayer {
    LandscapeLayer::new(LandscapeConfig {
        diagram: DiagramConfig {
            segment: Some(segment),
            ..DiagramConfig::persistent_cnn()
        },
        ..LandscapeConfig::default()
    })
    .unwrap()
}

#[test]
fn padded_slots_have_zero_values_and_gradients() {
    // Constant curves have no pairs at all: every slot is padding.
    let layer = persistent_cnn_with_segments(4);
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
    let layer = persistent_cnn_with_segments(16);
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
    let diagram = |segment, dimension| DiagramConfig {
        segment,
        dimension,
        ..DiagramConfig::persistent_cnn()
    };
    assert_eq!(
        field(LandscapeConfig {
            diagram: diagram(Some(0), 0),
            ..d()
        }),
        "segment"
    );
    assert_eq!(
        field(LandscapeConfig {
            diagram: diagram(None, 2),
            ..d()
        }),
        "dimension"
    );
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
    assert_shared_input_errors(|x| layer.forward(x));
    let dev = Device::Cpu;
    let rank2 = Tensor::zeros((4, 64), DType::F32, &dev).unwrap();
    let short = Tensor::zeros((2, 3, 31), DType::F32, &dev).unwrap();
    assert!(matches!(
        layer.forward(&short),
        Err(Error::Shape { name: "x", .. })
    ));
    // Images: segments cut curves only; curves have no holes; the index
    // of a non-finite pixel is [batch, channel, row, column].
    let image = Tensor::zeros((2, 3, 8, 8), DType::F32, &dev).unwrap();
    assert!(matches!(
        layer.forward(&image),
        Err(Error::Incompatible { name: "x", .. })
    ));
    let holes = LandscapeLayer::new(LandscapeConfig {
        diagram: DiagramConfig {
            dimension: 1,
            ..DiagramConfig::default()
        },
        ..LandscapeConfig::default()
    })
    .unwrap();
    assert!(matches!(
        holes.forward(&Tensor::zeros((2, 3, 40), DType::F32, &dev).unwrap()),
        Err(Error::Incompatible { name: "x", .. })
    ));
    let mut v = vec![0.0f32; 2 * 3 * 8 * 8];
    v[64 * 5 + 8 * 6 + 2] = f32::NEG_INFINITY; // batch 1, channel 2, row 6, column 2
    let x = Tensor::from_vec(v, (2, 3, 8, 8), &dev).unwrap();
    match holes.forward(&x) {
        Err(Error::NonFinite { index, .. }) => assert_eq!(index, vec![1, 2, 6, 2]),
        other => panic!("expected NonFinite, got {other:?}"),
    }
    let rank5 = Tensor::zeros((1, 1, 1, 4, 4), DType::F32, &dev).unwrap();
    assert!(matches!(
        holes.forward(&rank5),
        Err(Error::Shape { name: "x", .. })
    ));
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
