//! A persistence-image layer: exact persistence images (Adams et al. 2017)
//! of the 0-dimensional sublevel persistence of each curve, differentiable
//! through the critical values.
//!
//! candle has no persistence: the diagrams and their critical indices are
//! computed on the host (rayon over the curves) and are constants of the
//! graph; the birth and death values are then gathered from the input
//! tensor (`index_select`) and the exact pixel integrals written in tensor
//! ops (`erf`, a batched matrix product), so gradients reach the input
//! through the critical values only.

use candle_core::{Module, Tensor, D};
use rayon::prelude::*;
use tda_persistence::memory;
use tda_persistence::sublevel::h0_with_critical;
use tda_vectorize::{Essential, Normalize, PersistenceImage, Weight};

use super::curves::{curve_dims, finite_host_copy, index_tensor};
use crate::error::{Error, Result};

/// Persistence images of the sublevel 0-dimensional diagrams of every
/// curve, as a layer without weights, with the parameters of a built
/// [`tda_vectorize::PersistenceImage`].
///
/// Input `(batch, channels, length)` of a floating dtype on any device.
/// Each curve's sublevel H0 diagram loses its essential class and the
/// pairs with persistence `p = d - b <= min_persistence` (if a threshold
/// is set); each kept pair `(b, d)` adds to pixel `[x0, x1] x [y0, y1]`
/// (birth x persistence) the exact integral
/// `p * (Phi((x1 - b)/s) - Phi((x0 - b)/s)) * (Phi((y1 - p)/s) - Phi((y0 - p)/s))`,
/// `Phi(z) = (1 + erf(z / sqrt 2)) / 2`, exactly
/// [`PersistenceImage::transform`](tda_vectorize::Vectorizer::transform)'s values on the same diagram (to the
/// rounding of `erf`); then each image is normalised as configured.
///
/// Output `(batch, channels, rows, cols)` in the input's dtype and device,
/// in tda-vectorize's [`Grid::Contiguous`](tda_vectorize::Grid::Contiguous) layout: `rows = nx` birth
/// pixels ascending, `cols = ny` persistence pixels ascending
/// (`out[b, c, i, j]` is birth pixel `i`, persistence pixel `j`; flattened
/// row-major it is [`PersistenceImage::transform`](tda_vectorize::Vectorizer::transform)'s vector).
///
/// Supported: [`Grid::Contiguous`](tda_vectorize::Grid::Contiguous) (the legacy grid
/// [`Grid::LegacyPersImage`](tda_vectorize::Grid::LegacyPersImage) is not supported yet), [`Weight::Persistence`],
/// [`Essential::Drop`], any threshold and every [`Normalize`] (by the
/// image's maximum or sum where that is `> 0`; an all-zero image stays
/// zero).
///
/// Gradients: which input values are births and deaths is chosen on the
/// host (a constant); their values are gathered from the input, so the
/// gradient of the image reaches the input at the critical indices of
/// its pairs (normalisation included); padded pairs have weight 0.
///
/// ```
/// use candle_core::{DType, Device, Module, Tensor};
/// use tda_nn::layers::PersistenceImageLayer;
/// use tda_vectorize::PersistenceImage;
/// let pi = PersistenceImage::builder().resolution(8, 6).build().unwrap();
/// let layer = PersistenceImageLayer::new(&pi).unwrap();
/// let x = Tensor::zeros((2, 3, 70), DType::F32, &Device::Cpu).unwrap();
/// assert_eq!(x.apply(&layer).unwrap().dims(), &[2, 3, 8, 6]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PersistenceImageLayer {
    /// Pixel edges along the birth axis (`nx + 1`).
    birth_edges: Vec<f64>,
    /// Pixel edges along the persistence axis (`ny + 1`).
    pers_edges: Vec<f64>,
    sigma: f64,
    min_persistence: Option<f64>,
    normalize: Normalize,
}

impl PersistenceImageLayer {
    /// The layer of a built persistence image's parameters.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming what the layer does not support:
    /// `grid` [`Grid::LegacyPersImage`](tda_vectorize::Grid::LegacyPersImage), a `weight` other than
    /// [`Weight::Persistence`], an `essential` policy other than
    /// [`Essential::Drop`].
    pub fn new(pi: &PersistenceImage) -> Result<Self> {
        let unsupported = |name: &'static str, value: String, reason: &'static str| {
            Err(Error::InvalidConfig {
                name,
                value,
                reason,
            })
        };
        let Some((birth_edges, pers_edges)) = pi.pixel_edges() else {
            return unsupported(
                "grid",
                format!("{:?}", pi.grid()),
                "the layer supports Grid::Contiguous only (the legacy grid is not supported yet)",
            );
        };
        if pi.weight() != Weight::Persistence {
            return unsupported(
                "weight",
                format!("{:?}", pi.weight()),
                "the layer supports Weight::Persistence only",
            );
        }
        if pi.essential() != Essential::Drop {
            return unsupported(
                "essential",
                format!("{:?}", pi.essential()),
                "the layer drops essential pairs: use Essential::Drop",
            );
        }
        Ok(Self {
            birth_edges,
            pers_edges,
            sigma: pi.sigma(),
            min_persistence: pi.min_persistence(),
            normalize: pi.normalize(),
        })
    }

