//! Exact bottleneck matching of finite diagram points.
//!
//! The optimum is one of the candidate costs (point-point and
//! point-diagonal). For a threshold `r`, the diagrams can be matched with
//! every cost `<= r` iff the bipartite graph below has a perfect matching
//! (Efrat, Itai, Katz, Algorithmica 31, 2001; Kerber, Morozov, Nigmetov,
//! "Geometry helps to compare persistence diagrams", JEA 22, 2017):
//!
//! - left vertices: the points `a_i` of `A` and a diagonal copy `b'_j` of
//!   every point of `B`; right vertices: the points `b_j` and copies `a'_i`;
//! - `a_i - b_j` and its mirror `b'_j - a'_i` when `cost(a_i, b_j) <= r`;
//! - `a_i - a'_i` when `diag(a_i) <= r`, and `b'_j - b_j` when `diag(b_j) <= r`.
//!
//! (The textbook reduction joins every `b'_j` to every `a'_i` at cost 0;
//! joining only the mirrors of the point-point edges is equivalent: copies
//! are only needed for points matched to each other.)
//!
//! Pruning, none of which changes the result:
//! - `U = max diag` (all points to the diagonal) is feasible, and every point
//!   must be matched to something, so the answer lies in `[L, U]` with
//!   `L = max over points of min(diag, nearest point of the other diagram)`;
//! - an edge with `cost(a_i, b_j) > max(diag(a_i), diag(b_j))` is never
//!   needed (both points may go to the diagonal instead), so it is neither
//!   an edge nor a candidate;
//! - `cost >= |lo_a - lo_b|`, so points are sorted by `lo` and each point
//!   only looks at a window of the other diagram.
//!
//! The binary search selects the median of the remaining candidates with
//! `select_nth_unstable` (no sorting, `O(K)` in total for `K` candidates)
//! and warm-starts each Hopcroft–Karp run from the maximum matching of the
//! largest infeasible threshold so far, which stays valid for larger
//! thresholds.

use tda_persistence::{memory, MemoryError};

use super::{Ground, Pairs, Pt};

const NONE: u32 = u32::MAX;

/// Bytes per point-point edge: its entries in the two adjacency lists
/// (cost and target, 16 bytes each), in the compressed graph (12 bytes
/// each) and one candidate cost (8 bytes).
const EDGE_BYTES: u64 = 64;
/// Bytes per point: sorted copies, diagonal costs, orders, the diagonal
/// edges, Hopcroft–Karp's arrays, two matchings, the output.
const POINT_BYTES: u64 = 256;

