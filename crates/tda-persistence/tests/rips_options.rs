//! Vietoris-Rips input options (issue 19): greedy subsampling (`n_perm`)
//! and sparse distance input against ripser.py's fixtures
//! (tools/gen_rips_options_fixtures.py), f32 inputs, batches, and one test
//! per bad input.

mod common;

use common::ripser::{cloud, f32_bars, metric, metric_strategy};
use common::{bars, sorted, Bar};
use ndarray::{Array2, ArrayView2};
use proptest::prelude::*;
use serde::Deserialize;
use tda_persistence::rips::{Metric, Rips, RipsInput, RipsOutput, SparseDistances, Storage};
use tda_persistence::{Diagram, Error, MemoryError};

fn assert_dgms(name: &str, ours: &[Diagram], expected: &[Vec<Bar>]) {
    assert_eq!(ours.len(), expected.len(), "{name}");
    for (dim, (d, e)) in ours.iter().zip(expected).enumerate() {
        assert_eq!(d.dim, dim);
        assert_eq!(f32_bars(d), sorted(e.clone()), "{name} H{dim}");
    }
}

#[derive(Deserialize)]
struct PermCase {
    name: String,
    metric: String,
    maxdim: usize,
    n_perm: usize,
    distance_matrix: bool,
    shape: (usize, usize),
    values: Vec<f64>,
    dgms: Vec<Vec<Bar>>,
    idx_perm: Vec<usize>,
    r_cover: f64,
}

#[derive(Deserialize)]
struct SparseCase {
    name: String,
    n: usize,
    maxdim: usize,
    threshold: Option<f64>,
    format: String,
    #[serde(default)]
    rows: Vec<usize>,
    #[serde(default)]
    cols: Vec<usize>,
    #[serde(default)]
    values: Vec<f64>,
    #[serde(default)]
    indptr: Vec<usize>,
    #[serde(default)]
    indices: Vec<usize>,
    #[serde(default)]
    data: Vec<f64>,
    dgms: Vec<Vec<Bar>>,
    num_edges: usize,
}

#[derive(Deserialize)]
struct File<C> {
    cases: Vec<C>,
}

fn perm_cases() -> Vec<PermCase> {
    serde_json::from_str::<File<PermCase>>(include_str!("fixtures/rips_options/n_perm.json"))
        .expect("fixture parses")
        .cases
}

fn sparse_cases() -> Vec<SparseCase> {
    serde_json::from_str::<File<SparseCase>>(include_str!("fixtures/rips_options/sparse.json"))
        .expect("fixture parses")
        .cases
}

/// The engine of a fixture case: its dimension, metric and subsample.
fn perm_rips(c: &PermCase) -> Rips {
    Rips::builder()
        .max_dim(c.maxdim)
        .metric(metric(&c.metric))
        .n_perm(Some(c.n_perm))
        .build()
        .unwrap()
}

fn run_perm_case(c: &PermCase, f32_input: bool) -> RipsOutput {
    let a = Array2::from_shape_vec(c.shape, c.values.clone()).unwrap();
    let a32 = a.mapv(|v| v as f32);
    let rips = perm_rips(c);
    let input = match (c.distance_matrix, f32_input) {
        (false, false) => RipsInput::Points(a.view()),
        (true, false) => RipsInput::DistanceMatrix(a.view()),
        (false, true) => RipsInput::PointsF32(a32.view()),
        (true, true) => RipsInput::DistanceMatrixF32(a32.view()),
    };
    rips.run(input).unwrap()
}

#[test]
fn n_perm_equals_ripser() {
    for c in perm_cases() {
        let out = run_perm_case(&c, false);
        assert_eq!(out.idx_perm.as_deref(), Some(&c.idx_perm[..]), "{}", c.name);
        // ripser.py's distances come from scikit-learn (within an ulp or so).
        assert!(
            (out.r_cover - c.r_cover).abs() <= 1e-12 * c.r_cover.max(1.0),
            "{}: r_cover {} vs {}",
            c.name,
            out.r_cover,
            c.r_cover
        );
        assert_dgms(&c.name, &out.diagrams, &c.dgms);
    }
}

