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

/// An array of numbers from a `.npy` file (any real or integer dtype), a `.csv` file
/// (comma-separated, no header; `.csv.gz` too) or a UEA/UCR `.ts` archive
/// (its series as `(n, channels, length)`; the labels are not used).
pub fn read_array(path: &Path) -> Result<ArrayD<f64>> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    if extension(path) == "npy" {
        read_npy_numbers(path)
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

/// A `.npy` array of any real or integer dtype, as float64 (integers of
/// more than 53 bits may round).
pub fn read_npy_numbers(path: &Path) -> Result<ArrayD<f64>> {
    use tda_io::npy::read_npy;
    fn widen<T: Copy + Into<f64>>(a: ArrayD<T>) -> ArrayD<f64> {
        a.mapv(Into::into)
    }
    let found = match read_npy::<f64, IxDyn>(path) {
        Err(tda_io::Error::NpyDtype { found, .. }) => found,
        other => return Ok(other?),
    };
    let kind = found
        .trim_matches('\'')
        .trim_start_matches(['<', '>', '|', '=']);
    Ok(match kind {
        "f4" => widen(read_npy::<f32, IxDyn>(path)?),
        "i1" => widen(read_npy::<i8, IxDyn>(path)?),
        "i2" => widen(read_npy::<i16, IxDyn>(path)?),
        "i4" => widen(read_npy::<i32, IxDyn>(path)?),
        "i8" => read_npy::<i64, IxDyn>(path)?.mapv(|v| v as f64),
        "u1" => widen(read_npy::<u8, IxDyn>(path)?),
        "u2" => widen(read_npy::<u16, IxDyn>(path)?),
        "u4" => widen(read_npy::<u32, IxDyn>(path)?),
        "u8" => read_npy::<u64, IxDyn>(path)?.mapv(|v| v as f64),
        _ => {
            return Err(Error::Input {
                path: path.to_path_buf(),
                problem: format!("dtype {found} is not a real or integer type"),
            })
        }
    })
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
