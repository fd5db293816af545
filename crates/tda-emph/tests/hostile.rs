//! Hostile input for every public entry point: NaN, infinities, ±f64::MAX,
//! subnormals, -0.0, empty and too-short series, zero, negative and NaN
//! directions, length mismatches, huge degrees and sizes. Each case asserts
//! the exact typed error, or a result checked against a closed form
//! (the EMPH formulas and worked examples of docs/emph.md) or a slow reference; scale
//! invariance is checked bit for bit with power-of-two scalings. Sizes far
//! beyond any memory limit are refused without allocating.

mod common;

use std::time::{Duration, Instant};

use common::{bars, brute_force, trig};
use ndarray::{array, Array2, ArrayView2};
use proptest::prelude::*;
use tda_emph::*;
use tda_persistence::{Diagram, MemoryError, PersistencePair};

const S3: f64 = 1.732_050_807_568_877_2;
const MAX: f64 = f64::MAX;
const TINY: f64 = 5e-324;

/// `2^e` for `-1074 <= e <= 1023`, exactly.
fn two(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

fn too_large(e: Error) -> MemoryError {
    match e {
        Error::TooLarge(m) => m,
        e => panic!("expected TooLarge, got {e:?}"),
    }
}

/// Runs `f` and checks it answered within `limit` (a hang fails the test
/// run instead of passing it).
fn quick<T>(limit: Duration, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    assert!(t.elapsed() < limit, "took {:?}", t.elapsed());
    out
}

/// The radii `2 |X_k| / N` by the DFT's definition, summed directly in
/// scaled arithmetic (the samples times the power of two that brings the
/// largest to [1, 2), the radii scaled back; `inf` where a radius is
/// beyond f64).
fn reference_radii(x: &[f64], k: usize) -> Vec<f64> {
    let m = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if m == 0.0 {
        return vec![0.0; k];
    }
    let e = m.log2().floor() as i32;
    // Scale by 2^-e in two exact steps.
    let (s1, s2) = (two(-e / 2), two(-e - (-e / 2)));
    let n = x.len() as f64;
    (1..=k)
        .map(|j| {
            let (mut re, mut im) = (0.0, 0.0);
            for (t, &v) in x.iter().enumerate() {
                let a = -std::f64::consts::TAU * ((j * t) % x.len()) as f64 / n;
                let v = v * s1 * s2;
                re += v * a.cos();
                im += v * a.sin();
            }
            let r = 2.0 * re.hypot(im) / n;
            // r * 2^e without double rounding for normal results.
            r * two(e / 2) * two(e - e / 2)
        })
        .collect()
}

fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "got {got:?}, want {want:?}");
    }
}

// ---------------------------------------------------------------- modes

#[test]
fn from_signal_hostile() {
    let fs = FourierModes::from_signal;
    let cases: Vec<(Vec<f64>, usize, Error)> = vec![
        (
            vec![],
            1,
            Error::TooShort {
                len: 0,
                modes: 1,
                needed: 3,
            },
        ),
        (
            vec![1.0, 2.0],
            1,
            Error::TooShort {
                len: 2,
                modes: 1,
                needed: 3,
            },
        ),
        (
            vec![1.0; 3],
            usize::MAX,
            Error::TooShort {
                len: 3,
                modes: usize::MAX,
                needed: usize::MAX,
            },
        ),
        (vec![1.0, f64::NAN, 3.0], 1, Error::NonFinite { index: 1 }),
        (
            vec![f64::INFINITY, 0.0, 0.0],
            1,
            Error::NonFinite { index: 0 },
        ),
        (
            vec![0.0, 0.0, 0.0, f64::NEG_INFINITY],
            1,
            Error::NonFinite { index: 3 },
        ),
        (
            vec![f64::NAN, f64::INFINITY, 0.0],
            1,
            Error::NonFinite { index: 0 },
        ),
        (
            vec![1.0; 9],
            5,
            Error::TooShort {
                len: 9,
                modes: 5,
                needed: 11,
            },
        ),
    ];
    for (x, k, want) in cases {
        assert_eq!(fs(&x, k), Err(want), "{x:?}, k = {k}");
    }
    assert!(matches!(
        fs(&[1.0; 3], 0),
        Err(Error::InvalidParameter { name: "k", .. })
    ));
    // Zeros and negative zeros: radii exactly +0.
    for x in [vec![0.0; 7], vec![-0.0; 8]] {
        let r = fs(&x, 3).unwrap();
        assert!(r.radii().iter().all(|r| *r == 0.0 && r.is_sign_positive()));
    }
    // Constants of magnitude MAX (the DC term only): finite, ~0.
    for c in [MAX, -MAX, TINY] {
        for n in [7, 8] {
            let r = fs(&vec![c; n], 3).unwrap();
            assert!(
                r.radii().iter().all(|r| r.abs() <= 1e-12 * c.abs()),
                "{r:?}"
            );
        }
    }
    // Extreme mixtures against the direct DFT in scaled arithmetic.
    let mixtures: Vec<Vec<f64>> = vec![
        (0..7)
            .map(|i| if i % 2 == 0 { MAX } else { -MAX })
            .collect(),
        (0..8)
            .map(|i| if i % 2 == 0 { MAX } else { -MAX })
            .collect(),
        vec![
            MAX,
            TINY,
            -MAX / 3.0,
            f64::MIN_POSITIVE,
            0.0,
            -0.0,
            MAX / 7.0,
        ],
        vec![TINY, -TINY, 3.0 * TINY, 0.0, -2.0 * TINY, TINY, 0.0, 0.0],
        vec![1e300, -1e-300, 1e150, 2.5, -1e300, 0.0, 7e299, -3e-310, 1.0],
        trig(&[MAX / 2.0, 0.0, MAX / 4.0], &[0.3, 0.0, -1.0], 64),
    ];
    for x in &mixtures {
        let k = (x.len() - 1) / 2;
        let want = reference_radii(x, k);
        match want.iter().position(|r| r.is_infinite()) {
            // Alternating ±MAX of odd length: r_3 = 1.28 MAX.
            Some(index) => assert_eq!(
                fs(x, k),
                Err(Error::OutOfRange {
                    what: "radius",
                    index
                })
            ),
            None => {
                let scale = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                assert_close(fs(x, k).unwrap().radii(), &want, 1e-12 * scale + 2.0 * TINY);
            }
        }
    }
    // A square wave of amplitude MAX has r_1 = MAX / (4 sin(pi / 16)) =
    // 1.28 MAX: beyond f64.
    let square: Vec<f64> = (0..16).map(|i| if i < 8 { MAX } else { -MAX }).collect();
    assert!(reference_radii(&square, 1)[0].is_infinite());
    assert_eq!(
        fs(&square, 3),
        Err(Error::OutOfRange {
            what: "radius",
            index: 0
        })
    );
    // The same at half the amplitude: 0.64 MAX, finite.
    let half: Vec<f64> = square.iter().map(|v| v / 2.0).collect();
    let r1 = MAX / 8.0 / (std::f64::consts::PI / 16.0).sin();
    assert!((fs(&half, 3).unwrap().radii()[0] - r1).abs() <= 1e-12 * r1);
    // Power-of-two scalings: bit for bit, subnormal results rounded once.
    let ints = [3.0, -1.0, 2.0, 0.0, -2.0, 1.0, 5.0, -4.0, 1.0, 0.0, 2.0];
    let base = fs(&ints, 5).unwrap();
    for e in [1000, 500, -500, -1000, -1060, -1070, -1074] {
        let x: Vec<f64> = ints.iter().map(|v| v * two(e)).collect();
        let got = fs(&x, 5).unwrap();
        let want: Vec<f64> = base.radii().iter().map(|r| r * two(e)).collect();
        if e >= -1000 {
            // Normal results: exact scaling.
            let back: Vec<f64> = got.radii().iter().map(|r| r / two(e)).collect();
            assert_eq!(back, base.radii(), "2^{e}");
        }
        assert_eq!(got.radii(), &want[..], "2^{e}");
    }
}

