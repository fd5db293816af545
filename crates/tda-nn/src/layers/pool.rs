//! Pooling with a backward pass: overlapping "same" max-pooling and global
//! average pooling.
//!
//! candle's `max_pool2d` has a backward pass only when the kernel equals
//! the stride; PI-Net pools with kernel 3 and stride 2. Here a pool is the
//! elementwise `maximum` of `kernel` shifted, strided views of the padded
//! input, all differentiable operations: [`max_pool_same`] along one
//! dimension, or [`MaxPoolSame`], a [`Module`] pooling along several.

use candle_core::{Module, Tensor};
use tda_persistence::memory;

use crate::error::{Error, Result};
use crate::validate::size::Count;

/// "Same" max-pooling (see [`max_pool_same`]) along each of the
/// dimensions `from..` of its input in turn: `from = 2` pools every
/// spatial dimension of `(batch, channels, spatial...)`, as the encoders
/// do after each convolution block.
///
/// ```
/// use candle_core::{DType, Device, Module, Tensor};
/// use tda_nn::layers::MaxPoolSame;
/// let pool = MaxPoolSame::new(3, 2).unwrap();
/// let x = Tensor::zeros((2, 4, 9, 6), DType::F32, &Device::Cpu).unwrap();
/// assert_eq!(x.apply(&pool).unwrap().dims(), &[2, 4, 5, 3]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxPoolSame {
    kernel: usize,
    stride: usize,
    from: usize,
}

impl MaxPoolSame {
    /// A pool of window `kernel` and step `stride` over the dimensions
    /// from 2 on (the spatial dimensions of `(batch, channels,
    /// spatial...)`).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a kernel or stride of 0.
    pub fn new(kernel: usize, stride: usize) -> Result<Self> {
        check_window(kernel, stride)?;
        Ok(Self {
            kernel,
            stride,
            from: 2,
        })
    }

    /// Pools `x` along each dimension from 2 on, in order; differentiable.
    ///
    /// # Errors
    /// As [`max_pool_same`] for each dimension.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut x = x.clone();
        for d in self.from..x.rank() {
            x = max_pool_same(&x, d, self.kernel, self.stride)?;
        }
        Ok(x)
    }
}

impl Module for MaxPoolSame {
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        Ok(MaxPoolSame::forward(self, xs)?)
    }
}

/// Rejects a kernel or stride of 0.
fn check_window(kernel: usize, stride: usize) -> Result<()> {
    for (name, v) in [("kernel", kernel), ("stride", stride)] {
        if v == 0 {
            return Err(Error::InvalidConfig {
                name,
                value: "0".into(),
                reason: "pooling needs a kernel and a stride >= 1",
            });
        }
    }
    Ok(())
}

/// The length of dimension `dim` of `x`, or a shape error naming `x`.
fn dim_len(x: &Tensor, dim: usize) -> Result<usize> {
    x.dims().get(dim).copied().ok_or_else(|| Error::Shape {
        name: "x",
        expected: format!("a tensor with a dimension {dim}"),
        got: x.dims().to_vec(),
    })
}

/// Refuses padding `dim` of `x` to `len` entries when the padded tensor is
/// over the memory limit.
fn check_padded(x: &Tensor, dim: usize, len: Option<usize>, what: &'static str) -> Result<()> {
    let mut dims = x.dims().to_vec();
    let count = match len {
        Some(len) => {
            dims[dim] = len;
            Count::of(&dims)
        }
        None => Count(None),
    };
    Ok(memory::check(what, count.bytes(x.dtype()))?)
}