#[test]
fn n_perm_is_the_run_on_the_subsample() {
    for c in perm_cases().into_iter().filter(|c| !c.distance_matrix) {
        let out = run_perm_case(&c, false);
        let a = Array2::from_shape_vec(c.shape, c.values.clone()).unwrap();
        let idx = out.idx_perm.clone().unwrap();
        let sub = a.select(ndarray::Axis(0), &idx);
        let whole = Rips::builder()
            .max_dim(c.maxdim)
            .metric(metric(&c.metric))
            .build()
            .unwrap()
            .run(RipsInput::Points(sub.view()))
            .unwrap();
        assert_eq!(out.diagrams, whole.diagrams, "{}", c.name);
        assert_eq!(out.num_edges, whole.num_edges, "{}", c.name);
    }
}

fn sparse_of(c: &SparseCase) -> SparseDistances {
    match c.format.as_str() {
        "coo" => SparseDistances::from_triplets(c.n, &c.rows, &c.cols, &c.values).unwrap(),
        "csr" => SparseDistances::from_csr(c.n, &c.indptr, &c.indices, &c.data).unwrap(),
        other => panic!("unknown format {other}"),
    }
}

#[test]
fn sparse_input_equals_ripser() {
    for c in sparse_cases() {
        let s = sparse_of(&c);
        for storage in [Storage::Auto, Storage::Dense, Storage::Sparse] {
            let mut b = Rips::builder().max_dim(c.maxdim).storage(storage);
            if let Some(t) = c.threshold {
                b = b.threshold(t);
            }
            let out = b.build().unwrap().run(RipsInput::Sparse(&s)).unwrap();
            assert_eq!(out.num_edges, c.num_edges, "{}", c.name);
            assert_dgms(&c.name, &out.diagrams, &c.dgms);
            assert_eq!(out.idx_perm, None);
            assert_eq!(out.r_cover, 0.0);
        }
    }
}

#[test]
fn f32_inputs_equal_ripser_fixtures_widened() {
    for c in perm_cases() {
        let a = Array2::from_shape_vec(c.shape, c.values.clone()).unwrap();
        let widened = a.mapv(|v| v as f32 as f64);
        let ours = run_perm_case(&c, true);
        let rips = perm_rips(&c);
        let wide = if c.distance_matrix {
            rips.run(RipsInput::DistanceMatrix(widened.view()))
        } else {
            rips.run(RipsInput::Points(widened.view()))
        }
        .unwrap();
        assert_eq!(ours, wide, "{}", c.name);
    }
}

