//! Bottleneck and Wasserstein distances: agreement with gudhi and persim
//! (fixtures written by `tools/gen_distance_fixtures.py`), brute-force
//! references on small diagrams, metric properties, errors.

mod common;

// `dg`: the name `diagram` is this file's proptest strategy.
use common::{diagram as dg, load};
use proptest::prelude::*;
use serde_json::Value;
use tda_persistence::sublevel::{h0, h0_superlevel};
use tda_persistence::{Diagram, PersistencePair};
use tda_vectorize::{
    bottleneck, bottleneck_matching, wasserstein, wasserstein_matching, Error, Matching,
    Wasserstein,
};

const INF: f64 = f64::INFINITY;

fn pp(b: f64, d: f64) -> PersistencePair {
    PersistencePair::new(b, d)
}

/// `|got - want| <= 1e-9 |want| + 1e-12`; infinities must match exactly.
fn close(got: f64, want: f64) -> bool {
    if want.is_infinite() || got.is_infinite() {
        return got == want;
    }
    (got - want).abs() <= 1e-9 * want.abs() + 1e-12
}

// ---------------------------------------------------------------------------
// Reference: the ground metric and exhaustive matchings.

/// Cost of matching two pairs (`None` = the diagonal) in the `L^q` metric,
/// each pair read as the interval (min, max); essential pairs only match
/// essential pairs of the same sign, at the birth difference.
fn ref_cost(x: Option<PersistencePair>, y: Option<PersistencePair>, q: f64) -> f64 {
    let norm = |u: f64, v: f64| {
        if q == INF {
            u.max(v)
        } else {
            (u.powf(q) + v.powf(q)).powf(1.0 / q)
        }
    };
    let iv = |p: PersistencePair| (p.birth.min(p.death), p.birth.max(p.death));
    match (x, y) {
        (None, None) => 0.0,
        (Some(p), None) | (None, Some(p)) => {
            if p.is_essential() {
                INF
            } else {
                let (lo, hi) = iv(p);
                // Distance to the closest diagonal point ((lo+hi)/2, (lo+hi)/2).
                let mid = (lo + hi) / 2.0;
                norm(mid - lo, hi - mid)
            }
        }
        (Some(p), Some(r)) => match (p.is_essential(), r.is_essential()) {
            (true, true) if p.death == r.death => (p.birth - r.birth).abs(),
            (false, false) => {
                let ((l1, h1), (l2, h2)) = (iv(p), iv(r));
                norm((l1 - l2).abs(), (h1 - h2).abs())
            }
            _ => INF,
        },
    }
}

/// Calls `f` with the cost list of every matching between `a` and `b`
/// (each point of `a` takes an unused point of `b` or the diagonal; the
/// points of `b` left over go to the diagonal).
fn for_each_matching(a: &Diagram, b: &Diagram, q: f64, f: &mut dyn FnMut(&[f64])) {
    fn rec(
        i: usize,
        a: &Diagram,
        b: &Diagram,
        q: f64,
        used: &mut Vec<bool>,
        costs: &mut Vec<f64>,
        f: &mut dyn FnMut(&[f64]),
    ) {
        if i == a.len() {
            let base = costs.len();
            for (j, &u) in used.iter().enumerate() {
                if !u {
                    costs.push(ref_cost(None, Some(b.pairs[j]), q));
                }
            }
            f(costs);
            costs.truncate(base);
            return;
        }
        costs.push(ref_cost(Some(a.pairs[i]), None, q));
        rec(i + 1, a, b, q, used, costs, f);
        costs.pop();
        for j in 0..b.len() {
            if !used[j] {
                used[j] = true;
                costs.push(ref_cost(Some(a.pairs[i]), Some(b.pairs[j]), q));
                rec(i + 1, a, b, q, used, costs, f);
                costs.pop();
                used[j] = false;
            }
        }
    }
    rec(0, a, b, q, &mut vec![false; b.len()], &mut Vec::new(), f);
}

