//! The pairs of points within a threshold, found with a uniform grid
//! instead of all `n (n - 1) / 2` distances.
//!
//! Each of the engine's metrics is at least the largest coordinate
//! difference (`|a_k - b_k| <= d(a, b)` for the Euclidean, Manhattan and
//! maximum metrics), so two points within `t` lie in the same or in
//! adjacent cells of any grid whose cells are at least `t` wide along the
//! axes it cuts. The grid cuts the first (up to) three coordinates; cells
//! are `t (1 + 1e-6)` wide, or wider where an axis would otherwise get more
//! cells than points, so that rounding in the cell computation can never
//! separate a pair within `t` by two cells. The candidates' distances are
//! then computed with the metric itself, so the pairs found are exactly
//! those of the full scan (the classic cell-list method of molecular
//! dynamics; giotto-ph finds the same pairs with a radius query of a tree).

use rayon::prelude::*;

use super::distance::{Coord, Metric};
use super::reduction::use_threads;

/// Cut at most this many coordinates (3^3 = 27 neighbour cells).
const MAX_AXES: usize = 3;

/// Below this many points the full scan is as cheap.
const MIN_POINTS: usize = 256;

/// Rows per block of the parallel search...
const BLOCK_ROWS: usize = 256;
/// ... and blocks per round (the pairs of a round are held until `f` has
/// seen them, in order).
const ROUND_BLOCKS: usize = 64;

/// Calls `f(i, j, d)` for every pair `i > j` with `d = d(i, j) <= t`, row
/// by row (`i` increasing, then `j` increasing), if a grid pays: when it
/// leaves fewer than a quarter of all pairs as candidates. Returns `false`,
/// having called nothing, when it does not (few points, a threshold that
/// is not finite and positive, a grid that cuts little).
///
/// With threads, blocks of rows are searched in parallel, in rounds whose
/// pairs are then passed to `f` in the same order.
pub(crate) fn for_each_pair_within<T: Coord>(
    coords: &[T],
    dim: usize,
    metric: Metric,
    t: f64,
    mut f: impl FnMut(usize, usize, f64),
) -> bool {
    let n = coords.len().checked_div(dim).unwrap_or(0);
    let Some(grid) = Grid::new(coords, dim, n, t) else {
        return false;
    };
    let all_pairs = n as u64 * (n as u64 - 1) / 2;
    if grid.candidates() > all_pairs / 4 {
        return false;
    }
    let search = Search {
        grid: &grid,
        coords,
        dim,
        metric,
        t,
    };
    if use_threads() && n > BLOCK_ROWS {
        let round = BLOCK_ROWS * ROUND_BLOCKS;
        for first in (0..n).step_by(round) {
            let blocks: Vec<Vec<(u32, u32, f64)>> = (first..n.min(first + round))
                .step_by(BLOCK_ROWS)
                .collect::<Vec<_>>()
                .into_par_iter()
                .map_init(
                    || (Vec::new(), Vec::with_capacity(27)),
                    |(row, cells), start| {
                        let mut out = Vec::new();
                        for i in start..n.min(start + BLOCK_ROWS) {
                            search.row(i, row, cells);
                            out.extend(row.iter().map(|&(j, d)| (i as u32, j, d)));
                        }
                        out
                    },
                )
                .collect();
            for &(i, j, d) in blocks.iter().flatten() {
                f(i as usize, j as usize, d);
            }
        }
    } else {
        let (mut row, mut cells) = (Vec::new(), Vec::with_capacity(27));
        for i in 0..n {
            search.row(i, &mut row, &mut cells);
            for &(j, d) in &row {
                f(i, j as usize, d);
            }
        }
    }
    true
}

/// The search of the pairs within `t` on a grid.
struct Search<'a, T> {
    grid: &'a Grid,
    coords: &'a [T],
    dim: usize,
    metric: Metric,
    t: f64,
}

