//! Dimension 0: the minimum spanning forest of the threshold graph.
//!
//! All vertices are born at 0; every spanning-forest edge kills a component
//! at its diameter (Kruskal / Prim: the elder rule with equal births). These
//! edges are exactly the pivots of the dimension-0 coboundary reduction, so
//! they are *cleared* from the dimension-1 columns (Bauer 2021, Sec. 3.2 and
//! 5.4, which runs Kruskal's union-find over the edges sorted once). The
//! forest is the unique minimum one for the total order of [`Key`]s, so it is
//! the same whether built by Prim (dense, `O(n^2)`, no sort) or Kruskal.

use super::binomial::Binomial;
use super::cofaces::{key, Key};
use super::distance::{Dense, Space};
use rayon::prelude::*;

/// A rooted spanning forest: `parent[v]` is `NONE` at roots.
pub(crate) struct Forest {
    /// Parent of each vertex in its tree.
    pub parent: Vec<u32>,
    /// Diameters of the forest edges (the H0 deaths), in no particular order.
    pub deaths: Vec<f64>,
}

/// Bytes per edge of Kruskal's sorted edge list.
pub(crate) const KRUSKAL_EDGE_BYTES: u64 = std::mem::size_of::<(Key, u32, u32)>() as u64;

/// Bytes per vertex of the forest and its construction (Prim's or
/// Kruskal's, whichever is larger: Kruskal's adjacency lists, union-find,
/// queue and parents), with the H0 diagram and its sort.
pub(crate) const VERTEX_BYTES: u64 = 160;

/// Marks a root / a missing vertex.
pub(crate) const NONE: u32 = u32::MAX;

impl Forest {
    /// True if `{i, j}` is a forest edge.
    #[inline(always)]
    pub(crate) fn contains(&self, i: u32, j: u32) -> bool {
        self.parent[i as usize] == j || self.parent[j as usize] == i
    }

    /// Number of trees (essential H0 classes).
    pub(crate) fn components(&self) -> usize {
        self.parent.len() - self.deaths.len()
    }
}

#[inline(always)]
fn edge_key(binom: &Binomial, i: u32, j: u32, d: f64) -> Key {
    let (a, b) = if i > j { (i, j) } else { (j, i) };
    key(d, binom.get(a as usize, 2) + b as u64)
}

/// Prim's algorithm on the full matrix, edges `<= threshold` only.
pub(crate) fn prim(space: &Dense, binom: &Binomial, threshold: f64) -> Forest {
    let n = space.n();
    let mut best = vec![Key::MAX; n];
    let mut from = vec![NONE; n];
    let mut done = vec![false; n];
    let mut parent = vec![NONE; n];
    let mut deaths = Vec::with_capacity(n.saturating_sub(1));
    let mut current = 0u32;
    for _ in 0..n {
        // `current` joins the forest; relax its edges.
        done[current as usize] = true;
        let mut next = NONE;
        let mut next_key = Key::MAX;
        for w in 0..n as u32 {
            if done[w as usize] {
                continue;
            }
            let d = space.dist(current, w);
            if d <= threshold {
                let k = edge_key(binom, current, w, d);
                if k < best[w as usize] {
                    best[w as usize] = k;
                    from[w as usize] = current;
                }
            }
            if best[w as usize] < next_key || next == NONE {
                next_key = best[w as usize];
                next = w;
            }
        }
        if next == NONE {
            break;
        }
        if next_key != Key::MAX {
            parent[next as usize] = from[next as usize];
            deaths.push(super::cofaces::key_diam(next_key));
        }
        current = next;
    }
    Forest { parent, deaths }
}

/// The edges of a store with their keys, in filtration order (Kruskal's
/// order, and ripser's for H0: by diameter, ties by decreasing index).
pub(crate) fn sorted_edges<S: Space>(space: &S, binom: &Binomial) -> Vec<(Key, u32, u32)> {
    let mut count = 0usize;
    space.for_each_edge(|_, _, _| count += 1);
    // Exactly sized: the memory guard counts KRUSKAL_EDGE_BYTES per edge.
    let mut edges: Vec<(Key, u32, u32)> = Vec::with_capacity(count);
    space.for_each_edge(|i, j, d| edges.push((edge_key(binom, i, j, d), i, j)));
    // Keys are distinct (edge indices are), so the order is the same
    // whichever sort runs.
    if super::reduction::use_threads() {
        edges.par_sort_unstable_by_key(|e| e.0);
    } else {
        edges.sort_unstable_by_key(|e| e.0);
    }
    edges
}

/// The root of `v` in the union-find forest `uf`, halving the path.
pub(crate) fn find(uf: &mut [u32], mut v: u32) -> u32 {
    while uf[v as usize] != v {
        let g = uf[uf[v as usize] as usize];
        uf[v as usize] = g;
        v = g;
    }
    v
}

/// Kruskal's algorithm over the edges of any store.
pub(crate) fn kruskal<S: Space>(space: &S, binom: &Binomial) -> Forest {
    let n = space.n();
    let edges = sorted_edges(space, binom);
    let mut uf: Vec<u32> = (0..n as u32).collect();
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut deaths = Vec::with_capacity(n.saturating_sub(1));
    for &(k, i, j) in &edges {
        let (a, b) = (find(&mut uf, i), find(&mut uf, j));
        if a != b {
            uf[a as usize] = b;
            adj[i as usize].push(j);
            adj[j as usize].push(i);
            deaths.push(super::cofaces::key_diam(k));
        }
    }
    // Root every tree (breadth first) to get parent pointers.
    let mut parent = vec![NONE; n];
    let mut seen = vec![false; n];
    let mut queue = Vec::new();
    for r in 0..n {
        if seen[r] {
            continue;
        }
        seen[r] = true;
        queue.clear();
        queue.push(r as u32);
        while let Some(v) = queue.pop() {
            for &w in &adj[v as usize] {
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    parent[w as usize] = v;
                    queue.push(w);
                }
            }
        }
    }
    Forest { parent, deaths }
}