/// Brute-force `W_p` (`p = inf`: bottleneck) over all matchings.
fn brute(a: &Diagram, b: &Diagram, p: f64, q: f64) -> f64 {
    let mut best = INF;
    for_each_matching(a, b, q, &mut |c| {
        let v = if p == INF {
            c.iter().copied().fold(0.0, f64::max)
        } else {
            c.iter().map(|x| x.powf(p)).sum::<f64>().powf(1.0 / p)
        };
        best = best.min(v);
    });
    best
}

/// Exact `W_p` by dynamic programming over subsets of `b` (every matching
/// is considered; for up to about 10 points in `b`).
fn dp(a: &Diagram, b: &Diagram, p: f64, q: f64) -> f64 {
    let m = b.len();
    let combine = |acc: f64, c: f64| {
        if p == INF {
            acc.max(c)
        } else {
            acc + c.powf(p)
        }
    };
    let mut cur = vec![INF; 1 << m];
    cur[0] = 0.0;
    for &x in &a.pairs {
        let mut next = vec![INF; 1 << m];
        for mask in 0..(1usize << m) {
            if cur[mask] == INF {
                continue;
            }
            let diag = combine(cur[mask], ref_cost(Some(x), None, q));
            next[mask] = next[mask].min(diag);
            for j in (0..m).filter(|j| mask & (1 << j) == 0) {
                let v = combine(cur[mask], ref_cost(Some(x), Some(b.pairs[j]), q));
                next[mask | 1 << j] = next[mask | 1 << j].min(v);
            }
        }
        cur = next;
    }
    let mut best = INF;
    for (mask, &v) in cur.iter().enumerate() {
        let mut v = v;
        for j in (0..m).filter(|j| mask & (1 << j) == 0) {
            v = combine(v, ref_cost(None, Some(b.pairs[j]), q));
        }
        best = best.min(v);
    }
    if p == INF || best == INF {
        best
    } else {
        best.powf(1.0 / p)
    }
}

/// Checks that a matching uses every point once and achieves its distance.
fn check_matching(a: &Diagram, b: &Diagram, mt: &Matching, p: f64, q: f64) {
    let mut seen_a = vec![0; a.len()];
    let mut seen_b = vec![0; b.len()];
    let mut costs = Vec::new();
    for &(i, j) in &mt.pairs {
        assert!(i.is_some() || j.is_some());
        if let Some(i) = i {
            seen_a[i] += 1;
        }
        if let Some(j) = j {
            seen_b[j] += 1;
        }
        costs.push(ref_cost(i.map(|i| a.pairs[i]), j.map(|j| b.pairs[j]), q));
    }
    assert!(seen_a.iter().chain(&seen_b).all(|&c| c == 1), "{mt:?}");
    let value = if p == INF {
        costs.iter().copied().fold(0.0, f64::max)
    } else {
        costs.iter().map(|c| c.powf(p)).sum::<f64>().powf(1.0 / p)
    };
    assert!(
        close(value, mt.distance),
        "matching cost {value} vs distance {}",
        mt.distance
    );
}

// ---------------------------------------------------------------------------
// Fixtures from gudhi and persim.

fn json_diagram(v: &Value) -> Diagram {
    let pairs = v
        .as_array()
        .expect("diagram")
        .iter()
        .map(|p| {
            let death = match &p[1] {
                Value::Null => INF,
                Value::String(s) if s == "-inf" => -INF,
                x => x.as_f64().expect("death"),
            };
            pp(p[0].as_f64().expect("birth"), death)
        })
        .collect();
    // Not `Diagram::new`: keep the fixture's order (indices are irrelevant here).
    Diagram { dim: 1, pairs }
}

fn json_value(v: &Value) -> f64 {
    v.as_f64().unwrap_or(INF)
}

