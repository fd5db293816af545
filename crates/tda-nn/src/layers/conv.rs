//! "Same" convolutions (stride 1) as one matrix product over shifted views
//! (im2col; Chellapilla, Puri & Simard, "High performance convolutional
//! neural networks for document processing", IWFHR 2006).
//!
//! candle's CPU convolutions are fast forward, but their backward pass
//! runs the input gradient through a direct transposed-convolution loop;
//! for the classifiers and PI-Nets that loop dominated training. Here the
//! `k` (1-D) or `k x k` (2-D) shifted views of the zero-padded input are
//! stacked next to the channels and multiplied by the kernel reshaped to
//! `(filters, channels * k^d)`, so both passes are copies and one matrix
//! product. The variables are those of candle's `Conv1d` / `Conv2d`
//! (`weight`, `bias`), created with the same initialisation, so
//! checkpoints are unchanged.

use candle_core::{Module, Tensor};
use candle_nn::{conv1d, conv2d, Conv1dConfig, Conv2dConfig, VarBuilder};
use tda_persistence::memory;

use super::pool::pad_same;
use crate::error::{Error, Result};
use crate::validate::size::Count;

/// A 1-D or 2-D convolution, stride 1, zero-padded to keep the size
/// (Keras "same": the smaller half of the padding before): `(batch,
/// in_channels, spatial...)` to `(batch, out_channels, spatial...)`.
///
/// ```
/// use candle_core::{DType, Device, Module, Tensor};
/// use candle_nn::{VarBuilder, VarMap};
/// use tda_nn::layers::SameConv;
/// let vars = VarMap::new();
/// let conv = SameConv::new(1, 3, 8, 5, VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu)).unwrap();
/// let x = Tensor::zeros((2, 3, 100), DType::F32, &Device::Cpu).unwrap();
/// assert_eq!(x.apply(&conv).unwrap().dims(), &[2, 8, 100]);
/// ```
#[derive(Debug, Clone)]
pub struct SameConv {
    weight: Tensor,
    bias: Option<Tensor>,
    spatial: usize,
    kernel: usize,
}

impl SameConv {
    /// `in_channels -> out_channels` over `spatial` (1 or 2) dimensions
    /// with a kernel of `kernel` (per dimension), variables `weight` and
    /// `bias` from `vb` (initialised as candle's `conv1d` / `conv2d`).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for `spatial` other than 1 or 2, or a zero
    /// channel count or kernel; [`Error::TooLarge`] when the weights are
    /// over [`tda_persistence::memory::limit`]; [`Error::Candle`] when `vb`
    /// cannot provide the variables.
    pub fn new(
        spatial: usize,
        in_channels: usize,
        out_channels: usize,
        kernel: usize,
        vb: VarBuilder,
    ) -> Result<Self> {
        if !(1..=2).contains(&spatial) {
            return Err(Error::InvalidConfig {
                name: "spatial",
                value: spatial.to_string(),
                reason: "convolutions over 1 or 2 dimensions only",
            });
        }
        if in_channels == 0 || out_channels == 0 || kernel == 0 {
            return Err(Error::InvalidConfig {
                name: "in_channels/out_channels/kernel",
                value: format!("{in_channels}/{out_channels}/{kernel}"),
                reason: "a convolution needs >= 1 channel in and out and a kernel >= 1",
            });
        }
        let params = Count::of(&[in_channels, out_channels]) * Count::pow(kernel, spatial)
            + Count::of(&[out_channels]);
        memory::check("convolution weights", params.bytes(vb.dtype()))?;
        let (weight, bias) = if spatial == 1 {
            let c = conv1d(
                in_channels,
                out_channels,
                kernel,
                Conv1dConfig::default(),
                vb,
            )?;
            (c.weight().clone(), c.bias().cloned())
        } else {
            let c = conv2d(
                in_channels,
                out_channels,
                kernel,
                Conv2dConfig::default(),
                vb,
            )?;
            (c.weight().clone(), c.bias().cloned())
        };
        Ok(Self {
            weight,
            bias,
            spatial,
            kernel,
        })
    }

    /// The kernel, `(out_channels, in_channels, kernel...)`.
    pub fn weight(&self) -> &Tensor {
        &self.weight
    }

    /// The bias, `(out_channels,)`.
    pub fn bias(&self) -> Option<&Tensor> {
        self.bias.as_ref()
    }

