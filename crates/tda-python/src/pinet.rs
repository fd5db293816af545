//! Signal and Image PI-Net inference (Som et al. 2020) from a checkpoint
//! that tda-nn's trainers wrote (safetensors): persistence images from
//! raw signals or images in one forward pass, on the CPU.

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use numpy::{IntoPyArray, PyArrayDyn, PyReadonlyArrayDyn};
use pyo3::prelude::*;
use tda_nn::models::{ImagePiNet, ImagePiNetConfig, SignalPiNet, SignalPiNetConfig};

use crate::error::{bad_argument, py_result};

/// The network of a [`PiNet`].
enum Net {
    Signal(SignalPiNet),
    Image(ImagePiNet),
}

/// A trained Signal or Image PI-Net, ready for inference (float32, CPU).
#[pyclass(module = "tda_pinet._core", frozen)]
pub struct PiNet {
    net: Net,
}

/// Variables for a network of float32 weights on the CPU, filled from the
/// checkpoint `bytes` once `build` has created them.
fn load<T>(bytes: &[u8], build: impl FnOnce(VarBuilder) -> tda_nn::Result<T>) -> PyResult<T> {
    let vars = VarMap::new();
    let vb = VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu);
    let net = py_result(build(vb))?;
    py_result(tda_nn::train::load_checkpoint_bytes(&vars, bytes))?;
    Ok(net)
}

#[pymethods]
impl PiNet {
    /// A Signal PI-Net (`(batch, channels, length)` signals to `(batch,
    /// channels, resolution, resolution)` images) with the weights of the
    /// checkpoint `bytes`; the configuration must be the one it was
    /// trained with.
    #[staticmethod]
    fn signal(
        bytes: &[u8],
        length: usize,
        channels: usize,
        filters: Vec<usize>,
        kernel: usize,
        resolution: usize,
    ) -> PyResult<Self> {
        let cfg = SignalPiNetConfig {
            length,
            channels,
            filters,
            kernel,
            resolution,
        };
        let net = load(bytes, |vb| SignalPiNet::new(cfg, vb))?;
        Ok(Self {
            net: Net::Signal(net),
        })
    }

    /// An Image PI-Net (`(batch, channels, height, width)` images to
    /// `(batch, channels, resolution, resolution)` persistence images), as
    /// [`PiNet::signal`].
    #[staticmethod]
    #[allow(clippy::too_many_arguments)] // the configuration's fields, as Python keywords
    fn image(
        bytes: &[u8],
        height: usize,
        width: usize,
        channels: usize,
        filters: Vec<usize>,
        kernel: usize,
        resolution: usize,
    ) -> PyResult<Self> {
        let cfg = ImagePiNetConfig {
            height,
            width,
            channels,
            filters,
            kernel,
            resolution,
        };
        let net = load(bytes, |vb| ImagePiNet::new(cfg, vb))?;
        Ok(Self {
            net: Net::Image(net),
        })
    }

    /// The persistence images the network predicts for the batch `x`
    /// (float32, C-contiguous or not).
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArrayDyn<'py, f32>,
    ) -> PyResult<Bound<'py, PyArrayDyn<f32>>> {
        let view = x.as_array();
        let shape = view.shape().to_vec();
        let values: Vec<f32> = view.iter().copied().collect();
        let out = py.detach(|| -> tda_nn::Result<(Vec<usize>, Vec<f32>)> {
            let x = Tensor::from_vec(values, shape, &Device::Cpu)?;
            let y = match &self.net {
                Net::Signal(n) => n.infer(&x)?,
                Net::Image(n) => n.infer(&x)?,
            };
            Ok((y.dims().to_vec(), y.flatten_all()?.to_vec1::<f32>()?))
        });
        let (dims, values) = py_result(out)?;
        let out =
            ndarray::ArrayD::from_shape_vec(dims, values).map_err(|e| bad_argument("x", e))?;
        Ok(out.into_pyarray(py))
    }
}
