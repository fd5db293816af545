//! Diagrams between numpy's `(n, 2)` arrays of `(birth, death)` rows and
//! the engine's [`Diagram`]; infinite deaths are `inf` (or `-inf` for the
//! essential class of a superlevel filtration) on both sides.

use ndarray::{Array2, ArrayView2};
use numpy::{IntoPyArray, PyArray2, PyReadonlyArray2};
use pyo3::prelude::*;
use tda_persistence::{Diagram, PersistencePair};

use crate::error::bad_argument;

/// The `(n, 2)` array of a diagram's pairs, in its canonical order.
pub fn diagram_array(d: &Diagram) -> Array2<f64> {
    let mut out = Array2::zeros((d.len(), 2));
    for (mut row, p) in out.outer_iter_mut().zip(d.iter()) {
        row[0] = p.birth;
        row[1] = p.death;
    }
    out
}

/// Diagrams as a Python list of `(n, 2)` float64 arrays.
pub fn diagram_list<'py>(py: Python<'py>, ds: &[Diagram]) -> Vec<Bound<'py, PyArray2<f64>>> {
    ds.iter()
        .map(|d| diagram_array(d).into_pyarray(py))
        .collect()
}

/// The pairs of the rows of `a`, an `(n, 2)` array of `(birth, death)`
/// rows, in their order; `name` is the argument's, for the error of an
/// array of another shape. Values are checked by the function that reads
/// the diagram.
pub fn pairs_from(a: ArrayView2<f64>, name: &str) -> PyResult<Vec<PersistencePair>> {
    if a.ncols() != 2 {
        return Err(bad_argument(
            name,
            format!(
                "a diagram is an (n, 2) array of (birth, death) rows, got shape ({}, {})",
                a.nrows(),
                a.ncols()
            ),
        ));
    }
    Ok(a.outer_iter()
        .map(|r| PersistencePair::new(r[0], r[1]))
        .collect())
}

/// The diagram (dimension 0, canonical order) of the rows of `a` (see
/// [`pairs_from`]).
pub fn diagram_from(a: ArrayView2<f64>, name: &str) -> PyResult<Diagram> {
    Ok(Diagram::new(0, pairs_from(a, name)?))
}

/// [`diagram_from`] for each array of a list (argument `name`, items
/// named `name[i]`).
pub fn diagrams_from(arrays: &[PyReadonlyArray2<'_, f64>], name: &str) -> PyResult<Vec<Diagram>> {
    arrays
        .iter()
        .enumerate()
        .map(|(i, a)| diagram_from(a.as_array(), &format!("{name}[{i}]")))
        .collect()
}
