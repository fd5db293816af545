//! Diagram files: JSON and `.npz` round trips, numpy's files, and hostile input.

mod common;

use std::path::{Path, PathBuf};

use common::TempDir;
use tda_io::{
    read_diagrams_json, read_diagrams_npz, write_diagrams_json, write_diagrams_npz, Error,
};
use tda_persistence::{Diagram, PersistencePair};

fn pair(b: f64, d: f64) -> PersistencePair {
    PersistencePair::new(b, d)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diagrams")
        .join(name)
}

/// The set of tools/gen_diagram_fixtures.py.
fn expected() -> Vec<Diagram> {
    vec![
        Diagram::new(
            0,
            vec![
                pair(0.0, f64::INFINITY),
                pair(0.1, 0.30000000000000004),
                pair(0.5, 1.25),
            ],
        ),
        Diagram::new(1, vec![]),
        Diagram::new(1, vec![pair(-f64::MAX, f64::MAX), pair(5e-324, 1e-310)]),
        Diagram::new(0, vec![pair(-0.0, 2.0), pair(3.0, f64::NEG_INFINITY)]),
    ]
}

fn same_bits(a: &[Diagram], b: &[Diagram]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.dim, y.dim);
        assert_eq!(x.len(), y.len());
        for (p, q) in x.iter().zip(y) {
            assert_eq!(
                (p.birth.to_bits(), p.death.to_bits()),
                (q.birth.to_bits(), q.death.to_bits()),
                "{p} vs {q}"
            );
        }
    }
}

#[test]
fn json_round_trip_is_bit_identical() {
    let dir = TempDir::new("dgm-json");
    let p = dir.path().join("d.json");
    write_diagrams_json(&p, &expected()).unwrap();
    same_bits(&read_diagrams_json(&p).unwrap(), &expected());
    assert_eq!(dir.entries(), vec!["d.json"]);
    // Python's json.dumps spelling (`1.7976931348623157e+308`, spaces) reads the same.
    same_bits(
        &read_diagrams_json(fixture("expected.json")).unwrap(),
        &expected(),
    );
    // An empty set, and a file holding one diagram.
    write_diagrams_json(&p, &[]).unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "[]\n");
    assert!(read_diagrams_json(&p).unwrap().is_empty());
    std::fs::write(&p, r#" {"dim": 2, "pairs": [[1, "inf"]]}"#).unwrap();
    assert_eq!(
        read_diagrams_json(&p).unwrap(),
        vec![Diagram::new(2, vec![pair(1.0, f64::INFINITY)])]
    );
}

#[test]
fn npz_round_trip_is_bit_identical() {
    let dir = TempDir::new("dgm-npz");
    let p = dir.path().join("d.npz");
    write_diagrams_npz(&p, &expected()).unwrap();
    same_bits(&read_diagrams_npz(&p).unwrap(), &expected());
    write_diagrams_npz(&p, &[]).unwrap();
    assert!(read_diagrams_npz(&p).unwrap().is_empty());
    assert_eq!(dir.entries(), vec!["d.npz"]);
}

#[test]
fn reads_what_numpy_writes() {
    for name in ["numpy_savez.npz", "numpy_savez_compressed.npz"] {
        same_bits(&read_diagrams_npz(fixture(name)).unwrap(), &expected());
    }
}

/// `rust_written.npz` is what numpy read back in `tools/gen_diagram_fixtures.py
/// --check`; equal diagrams give equal bytes, so today's writer still
/// writes a file numpy reads. `TDA_BLESS=1` rewrites the fixture.
#[test]
fn writes_what_numpy_read() {
    let dir = TempDir::new("dgm-npz-numpy");
    let p = dir.path().join("d.npz");
    let from_json = read_diagrams_json(fixture("expected.json")).unwrap();
    write_diagrams_npz(&p, &from_json).unwrap();
    let ours = std::fs::read(&p).unwrap();
    if std::env::var_os("TDA_BLESS").is_some() {
        std::fs::write(fixture("rust_written.npz"), &ours).unwrap();
    }
    assert_eq!(ours, std::fs::read(fixture("rust_written.npz")).unwrap());
}

