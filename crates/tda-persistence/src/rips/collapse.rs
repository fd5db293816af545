//! Edge collapse of the filtered graph before H1 and up.
//!
//! An edge `{u, v}` of a graph is *dominated* by a vertex `w` (adjacent to
//! both) when `N[u] ∩ N[v] ⊆ N[w]`, closed neighbourhoods. Removing a
//! dominated edge from a flag complex is a sequence of elementary collapses,
//! so the flag complex keeps its homotopy type (Boissonnat & Pritam, "Edge
//! collapse and persistence of flag complexes", SoCG 2020, Thm. 7). Along a
//! filtration, an edge that is dominated at the time it appears can be
//! *delayed* until the first time it stops being dominated, or removed if it
//! stays dominated to the end, and every complex of the filtration keeps its
//! homotopy type up to the shifted times, so all persistence diagrams
//! (dimension 0 included) are unchanged, bar for bar, with the exact same
//! values: an edge only moves to the filtration value of another edge.
//!
//! The order of the work is Glisse & Pritam's ("Swap, shift and trim to edge
//! collapse a filtration", SoCG 2022), the algorithm of gudhi's
//! `flag_complex_collapse_edges` and giotto-ph's `collapse_edges`: the edges
//! are processed *backwards*, from the last filtration value to the first,
//! each against the graph as the edges processed before it left it (moved or
//! removed) plus the edges still to come. For the current edge `e` at time
//! `t`:
//!
//! - its common neighbours are split into those present at `t` and the
//!   *later* ones (appearing at `max(f(u, w), f(v, w)) > t`);
//! - a dominator `w` of `e` at `t` is searched among the present ones
//!   (Glisse-Pritam Sec. 4, "shift": the edge is pushed forward past every
//!   time at which it stays dominated);
//! - while it is dominated, `e` is shifted to the next time a later common
//!   neighbour appears; if the dominator still covers it, the shift goes on
//!   (only a new common neighbour can break a domination: neighbourhoods
//!   only grow with time), else a new dominator is searched at that time;
//! - with no later common neighbour left, `e` stays dominated up to the end
//!   of the filtration and is removed ("trim"); otherwise it enters at the
//!   time reached, which the edges processed after it (earlier ones) see
//!   ("swap": moving an edge past later ones is a transposition of the
//!   filtration that keeps the diagrams, Glisse-Pritam Sec. 3).
//!
//! Each edge is handled once, by merges of sorted neighbour lists: the
//! backward order is what gives the algorithm its good complexity in
//! practice (the forward algorithm of Boissonnat-Pritam recomputes the
//! dominations of all edges at every step).

use super::distance::Space;
use crate::error::{Error, Result};

/// Whether the engine collapses edges before computing H1 and up (see
/// [`RipsBuilder::collapse_edges`](super::RipsBuilder::collapse_edges)).
///
/// The collapse (Boissonnat & Pritam, SoCG 2020; Glisse & Pritam, SoCG
/// 2022) removes or delays edges of the filtration without changing any
/// diagram: bars keep their exact values. It changes the complex the
/// cohomology is computed on, so representative cocycles computed after a
/// collapse would be cocycles of the collapsed complex, not of the Rips
/// complex: when cocycles are requested the engine does not collapse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Collapse {
    /// Collapse where it pays: when H2 or higher is computed
    /// (`max_dim >= 2`), where the collapse divides the number of
    /// triangles and tetrahedra the reduction enumerates (W3b, H0..H3 of
    /// o3_1024 at 1.8: 8.5x faster; W3's cloud to H2: 22x); not for H0 and
    /// H1 only, where this engine's reduction (apparent pairs on the fly)
    /// costs less than the collapse itself (W3: 9x slower with it, W3c:
    /// 1.25x; see docs/benchmarks.md). If the collapse's structures would
    /// not fit the memory limit, the run goes on without.
    #[default]
    Auto,
    /// Always collapse before H1 and up (a run whose collapse does not fit
    /// the memory limit fails with [`crate::Error::TooLarge`]).
    Always,
    /// Never collapse: every dimension on the graph of all edges within the
    /// threshold.
    Never,
}

