//! Exact Wasserstein matching of finite diagram points: a minimum-cost
//! perfect matching (assignment problem) on the `(n+m) x (n+m)` matrix with
//! diagonal copies, solved by the Hungarian algorithm in its
//! shortest-augmenting-path form (Kuhn 1955, Munkres 1957; Jonker and
//! Volgenant, "A shortest augmenting path algorithm for dense and sparse
//! linear assignment problems", Computing 38, 1987):
//!
//! ```text
//!              b_j              diagonal columns
//! a_i      cost(a_i, b_j)^p     diag(a_i)^p (any column)
//! diagonal diag(b_j)^p          0
//! ```
//!
//! Letting every point use any diagonal copy (instead of only its own, with
//! `inf` elsewhere) gives the same optimum and keeps every entry finite. An
//! edge with `cost(a_i, b_j)^p >= diag(a_i)^p + diag(b_j)^p` is never needed
//! (both points may go to the diagonal instead), which leaves few edges for
//! typical diagrams (2-3 % of `n m` for the W1 diagrams). Two solvers:
//!
//! - [`sparse`]: successive shortest paths (Dijkstra with potentials and a
//!   binary heap) on the kept edges, the diagonal being one node on each
//!   side with capacity `m` resp. `n`: `O((n+m) (E + n + m) log(n+m))`;
//! - [`dense`]: Jonker–Volgenant augmentation (column reduction, then one
//!   Dijkstra search per free row over dense rows): `O((n+m)^3)`, used
//!   when more than 3/4 of the edges are kept.
//!
//! Both start from the column reduction (`v_j = min_i cost(i, j)`) and the
//! greedy assignment of tight pairs.
//!
//! Costs are divided by a unit before being raised to the power `p`, and
//! the result multiplied back, so that `cost^p` neither overflows nor
//! underflows:
//!
//! - first the largest cost: every term is at most 1, and where the
//!   optimum's sum of terms is at least `2^-900`, the terms that underflow
//!   (below `2^-1022`, at most `n + m + e` of them, `e` essential matches)
//!   change neither the sum nor the choice of matching by more than
//!   `2^-60` of it. One pass over the costs, the common case;
//! - where that sum is smaller (an optimum of small costs next to one large
//!   cost elsewhere: dividing by the largest would underflow its every
//!   term), again with the bottleneck distance `B` as the unit (the
//!   caller's `bottleneck`): `W_p >= B` (the optimal matching's largest
//!   cost is at least `B`), so the sum of the optimal matching's `(cost /
//!   B)^p` is at least 1 and at most `n + m` (the bottleneck matching's,
//!   every term `<= 1`), whatever the scale of the diagrams. Terms above
//!   `2 (n + m + e) + 2` are capped there: no optimal matching uses them,
//!   and the cap keeps every entry finite.

use tda_persistence::{memory, MemoryError};

use super::{Ground, Pairs, Pt};

/// Bytes per point beside the cost matrix: diagonal costs, duals,
/// assignments, the searches' arrays, the output.
const POINT_BYTES: u64 = 256;

/// `(index in a, index in b, cost)` of the matched essential pairs.
type Essential = (Option<usize>, Option<usize>, f64);

/// Refuses an `n x m` cost matrix (and the per-point arrays) over the
/// memory limit.
pub(crate) fn check_matrix(n: usize, m: usize) -> Result<(), MemoryError> {
    memory::check(
        "Wasserstein cost matrix",
        memory::sum(&[
            memory::bytes_of::<f64>(&[n, m]),
            POINT_BYTES.checked_mul(n as u64 + m as u64),
        ]),
    )
}

/// The smallest sum of terms (costs over the largest, to the power `p`)
/// that the largest cost serves as the unit for (see the module
/// documentation).
const MIN_SUM: f64 = 1.2e-271; // ~2^-900

