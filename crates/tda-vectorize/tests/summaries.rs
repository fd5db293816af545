//! Silhouettes, persistent entropy and the entropy summary function:
//! agreement with gudhi (fixtures written by `tools/gen_vectorize_fixtures.py`),
//! naive f64 references on random diagrams, closed forms, essential policies
//! and one test per error variant.

mod common;

use common::{assert_close, diagram, expected, f, fixture_diagram, linspace, load, pair2};
use proptest::prelude::*;
use serde_json::Value;
use tda_persistence::Diagram;
use tda_vectorize::{
    EntropyNormalization, EntropySummary, Error, Essential, PersistenceEntropy, Silhouette,
    Vectorizer,
};

// ---------------------------------------------------------------- helpers

fn essential(v: &Value) -> Essential {
    match v.as_str() {
        Some("drop") => Essential::Drop,
        Some(other) => panic!("unknown essential policy {other}"),
        None => Essential::ClampDeath(f(v)),
    }
}

/// The finite bars `(lo, hi)` of `d` under a Drop/ClampDeath policy.
fn bars(d: &Diagram, policy: Essential) -> Vec<(f64, f64)> {
    d.pairs
        .iter()
        .filter_map(|p| {
            let death = if p.death.is_infinite() {
                match policy {
                    Essential::ClampDeath(v) => v,
                    _ => return None,
                }
            } else {
                p.death
            };
            Some((p.birth.min(death), p.birth.max(death)))
        })
        .collect()
}

// ---------------------------------------------------------- naive references

/// phi_p(t) = sum_j l_j^p tent_j(t) / sum_j l_j^p, straight from the formula.
fn naive_silhouette(bars: &[(f64, f64)], p: f64, t: &[f64]) -> Vec<f64> {
    let w: Vec<f64> = bars.iter().map(|&(lo, hi)| (hi - lo).powf(p)).collect();
    let total: f64 = w.iter().sum();
    t.iter()
        .map(|&t| {
            if total == 0.0 {
                return 0.0;
            }
            bars.iter()
                .zip(&w)
                .map(|(&(lo, hi), &w)| w * (t - lo).min(hi - t).max(0.0))
                .sum::<f64>()
                / total
        })
        .collect()
}

/// -sum q ln q over positive lengths (natural log), and (n, L).
fn naive_entropy(bars: &[(f64, f64)]) -> (f64, usize, f64) {
    let l: Vec<f64> = bars
        .iter()
        .map(|&(lo, hi)| hi - lo)
        .filter(|&l| l > 0.0)
        .collect();
    let total: f64 = l.iter().sum();
    let h = -l
        .iter()
        .map(|&x| (x / total) * (x / total).ln())
        .sum::<f64>();
    (h, l.len(), total)
}

/// S(t_i) = -sum_{lo <= t_i < hi} q ln q, optionally L1-normalised.
fn naive_summary(bars: &[(f64, f64)], t: &[f64], normalized: bool) -> Vec<f64> {
    let total: f64 = bars.iter().map(|&(lo, hi)| hi - lo).sum();
    let mut s: Vec<f64> = t
        .iter()
        .map(|&t| {
            bars.iter()
                .filter(|&&(lo, hi)| hi > lo && lo <= t && t < hi)
                .map(|&(lo, hi)| {
                    let q = (hi - lo) / total;
                    -q * q.ln()
                })
                .sum()
        })
        .collect();
    let norm: f64 = s.iter().map(|v| v.abs()).sum();
    if normalized && norm > 0.0 {
        s.iter_mut().for_each(|v| *v /= norm);
    }
    s
}

// ---------------------------------------------------------------- fixtures

#[test]
fn gudhi_silhouette() {
    let cases: Vec<Value> = load("gudhi_summaries.json")
        .into_iter()
        .filter(|c| c["kind"] == "silhouette")
        .collect();
    assert!(cases.len() >= 70);
    for (i, c) in cases.iter().enumerate() {
        let res = c["resolution"].as_u64().unwrap() as usize;
        let (r0, r1) = pair2(&c["sample_range"]);
        let sil = Silhouette::builder()
            .power(f(&c["power"]))
            .sample_range(r0, r1)
            .resolution(res)
            .essential(essential(&c["essential"]))
            .build()
            .unwrap();
        let got = sil.transform(&fixture_diagram(&c["diagram"])).unwrap();
        assert_close(
            &got,
            &expected(&c["expected"]),
            &format!("silhouette case {i}"),
        );
    }
}