impl Collapse {
    /// True if a run of dimensions up to `max_dim` collapses first.
    pub(crate) fn applies(self, max_dim: usize) -> bool {
        match self {
            Collapse::Never => false,
            Collapse::Always => max_dim >= 1,
            Collapse::Auto => max_dim >= 2,
        }
    }
}

/// Peak bytes of [`collapse`] on `edges` edges over `n` vertices and of
/// the sparse store built from its result, at most every edge kept (per
/// edge: 56 bytes, the larger of the two phases).
///
/// - The collapse: the ranked edge list (12 bytes an edge) and the time of
///   each rank (8), the closed neighbour lists (8 bytes per edge and
///   direction and per vertex; an offset and a length per vertex; or the
///   matrix of ranks of a dense graph, no larger), the
///   output (16 bytes an edge kept) and the per-edge scratch (at most a
///   vertex's neighbours, 12 bytes each): 52 bytes an edge. Before the
///   lists, the edges read from the store (16 bytes) and their ranked
///   copy: less.
/// - The store ([`Sparse::from_edges`](super::distance::Sparse::from_edges)):
///   the output, its sorted copy (16 bytes an edge) and the lists (24):
///   56 bytes an edge.
pub(crate) fn bytes(n: usize, edges: usize) -> u64 {
    let (n, e) = (n as u64, edges as u64);
    e.saturating_mul(56)
        .saturating_add(n.saturating_mul(8 + 8 + 4 + 12 + 16))
}

/// Closed neighbour lists: for every vertex `v`, its neighbours (and `v`
/// itself, at rank 0, before every edge) in increasing order, each packed
/// with the rank of the time its edge enters as `(w << 32) | rank`, in a
/// slice of fixed capacity of which the first `len[v]` entries are live
/// (removals shift the tail left). Ranks (the position of a filtration
/// value among the distinct ones, from 1) make every comparison an integer
/// one and an entry 8 bytes.
struct Graph {
    start: Vec<usize>,
    len: Vec<u32>,
    entry: Vec<u64>,
}

/// A rank absent edges compare above.
const ABSENT: u32 = u32::MAX;

#[inline(always)]
fn vertex(e: u64) -> u32 {
    (e >> 32) as u32
}

#[inline(always)]
fn rank(e: u64) -> u32 {
    e as u32
}

impl Graph {
    /// The lists of the edges `(rank, u, v)`.
    fn new(n: usize, edges: &[(u32, u32, u32)]) -> Self {
        let mut deg = vec![1u32; n];
        for &(_, u, v) in edges {
            deg[u as usize] += 1;
            deg[v as usize] += 1;
        }
        let mut start = vec![0usize; n + 1];
        for v in 0..n {
            start[v + 1] = start[v] + deg[v] as usize;
        }
        let mut entry = vec![0u64; start[n]];
        let mut len = deg;
        len.iter_mut().for_each(|l| *l = 0);
        let mut push = |a: u32, e: u64, len: &mut [u32]| {
            entry[start[a as usize] + len[a as usize] as usize] = e;
            len[a as usize] += 1;
        };
        for v in 0..n as u32 {
            push(v, u64::from(v) << 32, &mut len);
        }
        for &(r, u, v) in edges {
            push(u, (u64::from(v) << 32) | u64::from(r), &mut len);
            push(v, (u64::from(u) << 32) | u64::from(r), &mut len);
        }
        let mut g = Self { start, len, entry };
        for v in 0..n as u32 {
            let r = g.range(v);
            g.entry[r].sort_unstable();
        }
        g
    }

    #[inline(always)]
    fn range(&self, v: u32) -> std::ops::Range<usize> {
        let s = self.start[v as usize];
        s..s + self.len[v as usize] as usize
    }

    #[inline(always)]
    fn list(&self, v: u32) -> &[u64] {
        &self.entry[self.range(v)]
    }

    /// True if some list holds a vertex twice (an edge given twice).
    fn repeated(&self) -> Option<(u32, u32)> {
        (0..self.len.len() as u32).find_map(|v| {
            let l = self.list(v);
            l.windows(2)
                .find(|w| vertex(w[0]) == vertex(w[1]))
                .map(|w| (v, vertex(w[0])))
        })
    }

