//! The MagnaTagATune loader on a tiny layout written to a temporary
//! directory (two MP3 fixtures copied into MTAT's folders).

use std::path::{Path, PathBuf};

use tda_io::audio::LogMel;
use tda_io::tagging::{SkipReason, Split, TagSet};
use tda_io::{AnnotationProblem, AudioErrorKind, Error};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

const TAGS: [&str; 5] = ["guitar", "no voice", "rock", "piano", "male vocal"];

/// Rows: (id, path, tags). Column counts: guitar 4, no voice 6, rock 2,
/// piano 4, male vocal 1 (over the clips whose files exist).
const ROWS: [(&str, &str, [u8; 5]); 10] = [
    ("2", "0/a-chirp.mp3", [1, 1, 0, 0, 0]),
    ("6", "5/b-noise.mp3", [0, 1, 1, 1, 0]),
    ("10", "b/c-chirp.mp3", [1, 1, 0, 1, 0]),
    ("11", "c/d-noise.mp3", [0, 1, 0, 1, 0]),
    ("12", "c/e-chirp.mp3", [1, 0, 0, 0, 1]),
    ("15", "d/f-noise.mp3", [0, 1, 0, 1, 0]),
    ("20", "f/g-chirp.mp3", [1, 1, 1, 0, 0]),
    ("21", "e/h-empty.mp3", [1, 1, 1, 1, 1]),
    ("22", "3/i-missing.mp3", [1, 1, 1, 1, 1]),
    ("30", "f/j-noise.mp3", [0, 0, 0, 0, 0]),
];

/// Writes the annotation text (every field quoted, as MTAT's file is, but
/// for a few unquoted ones) and the audio under `root`.
fn write_layout(dir: &Path, root: &Path) {
    let mut text = String::from("\"clip_id\"");
    for t in TAGS {
        text.push_str(&format!("\t\"{t}\""));
    }
    text.push_str("\t\"mp3_path\"\n");
    for (k, (id, path, tags)) in ROWS.iter().enumerate() {
        if k == 3 {
            text.push_str(id); // unquoted fields are fine too
            for t in tags {
                text.push_str(&format!("\t{t}"));
            }
            text.push_str(&format!("\t{path}\r\n"));
        } else {
            text.push_str(&format!("\"{id}\""));
            for t in tags {
                text.push_str(&format!("\t\"{t}\""));
            }
            text.push_str(&format!("\t\"{path}\"\n"));
        }
    }
    std::fs::write(dir.join("annotations_final.csv"), text).unwrap();
    for f in [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f",
    ] {
        std::fs::create_dir_all(root.join(f)).unwrap();
    }
    for (_, path, _) in ROWS {
        let target = root.join(path);
        if path.contains("chirp") {
            std::fs::copy(fixture("chirp_mono.mp3"), target).unwrap();
        } else if path.contains("noise") {
            std::fs::copy(fixture("noise_vbr.mp3"), target).unwrap();
        } else if path.contains("empty") {
            std::fs::write(target, b"").unwrap();
        }
    }
}

fn layout() -> (tempfile::TempDir, TagSet) {
    let dir = tempfile::tempdir().unwrap();
    write_layout(dir.path(), &dir.path().join("mp3"));
    let set = TagSet::open_dir(dir.path()).unwrap();
    (dir, set)
}

#[test]
fn opens_the_layout_and_reports_missing_and_empty_clips() {
    let (dir, set) = layout();
    assert_eq!(set.audio_root(), dir.path().join("mp3"));
    assert_eq!(
        set.annotations_path(),
        dir.path().join("annotations_final.csv")
    );
    assert_eq!(set.tag_names(), TAGS);
    let ids: Vec<&str> = set.clips().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["2", "6", "10", "11", "12", "15", "20", "30"]);
    assert_eq!(set.len(), 8);
    assert_eq!(set.clips()[3].path, Path::new("c/d-noise.mp3"));
    assert_eq!(set.clips()[3].line, 5);
    assert_eq!(set.labels().dim(), (8, 5));
    assert_eq!(set.labels().row(1).to_vec(), [0, 1, 1, 1, 0]);
    assert_eq!(set.tags_of(1).unwrap(), ["no voice", "rock", "piano"]);
    assert_eq!(set.tags_of(7).unwrap(), Vec::<&str>::new());
    assert!(set.tags_of(8).is_none());
    assert_eq!(set.tag_counts(), [4, 6, 2, 4, 1]);
    let skipped: Vec<(&str, SkipReason, usize)> = set
        .skipped()
        .iter()
        .map(|s| (s.clip.id.as_str(), s.reason, s.clip.line))
        .collect();
    assert_eq!(
        skipped,
        [
            ("21", SkipReason::Empty, 9),
            ("22", SkipReason::Missing, 10)
        ]
    );
    // The clips decode, and the path to the network's input works.
    let wav = set.read_clip(0).unwrap();
    assert_eq!(
        (wav.sample_rate, wav.channels, wav.frames()),
        (16000, 1, 16000)
    );
    assert_eq!(set.read_clip(1).unwrap().frames(), 12345);
    assert!(matches!(set.read_clip(8), Err(Error::Io { .. })));
    let mut lm = LogMel::builder().build().unwrap();
    let x = lm.transform_file(set.audio_path(&set.clips()[0])).unwrap();
    assert_eq!(x.dim(), (32, 128));
}

