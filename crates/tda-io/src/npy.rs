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
use std::io::{BufReader, Read};
use std::path::Path;

use ndarray::{Array, ArrayBase, ArrayD, Data, Dimension, IxDyn, ShapeBuilder};
use ndarray_npy::{ReadDataError, WriteNpyError, WriteNpyExt};
use py_literal::Value as PyValue;
use tda_persistence::memory;

pub use ndarray_npy::{ReadableElement, WritableElement};

use crate::atomic::{io_error, write_atomic};
use crate::error::{Error, Result};

/// Reads an `.npy` file into an array of element type `T` and dimension `D`
/// (e.g. `Ix2`, or `IxDyn` for any number of dimensions).
///
/// The header is parsed once, here, and everything is checked before the
/// array is allocated: the format version (1.0, 2.0 or 3.0), the header
/// dictionary (exactly the keys `descr`, `fortran_order` and `shape`, each
/// once), the element type and the number of dimensions, that the data the
/// shape describes is exactly what follows the header in the file, and
/// that the array fits the memory limit ([`tda_persistence::memory`]).
/// Both C and Fortran order are read.
///
/// ```no_run
/// let x: ndarray::Array2<f32> = tda_io::npy::read_npy("features.npy")?;
/// # Ok::<(), tda_io::Error>(())
/// ```
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read (or is a directory);
/// [`Error::NpyDtype`] if it holds another element type;
/// [`Error::NpyNdim`] if it holds another number of dimensions;
/// [`Error::NpyFormat`] for a bad magic string or version, a malformed
/// header (a key missing, repeated or unknown, a value of the wrong kind, a
/// structured dtype, a string with escapes, a dimension that does not fit
/// in `usize`), or data shorter or longer than
/// the header describes (including a shape whose size overflows);
/// [`Error::TooLarge`] if the array would exceed the memory limit.
pub fn read_npy<T, D>(path: impl AsRef<Path>) -> Result<Array<T, D>>
where
    T: ReadableElement,
    D: Dimension,
{
    let path = path.as_ref();
    let (file, len) = open_file(path)?;
    read_npy_from(BufReader::new(file), len, path)
}

/// Opens `path` for reading, refusing a directory; returns the file and
/// its length.
pub(crate) fn open_file(path: &Path) -> Result<(File, u64)> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let meta = file.metadata().map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return Err(io_error(
            path,
            std::io::Error::new(std::io::ErrorKind::IsADirectory, "the path is a directory"),
        ));
    }
    Ok((file, meta.len()))
}

/// Reads an `.npy` array of `file_len` bytes from `reader` (a file, or a
/// member of an `.npz` archive), with every check of [`read_npy`]; errors
/// name `path`.
pub(crate) fn read_npy_from<T, D>(
    mut reader: impl Read,
    file_len: u64,
    path: &Path,
) -> Result<Array<T, D>>
where
    T: ReadableElement,
    D: Dimension,
{
    let format = |message: String| Error::NpyFormat {
        path: path.to_path_buf(),
        message,
    };
    let header = read_header(&mut reader, file_len).map_err(|e| match e {
        HeaderError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            format("the file ends early".to_string())
        }
        HeaderError::Io(e) => io_error(path, e),
        HeaderError::Format(m) => format(m),
        HeaderError::TooLarge(e) => Error::TooLarge(e),
    })?;

    // The element type, before anything is sized by the shape: reading zero
    // elements from an empty reader checks the descriptor only.
    let descr = PyValue::String(header.descr.clone());
    if T::read_to_end_exact_vec(std::io::empty(), &descr, 0).is_err() {
        return Err(Error::NpyDtype {
            path: path.to_path_buf(),
            found: format!("'{}'", header.descr),
            expected: std::any::type_name::<T>().to_string(),
        });
    }
    if let Some(expected) = D::NDIM {
        if expected != header.shape.len() {
            return Err(Error::NpyNdim {
                path: path.to_path_buf(),
                found: header.shape.len(),
                expected: Some(expected),
            });
        }
    }
    let len = element_count::<T>(&header.shape).ok_or_else(|| {
        format(format!(
            "the shape {:?} describes more elements than an array can hold",
            header.shape
        ))
    })?;
    // Every accepted descriptor has the element type's size in the file.
    let needed = memory::bytes_of::<T>(&header.shape);
    let available = file_len.saturating_sub(header.data_start);
    match needed {
        None => {
            return Err(format(format!(
                "the header describes more than 2^64 bytes of data (shape {:?}) but only {available} follow",
                header.shape
            )))
        }
        Some(n) if n > available => {
            return Err(format(format!(
                "the header describes {n} bytes of data but only {available} follow"
            )))
        }
        Some(n) if n < available => {
            return Err(format(format!(
                "{} extra bytes follow the {n} bytes of data the header describes",
                available - n
            )))
        }
        Some(_) => {}
    }
    memory::check("array read from an .npy file", needed)?;
    let data =
        T::read_to_end_exact_vec(&mut reader, &descr, len).map_err(|e| data_error::<T>(path, e))?;
    let shape = IxDyn(&header.shape).set_f(header.fortran_order);
    let array = ArrayD::from_shape_vec(shape, data)
        .map_err(|e| format(format!("the data does not fit the shape: {e}")))?;
    array
        .into_dimensionality::<D>()
        .map_err(|_| Error::NpyNdim {
            path: path.to_path_buf(),
            found: header.shape.len(),
            expected: D::NDIM,
        })
}

