//! The `tda` binary on its happy paths (outputs equal the library's) and on
//! every error path (one line naming the file, exit code 1 or 2, never a
//! panic).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{fails, ok, tda};

use ndarray::{array, Array2};

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
            "diagram",
            "square.csv",
            "--rips",
            "--coeff",
            "3",
            "--n-perm",
            "3",
            "-o",
            "sq3.json",
        ],
        &dir,
    ));
    let want = tda_persistence::Rips::builder()
        .coeff(3)
        .n_perm(Some(3))
        .build()
        .unwrap()
        .compute(square.view())
        .unwrap();
    assert_eq!(
        tda_io::read_diagrams_json(dir.join("sq3.json")).unwrap(),
        want
    );

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
        &tda(
            &[
                "diagram",
                "walks.npy",
                "--rips",
                "--coeff",
                "4",
                "-o",
                "x.json",
            ],
            &dir,
        ),
        1,
        "coeff",
    );
    fails(
        &tda(&["landscape", "notes.txt", "-o", "x.npy"], &dir),
        1,
        "notes.txt: expected a .npy, .csv or .ts file",
    );
    fails(
        &tda(
            &["betti", "w.json", "--resolution", "0", "-o", "x.npy"],
            &dir,
        ),
        1,
        "resolution",
    );
    fails(
        &tda(
            &["entropy", "w.json", "--essential", "often", "-o", "x.npy"],
            &dir,
        ),
        2,
        "expected drop, keep or a number",
    );
    fails(
        &tda(
            &["silhouette", "w.json", "--power", "nan", "-o", "x.npy"],
            &dir,
        ),
        1,
        "power",
    );
    fails(
        &tda(
            &[
                "diagram",
                "walks.npy",
                "--rips",
                "--window",
                "0",
                "-o",
                "x.npz",
            ],
            &dir,
        ),
        1,
        "walks.npy",
    );
    fails(
        &tda(
            &[
                "plot",
                "walks.npy",
                "--curves",
                "--ranges",
                "w.json",
                "-o",
                "x.png",
            ],
            &dir,
        ),
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

#[test]
fn curves_and_entropies_equal_the_library_from_diagrams_or_data() {
    use tda_vectorize::{BettiCurve, Landscape, PersistenceEntropy, Silhouette, Vectorizer};
    let (_keep, dir) = setup();
    let diagrams = tda_persistence::sublevel::h0_batch(walks().view()).unwrap();
    ok(&tda(&["diagram", "walks.npy", "-o", "walks.npz"], &dir));

    // Landscapes of the file, and straight from the data: the same array.
    let args = ["--layers", "3", "--resolution", "40", "--range-out"];
    let from_file: Vec<&str> = ["landscape", "walks.npz"]
        .into_iter()
        .chain(args)
        .chain(["r.npy", "-o", "l1.npy"])
        .collect();
    ok(&tda(&from_file, &dir));
    let from_data: Vec<&str> = ["landscape", "walks.npy"]
        .into_iter()
        .chain(args)
        .chain(["r2.npy", "-o", "l2.npy"])
        .collect();
    ok(&tda(&from_data, &dir));
    let l1: ndarray::Array3<f32> = tda_io::npy::read_npy(dir.join("l1.npy")).unwrap();
    let l2: ndarray::Array3<f32> = tda_io::npy::read_npy(dir.join("l2.npy")).unwrap();
    assert_eq!(l1, l2);
    let want = Landscape::builder()
        .fit(&diagrams)
        .num_landscapes(3)
        .resolution(40)
        .build()
        .unwrap();
    assert_eq!(l1.dim(), (4, 3, 40));
    assert_eq!(
        l1.as_slice().unwrap(),
        want.transform_batch(&diagrams).unwrap().as_slice().unwrap()
    );
    let range: ndarray::Array1<f64> = tda_io::npy::read_npy(dir.join("r.npy")).unwrap();
    assert_eq!(
        range.to_vec(),
        [want.sample_range().0, want.sample_range().1]
    );

    // Betti curves over a given range, essential bars kept (gudhi's count).
    ok(&tda(
        &[
            "betti",
            "walks.npz",
            "--sample-range",
            "-1",
            "2",
            "--resolution",
            "25",
            "--essential",
            "keep",
            "-o",
            "b.npy",
        ],
        &dir,
    ));
    let b: ndarray::Array2<f32> = tda_io::npy::read_npy(dir.join("b.npy")).unwrap();
    let want = BettiCurve::builder()
        .sample_range(-1.0, 2.0)
        .resolution(25)
        .essential(tda_vectorize::Essential::Keep)
        .build()
        .unwrap();
    assert_eq!(b, want.transform_batch(&diagrams).unwrap());

    ok(&tda(
        &["silhouette", "walks.npz", "--power", "2", "-o", "s.npy"],
        &dir,
    ));
    let s: ndarray::Array2<f32> = tda_io::npy::read_npy(dir.join("s.npy")).unwrap();
    let want = Silhouette::builder()
        .fit(&diagrams)
        .power(2.0)
        .build()
        .unwrap();
    assert_eq!(s, want.transform_batch(&diagrams).unwrap());

    ok(&tda(
        &["entropy", "walks.npz", "--normalize", "bars", "-o", "e.npy"],
        &dir,
    ));
    let e: ndarray::Array1<f32> = tda_io::npy::read_npy(dir.join("e.npy")).unwrap();
    let want = PersistenceEntropy::builder()
        .normalization(tda_vectorize::EntropyNormalization::LogBars)
        .build()
        .unwrap();
    assert_eq!(
        e.to_vec(),
        want.transform_batch(&diagrams).unwrap().column(0).to_vec()
    );

    // Curves and images plot, with and without their ranges.
    ok(&tda(
        &[
            "plot", "l1.npy", "--curves", "--ranges", "r.npy", "-o", "l.png",
        ],
        &dir,
    ));
    ok(&tda(
        &[
            "image",
            "walks.npz",
            "--range-out",
            "pr.npy",
            "-o",
            "pi.npy",
        ],
        &dir,
    ));
    ok(&tda(
        &["plot", "pi.npy", "--ranges", "pr.npy", "-o", "pi.png"],
        &dir,
    ));
    ok(&tda(
        &["plot", "pi.npy", "--item", "1", "-o", "pi1.png"],
        &dir,
    ));
    for png in ["l.png", "pi.png", "pi1.png"] {
        assert!(std::fs::metadata(dir.join(png)).unwrap().len() > 1000);
    }
}

#[test]
fn sliding_windows_dimensions_and_the_distance_matrix_equal_the_library() {
    let (_keep, dir) = setup();
    ok(&tda(
        &[
            "diagram",
            "walks.npy",
            "--rips",
            "--window",
            "4",
            "--delay",
            "2",
            "--stride",
            "3",
            "--maxdim",
            "1",
            "-o",
            "sw.npz",
        ],
        &dir,
    ));
    let got = tda_io::read_diagrams_npz(dir.join("sw.npz")).unwrap();
    let rips = tda_persistence::Rips::builder().max_dim(1).build().unwrap();
    let window = tda_persistence::SlidingWindow {
        dim: 4,
        delay: 2,
        stride: 3,
    };
    let want: Vec<_> = walks()
        .rows()
        .into_iter()
        .flat_map(|row| {
            rips.compute_sliding_window(row.as_slice().unwrap(), &window)
                .unwrap()
        })
        .collect();
    assert_eq!(got, want);

    // --dim keeps the H1 diagrams only.
    ok(&tda(
        &["entropy", "sw.npz", "--dim", "1", "-o", "e1.npy"],
        &dir,
    ));
    let e1: ndarray::Array1<f32> = tda_io::npy::read_npy(dir.join("e1.npy")).unwrap();
    assert_eq!(e1.len(), 4);

    // The pairwise matrix: symmetric, zero diagonal, each entry the
    // library's distance; printed or written.
    fails(
        &tda(&["distance", "sw.npz"], &dir),
        1,
        "sw.npz: cannot compare diagrams of dimensions 0 and 1",
    );
    let h1: Vec<_> = got.iter().filter(|d| d.dim == 1).cloned().collect();
    let printed = ok(&tda(
        &["distance", "sw.npz", "--dim", "1", "--wasserstein", "2"],
        &dir,
    ));
    ok(&tda(
        &[
            "distance",
            "sw.npz",
            "--dim",
            "1",
            "--wasserstein",
            "2",
            "-o",
            "m.npy",
        ],
        &dir,
    ));
    let m: ndarray::Array2<f64> = tda_io::npy::read_npy(dir.join("m.npy")).unwrap();
    assert_eq!(m.dim(), (4, 4));
    let w2 = tda_vectorize::Wasserstein::builder()
        .order(2.0)
        .build()
        .unwrap();
    for i in 0..4 {
        assert_eq!(m[(i, i)], 0.0);
        for j in 0..4 {
            assert_eq!(m[(i, j)], m[(j, i)]);
            if i != j {
                assert_eq!(m[(i, j)], w2.distance(&h1[i], &h1[j]).unwrap());
            }
        }
    }
    let rows: Vec<Vec<f64>> = printed
        .lines()
        .map(|l| l.split(' ').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][3], m[(1, 3)]);
    assert!(m[(1, 3)] > 0.0);
}

#[test]
fn float32_inputs_and_progress_lines_when_piped() {
    let (_keep, dir) = setup();
    let w32 = walks().mapv(|v| v as f32);
    tda_io::npy::write_npy(dir.join("w32.npy"), &w32).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tda"))
        .args(["diagram", "w32.npy", "-o", "w32.json"])
        .env("TDA_PROGRESS_AFTER", "0")
        .current_dir(&dir)
        .output()
        .unwrap();
    ok(&out);
    let got = tda_io::read_diagrams_json(dir.join("w32.json")).unwrap();
    let widened = w32.mapv(f64::from);
    assert_eq!(
        got,
        tda_persistence::sublevel::h0_batch(widened.view()).unwrap()
    );
    // stderr is a pipe here: one line per stage, the last saying what it did.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines()
            .last()
            .unwrap()
            .starts_with("tda: diagrams: 4 signals in "),
        "{err}"
    );
    let quiet = Command::new(env!("CARGO_BIN_EXE_tda"))
        .args(["diagram", "w32.npy", "-q", "-o", "w32.json"])
        .env("TDA_PROGRESS_AFTER", "0")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(quiet.status.success() && quiet.stderr.is_empty());
}
