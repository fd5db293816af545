//! The UEA/UCR `.ts` format (sktime / aeon time-series archives).
//!
//! A file has `#` comment lines, `@key value` header lines, then `@data`;
//! each following line is one series: channels separated by `:`, values by
//! `,`, and (when `@classLabel true ...`) the class label after the last `:`.
//! This reader supports equal-length series without timestamps; ragged
//! series, missing values (`?` or `NaN`) and timestamped data are reported as
//! errors naming the line.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use ndarray::Array3;
use tda_persistence::memory;

use crate::error::{Error, Result};
use crate::limits::push_checked;

/// A labelled collection of equal-length multichannel series.
#[derive(Debug, Clone, PartialEq)]
pub struct TsDataset {
    /// `@problemName`, if given.
    pub problem_name: Option<String>,
    /// Values, shape `(series, channels, length)`.
    pub data: Array3<f64>,
    /// One label per series (empty if the file has no class labels).
    pub labels: Vec<String>,
    /// Class names declared by `@classLabel true ...`, in declaration order.
    pub class_names: Vec<String>,
}

impl TsDataset {
    /// The label of each series as an index into [`class_names`](Self::class_names).
    ///
    /// # Errors
    /// [`Error::Parse`] (line 0) if a label is not a declared class.
    pub fn label_indices(&self) -> Result<Vec<usize>> {
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(self.class_names.len());
        for (i, c) in self.class_names.iter().enumerate().rev() {
            // Reversed, so that a repeated name maps to its first position.
            index.insert(c, i);
        }
        self.labels
            .iter()
            .map(|l| {
                index.get(l.as_str()).copied().ok_or_else(|| Error::Parse {
                    line: 0,
                    message: format!(
                        "label `{l}` is not among the declared classes {:?}",
                        self.class_names
                    ),
                })
            })
            .collect()
    }
}

/// Reads a `.ts` file; see [`parse`]. The file's text is held in memory
/// while it is parsed: its length is checked against the memory limit
/// ([`tda_persistence::memory`]) before it is read.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read (or is a directory, or is not
/// UTF-8); [`Error::TooLarge`] if the text, or the text and the values
/// parsed from it, would exceed the memory limit; else as [`parse`].
pub fn read(path: impl AsRef<Path>) -> Result<TsDataset> {
    let path = path.as_ref();
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    memory::check("text of a .ts file", Some(len))?;
    let text = std::fs::read_to_string(path).map_err(io)?;
    parse(&text)
}

/// Parses the text of a `.ts` file. Header fields that announce sizes
/// (`@seriesLength`, `@dimensions`) are not trusted: the values are
/// collected as they are read, and the buffer they grow in is checked
/// against the memory limit ([`tda_persistence::memory`]) before each
/// growth, counting the text held.
///
/// # Errors
/// [`Error::Parse`] naming the line for a malformed header, a value that is
/// not a finite number, a missing value, a series whose channel count or
/// length differs from the first one, a missing or undeclared label, or
/// timestamped data; [`Error::Empty`] if there is no series;
/// [`Error::TooLarge`] if the values would exceed the memory limit.
pub fn parse(text: &str) -> Result<TsDataset> {
    parse_limited(text, memory::limit())
}

/// [`parse`] with the memory limit `limit` in bytes.
fn parse_limited(text: &str, limit: u64) -> Result<TsDataset> {
    let held = u64::try_from(text.len()).unwrap_or(u64::MAX);
    let mut problem_name = None;
    let mut has_labels = false;
    let mut class_names = Vec::new();
    let mut class_set: HashSet<String> = HashSet::new();
    let mut in_data = false;
    let mut values = Vec::new();
    let mut labels = Vec::new();
    let mut shape: Option<(usize, usize)> = None;
    let mut n_series = 0;

    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        let err = |message: String| Error::Parse {
            line: line_no,
            message,
        };
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !in_data {
            let Some(header) = line.strip_prefix('@') else {
                return Err(err(format!(
                    "expected a header line or @data, found `{}`",
                    short(line)
                )));
            };
            let mut words = header.split_whitespace();
            let key = words.next().unwrap_or("").to_ascii_lowercase();
            match key.as_str() {
                "data" => in_data = true,
                "problemname" => problem_name = words.next().map(str::to_string),
                "timestamps" if words.next() == Some("true") => {
                    return Err(err("timestamped series are not supported".into()))
                }
                "classlabel" => {
                    has_labels = words.next() == Some("true");
                    class_names = words.map(str::to_string).collect();
                    class_set = class_names.iter().cloned().collect();
                }
                _ => {}
            }
            continue;
        }
        let mut parts: Vec<&str> = line.split(':').collect();
        let label = if has_labels {
            if parts.len() < 2 {
                return Err(err("series without a class label".into()));
            }
            let l = parts.pop().unwrap_or_default().trim().to_string();
            if !class_set.contains(&l) {
                return Err(err(format!(
                    "label `{l}` is not among the declared classes {class_names:?}"
                )));
            }
            Some(l)
        } else {
            None
        };
        let mut length = None;
        for (c, channel) in parts.iter().enumerate() {
            let before = values.len();
            for token in channel.split(',') {
                let token = token.trim();
                if token == "?" || token.eq_ignore_ascii_case("nan") {
                    return Err(err(format!("missing value in channel {c}")));
                }
                let v: f64 = token.parse().map_err(|_| {
                    err(format!("`{}` in channel {c} is not a number", short(token)))
                })?;
                if !v.is_finite() {
                    return Err(err(format!("non-finite value `{token}` in channel {c}")));
                }
                push_checked(&mut values, v, "values of a .ts file", held, limit)?;
            }
            let len = values.len() - before;
            match length {
                None => length = Some(len),
                Some(l) if l != len => {
                    return Err(err(format!(
                        "ragged series: channel {c} has {len} values, channel 0 has {l}"
                    )))
                }
                _ => {}
            }
        }
        let this = (parts.len(), length.unwrap_or(0));
        match shape {
            None => shape = Some(this),
            Some(s) if s != this => {
                return Err(err(format!(
                    "series has {} channels of length {}, the first series has {} of length {}",
                    this.0, this.1, s.0, s.1
                )))
            }
            _ => {}
        }
        labels.extend(label);
        n_series += 1;
    }
    let (channels, length) = shape.ok_or(Error::Empty)?;
    let data =
        Array3::from_shape_vec((n_series, channels, length), values).map_err(|e| Error::Parse {
            line: 0,
            message: format!("inconsistent data: {e}"),
        })?;
    Ok(TsDataset {
        problem_name,
        data,
        labels,
        class_names,
    })
}

