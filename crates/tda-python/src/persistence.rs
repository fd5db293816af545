//! Persistence diagrams: sublevel/superlevel H0 of signals, cubical H0/H1
//! of images, Vietoris-Rips of point clouds and distance matrices.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use rayon::prelude::*;
use tda_persistence::cubical::{lower_star_2d_with, Connectivity};
use tda_persistence::sublevel::SignalH0;
use tda_persistence::{memory, Cocycle, Diagram, Metric, Rips, RipsInput, SparseDistances};

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

/// The distances from each point of `from` to each point of `to` (one
/// point per row), rows in parallel; checked against the memory limit
/// first.
fn points_distances(
    from: ArrayView2<f64>,
    to: ArrayView2<f64>,
    metric: Metric,
) -> tda_persistence::Result<Array2<f64>> {
    let (m, n) = (from.nrows(), to.nrows());
    memory::check("distance matrix", memory::bytes_of::<f64>(&[m, n]))?;
    let to_rows: Vec<Vec<f64>> = to.outer_iter().map(|r| r.to_vec()).collect();
    let mut dm = Array2::zeros((m, n));
    dm.axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(from.axis_iter(Axis(0)).into_par_iter())
        .for_each(|(mut out, a)| {
            let a = a.to_vec();
            for (o, b) in out.iter_mut().zip(&to_rows) {
                *o = metric.distance(&a, b);
            }
        });
    Ok(dm)
}

/// [`rips`]'s `(dgms, cocycles, num_edges, dperm2all, idx_perm, r_cover)`.
type RipsResult<'py> = (
    Vec<Bound<'py, PyArray2<f64>>>,
    Vec<Vec<Bound<'py, PyArray2<i64>>>>,
    usize,
    Bound<'py, PyAny>,
    Option<Bound<'py, PyArray1<i64>>>,
    f64,
);

/// The engine of ripser.py's parameters.
fn rips_engine(
    maxdim: usize,
    thresh: f64,
    metric: Metric,
    coeff: u32,
    do_cocycles: bool,
    n_perm: Option<usize>,
) -> PyResult<Rips> {
    py_result(
        Rips::builder()
            .max_dim(maxdim)
            .threshold(thresh)
            .metric(metric)
            .coeff(coeff)
            .cocycles(do_cocycles)
            .n_perm(n_perm)
            .build(),
    )
}

/// Vietoris-Rips persistence as ripser.py computes it, with the values its
/// result dictionary holds besides the diagrams: returns `(dgms, cocycles,
/// num_edges, dperm2all, idx_perm, r_cover)`. `cocycles[d]` holds an
/// `(k, d + 2)` int64 array per bar of `dgms[d]` (vertices, then the
/// coefficient in `1..p`) when `do_cocycles`; `dperm2all` is the distance
/// matrix (the input itself for a distance matrix), or, with a greedy
/// subsample of `n_perm < n` points, the distances from the subsample to
/// every point; `idx_perm` the subsample (`None` without one) and `r_cover`
/// its covering radius; `num_edges` the edges within the threshold used
/// (`thresh`, or the enclosing radius if that is smaller). With
/// `dperm2all=False` (the native API, which returns only the diagrams)
/// that entry is `None` and no distance matrix is computed for it.
#[pyfunction]
#[pyo3(signature = (x, maxdim = 1, thresh = f64::INFINITY, metric_name = "euclidean", distance_matrix = false, coeff = 2, do_cocycles = false, n_perm = None, n_jobs = None, dperm2all = true))]
#[allow(clippy::too_many_arguments)]
pub fn rips<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    maxdim: usize,
    thresh: f64,
    metric_name: &str,
    distance_matrix: bool,
    coeff: u32,
    do_cocycles: bool,
    n_perm: Option<usize>,
    n_jobs: Option<i64>,
    dperm2all: bool,
) -> PyResult<RipsResult<'py>> {
    let metric = metric(metric_name)?;
    let input = x.as_array();
    // ripser.py subsamples only below n points.
    let n_perm = n_perm.filter(|&m| m < input.nrows());
    let engine = rips_engine(maxdim, thresh, metric, coeff, do_cocycles, n_perm)?;
    let result = py.detach(|| {
        with_threads(n_jobs, || -> tda_persistence::Result<_> {
            if distance_matrix {
                let out = engine.run(RipsInput::DistanceMatrix(input))?;
                let dperm2all = out.idx_perm.as_ref().map(|idx| input.select(Axis(0), idx));
                return Ok((out, dperm2all));
            }
            check_points(input)?;
            if !dperm2all {
                return Ok((engine.run(RipsInput::Points(input))?, None));
            }
            if n_perm.is_some() {
                let out = engine.run(RipsInput::Points(input))?;
                let idx = out.idx_perm.as_deref().unwrap_or_default();
                let dperm2all = points_distances(input.select(Axis(0), idx).view(), input, metric)?;
                return Ok((out, Some(dperm2all)));
            }
            // The very distances the run on the points uses; first, so that
            // a matrix that cannot be held is refused before any work.
            let dm = engine.distance_matrix(input)?;
            let out = engine.run(RipsInput::Points(input))?;
            Ok((out, Some(dm)))
        })
    })?;
    let (out, distances) = py_result(result)?;
    let distances = match distances {
        Some(dm) => dm.into_pyarray(py).into_any(),
        None if !dperm2all => py.None().into_bound(py),
        None => x.as_any().clone(),
    };
    let idx_perm = out
        .idx_perm
        .as_ref()
        .map(|idx| Array1::from_iter(idx.iter().map(|&i| i as i64)).into_pyarray(py));
    Ok((
        diagram_list(py, &out.diagrams),
        cocycle_lists(py, &out.cocycles),
        out.num_edges,
        distances,
        idx_perm,
        out.r_cover,
    ))
}