#[test]
fn planner_hostile() {
    // Sizes: refused before rustfft plans (2^40 would abort the process).
    for len in [
        1usize << 40,
        (1 << 40) + 1,
        usize::MAX,
        usize::MAX - 1,
        (1 << 31) - 1,
    ] {
        let m = too_large(ModesPlanner::new(len, 1).unwrap_err());
        assert_eq!(m.what, "FFT plan and buffers (ModesPlanner)");
        assert!(m.estimated_bytes > 8 << 30, "{len}: {m:?}");
    }
    // Overflowing estimates are reported as u64::MAX.
    assert_eq!(
        too_large(ModesPlanner::new(usize::MAX, 1).unwrap_err()).estimated_bytes,
        u64::MAX
    );
    assert_eq!(
        ModesPlanner::new(0, 1).unwrap_err(),
        Error::TooShort {
            len: 0,
            modes: 1,
            needed: 3
        }
    );
    assert_eq!(
        ModesPlanner::new(3, usize::MAX).unwrap_err(),
        Error::TooShort {
            len: 3,
            modes: usize::MAX,
            needed: usize::MAX
        }
    );
    assert!(matches!(
        ModesPlanner::new(3, 0),
        Err(Error::InvalidParameter { name: "k", .. })
    ));
    let mut p = ModesPlanner::new(1000, 20).unwrap();
    assert_eq!((p.series_len(), p.modes_kept()), (1000, 20));
    for len in [0, 999, 1001] {
        assert_eq!(
            p.modes(&vec![0.0; len]),
            Err(Error::LengthMismatch {
                name: "signal",
                expected: 1000,
                got: len
            })
        );
    }
    let mut x = trig(&[1.0, 0.5], &[0.0, 1.0], 1000);
    x[999] = f64::NAN;
    assert_eq!(p.modes(&x), Err(Error::NonFinite { index: 999 }));
    // Reuse after errors gives the one-shot result, bit for bit.
    for scale in [1.0, MAX / 4.0, TINY] {
        let x: Vec<f64> = trig(&[1.0, 0.5, 0.25], &[0.0, 1.0, 2.0], 1000)
            .iter()
            .map(|v| v * scale)
            .collect();
        assert_eq!(
            p.modes(&x).unwrap(),
            FourierModes::from_signal(&x, 20).unwrap()
        );
    }
}

#[test]
fn from_radii_hostile() {
    let cases: Vec<(Vec<f64>, Error)> = vec![
        (vec![f64::NAN], Error::NonFinite { index: 0 }),
        (vec![1.0, f64::INFINITY], Error::NonFinite { index: 1 }),
        (vec![f64::NEG_INFINITY], Error::NonFinite { index: 0 }),
    ];
    for (r, want) in cases {
        assert_eq!(FourierModes::from_radii(r), Err(want));
    }
    for r in [vec![], vec![-1.0], vec![0.0, -TINY], vec![-MAX]] {
        assert!(matches!(
            FourierModes::from_radii(r),
            Err(Error::InvalidParameter { name: "radii", .. })
        ));
    }
    let m = FourierModes::from_radii(vec![-0.0, MAX, TINY]).unwrap();
    assert!(m.radii()[0].is_sign_positive());
    assert_eq!(m.radii(), &[0.0, MAX, TINY]);
    assert_eq!((m.len(), m.is_empty()), (3, false));
}

// -------------------------------------------------------------- circles

#[test]
fn circle_bar_hostile() {
    for r in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(circle_bar(r, 1), Err(Error::NonFinite { index: 0 }));
    }
    for r in [-1.0, -TINY, -MAX] {
        assert!(matches!(
            circle_bar(r, 0),
            Err(Error::InvalidParameter { name: "radius", .. })
        ));
    }
    let pair = |b, d| Ok(Some(PersistencePair::new(b, d)));
    let cases: Vec<(f64, usize, Result<Option<PersistencePair>>)> = vec![
        (-0.0, 0, pair(0.0, f64::INFINITY)),
        (-0.0, 1, Ok(None)),
        (MAX, 0, pair(0.0, f64::INFINITY)),
        (
            MAX,
            1,
            Err(Error::OutOfRange {
                what: "circle bar endpoint",
                index: 0,
            }),
        ),
        (
            MAX * 0.6,
            1,
            Err(Error::OutOfRange {
                what: "circle bar endpoint",
                index: 0,
            }),
        ),
        (MAX / 2.0, 1, pair(0.0, S3 * (MAX / 2.0))),
        (TINY, 1, pair(0.0, 2.0 * TINY)),
        // sqrt3 and 2 sin(2 pi / 5) times the smallest subnormal both
        // round to two of them: the bar is empty after rounding.
        (TINY, 3, Ok(None)),
        (1.0, 2, Ok(None)),
        (1.0, usize::MAX - 1, Ok(None)),
        // Above MAX_CIRCLE_DIM a bar is below f64's resolution.
        (1.0, MAX_CIRCLE_DIM + 2, Ok(None)),
        (MAX / 4.0, MAX_CIRCLE_DIM + 2, Ok(None)),
        // Degrees 2^53 and beyond: both endpoints round to 2 r.
        (1.0, usize::MAX, Ok(None)),
        (1.0, (1 << 53) + 1, Ok(None)),
        (0.0, usize::MAX, Ok(None)),
    ];
    for (r, dim, want) in cases {
        assert_eq!(circle_bar(r, dim), want, "r = {r}, dim = {dim}");
    }
    // Adamaszek-Adams at the highest degree barcode computes, and the
    // bars of odd degrees tile [0, 2r).
    use std::f64::consts::PI;
    let l = (MAX_DIM / 2) as f64;
    let top = circle_bar(1.0, MAX_DIM).unwrap().unwrap();
    assert!((top.birth - 2.0 * (PI * l / (2.0 * l + 1.0)).sin()).abs() < 1e-15);
    assert!(top.birth < top.death && top.death < 2.0);
    let mut end = 0.0;
    for d in (1..200).step_by(2) {
        let b = circle_bar(1.0, d).unwrap().unwrap();
        assert_eq!(b.birth, end);
        end = b.death;
    }
    // Scale invariance, bit for bit.
    for d in [0, 1, 3, 5, 101, MAX_DIM] {
        let base = circle_bar(1.5, d).unwrap().unwrap();
        for e in [1000, -1000] {
            let got = circle_bar(1.5 * two(e), d).unwrap().unwrap();
            assert_eq!(got.birth, base.birth * two(e));
            assert_eq!(got.death, base.death * if d == 0 { 1.0 } else { two(e) });
        }
    }
}

