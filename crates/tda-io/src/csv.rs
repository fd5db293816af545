//! Numeric CSV tables (sensor recordings such as Daphnet), optionally gzipped.
//!
//! Fields are split by a one-byte delimiter with RFC 4180 quoting (through
//! the `csv` crate) and trimmed of surrounding whitespace; blank lines
//! are skipped. Every selected field must be a finite number: empty fields,
//! `nan` and `inf` are reported as missing values naming the line and column.
//! Unselected columns may hold any text (timestamps, comments).

use std::cell::Cell;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

use ndarray::{Array2, ArrayView1};
use tda_persistence::{memory, MemoryError};

use crate::error::{Error, Result};
use crate::limits::push_checked;

/// How to read a CSV table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// Field delimiter, e.g. `b','`, `b';'` or `b'\t'`.
    pub delimiter: u8,
    /// Whether the first record names the columns.
    pub header: bool,
    /// Read only these named columns, in this order (requires `header`).
    /// `None`: read every column; all must then be numeric.
    pub columns: Option<Vec<String>>,
}

impl Default for CsvOptions {
    /// Comma-separated, with a header, all columns.
    fn default() -> Self {
        Self {
            delimiter: b',',
            header: true,
            columns: None,
        }
    }
}

/// A numeric table read from CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names: from the header, or `"0"`, `"1"`, ... without one.
    pub columns: Vec<String>,
    /// Values, shape `(rows, columns)`.
    pub data: Array2<f64>,
}

impl Table {
    /// The values of the column called `name`, if there is one.
    pub fn column(&self, name: &str) -> Option<ArrayView1<'_, f64>> {
        let j = self.columns.iter().position(|c| c == name)?;
        Some(self.data.column(j))
    }
}

/// Reads a CSV file; see [`parse`]. A file whose name ends in `.gz` is
/// decompressed (gzip) on the fly. The file is streamed: memory grows with
/// the values read and the longest record, both checked against the
/// memory limit ([`tda_persistence::memory`]) as they grow, so a
/// decompression bomb is refused rather than allocated.
///
/// # Errors
/// [`Error::Io`] naming the file if it cannot be opened, read or
/// decompressed (or is a directory); otherwise as [`parse`].
pub fn read(path: impl AsRef<Path>, opts: &CsvOptions) -> Result<Table> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let file = std::io::BufReader::new(file);
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    if gz {
        let input = flate2::read::MultiGzDecoder::new(file);
        parse_reader(input, opts, Some(path), memory::limit())
    } else {
        parse_reader(file, opts, Some(path), memory::limit())
    }
}

/// Parses CSV text into a numeric [`Table`].
///
/// # Errors
/// - [`Error::ColumnsWithoutHeader`] if `opts.columns` is set but
///   `opts.header` is false;
/// - [`Error::MissingColumn`] naming a requested column absent from the header;
/// - [`Error::RaggedRow`] for a row whose field count differs from the
///   header's (or the first row's);
/// - [`Error::NotANumber`] for a selected field that is not a finite number
///   (including empty fields, `nan`, `inf`);
/// - [`Error::Empty`] if there are no data rows;
/// - [`Error::TooLarge`] if the values, or a single record, would exceed
///   the memory limit ([`tda_persistence::memory`]).
///
/// ```
/// use tda_io::csv::{parse, CsvOptions};
/// let t = parse("time,x,y\nt0,1,2\nt1,3,4\n", &CsvOptions {
///     columns: Some(vec!["y".into(), "x".into()]),
///     ..CsvOptions::default()
/// }).unwrap();
/// assert_eq!(t.columns, ["y", "x"]);
/// assert_eq!(t.data, ndarray::array![[2.0, 1.0], [4.0, 3.0]]);
/// ```
pub fn parse(text: &str, opts: &CsvOptions) -> Result<Table> {
    parse_reader(text.as_bytes(), opts, None, memory::limit())
}