impl<T: Coord> Search<'_, T> {
    /// The pairs `(j, d)` of row `i` (`j < i`, `d <= t`), by increasing `j`,
    /// into `row` (`cells` is scratch).
    fn row(&self, i: usize, row: &mut Vec<(u32, f64)>, cells: &mut Vec<usize>) {
        let (grid, dim) = (self.grid, self.dim);
        let point = |i: usize| &self.coords[i * dim..(i + 1) * dim];
        row.clear();
        grid.neighbour_cells(grid.cell_of[i] as usize, cells);
        for &c in cells.iter() {
            for &j in grid.members(c) {
                if (j as usize) < i {
                    let d = self.metric.eval(point(i), point(j as usize));
                    if d <= self.t {
                        row.push((j, d));
                    }
                }
            }
        }
        row.sort_unstable_by_key(|&(j, _)| j);
    }
}

/// Points bucketed by cell (a counting sort).
struct Grid {
    /// Cells along each axis (1 along the axes not cut).
    shape: [usize; MAX_AXES],
    /// The cell of each point (row-major over `shape`).
    cell_of: Vec<u32>,
    /// `start[c]..start[c + 1]` indexes the points of cell `c` in `points`.
    start: Vec<usize>,
    /// Point indices, cell by cell, increasing within a cell.
    points: Vec<u32>,
}

impl Grid {
    /// The grid of `n` points for threshold `t`, or `None` if none fits.
    fn new<T: Coord>(coords: &[T], dim: usize, n: usize, t: f64) -> Option<Self> {
        if n < MIN_POINTS || n > u32::MAX as usize || !(t.is_finite() && t > 0.0) {
            return None;
        }
        let axes = dim.min(MAX_AXES);
        // At most about 2n cells in all.
        let per_axis = ((2 * n) as f64).powf(1.0 / axes as f64).floor().max(1.0);
        let width = t * (1.0 + 1e-6);
        let mut lo = [0.0; MAX_AXES];
        let mut inv = [0.0; MAX_AXES];
        let mut shape = [1usize; MAX_AXES];
        for a in 0..axes {
            let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
            for i in 0..n {
                let x = coords[i * dim + a].wide();
                min = min.min(x);
                max = max.max(x);
            }
            let range = max - min;
            if !range.is_finite() {
                return None;
            }
            let cell = width.max(range / per_axis);
            lo[a] = min;
            inv[a] = 1.0 / cell;
            shape[a] = ((range * inv[a]).floor() as usize)
                .saturating_add(1)
                .min(per_axis as usize + 1);
        }
        let cells: usize = shape.iter().product();
        let mut cell_of = Vec::with_capacity(n);
        let mut count = vec![0usize; cells + 1];
        for i in 0..n {
            let mut c = 0;
            for a in 0..axes {
                let x = coords[i * dim + a].wide();
                let k = (((x - lo[a]) * inv[a]).floor() as usize).min(shape[a] - 1);
                c = c * shape[a] + k;
            }
            cell_of.push(c as u32);
            count[c + 1] += 1;
        }
        for c in 0..cells {
            count[c + 1] += count[c];
        }
        let start = count.clone();
        let mut fill = count;
        let mut points = vec![0u32; n];
        for (i, &c) in cell_of.iter().enumerate() {
            points[fill[c as usize]] = i as u32;
            fill[c as usize] += 1;
        }
        Some(Self {
            shape,
            cell_of,
            start,
            points,
        })
    }

    /// The points of cell `c`.
    fn members(&self, c: usize) -> &[u32] {
        &self.points[self.start[c]..self.start[c + 1]]
    }

    /// The cells adjacent to `c` (itself included) into `out` (axes not
    /// cut have one cell).
    fn neighbour_cells(&self, c: usize, out: &mut Vec<usize>) {
        out.clear();
        let [_, s1, s2] = self.shape;
        let at = [c / (s1 * s2), (c / s2) % s1, c % s2];
        let span = |a: usize| at[a].saturating_sub(1)..=(at[a] + 1).min(self.shape[a] - 1);
        for x in span(0) {
            for y in span(1) {
                for z in span(2) {
                    out.push((x * s1 + y) * s2 + z);
                }
            }
        }
    }