/// The bottleneck distance between the finite point sets `a` and `b` and a
/// matching achieving it, as `(index in a, index in b)` pairs (`None` = the
/// diagonal), every point appearing once. The graph holds the point-point
/// edges that pruning keeps (up to `n m`); when their memory is over
/// [`memory::limit`] the call is refused before they are stored (they are
/// counted first, and only where the windows' sizes do not already bound
/// them below the limit).
pub(crate) fn bottleneck(a: &[Pt], b: &[Pt], ground: Ground) -> Result<(f64, Pairs), MemoryError> {
    let (n, m) = (a.len(), b.len());
    if n == 0 && m == 0 {
        return Ok((0.0, Vec::new()));
    }
    let point_bytes = POINT_BYTES.checked_mul(n as u64 + m as u64);
    memory::check("bottleneck matching graph", point_bytes)?;
    if n + m >= 1 << 31 {
        // Vertices are numbered in u32 (only reachable with a raised limit).
        return Err(MemoryError {
            what: "bottleneck matching of 2^31 points or more",
            estimated_bytes: point_bytes.unwrap_or(u64::MAX),
            limit: memory::limit(),
        });
    }
    // Sort both sides by `lo` (ties by `hi`, then index, for determinism).
    let order = |p: &[Pt]| {
        let mut o: Vec<usize> = (0..p.len()).collect();
        o.sort_unstable_by(|&x, &y| {
            p[x].lo
                .total_cmp(&p[y].lo)
                .then(p[x].hi.total_cmp(&p[y].hi))
                .then(x.cmp(&y))
        });
        o
    };
    let (oa, ob) = (order(a), order(b));
    let pa: Vec<Pt> = oa.iter().map(|&i| a[i]).collect();
    let pb: Vec<Pt> = ob.iter().map(|&j| b[j]).collect();
    let da: Vec<f64> = pa.iter().map(|&p| ground.diag(p)).collect();
    let db: Vec<f64> = pb.iter().map(|&p| ground.diag(p)).collect();
    let max_da = da.iter().copied().fold(0.0, f64::max);
    let max_db = db.iter().copied().fold(0.0, f64::max);
    let upper = max_da.max(max_db);
    let lo_a: Vec<f64> = pa.iter().map(|p| p.lo).collect();
    let lo_b: Vec<f64> = pb.iter().map(|p| p.lo).collect();

    // At most n m edges: counted only where those might not fit.
    let base = point_bytes.unwrap_or(u64::MAX);
    let budget = memory::limit().saturating_sub(base) / EDGE_BYTES;
    if (n as u64).saturating_mul(m as u64) > budget {
        let sides = Sides {
            pa: &pa,
            pb: &pb,
            da: &da,
            db: &db,
            lo_a: &lo_a,
            lo_b: &lo_b,
        };
        check_edges(&sides, ground, base, budget)?;
    }

    // Lower bound: every point goes somewhere.
    let mut lower = 0.0f64;
    for (i, &p) in pa.iter().enumerate() {
        let mut best = da[i];
        for j in window(&lo_b, p.lo, best) {
            best = best.min(ground.cost(p, pb[j]));
        }
        lower = lower.max(best);
    }
    for (j, &q) in pb.iter().enumerate() {
        let mut best = db[j];
        for i in window(&lo_a, q.lo, best) {
            best = best.min(ground.cost(pa[i], q));
        }
        lower = lower.max(best);
    }

    // Edges of the graph at threshold `upper`, as adjacency lists of the
    // left vertices (0..n: a_i, n..n+m: b'_j) sorted by cost, and the
    // candidate thresholds in [lower, upper].
    let mut cands: Vec<f64> = da
        .iter()
        .chain(&db)
        .copied()
        .filter(|&c| c >= lower)
        .collect();
    let mut a_edges: Vec<Vec<(f64, u32)>> = vec![Vec::new(); n];
    let mut b_edges: Vec<Vec<(f64, u32)>> = vec![Vec::new(); m];
    for (i, &p) in pa.iter().enumerate() {
        for j in window(&lo_b, p.lo, da[i].max(max_db)) {
            let c = ground.cost(p, pb[j]);
            if c <= da[i].max(db[j]) {
                a_edges[i].push((c, j as u32));
                b_edges[j].push((c, (m + i) as u32));
                if c >= lower {
                    cands.push(c);
                }
            }
        }
    }
    for (i, e) in a_edges.iter_mut().enumerate() {
        e.push((da[i], (m + i) as u32));
    }
    for (j, e) in b_edges.iter_mut().enumerate() {
        e.push((db[j], j as u32));
    }
    let graph = Graph::new(a_edges.into_iter().chain(b_edges));

    // Binary search for the smallest feasible candidate.
    let total = n + m;
    let mut hk = HopcroftKarp::new(total);
    let mut infeasible = Matched::new(total);
    let mut best: Option<(f64, Matched)> = None;
    while !cands.is_empty() {
        let k = cands.len() / 2;
        let (_, &mut r, _) = cands.select_nth_unstable_by(k, f64::total_cmp);
        let mut mt = infeasible.clone();
        if hk.run(&graph, r, &mut mt) == total {
            best = Some((r, mt));
            cands.truncate(k);
            cands.retain(|&c| c < r);
        } else {
            infeasible = mt;
            cands.drain(..=k);
            cands.retain(|&c| c > r);
        }
    }
    // `upper` is always a feasible candidate, so `best` is set; fall back to
    // the all-diagonal matching all the same.
    let (value, mt) = best.unwrap_or_else(|| {
        let mut mt = Matched::new(total);
        for i in 0..n {
            mt.set(i, m + i);
        }
        for j in 0..m {
            mt.set(n + j, j);
        }
        (upper, mt)
    });

    let mut pairs = Vec::with_capacity(total);
    for (u, &v) in mt.left.iter().enumerate() {
        let v = v as usize;
        match (u < n, v < m) {
            (true, true) => pairs.push((Some(oa[u]), Some(ob[v]))),
            (true, false) => pairs.push((Some(oa[u]), None)),
            (false, true) => pairs.push((None, Some(ob[u - n]))),
            (false, false) => {}
        }
    }
    Ok((value, pairs))
}

/// Both sides of a bottleneck problem, sorted by `lo`, with their
/// diagonal costs and `lo` values.
struct Sides<'a> {
    pa: &'a [Pt],
    pb: &'a [Pt],
    da: &'a [f64],
    db: &'a [f64],
    lo_a: &'a [f64],
    lo_b: &'a [f64],
}

