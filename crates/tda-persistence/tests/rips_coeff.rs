//! Vietoris-Rips with coefficients in Z/p and representative cocycles:
//! ripser.py fixtures (`tools/gen_rips_coeff_fixtures.py`), cocycle checks
//! that do not rely on ripser (a cocycle, with the bar's pivot relation, and
//! not a coboundary at its birth, by elimination mod p), the real projective
//! plane's torsion, and the parameter errors.

mod common;

use common::{bars, sorted, Bar};
use ndarray::{Array2, ArrayView2};
use proptest::prelude::*;
use serde::Deserialize;
use tda_persistence::rips::{Cocycle, Rips, RipsInput, RipsOutput, Storage};
use tda_persistence::{Diagram, Error};

#[derive(Deserialize, Clone)]
struct Case {
    name: String,
    coeff: u32,
    maxdim: usize,
    threshold: Option<f64>,
    distance_matrix: bool,
    shape: (usize, usize),
    values: Vec<f64>,
    /// ripser.py's `dgms`, in its own order.
    dgms: Vec<Vec<Bar>>,
    /// ripser.py's `cocycles`, parallel to `dgms`: flat rows of `d + 2` ints.
    cocycles: Vec<Vec<Vec<i64>>>,
}

#[derive(Deserialize)]
struct File {
    cases: Vec<Case>,
}

fn cases() -> Vec<Case> {
    serde_json::from_str::<File>(include_str!("fixtures/rips_coeff/cases.json"))
        .expect("fixture parses")
        .cases
}

fn run_case(c: &Case) -> RipsOutput {
    run_case_in(c, Storage::Auto)
}

fn run_case_in(c: &Case, storage: Storage) -> RipsOutput {
    let a = Array2::from_shape_vec(c.shape, c.values.clone()).unwrap();
    let mut b = Rips::builder()
        .max_dim(c.maxdim)
        .coeff(c.coeff)
        .cocycles(true)
        .storage(storage);
    if let Some(t) = c.threshold {
        b = b.threshold(t);
    }
    let rips = b.build().unwrap();
    let input = if c.distance_matrix {
        RipsInput::DistanceMatrix(a.view())
    } else {
        RipsInput::Points(a.view())
    };
    rips.run(input).unwrap()
}

/// The case's distance matrix, row-major, computed as the engine does.
fn distances(c: &Case) -> Vec<f64> {
    if c.distance_matrix {
        return c.values.clone();
    }
    let (n, dim) = c.shape;
    let p = |i: usize| &c.values[i * dim..(i + 1) * dim];
    let mut d = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            d[i * n + j] = p(i)
                .iter()
                .zip(p(j))
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt();
        }
    }
    d
}

fn r32(x: f64) -> f64 {
    x as f32 as f64
}

/// Our bars rounded to f32, in diagram order (zero-length ones kept: the
/// fixtures' inputs are exact in f32, so none appears).
fn f32_bars(d: &Diagram) -> Vec<Bar> {
    d.iter()
        .map(|p| (r32(p.birth), p.death.is_finite().then(|| r32(p.death))))
        .collect()
}

/// A cocycle as ripser.py's rows: `d + 1` vertices (decreasing) and the coefficient.
fn rows(c: &Cocycle) -> Vec<i64> {
    (0..c.len())
        .flat_map(|k| {
            let (v, x) = c.simplex(k);
            v.iter().map(|&v| i64::from(v)).chain([i64::from(x)])
        })
        .collect()
}

#[test]
fn diagrams_equal_ripser_for_each_coeff() {
    for c in cases() {
        let out = run_case(&c);
        assert_eq!(out.diagrams.len(), c.maxdim + 1, "{}", c.name);
        for (d, (ours, theirs)) in out.diagrams.iter().zip(&c.dgms).enumerate() {
            assert_eq!(
                sorted(f32_bars(ours)),
                sorted(theirs.clone()),
                "{} H{d}",
                c.name
            );
        }
    }
}

