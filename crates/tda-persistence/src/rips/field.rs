//! The coefficient fields of the reduction: `Z/2` ([`Z2`], free) and `Z/p`
//! for an odd prime `p` ([`Zp`]).
//!
//! The reduction is generic over [`Field`] and monomorphised, so the `Z/2`
//! path keeps its heap of bare keys: its coefficient type is `()` (an entry
//! `(Key, ())` has the size and order of a `Key`), equal keys cancel in
//! pairs, and every multiplication is a no-op. `Z/p` carries a coefficient
//! with every heap entry and every stored `V` entry, sums equal keys mod `p`
//! to find the pivot, and scales added columns (Ripser's `get_pivot` and
//! `add_coboundary` with a `factor`; Bauer 2021, Sec. 5).
//!
//! Coefficients are stored as `u32` in `0..p` and multiplied in `u64`, so
//! every operation is exact for `p <= 2^31 - 1` ([`MAX_COEFF`]): the sum of
//! two coefficients stays below `2^32` and a product below `2^62`. (An entry
//! `(Key, u32)` takes 32 bytes, the alignment of the `u128` key, so a
//! smaller coefficient type would save nothing.)

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::cofaces::Key;

/// Largest coefficient modulus accepted: `2^31 - 1` (a prime). Sums of two
/// coefficients then fit in `u32` and products in `u64`.
pub(crate) const MAX_COEFF: u32 = (1 << 31) - 1;

/// True if `p` is a prime (trial division; `p <= 2^32` needs at most 2^16 steps).
pub(crate) fn is_prime(p: u32) -> bool {
    if p < 2 {
        return false;
    }
    let p = u64::from(p);
    let mut d = 2u64;
    while d * d <= p {
        if p % d == 0 {
            return false;
        }
        d += 1;
    }
    true
}

/// A heap entry: a cofacet key and its coefficient.
pub(crate) type Entry<C> = (Key, C);

/// The operations of the reduction that depend on the coefficients.
pub(crate) trait Field {
    /// A nonzero coefficient (`()` for `Z/2`, where it is always 1).
    type Coef: Copy + Ord + std::fmt::Debug;

    /// The coefficient 1.
    fn one(&self) -> Self::Coef;

    /// The incidence `(-1)^below` of a face in a coface that adds a vertex
    /// with `below` vertices of the face under it (Ripser's
    /// `simplex_coboundary_enumerator`: `k & 1 ? modulus - 1 : 1`).
    fn sign(&self, below: usize) -> Self::Coef;

    /// `a * b`.
    fn mul(&self, a: Self::Coef, b: Self::Coef) -> Self::Coef;

    /// `-a`.
    fn neg(&self, a: Self::Coef) -> Self::Coef;

    /// `a^-1` (`a` nonzero).
    fn inv(&self, a: Self::Coef) -> Self::Coef;

    /// The coefficient as an integer in `1..p`.
    fn value(&self, a: Self::Coef) -> u32;

    /// The pivot of a heap column: pops entries of the oldest key while their
    /// coefficients sum to zero; the pivot (key and summed coefficient) is
    /// left on the heap.
    fn pivot(&self, heap: &mut BinaryHeap<Reverse<Entry<Self::Coef>>>)
        -> Option<Entry<Self::Coef>>;

    /// Appends to `out` the sum of the entries of `list` (sorted here): one
    /// entry per key with a nonzero sum, in increasing key order (oldest first).
    fn sum_into(&self, list: &mut [Entry<Self::Coef>], out: &mut Vec<Entry<Self::Coef>>);
}

/// `Z/2`: coefficients carry no data.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Z2;

impl Field for Z2 {
    type Coef = ();

    #[inline(always)]
    fn one(&self) {}

    #[inline(always)]
    fn sign(&self, _below: usize) {}

    #[inline(always)]
    fn mul(&self, _a: (), _b: ()) {}

    #[inline(always)]
    fn neg(&self, _a: ()) {}

    #[inline(always)]
    fn inv(&self, _a: ()) {}

    #[inline(always)]
    fn value(&self, _a: ()) -> u32 {
        1
    }

    #[inline]
    fn pivot(&self, heap: &mut BinaryHeap<Reverse<Entry<()>>>) -> Option<Entry<()>> {
        loop {
            let Reverse(top) = heap.pop()?;
            match heap.peek() {
                Some(&Reverse(next)) if next.0 == top.0 => {
                    heap.pop();
                }
                _ => {
                    heap.push(Reverse(top));
                    return Some(top);
                }
            }
        }
    }