/// The `p`-Wasserstein distance between the finite point sets `a` and `b`,
/// the essential matches `ess` included in the sum, and an optimal matching
/// of the finite points as `(index in a, index in b)` (`None` = diagonal).
/// `bottleneck` gives the bottleneck distance (finite and essential parts)
/// and a matching achieving it, called only where the optimum is tiny next
/// to the largest cost (see the module documentation). Refused when the
/// `n x m` cost matrix (and the sparse graph, if it is used) is over
/// [`memory::limit`].
pub(crate) fn wasserstein(
    a: &[Pt],
    b: &[Pt],
    ground: Ground,
    p: f64,
    ess: &[Essential],
    bottleneck: impl FnOnce() -> Result<(f64, Pairs), MemoryError>,
) -> Result<(f64, Pairs), MemoryError> {
    check_matrix(a.len(), b.len())?;
    let ess_infinite = ess.iter().any(|e| e.2.is_infinite());
    let result = |scale: f64, sum: f64| {
        if ess_infinite {
            f64::INFINITY
        } else if p == 1.0 {
            scale * sum
        } else {
            scale * sum.powf(1.0 / p)
        }
    };
    let first = solve(a, b, ground, p, ess, Unit::Largest)?;
    if first.sum >= MIN_SUM || first.scale == 0.0 {
        return Ok((result(first.scale, first.sum), first.pairs));
    }
    let (unit, pairs) = bottleneck()?;
    if unit == 0.0 {
        // Every cost of the bottleneck matching is 0: it is optimal.
        return Ok((result(0.0, 0.0), pairs));
    }
    let second = solve(a, b, ground, p, ess, Unit::Bottleneck(unit))?;
    Ok((result(second.scale, second.sum), second.pairs))
}

/// The unit costs are divided by (see the module documentation).
#[derive(Clone, Copy)]
enum Unit {
    /// The largest cost.
    Largest,
    /// The bottleneck distance (positive).
    Bottleneck(f64),
}

/// An optimal matching for the costs over `scale`, to the power `p`.
struct Solved {
    /// The unit; 0 when every cost is 0.
    scale: f64,
    /// The optimal matching's sum of terms, essential matches included.
    sum: f64,
    /// The matching of the finite points.
    pairs: Pairs,
}

/// An optimal matching of `a` and `b` with the costs divided by `unit`.
fn solve(
    a: &[Pt],
    b: &[Pt],
    ground: Ground,
    p: f64,
    ess: &[Essential],
    unit: Unit,
) -> Result<Solved, MemoryError> {
    let (n, m) = (a.len(), b.len());
    let mut w: Vec<f64> = Vec::with_capacity(n * m);
    for &x in a {
        w.extend(b.iter().map(|&y| ground.cost(x, y)));
    }
    let mut wa: Vec<f64> = a.iter().map(|&x| ground.diag(x)).collect();
    let mut wb: Vec<f64> = b.iter().map(|&y| ground.diag(y)).collect();
    let finite_ess = || ess.iter().map(|e| e.2).filter(|c| c.is_finite());
    let (scale, cap) = match unit {
        Unit::Largest => {
            let largest = w
                .iter()
                .chain(&wa)
                .chain(&wb)
                .copied()
                .chain(finite_ess())
                .fold(0.0, f64::max);
            (largest, f64::INFINITY)
        }
        Unit::Bottleneck(unit) => (unit, 2.0 * (n as f64 + m as f64 + ess.len() as f64) + 2.0),
    };
    if scale == 0.0 {
        // Every cost is 0: any matching is optimal.
        let pairs = (0..n)
            .map(|i| (Some(i), None))
            .chain((0..m).map(|j| (None, Some(j))));
        return Ok(Solved {
            scale,
            sum: 0.0,
            pairs: pairs.collect(),
        });
    }
    let power = |c: f64| {
        let x = c / scale;
        let y = if p == 1.0 {
            x
        } else if p == 2.0 {
            x * x
        } else {
            x.powf(p)
        };
        if y < cap {
            y
        } else {
            cap
        }
    };
    for c in w.iter_mut().chain(&mut wa).chain(&mut wb) {
        *c = power(*c);
    }

    let a_partner = assign(n, m, &w, &wa, &wb)?;

    let mut sum = 0.0;
    let mut pairs = Vec::with_capacity(n + m);
    let mut b_matched = vec![false; m];
    for (i, &j) in a_partner.iter().enumerate() {
        match j {
            Some(j) => {
                b_matched[j] = true;
                sum += w[i * m + j];
            }
            None => sum += wa[i],
        }
    }
    for (j, _) in b_matched
        .iter()
        .enumerate()
        .filter(|(_, &matched)| !matched)
    {
        sum += wb[j];
    }
    for c in finite_ess() {
        sum += power(c);
    }
    pairs.extend(a_partner.into_iter().enumerate().map(|(i, j)| (Some(i), j)));
    pairs.extend((0..m).filter(|&j| !b_matched[j]).map(|j| (None, Some(j))));
    Ok(Solved { scale, sum, pairs })
}

