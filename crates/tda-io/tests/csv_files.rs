//! Reading CSV files from disk: plain, gzipped, and the bundled Daphnet recording.

mod common;

use std::io::Write;

use common::TempDir;
use ndarray::array;
use tda_io::csv::{read, CsvOptions};
use tda_io::Error;

fn select(cols: &[&str]) -> CsvOptions {
    CsvOptions {
        columns: Some(cols.iter().map(|c| c.to_string()).collect()),
        ..CsvOptions::default()
    }
}

const DAPHNET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/daphnet/S06R02E0.csv"
);

#[test]
fn reads_the_daphnet_recording_selecting_ankle_columns() {
    let t = read(
        DAPHNET,
        &select(&["ankle_horiz_fwd", "ankle_vert", "ankle_horiz_lateral"]),
    )
    .unwrap();
    assert_eq!(t.data.dim(), (7040, 3));
    assert_eq!(t.data.row(0).to_vec(), vec![101.0, 1000.0, 297.0]);
    assert_eq!(t.data.row(1).to_vec(), vec![101.0, 1000.0, 287.0]);
    assert_eq!(
        t.columns,
        ["ankle_horiz_fwd", "ankle_vert", "ankle_horiz_lateral"]
    );
}

#[test]
fn the_daphnet_timestamp_column_is_not_a_number() {
    let e = read(DAPHNET, &CsvOptions::default()).unwrap_err();
    match e {
        Error::NotANumber { line, column, text } => {
            assert_eq!((line, column.as_str()), (2, "timestamp"));
            assert_eq!(text, "1970-01-01 00:04:40.000");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn reads_plain_and_gzipped_files_alike() {
    let dir = TempDir::new("csv-gz");
    let text = "t,x,y\nnoon,1,2\nnight,\"3\",4.5\n";
    let plain = dir.path().join("table.csv");
    std::fs::write(&plain, text).unwrap();
    let gz = dir.path().join("table.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();

    let opts = select(&["x", "y"]);
    let a = read(&plain, &opts).unwrap();
    let b = read(&gz, &opts).unwrap();
    assert_eq!(a, b);
    assert_eq!(b.data, array![[1.0, 2.0], [3.0, 4.5]]);
}

#[test]
fn a_corrupt_gzip_file_is_an_io_error_naming_it() {
    let dir = TempDir::new("csv-badgz");
    let gz = dir.path().join("broken.csv.GZ");
    std::fs::write(&gz, b"this is not gzip data at all").unwrap();
    let e = read(&gz, &CsvOptions::default()).unwrap_err();
    assert!(
        matches!(e, Error::Io { ref path, .. } if path == &gz),
        "{e}"
    );
    assert!(e.to_string().contains("broken.csv.GZ"));
}
