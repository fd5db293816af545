//! Exact power-of-two scaling: arithmetic that cannot overflow or underflow
//! in its intermediate steps, so that a result is wrong only where the
//! exact value itself is beyond the range of `f64` (the scaling back is
//! `libm::ldexp`, one rounding).

/// `x = m * 2^e` with `1 <= |m| < 2` exactly (`(0.0, 0)` for zero), for
/// finite `x`, subnormals included.
pub(crate) fn split(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    // frexp's mantissa is in [1/2, 1).
    let (m, e) = libm::frexp(x);
    (m * 2.0, e - 1)
}

/// `a - b` as `m * 2^e` (see [`split`]) for finite `a`, `b`, exact in the
/// exponent even where `a - b` overflows.
pub(crate) fn sub(a: f64, b: f64) -> (f64, i32) {
    let d = a - b;
    if d.is_finite() {
        return split(d);
    }
    // |a - b| > f64::MAX: one of them is at least MAX / 2 in magnitude, so
    // halving is exact for it and loses nothing that matters for the other.
    let (m, e) = split(a * 0.5 - b * 0.5);
    (m, e + 1)
}

/// `x * y / z` for scaled values (see [`split`]; `z` nonzero), rounded to
/// an `f64` (three roundings; `±inf` where the exact value is beyond the
/// range).
#[cfg(test)]
pub(crate) fn mul_div(x: (f64, i32), y: (f64, i32), z: (f64, i32)) -> f64 {
    let (m, e) = mul_div_split(x, y, z);
    libm::ldexp(m, e)
}

/// [`mul_div`] before the final scaling: `x * y / z = m * 2^e` with
/// `1/2 < |m| < 4` (or 0).
pub(crate) fn mul_div_split(x: (f64, i32), y: (f64, i32), z: (f64, i32)) -> (f64, i32) {
    (x.0 * y.0 / z.0, x.1 + y.1 - z.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_ldexp_round_trip_over_the_whole_range() {
        for x in [
            1.0,
            -3.5,
            f64::MAX,
            -f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            1e-310,
            0.1,
            1e300,
        ] {
            let (m, e) = split(x);
            assert!((1.0..2.0).contains(&m.abs()), "{x}: {m}");
            assert_eq!(libm::ldexp(m, e), x, "{x}");
        }
        assert_eq!(split(0.0), (0.0, 0));
        assert_eq!(libm::ldexp(1.0, 1024), f64::INFINITY);
        assert_eq!(libm::ldexp(-1.5, 5000), f64::NEG_INFINITY);
        assert_eq!(libm::ldexp(1.0, -1074), 5e-324);
        assert_eq!(libm::ldexp(1.0, -1076), 0.0);
        assert_eq!(libm::ldexp(1.5, -1074), 1e-323); // ties to even: 1.5 -> 2 ulps
        assert_eq!(libm::ldexp(1.0, -3000), 0.0);
        assert_eq!(
            libm::ldexp(f64::MAX, -2000),
            f64::MAX * libm::ldexp(1.0, -1000) * libm::ldexp(1.0, -1000)
        );
        assert_eq!(libm::ldexp(3.0, 2000 - 2000), 3.0);
    }

    #[test]
    fn sub_and_mul_div_do_not_overflow_in_between() {
        let d = sub(f64::MAX, -f64::MAX);
        assert_eq!(d, (2.0 - f64::EPSILON, 1024));
        // (2 MAX) * 1 / 4 = MAX / 2.
        assert_eq!(mul_div(d, split(1.0), split(4.0)), f64::MAX / 2.0);
        // 1e-320 * 1e-10 / 1e-320 = 1e-10 (the product underflows if
        // multiplied first).
        let q = mul_div(split(1e-300), split(1e-10), split(1e-300));
        assert!((q - 1e-10).abs() <= 1e-25);
        assert_eq!(
            mul_div(split(1e300), split(1e300), split(1e-300)),
            f64::INFINITY
        );
    }
}
