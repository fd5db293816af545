//! Metrics and the two distance stores the engine enumerates cofacets over.
//!
//! - [`Dense`]: the full symmetric `n x n` matrix, row-major, so that the
//!   distances from one vertex to all others are contiguous. Ripser stores the
//!   compressed lower triangle instead (Bauer 2021, Sec. 5.1: half the memory);
//!   its rows are contiguous only up to the diagonal and the rest is a strided
//!   column walk, while cofacet enumeration reads whole rows for every simplex.
//!   We spend the factor two in memory where it fits the memory limit, and use
//!   the compressed form of [`Sparse`] neighbour lists otherwise.
//! - [`Sparse`]: for every vertex, its neighbours within the threshold sorted
//!   by decreasing vertex index, with their distances: Ripser's sparse
//!   distance matrix (Bauer 2021, Sec. 5.3), used when a threshold leaves few
//!   edges. Cofacets are then found by intersecting neighbour lists.
//!
//! Distances are `f64` throughout (Ripser computes in `f32`). Every stored
//! diameter is `>= +0.0` (a `-0.0` input is normalised), so the IEEE bit
//! patterns of diameters order like the values (see `filtration_key`).

use ndarray::ArrayView2;
use rayon::prelude::*;

use super::reduction::use_threads;

/// Pairs of points `(i, j, d(i, j))`, `i > j`, row by row (`i` increasing,
/// then `j`).
pub(crate) type Pairs = Vec<(u32, u32, f64)>;

/// The distance between two points of a cloud.
///
/// All three are computed correctly for every finite coordinate, from
/// subnormal to `f64::MAX` (see [`Metric::distance`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Metric {
    /// `sqrt(sum (a_i - b_i)^2)`, scaled as `hypot` is where the plain sum
    /// of squares would overflow or underflow.
    #[default]
    Euclidean,
    /// `max |a_i - b_i|` (the L-infinity or maximum metric).
    Chebyshev,
    /// `sum |a_i - b_i|` (the L1 or taxicab metric).
    Manhattan,
}

/// Sums of squares in `[SAFE_MIN, f64::MAX]` are taken as they are: no term
/// overflowed, and a term whose square underflowed (below `2^-1022`) is off
/// by at most `2^-1075`, `2^-63` of an ulp of the sum. Outside (overflow,
/// underflow, a zero sum) the distance is recomputed with scaling.
const SAFE_MIN: f64 = f64::from_bits(63 << 52); // 2^-960, about 1.0e-289

/// A coordinate or distance type the engine reads: `f64`, or `f32`
/// widened exactly to `f64` where it is read (so a run on `f32` input equals
/// the run on its widened `f64` copy, without the copy).
pub(crate) trait Coord: Copy + Into<f64> + Send + Sync + 'static {
    /// The value as `f64` (exact).
    fn wide(self) -> f64;
    /// The points source over row-major coordinates of this type.
    fn points<'a>(coords: &'a [Self], dim: usize, metric: Metric) -> Source<'a>;
    /// The matrix source over a validated matrix of this type.
    fn matrix(m: ArrayView2<'_, Self>) -> Source<'_>;
}

impl Coord for f64 {
    #[inline(always)]
    fn wide(self) -> f64 {
        self
    }
    fn points<'a>(coords: &'a [f64], dim: usize, metric: Metric) -> Source<'a> {
        Source::Points {
            coords,
            dim,
            metric,
        }
    }
    fn matrix(m: ArrayView2<'_, f64>) -> Source<'_> {
        Source::Matrix(m)
    }
}

impl Coord for f32 {
    #[inline(always)]
    fn wide(self) -> f64 {
        f64::from(self)
    }
    fn points<'a>(coords: &'a [f32], dim: usize, metric: Metric) -> Source<'a> {
        Source::PointsF32 {
            coords,
            dim,
            metric,
        }
    }
    fn matrix(m: ArrayView2<'_, f32>) -> Source<'_> {
        Source::MatrixF32(m)
    }
}

/// `2^k` for `-1022 <= k <= 1023`.
#[inline]
fn pow2(k: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&k));
    f64::from_bits(((k + 1023) as u64) << 52)
}

impl Metric {
    /// The distance between `a` and `b` (slices of equal length).
    ///
    /// Exact to a few ulps (Chebyshev: correctly rounded) for every finite
    /// input: a Euclidean sum of squares that overflows or underflows is
    /// recomputed on differences scaled by a power of two (so scaling the
    /// points by `2^k` scales the distance by exactly `2^k`, subnormal
    /// results rounded once). A distance beyond `f64::MAX` is `+inf`, as
    /// IEEE rounding makes it (a difference `a_i - b_i` that overflows
    /// implies one); the Rips engine refuses such a distance when no finite
    /// threshold excludes it ([`crate::Error::DistanceOverflow`]). NaN in,
    /// NaN out; slices of different lengths give NaN.
    ///
    /// ```
    /// use tda_persistence::Metric;
    /// let e = Metric::Euclidean;
    /// for s in [2f64.powi(600), 2f64.powi(-600), 2f64.powi(-1070)] {
    ///     // The squares overflow or underflow; the distance does not.
    ///     assert_eq!(e.distance(&[0.0, 0.0], &[3.0 * s, 4.0 * s]), 5.0 * s);
    /// }
    /// assert_eq!(e.distance(&[1.5e308], &[-1.5e308]), f64::INFINITY);
    /// ```
    pub fn distance(&self, a: &[f64], b: &[f64]) -> f64 {
        if a.len() != b.len() {
            return f64::NAN;
        }
        self.eval(a, b)
    }

