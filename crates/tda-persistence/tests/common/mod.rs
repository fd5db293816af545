//! Slow, obviously-correct references and fixture loading shared by the tests.
#![allow(dead_code)]

use serde::Deserialize;
use tda_persistence::{CriticalPair, Diagram, PersistencePair};

pub mod rips_ref;
pub mod ripser;

/// A fixture bar: `[birth, death]`, `None` for an infinite death.
pub type Bar = (f64, Option<f64>);

/// Bars of a diagram in fixture form, in canonical order.
pub fn bars(d: &Diagram) -> Vec<Bar> {
    d.iter()
        .map(|p| (p.birth, p.death.is_finite().then_some(p.death)))
        .collect()
}

/// Sorts fixture bars like a diagram (birth, then death with None last).
pub fn sorted(mut b: Vec<Bar>) -> Vec<Bar> {
    b.sort_by(|x, y| {
        x.0.total_cmp(&y.0).then(
            x.1.unwrap_or(f64::INFINITY)
                .total_cmp(&y.1.unwrap_or(f64::INFINITY)),
        )
    });
    b
}

#[derive(Deserialize)]
pub struct SignalFixture {
    pub name: String,
    pub x: Vec<f64>,
    pub gudhi_h0: Vec<Bar>,
    pub gudhi_h0_superlevel: Vec<Bar>,
    pub ripser_h0: Vec<Bar>,
}

#[derive(Deserialize)]
pub struct CubicalDiagrams {
    pub h0: Vec<Bar>,
    pub h1: Vec<Bar>,
    pub critical: CriticalPixels,
}

/// gudhi's critical pixels (row-major): `[birth, death]` of the finite
/// pairs, sorted, and the birth pixels of the essential classes.
#[derive(Deserialize)]
pub struct CriticalPixels {
    pub h0: Vec<(usize, usize)>,
    pub h0_essential: Vec<usize>,
    pub h1: Vec<(usize, usize)>,
    pub h1_essential: Vec<usize>,
}

#[derive(Deserialize)]
pub struct ImageFixture {
    pub name: String,
    pub shape: (usize, usize),
    pub values: Vec<f64>,
    pub vertices: CubicalDiagrams,
    pub top_dimensional_cells: CubicalDiagrams,
}

#[derive(Deserialize)]
struct SignalFile {
    signals: Vec<SignalFixture>,
}

#[derive(Deserialize)]
struct ImageFile {
    images: Vec<ImageFixture>,
}

pub fn signal_fixtures() -> Vec<SignalFixture> {
    let text = include_str!("../fixtures/sublevel.json");
    serde_json::from_str::<SignalFile>(text)
        .expect("fixture parses")
        .signals
}

pub fn image_fixtures() -> Vec<ImageFixture> {
    let text = include_str!("../fixtures/cubical.json");
    serde_json::from_str::<ImageFile>(text)
        .expect("fixture parses")
        .images
}

/// Sublevel H0 by Kruskal's union-find over the path edges sorted by value.
///
/// Vertices are ordered by `(x[i], i)`; an edge enters with its higher
/// vertex. When two components merge, the one with the later minimum dies.
pub fn h0_union_find(x: &[f64]) -> (Diagram, Vec<CriticalPair>) {
    let n = x.len();
    let before = |a: usize, b: usize| x[a] < x[b] || (x[a] == x[b] && a < b);
    let top = |i: usize| if before(i, i + 1) { i + 1 } else { i };
    let mut edges: Vec<usize> = (0..n.saturating_sub(1)).collect();
    edges.sort_by(|&e, &f| {
        let (a, b) = (top(e), top(f));
        // As numbers (-0.0 == 0.0, like `before`), then index.
        (x[a] + 0.0).total_cmp(&(x[b] + 0.0)).then(a.cmp(&b))
    });
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut v: usize) -> usize {
        while p[v] != v {
            v = p[v];
        }
        v
    }
    let mut out = Vec::new();
    for e in edges {
        let (ra, rb) = (find(&mut parent, e), find(&mut parent, e + 1));
        // Roots are the minima of their components.
        let (old, young) = if before(ra, rb) { (ra, rb) } else { (rb, ra) };
        parent[young] = old;
        let t = top(e);
        if x[young] != x[t] {
            out.push((
                PersistencePair::new(x[young], x[t]),
                CriticalPair {
                    birth_index: young,
                    death_index: Some(t),
                },
            ));
        }
    }
    let root = (0..n).fold(0, |m, i| if before(i, m) { i } else { m });
    out.push((
        PersistencePair::new(x[root], f64::INFINITY),
        CriticalPair {
            birth_index: root,
            death_index: None,
        },
    ));
    out.sort_by(|a, b| {
        a.0.canonical_cmp(&b.0)
            .then(a.1.birth_index.cmp(&b.1.birth_index))
    });
    let (pairs, crit) = out.into_iter().unzip();
    (Diagram { dim: 0, pairs }, crit)
}

/// A cell of a 2-D cubical complex for the dense reference.
struct Cell {
    dim: usize,
    value: f64,
    boundary: Vec<usize>,
}

