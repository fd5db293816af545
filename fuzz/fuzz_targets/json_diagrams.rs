//! `tda_io::read_diagrams_json` on any bytes, written to a file (the reader
//! takes a path).
//!
//! Invariants: no panic, no allocation past the memory limit; a diagram
//! set that reads can be written as JSON and as `.npz`, and each reads back
//! as itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tda_io::{read_diagrams_json, read_diagrams_npz, write_diagrams_json, write_diagrams_npz};

fuzz_target!(|data: &[u8]| {
    tda_pinet_fuzz::init();
    let input = tda_pinet_fuzz::write_input("in.json", data);
    let diagrams = match read_diagrams_json(&input) {
        Ok(d) => d,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let dir = tda_pinet_fuzz::scratch();
    let (npz, json) = (dir.join("out.npz"), dir.join("out.json"));
    write_diagrams_json(&json, &diagrams).expect("diagrams that read can be written (JSON)");
    assert_eq!(
        read_diagrams_json(&json).expect("written JSON reads"),
        diagrams
    );
    write_diagrams_npz(&npz, &diagrams).expect("diagrams that read can be written (.npz)");
    assert_eq!(
        read_diagrams_npz(&npz).expect("written .npz reads"),
        diagrams
    );
});
