//! One test per error variant.

use tda_persistence::{Diagram, PersistencePair};
use tda_vectorize::{
    BettiCurve, EntropySummary, Error, Essential, Grid, Landscape, PersistenceEntropy,
    PersistenceImage, Result, Silhouette, Vectorizer, Wasserstein, Weight,
};

#[test]
fn invalid_sigma() {
    for s in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = PersistenceImage::builder().sigma(s).build().unwrap_err();
        assert!(matches!(e, Error::InvalidSigma { sigma } if sigma.to_bits() == s.to_bits()));
    }
}

#[test]
fn invalid_range() {
    let e = PersistenceImage::builder()
        .birth_range(1.0, 1.0)
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        Error::InvalidRange {
            name: "birth_range",
            start: 1.0,
            end: 1.0
        }
    );
    let e = PersistenceImage::builder()
        .pers_range(2.0, 1.0)
        .build()
        .unwrap_err();
    assert!(matches!(
        e,
        Error::InvalidRange {
            name: "pers_range",
            ..
        }
    ));
    let e = BettiCurve::new((0.0, f64::INFINITY), 10).unwrap_err();
    assert!(matches!(
        e,
        Error::InvalidRange {
            name: "sample_range",
            ..
        }
    ));
    let e = Landscape::new(1, (3.0, 0.0), 10).unwrap_err();
    assert!(matches!(
        e,
        Error::InvalidRange {
            name: "sample_range",
            ..
        }
    ));
}

#[test]
fn zero_size() {
    let e = PersistenceImage::builder()
        .resolution(0, 5)
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        Error::ZeroSize {
            name: "resolution.0"
        }
    );
    let e = BettiCurve::new((0.0, 1.0), 0).unwrap_err();
    assert_eq!(e, Error::ZeroSize { name: "resolution" });
    let e = Landscape::new(0, (0.0, 1.0), 5).unwrap_err();
    assert_eq!(
        e,
        Error::ZeroSize {
            name: "num_landscapes"
        }
    );
}

#[test]
fn invalid_parameter() {
    let b = PersistenceImage::builder;
    let cases = [
        b().weight(Weight::Power(-1.0)).build(),
        b().weight(Weight::LinearRamp {
            low: 0.0,
            high: 1.0,
            start: 1.0,
            end: 1.0,
        })
        .build(),
        b().essential(Essential::Keep).build(),
        b().essential(Essential::ClampDeath(f64::NAN)).build(),
        b().min_persistence(-0.1).build(),
        b().grid(Grid::LegacyPersImage)
            .birth_range(-2.0, -1.0)
            .build(),
    ];
    for r in cases {
        assert!(matches!(r, Err(Error::InvalidParameter { .. })), "{r:?}");
    }
    let e = BettiCurve::builder()
        .sample_range(0.0, 1.0)
        .resolution(3)
        .essential(Essential::ClampDeath(f64::INFINITY))
        .build()
        .unwrap_err();
    assert!(matches!(
        e,
        Error::InvalidParameter {
            name: "essential",
            ..
        }
    ));
}

#[test]
fn non_finite() {
    let d = Diagram {
        dim: 0,
        pairs: vec![
            PersistencePair::new(0.0, 1.0),
            PersistencePair::new(0.5, f64::INFINITY),
            PersistencePair::new(f64::NAN, 1.0),
        ],
    };
    let pi = PersistenceImage::builder().build().unwrap();
    assert_eq!(pi.transform(&d).unwrap_err(), Error::NonFinite { index: 2 });
    let nan_death = Diagram {
        dim: 0,
        pairs: vec![PersistencePair::new(0.0, f64::NAN)],
    };
    let betti = BettiCurve::new((0.0, 1.0), 3).unwrap();
    assert_eq!(
        betti.transform(&nan_death).unwrap_err(),
        Error::NonFinite { index: 0 }
    );
    let land = Landscape::new(1, (0.0, 1.0), 3).unwrap();
    let batch = [Diagram::default(), d];
    assert_eq!(
        land.transform_batch(&batch).unwrap_err(),
        Error::NonFinite { index: 2 }
    );
}

#[test]
fn length_mismatch() {
    let pi = PersistenceImage::builder()
        .resolution(3, 4)
        .build()
        .unwrap();
    let mut out = vec![0.0; 11];
    assert_eq!(
        pi.transform_into(&Diagram::default(), &mut out)
            .unwrap_err(),
        Error::LengthMismatch {
            expected: 12,
            got: 11
        }
    );
}

/// The parameter an error names (`InvalidSigma` names sigma by its
/// variant).
fn named(e: &Error) -> Option<&'static str> {
    match e {
        Error::InvalidSigma { .. } => Some("sigma"),
        Error::InvalidRange { name, .. }
        | Error::ZeroSize { name }
        | Error::InvalidParameter { name, .. }
        | Error::CannotFit { name, .. } => Some(name),
        _ => None,
    }
}