    /// [`Metric::distance`] of slices of equal length.
    #[inline(always)]
    pub(crate) fn eval<T: Coord>(&self, a: &[T], b: &[T]) -> f64 {
        let d = match self {
            Metric::Euclidean => euclidean_root(a, b, sum_of_squares(a, b)),
            Metric::Chebyshev => a
                .iter()
                .zip(b)
                .map(|(x, y)| (x.wide() - y.wide()).abs())
                .fold(0.0, f64::max),
            // Terms are non-negative: a partial sum that overflows means a total beyond f64::MAX.
            Metric::Manhattan => a
                .iter()
                .zip(b)
                .map(|(x, y)| (x.wide() - y.wide()).abs())
                .sum(),
        };
        d + 0.0 // -0.0 -> +0.0
    }
}

/// True if a sum of squares `s` is in `[SAFE_MIN, f64::MAX]`, by one
/// unsigned comparison of its bits (`s` is `>= +0.0` or NaN; `-0.0` and
/// NaN fall outside).
#[inline(always)]
fn in_safe_range(s: f64) -> bool {
    s.to_bits().wrapping_sub(SAFE_MIN.to_bits()) <= f64::MAX.to_bits() - SAFE_MIN.to_bits()
}

/// `sum (a_i - b_i)^2`, plainly.
#[inline(always)]
fn sum_of_squares<T: Coord>(a: &[T], b: &[T]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let d = x.wide() - y.wide();
            d * d
        })
        .sum::<f64>()
}

/// The Euclidean distance from the plain sum of squares `s` of `a - b`:
/// its root if `s` is in the safe range, else recomputed with scaling.
#[inline(always)]
fn euclidean_root<T: Coord>(a: &[T], b: &[T], s: f64) -> f64 {
    if in_safe_range(s) {
        s.sqrt()
    } else {
        euclidean_scaled(a, b, s)
    }
}

/// The Euclidean distance when the plain sum of squares `s` is out of the
/// safe range: the differences are scaled by `2^-e`, `2^e` the largest
/// difference's binade, summed, and the root scaled back in one rounding.
#[cold]
#[inline(never)]
fn euclidean_scaled<T: Coord>(a: &[T], b: &[T], s: f64) -> f64 {
    if s.is_nan() {
        return s;
    }
    let m = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x.wide() - y.wide()).abs())
        .fold(0.0, f64::max);
    if m == 0.0 || m == f64::INFINITY {
        // Equal points, or a difference beyond f64::MAX (so is the distance).
        return m;
    }
    // Bring subnormal and tiny differences up first (exact: no overflow).
    let (pre, post) = if m < pow2(-1000) {
        (pow2(1000), pow2(-1000))
    } else {
        (1.0, 1.0)
    };
    let e = (((m * pre).to_bits() >> 52) as i32 - 1023).clamp(-1022, 1022);
    let (down, up) = (pow2(-e), pow2(e));
    let sum = a
        .iter()
        .zip(b)
        .map(|(x, y)| {
            let d = (x.wide() - y.wide()) * pre * down;
            d * d
        })
        .sum::<f64>();
    // sqrt(sum) * 2^e is exact (or overflows) when `pre` was 1, and a
    // normal number otherwise, so `post` rounds once.
    sum.sqrt() * up * post
}

