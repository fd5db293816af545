//! `tda_io::csv::parse` with options taken from the first byte.
//!
//! Byte 0: bit 0 header on/off; bits 1-2 the delimiter (`,` `;` tab
//! space); bit 3 set: the delimiter is byte 1 instead (any byte, quote and
//! newline included); bits 4-5 the selected columns (all, `["x"]`,
//! `["b", "a"]`, none at all). The rest, as text (bytes that are not UTF-8
//! are replaced), is the table.
//!
//! Invariants: no panic, no allocation past the memory limit; a table
//! that parses has one name per column and finite values, and its values
//! written back as headerless CSV parse to the same values.

#![no_main]

use std::fmt::Write;

use libfuzzer_sys::fuzz_target;
use tda_io::csv::{parse, CsvOptions};

fuzz_target!(|data: &[u8]| {
    tda_pinet_fuzz::init();
    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let mut delimiter = [b',', b';', b'\t', b' '][usize::from((flags >> 1) & 3)];
    if flags & 8 != 0 {
        let Some((&d, r)) = rest.split_first() else {
            return;
        };
        delimiter = d;
        rest = r;
    }
    let columns = match (flags >> 4) & 3 {
        0 => None,
        1 => Some(vec!["x".to_string()]),
        2 => Some(vec!["b".to_string(), "a".to_string()]),
        _ => Some(Vec::new()),
    };
    let opts = CsvOptions {
        delimiter,
        header: flags & 1 != 0,
        columns,
    };
    let text = String::from_utf8_lossy(rest);
    let table = match parse(&text, &opts) {
        Ok(t) => t,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let (rows, cols) = table.data.dim();
    assert!(rows > 0, "an Ok table has a row");
    assert_eq!(cols, table.columns.len());
    assert!(table.data.iter().all(|v| v.is_finite()));
    if cols == 0 {
        return;
    }
    let mut out = String::new();
    for row in table.data.rows() {
        let fields: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        writeln!(out, "{}", fields.join(",")).unwrap();
    }
    let plain = CsvOptions {
        delimiter: b',',
        header: false,
        columns: None,
    };
    let again = parse(&out, &plain).expect("written values parse");
    assert!(tda_pinet_fuzz::same_bits(
        again.data.iter().copied(),
        table.data.iter().copied()
    ));
    assert_eq!(again.data.dim(), table.data.dim());
});