/// Same filtration (the inputs are exact in f32), same reduction: the same
/// cocycles, bar for bar. ripser.py lists bars in reduction order; ours are
/// sorted by (birth, death) with ties in reduction order, i.e. a stable sort
/// of ripser.py's list.
#[test]
fn cocycles_equal_ripser() {
    for (c, storage) in cases()
        .into_iter()
        .flat_map(|c| [Storage::Dense, Storage::Sparse].map(|s| (c.clone(), s)))
    {
        let out = run_case_in(&c, storage);
        assert_eq!(out.cocycles.len(), c.maxdim + 1, "{}", c.name);
        assert!(out.cocycles[0].is_empty(), "no H0 cocycles, as ripser.py");
        assert!(c.cocycles[0].is_empty());
        for d in 1..=c.maxdim {
            let mut theirs: Vec<(Bar, &Vec<i64>)> =
                c.dgms[d].iter().copied().zip(&c.cocycles[d]).collect();
            theirs.sort_by(|x, y| {
                let k = |b: Bar| (b.0, b.1.unwrap_or(f64::INFINITY));
                let (a, b) = (k(x.0), k(y.0));
                a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
            });
            let ours = f32_bars(&out.diagrams[d]);
            assert_eq!(out.cocycles[d].len(), ours.len(), "{} H{d}", c.name);
            for (k, ((bar, cocycle), (tbar, trows))) in
                ours.iter().zip(&out.cocycles[d]).zip(&theirs).enumerate()
            {
                assert_eq!(bar, tbar, "{} H{d} bar {k}", c.name);
                assert_eq!(cocycle.dim, d);
                assert_eq!(
                    &rows(cocycle),
                    *trows,
                    "{} {storage:?} H{d} bar {k} {bar:?}",
                    c.name
                );
            }
        }
    }
}

#[test]
fn projective_plane_has_torsion() {
    let all = cases();
    let get = |name: &str| all.iter().find(|c| c.name == name).unwrap();
    let long = |c: &Case, d: usize| {
        let out = run_case(c);
        out.diagrams[d]
            .iter()
            .filter(|p| p.persistence() > 0.4)
            .count()
    };
    for d in [1, 2] {
        assert_eq!(long(get("rp2_40_p2"), d), 1, "H{d} over Z/2");
        assert_eq!(long(get("rp2_40_p3"), d), 0, "H{d} over Z/3");
    }
}

/// Simplices of dimension `k` of the full Rips complex within `t`, as
/// increasing vertex lists with their diameters.
fn simplices(d: &[f64], n: usize, k: usize, t: f64) -> Vec<(Vec<u32>, f64)> {
    let mut out = Vec::new();
    let mut stack: Vec<(Vec<u32>, f64)> = (0..n as u32).map(|v| (vec![v], 0.0)).collect();
    while let Some((verts, diam)) = stack.pop() {
        if verts.len() == k + 1 {
            out.push((verts, diam));
            continue;
        }
        for w in verts.last().unwrap() + 1..n as u32 {
            let dw = verts
                .iter()
                .map(|&v| d[v as usize * n + w as usize])
                .fold(diam, f64::max);
            if dw <= t {
                let mut v2 = verts.clone();
                v2.push(w);
                stack.push((v2, dw));
            }
        }
    }
    out
}

/// `(delta z)(tau) = sum_j (-1)^j z(tau - tau_j)`, `tau` increasing (Ripser's orientation).
fn coboundary_at(z: &std::collections::HashMap<Vec<u32>, u64>, tau: &[u32], p: u64) -> u64 {
    let mut s = 0;
    for j in 0..tau.len() {
        let face: Vec<u32> = tau
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != j)
            .map(|(_, &v)| v)
            .collect();
        if let Some(&c) = z.get(&face) {
            s = (s + if j % 2 == 0 { c } else { p - c }) % p;
        }
    }
    s
}

fn pow_mod(mut b: u64, mut e: u64, p: u64) -> u64 {
    let mut r = 1;
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % p;
        }
        b = b * b % p;
        e >>= 1;
    }
    r
}

