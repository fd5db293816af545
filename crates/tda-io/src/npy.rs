//! NumPy `.npy` arrays (through [`ndarray_npy`]), for exchanging features,
//! labels and weights with Python.
//!
//! Element types are those of `ndarray-npy`: `bool`, `i8`..`i64`,
//! `u8`..`u64`, `f32`, `f64`. Reading checks that the file's dtype and number
//! of dimensions match the requested array type. Writing is atomic: the array
//! goes to a temporary file in the target's directory which is then renamed
//! over the target, so a reader never sees a half-written file and a failed
//! write leaves nothing behind.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use ndarray::{Array, ArrayBase, Data, Dimension};
use ndarray_npy::{ReadNpyError, ReadNpyExt, WriteNpyError, WriteNpyExt};

pub use ndarray_npy::{ReadableElement, WritableElement};

use crate::atomic::{io_error, write_atomic};
use crate::error::{Error, Result};

/// Reads an `.npy` file into an array of element type `T` and dimension `D`
/// (e.g. `Ix2`, or `IxDyn` for any number of dimensions).
///
/// ```no_run
/// let x: ndarray::Array2<f32> = tda_io::npy::read_npy("features.npy")?;
/// # Ok::<(), tda_io::Error>(())
/// ```
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read;
/// [`Error::NpyDtype`] if it holds another element type;
/// [`Error::NpyNdim`] if it holds another number of dimensions;
/// [`Error::NpyFormat`] for a corrupt header or truncated or extra data.
pub fn read_npy<T, D>(path: impl AsRef<Path>) -> Result<Array<T, D>>
where
    T: ReadableElement,
    D: Dimension,
{
    let path = path.as_ref();
    let mut file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    check_size(&mut file).map_err(|e| match e {
        SizeError::Io(e) => io_error(path, e),
        SizeError::Format(message) => Error::NpyFormat {
            path: path.to_path_buf(),
            message,
        },
    })?;
    Array::<T, D>::read_npy(std::io::BufReader::new(file)).map_err(|e| read_error::<T>(path, e))
}

/// Writes `array` to an `.npy` file atomically (standard or Fortran order
/// as the array's memory layout allows; other layouts are written in logical
/// order). An existing file is replaced.
///
/// # Errors
/// [`Error::Io`] if the temporary file cannot be created, written or renamed
/// (e.g. the directory does not exist); nothing is left behind.
/// [`Error::NpyFormat`] if the header cannot be formatted.
pub fn write_npy<T, S, D>(path: impl AsRef<Path>, array: &ArrayBase<S, D>) -> Result<()>
where
    T: WritableElement,
    S: Data<Elem = T>,
    D: Dimension,
{
    let path = path.as_ref();
    write_atomic(path, |w| {
        array.write_npy(w).map_err(|e| write_error(path, e))
    })
}

/// Why [`check_size`] rejected a file.
enum SizeError {
    /// Reading or seeking failed.
    Io(std::io::Error),
    /// The header promises more bytes than the file holds.
    Format(String),
}

impl From<std::io::Error> for SizeError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// Checks that the header and the data it describes fit in the file, so that
/// a corrupt or truncated file cannot make the reader allocate more memory
/// than the file's size; rewinds the file. Headers this check does not
/// understand are left to `ndarray-npy` to judge.
fn check_size(file: &mut File) -> std::result::Result<(), SizeError> {
    let file_len = file.metadata()?.len();
    let mut pre = [0u8; 12];
    let n = read_up_to(file, &mut pre)?;
    let prefix = if n >= 10 && pre.starts_with(b"\x93NUMPY") {
        match pre[6] {
            1 => Some((10, u64::from(u16::from_le_bytes([pre[8], pre[9]])))),
            2 | 3 if n == 12 => Some((
                12,
                u64::from(u32::from_le_bytes([pre[8], pre[9], pre[10], pre[11]])),
            )),
            _ => None,
        }
    } else {
        None
    };
    if let Some((start, header_len)) = prefix {
        let data_start = start + header_len;
        if data_start > file_len {
            return Err(SizeError::Format(format!(
                "the header claims {header_len} bytes but the file holds {file_len}"
            )));
        }
        file.seek(SeekFrom::Start(start))?;
        let mut text = Vec::new();
        file.by_ref().take(header_len).read_to_end(&mut text)?;
        let available = u128::from(file_len - data_start);
        if let Some(needed) = data_bytes(&String::from_utf8_lossy(&text)) {
            if needed > available {
                return Err(SizeError::Format(format!(
                    "the header describes {needed} bytes of data but only {available} follow"
                )));
            }
        }
    }
    file.rewind()?;
    Ok(())
}

/// Fills `buf` as far as the reader allows; returns the count read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Data size in bytes described by an `.npy` header dictionary such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`; `None` if
/// the header is not of this simple form (item size from the digits ending
/// `descr`, saturating on overflow).
fn data_bytes(header: &str) -> Option<u128> {
    let descr = after_key(header, "descr")?;
    let quote = descr.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let descr = &descr[1..];
    let descr = &descr[..descr.find(quote)?];
    let digits = descr.trim_start_matches(|c: char| !c.is_ascii_digit());
    let item: u128 = digits.parse().ok()?;
    let shape = after_key(header, "shape")?.strip_prefix('(')?;
    let shape = &shape[..shape.find(')')?];
    shape
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .try_fold(item, |acc, d| {
            d.parse::<u128>().ok().map(|d| acc.saturating_mul(d))
        })
}

/// The text after `'key':` (or `"key":`) in a header, leading spaces trimmed.
fn after_key<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let at = header
        .find(&format!("'{key}'"))
        .or_else(|| header.find(&format!("\"{key}\"")))?;
    let rest = header[at + key.len() + 2..].trim_start();
    Some(rest.strip_prefix(':')?.trim_start())
}

/// Maps an `ndarray-npy` read error to this crate's error naming `path`.
fn read_error<T>(path: &Path, e: ReadNpyError) -> Error {
    let path = path.to_path_buf();
    match e {
        ReadNpyError::Io(source) if source.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::NpyFormat {
                path,
                message: "the file ends early".to_string(),
            }
        }
        ReadNpyError::Io(source) => Error::Io { path, source },
        ReadNpyError::WrongDescriptor(desc) => Error::NpyDtype {
            path,
            found: desc.to_string(),
            expected: std::any::type_name::<T>().to_string(),
        },
        ReadNpyError::WrongNdim(expected, found) => Error::NpyNdim {
            path,
            found,
            expected,
        },
        other => Error::NpyFormat {
            path,
            message: other.to_string(),
        },
    }
}

/// Maps an `ndarray-npy` write error to this crate's error naming `path`.
fn write_error(path: &Path, e: WriteNpyError) -> Error {
    match e {
        WriteNpyError::Io(source) => io_error(path, source),
        other => Error::NpyFormat {
            path: path.to_path_buf(),
            message: other.to_string(),
        },
    }
}
