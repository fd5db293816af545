//! Implicit coboundaries: cofacets and facets of a simplex from its vertices,
//! in the combinatorial number system, without any stored boundary matrix.
//!
//! Filtration order (Ripser's, Bauer 2021, Sec. 2.3 and 5): by diameter, then
//! by *decreasing* combinatorial index (reverse colexicographic order). A
//! [`Key`] packs both into a `u128` whose natural order is that order.
//!
//! Cofacets of a simplex are visited by adding a vertex `c`, `c` running
//! downwards from `n - 1`, which visits them in decreasing index order, the
//! index updated incrementally from the binomial table (Bauer 2021, Sec. 5.2).
//! The first cofacet found with the simplex's own diameter is therefore the
//! oldest cofacet: the *zero-persistence pivot* of the coboundary column,
//! the basis of the apparent and emergent pair shortcuts (Bauer 2021, Sec. 3.4
//! and 3.5).

use super::binomial::Binomial;
use super::distance::Space;

/// A simplex in filtration order: `(diameter bits) << 64 | !index`.
///
/// Diameters are `>= +0.0`, whose IEEE bits order like the values, and the
/// complemented index puts larger indices first among equal diameters.
pub(crate) type Key = u128;

/// The key of a simplex.
#[inline(always)]
pub(crate) fn key(diam: f64, index: u64) -> Key {
    ((diam.to_bits() as u128) << 64) | (!index) as u128
}

/// The diameter of a key.
#[inline(always)]
pub(crate) fn key_diam(k: Key) -> f64 {
    f64::from_bits((k >> 64) as u64)
}

/// The combinatorial index of a key.
#[inline(always)]
pub(crate) fn key_index(k: Key) -> u64 {
    !(k as u64)
}

/// Coboundary and boundary enumeration over a distance store.
pub(crate) struct Cofaces<'a, S> {
    /// The distances.
    pub space: &'a S,
    /// Binomial table up to `C(n, max_dim + 2)`.
    pub binom: &'a Binomial,
    /// Largest diameter of a simplex in the complex.
    pub threshold: f64,
}

