//! Atomic, durable file writes and the cleanup of temporary files left by
//! killed writers.
//!
//! A write goes to a fresh temporary file in the target's directory,
//! created exclusively (`O_EXCL`, through [`tempfile`]) under a name of its
//! own, `.<name>.tda-tmp-<pid>-<random>` (`<name>` is the target's file
//! name cut to at most 100 bytes, `<pid>` the writing process, `<random>`
//! 12 letters and digits). The file is flushed and synced, renamed over
//! the target, and (on Unix) the directory is synced so that the rename
//! survives a crash. Readers see the old file or the whole new one, never
//! a part. On any error, and on a panic in the writer, the temporary file
//! is removed and the target is left as it was. Concurrent writers to one
//! target (threads or processes) each have their own temporary file: the
//! last rename wins and the target is always one complete file.
//!
//! A process killed while writing leaves its temporary file behind; the
//! first write of a process into a directory removes such stale files
//! there (see [`clean_stale_temp_files`], which can also be called
//! directly).

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};

/// The part of a temporary file's name that marks it as ours.
const MARKER: &str = ".tda-tmp-";

/// Number of random letters and digits ending a temporary file's name.
const RANDOM_LEN: usize = 12;

/// Most bytes of the target's name kept in a temporary file's name (file
/// names are limited to 255 bytes on common file systems).
const NAME_BYTES: usize = 100;

/// Age (time since the last modification) beyond which a temporary file of
/// another process is stale even if a process with its id is running.
pub const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Writes `path` atomically and durably; `write` fills a buffered writer on
/// a temporary file in the same directory (see the module documentation).
///
/// # Errors
/// [`Error::Io`] naming `path` if it does not name a file, is a directory,
/// or if the temporary file cannot be created, written, synced or renamed,
/// or the directory cannot be synced; whatever `write` returns. In every
/// error case the temporary file is gone.
pub(crate) fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&File>) -> Result<()>,
{
    let io_err = |source| io_error(path, source);
    let name = path.file_name().ok_or_else(|| {
        io_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path does not name a file",
        ))
    })?;
    if path.is_dir() {
        return Err(io_err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "the target is a directory",
        )));
    }
    let dir = parent_dir(path);
    clean_once(dir);
    let temp = create_temp(dir, &temp_prefix(name)).map_err(io_err)?;
    // From here on, dropping `temp` (an error return or a panic) removes it.
    {
        let mut writer = BufWriter::new(temp.as_file());
        write(&mut writer)?;
        writer.flush().map_err(io_err)?;
    }
    temp.as_file().sync_all().map_err(io_err)?;
    // On failure the returned error owns the temporary file; dropping it
    // removes the file.
    temp.persist(path).map_err(|e| io_err(e.error))?;
    sync_dir(dir).map_err(io_err)
}

/// The directory holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The start of a temporary file's name for target file name `name`:
/// `.<name>.tda-tmp-<pid>-` (the name cut to [`NAME_BYTES`] bytes at a
/// character boundary).
fn temp_prefix(name: &OsStr) -> String {
    let name = name.to_string_lossy();
    let mut end = name.len().min(NAME_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}{MARKER}{}-", &name[..end], std::process::id())
}