fn npz_message(e: &Error) -> &str {
    match e {
        Error::DiagramNpz { message, .. } => message,
        other => panic!("expected DiagramNpz, got {other:?}"),
    }
}

#[test]
fn bad_numpy_archives_are_refused_by_name() {
    let e = read_diagrams_npz(fixture("numpy_int.npz")).unwrap_err();
    assert!(
        matches!(&e, Error::NpyDtype { path, .. } if path.ends_with("numpy_int.npz/dgm_0_dim0.npy")),
        "{e:?}"
    );
    let e = read_diagrams_npz(fixture("numpy_1d.npz")).unwrap_err();
    assert!(
        matches!(
            &e,
            Error::NpyNdim {
                found: 1,
                expected: Some(2),
                ..
            }
        ),
        "{e:?}"
    );
    let e = read_diagrams_npz(fixture("numpy_3cols.npz")).unwrap_err();
    assert!(npz_message(&e).contains("2 x 3"), "{e}");
    assert!(e.to_string().contains("dgm_0_dim0.npy"), "{e}");
    let e = read_diagrams_npz(fixture("numpy_nan.npz")).unwrap_err();
    assert!(npz_message(&e).contains("index 3"), "{e}");
    let e = read_diagrams_npz(fixture("numpy_inf_birth.npz")).unwrap_err();
    assert!(npz_message(&e).contains("index 0"), "{e}");
    let e = read_diagrams_npz(fixture("numpy_default_names.npz")).unwrap_err();
    assert!(npz_message(&e).contains("`arr_0.npy`"), "{e}");
    let e = read_diagrams_npz(fixture("huge_shape.npz")).unwrap_err();
    assert!(
        matches!(&e, Error::NpyFormat { message, .. } if message.contains("only 16 follow")),
        "{e:?}"
    );
    let e = read_diagrams_npz(fixture("numpy_gap.npz")).unwrap_err();
    assert!(npz_message(&e).contains("index 2"), "{e}");
}

#[test]
fn npz_truncated_and_flipped_never_panic() {
    let good = std::fs::read(fixture("numpy_savez.npz")).unwrap();
    let compressed = std::fs::read(fixture("numpy_savez_compressed.npz")).unwrap();
    let dir = TempDir::new("dgm-npz-bad");
    let p = dir.path().join("bad.npz");
    for bytes in [&good, &compressed] {
        for cut in 0..bytes.len() {
            std::fs::write(&p, &bytes[..cut]).unwrap();
            assert!(read_diagrams_npz(&p).is_err(), "cut at {cut}");
        }
        // Every single-byte change either reads (a byte the reader ignores,
        // such as a timestamp) or is a typed error.
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            std::fs::write(&p, &b).unwrap();
            if let Ok(d) = read_diagrams_npz(&p) {
                assert!(d.len() <= 4);
            }
        }
    }
}

/// A tiny deterministic generator (xorshift) for random bytes.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn random_bytes_are_typed_errors() {
    let dir = TempDir::new("dgm-random");
    let npz = dir.path().join("r.npz");
    let json = dir.path().join("r.json");
    for seed in 0..200 {
        let mut b = random_bytes(seed, (seed as usize * 37) % 3000);
        std::fs::write(&npz, &b).unwrap();
        assert!(read_diagrams_npz(&npz).is_err());
        std::fs::write(&json, &b).unwrap();
        assert!(matches!(
            read_diagrams_json(&json),
            Err(Error::DiagramJson { .. })
        ));
        // A zip signature in front of the noise.
        b.splice(0..0, *b"PK\x03\x04");
        std::fs::write(&npz, &b).unwrap();
        assert!(read_diagrams_npz(&npz).is_err());
    }
}

