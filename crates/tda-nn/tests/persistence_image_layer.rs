//! The persistence-image layer: values equal to
//! `tda_vectorize::PersistenceImage` on the diagram of each curve, segment
//! or image (both grids), gradients equal to finite differences,
//! composition with `candle_nn::seq()`, typed errors.

mod common;

use candle_core::{DType, Device, Module, Tensor};
use common::persistence::{
    assert_shared_input_errors, check_gradients, distinct, for_each_unit, random,
    reference_diagram, InputLayout,
};
use tda_nn::layers::{DiagramConfig, EssentialPolicy, Filtration, PersistenceImageLayer};
use tda_nn::Error;
use tda_persistence::cubical::Connectivity;
use tda_vectorize::{Essential, Grid, Normalize, PersistenceImage, Vectorizer, Weight};

fn image(grid: Grid, normalize: Normalize, min_persistence: Option<f64>) -> PersistenceImage {
    let b = PersistenceImage::builder()
        .birth_range(-1.5, 5.5)
        .pers_range(0.0, 6.0)
        .resolution(14, 9)
        .sigma(0.4)
        .grid(grid)
        .normalize(normalize);
    match min_persistence {
        Some(t) => b.min_persistence(t),
        None => b,
    }
    .build()
    .unwrap()
}

/// Checks the layer's output on `values` (`dims`) against
/// `PersistenceImage::transform` of each unit's reference diagram, in f64
/// (1e-6) and f32 (1e-4), relative to each reference image's maximum;
/// returns the number of units with a nonzero image.
fn assert_equals_reference(
    pi: &PersistenceImage,
    diagram: &DiagramConfig,
    values: &[f64],
    dims: &[usize],
    case: &str,
) -> usize {
    let layer = PersistenceImageLayer::new(pi, diagram.clone()).unwrap();
    assert_eq!(layer.shape(), pi.shape());
    let (rows, cols) = pi.shape();
    let layout = InputLayout::new(dims, diagram);
    let min_persistence = pi.min_persistence().unwrap_or(0.0);
    let mut nonzero = 0;
    let forward = |x: &Tensor| layer.forward(x).unwrap();
    for_each_unit(
        forward,
        values,
        dims,
        &layout,
        [rows, cols],
        |dtype, u, unit, got| {
            let d = reference_diagram(unit, layout.image, diagram, min_persistence);
            let want = pi.transform(&d).unwrap();
            let max = want.iter().copied().fold(0.0f32, f32::max);
            if max == 0.0 {
                assert!(got.iter().all(|&g| g == 0.0), "{case} unit {u}: zeros");
                return;
            }
            nonzero += 1;
            let rel = if dtype == DType::F64 { 1e-6 } else { 1e-4 };
            for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (g - f64::from(w)).abs() <= rel * f64::from(max),
                    "{case} {dtype:?} unit {u} pixel {i}: {g} vs {w}"
                );
            }
        },
    );
    nonzero
}

#[test]
fn values_equal_tda_vectorize_images_of_curves() {
    let (batch, channels, length) = (3, 2, 40);
    let mut case = 0;
    for grid in [Grid::Contiguous, Grid::LegacyPersImage] {
        for (normalize, min_persistence) in [
            (Normalize::None, None),
            (Normalize::Max, None),
            (Normalize::None, Some(0.8)),
            (Normalize::Max, Some(0.8)),
            (Normalize::Sum, Some(0.3)),
        ] {
            let pi = image(grid, normalize, min_persistence);
            let mut values = random(batch * channels * length, -1.0, 5.0, case);
            // One constant curve: no finite pair, an all-zero image.
            values[length..2 * length].fill(2.0);
            let what = format!("{grid:?} {normalize:?} {min_persistence:?}");
            let dims = [batch, channels, length];
            let whole =
                assert_equals_reference(&pi, &DiagramConfig::default(), &values, &dims, &what);
            assert_eq!(whole, 2 * (batch * channels - 1), "{what}");
            // Superlevel sets of segments, the essential class made finite.
            let diagram = DiagramConfig {
                filtration: Filtration::Superlevel,
                segment: Some(13),
                essential: EssentialPolicy::SegmentRange,
                ..DiagramConfig::default()
            };
            let segments = assert_equals_reference(&pi, &diagram, &values, &dims, &what);
            assert!(segments > 20, "{what}: {segments}");
            case += 1;
        }
    }
}