    fn sum_into(&self, list: &mut [Entry<()>], out: &mut Vec<Entry<()>>) {
        list.sort_unstable();
        let mut w = 0;
        while w < list.len() {
            if w + 1 < list.len() && list[w].0 == list[w + 1].0 {
                w += 2;
            } else {
                out.push(list[w]);
                w += 1;
            }
        }
    }
}

/// `Z/p` for an odd prime `p <= MAX_COEFF`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Zp {
    p: u32,
}

impl Zp {
    /// The field of a prime `p` in `3..=MAX_COEFF` (checked by the builder).
    pub(crate) fn new(p: u32) -> Self {
        debug_assert!(p > 2 && p <= MAX_COEFF && is_prime(p));
        Self { p }
    }

    #[inline(always)]
    fn add(&self, a: u32, b: u32) -> u32 {
        let s = a + b; // < 2p <= 2^32 - 2
        if s >= self.p {
            s - self.p
        } else {
            s
        }
    }
}

impl Field for Zp {
    type Coef = u32;

    #[inline(always)]
    fn one(&self) -> u32 {
        1
    }

    #[inline(always)]
    fn sign(&self, below: usize) -> u32 {
        if below & 1 == 1 {
            self.p - 1
        } else {
            1
        }
    }

    #[inline(always)]
    fn mul(&self, a: u32, b: u32) -> u32 {
        (u64::from(a) * u64::from(b) % u64::from(self.p)) as u32
    }

    #[inline(always)]
    fn neg(&self, a: u32) -> u32 {
        if a == 0 {
            0
        } else {
            self.p - a
        }
    }

    /// Fermat: `a^(p-2)`. Called once per new pair, so no table is kept
    /// (Ripser's `multiplicative_inverse_vector` would take `4p` bytes).
    fn inv(&self, a: u32) -> u32 {
        let (mut base, mut e, mut r) = (a, self.p - 2, 1u32);
        while e > 0 {
            if e & 1 == 1 {
                r = self.mul(r, base);
            }
            base = self.mul(base, base);
            e >>= 1;
        }
        r
    }

    #[inline(always)]
    fn value(&self, a: u32) -> u32 {
        a
    }

    #[inline]
    fn pivot(&self, heap: &mut BinaryHeap<Reverse<Entry<u32>>>) -> Option<Entry<u32>> {
        loop {
            let Reverse((k, mut c)) = heap.pop()?;
            while let Some(&Reverse((next, d))) = heap.peek() {
                if next != k {
                    break;
                }
                c = self.add(c, d);
                heap.pop();
            }
            if c != 0 {
                heap.push(Reverse((k, c)));
                return Some((k, c));
            }
        }
    }

    fn sum_into(&self, list: &mut [Entry<u32>], out: &mut Vec<Entry<u32>>) {
        list.sort_unstable_by_key(|e| e.0);
        let mut w = 0;
        while w < list.len() {
            let (k, mut c) = list[w];
            w += 1;
            while w < list.len() && list[w].0 == k {
                c = self.add(c, list[w].1);
                w += 1;
            }
            if c != 0 {
                out.push((k, c));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primes_and_inverses() {
        let primes: Vec<u32> = (0..40).filter(|&p| is_prime(p)).collect();
        assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]);
        assert!(is_prime(MAX_COEFF));
        assert!(!is_prime(u32::MAX));
        for p in [3, 5, 7, 101, 65521, MAX_COEFF] {
            let f = Zp::new(p);
            for a in [1, 2, p / 2, p - 2, p - 1] {
                assert_eq!(f.mul(a, f.inv(a)), 1, "p {p} a {a}");
                assert_eq!(f.add(a, f.neg(a)), 0);
            }
            assert_eq!(f.sign(1), p - 1);
            assert_eq!(f.sign(2), 1);
        }
    }

    #[test]
    fn pivot_sums_equal_keys() {
        let f = Zp::new(3);
        let mut heap = BinaryHeap::new();
        for e in [(5u128, 1), (5, 2), (7, 1), (7, 1), (9, 2)] {
            heap.push(Reverse(e));
        }
        assert_eq!(f.pivot(&mut heap), Some((7, 2)));
        let mut list = vec![(9u128, 1), (4, 2), (9, 2), (4, 2), (1, 1)];
        let mut out = Vec::new();
        f.sum_into(&mut list, &mut out);
        assert_eq!(out, [(1, 1), (4, 1)]);
    }
}
