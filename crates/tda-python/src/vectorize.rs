//! Vectorisations of many diagrams at once (persistence images,
//! landscapes, Betti curves) and distances between two diagrams.
//!
//! Stateless: each call takes the parameters, builds the vectoriser (which
//! checks them) and maps the diagrams in parallel on `n_jobs` threads. The
//! Python classes keep the parameters, so they pickle as plain objects.

use ndarray::Array2;
use numpy::{IntoPyArray, PyArray2, PyArray3, PyReadonlyArray2};
use pyo3::prelude::*;
use tda_persistence::Diagram;
use tda_vectorize::{
    BettiCurve, EntropyNormalization, Essential, Grid, Landscape, Matching, Normalize,
    PersistenceEntropy, PersistenceImage, Silhouette, Vectorizer, Wasserstein, Weight,
};

use crate::convert::{diagrams_from, pairs_from};
use crate::error::{bad_argument, py_result};
use crate::threads::with_threads;

/// The essential-pair policy named by `value`: `"drop"`, `"keep"`, or a
/// number (every infinite death replaced by it).
pub(crate) fn essential(value: &Bound<'_, PyAny>) -> PyResult<Essential> {
    if let Ok(v) = value.extract::<f64>() {
        return Ok(Essential::ClampDeath(v));
    }
    match value.extract::<String>().as_deref() {
        Ok("drop") => Ok(Essential::Drop),
        Ok("keep") => Ok(Essential::Keep),
        _ => Err(bad_argument(
            "essential",
            format!("must be 'drop', 'keep' or a number (the death given to infinite bars), got {value}"),
        )),
    }
}

/// The weight named `name` with its parameters: `"persistence"` (`p^n`),
/// `"constant"`, or `"linear_ramp"` (`ramp = (low, high, start, end)`).
fn weight(name: &str, n: f64, ramp: Option<(f64, f64, f64, f64)>) -> PyResult<Weight> {
    match (name, ramp) {
        ("persistence", None) if n == 1.0 => Ok(Weight::Persistence),
        ("persistence", None) => Ok(Weight::Power(n)),
        ("constant", None) => Ok(Weight::Constant),
        ("linear_ramp", Some((low, high, start, end))) => Ok(Weight::LinearRamp {
            low,
            high,
            start,
            end,
        }),
        ("linear_ramp", None) => Err(bad_argument(
            "ramp",
            "the linear_ramp weight needs ramp = (low, high, start, end)",
        )),
        (_, Some(_)) => Err(bad_argument(
            "ramp",
            "only the linear_ramp weight takes a ramp",
        )),
        (other, _) => Err(bad_argument(
            "weight",
            format!("'{other}' is not one of persistence, constant, linear_ramp"),
        )),
    }
}

/// The pixel grid named `name`: `"contiguous"` (persim's
/// `PersistenceImager`) or `"legacy"` (persim 0.1's `PersImage`).
fn grid(name: &str) -> PyResult<Grid> {
    match name {
        "contiguous" => Ok(Grid::Contiguous),
        "legacy" => Ok(Grid::LegacyPersImage),
        other => Err(bad_argument(
            "grid",
            format!("'{other}' is not one of contiguous, legacy"),
        )),
    }
}

/// The normalisation named `name`: `"none"`, `"max"` or `"sum"`.
fn normalize(name: &str) -> PyResult<Normalize> {
    match name {
        "none" => Ok(Normalize::None),
        "max" => Ok(Normalize::Max),
        "sum" => Ok(Normalize::Sum),
        other => Err(bad_argument(
            "normalize",
            format!("'{other}' is not one of none, max, sum"),
        )),
    }
}

