//! Hostile input for every public entry point of tda-vectorize: NaN, ±inf,
//! ±f64::MAX, subnormals, -0.0, empty and essential-only diagrams, ties,
//! zero and huge sizes, impossible parameters and wrong buffer lengths.
//! Each case asserts the exact typed error, or a finite result checked
//! against a slow reference (pixel integrals from erfc / Simpson's rule,
//! tents, counts, entropies from logarithms) or a closed form.
//!
//! Sizes over the memory limit are tested with estimates far beyond any
//! sane limit (1e12 bytes and more) and never allocated; the limit itself
//! is never changed (it is process-wide and tests run in parallel).

mod common;

use common::linspace;
use tda_persistence::{Diagram, MemoryError, PersistencePair};
use tda_vectorize::{
    bottleneck, bottleneck_matching, wasserstein, wasserstein_matching, BettiCurve,
    EntropyNormalization, EntropySummary, Error, Essential, Grid, Landscape, Normalize,
    PersistenceEntropy, PersistenceImage, Silhouette, Vectorizer, Wasserstein, Weight,
};

const MAX: f64 = f64::MAX;
const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;
/// The smallest positive subnormal.
const SUB: f64 = 5e-324;

/// A diagram with the pairs in the given order (not sorted, so that error
/// indices are those of the list).
fn dg(pairs: &[(f64, f64)]) -> Diagram {
    Diagram {
        dim: 0,
        pairs: pairs
            .iter()
            .map(|&(birth, death)| PersistencePair { birth, death })
            .collect(),
    }
}