impl<S: Space> Cofaces<'_, S> {
    /// Number of vertices.
    #[inline(always)]
    pub(crate) fn n(&self) -> usize {
        self.space.n()
    }

    /// Calls `f(c, key)` for the cofacets `verts + c` (`c >= lo`) of the simplex
    /// `(verts, index, diam)` whose diameter is `<= limit` (`limit <= threshold`),
    /// in decreasing index order, until `f` returns `false`.
    #[inline]
    pub(crate) fn for_each_cofacet<F: FnMut(u32, Key) -> bool>(
        &self,
        verts: &[u32],
        index: u64,
        diam: f64,
        lo: u32,
        limit: f64,
        mut f: F,
    ) {
        self.cofacets(
            verts,
            index,
            diam,
            (lo, f64::NEG_INFINITY, limit),
            |c, _, k| f(c, k),
        );
    }

    /// [`Self::for_each_cofacet`] from `lo = 0`, only for the cofacets whose
    /// diameter is also above `floor`, also passing to `f` the number of
    /// vertices of the simplex below `c`: the cofacet's coefficient in the
    /// simplex's coboundary is `(-1)^below` (Ripser's orientation).
    #[inline]
    pub(crate) fn for_each_cofacet_between<F: FnMut(usize, Key) -> bool>(
        &self,
        verts: &[u32],
        index: u64,
        diam: f64,
        (floor, limit): (f64, f64),
        mut f: F,
    ) {
        // Nothing skipped if the simplex itself is above the floor.
        let floor = if diam > floor {
            f64::NEG_INFINITY
        } else {
            floor
        };
        self.cofacets(verts, index, diam, (0, floor, limit), |_, below, k| {
            f(below, k)
        });
    }

    /// The cofacets `verts + c` (`c >= lo`) of diameter in `(floor, limit]`,
    /// as `f(c, below, key)`, in decreasing index order, until `f` returns
    /// `false`; `floor` is `-inf` or at least `diam`.
    #[inline(always)]
    fn cofacets<F: FnMut(u32, usize, Key) -> bool>(
        &self,
        verts: &[u32],
        index: u64,
        diam: f64,
        (lo, floor, limit): (u32, f64, f64),
        mut f: F,
    ) {
        let k = verts.len();
        let binom = self.binom;
        let (mut a, mut above, mut below) = (0usize, 0u64, index);
        self.space.scan(verts, lo, limit, |c, m| {
            if m <= floor {
                return true; // the skipped vertex is caught up at the next call
            }
            // Vertices above c move up one position in the cofacet.
            while a < k && verts[a] > c {
                let (v, q) = (verts[a] as usize, k - a);
                below -= binom.get(v, q);
                above += binom.get(v, q + 1);
                a += 1;
            }
            let idx = above + binom.get(c as usize, k - a + 1) + below;
            f(c, k - a, key(diam.max(m), idx))
        });
    }

    /// The oldest cofacet of the simplex if it has the simplex's diameter:
    /// `(added vertex, key)`, looking only at added vertices `>= lo`.
    #[inline]
    pub(crate) fn zero_pivot_cofacet(
        &self,
        verts: &[u32],
        index: u64,
        diam: f64,
        lo: u32,
    ) -> Option<(u32, Key)> {
        let mut found = None;
        self.for_each_cofacet(verts, index, diam, lo, diam, |c, k| {
            found = Some((c, k));
            false
        });
        found
    }

    /// The youngest facet of `tau` with `tau`'s diameter (the smallest facet
    /// index among those, i.e. the facet removing the largest possible
    /// vertex): `(position of the removed vertex in verts, facet index)`.
    pub(crate) fn zero_pivot_facet(&self, verts: &[u32], diam: f64) -> Option<(usize, u64)> {
        let k = verts.len();
        if k > 32 {
            return self.zero_pivot_facet_slow(verts, diam);
        }
        // Bit masks of the vertex pairs realising the diameter: removing vertex
        // p keeps the diameter iff one of those pairs avoids p.
        let mut pairs = [0u32; 8];
        let mut count = 0;
        for a in 0..k {
            for b in a + 1..k {
                if self.space.dist(verts[a], verts[b]) == diam {
                    if count == pairs.len() {
                        // Many maximal pairs (ties): brute force.
                        return self.zero_pivot_facet_slow(verts, diam);
                    }
                    pairs[count] = (1u32 << a) | (1u32 << b);
                    count += 1;
                }
            }
        }
        let p = (0..k).find(|&p| pairs[..count].iter().any(|&m| m & (1 << p) == 0))?;
        Some((p, self.facet_index(verts, p)))
    }

    /// [`Self::zero_pivot_facet`] by brute force (many vertices or many maximal pairs).
    fn zero_pivot_facet_slow(&self, verts: &[u32], diam: f64) -> Option<(usize, u64)> {
        let k = verts.len();
        for p in 0..k {
            let mut m = 0.0f64;
            for a in (0..k).filter(|&a| a != p) {
                for b in (a + 1..k).filter(|&b| b != p) {
                    m = m.max(self.space.dist(verts[a], verts[b]));
                }
            }
            if m == diam {
                return Some((p, self.facet_index(verts, p)));
            }
        }
        None
    }

    /// Index of the facet of `verts` that removes `verts[p]`.
    #[inline]
    pub(crate) fn facet_index(&self, verts: &[u32], p: usize) -> u64 {
        let k = verts.len();
        let mut idx = 0;
        for (a, &v) in verts.iter().enumerate() {
            if a < p {
                idx += self.binom.get(v as usize, k - 1 - a);
            } else if a > p {
                idx += self.binom.get(v as usize, k - a);
            }
        }
        idx
    }

    /// If `tau` (vertices `verts`, diameter `diam`) is the cofacet of a
    /// zero-persistence apparent pair `(sigma, tau)`, the key of `sigma`:
    /// `sigma` is the youngest facet of `tau` and `tau` the oldest cofacet of
    /// `sigma` (Bauer 2021, Sec. 3.4). Such pairs are never stored. Also
    /// returns the number of `sigma`'s vertices below the removed one, so
    /// that `tau`'s coefficient in `sigma`'s coboundary is `(-1)^below`.
    pub(crate) fn apparent_facet(
        &self,
        verts: &[u32],
        diam: f64,
        scratch: &mut Vec<u32>,
    ) -> Option<(Key, usize)> {
        let (p, sigma) = self.zero_pivot_facet(verts, diam)?;
        let c = verts[p];
        scratch.clear();
        scratch.extend(
            verts
                .iter()
                .enumerate()
                .filter(|&(a, _)| a != p)
                .map(|(_, &v)| v),
        );
        // tau is sigma's oldest cofacet iff no vertex above c also gives diameter `diam`.
        match self.zero_pivot_cofacet(scratch, sigma, diam, c + 1) {
            Some(_) => None,
            None => Some((key(diam, sigma), verts.len() - 1 - p)),
        }
    }

    /// The zero-persistence pivot of `sigma`'s coboundary (see
    /// [`Self::zero_pivot_cofacet`]) as `(added vertex, key)`, and whether it
    /// forms an apparent pair with `sigma` (then `sigma`'s column needs no
    /// reduction).
    pub(crate) fn apparent_cofacet(
        &self,
        verts: &[u32],
        index: u64,
        diam: f64,
        scratch: &mut Vec<u32>,
    ) -> (Option<(u32, Key)>, bool) {
        let Some((c, k)) = self.zero_pivot_cofacet(verts, index, diam, 0) else {
            return (None, false);
        };
        // Removing c gives sigma back, with the same diameter; so sigma is the
        // youngest such facet unless removing a larger vertex also keeps it.
        if c > verts[0] {
            return (Some((c, k)), true);
        }
        insert_vertex(verts, c, scratch);
        let apparent = matches!(self.zero_pivot_facet(scratch, diam), Some((_, f)) if f == index);
        (Some((c, k)), apparent)
    }
}

/// `out = verts + c`, kept in decreasing order (`c` not in `verts`).
#[inline]
pub(crate) fn insert_vertex(verts: &[u32], c: u32, out: &mut Vec<u32>) {
    out.clear();
    let split = verts.partition_point(|&v| v > c);
    out.extend_from_slice(&verts[..split]);
    out.push(c);
    out.extend_from_slice(&verts[split..]);
}