    /// Where `b` is in the list of `a`: `Ok(position in entry)` or `Err`.
    #[inline]
    fn find(&self, a: u32, b: u32) -> std::result::Result<usize, usize> {
        let r = self.range(a);
        let s = r.start;
        self.entry[r]
            .binary_search_by(|&e| vertex(e).cmp(&b))
            .map(|p| s + p)
    }

    /// The rank of the time edge `{a, b}` enters ([`ABSENT`] if absent).
    #[inline]
    fn rank_of(&self, a: u32, b: u32) -> u32 {
        self.find(a, b).map_or(ABSENT, |p| rank(self.entry[p]))
    }

    fn set_rank(&mut self, u: u32, v: u32, r: u32) {
        for (a, b) in [(u, v), (v, u)] {
            let p = self.find(a, b).expect("a live edge is in both lists");
            self.entry[p] = (u64::from(b) << 32) | u64::from(r);
        }
    }

    fn remove(&mut self, u: u32, v: u32) {
        for (a, b) in [(u, v), (v, u)] {
            let p = self.find(a, b).expect("a live edge is in both lists");
            let end = self.range(a).end;
            self.entry.copy_within(p + 1..end, p);
            self.len[a as usize] -= 1;
        }
    }

    /// The common neighbours `w` of `u` and `v` (`w != u, v`): those whose
    /// edges to both are present at rank `t` into `now` (increasing), the
    /// others into `later` as `(rank both are present << 32) | w`. Returns
    /// the position in `now` of the vertex nearest to the edge (smallest
    /// `max(f(u, w), f(v, w))`), the likeliest dominator.
    fn common(&self, u: u32, v: u32, t: u32, now: &mut Vec<u32>, later: &mut Vec<u64>) -> usize {
        let (nu, nv) = (self.list(u), self.list(v));
        let (mut i, mut j) = (0, 0);
        let (mut best, mut best_r) = (0, ABSENT);
        // A merge with branch-free steps (the comparisons are unpredictable).
        while i < nu.len() && j < nv.len() {
            let (eu, ev) = (nu[i], nv[j]);
            let (a, b) = (vertex(eu), vertex(ev));
            if a == b && a != u && a != v {
                let r = rank(eu).max(rank(ev));
                if r > t {
                    later.push((u64::from(r) << 32) | u64::from(a));
                } else {
                    if r < best_r {
                        (best, best_r) = (now.len(), r);
                    }
                    now.push(a);
                }
            }
            i += usize::from(a <= b);
            j += usize::from(b <= a);
        }
        best
    }

    /// True if every vertex of `set` (sorted increasingly) is in the closed
    /// neighbourhood of `c` at rank `t` (`c` itself is, at rank 0).
    fn covers(&self, c: u32, set: &[u32], t: u32) -> bool {
        let nc = self.list(c);
        if nc.len() < set.len() {
            return false;
        }
        let mut k = 0;
        if set.len() * 4 >= nc.len() {
            // Dense against the list: a plain merge.
            for &w in set {
                while k < nc.len() && vertex(nc[k]) < w {
                    k += 1;
                }
                if k == nc.len() || vertex(nc[k]) != w || rank(nc[k]) > t {
                    return false;
                }
                k += 1;
            }
            return true;
        }
        for &w in set {
            // Galloping from the last match: the set is sparse in the list.
            let mut step = 1;
            while k + step < nc.len() && vertex(nc[k + step]) < w {
                k += step;
                step *= 2;
            }
            let hi = (k + step + 1).min(nc.len());
            k += nc[k..hi].partition_point(|&e| vertex(e) < w);
            if k == nc.len() || vertex(nc[k]) != w || rank(nc[k]) > t {
                return false;
            }
            k += 1;
        }
        true
    }
}

/// The graph as the backward pass reads and changes it: [`Graph`]'s
/// neighbour lists, or [`Matrix`]'s ranks for dense graphs.
trait Neighbourhoods {
    /// See [`Graph::common`].
    fn common(&self, u: u32, v: u32, t: u32, now: &mut Vec<u32>, later: &mut Vec<u64>) -> usize;
    /// See [`Graph::covers`].
    fn covers(&self, c: u32, set: &[u32], t: u32) -> bool;
    /// See [`Graph::rank_of`].
    fn rank_of(&self, a: u32, b: u32) -> u32;
    /// Moves the live edge `{u, v}` to rank `r`.
    fn set_rank(&mut self, u: u32, v: u32, r: u32);
    /// Removes the live edge `{u, v}`.
    fn remove(&mut self, u: u32, v: u32);
}