/// Where distances come from before a store is built: points and a metric,
/// or a validated square matrix.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// Row-major coordinates, `dim` per point.
    Points {
        coords: &'a [f64],
        dim: usize,
        metric: Metric,
    },
    /// `f32` coordinates, widened per pair.
    PointsF32 {
        coords: &'a [f32],
        dim: usize,
        metric: Metric,
    },
    /// A symmetric matrix with zero diagonal and non-negative finite entries.
    Matrix(ArrayView2<'a, f64>),
    /// The same in `f32`, widened per entry.
    MatrixF32(ArrayView2<'a, f32>),
}

/// Calls `f(i, j, d(i, j))` for all `i > j` of a cloud, row by row.
#[inline(always)]
fn points_pairs<T: Coord>(
    coords: &[T],
    dim: usize,
    metric: Metric,
    mut f: impl FnMut(usize, usize, f64),
) {
    let n = coords.len() / dim;
    for i in 1..n {
        let a = &coords[i * dim..(i + 1) * dim];
        for j in 0..i {
            f(i, j, metric.eval(a, &coords[j * dim..(j + 1) * dim]));
        }
    }
}

/// Calls `f(i, j, m[i, j])` for all `i > j` of a matrix, row by row.
#[inline(always)]
fn matrix_pairs<T: Coord>(m: ArrayView2<'_, T>, mut f: impl FnMut(usize, usize, f64)) {
    for i in 1..m.nrows() {
        for j in 0..i {
            f(i, j, m[[i, j]].wide() + 0.0);
        }
    }
}

impl Source<'_> {
    /// Number of points.
    pub(crate) fn len(&self) -> usize {
        match self {
            Source::Points { coords, dim, .. } => coords.len() / dim,
            Source::PointsF32 { coords, dim, .. } => coords.len() / dim,
            Source::Matrix(m) => m.nrows(),
            Source::MatrixF32(m) => m.nrows(),
        }
    }

    /// True for point sources (whose distances are dear).
    pub(crate) fn is_points(&self) -> bool {
        matches!(self, Source::Points { .. } | Source::PointsF32 { .. })
    }

    /// `d(i, j)` (0 for `i == j`).
    pub(crate) fn dist(&self, i: usize, j: usize) -> f64 {
        if i == j {
            return 0.0;
        }
        match *self {
            Source::Points {
                coords,
                dim,
                metric,
            } => metric.eval(
                &coords[i * dim..(i + 1) * dim],
                &coords[j * dim..(j + 1) * dim],
            ),
            Source::PointsF32 {
                coords,
                dim,
                metric,
            } => metric.eval(
                &coords[i * dim..(i + 1) * dim],
                &coords[j * dim..(j + 1) * dim],
            ),
            Source::Matrix(m) => m[[i, j]] + 0.0,
            Source::MatrixF32(m) => m[[i, j]].wide() + 0.0,
        }
    }

    /// Calls `f(i, j, d(i, j))` for all `i > j`, row by row.
    pub(crate) fn for_each_pair(&self, f: impl FnMut(usize, usize, f64)) {
        match *self {
            Source::Points {
                coords,
                dim,
                metric,
            } => points_pairs(coords, dim, metric, f),
            Source::PointsF32 {
                coords,
                dim,
                metric,
            } => points_pairs(coords, dim, metric, f),
            Source::Matrix(m) => matrix_pairs(m, f),
            Source::MatrixF32(m) => matrix_pairs(m, f),
        }
    }

    /// The enclosing radius `min_i max_j d(i, j)` (0 for a single point).
    pub(crate) fn enclosing_radius(&self) -> f64 {
        let n = self.len();
        if n <= 1 {
            return 0.0;
        }
        let mut row_max = vec![0.0f64; n];
        self.for_each_pair(|i, j, d| {
            row_max[i] = row_max[i].max(d);
            row_max[j] = row_max[j].max(d);
        });
        row_max.iter().copied().fold(f64::INFINITY, f64::min)
    }

    /// The enclosing radius and the number of pairs `i > j` with
    /// `d(i, j) <= t`, in one pass (for points, whose distances are dear).
    pub(crate) fn radius_and_edges_within(&self, t: f64) -> (f64, usize) {
        let n = self.len();
        if n <= 1 {
            return (0.0, 0);
        }
        let mut row_max = vec![0.0f64; n];
        let mut count = 0usize;
        self.for_each_pair(|i, j, d| {
            row_max[i] = row_max[i].max(d);
            row_max[j] = row_max[j].max(d);
            count += usize::from(d <= t);
        });
        (row_max.iter().copied().fold(f64::INFINITY, f64::min), count)
    }

    /// Calls `f(i, j, d(i, j))` for the pairs `i > j` with `d(i, j) <= t`,
    /// row by row; for points through a grid where one pays
    /// ([`super::grid`]), the same pairs as the full scan.
    pub(crate) fn for_each_pair_within(&self, t: f64, mut f: impl FnMut(usize, usize, f64)) {
        let done = match *self {
            Source::Points {
                coords,
                dim,
                metric,
            } => super::grid::for_each_pair_within(coords, dim, metric, t, &mut f),
            Source::PointsF32 {
                coords,
                dim,
                metric,
            } => super::grid::for_each_pair_within(coords, dim, metric, t, &mut f),
            Source::Matrix(_) | Source::MatrixF32(_) => false,
        };
        if !done {
            self.for_each_pair(|i, j, d| {
                if d <= t {
                    f(i, j, d);
                }
            });
        }
    }

    /// The pairs `(i, j, d)`, `i > j`, with `d = d(i, j) <= t`, row by row,
    /// if there are at most `cap` of them (`None` otherwise: the list is
    /// dropped as soon as it passes `cap`). The list grows by doubling but
    /// never past `cap` entries.
    pub(crate) fn pairs_within(&self, t: f64, cap: usize) -> Option<Pairs> {
        let mut pairs = Some(Vec::new());
        self.for_each_pair_within(t, |i, j, d| {
            if let Some(list) = &mut pairs {
                if list.len() == cap {
                    pairs = None;
                    return;
                }
                if list.len() == list.capacity() {
                    list.reserve_exact(list.len().max(1 << 12).min(cap - list.len()));
                }
                list.push((i as u32, j as u32, d));
            }
        });
        pairs
    }

    /// Number of pairs `i > j` with `d(i, j) <= t`.
    pub(crate) fn edges_within(&self, t: f64) -> usize {
        let mut count = 0usize;
        self.for_each_pair_within(t, |_, _, _| count += 1);
        count
    }

    /// A lower bound of the enclosing radius, `max_j d(0, j) / 2` (by the
    /// triangle inequality every point is that far from some point), in
    /// one row of distances.
    pub(crate) fn enclosing_radius_lower_bound(&self) -> f64 {
        (1..self.len()).map(|j| self.dist(0, j)).fold(0.0, f64::max) / 2.0
    }

    /// Whether more than `cap` pairs `i > j` have `d(i, j) <= t`, stopping
    /// at the first pair past `cap` (row by row).
    pub(crate) fn more_pairs_within(&self, t: f64, cap: usize) -> bool {
        let mut count = 0usize;
        for i in 1..self.len() {
            for j in 0..i {
                if self.dist(i, j) <= t {
                    count += 1;
                    if count > cap {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// The first pair `(i, j)`, `i > j`, row by row, whose distance is infinite.
    pub(crate) fn first_infinite_pair(&self) -> Option<(usize, usize)> {
        let mut first = None;
        self.for_each_pair(|i, j, d| {
            if first.is_none() && d == f64::INFINITY {
                first = Some((i, j));
            }
        });
        first
    }
}

/// A distance store the engine can enumerate cofacets over.
pub(crate) trait Space: Sync {
    /// Number of vertices.
    fn n(&self) -> usize;

    /// `d(i, j)`; only called for pairs within the threshold or on a dense store.
    fn dist(&self, i: u32, j: u32) -> f64;

    /// Calls `f(c, max_v d(v, c))` for the vertices `c >= lo`, `c` not in
    /// `verts` (sorted decreasingly), with `max_v d(v, c) <= limit`, in
    /// decreasing order of `c`, until `f` returns `false`. `limit` must not
    /// exceed the store's threshold.
    fn scan<F: FnMut(u32, f64) -> bool>(&self, verts: &[u32], lo: u32, limit: f64, f: F);

    /// Calls `f(i, j, d)` for every edge `i > j` within the threshold.
    fn for_each_edge<F: FnMut(u32, u32, f64)>(&self, f: F);
}

/// Bit `k` set where every row's `r[k] <= limit`, i.e. where the largest
/// of the distances is within the limit (distances are never NaN); a fixed
/// length, so the comparisons vectorise.
#[inline(always)]
fn within_mask<const N: usize>(rows: [&[f64; BLOCK]; N], limit: f64) -> u32 {
    let mut mask = 0u32;
    for k in 0..BLOCK {
        let mut within = true;
        for r in &rows {
            within &= r[k] <= limit;
        }
        mask |= u32::from(within) << k;
    }
    mask
}

/// Candidates per block of a dense scan.
const BLOCK: usize = 16;

/// The full symmetric distance matrix, with the minimum of every block of
/// [`BLOCK`] entries of every row.
///
/// **Block minima** (a two-level scan): a scan for the cofacets of a
/// simplex within a limit skips every block in which some vertex's row has
/// its minimum above the limit; the minima are compared with the limit
/// [`BLOCK`] blocks at a time, as the entries are. The scans of short
/// limits (the apparent-pair tests of short edges, the first windows of the
/// reduction's heap) find nothing in most blocks, and read only the
/// minima, a 16th of the matrix.
pub(crate) struct Dense {
    n: usize,
    d: Vec<f64>,
    /// Groups of [`BLOCK`] minima per row: `ceil(n / BLOCK)` blocks, the
    /// last group padded with `+inf`.
    groups: usize,
    /// Row `i`'s block `b` (columns `BLOCK * b ..`) has minimum
    /// `mins[i * groups + b / BLOCK][b % BLOCK]`.
    mins: Vec<[f64; BLOCK]>,
    /// The enclosing radius `min_i max_j d(i, j)`, from the same pass.
    radius: f64,
}

impl Dense {
    /// Builds the matrix from a source.
    pub(crate) fn new(src: &Source<'_>) -> Self {
        let n = src.len();
        let d = full_matrix(src);
        let groups = n.div_ceil(BLOCK * BLOCK);
        let mut mins = vec![[f64::INFINITY; BLOCK]; n * groups];
        // Each row's block minima and maximum (rows in parallel if threads
        // are used; the radius is a minimum, the same in any order).
        let row_pass = |(row, row_mins): (&[f64], &mut [[f64; BLOCK]])| {
            let mut most = 0.0f64;
            for (b, block) in row.chunks(BLOCK).enumerate() {
                let (lo, hi) = block.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &x| {
                    (if x < lo { x } else { lo }, if x > hi { x } else { hi })
                });
                row_mins[b / BLOCK][b % BLOCK] = lo;
                most = most.max(hi);
            }
            most
        };
        let radius = if n <= 1 {
            0.0
        } else if use_threads() {
            d.par_chunks_exact(n)
                .zip(mins.par_chunks_exact_mut(groups))
                .map(row_pass)
                .reduce(|| f64::INFINITY, f64::min)
        } else {
            d.chunks_exact(n)
                .zip(mins.chunks_exact_mut(groups))
                .map(row_pass)
                .fold(f64::INFINITY, f64::min)
        };
        Self {
            n,
            d,
            groups,
            mins,
            radius,
        }
    }

    /// The enclosing radius `min_i max_j d(i, j)` (0 for at most one point).
    pub(crate) fn enclosing_radius(&self) -> f64 {
        self.radius
    }

    /// The number of pairs `i > j` with `d(i, j) <= t` (rows in parallel
    /// if threads are used).
    pub(crate) fn edges_within(&self, t: f64) -> usize {
        let count = |i: usize| {
            let row = &self.d[i * self.n..i * self.n + i];
            row.iter().map(|&x| usize::from(x <= t)).sum::<usize>()
        };
        if use_threads() {
            (1..self.n).into_par_iter().map(count).sum()
        } else {
            (1..self.n).map(count).sum()
        }
    }

    /// [`Space::scan`] for a simplex of `N` vertices: blocks whose minimum
    /// in some vertex's row exceeds the limit are skipped; the others'
    /// candidates are compared with the limit in loops without calls (they
    /// vectorise), and `f` runs only for the candidates within it, in
    /// decreasing order, skipping the simplex's own vertices.
    #[inline(always)]
    fn scan_rows<const N: usize, F: FnMut(u32, f64) -> bool>(
        &self,
        verts: [u32; N],
        lo: u32,
        limit: f64,
        mut f: F,
    ) {
        let rows = verts.map(|v| self.row(v));
        let mins = verts.map(|v| self.row_mins(v));
        let lo = lo as usize;
        for group in (lo / (BLOCK * BLOCK)..self.groups).rev() {
            let first = group * BLOCK;
            let mut blocks = within_mask(mins.map(|m| &m[group]), limit);
            while blocks != 0 {
                let bit = 31 - blocks.leading_zeros();
                blocks &= !(1 << bit);
                let b = first + bit as usize;
                if !self.scan_block(&verts, rows, (b, lo), limit, &mut f) {
                    return;
                }
            }
        }
    }

    /// The candidates of block `b` (from `lo` on) for [`Self::scan_rows`];
    /// `false` if `f` asked to stop.
    #[inline(always)]
    fn scan_block<const N: usize, F: FnMut(u32, f64) -> bool>(
        &self,
        verts: &[u32; N],
        rows: [&[f64]; N],
        (b, lo): (usize, usize),
        limit: f64,
        f: &mut F,
    ) -> bool {
        let (start, end) = ((BLOCK * b).max(lo), (BLOCK * b + BLOCK).min(self.n));
        if start >= end {
            return true;
        }
        let mut hits = match rows.map(|r| <&[f64; BLOCK]>::try_from(&r[start..end]).ok()) {
            blocks if blocks.iter().all(Option::is_some) => {
                within_mask(blocks.map(|b| b.unwrap_or(&[0.0; BLOCK])), limit)
            }
            _ => (start..end).fold(0u32, |m, k| {
                m | u32::from(rows.iter().all(|r| r[k] <= limit)) << (k - start)
            }),
        };
        while hits != 0 {
            let bit = 31 - hits.leading_zeros();
            hits &= !(1 << bit);
            let c = start + bit as usize;
            if verts.contains(&(c as u32)) {
                continue;
            }
            let m = rows.iter().fold(0.0f64, |m, r| m.max(r[c]));
            if !f(c as u32, m) {
                return false;
            }
        }
        true
    }

    /// Bytes the matrix of `n` points and its block minima take.
    pub(crate) fn bytes(n: usize) -> u64 {
        let padded = (n as u64).div_ceil((BLOCK * BLOCK) as u64) * BLOCK as u64;
        (n as u64)
            .saturating_mul((n as u64).saturating_add(padded))
            .saturating_mul(8)
    }

    /// The matrix as an array view.
    pub(crate) fn view(&self) -> ArrayView2<'_, f64> {
        ArrayView2::from_shape((self.n, self.n), &self.d).expect("n x n")
    }

    #[inline(always)]
    fn row(&self, i: u32) -> &[f64] {
        let i = i as usize;
        &self.d[i * self.n..(i + 1) * self.n]
    }

    /// The block minima of row `i`, in groups of [`BLOCK`].
    #[inline(always)]
    fn row_mins(&self, i: u32) -> &[[f64; BLOCK]] {
        let i = i as usize;
        &self.mins[i * self.groups..(i + 1) * self.groups]
    }
}

impl Space for Dense {
    fn n(&self) -> usize {
        self.n
    }

    #[inline(always)]
    fn dist(&self, i: u32, j: u32) -> f64 {
        self.d[i as usize * self.n + j as usize]
    }

    #[inline]
    fn scan<F: FnMut(u32, f64) -> bool>(&self, verts: &[u32], lo: u32, limit: f64, mut f: F) {
        let n = self.n as u32;
        match *verts {
            [a, b] => self.scan_rows([a, b], lo, limit, f),
            [a, b, c] => self.scan_rows([a, b, c], lo, limit, f),
            [a, b, c, d] => self.scan_rows([a, b, c, d], lo, limit, f),
            _ => {
                let mut next = 0; // verts[next] is the largest vertex of sigma not above c
                let mut c = n;
                while c > lo {
                    c -= 1;
                    while next < verts.len() && verts[next] > c {
                        next += 1;
                    }
                    if next < verts.len() && verts[next] == c {
                        continue;
                    }
                    let mut m = 0.0f64;
                    for &v in verts {
                        m = m.max(self.dist(v, c));
                    }
                    if m <= limit && !f(c, m) {
                        return;
                    }
                }
            }
        }
    }

    fn for_each_edge<F: FnMut(u32, u32, f64)>(&self, mut f: F) {
        for i in 1..self.n as u32 {
            let row = &self.row(i)[..i as usize];
            for (j, &d) in row.iter().enumerate() {
                f(i, j as u32, d);
            }
        }
    }
}

/// The `n x n` matrix of a source's distances, row-major.
pub(crate) fn full_matrix(src: &Source<'_>) -> Vec<f64> {
    let n = src.len();
    let mut d = vec![0.0; n * n];
    match *src {
        Source::Points {
            coords,
            dim,
            metric: Metric::Euclidean,
        } => fill_euclidean(&mut d, coords, dim),
        Source::PointsF32 {
            coords,
            dim,
            metric: Metric::Euclidean,
        } => fill_euclidean(&mut d, coords, dim),
        _ => src.for_each_pair(|i, j, v| {
            d[i * n + j] = v;
            d[j * n + i] = v;
        }),
    }
    d
}

/// The hot loop of point clouds: plain roots, the range of the sums of
/// squares tracked per row (no call in the loop), and the rare rows with a
/// sum out of the safe range redone with scaling. `d` is the `n x n` matrix.
fn fill_euclidean<T: Coord>(d: &mut [f64], coords: &[T], dim: usize) {
    let n = coords.len() / dim;
    let point = |i: usize| &coords[i * dim..(i + 1) * dim];
    for i in 1..n {
        let a = point(i);
        let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
        for j in 0..i {
            let s = sum_of_squares(a, point(j));
            lo = if s < lo { s } else { lo };
            hi = if s > hi { s } else { hi };
            let v = s.sqrt() + 0.0;
            d[i * n + j] = v;
            d[j * n + i] = v;
        }
        if !(in_safe_range(lo) && in_safe_range(hi)) {
            for j in 0..i {
                let v = Metric::Euclidean.eval(a, point(j));
                d[i * n + j] = v;
                d[j * n + i] = v;
            }
        }
    }
}

/// Neighbour lists within a threshold, each sorted by decreasing vertex index.
pub(crate) struct Sparse {
    offsets: Vec<usize>,
    nbr: Vec<u32>,
    dist: Vec<f64>,
}

impl Sparse {
    /// The lists of all pairs with `d <= threshold`; `edges` is their number (for the allocation).
    pub(crate) fn new(src: &Source<'_>, threshold: f64, edges: usize) -> Self {
        let mut pairs: Vec<(u32, u32, f64)> = Vec::with_capacity(edges);
        src.for_each_pair_within(threshold, |i, j, d| pairs.push((i as u32, j as u32, d)));
        Self::from_pairs(src.len(), &pairs)
    }

    /// The lists of a graph on `n` vertices given by its edges `(i, j, d)`,
    /// each undirected edge once (`i != j`, both `< n`, in any order and
    /// orientation; no edge twice): a filtered graph whose flag complex the
    /// engine then reduces (sparse distance input, or a collapsed graph).
    pub(crate) fn from_edges(n: usize, edges: &[(u32, u32, f64)]) -> Self {
        let mut sorted: Vec<(u32, u32, f64)> = edges
            .iter()
            .map(|&(i, j, d)| (i.max(j), i.min(j), d))
            .collect();
        sorted.sort_unstable_by_key(|&(i, j, _)| (i, j));
        Self::from_pairs(n, &sorted)
    }

    /// [`Sparse::from_edges`] of edges `(i, j, d)` with `i > j`, sorted by
    /// `i` then `j` (as [`Source::pairs_within`] gives them).
    pub(crate) fn from_pairs(n: usize, pairs: &[(u32, u32, f64)]) -> Self {
        let mut deg = vec![0usize; n + 1];
        for &(i, j, _) in pairs {
            deg[i as usize] += 1;
            deg[j as usize] += 1;
        }
        let mut offsets = vec![0usize; n + 1];
        for v in 0..n {
            offsets[v + 1] = offsets[v] + deg[v];
        }
        // Fill every list from its end: in this order of the pairs each list
        // receives its entries in increasing order, so it ends up decreasing.
        let mut fill: Vec<usize> = offsets[1..].to_vec();
        let mut nbr = vec![0u32; offsets[n]];
        let mut dist = vec![0.0f64; offsets[n]];
        for &(i, j, d) in pairs {
            for (a, b) in [(i, j), (j, i)] {
                let a = a as usize;
                fill[a] -= 1;
                nbr[fill[a]] = b;
                dist[fill[a]] = d;
            }
        }
        Self { offsets, nbr, dist }
    }

    /// Bytes the lists take for `edges` edges on `n` points: offsets, and a
    /// neighbour (`u32`) and a distance (`f64`) per edge and direction.
    pub(crate) fn bytes(n: usize, edges: usize) -> u64 {
        (edges as u64)
            .saturating_mul(2 * 12)
            .saturating_add(8 * (n as u64 + 1))
    }

    /// Peak bytes of [`Sparse::new`]: the lists, the pair list they are
    /// filled from (16 bytes a pair) and the degree and fill counters.
    pub(crate) fn build_bytes(n: usize, edges: usize) -> u64 {
        Self::bytes(n, edges)
            .saturating_add((edges as u64).saturating_mul(16))
            .saturating_add(16 * (n as u64 + 1))
    }

    /// [`Space::scan`] for an edge `(a, b)`: the two lists merged with
    /// branch-free steps (the common case: every scan of dimension 1).
    #[inline(always)]
    fn scan_edge<F: FnMut(u32, f64) -> bool>(&self, a: u32, b: u32, lo: u32, limit: f64, mut f: F) {
        let ((an, ad), (bn, bd)) = (self.list(a), self.list(b));
        // Only the entries >= lo (lists decrease).
        let (an, bn) = (
            &an[..an.partition_point(|&c| c >= lo)],
            &bn[..bn.partition_point(|&c| c >= lo)],
        );
        let (mut x, mut y) = (0, 0);
        while x < an.len() && y < bn.len() {
            let (ca, cb) = (an[x], bn[y]);
            if ca == cb {
                let m = ad[x].max(bd[y]);
                if m <= limit && !f(ca, m) {
                    return;
                }
            }
            x += usize::from(ca >= cb);
            y += usize::from(cb >= ca);
        }
    }

    #[inline(always)]
    fn list(&self, v: u32) -> (&[u32], &[f64]) {
        let (s, e) = (self.offsets[v as usize], self.offsets[v as usize + 1]);
        (&self.nbr[s..e], &self.dist[s..e])
    }
}

impl Space for Sparse {
    fn n(&self) -> usize {
        self.offsets.len() - 1
    }

    fn dist(&self, i: u32, j: u32) -> f64 {
        let (nb, d) = self.list(i);
        // Lists are sorted decreasingly.
        match nb.binary_search_by(|x| j.cmp(x)) {
            Ok(p) => d[p],
            Err(_) => f64::INFINITY,
        }
    }

    fn scan<F: FnMut(u32, f64) -> bool>(&self, verts: &[u32], lo: u32, limit: f64, mut f: F) {
        if let [a, b] = *verts {
            return self.scan_edge(a, b, lo, limit, f);
        }
        // Drive with the shortest list, look the candidates up in the others
        // with one monotone cursor each (all lists decrease).
        let Some(&driver) = verts.iter().min_by_key(|&&v| self.list(v).0.len()) else {
            return;
        };
        let (mut small_o, mut small_c) = ([0u32; 8], [0usize; 8]);
        let (big_o, mut big_c): (Vec<u32>, Vec<usize>);
        let (others, cursors): (&[u32], &mut [usize]) = if verts.len() <= 9 {
            let mut k = 0;
            for &v in verts.iter().filter(|&&v| v != driver) {
                small_o[k] = v;
                k += 1;
            }
            (&small_o[..k], &mut small_c[..k])
        } else {
            big_o = verts.iter().copied().filter(|&v| v != driver).collect();
            big_c = vec![0; big_o.len()];
            (&big_o, &mut big_c)
        };
        let (dn, dd) = self.list(driver);
        'cand: for (&c, &d0) in dn.iter().zip(dd) {
            if c < lo {
                break;
            }
            if d0 > limit {
                continue;
            }
            let mut m = d0;
            for (o, cur) in others.iter().zip(cursors.iter_mut()) {
                let (on, od) = self.list(*o);
                while *cur < on.len() && on[*cur] > c {
                    *cur += 1;
                }
                if *cur == on.len() || on[*cur] != c || od[*cur] > limit {
                    continue 'cand;
                }
                m = m.max(od[*cur]);
            }
            if !f(c, m) {
                return;
            }
        }
    }

    fn for_each_edge<F: FnMut(u32, u32, f64)>(&self, mut f: F) {
        for i in 0..self.n() as u32 {
            let (nb, d) = self.list(i);
            // Neighbours below i sit at the end of the decreasing list.
            let start = nb.partition_point(|&x| x > i);
            for (&j, &dj) in nb[start..].iter().zip(&d[start..]).rev() {
                f(i, j, dj);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`Space::scan`] must call, by brute force: the candidates
    /// `c >= lo` not in `verts` whose largest distance to `verts` is within
    /// `limit`, in decreasing order, with that distance.
    fn brute_scan(d: &[f64], n: usize, verts: &[u32], lo: u32, limit: f64) -> Vec<(u32, f64)> {
        (lo..n as u32)
            .rev()
            .filter(|c| !verts.contains(c))
            .map(|c| {
                let m = verts
                    .iter()
                    .fold(0.0f64, |m, &v| m.max(d[v as usize * n + c as usize]));
                (c, m)
            })
            .filter(|&(_, m)| m <= limit)
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The dense store's two-level scan (block minima, then blocks) and
        /// the sparse store's list intersection call exactly the brute-force
        /// candidates, for sizes around the block and group boundaries,
        /// 1 to 6 vertices, any `lo`, limits that keep few or many, and a
        /// stop after the first few.
        #[test]
        fn scans_equal_the_brute_force_scan(
            n in prop::sample::select(vec![3usize, 15, 16, 17, 255, 256, 257, 300, 530]),
            k in 1usize..7,
            seed in any::<u64>(),
            lo_share in 0.0f64..1.0,
            limit in prop::sample::select(vec![0.05, 0.2, 0.5, 0.9, 2.0]),
            stop_after in prop::sample::select(vec![1usize, 3, usize::MAX]),
        ) {
            let mut x = seed | 1;
            let mut next = move || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            let mut d = vec![0.0; n * n];
            for i in 1..n {
                for j in 0..i {
                    // Steps of 1/64: many ties with the limits.
                    let v = (next() % 64) as f64 / 64.0;
                    d[i * n + j] = v;
                    d[j * n + i] = v;
                }
            }
            let k = k.min(n);
            let mut verts: Vec<u32> = Vec::new();
            while verts.len() < k {
                let v = (next() % n as u64) as u32;
                if !verts.contains(&v) {
                    verts.push(v);
                }
            }
            verts.sort_unstable_by(|a, b| b.cmp(a));
            let lo = (lo_share * n as f64) as u32;
            let mut want = brute_scan(&d, n, &verts, lo, limit);
            want.truncate(stop_after);
            let m = ndarray::Array2::from_shape_vec((n, n), d).unwrap();
            let src = Source::Matrix(m.view());
            let dense = Dense::new(&src);
            // The radius and edge count of the block-minima pass, as the
            // source's pair loops give them.
            prop_assert_eq!(dense.enclosing_radius(), src.enclosing_radius());
            prop_assert_eq!(dense.edges_within(limit), src.edges_within(limit));
            let sparse = Sparse::new(&src, 2.0, n * (n - 1) / 2);
            for (name, got) in [
                ("dense", collect_scan(&dense, &verts, lo, limit, stop_after)),
                ("sparse", collect_scan(&sparse, &verts, lo, limit, stop_after)),
            ] {
                prop_assert_eq!(&got, &want, "{}", name);
            }
        }
    }

    fn collect_scan<S: Space>(
        s: &S,
        verts: &[u32],
        lo: u32,
        limit: f64,
        stop_after: usize,
    ) -> Vec<(u32, f64)> {
        let mut got = Vec::new();
        s.scan(verts, lo, limit, |c, m| {
            got.push((c, m));
            got.len() < stop_after
        });
        got
    }

    #[test]
    fn dense_bytes_count_the_matrix_and_its_block_minima() {
        let m = ndarray::Array2::<f64>::zeros((300, 300));
        let dense = Dense::new(&Source::Matrix(m.view()));
        let held = (dense.d.len() + dense.mins.len() * BLOCK) * 8;
        assert_eq!(Dense::bytes(300), held as u64);
    }

    #[test]
    fn lists_from_edges_in_any_order_equal_those_of_a_matrix() {
        let m = ndarray::array![
            [0.0, 1.0, 4.0, 2.0],
            [1.0, 0.0, 3.0, 9.0],
            [4.0, 3.0, 0.0, 5.0],
            [2.0, 9.0, 5.0, 0.0]
        ];
        let from_matrix = Sparse::new(&Source::Matrix(m.view()), 5.0, 5);
        let edges = [
            (2, 3, 5.0),
            (0, 1, 1.0),
            (2, 1, 3.0),
            (3, 0, 2.0),
            (0, 2, 4.0),
        ];
        let from_edges = Sparse::from_edges(4, &edges);
        assert_eq!(from_edges.offsets, from_matrix.offsets);
        assert_eq!(from_edges.nbr, from_matrix.nbr);
        assert_eq!(from_edges.dist, from_matrix.dist);
        assert_eq!(from_edges.dist(1, 3), f64::INFINITY);
        assert_eq!(from_edges.dist(3, 2), 5.0);
    }
}