/// The cubical complex on a `rows x cols` vertex grid with cell values from
/// `value(dim, r, c, kind)`; returns the cells in id order.
fn grid_complex(rows: usize, cols: usize, value: impl Fn(&[(usize, usize)]) -> f64) -> Vec<Cell> {
    let vid = |r: usize, c: usize| r * cols + c;
    let mut cells: Vec<Cell> = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            cells.push(Cell {
                dim: 0,
                value: value(&[(r, c)]),
                boundary: vec![],
            });
        }
    }
    let mut hedge = std::collections::HashMap::new();
    let mut vedge = std::collections::HashMap::new();
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols {
                hedge.insert((r, c), cells.len());
                cells.push(Cell {
                    dim: 1,
                    value: value(&[(r, c), (r, c + 1)]),
                    boundary: vec![vid(r, c), vid(r, c + 1)],
                });
            }
            if r + 1 < rows {
                vedge.insert((r, c), cells.len());
                cells.push(Cell {
                    dim: 1,
                    value: value(&[(r, c), (r + 1, c)]),
                    boundary: vec![vid(r, c), vid(r + 1, c)],
                });
            }
        }
    }
    for r in 0..rows.saturating_sub(1) {
        for c in 0..cols.saturating_sub(1) {
            let corners = [(r, c), (r, c + 1), (r + 1, c), (r + 1, c + 1)];
            let boundary = vec![
                hedge[&(r, c)],
                hedge[&(r + 1, c)],
                vedge[&(r, c)],
                vedge[&(r, c + 1)],
            ];
            cells.push(Cell {
                dim: 2,
                value: value(&corners),
                boundary,
            });
        }
    }
    cells
}

/// Standard Z/2 boundary-matrix reduction; returns bars per dimension 0..=1.
fn reduce(cells: &[Cell]) -> [Vec<Bar>; 2] {
    let mut order: Vec<usize> = (0..cells.len()).collect();
    order.sort_by(|&a, &b| {
        cells[a]
            .value
            .total_cmp(&cells[b].value)
            .then(cells[a].dim.cmp(&cells[b].dim))
            .then(a.cmp(&b))
    });
    let mut pos = vec![0; cells.len()];
    for (p, &c) in order.iter().enumerate() {
        pos[c] = p;
    }
    let mut columns: Vec<Vec<usize>> = order
        .iter()
        .map(|&c| {
            let mut col: Vec<usize> = cells[c].boundary.iter().map(|&f| pos[f]).collect();
            col.sort_unstable();
            col
        })
        .collect();
    let mut owner_of_low: std::collections::HashMap<usize, usize> = Default::default();
    let mut paired = vec![false; cells.len()];
    let mut out: [Vec<Bar>; 2] = [vec![], vec![]];
    for j in 0..columns.len() {
        while let Some(&low) = columns[j].last() {
            match owner_of_low.get(&low) {
                Some(&k) => columns[j] = add_z2(&columns[j], &columns[k]),
                None => {
                    owner_of_low.insert(low, j);
                    paired[low] = true;
                    paired[j] = true;
                    let (b, d) = (cells[order[low]].value, cells[order[j]].value);
                    if b != d {
                        out[cells[order[low]].dim].push((b, Some(d)));
                    }
                    break;
                }
            }
        }
    }
    for (p, &c) in order.iter().enumerate() {
        if !paired[p] && cells[c].dim < 2 {
            out[cells[c].dim].push((cells[c].value, None));
        }
    }
    out.map(sorted)
}

/// Dense reference for gudhi `CubicalComplex(vertices=img)`.
pub fn cubical_vertices_reference(img: &[f64], h: usize, w: usize) -> [Vec<Bar>; 2] {
    let cells = grid_complex(h, w, |vs| {
        vs.iter()
            .map(|&(r, c)| img[r * w + c])
            .fold(f64::NEG_INFINITY, f64::max)
    });
    reduce(&cells)
}

/// Dense reference for gudhi `CubicalComplex(top_dimensional_cells=img)`:
/// pixels are squares of an `(h+1) x (w+1)` vertex grid; lower cells take the
/// minimum of the pixels they touch.
pub fn cubical_top_reference(img: &[f64], h: usize, w: usize) -> [Vec<Bar>; 2] {
    let pixel_min = |vs: &[(usize, usize)]| {
        // Pixels (r, c) whose closed square contains every vertex in vs.
        let mut m = f64::INFINITY;
        for r in 0..h {
            for c in 0..w {
                if vs
                    .iter()
                    .all(|&(vr, vc)| (vr == r || vr == r + 1) && (vc == c || vc == c + 1))
                {
                    m = m.min(img[r * w + c]);
                }
            }
        }
        m
    };
    reduce(&grid_complex(h + 1, w + 1, pixel_min))
}

/// Sum over Z/2 of two sorted columns of row indices (the symmetric difference), sorted.
pub fn add_z2(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut sum: Vec<usize> = a.iter().chain(b).copied().collect();
    sum.sort_unstable();
    let mut reduced = Vec::with_capacity(sum.len());
    let mut i = 0;
    while i < sum.len() {
        if i + 1 < sum.len() && sum[i] == sum[i + 1] {
            i += 2;
        } else {
            reduced.push(sum[i]);
            i += 1;
        }
    }
    reduced
}
