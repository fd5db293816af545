//! One test per error variant.

use tda_persistence::{Diagram, PersistencePair};
use tda_vectorize::{
    BettiCurve, Error, Essential, Grid, Landscape, PersistenceImage, Vectorizer, Weight,
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
