//! The Image PI-Net's transposed convolution as one matrix product.
//!
//! The layer maps one `r x r` latent map to `c` maps of `r x r` with a
//! kernel of `r x r`, stride 1, cropped to the input size as Keras "same"
//! does. candle's CPU `conv_transpose2d` runs it as a direct loop: ~40 ms
//! per image forward and three times that backward for r = 50, which made
//! the network untrainable on a CPU. With one input map the layer is
//! linear in the latent with a matrix built from the kernel: output pixel
//! `(i, j)` of channel `o` is `sum_{a,b} x[a, b] * w[o, i + crop - a,
//! j + crop - b]` (terms outside the kernel are 0), so gathering the
//! kernel into that `r^2 x r^2` (block-Toeplitz) matrix once per batch
//! turns the layer into a single matrix product, differentiable through
//! candle's `index_select` and `matmul`. The variables are those of
//! candle's `ConvTranspose2d` (`weight` of shape `(1, c, r, r)`, `bias`),
//! so checkpoints are unchanged.

use candle_core::{Module, Tensor};
use candle_nn::{conv_transpose2d, ConvTranspose2dConfig, VarBuilder};
use tda_persistence::memory;

use crate::error::{Error, Result};
use crate::validate::size::Count;

/// A "same" transposed convolution from one `r x r` map to `channels`
/// maps of `r x r`: `(batch, 1, r, r)` to `(batch, channels, r, r)`.
///
/// ```
/// use candle_core::{DType, Device, Module, Tensor};
/// use candle_nn::{VarBuilder, VarMap};
/// use tda_nn::layers::SameDeconv;
/// let vars = VarMap::new();
/// let deconv = SameDeconv::new(3, 5, VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu)).unwrap();
/// let x = Tensor::zeros((2, 1, 5, 5), DType::F32, &Device::Cpu).unwrap();
/// assert_eq!(x.apply(&deconv).unwrap().dims(), &[2, 3, 5, 5]);
/// ```
#[derive(Debug, Clone)]
pub struct SameDeconv {
    weight: Tensor,
    bias: Option<Tensor>,
    /// For every (output pixel, input pixel) pair, the index of its kernel
    /// entry in the flattened kernel, or `r^2` (a zero appended to it).
    gather: Tensor,
    channels: usize,
    r: usize,
}

impl SameDeconv {
    /// The largest side `r`: the layer runs as a matrix of `r^4` entries
    /// per channel (268 M at 128).
    pub const MAX_SIDE: usize = 128;

    /// The layer with variables `weight` (`(1, channels, r, r)`) and
    /// `bias` from `vb`, initialised as candle's `conv_transpose2d`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for zero channels, a side of 0 or over
    /// [`SameDeconv::MAX_SIDE`]; [`Error::TooLarge`] when the
    /// weights and the table are over [`tda_persistence::memory::limit`];
    /// [`Error::Candle`] when `vb` cannot provide the variables.
    pub fn new(channels: usize, r: usize, vb: VarBuilder) -> Result<Self> {
        if channels == 0 || r == 0 || r > Self::MAX_SIDE {
            return Err(Error::InvalidConfig {
                name: "channels/r",
                value: format!("{channels}/{r}"),
                reason: "need >= 1 channel and a side in 1..=128",
            });
        }
        let params = Count::of(&[channels, r, r]) + Count::of(&[channels]);
        let table = Count::of(&[r, r, r, r]);
        memory::check(
            "transposed convolution",
            memory::sum(&[
                params.bytes(vb.dtype()),
                table.bytes(candle_core::DType::U32),
            ]),
        )?;
        let layer = conv_transpose2d(1, channels, r, ConvTranspose2dConfig::default(), vb)?;
        let n = r * r;
        let crop = (r - 1) / 2;
        let mut gather = Vec::with_capacity(n * n);
        for i in 0..r {
            for j in 0..r {
                for a in 0..r {
                    for b in 0..r {
                        let (u, v) = ((i + crop).checked_sub(a), (j + crop).checked_sub(b));
                        gather.push(match (u, v) {
                            (Some(u), Some(v)) if u < r && v < r => (u * r + v) as u32,
                            _ => n as u32,
                        });
                    }
                }
            }
        }
        let gather = Tensor::from_vec(gather, n * n, layer.weight().device())?;
        Ok(Self {
            weight: layer.weight().clone(),
            bias: layer.bias().cloned(),
            gather,
            channels,
            r,
        })
    }

