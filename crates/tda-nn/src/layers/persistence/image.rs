//! A persistence-image layer: exact persistence images (Adams et al. 2017)
//! of the diagram of each curve, segment of a curve or image,
//! differentiable through the critical values.
//!
//! candle has no persistence: the diagrams and their critical indices are
//! computed on the host (rayon over the rows) and are constants of the
//! graph; the birth and death values are then gathered from the input
//! tensor (`index_select`) and the exact pixel integrals written in tensor
//! ops (`erf`, a batched matrix product), so gradients reach the input
//! through the critical values only.

use std::sync::Arc;

use candle_core::{Module, Tensor};
use tda_persistence::memory;
use tda_vectorize::{Essential, Grid, ImageAxis, Normalize, PersistenceImage, Weight};

use super::diagrams::{map_rows, DiagramConfig, Units};
use super::fused::{self, PixelMasses};
use super::image_kernel::Images;
use super::input::{check_finite, finite_host_copy, index_tensor};
use crate::error::{Error, Result};

/// Persistence images of the diagram of every curve, segment of a curve
/// or image, as a layer without weights, with the parameters of a built
/// [`tda_vectorize::PersistenceImage`].
///
/// Input `(batch, channels, length)` curves or `(batch, channels, height,
/// width)` images of a floating dtype on any device; each curve, segment
/// or image gives a diagram as the layer's [`DiagramConfig`] says. Pairs
/// with persistence `p = |d - b| <= min_persistence` (if a threshold is
/// set; zero-persistence pairs, which weigh nothing, in any case) are
/// dropped; each kept pair `(b, d)` adds to pixel `[x0, x1] x [y0, y1]`
/// (birth x persistence) the exact integral
/// `w * (Phi((x1 - b)/s) - Phi((x0 - b)/s)) * (Phi((y1 - p)/s) - Phi((y0 - p)/s))`,
/// `Phi(z) = (1 + erf(z / sqrt 2)) / 2`, with `w = p` ([`Weight::Persistence`];
/// on [`Grid::LegacyPersImage`] divided by the largest `p` of the
/// diagram, as persim 0.1 does), exactly
/// [`PersistenceImage::transform`](tda_vectorize::Vectorizer::transform)'s
/// values on the same diagram (to the rounding of `erf`); then each image
/// is normalised as configured (PI-Net's recipe: by its maximum).
///
/// Output `(batch, channels, [segments,] rows, cols)` in the input's dtype
/// and device (the `segments` axis for segmented curves only), each image
/// in tda-vectorize's layout of its [`Grid`]: on [`Grid::Contiguous`]
/// `rows = nx` birth pixels ascending and `cols = ny` persistence pixels
/// ascending; on [`Grid::LegacyPersImage`] (PI-Net's published targets)
/// `rows = ny` persistence pixels descending and `cols = nx` birth pixels
/// ascending. Flattened row-major, each image is
/// [`PersistenceImage::transform`](tda_vectorize::Vectorizer::transform)'s
/// vector.
///
/// Supported: both grids, [`Weight::Persistence`], [`Essential::Drop`] in
/// the persistence image (the diagram's essential class is dropped or made
/// finite by the [`DiagramConfig`]), any threshold and every
/// [`Normalize`] (by the image's maximum or sum where that is `> 0`; an
/// all-zero image stays zero).
///
/// Gradients: which input values are births and deaths is chosen on the
/// host (a constant); their values are gathered from the input, so the
/// gradient of the image reaches the input at the critical indices of
/// its pairs (weights and normalisation included); padded pairs have
/// weight 0.
///
/// ```
/// use candle_core::{DType, Device, Module, Tensor};
/// use tda_nn::layers::{DiagramConfig, PersistenceImageLayer};
/// use tda_vectorize::PersistenceImage;
/// let pi = PersistenceImage::builder().resolution(8, 6).build().unwrap();
/// let layer = PersistenceImageLayer::new(&pi, DiagramConfig::default()).unwrap();
/// let x = Tensor::zeros((2, 3, 70), DType::F32, &Device::Cpu).unwrap();
/// assert_eq!(x.apply(&layer).unwrap().dims(), &[2, 3, 8, 6]);
/// // PI-Net's image recipe on 32 x 32 images: 50 x 50 legacy-grid images.
/// let layer = PersistenceImageLayer::new(&PersistenceImage::pinet_image(), DiagramConfig::default()).unwrap();
/// let x = Tensor::zeros((1, 3, 32, 32), DType::F32, &Device::Cpu).unwrap();
/// assert_eq!(x.apply(&layer).unwrap().dims(), &[1, 3, 50, 50]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PersistenceImageLayer {
    pub(super) diagram: DiagramConfig,
    /// The output's rows: birth pixels (contiguous grid) or persistence
    /// pixels, descending (legacy grid).
    pub(super) rows: PixelMasses,
    /// The output's columns: persistence pixels (contiguous grid) or
    /// birth pixels (legacy grid).
    pub(super) cols: PixelMasses,
    /// The legacy grid (weights divided by the diagram's largest).
    pub(super) legacy: bool,
    pub(super) min_persistence: f64,
    pub(super) normalize: Normalize,
}

