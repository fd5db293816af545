//! EMPH (Kim & Jung): exact multi-parameter persistence of time series,
//! from the radii of their first Fourier modes, read along rays.

use ndarray::{Array2, ArrayView2};
use numpy::{IntoPyArray, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use rayon::prelude::*;
use tda_emph::{FourierModes, Ray, RayCollection};

use crate::convert::diagram_list;
use crate::error::{bad_argument, py_result};
use crate::threads::with_threads;

/// The radii `r_1..r_k` of the first `k` Fourier modes of each row of `x`
/// (`r_j = 2 |X_j| / N`, the DC term dropped): an `(n, k)` float64 array.
#[pyfunction]
#[pyo3(signature = (x, k, n_jobs = None))]
pub fn emph_modes<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    k: usize,
    n_jobs: Option<i64>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let x = x.as_array();
    let modes = py.detach(|| with_threads(n_jobs, || tda_emph::modes_batch(x, k)))?;
    let modes = py_result(modes)?;
    let mut out = Array2::zeros((modes.len(), k));
    for (mut row, m) in out.outer_iter_mut().zip(&modes) {
        row.assign(&ndarray::ArrayView1::from(m.radii()));
    }
    Ok(out.into_pyarray(py))
}

/// The modes of each row of `radii` (`(n, k)`, finite, `>= 0`).
fn modes_of(radii: ArrayView2<f64>) -> PyResult<Vec<FourierModes>> {
    radii
        .outer_iter()
        .map(|r| py_result(FourierModes::from_radii(r.to_vec())))
        .collect()
}

/// The ray with `direction` and `endpoint`, or the diagonal ray of `k`
/// coordinates when both are `None`.
fn ray(
    k: usize,
    direction: Option<PyReadonlyArray1<'_, f64>>,
    endpoint: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<Ray> {
    match (direction, endpoint) {
        (None, None) => py_result(Ray::diagonal(k)),
        (Some(a), b) => {
            let a = a.as_array().to_vec();
            let b = b.map_or_else(|| vec![0.0; a.len()], |b| b.as_array().to_vec());
            py_result(Ray::new(a, b))
        }
        (None, Some(b)) => py_result(Ray::new(vec![1.0; b.len()?], b.as_array().to_vec())),
    }
}

/// The degree-`dim` EMPH barcode of each row of `radii` (an `(n, k)` array
/// of mode radii, e.g. from [`emph_modes`]) along the ray `e(t) = b + t v`
/// with direction `direction` (positive entries; normalised so that the
/// diagonal has `v = 1`) and endpoint `endpoint` (default 0); the diagonal
/// ray when neither is given. A list of `(n_i, 2)` diagrams.
#[pyfunction]
#[pyo3(signature = (radii, dim = 1, direction = None, endpoint = None, n_jobs = None))]
pub fn emph_barcodes<'py>(
    py: Python<'py>,
    radii: PyReadonlyArray2<'py, f64>,
    dim: usize,
    direction: Option<PyReadonlyArray1<'py, f64>>,
    endpoint: Option<PyReadonlyArray1<'py, f64>>,
    n_jobs: Option<i64>,
) -> PyResult<Vec<Bound<'py, PyArray2<f64>>>> {
    let ray = ray(radii.as_array().ncols(), direction, endpoint)?;
    let modes = modes_of(radii.as_array())?;
    let ds = py.detach(|| with_threads(n_jobs, || tda_emph::barcode_batch(&modes, &ray, dim)))?;
    Ok(diagram_list(py, &py_result(ds)?))
}

/// The barcode of each row of `radii` along a ray collection (Kim & Jung,
/// Definition 4.11): mode `j` read along ray `j`, whose direction and
/// endpoint are row `j` of `directions` and `endpoints` (`(k, k)` arrays).
#[pyfunction]
#[pyo3(signature = (radii, directions, endpoints, n_jobs = None))]
pub fn emph_collection_barcodes<'py>(
    py: Python<'py>,
    radii: PyReadonlyArray2<'py, f64>,
    directions: PyReadonlyArray2<'py, f64>,
    endpoints: PyReadonlyArray2<'py, f64>,
    n_jobs: Option<i64>,
) -> PyResult<Vec<Bound<'py, PyArray2<f64>>>> {
    let (a, b) = (directions.as_array(), endpoints.as_array());
    if a.dim() != b.dim() {
        return Err(bad_argument(
            "endpoints",
            format!(
                "shape {:?} differs from the directions' {:?}",
                b.dim(),
                a.dim()
            ),
        ));
    }
    let rays = a
        .outer_iter()
        .zip(b.outer_iter())
        .map(|(a, b)| py_result(Ray::new(a.to_vec(), b.to_vec())))
        .collect::<PyResult<Vec<_>>>()?;
    let rays = py_result(RayCollection::new(rays))?;
    let modes = modes_of(radii.as_array())?;
    let ds = py.detach(|| {
        with_threads(n_jobs, || {
            modes
                .par_iter()
                .map(|m| tda_emph::collection_barcode(m, &rays))
                .collect::<tda_emph::Result<Vec<_>>>()
        })
    })?;
    Ok(diagram_list(py, &py_result(ds)?))
}

/// A 2-D float64 array, one ray per row.
type Rows<'py> = Bound<'py, PyArray2<f64>>;

/// `count` random rays of `k` coordinates, reproducible from `seed`, as
/// the paper's search draws them (direction entries on `{1.0, 1.1, ...,
/// 2.0}`, endpoint entries on `{0.0, 0.1, ..., 5.0}`): `(velocities,
/// endpoints)`, two `(count, k)` arrays; a velocity is the normalised
/// direction, and passing it back as a direction gives the same ray.
#[pyfunction]
pub fn emph_random_rays<'py>(
    py: Python<'py>,
    k: usize,
    count: usize,
    seed: u64,
) -> PyResult<(Rows<'py>, Rows<'py>)> {
    let rays = py_result(tda_emph::random_rays(k, count, seed))?;
    let mut v = Array2::zeros((count, k));
    let mut b = Array2::zeros((count, k));
    for (i, r) in rays.iter().enumerate() {
        v.row_mut(i)
            .assign(&ndarray::ArrayView1::from(r.velocity()));
        b.row_mut(i)
            .assign(&ndarray::ArrayView1::from(r.endpoint()));
    }
    Ok((v.into_pyarray(py), b.into_pyarray(py)))
}