/// Persistence images of `diagrams` (a list of `(n, 2)` arrays of
/// `(birth, death)` rows) as one float32 array `(len(diagrams), rows,
/// cols)`: `(nx, ny)` birth-major images on the contiguous grid, `(ny,
/// nx)` with persistence descending on the legacy one. `sigma` is the
/// Gaussian's standard deviation; pixels hold its exact integral.
#[pyfunction]
#[pyo3(signature = (
    diagrams, birth_range, pers_range, resolution, sigma, weight_name = "persistence",
    n = 1.0, ramp = None, grid_name = "contiguous", essential_policy = None,
    min_persistence = None, normalize_name = "none", n_jobs = None
))]
#[allow(clippy::too_many_arguments)] // the transform's parameters, as Python keywords
pub fn persistence_images<'py>(
    py: Python<'py>,
    diagrams: Vec<PyReadonlyArray2<'py, f64>>,
    birth_range: (f64, f64),
    pers_range: (f64, f64),
    resolution: (usize, usize),
    sigma: f64,
    weight_name: &str,
    n: f64,
    ramp: Option<(f64, f64, f64, f64)>,
    grid_name: &str,
    essential_policy: Option<&Bound<'py, PyAny>>,
    min_persistence: Option<f64>,
    normalize_name: &str,
    n_jobs: Option<i64>,
) -> PyResult<Bound<'py, PyArray3<f32>>> {
    let mut builder = PersistenceImage::builder()
        .birth_range(birth_range.0, birth_range.1)
        .pers_range(pers_range.0, pers_range.1)
        .resolution(resolution.0, resolution.1)
        .sigma(sigma)
        .weight(weight(weight_name, n, ramp)?)
        .grid(grid(grid_name)?)
        .normalize(normalize(normalize_name)?);
    if let Some(e) = essential_policy {
        builder = builder.essential(essential(e)?);
    }
    if let Some(t) = min_persistence {
        builder = builder.min_persistence(t);
    }
    let pi = py_result(builder.build())?;
    let ds = diagrams_from(&diagrams, "diagrams")?;
    let (rows, cols) = pi.shape();
    let flat = py.detach(|| with_threads(n_jobs, || pi.transform_batch(&ds)))?;
    let flat = py_result(flat)?;
    let images = flat
        .into_shape_with_order((ds.len(), rows, cols))
        .map_err(|e| bad_argument("diagrams", e))?;
    Ok(images.into_pyarray(py))
}

/// The first `num_landscapes` persistence landscapes of each diagram at
/// `resolution` samples of `sample_range` (endpoints included): one
/// float32 row of `num_landscapes * resolution` values per diagram,
/// landscape-major.
#[pyfunction]
#[pyo3(signature = (diagrams, num_landscapes, sample_range, resolution, essential_policy = None, n_jobs = None))]
pub fn landscapes<'py>(
    py: Python<'py>,
    diagrams: Vec<PyReadonlyArray2<'py, f64>>,
    num_landscapes: usize,
    sample_range: (f64, f64),
    resolution: usize,
    essential_policy: Option<&Bound<'py, PyAny>>,
    n_jobs: Option<i64>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let mut builder = Landscape::builder()
        .num_landscapes(num_landscapes)
        .sample_range(sample_range.0, sample_range.1)
        .resolution(resolution);
    if let Some(e) = essential_policy {
        builder = builder.essential(essential(e)?);
    }
    let landscape = py_result(builder.build())?;
    batch(py, &landscape, &diagrams, n_jobs)
}

/// Betti curves (`#{b <= t < d}`) of each diagram at `resolution` samples
/// of `sample_range`: one float32 row per diagram.
#[pyfunction]
#[pyo3(signature = (diagrams, sample_range, resolution, essential_policy = None, n_jobs = None))]
pub fn betti_curves<'py>(
    py: Python<'py>,
    diagrams: Vec<PyReadonlyArray2<'py, f64>>,
    sample_range: (f64, f64),
    resolution: usize,
    essential_policy: Option<&Bound<'py, PyAny>>,
    n_jobs: Option<i64>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let mut builder = BettiCurve::builder()
        .sample_range(sample_range.0, sample_range.1)
        .resolution(resolution);
    if let Some(e) = essential_policy {
        builder = builder.essential(essential(e)?);
    }
    let curves = py_result(builder.build())?;
    batch(py, &curves, &diagrams, n_jobs)
}

/// Silhouettes (persistence-weighted averages of the tents, weights
/// `|d - b|^power`) of each diagram at `resolution` samples of
/// `sample_range`: one float32 row per diagram (giotto-tda's; gudhi's
/// `Silhouette` with its weight set to `pers**power`).
#[pyfunction]
#[pyo3(signature = (diagrams, power, sample_range, resolution, essential_policy = None, n_jobs = None))]
pub fn silhouettes<'py>(
    py: Python<'py>,
    diagrams: Vec<PyReadonlyArray2<'py, f64>>,
    power: f64,
    sample_range: (f64, f64),
    resolution: usize,
    essential_policy: Option<&Bound<'py, PyAny>>,
    n_jobs: Option<i64>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let mut builder = Silhouette::builder()
        .power(power)
        .sample_range(sample_range.0, sample_range.1)
        .resolution(resolution);
    if let Some(e) = essential_policy {
        builder = builder.essential(essential(e)?);
    }
    let silhouette = py_result(builder.build())?;
    batch(py, &silhouette, &diagrams, n_jobs)
}