#[test]
fn gudhi_entropy_scalar() {
    let cases: Vec<Value> = load("gudhi_summaries.json")
        .into_iter()
        .filter(|c| c["kind"] == "entropy")
        .collect();
    assert!(cases.len() >= 8);
    for (i, c) in cases.iter().enumerate() {
        let e = PersistenceEntropy::builder()
            .essential(essential(&c["essential"]))
            .build()
            .unwrap();
        let got = e.transform(&fixture_diagram(&c["diagram"])).unwrap();
        assert_close(
            &got,
            &expected(&c["expected"]),
            &format!("entropy case {i}"),
        );
    }
}

#[test]
fn giotto_entropy_formula() {
    let cases: Vec<Value> = load("gudhi_summaries.json")
        .into_iter()
        .filter(|c| c["kind"] == "giotto_formula")
        .collect();
    assert!(cases.len() >= 10);
    for (i, c) in cases.iter().enumerate() {
        let mut e = PersistenceEntropy::builder().base(2.0);
        if c["normalize"].as_bool().unwrap() {
            e = e.normalization(EntropyNormalization::LogTotalLength);
        }
        let e = e.build().unwrap();
        let got = e.transform(&fixture_diagram(&c["diagram"])).unwrap();
        assert_close(&got, &expected(&c["expected"]), &format!("giotto case {i}"));
    }
}

#[test]
fn gudhi_entropy_summary() {
    let cases: Vec<Value> = load("gudhi_summaries.json")
        .into_iter()
        .filter(|c| c["kind"] == "entropy_summary")
        .collect();
    assert!(cases.len() >= 30);
    for (i, c) in cases.iter().enumerate() {
        let res = c["resolution"].as_u64().unwrap() as usize;
        let (r0, r1) = pair2(&c["sample_range"]);
        let es = EntropySummary::builder()
            .sample_range(r0, r1)
            .resolution(res)
            .normalized(c["normalized"].as_bool().unwrap())
            .essential(essential(&c["essential"]))
            .build()
            .unwrap();
        let got = es.transform(&fixture_diagram(&c["diagram"])).unwrap();
        assert_close(
            &got,
            &expected(&c["expected"]),
            &format!("summary case {i}"),
        );
    }
}

// ---------------------------------------------------------------- proptests

/// Pairs on multiples of 0.25 (ties with the samples, duplicates, zero
/// lengths) or smooth, some superlevel (d < b), some essential.
fn arb_diagram() -> impl Strategy<Value = Diagram> {
    let quarter = (0i32..24, 0i32..10).prop_map(|(b, l)| (b as f64 * 0.25, (b + l) as f64 * 0.25));
    let smooth = (-1.0f64..5.0, 0.0f64..3.0).prop_map(|(b, l)| (b, b + l));
    let superlevel = (0.0f64..5.0, 0.0f64..2.0).prop_map(|(b, l)| (b, b - l));
    let essential = (0.0f64..4.0).prop_map(|b| (b, f64::INFINITY));
    let pair = prop_oneof![4 => quarter, 4 => smooth, 1 => superlevel, 1 => essential];
    prop::collection::vec(pair, 0..30).prop_map(|v| diagram(&v))
}