// ---------------------------------------------------------------- paths

#[test]
fn ray_new_hostile() {
    let cases: Vec<(Vec<f64>, Vec<f64>, Error)> = vec![
        (
            vec![1.0, 1.0],
            vec![0.0],
            Error::LengthMismatch {
                name: "endpoint",
                expected: 2,
                got: 1,
            },
        ),
        (
            vec![1.0],
            vec![0.0, 0.0],
            Error::LengthMismatch {
                name: "endpoint",
                expected: 1,
                got: 2,
            },
        ),
        (
            vec![1.0, f64::NAN],
            vec![0.0, 0.0],
            Error::NonFinite { index: 1 },
        ),
        (
            vec![f64::INFINITY],
            vec![0.0],
            Error::NonFinite { index: 0 },
        ),
        (
            vec![1.0, 1.0],
            vec![f64::INFINITY, 0.0],
            Error::NonFinite { index: 0 },
        ),
        (
            vec![1.0, 1.0],
            vec![0.0, f64::NAN],
            Error::NonFinite { index: 1 },
        ),
    ];
    for (a, b, want) in cases {
        assert_eq!(Ray::new(a.clone(), b), Err(want), "{a:?}");
    }
    // Empty, zero, -0.0, negative, and entries whose velocity underflows
    // (below 2^-1022 times the largest).
    let invalid: Vec<Vec<f64>> = vec![
        vec![],
        vec![0.0, 1.0],
        vec![-0.0, 1.0],
        vec![-1.0, 1.0],
        vec![1.0, TINY],
        vec![MAX, 1.0],
        vec![1.0, f64::MIN_POSITIVE / 2.0],
    ];
    for a in invalid {
        let b = vec![0.0; a.len()];
        assert!(
            matches!(
                Ray::new(a.clone(), b),
                Err(Error::InvalidParameter {
                    name: "direction",
                    ..
                })
            ),
            "{a:?}"
        );
    }
    // Norms that would overflow or underflow if squared directly.
    let v = |a: Vec<f64>| {
        Ray::new(a.clone(), vec![MAX; a.len()])
            .unwrap()
            .velocity()
            .to_vec()
    };
    assert_eq!(v(vec![MAX, MAX]), [1.0, 1.0]);
    assert_eq!(v(vec![TINY, TINY, TINY]), [1.0, 1.0, 1.0]);
    assert_eq!(v(vec![7.0]), [1.0]);
    let w = v(vec![1e300, 1e-5]);
    assert_eq!(w[0], 2f64.sqrt());
    assert!((w[1] - 1e-305 * 2f64.sqrt()).abs() <= 1e-15 * w[1]);
    let w = v(vec![f64::MIN_POSITIVE, 1.0]);
    assert!((w[0] - f64::MIN_POSITIVE * 2f64.sqrt()).abs() <= 1e-15 * w[0]);
    // Scale invariance of the direction, bit for bit.
    let a = vec![1.0, 2.5, 0.3, 7.0];
    for e in [1000, -1000, 20] {
        let s: Vec<f64> = a.iter().map(|x| x * two(e)).collect();
        assert_eq!(v(s), v(a.clone()));
    }
    let r = Ray::new(vec![1.0, 2.0], vec![-MAX, MAX]).unwrap();
    assert_eq!(r.endpoint(), &[-MAX, MAX]);
}

#[test]
fn ray_diagonal_hostile() {
    assert!(matches!(
        Ray::diagonal(0),
        Err(Error::InvalidParameter { .. })
    ));
    for k in [usize::MAX, 1 << 40, usize::MAX / 3] {
        assert_eq!(
            too_large(Ray::diagonal(k).unwrap_err()).what,
            "diagonal ray"
        );
    }
    let d = Ray::diagonal(3).unwrap();
    assert_eq!((d.velocity(), d.endpoint()), (&[1.0; 3][..], &[0.0; 3][..]));
}

#[test]
fn ray_param_hostile() {
    // K = 16, a = (1, 2^-600, ...): v_0 = sqrt(16) = 4, v_j = 2^-598.
    let mut a = vec![two(-600); 16];
    a[0] = 1.0;
    let mut b = vec![0.0; 16];
    b[0] = -MAX;
    let ray = Ray::new(a, b).unwrap();
    assert_eq!((ray.velocity()[0], ray.velocity()[1]), (4.0, two(-598)));
    let nan = ray.param(0, f64::NAN);
    assert!(nan.is_nan());
    let cases = [
        // (MAX + MAX) / 4 overflows in between, not in the end.
        (0, MAX, MAX / 2.0),
        (0, -MAX, 0.0),
        (0, 0.0, MAX / 4.0),
        (0, f64::INFINITY, f64::INFINITY),
        (0, f64::NEG_INFINITY, f64::NEG_INFINITY),
        (1, 1.0, two(598)),
        (1, TINY, two(-1074 + 598)),
        // MAX * 2^598: beyond f64.
        (1, MAX, f64::INFINITY),
        (1, -MAX, f64::NEG_INFINITY),
    ];
    for (k, value, want) in cases {
        assert_eq!(ray.param(k, value), want, "param({k}, {value})");
    }
    assert_eq!(ray.dims(), 16);
    let one = Ray::new(vec![1.0], vec![MAX]).unwrap();
    assert_eq!(one.param(0, -MAX), f64::NEG_INFINITY);
    assert_eq!(one.param(0, 0.0), -MAX);
}

