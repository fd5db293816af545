//! The models and layers as candle modules: `apply_t` is the inherent
//! forward pass (and inference equals `infer`), our layers compose in
//! `candle_nn::seq()`, gradients flow through the trait's forward pass to
//! the input and the parameters, and errors keep their message.

mod common;

use candle_core::{DType, Device, Module, ModuleT, Tensor, Var};
use candle_nn::VarMap;
use common::{values, vb};
use tda_nn::layers::{MaxPoolSame, SameConv, SameDeconv, SeededDropout};
use tda_nn::*;

fn signal_cfg() -> SignalPiNetConfig {
    SignalPiNetConfig {
        length: 12,
        channels: 2,
        filters: vec![4, 6],
        kernel: 3,
        resolution: 3,
    }
}

fn image_cfg() -> ImagePiNetConfig {
    ImagePiNetConfig {
        height: 6,
        width: 5,
        channels: 2,
        filters: vec![4, 6],
        kernel: 3,
        resolution: 4,
    }
}

fn mlp_cfg() -> MlpConfig {
    MlpConfig {
        inputs: 7,
        hidden: vec![8, 5],
        dropout: 0.25,
        classes: 3,
        seed: 2,
    }
}

fn cnn_cfg() -> CnnConfig {
    CnnConfig {
        input: CnnInput::Signal {
            channels: 2,
            length: 12,
        },
        filters: vec![4, 4],
        pools: vec![Some(2), None],
        kernel: 3,
        classes: 3,
    }
}

/// `x.apply_t(&net, false)` equals `net.infer(&x)`, and `apply_t(.., true)`
/// equals the inherent `forward_t(.., true)` of a twin model (same
/// weights, same dropout seed).
fn check_module<M: ModuleT>(
    net: &M,
    twin: &M,
    x: &Tensor,
    infer: impl Fn(&M, &Tensor) -> Result<Tensor>,
    forward_t: impl Fn(&M, &Tensor, bool) -> Result<Tensor>,
) {
    let applied = x.apply_t(net, false).unwrap();
    assert_eq!(values(&applied), values(&infer(net, x).unwrap()));
    let trained = x.apply_t(net, true).unwrap();
    assert_eq!(values(&trained), values(&forward_t(twin, x, true).unwrap()));
}

#[test]
fn apply_t_is_the_inherent_forward_pass() {
    let dev = Device::Cpu;
    // A twin: a second model on the same variables.
    // Signal PI-Net.
    let vars = VarMap::new();
    let net = SignalPiNet::new(signal_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 1).unwrap();
    let twin = SignalPiNet::new(signal_cfg(), vb(&vars)).unwrap();
    let x = Tensor::randn(0f32, 1.0, (3, 2, 12), &dev).unwrap();
    check_module(&net, &twin, &x, SignalPiNet::infer, SignalPiNet::forward_t);
    // Image PI-Net.
    let vars = VarMap::new();
    let net = ImagePiNet::new(image_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 2).unwrap();
    let twin = ImagePiNet::new(image_cfg(), vb(&vars)).unwrap();
    let x = Tensor::randn(0f32, 1.0, (3, 2, 6, 5), &dev).unwrap();
    check_module(&net, &twin, &x, ImagePiNet::infer, ImagePiNet::forward_t);
    // MLP (seeded dropout in training: the twin draws the same masks).
    let vars = VarMap::new();
    let net = Mlp::new(mlp_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 3).unwrap();
    let twin = Mlp::new(mlp_cfg(), vb(&vars)).unwrap();
    let x = Tensor::randn(0f32, 1.0, (4, 7), &dev).unwrap();
    check_module(&net, &twin, &x, Mlp::infer, Mlp::forward_t);
    // CNN.
    let vars = VarMap::new();
    let net = Cnn::new(cnn_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 4).unwrap();
    let twin = Cnn::new(cnn_cfg(), vb(&vars)).unwrap();
    let x = Tensor::randn(0f32, 1.0, (3, 2, 12), &dev).unwrap();
    check_module(&net, &twin, &x, Cnn::infer, Cnn::forward_t);
}

#[test]
fn our_layers_run_in_a_candle_sequence() {
    let dev = Device::Cpu;
    let vars = VarMap::new();
    let vb = vb(&vars);
    let net = candle_nn::seq()
        .add(SameConv::new(1, 3, 5, 3, vb.pp("conv")).unwrap())
        .add(candle_nn::Activation::Relu)
        .add(MaxPoolSame::new(3, 2).unwrap())
        .add(SameConv::new(1, 5, 1, 3, vb.pp("conv2")).unwrap())
        .add_fn(|x| x.reshape((x.dim(0)?, 1, 2, 2)))
        .add(SameDeconv::new(2, 2, vb.pp("deconv")).unwrap());
    let x = Tensor::randn(0f32, 1.0, (2, 3, 7), &dev).unwrap();
    // Length 7 -> pooled to 4 -> one channel of 4 = a 2 x 2 map -> 2 maps.
    let y = net.forward(&x).unwrap();
    assert_eq!(y.dims(), &[2, 2, 2, 2]);
    assert!(values(&y).iter().all(|v| v.is_finite()));
    // Dropout is a ModuleT: the identity in inference.
    let drop = SeededDropout::new(0.5, 1).unwrap();
    assert_eq!(values(&x.apply_t(&drop, false).unwrap()), values(&x));
}

