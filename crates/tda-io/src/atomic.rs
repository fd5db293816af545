//! Atomic file writes: write a temporary file next to the target, flush and
//! sync it, then rename it over the target. Readers never see a partial file,
//! and on any failure (including a panic in the writer) the temporary file is
//! removed and the target is left untouched.

use std::fs::{File, OpenOptions};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};

/// Distinguishes temporary files of concurrent writes within one process.
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Writes `path` atomically; `write` fills a buffered writer on a temporary
/// file in the same directory.
///
/// # Errors
/// [`Error::Io`] naming `path` if the temporary file cannot be created,
/// written, synced or renamed; whatever `write` returns.
pub(crate) fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = temp_path(path).map_err(io_err)?;
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(io_err)?;
    let guard = TempGuard(Some(tmp));
    let mut writer = BufWriter::new(file);
    write(&mut writer)?;
    let file = writer.into_inner().map_err(|e| io_err(e.into_error()))?;
    file.sync_all().map_err(io_err)?;
    drop(file);
    guard.commit(path).map_err(io_err)
}

/// `dir/.{name}.tmp{pid}.{n}` for target `dir/name`.
fn temp_path(path: &Path) -> std::io::Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path does not name a file",
        )
    })?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp_name = format!(".{}.tmp{}.{n}", name.to_string_lossy(), std::process::id());
    Ok(path.with_file_name(tmp_name))
}

/// Removes the temporary file on drop unless it was renamed into place.
struct TempGuard(Option<PathBuf>);

impl TempGuard {
    /// Renames the temporary file to `target`; on failure the drop removes it.
    fn commit(mut self, target: &Path) -> std::io::Result<()> {
        if let Some(tmp) = &self.0 {
            std::fs::rename(tmp, target)?;
            self.0 = None;
        }
        Ok(())
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(tmp) = self.0.take() {
            // Best effort: the write already failed, report that error.
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes `bytes` to `path` atomically (a temporary file in the same
/// directory, synced, then renamed over `path`): a reader sees the old
/// file or the whole new one, and a failed write leaves nothing behind.
///
/// # Errors
/// [`Error::Io`] naming `path` if the file cannot be written or renamed.
pub fn write_file(path: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
    let path = path.as_ref();
    write_atomic(path, |w| {
        std::io::Write::write_all(w, bytes).map_err(|e| io_error(path, e))
    })
}

/// Maps an I/O error while filling the temporary file to [`Error::Io`] on `path`.
pub(crate) fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn scratch_dir(tag: &str) -> PathBuf {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("tda-io-atomic-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_and_replaces_leaving_no_temp_file() {
        let dir = scratch_dir("ok");
        let target = dir.join("out.bin");
        write_atomic(&target, |w| {
            w.write_all(b"one").map_err(|e| io_error(&target, e))
        })
        .unwrap();
        write_atomic(&target, |w| {
            w.write_all(b"two").map_err(|e| io_error(&target, e))
        })
        .unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        assert_eq!(entries(&dir), vec!["out.bin"]);
        write_file(&target, b"three").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"three");
        assert_eq!(entries(&dir), vec!["out.bin"]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failing_writer_leaves_nothing_and_keeps_the_old_file() {
        let dir = scratch_dir("fail");
        let target = dir.join("out.bin");
        std::fs::write(&target, b"old").unwrap();
        let r = write_atomic(&target, |w| {
            w.write_all(b"partial").map_err(|e| io_error(&target, e))?;
            Err(Error::Empty)
        });
        assert!(matches!(r, Err(Error::Empty)));
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(entries(&dir), vec!["out.bin"]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_panicking_writer_leaves_nothing() {
        let dir = scratch_dir("panic");
        let target = dir.join("out.bin");
        let r = std::panic::catch_unwind(|| {
            let _ = write_atomic(&target, |_| panic!("boom"));
        });
        assert!(r.is_err());
        assert!(entries(&dir).is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_directory_or_a_bare_root_is_an_io_error() {
        let target = std::env::temp_dir().join("tda-io-no-such-dir-xyz/sub/out.bin");
        let r = write_atomic(&target, |_| Ok(()));
        assert!(matches!(r, Err(Error::Io { ref path, .. }) if path == &target));
        assert!(matches!(
            write_atomic(Path::new("/"), |_| Ok(())),
            Err(Error::Io { .. })
        ));
    }
}
