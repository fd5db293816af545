//! The combinatorial number system: simplices as 64-bit integers.
//!
//! A `k`-simplex with vertices `v_k > ... > v_1 > v_0` gets the index
//! `sum_i C(v_i, i + 1)`, a bijection onto `0..C(n, k + 1)` that follows the
//! colexicographic order of vertex sets (Knuth, TAOCP 7.2.1.3; used for
//! Vietoris-Rips by Bauer, "Ripser", J. Appl. Comput. Topol. 2021, Sec. 5.1).
//! Nothing but the index is stored per simplex: vertices and coboundaries are
//! recomputed from it on the fly.

/// Binomial coefficients `C(v, k)` for `v <= n`, `k <= max_k`, all checked to fit in `u64`.
#[derive(Debug, Clone)]
pub(crate) struct Binomial {
    /// `rows[k][v] = C(v, k)`; a row per `k` so that scans over `v` are contiguous.
    rows: Vec<Vec<u64>>,
}

impl Binomial {
    /// The table for `v <= n`, `k <= max_k`; `None` if a coefficient overflows `u64`.
    pub(crate) fn new(n: usize, max_k: usize) -> Option<Self> {
        let mut rows = vec![vec![1u64; n + 1]];
        for k in 1..=max_k {
            let prev = &rows[k - 1];
            let mut row = vec![0u64; n + 1];
            for v in 1..=n {
                // Pascal's rule: C(v, k) = C(v-1, k-1) + C(v-1, k).
                row[v] = prev[v - 1].checked_add(row[v - 1])?;
            }
            rows.push(row);
        }
        Some(Self { rows })
    }

    /// `C(v, k)`.
    #[inline(always)]
    pub(crate) fn get(&self, v: usize, k: usize) -> u64 {
        self.rows[k][v]
    }

    /// Index of the simplex with vertices `verts` sorted in decreasing order.
    pub(crate) fn index(&self, verts: &[u32]) -> u64 {
        let k = verts.len();
        verts
            .iter()
            .enumerate()
            .map(|(p, &v)| self.get(v as usize, k - p))
            .sum()
    }

    /// Writes the `k + 1` vertices of the `k`-simplex `index` into `out`, in
    /// decreasing order (`n` = number of points).
    ///
    /// Each vertex is the largest `v` below the previous one with
    /// `C(v, pos) <= index`: a binary search for `pos >= 3`; for the last
    /// two vertices, closed forms (`C(v, 1) = v`, and the root of
    /// `C(v, 2) = v (v - 1) / 2` corrected by the table).
    pub(crate) fn vertices(&self, mut index: u64, k: usize, n: usize, out: &mut Vec<u32>) {
        out.clear();
        let mut hi = n; // every remaining vertex is < hi
        for pos in (3..=k + 1).rev() {
            // Largest v < hi with C(v, pos) <= index (C(., pos) is non-decreasing in v).
            let row = &self.rows[pos][..hi];
            let v = row.partition_point(|&c| c <= index) - 1;
            out.push(v as u32);
            index -= row[v];
            hi = v;
        }
        if k >= 1 {
            let v = self.largest_pair_vertex(index, hi);
            out.push(v as u32);
            index -= self.rows[2][v];
        }
        out.push(index as u32);
    }

    /// The largest `v < hi` with `C(v, 2) <= index` (one exists: `index` is
    /// the index of an edge below `hi`).
    #[inline(always)]
    fn largest_pair_vertex(&self, index: u64, hi: usize) -> usize {
        let row = &self.rows[2];
        // v = floor((1 + sqrt(1 + 8 index)) / 2), exact up to rounding.
        let root = ((1.0 + (1.0 + 8.0 * index as f64).sqrt()) / 2.0) as usize;
        let mut v = root.min(hi.saturating_sub(1)).max(1);
        while row[v] > index {
            v -= 1;
        }
        while v + 1 < hi && row[v + 1] <= index {
            v += 1;
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_colex_order() {
        let n = 9;
        let b = Binomial::new(n, 4).unwrap();
        let mut v = Vec::new();
        for k in 0..3 {
            let count = b.get(n, k + 1);
            let mut prev: Option<Vec<u32>> = None;
            for idx in 0..count {
                b.vertices(idx, k, n, &mut v);
                assert_eq!(v.len(), k + 1);
                assert!(v.windows(2).all(|w| w[0] > w[1]));
                assert_eq!(b.index(&v), idx);
                if let Some(p) = prev {
                    // colex: compare from the largest vertex
                    assert!(p < v);
                }
                prev = Some(v.clone());
            }
        }
    }

    #[test]
    fn vertices_round_trip_on_many_points_and_the_largest_indices() {
        // Indices up to C(n, 3) near 2^64 (n = 4.8 million: the roots of
        // C(v, 2) are far beyond f64's exact integers).
        for (n, k) in [
            (3000usize, 1usize),
            (3000, 2),
            (3000, 3),
            (4_800_000, 1),
            (4_800_000, 2),
        ] {
            let b = Binomial::new(n, k + 1).unwrap();
            let count = b.get(n, k + 1);
            let mut x = 0x9E37_79B9_7F4A_7C15u64;
            let mut v = Vec::new();
            let picks = (0..2000u64).map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % count
            });
            for idx in picks.chain([0, 1, count - 1, count / 2]) {
                b.vertices(idx, k, n, &mut v);
                assert_eq!(v.len(), k + 1);
                assert!(v.windows(2).all(|w| w[0] > w[1]), "{v:?}");
                assert!((v[0] as usize) < n);
                assert_eq!(b.index(&v), idx, "n {n}, k {k}");
            }
        }
    }

    #[test]
    fn overflow_is_detected() {
        assert!(Binomial::new(100, 10).is_some());
        assert!(Binomial::new(200, 100).is_none());
    }
}
