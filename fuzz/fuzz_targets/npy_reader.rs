//! `tda_io::npy::read_npy` on any bytes, written to a file (the reader
//! takes a path), read as `f64` of any rank, `f32` of rank 2, `i64` of
//! rank 1 and `bool` of any rank.
//!
//! Invariants: no panic, no allocation past the memory limit (the header
//! announces sizes; the reader must check them against the file); an array
//! that reads, written with `write_npy` and read again, is equal (bit for
//! bit for floats).

#![no_main]

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;
use ndarray::{Array, Dimension, Ix1, Ix2, IxDyn};
use tda_io::npy::{read_npy, write_npy, ReadableElement, WritableElement};

/// Reads `input` as `Array<T, D>`; if it reads, writes it back and checks
/// that it reads again as itself (`same` compares the elements).
fn check<T, D>(input: &std::path::Path, same: impl Fn(&Array<T, D>, &Array<T, D>) -> bool)
where
    T: ReadableElement + WritableElement + Debug,
    D: Dimension,
{
    let array = match read_npy::<T, D>(input) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let out = tda_pinet_fuzz::scratch().join("out.npy");
    write_npy(&out, &array).expect("an array that reads can be written");
    let again = read_npy::<T, D>(&out).expect("a written array reads");
    assert_eq!(again.shape(), array.shape());
    assert!(same(&again, &array), "{again:?} != {array:?}");
}

fuzz_target!(|data: &[u8]| {
    tda_pinet_fuzz::init();
    let input = tda_pinet_fuzz::write_input("in.npy", data);
    let floats = |a: &Array<f64, IxDyn>, b: &Array<f64, IxDyn>| {
        tda_pinet_fuzz::same_bits(a.iter().copied(), b.iter().copied())
    };
    check::<f64, IxDyn>(&input, floats);
    check::<f32, Ix2>(&input, |a, b| {
        a.iter()
            .map(|v| v.to_bits())
            .eq(b.iter().map(|v| v.to_bits()))
    });
    check::<i64, Ix1>(&input, |a, b| a == b);
    check::<bool, IxDyn>(&input, |a, b| a == b);
});