impl Neighbourhoods for Graph {
    fn common(&self, u: u32, v: u32, t: u32, now: &mut Vec<u32>, later: &mut Vec<u64>) -> usize {
        Graph::common(self, u, v, t, now, later)
    }
    fn covers(&self, c: u32, set: &[u32], t: u32) -> bool {
        Graph::covers(self, c, set, t)
    }
    fn rank_of(&self, a: u32, b: u32) -> u32 {
        Graph::rank_of(self, a, b)
    }
    fn set_rank(&mut self, u: u32, v: u32, r: u32) {
        Graph::set_rank(self, u, v, r);
    }
    fn remove(&mut self, u: u32, v: u32) {
        Graph::remove(self, u, v);
    }
}

/// A dense graph as the `n x n` matrix of the ranks of its edges
/// ([`ABSENT`] off the graph, 0 on the diagonal: closed neighbourhoods):
/// common neighbours by one pass over two rows without the unpredictable
/// branches of a merge, a domination by one lookup per common neighbour
/// (gudhi's `GUDHI_COLLAPSE_USE_DENSE_ARRAY`).
struct Matrix {
    n: usize,
    rank: Vec<u32>,
}

impl Matrix {
    /// Use the matrix when its `4 n^2` bytes are at most this...
    const MAX_BYTES: u64 = 1 << 26;

    /// ...and the average degree `2 edges / n` is at least `n / 2`, where
    /// the matrix takes at most the 16 bytes an edge of the lists (so
    /// [`bytes`] holds for both). W3, degree 582 of 991 vertices: the
    /// collapse 1.6x faster than on lists; W3b, degree 65 of 1024: 1.5x
    /// slower.
    fn pays(n: usize, edges: usize) -> bool {
        let (n, e) = (n as u64, edges as u64);
        n.saturating_mul(n).saturating_mul(4) <= Self::MAX_BYTES && e.saturating_mul(4) >= n * n
    }

    fn new(n: usize, edges: &[(u32, u32, u32)]) -> Self {
        let mut rank = vec![ABSENT; n * n];
        for v in 0..n {
            rank[v * n + v] = 0;
        }
        for &(r, u, v) in edges {
            rank[u as usize * n + v as usize] = r;
            rank[v as usize * n + u as usize] = r;
        }
        Self { n, rank }
    }

    #[inline(always)]
    fn row(&self, v: u32) -> &[u32] {
        &self.rank[v as usize * self.n..(v as usize + 1) * self.n]
    }
}

impl Neighbourhoods for Matrix {
    fn common(&self, u: u32, v: u32, t: u32, now: &mut Vec<u32>, later: &mut Vec<u64>) -> usize {
        let (ru, rv) = (self.row(u), self.row(v));
        let (mut best, mut best_r) = (0, ABSENT);
        for (w, (&a, &b)) in ru.iter().zip(rv).enumerate() {
            let r = a.max(b);
            let w = w as u32;
            if r == ABSENT || w == u || w == v {
                continue; // not a common neighbour, or u or v itself
            }
            if r > t {
                later.push((u64::from(r) << 32) | u64::from(w));
            } else {
                if r < best_r {
                    (best, best_r) = (now.len(), r);
                }
                now.push(w);
            }
        }
        best
    }

    fn covers(&self, c: u32, set: &[u32], t: u32) -> bool {
        let rc = self.row(c);
        set.iter().all(|&w| rc[w as usize] <= t)
    }

    fn rank_of(&self, a: u32, b: u32) -> u32 {
        self.row(a)[b as usize]
    }

    fn set_rank(&mut self, u: u32, v: u32, r: u32) {
        let n = self.n;
        self.rank[u as usize * n + v as usize] = r;
        self.rank[v as usize * n + u as usize] = r;
    }

    fn remove(&mut self, u: u32, v: u32) {
        self.set_rank(u, v, ABSENT);
    }
}

