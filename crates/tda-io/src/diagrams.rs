//! Sets of persistence diagrams in files: JSON and NumPy `.npz`.
//!
//! **JSON** ([`read_diagrams_json`], [`write_diagrams_json`]) is the
//! diagram format of [`tda_persistence`]'s crate docs: one diagram is
//! `{"dim": 0, "pairs": [[b, d], ...]}` with infinite deaths as the strings
//! `"inf"` / `"-inf"`; a file holds a list of them (`[{...}, {...}]`), or
//! one diagram on its own when read. Written files hold a list, one
//! diagram per line; numbers are written so that they read back bit for
//! bit.
//!
//! **`.npz`** ([`read_diagrams_npz`], [`write_diagrams_npz`]) is a zip
//! archive of `.npy` arrays, what `numpy.savez` writes and `numpy.load`
//! reads: diagram `i` of dimension `dim` is the member
//! `dgm_<i>_dim<dim>.npy`, a little-endian float64 array (`'<f8'`) of shape
//! `(n, 2)`, one row `[birth, death]` per pair, infinite deaths as `inf` /
//! `-inf`. In Python:
//!
//! ```python
//! z = np.load("diagrams.npz")
//! diagrams = [z[k] for k in sorted(z.files, key=lambda k: int(k.split("_")[1]))]
//! dims = [int(k.rsplit("_dim", 1)[1]) for k in sorted(z.files, key=lambda k: int(k.split("_")[1]))]
//! ```
//!
//! and `np.savez(path, dgm_0_dim0=a, dgm_1_dim1=b)` (or
//! `np.savez_compressed`) writes a file this module reads. Members are
//! written uncompressed (stored) with a fixed timestamp, so equal diagrams
//! give equal files. Reading wants exactly the members `dgm_0_dim*` ..
//! `dgm_<n-1>_dim*`, in any order, each a 2-D float64 array with 2 columns
//! (any order, C or Fortran).
//!
//! Both readers sort each diagram's pairs into canonical order
//! ([`Diagram::new`]), refuse NaN and infinite births (what the writers
//! refuse to write), check sizes against the process-wide memory limit
//! ([`tda_persistence::memory`]) before allocating, and return a typed
//! error, never a panic, on corrupt input. Both writers are atomic
//! ([`crate::write_file`]).
//!
//! ```
//! use tda_persistence::{Diagram, PersistencePair};
//! let dir = std::env::temp_dir().join(format!("tda-io-doc-diagrams-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let d = vec![
//!     Diagram::new(0, vec![PersistencePair::new(0.0, f64::INFINITY), PersistencePair::new(0.5, 1.0)]),
//!     Diagram::new(1, vec![]),
//! ];
//! tda_io::write_diagrams_json(dir.join("d.json"), &d).unwrap();
//! assert_eq!(
//!     std::fs::read_to_string(dir.join("d.json")).unwrap(),
//!     "[\n{\"dim\":0,\"pairs\":[[0.0,\"inf\"],[0.5,1.0]]},\n{\"dim\":1,\"pairs\":[]}\n]\n"
//! );
//! assert_eq!(tda_io::read_diagrams_json(dir.join("d.json")).unwrap(), d);
//! tda_io::write_diagrams_npz(dir.join("d.npz"), &d).unwrap();
//! assert_eq!(tda_io::read_diagrams_npz(dir.join("d.npz")).unwrap(), d);
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use ndarray::Array2;
use tda_persistence::{memory, Diagram};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::atomic::{io_error, write_atomic, write_file};
use crate::error::{Error, Result};
use crate::limits::reserve_checked;
use crate::npy::{open_file, read_npy_from, write_npy_to};

/// The first NaN value or infinite birth in `diagrams`, as a message
/// naming the diagram and the pair: what neither format can hold.
fn unwritable(diagrams: &[Diagram]) -> Option<String> {
    diagrams.iter().enumerate().find_map(|(i, d)| {
        d.iter().enumerate().find_map(|(j, p)| {
            (!p.birth.is_finite() || p.death.is_nan()).then(|| {
                format!(
                    "diagram {i}, pair {j} = {p}: NaN values and infinite births cannot be written \
                     (only deaths may be infinite)"
                )
            })
        })
    })
}

/// Maps a serde_json error to [`Error::DiagramJson`] on `path`.
fn json_error(path: &Path, e: &serde_json::Error, prefix: &str) -> Error {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    Error::DiagramJson {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: format!("{prefix}{message}"),
    }
}