impl PersistenceImageLayer {
    /// The layer of a built persistence image's parameters, reading the
    /// diagrams `diagram` says.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming what the layer does not support: a
    /// `weight` other than [`Weight::Persistence`], an `essential` policy
    /// other than [`Essential::Drop`]; or an invalid `diagram` (`segment`
    /// `Some(0)`, `dimension` above 1).
    pub fn new(pi: &PersistenceImage, diagram: DiagramConfig) -> Result<Self> {
        let unsupported = |name: &'static str, value: String, reason: &'static str| {
            Err(Error::InvalidConfig {
                name,
                value,
                reason,
            })
        };
        diagram.validate()?;
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
                "the layer drops essential pairs or makes them finite by DiagramConfig::essential: use Essential::Drop",
            );
        }
        let legacy = pi.grid() == Grid::LegacyPersImage;
        let shared = Arc::new(pi.clone());
        let masses = |axis, reversed| PixelMasses::new(Arc::clone(&shared), axis, reversed);
        let (rows, cols) = if legacy {
            (
                masses(ImageAxis::Persistence, true),
                masses(ImageAxis::Birth, false),
            )
        } else {
            (
                masses(ImageAxis::Birth, false),
                masses(ImageAxis::Persistence, false),
            )
        };
        Ok(Self {
            diagram,
            rows,
            cols,
            legacy,
            min_persistence: pi.min_persistence().unwrap_or(0.0),
            normalize: pi.normalize(),
        })
    }

    /// `(rows, cols)` of each image (the persistence image's
    /// [`shape`](PersistenceImage::shape)).
    pub fn shape(&self) -> (usize, usize) {
        (self.rows.len, self.cols.len)
    }

    /// Which diagrams the layer reads.
    pub fn diagram(&self) -> &DiagramConfig {
        &self.diagram
    }

    /// The images of every curve, segment or image (differentiable); see
    /// the type's documentation for the layout.
    ///
    /// # Errors
    /// [`Error::Shape`] for an input not of rank 3 or 4, or curves shorter
    /// than one segment; [`Error::Incompatible`] for an integer dtype, or a
    /// diagram configuration the input cannot have (segments of images,
    /// dimension 1 of curves); [`Error::NonFinite`] naming the index of the
    /// first NaN or infinite value; [`Error::TooLarge`] when the host copy,
    /// the pair tensors (bounded by one pair per input value) or the output
    /// are over [`tda_persistence::memory::limit`], checked before anything
    /// is allocated; [`Error::Candle`] from the tensor operations.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.forward_with(x, fused::applies_to(x))
    }

    /// [`Self::forward`] with the fused CPU kernel (`fused`, where it
    /// applies) or candle's generic ops.
    pub(crate) fn forward_with(&self, x: &Tensor, fused: bool) -> Result<Tensor> {
        let units = Units::of(x, &self.diagram)?;
        let (rows, cols) = self.shape();
        let out_dims = units.out_dims(&[rows, cols]);
        // Host: the input copy, two indices and a mask per possible pair;
        // device: births, deaths, persistences, weights, the edge
        // arguments, erf values and masses of both axes (8 tensors of
        // pairs x (edges of both axes) at f64), and the image with its
        // normalised copy. Curves have at most length / 2 + 1 pairs, images
        // at most one per pixel.
        let max_pairs = if units.image.is_some() {
            units.unit_len
        } else {
            units.unit_len / 2 + 1
        };
        let edges = self.rows.edges() + self.cols.edges();
        memory::check(
            "persistence image layer",
            memory::sum(&[
                memory::bytes_of::<f64>(&[units.rows, units.row_len]),
                memory::bytes_of::<[u64; 3]>(&[units.count(), max_pairs]),
                memory::bytes_of::<[f64; 8]>(&[units.count(), max_pairs, edges + 4]),
                memory::bytes_of::<[f64; 3]>(&out_dims),
            ]),
        )?;
        let flat = x.flatten_all()?;
        if units.count() == 0 || units.elements() == 0 {
            return Ok(Tensor::zeros(out_dims, x.dtype(), x.device())?);
        }
        if fused && fused::applies_to(x) {
            check_finite(&flat, &units.dims)?;
            let kernel = Images::new(units, self.clone());
            return Ok(flat.apply_op1(kernel)?.reshape(out_dims)?);
        }
        let host = finite_host_copy(&flat, &units.dims)?;
        let per_row = map_rows(&host, &units, &self.diagram, self.min_persistence, |u| u)?;
        let per_unit: Vec<Vec<(usize, usize)>> = per_row.into_iter().flatten().collect();
        let pairs = per_unit.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let total = units.count() * pairs;
        let (mut bi, mut di, mut mask) = (
            Vec::with_capacity(total),
            Vec::with_capacity(total),
            Vec::with_capacity(total),
        );
        for kept in &per_unit {
            for &(b, d) in kept {
                bi.push(b);
                di.push(d);
                mask.push(1.0);
            }
            // Padding: any valid index, weight 0.
            bi.resize(bi.len() + pairs - kept.len(), 0);
            di.resize(di.len() + pairs - kept.len(), 0);
            mask.resize(mask.len() + pairs - kept.len(), 0.0);
        }
        let (dev, dtype) = (x.device(), x.dtype());
        let index = |v: Vec<usize>| index_tensor(v, host.len(), dev);
        let shape = (units.count(), pairs, 1);
        let b = flat.index_select(&index(bi)?, 0)?.reshape(shape)?;
        let d = flat.index_select(&index(di)?, 0)?.reshape(shape)?;
        let p = (&d - &b)?.abs()?;
        let mask = Tensor::from_vec(mask, shape, dev)?.to_dtype(dtype)?;
        let mut weight = (&p * &mask)?;
        if self.legacy {
            weight = divide_where_positive(&weight, &weight.max_keepdim(1)?)?;
        }
        let (row_centre, col_centre) = if self.legacy { (&p, &b) } else { (&b, &p) };
        // (units, pairs, rows) and (units, pairs, cols), the weight on the
        // columns' side; the image is their product over the pairs.
        let row_masses = self.rows.apply(row_centre)?;
        let col_masses = self.cols.apply(col_centre)?.broadcast_mul(&weight)?;
        let image = row_masses
            .transpose(1, 2)?
            .contiguous()?
            .matmul(&col_masses)?;
        let flat_images = image.reshape((units.count(), rows * cols))?;
        let image = match self.normalize {
            Normalize::None => flat_images,
            Normalize::Max => divide_where_positive(&flat_images, &flat_images.max_keepdim(1)?)?,
            Normalize::Sum => divide_where_positive(&flat_images, &flat_images.sum_keepdim(1)?)?,
        };
        Ok(image.reshape(out_dims)?)
    }
}

/// `x / by` (broadcast) where `by > 0`; `x` unchanged where it is not (an
/// all-zero image or diagram stays zero).
fn divide_where_positive(x: &Tensor, by: &Tensor) -> Result<Tensor> {
    let positive = by.gt(0.0)?.to_dtype(by.dtype())?;
    let safe = (by.mul(&positive)? + (positive.ones_like()? - &positive)?)?;
    Ok(x.broadcast_div(&safe)?)
}

impl Module for PersistenceImageLayer {
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        Ok(PersistenceImageLayer::forward(self, xs)?)
    }
}
