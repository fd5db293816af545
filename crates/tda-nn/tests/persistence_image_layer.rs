//! The persistence-image layer: values equal to
//! `tda_vectorize::PersistenceImage` on each curve's sublevel diagram,
//! gradients equal to finite differences, composition with
//! `candle_nn::seq()`, typed errors.

use candle_core::{DType, Device, Module, Tensor, Var};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use tda_nn::layers::PersistenceImageLayer;
use tda_nn::Error;
use tda_persistence::sublevel::h0;
use tda_vectorize::{Essential, Grid, Normalize, PersistenceImage, Vectorizer, Weight};

fn random(n: usize, lo: f64, hi: f64, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n).map(|_| rng.random_range(lo..hi)).collect()
}

fn image(normalize: Normalize, min_persistence: Option<f64>) -> PersistenceImage {
    let b = PersistenceImage::builder()
        .birth_range(-1.5, 5.5)
        .pers_range(0.0, 6.0)
        .resolution(14, 9)
        .sigma(0.4)
        .normalize(normalize);
    match min_persistence {
        Some(t) => b.min_persistence(t),
        None => b,
    }
    .build()
    .unwrap()
}

fn to_host(t: &Tensor) -> Vec<f64> {
    t.flatten_all()
        .unwrap()
        .to_dtype(DType::F64)
        .unwrap()
        .to_vec1()
        .unwrap()
}

#[test]
fn values_equal_tda_vectorize_images() {
    let (batch, channels, length) = (3, 2, 40);
    for (case, (normalize, min_persistence)) in [
        (Normalize::None, None),
        (Normalize::Max, None),
        (Normalize::None, Some(0.8)),
        (Normalize::Max, Some(0.8)),
        (Normalize::Sum, Some(0.3)),
    ]
    .into_iter()
    .enumerate()
    {
        let pi = image(normalize, min_persistence);
        let layer = PersistenceImageLayer::new(&pi).unwrap();
        assert_eq!(layer.shape(), pi.shape());
        let (rows, cols) = pi.shape();
        let mut values = random(batch * channels * length, -1.0, 5.0, case as u64);
        // One constant curve: no finite pair, an all-zero image.
        values[length..2 * length].fill(2.0);
        for dtype in [DType::F64, DType::F32] {
            let x = Tensor::from_vec(values.clone(), (batch, channels, length), &Device::Cpu)
                .unwrap()
                .to_dtype(dtype)
                .unwrap();
            let host = to_host(&x);
            let y = layer.forward(&x).unwrap();
            assert_eq!(y.dims(), &[batch, channels, rows, cols]);
            assert_eq!(y.dtype(), dtype);
            let y = to_host(&y);
            for (r, row) in host.chunks(length).enumerate() {
                let want = pi.transform(&h0(row).unwrap()).unwrap();
                let got = &y[r * rows * cols..(r + 1) * rows * cols];
                let max = want.iter().copied().fold(0.0f32, f32::max);
                if r == 1 {
                    assert_eq!(max, 0.0);
                    assert!(got.iter().all(|&g| g == 0.0), "case {case}: constant curve");
                    continue;
                }
                assert!(max > 0.0, "case {case} row {r}: empty reference");
                let rel = if dtype == DType::F64 { 1e-6 } else { 1e-4 };
                for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
                    assert!(
                        (g - f64::from(w)).abs() <= rel * f64::from(max),
                        "case {case} {dtype:?} row {r} pixel {i}: {g} vs {w}"
                    );
                }
                if normalize == Normalize::Max {
                    let gmax = got.iter().copied().fold(0.0, f64::max);
                    assert!((gmax - 1.0).abs() < 1e-5, "case {case}: max {gmax}");
                }
            }
        }
    }
}

#[test]
fn gradients_equal_finite_differences() {
    let (batch, channels, length) = (2, 2, 13);
    let n = batch * channels * length;
    // Distinct values (a shuffled grid plus jitter) on [-0.5, 4.5].
    let mut values: Vec<f64> = (0..n).map(|i| -0.5 + 5.0 * i as f64 / n as f64).collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    for i in (1..n).rev() {
        values.swap(i, rng.random_range(0..=i));
    }
    for (v, j) in values.iter_mut().zip(random(n, 0.0, 0.01, 12)) {
        *v += j;
    }
    for normalize in [Normalize::None, Normalize::Max, Normalize::Sum] {
        let pi = image(normalize, Some(0.2));
        let layer = PersistenceImageLayer::new(&pi).unwrap();
        let (rows, cols) = pi.shape();
        let weights = random(n / length * rows * cols, -1.0, 1.0, 13);
        let w = Tensor::from_vec(weights, (batch, channels, rows, cols), &Device::Cpu).unwrap();
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
        let g = to_host(grads.get(x.as_tensor()).unwrap());
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
                "{normalize:?} index {i}: autograd {} vs finite differences {fd}",
                g[i]
            );
            nonzero += usize::from(g[i] != 0.0);
        }
        assert!(
            nonzero > 10,
            "{normalize:?}: only {nonzero} nonzero gradients"
        );
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
    let layer = PersistenceImageLayer::new(&pi).unwrap();
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
    let field = |pi: PersistenceImage| match PersistenceImageLayer::new(&pi) {
        Err(Error::InvalidConfig { name, .. }) => name,
        other => panic!("expected InvalidConfig, got {other:?}"),
    };
    let b = PersistenceImage::builder;
    assert_eq!(field(PersistenceImage::pinet_signal()), "grid");
    let legacy = b().grid(Grid::LegacyPersImage).build().unwrap();
    assert_eq!(field(legacy), "grid");
    for weight in [Weight::Constant, Weight::Power(2.0)] {
        assert_eq!(field(b().weight(weight).build().unwrap()), "weight");
    }
    let clamp = b().essential(Essential::ClampDeath(1.0)).build().unwrap();
    assert_eq!(field(clamp), "essential");
    assert!(PersistenceImageLayer::new(&b().build().unwrap()).is_ok());
}

#[test]
fn input_errors_are_typed() {
    let layer = PersistenceImageLayer::new(&image(Normalize::Max, None)).unwrap();
    let dev = Device::Cpu;
    let rank2 = Tensor::zeros((4, 64), DType::F32, &dev).unwrap();
    assert!(matches!(
        layer.forward(&rank2),
        Err(Error::Shape { name: "x", .. })
    ));
    let rank4 = Tensor::zeros((1, 4, 64, 1), DType::F32, &dev).unwrap();
    assert!(matches!(
        layer.forward(&rank4),
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
    // 10^4 curves of 200 values, 101 pairs each at most, 500 + 500 pixel
    // edges: over 8 GiB of pair tensors, refused before any is allocated.
    let huge = PersistenceImageLayer::new(
        &PersistenceImage::builder()
            .resolution(500, 500)
            .build()
            .unwrap(),
    )
    .unwrap();
    let x = Tensor::zeros((100, 100, 200), DType::F32, &dev).unwrap();
    assert!(matches!(huge.forward(&x), Err(Error::TooLarge(_))));
    // Through the candle trait the error is candle's, with our message.
    let e = Module::forward(&layer, &rank2).unwrap_err();
    assert!(e.to_string().contains("`x` has shape [4, 64]"), "{e}");
}
