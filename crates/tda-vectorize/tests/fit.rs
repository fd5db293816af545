//! The builders' `fit` against persim's and gudhi's, on fixtures written by
//! `tools/gen_fit_fixtures.py`: fitted ranges (exactly) and the vectors
//! they give; and what `fit` does with essential pairs, NaN and diagrams
//! that cannot give a range.

mod common;

use common::{assert_close, diagram, f, fixture_diagram, load, pair2};
use serde_json::Value;
use tda_persistence::Diagram;
use tda_vectorize::{
    BettiCurve, EntropySummary, Error, Essential, Grid, Landscape, PersistenceImage, Silhouette,
    Vectorizer,
};

fn usize2(v: &Value) -> (usize, usize) {
    let u = |x: &Value| x.as_u64().expect("integer") as usize;
    (u(&v[0]), u(&v[1]))
}

fn diagrams(v: &Value) -> Vec<Diagram> {
    v.as_array()
        .expect("diagrams")
        .iter()
        .map(fixture_diagram)
        .collect()
}

fn vectors(v: &Value) -> Vec<Vec<f64>> {
    v.as_array()
        .expect("vectors")
        .iter()
        .map(|row| row.as_array().expect("vector").iter().map(f).collect())
        .collect()
}

fn assert_rows_close(got: &ndarray::Array2<f32>, want: &[Vec<f64>], what: &str) {
    assert_eq!(got.nrows(), want.len(), "{what}: rows");
    for (r, (row, want)) in got.rows().into_iter().zip(want).enumerate() {
        let row: Vec<f32> = row.to_vec();
        assert_close(&row, want, &format!("{what}, diagram {r}"));
    }
}

fn cases(kind: &str) -> Vec<Value> {
    let all: Vec<Value> = load("fit.json")
        .into_iter()
        .filter(|c| c["kind"] == kind)
        .collect();
    assert!(!all.is_empty(), "no {kind} cases");
    all
}

/// persim's padding of a fitted range to whole pixels of side `px`, as
/// `PersistenceImager`'s setters do it (`ceil(width / px) * px`, centred).
fn persim_pad((lo, hi): (f64, f64), px: f64) -> (f64, f64) {
    let width = ((hi - lo) / px).ceil() * px;
    let pad = width - (hi - lo);
    (lo - pad / 2.0, hi + pad / 2.0)
}

#[test]
fn image_fit_equals_persim_and_gudhi_exactly() {
    // Dyadic data, pixel size 1/8: persim pads nothing, so its fitted grid
    // is ours.
    for (c, case) in cases("image_exact").iter().enumerate() {
        let ds = diagrams(&case["diagrams"]);
        let (nx, ny) = usize2(&case["persim_resolution"]);
        let pi = PersistenceImage::builder()
            .fit(&ds)
            .resolution(nx, ny)
            .sigma(f(&case["sigma"]))
            .build()
            .unwrap();
        let g = &case["gudhi_im_range"];
        assert_eq!(pi.birth_range(), (f(&g[0]), f(&g[1])), "case {c}");
        assert_eq!(pi.pers_range(), (f(&g[2]), f(&g[3])), "case {c}");
        assert_eq!(pi.birth_range(), pair2(&case["persim_birth_range"]));
        assert_eq!(pi.pers_range(), pair2(&case["persim_pers_range"]));
        let got = pi.transform_batch(&ds).unwrap();
        assert_rows_close(&got, &vectors(&case["expected"]), &format!("exact {c}"));
    }
}

#[test]
fn image_fit_is_persim_before_its_padding() {
    for (c, case) in cases("image_padded").iter().enumerate() {
        let ds = diagrams(&case["diagrams"]);
        let sigma = f(&case["sigma"]);
        let px = f(&case["pixel_size"]);
        let fitted = PersistenceImage::builder()
            .fit(&ds)
            .sigma(sigma)
            .build()
            .unwrap();
        // gudhi's im_range exactly.
        let g = &case["gudhi_im_range"];
        assert_eq!(fitted.birth_range(), (f(&g[0]), f(&g[1])), "case {c}");
        assert_eq!(fitted.pers_range(), (f(&g[2]), f(&g[3])), "case {c}");
        // persim's ranges are ours widened to whole pixels, and its images
        // are ours on that grid.
        let (b, p) = (
            persim_pad(fitted.birth_range(), px),
            persim_pad(fitted.pers_range(), px),
        );
        let (pb, pp) = (
            pair2(&case["persim_birth_range"]),
            pair2(&case["persim_pers_range"]),
        );
        for (ours, theirs) in [(b.0, pb.0), (b.1, pb.1), (p.0, pp.0), (p.1, pp.1)] {
            assert!(
                (ours - theirs).abs() <= 1e-12,
                "case {c}: {ours} vs {theirs}"
            );
        }
        let (nx, ny) = usize2(&case["persim_resolution"]);
        let pi = PersistenceImage::builder()
            .birth_range(pb.0, pb.1)
            .pers_range(pp.0, pp.1)
            .resolution(nx, ny)
            .sigma(sigma)
            .build()
            .unwrap();
        let got = pi.transform_batch(&ds).unwrap();
        assert_rows_close(&got, &vectors(&case["expected"]), &format!("padded {c}"));
    }
}

