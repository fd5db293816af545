//! Hostile input for every public reader and writer of tda-io: truncated
//! and corrupt files, headers that lie about sizes, empty and strided
//! arrays, non-finite and extreme values, unwritable paths and directories,
//! concurrent writers, and temporary files left by killed writers. Each
//! case asserts the exact typed error or the exact result.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::TempDir;
use ndarray::{array, s, Array, Array2, ArrayD, Ix0, Ix1, Ix2, Ix3, IxDyn, ShapeBuilder};
use tda_io::csv::{self, CsvOptions};
use tda_io::npy::{read_npy, write_npy};
use tda_io::{clean_stale_temp_files, ts, write_file, Error};

/// A process id above the kernel's limit (`PID_MAX_LIMIT` = 2^22): never
/// a running process.
const DEAD_PID: u32 = 4_194_999;

/// Temporary files of tda-io writers in `dir`.
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tda-tmp-"))
        .collect()
}

// ---------------------------------------------------------------- .ts ---

/// What a hostile case must give.
#[derive(Debug)]
enum Want {
    /// `Error::Parse` at this line whose message contains this text.
    Parse(usize, &'static str),
    /// `Error::Empty`.
    Empty,
    /// Success with this `(series, channels, length)`.
    Shape(usize, usize, usize),
}

#[test]
fn ts_parse_hostile_table() {
    let h = "@problemName T\n@classLabel true a b\n@data\n";
    let cases: Vec<(String, Want)> = vec![
        (String::new(), Want::Empty),
        ("\n\n# only comments\n".into(), Want::Empty),
        ("@data\n".into(), Want::Empty),
        (h.into(), Want::Empty),
        ("hello\n".into(), Want::Parse(1, "expected a header line")),
        (format!("{h}1,?,3:a\n"), Want::Parse(4, "missing value")),
        (format!("{h}1,NaN,3:a\n"), Want::Parse(4, "missing value")),
        (format!("{h}1,nan,3:a\n"), Want::Parse(4, "missing value")),
        (
            format!("{h}1,inf,3:a\n"),
            Want::Parse(4, "non-finite value `inf`"),
        ),
        (
            format!("{h}1,-inf,3:a\n"),
            Want::Parse(4, "non-finite value `-inf`"),
        ),
        (
            format!("{h}1,1e309,3:a\n"),
            Want::Parse(4, "non-finite value `1e309`"),
        ),
        (
            format!("{h}1,,3:a\n"),
            Want::Parse(4, "`` in channel 0 is not a number"),
        ),
        (
            format!("{h}1,0x10:a\n"),
            Want::Parse(4, "`0x10` in channel 0"),
        ),
        (
            format!("{h}1,2:3:a\n1,2:3,4:b\n"),
            Want::Parse(4, "ragged series"),
        ),
        (
            format!("{h}1,2:a\n1,2,3:b\n"),
            Want::Parse(5, "the first series has 1"),
        ),
        (
            format!("{h}1,2:a\n1,2:3,4:b\n"),
            Want::Parse(5, "series has 2 channels"),
        ),
        (
            format!("{h}1,2,3\n"),
            Want::Parse(4, "series without a class label"),
        ),
        (
            format!("{h}1,2,3:c\n"),
            Want::Parse(4, "label `c` is not among"),
        ),
        (
            format!("{h}1,2,3:\n"),
            Want::Parse(4, "label `` is not among"),
        ),
        (format!("{h}:a\n"), Want::Parse(4, "`` in channel 0")),
        (
            format!("{h}1,2,3:a:\n"),
            Want::Parse(4, "label `` is not among"),
        ),
        (
            "@classLabel true\n@data\n1:a\n".into(),
            Want::Parse(3, "label `a` is not among the declared classes []"),
        ),
        (
            "@timeStamps true\n@data\n".into(),
            Want::Parse(1, "timestamped"),
        ),
        // Truncated mid-series: the last line is ragged.
        (format!("{h}1,2,3:4,5,6:a\n1,2,3:4,5"), Want::Parse(5, "")),
        // Header sizes are not trusted, nor allocated.
        (
            "@seriesLength 1000000000000000000\n@dimensions 99999999999999\n@data\n1,2\n".into(),
            Want::Shape(1, 1, 2),
        ),
        ("@data\r\n1,2\r\n3,4\r\n".into(), Want::Shape(2, 1, 2)),
        (
            "@classLabel true a a\n@data\n1:a\n".into(),
            Want::Shape(1, 1, 1),
        ),
        (
            "@data\n\u{feff}1\n".into(),
            Want::Parse(2, "is not a number"),
        ),
    ];
    let n = cases.len();
    for (text, want) in cases {
        let got = ts::parse(&text);
        match (&got, &want) {
            (Err(Error::Parse { line, message }), Want::Parse(l, m)) => {
                assert_eq!(line, l, "{text:?}: {message}");
                assert!(message.contains(m), "{text:?}: {message}");
            }
            (Err(Error::Empty), Want::Empty) => {}
            (Ok(ds), Want::Shape(a, b, c)) => assert_eq!(ds.data.dim(), (*a, *b, *c), "{text:?}"),
            _ => panic!("{text:?}: got {got:?}, want {want:?}"),
        }
    }
    assert_eq!(n, 28);
}

#[test]
fn ts_extreme_values_are_kept_exactly() {
    let text = "@data\n1.7976931348623157e308,-1.7976931348623157e308,5e-324,-0.0,-5e-324,2.2250738585072014e-308\n";
    let ds = ts::parse(text).unwrap();
    let want = [
        f64::MAX,
        f64::MIN,
        f64::from_bits(1),
        -0.0,
        -f64::from_bits(1),
        f64::MIN_POSITIVE,
    ];
    let got: Vec<u64> = ds.data.iter().map(|v| v.to_bits()).collect();
    assert_eq!(got, want.map(f64::to_bits).to_vec());
}

#[test]
fn ts_many_classes_and_series_parse_in_linear_time() {
    // 20,000 declared classes and 20,000 series: a linear scan per label
    // would make 4e8 string comparisons.
    let n = 20_000;
    let mut text = String::from("@classLabel true");
    for k in 0..n {
        text.push_str(&format!(" c{k}"));
    }
    text.push_str("\n@data\n");
    for k in 0..n {
        text.push_str(&format!("{k}:c{}\n", n - 1 - k));
    }
    let t = std::time::Instant::now();
    let ds = ts::parse(&text).unwrap();
    let idx = ds.label_indices().unwrap();
    assert_eq!(ds.data.dim(), (n, 1, 1));
    assert_eq!(idx[0], n - 1);
    assert_eq!(idx[n - 1], 0);
    assert!(t.elapsed().as_secs_f64() < 5.0, "{:?}", t.elapsed());
}

#[test]
fn ts_label_indices_hostile() {
    let mut ds = ts::parse("@classLabel true a b a\n@data\n1:a\n2:b\n").unwrap();
    assert_eq!(ds.label_indices().unwrap(), vec![0, 1]);
    ds.labels.push("zzz".into());
    assert!(matches!(
        ds.label_indices(),
        Err(Error::Parse { line: 0, ref message }) if message.contains("`zzz`")
    ));
    ds.class_names.clear();
    assert!(matches!(
        ds.label_indices(),
        Err(Error::Parse { line: 0, .. })
    ));
    ds.labels.clear();
    assert_eq!(ds.label_indices().unwrap(), Vec::<usize>::new());
}

#[test]
fn ts_read_hostile_files() {
    let dir = TempDir::new("hostile-ts");
    let io = |p: &Path| matches!(ts::read(p), Err(Error::Io { ref path, .. }) if path == p);
    // Missing, a directory, not UTF-8.
    assert!(io(&dir.path().join("none.ts")));
    assert!(io(dir.path()));
    let bad = dir.path().join("latin1.ts");
    std::fs::write(&bad, b"@data\n1,2\xff\n").unwrap();
    assert!(io(&bad));
    // Empty and truncated files.
    let empty = dir.path().join("empty.ts");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(ts::read(&empty), Err(Error::Empty)));
    let full = "@classLabel true a\n@data\n1,2,3:a\n4,5,6:a\n";
    let cut = dir.path().join("cut.ts");
    for end in [0, 5, 24, 30, full.len() - 4, full.len() - 1, full.len()] {
        std::fs::write(&cut, &full.as_bytes()[..end]).unwrap();
        match ts::read(&cut) {
            Ok(ds) => assert!(ds.data.dim() == (2, 1, 3) || ds.data.dim() == (1, 1, 3)),
            Err(Error::Empty | Error::Parse { .. }) => {}
            Err(e) => panic!("cut at {end}: {e}"),
        }
    }
    std::fs::write(&cut, &full.as_bytes()[..full.len() - 4]).unwrap();
    assert!(matches!(ts::read(&cut), Err(Error::Parse { line: 4, .. })));
}