fn arb_policy() -> impl Strategy<Value = Essential> {
    prop_oneof![
        Just(Essential::Drop),
        (0.0f64..6.0).prop_map(Essential::ClampDeath)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn silhouette_matches_naive(
        d in arb_diagram(),
        policy in arb_policy(),
        p in prop_oneof![Just(0.0), Just(1.0), Just(2.0), 0.0f64..4.0],
        grid in prop_oneof![
            Just(((0.0, 5.0), 21usize)),
            Just(((-1.0, 6.0), 100usize)),
            Just(((1.3, 1.3), 1usize)),
            (-2.0f64..2.0, 0.1f64..6.0, 2usize..60).prop_map(|(a, w, n)| ((a, a + w), n)),
        ],
    ) {
        let (r, n) = grid;
        let sil = Silhouette::builder().power(p).sample_range(r.0, r.1).resolution(n).essential(policy).build().unwrap();
        let got = sil.transform(&d).unwrap();
        let want = naive_silhouette(&bars(&d, policy), p, &linspace(r.0, r.1, n));
        assert_close(&got, &want, "silhouette vs naive");
    }

    #[test]
    fn entropy_matches_naive(
        d in arb_diagram(),
        policy in arb_policy(),
        base in prop_oneof![Just(std::f64::consts::E), Just(2.0), Just(10.0), 0.1f64..0.9],
    ) {
        let (h, n, total) = naive_entropy(&bars(&d, policy));
        let undefined = -7.0;
        let mk = |norm| {
            PersistenceEntropy::builder().base(base).essential(policy).normalization(norm).undefined_value(undefined).build().unwrap()
        };
        let raw = mk(EntropyNormalization::Raw).entropy(&d).unwrap();
        let bars_n = mk(EntropyNormalization::LogBars).entropy(&d).unwrap();
        let total_n = mk(EntropyNormalization::LogTotalLength).entropy(&d).unwrap();
        if n == 0 {
            prop_assert_eq!(raw, undefined);
            prop_assert_eq!(bars_n, undefined);
            prop_assert_eq!(total_n, undefined);
        } else {
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
            prop_assert!(close(raw, h / base.ln()), "raw {} vs {}", raw, h / base.ln());
            // Entropy is >= 0 for bases > 1 (and <= 0 for bases < 1).
            prop_assert!(raw * base.ln() >= -1e-15);
            let want = if n == 1 { undefined } else { h / (n as f64).ln() };
            prop_assert!(close(bars_n, want), "log-bars {} vs {}", bars_n, want);
            prop_assert!(bars_n == undefined || bars_n <= 1.0 + 1e-12);
            let want = if total.ln() == 0.0 { undefined } else { h / total.ln() };
            prop_assert!(close(total_n, want), "log-total {} vs {}", total_n, want);
            // The vectorizer writes the same value as f32.
            let v = mk(EntropyNormalization::Raw).transform(&d).unwrap();
            prop_assert_eq!(v, vec![raw as f32]);
        }
    }

    #[test]
    fn entropy_summary_matches_naive(
        d in arb_diagram(),
        policy in arb_policy(),
        normalized in any::<bool>(),
        grid in prop_oneof![Just(((0.0, 5.0), 21usize)), Just(((0.0, 6.0), 25usize)), Just(((-1.0, 7.0), 33usize))],
    ) {
        // Grids with step 0.25: quarter-multiple ends sit exactly on samples,
        // where gudhi's ceil index rule equals `lo <= t < hi` exactly.
        let (r, n) = grid;
        let es = EntropySummary::builder().sample_range(r.0, r.1).resolution(n).normalized(normalized).essential(policy).build().unwrap();
        let got = es.transform(&d).unwrap();
        let want = naive_summary(&bars(&d, policy), &linspace(r.0, r.1, n), normalized);
        assert_close(&got, &want, "summary vs naive");
    }

    #[test]
    fn batch_equals_rows(ds in prop::collection::vec(arb_diagram(), 0..6)) {
        let sil = Silhouette::new(1.0, (0.0, 5.0), 17).unwrap();
        let ent = PersistenceEntropy::new();
        let es = EntropySummary::new((0.0, 5.0), 17).unwrap();
        let vs: [&dyn Vectorizer; 3] = [&sil, &ent, &es];
        for v in vs {
            let m = v.transform_batch(&ds).unwrap();
            prop_assert_eq!(m.dim(), (ds.len(), v.len()));
            for (row, d) in m.rows().into_iter().zip(&ds) {
                prop_assert_eq!(row.to_vec(), v.transform(d).unwrap());
            }
        }
    }
}

// ------------------------------------------------------------- closed forms

#[test]
fn single_bar_silhouette_is_the_tent() {
    let d = diagram(&[(1.0, 3.0)]);
    for p in [0.0, 0.5, 1.0, 2.0, 7.0] {
        let s = Silhouette::new(p, (0.0, 4.0), 9).unwrap();
        assert_eq!(s.len(), 9);
        assert_eq!(
            s.transform(&d).unwrap(),
            vec![0.0, 0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0, 0.0]
        );
    }
}

#[test]
fn two_equal_bars_give_the_tent() {
    let d = diagram(&[(1.0, 3.0), (1.0, 3.0)]);
    for p in [0.0, 1.0, 3.0] {
        let s = Silhouette::new(p, (0.0, 4.0), 9).unwrap();
        assert_eq!(
            s.transform(&d).unwrap(),
            vec![0.0, 0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0, 0.0]
        );
    }
}

#[test]
fn two_bars_weighted_means() {
    // [0, 4] (length 4, tent peak 2 at t = 2) and [1, 2] (length 1, peak 0.5 at 1.5).
    let d = diagram(&[(0.0, 4.0), (1.0, 2.0)]);
    let at = |p: f64| {
        let s = Silhouette::new(p, (1.5, 1.5), 1).unwrap();
        s.transform(&d).unwrap()[0]
    };
    // At t = 1.5 the tents are 1.5 and 0.5.
    assert!((at(0.0) - 1.0).abs() < 1e-7); // (1.5 + 0.5) / 2
    assert!((at(1.0) - (4.0 * 1.5 + 0.5) / 5.0).abs() < 1e-6);
    assert!((at(2.0) - (16.0 * 1.5 + 0.5) / 17.0).abs() < 1e-6);
    // Very large powers: the longest bar alone, without overflow.
    assert!((at(2000.0) - 1.5).abs() < 1e-6);
}

#[test]
fn zero_length_bars() {
    // p = 0 counts every bar (gudhi: weight 0^0 = 1), diluting the mean;
    // p > 0 gives them weight 0.
    let d = diagram(&[(1.0, 3.0), (2.0, 2.0)]);
    let s0 = Silhouette::new(0.0, (2.0, 2.0), 1).unwrap();
    assert_eq!(s0.transform(&d).unwrap(), vec![0.5]);
    let s1 = Silhouette::new(1.0, (2.0, 2.0), 1).unwrap();
    assert_eq!(s1.transform(&d).unwrap(), vec![1.0]);
    // Only zero-length bars, or nothing at all: zeros.
    let z = diagram(&[(2.0, 2.0), (1.0, 1.0)]);
    for p in [0.0, 1.0] {
        let s = Silhouette::new(p, (0.0, 4.0), 5).unwrap();
        assert_eq!(s.transform(&z).unwrap(), vec![0.0; 5]);
        assert_eq!(s.transform(&diagram(&[])).unwrap(), vec![0.0; 5]);
    }
    // Entropy ignores zero-length bars.
    let e = PersistenceEntropy::new();
    assert_eq!(
        e.entropy(&diagram(&[(0.0, 1.0), (0.0, 3.0), (5.0, 5.0)]))
            .unwrap(),
        e.entropy(&diagram(&[(0.0, 1.0), (0.0, 3.0)])).unwrap()
    );
    assert_eq!(e.entropy(&z).unwrap(), 0.0);
}

#[test]
fn entropy_of_equal_bars_is_log_n() {
    for n in [1usize, 2, 3, 7, 64] {
        let d = diagram(&vec![(0.5, 2.5); n]);
        let h = PersistenceEntropy::new().entropy(&d).unwrap();
        assert!((h - (n as f64).ln()).abs() < 1e-12, "n = {n}: {h}");
        let h2 = PersistenceEntropy::builder()
            .base(2.0)
            .build()
            .unwrap()
            .entropy(&d)
            .unwrap();
        assert!((h2 - (n as f64).log2()).abs() < 1e-12);
        let even = PersistenceEntropy::builder()
            .normalization(EntropyNormalization::LogBars)
            .build()
            .unwrap()
            .entropy(&d)
            .unwrap();
        let want = if n == 1 { 0.0 } else { 1.0 };
        assert!((even - want).abs() < 1e-12, "n = {n}: {even}");
        let by_total = PersistenceEntropy::builder()
            .normalization(EntropyNormalization::LogTotalLength)
            .build()
            .unwrap()
            .entropy(&d)
            .unwrap();
        assert!((by_total - (n as f64).ln() / (2.0 * n as f64).ln()).abs() < 1e-12);
    }
}

#[test]
fn undefined_entropy_values() {
    let e = PersistenceEntropy::new();
    assert_eq!(e.transform(&diagram(&[])).unwrap(), vec![0.0]);
    let gbuilder = PersistenceEntropy::builder().undefined_value(-1.0);
    let g = gbuilder.clone().build().unwrap();
    assert_eq!(g.transform(&diagram(&[])).unwrap(), vec![-1.0]);
    // A single bar: E = 0, log n = 0.
    let one = diagram(&[(0.0, 3.0)]);
    assert_eq!(g.entropy(&one).unwrap(), 0.0);
    let gb = gbuilder
        .clone()
        .normalization(EntropyNormalization::LogBars)
        .build()
        .unwrap();
    assert_eq!(gb.entropy(&one).unwrap(), -1.0);
    // L = 1: log L = 0.
    let gt = gbuilder
        .normalization(EntropyNormalization::LogTotalLength)
        .build()
        .unwrap();
    assert_eq!(
        gt.entropy(&diagram(&[(0.0, 0.5), (1.0, 1.5)])).unwrap(),
        -1.0
    );
    assert!(gt.entropy(&one).unwrap().abs() < 1e-15);
    let nan = PersistenceEntropy::builder()
        .undefined_value(f64::NAN)
        .build()
        .unwrap();
    assert!(nan.transform(&diagram(&[])).unwrap()[0].is_nan());
}

#[test]
fn entropy_summary_closed_form() {
    // Bars [0, 1) and [0, 3): q = 1/4, 3/4 on samples 0, 0.5, ..., 3.
    let d = diagram(&[(0.0, 1.0), (0.0, 3.0)]);
    let (a, b) = (-(0.25f64 * 0.25f64.ln()), -(0.75f64 * 0.75f64.ln()));
    let es = EntropySummary::builder()
        .sample_range(0.0, 3.0)
        .resolution(7)
        .normalized(false)
        .build()
        .unwrap();
    let want = [a + b, a + b, b, b, b, b, 0.0];
    assert_close(&es.transform(&d).unwrap(), &want, "raw summary");
    let norm: f64 = want.iter().sum();
    let want_n: Vec<f64> = want.iter().map(|v| v / norm).collect();
    let es = EntropySummary::new((0.0, 3.0), 7).unwrap();
    assert!(es.normalized());
    assert_close(&es.transform(&d).unwrap(), &want_n, "normalised summary");
    // Empty, and a single bar (entropy 0 everywhere): zeros.
    assert_eq!(es.transform(&diagram(&[])).unwrap(), vec![0.0; 7]);
    assert_eq!(es.transform(&diagram(&[(0.0, 2.0)])).unwrap(), vec![0.0; 7]);
}

// ------------------------------------------------------- essential policies

#[test]
fn essential_policies() {
    let with_inf = diagram(&[(0.0, 2.0), (1.0, f64::INFINITY), (0.5, 1.0)]);
    let dropped = diagram(&[(0.0, 2.0), (0.5, 1.0)]);
    let clamped = diagram(&[(0.0, 2.0), (1.0, 4.0), (0.5, 1.0)]);
    let clamp = Essential::ClampDeath(4.0);

    let silb = Silhouette::builder()
        .power(1.0)
        .sample_range(0.0, 5.0)
        .resolution(11);
    let sil = silb.clone().build().unwrap();
    assert_eq!(sil.essential(), Essential::Drop);
    assert_eq!(
        sil.transform(&with_inf).unwrap(),
        sil.transform(&dropped).unwrap()
    );
    let silc = silb.clone().essential(clamp).build().unwrap();
    assert_eq!(silc.essential(), clamp);
    assert_eq!(
        silc.transform(&with_inf).unwrap(),
        sil.transform(&clamped).unwrap()
    );

    let e = PersistenceEntropy::default();
    assert_eq!(e.essential(), Essential::Drop);
    assert_eq!(e.entropy(&with_inf).unwrap(), e.entropy(&dropped).unwrap());
    let ec = PersistenceEntropy::builder()
        .essential(clamp)
        .build()
        .unwrap();
    assert_eq!(ec.entropy(&with_inf).unwrap(), e.entropy(&clamped).unwrap());

    let esb = EntropySummary::builder()
        .sample_range(0.0, 5.0)
        .resolution(11);
    let es = esb.clone().build().unwrap();
    assert_eq!(es.essential(), Essential::Drop);
    assert_eq!(
        es.transform(&with_inf).unwrap(),
        es.transform(&dropped).unwrap()
    );
    let esc = esb.essential(clamp).build().unwrap();
    assert_eq!(
        esc.transform(&with_inf).unwrap(),
        es.transform(&clamped).unwrap()
    );

    // A clamp below the birth gives the bar [clamp, birth].
    let low = Essential::ClampDeath(0.0);
    let sill = silb.essential(low).build().unwrap();
    assert_eq!(
        sill.transform(&diagram(&[(2.0, f64::INFINITY)])).unwrap(),
        sil.transform(&diagram(&[(0.0, 2.0)])).unwrap()
    );
}

// --------------------------------------------------------- error variants

fn keep_rejected(e: Error) {
    assert!(
        matches!(e, Error::InvalidParameter { name: "essential", value, .. } if value == f64::INFINITY),
        "{e:?}"
    );
}

#[test]
fn keep_is_rejected() {
    let sil = Silhouette::builder()
        .power(1.0)
        .sample_range(0.0, 1.0)
        .resolution(4);
    keep_rejected(sil.essential(Essential::Keep).build().unwrap_err());
    keep_rejected(
        PersistenceEntropy::builder()
            .essential(Essential::Keep)
            .build()
            .unwrap_err(),
    );
    let es = EntropySummary::builder()
        .sample_range(0.0, 1.0)
        .resolution(4);
    keep_rejected(es.essential(Essential::Keep).build().unwrap_err());
}

#[test]
fn non_finite_clamp_is_rejected() {
    for v in [f64::NAN, f64::INFINITY] {
        let e = Silhouette::builder()
            .power(1.0)
            .sample_range(0.0, 1.0)
            .resolution(4)
            .essential(Essential::ClampDeath(v))
            .build()
            .unwrap_err();
        assert!(matches!(
            e,
            Error::InvalidParameter {
                name: "essential",
                ..
            }
        ));
        let e = PersistenceEntropy::builder()
            .essential(Essential::ClampDeath(v))
            .build()
            .unwrap_err();
        assert!(matches!(
            e,
            Error::InvalidParameter {
                name: "essential",
                ..
            }
        ));
        let e = EntropySummary::builder()
            .sample_range(0.0, 1.0)
            .resolution(4)
            .essential(Essential::ClampDeath(v))
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
}

#[test]
fn invalid_power() {
    for p in [-0.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = Silhouette::new(p, (0.0, 1.0), 4).unwrap_err();
        assert!(
            matches!(e, Error::InvalidParameter { name: "power", value, .. } if value.to_bits() == p.to_bits()),
            "{e:?}"
        );
    }
    assert_eq!(Silhouette::new(0.0, (0.0, 1.0), 4).unwrap().power(), 0.0);
}

#[test]
fn invalid_base() {
    for b in [0.0, -2.0, 1.0, f64::NAN, f64::INFINITY] {
        let e = PersistenceEntropy::builder().base(b).build().unwrap_err();
        assert!(
            matches!(e, Error::InvalidParameter { name: "base", value, .. } if value.to_bits() == b.to_bits()),
            "{e:?}"
        );
    }
    let e = PersistenceEntropy::builder().base(2.0).build().unwrap();
    assert_eq!(e.base(), 2.0);
    assert_eq!(PersistenceEntropy::new().base(), std::f64::consts::E);
    assert_eq!(e.normalization(), EntropyNormalization::Raw);
    assert_eq!(e.undefined_value(), 0.0);
}

#[test]
fn invalid_sample_range() {
    for r in [
        (1.0, 0.0),
        (0.0, f64::NAN),
        (f64::NEG_INFINITY, 1.0),
        (2.0, 2.0),
    ] {
        let e = Silhouette::new(1.0, r, 5).unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidRange {
                    name: "sample_range",
                    ..
                }
            ),
            "{e:?}"
        );
        let e = EntropySummary::new(r, 5).unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidRange {
                    name: "sample_range",
                    ..
                }
            ),
            "{e:?}"
        );
    }
    // One sample may sit on a degenerate range.
    let s = Silhouette::new(1.0, (2.0, 2.0), 1).unwrap();
    assert_eq!(s.samples(), &[2.0]);
}