/// The first 40 characters of `s`, for error messages.
fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "@problemName Toy\n@univariate false\n@classLabel true a b\n@data\n";

    fn parse_err(body: &str) -> String {
        parse(&format!("{HEADER}{body}")).unwrap_err().to_string()
    }

    #[test]
    fn parses_multivariate_with_labels() {
        let ds = parse(&format!(
            "# comment\n{HEADER}1,2,3:4,5,6:a\n7,8,9:10,11,12:b\n"
        ))
        .unwrap();
        assert_eq!(ds.problem_name.as_deref(), Some("Toy"));
        assert_eq!(ds.data.dim(), (2, 2, 3));
        assert_eq!(ds.data[[1, 1, 2]], 12.0);
        assert_eq!(ds.labels, vec!["a", "b"]);
        assert_eq!(ds.label_indices().unwrap(), vec![0, 1]);
    }

    #[test]
    fn parses_unlabelled() {
        let ds = parse("@classLabel false\n@data\n1,2\n3,4\n").unwrap();
        assert_eq!(ds.data.dim(), (2, 1, 2));
        assert!(ds.labels.is_empty());
    }

    #[test]
    fn ragged_channels_are_an_error_naming_the_line() {
        assert_eq!(
            parse_err("1,2,3:4,5:a\n"),
            "line 5: ragged series: channel 1 has 2 values, channel 0 has 3"
        );
    }

    #[test]
    fn ragged_series_are_an_error() {
        assert!(
            parse_err("1,2,3:a\n1,2:b\n").starts_with("line 6: series has 1 channels of length 2")
        );
    }

    #[test]
    fn missing_values_are_an_error() {
        assert_eq!(parse_err("1,?,3:a\n"), "line 5: missing value in channel 0");
        assert_eq!(
            parse_err("1,NaN,3:a\n"),
            "line 5: missing value in channel 0"
        );
    }

    #[test]
    fn bad_numbers_and_labels_are_errors() {
        assert_eq!(
            parse_err("1,x,3:a\n"),
            "line 5: `x` in channel 0 is not a number"
        );
        assert_eq!(
            parse_err("1,inf,3:a\n"),
            "line 5: non-finite value `inf` in channel 0"
        );
        assert!(parse_err("1,2,3:c\n").contains("label `c` is not among"));
        assert_eq!(parse_err("1,2,3\n"), "line 5: series without a class label");
    }

    #[test]
    fn values_growing_past_the_limit_are_refused() {
        let text = format!("@classLabel false\n@data\n{}\n", vec!["1"; 1000].join(","));
        let e = parse_limited(&text, 4096).unwrap_err();
        assert!(
            matches!(e, Error::TooLarge(m) if m.what == "values of a .ts file"),
            "{e}"
        );
        assert_eq!(
            parse_limited(&text, 1 << 20).unwrap().data.dim(),
            (1, 1, 1000)
        );
    }

    #[test]
    fn empty_and_garbage_files_are_errors() {
        assert!(matches!(parse(HEADER), Err(Error::Empty)));
        assert!(matches!(
            parse("hello\n"),
            Err(Error::Parse { line: 1, .. })
        ));
        assert!(parse("@timeStamps true\n@data\n").is_err());
        assert!(matches!(
            read("/nonexistent/file.ts"),
            Err(Error::Io { .. })
        ));
    }
}