// ---------------------------------------------------------------- CSV ---

/// What a CSV case must give.
#[derive(Debug)]
enum CsvWant {
    /// These values, row-major, with this shape.
    Ok((usize, usize), Vec<f64>),
    /// `Error::NotANumber` at this line and column.
    Nan(usize, &'static str),
    /// `Error::RaggedRow` at this line.
    Ragged(usize),
    /// `Error::Empty`.
    Empty,
    /// `Error::MissingColumn` naming this column.
    Missing(&'static str),
    /// `Error::ColumnsWithoutHeader`.
    NoHeader,
}

fn opts(delimiter: u8, header: bool, columns: Option<&[&str]>) -> CsvOptions {
    CsvOptions {
        delimiter,
        header,
        columns: columns.map(|c| c.iter().map(|s| s.to_string()).collect()),
    }
}

#[test]
fn csv_parse_hostile_table() {
    let all = CsvOptions::default();
    let cases: Vec<(&[u8], CsvOptions, CsvWant)> = vec![
        (b"", all.clone(), CsvWant::Empty),
        (b"a,b\n", all.clone(), CsvWant::Empty),
        (b"\n\n\n", all.clone(), CsvWant::Empty),
        (
            b"1,2\n",
            opts(b',', false, None),
            CsvWant::Ok((1, 2), vec![1.0, 2.0]),
        ),
        (b"1,2\n", opts(b',', false, Some(&["a"])), CsvWant::NoHeader),
        (b"a,b\n1,2\n3\n", all.clone(), CsvWant::Ragged(3)),
        (b"a,b\n1,2\n3,4,5\n", all.clone(), CsvWant::Ragged(3)),
        (b"a,b\n1,NaN\n", all.clone(), CsvWant::Nan(2, "b")),
        (b"a,b\n1,inf\n", all.clone(), CsvWant::Nan(2, "b")),
        (b"a,b\n-inf,1\n", all.clone(), CsvWant::Nan(2, "a")),
        (b"a,b\n1e309,1\n", all.clone(), CsvWant::Nan(2, "a")),
        (b"a,b\n,1\n", all.clone(), CsvWant::Nan(2, "a")),
        (b"a,b\n0x10,1\n", all.clone(), CsvWant::Nan(2, "a")),
        (b"a,b\n1,\xff\n", all.clone(), CsvWant::Nan(2, "b")),
        // Invalid UTF-8 in an unselected column is fine.
        (
            b"a,b\n1,\xff\n",
            opts(b',', true, Some(&["a"])),
            CsvWant::Ok((1, 1), vec![1.0]),
        ),
        (
            b"a,b\n1,2\n",
            opts(b',', true, Some(&["c"])),
            CsvWant::Missing("c"),
        ),
        (
            b"a,b\n1,2\n",
            opts(b',', true, Some(&["A"])),
            CsvWant::Missing("A"),
        ),
        // Repeated header names select the first.
        (
            b"a,a\n1,2\n",
            opts(b',', true, Some(&["a", "a"])),
            CsvWant::Ok((1, 2), vec![1.0, 1.0]),
        ),
        // No columns selected: rows of nothing.
        (
            b"a,b\n1,2\n3,4\n",
            opts(b',', true, Some(&[])),
            CsvWant::Ok((2, 0), vec![]),
        ),
        (
            b"a;b\n 1 ; 2 \n",
            opts(b';', true, None),
            CsvWant::Ok((1, 2), vec![1.0, 2.0]),
        ),
        (
            b"a\tb\n1\t2\n",
            opts(b'\t', true, None),
            CsvWant::Ok((1, 2), vec![1.0, 2.0]),
        ),
        (
            b"a,b\r\n1,2\r\n",
            all.clone(),
            CsvWant::Ok((1, 2), vec![1.0, 2.0]),
        ),
        (
            b"a,b,c,d\n1.7976931348623157e308,-1.7976931348623157e308,5e-324,-0\n",
            all.clone(),
            CsvWant::Ok((1, 4), vec![f64::MAX, f64::MIN, f64::from_bits(1), -0.0]),
        ),
        // A quote left open runs to the end of the input: one field.
        (b"a,b\n1,\"2\n3,4\n", all.clone(), CsvWant::Nan(2, "b")),
        (b"a\n\"1\"\"\"\n", all.clone(), CsvWant::Nan(2, "a")),
        (b"a\n\"1\"\n", all.clone(), CsvWant::Ok((1, 1), vec![1.0])),
    ];
    let n = cases.len();
    for (text, o, want) in cases {
        let got = csv::parse(std::str::from_utf8(text).unwrap_or("\u{fffd}"), &o);
        // Non-UTF-8 text goes through `read` (bytes); `parse` takes a str.
        let got = if std::str::from_utf8(text).is_err() {
            let dir = TempDir::new("hostile-csv-bytes");
            let p = dir.path().join("t.csv");
            std::fs::write(&p, text).unwrap();
            csv::read(&p, &o)
        } else {
            got
        };
        let show = String::from_utf8_lossy(text);
        match (&got, &want) {
            (Ok(t), CsvWant::Ok(shape, values)) => {
                assert_eq!(t.data.dim(), *shape, "{show:?}");
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    bits(&t.data.iter().copied().collect::<Vec<_>>()),
                    bits(values),
                    "{show:?}"
                );
            }
            (Err(Error::NotANumber { line, column, .. }), CsvWant::Nan(l, c)) => {
                assert_eq!((*line, column.as_str()), (*l, *c), "{show:?}");
            }
            (Err(Error::RaggedRow { line, .. }), CsvWant::Ragged(l)) => assert_eq!(line, l),
            (Err(Error::Empty), CsvWant::Empty) => {}
            (Err(Error::MissingColumn { name }), CsvWant::Missing(c)) => assert_eq!(name, c),
            (Err(Error::ColumnsWithoutHeader), CsvWant::NoHeader) => {}
            _ => panic!("{show:?}: got {got:?}, want {want:?}"),
        }
    }
    assert_eq!(n, 26);
}

#[test]
fn csv_read_hostile_files_plain_and_gzip() {
    let dir = TempDir::new("hostile-csv");
    let all = CsvOptions::default();
    let io = |p: &Path| matches!(csv::read(p, &all), Err(Error::Io { ref path, .. }) if path == p);
    assert!(io(&dir.path().join("none.csv")));
    assert!(io(dir.path()));
    let gz = |name: &str, text: &[u8]| -> PathBuf {
        let p = dir.path().join(name);
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&p).unwrap(),
            flate2::Compression::default(),
        );
        enc.write_all(text).unwrap();
        enc.finish().unwrap();
        p
    };
    let text = b"a,b\n1,2\n3,4\n5,6\n";
    let good = gz("good.csv.gz", text);
    assert_eq!(csv::read(&good, &all).unwrap().data.dim(), (3, 2));
    // Truncated gzip streams: an I/O error naming the file (or, cut in the
    // trailer after all the data, the whole table).
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("cut.csv.gz");
    for end in [1, 5, 10, bytes.len() / 2, bytes.len() - 9, bytes.len() - 1] {
        std::fs::write(&cut, &bytes[..end]).unwrap();
        match csv::read(&cut, &all) {
            Err(Error::Io { ref path, .. }) if path == &cut => {}
            Err(Error::Empty | Error::RaggedRow { .. } | Error::NotANumber { .. }) => {}
            other => panic!("cut at {end}: {other:?}"),
        }
    }
    // Corrupt bytes in the middle of the stream.
    let mut corrupt = bytes.clone();
    let mid = corrupt.len() / 2;
    corrupt[mid] ^= 0xff;
    corrupt[mid + 1] ^= 0x55;
    std::fs::write(&cut, &corrupt).unwrap();
    assert!(csv::read(&cut, &all).is_err());
    // An empty .gz file is no gzip stream; two concatenated members are one.
    let empty = dir.path().join("empty.csv.gz");
    std::fs::write(&empty, b"").unwrap();
    assert!(io(&empty), "{:?}", csv::read(&empty, &all));
    let mut two = std::fs::read(gz("a.gz", b"a,b\n1,2\n")).unwrap();
    two.extend(std::fs::read(gz("b.gz", b"3,4\n")).unwrap());
    let twop = dir.path().join("two.csv.gz");
    std::fs::write(&twop, two).unwrap();
    assert_eq!(
        csv::read(&twop, &all).unwrap().data,
        array![[1.0, 2.0], [3.0, 4.0]]
    );
    // Options apply to gzipped files alike.
    let sel = opts(b',', true, Some(&["b"]));
    assert_eq!(
        csv::read(&good, &sel).unwrap().data,
        array![[2.0], [4.0], [6.0]]
    );
    assert!(matches!(
        csv::read(&good, &opts(b',', true, Some(&["zz"]))),
        Err(Error::MissingColumn { .. })
    ));
    // A plain file named .gz is not gzip: an I/O error.
    let fake = dir.path().join("fake.csv.gz");
    std::fs::write(&fake, text).unwrap();
    assert!(io(&fake));
    // A table column lookup on hostile names.
    let t = csv::parse("a,b\n1,2\n", &all).unwrap();
    assert!(t.column("").is_none());
    assert!(t.column("a\0").is_none());
    assert_eq!(t.column("b").unwrap().to_vec(), vec![2.0]);
}

