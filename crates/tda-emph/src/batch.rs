//! Batch APIs over many series (rayon), and features for `tda-vectorize`.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use tda_persistence::{memory, Diagram};
use tda_vectorize::Vectorizer;

use crate::barcode::{barcode, barcode_bytes};
use crate::error::{check_finite_max_abs, Error, Result};
use crate::modes::{FourierModes, ModesPlanner};
use crate::path::FiltrationPath;

/// The first `k` modes of every row of `rows` (one series per row), in
/// parallel with one planned FFT shared by all threads. Results do not
/// depend on the number of threads; a non-finite value is reported at its
/// flat row-major index, an overflowing radius ([`Error::OutOfRange`]) at
/// `row * k + mode`. Same range as [`FourierModes::from_signal`].
///
/// # Errors
/// Those of [`FourierModes::from_signal`] ([`Error::InvalidParameter`] for
/// `k = 0`, [`Error::TooShort`] for rows shorter than `2k + 1`,
/// [`Error::NonFinite`] at the flat row-major index of the first bad value,
/// [`Error::OutOfRange`] at `row * k + mode`), and [`Error::TooLarge`] if
/// the output and one FFT buffer per thread do not fit the memory limit.
pub fn modes_batch(rows: ArrayView2<f64>, k: usize) -> Result<Vec<FourierModes>> {
    let planner = ModesPlanner::new(rows.ncols(), k)?;
    let threads = rayon::current_num_threads().min(rows.nrows());
    memory::check(
        "EMPH modes of a batch (radii and per-thread FFT buffers)",
        memory::sum(&[
            memory::bytes_of::<f64>(&[rows.nrows(), k.saturating_add(4)]),
            planner
                .buffer_bytes()
                .and_then(|b| b.checked_mul(threads as u64)),
        ]),
    )?;
    // One pass checks every value and finds each row's largest magnitude.
    let mut max_abs = Vec::with_capacity(rows.nrows());
    for (r, row) in rows.outer_iter().enumerate() {
        let m = match row.as_slice() {
            Some(slice) => check_finite_max_abs(slice),
            None => check_finite_max_abs(&row.to_vec()),
        };
        max_abs.push(m.map_err(|e| match e {
            Error::NonFinite { index } => Error::NonFinite {
                index: r * rows.ncols() + index,
            },
            e => e,
        })?);
    }
    rows.outer_iter()
        .into_par_iter()
        .zip(max_abs)
        .enumerate()
        .map_init(
            || planner.clone(),
            |p, (r, (row, m))| {
                p.modes_of_finite(row.iter().copied(), m)
                    .map_err(|e| match e {
                        Error::OutOfRange { what, index } => Error::OutOfRange {
                            what,
                            index: r * k + index,
                        },
                        e => e,
                    })
            },
        )
        .collect()
}

/// The degree-`dim` barcode of each of `modes` along `path`, in parallel.
///
/// # Errors
/// Those of [`barcode`] (the first in the order of `modes`), and
/// [`Error::TooLarge`] first if the circles' bars of the barcodes computed
/// at once (one per thread) do not fit the memory limit.
pub fn barcode_batch<P: FiltrationPath + Sync + ?Sized>(
    modes: &[FourierModes],
    path: &P,
    dim: usize,
) -> Result<Vec<Diagram>> {
    // Each call checks its own memory; the calls running at once together.
    let threads = rayon::current_num_threads().min(modes.len()) as u64;
    memory::check(
        "EMPH barcodes of a batch (the circles' bars, per thread)",
        barcode_bytes(path.dims(), dim).and_then(|b| b.checked_mul(threads)),
    )?;
    modes.par_iter().map(|m| barcode(m, path, dim)).collect()
}

/// EMPH features of every row of `rows`: the first `k` modes, the degree-`dim`
/// barcode along `path`, vectorised by `vectorizer` (a persistence image for
/// EMPH-PI, a Betti curve for EMPH-Betti, ...). One row of output per series.
///
/// ```
/// use ndarray::Array2;
/// use tda_emph::{features, Ray};
/// use tda_vectorize::BettiCurve;
/// let rows = Array2::from_shape_fn((3, 32), |(i, j)| ((i + 1) as f64 * j as f64 * 0.2).sin());
/// let betti = BettiCurve::new((0.0, 2.0), 10).unwrap();
/// let x = features(rows.view(), 4, &Ray::diagonal(4).unwrap(), 1, &betti).unwrap();
/// assert_eq!(x.dim(), (3, 10));
/// ```
///
/// # Errors
/// Those of [`modes_batch`], [`barcode_batch`] and the vectorizer
/// ([`Error::Vectorize`]); [`Error::TooLarge`] first if the output matrix
/// does not fit the memory limit.
pub fn features<P: FiltrationPath + Sync + ?Sized>(
    rows: ArrayView2<f64>,
    k: usize,
    path: &P,
    dim: usize,
    vectorizer: &dyn Vectorizer,
) -> Result<Array2<f32>> {
    memory::check(
        "EMPH features (the output matrix)",
        memory::bytes_of::<f32>(&[rows.nrows(), vectorizer.len()]),
    )?;
    let modes = modes_batch(rows, k)?;
    let diagrams = barcode_batch(&modes, path, dim)?;
    Ok(vectorizer.transform_batch(&diagrams)?)
}
