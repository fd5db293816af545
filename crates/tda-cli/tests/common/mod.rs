//! Running the `tda` binary and checking its outcome, shared by the
//! integration tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `tda` with `args` in `dir`.
pub fn tda(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tda"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// Asserts a failure with exit code `code` and a one-line message
/// containing `needle`.
pub fn fails(out: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(needle), "{err:?} lacks {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
    if code == 1 {
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.starts_with("tda: "), "{err}");
    }
}

/// Asserts success and returns stdout.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