/// Persistent entropy of each diagram (the Shannon entropy of the bar
/// lengths in `base`): a float32 array `(len(diagrams), 1)`.
/// `normalization`: `"raw"` (gudhi's `Entropy`, giotto-tda's
/// `PersistenceEntropy(normalize=False)`), `"log_bars"` (divided by the
/// log of the number of bars) or `"log_total_length"` (giotto-tda's
/// `normalize=True`); `undefined_value` for a diagram without bars.
#[pyfunction]
#[pyo3(signature = (diagrams, base = std::f64::consts::E, normalization = "raw", essential_policy = None, undefined_value = 0.0, n_jobs = None))]
pub fn entropies<'py>(
    py: Python<'py>,
    diagrams: Vec<PyReadonlyArray2<'py, f64>>,
    base: f64,
    normalization: &str,
    essential_policy: Option<&Bound<'py, PyAny>>,
    undefined_value: f64,
    n_jobs: Option<i64>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let normalization = match normalization {
        "raw" => EntropyNormalization::Raw,
        "log_bars" => EntropyNormalization::LogBars,
        "log_total_length" => EntropyNormalization::LogTotalLength,
        other => {
            return Err(bad_argument(
                "normalization",
                format!("'{other}' is not one of raw, log_bars, log_total_length"),
            ))
        }
    };
    let mut builder = PersistenceEntropy::builder()
        .base(base)
        .normalization(normalization)
        .undefined_value(undefined_value);
    if let Some(e) = essential_policy {
        builder = builder.essential(essential(e)?);
    }
    let entropy = py_result(builder.build())?;
    batch(py, &entropy, &diagrams, n_jobs)
}

/// One row of `v` per diagram, computed without the GIL.
fn batch<'py>(
    py: Python<'py>,
    v: &impl Vectorizer,
    diagrams: &[PyReadonlyArray2<'py, f64>],
    n_jobs: Option<i64>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let ds = diagrams_from(diagrams, "diagrams")?;
    let rows = py.detach(|| with_threads(n_jobs, || v.transform_batch(&ds)))?;
    Ok(py_result(rows)?.into_pyarray(py))
}

/// The `order`-Wasserstein distance between two diagrams with the `L^q`
/// ground metric (`q = internal_p`), gudhi's semantics: essential bars
/// matched among themselves (`inf` if their numbers differ);
/// `order = inf` gives the bottleneck distance. With `matching`, returns
/// `(distance, pairs)`, `pairs` an `(m, 2)` int64 array of matched row
/// indices `(i in a, j in b)`, `-1` for the diagonal.
#[pyfunction]
#[pyo3(signature = (a, b, order = 1.0, internal_p = f64::INFINITY, matching = false))]
pub fn wasserstein<'py>(
    py: Python<'py>,
    a: PyReadonlyArray2<'py, f64>,
    b: PyReadonlyArray2<'py, f64>,
    order: f64,
    internal_p: f64,
    matching: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let distance = py_result(
        Wasserstein::builder()
            .order(order)
            .internal_p(internal_p)
            .build(),
    )?;
    let (a, b) = (rows_diagram(&a, "a")?, rows_diagram(&b, "b")?);
    let m = py_result(py.detach(|| distance.matching(&a, &b)))?;
    distance_result(py, m, matching)
}

/// The bottleneck distance between two diagrams (`L^inf` ground metric,
/// gudhi's semantics for essential bars); with `matching`, also the
/// matched pairs as [`wasserstein`] returns them.
#[pyfunction]
#[pyo3(signature = (a, b, matching = false))]
pub fn bottleneck<'py>(
    py: Python<'py>,
    a: PyReadonlyArray2<'py, f64>,
    b: PyReadonlyArray2<'py, f64>,
    matching: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let (a, b) = (rows_diagram(&a, "a")?, rows_diagram(&b, "b")?);
    let m = py_result(py.detach(|| tda_vectorize::bottleneck_matching(&a, &b)))?;
    distance_result(py, m, matching)
}

/// The diagram of the rows of `a` in their order (not sorted), so that a
/// matching's indices are the caller's row indices.
fn rows_diagram(a: &PyReadonlyArray2<'_, f64>, name: &str) -> PyResult<Diagram> {
    Ok(Diagram {
        dim: 0,
        pairs: pairs_from(a.as_array(), name)?,
    })
}

/// The distance, or `(distance, pairs)` with `matching`.
fn distance_result<'py>(
    py: Python<'py>,
    m: Matching,
    matching: bool,
) -> PyResult<Bound<'py, PyAny>> {
    if !matching {
        return Ok(m.distance.into_pyobject(py)?.into_any());
    }
    let index = |i: Option<usize>| i.map_or(-1, |i| i as i64);
    let mut pairs = Array2::<i64>::zeros((m.pairs.len(), 2));
    for (mut row, &(i, j)) in pairs.outer_iter_mut().zip(&m.pairs) {
        row[0] = index(i);
        row[1] = index(j);
    }
    Ok((m.distance, pairs.into_pyarray(py))
        .into_pyobject(py)?
        .into_any())
}