const NONE: usize = usize::MAX;

/// The optimal partner of each point of `A` (`None`: the diagonal) for the
/// costs `w` (`n x m`, row-major), `wa` (diagonal costs of `A`) and `wb`
/// (of `B`); the points of `B` left over go to the diagonal.
/// Refused when the sparse solver's graph would be over the memory limit.
fn assign(
    n: usize,
    m: usize,
    w: &[f64],
    wa: &[f64],
    wb: &[f64],
) -> Result<Vec<Option<usize>>, MemoryError> {
    let kept = (0..n)
        .map(|i| {
            let row = &w[i * m..(i + 1) * m];
            row.iter().zip(wb).filter(|&(&c, &b)| c < wa[i] + b).count()
        })
        .sum::<usize>();
    // kept <= n m, whose f64 matrix is already allocated: no overflow.
    if 4 * kept as u128 > 3 * n as u128 * m as u128 {
        Ok(dense(n, m, w, wa, wb))
    } else {
        memory::check(
            "Wasserstein cost matrix and sparse graph",
            memory::sum(&[
                memory::bytes_of::<f64>(&[n, m]),
                memory::bytes_of::<(usize, f64)>(&[kept]),
                POINT_BYTES.checked_mul(n as u64 + m as u64),
            ]),
        )?;
        Ok(sparse(n, m, w, wa, wb))
    }
}

/// A binary-heap entry: a tentative distance and a node, smallest first.
#[derive(PartialEq)]
struct Item(f64, usize);

impl Eq for Item {}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.total_cmp(&self.0).then(other.1.cmp(&self.1))
    }
}