/// Creates the temporary file `dir/<prefix><random>` exclusively, readable
/// and writable as a plain new file would be (mode 0666 less the umask on
/// Unix, not `tempfile`'s private 0600).
fn create_temp(dir: &Path, prefix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix("").rand_bytes(RANDOM_LEN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Syncs the directory `dir` so that a rename into it is durable (Unix;
/// file systems that cannot sync a directory are not an error).
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    match File::open(dir).and_then(|d| d.sync_all()) {
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::InvalidInput | std::io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Directories cannot be synced portably outside Unix: the rename is
/// atomic but its durability is left to the file system.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Removes stale temporary files from `dir` the first time this process
/// writes there (best effort: errors are ignored, the write goes on).
fn clean_once(dir: &Path) {
    static CLEANED: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let first = CLEANED
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .map(|mut set| set.insert(key))
        .unwrap_or(false);
    if first {
        let _ = clean_stale_temp_files(dir);
    }
}

/// Removes the temporary files that writers of this crate (in any process)
/// left in `dir` when they were killed mid-write, and returns how many were
/// removed.
///
/// A temporary file is recognised by its name,
/// `.<name>.tda-tmp-<pid>-<random>`. It is stale if it belongs to another
/// process and either no process with that id is running (checked through
/// `/proc`, where it is mounted, as on Linux) or it was last modified more
/// than [`STALE_AFTER`] ago. Files of this process and files of running
/// processes are kept: their writers are still at work. Other files are
/// never touched. Every writer of this crate calls this once per process
/// and directory, before its first write there.
///
/// A writer in another PID namespace (another container sharing the
/// directory) looks dead from here: if its temporary file is removed, its
/// rename fails with an I/O error and the target is left as it was.
///
/// # Errors
/// [`Error::Io`] naming `dir` if it cannot be listed. Files that vanish
/// meanwhile (another cleaner, or their writer finishing) are skipped.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("tda-io-doc-clean-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// // What a writer killed mid-write (process 4194303 is never running) leaves behind:
/// let stale = dir.join(".out.npy.tda-tmp-4194303-a1b2c3d4e5f6");
/// std::fs::write(&stale, b"half a file").unwrap();
/// assert_eq!(tda_io::clean_stale_temp_files(&dir).unwrap(), 1);
/// assert!(!stale.exists());
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn clean_stale_temp_files(dir: impl AsRef<Path>) -> Result<usize> {
    let dir = dir.as_ref();
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, e))?;
    let own = std::process::id();
    let proc_mounted = Path::new("/proc/self").exists();
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let Some(pid) = temp_file_pid(&entry.file_name()) else {
            continue;
        };
        if pid == own {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        let dead = proc_mounted && !Path::new("/proc").join(pid.to_string()).exists();
        if (old || dead) && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// The writer's process id if `name` is a temporary file name of this
/// crate, `.<name>.tda-tmp-<pid>-<random>`.
fn temp_file_pid(name: &OsStr) -> Option<u32> {
    let name = name.to_str()?;
    let body = name.strip_prefix('.')?;
    let at = body.rfind(MARKER)?;
    let (pid, random) = body[at + MARKER.len()..].split_once('-')?;
    let valid_pid = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    let valid_random =
        random.len() == RANDOM_LEN && random.bytes().all(|b| b.is_ascii_alphanumeric());
    if !(valid_pid && valid_random) {
        return None;
    }
    pid.parse().ok()
}

/// Writes `bytes` to `path` atomically and durably (a temporary file in the
/// same directory, synced, renamed over `path`, the directory synced): a
/// reader sees the old file or the whole new one, a failed write leaves
/// nothing behind, and concurrent writes to one path leave one of them
/// whole. The temporary file is `.<name>.tda-tmp-<pid>-<random>` in the
/// target's directory (`<name>` cut to 100 bytes); temporary files that
/// killed writers left there are removed first ([`clean_stale_temp_files`],
/// once per process and directory).
///
/// ```
/// let path = std::env::temp_dir().join(format!("tda-io-doc-write-{}.bin", std::process::id()));
/// tda_io::write_file(&path, b"hello").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"hello");
/// std::fs::remove_file(&path).unwrap();
/// ```
///
/// # Errors
/// [`Error::Io`] naming `path` if it does not name a file, is a directory,
/// or cannot be written, synced or renamed into place.
pub fn write_file(path: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
    let path = path.as_ref();
    write_atomic(path, |w| w.write_all(bytes).map_err(|e| io_error(path, e)))
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
    use std::sync::atomic::{AtomicUsize, Ordering};

    static COUNTER: AtomicUsize = AtomicUsize::new(0);

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

    #[test]
    fn temp_names_are_recognised_and_others_are_not() {
        let dir = scratch_dir("names");
        let target = dir.join("weights.safetensors");
        let mut seen = None;
        write_atomic(&target, |_| {
            let names = entries(&dir);
            assert_eq!(names.len(), 1, "{names:?}");
            seen = Some(names[0].clone());
            Ok(())
        })
        .unwrap();
        let seen = seen.unwrap();
        let prefix = format!(".weights.safetensors.tda-tmp-{}-", std::process::id());
        assert!(seen.starts_with(&prefix), "{seen}");
        assert_eq!(temp_file_pid(OsStr::new(&seen)), Some(std::process::id()));
        for (name, pid) in [
            (".a.tda-tmp-12-abcdefABCDEF", Some(12)),
            (".a.tda-tmp-x.tda-tmp-7-000000000000", Some(7)),
            ("a.tda-tmp-12-abcdefABCDEF", None),
            (".a.tda-tmp-12-abcdefABCDE", None),
            (".a.tda-tmp-12-abcdefABCDE!", None),
            (".a.tda-tmp--abcdefABCDEF", None),
            (".a.tda-tmp-99999999999-abcdefABCDEF", None),
            (".a.tmp12.3", None),
            ("out.npy", None),
        ] {
            assert_eq!(temp_file_pid(OsStr::new(name)), pid, "{name}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn long_target_names_are_cut_in_the_temp_name() {
        let dir = scratch_dir("long");
        let name = format!("{}.npy", "é".repeat(120));
        assert!(name.len() > 240 && name.len() < 256);
        let target = dir.join(&name);
        write_file(&target, b"x").unwrap();
        assert_eq!(entries(&dir), vec![name]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