    /// Candidate pairs the grid leaves: for each point, the points of its
    /// cell and the adjacent ones, halved.
    fn candidates(&self) -> u64 {
        let mut cells = Vec::with_capacity(27);
        let mut total = 0u64;
        for c in 0..self.start.len() - 1 {
            let here = self.members(c).len() as u64;
            if here == 0 {
                continue;
            }
            self.neighbour_cells(c, &mut cells);
            let around: u64 = cells.iter().map(|&d| self.members(d).len() as u64).sum();
            total += here * around;
        }
        total / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn full_scan(coords: &[f64], dim: usize, metric: Metric, t: f64) -> Vec<(usize, usize, f64)> {
        let n = coords.len() / dim;
        let mut out = Vec::new();
        for i in 1..n {
            for j in 0..i {
                let d = metric.eval(
                    &coords[i * dim..(i + 1) * dim],
                    &coords[j * dim..(j + 1) * dim],
                );
                if d <= t {
                    out.push((i, j, d));
                }
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// The grid finds exactly the pairs of the full scan, in its order,
        /// ties on cell borders included (integer and half-integer
        /// coordinates with integer thresholds).
        #[test]
        fn grid_pairs_equal_the_full_scan(
            n in 256usize..700,
            dim in 1usize..6,
            seed in any::<u64>(),
            t in prop::sample::select(vec![0.5, 1.0, 2.0, 3.0, 0.1]),
            metric in prop::sample::select(vec![Metric::Euclidean, Metric::Chebyshev, Metric::Manhattan]),
            spread in prop::sample::select(vec![4.0, 20.0, 1e3]),
        ) {
            let mut x = seed | 1;
            let coords: Vec<f64> = (0..n * dim)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x % (1 << 20)) as f64 / (1u64 << 20) as f64 * spread * 2.0).round() / 2.0
                })
                .collect();
            let mut got = Vec::new();
            let used = for_each_pair_within(&coords, dim, metric, t, |i, j, d| got.push((i, j, d)));
            if used {
                prop_assert_eq!(got, full_scan(&coords, dim, metric, t));
            } else {
                prop_assert!(got.is_empty());
                // A wide cloud and a small threshold always take the grid.
                prop_assert!(spread < 1e3);
            }
        }
    }

    /// The parallel search over several rounds gives the serial one's
    /// pairs in the same order (40,000 points in the plane, about 3
    /// neighbours each).
    #[test]
    fn parallel_rounds_give_the_serial_pairs() {
        let n = 40_000;
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let coords: Vec<f64> = (0..2 * n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 1_000_000) as f64 / 5_000.0
            })
            .collect();
        let pairs = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut got = Vec::new();
            let used = pool.install(|| {
                for_each_pair_within(&coords, 2, Metric::Euclidean, 1.0, |i, j, d| {
                    got.push((i, j, d.to_bits()))
                })
            });
            assert!(used);
            got
        };
        let serial = pairs(1);
        assert!(serial.len() > n, "{} pairs", serial.len());
        assert_eq!(pairs(3), serial);
    }

    #[test]
    fn the_grid_is_used_where_it_pays_and_not_elsewhere() {
        let line: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let mut count = 0;
        assert!(for_each_pair_within(
            &line,
            1,
            Metric::Euclidean,
            1.5,
            |_, _, _| count += 1
        ));
        assert_eq!(count, 999);
        // A threshold that keeps every pair: no grid.
        assert!(!for_each_pair_within(
            &line,
            1,
            Metric::Euclidean,
            1e4,
            |_, _, _| {}
        ));
        // Too few points, or a threshold of 0 or infinity: no grid.
        assert!(!for_each_pair_within(
            &line[..100],
            1,
            Metric::Euclidean,
            1.5,
            |_, _, _| {}
        ));
        assert!(!for_each_pair_within(
            &line,
            1,
            Metric::Euclidean,
            0.0,
            |_, _, _| {}
        ));
        assert!(!for_each_pair_within(
            &line,
            1,
            Metric::Euclidean,
            f64::INFINITY,
            |_, _, _| {}
        ));
        // Coordinates whose range overflows: no grid.
        let mut wide = line.clone();
        wide[0] = -f64::MAX;
        wide[1] = f64::MAX;
        assert!(!for_each_pair_within(
            &wide,
            1,
            Metric::Euclidean,
            1.5,
            |_, _, _| {}
        ));
    }
}