#[test]
fn values_equal_tda_vectorize_images_of_images() {
    let mut case = 0;
    for grid in [Grid::Contiguous, Grid::LegacyPersImage] {
        for filtration in [Filtration::Sublevel, Filtration::Superlevel] {
            for (dimension, connectivity) in [
                (0, Connectivity::Four),
                (0, Connectivity::Eight),
                (1, Connectivity::Four),
                (1, Connectivity::Eight),
            ] {
                let pi = image(grid, Normalize::Max, Some(0.3));
                let diagram = DiagramConfig {
                    filtration,
                    dimension,
                    connectivity,
                    essential: EssentialPolicy::SegmentRange,
                    ..DiagramConfig::default()
                };
                // Quantised values: ties, as in images.
                let values: Vec<f64> = random(2 * 2 * 9 * 8, 0.0, 5.0, 50 + case)
                    .iter()
                    .map(|v| (v * 4.0).round() / 4.0)
                    .collect();
                let what = format!("{grid:?} {filtration:?} H{dimension} {connectivity:?}");
                let nonzero = assert_equals_reference(&pi, &diagram, &values, &[2, 2, 9, 8], &what);
                assert!(nonzero >= 6, "{what}: {nonzero}");
                case += 1;
            }
        }
    }
}

/// PI-Net's image recipe (legacy grid, 50 x 50, sigma 0.05, bars of one
/// grey level dropped, max-normalised) on 8-bit images flattened
/// row-major, as its published targets are computed.
#[test]
fn pinet_image_recipe_on_flattened_8_bit_images() {
    let pi = PersistenceImage::pinet_image();
    let values: Vec<f64> = random(2 * 3 * 1024, 0.0, 256.0, 77)
        .iter()
        .map(|v| v.floor() / 255.0)
        .collect();
    let n = assert_equals_reference(
        &pi,
        &DiagramConfig::default(),
        &values,
        &[2, 3, 1024],
        "pinet",
    );
    assert_eq!(n, 2 * 6);
}

#[test]
fn gradients_equal_finite_differences() {
    for grid in [Grid::Contiguous, Grid::LegacyPersImage] {
        for normalize in [Normalize::None, Normalize::Max, Normalize::Sum] {
            let pi = image(grid, normalize, Some(0.2));
            let layer = PersistenceImageLayer::new(&pi, DiagramConfig::default()).unwrap();
            let values = distinct(2 * 2 * 13, -0.5, 4.5, 11);
            let g = check_gradients(|x| layer.forward(x).unwrap(), &values, &[2, 2, 13], 13);
            let nonzero = g.iter().filter(|&&v| v != 0.0).count();
            assert!(nonzero > 10, "{grid:?} {normalize:?}: {nonzero}");
        }
        // Images: superlevel holes, segments of curves.
        let pi = image(grid, Normalize::Max, None);
        let holes = DiagramConfig {
            filtration: Filtration::Superlevel,
            dimension: 1,
            ..DiagramConfig::default()
        };
        let layer = PersistenceImageLayer::new(&pi, holes).unwrap();
        let values = distinct(2 * 6 * 6, -0.5, 4.5, 21);
        let g = check_gradients(|x| layer.forward(x).unwrap(), &values, &[1, 2, 6, 6], 23);
        assert!(
            g.iter().filter(|&&v| v != 0.0).count() > 4,
            "{grid:?} images"
        );
        let segments = DiagramConfig {
            segment: Some(6),
            essential: EssentialPolicy::SegmentRange,
            ..DiagramConfig::default()
        };
        let layer = PersistenceImageLayer::new(&pi, segments).unwrap();
        let values = distinct(2 * 14, -0.5, 4.5, 31);
        let g = check_gradients(|x| layer.forward(x).unwrap(), &values, &[1, 2, 14], 33);
        // The tail (12, 13) is dropped.
        assert_eq!((g[12], g[13], g[26], g[27]), (0.0, 0.0, 0.0, 0.0));
    }
}