/// Writes `array` to an `.npy` file atomically (standard or Fortran order
/// as the array's memory layout allows; other layouts, strided views
/// included, are written in logical order; empty arrays and views of any
/// layout are written with their shape). An existing file is replaced.
///
/// # Errors
/// [`Error::Io`] if the temporary file cannot be created, written or renamed
/// (e.g. the directory does not exist, or `path` is a directory); nothing is
/// left behind. [`Error::NpyFormat`] if the header cannot be formatted.
pub fn write_npy<T, S, D>(path: impl AsRef<Path>, array: &ArrayBase<S, D>) -> Result<()>
where
    T: WritableElement,
    S: Data<Elem = T>,
    D: Dimension,
{
    let path = path.as_ref();
    write_atomic(path, |w| write_npy_to(w, array, path))
}

/// Writes `array` as `.npy` bytes to `w` (as [`write_npy`] lays them out);
/// errors name `path`.
pub(crate) fn write_npy_to<T, S, D>(
    w: &mut impl std::io::Write,
    array: &ArrayBase<S, D>,
    path: &Path,
) -> Result<()>
where
    T: WritableElement,
    S: Data<Elem = T>,
    D: Dimension,
{
    if array.is_empty() {
        // ndarray-npy takes an empty view with unusual strides for a
        // contiguous one and panics on it: write a fresh empty array of
        // the same shape instead.
        let empty = Array::<T, D>::from_shape_vec(array.raw_dim(), Vec::new()).map_err(|e| {
            Error::NpyFormat {
                path: path.to_path_buf(),
                message: format!("an empty array of shape {:?}: {e}", array.shape()),
            }
        })?;
        empty.write_npy(w)
    } else {
        array.write_npy(w)
    }
    .map_err(|e| write_error(path, e))
}

// Why the header is read here rather than by ndarray-npy (0.9.1, read for
// issue 15): its header reader is private to it (`npy::header` is not
// re-exported), and `ReadNpyExt::read_npy` allocates the whole array from
// the header's shape before it reads a byte of data (`vec![0; len]` in
// `read_to_end_exact_vec`), so a 1 KB file claiming 10^12 `f64`s aborts the
// process on a failed 8 TB allocation instead of returning an error (tried);
// its header read also allocates `HEADER_LEN` (up to 4 GiB) before knowing
// that the file holds it. Its parser (py_literal) also takes the last of
// repeated keys, decodes escapes, and refuses the `L` suffix of Python 2
// shapes that numpy still reads. So the shape must be known, checked
// against the file's length and the memory limit, and unambiguous before
// ndarray-npy sees the file: that takes the magic string, the version, the
// header length and the dictionary, parsed below. ndarray-npy does the rest:
// the element type (its descriptor check on zero elements, before the
// shape sizes anything) and the data (byte order, `bool` values).

/// A parsed `.npy` header.
#[derive(Debug)]
struct Header {
    /// The `descr` string, e.g. `<f8`.
    descr: String,
    /// Whether the data is in Fortran (column-major) order.
    fortran_order: bool,
    /// The array's shape.
    shape: Vec<usize>,
    /// Offset of the first data byte.
    data_start: u64,
}

/// Why [`read_header`] rejected a file.
enum HeaderError {
    /// Reading failed (`UnexpectedEof`: the file ends inside the header).
    Io(std::io::Error),
    /// The header is malformed.
    Format(String),
    /// The header's length is over the memory limit.
    TooLarge(tda_persistence::MemoryError),
}