/// Refuses a graph of more than `budget` point-point edges (every pair
/// with cost <= diag(a_i) or cost <= diag(b_j)) before it is stored.
/// Counted in boxes (O((n + m) log) time, no edge stored): an upper bound
/// (the L^inf box of radius diag contains the L^q ball) and a lower bound
/// (the box of radius diag / 2^(1/q) lies in it). Below the budget: go;
/// above it: refuse; in between: count exactly, stopping at the budget.
#[cold]
#[inline(never)]
fn check_edges(s: &Sides<'_>, ground: Ground, base: u64, budget: u64) -> Result<(), MemoryError> {
    let boxes = |f: f64| {
        (
            box_count(s.pa, &|i| s.da[i] * f, s.pb, s.lo_b),
            box_count(s.pb, &|j| s.db[j] * f, s.pa, s.lo_a),
        )
    };
    let (up_a, up_b) = boxes(1.0);
    if up_a.saturating_add(up_b) <= budget {
        return Ok(());
    }
    let refuse = |edges: u64| MemoryError {
        what: "bottleneck matching graph",
        estimated_bytes: base.saturating_add(edges.saturating_mul(EDGE_BYTES)),
        limit: memory::limit(),
    };
    let (lo_a_count, lo_b_count) = if ground.q == f64::INFINITY {
        (up_a, up_b)
    } else {
        boxes((-1.0 / ground.q).exp2() * (1.0 - 1e-12))
    };
    let at_least = lo_a_count.max(lo_b_count);
    if at_least > budget {
        return Err(refuse(at_least));
    }
    let max_db = s.db.iter().copied().fold(0.0, f64::max);
    let mut count = 0u64;
    for (i, &p) in s.pa.iter().enumerate() {
        for j in window(s.lo_b, p.lo, s.da[i].max(max_db)) {
            count += u64::from(ground.cost(p, s.pb[j]) <= s.da[i].max(s.db[j]));
        }
        if count > budget {
            return Err(refuse(count));
        }
    }
    Ok(())
}

/// The number of pairs `(i, j)` with `others[j]` in the `L^inf` box of
/// radius `radius(i)` around `centers[i]` (`|lo - lo'| <= r` and `|hi -
/// hi'| <= r`, compared as [`window`] does), for `others` sorted by `lo`
/// (`lo` holds their `lo`): offline, by a sweep over `lo` with a Fenwick
/// tree over the ranks of `hi`.
fn box_count(centers: &[Pt], radius: &dyn Fn(usize) -> f64, others: &[Pt], lo: &[f64]) -> u64 {
    let mut his: Vec<f64> = others.iter().map(|p| p.hi).collect();
    his.sort_unstable_by(f64::total_cmp);
    let rank: Vec<usize> = others
        .iter()
        .map(|p| his.partition_point(|&h| h < p.hi))
        .collect();
    // (end of a prefix of `others` in lo order, adds?, hi-rank range)
    let mut events: Vec<(usize, bool, usize, usize)> = Vec::with_capacity(2 * centers.len());
    for (i, c) in centers.iter().enumerate() {
        let r = radius(i);
        let (w, h) = (window(lo, c.lo, r), window(&his, c.hi, r));
        if !w.is_empty() && !h.is_empty() {
            events.push((w.start, false, h.start, h.end));
            events.push((w.end, true, h.start, h.end));
        }
    }
    events.sort_unstable_by_key(|e| e.0);
    let mut tree = vec![0u32; his.len() + 1];
    let prefix = |tree: &[u32], mut k: usize| {
        let mut s = 0u64;
        while k > 0 {
            s += u64::from(tree[k]);
            k &= k - 1;
        }
        s
    };
    let (mut added, mut plus, mut minus) = (0usize, 0u64, 0u64);
    for (end, adds, h1, h2) in events {
        while added < end {
            let mut k = rank[added] + 1;
            while k < tree.len() {
                tree[k] += 1;
                k += k & k.wrapping_neg();
            }
            added += 1;
        }
        let c = prefix(&tree, h2) - prefix(&tree, h1);
        if adds {
            plus += c;
        } else {
            minus += c;
        }
    }
    plus - minus
}

/// Indices `j` with `|lo - sorted[j]| <= r` (as computed in floating point:
/// `fl(x - y)` is monotone in `y`, so the set is an interval).
fn window(sorted: &[f64], lo: f64, r: f64) -> std::ops::Range<usize> {
    let start = sorted.partition_point(|&x| lo - x > r);
    let end = start + sorted[start..].partition_point(|&x| x - lo <= r);
    start..end
}

/// Adjacency lists in compressed form, each sorted by cost.
struct Graph {
    offsets: Vec<usize>,
    costs: Vec<f64>,
    targets: Vec<u32>,
}