/// Reads a JSON diagram file: a list of diagrams `[{...}, ...]`, or one
/// diagram `{...}` (read as a list of one). See the [module docs](self) and
/// [`tda_persistence`]'s crate docs for the format.
///
/// ```no_run
/// let diagrams = tda_io::read_diagrams_json("diagrams.json")?;
/// # Ok::<(), tda_io::Error>(())
/// ```
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read (or is a directory);
/// [`Error::TooLarge`] if the file is larger than the memory limit;
/// [`Error::DiagramJson`] with the line and column of the problem for
/// malformed JSON (or not UTF-8), a NaN (`"nan"`) or an infinite birth, a
/// pair that is not `[birth, death]`, a `dim` that is not a non-negative
/// integer, a missing, repeated or unknown key, or a top level that is
/// neither a diagram nor a list.
pub fn read_diagrams_json(path: impl AsRef<Path>) -> Result<Vec<Diagram>> {
    let path = path.as_ref();
    let (file, len) = open_file(path)?;
    memory::check("diagram JSON file", Some(len))?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // Bounded by the checked length: a file growing meanwhile is cut there
    // and reads as malformed.
    file.take(len)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        serde_json::from_slice::<Diagram>(&bytes)
            .map(|d| vec![d])
            .map_err(|e| json_error(path, &e, ""))
    } else {
        serde_json::from_slice::<Vec<Diagram>>(&bytes).map_err(|e| {
            json_error(
                path,
                &e,
                if first == Some(&b'[') {
                    ""
                } else {
                    "expected a diagram or a list of diagrams: "
                },
            )
        })
    }
}

/// Writes `diagrams` to a JSON diagram file, atomically: a list, one
/// diagram per line (`[\n{"dim":0,"pairs":[[0.0,"inf"]]},\n...\n]\n`; an
/// empty set is `[]`). An existing file is replaced.
///
/// # Errors
/// [`Error::DiagramJson`] (line and column 0) naming the diagram and pair
/// if a value is NaN or a birth infinite, which the format cannot hold
/// (nothing is written); [`Error::Io`] if the file cannot be written (see
/// [`crate::write_file`]).
pub fn write_diagrams_json(path: impl AsRef<Path>, diagrams: &[Diagram]) -> Result<()> {
    let path = path.as_ref();
    let refuse = |message| Error::DiagramJson {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        message,
    };
    if let Some(message) = unwritable(diagrams) {
        return Err(refuse(message));
    }
    let mut text = String::from("[");
    for (i, d) in diagrams.iter().enumerate() {
        text.push_str(if i == 0 { "\n" } else { ",\n" });
        let one = serde_json::to_string(d).map_err(|e| refuse(format!("diagram {i}: {e}")))?;
        text.push_str(&one);
    }
    text.push_str(if diagrams.is_empty() { "]\n" } else { "\n]\n" });
    write_file(path, text.as_bytes())
}

/// The member name of diagram `index` of dimension `dim` in an `.npz`
/// archive, without the `.npy` suffix (the key `numpy.load` gives it):
/// `dgm_<index>_dim<dim>`.
///
/// ```
/// assert_eq!(tda_io::diagrams::npz_key(3, 1), "dgm_3_dim1");
/// ```
pub fn npz_key(index: usize, dim: usize) -> String {
    format!("dgm_{index}_dim{dim}")
}

/// Parses a member name `dgm_<i>_dim<dim>.npy` (decimal digits only).
fn parse_member(name: &str) -> Option<(usize, usize)> {
    let rest = name.strip_prefix("dgm_")?.strip_suffix(".npy")?;
    let (i, dim) = rest.split_once("_dim")?;
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<usize>().ok())
            .flatten()
    };
    Some((number(i)?, number(dim)?))
}

/// Writes `diagrams` to an `.npz` archive, atomically: member
/// `dgm_<i>_dim<dim>.npy` holds diagram `i` as an `(n, 2)` float64 array
/// ([`Diagram::to_array`]); see the [module docs](self). An existing file
/// is replaced.
///
/// # Errors
/// [`Error::DiagramNpz`] naming the diagram and pair if a value is NaN or a
/// birth infinite (nothing is written); [`Error::Io`] if the file cannot
/// be written (see [`crate::write_file`]) or the archive cannot be
/// assembled.
pub fn write_diagrams_npz(path: impl AsRef<Path>, diagrams: &[Diagram]) -> Result<()> {
    let path = path.as_ref();
    if let Some(message) = unwritable(diagrams) {
        return Err(Error::DiagramNpz {
            path: path.to_path_buf(),
            message,
        });
    }
    let zip_error = |e: zip::result::ZipError| io_error(path, std::io::Error::other(e));
    write_atomic(path, |w| {
        let mut zip = ZipWriter::new(w);
        for (i, d) in diagrams.iter().enumerate() {
            // The .npy header is under 128 bytes; past 4 GiB a member needs ZIP64.
            let large = d.len() >= (u32::MAX as usize - 1024) / 16;
            let options = SimpleFileOptions::default()
                .compression_method(CompressionMethod::Stored)
                .last_modified_time(DateTime::default())
                .large_file(large);
            zip.start_file(format!("{}.npy", npz_key(i, d.dim)), options)
                .map_err(zip_error)?;
            write_npy_to(&mut zip, &d.to_array(), path)?;
        }
        zip.finish().map_err(zip_error)?;
        Ok(())
    })
}