#[test]
fn legacy_image_fit_equals_persimage_automatic_specs() {
    for (c, case) in cases("image_legacy").iter().enumerate() {
        let ds = diagrams(&case["diagrams"]);
        let (nx, ny) = usize2(&case["resolution"]);
        // fit before grid: the ranges follow the grid chosen at build.
        let pi = PersistenceImage::builder()
            .fit(&ds)
            .grid(Grid::LegacyPersImage)
            .resolution(nx, ny)
            .sigma(f(&case["sigma"]))
            .build()
            .unwrap();
        assert_eq!(pi.birth_range(), pair2(&case["persim_specs"]), "case {c}");
        let got = pi.transform_batch(&ds).unwrap();
        assert_rows_close(&got, &vectors(&case["expected"]), &format!("legacy {c}"));
    }
}

/// The vectors of every diagram under one curve built with `fit` (and
/// `resolution` samples), and its sample range and samples.
fn fitted_curve(
    kind: &str,
    res: &Value,
    ds: &[Diagram],
    resolution: usize,
) -> ((f64, f64), Vec<f64>, ndarray::Array2<f32>) {
    macro_rules! run {
        ($built:expr) => {{
            let v = $built.build().unwrap();
            (
                v.sample_range(),
                v.samples().to_vec(),
                v.transform_batch(ds).unwrap(),
            )
        }};
    }
    match kind {
        "landscape" => run!(Landscape::builder()
            .num_landscapes(res["num_landscapes"].as_u64().unwrap() as usize)
            .resolution(resolution)
            .fit(ds)),
        "betti" => run!(BettiCurve::builder().fit(ds).resolution(resolution)),
        "silhouette" => run!(Silhouette::builder()
            .power(f(&res["power"]))
            .fit(ds)
            .resolution(resolution)),
        "entropy_summary" => run!(EntropySummary::builder().fit(ds).resolution(resolution)),
        other => panic!("unknown curve {other}"),
    }
}