/// The triplets `(i, j, d)`, `i < j`, of the pairs of `p` within `t`.
fn pairs_within(p: ArrayView2<f64>, m: Metric, t: f64) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
    let n = p.nrows();
    let (mut r, mut c, mut v) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        for j in i + 1..n {
            let d = m.distance(&p.row(i).to_vec(), &p.row(j).to_vec());
            if d <= t {
                r.push(i);
                c.push(j);
                v.push(d);
            }
        }
    }
    (r, c, v)
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn sparse_pairs_within_t_equal_the_dense_run(p in cloud(16), m in metric_strategy(), t in 0.0f64..2.5) {
        let n = p.nrows();
        let max_dim = (n - 1).min(2);
        let (r, c, v) = pairs_within(p.view(), m, t);
        let s = SparseDistances::from_triplets(n, &r, &c, &v).unwrap();
        // Both triangles, in reverse order: the lower one is not read.
        let (r2, c2, v2): (Vec<_>, Vec<_>, Vec<_>) = {
            let mut rr: Vec<usize> = r.iter().chain(&c).copied().collect();
            let mut cc: Vec<usize> = c.iter().chain(&r).copied().collect();
            let mut vv: Vec<f64> = v.iter().chain(&v).copied().collect();
            rr.reverse();
            cc.reverse();
            vv.reverse();
            (rr, cc, vv)
        };
        let s2 = SparseDistances::from_triplets(n, &r2, &c2, &v2).unwrap();
        let dense = Rips::builder().max_dim(max_dim).metric(m).threshold(t).build().unwrap();
        let expected = dense.run(RipsInput::Points(p.view())).unwrap();
        for s in [&s, &s2] {
            let ours = Rips::builder().max_dim(max_dim).build().unwrap().run(RipsInput::Sparse(s)).unwrap();
            prop_assert_eq!(&ours.diagrams, &expected.diagrams);
            prop_assert_eq!(ours.num_edges, r.len());
            // An explicit threshold t on the sparse input is the same.
            let with_t = Rips::builder().max_dim(max_dim).threshold(t).build().unwrap()
                .run(RipsInput::Sparse(s)).unwrap();
            prop_assert_eq!(&with_t.diagrams, &expected.diagrams);
        }
    }

    #[test]
    fn f32_input_equals_widened_f64(
        (n, k, v) in (2usize..14, 1usize..4).prop_flat_map(|(n, k)| {
            (Just(n), Just(k), prop::collection::vec(-3.0f32..3.0, n * k))
        }),
        m in metric_strategy(),
        t in prop::option::of(0.0f64..3.0),
        n_perm in prop::option::of(1usize..14),
    ) {
        let p32 = Array2::from_shape_vec((n, k), v).unwrap();
        let p64 = p32.mapv(f64::from);
        let n_perm = n_perm.map(|q| q.min(n));
        let max_dim = (n_perm.unwrap_or(n) - 1).min(2);
        let mut b = Rips::builder().max_dim(max_dim).metric(m).n_perm(n_perm);
        if let Some(t) = t {
            b = b.threshold(t);
        }
        let rips = b.build().unwrap();
        prop_assert_eq!(
            rips.run(RipsInput::PointsF32(p32.view())).unwrap(),
            rips.run(RipsInput::Points(p64.view())).unwrap()
        );
        // Distance matrices: rounded to f32, then the same both ways.
        let d32 = Array2::from_shape_fn((n, n), |(i, j)| {
            m.distance(&p64.row(i).to_vec(), &p64.row(j).to_vec()) as f32
        });
        let d64 = d32.mapv(f64::from);
        prop_assert_eq!(
            rips.run(RipsInput::DistanceMatrixF32(d32.view())).unwrap(),
            rips.run(RipsInput::DistanceMatrix(d64.view())).unwrap()
        );
    }

    /// Under a threshold, the run is the same whichever way the engine
    /// reads the points: the dense matrix first (the default limit), the
    /// pairs within the threshold in one pass (a limit under which the
    /// matrix is dear: above 1/128 of it), or stores forced either way.
    #[test]
    fn every_path_to_a_store_gives_the_same_run(
        p in cloud(40),
        m in metric_strategy(),
        t in 0.0f64..1.5,
        max_dim in 0usize..3,
    ) {
        let max_dim = max_dim.min(p.nrows() - 1);
        let run = |b: tda_persistence::rips::RipsBuilder| {
            b.max_dim(max_dim).metric(m).threshold(t).build().unwrap().run(RipsInput::Points(p.view())).unwrap()
        };
        let first = run(Rips::builder());
        for b in [
            Rips::builder().memory_limit(1 << 18),
            Rips::builder().memory_limit(1 << 18).storage(Storage::Sparse),
            Rips::builder().storage(Storage::Dense),
            Rips::builder().storage(Storage::Sparse),
        ] {
            prop_assert_eq!(&run(b), &first);
        }
    }

    /// `distance_matrix` gives the very distances of a run on the points
    /// (ripser.py's `dperm2all`): a run on that matrix is the run on the
    /// points, bit for bit, and each entry is the metric's distance (to
    /// rounding: the engine's Euclidean loop sums squares in its own order).
    #[test]
    fn distance_matrix_is_the_runs_own(p in cloud(16), m in metric_strategy(), t in prop::option::of(0.0f64..2.5)) {
        let n = p.nrows();
        let mut b = Rips::builder().max_dim((n - 1).min(2)).metric(m);
        if let Some(t) = t {
            b = b.threshold(t);
        }
        let rips = b.build().unwrap();
        let d = rips.distance_matrix(p.view()).unwrap();
        prop_assert_eq!(d.dim(), (n, n));
        for i in 0..n {
            prop_assert_eq!(d[[i, i]], 0.0);
            for j in 0..n {
                prop_assert_eq!(d[[i, j]].to_bits(), d[[j, i]].to_bits());
                let want = m.distance(&p.row(i).to_vec(), &p.row(j).to_vec());
                prop_assert!((d[[i, j]] - want).abs() <= 1e-12 * want.max(1.0));
            }
        }
        prop_assert_eq!(
            rips.run(RipsInput::DistanceMatrix(d.view())).unwrap().diagrams,
            rips.run(RipsInput::Points(p.view())).unwrap().diagrams
        );
    }

    #[test]
    fn batch_equals_one_by_one_on_any_thread_count(
        clouds in prop::collection::vec((2usize..12).prop_flat_map(|n| {
            prop::collection::vec(-1.0f64..1.0, n * 2)
                .prop_map(move |v| Array2::from_shape_vec((n, 2), v).unwrap())
        }), 1..7),
        t in prop::option::of(0.2f64..2.0),
    ) {
        let mut b = Rips::builder().max_dim(1);
        if let Some(t) = t {
            b = b.threshold(t);
        }
        let rips = b.build().unwrap();
        let mats: Vec<Array2<f64>> = clouds
            .iter()
            .map(|p| {
                let n = p.nrows();
                Array2::from_shape_fn((n, n), |(i, j)| {
                    Metric::Euclidean.distance(&p.row(i).to_vec(), &p.row(j).to_vec())
                })
            })
            .collect();
        // Points and matrices mixed: a matrix has no dimension to check.
        let inputs: Vec<RipsInput> = clouds
            .iter()
            .zip(&mats)
            .enumerate()
            .map(|(k, (p, d))| if k % 3 == 2 { RipsInput::DistanceMatrix(d.view()) } else { RipsInput::Points(p.view()) })
            .collect();
        let one_by_one: Vec<RipsOutput> = inputs.iter().map(|i| rips.run(*i).unwrap()).collect();
        for threads in [1, 2, 4] {
            let batch = pool(threads).install(|| rips.run_batch(&inputs)).unwrap();
            prop_assert_eq!(&batch, &one_by_one, "{} threads", threads);
        }
    }
}

