//! What a Vietoris-Rips run reports: [`RipsOutput`] (the fields of
//! ripser.py's result dictionary) and representative [`Cocycle`]s.

use crate::Diagram;

/// Everything [`Rips::run`](super::Rips::run) reports, field by field the
/// dictionary ripser.py returns.
#[derive(Debug, Clone, PartialEq)]
pub struct RipsOutput {
    /// Diagrams `0..=max_dim` (ripser.py's `dgms`).
    pub diagrams: Vec<Diagram>,
    /// Representative cocycles (ripser.py's `cocycles`): `cocycles[d]`
    /// holds one cocycle per bar of `diagrams[d]`, essential bars
    /// included, in the same order, for `d >= 1`; `cocycles[0]` is empty
    /// (as ripser.py's), and so is every list unless
    /// [`RipsBuilder::cocycles`](super::RipsBuilder::cocycles) was set.
    ///
    /// ripser.py lists bars in its reduction order, we by birth then death
    /// (bars with equal ends in ripser.py's order), so a stable sort of
    /// ripser.py's `dgms[d]` with its `cocycles[d]` gives ours. For the same
    /// distances (ripser.py rounds them to `f32`) the cocycles are equal.
    pub cocycles: Vec<Vec<Cocycle>>,
    /// Edges of the filtration: pairs `i < j` within the threshold used
    /// (ripser.py's `num_edges`).
    pub num_edges: usize,
    /// The points the run used when a greedy subsample was asked for
    /// ([`RipsBuilder::n_perm`](super::RipsBuilder::n_perm)), ripser.py's
    /// `idx_perm`: `idx_perm[k]` is the input index of the subsample's
    /// point `k`, in the order of the greedy permutation (farthest point
    /// sampling from point 0). With `n_perm` equal to the number of points
    /// no subsample is taken and this is `0..n`, as in ripser.py; `None`
    /// without `n_perm` (ripser.py then reports `0..n`).
    pub idx_perm: Option<Vec<usize>>,
    /// The covering radius of the subsample (ripser.py's `r_cover`): the
    /// largest distance from an input point to its nearest subsample point,
    /// so the subsample's diagrams are within bottleneck distance
    /// `2 * r_cover` of the full input's (mapping each point to a nearest
    /// subsample point lengthens every edge by at most `2 * r_cover`, so
    /// the two filtrations are `2 * r_cover`-interleaved). 0 without a
    /// subsample.
    pub r_cover: f64,
}

/// A representative cocycle of a bar of dimension `dim`: simplices of
/// dimension `dim` with coefficients in `Z/p`, in ripser.py's layout (its
/// `(k, dim + 2)` array, row by row, is `vertices` of a simplex then its
/// coefficient).
///
/// It is the bar's column of the reduced cohomology matrix, as ripser.py
/// reports it: the simplex that creates the bar (first, coefficient 1) plus
/// the reduction column `V`, simplices in filtration order (oldest first),
/// each simplex's vertices in decreasing order. Its coboundary vanishes on
/// every simplex older than the one that kills the bar (on all of them for
/// an essential bar), so it is a cocycle of the complex at any scale in
/// `[birth, death)`, and not a coboundary there. Coefficients follow
/// Ripser's orientation: the coefficient of a coface in the coboundary of a
/// simplex is `(-1)^k`, `k` the number of the simplex's vertices below the
/// added one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cocycle {
    /// The dimension of the simplices.
    pub dim: usize,
    /// `dim + 1` vertex indices per simplex, simplex after simplex.
    pub vertices: Vec<u32>,
    /// One coefficient in `1..p` per simplex.
    pub coefficients: Vec<u32>,
}

impl Cocycle {
    /// Number of simplices with a nonzero coefficient.
    pub fn len(&self) -> usize {
        self.coefficients.len()
    }

    /// True if the cocycle has no simplex.
    pub fn is_empty(&self) -> bool {
        self.coefficients.is_empty()
    }

    /// Simplex `k`: its vertices and its coefficient.
    ///
    /// # Panics
    /// If `k >= self.len()`.
    pub fn simplex(&self, k: usize) -> (&[u32], u32) {
        let w = self.dim + 1;
        (&self.vertices[k * w..(k + 1) * w], self.coefficients[k])
    }
}
