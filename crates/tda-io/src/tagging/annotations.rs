//! Parsing MagnaTagATune's `annotations_final.csv`.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::error::{AnnotationProblem, Error, Result};

/// The annotation table as read: tag names, then per clip row its id, its
/// relative path, its 1-based line and its tags (flat, row major).
pub(crate) struct Annotations {
    pub(crate) tag_names: Vec<String>,
    pub(crate) rows: Vec<Row>,
    pub(crate) labels: Vec<u8>,
}

/// One clip row of the annotation table.
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) path: PathBuf,
    pub(crate) line: usize,
}

/// At most 40 characters of `text`, for error messages.
fn excerpt(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Parses the annotation text (`path` names the file in errors).
pub(crate) fn parse(text: &[u8], path: &Path) -> Result<Annotations> {
    let fail = |line: usize, problem: AnnotationProblem| Error::Annotations {
        path: path.to_path_buf(),
        line,
        problem,
    };
    let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text);
    let mut record = ::csv::StringRecord::new();
    let read = |reader: &mut ::csv::Reader<&[u8]>, record: &mut ::csv::StringRecord| {
        reader.read_record(record).map_err(|e| {
            let line = e
                .position()
                .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
            let message = match e.kind() {
                ::csv::ErrorKind::Utf8 { .. } => "the record is not valid UTF-8".to_string(),
                _ => e.to_string(),
            };
            fail(line, AnnotationProblem::Syntax(message))
        })
    };
    if !read(&mut reader, &mut record)? {
        return Err(fail(
            1,
            AnnotationProblem::Header("the file is empty".to_string()),
        ));
    }
    let header_line = line_of(&record);
    let header: Vec<String> = record.iter().map(str::to_string).collect();
    let mut seen = HashMap::new();
    for (j, name) in header.iter().enumerate() {
        if let Some(first) = seen.insert(name.as_str(), j) {
            return Err(fail(
                header_line,
                AnnotationProblem::Header(format!(
                    "column `{}` appears twice (columns {} and {})",
                    excerpt(name),
                    first + 1,
                    j + 1
                )),
            ));
        }
    }
    let column = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            fail(
                header_line,
                AnnotationProblem::Header(format!("no `{name}` column")),
            )
        })
    };
    let id_col = column("clip_id")?;
    let path_col = column("mp3_path")?;
    let tag_cols: Vec<usize> = (0..header.len())
        .filter(|&j| j != id_col && j != path_col)
        .collect();
    if tag_cols.is_empty() {
        return Err(fail(
            header_line,
            AnnotationProblem::Header("no tag columns besides clip_id and mp3_path".to_string()),
        ));
    }
    let tag_names: Vec<String> = tag_cols.iter().map(|&j| header[j].clone()).collect();

    let mut rows = Vec::new();
    let mut labels = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    while read(&mut reader, &mut record)? {
        let line = line_of(&record);
        if record.len() != header.len() {
            return Err(fail(
                line,
                AnnotationProblem::FieldCount {
                    expected: header.len(),
                    got: record.len(),
                },
            ));
        }
        let id = record[id_col].to_string();
        if id.is_empty() {
            return Err(fail(
                line,
                AnnotationProblem::Syntax("the clip_id is empty".to_string()),
            ));
        }
        let rel = &record[path_col];
        let rel_path =
            checked_relative(rel).map_err(|m| fail(line, AnnotationProblem::BadPath(m)))?;
        for (&j, name) in tag_cols.iter().zip(&tag_names) {
            match &record[j] {
                "0" => labels.push(0),
                "1" => labels.push(1),
                other => {
                    return Err(fail(
                        line,
                        AnnotationProblem::TagValue {
                            column: name.clone(),
                            text: excerpt(other),
                        },
                    ))
                }
            }
        }
        if let Some(&first_line) = ids.get(&id) {
            return Err(fail(
                line,
                AnnotationProblem::DuplicateClip { id, first_line },
            ));
        }
        ids.insert(id.clone(), line);
        rows.push(Row {
            id,
            path: rel_path,
            line,
        });
    }
    if rows.is_empty() {
        return Err(fail(header_line, AnnotationProblem::NoClips));
    }
    Ok(Annotations {
        tag_names,
        rows,
        labels,
    })
}

/// The 1-based line where `record` starts.
fn line_of(record: &::csv::StringRecord) -> usize {
    record
        .position()
        .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
}

/// `text` as a relative path that stays below the audio root: not empty,
/// not absolute, no `..`; `.` components are dropped.
fn checked_relative(text: &str) -> std::result::Result<PathBuf, String> {
    if text.is_empty() {
        return Err("the path is empty".to_string());
    }
    let mut out = PathBuf::new();
    for c in Path::new(text).components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                return Err(format!("`{}` leaves the audio root (..)", excerpt(text)))
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!("`{}` is absolute", excerpt(text)))
            }
        }
    }
    if out.as_os_str().is_empty() {
        return Err(format!("`{}` names no file", excerpt(text)));
    }
    Ok(out)
}