    /// `(rows, cols)` of each image: `(nx, ny)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.birth_edges.len() - 1, self.pers_edges.len() - 1)
    }

    /// The images of every curve (differentiable); see the type's
    /// documentation for the layout.
    ///
    /// # Errors
    /// [`Error::Shape`] for an input not of rank 3; [`Error::Incompatible`]
    /// for an integer dtype; [`Error::NonFinite`] naming `[batch, channel,
    /// index]` of the first NaN or infinite value; [`Error::TooLarge`] when
    /// the host copy, the pair tensors (bounded by `length / 2 + 1` pairs
    /// per curve) or the output are over
    /// [`tda_persistence::memory::limit`], checked before anything is
    /// allocated; [`Error::Candle`] from the tensor operations.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (batch, channels, length) = curve_dims(x)?;
        let (nx, ny) = self.shape();
        let curves = batch * channels;
        let out_dims = [batch, channels, nx, ny];
        // Host: the input copy, two indices and a mask per possible pair;
        // device: births, deaths, persistences, the edge arguments, erf
        // values and factors of both axes (8 tensors of pairs x (nx + ny)
        // at f64), and the image with its normalised copy.
        let max_pairs = length / 2 + 1;
        memory::check(
            "persistence image layer",
            memory::sum(&[
                memory::bytes_of::<f64>(&[curves, length]),
                memory::bytes_of::<[u64; 3]>(&[curves, max_pairs]),
                memory::bytes_of::<[f64; 8]>(&[curves, max_pairs, nx + ny + 2]),
                memory::bytes_of::<[f64; 3]>(&out_dims),
            ]),
        )?;
        let flat = x.flatten_all()?;
        if curves == 0 || length == 0 {
            return Ok(Tensor::zeros(&out_dims, x.dtype(), x.device())?);
        }
        let host = finite_host_copy(&flat, channels, length)?;
        let per_curve: Vec<Vec<(usize, usize)>> = host
            .par_chunks(length)
            .enumerate()
            .map(|(r, row)| self.pairs(row, r * length))
            .collect::<Result<_>>()?;
        let pairs = per_curve.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let total = curves * pairs;
        let (mut bi, mut di, mut mask) = (
            Vec::with_capacity(total),
            Vec::with_capacity(total),
            Vec::with_capacity(total),
        );
        for (r, kept) in per_curve.iter().enumerate() {
            for &(b, d) in kept {
                bi.push(b);
                di.push(d);
                mask.push(1.0);
            }
            for _ in kept.len()..pairs {
                bi.push(r * length);
                di.push(r * length);
                mask.push(0.0);
            }
        }
        let dev = x.device();
        let dtype = x.dtype();
        let index = |v: Vec<usize>| index_tensor(v, host.len(), dev);
        let shape = (curves, pairs, 1);
        let b = flat.index_select(&index(bi)?, 0)?.reshape(shape)?;
        let d = flat.index_select(&index(di)?, 0)?.reshape(shape)?;
        let p = (&d - &b)?;
        let mask = Tensor::from_vec(mask, shape, dev)?.to_dtype(dtype)?;
        // Phi(x1) - Phi(x0) = (erf(z1) - erf(z0)) / 2, z = (x - c) / (s sqrt 2).
        let scale = 1.0 / (self.sigma * std::f64::consts::SQRT_2);
        let masses = |edges: &[f64], centre: &Tensor| -> Result<Tensor> {
            let n = edges.len() - 1;
            let e = Tensor::from_slice(edges, (1, 1, n + 1), dev)?.to_dtype(dtype)?;
            let erf = e.broadcast_sub(centre)?.affine(scale, 0.0)?.erf()?;
            let diff = (erf.narrow(D::Minus1, 1, n)? - erf.narrow(D::Minus1, 0, n)?)?;
            Ok(diff.affine(0.5, 0.0)?)
        };
        // (curves, pairs, nx) and (curves, pairs, ny), the weight p (0 on
        // padding) on the persistence side.
        let birth = masses(&self.birth_edges, &b)?;
        let pers = masses(&self.pers_edges, &p)?.broadcast_mul(&(&p * &mask)?)?;
        let image = birth.transpose(1, 2)?.contiguous()?.matmul(&pers)?;
        let image = match self.normalize {
            Normalize::None => image,
            Normalize::Max | Normalize::Sum => {
                let flat_images = image.reshape((curves, nx * ny))?;
                let by = if self.normalize == Normalize::Max {
                    flat_images.max_keepdim(1)?
                } else {
                    flat_images.sum_keepdim(1)?
                };
                // Divide where the divisor is > 0; an all-zero image stays 0.
                let positive = by.gt(0.0)?.to_dtype(dtype)?;
                let ones = positive.ones_like()?;
                let safe = (by.broadcast_mul(&positive)? + (&ones - &positive)?)?;
                flat_images.broadcast_div(&safe)?
            }
        };
        Ok(image.reshape(&out_dims)?)
    }

    /// The kept pairs of one curve (`row`, whose first value is at flat
    /// index `offset`) as flat input indices `(birth, death)`.
    fn pairs(&self, row: &[f64], offset: usize) -> Result<Vec<(usize, usize)>> {
        let (_, crit) = h0_with_critical(row)?;
        Ok(crit
            .into_iter()
            .filter_map(|c| {
                let d = c.death_index?;
                let p = (row[d] - row[c.birth_index]).abs();
                let kept = self.min_persistence.is_none_or(|t| p > t);
                kept.then_some((offset + c.birth_index, offset + d))
            })
            .collect())
    }
}

impl Module for PersistenceImageLayer {
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        Ok(PersistenceImageLayer::forward(self, xs)?)
    }
}