    /// `(batch, in_channels, spatial...)` to `(batch, out_channels,
    /// spatial...)`; differentiable.
    ///
    /// # Errors
    /// [`Error::Shape`] naming `x` when it is not `(batch, in_channels,
    /// spatial...)` with `spatial` dimensions; [`Error::TooLarge`] when the
    /// padded input or the stacked shifted views are over
    /// [`tda_persistence::memory::limit`]; [`Error::Candle`] for a dtype or
    /// device other than the weights'.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let dims = x.dims().to_vec();
        let in_channels = self.weight.dim(1)?;
        if dims.len() != 2 + self.spatial || dims[1] != in_channels {
            return Err(Error::Shape {
                name: "x",
                expected: format!(
                    "(batch, {in_channels} channels, {} spatial dimension(s))",
                    self.spatial
                ),
                got: dims,
            });
        }
        let (batch, channels) = (dims[0], dims[1]);
        let sizes = &dims[2..];
        let positions: usize = sizes.iter().product();
        let k = self.kernel;
        let mut padded = x.clone();
        for d in 2..2 + self.spatial {
            padded = pad_same(&padded, d, k)?;
        }
        // Shifted views, in the order of the kernel's flattened taps.
        let mut views = Vec::with_capacity(k.pow(self.spatial as u32));
        if self.spatial == 1 {
            for t in 0..k {
                views.push(padded.narrow(2, t, sizes[0])?);
            }
        } else {
            for u in 0..k {
                let rows = padded.narrow(2, u, sizes[0])?;
                for v in 0..k {
                    views.push(rows.narrow(3, v, sizes[1])?);
                }
            }
        }
        let taps = views.len();
        // The stacked views and their transposed copy.
        let cols = Count::of(&[channels, taps, batch, positions]) * 2;
        memory::check("convolution columns", cols.bytes(x.dtype()))?;
        // (batch, channels, taps, positions) -> (channels * taps, batch * positions).
        let cols = Tensor::stack(&views, 2)?
            .reshape((batch, channels * taps, positions))?
            .transpose(0, 1)?
            .reshape((channels * taps, batch * positions))?;
        let filters = self.weight.dim(0)?;
        let w = self.weight.reshape((filters, channels * taps))?;
        let y = w.matmul(&cols)?; // (filters, batch * positions)
        let y = match &self.bias {
            Some(b) => y.broadcast_add(&b.reshape((filters, 1))?)?,
            None => y,
        };
        let mut shape = vec![filters, batch];
        shape.extend_from_slice(sizes);
        Ok(y.reshape(shape)?.transpose(0, 1)?.contiguous()?)
    }
}

impl Module for SameConv {
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        Ok(SameConv::forward(self, xs)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device, Var};
    use candle_nn::VarMap;

    fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
        (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar::<f32>()
            .unwrap()
    }

    const CASES: [(usize, usize, &[usize]); 5] = [
        (1, 3, &[2, 3, 7]),
        (1, 4, &[2, 2, 5]),
        (1, 1, &[3, 2, 1]),
        (2, 3, &[2, 3, 5, 4]),
        (2, 2, &[2, 2, 3, 6]),
    ];

    /// The forward pass equals candle's convolution of the padded input.
    #[test]
    fn matches_candles_convolutions() {
        let dev = Device::Cpu;
        for (spatial, k, shape) in CASES {
            let vars = VarMap::new();
            let vb = VarBuilder::from_varmap(&vars, DType::F32, &dev);
            let ours = SameConv::new(spatial, shape[1], 4, k, vb.clone()).unwrap();
            let x = Tensor::randn(0f32, 1.0, shape, &dev).unwrap();
            let mut padded = x.clone();
            for d in 2..2 + spatial {
                padded = pad_same(&padded, d, k).unwrap();
            }
            let want = if spatial == 1 {
                conv1d(shape[1], 4, k, Conv1dConfig::default(), vb)
                    .unwrap()
                    .forward(&padded)
                    .unwrap()
            } else {
                conv2d(shape[1], 4, k, Conv2dConfig::default(), vb)
                    .unwrap()
                    .forward(&padded)
                    .unwrap()
            };
            let got = ours.forward(&x).unwrap();
            assert_eq!(got.dims(), want.dims());
            assert!(max_diff(&got, &want) < 1e-5, "{spatial}-D k {k}");
        }
    }

    /// Gradients of the input and the weights against central finite
    /// differences (in f64), for every sample of the batch. (candle 0.11's
    /// own conv1d backward fails this for the second sample of a batch;
    /// that is why this module exists.)
    #[test]
    fn gradients_match_finite_differences() {
        let dev = Device::Cpu;
        for (spatial, k, shape) in CASES {
            let vars = VarMap::new();
            let vb = VarBuilder::from_varmap(&vars, DType::F64, &dev);
            let conv = SameConv::new(spatial, shape[1], 4, k, vb).unwrap();
            let x = Var::from_tensor(&Tensor::randn(0f64, 1.0, shape, &dev).unwrap()).unwrap();
            let loss = |conv: &SameConv, x: &Tensor| {
                conv.forward(x).unwrap().sqr().unwrap().sum_all().unwrap()
            };
            let grads = loss(&conv, x.as_tensor()).backward().unwrap();
            for (name, t) in [
                ("x", x.as_tensor().clone()),
                ("weight", conv.weight.clone()),
            ] {
                let analytic = grads
                    .get(&t)
                    .unwrap()
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f64>()
                    .unwrap();
                let base = t.flatten_all().unwrap().to_vec1::<f64>().unwrap();
                for i in (0..base.len()).step_by(base.len().div_ceil(7)) {
                    let bump = |h: f64| {
                        let mut v = base.clone();
                        v[i] += h;
                        let v = Tensor::from_vec(v, t.dims(), &dev).unwrap();
                        let (c, xin) = if name == "x" {
                            (conv.clone(), v)
                        } else {
                            let mut c = conv.clone();
                            c.weight = v;
                            (c, x.as_tensor().clone())
                        };
                        loss(&c, &xin).to_scalar::<f64>().unwrap()
                    };
                    let numeric = (bump(1e-5) - bump(-1e-5)) / 2e-5;
                    assert!(
                        (numeric - analytic[i]).abs() < 1e-5 * (1.0 + numeric.abs()),
                        "{spatial}-D k {k} d/d{name}[{i}]: {} vs {numeric}",
                        analytic[i]
                    );
                }
            }
        }
    }
}