/// Max-pooling of `x` along dimension `dim` with window `kernel` and step
/// `stride`, "same" padding as Keras/TensorFlow: the output has
/// `ceil(n / stride)` positions, the padding (with `-inf`, so it never
/// wins) is split with the smaller half before.
///
/// Only the shifts of the window that reach the data are computed, so the
/// work and memory are `O(n)` per position of the other dimensions
/// whatever `kernel` and `stride` (a kernel or stride of `usize::MAX` is
/// answered at once).
///
/// # Errors
/// [`Error::Shape`] when `x` has no dimension `dim` or it is empty;
/// [`Error::InvalidConfig`] for a kernel or stride of 0;
/// [`Error::TooLarge`] when the padded copy is over
/// [`tda_persistence::memory::limit`].
pub fn max_pool_same(x: &Tensor, dim: usize, kernel: usize, stride: usize) -> Result<Tensor> {
    let n = dim_len(x, dim)?;
    if n == 0 {
        return Err(Error::Shape {
            name: "x",
            expected: format!("a non-empty dimension {dim}"),
            got: x.dims().to_vec(),
        });
    }
    check_window(kernel, stride)?;
    let out = n.div_ceil(stride);
    // One output: the stride is never applied (and out * stride < 2n
    // otherwise, as stride < n).
    let stride = if out == 1 { 1 } else { stride };
    let span = (out - 1) * stride; // < n
    let before = span.saturating_add(kernel).saturating_sub(n) / 2;
    // Shift t reads padded positions t, t + stride, ..., t + span; the data
    // sit at [before, before + n). Shifts reading only padding add -inf to
    // every output and are skipped: the others are lo..hi (lo < hi, since
    // lo <= before and lo < kernel).
    let lo = before.saturating_sub(span);
    let hi = kernel.min(before.saturating_add(n));
    // Padded coordinates lo..=end are all the shifts read.
    let pad_before = before - lo;
    let end = out
        .checked_mul(stride)
        .and_then(|w| (hi - 1).checked_add(w));
    let pad_after = end.map(|e| e.saturating_sub(before.saturating_add(n)));
    let len = pad_after.and_then(|a| n.checked_add(pad_before)?.checked_add(a));
    check_padded(x, dim, len, "max-pool padding")?;
    let pad_after = pad_after.unwrap_or(0);
    let padded = pad_neg_inf(x, dim, pad_before, pad_after)?;
    let mut shape = padded.dims().to_vec();
    shape[dim] = out;
    shape.insert(dim + 1, stride);
    let mut result: Option<Tensor> = None;
    for shift in lo..hi {
        // Positions shift, shift + stride, ...: a window of out * stride
        // values, reshaped to (out, stride), first column.
        let view = padded
            .narrow(dim, shift - lo, out * stride)?
            .reshape(shape.as_slice())?
            .narrow(dim + 1, 0, 1)?
            .squeeze(dim + 1)?;
        result = Some(match result {
            None => view,
            Some(r) => r.maximum(&view)?,
        });
    }
    result.ok_or_else(|| {
        candle_core::Error::Msg("max_pool_same: no window reaches the data".into()).into()
    })
}

/// Max-pooling of `x` along dimension `dim` with non-overlapping windows
/// of `size` starting at the first position, the last partial window
/// counting (Theano's `ignore_border=False`, PyTorch's `ceil_mode`, as
/// the Persistent CNN pools): `ceil(n / size)` outputs, output `i` the
/// maximum of positions `i * size .. min((i + 1) * size, n)`.
/// Differentiable (a reduction over a reshaped view; the padding of the
/// last window is `-inf`, so it never wins).
///
/// ```
/// use candle_core::{Device, Tensor};
/// use tda_nn::layers::max_pool_ceil;
/// let x = Tensor::new(&[[1f32, 5., 2., 0., 7.]], &Device::Cpu).unwrap();
/// let y = max_pool_ceil(&x, 1, 2).unwrap();
/// assert_eq!(y.to_vec2::<f32>().unwrap(), [[5., 2., 7.]]);
/// ```
///
/// # Errors
/// [`Error::Shape`] when `x` has no dimension `dim` or it is empty;
/// [`Error::InvalidConfig`] for a size of 0; [`Error::TooLarge`] when the
/// padded copy is over [`tda_persistence::memory::limit`].
pub fn max_pool_ceil(x: &Tensor, dim: usize, size: usize) -> Result<Tensor> {
    let n = dim_len(x, dim)?;
    if n == 0 {
        return Err(Error::Shape {
            name: "x",
            expected: format!("a non-empty dimension {dim}"),
            got: x.dims().to_vec(),
        });
    }
    check_window(size, size)?;
    if size >= n {
        return Ok(x.max_keepdim(dim)?);
    }
    // size < n: out * size < n + size < 2n, no overflow.
    let out = n.div_ceil(size);
    check_padded(x, dim, Some(out * size), "max-pool padding")?;
    let padded = pad_neg_inf(x, dim, 0, out * size - n)?;
    let mut shape = padded.dims().to_vec();
    shape[dim] = out;
    shape.insert(dim + 1, size);
    Ok(padded.reshape(shape)?.max(dim + 1)?)
}