#[test]
fn gudhi_fixtures() {
    let cases = load("distances.json");
    assert!(cases.len() >= 25);
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        let a = json_diagram(&case["a"]);
        let b = json_diagram(&case["b"]);
        let want = json_value(&case["bottleneck"]);
        let got = bottleneck(&a, &b).unwrap();
        assert!(close(got, want), "{name}: bottleneck {got} vs gudhi {want}");
        let mt = bottleneck_matching(&a, &b).unwrap();
        assert_eq!(mt.distance, got);
        if got.is_finite() {
            check_matching(&a, &b, &mt, INF, INF);
        }
        for w in case["wasserstein"].as_array().expect("wasserstein") {
            let p = w["p"].as_f64().unwrap();
            let q = w["internal_p"].as_f64().unwrap_or(INF);
            let want = json_value(&w["value"]);
            let dist = Wasserstein::builder()
                .order(p)
                .internal_p(q)
                .build()
                .unwrap();
            let mt = dist.matching(&a, &b).unwrap();
            assert!(
                close(mt.distance, want),
                "{name}: W_{p} (L^{q}) {} vs gudhi {want}",
                mt.distance
            );
            if want.is_finite() {
                check_matching(&a, &b, &mt, p, q);
            }
        }
        if let Some(pb) = case.get("persim_bottleneck") {
            let pb = pb.as_f64().unwrap();
            assert!(close(got, pb), "{name}: bottleneck {got} vs persim {pb}");
            // persim.wasserstein = W_1 with the Euclidean ground metric,
            // accurate to about 1e-8 only (see the generator).
            let pw = case["persim_wasserstein"].as_f64().unwrap();
            let ours = Wasserstein::builder()
                .order(1.0)
                .internal_p(2.0)
                .build()
                .unwrap()
                .distance(&a, &b)
                .unwrap();
            assert!(
                (ours - pw).abs() <= 1e-6 * pw.max(1.0),
                "{name}: {ours} vs persim {pw}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Hand-made cases.

#[test]
fn empty_diagrams() {
    let e = Diagram::default();
    assert_eq!(bottleneck(&e, &e).unwrap(), 0.0);
    assert_eq!(wasserstein(&e, &e, 1.0).unwrap(), 0.0);
    assert!(bottleneck_matching(&e, &e).unwrap().pairs.is_empty());
    // One point against nothing: its diagonal distance.
    let a = dg(&[(1.0, 3.0)]);
    assert_eq!(bottleneck(&a, &e).unwrap(), 1.0);
    assert_eq!(bottleneck(&e, &a).unwrap(), 1.0);
    assert_eq!(wasserstein(&a, &e, 2.0).unwrap(), 1.0);
    let w1l1 = Wasserstein::builder()
        .order(1.0)
        .internal_p(1.0)
        .build()
        .unwrap();
    assert_eq!(w1l1.distance(&a, &e).unwrap(), 2.0);
    let w1l2 = Wasserstein::builder()
        .order(1.0)
        .internal_p(2.0)
        .build()
        .unwrap();
    assert!(close(w1l2.distance(&a, &e).unwrap(), 2.0f64.sqrt()));
}

#[test]
fn small_examples() {
    let a = dg(&[(0.0, 4.0), (1.0, 1.5)]);
    let b = dg(&[(0.5, 3.0)]);
    assert_eq!(bottleneck(&a, &b).unwrap(), 1.0);
    assert!(close(wasserstein(&a, &b, 1.0).unwrap(), 1.25));
    assert!(close(
        wasserstein(&a, &b, 2.0).unwrap(),
        (1.0f64 + 0.0625).sqrt()
    ));
    let mt = wasserstein_matching(&a, &b, 1.0).unwrap();
    // a = [(0, 4), (1, 1.5)] in canonical order.
    assert_eq!(mt.pairs, vec![(Some(0), Some(0)), (Some(1), None)]);
    let mt = bottleneck_matching(&a, &b).unwrap();
    assert_eq!(mt.pairs, vec![(Some(0), Some(0)), (Some(1), None)]);
    // p = inf is the bottleneck distance.
    assert_eq!(wasserstein(&a, &b, INF).unwrap(), 1.0);
}

#[test]
fn essential_pairs() {
    // Matched by sorted birth, +inf and -inf separately.
    let a = dg(&[(0.0, INF), (5.0, INF), (1.0, 2.0), (3.0, -INF)]);
    let b = dg(&[(4.0, INF), (0.5, INF), (2.0, -INF)]);
    // Essential costs 0.5 and 1 (+inf), 1 (-inf); (1, 2) to the diagonal: 0.5.
    assert_eq!(bottleneck(&a, &b).unwrap(), 1.0);
    assert!(close(wasserstein(&a, &b, 1.0).unwrap(), 3.0));
    let mt = wasserstein_matching(&a, &b, 1.0).unwrap();
    check_matching(&a, &b, &mt, 1.0, INF);
    // Different counts: +inf, and the surplus point goes to the diagonal.
    let c = dg(&[(0.0, INF), (3.0, -INF)]);
    assert_eq!(bottleneck(&a, &c).unwrap(), INF);
    assert_eq!(wasserstein(&a, &c, 2.0).unwrap(), INF);
    let mt = bottleneck_matching(&a, &c).unwrap();
    assert_eq!(mt.distance, INF);
    // a = [(0, inf), (1, 2), (3, -inf), (5, inf)]; c = [(0, inf), (3, -inf)].
    assert_eq!(
        mt.pairs,
        vec![
            (Some(0), Some(0)),
            (Some(1), None),
            (Some(2), Some(1)),
            (Some(3), None)
        ]
    );
    // +inf and -inf pairs never match each other.
    assert_eq!(
        bottleneck(&dg(&[(0.0, INF)]), &dg(&[(0.0, -INF)])).unwrap(),
        INF
    );
}

#[test]
fn superlevel_pairs_are_intervals() {
    // (3, 1) is read as (1, 3).
    let a = dg(&[(3.0, 1.0)]);
    let b = dg(&[(1.0, 3.0)]);
    assert_eq!(bottleneck(&a, &b).unwrap(), 0.0);
    assert_eq!(bottleneck(&a, &Diagram::default()).unwrap(), 1.0);
    assert_eq!(wasserstein(&a, &b, 1.0).unwrap(), 0.0);
}

/// The reflection (lo, hi) -> (-hi, -lo) is an isometry of every `L^q`
/// ground metric, so superlevel diagrams of x, y are exactly as far apart
/// as sublevel diagrams of -x, -y.
#[test]
fn superlevel_equals_negated_sublevel() {
    let x = [0.3, 2.0, -1.0, 0.5, 0.4, 3.0, -2.0, 1.0, 0.0, 1.5];
    let y = [1.0, -0.5, 2.5, 0.0, 0.7, -1.0, 2.0, 0.2, 0.9, -0.3];
    let neg = |s: &[f64]| s.iter().map(|v| -v).collect::<Vec<_>>();
    let (sx, sy) = (h0_superlevel(&x).unwrap(), h0_superlevel(&y).unwrap());
    let (nx, ny) = (h0(&neg(&x)).unwrap(), h0(&neg(&y)).unwrap());
    assert!(sx.pairs.iter().any(|p| p.death < p.birth));
    assert_eq!(bottleneck(&sx, &sy).unwrap(), bottleneck(&nx, &ny).unwrap());
    for p in [1.0, 2.0, 3.5] {
        for q in [1.0, 2.0, INF] {
            let w = Wasserstein::builder()
                .order(p)
                .internal_p(q)
                .build()
                .unwrap();
            let (s, n) = (w.distance(&sx, &sy).unwrap(), w.distance(&nx, &ny).unwrap());
            assert!(close(s, n), "p {p} q {q}: {s} vs {n}");
        }
    }
}

#[test]
fn huge_and_tiny_coordinates() {
    // Differences of coordinates near f64::MAX would overflow; powers of
    // tiny costs would underflow. Distances are homogeneous, so compare
    // with a rescaled copy.
    let base = [(0.0, 1.0), (0.25, 3.0), (-2.0, -0.5), (1.0, 1.0)];
    let other = [(0.5, 2.0), (-1.0, 3.5)];
    for s in [1e300, 5e307, 1e-300] {
        let scaled =
            |v: &[(f64, f64)]| dg(&v.iter().map(|&(b, d)| (b * s, d * s)).collect::<Vec<_>>());
        let (a, b) = (scaled(&base), scaled(&other));
        let (a1, b1) = (dg(&base), dg(&other));
        assert!(close(
            bottleneck(&a, &b).unwrap() / s,
            bottleneck(&a1, &b1).unwrap()
        ));
        for p in [1.0, 3.5] {
            let got = wasserstein(&a, &b, p).unwrap() / s;
            assert!(
                got.is_finite() && close(got, wasserstein(&a1, &b1, p).unwrap()),
                "{s} {p}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Errors: one test per variant.

#[test]
fn error_dimension_mismatch() {
    let a = Diagram::new(0, vec![pp(0.0, 1.0)]);
    let b = Diagram::new(1, vec![pp(0.0, 1.0)]);
    let want = Error::DimensionMismatch { left: 0, right: 1 };
    assert_eq!(bottleneck(&a, &b).unwrap_err(), want);
    assert_eq!(wasserstein(&a, &b, 2.0).unwrap_err(), want);
    assert_eq!(bottleneck_matching(&a, &b).unwrap_err(), want);
    assert_eq!(wasserstein_matching(&a, &b, 1.0).unwrap_err(), want);
}

#[test]
fn error_non_finite() {
    let good = dg(&[(0.0, 1.0), (0.5, 2.0)]);
    let nan_birth = Diagram {
        dim: 0,
        pairs: vec![pp(0.0, 1.0), pp(f64::NAN, 2.0)],
    };
    let inf_birth = Diagram {
        dim: 0,
        pairs: vec![pp(INF, INF)],
    };
    let nan_death = Diagram {
        dim: 0,
        pairs: vec![pp(0.0, 1.0), pp(0.0, 2.0), pp(1.0, f64::NAN)],
    };
    assert_eq!(
        bottleneck(&nan_birth, &good).unwrap_err(),
        Error::NonFinite { index: 1 }
    );
    assert_eq!(
        bottleneck(&good, &inf_birth).unwrap_err(),
        Error::NonFinite { index: 0 }
    );
    assert_eq!(
        wasserstein(&good, &nan_death, 1.0).unwrap_err(),
        Error::NonFinite { index: 2 }
    );
    // `a` is checked first.
    assert_eq!(
        wasserstein(&nan_death, &nan_birth, 1.0).unwrap_err(),
        Error::NonFinite { index: 2 }
    );
}

#[test]
fn error_invalid_parameter() {
    let a = dg(&[(0.0, 1.0)]);
    for p in [0.5, 0.0, -1.0, f64::NAN, -INF] {
        let e = wasserstein(&a, &a, p).unwrap_err();
        assert!(
            matches!(e, Error::InvalidParameter { name: "p", value, .. } if value.to_bits() == p.to_bits()),
            "{e:?}"
        );
        assert!(Wasserstein::new(p).is_err());
    }
    for q in [0.99, 0.0, f64::NAN] {
        let e = Wasserstein::builder()
            .order(1.0)
            .internal_p(q)
            .build()
            .unwrap_err();
        assert!(
            matches!(e, Error::InvalidParameter { name: "internal_p", value, .. } if value.to_bits() == q.to_bits()),
            "{e:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Randomised comparisons and properties.

/// One finite pair: on a coarse grid (ties, zero persistence), continuous,
/// or superlevel (death < birth).
fn pair() -> impl Strategy<Value = PersistencePair> {
    prop_oneof![
        (0i32..6, 0i32..5).prop_map(|(b, p)| pp(b as f64 * 0.5, (b + p) as f64 * 0.5)),
        (-3.0f64..3.0, 0.0f64..3.0).prop_map(|(b, p)| pp(b, b + p)),
        (-3.0f64..3.0, 0.0f64..3.0).prop_map(|(b, p)| pp(b + p, b)),
    ]
}

/// Essential pairs: `pos` with death +inf, `neg` with -inf.
fn essentials(pos: usize, neg: usize) -> impl Strategy<Value = Vec<PersistencePair>> {
    (
        prop::collection::vec(-3.0f64..3.0, pos),
        prop::collection::vec(-3.0f64..3.0, neg),
    )
        .prop_map(|(p, n)| {
            p.into_iter()
                .map(|b| pp(b, INF))
                .chain(n.into_iter().map(|b| pp(b, -INF)))
                .collect()
        })
}

/// A diagram of up to `max` finite pairs and the given essential pairs.
fn diagram(max: usize, pos: usize, neg: usize) -> impl Strategy<Value = Diagram> {
    (prop::collection::vec(pair(), 0..=max), essentials(pos, neg)).prop_map(|(mut f, e)| {
        f.extend(e);
        Diagram::new(0, f)
    })
}

/// Two diagrams; usually with the same numbers of essential pairs.
fn two(max: usize) -> impl Strategy<Value = (Diagram, Diagram)> {
    (
        0usize..3,
        0usize..2,
        0usize..3,
        0usize..2,
        prop::bool::weighted(0.8),
    )
        .prop_flat_map(move |(p1, n1, p2, n2, same)| {
            let (p2, n2) = if same { (p1, n1) } else { (p2, n2) };
            (diagram(max, p1, n1), diagram(max, p2, n2))
        })
}

fn finite_diagram(max: usize) -> impl Strategy<Value = Diagram> {
    diagram(max, 0, 0)
}

const ORDERS: [f64; 4] = [1.0, 2.0, 3.5, INF];
const GROUNDS: [f64; 3] = [1.0, 2.0, INF];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Exhaustive enumeration of all matchings, up to 4 + 4 finite points.
    #[test]
    fn agrees_with_enumeration((a, b) in two(4)) {
        let want = brute(&a, &b, INF, INF);
        let mt = bottleneck_matching(&a, &b).unwrap();
        prop_assert!(close(mt.distance, want), "bottleneck {} vs {want}", mt.distance);
        if want.is_finite() {
            check_matching(&a, &b, &mt, INF, INF);
        }
        for p in ORDERS {
            for q in GROUNDS {
                let w = Wasserstein::builder().order(p).internal_p(q).build().unwrap();
                let mt = w.matching(&a, &b).unwrap();
                let want = brute(&a, &b, p, q);
                prop_assert!(close(mt.distance, want), "W_{p} L^{q}: {} vs {want}", mt.distance);
                if want.is_finite() {
                    check_matching(&a, &b, &mt, p, q);
                }
            }
        }
    }

    /// Dynamic programming over all matchings, up to 9 + 9 finite points.
    #[test]
    fn agrees_with_dp((a, b) in two(7)) {
        prop_assert!(close(bottleneck(&a, &b).unwrap(), dp(&a, &b, INF, INF)));
        for p in [1.0, 2.0, 3.5] {
            for q in GROUNDS {
                let got = Wasserstein::builder().order(p).internal_p(q).build().unwrap().distance(&a, &b).unwrap();
                let want = dp(&a, &b, p, q);
                prop_assert!(close(got, want), "W_{p} L^{q}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn symmetric_and_zero_on_self((a, b) in two(25)) {
        prop_assert_eq!(bottleneck(&a, &b).unwrap(), bottleneck(&b, &a).unwrap());
        prop_assert_eq!(bottleneck(&a, &a).unwrap(), 0.0);
        for p in [1.0, 2.0, 3.5] {
            let (x, y) = (wasserstein(&a, &b, p).unwrap(), wasserstein(&b, &a, p).unwrap());
            prop_assert!(close(x, y), "{x} vs {y}");
            prop_assert_eq!(wasserstein(&a, &a, p).unwrap(), 0.0);
        }
    }

    #[test]
    fn triangle_inequality(a in finite_diagram(15), b in finite_diagram(15), c in finite_diagram(15)) {
        let tol = |x: f64| 1e-9 * x + 1e-12;
        let (ab, bc, ac) = (bottleneck(&a, &b).unwrap(), bottleneck(&b, &c).unwrap(), bottleneck(&a, &c).unwrap());
        prop_assert!(ac <= ab + bc + tol(ac));
        for p in [1.0, 2.0, 3.5] {
            for q in GROUNDS {
                let w = Wasserstein::builder().order(p).internal_p(q).build().unwrap();
                let (ab, bc, ac) = (w.distance(&a, &b).unwrap(), w.distance(&b, &c).unwrap(), w.distance(&a, &c).unwrap());
                prop_assert!(ac <= ab + bc + tol(ac), "W_{p} L^{q}: {ac} > {ab} + {bc}");
            }
        }
    }

    /// `W_p` decreases with `p` towards the bottleneck distance (`W_inf`).
    #[test]
    fn wasserstein_decreases_to_bottleneck((a, b) in two(25)) {
        for q in GROUNDS {
            let mut prev = INF;
            for p in [1.0, 1.5, 2.0, 3.5, 8.0, INF] {
                let w = Wasserstein::builder().order(p).internal_p(q).build().unwrap().distance(&a, &b).unwrap();
                prop_assert!(w <= prev * (1.0 + 1e-9) + 1e-12, "L^{q}: W_{p} = {w} > {prev}");
                prev = w;
            }
        }
        let bn = bottleneck(&a, &b).unwrap();
        prop_assert_eq!(wasserstein(&a, &b, INF).unwrap(), bn);
        prop_assert!(bn <= wasserstein(&a, &b, 3.5).unwrap() * (1.0 + 1e-9) + 1e-12);
    }

    /// Larger diagrams with many ties: the bottleneck search (with its
    /// pruning) against a plain one (all candidates, the textbook
    /// reduction, Kuhn's augmenting paths).
    #[test]
    fn bottleneck_agrees_with_plain_search(a in finite_diagram(40), b in finite_diagram(40)) {
        let (got, want) = (bottleneck(&a, &b).unwrap(), plain_bottleneck(&a, &b));
        prop_assert!(close(got, want), "{got} vs {want}");
    }
}

/// Bottleneck distance by testing every distinct candidate in increasing
/// order on the full `(n+m) x (n+m)` reduction (diagonal copies joined to
/// each other at cost 0), with simple augmenting paths.
fn plain_bottleneck(a: &Diagram, b: &Diagram) -> f64 {
    let (n, m) = (a.len(), b.len());
    let size = n + m;
    let mut cost = vec![vec![INF; size]; size];
    for (i, &p) in a.pairs.iter().enumerate() {
        for (j, &q) in b.pairs.iter().enumerate() {
            cost[i][j] = ref_cost(Some(p), Some(q), INF);
        }
        cost[i][m + i] = ref_cost(Some(p), None, INF);
    }
    for (j, &q) in b.pairs.iter().enumerate() {
        cost[n + j][j] = ref_cost(None, Some(q), INF);
        cost[n + j][m..].fill(0.0);
    }
    let mut cands: Vec<f64> = cost
        .iter()
        .flatten()
        .copied()
        .filter(|c| c.is_finite())
        .collect();
    cands.sort_by(f64::total_cmp);
    cands.dedup();
    fn try_kuhn(
        u: usize,
        r: f64,
        cost: &[Vec<f64>],
        seen: &mut [bool],
        owner: &mut [usize],
    ) -> bool {
        for v in 0..cost.len() {
            if cost[u][v] <= r && !seen[v] {
                seen[v] = true;
                if owner[v] == usize::MAX || try_kuhn(owner[v], r, cost, seen, owner) {
                    owner[v] = u;
                    return true;
                }
            }
        }
        false
    }
    for r in cands {
        let mut owner = vec![usize::MAX; size];
        if (0..size).all(|u| try_kuhn(u, r, &cost, &mut vec![false; size], &mut owner)) {
            return r;
        }
    }
    0.0
}
