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
/// complex: when cocycles are requested the collapse must be off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Collapse {
    /// Collapse where it pays: H0 and H1 only (`max_dim == 1`) on a graph
    /// of at least [`Collapse::AUTO_MIN_EDGES`] edges whose average degree
    /// is at most [`Collapse::AUTO_MAX_DEGREE`] (a sparse, local graph such
    /// as a point cloud sampled densely on a surface with a small
    /// threshold). On the default threshold (the enclosing radius: most
    /// pairs are edges) and for H2 and up the collapse costs more than it
    /// saves (see docs/benchmarks.md, W3, W3b and W3c). If the collapse's
    /// structures would not fit the memory limit, the run goes on without.
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
    /// [`Collapse::Auto`] collapses graphs of at least this many edges.
    pub const AUTO_MIN_EDGES: usize = 50_000;
    /// [`Collapse::Auto`] collapses graphs whose average degree (twice the
    /// edges over the vertices) is at most this.
    pub const AUTO_MAX_DEGREE: usize = 256;

    /// True if a run of dimensions up to `max_dim` on `edges` edges over
    /// `n` vertices collapses first.
    pub(crate) fn applies(self, max_dim: usize, n: usize, edges: usize) -> bool {
        if max_dim == 0 {
            return false;
        }
        match self {
            Collapse::Never => false,
            Collapse::Always => true,
            Collapse::Auto => {
                max_dim == 1
                    && edges >= Self::AUTO_MIN_EDGES
                    && (edges as u64).saturating_mul(2)
                        <= (n as u64).saturating_mul(Self::AUTO_MAX_DEGREE as u64)
            }
        }
    }
}

/// Peak bytes of [`collapse`] on `edges` edges over `n` vertices: the edge
/// list (16 bytes an edge), the closed neighbour lists (a vertex and a time,
/// 12 bytes, per edge and direction and per vertex; two offsets per vertex),
/// the output (at most every edge) and the per-edge scratch (at most a
/// vertex's neighbours, 16 bytes each).
pub(crate) fn bytes(n: usize, edges: usize) -> u64 {
    let (n, e) = (n as u64, edges as u64);
    e.saturating_mul(16 + 2 * 12 + 16)
        .saturating_add(n.saturating_mul(12 + 16 + 16))
}

/// Closed neighbour lists: for every vertex `v`, its neighbours (and `v`
/// itself, at time `-inf`) in increasing order with the time their edge
/// enters, in a slice of fixed capacity of which the first `len[v]`
/// entries are live (removals shift the tail left).
struct Graph {
    start: Vec<usize>,
    len: Vec<u32>,
    nbr: Vec<u32>,
    time: Vec<f64>,
}

impl Graph {
    fn new(n: usize, edges: &[(f64, u32, u32)]) -> Self {
        let mut deg = vec![1usize; n];
        for &(_, u, v) in edges {
            deg[u as usize] += 1;
            deg[v as usize] += 1;
        }
        let mut start = vec![0usize; n + 1];
        for v in 0..n {
            start[v + 1] = start[v] + deg[v];
        }
        let total = start[n];
        let (mut nbr, mut time) = (vec![0u32; total], vec![0.0f64; total]);
        let mut len = vec![0u32; n];
        let mut push = |a: u32, b: u32, f: f64, len: &mut Vec<u32>| {
            let at = start[a as usize] + len[a as usize] as usize;
            nbr[at] = b;
            time[at] = f;
            len[a as usize] += 1;
        };
        for v in 0..n as u32 {
            push(v, v, f64::NEG_INFINITY, &mut len);
        }
        for &(f, u, v) in edges {
            push(u, v, f, &mut len);
            push(v, u, f, &mut len);
        }
        let mut g = Self {
            start,
            len,
            nbr,
            time,
        };
        let mut pairs: Vec<(u32, f64)> = Vec::new();
        for v in 0..n {
            let r = g.range(v as u32);
            if g.nbr[r.clone()].windows(2).all(|w| w[0] <= w[1]) {
                continue;
            }
            pairs.clear();
            pairs.extend(
                g.nbr[r.clone()]
                    .iter()
                    .copied()
                    .zip(g.time[r.clone()].iter().copied()),
            );
            pairs.sort_unstable_by_key(|p| p.0);
            for (k, &(w, f)) in r.zip(&pairs) {
                g.nbr[k] = w;
                g.time[k] = f;
            }
        }
        g
    }

    #[inline(always)]
    fn range(&self, v: u32) -> std::ops::Range<usize> {
        let s = self.start[v as usize];
        s..s + self.len[v as usize] as usize
    }

    /// The time edge `{a, b}` enters (`+inf` if absent).
    #[inline]
    fn time_of(&self, a: u32, b: u32) -> f64 {
        let r = self.range(a);
        let s = r.start;
        match self.nbr[r].binary_search(&b) {
            Ok(p) => self.time[s + p],
            Err(_) => f64::INFINITY,
        }
    }

    /// Position of `b` in the list of `a` (present).
    #[inline]
    fn position(&self, a: u32, b: u32) -> usize {
        let r = self.range(a);
        r.start
            + self.nbr[r]
                .binary_search(&b)
                .expect("a live edge is in both lists")
    }

    fn set_time(&mut self, u: u32, v: u32, f: f64) {
        for (a, b) in [(u, v), (v, u)] {
            let p = self.position(a, b);
            self.time[p] = f;
        }
    }

