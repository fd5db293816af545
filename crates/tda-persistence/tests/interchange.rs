//! Diagrams as data: `Display`, `(n, 2)` arrays and (feature `serde`) the
//! JSON diagram format.

use ndarray::{array, Array2};
use tda_persistence::{Diagram, Error, PersistencePair};

fn pair(b: f64, d: f64) -> PersistencePair {
    PersistencePair::new(b, d)
}

/// A diagram with the awkward values: infinities, a subnormal, extremes.
fn awkward() -> Diagram {
    Diagram::new(
        1,
        vec![
            pair(0.0, f64::INFINITY),
            pair(0.1, 0.30000000000000004),
            pair(5e-324, 1e-310),
            pair(-f64::MAX, f64::MAX),
            pair(3.0, f64::NEG_INFINITY),
            pair(-0.0, 1.0),
        ],
    )
}

fn same_bits(a: &Diagram, b: &Diagram) {
    assert_eq!(a.dim, b.dim);
    assert_eq!(a.len(), b.len());
    for (p, q) in a.iter().zip(b) {
        assert_eq!(p.birth.to_bits(), q.birth.to_bits(), "{p} vs {q}");
        assert_eq!(p.death.to_bits(), q.death.to_bits(), "{p} vs {q}");
    }
}

#[test]
fn display_lists_the_bars() {
    let d = Diagram::new(
        0,
        vec![pair(0.5, 1.25), pair(0.0, f64::INFINITY), pair(1.0, 2.0)],
    );
    assert_eq!(
        d.to_string(),
        "H0: 3 bars\n  [0, inf)\n  [0.5, 1.25)\n  [1, 2)"
    );
    assert_eq!(Diagram::new(1, vec![]).to_string(), "H1: 0 bars");
    assert_eq!(
        Diagram::new(2, vec![pair(1.0, 0.5)]).to_string(),
        "H2: 1 bar\n  [1, 0.5)"
    );
    assert_eq!(pair(3.0, f64::NEG_INFINITY).to_string(), "[3, -inf)");
    assert_eq!(pair(0.1, 1e-3).to_string(), "[0.1, 0.001)");
    // `{}` of an f64 reads back to the same value.
    let d = awkward();
    for (line, p) in d.to_string().lines().skip(1).zip(&d) {
        let inner = line.trim().trim_start_matches('[').trim_end_matches(')');
        let (b, e) = inner.split_once(", ").unwrap();
        assert_eq!(b.parse::<f64>().unwrap().to_bits(), p.birth.to_bits());
        assert_eq!(e.parse::<f64>().unwrap().to_bits(), p.death.to_bits());
    }
}

#[test]
fn arrays_round_trip() {
    let d = awkward();
    let a = d.to_array();
    assert_eq!(a.dim(), (6, 2));
    for (row, p) in a.rows().into_iter().zip(&d) {
        assert_eq!((row[0], row[1]), (p.birth, p.death));
    }
    same_bits(&Diagram::from_array(1, a.view()).unwrap(), &d);

    let empty = Diagram::new(0, vec![]);
    assert_eq!(empty.to_array().dim(), (0, 2));
    assert_eq!(
        Diagram::from_array(3, empty.to_array().view()).unwrap(),
        Diagram::new(3, vec![])
    );
}

#[test]
fn from_array_sorts_and_reads_any_layout() {
    let a = array![[2.0, 3.0], [0.0, f64::INFINITY], [1.0, 1.5]];
    let d = Diagram::from_array(0, a.view()).unwrap();
    assert_eq!(
        d.to_string(),
        "H0: 3 bars\n  [0, inf)\n  [1, 1.5)\n  [2, 3)"
    );
    // Column-major and strided views read the same.
    let t = a.t().to_owned();
    assert_eq!(Diagram::from_array(0, t.t()).unwrap(), d);
    let wide = array![[2.0, 9.0, 3.0], [0.0, 9.0, f64::INFINITY], [1.0, 9.0, 1.5]];
    let strided = wide.slice(ndarray::s![.., ..;2]);
    assert_eq!(Diagram::from_array(0, strided).unwrap(), d);
}

#[test]
fn from_array_refuses_wrong_shapes() {
    for (r, c) in [(3, 3), (2, 1), (0, 0), (0, 3)] {
        let e = Diagram::from_array(0, Array2::<f64>::zeros((r, c)).view()).unwrap_err();
        assert!(
            matches!(e, Error::Shape { rows, cols, .. } if (rows, cols) == (r, c)),
            "{e}"
        );
    }
}

#[test]
fn from_array_refuses_nan_and_infinite_births() {
    let cases = [
        (array![[0.0, 1.0], [f64::NAN, 2.0]], 2),
        (array![[0.0, 1.0], [1.0, f64::NAN]], 3),
        (array![[f64::INFINITY, 1.0]], 0),
        (array![[0.0, 1.0], [f64::NEG_INFINITY, 1.0]], 2),
    ];
    for (a, index) in cases {
        assert_eq!(
            Diagram::from_array(0, a.view()).unwrap_err(),
            Error::NonFinite { index }
        );
    }
}

