//! Reading the inputs and writing the outputs, by file extension.

use std::path::Path;

use ndarray::{ArrayD, IxDyn};
use tda_io::csv::CsvOptions;
use tda_persistence::Diagram;

use crate::error::{Error, Result};

/// The extension of `path`, lower case (`""` if none).
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// An array of numbers from a `.npy` file (float64), a `.csv` file
/// (comma-separated, no header; `.csv.gz` too) or a UEA/UCR `.ts` archive
/// (its series as `(n, channels, length)`; the labels are not used).
pub fn read_array(path: &Path) -> Result<ArrayD<f64>> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    if extension(path) == "npy" {
        Ok(tda_io::npy::read_npy::<f64, IxDyn>(path)?)
    } else if extension(path) == "ts" {
        Ok(tda_io::ts::read(path)?.data.into_dyn())
    } else if name.ends_with(".csv") || name.ends_with(".csv.gz") {
        let opts = CsvOptions {
            header: false,
            ..CsvOptions::default()
        };
        // The CSV reader's messages give the line and column, not the file.
        let table = tda_io::csv::read(path, &opts).map_err(|e| Error::Input {
            path: path.to_path_buf(),
            problem: e.to_string(),
        })?;
        Ok(table.data.into_dyn())
    } else {
        Err(Error::Input {
            path: path.to_path_buf(),
            problem: "expected a .npy, .csv or .ts file".into(),
        })
    }
}

/// Diagrams from a `.json` or `.npz` diagram file.
pub fn read_diagrams(path: &Path) -> Result<Vec<Diagram>> {
    match extension(path).as_str() {
        "json" => Ok(tda_io::read_diagrams_json(path)?),
        "npz" => Ok(tda_io::read_diagrams_npz(path)?),
        _ => Err(Error::Input {
            path: path.to_path_buf(),
            problem: "expected a .json or .npz diagram file".into(),
        }),
    }
}

/// Writes diagrams as JSON or `.npz`, by the extension of `path`.
pub fn write_diagrams(path: &Path, diagrams: &[Diagram]) -> Result<()> {
    match extension(path).as_str() {
        "json" => Ok(tda_io::write_diagrams_json(path, diagrams)?),
        "npz" => Ok(tda_io::write_diagrams_npz(path, diagrams)?),
        _ => Err(Error::Input {
            path: path.to_path_buf(),
            problem: "the output must end in .json or .npz".into(),
        }),
    }
}

/// Whether `path` names a diagram file (`.json` or `.npz`) rather than data.
pub fn is_diagram_file(path: &Path) -> bool {
    matches!(extension(path).as_str(), "json" | "npz")
}
