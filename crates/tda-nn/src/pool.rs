//! Pooling with a backward pass: overlapping "same" max-pooling and global
//! average pooling.
//!
//! candle's `max_pool2d` has a backward pass only when the kernel equals
//! the stride; PI-Net pools with kernel 3 and stride 2. Here a pool is the
//! elementwise `maximum` of `kernel` shifted, strided views of the padded
//! input, all differentiable operations.

use candle_core::{Result, Tensor};

/// Max-pooling of `x` along dimension `dim` with window `kernel` and step
/// `stride`, "same" padding as Keras/TensorFlow: the output has
/// `ceil(n / stride)` positions, the padding (with `-inf`, so it never
/// wins) is split with the smaller half before. An empty dimension, or a
/// kernel or stride of 0, is an error.
pub fn max_pool_same(x: &Tensor, dim: usize, kernel: usize, stride: usize) -> Result<Tensor> {
    let n = x.dim(dim)?;
    if n == 0 || kernel == 0 || stride == 0 {
        return Err(candle_core::Error::Msg(format!(
            "max_pool_same: need a non-empty dimension, kernel >= 1 and stride >= 1 (got {n}, {kernel}, {stride})"
        )));
    }
    let out = n.div_ceil(stride);
    let total = ((out - 1) * stride + kernel).saturating_sub(n);
    let before = total / 2;
    // Room for every shifted view of `out * stride` values.
    let after = (out * stride + kernel).saturating_sub(n + before);
    let padded = pad_neg_inf(x, dim, before, after)?;
    let mut shape = padded.dims().to_vec();
    shape[dim] = out;
    shape.insert(dim + 1, stride);
    let mut result: Option<Tensor> = None;
    for shift in 0..kernel {
        // Positions shift, shift + stride, ...: a window of out * stride
        // values, reshaped to (out, stride), first column.
        let view = padded
            .narrow(dim, shift, out * stride)?
            .reshape(shape.as_slice())?
            .narrow(dim + 1, 0, 1)?
            .squeeze(dim + 1)?;
        result = Some(match result {
            None => view,
            Some(r) => r.maximum(&view)?,
        });
    }
    result.ok_or_else(|| candle_core::Error::Msg("max_pool_same: kernel must be >= 1".into()))
}

/// `x` with `before` and `after` entries of `-inf` around dimension `dim`.
fn pad_neg_inf(x: &Tensor, dim: usize, before: usize, after: usize) -> Result<Tensor> {
    let side = |len: usize| -> Result<Tensor> {
        let mut shape = x.dims().to_vec();
        shape[dim] = len;
        Tensor::full(f32::NEG_INFINITY, shape, x.device())?.to_dtype(x.dtype())
    };
    let mut parts = Vec::with_capacity(3);
    if before > 0 {
        parts.push(side(before)?);
    }
    parts.push(x.clone());
    if after > 0 {
        parts.push(side(after)?);
    }
    Tensor::cat(&parts, dim)
}

/// Zero padding for a "same" convolution of window `kernel` along `dim`
/// (the smaller half before, as Keras/TensorFlow).
pub fn pad_same(x: &Tensor, dim: usize, kernel: usize) -> Result<Tensor> {
    let total = kernel.saturating_sub(1);
    x.pad_with_zeros(dim, total / 2, total - total / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Var};

    /// Direct max over each window (positions clipped to the input).
    fn naive(x: &[f32], kernel: usize, stride: usize) -> Vec<f32> {
        let n = x.len();
        let out = n.div_ceil(stride);
        let before = ((out - 1) * stride + kernel).saturating_sub(n) / 2;
        (0..out)
            .map(|i| {
                (0..kernel)
                    .filter_map(|s| (i * stride + s).checked_sub(before))
                    .filter(|&j| j < n)
                    .map(|j| x[j])
                    .fold(f32::NEG_INFINITY, f32::max)
            })
            .collect()
    }

    #[test]
    fn matches_the_naive_pool_for_many_lengths() -> Result<()> {
        for n in 1..14 {
            for (k, s) in [(3, 2), (3, 1), (2, 2), (1, 1), (5, 3)] {
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
        let loss = |t: &Tensor| -> Result<Tensor> { (max_pool_same(t, 2, 3, 2)? * &w)?.sum_all() };
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
                loss(&Tensor::from_vec(z, (2, 3, 4), &Device::Cpu)?)?.to_scalar::<f32>()
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
}
