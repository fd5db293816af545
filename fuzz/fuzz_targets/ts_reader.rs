//! `tda_io::ts::parse` on any text (bytes that are not UTF-8 are replaced).
//!
//! Invariants: no panic, no allocation past the memory limit; a dataset
//! that parses is consistent (one label per series or none, every label a
//! declared class) and, written back as `.ts` text, parses to itself.

#![no_main]

use std::fmt::Write;

use libfuzzer_sys::fuzz_target;
use tda_io::ts::{parse, TsDataset};

/// The dataset as `.ts` text.
fn render(ds: &TsDataset) -> String {
    let mut s = String::new();
    if let Some(name) = &ds.problem_name {
        writeln!(s, "@problemName {name}").unwrap();
    }
    let labelled = !ds.labels.is_empty();
    write!(s, "@classLabel {labelled}").unwrap();
    for c in &ds.class_names {
        write!(s, " {c}").unwrap();
    }
    s.push_str("\n@data\n");
    for (i, series) in ds.data.outer_iter().enumerate() {
        for (c, channel) in series.outer_iter().enumerate() {
            if c > 0 {
                s.push(':');
            }
            for (j, v) in channel.iter().enumerate() {
                if j > 0 {
                    s.push(',');
                }
                // Debug formatting of f64 reads back bit for bit.
                write!(s, "{v:?}").unwrap();
            }
        }
        if labelled {
            write!(s, ":{}", ds.labels[i]).unwrap();
        }
        s.push('\n');
    }
    s
}

fuzz_target!(|data: &[u8]| {
    tda_pinet_fuzz::init();
    let text = String::from_utf8_lossy(data);
    let ds = match parse(&text) {
        Ok(ds) => ds,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let (n, _, _) = ds.data.dim();
    assert!(n > 0, "an Ok dataset has a series");
    assert!(ds.labels.is_empty() || ds.labels.len() == n);
    assert!(ds.data.iter().all(|v| v.is_finite()));
    let idx = ds.label_indices().expect("every label is a declared class");
    assert_eq!(idx.len(), ds.labels.len());
    let again = parse(&render(&ds)).expect("a rendered dataset parses");
    assert_eq!(again, ds);
});
