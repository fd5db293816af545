//! `tda_io::read_diagrams_json` on any bytes, written to a file (the reader
//! takes a path).
//!
//! Invariants: no panic, no allocation past the memory limit; a diagram
//! set that reads can be written as JSON and as `.npz`, and each reads back
//! as itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tda_io::read_diagrams_json;

fuzz_target!(|data: &[u8]| {
    tda_pinet_fuzz::init();
    let input = tda_pinet_fuzz::write_input("in.json", data);
    match read_diagrams_json(&input) {
        Ok(diagrams) => tda_pinet_fuzz::diagrams_round_trip(&diagrams),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