    fn remove(&mut self, u: u32, v: u32) {
        for (a, b) in [(u, v), (v, u)] {
            let p = self.position(a, b);
            let end = self.range(a).end;
            self.nbr.copy_within(p + 1..end, p);
            self.time.copy_within(p + 1..end, p);
            self.len[a as usize] -= 1;
        }
    }

    /// The common neighbours `w` of `u` and `v` (`w != u, v`): those whose
    /// edges to both are present at `t` into `now` (increasing), the others
    /// with the time both edges are present into `later`.
    fn common(&self, u: u32, v: u32, t: f64, now: &mut Vec<u32>, later: &mut Vec<(f64, u32)>) {
        let (ru, rv) = (self.range(u), self.range(v));
        let (nu, tu) = (&self.nbr[ru.clone()], &self.time[ru]);
        let (nv, tv) = (&self.nbr[rv.clone()], &self.time[rv]);
        let (mut i, mut j) = (0, 0);
        while i < nu.len() && j < nv.len() {
            let (a, b) = (nu[i], nv[j]);
            if a < b {
                i += 1;
            } else if a > b {
                j += 1;
            } else {
                if a != u && a != v {
                    let f = tu[i].max(tv[j]);
                    if f > t {
                        later.push((f, a));
                    } else {
                        now.push(a);
                    }
                }
                i += 1;
                j += 1;
            }
        }
    }

    /// True if every vertex of `set` (sorted increasingly) is in the closed
    /// neighbourhood of `c` at time `t` (`c` itself is, at `-inf`).
    fn covers(&self, c: u32, set: &[u32], t: f64) -> bool {
        let r = self.range(c);
        if r.len() < set.len() {
            return false;
        }
        let (nc, tc) = (&self.nbr[r.clone()], &self.time[r]);
        if set.len() * 16 < nc.len() {
            // Few against many: binary searches on the remaining tail.
            let mut lo = 0;
            for &w in set {
                let p = lo + nc[lo..].partition_point(|&x| x < w);
                if p == nc.len() || nc[p] != w || tc[p] > t {
                    return false;
                }
                lo = p + 1;
            }
            return true;
        }
        let mut k = 0;
        for &w in set {
            while k < nc.len() && nc[k] < w {
                k += 1;
            }
            if k == nc.len() || nc[k] != w || tc[k] > t {
                return false;
            }
            k += 1;
        }
        true
    }
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
    let g = Graph::new(space.n(), &edges);
    backward(g, edges)
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
    let g = Graph::new(n, &list);
    for v in 0..n as u32 {
        let nb = &g.nbr[g.range(v)];
        if let Some(w) = nb.windows(2).find(|w| w[0] == w[1]) {
            return Err(bad(format!("({v}, {})", w[0]), "the same edge twice"));
        }
    }
    Ok(backward(g, list))
}

/// The backward pass over the graph `g` of `edges` `(f, i, j)`.
fn backward(mut g: Graph, mut edges: Vec<(f64, u32, u32)>) -> Vec<(u32, u32, f64)> {
    // Backwards: the last edge first; ties in a fixed order of the vertices.
    edges.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then((b.1, b.2).cmp(&(a.1, a.2))));
    let mut out = Vec::with_capacity(edges.len() / 4);
    let mut now: Vec<u32> = Vec::new();
    let mut later: Vec<(f64, u32)> = Vec::new();
    for &(f, u, v) in &edges {
        now.clear();
        later.clear();
        g.common(u, v, f, &mut now, &mut later);
        let mut t = f;
        let mut next = 0; // later[..next] have joined `now`
        let mut sorted = false;
        let dead = 'search: loop {
            // A dominator at t: a present common neighbour whose closed
            // neighbourhood holds all the present common neighbours (and u
            // and v, as it is adjacent to both).
            let Some(dom) = now.iter().copied().find(|&c| g.covers(c, &now, t)) else {
                break false;
            };
            // Shift (Glisse-Pritam): push e forward while `dom` dominates it.
            loop {
                if next == later.len() {
                    // Dominated to the end: trim.
                    break 'search true;
                }
                if !sorted {
                    later.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                    sorted = true;
                }
                t = later[next].0;
                let mut still = true;
                while next < later.len() && later[next].0 <= t {
                    let w = later[next].1;
                    if g.time_of(dom, w) > t {
                        still = false;
                    }
                    let p = now.partition_point(|&x| x < w);
                    now.insert(p, w);
                    next += 1;
                }
                if !still {
                    break; // search a new dominator at t
                }
            }
        };
        if dead {
            g.remove(u, v);
        } else {
            if t != f {
                g.set_time(u, v, t);
            }
            out.push((u, v, t));
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
    fn auto_rule() {
        assert!(!Collapse::Auto.applies(1, 1000, 10_000));
        assert!(Collapse::Auto.applies(1, 10_000, 200_000));
        assert!(!Collapse::Auto.applies(1, 1000, 400_000));
        assert!(!Collapse::Auto.applies(2, 10_000, 200_000));
        assert!(Collapse::Always.applies(2, 3, 1));
        assert!(!Collapse::Always.applies(0, 3, 1));
        assert!(!Collapse::Never.applies(1, 10_000, 200_000));
    }
}