#[test]
fn ray_collection_hostile() {
    assert!(matches!(
        RayCollection::new(vec![]),
        Err(Error::InvalidParameter { name: "rays", .. })
    ));
    assert_eq!(
        RayCollection::new(vec![Ray::diagonal(2).unwrap()]),
        Err(Error::LengthMismatch {
            name: "ray",
            expected: 1,
            got: 2
        })
    );
    assert_eq!(
        RayCollection::new(vec![Ray::diagonal(2).unwrap(), Ray::diagonal(3).unwrap()]),
        Err(Error::LengthMismatch {
            name: "ray",
            expected: 2,
            got: 3
        })
    );
    let c = RayCollection::new(vec![Ray::diagonal(1).unwrap()]).unwrap();
    assert_eq!(c.rays().len(), 1);
}

#[test]
fn curve_new_hostile() {
    let new = |t: Vec<f64>, p: Array2<f64>| Curve::new(t, p.view());
    let mismatch = new(vec![0.0, 1.0, 2.0], array![[0.0], [1.0]]);
    assert_eq!(
        mismatch,
        Err(Error::LengthMismatch {
            name: "t",
            expected: 2,
            got: 3
        })
    );
    assert_eq!(
        new(vec![0.0, f64::NAN], array![[0.0], [1.0]]),
        Err(Error::NonFinite { index: 1 })
    );
    assert_eq!(
        new(vec![0.0, 1.0], array![[0.0, 0.0], [1.0, f64::INFINITY]]),
        Err(Error::NonFinite { index: 3 })
    );
    let invalid: Vec<(Vec<f64>, Array2<f64>)> = vec![
        (vec![0.0], array![[0.0]]),
        (vec![], Array2::zeros((0, 1))),
        (vec![0.0, 1.0], Array2::zeros((2, 0))),
        (vec![0.0, 0.0], array![[0.0], [1.0]]),
        (vec![-0.0, 0.0], array![[0.0], [1.0]]),
        (vec![1.0, 0.0], array![[0.0], [1.0]]),
        (vec![0.0, 1.0, 2.0], array![[0.0], [2.0], [1.0]]),
        (vec![0.0, 1.0, 2.0], array![[0.0], [0.0], [1.0]]),
        (vec![0.0, 1.0, 2.0], array![[0.0], [1.0], [1.0]]),
        (vec![-MAX, MAX], array![[0.0], [-0.0]]),
    ];
    for (t, p) in invalid {
        assert!(
            matches!(
                new(t.clone(), p.clone()),
                Err(Error::InvalidParameter { .. })
            ),
            "{t:?} {p:?}"
        );
    }
    assert!(new(vec![-MAX, MAX], array![[-MAX], [MAX]]).is_ok());
    assert!(new(vec![0.0, TINY], array![[0.0], [TINY]]).is_ok());
}

#[test]
fn curve_param_hostile() {
    let curve = |t: Vec<f64>, e: Vec<f64>| {
        let n = e.len();
        Curve::new(t, Array2::from_shape_vec((n, 1), e).unwrap().view()).unwrap()
    };
    let whole = curve(vec![-MAX, MAX], vec![-MAX, MAX]);
    let steep = curve(vec![0.0, 1.0], vec![0.0, 1e-300]);
    let big = curve(vec![0.0, 1e300], vec![0.0, 1e300]);
    let tiny = curve(vec![0.0, 1.0], vec![0.0, TINY]);
    // Within 2 units in the last place of the value (relative).
    let near = |c: &Curve, value: f64, want: f64| {
        let p = c.param(0, value);
        assert!(
            (p - want).abs() <= 4.5e-16 * want.abs(),
            "param({value}) = {p}, want {want}"
        );
    };
    // t1 - t0, e1 - e0 and the parameter step overflow in between (the
    // slope is 1); (value - e0)(t1 - t0) overflows before the division.
    for (c, value) in [
        (&whole, MAX / 2.0),
        (&whole, -MAX / 3.0),
        (&big, MAX / 2.0),
        (&big, 7e299),
    ] {
        near(c, value, value);
    }
    // Slope 1e300: 1e-290 -> 1e10.
    near(&steep, 1e-290, 1e10);
    let cases: Vec<(&Curve, f64, f64)> = vec![
        (&whole, 0.0, 0.0),
        (&whole, -0.0, 0.0),
        (&whole, -MAX, -MAX),
        (&whole, MAX, MAX),
        (&big, 1e300, 1e300),
        // Beyond the range.
        (&steep, 1e10, f64::INFINITY),
        (&steep, -1e10, f64::NEG_INFINITY),
        (&tiny, TINY, 1.0),
        (&tiny, -TINY, -1.0),
        (&tiny, 0.0, 0.0),
        (&tiny, f64::INFINITY, f64::INFINITY),
    ];
    for (c, value, want) in cases {
        assert_eq!(c.param(0, value), want, "param({value})");
    }
    assert!(whole.param(0, f64::NAN).is_nan());
    // A bent curve: knots exactly, monotone across them.
    let bent = curve(vec![0.0, 1.0, 2.0, 3.0], vec![0.0, 1.0, 1.0, 3.0]);
    assert_eq!(bent.param(0, 1.0), 1.0);
    assert_eq!(bent.param(0, 3.0), 3.0);
    assert_eq!(bent.dims(), 1);
}

proptest! {
    /// The generalised inverse is non-decreasing in the value and exact at
    /// the knots, whatever the magnitudes of the knots.
    #[test]
    fn curve_param_is_monotone_over_the_range(
        (t_scale, e_scale) in (-1000i32..1000, -1000i32..1000),
        (t_start, e_start) in (-1.0f64..1.0, -1.0f64..1.0),
        steps in prop::collection::vec((0.5f64..1.0, -40i32..0, 0.5f64..1.0, -40i32..0, any::<bool>()), 2..6),
        probes in prop::collection::vec((-1.0f64..1.0, -1074i32..1023), 1..30),
    ) {
        // Knots at any magnitude, increments within 2^40 of each other
        // (so that each one shows), some segments flat inside.
        let (mut t, mut e) = (vec![t_start * two(t_scale)], vec![e_start * two(e_scale)]);
        for (i, &(dt, et, de, ee, flat)) in steps.iter().enumerate() {
            let end = i == 0 || i + 1 == steps.len();
            t.push(t[t.len() - 1] + dt * two(t_scale + et));
            let de = if flat && !end { 0.0 } else { de * two(e_scale + ee) };
            e.push(e[e.len() - 1] + de);
        }
        prop_assume!(t.windows(2).all(|w| w[0] < w[1]));
        prop_assume!(e[0] < e[1] && e[e.len() - 2] < e[e.len() - 1]);
        let n = e.len();
        let c = Curve::new(t.clone(), Array2::from_shape_vec((n, 1), e.clone()).unwrap().view()).unwrap();
        let mut values: Vec<f64> = probes.iter().map(|&(m, x)| m * two(x.max(-1022))).collect();
        values.extend(&e);
        values.sort_by(f64::total_cmp);
        let params: Vec<f64> = values.iter().map(|&v| c.param(0, v)).collect();
        prop_assert!(params.windows(2).all(|w| w[0] <= w[1]), "{:?} -> {:?}", values, params);
        for i in 0..n {
            // The first knot of a flat run is where its value is reached.
            let first = e.iter().position(|&x| x == e[i]).unwrap();
            prop_assert_eq!(c.param(0, e[i]), t[first]);
        }
    }
}