#[test]
fn curve_fit_equals_gudhi() {
    let mut checked = 0;
    for (c, case) in cases("curves").iter().enumerate() {
        let ds = diagrams(&case["diagrams"]);
        for res in case["results"].as_array().unwrap() {
            let kind = res["curve"].as_str().unwrap();
            let n = res["resolution"].as_u64().unwrap() as usize;
            let keep = res["keep_endpoints"].as_bool().unwrap();
            let what = format!("case {c} {kind} n {n} keep_endpoints {keep}");
            let want = vectors(&res["expected"]);
            let grid: Vec<f64> = res["grid"].as_array().unwrap().iter().map(f).collect();
            if keep {
                let (range, samples, got) = fitted_curve(kind, res, &ds, n);
                assert_eq!(range, pair2(&res["sample_range"]), "{what}");
                assert_eq!(samples, grid, "{what}");
                assert_rows_close(&got, &want, &what);
            } else {
                // gudhi's default: n + 2 samples without the ends (the
                // entropy summary keeps the first n values).
                let (range, samples, got) = fitted_curve(kind, res, &ds, n + 2);
                assert_eq!(range, pair2(&res["sample_range"]), "{what}");
                assert_eq!(&samples[1..=n], &grid[..], "{what}");
                let k = got.ncols() / (n + 2);
                let keep_cols: Vec<usize> = (0..k)
                    .flat_map(|j| {
                        let first = if kind == "entropy_summary" { 0 } else { 1 };
                        (first..first + n).map(move |i| j * (n + 2) + i)
                    })
                    .collect();
                let got = got.select(ndarray::Axis(1), &keep_cols);
                if kind == "entropy_summary" {
                    // gudhi normalises its n values, not the n + 2.
                    let renorm = |row: &[f32]| {
                        let s: f64 = row.iter().map(|&v| (v as f64).abs()).sum();
                        row.iter()
                            .map(|&v| (v as f64 / s) as f32)
                            .collect::<Vec<_>>()
                    };
                    for (r, (row, want)) in got.rows().into_iter().zip(&want).enumerate() {
                        let row = renorm(&row.to_vec());
                        assert_close(&row, want, &format!("{what}, diagram {r}"));
                    }
                } else {
                    assert_rows_close(&got, &want, &what);
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * 16);
}

#[test]
fn fit_leaves_out_essential_and_nan_pairs() {
    let ds = [
        diagram(&[(1.0, 2.0), (-5.0, f64::INFINITY), (f64::NAN, 9.0)]),
        diagram(&[(0.5, 3.0), (2.0, f64::NAN), (7.0, f64::NEG_INFINITY)]),
    ];
    // Whatever the essential policy.
    for policy in [
        Essential::Drop,
        Essential::Keep,
        Essential::ClampDeath(10.0),
    ] {
        let b = BettiCurve::builder()
            .essential(policy)
            .fit(&ds)
            .resolution(6)
            .build()
            .unwrap();
        assert_eq!(b.sample_range(), (0.5, 3.0));
    }
    let pi = PersistenceImage::builder()
        .essential(Essential::ClampDeath(10.0))
        .fit(&ds)
        .build()
        .unwrap();
    assert_eq!(pi.birth_range(), (0.5, 1.0));
    assert_eq!(pi.pers_range(), (1.0, 2.5));
    // Superlevel pairs are intervals (min, max), as in the transforms.
    let l = Landscape::builder()
        .fit(&[diagram(&[(3.0, 1.0), (2.0, 4.0)])])
        .build()
        .unwrap();
    assert_eq!(l.sample_range(), (1.0, 4.0));
}

#[test]
fn later_settings_replace_a_fit() {
    let ds = [diagram(&[(0.0, 2.0), (1.0, 5.0)])];
    let b = BettiCurve::builder()
        .fit(&ds)
        .sample_range(-1.0, 1.0)
        .resolution(3)
        .build()
        .unwrap();
    assert_eq!(b.sample_range(), (-1.0, 1.0));
    let b = BettiCurve::builder()
        .sample_range(-1.0, 1.0)
        .fit(&ds)
        .resolution(3)
        .build()
        .unwrap();
    assert_eq!(b.sample_range(), (0.0, 5.0));
    // An explicit birth range after the fit; the persistence range stays fitted.
    let pi = PersistenceImage::builder()
        .fit(&ds)
        .birth_range(-2.0, 2.0)
        .build()
        .unwrap();
    assert_eq!(
        (pi.birth_range(), pi.pers_range()),
        ((-2.0, 2.0), (2.0, 4.0))
    );
    // On the legacy grid, fit or not, pers_range is not used.
    let pi = PersistenceImage::builder()
        .grid(Grid::LegacyPersImage)
        .fit(&[])
        .birth_range(0.0, 1.0)
        .build()
        .unwrap();
    assert_eq!(pi.birth_range(), (0.0, 1.0));
}

#[test]
fn fit_without_a_range_is_a_typed_error() {
    let no_finite = [diagram(&[(0.0, f64::INFINITY)]), diagram(&[])];
    let one_point = [diagram(&[(1.0, 1.0)]), diagram(&[(1.0, 1.0)])];
    let same_birth = [diagram(&[(0.0, 1.0), (0.0, 3.0)])];
    let same_pers = [diagram(&[(0.0, 1.0), (2.0, 3.0)])];
    let cannot = |r: Result<(), Error>, name: &str| match r {
        Err(Error::CannotFit { name: n, .. }) => assert_eq!(n, name),
        other => panic!("{name}: {other:?}"),
    };
    for ds in [&no_finite[..], &one_point[..], &[]] {
        cannot(
            BettiCurve::builder().fit(ds).build().map(drop),
            "sample_range",
        );
        cannot(
            Landscape::builder().fit(ds).build().map(drop),
            "sample_range",
        );
        cannot(
            Silhouette::builder().fit(ds).build().map(drop),
            "sample_range",
        );
        cannot(
            EntropySummary::builder().fit(ds).build().map(drop),
            "sample_range",
        );
    }
    // A single value with a single sample is a valid grid, as when given.
    let b = BettiCurve::builder()
        .fit(&one_point)
        .resolution(1)
        .build()
        .unwrap();
    assert_eq!(b.samples(), &[1.0]);
    let pi = || PersistenceImage::builder();
    for ds in [&no_finite[..], &[]] {
        cannot(pi().fit(ds).build().map(drop), "birth_range");
        cannot(
            pi().grid(Grid::LegacyPersImage).fit(ds).build().map(drop),
            "birth_range",
        );
    }
    cannot(pi().fit(&same_birth).build().map(drop), "birth_range");
    cannot(pi().fit(&same_pers).build().map(drop), "pers_range");
    // Legacy: maxBD = max(0, max birth, max persistence) must be > 0.
    cannot(
        pi().grid(Grid::LegacyPersImage)
            .fit(&[diagram(&[(-1.0, -1.0)])])
            .build()
            .map(drop),
        "birth_range",
    );
    // The message names the range.
    let e = pi().fit(&no_finite).build().unwrap_err();
    assert!(e.to_string().contains("`birth_range`"), "{e}");
}