    /// The kernel, `(1, channels, r, r)`.
    pub fn weight(&self) -> &Tensor {
        &self.weight
    }

    /// The bias, `(channels,)`.
    pub fn bias(&self) -> Option<&Tensor> {
        self.bias.as_ref()
    }

    /// `(batch, 1, r, r)` to `(batch, channels, r, r)`; differentiable.
    ///
    /// # Errors
    /// [`Error::Shape`] naming `x` when it is not `(batch, 1, r, r)`;
    /// [`Error::TooLarge`] when the kernel matrix and the broadcast input
    /// are over [`tda_persistence::memory::limit`]; [`Error::Candle`] for
    /// a dtype or device other than the weights'.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (c, r, n) = (self.channels, self.r, self.r * self.r);
        let dims = x.dims();
        if dims.len() != 4 || dims[1..] != [1, r, r] {
            return Err(Error::Shape {
                name: "x",
                expected: format!("(batch, 1, {r}, {r})"),
                got: dims.to_vec(),
            });
        }
        let batch = dims[0];
        // The gathered kernel matrix, its transposed copy, the broadcast
        // input and the output.
        let elems = Count::of(&[c, n, n]) * 2 + Count::of(&[c, batch, n]) * 3;
        memory::check("transposed convolution", elems.bytes(x.dtype()))?;
        let w = self.weight.reshape((c, n))?;
        let zero = Tensor::zeros((c, 1), w.dtype(), w.device())?;
        // m[o, out, in]: the kernel entry linking input pixel `in` to
        // output pixel `out` of channel `o`.
        let m = Tensor::cat(&[&w, &zero], 1)?
            .index_select(&self.gather, 1)?
            .reshape((c, n, n))?;
        let flat = x.reshape((1, batch, n))?.broadcast_as((c, batch, n))?;
        let y = flat.contiguous()?.matmul(&m.transpose(1, 2)?)?; // (c, batch, n)
        let y = y.permute((1, 0, 2))?.reshape((batch, c, r, r))?;
        Ok(match &self.bias {
            Some(b) => y.broadcast_add(&b.reshape((1, c, 1, 1))?)?,
            None => y,
        })
    }
}

impl Module for SameDeconv {
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        Ok(SameDeconv::forward(self, xs)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};
    use candle_nn::VarMap;

    /// Equal to candle's transposed convolution cropped as Keras "same",
    /// for odd and even sizes, and differentiable.
    #[test]
    fn matches_candles_conv_transpose2d() {
        for (c, r) in [(1, 1), (2, 4), (3, 5), (1, 6)] {
            let vars = VarMap::new();
            let vb = VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu);
            let ours = SameDeconv::new(c, r, vb.clone()).unwrap();
            let theirs = conv_transpose2d(1, c, r, ConvTranspose2dConfig::default(), vb).unwrap();
            let x = Tensor::randn(0f32, 1.0, (3, 1, r, r), &Device::Cpu).unwrap();
            let crop = (r - 1) / 2;
            let want = theirs
                .forward(&x)
                .unwrap()
                .narrow(2, crop, r)
                .unwrap()
                .narrow(3, crop, r)
                .unwrap();
            let got = ours.forward(&x).unwrap();
            assert_eq!(got.dims(), want.dims());
            let diff = (got - want).unwrap().abs().unwrap().max_all().unwrap();
            assert!(diff.to_scalar::<f32>().unwrap() < 1e-5, "c {c} r {r}");
            let grads = ours
                .forward(&x)
                .unwrap()
                .sum_all()
                .unwrap()
                .backward()
                .unwrap();
            assert!(grads.get(&ours.weight).is_some());
        }
    }
}