#[test]
fn batch_errors_name_the_cloud() {
    let a = Array2::from_shape_fn((5, 2), |(i, j)| (i * 2 + j) as f64);
    let b = Array2::from_shape_fn((5, 3), |(i, j)| (i * 3 + j) as f64);
    let c = Array2::from_shape_fn((4, 2), |(i, j)| (i + j) as f64);
    let mut bad = c.clone();
    bad[[1, 1]] = f64::NAN;
    let rips = Rips::builder().build().unwrap();
    fn p(x: &Array2<f64>) -> RipsInput<'_> {
        RipsInput::Points(x.view())
    }
    // Dimensions: the first differing cloud, before anything runs.
    assert_eq!(
        rips.run_batch(&[p(&a), p(&bad), p(&b), p(&b)]),
        Err(Error::DimensionMismatch {
            index: 2,
            expected: 2,
            found: 3
        })
    );
    let d = Array2::<f64>::zeros((3, 3));
    let b32 = b.mapv(|v| v as f32);
    assert_eq!(
        rips.run_batch(&[
            RipsInput::DistanceMatrix(d.view()),
            RipsInput::PointsF32(b32.view()),
            p(&a)
        ]),
        Err(Error::DimensionMismatch {
            index: 2,
            expected: 3,
            found: 2
        })
    );
    // Runs: the lowest-index failure, on any thread count.
    let neg = Array2::from_shape_vec((2, 2), vec![0.0, -1.0, -1.0, 0.0]).unwrap();
    let inputs = [p(&a), p(&c), RipsInput::DistanceMatrix(neg.view()), p(&bad)];
    for threads in [1, 2, 4] {
        assert_eq!(
            pool(threads).install(|| rips.run_batch(&inputs)),
            Err(Error::InBatch {
                index: 2,
                error: Box::new(Error::NegativeDistance {
                    row: 0,
                    col: 1,
                    value: -1.0
                })
            })
        );
    }
    assert_eq!(rips.run_batch(&[]), Ok(vec![]));
}