#[test]
fn zero_resolution() {
    assert_eq!(
        Silhouette::new(1.0, (0.0, 1.0), 0).unwrap_err(),
        Error::ZeroSize { name: "resolution" }
    );
    assert_eq!(
        EntropySummary::new((0.0, 1.0), 0).unwrap_err(),
        Error::ZeroSize { name: "resolution" }
    );
}

#[test]
fn entropy_summary_needs_two_samples() {
    let e = EntropySummary::new((0.0, 1.0), 1).unwrap_err();
    assert!(
        matches!(e, Error::InvalidParameter { name: "resolution", value, .. } if value == 1.0),
        "{e:?}"
    );
    let es = EntropySummary::new((0.0, 1.0), 5).unwrap();
    assert_eq!(es.samples(), &[0.0, 0.25, 0.5, 0.75, 1.0]);
}

#[test]
fn non_finite_input() {
    let bad = diagram(&[(0.0, 1.0), (f64::NAN, 2.0)]);
    let bad_death = diagram(&[(0.0, 1.0), (0.5, 2.0), (1.0, f64::NAN)]);
    let sil = Silhouette::new(1.0, (0.0, 1.0), 4).unwrap();
    let ent = PersistenceEntropy::new();
    let es = EntropySummary::new((0.0, 1.0), 4).unwrap();
    let vs: [&dyn Vectorizer; 3] = [&sil, &ent, &es];
    for v in vs {
        assert_eq!(
            v.transform(&bad).unwrap_err(),
            Error::NonFinite { index: 1 }
        );
        assert_eq!(
            v.transform(&bad_death).unwrap_err(),
            Error::NonFinite { index: 2 }
        );
        let batch = v.transform_batch(&[diagram(&[]), bad.clone()]).unwrap_err();
        assert_eq!(batch, Error::NonFinite { index: 1 });
    }
    let inf_birth = diagram(&[(f64::NEG_INFINITY, 1.0)]);
    assert_eq!(
        ent.entropy(&inf_birth).unwrap_err(),
        Error::NonFinite { index: 0 }
    );
}

#[test]
fn length_mismatch() {
    let d = diagram(&[(0.0, 1.0)]);
    let sil = Silhouette::new(1.0, (0.0, 1.0), 4).unwrap();
    let mut out = vec![0.0f32; 3];
    assert_eq!(
        sil.transform_into(&d, &mut out).unwrap_err(),
        Error::LengthMismatch {
            expected: 4,
            got: 3
        }
    );
    let ent = PersistenceEntropy::new();
    assert_eq!(ent.len(), 1);
    assert_eq!(
        ent.transform_into(&d, &mut out).unwrap_err(),
        Error::LengthMismatch {
            expected: 1,
            got: 3
        }
    );
    let es = EntropySummary::new((0.0, 1.0), 5).unwrap();
    assert_eq!(
        es.transform_into(&d, &mut out).unwrap_err(),
        Error::LengthMismatch {
            expected: 5,
            got: 3
        }
    );
}