/// Reads an `.npz` archive of diagrams as [`write_diagrams_npz`] writes it
/// (or `numpy.savez` / `numpy.savez_compressed` with the same member
/// names); see the [module docs](self). Each member is read with every
/// check of [`crate::npy::read_npy`].
///
/// ```no_run
/// let diagrams = tda_io::read_diagrams_npz("diagrams.npz")?;
/// # Ok::<(), tda_io::Error>(())
/// ```
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read (or is a directory);
/// [`Error::DiagramNpz`] if it is not a zip archive (random bytes, a
/// truncated file), a member is encrypted, compressed by an unsupported
/// method, corrupt, or fails its checksum, or is not named `dgm_<i>_dim<dim>.npy`, the
/// indices are not exactly `0..n` (missing or repeated), or a member's
/// array is not a diagram (not 2 columns, NaN, an infinite birth);
/// [`Error::NpyFormat`], [`Error::NpyDtype`] (e.g. an integer array) or
/// [`Error::NpyNdim`] naming `<archive>/<member>` for a malformed member;
/// [`Error::TooLarge`] if a member (as it decompresses) or its array
/// exceeds the memory limit.
pub fn read_diagrams_npz(path: impl AsRef<Path>) -> Result<Vec<Diagram>> {
    let path = path.as_ref();
    let npz = |path: &Path, message: String| Error::DiagramNpz {
        path: path.to_path_buf(),
        message,
    };
    let (file, _) = open_file(path)?;
    let mut archive = ZipArchive::new(BufReader::new(file)).map_err(|e| match e {
        zip::result::ZipError::Io(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
            io_error(path, e)
        }
        e => npz(path, format!("not a zip archive: {e}")),
    })?;
    let n = archive.len();
    // The member count comes from the archive's central directory, which
    // the zip reader has already held in memory, a few dozen bytes a member.
    memory::check(
        "diagrams of an .npz file",
        memory::bytes_of::<Option<Diagram>>(&[n]),
    )?;
    let mut slots: Vec<Option<Diagram>> = vec![None; n];
    for k in 0..n {
        let mut entry = archive
            .by_index(k)
            .map_err(|e| npz(path, format!("member {k}: {e}")))?;
        let name = entry
            .name()
            .map_err(|e| npz(path, format!("member {k}: {e}")))?
            .into_owned();
        let member: PathBuf = path.join(&name);
        let Some((index, dim)) = parse_member(&name).filter(|_| !entry.is_dir()) else {
            return Err(npz(
                path,
                format!("member `{name}` is not named dgm_<index>_dim<dim>.npy"),
            ));
        };
        if index >= n {
            return Err(npz(
                path,
                format!("member `{name}` has index {index} but the archive holds {n} members (indices 0..{n})"),
            ));
        }
        if slots[index].is_some() {
            return Err(npz(path, format!("index {index} appears twice (`{name}`)")));
        }
        // The sizes a zip archive announces are not backed by its length
        // (a deflated member expands): the member is read into memory as it
        // comes, checked against the memory limit as it grows, and its CRC
        // checked at its end, before the .npy reader sees it.
        let mut bytes: Vec<u8> = Vec::new();
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            let got = match entry.read(&mut chunk) {
                Ok(0) => break,
                Ok(got) => got,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(npz(&member, format!("corrupt member: {e}"))),
            };
            reserve_checked(
                &mut bytes,
                got,
                "member of an .npz file",
                0,
                memory::limit(),
            )?;
            bytes.extend_from_slice(&chunk[..got]);
        }
        let array: Array2<f64> = read_npy_from(bytes.as_slice(), bytes.len() as u64, &member)?;
        let d = Diagram::from_array(dim, array.view()).map_err(|e| npz(&member, e.to_string()))?;
        slots[index] = Some(d);
    }
    // Every index below `n` was filled once by one of the `n` members.
    Ok(slots.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names() {
        assert_eq!(parse_member("dgm_0_dim0.npy"), Some((0, 0)));
        assert_eq!(parse_member("dgm_12_dim3.npy"), Some((12, 3)));
        for bad in [
            "dgm_0_dim0",
            "dgm_0_dim.npy",
            "dgm__dim0.npy",
            "dgm_+1_dim0.npy",
            "dgm_-1_dim0.npy",
            "dgm_1_dim0.npy.npy",
            "x/dgm_1_dim0.npy",
            "dgm_99999999999999999999999_dim0.npy",
            "arr_0.npy",
        ] {
            assert_eq!(parse_member(bad), None, "{bad}");
        }
    }
}