#[test]
fn composes_with_candle_nn_seq() {
    let pi = PersistenceImage::builder()
        .birth_range(-3.0, 3.0)
        .pers_range(0.0, 4.0)
        .resolution(10, 12)
        .sigma(0.3)
        .normalize(Normalize::Max)
        .build()
        .unwrap();
    let layer = PersistenceImageLayer::new(&pi, DiagramConfig::default()).unwrap();
    let net = candle_nn::seq().add(layer).add_fn(|y| y.flatten_from(2));
    let x = Tensor::randn(0f32, 1.0, (4, 3, 50), &Device::Cpu).unwrap();
    let y = net.forward(&x).unwrap();
    assert_eq!(y.dims(), &[4, 3, 120]);
    assert_eq!(y.dtype(), DType::F32);
    let max = y.max_all().unwrap().to_scalar::<f32>().unwrap();
    assert!((max - 1.0).abs() < 1e-5, "{max}");
}

#[test]
fn unsupported_configurations_are_refused() {
    let field =
        |pi: PersistenceImage| match PersistenceImageLayer::new(&pi, DiagramConfig::default()) {
            Err(Error::InvalidConfig { name, .. }) => name,
            other => panic!("expected InvalidConfig, got {other:?}"),
        };
    let b = PersistenceImage::builder;
    for weight in [Weight::Constant, Weight::Power(2.0)] {
        assert_eq!(field(b().weight(weight).build().unwrap()), "weight");
    }
    let clamp = b().essential(Essential::ClampDeath(1.0)).build().unwrap();
    assert_eq!(field(clamp), "essential");
    let ok =
        |pi: PersistenceImage| PersistenceImageLayer::new(&pi, DiagramConfig::default()).is_ok();
    assert!(ok(b().build().unwrap()));
    assert!(ok(PersistenceImage::pinet_signal()));
    let bad_diagram = DiagramConfig {
        dimension: 2,
        ..DiagramConfig::default()
    };
    assert!(matches!(
        PersistenceImageLayer::new(&b().build().unwrap(), bad_diagram),
        Err(Error::InvalidConfig {
            name: "dimension",
            ..
        })
    ));
}

#[test]
fn input_errors_are_typed() {
    let layer = PersistenceImageLayer::new(
        &image(Grid::Contiguous, Normalize::Max, None),
        DiagramConfig::default(),
    )
    .unwrap();
    assert_shared_input_errors(|x| layer.forward(x));
    let dev = Device::Cpu;
    let rank2 = Tensor::zeros((4, 64), DType::F32, &dev).unwrap();
    // 10^4 curves of 200 values, 101 pairs each at most, 500 + 500 pixel
    // edges: over 8 GiB of pair tensors, refused before any is allocated.
    let huge = PersistenceImageLayer::new(
        &PersistenceImage::builder()
            .resolution(500, 500)
            .build()
            .unwrap(),
        DiagramConfig::default(),
    )
    .unwrap();
    let x = Tensor::zeros((100, 100, 200), DType::F32, &dev).unwrap();
    assert!(matches!(huge.forward(&x), Err(Error::TooLarge(_))));
    // Through the candle trait the error is candle's, with our message.
    let e = Module::forward(&layer, &rank2).unwrap_err();
    assert!(e.to_string().contains("`x` has shape [4, 64]"), "{e}");
}