#[test]
fn gradients_flow_through_the_trait_forward_pass() {
    let dev = Device::Cpu;
    let nonzero = |g: Option<&Tensor>| values(g.expect("a gradient")).iter().any(|&v| v != 0.0);
    // Signal PI-Net, training mode: gradients reach the input and every
    // trained weight of the first block and the dense layer.
    let vars = VarMap::new();
    let net = SignalPiNet::new(signal_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 5).unwrap();
    let x = Var::from_tensor(&Tensor::randn(0f32, 1.0, (4, 2, 12), &dev).unwrap()).unwrap();
    let y = x.as_tensor().apply_t(&net, true).unwrap();
    let grads = y.sqr().unwrap().sum_all().unwrap().backward().unwrap();
    assert!(nonzero(grads.get(x.as_tensor())));
    let data = vars.data().lock().unwrap();
    for name in ["encoder.block0.conv.weight", "dense.weight", "dense.bias"] {
        assert!(nonzero(grads.get(data[name].as_tensor())), "{name}");
    }
    drop(data);
    // Image PI-Net, inference mode: differentiable too (only infer
    // detaches).
    let vars = VarMap::new();
    let net = ImagePiNet::new(image_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 6).unwrap();
    let x = Var::from_tensor(&Tensor::randn(0f32, 1.0, (2, 2, 6, 5), &dev).unwrap()).unwrap();
    let y = x.as_tensor().apply_t(&net, false).unwrap();
    let grads = y.sum_all().unwrap().backward().unwrap();
    assert!(nonzero(grads.get(x.as_tensor())));
    assert!(nonzero(
        grads.get(vars.data().lock().unwrap()["deconv.weight"].as_tensor())
    ));
    // infer is detached: no gradient reaches the input.
    let y = net.infer(x.as_tensor()).unwrap();
    let grads = y.sum_all().unwrap().backward().unwrap();
    assert!(grads.get(x.as_tensor()).is_none());
    // The MLP (dropout on) and the CNN.
    let vars = VarMap::new();
    let mlp = Mlp::new(mlp_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 7).unwrap();
    let x = Var::from_tensor(&Tensor::randn(0f32, 1.0, (4, 7), &dev).unwrap()).unwrap();
    let grads = x
        .as_tensor()
        .apply_t(&mlp, true)
        .unwrap()
        .sqr()
        .unwrap()
        .sum_all()
        .unwrap();
    let grads = grads.backward().unwrap();
    assert!(nonzero(grads.get(x.as_tensor())));
    assert!(nonzero(
        grads.get(vars.data().lock().unwrap()["out.weight"].as_tensor())
    ));
    let vars = VarMap::new();
    let cnn = Cnn::new(cnn_cfg(), vb(&vars)).unwrap();
    init_keras(&vars, 8).unwrap();
    let x = Var::from_tensor(&Tensor::randn(0f32, 1.0, (3, 2, 12), &dev).unwrap()).unwrap();
    let logits = x.as_tensor().apply_t(&cnn, true).unwrap();
    let grads = logits.sqr().unwrap().sum_all().unwrap().backward().unwrap();
    assert!(nonzero(grads.get(x.as_tensor())));
    // The fusion's forward_t: both inputs get gradients.
    let vars = VarMap::new();
    let fusion = CnnPiFusion::new(
        CnnPiFusionConfig {
            cnn: cnn_cfg(),
            pi_inputs: 5,
            pi_hidden: vec![4],
        },
        vb(&vars),
    )
    .unwrap();
    init_keras(&vars, 9).unwrap();
    let raw = Var::from_tensor(&Tensor::randn(0f32, 1.0, (3, 2, 12), &dev).unwrap()).unwrap();
    let images = Var::from_tensor(&Tensor::randn(0f32, 1.0, (3, 5), &dev).unwrap()).unwrap();
    let input = FusionInput {
        raw: raw.as_tensor().clone(),
        images: images.as_tensor().clone(),
    };
    let logits = fusion.forward_t(&input, true).unwrap();
    let grads = logits.sqr().unwrap().sum_all().unwrap().backward().unwrap();
    assert!(nonzero(grads.get(raw.as_tensor())));
    assert!(nonzero(grads.get(images.as_tensor())));
}

#[test]
fn trait_errors_keep_the_message() {
    let vars = VarMap::new();
    let net = SignalPiNet::new(signal_cfg(), vb(&vars)).unwrap();
    let wrong = Tensor::zeros((2, 3, 12), DType::F32, &Device::Cpu).unwrap();
    let e = wrong.apply_t(&net, false).unwrap_err().to_string();
    assert!(e.contains("`x` has shape [2, 3, 12]"), "{e}");
    // The inherent method keeps the typed error.
    assert!(matches!(
        net.forward_t(&wrong, false),
        Err(Error::Shape { name: "x", .. })
    ));
    let conv = SameConv::new(1, 3, 2, 3, vb(&vars).pp("c")).unwrap();
    let e = Tensor::zeros((2, 4, 5), DType::F32, &Device::Cpu)
        .unwrap()
        .apply(&conv)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`x` has shape [2, 4, 5]"), "{e}");
}