/// A `TooLarge` error whose estimate is over its limit.
fn too_large<T: std::fmt::Debug>(r: Result<T, Error>) -> MemoryError {
    match r {
        Err(Error::TooLarge(m)) => {
            assert!(m.estimated_bytes > m.limit, "{m:?}");
            m
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

fn invalid_param<T: std::fmt::Debug>(r: Result<T, Error>, want: &str) {
    match r {
        Err(Error::InvalidParameter { name, .. }) => assert_eq!(name, want),
        other => panic!("expected InvalidParameter {want}, got {other:?}"),
    }
}

fn invalid_range<T: std::fmt::Debug>(r: Result<T, Error>, want: &str) {
    match r {
        Err(Error::InvalidRange { name, .. }) => assert_eq!(name, want),
        other => panic!("expected InvalidRange {want}, got {other:?}"),
    }
}

/// `got` (f32) equals `want` within `rel` of the largest `|want|` (plus a
/// tiny absolute floor), and every value is finite.
fn assert_close(got: &[f32], want: &[f64], rel: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(g.is_finite(), "{what}: value {i} is {g}");
        assert!(
            (g as f64 - w).abs() <= rel * scale + 1e-37,
            "{what}: value {i}: got {g:e}, want {w:e} (scale {scale:e})"
        );
    }
}

// ------------------------------------------------------------ references

/// Standard normal density.
fn phi(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// `Q(x) = Phi(-x)` for `x >= 0`, from libm's erfc.
fn q(x: f64) -> f64 {
    0.5 * libm::erfc(x / std::f64::consts::SQRT_2)
}

/// `Phi(z1) - Phi(z0)` without cancellation: Simpson's rule where the
/// interval is narrow (error ~dz^5), else the difference of the tails on
/// the side where both ends lie.
fn normal_mass(z0: f64, z1: f64) -> f64 {
    let dz = z1 - z0;
    if dz < 1e-3 {
        let zm = z0 * 0.5 + z1 * 0.5;
        return dz / 6.0 * (phi(z0) + 4.0 * phi(zm) + phi(z1));
    }
    if z0 >= 0.0 {
        q(z0) - q(z1)
    } else if z1 <= 0.0 {
        q(-z1) - q(-z0)
    } else {
        1.0 - q(-z0) - q(z1)
    }
}

/// Mass of `N(c, s^2)` on `[a, b]`, coordinates scaled before they are
/// subtracted (no overflow for any finite values).
fn pixel_mass(a: f64, b: f64, c: f64, s: f64) -> f64 {
    normal_mass(a / s - c / s, b / s - c / s)
}

/// The contiguous-grid image (birth-major) of weighted points `(b, p, w)`,
/// pixel by pixel.
fn ref_image(
    brange: (f64, f64),
    prange: (f64, f64),
    (nx, ny): (usize, usize),
    sigma: f64,
    points: &[(f64, f64, f64)],
) -> Vec<f64> {
    let be = linspace(brange.0, brange.1, nx + 1);
    let pe = linspace(prange.0, prange.1, ny + 1);
    let mut img = vec![0.0; nx * ny];
    for &(b, p, w) in points {
        for i in 0..nx {
            let mb = pixel_mass(be[i], be[i + 1], b, sigma);
            for j in 0..ny {
                img[i * ny + j] += w * mb * pixel_mass(pe[j], pe[j + 1], p, sigma);
            }
        }
    }
    img
}

fn normalized_by_max(v: &[f64]) -> Vec<f64> {
    let m = v.iter().fold(0.0f64, |a, &b| a.max(b));
    v.iter().map(|x| x / m).collect()
}

/// Every value of `v` divided by the largest (as `Normalize::Max`).
fn max_normalized(v: Vec<f32>) -> Vec<f32> {
    let m = v.iter().fold(0.0f32, |a, &b| a.max(b));
    v.into_iter().map(|x| x / m).collect()
}

// ------------------------------------------- persistence images: building

fn pi() -> tda_vectorize::PersistenceImageBuilder {
    PersistenceImage::builder()
}

#[test]
fn pi_build_sizes() {
    // 1: the size overflows 64 bits.
    let m = too_large(pi().resolution(usize::MAX, 2).build());
    assert_eq!(m.estimated_bytes, u64::MAX);
    // 2: 10^6 x 10^6 (4 TB of output, 8 TB of f64 image).
    let m = too_large(pi().resolution(1_000_000, 1_000_000).build());
    assert!(m.estimated_bytes >= 12_000_000_000_000, "{m:?}");
    // 3-5: the other axis, the legacy grid, both huge.
    too_large(pi().resolution(2, usize::MAX).build());
    too_large(
        pi().grid(Grid::LegacyPersImage)
            .resolution(usize::MAX, usize::MAX)
            .build(),
    );
    too_large(pi().resolution(1 << 40, 1).build());
    // 6-7: zero sizes.
    assert_eq!(
        pi().resolution(0, 5).build().unwrap_err(),
        Error::ZeroSize {
            name: "resolution.0"
        }
    );
    assert_eq!(
        pi().resolution(5, 0).build().unwrap_err(),
        Error::ZeroSize {
            name: "resolution.1"
        }
    );
    // 8: 1 x 1 is fine.
    let one = pi().resolution(1, 1).build().unwrap();
    assert_eq!(one.len(), 1);
}

#[test]
fn pi_build_sigma() {
    // 1-5: not finite and > 0.
    for s in [NAN, INF, -INF, 0.0, -0.0, -1.0] {
        let e = pi().sigma(s).build().unwrap_err();
        assert!(matches!(e, Error::InvalidSigma { sigma } if sigma.to_bits() == s.to_bits()));
    }
    // 7-8: so large that 8-sigma windows overflow.
    invalid_param(pi().sigma(MAX).build(), "sigma");
    invalid_param(pi().sigma(MAX / 8.0).build(), "sigma");
    // 9: over 1e100 pixel widths (pixel width 0.05).
    invalid_param(pi().sigma(1e100).build(), "sigma");
    // 10: a subnormal range makes every pixel narrower than 1e-100 sigma.
    invalid_param(pi().birth_range(0.0, 4.0 * SUB).build(), "sigma");
    // 11-12: the smallest subnormal sigma, and MAX / 16 with a wide range, build.
    pi().sigma(SUB).build().unwrap();
    pi().birth_range(-MAX / 2.0, MAX / 2.0)
        .pers_range(0.0, MAX / 2.0)
        .sigma(MAX / 16.0)
        .build()
        .unwrap();
}

#[test]
fn pi_build_ranges() {
    // 1-6: not finite, empty or inverted ranges.
    for (a, b) in [
        (NAN, 1.0),
        (0.0, NAN),
        (-INF, 1.0),
        (0.0, INF),
        (1.0, 1.0),
        (2.0, 1.0),
    ] {
        invalid_range(pi().birth_range(a, b).build(), "birth_range");
        invalid_range(pi().pers_range(a, b).build(), "pers_range");
    }
    // 13-14: widths that overflow f64.
    invalid_param(pi().birth_range(-MAX, MAX).build(), "birth_range");
    invalid_param(pi().pers_range(-MAX, MAX).build(), "pers_range");
    // 15-17: the legacy grid needs maxBD > 0 and a finite width from min(minBD, 0).
    let legacy = || pi().grid(Grid::LegacyPersImage);
    invalid_param(legacy().birth_range(-1.0, 0.0).build(), "birth_range.1");
    invalid_param(legacy().birth_range(-1.0, -0.0).build(), "birth_range.1");
    invalid_param(legacy().birth_range(-MAX, MAX).build(), "birth_range");
    // 18: the legacy grid ignores pers_range, even an invalid one.
    legacy().pers_range(NAN, NAN).build().unwrap();
    // 19: -0.0 as a range end is 0.
    assert_eq!(
        pi().birth_range(-0.0, 1.0)
            .build()
            .unwrap()
            .transform(&dg(&[(0.3, 0.8)]))
            .unwrap(),
        pi().birth_range(0.0, 1.0)
            .build()
            .unwrap()
            .transform(&dg(&[(0.3, 0.8)]))
            .unwrap()
    );
}

#[test]
fn pi_build_weights_policies_thresholds() {
    let ramp = |low, high, start, end| Weight::LinearRamp {
        low,
        high,
        start,
        end,
    };
    // 1-4: Power needs a finite exponent > 0.
    for n in [0.0, -1.0, NAN, INF] {
        invalid_param(pi().weight(Weight::Power(n)).build(), "weight");
    }
    // 5-10: LinearRamp needs finite values and start < end.
    for w in [
        ramp(NAN, 1.0, 0.0, 1.0),
        ramp(0.0, INF, 0.0, 1.0),
        ramp(0.0, 1.0, -INF, 1.0),
        ramp(0.0, 1.0, 0.0, NAN),
        ramp(0.0, 1.0, 1.0, 1.0),
        ramp(0.0, 1.0, 2.0, 1.0),
    ] {
        invalid_param(pi().weight(w).build(), "weight");
    }
    // 11-13: Keep and non-finite clamps.
    for e in [
        Essential::Keep,
        Essential::ClampDeath(NAN),
        Essential::ClampDeath(INF),
    ] {
        invalid_param(pi().essential(e).build(), "essential");
    }
    // 14-17: thresholds.
    for t in [NAN, -1.0, INF, -SUB] {
        invalid_param(pi().min_persistence(t).build(), "min_persistence");
    }
    // 18-19: extreme but valid weights build.
    pi().weight(ramp(-MAX, MAX, -MAX, MAX)).build().unwrap();
    pi().weight(Weight::Power(MAX)).build().unwrap();
}

// ------------------------------------------- persistence images: transform

/// Every grid, weight and normalisation.
fn all_images() -> Vec<PersistenceImage> {
    let mut v = Vec::new();
    for grid in [Grid::Contiguous, Grid::LegacyPersImage] {
        for weight in [
            Weight::Persistence,
            Weight::Constant,
            Weight::Power(2.0),
            Weight::LinearRamp {
                low: -1.0,
                high: 2.0,
                start: 0.1,
                end: 0.6,
            },
        ] {
            for normalize in [Normalize::None, Normalize::Max, Normalize::Sum] {
                v.push(
                    pi().grid(grid)
                        .birth_range(-1.0, 1.0)
                        .pers_range(0.0, 1.0)
                        .resolution(7, 5)
                        .sigma(0.2)
                        .weight(weight)
                        .normalize(normalize)
                        .build()
                        .unwrap(),
                );
            }
        }
    }
    v.push(PersistenceImage::pinet_signal());
    v.push(PersistenceImage::pinet_image());
    v
}

#[test]
fn pi_transform_non_finite_and_buffers() {
    let images = all_images();
    assert_eq!(images.len(), 26);
    let bad: [(&[(f64, f64)], usize); 6] = [
        (&[(NAN, 1.0)], 0),
        (&[(0.0, 1.0), (INF, 1.0)], 1),
        (&[(-INF, 1.0)], 0),
        (&[(0.0, 1.0), (0.5, 0.7), (0.1, NAN)], 2),
        (&[(NAN, NAN)], 0),
        (&[(0.0, 1.0), (NAN, INF)], 1),
    ];
    for im in &images {
        for (pairs, index) in bad {
            let d = dg(pairs);
            assert_eq!(im.transform(&d).unwrap_err(), Error::NonFinite { index });
            let mut out = vec![0.0; im.len()];
            assert_eq!(
                im.transform_into(&d, &mut out).unwrap_err(),
                Error::NonFinite { index }
            );
            let batch = [dg(&[(0.0, 0.5)]), d];
            assert_eq!(
                im.transform_batch(&batch).unwrap_err(),
                Error::NonFinite { index }
            );
        }
        for len in [0, im.len() - 1, im.len() + 1] {
            let mut out = vec![0.0; len];
            assert_eq!(
                im.transform_into(&dg(&[(0.0, 0.5)]), &mut out).unwrap_err(),
                Error::LengthMismatch {
                    expected: im.len(),
                    got: len
                }
            );
        }
    }
}

#[test]
fn pi_transform_empty_essential_far_and_ties() {
    for im in all_images() {
        let zeros = vec![0.0f32; im.len()];
        // Empty, only essential pairs (dropped), only zero-length pairs
        // (weight 0 or dropped), and points far outside the grid at ±MAX.
        for pairs in [
            &[][..],
            &[(0.0, INF), (0.5, -INF)][..],
            &[(MAX, MAX), (-MAX, -MAX)][..],
            &[(-MAX, -MAX / 2.0), (MAX, MAX / 2.0), (1e300, 1e300 + 1e290)][..],
        ] {
            assert_eq!(im.transform(&dg(pairs)).unwrap(), zeros, "{pairs:?}");
        }
        // -0.0 is 0.0.
        assert_eq!(
            im.transform(&dg(&[(-0.0, 0.5), (0.25, -0.0)])).unwrap(),
            im.transform(&dg(&[(0.0, 0.5), (0.25, 0.0)])).unwrap()
        );
        // Ties: k copies of a point are k times one (or the same after
        // normalisation), in any order.
        let one = im.transform(&dg(&[(0.2, 0.6)])).unwrap();
        let three = im
            .transform(&dg(&[(0.2, 0.6), (0.2, 0.6), (0.2, 0.6)]))
            .unwrap();
        for (a, b) in one.iter().zip(&three) {
            assert!(
                (3.0 * a - b).abs() <= 1e-5 * b.abs().max(1e-30)
                    || (a - b).abs() <= 1e-6 * a.abs().max(1e-30)
            );
        }
        // The batch of these equals the rows.
        let ds = [dg(&[]), dg(&[(0.2, 0.6)]), dg(&[(0.0, INF)])];
        let batch = im.transform_batch(&ds).unwrap();
        assert_eq!(batch.shape(), &[3, im.len()]);
        assert_eq!(batch.row(1).to_vec(), one);
        // An empty batch.
        assert_eq!(im.transform_batch(&[]).unwrap().shape(), &[0, im.len()]);
    }
}

#[test]
fn pi_transform_batch_too_large() {
    // 10^6 empty diagrams (32 MB) into a 1000 x 1000 image: 4e12 bytes.
    let im = pi().resolution(1000, 1000).build().unwrap();
    let ds = vec![Diagram::new(0, vec![]); 1_000_000];
    let m = too_large(im.transform_batch(&ds));
    assert_eq!(m.estimated_bytes, 4_000_000_000_000);
}

#[test]
fn pi_persistence_overflow() {
    for im in all_images() {
        // Finite pairs whose persistence overflows f64.
        assert_eq!(
            im.transform(&dg(&[(0.0, 1.0), (-MAX, MAX)])).unwrap_err(),
            Error::PersistenceOverflow {
                index: 1,
                birth: -MAX,
                death: MAX
            }
        );
        assert!(matches!(
            im.transform(&dg(&[(1e308, -1e308)])).unwrap_err(),
            Error::PersistenceOverflow { index: 0, .. }
        ));
    }
    // A clamped essential death that overflows.
    let im = pi().essential(Essential::ClampDeath(MAX)).build().unwrap();
    assert_eq!(
        im.transform(&dg(&[(-MAX, INF)])).unwrap_err(),
        Error::PersistenceOverflow {
            index: 0,
            birth: -MAX,
            death: MAX
        }
    );
    // Essential pairs clamped to a finite death equal the finite pair.
    let im = pi().essential(Essential::ClampDeath(0.7)).build().unwrap();
    assert_eq!(
        im.transform(&dg(&[(0.1, INF)])).unwrap(),
        im.transform(&dg(&[(0.1, 0.7)])).unwrap()
    );
}

#[test]
fn pi_matches_reference_at_ordinary_values() {
    // The slow reference itself, on a plain case (both layouts).
    let points = [(0.1, 0.3), (-0.4, 0.9), (0.5, 0.5)];
    let im = pi()
        .birth_range(-1.0, 1.0)
        .pers_range(0.0, 1.0)
        .resolution(9, 6)
        .sigma(0.15)
        .build()
        .unwrap();
    let got = im.transform(&dg(&points)).unwrap();
    // (birth, persistence, weight = persistence)
    let weighted: Vec<(f64, f64, f64)> = points.iter().map(|&(b, d)| (b, d - b, d - b)).collect();
    let want = ref_image((-1.0, 1.0), (0.0, 1.0), (9, 6), 0.15, &weighted);
    assert_close(&got, &want, 1e-6, "ordinary");
}

#[test]
fn pi_subnormal_and_tiny_weights() {
    // A subnormal persistence weight: unnormalised, the image is 0 in f32
    // (correctly rounded); max-normalised, it equals the constant weight's
    // image (it was 0/0 or inf before weights were rescaled).
    let base = || {
        pi().birth_range(-1.0, 1.0)
            .pers_range(-0.5, 0.5)
            .resolution(6, 4)
            .sigma(0.3)
    };
    let d = dg(&[(0.0, 2.0 * SUB)]);
    let raw = base().build().unwrap().transform(&d).unwrap();
    assert!(raw.iter().all(|&v| v == 0.0));
    let got = base()
        .normalize(Normalize::Max)
        .build()
        .unwrap()
        .transform(&d)
        .unwrap();
    let want = normalized_by_max(&ref_image(
        (-1.0, 1.0),
        (-0.5, 0.5),
        (6, 4),
        0.3,
        &[(0.0, 0.0, 1.0)],
    ));
    assert_close(&got, &want, 1e-6, "subnormal persistence, max");
    // Sum normalisation of the same.
    let got = base()
        .normalize(Normalize::Sum)
        .build()
        .unwrap()
        .transform(&d)
        .unwrap();
    let s: f64 = got.iter().map(|&v| v as f64).sum();
    assert!((s - 1.0).abs() < 1e-5, "{s}");
    // Subnormal constant weights from a ramp, legacy grid: normalised by
    // the largest weight, as with weight 1.
    let ramp = Weight::LinearRamp {
        low: SUB,
        high: SUB,
        start: 0.0,
        end: 1.0,
    };
    for grid in [Grid::Contiguous, Grid::LegacyPersImage] {
        let mk = |w| {
            base()
                .grid(grid)
                .weight(w)
                .normalize(Normalize::Max)
                .build()
                .unwrap()
        };
        let d = dg(&[(0.1, 0.4), (-0.3, 0.2)]);
        assert_close(
            &mk(ramp).transform(&d).unwrap(),
            &mk(Weight::Constant)
                .transform(&d)
                .unwrap()
                .iter()
                .map(|&v| v as f64)
                .collect::<Vec<_>>(),
            1e-6,
            "subnormal ramp",
        );
    }
    // A subnormal maximum: a point of weight 1 off the grid and one of
    // weight 1e-310 on it; max-normalised, the image is that of the second
    // alone (1 / max overflows: each pixel is divided instead).
    for normalize in [Normalize::Max, Normalize::Sum] {
        let im = base().normalize(normalize).build().unwrap();
        let got = im
            .transform(&dg(&[(1e6, 1e6 + 1.0), (0.0, 1e-310)]))
            .unwrap();
        let one = ref_image((-1.0, 1.0), (-0.5, 0.5), (6, 4), 0.3, &[(0.0, 0.0, 1.0)]);
        let want = match normalize {
            Normalize::Max => normalized_by_max(&one),
            _ => {
                let total: f64 = one.iter().sum();
                one.iter().map(|v| v / total).collect()
            }
        };
        assert_close(&got, &want, 1e-6, "subnormal maximum");
    }
    // A tiny (normal) weight 1e-300 with no normalisation: 0 in f32, finite.
    let tiny = Weight::LinearRamp {
        low: 1e-300,
        high: 1e-300,
        start: 0.0,
        end: 1.0,
    };
    let got = base().weight(tiny).build().unwrap().transform(&d).unwrap();
    assert!(got.iter().all(|&v| v == 0.0));
}

#[test]
fn pi_huge_weights() {
    // Power weights that overflow f64: p^n = inf for p = 1e200, n = 2.
    let d = dg(&[(0.0, 1e200), (0.0, 5e199), (3e199, 3.5e199)]);
    let mk = |normalize, grid| {
        pi().grid(grid)
            .birth_range(0.0, 1e200)
            .pers_range(0.0, 1.2e200)
            .resolution(5, 6)
            .sigma(2e199)
            .weight(Weight::Power(2.0))
            .normalize(normalize)
            .build()
            .unwrap()
    };
    let points: Vec<(f64, f64, f64)> = d
        .pairs
        .iter()
        .map(|p| {
            let pers = p.death - p.birth;
            (p.birth, pers, (pers / 1e200).powi(2))
        })
        .collect();
    let want = normalized_by_max(&ref_image(
        (0.0, 1e200),
        (0.0, 1.2e200),
        (5, 6),
        2e199,
        &points,
    ));
    let got = mk(Normalize::Max, Grid::Contiguous).transform(&d).unwrap();
    assert_close(&got, &want, 1e-6, "power overflow, max");
    // Unnormalised, the true pixels are ~1e399: beyond f32.
    assert!(matches!(
        mk(Normalize::None, Grid::Contiguous).transform(&d),
        Err(Error::OutputOverflow { .. })
    ));
    // Legacy grid: normalised by the largest weight, finite and with a
    // maximum of 1 (it was all zeros).
    let got = mk(Normalize::Max, Grid::LegacyPersImage)
        .transform(&d)
        .unwrap();
    assert!(got.iter().all(|v| v.is_finite()));
    assert!((got.iter().fold(0.0f32, |a, &b| a.max(b)) - 1.0).abs() < 1e-6);
    // The same on the legacy grid without normalisation equals the same
    // points with ratio weights (p / p_max)^2 and weight 1 on the largest.
    let lin = mk(Normalize::None, Grid::LegacyPersImage)
        .transform(&d)
        .unwrap();
    assert!(lin.iter().all(|v| v.is_finite()));
    assert_close(
        &max_normalized(lin),
        &got.iter().map(|&v| v as f64).collect::<Vec<_>>(),
        1e-6,
        "legacy",
    );
    // Persistence weights near f64::MAX (sums of them overflow): three
    // copies of a point of persistence 1e308 at one place.
    let d = dg(&[(0.0, 1e308), (0.0, 1e308), (0.0, 1e308)]);
    let mk = |normalize| {
        pi().birth_range(-1e307, 1e307)
            .pers_range(0.9e308, 1.1e308)
            .resolution(3, 3)
            .sigma(1e307)
            .normalize(normalize)
            .build()
            .unwrap()
    };
    let got = mk(Normalize::Sum).transform(&d).unwrap();
    let want = ref_image(
        (-1e307, 1e307),
        (0.9e308, 1.1e308),
        (3, 3),
        1e307,
        &[(0.0, 1e308, 1.0)],
    );
    let total: f64 = want.iter().sum();
    assert_close(
        &got,
        &want.iter().map(|v| v / total).collect::<Vec<_>>(),
        1e-6,
        "persistence weights near MAX, sum",
    );
    assert!(matches!(
        mk(Normalize::None).transform(&d),
        Err(Error::OutputOverflow { .. })
    ));
    // A ramp from -MAX to MAX over [0, 1] (high - low overflows): the
    // weight at 0.75 is MAX / 2, at 0.5 it is 0.
    let ramp = Weight::LinearRamp {
        low: -MAX,
        high: MAX,
        start: 0.0,
        end: 1.0,
    };
    let im = pi()
        .birth_range(-1.0, 1.0)
        .pers_range(0.0, 1.0)
        .resolution(4, 4)
        .sigma(0.3)
        .weight(ramp)
        .normalize(Normalize::Max)
        .build()
        .unwrap();
    let got = im.transform(&dg(&[(0.0, 0.75), (0.5, 1.0)])).unwrap();
    let want = normalized_by_max(&ref_image(
        (-1.0, 1.0),
        (0.0, 1.0),
        (4, 4),
        0.3,
        &[(0.0, 0.75, 1.0)],
    ));
    assert_close(&got, &want, 1e-6, "ramp from -MAX to MAX");
    // The same ramp over the whole f64 range (end - start overflows too).
    let ramp = Weight::LinearRamp {
        low: -MAX,
        high: MAX,
        start: -MAX,
        end: MAX,
    };
    let im = pi()
        .birth_range(-MAX / 4.0, MAX / 4.0)
        .pers_range(0.0, MAX / 2.0)
        .sigma(MAX / 64.0)
        .resolution(3, 3)
        .weight(ramp)
        .normalize(Normalize::Max)
        .build()
        .unwrap();
    // Persistence MAX / 2: t = 3/4, weight MAX / 2.
    let got = im.transform(&dg(&[(0.5, MAX / 2.0)])).unwrap();
    assert!(got.iter().all(|v| v.is_finite()));
    assert!((got.iter().fold(0.0f32, |a, &b| a.max(b)) - 1.0).abs() < 1e-6);
}

#[test]
fn pi_negative_weights_and_cancelling_sums() {
    // Weights -1 and 1 + 2^-30 at one place: the sum is 2^-30 of the mass;
    // Sum normalisation divides by it (finite, sums to 1).
    let ramp = Weight::LinearRamp {
        low: -1.0,
        high: 1.0 + 2f64.powi(-30),
        start: 0.4,
        end: 0.6,
    };
    let im = pi()
        .weight(ramp)
        .resolution(4, 4)
        .normalize(Normalize::Sum)
        .build()
        .unwrap();
    let got = im.transform(&dg(&[(0.5, 0.8), (0.5, 0.8)])).unwrap();
    // p = 0.3 < start: both weigh -1: a negative sum leaves the image as
    // is (documented: divide only by a positive sum).
    assert!(got.iter().all(|&v| v <= 0.0 && v.is_finite()));
    // Weights -1 (p = 0.3) and 1 + 2^-30 (p = 0.7) at mirror places: the
    // sum is ~2^-30 of the mass, dominated by rounding; the result is
    // finite all the same.
    let got = im.transform(&dg(&[(0.5, 0.8), (0.5, 1.2)])).unwrap();
    assert!(got.iter().all(|v| v.is_finite()));
    // Max normalisation with only negative pixels leaves them as they are.
    let im = pi()
        .weight(Weight::LinearRamp {
            low: -2.0,
            high: -1.0,
            start: 0.0,
            end: 1.0,
        })
        .resolution(3, 3)
        .normalize(Normalize::Max)
        .build()
        .unwrap();
    let got = im.transform(&dg(&[(0.5, 0.9)])).unwrap();
    assert!(got.iter().all(|&v| v < 0.0 && v.is_finite()));
    // Legacy grid: no positive weight -> zeros.
    let im = pi()
        .grid(Grid::LegacyPersImage)
        .weight(Weight::LinearRamp {
            low: -2.0,
            high: -1.0,
            start: 0.0,
            end: 1.0,
        })
        .build()
        .unwrap();
    assert!(im
        .transform(&dg(&[(0.5, 0.9)]))
        .unwrap()
        .iter()
        .all(|&v| v == 0.0));
}

#[test]
fn pi_extreme_sigmas() {
    // sigma the smallest subnormal: each point lands in one pixel, whole.
    let im = pi()
        .birth_range(0.0, 1.0)
        .pers_range(0.0, 1.0)
        .resolution(10, 10)
        .sigma(SUB)
        .weight(Weight::Constant)
        .build()
        .unwrap();
    let got = im.transform(&dg(&[(0.33, 0.77), (0.91, 0.96)])).unwrap();
    let mut want = vec![0.0; 100];
    want[3 * 10 + 4] = 1.0;
    want[9 * 10] = 1.0;
    assert_close(&got, &want, 0.0, "subnormal sigma");
    // sigma a million pixel widths (pixels of 2.5e-7 sigma): the narrow
    // pixel rule against Simpson's rule, max-normalised (the raw masses
    // are ~1e-7), both layouts.
    for (grid, sigma) in [(Grid::Contiguous, 1.0), (Grid::LegacyPersImage, 1e-2)] {
        let im = pi()
            .grid(grid)
            .birth_range(0.0, 1e-6)
            .pers_range(0.0, 1e-6)
            .resolution(4, 4)
            .sigma(sigma)
            .weight(Weight::Constant)
            .normalize(Normalize::Max)
            .build()
            .unwrap();
        let d = dg(&[(2.0 * sigma, 2.0 * sigma + 0.5 * sigma), (-sigma, sigma)]);
        let got = im.transform(&d).unwrap();
        if grid == Grid::Contiguous {
            let want = normalized_by_max(&ref_image(
                (0.0, 1e-6),
                (0.0, 1e-6),
                (4, 4),
                sigma,
                &[(2.0, 0.5, 1.0), (-1.0, 2.0, 1.0)],
            ));
            assert_close(&got, &want, 1e-5, "narrow pixels");
            // The unnormalised pixels too (each ~6e-15).
            let raw = pi()
                .birth_range(0.0, 1e-6)
                .pers_range(0.0, 1e-6)
                .resolution(4, 4)
                .sigma(sigma)
                .weight(Weight::Constant)
                .build()
                .unwrap()
                .transform(&d)
                .unwrap();
            let want = ref_image(
                (0.0, 1e-6),
                (0.0, 1e-6),
                (4, 4),
                sigma,
                &[(2.0, 0.5, 1.0), (-1.0, 2.0, 1.0)],
            );
            assert_close(&raw, &want, 1e-5, "narrow pixels, raw");
        } else {
            assert!(got.iter().all(|v| v.is_finite()));
            assert!((got.iter().fold(0.0f32, |a, &b| a.max(b)) - 1.0).abs() < 1e-6);
        }
    }
    // sigma 1e99 pixel widths: accepted, and finite.
    let im = pi()
        .resolution(2, 2)
        .sigma(0.5e99)
        .normalize(Normalize::Max)
        .build()
        .unwrap();
    let got = im.transform(&dg(&[(0.5, 0.75)])).unwrap();
    assert_close(&got, &[1.0; 4], 1e-6, "sigma 1e99 pixels");
    // sigma MAX / 16 with ranges and points near ±MAX.
    let im = pi()
        .birth_range(-MAX / 2.0, MAX / 2.0)
        .pers_range(0.0, MAX / 2.0)
        .resolution(3, 2)
        .sigma(MAX / 16.0)
        .weight(Weight::Constant)
        .build()
        .unwrap();
    let d = dg(&[(-MAX / 4.0, MAX / 8.0), (MAX / 4.0, MAX / 4.0 + MAX / 16.0)]);
    let got = im.transform(&d).unwrap();
    let want = ref_image(
        (-MAX / 2.0, MAX / 2.0),
        (0.0, MAX / 2.0),
        (3, 2),
        MAX / 16.0,
        &[
            (-MAX / 4.0, MAX / 4.0 + MAX / 8.0, 1.0),
            (MAX / 4.0, MAX / 16.0, 1.0),
        ],
    );
    assert_close(&got, &want, 1e-6, "sigma MAX / 16");
}

#[test]
fn pi_threshold_ties() {
    // p <= t is dropped, p > t kept, at the threshold exactly.
    let im = pi()
        .min_persistence(0.25)
        .weight(Weight::Constant)
        .build()
        .unwrap();
    let zeros = vec![0.0f32; im.len()];
    assert_eq!(im.transform(&dg(&[(0.5, 0.75)])).unwrap(), zeros);
    assert_ne!(im.transform(&dg(&[(0.5, 0.75 + 1e-12)])).unwrap(), zeros);
    // Threshold 0 drops exactly the zero-length pairs (-0.0 included).
    let im = pi()
        .min_persistence(0.0)
        .normalize(Normalize::Max)
        .build()
        .unwrap();
    assert_eq!(
        im.transform(&dg(&[(0.5, 0.5), (-0.0, 0.0)])).unwrap(),
        zeros
    );
    let kept = im.transform(&dg(&[(0.0, SUB)])).unwrap();
    assert!(kept.iter().all(|v| v.is_finite()) && kept.contains(&1.0));
    // PI-Net's image threshold drops every one-grey-level bar and keeps
    // every two-level bar.
    let im = PersistenceImage::pinet_image();
    for k in 0..254 {
        let (a, b, c) = (
            k as f64 / 255.0,
            (k + 1) as f64 / 255.0,
            (k + 2) as f64 / 255.0,
        );
        assert!(im
            .transform(&dg(&[(a, b)]))
            .unwrap()
            .iter()
            .all(|&v| v == 0.0));
        assert!(im
            .transform(&dg(&[(a, c)]))
            .unwrap()
            .iter()
            .any(|&v| v > 0.0));
    }
}

// --------------------------------------------------------- Betti curves

fn ref_betti(bars: &[(f64, f64)], t: &[f64]) -> Vec<f64> {
    t.iter()
        .map(|&t| {
            bars.iter()
                .filter(|&&(b, d)| b.min(d) <= t && t < b.max(d))
                .count() as f64
        })
        .collect()
}

#[test]
fn betti_constructors() {
    // 1-3: sizes.
    assert_eq!(
        BettiCurve::new((0.0, 1.0), 0).unwrap_err(),
        Error::ZeroSize { name: "resolution" }
    );
    let m = too_large(BettiCurve::new((0.0, 1.0), 10_000_000_000));
    assert_eq!(m.estimated_bytes, 200_000_000_000);
    too_large(BettiCurve::new((0.0, 1.0), usize::MAX));
    // 4-9: ranges.
    for r in [
        (NAN, 1.0),
        (0.0, INF),
        (-INF, 0.0),
        (1.0, 0.0),
        (1.0, 1.0),
        (0.0, NAN),
    ] {
        invalid_range(BettiCurve::new(r, 3), "sample_range");
    }
    // 10: one sample of an empty range.
    assert_eq!(BettiCurve::new((2.0, 2.0), 1).unwrap().samples(), &[2.0]);
    // 11-12: bad clamps.
    for v in [NAN, INF] {
        invalid_param(
            BettiCurve::builder()
                .sample_range(0.0, 1.0)
                .resolution(3)
                .essential(Essential::ClampDeath(v))
                .build(),
            "essential",
        );
    }
    // 13: the full f64 range: finite, sorted samples from -MAX to MAX.
    let b = BettiCurve::new((-MAX, MAX), 5).unwrap();
    let t = b.samples();
    assert_eq!((t[0], t[4], t[2]), (-MAX, MAX, 0.0));
    assert!(t.windows(2).all(|w| w[0] < w[1]) && t.iter().all(|v| v.is_finite()));
}

#[test]
fn betti_transform() {
    let bars = [
        (-MAX, MAX),
        (-MAX, -MAX),
        (0.0, MAX),
        (MAX, 0.0),
        (-0.0, 1e308),
        (SUB, 2.0 * SUB),
        (-1e308, 1e308),
        (-MAX, INF),
        (5.0, -INF),
        (0.0, 0.0),
        (0.0, 0.0),
    ];
    for (range, n) in [
        ((-MAX, MAX), 9),
        ((-MAX, MAX), 2),
        ((0.0, 4.0 * SUB), 5),
        ((-1.0, 1.0), 7),
    ] {
        for policy in [
            Essential::Drop,
            Essential::Keep,
            Essential::ClampDeath(MAX),
            Essential::ClampDeath(-MAX),
        ] {
            let b = BettiCurve::builder()
                .sample_range(range.0, range.1)
                .resolution(n)
                .essential(policy)
                .build()
                .unwrap();
            let kept: Vec<(f64, f64)> = bars
                .iter()
                .filter_map(|&(x, y)| match (y.is_infinite(), policy) {
                    (false, _) => Some((x, y)),
                    (true, Essential::Drop) => None,
                    (true, Essential::ClampDeath(v)) => Some((x, v)),
                    (true, Essential::Keep) => Some((x, y)),
                })
                .collect();
            let got = b.transform(&dg(&bars)).unwrap();
            assert_close(&got, &ref_betti(&kept, b.samples()), 0.0, "betti");
        }
    }
    let b = BettiCurve::new((0.0, 1.0), 3).unwrap();
    assert_eq!(b.transform(&dg(&[])).unwrap(), vec![0.0; 3]);
    assert_eq!(
        b.transform(&dg(&[(0.0, 1.0), (NAN, 1.0)])).unwrap_err(),
        Error::NonFinite { index: 1 }
    );
    assert_eq!(
        b.transform(&dg(&[(0.0, NAN)])).unwrap_err(),
        Error::NonFinite { index: 0 }
    );
    assert_eq!(
        b.transform(&dg(&[(INF, INF)])).unwrap_err(),
        Error::NonFinite { index: 0 }
    );
    for len in [0, 2, 4] {
        assert_eq!(
            b.transform_into(&dg(&[]), &mut vec![0.0; len]).unwrap_err(),
            Error::LengthMismatch {
                expected: 3,
                got: len
            }
        );
    }
    // Ties at samples: [0.5, 1) counts at 0.5, not at 1.
    assert_eq!(
        b.transform(&dg(&[(0.5, 1.0), (0.5, 1.0), (0.0, 0.5)]))
            .unwrap(),
        vec![1.0, 2.0, 0.0]
    );
    // Batches: too large, and equal to rows.
    let m = too_large(
        BettiCurve::new((0.0, 1.0), 1 << 20)
            .unwrap()
            .transform_batch(&vec![Diagram::new(0, vec![]); 1 << 20]),
    );
    assert_eq!(m.estimated_bytes, 4 << 40);
    let ds = [dg(&bars[..4]), dg(&[])];
    let batch = b.transform_batch(&ds).unwrap();
    assert_eq!(batch.row(0).to_vec(), b.transform(&ds[0]).unwrap());
}

// ------------------------------------------------------------ landscapes

fn ref_landscape(bars: &[(f64, f64)], k: usize, ts: &[f64]) -> Vec<f64> {
    let n = ts.len();
    let mut out = vec![0.0; k * n];
    for (i, &t) in ts.iter().enumerate() {
        let mut v: Vec<f64> = bars
            .iter()
            .map(|&(b, d)| {
                let (lo, hi) = (b.min(d), b.max(d));
                (t - lo).min(hi - t).max(0.0)
            })
            .collect();
        v.sort_by(|a, b| b.total_cmp(a));
        for j in 0..k.min(v.len()) {
            out[j * n + i] = v[j];
        }
    }
    out
}

#[test]
fn landscape_constructors() {
    assert_eq!(
        Landscape::new(0, (0.0, 1.0), 5).unwrap_err(),
        Error::ZeroSize {
            name: "num_landscapes"
        }
    );
    assert_eq!(
        Landscape::new(3, (0.0, 1.0), 0).unwrap_err(),
        Error::ZeroSize { name: "resolution" }
    );
    // k near usize::MAX (k * resolution overflows), and k x resolution of
    // 1e13 values.
    for k in [usize::MAX, usize::MAX / 2, usize::MAX / 12 + 1] {
        too_large(Landscape::new(k, (0.0, 1.0), 100));
    }
    too_large(Landscape::new(1_000_000, (0.0, 1.0), 10_000_000));
    too_large(Landscape::new(1, (0.0, 1.0), usize::MAX));
    too_large(Landscape::new(1 << 20, (0.0, 1.0), 1 << 20));
    for r in [(NAN, 1.0), (0.0, INF), (1.0, 0.0), (0.0, 0.0)] {
        invalid_range(Landscape::new(2, r, 4), "sample_range");
    }
    invalid_param(
        Landscape::builder()
            .num_landscapes(1)
            .sample_range(0.0, 1.0)
            .resolution(2)
            .essential(Essential::ClampDeath(-INF))
            .build(),
        "essential",
    );
    // A large k with few samples is fine (zero padded).
    let l = Landscape::new(1000, (0.0, 1.0), 3).unwrap();
    assert_eq!(l.len(), 3000);
    let out = l.transform(&dg(&[(0.0, 1.0)])).unwrap();
    assert_eq!(&out[..3], &[0.0, 0.5, 0.0]);
    assert!(out[3..].iter().all(|&v| v == 0.0));
}

#[test]
fn landscape_transform() {
    let small = [
        (0.0, 2.0),
        (1.0, 3.0),
        (1.0, 3.0),
        (2.5, 0.5),
        (-0.0, 0.0),
        (SUB, 3.0 * SUB),
    ];
    let mut big = small.to_vec();
    big.push((1e30, -1e30));
    for bars in [&small[..], &big[..]] {
        for (range, n, k) in [
            ((-1.0, 4.0), 11, 3),
            ((-2e30, 2e30), 9, 2),
            ((0.0, 4.0 * SUB), 5, 2),
            ((-MAX, MAX), 5, 1),
        ] {
            let l = Landscape::new(k, range, n).unwrap();
            let got = l.transform(&dg(bars)).unwrap();
            assert_close(
                &got,
                &ref_landscape(bars, k, l.samples()),
                1e-7,
                "landscape",
            );
        }
    }
    // Tents beyond f32: typed error, not inf.
    let l = Landscape::new(1, (-MAX, MAX), 3).unwrap();
    assert_eq!(
        l.transform(&dg(&[(-MAX, MAX)])).unwrap_err(),
        Error::OutputOverflow {
            index: 1,
            value: MAX
        }
    );
    assert!(matches!(
        Landscape::new(1, (0.0, 1e300), 3)
            .unwrap()
            .transform(&dg(&[(0.0, 1e300)])),
        Err(Error::OutputOverflow { index: 1, .. })
    ));
    // At the ends of the full range the tents are 0.
    let l = Landscape::new(2, (-MAX, MAX), 2).unwrap();
    assert_eq!(
        l.transform(&dg(&[(-MAX, MAX), (-MAX, 0.0)])).unwrap(),
        vec![0.0; 4]
    );
    // Essential pairs: Keep grows linearly, Drop ignores, clamps cut.
    let d = dg(&[(0.0, INF)]);
    for (policy, want) in [
        (Essential::Keep, vec![0.0, 1.0, 2.0]),
        (Essential::Drop, vec![0.0, 0.0, 0.0]),
        (Essential::ClampDeath(2.0), vec![0.0, 1.0, 0.0]),
    ] {
        let l = Landscape::builder()
            .num_landscapes(1)
            .sample_range(0.0, 2.0)
            .resolution(3)
            .essential(policy)
            .build()
            .unwrap();
        assert_eq!(l.transform(&d).unwrap(), want);
    }
    let l = Landscape::new(1, (0.0, 2.0), 3).unwrap();
    assert_eq!(
        l.transform(&dg(&[(NAN, 0.0)])).unwrap_err(),
        Error::NonFinite { index: 0 }
    );
    assert_eq!(
        l.transform_into(&d, &mut [0.0; 2]).unwrap_err(),
        Error::LengthMismatch {
            expected: 3,
            got: 2
        }
    );
    too_large(
        Landscape::new(1000, (0.0, 1.0), 10_000)
            .unwrap()
            .transform_batch(&vec![Diagram::new(0, vec![]); 100_000]),
    );
}

// ----------------------------------------------------------- silhouettes

fn ref_silhouette(bars: &[(f64, f64)], p: f64, t: &[f64]) -> Vec<f64> {
    let lmax = bars.iter().fold(0.0f64, |m, &(b, d)| m.max((d - b).abs()));
    if lmax == 0.0 {
        return vec![0.0; t.len()];
    }
    let w: Vec<f64> = bars
        .iter()
        .map(|&(b, d)| ((d - b).abs() / lmax).powf(p))
        .collect();
    let total: f64 = w.iter().sum();
    t.iter()
        .map(|&t| {
            bars.iter()
                .zip(&w)
                .map(|(&(b, d), w)| {
                    let (lo, hi) = (b.min(d), b.max(d));
                    w * (t - lo).min(hi - t).max(0.0)
                })
                .sum::<f64>()
                / total
        })
        .collect()
}

#[test]
fn silhouette_all() {
    for p in [NAN, -1.0, INF, -INF] {
        invalid_param(Silhouette::new(p, (0.0, 1.0), 3), "power");
    }
    assert_eq!(
        Silhouette::new(1.0, (0.0, 1.0), 0).unwrap_err(),
        Error::ZeroSize { name: "resolution" }
    );
    too_large(Silhouette::new(1.0, (0.0, 1.0), 1 << 40));
    invalid_range(Silhouette::new(1.0, (0.0, NAN), 3), "sample_range");
    for e in [Essential::Keep, Essential::ClampDeath(NAN)] {
        invalid_param(
            Silhouette::builder()
                .power(1.0)
                .sample_range(0.0, 1.0)
                .resolution(3)
                .essential(e)
                .build(),
            "essential",
        );
    }
    // Ordinary, subnormal and 1e30-sized bars against the formula.
    let bars = [(0.0, 2.0), (1.0, 3.0), (1.0, 3.0), (2.5, 0.5), (0.0, 0.0)];
    for p in [0.0, 0.5, 1.0, 3.0, 1e3] {
        for s in [1.0, 1e30, 1e-30] {
            let scaled: Vec<(f64, f64)> = bars.iter().map(|&(b, d)| (b * s, d * s)).collect();
            let sil = Silhouette::new(p, (-s, 4.0 * s), 11).unwrap();
            let got = sil.transform(&dg(&scaled)).unwrap();
            assert_close(
                &got,
                &ref_silhouette(&scaled, p, sil.samples()),
                1e-6,
                "silhouette",
            );
        }
    }
    // Lengths that overflow f64: weights are ratios (finite); the tent at
    // 0 is MAX, beyond f32: a typed error; at the ends 0.
    let d = dg(&[(-MAX, MAX), (0.0, 1.0), (MAX, -MAX)]);
    let sil = Silhouette::new(2.0, (-MAX, MAX), 3).unwrap();
    assert!(matches!(
        sil.transform(&d),
        Err(Error::OutputOverflow { index: 1, .. })
    ));
    let sil = Silhouette::new(2.0, (-MAX, MAX), 2).unwrap();
    assert_eq!(sil.transform(&d).unwrap(), vec![0.0, 0.0]);
    // Many bars near MAX: the weighted sum of tents would overflow f64,
    // the mean does not; still beyond f32.
    let d = dg(&[(0.0, 1.5e308); 4]);
    let sil = Silhouette::new(1.0, (0.0, 1.5e308), 3).unwrap();
    assert!(matches!(
        sil.transform(&d),
        Err(Error::OutputOverflow { index: 1, value }) if value == 0.75e308
    ));
    // Subnormal bars.
    let d = dg(&[(0.0, 4.0 * SUB), (SUB, 3.0 * SUB)]);
    let sil = Silhouette::new(1.0, (0.0, 4.0 * SUB), 5).unwrap();
    assert_eq!(sil.transform(&d).unwrap(), vec![0.0; 5]);
    // Empty, essential only, zero-length only.
    let sil = Silhouette::new(1.0, (0.0, 1.0), 3).unwrap();
    for pairs in [&[][..], &[(0.0, INF)][..], &[(0.5, 0.5), (-0.0, 0.0)][..]] {
        assert_eq!(sil.transform(&dg(pairs)).unwrap(), vec![0.0; 3]);
    }
    // Clamped essential pairs are bars.
    let sil = Silhouette::builder()
        .power(1.0)
        .sample_range(0.0, 2.0)
        .resolution(3)
        .essential(Essential::ClampDeath(2.0))
        .build()
        .unwrap();
    assert_eq!(
        sil.transform(&dg(&[(0.0, INF)])).unwrap(),
        vec![0.0, 1.0, 0.0]
    );
    assert_eq!(
        sil.transform(&dg(&[(0.0, 1.0), (-INF, 1.0)])).unwrap_err(),
        Error::NonFinite { index: 1 }
    );
    assert_eq!(
        sil.transform_into(&dg(&[]), &mut [0.0; 4]).unwrap_err(),
        Error::LengthMismatch {
            expected: 3,
            got: 4
        }
    );
}

// --------------------------------------------------------------- entropy

/// `-sum q ln q` of the lengths given as their logarithms (no overflow).
fn ref_entropy(ln_l: &[f64]) -> f64 {
    let m = ln_l.iter().fold(-INF, |a, &b| a.max(b));
    let ln_total = m + ln_l.iter().map(|x| (x - m).exp()).sum::<f64>().ln();
    -ln_l
        .iter()
        .map(|x| {
            let ln_q = x - ln_total;
            ln_q.exp() * ln_q
        })
        .sum::<f64>()
}

#[test]
fn entropy_parameters() {
    for b in [NAN, 0.0, -2.0, 1.0, INF, -0.0] {
        invalid_param(PersistenceEntropy::builder().base(b).build(), "base");
    }
    for e in [Essential::Keep, Essential::ClampDeath(INF)] {
        invalid_param(
            PersistenceEntropy::builder().essential(e).build(),
            "essential",
        );
        invalid_param(
            EntropySummary::builder()
                .sample_range(0.0, 1.0)
                .resolution(3)
                .essential(e)
                .build(),
            "essential",
        );
    }
    // A base within rounding of 1 is valid and gives a finite value.
    let e = PersistenceEntropy::builder()
        .base(1.0 + f64::EPSILON)
        .build()
        .unwrap();
    let v = e.entropy(&dg(&[(0.0, 1.0), (0.0, 2.0)])).unwrap();
    assert!(v.is_finite() && v > 1e14);
    let e = PersistenceEntropy::builder().base(SUB).build().unwrap();
    assert!(e
        .entropy(&dg(&[(0.0, 1.0), (0.0, 2.0)]))
        .unwrap()
        .is_finite());
}

#[test]
fn entropy_magnitudes() {
    let raw = PersistenceEntropy::new();
    let ln2 = std::f64::consts::LN_2;
    // (bars, the natural logs of their lengths)
    type Case = (Vec<(f64, f64)>, Vec<f64>);
    let cases: Vec<Case> = vec![
        // Lengths that overflow f64 (2 MAX each): ln 2.
        (vec![(-MAX, MAX), (MAX, -MAX)], vec![0.0, 0.0]),
        // Sums that overflow (3 x 1e308).
        (vec![(0.0, 1e308); 3], vec![0.0; 3]),
        // Subnormal lengths.
        (
            vec![(0.0, SUB), (SUB, 2.0 * SUB), (-SUB, 0.0)],
            vec![0.0; 3],
        ),
        // Mixed: 1e308 and 1e-300 (the tiny bar adds ~1e-605).
        (
            vec![(0.0, 1e308), (0.0, 1e-300)],
            vec![1e308f64.ln(), (1e-300f64).ln()],
        ),
        // An overflowing length next to a finite one.
        (
            vec![(-MAX, MAX), (0.0, MAX)],
            vec![(2.0 * (MAX / 2.0)).ln() + ln2, MAX.ln()],
        ),
        // -0.0 and zero-length bars add nothing.
        (
            vec![(-0.0, 1.0), (0.0, 0.0), (0.5, 0.5), (0.0, 3.0)],
            vec![0.0, 3f64.ln()],
        ),
    ];
    for (k, (bars, ln_l)) in cases.iter().enumerate() {
        let got = raw.entropy(&dg(bars)).unwrap();
        let want = ref_entropy(ln_l);
        assert!(
            got.is_finite() && (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "case {k}: {got} vs {want}"
        );
    }
    // LogTotalLength with an overflowing total: E / ln L, ln L from logs.
    let total = PersistenceEntropy::builder().normalization(EntropyNormalization::LogTotalLength);
    let e = total.clone().build().unwrap();
    let got = e.entropy(&dg(&[(0.0, 1e308); 2])).unwrap();
    let want = ln2 / (ln2 + 1e308f64.ln());
    assert!((got - want).abs() <= 1e-12, "{got} vs {want}");
    // L exactly 1, and L within rounding of 1: undefined (not ±1e16).
    for bars in [
        vec![(0.0, 0.5), (0.0, 0.5)],
        vec![(0.3, 0.7), (0.0, 0.6)],
        vec![(0.0, 0.1), (0.0, 0.2), (0.0, 0.7)],
    ] {
        assert_eq!(
            total
                .clone()
                .undefined_value(-7.0)
                .build()
                .unwrap()
                .entropy(&dg(&bars))
                .unwrap(),
            -7.0,
            "{bars:?}"
        );
    }
    // LogBars: one bar, empty, zero-length only: undefined.
    let e = PersistenceEntropy::builder()
        .normalization(EntropyNormalization::LogBars)
        .undefined_value(-1.0)
        .build()
        .unwrap();
    for bars in [
        vec![(0.0, 1e308)],
        vec![],
        vec![(1.0, 1.0)],
        vec![(0.0, INF)],
    ] {
        assert_eq!(e.entropy(&dg(&bars)).unwrap(), -1.0);
    }
    // Two equal overflowing bars: evenness 1.
    assert!((e.entropy(&dg(&[(-MAX, MAX), (-MAX, MAX)])).unwrap() - 1.0).abs() < 1e-15);
    // Errors and the vectorizer.
    assert_eq!(
        raw.entropy(&dg(&[(0.0, 1.0), (0.0, NAN)])).unwrap_err(),
        Error::NonFinite { index: 1 }
    );
    assert_eq!(raw.len(), 1);
    assert_eq!(
        raw.transform_into(&dg(&[]), &mut []).unwrap_err(),
        Error::LengthMismatch {
            expected: 1,
            got: 0
        }
    );
    let v = raw.transform(&dg(&[(-MAX, MAX), (-MAX, MAX)])).unwrap();
    assert!((v[0] as f64 - ln2).abs() < 1e-7);
    // Clamped essential pairs.
    let e = PersistenceEntropy::builder()
        .essential(Essential::ClampDeath(MAX))
        .build()
        .unwrap();
    assert!((e.entropy(&dg(&[(-MAX, INF), (-MAX, MAX)])).unwrap() - ln2).abs() < 1e-15);
}

#[test]
fn entropy_summary_all() {
    let ln2 = std::f64::consts::LN_2;
    assert_eq!(
        EntropySummary::new((0.0, 1.0), 0).unwrap_err(),
        Error::ZeroSize { name: "resolution" }
    );
    invalid_param(EntropySummary::new((0.0, 1.0), 1), "resolution");
    too_large(EntropySummary::new((0.0, 1.0), 1 << 40));
    invalid_range(EntropySummary::new((1.0, 1.0), 3), "sample_range");
    invalid_range(EntropySummary::new((-INF, 1.0), 3), "sample_range");
    // The full range; bars that overflow, are subnormal, or are ties at
    // samples; against b <= t < d and -q ln q.
    let s = EntropySummary::builder()
        .sample_range(-MAX, MAX)
        .resolution(5)
        .normalized(false)
        .build()
        .unwrap();
    let t = s.samples().to_vec();
    assert!(t.iter().all(|v| v.is_finite()));
    // Not at samples (gudhi's index rule decides ties by rounding).
    let bars = [(-MAX, MAX), (0.0, MAX), (MAX / 3.0, -MAX / 3.0)];
    let got = s.transform(&dg(&bars)).unwrap();
    // Halved lengths MAX, MAX / 2, MAX / 3: q = 6/11, 3/11, 2/11.
    let c = |q: f64| -q * q.ln();
    let qs = [6.0 / 11.0, 3.0 / 11.0, 2.0 / 11.0];
    let covers = |(b, d): (f64, f64), x: f64| b.min(d) <= x && x < b.max(d);
    let want: Vec<f64> = t
        .iter()
        .map(|&x| {
            qs.iter()
                .zip(&bars)
                .filter(|(_, &bar)| covers(bar, x))
                .map(|(&q, _)| c(q))
                .sum()
        })
        .collect();
    assert_close(&got, &want, 1e-7, "entropy summary, full range");
    let normed = EntropySummary::new((-MAX, MAX), 5).unwrap();
    let got = normed.transform(&dg(&bars)).unwrap();
    let l1: f64 = want.iter().sum();
    assert_close(
        &got,
        &want.iter().map(|v| v / l1).collect::<Vec<_>>(),
        1e-7,
        "normalised",
    );
    // Subnormal bars on a subnormal range.
    let s = EntropySummary::builder()
        .sample_range(0.0, 4.0 * SUB)
        .resolution(5)
        .normalized(false)
        .build()
        .unwrap();
    let got = s
        .transform(&dg(&[(0.0, 2.0 * SUB), (SUB, 3.0 * SUB)]))
        .unwrap();
    assert_close(
        &got,
        &[ln2 / 2.0, ln2, ln2 / 2.0, 0.0, 0.0],
        1e-7,
        "subnormal",
    );
    // Empty, zero-length only, errors.
    for pairs in [&[][..], &[(0.5, 0.5)][..], &[(0.0, INF)][..]] {
        assert_eq!(normed.transform(&dg(pairs)).unwrap(), vec![0.0; 5]);
    }
    assert_eq!(
        normed.transform(&dg(&[(NAN, 0.0)])).unwrap_err(),
        Error::NonFinite { index: 0 }
    );
    assert_eq!(
        normed.transform_into(&dg(&[]), &mut [0.0; 6]).unwrap_err(),
        Error::LengthMismatch {
            expected: 5,
            got: 6
        }
    );
}

// ------------------------------------------------------------- distances

#[test]
fn distance_errors() {
    let a = dg(&[(0.0, 1.0)]);
    let b1 = Diagram {
        dim: 1,
        pairs: vec![],
    };
    assert_eq!(
        bottleneck(&a, &b1).unwrap_err(),
        Error::DimensionMismatch { left: 0, right: 1 }
    );
    assert_eq!(
        wasserstein(&a, &b1, 2.0).unwrap_err(),
        Error::DimensionMismatch { left: 0, right: 1 }
    );
    for (bad, index) in [
        (dg(&[(NAN, 1.0)]), 0),
        (dg(&[(0.0, 1.0), (INF, INF)]), 1),
        (dg(&[(0.0, NAN)]), 0),
        (dg(&[(0.0, 1.0), (-INF, 0.0)]), 1),
    ] {
        assert_eq!(
            bottleneck(&bad, &a).unwrap_err(),
            Error::NonFinite { index }
        );
        assert_eq!(
            bottleneck(&a, &bad).unwrap_err(),
            Error::NonFinite { index }
        );
        for p in [1.0, 2.0, 3.5, INF] {
            assert_eq!(
                wasserstein(&bad, &a, p).unwrap_err(),
                Error::NonFinite { index }
            );
        }
    }
    for p in [NAN, 0.5, 0.0, -1.0, -INF] {
        invalid_param(wasserstein(&a, &a, p), "p");
        invalid_param(wasserstein_matching(&a, &a, p), "p");
    }
    for q in [NAN, 0.999, -INF] {
        invalid_param(
            Wasserstein::builder().order(1.0).internal_p(q).build(),
            "internal_p",
        );
    }
}

/// Every distance entry point on `(a, b)`.
fn all_distances(a: &Diagram, b: &Diagram) -> Vec<(String, Result<f64, Error>)> {
    let mut v = vec![
        ("bottleneck".to_string(), bottleneck(a, b)),
        (
            "bottleneck_matching".to_string(),
            bottleneck_matching(a, b).map(|m| m.distance),
        ),
    ];
    for p in [1.0, 2.0, 3.5, INF] {
        v.push((format!("wasserstein {p}"), wasserstein(a, b, p)));
        v.push((
            format!("wasserstein_matching {p}"),
            wasserstein_matching(a, b, p).map(|m| m.distance),
        ));
        for q in [1.0, 2.0, INF] {
            let w = Wasserstein::builder()
                .order(p)
                .internal_p(q)
                .build()
                .unwrap();
            v.push((format!("Wasserstein {p} L^{q}"), w.distance(a, b)));
        }
    }
    v
}

#[test]
fn distance_magnitudes() {
    // Empty vs empty; identical diagrams with ties; -0.0.
    for (a, b) in [
        (dg(&[]), dg(&[])),
        (
            dg(&[(0.0, 1.0), (0.0, 1.0), (-0.0, 2.0)]),
            dg(&[(0.0, 2.0), (0.0, 1.0), (0.0, 1.0)]),
        ),
        (
            dg(&[(-MAX, MAX), (0.0, INF)]),
            dg(&[(0.0, INF), (-MAX, MAX)]),
        ),
    ] {
        for (what, r) in all_distances(&a, &b) {
            assert_eq!(r.unwrap(), 0.0, "{what}");
        }
    }
    // (-MAX, MAX) against nothing: diagonal distance 2 MAX * 2^(1/q - 1),
    // i.e. MAX for L^inf, finite; 2 MAX (overflow) for L^1.
    let big = dg(&[(-MAX, MAX)]);
    assert_eq!(bottleneck(&big, &dg(&[])).unwrap(), MAX);
    assert_eq!(wasserstein(&big, &dg(&[]), 1.0).unwrap(), MAX);
    assert_eq!(wasserstein(&dg(&[]), &big, 3.5).unwrap(), MAX);
    let l1 = Wasserstein::builder()
        .order(1.0)
        .internal_p(1.0)
        .build()
        .unwrap();
    assert_eq!(
        l1.distance(&big, &dg(&[])).unwrap_err(),
        Error::OutputOverflow {
            index: 0,
            value: INF
        }
    );
    // Two such bars, W_1: 2 MAX: beyond f64.
    let two = dg(&[(-MAX, MAX), (MAX, -MAX)]);
    assert!(matches!(
        wasserstein(&two, &dg(&[]), 1.0),
        Err(Error::OutputOverflow { .. })
    ));
    // W_2 of the two: sqrt(2) MAX: beyond f64 too; bottleneck: MAX.
    assert!(matches!(
        wasserstein(&two, &dg(&[]), 2.0),
        Err(Error::OutputOverflow { .. })
    ));
    assert_eq!(bottleneck(&two, &dg(&[])).unwrap(), MAX);
    // Essential births -MAX and MAX: 2 MAX apart, beyond f64.
    for (what, r) in all_distances(&dg(&[(-MAX, INF)]), &dg(&[(MAX, INF)])) {
        assert_eq!(
            r.unwrap_err(),
            Error::OutputOverflow {
                index: 0,
                value: INF
            },
            "{what}"
        );
    }
    // Different numbers of essential pairs: +inf, documented.
    for (what, r) in all_distances(&dg(&[(0.0, INF)]), &dg(&[])) {
        assert_eq!(r.unwrap(), INF, "{what}");
    }
    // Subnormal coordinates (multiples of SUB, so halves are exact).
    let (a, b) = (dg(&[(0.0, 8.0 * SUB)]), dg(&[(0.0, 16.0 * SUB)]));
    for (what, r) in all_distances(&a, &b) {
        let d = r.unwrap();
        assert!(d > 0.0 && d <= 16.0 * SUB, "{what}: {d:e}");
    }
    assert_eq!(bottleneck(&a, &b).unwrap(), 8.0 * SUB);
    assert_eq!(wasserstein(&a, &b, 2.0).unwrap(), 8.0 * SUB);
    // Mixed scales in one diagram: the optimum is made of tiny costs while
    // a huge one is elsewhere (dividing by the largest cost underflowed
    // every tiny term to 0): W_p = 1e-100 exactly.
    let a = dg(&[(0.0, 1e200), (0.0, 1e-100)]);
    let b = dg(&[(0.0, 1e200), (0.0, 2e-100)]);
    for p in [1.0, 2.0, 3.5, 50.0] {
        let d = wasserstein(&a, &b, p).unwrap();
        assert!((d - 1e-100).abs() <= 1e-112, "p = {p}: {d:e}");
    }
    // A huge order: W_p tends to the bottleneck distance.
    let a = dg(&[(0.0, 4.0), (1.0, 1.5), (0.0, 1.0)]);
    let b = dg(&[(0.5, 3.0), (0.0, 1.25)]);
    let w = wasserstein(&a, &b, 1e6).unwrap();
    let bn = bottleneck(&a, &b).unwrap();
    assert!(w >= bn && w <= bn * (1.0 + 1e-5), "{w} vs {bn}");
    let w = wasserstein(&a, &b, MAX).unwrap();
    assert!(w >= bn && w <= bn * (1.0 + 1e-12), "{w} vs {bn}");
}

#[test]
fn distance_sizes() {
    // Two 10^5-point diagrams of overlapping points: the bottleneck graph
    // would hold ~10^10 edges (640 GB): refused at once, from box counts.
    let n = 100_000;
    let pts = |shift: f64| -> Diagram {
        dg(&(0..n)
            .map(|i| {
                let x = (i as f64 * 0.618_033_988_7).fract() * 1e-3 + shift;
                (x, 1.0 + x)
            })
            .collect::<Vec<_>>())
    };
    let (a, b) = (pts(0.0), pts(1e-4));
    let m = too_large(bottleneck(&a, &b));
    assert!(m.estimated_bytes >= 640_000_000_000, "{m:?}");
    too_large(bottleneck_matching(&a, &b));
    // Wasserstein: the 10^5 x 10^5 cost matrix (8e10 bytes) is refused.
    for p in [1.0, 2.0] {
        let m = too_large(wasserstein(&a, &b, p));
        assert_eq!(m.what, "Wasserstein cost matrix");
    }
    // Far apart (no edge kept): computed, every point to the diagonal.
    let far = dg(&(0..n)
        .map(|i| {
            let x = i as f64 * 10.0;
            (x, x + 1.0)
        })
        .collect::<Vec<_>>());
    let far2 = dg(&(0..n)
        .map(|i| {
            let x = i as f64 * 10.0 + 5.0;
            (x, x + 2.0)
        })
        .collect::<Vec<_>>());
    assert_eq!(bottleneck(&far, &far2).unwrap(), 1.0);
}

// ------------------------------------------------------ Vectorizer trait

#[test]
fn vectorizer_trait_objects() {
    let all: Vec<Box<dyn Vectorizer>> = vec![
        Box::new(PersistenceImage::pinet_signal()),
        Box::new(BettiCurve::new((-MAX, MAX), 4).unwrap()),
        Box::new(Landscape::new(2, (0.0, 1.0), 4).unwrap()),
        Box::new(Silhouette::new(1.0, (0.0, 1.0), 4).unwrap()),
        Box::new(PersistenceEntropy::new()),
        Box::new(EntropySummary::new((0.0, 1.0), 4).unwrap()),
    ];
    for v in &all {
        assert!(!v.is_empty());
        let d = dg(&[(0.1, 0.6), (0.2, INF), (-0.0, 0.3)]);
        let one = v.transform(&d).unwrap();
        assert_eq!(one.len(), v.len());
        assert!(one.iter().all(|x| x.is_finite()));
        let batch = v.transform_batch(&[d.clone(), dg(&[]), d.clone()]).unwrap();
        assert_eq!(batch.row(0).to_vec(), one);
        assert_eq!(batch.row(2).to_vec(), one);
        assert_eq!(
            v.transform_batch(&[d.clone(), dg(&[(NAN, 0.0)]), dg(&[(0.0, NAN)])])
                .unwrap_err(),
            Error::NonFinite { index: 0 }
        );
        let mut out = vec![0.0; v.len() + 1];
        assert!(matches!(
            v.transform_into(&d, &mut out),
            Err(Error::LengthMismatch { .. })
        ));
    }
}