// ------------------------------------------------------------- barcodes

/// Modes, a path, a degree and the bars (or error) expected.
type BarcodeCase<'a> = (
    &'a FourierModes,
    &'a dyn FiltrationPath,
    usize,
    Result<Vec<(f64, f64)>>,
);

/// Factors, a degree and the bars expected.
type ProductCase = (Vec<Vec<Diagram>>, usize, Vec<(f64, f64)>);

/// A path that decreases, or returns NaN.
struct Bad(f64);

impl FiltrationPath for Bad {
    fn dims(&self) -> usize {
        1
    }

    fn param(&self, _k: usize, value: f64) -> f64 {
        if self.0.is_nan() {
            f64::NAN
        } else {
            self.0 - value
        }
    }
}

#[test]
fn barcode_hostile() {
    let two_modes = FourierModes::from_radii(vec![1.0, 2.0]).unwrap();
    let one = FourierModes::from_radii(vec![1.0]).unwrap();
    let d1 = Ray::diagonal(1).unwrap();
    let d2 = Ray::diagonal(2).unwrap();
    let limit = Duration::from_millis(500);
    assert_eq!(
        barcode(&two_modes, &Ray::diagonal(3).unwrap(), 1),
        Err(Error::LengthMismatch {
            name: "path",
            expected: 2,
            got: 3
        })
    );
    // Huge degrees answer at once: no bar (parity, zero radii) or refused.
    let zeros = FourierModes::from_radii(vec![0.0, -0.0, 0.0]).unwrap();
    let mixed = FourierModes::from_radii(vec![0.0, 1.0]).unwrap();
    let d3 = Ray::diagonal(3).unwrap();
    let high: Vec<(&FourierModes, &dyn FiltrationPath, usize, Result<usize>)> = vec![
        (&one, &d1, usize::MAX, Ok(0)),
        (&one, &d1, MAX_CIRCLE_DIM + 2, Ok(0)),
        (
            &one,
            &d1,
            MAX_CIRCLE_DIM,
            Err(Error::DegreeTooHigh {
                dim: MAX_CIRCLE_DIM,
                max: MAX_DIM,
            }),
        ),
        (&one, &d1, usize::MAX - 1, Ok(0)),
        // Above what the circles carry together (MAX_CIRCLE_DIM each): no bar.
        (&two_modes, &d2, usize::MAX, Ok(0)),
        (&two_modes, &d2, usize::MAX - 1, Ok(0)),
        (&two_modes, &d2, 2 * MAX_CIRCLE_DIM + 1, Ok(0)),
        (
            &two_modes,
            &d2,
            2 * MAX_CIRCLE_DIM,
            Err(Error::DegreeTooHigh {
                dim: 2 * MAX_CIRCLE_DIM,
                max: MAX_DIM,
            }),
        ),
        (&zeros, &d3, usize::MAX, Ok(0)),
        (&zeros, &d3, 1, Ok(0)),
        (&zeros, &d3, 0, Ok(1)),
        (&mixed, &d2, MAX_DIM + 1, Ok(0)),
        (&mixed, &d2, 1 << 40, Ok(0)),
        (
            &mixed,
            &d2,
            MAX_DIM + 2,
            Err(Error::DegreeTooHigh {
                dim: MAX_DIM + 2,
                max: MAX_DIM,
            }),
        ),
        (&one, &d1, MAX_DIM, Ok(1)),
    ];
    for (m, path, dim, want) in high {
        let got = quick(limit, || barcode(m, path, dim).map(|d| d.len()));
        assert_eq!(got, want, "{:?} dim {dim}", m.radii());
    }
    // The single circle's bar at MAX_DIM is the closed form's.
    let top = barcode(&one, &d1, MAX_DIM).unwrap();
    assert_eq!(top.pairs[0], circle_bar(1.0, MAX_DIM).unwrap().unwrap());
    // Magnitudes: radii near MAX, endpoints at ±MAX, subnormal radii.
    let huge = FourierModes::from_radii(vec![MAX]).unwrap();
    let quarter = FourierModes::from_radii(vec![MAX / 4.0]).unwrap();
    let tiny = FourierModes::from_radii(vec![TINY]).unwrap();
    let far_low = Ray::new(vec![1.0], vec![-MAX]).unwrap();
    let far_high = Ray::new(vec![1.0], vec![MAX]).unwrap();
    let neg_zero = Ray::new(vec![1.0], vec![-0.0]).unwrap();
    let skew = Ray::new(vec![1.0, two(-1000)], vec![0.0, MAX]).unwrap();
    let inf = f64::INFINITY;
    let cases: Vec<BarcodeCase> = vec![
        (&huge, &d1, 0, Ok(vec![(0.0, inf)])),
        (
            &huge,
            &d1,
            1,
            Err(Error::OutOfRange {
                what: "bar endpoint",
                index: 0,
            }),
        ),
        (&quarter, &d1, 1, Ok(vec![(0.0, S3 * (MAX / 4.0))])),
        (&quarter, &d1, 2, Ok(vec![])),
        // param(0) = MAX; the H1 bar [MAX, MAX + sqrt3) rounds to empty.
        (&one, &far_low, 0, Ok(vec![(MAX, inf)])),
        (&one, &far_low, 1, Ok(vec![])),
        (&one, &far_high, 0, Ok(vec![(-MAX, inf)])),
        (&one, &far_high, 1, Ok(vec![])),
        (&one, &neg_zero, 1, Ok(vec![(0.0, S3)])),
        (&tiny, &d1, 1, Ok(vec![(0.0, 2.0 * TINY)])),
        (&tiny, &d1, 3, Ok(vec![])),
        // v_1 = sqrt2 2^-1000: -MAX / v_1 is beyond f64, even for H0.
        (
            &two_modes,
            &skew,
            0,
            Err(Error::OutOfRange {
                what: "bar endpoint",
                index: 1,
            }),
        ),
        (
            &one,
            &Bad(0.0),
            1,
            Err(Error::InvalidParameter {
                name: "path",
                value: "coordinate 0".into(),
                reason: "param(k, value) must be non-decreasing in value",
            }),
        ),
        (
            &one,
            &Bad(f64::NAN),
            0,
            Err(Error::OutOfRange {
                what: "bar endpoint",
                index: 0,
            }),
        ),
    ];
    for (m, path, dim, want) in cases {
        assert_eq!(
            barcode(m, path, dim).map(|d| bars(&d)),
            want,
            "{:?} dim {dim}",
            m.radii()
        );
    }
    assert!(bars(&barcode(&one, &neg_zero, 0).unwrap())[0]
        .0
        .is_sign_positive());
    // Degrees 0..=12 on a skewed ray and on a bent curve, by brute force.
    let radii = [1.0, 0.4, 2.0, 1.0];
    let m = FourierModes::from_radii(radii.to_vec()).unwrap();
    let ray = Ray::new(vec![1.0, 2.0, 1.5, 1.0], vec![0.2, -0.3, 0.0, 0.5]).unwrap();
    let pts = array![
        [0.0, 0.0, -1.0, 0.0],
        [1.0, 0.5, 0.0, 1.0],
        [1.0, 3.0, 2.0, 1.5],
        [4.0, 5.0, 2.5, 3.0]
    ];
    let curve = Curve::new(vec![0.0, 1.0, 2.5, 3.0], pts.view()).unwrap();
    for dim in 0..=12 {
        assert_eq!(
            bars(&barcode(&m, &ray, dim).unwrap()),
            brute_force(&radii, &ray, dim),
            "ray {dim}"
        );
        assert_eq!(
            bars(&barcode(&m, &curve, dim).unwrap()),
            brute_force(&radii, &curve, dim),
            "curve {dim}"
        );
    }
    // Many circles: the enumeration keeps no recursion (a 256 KiB stack
    // suffices for H1 of 20,000 modes).
    let many = std::thread::Builder::new()
        .stack_size(1 << 18)
        .spawn(|| {
            let m = FourierModes::from_radii(vec![1.0; 20_000]).unwrap();
            barcode(&m, &Ray::diagonal(20_000).unwrap(), 1).unwrap()
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(many.len(), 20_000);
    assert!(many.pairs.iter().all(|p| (p.birth, p.death) == (0.0, S3)));
    // Equal circles in a degree with many dead ends (every choice of
    // circles in degree 3 fails): the failed branches are remembered.
    let equal = FourierModes::from_radii(vec![1.0; 40]).unwrap();
    let h41 = quick(Duration::from_secs(5), || {
        barcode(&equal, &Ray::diagonal(40).unwrap(), 41).unwrap()
    });
    assert_eq!(h41.len(), 40);
    // Sizes: the bars of 200,000 circles in degree MAX_DIM (10 GB) are
    // refused before they are listed.
    let wide = FourierModes::from_radii(vec![1.0; 200_000]).unwrap();
    let m = too_large(barcode(&wide, &Ray::diagonal(200_000).unwrap(), MAX_DIM).unwrap_err());
    assert_eq!(m.what, "EMPH barcode (the circles' bars)");
    assert!(m.estimated_bytes > 200_000 * 2049 * 24);
}

#[test]
fn barcode_is_exactly_scale_invariant() {
    // the worked example f = cos t + 2 cos 2t on the diagonal ray.
    let f = trig(&[1.0, 2.0], &[0.0, 0.0], 200);
    let modes = FourierModes::from_signal(&f, 2).unwrap();
    let d = Ray::diagonal(2).unwrap();
    let h = |m: &FourierModes, p: usize| bars(&barcode(m, &d, p).unwrap());
    let close = |got: Vec<(f64, f64)>, want: &[(f64, f64)]| {
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g.0 - w.0).abs() < 1e-7 && (g.1 == w.1 || (g.1 - w.1).abs() < 1e-7),
                "{got:?}"
            );
        }
    };
    close(h(&modes, 1), &[(0.0, 1.7320508), (0.0, 3.4641016)]);
    close(h(&modes, 2), &[(0.0, 1.7320508)]);
    close(
        h(&modes, 3),
        &[(1.7320508, 1.9021130), (3.4641016, 3.8042261)],
    );
    for e in [1000, -1000, 300] {
        let x: Vec<f64> = f.iter().map(|v| v * two(e)).collect();
        let scaled = FourierModes::from_signal(&x, 2).unwrap();
        for p in 0..=6 {
            let want: Vec<(f64, f64)> = h(&modes, p)
                .iter()
                .map(|&(b, d)| (b * two(e), d * two(e)))
                .collect();
            assert_eq!(h(&scaled, p), want, "2^{e}, H{p}");
        }
    }
    // On a ray, scaling the radii and the endpoint scales every bar.
    let radii = vec![0.7, 1.9, 0.2];
    let (a, b) = (vec![1.0, 1.7, 1.2], vec![0.1, -0.4, 0.05]);
    let base = FourierModes::from_radii(radii.clone()).unwrap();
    let ray = Ray::new(a.clone(), b.clone()).unwrap();
    for e in [1000, -1000] {
        let m = FourierModes::from_radii(radii.iter().map(|r| r * two(e)).collect()).unwrap();
        let r = Ray::new(a.clone(), b.iter().map(|x| x * two(e)).collect()).unwrap();
        for p in 0..=5 {
            let want: Vec<(f64, f64)> = bars(&barcode(&base, &ray, p).unwrap())
                .iter()
                .map(|&(x, y)| (x * two(e), y * two(e)))
                .collect();
            assert_eq!(bars(&barcode(&m, &r, p).unwrap()), want, "2^{e}, H{p}");
        }
    }
}