// ---------------------------------------------------------------- .npy ---

/// An `.npy` file of format version `major`.0 with this header dictionary
/// text (padded as numpy pads it) and these data bytes.
fn npy_bytes(major: u8, header: &str, data: &[u8]) -> Vec<u8> {
    let prefix = if major == 1 { 10 } else { 12 };
    let mut text = header.to_string();
    while (prefix + text.len() + 1) % 64 != 0 {
        text.push(' ');
    }
    text.push('\n');
    let mut out = b"\x93NUMPY".to_vec();
    out.extend([major, 0]);
    if major == 1 {
        out.extend(u16::try_from(text.len()).unwrap().to_le_bytes());
    } else {
        out.extend(u32::try_from(text.len()).unwrap().to_le_bytes());
    }
    out.extend(text.as_bytes());
    out.extend(data);
    out
}

/// A header dictionary for `descr` and `shape` in C order.
fn dict(descr: &str, shape: &str) -> String {
    format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}")
}

/// What reading a crafted `.npy` file as `f64` of any dimension must give.
#[derive(Debug)]
enum NpyWant {
    /// `Error::NpyFormat` whose message contains this text.
    Format(&'static str),
    /// `Error::NpyDtype`.
    Dtype,
    /// These values with this shape.
    Ok(Vec<usize>, Vec<f64>),
}

#[test]
fn npy_read_hostile_table() {
    let f8 = |v: &[f64]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let one = f8(&[1.5]);
    let six = f8(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let cases: Vec<(&str, Vec<u8>, NpyWant)> = vec![
        ("empty file", vec![], NpyWant::Format("ends early")),
        ("magic only", b"\x93NUMPY".to_vec(), NpyWant::Format("ends early")),
        ("bad magic", b"\x93NUMPZ\x01\x00\x00\x00".to_vec(), NpyWant::Format("magic")),
        ("text", b"not an npy file at all".to_vec(), NpyWant::Format("magic")),
        ("version 4.0", npy_bytes(1, &dict("<f8", "(1,)"), &one).into_iter().enumerate().map(|(i, b)| if i == 6 { 4 } else { b }).collect(), NpyWant::Format("version 4.0")),
        ("version 1.1", npy_bytes(1, &dict("<f8", "(1,)"), &one).into_iter().enumerate().map(|(i, b)| if i == 7 { 1 } else { b }).collect(), NpyWant::Format("version 1.1")),
        ("header longer than the file", {
            let mut b = npy_bytes(1, &dict("<f8", "(1,)"), &[]);
            b[8] = 0xff;
            b[9] = 0xff;
            b
        }, NpyWant::Format("claims 65535 bytes")),
        ("v2 header of 4 GiB claimed", {
            let mut b = npy_bytes(2, &dict("<f8", "(1,)"), &one);
            b[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
            b
        }, NpyWant::Format("claims 4294967295 bytes")),
        ("no newline", {
            let mut b = npy_bytes(1, &dict("<f8", "(1,)"), &one);
            let nl = b.iter().position(|&c| c == b'\n').unwrap();
            b[nl] = b' ';
            b
        }, NpyWant::Format("newline")),
        ("duplicate shape: small then huge", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'shape': (1000000000000,), }", &one), NpyWant::Format("`shape` appears twice")),
        ("duplicate shape: huge then small", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), 'shape': (1,), }", &one), NpyWant::Format("`shape` appears twice")),
        ("duplicate descr", npy_bytes(1, "{'descr': '<f8', 'descr': '<i1', 'fortran_order': False, 'shape': (1,), }", &one), NpyWant::Format("`descr` appears twice")),
        ("duplicate fortran_order", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'fortran_order': True, 'shape': (1,), }", &one), NpyWant::Format("`fortran_order` appears twice")),
        ("unknown key", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}", &one), NpyWant::Format("unknown key `extra`")),
        ("missing shape", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False}", &one), NpyWant::Format("`shape` is missing")),
        ("missing descr", npy_bytes(1, "{'fortran_order': False, 'shape': (1,)}", &one), NpyWant::Format("`descr` is missing")),
        ("missing fortran_order", npy_bytes(1, "{'descr': '<f8', 'shape': (1,)}", &one), NpyWant::Format("`fortran_order` is missing")),
        ("not a dict", npy_bytes(1, "['descr', '<f8']", &one), NpyWant::Format("expected `{`")),
        ("garbage after the dict", npy_bytes(1, &format!("{} x", dict("<f8", "(1,)")), &one), NpyWant::Format("after the header dictionary")),
        ("unterminated string", npy_bytes(1, "{'descr: '<f8', }", &one), NpyWant::Format("expected `:`")),
        ("escaped descr", npy_bytes(1, &dict("\\x3cf8", "(1,)"), &one), NpyWant::Format("escapes")),
        ("fortran_order 1", npy_bytes(1, "{'descr': '<f8', 'fortran_order': 1, 'shape': (1,)}", &one), NpyWant::Format("True or False")),
        ("shape not a tuple", npy_bytes(1, &dict("<f8", "[1]"), &one), NpyWant::Format("must be a tuple")),
        ("shape (1) without comma", npy_bytes(1, &dict("<f8", "(1)"), &one), NpyWant::Format("trailing comma")),
        ("negative dim", npy_bytes(1, &dict("<f8", "(-1,)"), &one), NpyWant::Format("non-negative integers")),
        ("float dim", npy_bytes(1, &dict("<f8", "(1.0,)"), &one), NpyWant::Format("expected `,` or `)`")),
        ("nested tuples", npy_bytes(1, &dict("<f8", &"(".repeat(2000)), &one), NpyWant::Format("non-negative integers")),
        ("dim over u64", npy_bytes(1, &dict("<f8", "(99999999999999999999999,)"), &one), NpyWant::Format("does not fit in usize")),
        ("product overflows 2^64", npy_bytes(1, &dict("<f8", "(4294967296, 4294967296, 4294967296)"), &one), NpyWant::Format("more elements than an array can hold")),
        ("bytes overflow 2^64", npy_bytes(1, &dict("<f8", "(4294967296, 1073741824)"), &one), NpyWant::Format("more elements than an array can hold")),
        ("10^12 elements claimed in a 1 KB file", npy_bytes(1, &dict("<f8", "(1000000, 1000000)"), &[0; 1024]), NpyWant::Format("describes 8000000000000 bytes of data but only 1024 follow")),
        ("zero-length axis beside a huge one", npy_bytes(1, &dict("<f8", "(0, 1099511627776)"), &[]), NpyWant::Ok(vec![0, 1 << 40], vec![])),
        ("zero-length axis beside one too large for ndarray", npy_bytes(1, &dict("<f8", "(0, 4611686018427387904)"), &[]), NpyWant::Format("more elements than an array can hold")),
        ("truncated data", npy_bytes(1, &dict("<f8", "(2, 3)"), &six[..47]), NpyWant::Format("describes 48 bytes of data but only 47 follow")),
        ("extra data", npy_bytes(1, &dict("<f8", "(2, 3)"), &[six.clone(), vec![0]].concat()), NpyWant::Format("1 extra bytes")),
        ("wrong dtype i4", npy_bytes(1, &dict("<i4", "(1,)"), &[0; 4]), NpyWant::Dtype),
        ("wrong dtype f4", npy_bytes(1, &dict("<f4", "(1000000000000,)"), &[0; 4]), NpyWant::Dtype),
        ("unknown dtype", npy_bytes(1, &dict("<q9", "(1,)"), &one), NpyWant::Dtype),
        ("structured dtype", npy_bytes(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}", &one), NpyWant::Format("structured dtypes")),
        ("non-ASCII in a v1 header", npy_bytes(1, &dict("<f8", "(1,)").replace("descr", "déscr"), &one), NpyWant::Format("non-ASCII")),
        ("big-endian f8", npy_bytes(1, &dict(">f8", "(2,)"), &[2.5f64.to_be_bytes(), (-0.0f64).to_be_bytes()].concat()), NpyWant::Ok(vec![2], vec![2.5, -0.0])),
        ("Fortran order", npy_bytes(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", &six), NpyWant::Ok(vec![2, 3], vec![1.0, 3.0, 5.0, 2.0, 4.0, 6.0])),
        ("Python 2 long dims", npy_bytes(1, &dict("<f8", "(2L, 3L)"), &six), NpyWant::Ok(vec![2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0])),
        ("double quotes, keys reordered, no spaces", npy_bytes(1, "{\"shape\":(1,),\"fortran_order\":False,\"descr\":\"<f8\"}", &one), NpyWant::Ok(vec![1], vec![1.5])),
        ("scalar", npy_bytes(1, &dict("<f8", "()"), &one), NpyWant::Ok(vec![], vec![1.5])),
        ("version 2.0", npy_bytes(2, &dict("<f8", "(1,)"), &one), NpyWant::Ok(vec![1], vec![1.5])),
        ("version 3.0 with UTF-8 padding", npy_bytes(3, &format!("{}\u{a0}", dict("<f8", "(1,)")), &one), NpyWant::Format("after the header dictionary")),
        ("non-finite values are data", npy_bytes(1, &dict("<f8", "(4,)"), &f8(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::from_bits(1)])), NpyWant::Ok(vec![4], vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::from_bits(1)])),
    ];
    let dir = TempDir::new("hostile-npy");
    let p = dir.path().join("x.npy");
    let n = cases.len();
    for (name, bytes, want) in cases {
        std::fs::write(&p, &bytes).unwrap();
        let got = read_npy::<f64, IxDyn>(&p);
        match (&got, &want) {
            (Err(Error::NpyFormat { path, message }), NpyWant::Format(m)) => {
                assert_eq!(path, &p);
                assert!(message.contains(m), "{name}: {message}");
            }
            (Err(Error::NpyDtype { .. }), NpyWant::Dtype) => {}
            (Ok(a), NpyWant::Ok(shape, values)) => {
                assert_eq!(a.shape(), &shape[..], "{name}");
                let bits =
                    |v: &mut dyn Iterator<Item = f64>| v.map(f64::to_bits).collect::<Vec<_>>();
                assert_eq!(
                    bits(&mut a.iter().copied()),
                    bits(&mut values.iter().copied()),
                    "{name}"
                );
            }
            _ => panic!("{name}: got {got:?}, want {want:?}"),
        }
    }
    assert_eq!(n, 48);
}

#[test]
fn npy_read_other_types_and_dimensions_hostile() {
    let dir = TempDir::new("hostile-npy-types");
    let p = dir.path().join("x.npy");
    // bool with a byte that is not 0 or 1.
    std::fs::write(&p, npy_bytes(1, &dict("|b1", "(3,)"), &[0, 1, 2])).unwrap();
    assert!(matches!(
        read_npy::<bool, Ix1>(&p),
        Err(Error::NpyFormat { .. })
    ));
    std::fs::write(&p, npy_bytes(1, &dict("|b1", "(3,)"), &[0, 1, 1])).unwrap();
    assert_eq!(
        read_npy::<bool, Ix1>(&p).unwrap().to_vec(),
        vec![false, true, true]
    );
    // The accepted one-byte spellings.
    for descr in ["|u1", "u1", "B"] {
        std::fs::write(&p, npy_bytes(1, &dict(descr, "(2,)"), &[7, 255])).unwrap();
        assert_eq!(
            read_npy::<u8, Ix1>(&p).unwrap().to_vec(),
            vec![7, 255],
            "{descr}"
        );
    }
    // The number of dimensions is checked before the size: a 10^12-element
    // 3-D header read as 2-D is an Ndim error.
    std::fs::write(&p, npy_bytes(1, &dict("<f8", "(1000000, 1000000, 1)"), &[])).unwrap();
    assert!(matches!(
        read_npy::<f64, Ix2>(&p),
        Err(Error::NpyNdim {
            found: 3,
            expected: Some(2),
            ..
        })
    ));
    // And the dtype before the size.
    assert!(matches!(
        read_npy::<u8, Ix3>(&p),
        Err(Error::NpyDtype { .. })
    ));
    // A scalar read as Ix0, and as Ix1 (wrong).
    std::fs::write(&p, npy_bytes(1, &dict("<i8", "()"), &(-5i64).to_le_bytes())).unwrap();
    assert_eq!(read_npy::<i64, Ix0>(&p).unwrap().into_scalar(), -5);
    assert!(matches!(
        read_npy::<i64, Ix1>(&p),
        Err(Error::NpyNdim {
            found: 0,
            expected: Some(1),
            ..
        })
    ));
    // Paths that are not files.
    assert!(matches!(
        read_npy::<f64, IxDyn>(dir.path()),
        Err(Error::Io { .. })
    ));
    assert!(matches!(
        read_npy::<f64, IxDyn>(dir.path().join("none.npy")),
        Err(Error::Io { .. })
    ));
}

#[test]
fn npy_read_refuses_an_array_over_the_memory_limit_without_allocating() {
    // A sparse file that really holds 16 GiB of f64 (2^31 elements): the
    // header agrees with the file's length, so only the memory guard
    // (8 GiB unless raised) stands between it and the allocation.
    let dir = TempDir::new("hostile-npy-big");
    let p = dir.path().join("big.npy");
    let n: u64 = 1 << 31;
    let head = npy_bytes(1, &dict("<f8", &format!("({n},)")), &[]);
    let file = std::fs::File::create(&p).unwrap();
    (&file).write_all(&head).unwrap();
    if file.set_len(head.len() as u64 + 8 * n).is_err() {
        // The file system has no sparse files this large: nothing to test.
        return;
    }
    drop(file);
    match read_npy::<f64, Ix1>(&p) {
        Err(Error::TooLarge(m)) => {
            assert_eq!(m.estimated_bytes, 8 * n);
            assert_eq!(m.what, "array read from an .npy file");
        }
        other => panic!("{other:?}"),
    }
}

/// Writes `a`, reads it back as `IxDyn` and compares values and shape
/// (`Debug` of each element, so NaN, -0.0 and subnormals count exactly).
macro_rules! round_trip {
    ($p:expr, $a:expr, $t:ty) => {{
        let a = $a;
        write_npy($p, &a).unwrap();
        let b: ArrayD<$t> = read_npy($p).unwrap();
        assert_eq!(a.shape(), b.shape());
        let show = |x: &$t| format!("{x:?}");
        assert_eq!(
            a.iter().map(show).collect::<Vec<_>>(),
            b.iter().map(show).collect::<Vec<_>>()
        );
        1usize
    }};
}

/// Round trips of every layout of `values` for element type `$t`: every
/// number of dimensions 0..=4, C and Fortran order, strided, reversed,
/// broadcast and empty views.
macro_rules! every_layout {
    ($p:expr, $t:ty, $values:expr) => {{
        let values: Vec<$t> = $values;
        let mut cases = 0;
        let shapes: [&[usize]; 6] = [&[], &[5], &[2, 3], &[2, 1, 3], &[1, 2, 2, 2], &[3, 4]];
        for shape in shapes {
            let len: usize = shape.iter().product();
            let data: Vec<$t> = (0..len).map(|i| values[i % values.len()]).collect();
            let a = ArrayD::from_shape_vec(IxDyn(shape), data).unwrap();
            cases += round_trip!($p, a.view(), $t);
            cases += round_trip!($p, a.t(), $t);
            if shape.len() >= 1 {
                cases += round_trip!($p, a.slice_each_axis(|ax| ndarray::Slice::new(0, None, if ax.axis.index() == 0 { -1 } else { 2 })), $t);
                cases += round_trip!($p, a.slice_each_axis(|_| ndarray::Slice::new(0, Some(0), 1)), $t);
            }
        }
        let m = Array2::from_shape_vec((3, 4).f(), (0..12).map(|i| values[i % values.len()]).collect()).unwrap();
        cases += round_trip!($p, m.view(), $t);
        cases += round_trip!($p, m.slice(s![..;2, 1..;2]), $t);
        cases += round_trip!($p, m.slice(s![.., 0..0]), $t);
        cases += round_trip!($p, m.slice(s![0..0, ..;3]), $t);
        cases += round_trip!($p, m.slice(s![..;-1, 2..2;-1]), $t);
        let mt = m.t();
        cases += round_trip!($p, mt.slice(s![1..1, ..]), $t);
        let row = m.row(1);
        cases += round_trip!($p, row.broadcast((3, 4)).unwrap(), $t);
        cases += round_trip!($p, Array::<$t, _>::from_shape_vec((0, 1usize << 40), vec![]).unwrap(), $t);
        cases += round_trip!($p, Array::<$t, _>::from_shape_vec((4, 0, 7).f(), vec![]).unwrap(), $t);
        cases
    }};
}

#[test]
fn npy_write_every_dtype_and_layout_round_trips() {
    let dir = TempDir::new("hostile-npy-write");
    let p = dir.path().join("w.npy");
    let mut cases = 0;
    cases += every_layout!(&p, bool, vec![true, false, false]);
    cases += every_layout!(&p, i8, vec![i8::MIN, -1, 0, i8::MAX]);
    cases += every_layout!(&p, i16, vec![i16::MIN, -1, 0, i16::MAX]);
    cases += every_layout!(&p, i32, vec![i32::MIN, -1, 0, i32::MAX]);
    cases += every_layout!(&p, i64, vec![i64::MIN, -1, 0, i64::MAX]);
    cases += every_layout!(&p, u8, vec![0, 1, u8::MAX]);
    cases += every_layout!(&p, u16, vec![0, 1, u16::MAX]);
    cases += every_layout!(&p, u32, vec![0, 1, u32::MAX]);
    cases += every_layout!(&p, u64, vec![0, 1, u64::MAX]);
    cases += every_layout!(
        &p,
        f32,
        vec![
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            f32::MIN,
            -0.0,
            f32::from_bits(1),
            0.1
        ]
    );
    cases += every_layout!(
        &p,
        f64,
        vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            -0.0,
            f64::from_bits(1),
            0.1
        ]
    );
    assert_eq!(cases, 11 * (6 * 2 + 5 * 2 + 9));
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
}

#[test]
fn npy_write_to_bad_paths_is_an_io_error_leaving_nothing() {
    let dir = TempDir::new("hostile-npy-paths");
    let a = array![1.0f64, 2.0];
    let file = dir.path().join("plain.txt");
    std::fs::write(&file, b"x").unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let bad: Vec<PathBuf> = vec![
        dir.path().join("missing").join("a.npy"),
        file.join("a.npy"),
        sub.clone(),
        PathBuf::from("/"),
        PathBuf::new(),
        dir.path().join(".."),
        dir.path().join("x".repeat(300)),
    ];
    let n = bad.len();
    for p in bad {
        let e = write_npy(&p, &a).unwrap_err();
        assert!(
            matches!(e, Error::Io { ref path, .. } if path == &p),
            "{p:?}: {e}"
        );
    }
    assert_eq!(n, 7);
    // Nothing was created or replaced.
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
    assert!(sub.is_dir() && std::fs::read_dir(&sub).unwrap().next().is_none());
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
}

// --------------------------------------------------------------- plots ---

#[test]
fn plots_to_bad_paths_are_io_errors_leaving_nothing() {
    use tda_io::plot::{line_chart, PlotOptions, Series};
    let dir = TempDir::new("hostile-plot");
    let s = [Series::per_epoch("loss", &[1.0, 0.5])];
    let o = PlotOptions::default().size(100, 100);
    for p in [dir.path().to_path_buf(), dir.path().join("missing/x.png")] {
        let e = line_chart(&p, &s, &o).unwrap_err();
        assert!(
            matches!(e, Error::Io { ref path, .. } if path == &p),
            "{p:?}: {e}"
        );
    }
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
}

// ------------------------------------------------------ atomic writes ---

#[test]
fn write_file_to_bad_paths_is_an_io_error_leaving_nothing() {
    let dir = TempDir::new("hostile-write");
    let file = dir.path().join("f");
    std::fs::write(&file, b"keep").unwrap();
    let cases: Vec<PathBuf> = vec![
        dir.path().to_path_buf(),
        dir.path().join("missing/x"),
        file.join("x"),
        PathBuf::from("/"),
        PathBuf::new(),
        dir.path().join("."),
        dir.path().join(".."),
        dir.path().join("n".repeat(256)),
        dir.path().join("a\0b"),
    ];
    let n = cases.len();
    for p in cases {
        let e = write_file(&p, b"data").unwrap_err();
        assert!(
            matches!(e, Error::Io { ref path, .. } if path == &p),
            "{p:?}: {e}"
        );
    }
    assert_eq!(n, 9);
    assert_eq!(std::fs::read(&file).unwrap(), b"keep");
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    // A read-only directory (unless running as root, who may write anyway).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        match write_file(ro.join("x"), b"data") {
            Ok(()) => assert_eq!(std::fs::read(ro.join("x")).unwrap(), b"data"),
            Err(e) => assert!(matches!(e, Error::Io { .. }), "{e}"),
        }
        assert_eq!(temp_files(&ro), Vec::<String>::new());
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // Empty content, and a new file's permissions are the usual ones.
    let empty = dir.path().join("empty");
    write_file(&empty, b"").unwrap();
    assert_eq!(std::fs::read(&empty).unwrap(), b"");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&empty).unwrap().permissions().mode() & 0o777;
        // 0666 less the umask, as for any new file (not the 0600 of a
        // temporary file); the umask is read where /proc shows it.
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        if let Some(umask) = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .and_then(|u| u32::from_str_radix(u.trim(), 8).ok())
        {
            assert_eq!(mode, 0o666 & !umask);
        }
    }
}