/// `x` with `before` and `after` entries of `-inf` around dimension `dim`.
fn pad_neg_inf(x: &Tensor, dim: usize, before: usize, after: usize) -> Result<Tensor> {
    let side = |len: usize| -> Result<Tensor> {
        let mut shape = x.dims().to_vec();
        shape[dim] = len;
        Ok(Tensor::full(f32::NEG_INFINITY, shape, x.device())?.to_dtype(x.dtype())?)
    };
    let mut parts = Vec::with_capacity(3);
    if before > 0 {
        parts.push(side(before)?);
    }
    parts.push(x.clone());
    if after > 0 {
        parts.push(side(after)?);
    }
    Ok(Tensor::cat(&parts, dim)?)
}

/// Zero padding for a "same" convolution of window `kernel` along `dim`
/// (the smaller half before, as Keras/TensorFlow): `kernel - 1` zeros in
/// all (none for a kernel of 0 or 1).
///
/// # Errors
/// [`Error::Shape`] when `x` has no dimension `dim`;
/// [`Error::TooLarge`] when the padded tensor is over
/// [`tda_persistence::memory::limit`].
pub fn pad_same(x: &Tensor, dim: usize, kernel: usize) -> Result<Tensor> {
    let n = dim_len(x, dim)?;
    let total = kernel.saturating_sub(1);
    check_padded(x, dim, n.checked_add(total), "convolution padding")?;
    Ok(x.pad_with_zeros(dim, total / 2, total - total / 2)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Var};

    /// Direct max over each window (positions clipped to the input), in
    /// wide integers: window `i` is `[i * stride - before, ... + kernel)`.
    fn naive(x: &[f32], kernel: usize, stride: usize) -> Vec<f32> {
        let n = x.len() as i128;
        let (k, s) = (kernel as i128, stride as i128);
        let out = (n + s - 1) / s;
        let before = ((out - 1) * s + k - n).max(0) / 2;
        (0..out)
            .map(|i| {
                let start = (i * s - before).max(0);
                let end = (i * s - before + k).min(n);
                (start..end)
                    .map(|j| x[j as usize])
                    .fold(f32::NEG_INFINITY, f32::max)
            })
            .collect()
    }

    #[test]
    fn matches_the_naive_pool_for_many_lengths() -> Result<()> {
        let big = usize::MAX;
        for n in 1..14 {
            for (k, s) in [
                (3, 2),
                (3, 1),
                (2, 2),
                (1, 1),
                (5, 3),
                (1, 3),
                (2, 5),
                (7, 2),
                (20, 1),
                (29, 4),
                (3, 20),
                (big, 1),
                (big, 2),
                (3, big),
                (big, big),
                (big - 1, 3),
                (1 << 40, 2),
            ] {
                let x: Vec<f32> = (0..n).map(|i| ((i * 7 + 3) % 11) as f32 - 5.0).collect();
                let t = Tensor::from_vec(x.clone(), (1, 1, n), &Device::Cpu)?;
                let got = max_pool_same(&t, 2, k, s)?
                    .flatten_all()?
                    .to_vec1::<f32>()?;
                assert_eq!(got, naive(&x, k, s), "n {n} k {k} s {s}");
            }
        }
        Ok(())
    }

    #[test]
    fn degenerate_pools_are_errors() -> Result<()> {
        let t = Tensor::zeros((1, 1, 4), candle_core::DType::F32, &Device::Cpu)?;
        assert!(max_pool_same(&t, 2, 0, 1).is_err());
        assert!(max_pool_same(&t, 2, 3, 0).is_err());
        let empty = Tensor::zeros((1, 1, 0), candle_core::DType::F32, &Device::Cpu)?;
        assert!(max_pool_same(&empty, 2, 3, 2).is_err());
        Ok(())
    }

    #[test]
    fn gradient_matches_finite_differences() -> Result<()> {
        // Distinct values, so the max is differentiable at the point.
        let x: Vec<f32> = (0..24)
            .map(|i| ((i * 17 + 5) % 29) as f32 * 0.37 - 3.0)
            .collect();
        let v = Var::from_vec(x.clone(), (2, 3, 4), &Device::Cpu)?;
        let w = Tensor::arange(0f32, 12.0, &Device::Cpu)?.reshape((2, 3, 2))?;
        let loss =
            |t: &Tensor| -> Result<Tensor> { Ok((max_pool_same(t, 2, 3, 2)? * &w)?.sum_all()?) };
        let grads = loss(v.as_tensor())?.backward()?;
        let g = grads
            .get(&v)
            .expect("gradient")
            .flatten_all()?
            .to_vec1::<f32>()?;
        let h = 1e-2f32;
        for i in 0..x.len() {
            let mut xp = x.clone();
            xp[i] += h;
            let mut xm = x.clone();
            xm[i] -= h;
            let f = |z: Vec<f32>| -> Result<f32> {
                Ok(loss(&Tensor::from_vec(z, (2, 3, 4), &Device::Cpu)?)?.to_scalar::<f32>()?)
            };
            let fd = (f(xp)? - f(xm)?) / (2.0 * h);
            assert!(
                (fd - g[i]).abs() < 1e-2,
                "entry {i}: fd {fd}, autograd {}",
                g[i]
            );
        }
        Ok(())
    }

    /// The ceil-mode pool is the direct max over windows `[i s, min((i +
    /// 1) s, n))`, and its gradient reaches each window's maximum only.
    #[test]
    fn ceil_pool_matches_direct_windows_and_routes_gradients() -> Result<()> {
        for n in 1..40 {
            for s in [1, 2, 3, 4, 7, 32, 100, usize::MAX] {
                let x: Vec<f32> = (0..n).map(|i| ((i * 13 + 5) % 31) as f32 - 9.0).collect();
                let v = Var::from_vec(x.clone(), (1, 1, n), &Device::Cpu)?;
                let y = max_pool_ceil(v.as_tensor(), 2, s)?;
                let want: Vec<f32> = x
                    .chunks(s.min(n))
                    .map(|w| w.iter().copied().fold(f32::NEG_INFINITY, f32::max))
                    .collect();
                assert_eq!(y.flatten_all()?.to_vec1::<f32>()?, want, "n {n} s {s}");
                let g = y.sum_all()?.backward()?;
                let g = g
                    .get(&v)
                    .expect("gradient")
                    .flatten_all()?
                    .to_vec1::<f32>()?;
                // Distinct values within a window (13 is invertible mod 31,
                // windows here are <= 31 long or the whole input of < 40
                // with at most one repeat): the gradient is 1 at maxima.
                for (w, gw) in x.chunks(s.min(n)).zip(g.chunks(s.min(n))) {
                    let m = w.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    for (&xi, &gi) in w.iter().zip(gw) {
                        assert_eq!(gi, if xi == m { 1.0 } else { 0.0 }, "n {n} s {s}");
                    }
                }
            }
        }
        let t = Tensor::zeros((1, 1, 4), candle_core::DType::F32, &Device::Cpu)?;
        assert!(max_pool_ceil(&t, 2, 0).is_err());
        assert!(max_pool_ceil(&t, 3, 2).is_err());
        let empty = Tensor::zeros((1, 1, 0), candle_core::DType::F32, &Device::Cpu)?;
        assert!(max_pool_ceil(&empty, 2, 2).is_err());
        Ok(())
    }
}