/// Rank of a dense matrix mod p (rows of equal length), by elimination.
fn rank_mod(mut m: Vec<Vec<u64>>, p: u64) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..cols {
        let Some(r) = (rank..m.len()).find(|&r| m[r][col] != 0) else {
            continue;
        };
        m.swap(rank, r);
        let inv = pow_mod(m[rank][col], p - 2, p);
        let pivot: Vec<u64> = m[rank].iter().map(|&x| x * inv % p).collect();
        for (i, row) in m.iter_mut().enumerate() {
            if i != rank && row[col] != 0 {
                let f = row[col];
                for (x, &y) in row.iter_mut().zip(&pivot) {
                    *x = (*x + p - f * y % p) % p;
                }
            }
        }
        m[rank] = pivot;
        rank += 1;
    }
    rank
}

/// Checks every cocycle of `out` (inputs: distance matrix `d` of `n`
/// points, threshold `t`, coefficients `Z/p`) without ripser: it is a
/// cocycle up to its bar's death (its coboundary is zero on every simplex
/// with a smaller diameter, nonzero on one of the death's diameter, and zero
/// everywhere for an essential bar), it takes the bar's birth on its oldest
/// simplex, and, if `elimination`, it is not a coboundary in the complex at
/// its birth (rank over `Z/p`).
fn check_cocycles(out: &RipsOutput, d: &[f64], n: usize, t: f64, p: u32, elimination: bool) {
    let p64 = u64::from(p);
    let diam = |s: &[u32]| {
        let mut m = 0.0f64;
        for a in s {
            for b in s {
                m = m.max(d[*a as usize * n + *b as usize]);
            }
        }
        m
    };
    for (dim, cocycles) in out.cocycles.iter().enumerate().skip(1) {
        let bars = &out.diagrams[dim];
        assert_eq!(cocycles.len(), bars.len());
        let cofaces = simplices(d, n, dim + 1, t);
        for (bar, z) in bars.iter().zip(cocycles) {
            assert!(!z.is_empty());
            let mut map = std::collections::HashMap::new();
            for k in 0..z.len() {
                let (v, c) = z.simplex(k);
                assert!(c > 0 && c < p, "coefficient {c} in 1..{p}");
                assert!(v.windows(2).all(|w| w[0] > w[1]), "vertices decreasing");
                let mut inc = v.to_vec();
                inc.reverse();
                assert!(map.insert(inc, u64::from(c)).is_none(), "simplex repeated");
            }
            // Its oldest simplex (the column's) creates the bar: diameter = birth.
            let (first, c0) = z.simplex(0);
            assert_eq!(diam(first), bar.birth);
            assert_eq!(c0, 1);
            assert!((0..z.len()).all(|k| diam(z.simplex(k).0) >= bar.birth));
            // The pivot relation.
            let mut first_nonzero = f64::INFINITY;
            for (tau, td) in &cofaces {
                if coboundary_at(&map, tau, p64) != 0 {
                    first_nonzero = first_nonzero.min(*td);
                }
            }
            assert_eq!(first_nonzero, bar.death, "H{dim} {bar:?} coboundary");
            if !elimination {
                continue;
            }
            // Not a coboundary at birth: z restricted to K_birth is not in
            // the image of delta on K_birth.
            let b = bar.birth;
            let faces: Vec<Vec<u32>> = simplices(d, n, dim, b).into_iter().map(|s| s.0).collect();
            let lower: Vec<Vec<u32>> = simplices(d, n, dim - 1, b)
                .into_iter()
                .map(|s| s.0)
                .collect();
            let row_of: std::collections::HashMap<&Vec<u32>, usize> =
                faces.iter().enumerate().map(|(i, f)| (f, i)).collect();
            // Columns: delta of each (dim-1)-simplex of K_b, then z; rows: dim-simplices.
            let mut m = vec![vec![0u64; lower.len() + 1]; faces.len()];
            for (j, s) in lower.iter().enumerate() {
                for (r, f) in faces.iter().enumerate() {
                    // Is s a facet of f? Then the sign of the vertex f has in addition.
                    if let Some(pos) = (0..f.len()).find(|&q| {
                        f.iter()
                            .enumerate()
                            .filter(|&(i, _)| i != q)
                            .map(|(_, &v)| v)
                            .eq(s.iter().copied())
                    }) {
                        m[r][j] = if pos % 2 == 0 { 1 } else { p64 - 1 };
                    }
                }
            }
            let mut support = 0;
            for (f, &c) in &map {
                if let Some(&r) = row_of.get(f) {
                    m[r][lower.len()] = c;
                    support += 1;
                }
            }
            assert!(support > 0);
            let without: Vec<Vec<u64>> = m.iter().map(|r| r[..lower.len()].to_vec()).collect();
            assert_eq!(
                rank_mod(m, p64),
                rank_mod(without, p64) + 1,
                "H{dim} {bar:?}: a coboundary at its birth"
            );
        }
    }
}