#[test]
fn sparse_constructor_errors_name_the_entry() {
    let t = SparseDistances::from_triplets;
    assert_eq!(t(0, &[], &[], &[]), Err(Error::Empty));
    assert_eq!(
        t(3, &[0, 1], &[1], &[1.0, 2.0]),
        Err(Error::LengthMismatch {
            what: "cols",
            len: 1,
            expected: 2
        })
    );
    assert_eq!(
        t(3, &[0], &[1], &[1.0, 2.0]),
        Err(Error::LengthMismatch {
            what: "values",
            len: 2,
            expected: 1
        })
    );
    assert_eq!(
        t(3, &[0, 1], &[1, 3], &[1.0, 2.0]),
        Err(Error::IndexOutOfRange {
            entry: 1,
            row: 1,
            col: 3,
            points: 3
        })
    );
    assert_eq!(
        t(3, &[0, 1], &[1, 2], &[1.0, f64::NAN]),
        Err(Error::NonFinite { index: 1 })
    );
    assert_eq!(
        t(3, &[0, 1], &[1, 2], &[f64::INFINITY, 1.0]),
        Err(Error::NonFinite { index: 0 })
    );
    assert_eq!(
        t(3, &[0, 2], &[1, 1], &[1.0, -0.5]),
        Err(Error::NegativeDistance {
            row: 2,
            col: 1,
            value: -0.5
        })
    );
    assert_eq!(
        t(3, &[2, 2], &[2, 2], &[1.0, 1.0]),
        Err(Error::DuplicateEntry {
            row: 2,
            col: 2,
            entry: 1
        })
    );
    // Repeated upper places: the earliest second entry is named; repeated
    // lower places are not read.
    assert_eq!(
        t(
            4,
            &[0, 1, 1, 0, 0],
            &[2, 0, 2, 2, 3],
            &[1.0, 1.0, 2.0, 3.0, 3.0]
        ),
        Err(Error::DuplicateEntry {
            row: 0,
            col: 2,
            entry: 3
        })
    );
    assert!(t(3, &[1, 1], &[0, 0], &[1.0, 2.0]).is_ok());
    let c = SparseDistances::from_csr;
    assert_eq!(
        c(3, &[0, 1, 2], &[1, 2], &[1.0, 1.0]),
        Err(Error::LengthMismatch {
            what: "indptr",
            len: 3,
            expected: 4
        })
    );
    assert_eq!(
        c(2, &[0, 1, 2], &[1, 0], &[1.0]),
        Err(Error::LengthMismatch {
            what: "data",
            len: 1,
            expected: 2
        })
    );
    assert_eq!(
        c(2, &[0, 1, 1], &[1, 0], &[1.0, 1.0]),
        Err(Error::LengthMismatch {
            what: "indices",
            len: 2,
            expected: 1
        })
    );
    assert!(matches!(
        c(2, &[1, 1, 2], &[1, 0], &[1.0, 1.0]),
        Err(Error::InvalidParameter { name: "indptr", .. })
    ));
    assert!(matches!(
        c(3, &[0, 2, 1, 2], &[1, 2], &[1.0, 1.0]),
        Err(Error::InvalidParameter { name: "indptr", .. })
    ));
    assert_eq!(
        c(2, &[0, 1, 2], &[5, 0], &[1.0, 1.0]),
        Err(Error::IndexOutOfRange {
            entry: 0,
            row: 0,
            col: 5,
            points: 2
        })
    );
    assert_eq!(
        c(2, &[0, 1, 2], &[1, 0], &[1.0, -1.0]),
        Err(Error::NegativeDistance {
            row: 1,
            col: 0,
            value: -1.0
        })
    );
    let s = c(3, &[0, 2, 3, 3], &[1, 2, 2], &[1.0, 2.0, 1.5]).unwrap();
    assert_eq!((s.n_points(), s.num_edges()), (3, 3));
    assert_eq!(s.vertex_births(), &[0.0; 3]);
}

#[test]
fn n_perm_errors_name_the_value() {
    let p = Array2::from_shape_fn((5, 2), |(i, j)| (i * 2 + j) as f64);
    assert!(matches!(
        Rips::builder().n_perm(Some(0)).build(),
        Err(Error::InvalidParameter { name: "n_perm", ref value, .. }) if value == "0"
    ));
    let rips = Rips::builder().n_perm(Some(6)).build().unwrap();
    assert!(matches!(
        rips.run(RipsInput::Points(p.view())),
        Err(Error::InvalidParameter { name: "n_perm", ref value, .. }) if value == "6"
    ));
    let d = Array2::<f32>::zeros((4, 4));
    assert!(matches!(
        rips.run(RipsInput::DistanceMatrixF32(d.view())),
        Err(Error::InvalidParameter { name: "n_perm", ref value, .. }) if value == "6"
    ));
    let s = SparseDistances::from_triplets(3, &[0], &[1], &[1.0]).unwrap();
    let small = Rips::builder().n_perm(Some(2)).build().unwrap();
    assert!(matches!(
        small.run(RipsInput::Sparse(&s)),
        Err(Error::InvalidParameter { name: "n_perm", ref value, .. }) if value == "2"
    ));
    // n_perm equal to the number of points: no subsample, as ripser.py.
    let all = Rips::builder().n_perm(Some(5)).build().unwrap();
    let out = all.run(RipsInput::Points(p.view())).unwrap();
    assert_eq!(out.idx_perm, Some(vec![0, 1, 2, 3, 4]));
    assert_eq!(out.r_cover, 0.0);
    assert_eq!(out.diagrams, Rips::new().compute(p.view()).unwrap());
}