#[test]
fn collection_barcode_hostile() {
    let modes = FourierModes::from_radii(vec![1.0, 0.0, 2.0]).unwrap();
    let two_rays = RayCollection::new(vec![Ray::diagonal(2).unwrap(); 2]).unwrap();
    assert_eq!(
        collection_barcode(&modes, &two_rays),
        Err(Error::LengthMismatch {
            name: "path",
            expected: 3,
            got: 2
        })
    );
    // Mode 1 (radius 0) has no H1 bar; mode 2 on a ray with v_2 = sqrt3
    // 2^-1000 and b_2 = MAX is beyond f64.
    let small = Ray::new(vec![1.0, 1.0, two(-1000)], vec![0.0, 0.0, MAX]).unwrap();
    let rays = RayCollection::new(vec![
        Ray::diagonal(3).unwrap(),
        Ray::diagonal(3).unwrap(),
        small,
    ])
    .unwrap();
    assert_eq!(
        collection_barcode(&modes, &rays),
        Err(Error::OutOfRange {
            what: "bar endpoint",
            index: 2
        })
    );
    // Closed form [-b_k / v_k, (sqrt3 r_k - b_k) / v_k), scaled by 2^1000
    // bit for bit, with -0.0 and MAX / 4 among the radii.
    let radii = vec![1.0, -0.0, MAX / 4.0 / two(1000)];
    let ray = |s: f64| Ray::new(vec![1.0, 2.0, 1.5], vec![0.5 * s, -0.0, 0.25 * s]).unwrap();
    let coll = |s: f64| RayCollection::new(vec![ray(s), ray(s), ray(s)]).unwrap();
    let m = FourierModes::from_radii(radii.clone()).unwrap();
    let got = bars(&collection_barcode(&m, &coll(1.0)).unwrap());
    let r = ray(1.0);
    let mut want: Vec<(f64, f64)> = [0, 2]
        .iter()
        .map(|&k| (r.param(k, 0.0), r.param(k, S3 * radii[k])))
        .collect();
    want.sort_by(|x, y| x.0.total_cmp(&y.0));
    assert_eq!(got, want);
    let big = FourierModes::from_radii(radii.iter().map(|x| x * two(1000)).collect()).unwrap();
    let scaled: Vec<(f64, f64)> = got
        .iter()
        .map(|&(b, d)| (b * two(1000), d * two(1000)))
        .collect();
    assert_eq!(
        bars(&collection_barcode(&big, &coll(two(1000))).unwrap()),
        scaled
    );
}