/// Successive shortest paths on the sparse transportation network.
///
/// Left nodes: `a_i` (`0..n`, supply 1) and the diagonal `DA` (`n`, supply
/// `m`); right nodes: `b_j` (`0..m`, demand 1) and the diagonal `DB` (`m`,
/// demand `n`). Arcs: the kept `a_i -> b_j`, `a_i -> DB` (`wa_i`),
/// `DA -> b_j` (`wb_j`), `DA -> DB` (0, unbounded). Duals `u` (left) and `v`
/// (right) keep every residual arc's reduced cost `c - u_l - v_r` (or its
/// negative for a reverse arc) `>= 0`; each augmentation runs Dijkstra from
/// one unit of supply to the nearest unit of demand and updates the duals
/// by the distances (Edmonds and Karp 1972; Tomizawa 1971).
fn sparse(n: usize, m: usize, w: &[f64], wa: &[f64], wb: &[f64]) -> Vec<Option<usize>> {
    let (da, db) = (n, m);
    let mut offsets = vec![0usize; n + 1];
    let mut adj: Vec<(usize, f64)> = Vec::new();
    for i in 0..n {
        let row = &w[i * m..(i + 1) * m];
        adj.extend(
            row.iter()
                .enumerate()
                .filter(|&(j, &c)| c < wa[i] + wb[j])
                .map(|(j, &c)| (j, c)),
        );
        offsets[i + 1] = adj.len();
    }
    let mut u = vec![0.0f64; n + 1];
    let mut v = vec![0.0f64; m + 1];
    let mut x = vec![NONE; n]; // a_i -> b_j or DB
    let mut y = vec![NONE; m]; // b_j <- a_i or DA
    let (mut da_out, mut db_in, mut flow_dd) = (0usize, 0usize, 0usize);

    // Column reduction, greedy assignment of the tight arcs.
    let mut best: Vec<(f64, usize)> = wb.iter().map(|&c| (c, da)).collect();
    for i in 0..n {
        for &(j, c) in &adj[offsets[i]..offsets[i + 1]] {
            if c < best[j].0 {
                best[j] = (c, i);
            }
        }
    }
    for (j, &(c, l)) in best.iter().enumerate() {
        v[j] = c;
        if l == da {
            y[j] = da;
            da_out += 1;
        } else if x[l] == NONE {
            x[l] = j;
            y[j] = l;
        }
    }
    let k = (m - da_out).min(n);
    flow_dd += k;
    da_out += k;
    db_in += k;

    let inf = f64::INFINITY;
    let mut dr = vec![inf; m + 1];
    let mut dl = vec![inf; n + 1];
    let mut pred = vec![NONE; m + 1]; // left node before a right node
    let mut via = vec![NONE; n + 1]; // right node before a left node
    let mut done_r = vec![false; m + 1];
    let mut done_l = vec![false; n + 1];
    let (mut touched_r, mut touched_l) = (Vec::new(), Vec::new());
    let (mut popped_r, mut popped_l) = (Vec::new(), Vec::new());
    let mut heap = std::collections::BinaryHeap::new();
    let left_id = m + 1; // heap ids: right node r is r, left node l is left_id + l

    // Sources: the free points of A, then the units of DA's supply left.
    let free_a: Vec<usize> = (0..n).filter(|&i| x[i] == NONE).collect();
    let sources = free_a
        .into_iter()
        .chain(std::iter::repeat_n(da, m - da_out));
    for f in sources {
        heap.clear();
        let mut sink = (inf, NONE);
        dl[f] = 0.0;
        touched_l.push(f);
        heap.push(Item(0.0, left_id + f));
        while let Some(Item(d, id)) = heap.pop() {
            // Ties go to the sink: it ends the search.
            if d >= sink.0 {
                break;
            }
            if id >= left_id {
                let l = id - left_id;
                if done_l[l] || d > dl[l] {
                    continue;
                }
                done_l[l] = true;
                popped_l.push(l);
                let ul = u[l];
                let mut relax = |r: usize, c: f64| {
                    if done_r[r] {
                        return;
                    }
                    let nd = d + (c - ul - v[r]).max(0.0);
                    if nd < dr[r] {
                        if dr[r] == inf {
                            touched_r.push(r);
                        }
                        dr[r] = nd;
                        pred[r] = l;
                        let is_sink = if r == db { db_in < n } else { y[r] == NONE };
                        if !is_sink {
                            heap.push(Item(nd, r));
                        } else if nd < sink.0 {
                            sink = (nd, r);
                        }
                    }
                };
                if l == da {
                    for j in (0..m).filter(|&j| y[j] != da) {
                        relax(j, wb[j]);
                    }
                    relax(db, 0.0);
                } else {
                    for &(j, c) in &adj[offsets[l]..offsets[l + 1]] {
                        if x[l] != j {
                            relax(j, c);
                        }
                    }
                    if x[l] != db {
                        relax(db, wa[l]);
                    }
                }
            } else {
                let r = id;
                if done_r[r] || d > dr[r] {
                    continue;
                }
                done_r[r] = true;
                popped_r.push(r);
                // Reverse arcs r -> l of the flows into r.
                let mut back = |l: usize, c: f64| {
                    if done_l[l] {
                        return;
                    }
                    let nd = d + (u[l] + v[r] - c).max(0.0);
                    if nd < dl[l] {
                        if dl[l] == inf {
                            touched_l.push(l);
                        }
                        dl[l] = nd;
                        via[l] = r;
                        heap.push(Item(nd, left_id + l));
                    }
                };
                if r == db {
                    for i in (0..n).filter(|&i| x[i] == db) {
                        back(i, wa[i]);
                    }
                    if flow_dd > 0 {
                        back(da, 0.0);
                    }
                } else {
                    let l = y[r];
                    back(l, if l == da { wb[r] } else { w[l * m + r] });
                }
            }
        }
        let (mu, end) = sink;
        debug_assert!(end != NONE, "supply and demand are equal");
        if end == NONE {
            break;
        }
        for &r in &popped_r {
            v[r] -= mu - dr[r];
        }
        for &l in &popped_l {
            u[l] += mu - dl[l];
        }
        // Push one unit along the path, from the sink back to `f`.
        let mut r = end;
        loop {
            let l = pred[r];
            if l == da {
                if r == db {
                    flow_dd += 1;
                    db_in += 1;
                } else {
                    y[r] = da;
                }
            } else {
                if r == db {
                    db_in += 1;
                } else {
                    y[r] = l;
                }
                x[l] = r;
            }
            if l == f {
                break;
            }
            // One unit less on l -> via[l] (its new owner is set next).
            let r2 = via[l];
            if r2 == db {
                db_in -= 1;
                if l == da {
                    flow_dd -= 1;
                }
            }
            r = r2;
        }
        for &r in &touched_r {
            dr[r] = inf;
            done_r[r] = false;
        }
        for &l in &touched_l {
            dl[l] = inf;
            done_l[l] = false;
        }
        touched_r.clear();
        touched_l.clear();
        popped_r.clear();
        popped_l.clear();
    }
    x.into_iter().map(|j| (j != db).then_some(j)).collect()
}

