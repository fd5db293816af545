//! `tda_pinet._core`: the compiled half of the Python package `tda_pinet`.
//!
//! Functions take float64 numpy arrays of any memory layout (the Python
//! half converts other dtypes and sequences first), release the GIL while
//! they compute, and raise `ValueError` (or `MemoryError` for sizes over
//! the memory limit) naming the bad argument; nothing panics on user
//! input. The drop-in `tda_pinet.ripser` and `tda_pinet.persim` modules
//! and the native API are written in Python over these functions.

mod convert;
mod emph;
mod error;
mod persistence;
mod pinet;
mod threads;
mod vectorize;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(persistence::h0, m)?)?;
    m.add_function(wrap_pyfunction!(persistence::h0_batch, m)?)?;
    m.add_function(wrap_pyfunction!(persistence::cubical, m)?)?;
    m.add_function(wrap_pyfunction!(persistence::rips, m)?)?;
    m.add_function(wrap_pyfunction!(persistence::rips_sparse, m)?)?;
    m.add_function(wrap_pyfunction!(persistence::rips_batch, m)?)?;
    m.add_function(wrap_pyfunction!(vectorize::persistence_images, m)?)?;
    m.add_function(wrap_pyfunction!(vectorize::landscapes, m)?)?;
    m.add_function(wrap_pyfunction!(vectorize::betti_curves, m)?)?;
    m.add_function(wrap_pyfunction!(vectorize::silhouettes, m)?)?;
    m.add_function(wrap_pyfunction!(vectorize::entropies, m)?)?;
    m.add_function(wrap_pyfunction!(vectorize::wasserstein, m)?)?;
    m.add_function(wrap_pyfunction!(emph::emph_modes, m)?)?;
    m.add_function(wrap_pyfunction!(emph::emph_barcodes, m)?)?;
    m.add_function(wrap_pyfunction!(emph::emph_collection_barcodes, m)?)?;
    m.add_function(wrap_pyfunction!(emph::emph_random_rays, m)?)?;
    m.add_function(wrap_pyfunction!(vectorize::bottleneck, m)?)?;
    m.add_class::<pinet::PiNet>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