#[test]
fn f32_input_errors_are_those_of_f64() {
    let rips = Rips::builder().build().unwrap();
    let mut p = Array2::<f32>::zeros((3, 2));
    p[[2, 1]] = f32::NAN;
    assert_eq!(
        rips.run(RipsInput::PointsF32(p.view())),
        Err(Error::NonFinite { index: 5 })
    );
    let mut d = Array2::<f32>::zeros((3, 3));
    d[[0, 1]] = 1.0;
    assert_eq!(
        rips.run(RipsInput::DistanceMatrixF32(d.view())),
        Err(Error::NotSymmetric { row: 1, col: 0 })
    );
    d[[1, 0]] = 1.0;
    d[[2, 2]] = 0.5;
    assert_eq!(
        rips.run(RipsInput::DistanceMatrixF32(d.view())),
        Err(Error::NonZeroDiagonal {
            index: 2,
            value: 0.5
        })
    );
    let empty = Array2::<f32>::zeros((0, 2));
    assert_eq!(
        rips.run(RipsInput::PointsF32(empty.view())),
        Err(Error::Empty)
    );
}

#[test]
fn sparse_input_parameters_and_memory() {
    let s = SparseDistances::from_triplets(3, &[0, 1], &[1, 2], &[1.0, 1.0]).unwrap();
    assert!(matches!(
        Rips::builder()
            .max_dim(3)
            .build()
            .unwrap()
            .run(RipsInput::Sparse(&s)),
        Err(Error::DimensionTooLarge {
            max_dim: 3,
            points: 3
        })
    ));
    assert!(matches!(
        Rips::builder()
            .memory_limit(100)
            .build()
            .unwrap()
            .run(RipsInput::Sparse(&s)),
        Err(Error::TooLarge(MemoryError { limit: 100, .. }))
    ));
    // No edges at all: every point essential, whatever the threshold.
    let lonely = SparseDistances::from_triplets(4, &[], &[], &[]).unwrap();
    let out = Rips::builder()
        .build()
        .unwrap()
        .run(RipsInput::Sparse(&lonely))
        .unwrap();
    assert_eq!(bars(&out.diagrams[0]), vec![(0.0, None); 4]);
    assert_eq!(out.num_edges, 0);
    // A threshold below every edge: none enters.
    let out = Rips::builder()
        .threshold(0.5)
        .build()
        .unwrap()
        .run(RipsInput::Sparse(&s))
        .unwrap();
    assert_eq!((out.num_edges, out.diagrams[0].len()), (0, 3));
}

#[test]
fn distance_matrix_errors_name_the_problem() {
    let rips = Rips::new().build().unwrap();
    let empty = Array2::<f64>::zeros((0, 2));
    assert!(matches!(
        rips.distance_matrix(empty.view()),
        Err(Error::Empty)
    ));
    let no_coordinate = Array2::<f64>::zeros((3, 0));
    assert!(matches!(
        rips.distance_matrix(no_coordinate.view()),
        Err(Error::Shape {
            rows: 3,
            cols: 0,
            ..
        })
    ));
    let mut nan = Array2::<f64>::zeros((3, 2));
    nan[[1, 0]] = f64::NAN;
    assert!(matches!(
        rips.distance_matrix(nan.view()),
        Err(Error::NonFinite { .. })
    ));
    // 1000 x 1000 distances are 8 MB: over a 1 MB limit.
    let small = Rips::builder().memory_limit(1 << 20).build().unwrap();
    let cloud = Array2::<f64>::zeros((1000, 2));
    match small.distance_matrix(cloud.view()) {
        Err(Error::TooLarge(MemoryError {
            estimated_bytes,
            limit,
            ..
        })) => {
            assert_eq!(estimated_bytes, 8_000_000);
            assert_eq!(limit, 1 << 20);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn n_perm_memory_is_guarded() {
    let p = Array2::from_shape_fn((400, 2), |(i, j)| ((i * 37 + j * 101) % 97) as f64);
    // The full run does not fit; the subsample's does.
    let limit = 600_000;
    assert!(matches!(
        Rips::builder()
            .memory_limit(limit)
            .build()
            .unwrap()
            .run(RipsInput::Points(p.view())),
        Err(Error::TooLarge(_))
    ));
    let out = Rips::builder()
        .memory_limit(limit)
        .n_perm(Some(50))
        .build()
        .unwrap()
        .run(RipsInput::Points(p.view()))
        .unwrap();
    assert_eq!(out.idx_perm.as_ref().map(Vec::len), Some(50));
    assert!(matches!(
        Rips::builder()
            .memory_limit(limit)
            .n_perm(Some(399))
            .build()
            .unwrap()
            .run(RipsInput::Points(p.view())),
        Err(Error::TooLarge(_))
    ));
}
