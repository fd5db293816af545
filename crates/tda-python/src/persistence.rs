//! Persistence diagrams: sublevel/superlevel H0 of signals, cubical H0/H1
//! of images, Vietoris-Rips of point clouds and distance matrices.

use ndarray::{Array2, ArrayView2, Axis};
use numpy::{IntoPyArray, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use rayon::prelude::*;
use tda_persistence::cubical::{lower_star_2d_with, Connectivity};
use tda_persistence::sublevel::SignalH0;
use tda_persistence::{memory, Diagram, Metric, Rips};

use crate::convert::{diagram_array, diagram_list};
use crate::error::{bad_argument, py_result};
use crate::threads::with_threads;

/// H0 of one signal under the sublevel filtration (or the superlevel one
/// if `superlevel`): an `(n, 2)` array, the essential bar's death `inf`
/// (superlevel: `-inf`).
#[pyfunction]
#[pyo3(signature = (x, superlevel = false))]
pub fn h0<'py>(
    py: Python<'py>,
    x: PyReadonlyArray1<'py, f64>,
    superlevel: bool,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let x = x.as_array();
    let d = py.detach(|| {
        let mut engine = SignalH0::default();
        match x.as_slice() {
            Some(s) => row_h0(&mut engine, s, superlevel),
            None => row_h0(&mut engine, &x.to_vec(), superlevel),
        }
    });
    Ok(diagram_array(&py_result(d)?).into_pyarray(py))
}

/// H0 of each row of a 2-D array (one signal per row), in parallel on
/// `n_jobs` threads: a list of `(n_i, 2)` arrays.
#[pyfunction]
#[pyo3(signature = (x, superlevel = false, n_jobs = None))]
pub fn h0_batch<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    superlevel: bool,
    n_jobs: Option<i64>,
) -> PyResult<Vec<Bound<'py, PyArray2<f64>>>> {
    let x = x.as_array();
    let ds = py.detach(|| with_threads(n_jobs, || rows_h0(x, superlevel)))?;
    Ok(diagram_list(py, &py_result(ds)?))
}

/// One signal's diagram, with the engine's reused buffers.
fn row_h0(engine: &mut SignalH0, x: &[f64], superlevel: bool) -> tda_persistence::Result<Diagram> {
    if superlevel {
        engine.superlevel(x)
    } else {
        engine.sublevel(x)
    }
}

/// The diagrams of the rows of `x`, a reused engine per worker; on error,
/// the error of the first failing row (its index in the error is the flat
/// row-major one, as for a single call on the whole array).
fn rows_h0(x: ArrayView2<f64>, superlevel: bool) -> tda_persistence::Result<Vec<Diagram>> {
    if !superlevel {
        return tda_persistence::sublevel::h0_batch(x);
    }
    let width = x.ncols();
    x.axis_iter(Axis(0))
        .into_par_iter()
        .enumerate()
        .map_init(
            || (SignalH0::default(), Vec::new()),
            |(engine, buf), (i, row)| {
                let row = match row.as_slice() {
                    Some(s) => s,
                    None => {
                        buf.clear();
                        buf.extend(row.iter().copied());
                        &buf[..]
                    }
                };
                row_h0(engine, row, true).map_err(|e| match e {
                    tda_persistence::Error::NonFinite { index } => {
                        tda_persistence::Error::NonFinite {
                            index: i * width + index,
                        }
                    }
                    e => e,
                })
            },
        )
        .collect()
}

/// Cubical (lower-star) persistence of a 2-D image: `[H0, H1]` as `(n, 2)`
/// arrays. `connectivity` 4 (edge-adjacent pixels: gudhi's
/// `CubicalComplex(vertices=img)`) or 8 (gudhi's
/// `CubicalComplex(top_dimensional_cells=img)`).
#[pyfunction]
#[pyo3(signature = (image, connectivity = 4))]
pub fn cubical<'py>(
    py: Python<'py>,
    image: PyReadonlyArray2<'py, f64>,
    connectivity: u32,
) -> PyResult<Vec<Bound<'py, PyArray2<f64>>>> {
    let connectivity = match connectivity {
        4 => Connectivity::Four,
        8 => Connectivity::Eight,
        c => {
            return Err(bad_argument(
                "connectivity",
                format!("must be 4 or 8, got {c}"),
            ))
        }
    };
    let image = image.as_array();
    let ds = py.detach(|| lower_star_2d_with(image, connectivity));
    Ok(diagram_list(py, &py_result(ds)?))
}

