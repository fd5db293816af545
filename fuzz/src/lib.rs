//! Helpers shared by the fuzz targets.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The memory limit the targets run under (1 GiB): every size a reader
/// checks is checked against it, so an allocation libFuzzer catches
/// (`-malloc_limit_mb=2048`) is one that bypassed the reader's checks.
pub const MEMORY_LIMIT: u64 = 1 << 30;

/// Sets the memory limit; call at the start of every run (cheap).
pub fn init() {
    tda_persistence::memory::set_limit(MEMORY_LIMIT);
}

/// A temporary directory for the files a target writes, created once per
/// process (on tmpfs where there is one) and left for the system to clean.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::Builder::new().prefix("tda-fuzz-").tempdir_in(shm)
        } else {
            tempfile::Builder::new().prefix("tda-fuzz-").tempdir()
        }
        .expect("a scratch directory");
        dir.keep()
    })
}

/// Writes `bytes` to `name` in the scratch directory and returns its path.
pub fn write_input(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, bytes).expect("writing the input file");
    path
}

/// Whether two `f64` slices hold the same values bit for bit (so that NaN
/// equals NaN and -0.0 differs from 0.0).
pub fn same_bits(a: impl IntoIterator<Item = f64>, b: impl IntoIterator<Item = f64>) -> bool {
    let (a, b): (Vec<u64>, Vec<u64>) = (
        a.into_iter().map(f64::to_bits).collect(),
        b.into_iter().map(f64::to_bits).collect(),
    );
    a == b
}