/// The edges `(d, i, j)` as `(rank, i, j)` sorted by increasing time (ties
/// in a fixed order of the vertices), and the time of each rank (`-inf` at
/// rank 0, the rank of no edge).
fn ranked(mut edges: Vec<(f64, u32, u32)>) -> (Vec<(u32, u32, u32)>, Vec<f64>) {
    edges.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let mut values = vec![f64::NEG_INFINITY];
    let mut out = Vec::with_capacity(edges.len());
    for &(d, i, j) in &edges {
        if values.last() != Some(&d) {
            values.push(d);
        }
        out.push(((values.len() - 1) as u32, i, j));
    }
    (out, values)
}

/// The collapsed filtered graph of the edges of `space` within `threshold`:
/// edges `(i, j, f)`, each once, `f` the (possibly delayed) time the edge
/// enters, the flag complex of which has the same persistence diagrams as
/// that of `space` in every dimension.
pub(crate) fn collapse<S: Space>(space: &S, threshold: f64) -> Vec<(u32, u32, f64)> {
    let mut edges: Vec<(f64, u32, u32)> = Vec::new();
    space.for_each_edge(|i, j, d| {
        if d <= threshold {
            edges.push((d, i, j));
        }
    });
    let (edges, values) = ranked(edges);
    let n = space.n();
    if Matrix::pays(n, edges.len()) {
        backward(Matrix::new(n, &edges), &edges, &values)
    } else {
        backward(Graph::new(n, &edges), &edges, &values)
    }
}

/// The edge collapse of a filtered graph on `n` vertices given by its
/// edges `(i, j, f)`, `f` the filtration value at which the edge enters:
/// the edges that remain, each with the value at which it now enters (its
/// own or a later one), in no particular order. The flag complex of the
/// result has the same persistence diagrams as that of the input, in every
/// dimension: what [`Rips`](super::Rips) runs H1 and up on (see
/// [`Collapse`]), and what gudhi's `collapse_edges` computes.
///
/// ```
/// use tda_persistence::rips::collapse_edges;
/// // A filled triangle entering edge by edge: its last edge is dominated
/// // by the opposite vertex and goes.
/// let kept = collapse_edges(3, &[(0, 1, 1.0), (1, 2, 2.0), (0, 2, 3.0)]).unwrap();
/// assert_eq!(kept.len(), 2);
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] named `"edges"` for an edge with a vertex
/// `>= n`, a loop `(i, i, f)`, the same edge twice, or a NaN value.
pub fn collapse_edges(n: usize, edges: &[(u32, u32, f64)]) -> Result<Vec<(u32, u32, f64)>> {
    let bad = |value: String, reason: &'static str| Error::InvalidParameter {
        name: "edges",
        value,
        reason,
    };
    let mut list = Vec::with_capacity(edges.len());
    for &(i, j, f) in edges {
        if i as usize >= n || j as usize >= n {
            return Err(bad(format!("({i}, {j})"), "a vertex is not below n"));
        }
        if i == j {
            return Err(bad(format!("({i}, {j})"), "a loop is not an edge"));
        }
        if f.is_nan() {
            return Err(bad(format!("({i}, {j}, NaN)"), "a filtration value is NaN"));
        }
        list.push((f + 0.0, i.max(j), i.min(j)));
    }
    let (list, values) = ranked(list);
    let g = Graph::new(n, &list);
    if let Some((v, w)) = g.repeated() {
        return Err(bad(format!("({v}, {w})"), "the same edge twice"));
    }
    if Matrix::pays(n, list.len()) {
        drop(g);
        return Ok(backward(Matrix::new(n, &list), &list, &values));
    }
    Ok(backward(g, &list, &values))
}