/// Every impossible parameter of every builder is refused by `build()`,
/// with an error naming it as the setter spells it: one row per parameter
/// (and per way of being impossible).
#[test]
fn build_names_every_impossible_parameter() {
    fn row<T: std::fmt::Debug>(r: Result<T>) -> Error {
        r.map(drop).unwrap_err()
    }
    let pi = PersistenceImage::builder;
    let legacy = || PersistenceImage::builder().grid(Grid::LegacyPersImage);
    let betti = || BettiCurve::builder().sample_range(0.0, 1.0);
    let land = || Landscape::builder().sample_range(0.0, 1.0);
    let sil = || Silhouette::builder().sample_range(0.0, 1.0);
    let es = || EntropySummary::builder().sample_range(0.0, 1.0);
    let ent = PersistenceEntropy::builder;
    let wass = Wasserstein::builder;
    let big = f64::MAX;
    let rows: Vec<(&str, Error, &str)> = vec![
        // PersistenceImage
        ("PI sigma 0", row(pi().sigma(0.0).build()), "sigma"),
        ("PI sigma NaN", row(pi().sigma(f64::NAN).build()), "sigma"),
        ("PI sigma huge", row(pi().sigma(big).build()), "sigma"),
        (
            "PI sigma over 1e100 pixels",
            row(pi().resolution(1000, 1).sigma(1e100).build()),
            "sigma",
        ),
        (
            "PI nx 0",
            row(pi().resolution(0, 3).build()),
            "resolution.0",
        ),
        (
            "PI ny 0",
            row(pi().resolution(3, 0).build()),
            "resolution.1",
        ),
        (
            "PI birth empty",
            row(pi().birth_range(1.0, 1.0).build()),
            "birth_range",
        ),
        (
            "PI birth infinite",
            row(pi().birth_range(0.0, f64::INFINITY).build()),
            "birth_range",
        ),
        (
            "PI birth width overflows",
            row(pi().birth_range(-big, big).build()),
            "birth_range",
        ),
        (
            "PI pers inverted",
            row(pi().pers_range(2.0, 1.0).build()),
            "pers_range",
        ),
        (
            "PI pers width overflows",
            row(pi().pers_range(-big, big).build()),
            "pers_range",
        ),
        ("PI fit nothing", row(pi().fit(&[]).build()), "birth_range"),
        (
            "PI fit one persistence",
            row(pi()
                .fit(&[Diagram::new(
                    0,
                    vec![
                        PersistencePair::new(0.0, 1.0),
                        PersistencePair::new(1.0, 2.0),
                    ],
                )])
                .build()),
            "pers_range",
        ),
        (
            "PI legacy maxBD",
            row(legacy().birth_range(-2.0, 0.0).build()),
            "birth_range.1",
        ),
        (
            "PI weight",
            row(pi().weight(Weight::Power(0.0)).build()),
            "weight",
        ),
        (
            "PI essential Keep",
            row(pi().essential(Essential::Keep).build()),
            "essential",
        ),
        (
            "PI essential clamp",
            row(pi().essential(Essential::ClampDeath(f64::NAN)).build()),
            "essential",
        ),
        (
            "PI min_persistence",
            row(pi().min_persistence(f64::INFINITY).build()),
            "min_persistence",
        ),
        // BettiCurve
        (
            "Betti range unset",
            row(BettiCurve::builder().build()),
            "sample_range",
        ),
        (
            "Betti range inverted",
            row(betti().sample_range(1.0, 0.0).build()),
            "sample_range",
        ),
        (
            "Betti fit nothing",
            row(betti().fit(&[]).build()),
            "sample_range",
        ),
        (
            "Betti resolution",
            row(betti().resolution(0).build()),
            "resolution",
        ),
        (
            "Betti essential",
            row(betti()
                .essential(Essential::ClampDeath(f64::INFINITY))
                .build()),
            "essential",
        ),
        // Landscape
        (
            "Landscape num_landscapes",
            row(land().num_landscapes(0).build()),
            "num_landscapes",
        ),
        (
            "Landscape range unset",
            row(Landscape::builder().build()),
            "sample_range",
        ),
        (
            "Landscape resolution",
            row(land().resolution(0).build()),
            "resolution",
        ),
        (
            "Landscape essential",
            row(land()
                .essential(Essential::ClampDeath(-f64::INFINITY))
                .build()),
            "essential",
        ),
        // Silhouette
        ("Silhouette power", row(sil().power(-1.0).build()), "power"),
        (
            "Silhouette range unset",
            row(Silhouette::builder().build()),
            "sample_range",
        ),
        (
            "Silhouette resolution",
            row(sil().resolution(0).build()),
            "resolution",
        ),
        (
            "Silhouette essential",
            row(sil().essential(Essential::Keep).build()),
            "essential",
        ),
        // PersistenceEntropy
        ("Entropy base", row(ent().base(1.0).build()), "base"),
        (
            "Entropy essential",
            row(ent().essential(Essential::Keep).build()),
            "essential",
        ),
        // EntropySummary
        (
            "Summary range unset",
            row(EntropySummary::builder().build()),
            "sample_range",
        ),
        (
            "Summary resolution 0",
            row(es().resolution(0).build()),
            "resolution",
        ),
        (
            "Summary resolution 1",
            row(es().resolution(1).build()),
            "resolution",
        ),
        (
            "Summary essential",
            row(es().essential(Essential::Keep).build()),
            "essential",
        ),
        // Wasserstein
        ("Wasserstein order", row(wass().order(0.5).build()), "p"),
        (
            "Wasserstein internal_p",
            row(wass().internal_p(f64::NAN).build()),
            "internal_p",
        ),
    ];
    for (what, e, name) in &rows {
        assert_eq!(named(e), Some(*name), "{what}: {e:?}");
        assert!(e.to_string().contains(name), "{what}: {e}");
    }
    // The defaults build (but for the required sample ranges, unset).
    PersistenceImage::builder().build().unwrap();
    PersistenceEntropy::builder().build().unwrap();
    Wasserstein::builder().build().unwrap();
    betti().build().unwrap();
    land().build().unwrap();
    sil().build().unwrap();
    es().build().unwrap();
}