/// Content number `k` of writer `w`: a length header and a fill byte, so
/// that a reader can tell a whole file from a mixture or a part.
fn content(w: usize, k: usize) -> Vec<u8> {
    let len = 5000 + w * 997 + k * 13;
    let mut v = vec![u8::try_from((w * 31 + k) % 251).unwrap(); len];
    v[..8].copy_from_slice(&(len as u64).to_le_bytes());
    v
}

/// Whether `bytes` is one whole `content`.
fn is_whole(bytes: &[u8]) -> bool {
    bytes.len() >= 9
        && u64::from_le_bytes(bytes[..8].try_into().unwrap()) == bytes.len() as u64
        && bytes[8..].iter().all(|&b| b == bytes[8])
}

#[test]
fn concurrent_writers_to_one_path_leave_one_whole_file() {
    let dir = TempDir::new("hostile-concurrent");
    let target = dir.path().join("shared.bin");
    write_file(&target, &content(99, 0)).unwrap();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let reads = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let writers: Vec<_> = (0..6)
            .map(|w| {
                let target = &target;
                scope.spawn(move || {
                    for k in 0..15 {
                        write_file(target, &content(w, k)).unwrap();
                    }
                })
            })
            .collect();
        for _ in 0..2 {
            scope.spawn(|| {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let bytes = std::fs::read(&target).unwrap();
                    assert!(
                        is_whole(&bytes),
                        "a reader saw {} bytes not of one write",
                        bytes.len()
                    );
                    reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
        for w in writers {
            w.join().unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    assert!(is_whole(&std::fs::read(&target).unwrap()));
    assert!(reads.into_inner() > 0);
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
}

#[test]
fn concurrent_npy_writers_leave_one_whole_array() {
    let dir = TempDir::new("hostile-concurrent-npy");
    let target = dir.path().join("a.npy");
    write_npy(&target, &Array2::<f64>::from_elem((3, 3), -1.0)).unwrap();
    std::thread::scope(|scope| {
        for w in 0..4 {
            let target = &target;
            scope.spawn(move || {
                for k in 0..10 {
                    let side = 10 + w * 7 + k;
                    let a = Array2::<f64>::from_elem((side, side + 1), (w * 100 + k) as f64);
                    write_npy(target, &a).unwrap();
                    // Any read gives one whole array: one value, a shape it was written with.
                    let b: Array2<f64> = read_npy(target).unwrap();
                    let v = b[[0, 0]];
                    assert!(b.iter().all(|&x| x == v));
                    assert!(v == -1.0 || b.ncols() == b.nrows() + 1 || b.dim() == (3, 3));
                }
            });
        }
    });
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
}

#[test]
fn stale_temp_files_of_killed_writers_are_cleaned_up() {
    let dir = TempDir::new("hostile-stale");
    let d = dir.path();
    let own = std::process::id();
    let day_old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 3600);
    let put = |name: &str, old: bool| {
        let p = d.join(name);
        let f = std::fs::File::create(&p).unwrap();
        (&f).write_all(&[0; 100]).unwrap();
        if old {
            f.set_modified(day_old).unwrap();
        }
        p
    };
    // What killed writers leave: a dead process's files (young and old),
    // and a running process's file untouched for two days.
    let dead = put(&format!(".out.npy.tda-tmp-{DEAD_PID}-a1b2c3d4e5f6"), false);
    let dead_old = put(
        &format!(".w.safetensors.tda-tmp-{DEAD_PID}-ZZZZZZZZZZZZ"),
        true,
    );
    let live_old = put(".x.png.tda-tmp-1-abcdefabcdef", true);
    // Kept: this process's file (a writer at work), a young file of a
    // running process (pid 1), look-alikes, and a directory with the name.
    let mine = put(&format!(".y.tda-tmp-{own}-abcdefabcdef"), true);
    let live = put(".z.tda-tmp-1-abcdefabcdef", false);
    let other = [
        put("out.npy", true),
        put(&format!("out.npy.tda-tmp-{DEAD_PID}-a1b2c3d4e5f6"), true),
        put(&format!(".out.npy.tda-tmp-{DEAD_PID}-a1b2c3d4e5f"), true),
        put(&format!(".out.npy.tmp{DEAD_PID}.0"), true),
    ];
    std::fs::create_dir(d.join(format!(".d.tda-tmp-{DEAD_PID}-abcdefabcdef"))).unwrap();
    // The first write into the directory removes the stale files.
    write_file(d.join("out.npy"), b"new").unwrap();
    let proc_mounted = Path::new("/proc/self").exists();
    // Without /proc a process's liveness is unknown: only age counts.
    assert_eq!(dead.exists(), !proc_mounted);
    assert!(!dead_old.exists() && !live_old.exists());
    assert!(live.exists());
    assert!(mine.exists());
    assert!(other.iter().all(|p| p.exists()));
    assert!(d
        .join(format!(".d.tda-tmp-{DEAD_PID}-abcdefabcdef"))
        .is_dir());
    assert_eq!(std::fs::read(d.join("out.npy")).unwrap(), b"new");
    // The public cleaner finds nothing more; it reports what it removes.
    assert_eq!(clean_stale_temp_files(d).unwrap(), 0);
    put(&format!(".again.tda-tmp-{DEAD_PID}-000000000000"), false);
    assert_eq!(
        clean_stale_temp_files(d).unwrap(),
        usize::from(proc_mounted)
    );
    std::fs::remove_file(mine).unwrap();
    // Listing errors are typed.
    assert!(matches!(
        clean_stale_temp_files(d.join("none")),
        Err(Error::Io { .. })
    ));
    assert!(matches!(
        clean_stale_temp_files(d.join("out.npy")),
        Err(Error::Io { .. })
    ));
}

#[test]
fn a_writer_killed_mid_write_leaves_a_file_the_next_writer_removes() {
    // A child process (this test binary, re-run) starts writing a large
    // file through tda-io and is killed before it finishes.
    if std::env::var_os("TDA_IO_HOSTILE_CHILD").is_some() {
        let dir = PathBuf::from(std::env::var_os("TDA_IO_HOSTILE_DIR").unwrap());
        let r = tda_io::npy::write_npy(
            dir.join("big.npy"),
            &ndarray::Array1::<u8>::zeros(1)
                .broadcast(1usize << 34)
                .unwrap(),
        );
        // Never reached in time: the parent kills this process.
        drop(r);
        return;
    }
    let dir = TempDir::new("hostile-killed");
    let exe = std::env::current_exe().unwrap();
    let mut child = std::process::Command::new(exe)
        .args([
            "--exact",
            "a_writer_killed_mid_write_leaves_a_file_the_next_writer_removes",
            "--nocapture",
        ])
        .env("TDA_IO_HOSTILE_CHILD", "1")
        .env("TDA_IO_HOSTILE_DIR", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the child's temporary file exists and holds some data.
    let start = std::time::Instant::now();
    let mut seen = false;
    while start.elapsed().as_secs() < 20 {
        let temps = temp_files(dir.path());
        if let Some(t) = temps.first() {
            if std::fs::metadata(dir.path().join(t))
                .map(|m| m.len() > 4096)
                .unwrap_or(false)
            {
                seen = true;
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(seen, "the child never started writing");
    let left = temp_files(dir.path());
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(!dir.path().join("big.npy").exists());
    // The next writer in that directory removes the dead writer's file
    // (where /proc tells dead processes apart; elsewhere after a day).
    write_file(dir.path().join("next.bin"), b"next").unwrap();
    if Path::new("/proc/self").exists() {
        assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    }
}
