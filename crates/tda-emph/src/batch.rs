//! Batch APIs over many series (rayon), and features for `tda-vectorize`.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use tda_persistence::Diagram;
use tda_vectorize::Vectorizer;

use crate::barcode::barcode;
use crate::error::{Error, Result};
use crate::modes::{FourierModes, ModesPlanner};
use crate::path::FiltrationPath;

/// The first `k` modes of every row of `rows` (one series per row), in
/// parallel with one planned FFT shared by all threads. Results do not
/// depend on the number of threads; a non-finite value is reported at its
/// flat row-major index.
pub fn modes_batch(rows: ArrayView2<f64>, k: usize) -> Result<Vec<FourierModes>> {
    let planner = ModesPlanner::new(rows.ncols(), k)?;
    if let Some(index) = rows.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite { index });
    }
    Ok(rows
        .outer_iter()
        .into_par_iter()
        .map_init(
            || planner.clone(),
            |p, row| p.modes_of_finite(row.iter().copied()),
        )
        .collect())
}

/// The degree-`dim` barcode of each of `modes` along `path`, in parallel.
pub fn barcode_batch<P: FiltrationPath + Sync + ?Sized>(
    modes: &[FourierModes],
    path: &P,
    dim: usize,
) -> Result<Vec<Diagram>> {
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
pub fn features<P: FiltrationPath + Sync + ?Sized>(
    rows: ArrayView2<f64>,
    k: usize,
    path: &P,
    dim: usize,
    vectorizer: &dyn Vectorizer,
) -> Result<Array2<f32>> {
    let modes = modes_batch(rows, k)?;
    let diagrams = barcode_batch(&modes, path, dim)?;
    Ok(vectorizer.transform_batch(&diagrams)?)
}
