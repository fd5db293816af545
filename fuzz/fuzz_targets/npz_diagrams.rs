//! `tda_io::read_diagrams_npz` on any bytes, written to a file (the reader
//! takes a path).
//!
//! Invariants: no panic, no allocation past the memory limit (zip sizes and
//! deflated members are not trusted); a diagram set that reads can be
//! written as `.npz` and as JSON, and each reads back as itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tda_io::read_diagrams_npz;

fuzz_target!(|data: &[u8]| {
    tda_pinet_fuzz::init();
    let input = tda_pinet_fuzz::write_input("in.npz", data);
    match read_diagrams_npz(&input) {
        Ok(diagrams) => tda_pinet_fuzz::diagrams_round_trip(&diagrams),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
