//! The `tda` binary on its happy paths (outputs equal the library's) and on
//! every error path (one line naming the file, exit code 1 or 2, never a
//! panic).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ndarray::{array, Array2};

fn tda(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tda"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// Asserts a failure with exit code `code` and a one-line message
/// containing `needle`.
fn fails(out: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(needle), "{err:?} lacks {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
    if code == 1 {
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.starts_with("tda: "), "{err}");
    }
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn walks() -> Array2<f64> {
    Array2::from_shape_fn((4, 50), |(i, j)| {
        ((i + 1) as f64 * j as f64 * 0.37).sin() + j as f64 * 0.01
    })
}

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().to_path_buf();
    tda_io::npy::write_npy(p.join("walks.npy"), &walks()).unwrap();
    (dir, p)
}

#[test]
fn diagrams_images_distances_and_plots_equal_the_library() {
    let (_keep, dir) = setup();
    ok(&tda(&["diagram", "walks.npy", "-o", "walks.json"], &dir));
    let got = tda_io::read_diagrams_json(dir.join("walks.json")).unwrap();
    assert_eq!(
        got,
        tda_persistence::sublevel::h0_batch(walks().view()).unwrap()
    );

    ok(&tda(
        &["diagram", "walks.npy", "--superlevel", "-o", "sup.npz"],
        &dir,
    ));
    let sup = tda_io::read_diagrams_npz(dir.join("sup.npz")).unwrap();
    assert_eq!(
        sup[2],
        tda_persistence::sublevel::h0_superlevel(walks().row(2).as_slice().unwrap()).unwrap()
    );

    let square = array![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    std::fs::write(dir.join("square.csv"), "0,0\n1,0\n1,1\n0,1\n").unwrap();
    ok(&tda(
        &[
            "diagram",
            "square.csv",
            "--rips",
            "--maxdim",
            "1",
            "-o",
            "sq.json",
        ],
        &dir,
    ));
    let rips = tda_io::read_diagrams_json(dir.join("sq.json")).unwrap();
    let want = tda_persistence::Rips::builder()
        .max_dim(1)
        .build()
        .unwrap()
        .compute(square.view())
        .unwrap();
    assert_eq!(rips, want);

    ok(&tda(
        &[
            "image",
            "walks.json",
            "--sigma",
            "0.5",
            "--resolution",
            "6",
            "4",
            "-o",
            "pis.npy",
        ],
        &dir,
    ));
    let pis: ndarray::Array3<f32> = tda_io::npy::read_npy(dir.join("pis.npy")).unwrap();
    assert_eq!(pis.dim(), (4, 6, 4));
    assert!(pis.iter().any(|&v| v > 0.0));

    let d = ok(&tda(&["distance", "walks.json", "sup.npz"], &dir));
    assert_eq!(d.lines().count(), 4);
    let first: f64 = d.lines().next().unwrap().parse().unwrap();
    let want = tda_vectorize::bottleneck(&got[0], &sup[0]).unwrap();
    assert_eq!(first, want);

    ok(&tda(&["plot", "sq.json", "-o", "sq.png"], &dir));
    ok(&tda(
        &["plot", "walks.json", "--barcode", "-o", "bars.png"],
        &dir,
    ));
    assert!(std::fs::metadata(dir.join("sq.png")).unwrap().len() > 1000);
    assert!(std::fs::metadata(dir.join("bars.png")).unwrap().len() > 1000);
}

#[test]
fn every_error_is_one_line_naming_the_problem() {
    let (_keep, dir) = setup();
    // A missing file, an unknown format, an unknown flag.
    fails(
        &tda(&["diagram", "missing.npy", "-o", "x.json"], &dir),
        1,
        "missing.npy",
    );
    std::fs::write(dir.join("notes.txt"), "hello").unwrap();
    fails(
        &tda(&["diagram", "notes.txt", "-o", "x.json"], &dir),
        1,
        "notes.txt",
    );
    std::fs::write(dir.join("bad.npy"), "not an npy file").unwrap();
    fails(
        &tda(&["diagram", "bad.npy", "-o", "x.json"], &dir),
        1,
        "bad.npy",
    );
    fails(
        &tda(&["diagram", "walks.npy", "--bogus"], &dir),
        2,
        "--bogus",
    );
    // NaN, and a wrong shape.
    std::fs::write(dir.join("nan.csv"), "1,2\n3,nan\n").unwrap();
    fails(
        &tda(&["diagram", "nan.csv", "-o", "x.json"], &dir),
        1,
        "nan.csv",
    );
    tda_io::npy::write_npy(
        dir.join("cube.npy"),
        &ndarray::Array3::<f64>::zeros((2, 2, 2)),
    )
    .unwrap();
    fails(
        &tda(&["diagram", "cube.npy", "--cubical", "-o", "x.json"], &dir),
        1,
        "2-D",
    );
    // Outputs: a directory, an unknown extension, a read-only directory.
    std::fs::create_dir(dir.join("out.json")).unwrap();
    fails(
        &tda(&["diagram", "walks.npy", "-o", "out.json"], &dir),
        1,
        "out.json",
    );
    fails(
        &tda(&["diagram", "walks.npy", "-o", "walks.txt"], &dir),
        1,
        "walks.txt",
    );
    // Impossible parameters.
    fails(
        &tda(
            &[
                "diagram",
                "walks.npy",
                "--cubical",
                "--connectivity",
                "6",
                "-o",
                "x.json",
            ],
            &dir,
        ),
        1,
        "connectivity",
    );
    ok(&tda(&["diagram", "walks.npy", "-o", "w.json"], &dir));
    fails(
        &tda(&["image", "w.json", "--sigma", "-1", "-o", "x.npy"], &dir),
        1,
        "sigma",
    );
    fails(
        &tda(&["image", "w.json", "--rips", "-o", "x.npy"], &dir),
        1,
        "w.json: --superlevel, --rips and --cubical apply to data",
    );
    fails(
        &tda(&["landscape", "notes.txt", "-o", "x.npy"], &dir),
        1,
        "notes.txt: expected a .npy, .csv or .ts file",
    );
    fails(
        &tda(&["betti", "w.json", "--resolution", "0", "-o", "x.npy"], &dir),
        1,
        "resolution",
    );
    fails(
        &tda(&["entropy", "w.json", "--essential", "often", "-o", "x.npy"], &dir),
        2,
        "expected drop, keep or a number",
    );
    fails(
        &tda(&["silhouette", "w.json", "--power", "nan", "-o", "x.npy"], &dir),
        1,
        "power",
    );
    fails(
        &tda(&["diagram", "walks.npy", "--rips", "--window", "0", "-o", "x.npz"], &dir),
        1,
        "walks.npy",
    );
    fails(
        &tda(&["plot", "walks.npy", "--curves", "--ranges", "w.json", "-o", "x.png"], &dir),
        1,
        "w.json",
    );
    fails(
        &tda(&["plot", "walks.npy", "--item", "9", "-o", "x.png"], &dir),
        1,
        "--item 9: the file holds 1 items",
    );
    fails(
        &tda(
            &["distance", "w.json", "w.json", "--wasserstein", "0.5"],
            &dir,
        ),
        1,
        "w.json",
    );
    fails(
        &tda(
            &["--threads", "0", "diagram", "walks.npy", "-o", "x.json"],
            &dir,
        ),
        1,
        "--threads",
    );
    std::fs::write(dir.join("broken.json"), "{\"dim\": 0, \"pairs\": [[0, ").unwrap();
    fails(
        &tda(&["plot", "broken.json", "-o", "x.png"], &dir),
        1,
        "broken.json",
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_output_directory_is_an_error_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let (_keep, dir) = setup();
    let ro = dir.join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permissions: then there is nothing to check.
    if std::fs::write(ro.join("probe"), "x").is_ok() {
        return;
    }
    fails(
        &tda(&["diagram", "walks.npy", "-o", "ro/x.json"], &dir),
        1,
        "ro/x.json",
    );
    assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 0);
}