#[test]
fn the_audio_root_is_found_beside_the_csv_or_in_mp3() {
    let dir = tempfile::tempdir().unwrap();
    write_layout(dir.path(), dir.path());
    let set = TagSet::open_dir(dir.path()).unwrap();
    assert_eq!(set.audio_root(), dir.path());
    assert_eq!(set.len(), 8);
    // An explicit root.
    let same = TagSet::open(dir.path().join("annotations_final.csv"), dir.path()).unwrap();
    assert_eq!(same, set);

    let empty = tempfile::tempdir().unwrap();
    match TagSet::open_dir(empty.path()) {
        Err(Error::AudioRootNotFound { searched }) => {
            assert_eq!(
                searched,
                [empty.path().to_path_buf(), empty.path().join("mp3")]
            );
        }
        other => panic!("{other:?}"),
    }
    // A missing annotation file, a root that is a file.
    let e = TagSet::open(empty.path().join("annotations_final.csv"), empty.path()).unwrap_err();
    assert!(
        matches!(e, Error::Io { ref source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    );
    let e = TagSet::open(
        dir.path().join("annotations_final.csv"),
        dir.path().join("annotations_final.csv"),
    )
    .unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");
}

#[test]
fn top_tags_orders_by_frequency_then_column() {
    let (_dir, set) = layout();
    // Counts [4, 6, 2, 4, 1]: "no voice" 6, then guitar and piano tie at 4
    // (guitar's column comes first), then rock.
    let top = set.top_tags(4).unwrap();
    assert_eq!(top.tag_names(), ["no voice", "guitar", "piano", "rock"]);
    assert_eq!(top.tag_counts(), [6, 4, 4, 2]);
    assert_eq!(top.len(), set.len());
    assert_eq!(top.labels().row(1).to_vec(), [1, 0, 1, 1]);
    assert_eq!(top.clips(), set.clips());
    assert_eq!(top.skipped(), set.skipped());
    assert_eq!(set.top_tags(5).unwrap().tag_names().len(), 5);
    for n in [0, 6] {
        assert!(matches!(
            set.top_tags(n),
            Err(Error::TagCount { requested, available: 5 }) if requested == n
        ));
    }
}

#[test]
fn the_split_follows_the_folders() {
    let (_dir, set) = layout();
    let (train, valid, test) = set.top_tags(3).unwrap().split().unwrap();
    let ids = |s: &TagSet| s.clips().iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&train), ["2", "6", "10"]);
    assert_eq!(ids(&valid), ["11", "12"]);
    assert_eq!(ids(&test), ["15", "20", "30"]);
    assert_eq!(train.tag_names(), ["no voice", "guitar", "piano"]);
    assert_eq!(valid.labels().row(1).to_vec(), [0, 1, 0]);
    // The skipped clips go with their folder: e/ to test, 3/ to train.
    assert_eq!(train.skipped()[0].clip.id, "22");
    assert!(valid.skipped().is_empty());
    assert_eq!(test.skipped()[0].clip.id, "21");
    // Splitting before top_tags gives the same clips with all the tags.
    let valid_all = set.subset(Split::Valid).unwrap();
    assert_eq!(valid_all.clips(), valid.clips());
    assert_eq!(valid_all.tag_names(), TAGS);
    for (p, s) in [
        ("0/x.mp3", Some(Split::Train)),
        ("9/x.mp3", Some(Split::Train)),
        ("B/x.mp3", Some(Split::Train)),
        ("c/x.mp3", Some(Split::Valid)),
        ("d/x.mp3", Some(Split::Test)),
        ("f0/x.mp3", Some(Split::Test)),
        ("g/x.mp3", None),
        ("x.mp3", None),
    ] {
        assert_eq!(Split::of_path(Path::new(p)), s, "{p}");
    }
}

