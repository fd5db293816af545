//! The exact persistence-image layer with PI-Net's image recipe reproduces
//! PI-Net's published targets (Som et al.'s 20 CIFAR-10 test images and
//! their persistence images, `data/pinet-published/`): the layer computes
//! what the Image PI-Net was trained to approximate, and gradients flow
//! through it.

#[path = "../../tda-vectorize/tests/common/published.rs"]
mod published;

use candle_core::{DType, Device, Tensor, Var};
use published::{Published, CHANNELS, IMAGES, PIXELS, SIDE};
use tda_nn::layers::{DiagramConfig, PersistenceImageLayer};
use tda_vectorize::PersistenceImage;

#[test]
fn pinet_image_layer_reproduces_every_published_channel() {
    let published = Published::load();
    let mut values = Vec::with_capacity(IMAGES * CHANNELS * SIDE * SIDE);
    for i in 0..IMAGES {
        for ch in 0..CHANNELS {
            values.extend(published.channel(i, ch));
        }
    }
    let layer =
        PersistenceImageLayer::new(&PersistenceImage::pinet_image(), DiagramConfig::default())
            .unwrap();
    for (dtype, tol) in [(DType::F64, 1e-6), (DType::F32, 1e-5)] {
        let x = Tensor::from_slice(&values, (IMAGES, CHANNELS, SIDE * SIDE), &Device::Cpu)
            .unwrap()
            .to_dtype(dtype)
            .unwrap();
        let x = Var::from_tensor(&x).unwrap();
        let y = layer.forward(x.as_tensor()).unwrap();
        assert_eq!(y.dims(), &[IMAGES, CHANNELS, 50, 50]);
        let got: Vec<f64> = y
            .flatten_all()
            .unwrap()
            .to_dtype(DType::F64)
            .unwrap()
            .to_vec1()
            .unwrap();
        for i in 0..IMAGES {
            for ch in 0..CHANNELS {
                let at = (i * CHANNELS + ch) * PIXELS;
                let err = got[at..at + PIXELS]
                    .iter()
                    .zip(published.target(i, ch))
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max);
                assert!(err < tol, "{dtype:?} image {i} channel {ch}: {err:e}");
            }
        }
        // Gradients reach the pixels at the pairs' critical indices.
        let grads = y.sum_all().unwrap().backward().unwrap();
        let g = grads.get(x.as_tensor()).unwrap();
        let nonzero = g
            .ne(0.0)
            .unwrap()
            .to_dtype(DType::F64)
            .unwrap()
            .sum_all()
            .unwrap()
            .to_scalar::<f64>()
            .unwrap();
        assert!(nonzero > 1000.0, "{dtype:?}: {nonzero} nonzero gradients");
    }
}
