//! Edge collapse (Boissonnat-Pritam 2020, Glisse-Pritam 2022): the diagrams
//! with the collapse equal those without, exactly (f64 equality: the
//! collapse only removes or delays edges, bars keep their values), and the
//! ripser.py fixtures; the collapsed graph is never larger, and far smaller
//! on a dense example.

mod common;

use common::ripser::{cases, f32_bars, metric};
use common::sorted;
use ndarray::{Array2, ArrayView2};
use proptest::prelude::*;
use tda_persistence::rips::{collapse_edges, Collapse, Metric, Rips, RipsInput, Storage};
use tda_persistence::{Diagram, Error};

fn run(
    p: ArrayView2<f64>,
    max_dim: usize,
    t: Option<f64>,
    c: Collapse,
    s: Storage,
) -> Vec<Diagram> {
    let mut rips = Rips::new().max_dim(max_dim).collapse_edges(c).storage(s);
    if let Some(t) = t {
        rips = rips.threshold(t);
    }
    rips.compute(p.view()).unwrap()
}

fn run_matrix(d: ArrayView2<f64>, max_dim: usize, t: Option<f64>, c: Collapse) -> Vec<Diagram> {
    let mut rips = Rips::new().max_dim(max_dim).collapse_edges(c);
    if let Some(t) = t {
        rips = rips.threshold(t);
    }
    rips.compute_distance_matrix(d.view()).unwrap()
}

/// Integer coordinates: many equal distances (ties).
fn int_cloud() -> impl Strategy<Value = Array2<f64>> {
    (3usize..40, 1usize..4).prop_flat_map(|(n, k)| {
        prop::collection::vec((0i32..4).prop_map(f64::from), n * k)
            .prop_map(move |v| Array2::from_shape_vec((n, k), v).unwrap())
    })
}