impl From<std::io::Error> for HeaderError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// Reads and parses the header of an `.npy` file of `file_len` bytes,
/// leaving `r` at the first data byte.
fn read_header(r: &mut impl Read, file_len: u64) -> std::result::Result<Header, HeaderError> {
    let mut magic = [0u8; 8];
    r.read_exact(&mut magic)?;
    if &magic[..6] != b"\x93NUMPY" {
        return Err(HeaderError::Format(
            "the file does not start with the .npy magic string".to_string(),
        ));
    }
    let (major, minor) = (magic[6], magic[7]);
    let (prefix, header_len) = match (major, minor) {
        (1, 0) => {
            let mut n = [0u8; 2];
            r.read_exact(&mut n)?;
            (10u64, u64::from(u16::from_le_bytes(n)))
        }
        (2 | 3, 0) => {
            let mut n = [0u8; 4];
            r.read_exact(&mut n)?;
            (12u64, u64::from(u32::from_le_bytes(n)))
        }
        _ => {
            return Err(HeaderError::Format(format!(
                "unsupported .npy format version {major}.{minor} (1.0, 2.0 and 3.0 are read)"
            )))
        }
    };
    let data_start = prefix + header_len;
    if data_start > file_len {
        return Err(HeaderError::Format(format!(
            "the header claims {header_len} bytes but the file holds {file_len}"
        )));
    }
    memory::check("header of an .npy file", Some(header_len)).map_err(HeaderError::TooLarge)?;
    // `header_len` is at most the file's length, which fits in memory as checked.
    let header_len = usize::try_from(header_len)
        .map_err(|_| HeaderError::Format("the header does not fit in memory".to_string()))?;
    let mut text = vec![0u8; header_len];
    r.read_exact(&mut text)?;
    let Some((&b'\n', body)) = text.split_last() else {
        return Err(HeaderError::Format(
            "the header does not end with a newline".to_string(),
        ));
    };
    if major < 3 && !body.is_ascii() {
        return Err(HeaderError::Format(
            "the header holds non-ASCII bytes (allowed from format version 3.0)".to_string(),
        ));
    }
    let body = std::str::from_utf8(body)
        .map_err(|_| HeaderError::Format("the header is not UTF-8".to_string()))?;
    let dict = parse_dict(body).map_err(HeaderError::Format)?;
    Ok(Header {
        descr: dict.descr,
        fortran_order: dict.fortran_order,
        shape: dict.shape,
        data_start,
    })
}

/// The three entries of a header dictionary.
struct Dict {
    /// `descr`.
    descr: String,
    /// `fortran_order`.
    fortran_order: bool,
    /// `shape`.
    shape: Vec<usize>,
}

/// Parses a header dictionary such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`: exactly
/// the keys `descr` (a string without escapes), `fortran_order` (`True` or
/// `False`) and `shape` (a tuple of non-negative integers, an `L` suffix
/// allowed), each once, in any order, with any spacing and trailing commas;
/// anything else is an error naming it. The grammar has no nesting deeper
/// than the shape tuple, so no input can make the parser recurse.
fn parse_dict(text: &str) -> std::result::Result<Dict, String> {
    let mut p = Lexer { s: text, at: 0 };
    p.expect('{')?;
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    loop {
        p.skip_space();
        if p.eat('}') {
            break;
        }
        let key = p.string()?;
        p.expect(':')?;
        p.skip_space();
        let repeated = match key.as_str() {
            "descr" => {
                if !matches!(p.peek(), Some('\'' | '"')) {
                    return Err(format!(
                        "`descr` is `{}`: only plain dtypes are read (structured dtypes are not supported)",
                        p.rest_preview()
                    ));
                }
                descr.replace(p.string()?).is_some()
            }
            "fortran_order" => fortran.replace(p.boolean()?).is_some(),
            "shape" => shape.replace(p.shape()?).is_some(),
            other => return Err(format!("unknown key `{}` in the header", preview(other))),
        };
        if repeated {
            return Err(format!("the key `{key}` appears twice in the header"));
        }
        p.skip_space();
        if p.eat('}') {
            break;
        }
        p.expect(',')?;
    }
    p.skip_space();
    if p.at != p.s.len() {
        return Err(format!(
            "unexpected `{}` after the header dictionary",
            p.rest_preview()
        ));
    }
    let missing = |k: &str| format!("the key `{k}` is missing from the header");
    Ok(Dict {
        descr: descr.ok_or_else(|| missing("descr"))?,
        fortran_order: fortran.ok_or_else(|| missing("fortran_order"))?,
        shape: shape.ok_or_else(|| missing("shape"))?,
    })
}

/// A cursor over header text.
struct Lexer<'a> {
    /// The text.
    s: &'a str,
    /// Byte offset of the next character.
    at: usize,
}