/// Jonker–Volgenant augmentation on the dense `(n+m) x (n+m)` matrix.
///
/// Rows `0..n` are the points of `A`, rows `n..n+m` the diagonal; columns
/// `0..m` the points of `B`, columns `m..m+n` the diagonal. Free diagonal
/// columns are interchangeable and keep their dual `v = 0` (duals only move
/// for scanned columns, which are assigned), so the searches scan the taken
/// diagonal columns (`m..m+taken`, handed out in order) and one free one.
fn dense(n: usize, m: usize, w: &[f64], wa: &[f64], wb: &[f64]) -> Vec<Option<usize>> {
    let size = n + m;
    let inf = f64::INFINITY;
    let cost = |i: usize, j: usize| match (i < n, j < m) {
        (true, true) => w[i * m + j],
        (true, false) => wa[i],
        (false, true) => wb[j],
        (false, false) => 0.0,
    };
    let mut v = vec![0.0f64; size];
    let mut x = vec![NONE; size]; // column of each row
    let mut y = vec![NONE; size]; // row of each column
    let mut next_diag_row = n;
    let mut taken = 0usize; // diagonal columns m..m+taken are assigned

    // Column reduction, greedy assignment of the tight pairs.
    for j in 0..m {
        let (mut best, mut arg) = (wb[j], NONE);
        for i in 0..n {
            if w[i * m + j] < best {
                best = w[i * m + j];
                arg = i;
            }
        }
        v[j] = best;
        if arg == NONE {
            x[next_diag_row] = j;
            y[j] = next_diag_row;
            next_diag_row += 1;
        } else if x[arg] == NONE {
            x[arg] = j;
            y[j] = arg;
        }
    }
    while next_diag_row < size && taken < n {
        x[next_diag_row] = m + taken;
        y[m + taken] = next_diag_row;
        next_diag_row += 1;
        taken += 1;
    }
    let free_rows: Vec<usize> = (0..n)
        .chain(next_diag_row..size)
        .filter(|&i| x[i] == NONE)
        .collect();

    let mut d = vec![0.0f64; size];
    let mut pred = vec![0usize; size];
    let mut todo: Vec<usize> = Vec::with_capacity(size);
    let mut ready: Vec<usize> = Vec::with_capacity(size);
    for f in free_rows {
        let hi = m + (taken + 1).min(n);
        todo.clear();
        todo.extend(0..hi);
        ready.clear();
        // `mu`: the smallest distance among the unscanned columns, at
        // position `pos` of `todo`, a free column preferred among equals.
        let (mut mu, mut pos, mut free_min) = (inf, 0usize, false);
        for (p, &j) in todo.iter().enumerate() {
            d[j] = cost(f, j) - v[j];
            pred[j] = f;
            let free = y[j] == NONE;
            if d[j] < mu || (d[j] == mu && free && !free_min) {
                (mu, pos, free_min) = (d[j], p, free);
            }
        }
        let end = loop {
            let j = todo[pos];
            if y[j] == NONE {
                break j;
            }
            todo.swap_remove(pos);
            ready.push(j);
            let i = y[j];
            let h = cost(i, j) - v[j] - mu;
            (mu, pos, free_min) = (inf, 0, false);
            for (p, &k) in todo.iter().enumerate() {
                let reduced = cost(i, k) - v[k] - h;
                if reduced < d[k] {
                    d[k] = reduced;
                    pred[k] = i;
                }
                let free = y[k] == NONE;
                if d[k] < mu || (d[k] == mu && free && !free_min) {
                    (mu, pos, free_min) = (d[k], p, free);
                }
            }
        };
        for &k in &ready {
            v[k] += d[k] - mu;
        }
        if end >= m {
            debug_assert_eq!(end, m + taken);
            taken += 1;
        }
        let mut j = end;
        loop {
            let i = pred[j];
            y[j] = i;
            let prev = x[i];
            x[i] = j;
            if i == f {
                break;
            }
            j = prev;
        }
    }
    x[..n].iter().map(|&j| (j < m).then_some(j)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::SplitMix64;

    /// The two solvers find assignments of the same cost.
    #[test]
    fn sparse_and_dense_agree() {
        let mut rng = SplitMix64::seed_from_u64(3);
        let mut rnd = move || rng.random::<f64>();
        let ground = Ground::LINF;
        for case in 0..3000 {
            let (n, m) = ((rnd() * 13.0) as usize, (rnd() * 13.0) as usize);
            let grid = case % 2 == 0;
            let mut points = |k: usize| -> Vec<Pt> {
                (0..k)
                    .map(|_| {
                        let (b, p) = if grid {
                            ((rnd() * 6.0).floor() * 0.5, (rnd() * 5.0).floor() * 0.5)
                        } else {
                            (rnd() * 4.0, rnd() * rnd() * 6.0)
                        };
                        Pt { lo: b, hi: b + p }
                    })
                    .collect()
            };
            let (a, b) = (points(n), points(m));
            for p in [1.0, 2.0] {
                let w: Vec<f64> = a
                    .iter()
                    .flat_map(|&x| b.iter().map(move |&y| ground.cost(x, y).powf(p)))
                    .collect();
                let wa: Vec<f64> = a.iter().map(|&x| ground.diag(x).powf(p)).collect();
                let wb: Vec<f64> = b.iter().map(|&y| ground.diag(y).powf(p)).collect();
                let total = |x: &[Option<usize>]| {
                    let mut used = vec![false; m];
                    let mut t = 0.0;
                    for (i, &j) in x.iter().enumerate() {
                        match j {
                            Some(j) => {
                                assert!(!used[j]);
                                used[j] = true;
                                t += w[i * m + j];
                            }
                            None => t += wa[i],
                        }
                    }
                    t + (0..m).filter(|&j| !used[j]).map(|j| wb[j]).sum::<f64>()
                };
                let (s1, s2) = (
                    total(&sparse(n, m, &w, &wa, &wb)),
                    total(&dense(n, m, &w, &wa, &wb)),
                );
                assert!(
                    (s1 - s2).abs() <= 1e-12 * s1.max(1.0),
                    "{case}: {s1} vs {s2}"
                );
            }
        }
    }
}
