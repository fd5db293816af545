//! `.npy` round trips and error reporting.

mod common;

use common::TempDir;
use ndarray::{Array, Array1, Array2, Array3, Array4, ArrayD, Ix2, Ix3, IxDyn, ShapeBuilder};
use tda_io::npy::{read_npy, write_npy};
use tda_io::Error;

fn f64_bits(a: &[f64]) -> Vec<u64> {
    a.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn f32_2d_round_trip_is_bit_identical() {
    let dir = TempDir::new("npy-f32");
    let p = dir.path().join("a.npy");
    let mut a =
        Array2::<f32>::from_shape_fn((3, 5), |(i, j)| (i as f32 - 1.3) * (j as f32 + 0.1) / 7.0);
    a[[0, 0]] = f32::NAN;
    a[[0, 1]] = -0.0;
    a[[0, 2]] = f32::MIN_POSITIVE / 3.0; // subnormal
    write_npy(&p, &a).unwrap();
    let b: Array2<f32> = read_npy(&p).unwrap();
    assert_eq!(a.dim(), b.dim());
    let bits = |x: &Array2<f32>| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(dir.entries(), vec!["a.npy"]);
}

#[test]
fn f64_4d_round_trip_is_bit_identical() {
    let dir = TempDir::new("npy-f64");
    let p = dir.path().join("b.npy");
    let a = Array4::<f64>::from_shape_fn((2, 3, 4, 5), |(i, j, k, l)| {
        ((i * 60 + j * 20 + k * 5 + l) as f64).sin() * 1e-3
    });
    write_npy(&p, &a).unwrap();
    let b: Array4<f64> = read_npy(&p).unwrap();
    assert_eq!(a.dim(), b.dim());
    assert_eq!(
        f64_bits(a.as_slice().unwrap()),
        f64_bits(&b.iter().copied().collect::<Vec<_>>())
    );
    // The same file read with a dynamic dimension.
    let c: ArrayD<f64> = read_npy(&p).unwrap();
    assert_eq!(c.shape(), &[2, 3, 4, 5]);
}

#[test]
fn integer_types_and_layouts_round_trip() {
    let dir = TempDir::new("npy-int");
    let p = dir.path().join("c.npy");
    let labels = Array1::<i64>::from(vec![-5, 0, 7, i64::MAX, i64::MIN]);
    write_npy(&p, &labels).unwrap();
    assert_eq!(read_npy::<i64, _>(&p).unwrap(), labels);

    let bytes = Array3::<u8>::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as u8);
    write_npy(&p, &bytes).unwrap();
    assert_eq!(read_npy::<u8, Ix3>(&p).unwrap(), bytes);

    // Fortran order and a non-contiguous view keep their logical values.
    let f = Array2::<f64>::from_shape_vec((2, 3).f(), vec![1., 2., 3., 4., 5., 6.]).unwrap();
    write_npy(&p, &f).unwrap();
    assert_eq!(read_npy::<f64, Ix2>(&p).unwrap(), f);
    let strided = bytes.slice(ndarray::s![.., ..;2, 1..]);
    write_npy(&p, &strided).unwrap();
    assert_eq!(read_npy::<u8, Ix3>(&p).unwrap(), strided);
    assert_eq!(dir.entries(), vec!["c.npy"]);
}

#[test]
fn another_dtype_is_an_error_naming_both_types() {
    let dir = TempDir::new("npy-dtype");
    let p = dir.path().join("d.npy");
    write_npy(&p, &Array2::<f64>::zeros((2, 2))).unwrap();
    let e = read_npy::<f32, Ix2>(&p).unwrap_err();
    match &e {
        Error::NpyDtype {
            path,
            found,
            expected,
        } => {
            assert_eq!(path, &p);
            assert_eq!(found, "'<f8'");
            assert_eq!(expected, "f32");
        }
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("d.npy"));
    assert!(matches!(
        read_npy::<i64, Ix2>(&p),
        Err(Error::NpyDtype { .. })
    ));
}

#[test]
fn another_ndim_is_an_error() {
    let dir = TempDir::new("npy-ndim");
    let p = dir.path().join("e.npy");
    write_npy(&p, &Array2::<f32>::zeros((2, 2))).unwrap();
    let e = read_npy::<f32, Ix3>(&p).unwrap_err();
    assert!(
        matches!(e, Error::NpyNdim { found: 2, expected: Some(3), ref path } if path == &p),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        format!("{}: the array has 2 dimensions, expected 3", p.display())
    );
    assert!(read_npy::<f32, IxDyn>(&p).is_ok());
}

#[test]
fn corrupt_files_are_format_errors() {
    let dir = TempDir::new("npy-corrupt");
    let p = dir.path().join("f.npy");
    let is_format_with = |e: &Error, text: &str| matches!(e, Error::NpyFormat { path, message } if path == &p && message.contains(text));

    std::fs::write(&p, b"this is not an npy file").unwrap();
    let e = read_npy::<f64, Ix2>(&p).unwrap_err();
    assert!(is_format_with(&e, "magic"), "{e}");

    std::fs::write(&p, b"\x93NUM").unwrap();
    let e = read_npy::<f64, Ix2>(&p).unwrap_err();
    assert!(is_format_with(&e, "ends early"), "{e}");

    // A valid file cut short in its data.
    write_npy(&p, &Array2::<f64>::ones((10, 10))).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() - 8]).unwrap();
    let e = read_npy::<f64, Ix2>(&p).unwrap_err();
    assert!(
        is_format_with(&e, "describes 800 bytes of data but only 792"),
        "{e}"
    );

    // Extra bytes after the data.
    let mut longer = bytes.clone();
    longer.extend_from_slice(&[0; 8]);
    std::fs::write(&p, &longer).unwrap();
    let e = read_npy::<f64, Ix2>(&p).unwrap_err();
    assert!(is_format_with(&e, "extra bytes"), "{e}");

    // A header claiming an enormous array must not be allocated.
    let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 1000000), }";
    let mut text = header.to_string();
    while (10 + text.len() + 1) % 64 != 0 {
        text.push(' ');
    }
    text.push('\n');
    let mut huge = b"\x93NUMPY\x01\x00".to_vec();
    huge.extend_from_slice(&(text.len() as u16).to_le_bytes());
    huge.extend_from_slice(text.as_bytes());
    huge.extend_from_slice(&[0; 64]);
    std::fs::write(&p, &huge).unwrap();
    let e = read_npy::<f64, Ix2>(&p).unwrap_err();
    assert!(is_format_with(&e, "describes"), "{e}");
}

#[test]
fn a_missing_file_is_an_io_error() {
    let e = read_npy::<f64, Ix2>("/nonexistent/x.npy").unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");
}

#[test]
fn a_failed_write_leaves_nothing_and_a_rewrite_replaces() {
    let dir = TempDir::new("npy-write");
    let missing = dir.path().join("no-such-dir").join("g.npy");
    let a = Array::from_vec(vec![1.0f64, 2.0]);
    let e = write_npy(&missing, &a).unwrap_err();
    assert!(
        matches!(e, Error::Io { ref path, .. } if path == &missing),
        "{e}"
    );
    assert!(dir.entries().is_empty());

    let p = dir.path().join("g.npy");
    write_npy(&p, &a).unwrap();
    write_npy(&p, &Array::from_vec(vec![3.0f64])).unwrap();
    assert_eq!(
        read_npy::<f64, ndarray::Ix1>(&p).unwrap().to_vec(),
        vec![3.0]
    );
    assert_eq!(dir.entries(), vec!["g.npy"]);
}