/// Vietoris-Rips persistence of a sparse distance matrix of `n` points
/// given by its stored entries `(rows[k], cols[k], values[k])`, as
/// ripser.py reads a scipy.sparse matrix: entries with `row < col` are the
/// edges, a diagonal entry is its vertex's birth, entries below the
/// diagonal are ignored, absent pairs are never connected, and the
/// threshold is `thresh` as given. Returns `(dgms, cocycles, num_edges)`
/// as [`rips`] does.
#[pyfunction]
#[pyo3(signature = (n, rows, cols, values, maxdim = 1, thresh = f64::INFINITY, coeff = 2, do_cocycles = false, n_jobs = None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub fn rips_sparse<'py>(
    py: Python<'py>,
    n: usize,
    rows: PyReadonlyArray1<'py, i64>,
    cols: PyReadonlyArray1<'py, i64>,
    values: PyReadonlyArray1<'py, f64>,
    maxdim: usize,
    thresh: f64,
    coeff: u32,
    do_cocycles: bool,
    n_jobs: Option<i64>,
) -> PyResult<(
    Vec<Bound<'py, PyArray2<f64>>>,
    Vec<Vec<Bound<'py, PyArray2<i64>>>>,
    usize,
)> {
    let index = |a: &PyReadonlyArray1<'py, i64>, name: &str| -> PyResult<Vec<usize>> {
        a.as_array()
            .iter()
            .enumerate()
            .map(|(k, &v)| {
                usize::try_from(v)
                    .map_err(|_| bad_argument(name, format!("entry {k} is {v}, not a point index")))
            })
            .collect()
    };
    let (rows, cols) = (index(&rows, "rows")?, index(&cols, "cols")?);
    let values = values.as_array().to_vec();
    let engine = rips_engine(maxdim, thresh, Metric::Euclidean, coeff, do_cocycles, None)?;
    let out = py.detach(|| {
        with_threads(n_jobs, || {
            let sparse = SparseDistances::from_triplets(n, &rows, &cols, &values)?;
            engine.run(RipsInput::Sparse(&sparse))
        })
    })?;
    let out = py_result(out)?;
    Ok((
        diagram_list(py, &out.diagrams),
        cocycle_lists(py, &out.cocycles),
        out.num_edges,
    ))
}

/// Vietoris-Rips diagrams of many point clouds (or, with
/// `distance_matrix`, distance matrices), one run per input in parallel on
/// `n_jobs` threads (the results do not depend on it): a list of diagram
/// lists. The clouds must have the same number of coordinates (giotto-tda's
/// `VietorisRipsPersistence` rule); an error names the input's index.
#[pyfunction]
#[pyo3(signature = (xs, maxdim = 1, thresh = f64::INFINITY, metric_name = "euclidean", distance_matrix = false, coeff = 2, n_jobs = None))]
#[allow(clippy::too_many_arguments)]
pub fn rips_batch<'py>(
    py: Python<'py>,
    xs: Vec<PyReadonlyArray2<'py, f64>>,
    maxdim: usize,
    thresh: f64,
    metric_name: &str,
    distance_matrix: bool,
    coeff: u32,
    n_jobs: Option<i64>,
) -> PyResult<Vec<Vec<Bound<'py, PyArray2<f64>>>>> {
    let engine = rips_engine(maxdim, thresh, metric(metric_name)?, coeff, false, None)?;
    let views: Vec<ArrayView2<f64>> = xs.iter().map(|x| x.as_array()).collect();
    let inputs: Vec<RipsInput<'_>> = views
        .iter()
        .map(|&v| {
            if distance_matrix {
                RipsInput::DistanceMatrix(v)
            } else {
                RipsInput::Points(v)
            }
        })
        .collect();
    let outs = py.detach(|| with_threads(n_jobs, || engine.run_batch(&inputs)))?;
    Ok(py_result(outs)?
        .iter()
        .map(|o| diagram_list(py, &o.diagrams))
        .collect())
}

/// Cocycles as ripser.py gives them: per dimension, one `(k, d + 2)` int64
/// array per bar (the vertices of each simplex, then its coefficient).
fn cocycle_lists<'py>(
    py: Python<'py>,
    cocycles: &[Vec<Cocycle>],
) -> Vec<Vec<Bound<'py, PyArray2<i64>>>> {
    cocycles
        .iter()
        .map(|dim| {
            dim.iter()
                .map(|c| {
                    let w = c.dim + 1;
                    Array2::from_shape_fn((c.len(), w + 1), |(k, j)| {
                        let (verts, coef) = c.simplex(k);
                        i64::from(if j < w { verts[j] } else { coef })
                    })
                    .into_pyarray(py)
                })
                .collect()
        })
        .collect()
}