#[test]
fn a_clip_outside_the_hex_folders_has_no_split() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("0")).unwrap();
    std::fs::create_dir_all(dir.path().join("other")).unwrap();
    std::fs::copy(fixture("chirp_mono.mp3"), dir.path().join("0/a.mp3")).unwrap();
    std::fs::copy(fixture("chirp_mono.mp3"), dir.path().join("other/b.mp3")).unwrap();
    std::fs::write(
        dir.path().join("annotations_final.csv"),
        "clip_id\tx\tmp3_path\n1\t1\t0/a.mp3\n2\t0\tother/b.mp3\n",
    )
    .unwrap();
    let set = TagSet::open_dir(dir.path()).unwrap();
    assert_eq!(set.len(), 2);
    match set.split() {
        Err(Error::Annotations {
            line: 3,
            problem: AnnotationProblem::BadPath(m),
            ..
        }) => assert!(m.contains("other/b.mp3"), "{m}"),
        other => panic!("{other:?}"),
    }
}

/// A broken MP3 in the layout (a truncated copy, a text file named .mp3)
/// loads (the file exists and is not empty) and fails at decoding with a
/// typed error.
#[test]
fn truncated_and_fake_mp3s_fail_when_decoded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    let bytes = std::fs::read(fixture("chirp_mono.mp3")).unwrap();
    std::fs::write(dir.path().join("a/cut.mp3"), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(dir.path().join("a/text.mp3"), "not audio at all\n").unwrap();
    std::fs::write(
        dir.path().join("annotations_final.csv"),
        "\"clip_id\"\t\"t\"\t\"mp3_path\"\n\"1\"\t\"1\"\t\"a/cut.mp3\"\n\"2\"\t\"0\"\t\"a/text.mp3\"\n",
    )
    .unwrap();
    let set = TagSet::open_dir(dir.path()).unwrap();
    assert_eq!(set.len(), 2);
    let kind = |i| match set.read_clip(i) {
        Err(Error::Audio { kind, path, .. }) => {
            assert_eq!(path, set.audio_path(&set.clips()[i]));
            kind
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(kind(0), AudioErrorKind::Truncated);
    assert_eq!(kind(1), AudioErrorKind::NotAudio);
}

/// Writes `text` as the annotation file of a layout with folder `0` and
/// returns the error of opening it.
fn open_error(text: &[u8]) -> (usize, AnnotationProblem) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("0")).unwrap();
    std::fs::write(dir.path().join("0/a.mp3"), b"x").unwrap();
    let csv = dir.path().join("annotations_final.csv");
    std::fs::write(&csv, text).unwrap();
    match TagSet::open_dir(dir.path()) {
        Err(Error::Annotations {
            path,
            line,
            problem,
        }) => {
            assert_eq!(path, csv);
            (line, problem)
        }
        other => panic!("{}: {other:?}", String::from_utf8_lossy(text)),
    }
}