fn threshold_of(c: &Case, d: &[f64]) -> f64 {
    let n = c.shape.0;
    let radius = (0..n)
        .map(|i| (0..n).map(|j| d[i * n + j]).fold(0.0, f64::max))
        .fold(f64::INFINITY, f64::min);
    c.threshold.map_or(radius, |t| t.min(radius))
}

#[test]
fn cocycles_are_cocycles_and_not_coboundaries() {
    for c in cases() {
        let out = run_case(&c);
        let d = distances(&c);
        let small = c.shape.0 <= 25;
        check_cocycles(&out, &d, c.shape.0, threshold_of(&c, &d), c.coeff, small);
    }
}

#[test]
fn large_prime_square() {
    // Four corners of a unit square: one loop [1, sqrt 2), and its cocycle
    // is the youngest edge of length 1 alone, for any p.
    let square = ndarray::array![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    for p in [2, 3, 65521, Rips::MAX_COEFF] {
        let rips = Rips::builder().coeff(p).cocycles(true).build().unwrap();
        assert_eq!(rips.coeff(), p);
        assert!(rips.cocycles());
        let out = rips.run(RipsInput::Points(square.view())).unwrap();
        assert_eq!(out.diagrams[1].len(), 1);
        assert_eq!(out.cocycles[1].len(), 1);
        assert_eq!(rows(&out.cocycles[1][0]), [1, 0, 1]);
        let d = distances_of(square.view());
        check_cocycles(&out, &d, 4, 2f64.sqrt(), p, true);
    }
}

#[test]
fn cocycles_off_by_default() {
    let rips = Rips::builder().max_dim(2).build().unwrap();
    assert_eq!(rips.coeff(), 2);
    assert!(!rips.cocycles());
    let c = &cases()[0];
    let a = Array2::from_shape_vec(c.shape, c.values.clone()).unwrap();
    let out = rips.run(RipsInput::Points(a.view())).unwrap();
    assert_eq!(out.cocycles.len(), 3);
    assert!(out.cocycles.iter().all(Vec::is_empty));
    // The diagrams do not depend on whether cocycles are asked for.
    let with = Rips::builder().max_dim(2).cocycles(true).build().unwrap();
    assert_eq!(
        with.run(RipsInput::Points(a.view())).unwrap().diagrams,
        out.diagrams
    );
}

#[test]
fn error_invalid_coeff() {
    for p in [0u32, 1, 4, 9, 91, 65535, 1 << 31, u32::MAX, 4_294_967_291] {
        match Rips::builder().coeff(p).build() {
            Err(Error::InvalidParameter { name, value, .. }) => {
                assert_eq!(name, "coeff");
                assert_eq!(value, p.to_string());
            }
            other => panic!("coeff {p}: {other:?}"),
        }
        // The builder's compute methods report it too.
        let pts = ndarray::array![[0.0], [1.0]];
        assert!(matches!(
            Rips::new().coeff(p).compute(pts.view()),
            Err(Error::InvalidParameter { name: "coeff", .. })
        ));
    }
}

fn distances_of(points: ArrayView2<f64>) -> Vec<f64> {
    let n = points.nrows();
    let mut d = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            d[i * n + j] = (&points.row(i) - &points.row(j))
                .mapv(|x| x * x)
                .sum()
                .sqrt();
        }
    }
    d
}