/// The backward pass over the graph `g` of `edges` `(rank, i, j)` sorted
/// by increasing rank; `values[r]` is the time of rank `r`.
fn backward<G: Neighbourhoods>(
    mut g: G,
    edges: &[(u32, u32, u32)],
    values: &[f64],
) -> Vec<(u32, u32, f64)> {
    let mut out = Vec::with_capacity(edges.len() / 4);
    let mut now: Vec<u32> = Vec::new();
    let mut later: Vec<u64> = Vec::new();
    let (mut pending, mut merged): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    // Backwards: the last edge first.
    for &(r, u, v) in edges.iter().rev() {
        now.clear();
        later.clear();
        pending.clear();
        let nearest = g.common(u, v, r, &mut now, &mut later);
        let mut first = now.get(nearest).copied();
        let mut t = r;
        let mut next = 0; // later[..next] have joined `now`
        let mut sorted = false;
        let dead = 'search: loop {
            // A dominator at t: a present common neighbour whose closed
            // neighbourhood holds all the present common neighbours (and u
            // and v, as it is adjacent to both). The vertex nearest to the
            // edge first (in a point cloud, the one nearest its midpoint:
            // it is adjacent to most of the lens), then in order.
            let Some(dom) = first
                .take()
                .into_iter()
                .chain(now.iter().copied())
                .find(|&c| g.covers(c, &now, t))
            else {
                break false;
            };
            // Shift (Glisse-Pritam): push e forward while `dom` dominates it.
            loop {
                if next == later.len() {
                    // Dominated to the end: trim.
                    break 'search true;
                }
                if !sorted {
                    later.sort_unstable();
                    sorted = true;
                }
                t = (later[next] >> 32) as u32;
                let mut still = true;
                while next < later.len() && (later[next] >> 32) as u32 == t {
                    let w = later[next] as u32;
                    if g.rank_of(dom, w) > t {
                        still = false;
                    }
                    pending.push(w);
                    next += 1;
                }
                if !still {
                    // Search a new dominator at t, among the common
                    // neighbours so far: merge the new ones in (only now,
                    // not one by one: a dead edge of a dense graph meets
                    // hundreds of them).
                    pending.sort_unstable();
                    merged.clear();
                    let (mut i, mut j) = (0, 0);
                    while i < now.len() || j < pending.len() {
                        if j == pending.len() || (i < now.len() && now[i] < pending[j]) {
                            merged.push(now[i]);
                            i += 1;
                        } else {
                            merged.push(pending[j]);
                            j += 1;
                        }
                    }
                    pending.clear();
                    std::mem::swap(&mut now, &mut merged);
                    break;
                }
            }
        };
        if dead {
            g.remove(u, v);
        } else {
            if t != r {
                g.set_rank(u, v, t);
            }
            out.push((u, v, values[t as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rips::distance::Sparse;

    #[test]
    fn a_filled_triangle_loses_its_last_edge_and_a_square_keeps_all() {
        // Triangle 0-1-2, the edge {0, 2} last: dominated by 1, removed.
        let tri = Sparse::from_edges(3, &[(0, 1, 1.0), (1, 2, 1.0), (0, 2, 2.0)]);
        let c = collapse(&tri, 2.0);
        assert_eq!(c.len(), 2);
        // A 4-cycle has no triangle: nothing is dominated.
        let sq = Sparse::from_edges(4, &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (0, 3, 1.0)]);
        assert_eq!(collapse(&sq, 1.0).len(), 4);
    }

    #[test]
    fn a_complete_graph_collapses_to_few_edges() {
        let mut e = Vec::new();
        for i in 0..12u32 {
            for j in 0..i {
                e.push((i, j, f64::from(i * 31 + j * 17 % 23)));
            }
        }
        let k = Sparse::from_edges(12, &e);
        let c = collapse(&k, f64::INFINITY);
        assert!(c.len() >= 11 && c.len() < 66 / 2, "{}", c.len());
    }

    #[test]
    fn matrix_and_lists_collapse_alike() {
        // Random graphs with tied values, from sparse to complete: both
        // stores run the same steps, so the results are identical.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..60 {
            let n = 3 + (next() % 40) as u32;
            let keep = 1 + case % 4; // keep about keep/4 of the pairs
            let mut list = Vec::new();
            for i in 0..n {
                for j in 0..i {
                    if next() % 4 < keep {
                        list.push(((next() % 9) as f64, i, j));
                    }
                }
            }
            let (list, values) = ranked(list);
            let a = backward(Graph::new(n as usize, &list), &list, &values);
            let b = backward(Matrix::new(n as usize, &list), &list, &values);
            assert_eq!(a, b, "case {case}");
        }
    }

    #[test]
    fn auto_rule() {
        assert!(!Collapse::Auto.applies(1));
        assert!(Collapse::Auto.applies(2));
        assert!(Collapse::Auto.applies(3));
        assert!(Collapse::Always.applies(1));
        assert!(!Collapse::Always.applies(0));
        assert!(!Collapse::Never.applies(3));
    }
}