#[test]
fn product_barcode_hostile() {
    let diag = |dim: usize, pairs: &[(f64, f64)]| {
        Diagram::new(
            dim,
            pairs
                .iter()
                .map(|&(b, d)| PersistencePair::new(b, d))
                .collect(),
        )
    };
    let inf = f64::INFINITY;
    assert!(matches!(
        product_barcode(&[], 0),
        Err(Error::InvalidParameter {
            name: "factors",
            ..
        })
    ));
    for (b, d) in [
        (f64::NAN, 1.0),
        (inf, inf),
        (f64::NEG_INFINITY, 0.0),
        (0.0, f64::NAN),
        (1.0, 0.0),
        (0.0, f64::NEG_INFINITY),
        (-0.0, -TINY),
    ] {
        assert!(
            matches!(
                product_barcode(&[vec![diag(0, &[(b, d)])]], 0),
                Err(Error::InvalidParameter {
                    name: "factors",
                    ..
                })
            ),
            "({b}, {d})"
        );
    }
    let circle = vec![diag(0, &[(0.0, inf)]), diag(1, &[(0.0, S3)])];
    let point = vec![diag(0, &[(0.0, inf)])];
    let top = vec![diag(usize::MAX, &[(0.0, 1.0)])];
    let two_components = vec![diag(0, &[(0.0, inf), (0.0, inf)])];
    let extreme = vec![diag(1, &[(-MAX, MAX)]), diag(0, &[(-0.0, inf)])];
    let flat = vec![
        diag(0, &[(0.0, inf)]),
        diag(1, &[(1.0, 1.0), (TINY, 2.0 * TINY)]),
    ];
    let cases: Vec<ProductCase> = vec![
        (vec![circle.clone(), circle.clone()], usize::MAX, vec![]),
        (vec![circle.clone(), circle.clone()], 2, vec![(0.0, S3)]),
        (
            vec![top.clone(), point.clone()],
            usize::MAX,
            vec![(0.0, 1.0)],
        ),
        (vec![top.clone(), top.clone()], usize::MAX, vec![]),
        (vec![circle.clone(), vec![]], 0, vec![]),
        (
            vec![two_components.clone(), point.clone()],
            0,
            vec![(0.0, inf), (0.0, inf)],
        ),
        (vec![extreme.clone(), point.clone()], 1, vec![(0.0, MAX)]),
        (vec![extreme.clone(), extreme.clone()], 2, vec![(-MAX, MAX)]),
        (vec![flat.clone()], 1, vec![(TINY, 2.0 * TINY)]),
    ];
    for (factors, dim, want) in cases {
        let got = quick(Duration::from_millis(500), || {
            product_barcode(&factors, dim).unwrap()
        });
        assert_eq!(bars(&got), want, "dim {dim}");
    }
}

// ---------------------------------------------------------------- batch

#[test]
fn modes_batch_hostile() {
    assert_eq!(
        modes_batch(Array2::<f64>::zeros((0, 9)).view(), 2),
        Ok(vec![])
    );
    assert_eq!(
        modes_batch(Array2::<f64>::zeros((3, 0)).view(), 1),
        Err(Error::TooShort {
            len: 0,
            modes: 1,
            needed: 3
        })
    );
    assert!(matches!(
        modes_batch(Array2::<f64>::zeros((3, 9)).view(), 0),
        Err(Error::InvalidParameter { name: "k", .. })
    ));
    let mut rows = Array2::from_elem((3, 8), 1.0);
    rows[(2, 3)] = f64::NAN;
    assert_eq!(
        modes_batch(rows.view(), 2),
        Err(Error::NonFinite { index: 19 })
    );
    // A transposed (non-contiguous) view: the index is in its own order.
    let mut cols = Array2::from_elem((8, 3), 1.0);
    cols[(5, 1)] = f64::NEG_INFINITY;
    assert_eq!(
        modes_batch(cols.t(), 2),
        Err(Error::NonFinite { index: 8 + 5 })
    );
    // A row whose radius overflows: index row * k + mode.
    let mut waves = Array2::zeros((3, 16));
    for j in 0..16 {
        waves[(1, j)] = if j < 8 { MAX } else { -MAX };
        waves[(0, j)] = waves[(1, j)] / 2.0;
        waves[(2, j)] = TINY * (j % 3) as f64;
    }
    assert_eq!(
        modes_batch(waves.view(), 4),
        Err(Error::OutOfRange {
            what: "radius",
            index: 4
        })
    );
    // Extreme rows, contiguous and transposed, equal the single calls.
    waves.row_mut(1).mapv_inplace(|v| v / 4.0);
    let t = waves.t().to_owned();
    for view in [waves.view(), t.t()] {
        let got = modes_batch(view, 4).unwrap();
        for (i, row) in view.outer_iter().enumerate() {
            assert_eq!(got[i], FourierModes::from_signal(&row.to_vec(), 4).unwrap());
        }
    }
    // 2^40 columns (a view of no data): the FFT plan is refused.
    let none = ArrayView2::<f64>::from_shape((0, 1 << 40), &[]).unwrap();
    assert_eq!(
        too_large(modes_batch(none, 1).unwrap_err()).what,
        "FFT plan and buffers (ModesPlanner)"
    );
}