/// Slow reference: the bars `0..=max_dim` of the Rips filtration of `d`
/// within `t` over `Z/p`, by the standard reduction of the full boundary
/// matrix (simplices by diameter then dimension: the diagram does not depend
/// on how ties are broken, zero-length bars aside, which are omitted).
fn zp_reference(d: &[f64], n: usize, max_dim: usize, t: f64, p: u64) -> Vec<Vec<Bar>> {
    let mut all: Vec<(Vec<u32>, f64)> = (0..=max_dim + 1)
        .flat_map(|k| simplices(d, n, k, t))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.len().cmp(&b.0.len())));
    let index: std::collections::HashMap<Vec<u32>, usize> = all
        .iter()
        .enumerate()
        .map(|(i, s)| (s.0.clone(), i))
        .collect();
    let m = all.len();
    let mut low_owner: Vec<Option<Vec<u64>>> = vec![None; m]; // pivot row -> reduced column
    let mut killed = vec![false; m];
    let mut creates = vec![false; m];
    let mut bars = vec![Vec::new(); max_dim + 1];
    for (j, (verts, diam)) in all.iter().enumerate() {
        let mut col = vec![0u64; m];
        if verts.len() > 1 {
            for q in 0..verts.len() {
                let face: Vec<u32> = verts
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != q)
                    .map(|(_, &v)| v)
                    .collect();
                col[index[&face]] = if q % 2 == 0 { 1 } else { p - 1 };
            }
        }
        loop {
            let Some(low) = (0..m).rev().find(|&r| col[r] != 0) else {
                creates[j] = true;
                break;
            };
            if let Some(other) = &low_owner[low] {
                let f = col[low] * pow_mod(other[low], p - 2, p) % p;
                for (x, &y) in col.iter_mut().zip(other) {
                    *x = (*x + p - f * y % p) % p;
                }
                continue;
            }
            killed[low] = true;
            let (birth, dim) = (all[low].1, all[low].0.len() - 1);
            if *diam > birth && dim <= max_dim {
                bars[dim].push((birth, Some(*diam)));
            }
            low_owner[low] = Some(col);
            break;
        }
    }
    for (j, (verts, diam)) in all.iter().enumerate() {
        let dim = verts.len() - 1;
        if creates[j] && !killed[j] && dim <= max_dim {
            bars[dim].push((*diam, None));
        }
    }
    bars.into_iter().map(sorted).collect()
}

fn cloud() -> impl Strategy<Value = Array2<f64>> {
    // Small integer coordinates: many ties.
    (4usize..11, 2usize..4).prop_flat_map(|(n, dim)| {
        prop::collection::vec(0i32..4, n * dim).prop_map(move |v| {
            Array2::from_shape_vec((n, dim), v.into_iter().map(f64::from).collect()).unwrap()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Over Z/2 (the generic path's zero-sized field), Z/3, Z/5 and Z/7 on
    /// random small clouds (ties included): the diagrams equal a dense
    /// boundary-matrix reduction over Z/p, every cocycle passes the checks,
    /// and asking for cocycles does not change the diagrams.
    #[test]
    fn zp_engine_equals_reference_and_cocycles_hold(points in cloud(), p in prop::sample::select(vec![2u32, 3, 5, 7])) {
        let max_dim = 2.min(points.nrows() - 1);
        let rips = Rips::builder().max_dim(max_dim).coeff(p).cocycles(true).build().unwrap();
        let out = rips.run(RipsInput::Points(points.view())).unwrap();
        let d = distances_of(points.view());
        let n = points.nrows();
        let radius = (0..n)
            .map(|i| (0..n).map(|j| d[i * n + j]).fold(0.0, f64::max))
            .fold(f64::INFINITY, f64::min);
        check_cocycles(&out, &d, n, radius, p, true);
        let plain = Rips::builder().max_dim(max_dim).coeff(p).build().unwrap();
        prop_assert_eq!(&plain.compute(points.view()).unwrap(), &out.diagrams);
        let ours: Vec<Vec<Bar>> = out.diagrams.iter().map(bars).collect();
        prop_assert_eq!(ours, zp_reference(&d, n, max_dim, radius, u64::from(p)));
    }
}