impl Lexer<'_> {
    /// The next character, if any.
    fn peek(&self) -> Option<char> {
        self.s[self.at..].chars().next()
    }

    /// Skips spaces, tabs and newlines.
    fn skip_space(&mut self) {
        while let Some(c) = self.peek().filter(|c| c.is_ascii_whitespace()) {
            self.at += c.len_utf8();
        }
    }

    /// Consumes `c` if it is next.
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Consumes `c` after optional spaces, or fails naming what was found.
    fn expect(&mut self, c: char) -> std::result::Result<(), String> {
        self.skip_space();
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!(
                "expected `{c}` in the header, found `{}`",
                self.rest_preview()
            ))
        }
    }

    /// The next few characters, for error messages.
    fn rest_preview(&self) -> String {
        preview(&self.s[self.at..])
    }

    /// A quoted string without backslash escapes.
    fn string(&mut self) -> std::result::Result<String, String> {
        self.skip_space();
        let quote = match self.peek() {
            Some(q @ ('\'' | '"')) => q,
            _ => {
                return Err(format!(
                    "expected a quoted string in the header, found `{}`",
                    self.rest_preview()
                ))
            }
        };
        self.at += 1;
        let rest = &self.s[self.at..];
        let end = rest
            .find(quote)
            .ok_or_else(|| "an unterminated string in the header".to_string())?;
        let value = &rest[..end];
        if value.contains('\\') {
            return Err(format!(
                "escapes in header strings are not supported: `{}`",
                preview(value)
            ));
        }
        self.at += end + 1;
        Ok(value.to_string())
    }

    /// `True` or `False`.
    fn boolean(&mut self) -> std::result::Result<bool, String> {
        let rest = &self.s[self.at..];
        for (word, value) in [("True", true), ("False", false)] {
            if rest.starts_with(word) {
                self.at += word.len();
                return Ok(value);
            }
        }
        Err(format!(
            "`fortran_order` must be True or False, found `{}`",
            self.rest_preview()
        ))
    }

    /// A tuple of non-negative integers: `()`, `(3,)`, `(3, 4)`, `(3, 4,)`.
    fn shape(&mut self) -> std::result::Result<Vec<usize>, String> {
        if !self.eat('(') {
            return Err(format!(
                "`shape` must be a tuple of integers, found `{}`",
                self.rest_preview()
            ));
        }
        let mut dims = Vec::new();
        let mut trailing_comma = false;
        loop {
            self.skip_space();
            if self.eat(')') {
                break;
            }
            let start = self.at;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.at += 1;
            }
            let digits = &self.s[start..self.at];
            if digits.is_empty() {
                return Err(format!(
                    "`shape` must be a tuple of non-negative integers, found `{}`",
                    self.rest_preview()
                ));
            }
            self.eat('L');
            let dim = digits.parse::<usize>().map_err(|_| {
                format!(
                    "the dimension {} in `shape` does not fit in usize",
                    preview(digits)
                )
            })?;
            dims.push(dim);
            self.skip_space();
            trailing_comma = self.eat(',');
            if !trailing_comma {
                if self.eat(')') {
                    break;
                }
                return Err(format!(
                    "expected `,` or `)` in `shape`, found `{}`",
                    self.rest_preview()
                ));
            }
        }
        if dims.len() == 1 && !trailing_comma {
            return Err(
                "a one-dimensional `shape` needs a trailing comma, as in `(3,)`".to_string(),
            );
        }
        Ok(dims)
    }
}

/// The first 40 characters of `s`, for error messages.
fn preview(s: &str) -> String {
    s.chars().take(40).collect()
}

/// The number of elements of `shape` if an `ndarray` array of `T` can hold
/// it (the product of the non-zero axes, and its size in bytes, at most
/// `isize::MAX`).
fn element_count<T>(shape: &[usize]) -> Option<usize> {
    let nonzero = shape
        .iter()
        .filter(|&&d| d != 0)
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))?;
    let max = usize::try_from(isize::MAX).ok()?;
    if nonzero > max || nonzero.checked_mul(std::mem::size_of::<T>().max(1))? > max {
        return None;
    }
    Some(if shape.contains(&0) { 0 } else { nonzero })
}

/// Maps an error reading the data to this crate's error naming `path`.
fn data_error<T>(path: &Path, e: ReadDataError) -> Error {
    let path = path.to_path_buf();
    match e {
        ReadDataError::Io(source) if source.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::NpyFormat {
                path,
                message: "the file ends early".to_string(),
            }
        }
        ReadDataError::Io(source) => Error::Io { path, source },
        ReadDataError::WrongDescriptor(desc) => Error::NpyDtype {
            path,
            found: desc.to_string(),
            expected: std::any::type_name::<T>().to_string(),
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