impl Graph {
    fn new(lists: impl Iterator<Item = Vec<(f64, u32)>>) -> Self {
        let mut g = Graph {
            offsets: vec![0],
            costs: Vec::new(),
            targets: Vec::new(),
        };
        for mut list in lists {
            list.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            for (c, t) in list {
                g.costs.push(c);
                g.targets.push(t);
            }
            g.offsets.push(g.costs.len());
        }
        g
    }

    /// Neighbours of left vertex `u` at threshold `r`.
    #[inline]
    fn neighbours(&self, u: usize, r: f64) -> &[u32] {
        let (s, e) = (self.offsets[u], self.offsets[u + 1]);
        let k = self.costs[s..e].partition_point(|&c| c <= r);
        &self.targets[s..s + k]
    }
}

/// A matching of the left vertices with the right ones (`NONE` = free).
#[derive(Clone)]
struct Matched {
    left: Vec<u32>,
    right: Vec<u32>,
}

impl Matched {
    fn new(n: usize) -> Self {
        Self {
            left: vec![NONE; n],
            right: vec![NONE; n],
        }
    }

    fn set(&mut self, u: usize, v: usize) {
        self.left[u] = v as u32;
        self.right[v] = u as u32;
    }
}

/// Hopcroft–Karp maximum matching (Hopcroft, Karp, SIAM J. Comput. 1973),
/// with an iterative depth-first search; buffers are reused across runs.
struct HopcroftKarp {
    dist: Vec<u32>,
    queue: Vec<u32>,
    /// Per left vertex: its neighbour slice at the current threshold.
    adj: Vec<(usize, usize)>,
    cursor: Vec<usize>,
    stack: Vec<(u32, u32)>,
}

impl HopcroftKarp {
    fn new(n: usize) -> Self {
        Self {
            dist: vec![0; n],
            queue: Vec::with_capacity(n),
            adj: vec![(0, 0); n],
            cursor: vec![0; n],
            stack: Vec::new(),
        }
    }

    /// Grows `mt` (a matching valid at threshold `r`) to a maximum matching
    /// of the graph at threshold `r`; returns its size.
    fn run(&mut self, g: &Graph, r: f64, mt: &mut Matched) -> usize {
        let n = mt.left.len();
        for u in 0..n {
            let s = g.offsets[u];
            self.adj[u] = (s, s + g.neighbours(u, r).len());
        }
        let mut size = mt.left.iter().filter(|&&v| v != NONE).count();
        loop {
            // BFS layers from the free left vertices.
            self.queue.clear();
            for u in 0..n {
                if mt.left[u] == NONE {
                    self.dist[u] = 0;
                    self.queue.push(u as u32);
                } else {
                    self.dist[u] = NONE;
                }
            }
            let mut found = false;
            let mut head = 0;
            while head < self.queue.len() {
                let u = self.queue[head] as usize;
                head += 1;
                let (s, e) = self.adj[u];
                for &v in &g.targets[s..e] {
                    let w = mt.right[v as usize];
                    if w == NONE {
                        found = true;
                    } else if self.dist[w as usize] == NONE {
                        self.dist[w as usize] = self.dist[u] + 1;
                        self.queue.push(w);
                    }
                }
            }
            if !found {
                return size;
            }
            // Vertex-disjoint augmenting paths along the layers.
            for u in 0..n {
                self.cursor[u] = self.adj[u].0;
            }
            for root in 0..n {
                if mt.left[root] == NONE && self.augment(g, root, mt) {
                    size += 1;
                }
            }
        }
    }

    /// Iterative DFS from the free left vertex `root` along BFS layers.
    fn augment(&mut self, g: &Graph, root: usize, mt: &mut Matched) -> bool {
        self.stack.clear();
        // (left vertex, right vertex through which it was entered)
        self.stack.push((root as u32, NONE));
        while let Some(&(u, _)) = self.stack.last() {
            let u = u as usize;
            if self.cursor[u] == self.adj[u].1 {
                self.dist[u] = NONE; // dead end
                self.stack.pop();
                continue;
            }
            let v = g.targets[self.cursor[u]];
            self.cursor[u] += 1;
            let w = mt.right[v as usize];
            if w == NONE {
                // Flip the path: each left vertex takes the right vertex
                // through which the next one was entered.
                let mut v = v;
                while let Some((u, via)) = self.stack.pop() {
                    mt.set(u as usize, v as usize);
                    v = via;
                }
                return true;
            }
            if self.dist[w as usize] == self.dist[u] + 1 {
                self.stack.push((w, v));
            }
        }
        false
    }
}
