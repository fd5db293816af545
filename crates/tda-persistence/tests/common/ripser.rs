//! What the tests comparing with ripser.py share: the f32 rounding of its
//! bars, the metrics by name, the fixtures of `fixtures/rips.json`, and
//! the strategies of small clouds.

use ndarray::Array2;
use proptest::prelude::*;
use serde::Deserialize;
use tda_persistence::rips::Metric;
use tda_persistence::Diagram;

use super::{sorted, Bar};

/// Bars rounded to f32 the way ripser.py reports them; bars that become
/// zero-length are dropped (ripser omits pairs with death == birth).
pub fn f32_bars(d: &Diagram) -> Vec<Bar> {
    let r = |x: f64| x as f32 as f64;
    sorted(
        d.iter()
            .map(|p| (r(p.birth), p.death.is_finite().then(|| r(p.death))))
            .filter(|&(b, d)| d != Some(b))
            .collect(),
    )
}

/// The metric of a fixture, by ripser.py's name.
pub fn metric(name: &str) -> Metric {
    match name {
        "euclidean" => Metric::Euclidean,
        "chebyshev" => Metric::Chebyshev,
        "manhattan" => Metric::Manhattan,
        other => panic!("unknown metric {other}"),
    }
}

/// A case of `fixtures/rips.json` (`tools/gen_rips_fixtures.py`).
#[derive(Deserialize)]
pub struct Case {
    pub name: String,
    pub metric: String,
    pub maxdim: usize,
    pub threshold: Option<f64>,
    pub distance_matrix: bool,
    pub shape: (usize, usize),
    pub values: Vec<f64>,
    pub dgms: Vec<Vec<Bar>>,
}

#[derive(Deserialize)]
struct File {
    cases: Vec<Case>,
}

/// The cases of `fixtures/rips.json`.
pub fn cases() -> Vec<Case> {
    serde_json::from_str::<File>(include_str!("../fixtures/rips.json"))
        .expect("fixture parses")
        .cases
}

/// Small clouds of 2 to `max_points - 1` points in 1 to 3 dimensions:
/// integer coordinates (many ties) or uniform ones.
pub fn cloud(max_points: usize) -> impl Strategy<Value = Array2<f64>> {
    (2usize..max_points, 1usize..4).prop_flat_map(|(n, k)| {
        prop_oneof![
            prop::collection::vec((0i32..3).prop_map(f64::from), n * k),
            prop::collection::vec(-1.0f64..1.0, n * k),
        ]
        .prop_map(move |v| Array2::from_shape_vec((n, k), v).unwrap())
    })
}

/// Any of the three metrics.
pub fn metric_strategy() -> impl Strategy<Value = Metric> {
    prop_oneof![
        Just(Metric::Euclidean),
        Just(Metric::Chebyshev),
        Just(Metric::Manhattan)
    ]
}