/// Symmetric matrices of small integer distances (ties, not metric).
fn int_matrix() -> impl Strategy<Value = Array2<f64>> {
    (3usize..24).prop_flat_map(|n| {
        prop::collection::vec((1i32..8).prop_map(f64::from), n * n).prop_map(move |v| {
            Array2::from_shape_fn((n, n), |(i, j)| match i.cmp(&j) {
                std::cmp::Ordering::Equal => 0.0,
                std::cmp::Ordering::Less => v[i * n + j],
                std::cmp::Ordering::Greater => v[j * n + i],
            })
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn collapse_keeps_every_diagram_of_integer_clouds(
        p in int_cloud(),
        t in prop::option::of(0.0f64..4.0),
        max_dim in 1usize..3,
    ) {
        let max_dim = max_dim.min(p.nrows() - 1);
        for s in [Storage::Dense, Storage::Sparse] {
            let never = run(p.view(), max_dim, t, Collapse::Never, s);
            let always = run(p.view(), max_dim, t, Collapse::Always, s);
            prop_assert_eq!(&always, &never, "{:?}", s);
        }
    }

    #[test]
    fn collapse_keeps_every_diagram_of_random_clouds(
        p in (4usize..60, 2usize..4).prop_flat_map(|(n, k)| {
            prop::collection::vec(-1.0f64..1.0, n * k)
                .prop_map(move |v| Array2::from_shape_vec((n, k), v).unwrap())
        }),
        t in prop::option::of(0.2f64..1.5),
        max_dim in 1usize..3,
    ) {
        let never = run(p.view(), max_dim, t, Collapse::Never, Storage::Auto);
        let always = run(p.view(), max_dim, t, Collapse::Always, Storage::Auto);
        prop_assert_eq!(always, never);
    }

    #[test]
    fn collapse_keeps_every_diagram_of_distance_matrices(
        d in int_matrix(),
        t in prop::option::of(1.0f64..8.0),
        max_dim in 1usize..4,
    ) {
        let max_dim = max_dim.min(d.nrows() - 1);
        let never = run_matrix(d.view(), max_dim, t, Collapse::Never);
        let always = run_matrix(d.view(), max_dim, t, Collapse::Always);
        prop_assert_eq!(always, never);
    }
}

#[test]
fn equals_ripser_on_fixtures_with_collapse() {
    let cases = cases();
    for c in &cases {
        let a = Array2::from_shape_vec(c.shape, c.values.clone()).unwrap();
        let mut rips = Rips::new()
            .max_dim(c.maxdim)
            .metric(metric(&c.metric))
            .collapse_edges(Collapse::Always);
        if let Some(t) = c.threshold {
            rips = rips.threshold(t);
        }
        let out = if c.distance_matrix {
            rips.compute_distance_matrix(a.view()).unwrap()
        } else {
            rips.compute(a.view()).unwrap()
        };
        for (dim, expected) in c.dgms.iter().enumerate() {
            assert_eq!(
                &f32_bars(&out[dim]),
                &sorted(expected.clone()),
                "{} H{dim}",
                c.name
            );
        }
    }
}

/// All edges of a point cloud within `t`, as `(i, j, d)`.
fn edges_of(p: ArrayView2<f64>, t: f64) -> Vec<(u32, u32, f64)> {
    let mut e = Vec::new();
    for i in 0..p.nrows() {
        for j in 0..i {
            let d = Metric::Euclidean.distance(&p.row(i).to_vec(), &p.row(j).to_vec());
            if d <= t {
                e.push((i as u32, j as u32, d));
            }
        }
    }
    e
}

fn fibonacci_sphere(n: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, 3), |(i, k)| {
        let z = 1.0 - 2.0 * (i as f64 + 0.5) / n as f64;
        let r = (1.0 - z * z).sqrt();
        let a = i as f64 * std::f64::consts::PI * (3.0 - 5f64.sqrt());
        [r * a.cos(), r * a.sin(), z][k]
    })
}

#[test]
fn collapsed_graph_is_never_larger_and_far_smaller_when_dense() {
    let p = fibonacci_sphere(300);
    // gudhi 3's SimplexTree.collapse_edges keeps as many edges on these
    // graphs: 257 of 257, 894 of 2,734, 894 of 11,086 and 44,636 of the
    // 44,850 of the complete graph (at the largest distances the complex
    // is a cone, but the order of the backward pass leaves those edges).
    for (t, expected) in [(0.2, 257), (0.5, 894), (1.0, 894), (2.0, 44_636)] {
        let e = edges_of(p.view(), t);
        let kept = collapse_edges(p.nrows(), &e).unwrap();
        assert!(kept.len() <= e.len());
        assert_eq!(kept.len(), expected, "t = {t}");
        // Every kept edge is an input edge, at its own time or later, which
        // is the time of an input edge.
        let time: std::collections::HashMap<(u32, u32), f64> =
            e.iter().map(|&(i, j, f)| ((i, j), f)).collect();
        let times: std::collections::HashSet<u64> = e.iter().map(|x| x.2.to_bits()).collect();
        for &(i, j, f) in &kept {
            assert!(f >= time[&(i.max(j), i.min(j))]);
            assert!(times.contains(&f.to_bits()));
        }
        if t == 1.0 {
            assert!(kept.len() * 10 < e.len(), "{} of {}", kept.len(), e.len());
        }
    }
    // The sphere's H2 survives the collapse.
    let dgms = Rips::new()
        .max_dim(2)
        .threshold(0.5)
        .collapse_edges(Collapse::Always)
        .compute(p.view())
        .unwrap();
    let never = Rips::new()
        .max_dim(2)
        .threshold(0.5)
        .collapse_edges(Collapse::Never)
        .compute(p.view())
        .unwrap();
    assert_eq!(dgms, never);
    assert!(dgms[2].iter().any(|b| b.death - b.birth > 0.5));
}

#[test]
fn collapse_edges_refuses_bad_edges() {
    for e in [
        vec![(0, 3, 1.0)],
        vec![(1, 1, 1.0)],
        vec![(0, 1, 1.0), (1, 0, 2.0)],
        vec![(0, 1, f64::NAN)],
    ] {
        assert!(matches!(
            collapse_edges(3, &e),
            Err(Error::InvalidParameter { name: "edges", .. })
        ));
    }
    assert_eq!(collapse_edges(3, &[]).unwrap(), vec![]);
}

#[test]
fn the_setting_is_kept_and_auto_by_default() {
    assert_eq!(
        Rips::builder().build().unwrap().collapse_edges(),
        Collapse::Auto
    );
    let r = Rips::builder()
        .collapse_edges(Collapse::Never)
        .build()
        .unwrap();
    assert_eq!(r.collapse_edges(), Collapse::Never);
    // The run reports the edges of the filtration, not of its collapse.
    let p = fibonacci_sphere(100);
    let run = |c: Collapse| {
        Rips::builder()
            .max_dim(2)
            .threshold(0.6)
            .collapse_edges(c)
            .build()
            .unwrap()
            .run(RipsInput::Points(p.view()))
            .unwrap()
    };
    assert_eq!(run(Collapse::Always), run(Collapse::Never));
}

#[test]
fn the_memory_guard_refuses_with_and_without_collapse_alike() {
    // The collapse's structures (about 56 bytes an edge) take less than the
    // dimension-1 columns already counted for every edge, so a run refused
    // without the collapse is refused with it (with an estimate over the
    // limit), and one that fits without it fits with it, same diagrams.
    // On one thread: a parallel run also holds a window of partly reduced
    // columns, more of them without the collapse.
    let p = fibonacci_sphere(200);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let rips = |c: Collapse, limit: u64| {
        pool.install(|| {
            Rips::new()
                .max_dim(1)
                .threshold(1.0)
                .collapse_edges(c)
                .memory_limit(limit)
                .compute(p.view())
        })
    };
    let base = rips(Collapse::Never, u64::MAX).unwrap();
    let (mut refused, mut limit) = (0, 1u64 << 12);
    loop {
        match (rips(Collapse::Never, limit), rips(Collapse::Always, limit)) {
            (Err(Error::TooLarge(a)), Err(Error::TooLarge(b))) => {
                assert!(a.estimated_bytes > limit && b.estimated_bytes > limit);
                refused += 1;
            }
            (Ok(a), Ok(b)) => {
                assert_eq!(a, base);
                assert_eq!(b, base);
                break;
            }
            (a, b) => panic!("limit {limit}: {a:?} {b:?}"),
        }
        limit += limit / 16;
    }
    assert!(refused > 0);
}

#[test]
fn cocycles_are_those_of_the_uncollapsed_complex() {
    // Up to H2, Auto (and Always) would collapse; asking for cocycles turns
    // the collapse off, so they are cocycles of the Rips complex itself.
    let cloud = Array2::from_shape_fn((24, 3), |(i, j)| ((i * (j + 3) * 7) % 11) as f64);
    let out = |c: Collapse| {
        Rips::builder()
            .max_dim(2)
            .coeff(3)
            .cocycles(true)
            .collapse_edges(c)
            .build()
            .unwrap()
            .run(RipsInput::Points(cloud.view()))
            .unwrap()
    };
    let never = out(Collapse::Never);
    assert!(never.cocycles[1].len() + never.cocycles[2].len() > 0);
    assert_eq!(out(Collapse::Auto), never);
    assert_eq!(out(Collapse::Always), never);
}