/// What a parse may allocate, shared by the input wrapper ([`Guarded`]) and
/// the parsing loop.
struct Budget {
    /// The memory limit in bytes.
    limit: u64,
    /// Bytes handed to the CSV parser so far.
    delivered: Cell<u64>,
    /// Byte offset where the record being read starts.
    record_start: Cell<u64>,
    /// Bytes reserved for the values so far.
    values: Cell<u64>,
}

impl Budget {
    /// Bytes the CSV parser may hold for the record being read: at most
    /// the bytes since the record began, twice over while its buffer grows.
    fn record_bytes(&self) -> u64 {
        self.delivered
            .get()
            .saturating_sub(self.record_start.get())
            .saturating_mul(2)
    }
}

/// The input, refusing to deliver more once the record being read (and the
/// values already held) would exceed the memory limit: a record without
/// end, as a decompression bomb can make, stops here.
struct Guarded<R> {
    /// The input.
    inner: R,
    /// The shared budget.
    budget: Rc<Budget>,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let b = &self.budget;
        b.delivered.set(
            b.delivered
                .get()
                .saturating_add(u64::try_from(n).unwrap_or(u64::MAX)),
        );
        let need = memory::sum(&[Some(b.record_bytes()), Some(b.values.get())]);
        memory::check_against("a CSV record", need, b.limit).map_err(std::io::Error::other)?;
        Ok(n)
    }
}