#[test]
fn json_truncations_are_typed_errors_with_a_place() {
    let text = std::fs::read_to_string(fixture("expected.json")).unwrap();
    let dir = TempDir::new("dgm-json-cut");
    let p = dir.path().join("cut.json");
    for cut in 0..text.len() - 2 {
        std::fs::write(&p, &text[..cut]).unwrap();
        match read_diagrams_json(&p) {
            Err(Error::DiagramJson { line, column, .. }) => assert!(line >= 1 && column <= 200),
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
}

#[test]
fn json_errors_name_the_problem_and_place() {
    let dir = TempDir::new("dgm-json-bad");
    let p = dir.path().join("bad.json");
    let cases = [
        (
            "[\n{\"dim\": 0, \"pairs\": [[0, \"nan\"]]}\n]",
            2,
            "NaN is not a valid birth or death",
        ),
        ("[{\"dim\": 0.5, \"pairs\": []}]", 1, "expected usize"),
        (
            "[{\"dim\": 0, \"pairs\": [[0, 1, 2]]}]",
            1,
            "invalid length 3",
        ),
        ("[{\"dim\": 0, \"pairs\": [[\"inf\", 1]]}]", 1, "birth"),
        (
            "[{\"dim\": 0, \"pairs\": []},\n\n{\"dim\": 0}]",
            3,
            "missing field `pairs`",
        ),
        ("[{\"dim\": 0, \"pairs\": [[0, NaN]]}]", 1, "expected value"),
        ("42", 1, "expected a diagram or a list of diagrams"),
        ("", 1, "EOF"),
        ("[{\"dim\": 0, \"pairs\": []}] x", 1, "trailing characters"),
        ("\u{feff}[]", 1, "expected value"),
    ];
    for (text, want_line, needle) in cases {
        std::fs::write(&p, text).unwrap();
        let e = read_diagrams_json(&p).unwrap_err();
        match &e {
            Error::DiagramJson { line, message, .. } => {
                assert_eq!(*line, want_line, "{text}: {e}");
                assert!(message.contains(needle), "{text}: {e}");
                assert!(!message.contains(" at line "), "{text}: {e}");
            }
            other => panic!("{text}: {other:?}"),
        }
        assert!(e.to_string().contains("bad.json, line"), "{e}");
    }
    std::fs::write(&p, b"[{\"dim\": 0, \"pairs\": [[0, 1]]}, \xff]").unwrap();
    assert!(matches!(
        read_diagrams_json(&p),
        Err(Error::DiagramJson { .. })
    ));
}

#[test]
fn nan_and_infinite_births_are_not_written() {
    let dir = TempDir::new("dgm-write-bad");
    for bad in [pair(0.0, f64::NAN), pair(f64::INFINITY, f64::INFINITY)] {
        let set = [
            Diagram::new(0, vec![]),
            Diagram::new(1, vec![pair(0.0, 1.0), bad]),
        ];
        let e = write_diagrams_json(dir.path().join("a.json"), &set).unwrap_err();
        assert!(
            matches!(&e, Error::DiagramJson { line: 0, message, .. } if message.contains("diagram 1, pair 1")),
            "{e:?}"
        );
        assert!(!e.to_string().contains("line"), "{e}");
        let e = write_diagrams_npz(dir.path().join("a.npz"), &set).unwrap_err();
        assert!(npz_message(&e).contains("diagram 1, pair 1"), "{e}");
    }
    assert!(dir.entries().is_empty());
}

#[test]
fn directories_and_missing_files_are_io_errors() {
    let dir = TempDir::new("dgm-io");
    for r in [
        read_diagrams_json(dir.path()),
        read_diagrams_npz(dir.path()),
        read_diagrams_json(dir.path().join("missing.json")),
        read_diagrams_npz(dir.path().join("missing.npz")),
    ] {
        assert!(matches!(r, Err(Error::Io { .. })), "{r:?}");
    }
    assert!(matches!(
        write_diagrams_json(dir.path(), &[]),
        Err(Error::Io { .. })
    ));
    assert!(matches!(
        write_diagrams_npz(dir.path().join("no/such/dir.npz"), &[]),
        Err(Error::Io { .. })
    ));
}
