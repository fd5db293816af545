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

/// The round trip of a diagram set that read: written as JSON and as `.npz`
/// in the scratch directory, each reads back equal. Panics otherwise (a
/// finding).
pub fn diagrams_round_trip(diagrams: &[tda_persistence::Diagram]) {
    use tda_io::{read_diagrams_json, read_diagrams_npz, write_diagrams_json, write_diagrams_npz};
    let dir = scratch();
    let (npz, json) = (dir.join("out.npz"), dir.join("out.json"));
    write_diagrams_json(&json, diagrams).expect("diagrams that read can be written (JSON)");
    assert_eq!(
        read_diagrams_json(&json).expect("written JSON reads"),
        diagrams
    );
    write_diagrams_npz(&npz, diagrams).expect("diagrams that read can be written (.npz)");
    assert_eq!(
        read_diagrams_npz(&npz).expect("written .npz reads"),
        diagrams
    );
}