/// The shared reader: `path` is only used to name I/O errors; `limit` is
/// the memory limit in bytes.
fn parse_reader<R: Read>(
    input: R,
    opts: &CsvOptions,
    path: Option<&Path>,
    limit: u64,
) -> Result<Table> {
    if opts.columns.is_some() && !opts.header {
        return Err(Error::ColumnsWithoutHeader);
    }
    let budget = Rc::new(Budget {
        limit,
        delivered: Cell::new(0),
        record_start: Cell::new(0),
        values: Cell::new(0),
    });
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(opts.delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(Guarded {
            inner: input,
            budget: Rc::clone(&budget),
        });
    let mut record = ::csv::ByteRecord::new();
    let mut layout: Option<Layout> = None;
    let mut values = Vec::new();
    let mut rows = 0usize;
    while next_record(&mut reader, &mut record, path)? {
        let line = line_of(&record);
        let held = budget.record_bytes();
        match &layout {
            Some(lay) => {
                lay.push_row(&record, line, &mut values, held, limit)?;
                rows += 1;
            }
            None => {
                let lay = Layout::new(&record, opts)?;
                if !opts.header {
                    // Without a header the first record is data.
                    lay.push_row(&record, line, &mut values, held, limit)?;
                    rows += 1;
                }
                layout = Some(lay);
            }
        }
        budget.record_start.set(reader.position().byte());
        budget
            .values
            .set(memory::bytes_of::<f64>(&[values.capacity()]).unwrap_or(u64::MAX));
    }
    let layout = layout.ok_or(Error::Empty)?;
    if rows == 0 {
        return Err(Error::Empty);
    }
    let data =
        Array2::from_shape_vec((rows, layout.names.len()), values).map_err(|e| Error::Parse {
            line: 0,
            message: format!("inconsistent table: {e}"),
        })?;
    Ok(Table {
        columns: layout.names,
        data,
    })
}

/// Reads the next record; `false` at the end of the input.
fn next_record<R: Read>(
    reader: &mut ::csv::Reader<R>,
    record: &mut ::csv::ByteRecord,
    path: Option<&Path>,
) -> Result<bool> {
    reader
        .read_byte_record(record)
        .map_err(|e| csv_error(e, path))
}

/// Maps a `csv` crate error: the memory guard of [`Guarded`] to
/// [`Error::TooLarge`], I/O (e.g. a corrupt gzip stream) to [`Error::Io`]
/// when reading a file, anything else to [`Error::Parse`].
fn csv_error(e: ::csv::Error, path: Option<&Path>) -> Error {
    let line = e
        .position()
        .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
    if let ::csv::ErrorKind::Io(source) = e.kind() {
        if let Some(m) = source
            .get_ref()
            .and_then(|e| e.downcast_ref::<MemoryError>())
        {
            return Error::TooLarge(*m);
        }
    }
    match (e.into_kind(), path) {
        (::csv::ErrorKind::Io(source), Some(path)) => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        (kind, _) => Error::Parse {
            line,
            message: format!("{kind:?}"),
        },
    }
}

/// 1-based line where `record` starts.
fn line_of(record: &::csv::ByteRecord) -> usize {
    record
        .position()
        .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
}

/// Which fields of each row to keep, under which names.
struct Layout {
    /// Field count every row must have.
    width: usize,
    /// Output column names.
    names: Vec<String>,
    /// Field index of each output column.
    indices: Vec<usize>,
}

impl Layout {
    /// Builds the layout from the first record (the header if `opts.header`).
    fn new(first: &::csv::ByteRecord, opts: &CsvOptions) -> Result<Self> {
        let width = first.len();
        if !opts.header {
            return Ok(Self {
                width,
                names: (0..width).map(|j| j.to_string()).collect(),
                indices: (0..width).collect(),
            });
        }
        let header: Vec<String> = first
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        let Some(wanted) = &opts.columns else {
            return Ok(Self {
                width,
                indices: (0..width).collect(),
                names: header,
            });
        };
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(header.len());
        for (j, h) in header.iter().enumerate().rev() {
            // Reversed, so that a repeated name selects its first column.
            index.insert(h, j);
        }
        let indices = wanted
            .iter()
            .map(|name| {
                index
                    .get(name.as_str())
                    .copied()
                    .ok_or_else(|| Error::MissingColumn { name: name.clone() })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            width,
            names: wanted.clone(),
            indices,
        })
    }

    /// Checks the row's width and appends its selected values (the growth
    /// of `out` checked against `limit` with `held` bytes held besides).
    fn push_row(
        &self,
        record: &::csv::ByteRecord,
        line: usize,
        out: &mut Vec<f64>,
        held: u64,
        limit: u64,
    ) -> Result<()> {
        if record.len() != self.width {
            return Err(Error::RaggedRow {
                line,
                expected: self.width,
                got: record.len(),
            });
        }
        for (name, &j) in self.names.iter().zip(&self.indices) {
            let field = record.get(j).unwrap_or_default();
            push_checked(
                out,
                number(field, line, name)?,
                "values of a CSV table",
                held,
                limit,
            )?;
        }
        Ok(())
    }
}

/// Parses one field as a finite `f64`.
fn number(field: &[u8], line: usize, column: &str) -> Result<f64> {
    let bad = || Error::NotANumber {
        line,
        column: column.to_string(),
        text: String::from_utf8_lossy(field).chars().take(40).collect(),
    };
    let text = std::str::from_utf8(field).map_err(|_| bad())?;
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn all() -> CsvOptions {
        CsvOptions::default()
    }

    fn select(cols: &[&str]) -> CsvOptions {
        CsvOptions {
            columns: Some(cols.iter().map(|c| c.to_string()).collect()),
            ..CsvOptions::default()
        }
    }

    #[test]
    fn parses_all_columns_with_header() {
        let t = parse("a,b\n1,2.5\n-3,4e2\n", &all()).unwrap();
        assert_eq!(t.columns, ["a", "b"]);
        assert_eq!(t.data, array![[1.0, 2.5], [-3.0, 400.0]]);
        assert_eq!(t.column("b").unwrap().to_vec(), vec![2.5, 400.0]);
        assert!(t.column("c").is_none());
    }

    #[test]
    fn parses_without_header_and_other_delimiters() {
        let opts = CsvOptions {
            delimiter: b';',
            header: false,
            columns: None,
        };
        let t = parse("1;2;3\n\n4; 5 ;6\n", &opts).unwrap();
        assert_eq!(t.columns, ["0", "1", "2"]);
        assert_eq!(t.data, array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    }

    #[test]
    fn parses_quoted_fields() {
        let text = "\"name, with comma\",\"x\"\n\"a \"\"quoted\"\"\nvalue\",\"1.5\"\nplain,2\n";
        let t = parse(text, &select(&["x"])).unwrap();
        assert_eq!(t.data, array![[1.5], [2.0]]);
        let t = parse(text, &select(&["name, with comma", "x"]));
        // The first column is text: selecting it is an error naming line 2.
        assert!(matches!(t, Err(Error::NotANumber { line: 2, .. })));
    }

    #[test]
    fn selects_columns_in_order_ignoring_text_columns() {
        let text = "time,x,y,z\n00:01,1,2,3\n00:02,4,5,6\n";
        let t = parse(text, &select(&["z", "x"])).unwrap();
        assert_eq!(t.columns, ["z", "x"]);
        assert_eq!(t.data, array![[3.0, 1.0], [6.0, 4.0]]);
    }

    #[test]
    fn ragged_rows_are_an_error_naming_the_line() {
        let e = parse("a,b\n1,2\n3\n", &all()).unwrap_err();
        assert!(matches!(
            e,
            Error::RaggedRow {
                line: 3,
                expected: 2,
                got: 1
            }
        ));
        assert_eq!(
            e.to_string(),
            "line 3: ragged row: expected 2 fields, got 1"
        );
    }

    #[test]
    fn missing_and_non_finite_values_are_errors() {
        for bad in ["", "nan", "NaN", "inf", "-inf", "x", "1.2.3"] {
            let e = parse(&format!("a,b\n1,2\n3,{bad}\n"), &all()).unwrap_err();
            match e {
                Error::NotANumber { line, column, text } => {
                    assert_eq!((line, column.as_str(), text.as_str()), (3, "b", bad));
                }
                other => panic!("{bad}: {other}"),
            }
        }
        let e = parse("a\n\"\"\n", &all()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, column `a`: `` is not a finite number (missing values are not supported)"
        );
    }

    #[test]
    fn an_absent_column_is_an_error_naming_it() {
        let e = parse("a,b\n1,2\n", &select(&["a", "c"])).unwrap_err();
        assert!(matches!(e, Error::MissingColumn { ref name } if name == "c"));
        assert_eq!(e.to_string(), "column `c` is not in the header");
    }

    #[test]
    fn columns_without_header_is_an_error() {
        let opts = CsvOptions {
            header: false,
            ..select(&["a"])
        };
        assert!(matches!(
            parse("1,2\n", &opts),
            Err(Error::ColumnsWithoutHeader)
        ));
    }

    #[test]
    fn no_data_rows_is_empty() {
        assert!(matches!(parse("", &all()), Err(Error::Empty)));
        assert!(matches!(parse("a,b\n", &all()), Err(Error::Empty)));
        assert!(matches!(parse("\n\n", &all()), Err(Error::Empty)));
    }

    #[test]
    fn values_or_a_record_past_the_limit_are_refused() {
        let text = format!("a\n{}", "1\n".repeat(1000));
        let e = parse_reader(text.as_bytes(), &all(), None, 4096).unwrap_err();
        assert!(
            matches!(e, Error::TooLarge(m) if m.what == "values of a CSV table"),
            "{e}"
        );
        // One endless record (an unclosed quote) stops at the limit while it
        // is read, long before the input ends.
        let endless = std::io::Read::chain(&b"a\n\""[..], std::io::repeat(b'x'));
        let e = parse_reader(endless, &all(), None, 1 << 20).unwrap_err();
        assert!(
            matches!(e, Error::TooLarge(m) if m.what == "a CSV record"),
            "{e}"
        );
        let t = parse_reader(text.as_bytes(), &all(), None, 1 << 20).unwrap();
        assert_eq!(t.data.dim(), (1000, 1));
    }

    #[test]
    fn a_missing_file_is_an_io_error_naming_it() {
        let e = read("/nonexistent/table.csv", &all()).unwrap_err();
        assert!(
            matches!(e, Error::Io { ref path, .. } if path == Path::new("/nonexistent/table.csv"))
        );
    }
}