#[test]
fn barcode_batch_hostile() {
    let d2 = Ray::diagonal(2).unwrap();
    assert_eq!(barcode_batch(&[], &d2, usize::MAX), Ok(vec![]));
    let ok = FourierModes::from_radii(vec![1.0, 2.0]).unwrap();
    let three = FourierModes::from_radii(vec![1.0; 3]).unwrap();
    assert_eq!(
        barcode_batch(&[ok.clone(), three], &d2, 1),
        Err(Error::LengthMismatch {
            name: "path",
            expected: 3,
            got: 2
        })
    );
    assert_eq!(
        barcode_batch(std::slice::from_ref(&ok), &d2, usize::MAX),
        Ok(vec![Diagram::new(usize::MAX, Vec::new())])
    );
    assert_eq!(
        barcode_batch(std::slice::from_ref(&ok), &d2, MAX_DIM + 2),
        Err(Error::DegreeTooHigh {
            dim: MAX_DIM + 2,
            max: MAX_DIM
        })
    );
    let big = FourierModes::from_radii(vec![MAX, 1.0]).unwrap();
    assert_eq!(
        barcode_batch(&[ok.clone(), big.clone()], &d2, 1),
        Err(Error::OutOfRange {
            what: "bar endpoint",
            index: 0
        })
    );
    let tiny = FourierModes::from_radii(vec![TINY, MAX / 4.0]).unwrap();
    let all = [ok, big, tiny];
    let got = barcode_batch(&all, &d2, 0).unwrap();
    for (m, d) in all.iter().zip(&got) {
        assert_eq!(*d, barcode(m, &d2, 0).unwrap());
    }
}

/// A vectorizer whose output rows are too long to allocate.
struct Huge;

impl tda_vectorize::Vectorizer for Huge {
    fn len(&self) -> usize {
        usize::MAX / 2
    }

    fn transform_into(&self, _d: &Diagram, _out: &mut [f32]) -> tda_vectorize::Result<()> {
        unreachable!("refused before any transform")
    }
}

#[test]
fn features_hostile() {
    let betti = tda_vectorize::BettiCurve::new((0.0, 4.0), 8).unwrap();
    let d = Ray::diagonal(2).unwrap();
    let rows = Array2::from_shape_fn((4, 9), |(i, j)| (i as f64 + 1.0) * (j as f64 * 0.7).sin());
    assert_eq!(
        too_large(features(rows.view(), 2, &d, 1, &Huge).unwrap_err()).what,
        "EMPH features (the output matrix)"
    );
    assert_eq!(
        features(Array2::zeros((0, 9)).view(), 2, &d, 1, &betti)
            .unwrap()
            .dim(),
        (0, 8)
    );
    let mut bad = rows.clone();
    bad[(3, 8)] = f64::NAN;
    assert_eq!(
        features(bad.view(), 2, &d, 1, &betti),
        Err(Error::NonFinite { index: 35 })
    );
    assert_eq!(
        features(rows.view(), 3, &d, 1, &betti),
        Err(Error::LengthMismatch {
            name: "path",
            expected: 3,
            got: 2
        })
    );
    // Above what the circles carry: empty barcodes, zero curves.
    assert_eq!(
        features(rows.view(), 2, &d, usize::MAX, &betti).map(|f| f.iter().all(|&v| v == 0.0)),
        Ok(true)
    );
    assert_eq!(
        features(rows.view(), 2, &d, MAX_DIM + 2, &betti),
        Err(Error::DegreeTooHigh {
            dim: MAX_DIM + 2,
            max: MAX_DIM
        })
    );
    // Rows scaled by 2^-1000: the same H0 features (every bar [0, inf)).
    let small = rows.mapv(|v| v * two(-1000));
    assert_eq!(
        features(small.view(), 2, &d, 0, &betti).unwrap(),
        features(rows.view(), 2, &d, 0, &betti).unwrap()
    );
}

// --------------------------------------------------------------- search

#[test]
fn random_rays_hostile() {
    assert!(matches!(
        random_rays(0, 3, 1),
        Err(Error::InvalidParameter { name: "k", .. })
    ));
    assert_eq!(random_rays(3, 0, 1), Ok(vec![]));
    assert_eq!(random_rays(1 << 40, 0, 1), Ok(vec![]));
    for (k, count) in [(3, usize::MAX), (usize::MAX, 1), (1 << 30, 1 << 30)] {
        assert_eq!(
            too_large(random_rays(k, count, 1).unwrap_err()).what,
            "random rays"
        );
    }
    assert_eq!(random_rays(4, 5, u64::MAX), random_rays(4, 5, u64::MAX));
}

#[test]
fn search_rays_hostile() {
    assert!(matches!(
        search_rays(0, 3, 1, |_| 0.0),
        Err(Error::InvalidParameter { name: "k", .. })
    ));
    assert!(matches!(
        search_rays(2, 0, 1, |_| 0.0),
        Err(Error::InvalidParameter { name: "count", .. })
    ));
    assert_eq!(
        too_large(search_rays(usize::MAX, 1, 1, |_| 0.0).unwrap_err()).what,
        "random rays"
    );
    let rays = random_rays(3, 20, 9).unwrap();
    let (best, s) = search_rays(3, 20, 9, |_| f64::NAN).unwrap();
    assert!(s.is_nan() && best == rays[0]);
    let (best, s) = search_rays(3, 20, 9, |_| f64::NEG_INFINITY).unwrap();
    assert!(s == f64::NEG_INFINITY && best == rays[0]);
    let mut i = 0;
    let (best, s) = search_rays(3, 20, 9, |_| {
        i += 1;
        if i == 7 {
            f64::INFINITY
        } else {
            f64::NAN
        }
    })
    .unwrap();
    assert!(s == f64::INFINITY && best == rays[6]);
    // Many draws, one at a time (no list of `count` rays is kept).
    let mut seen = 0u64;
    let (best, _) = search_rays(2, 20_000, 3, |_| {
        seen += 1;
        -(seen as f64)
    })
    .unwrap();
    assert_eq!(
        (seen, best),
        (20_000, random_rays(2, 1, 3).unwrap().remove(0))
    );
}

proptest! {
    /// Radii against the direct DFT over the whole exponent range.
    #[test]
    fn radii_match_the_definition_at_any_magnitude(
        mantissas in prop::collection::vec(-1.0f64..1.0, 5..24),
        exponent in -1074i32..1023,
        spread in 0i32..60,
    ) {
        let x: Vec<f64> = mantissas
            .iter()
            .enumerate()
            .map(|(i, m)| m * two((exponent - (i as i32 % 3) * spread).max(-1074)))
            .collect();
        let k = (x.len() - 1) / 2;
        let want = reference_radii(&x, k);
        let scale = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        match FourierModes::from_signal(&x, k) {
            Ok(got) => {
                for (g, w) in got.radii().iter().zip(&want) {
                    prop_assert!((g - w).abs() <= 1e-12 * scale + 2.0 * TINY, "{:?} vs {:?}", got.radii(), want);
                }
            }
            Err(Error::OutOfRange { what: "radius", index }) => {
                prop_assert!(want[index] > 0.99 * MAX, "{:?}", want);
            }
            Err(e) => prop_assert!(false, "{e:?}"),
        }
    }
}