#[test]
fn malformed_annotations_are_typed_errors_naming_the_line() {
    let header = |m: &str| matches!(&open_error(m.as_bytes()), (1, AnnotationProblem::Header(_)));
    assert!(header(""));
    assert!(header("id\tx\tmp3_path\n1\t0\t0/a.mp3\n"));
    assert!(header("clip_id\tx\tpath\n1\t0\t0/a.mp3\n"));
    assert!(header("clip_id\tmp3_path\n1\t0/a.mp3\n"));
    assert!(header("clip_id\tx\tx\tmp3_path\n1\t0\t0\t0/a.mp3\n"));
    assert_eq!(
        open_error(b"clip_id\tx\tmp3_path\n"),
        (1, AnnotationProblem::NoClips)
    );
    assert_eq!(
        open_error(b"clip_id\tx\tmp3_path\n1\t0\t0/a.mp3\n2\t1\n"),
        (
            3,
            AnnotationProblem::FieldCount {
                expected: 3,
                got: 2
            }
        )
    );
    assert_eq!(
        open_error(
            b"\"clip_id\"\t\"x\"\t\"y\"\t\"mp3_path\"\n\"1\"\t\"0\"\t\"yes\"\t\"0/a.mp3\"\n"
        ),
        (
            2,
            AnnotationProblem::TagValue {
                column: "y".into(),
                text: "yes".into()
            }
        )
    );
    assert_eq!(
        open_error(b"clip_id\tx\tmp3_path\n1\t0\t0/a.mp3\n\n1\t2\t0/a.mp3\n").1,
        AnnotationProblem::TagValue {
            column: "x".into(),
            text: "2".into()
        }
    );
    assert_eq!(
        open_error(b"clip_id\tx\tmp3_path\n7\t0\t0/a.mp3\n8\t1\t0/a.mp3\n7\t1\t0/a.mp3\n"),
        (
            4,
            AnnotationProblem::DuplicateClip {
                id: "7".into(),
                first_line: 2
            }
        )
    );
    for bad in ["../0/a.mp3", "/etc/passwd", "", "./."] {
        let text = format!("clip_id\tx\tmp3_path\n1\t0\t{bad}\n");
        assert!(
            matches!(
                open_error(text.as_bytes()),
                (2, AnnotationProblem::BadPath(_))
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        open_error(b"clip_id\tx\tmp3_path\n\t0\t0/a.mp3\n"),
        (2, AnnotationProblem::Syntax(_))
    ));
    assert!(matches!(
        open_error(b"clip_id\tx\tmp3_path\n1\t0\t0/\xff.mp3\n"),
        (2, AnnotationProblem::Syntax(_))
    ));
}

/// Random damage to a valid annotation file never panics: a set or a
/// typed error.
#[test]
fn damaged_annotations_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    write_layout(dir.path(), dir.path());
    let csv = dir.path().join("annotations_final.csv");
    let good = std::fs::read(&csv).unwrap();
    let mut x = 7u64;
    for round in 0..200 {
        let mut b = good.clone();
        for _ in 0..(1 + round % 5) {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let i = (x >> 33) as usize % b.len();
            b[i] = [
                b'\t',
                b'"',
                b'\n',
                b'\r',
                b'0',
                b'1',
                b'/',
                b'.',
                0xff,
                (x >> 8) as u8,
            ][(x >> 40) as usize % 10];
        }
        if round % 7 == 0 {
            b.truncate((x >> 20) as usize % b.len());
        }
        std::fs::write(&csv, &b).unwrap();
        match TagSet::open_dir(dir.path()) {
            Ok(set) => {
                assert_eq!(set.labels().nrows(), set.len());
                let _ = set.split();
                let _ = set.top_tags(1);
            }
            Err(Error::Annotations { .. }) => {}
            Err(e) => panic!("round {round}: unexpected {e:?}"),
        }
    }
}

/// The bundled set data/music (MTAT's layout: quoted tab-separated
/// annotations, audio in mp3/<0-f>/) opens, splits as its README says and
/// its first clip decodes to the network's input. Its MP3s carry no LAME
/// `Info` header, so nothing is trimmed: 419 MPEG frames of 576 samples,
/// 241344 samples, the count soundfile decodes (measured: samples within
/// 4.7e-7 of soundfile's on five of the clips).
#[test]
fn the_bundled_music_set_opens_and_decodes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/music");
    let set = TagSet::open_dir(&dir).unwrap();
    assert_eq!(set.audio_root(), dir.join("mp3"));
    assert_eq!((set.len(), set.tag_names().len()), (320, 23));
    assert!(set.skipped().is_empty());
    let (train, valid, test) = set.split().unwrap();
    assert_eq!((train.len(), valid.len(), test.len()), (240, 20, 60));
    assert_eq!(
        set.top_tags(50).unwrap_err().to_string(),
        "asked for the 50 most frequent tags of a set with 23 tags"
    );
    let wav = set.read_clip(0).unwrap();
    assert_eq!(
        (wav.sample_rate, wav.channels, wav.frames()),
        (16000, 1, 241_344)
    );
    let mut lm = LogMel::builder().build().unwrap();
    let x = lm.transform_wav(&wav).unwrap();
    assert_eq!(x.dim(), (1 + 241_344 / 512, 128));
    assert!(x.iter().all(|v| v.is_finite() && *v >= 0.0));
    assert!(x.iter().any(|v| *v > 1.0)); // not silence
}