/// The metric named `name` (scikit-learn's and scipy's names).
fn metric(name: &str) -> PyResult<Metric> {
    match name {
        "euclidean" | "l2" => Ok(Metric::Euclidean),
        "manhattan" | "cityblock" | "l1" => Ok(Metric::Manhattan),
        "chebyshev" => Ok(Metric::Chebyshev),
        _ => Err(bad_argument(
            "metric",
            format!("'{name}' is not one of euclidean, l2, manhattan, cityblock, l1, chebyshev"),
        )),
    }
}

/// The checks [`Rips::compute`] makes of a point cloud: points, each with
/// a coordinate, all finite (the first bad one named by its flat
/// row-major index).
fn check_points(points: ArrayView2<f64>) -> tda_persistence::Result<()> {
    let (rows, cols) = points.dim();
    if rows == 0 {
        return Err(tda_persistence::Error::Empty);
    }
    if cols == 0 {
        return Err(tda_persistence::Error::Shape {
            rows,
            cols,
            reason: "points need at least one coordinate",
        });
    }
    match points.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(tda_persistence::Error::NonFinite { index }),
        None => Ok(()),
    }
}

/// The full distance matrix of a point cloud (one point per row), rows in
/// parallel; checked against the memory limit first.
fn points_distances(
    points: ArrayView2<f64>,
    metric: Metric,
) -> tda_persistence::Result<Array2<f64>> {
    let n = points.nrows();
    memory::check("distance matrix", memory::bytes_of::<f64>(&[n, n]))?;
    let rows: Vec<Vec<f64>> = points.outer_iter().map(|r| r.to_vec()).collect();
    let mut dm = Array2::zeros((n, n));
    dm.axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(rows.par_iter())
        .for_each(|(mut out, a)| {
            for (o, b) in out.iter_mut().zip(&rows) {
                *o = metric.distance(a, b);
            }
        });
    Ok(dm)
}

/// [`rips`]'s `(dgms, num_edges, dm)`.
type RipsResult<'py> = (Vec<Bound<'py, PyArray2<f64>>>, u64, Bound<'py, PyAny>);

/// Vietoris-Rips persistence as ripser.py computes it, with the values
/// its result dictionary holds besides the diagrams: returns `(dgms,
/// num_edges, dm)`, `dm` the distance matrix (ripser.py's `dperm2all`;
/// the input itself for a distance matrix) and `num_edges` the number of
/// pairs `i < j` with `dm[i, j] <= threshold`, the threshold being
/// `thresh` or, if that is `inf`, the enclosing radius `min_i max_j
/// dm[i, j]` (beyond which the complex is a cone).
#[pyfunction]
#[pyo3(signature = (x, maxdim = 1, thresh = f64::INFINITY, metric_name = "euclidean", distance_matrix = false, n_jobs = None))]
pub fn rips<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    maxdim: usize,
    thresh: f64,
    metric_name: &str,
    distance_matrix: bool,
    n_jobs: Option<i64>,
) -> PyResult<RipsResult<'py>> {
    let metric = metric(metric_name)?;
    let engine = py_result(
        Rips::builder()
            .max_dim(maxdim)
            .threshold(thresh)
            .metric(metric)
            .build(),
    )?;
    let input = x.as_array();
    let result = py.detach(|| {
        with_threads(n_jobs, || -> tda_persistence::Result<_> {
            if distance_matrix {
                let dgms = engine.compute_distance_matrix(input)?;
                return Ok((dgms, edges_within(input, thresh), None));
            }
            check_points(input)?;
            let dm = points_distances(input, metric)?;
            // A distance beyond f64::MAX is refused or left out by the
            // engine's own point-cloud path, which says which.
            let dgms = if dm.iter().any(|d| d.is_infinite()) {
                engine.compute(input)?
            } else {
                engine.compute_distance_matrix(dm.view())?
            };
            let edges = edges_within(dm.view(), thresh);
            Ok((dgms, edges, Some(dm)))
        })
    })?;
    let (dgms, num_edges, dm) = py_result(result)?;
    let dm = match dm {
        Some(dm) => dm.into_pyarray(py).into_any(),
        None => x.as_any().clone(),
    };
    Ok((diagram_list(py, &dgms), num_edges, dm))
}

/// The number of pairs `i < j` with `dm[i, j] <= thresh`, or, for an
/// infinite `thresh`, within the enclosing radius (ripser's `num_edges`).
fn edges_within(dm: ArrayView2<f64>, thresh: f64) -> u64 {
    let threshold = if thresh == f64::INFINITY {
        dm.outer_iter()
            .map(|r| r.iter().copied().fold(f64::NEG_INFINITY, f64::max))
            .fold(f64::INFINITY, f64::min)
    } else {
        thresh
    };
    let mut count = 0u64;
    for (i, row) in dm.outer_iter().enumerate() {
        count += row.iter().skip(i + 1).filter(|&&d| d <= threshold).count() as u64;
    }
    count
}
