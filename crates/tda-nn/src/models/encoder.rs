//! The convolutional encoder shared by the PI-Nets and the 1-D CNN
//! classifier: convolution blocks (same padding, stride 1, batch norm,
//! ReLU), an optional "same" max-pool of 3 after each block, then global
//! average pooling.

use candle_core::{DType, Device, ModuleT, Tensor};
use candle_nn::{batch_norm, BatchNorm, BatchNormConfig, VarBuilder};

use crate::conv::SameConv;
use crate::error::{Error, Result};
use crate::pool::max_pool_same;

/// Batch norm as Keras configures it (the published models are Keras):
/// running statistics updated with momentum 0.99 (candle's `momentum` is
/// the weight of the new batch: 0.01), epsilon 1e-3.
pub(crate) fn keras_batch_norm() -> BatchNormConfig {
    BatchNormConfig {
        eps: 1e-3,
        remove_mean: true,
        affine: true,
        momentum: 0.01,
    }
}

/// The dtype and device of a model's variables, which its inputs must
/// share.
#[derive(Debug, Clone)]
pub(crate) struct Kind {
    pub(crate) dtype: DType,
    pub(crate) device: Device,
}

impl Kind {
    /// The dtype and device `vb` creates variables with.
    pub(crate) fn of(vb: &VarBuilder) -> Self {
        Self {
            dtype: vb.dtype(),
            device: vb.device().clone(),
        }
    }
}

/// Checks that `x` is `(batch >= 1, expected...)` and of the model's dtype
/// and device (`kind`); `name` is the input's name in the API.
pub(crate) fn check_input(
    kind: &Kind,
    x: &Tensor,
    name: &'static str,
    expected: &[usize],
    what: &str,
) -> Result<()> {
    let got = x.dims();
    if got.len() != expected.len() + 1 || got[0] == 0 || got[1..] != *expected {
        return Err(Error::Shape {
            name,
            expected: format!("(batch >= 1, {expected:?}) {what}"),
            got: got.to_vec(),
        });
    }
    if x.dtype() != kind.dtype {
        return Err(Error::Incompatible {
            name,
            expected: format!("dtype {:?}", kind.dtype),
            got: format!("dtype {:?}", x.dtype()),
        });
    }
    if !x.device().same_device(&kind.device) {
        return Err(Error::Incompatible {
            name,
            expected: format!("device {:?}", kind.device.location()),
            got: format!("device {:?}", x.device().location()),
        });
    }
    Ok(())
}

/// Rejects an empty filter list, a zero filter count or a zero kernel.
pub(crate) fn check_filters(filters: &[usize], kernel: usize) -> Result<()> {
    if filters.is_empty() || filters.contains(&0) {
        return Err(Error::InvalidConfig {
            name: "filters",
            value: format!("{filters:?}"),
            reason: "need at least one block, each with >= 1 filter",
        });
    }
    if kernel == 0 {
        return Err(Error::InvalidConfig {
            name: "kernel",
            value: "0".into(),
            reason: "the kernel width must be >= 1",
        });
    }
    Ok(())
}

/// Convolution blocks over `spatial` (1 or 2) dimensions, then global
/// average pooling: `(batch, channels, spatial...)` to `(batch,
/// filters.last())`. Variables are named `block{i}.conv` and `block{i}.bn`.
#[derive(Debug, Clone)]
pub(crate) struct Encoder {
    spatial: usize,
    blocks: Vec<(SameConv, BatchNorm)>,
    /// Stride of the max-pool of 3 after each block (`None`: no pooling).
    pools: Vec<Option<usize>>,
    /// The first `frozen` blocks run batch norm with running statistics
    /// even in training (frozen layers, as Keras does).
    pub(crate) frozen: usize,
}

impl Encoder {
    /// Blocks of `filters[i]` filters; `pools[i]` is the max-pool stride
    /// after block `i` (same length as `filters`).
    pub(crate) fn new(
        spatial: usize,
        in_channels: usize,
        filters: &[usize],
        kernel: usize,
        pools: Vec<Option<usize>>,
        vb: VarBuilder,
    ) -> Result<Self> {
        debug_assert_eq!(filters.len(), pools.len());
        let mut blocks = Vec::with_capacity(filters.len());
        let mut c_in = in_channels;
        for (i, &c_out) in filters.iter().enumerate() {
            let vb = vb.pp(format!("block{i}"));
            let conv = SameConv::new(spatial, c_in, c_out, kernel, vb.pp("conv"))?;
            let bn = batch_norm(c_out, keras_batch_norm(), vb.pp("bn"))?;
            blocks.push((conv, bn));
            c_in = c_out;
        }
        Ok(Self {
            spatial,
            blocks,
            pools,
            frozen: 0,
        })
    }

    /// Number of convolution blocks.
    pub(crate) fn blocks(&self) -> usize {
        self.blocks.len()
    }

    /// `(batch, channels, spatial...)` to `(batch, filters.last())`.
    pub(crate) fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        let dims: Vec<usize> = (2..2 + self.spatial).collect();
        let mut x = x.clone();
        for (i, ((conv, bn), pool)) in self.blocks.iter().zip(&self.pools).enumerate() {
            x = conv.forward(&x)?;
            x = bn.forward_t(&x, train && i >= self.frozen)?.relu()?;
            if let Some(stride) = *pool {
                for &d in &dims {
                    x = max_pool_same(&x, d, 3, stride)?;
                }
            }
        }
        Ok(x.mean(dims.as_slice())?)
    }
}