#[cfg(feature = "serde")]
mod json {
    use super::*;

    fn read(text: &str) -> Result<Diagram, String> {
        serde_json::from_str::<Diagram>(text).map_err(|e| e.to_string())
    }

    #[test]
    fn the_documented_format() {
        let d = Diagram::new(
            0,
            vec![pair(0.5, 1.25), pair(0.0, f64::INFINITY), pair(1.0, 2.0)],
        );
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"dim":0,"pairs":[[0.0,"inf"],[0.5,1.25],[1.0,2.0]]}"#
        );
        let sup = Diagram::new(0, vec![pair(3.0, f64::NEG_INFINITY)]);
        assert_eq!(
            serde_json::to_string(&sup).unwrap(),
            r#"{"dim":0,"pairs":[[3.0,"-inf"]]}"#
        );
        assert_eq!(
            serde_json::to_string(&Diagram::new(2, vec![])).unwrap(),
            r#"{"dim":2,"pairs":[]}"#
        );
        assert_eq!(
            serde_json::to_string(&pair(1.0, f64::INFINITY)).unwrap(),
            r#"[1.0,"inf"]"#
        );
    }

    #[test]
    fn round_trips_bit_for_bit() {
        let d = awkward();
        let text = serde_json::to_string(&d).unwrap();
        same_bits(&read(&text).unwrap(), &d);
        let pretty = serde_json::to_string_pretty(&d).unwrap();
        same_bits(&read(&pretty).unwrap(), &d);
        let list = vec![d.clone(), Diagram::new(0, vec![]), d.clone()];
        let text = serde_json::to_string(&list).unwrap();
        let back: Vec<Diagram> = serde_json::from_str(&text).unwrap();
        assert_eq!(back.len(), 3);
        for (a, b) in back.iter().zip(&list) {
            same_bits(a, b);
        }
    }

    #[test]
    fn reads_integers_any_order_and_whitespace() {
        let d =
            read(r#" { "pairs" : [ [1, 2], [0, "inf"], [-1e3, 5.5e-1] ], "dim" : 1 } "#).unwrap();
        assert_eq!(
            d,
            Diagram::new(
                1,
                vec![
                    pair(-1000.0, 0.55),
                    pair(0.0, f64::INFINITY),
                    pair(1.0, 2.0)
                ]
            )
        );
    }

    #[test]
    fn nan_cannot_be_written() {
        let d = Diagram::new(0, vec![pair(0.0, f64::NAN)]);
        let e = serde_json::to_string(&d).unwrap_err().to_string();
        assert!(e.contains("NaN"), "{e}");
    }

    #[test]
    fn bad_input_is_named() {
        let cases = [
            (r#"{"dim":0,"pairs":[[0,"nan"]]}"#, "NaN"),
            (r#"{"dim":0,"pairs":[[0,"NaN"]]}"#, "NaN"),
            (r#"{"dim":0,"pairs":[[0,NaN]]}"#, "expected value"),
            (r#"{"dim":0,"pairs":[[0,null]]}"#, "invalid type: null"),
            (r#"{"dim":0,"pairs":[[0,"Infinity"]]}"#, "invalid value"),
            (r#"{"dim":0,"pairs":[["inf",1]]}"#, "birth"),
            (r#"{"dim":0,"pairs":[["-inf",1]]}"#, "birth"),
            (r#"{"dim":0,"pairs":[[0,1,2]]}"#, "invalid length 3"),
            (r#"{"dim":0,"pairs":[[0]]}"#, "invalid length 1"),
            (r#"{"dim":0,"pairs":[[]]}"#, "invalid length 0"),
            (r#"{"dim":0,"pairs":[0,1]]}"#, "invalid type"),
            (
                r#"{"dim":1.5,"pairs":[]}"#,
                "floating point `1.5`, expected usize",
            ),
            (r#"{"dim":1.0,"pairs":[]}"#, "expected usize"),
            (r#"{"dim":-1,"pairs":[]}"#, "integer `-1`, expected usize"),
            (r#"{"dim":"0","pairs":[]}"#, "expected usize"),
            (r#"{"pairs":[]}"#, "missing field `dim`"),
            (r#"{"dim":0}"#, "missing field `pairs`"),
            (r#"{"dim":0,"pairs":[],"extra":1}"#, "unknown field `extra`"),
            (r#"{"dim":0,"pairs":[[0,1]"#, "EOF"),
            (r#"{"dim":0,"pairs":[[0,1e999]]}"#, "out of range"),
            ("[]", "invalid type: sequence"),
            (r#"[0, []]"#, "invalid type: sequence"),
            (r#"{"dim":0,"dim":1,"pairs":[]}"#, "duplicate field `dim`"),
            (
                r#"{"dim":0,"pairs":[],"pairs":[]}"#,
                "duplicate field `pairs`",
            ),
            ("", "EOF"),
            (r#"{"dim":0,"pairs":[]}x"#, "trailing characters"),
        ];
        for (text, needle) in cases {
            let e = read(text).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
            assert!(e.contains("line 1 column"), "{text}: {e}");
        }
    }
}
