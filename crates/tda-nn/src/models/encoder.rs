//! The convolutional encoder shared by the PI-Nets and the CNN
//! classifiers: convolution blocks (same padding, stride 1, batch norm,
//! ReLU), an optional "same" max-pool of 3 after each block, then global
//! average pooling.

use candle_core::{ModuleT, Tensor};
use candle_nn::{BatchNorm, VarBuilder};

use crate::error::Result;
use crate::layers::{keras_batch_norm, MaxPoolSame, SameConv};

/// One convolution block: convolution, batch norm, ReLU, then the pool if
/// any.
#[derive(Debug, Clone)]
struct Block {
    conv: SameConv,
    bn: BatchNorm,
    pool: Option<MaxPoolSame>,
}

/// Convolution blocks over `spatial` (1 or 2) dimensions, then global
/// average pooling: `(batch, channels, spatial...)` to `(batch,
/// filters.last())`. Variables are named `block{i}.conv` and `block{i}.bn`.
/// A [`ModuleT`] (batch norm uses batch statistics in training).
#[derive(Debug, Clone)]
pub(crate) struct Encoder {
    spatial: usize,
    blocks: Vec<Block>,
    /// The first `frozen` blocks run batch norm with running statistics
    /// even in training (frozen layers, as Keras does).
    pub(crate) frozen: usize,
}

impl Encoder {
    /// Blocks of `filters[i]` filters; `pools[i]` is the stride of the
    /// max-pool of 3 after block `i` (same length as `filters`; `None`: no
    /// pool). The configuration is the caller's to check.
    pub(crate) fn new(
        spatial: usize,
        in_channels: usize,
        filters: &[usize],
        kernel: usize,
        pools: &[Option<usize>],
        vb: VarBuilder,
    ) -> Result<Self> {
        debug_assert_eq!(filters.len(), pools.len());
        let mut blocks = Vec::with_capacity(filters.len());
        let mut c_in = in_channels;
        for (i, (&c_out, &pool)) in filters.iter().zip(pools).enumerate() {
            let vb = vb.pp(format!("block{i}"));
            blocks.push(Block {
                conv: SameConv::new(spatial, c_in, c_out, kernel, vb.pp("conv"))?,
                bn: keras_batch_norm(c_out, vb.pp("bn"))?,
                pool: pool.map(|stride| MaxPoolSame::new(3, stride)).transpose()?,
            });
            c_in = c_out;
        }
        Ok(Self {
            spatial,
            blocks,
            frozen: 0,
        })
    }

    /// Number of convolution blocks.
    pub(crate) fn blocks(&self) -> usize {
        self.blocks.len()
    }

    /// `(batch, channels, spatial...)` to `(batch, filters.last())`;
    /// `train` selects batch statistics in the batch norms of the blocks
    /// that are not frozen.
    pub(crate) fn forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        let mut x = x.clone();
        for (i, block) in self.blocks.iter().enumerate() {
            x = block.conv.forward(&x)?;
            x = block.bn.forward_t(&x, train && i >= self.frozen)?.relu()?;
            if let Some(pool) = &block.pool {
                x = pool.forward(&x)?;
            }
        }
        let dims: Vec<usize> = (2..2 + self.spatial).collect();
        Ok(x.mean(dims.as_slice())?)
    }
}

impl ModuleT for Encoder {
    fn forward_t(&self, xs: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        Ok(Encoder::forward_t(self, xs, train)?)
    }
}
