//! Exact barcodes of the Liouville torus along a path, by the persistent
//! Künneth formula for max-metric products.

use tda_persistence::{memory, Diagram, PersistencePair};

use crate::circle::{chord, MAX_CIRCLE_DIM};
use crate::error::{Error, Result};
use crate::modes::FourierModes;
use crate::path::{FiltrationPath, RayCollection};

/// Most bars one barcode may have (64 MiB of pairs); beyond it
/// [`Error::TooManyBars`].
pub const MAX_BARS: usize = 1 << 22;

/// The highest homology degree [`barcode`] computes for a torus whose
/// circles can carry it; above it [`Error::DegreeTooHigh`]. A circle's bar
/// in degree `2l + 1` has length about `1.2 r / l^3`: at this degree still
/// about `3 * 10^5` units in the last place of its endpoints (so its
/// length is good to about `10^-5`), and the enumeration lists
/// `(dim + 1) / 2 + 1 <= 2049` bars per circle.
pub const MAX_DIM: usize = (1 << 12) - 1;

/// Most partial choices (one bar for each of the first factors) one
/// Künneth enumeration may visit besides 4 per bar it finds; beyond it
/// [`Error::TooManySteps`]. It bounds the time of any call (about a second
/// at most), where the number of bars alone does not: choices that lead to
/// no bar (a degree that the remaining circles cannot make up exactly) are
/// visited too, although failed branches are remembered.
pub const MAX_STEPS: u64 = 1 << 22;

/// The degree-`dim` barcode of the Liouville torus of `modes` along `path`
/// (a [`crate::Ray`] or a [`crate::Curve`]), for any degree.
///
/// The torus is the product of one circle per mode with the max metric, so
/// its Vietoris–Rips complex is the product of the circles' complexes and,
/// over a field, its persistence module the pointwise tensor product of
/// theirs (the persistent Künneth formula; no Tor term for a product of
/// filtrations over one totally ordered parameter). A bar of degree `p` is
/// therefore the intersection of one bar per circle, of degrees summing to
/// `p`: each circle contributes `[0, inf)` (degree 0) or its bar of an odd
/// degree ([`crate::circle_bar`]), mapped through the path. Empty
/// intersections are dropped. For H1 on a ray this is
/// `{[beta, (sqrt(3) r_k - b_k) / v_k)}` with `beta = max_k (-b_k / v_k)`.
///
/// Degrees no choice can make are answered at once with an empty diagram:
/// any `dim >= 1` when every radius is 0, an even `dim` when one radius is
/// positive, and any `dim` above what the circles carry together (each
/// circle of positive radius has bars up to degree
/// [`crate::MAX_CIRCLE_DIM`]; above it they are below `f64`'s resolution),
/// `usize::MAX` included. Degrees in between above [`MAX_DIM`] are
/// refused: their bars are shorter than `1e-5` of their endpoints' scale.
///
/// # Errors
/// [`Error::LengthMismatch`] if `path` has another number of coordinates
/// than `modes`; [`Error::DegreeTooHigh`] above [`MAX_DIM`];
/// [`Error::TooLarge`] if the circles' bars (`K ((dim + 1) / 2 + 1)`) do
/// not fit the memory limit; [`Error::TooManyBars`] beyond [`MAX_BARS`]
/// bars, [`Error::TooManySteps`] beyond [`MAX_STEPS`] steps;
/// [`Error::OutOfRange`] where a circle bar endpoint (`sqrt(3) r_k`, ...)
/// or its image along the path (`(c - b_k) / v_k` on a ray) is beyond
/// `±f64::MAX` (or NaN from a user path), even where the intersection
/// would not use it; [`Error::InvalidParameter`] (`path`) if the path's
/// [`FiltrationPath::param`] decreases.
///
/// ```
/// use tda_emph::{barcode, FourierModes, Ray};
/// // f = cos t + 2 cos 2t on the diagonal ray (the EMPH paper's worked example).
/// let modes = FourierModes::from_radii(vec![1.0, 2.0]).unwrap();
/// let ray = Ray::diagonal(2).unwrap();
/// let h2 = barcode(&modes, &ray, 2).unwrap();
/// assert_eq!(h2.len(), 1);
/// assert!((h2.pairs[0].death - 3f64.sqrt()).abs() < 1e-15);
/// // Degrees no choice of bars makes answer at once: one circle has no
/// // bar in an even degree.
/// let one = FourierModes::from_radii(vec![1.0]).unwrap();
/// assert!(barcode(&one, &Ray::diagonal(1).unwrap(), usize::MAX - 1).unwrap().is_empty());
/// ```
pub fn barcode<P: FiltrationPath + ?Sized>(
    modes: &FourierModes,
    path: &P,
    dim: usize,
) -> Result<Diagram> {
    barcode_with(modes, path, dim, LIMITS)
}

/// [`barcode`] with the given limits.
fn barcode_with<P: FiltrationPath + ?Sized>(
    modes: &FourierModes,
    path: &P,
    dim: usize,
    limits: Limits,
) -> Result<Diagram> {
    check_dims(modes, path.dims())?;
    let radii = modes.radii();
    if dim > 0 {
        // A circle of radius 0 has no bar above degree 0; one of radius
        // r > 0 has a bar in every odd degree up to MAX_CIRCLE_DIM, and a
        // path maps it to a non-empty bar (param is strictly increasing in
        // exact arithmetic).
        let carrying = radii.iter().filter(|&&r| r > 0.0).take(2).count();
        if carrying == 0 || (carrying == 1 && dim % 2 == 0) {
            return Ok(Diagram::new(dim, Vec::new()));
        }
        if dim > MAX_DIM {
            let positive = radii.iter().filter(|&&r| r > 0.0).count();
            if dim > positive.saturating_mul(MAX_CIRCLE_DIM) {
                return Ok(Diagram::new(dim, Vec::new()));
            }
            return Err(Error::DegreeTooHigh { dim, max: MAX_DIM });
        }
    }
    let k = radii.len();
    // One degree-0 bar and the odd degrees 1, 3, ..., <= dim per circle.
    let per_circle = dim.min(MAX_DIM).div_ceil(2) + 1;
    let bytes = barcode_bytes(k, dim);
    memory::check("EMPH barcode (the circles' bars)", bytes)?;
    let mut bars = Vec::with_capacity(k * per_circle);
    let mut ranges = Vec::with_capacity(k);
    for (i, &r) in radii.iter().enumerate() {
        let start = bars.len();
        let at = |value: f64| {
            let x = path.param(i, value);
            if x.is_finite() {
                Ok(x)
            } else {
                Err(Error::OutOfRange {
                    what: "bar endpoint",
                    index: i,
                })
            }
        };
        let x0 = at(0.0)?;
        bars.push(Bar {
            degree: 0,
            birth: x0,
            death: f64::INFINITY,
        });
        if r > 0.0 {
            // The odd bars tile [param(0), param(2r)): the death of degree
            // 2l + 1 is the birth of degree 2l + 3. Degree 2l + 1 is kept
            // at index l + 1 even where rounding leaves it empty (such a
            // bar meets no interval), so a degree is found without search.
            let mut prev = x0;
            for l in 0..dim.div_ceil(2) {
                let x = at(r * chord(2 * l + 3))?;
                if x < prev {
                    return Err(decreasing_path(i));
                }
                bars.push(Bar {
                    degree: 2 * l + 1,
                    birth: prev,
                    death: x,
                });
                prev = x;
            }
        }
        ranges.push((start, bars.len()));
    }
    kunneth(&bars, &ranges, true, dim, limits)
}

fn decreasing_path(mode: usize) -> Error {
    Error::InvalidParameter {
        name: "path",
        value: format!("coordinate {mode}"),
        reason: "param(k, value) must be non-decreasing in value",
    }
}

/// Bytes [`barcode`] checks for `k` modes in degree `dim`.
pub(crate) fn barcode_bytes(k: usize, dim: usize) -> Option<u64> {
    factor_bytes(k, dim.min(MAX_DIM).div_ceil(2) + 1)
}

/// Bytes of `k` factors of `per` bars each plus the enumeration's stack.
fn factor_bytes(k: usize, per: usize) -> Option<u64> {
    memory::sum(&[
        memory::bytes_of::<Bar>(&[k, per]),
        memory::bytes_of::<Node>(&[k, 2]),
        memory::bytes_of::<[u64; 4]>(&[MEMO_SLOTS]),
    ])
}

/// The H1 barcode along a collection of rays, one per mode (Kim & Jung,
/// Definition 4.11): mode `k` contributes `[-b_k / v_k, (sqrt(3) r_k - b_k)
/// / v_k)` read along ray `k` alone; empty bars are dropped.
///
/// # Errors
/// [`Error::LengthMismatch`] if there are not `K` rays;
/// [`Error::OutOfRange`] where an endpoint is beyond `±f64::MAX`.
pub fn collection_barcode(modes: &FourierModes, rays: &RayCollection) -> Result<Diagram> {
    check_dims(modes, rays.rays().len())?;
    let mut pairs = Vec::new();
    for (k, (&r, ray)) in modes.radii().iter().zip(rays.rays()).enumerate() {
        if r == 0.0 {
            continue;
        }
        let (b, d) = (ray.param(k, 0.0), ray.param(k, r * chord(3)));
        if !(b.is_finite() && d.is_finite()) {
            return Err(Error::OutOfRange {
                what: "bar endpoint",
                index: k,
            });
        }
        if b < d {
            pairs.push(PersistencePair::new(b, d));
        }
    }
    Ok(Diagram::new(1, pairs))
}

/// The degree-`dim` barcode of a product of spaces with the max metric
/// (Vietoris–Rips filtrations), from each factor's barcodes, by the
/// persistent Künneth formula: all non-empty intersections of one bar per
/// factor with degrees summing to `dim`. `factors[i]` holds the diagrams of
/// factor `i` (any degrees, e.g. the output of a Rips computation); their
/// pairs must have finite births and `birth <= death` (deaths may be
/// `+inf`). Any `dim` is answered; one above the sum of the factors'
/// highest degrees at once.
///
/// # Errors
/// [`Error::InvalidParameter`] for no factors or a bad pair;
/// [`Error::TooLarge`] if the copied bars do not fit the memory limit;
/// [`Error::TooManyBars`], [`Error::TooManySteps`] as for [`barcode`].
pub fn product_barcode(factors: &[Vec<Diagram>], dim: usize) -> Result<Diagram> {
    if factors.is_empty() {
        return Err(Error::InvalidParameter {
            name: "factors",
            value: "[]".into(),
            reason: "a product needs at least one factor",
        });
    }
    let mut total = 0usize;
    for diagrams in factors {
        for d in diagrams {
            for p in &d.pairs {
                if !p.birth.is_finite() || p.death.is_nan() || p.death < p.birth {
                    return Err(Error::InvalidParameter {
                        name: "factors",
                        value: format!("({}, {})", p.birth, p.death),
                        reason: "pairs must have a finite birth and birth <= death",
                    });
                }
            }
            if d.dim <= dim {
                total = total.saturating_add(d.pairs.len());
            }
        }
    }
    let bytes = memory::sum(&[
        memory::bytes_of::<Bar>(&[total]),
        memory::bytes_of::<Node>(&[factors.len(), 2]),
        memory::bytes_of::<[u64; 4]>(&[MEMO_SLOTS]),
    ]);
    memory::check("Künneth product (the factors' bars)", bytes)?;
    let mut bars = Vec::with_capacity(total);
    let mut ranges = Vec::with_capacity(factors.len());
    for diagrams in factors {
        let start = bars.len();
        for d in diagrams.iter().filter(|d| d.dim <= dim) {
            bars.extend(d.pairs.iter().filter(|p| p.birth < p.death).map(|p| Bar {
                degree: d.dim,
                birth: p.birth,
                death: p.death,
            }));
        }
        bars[start..].sort_by_key(|b| b.degree);
        ranges.push((start, bars.len()));
    }
    kunneth(&bars, &ranges, false, dim, LIMITS)
}

fn check_dims(modes: &FourierModes, got: usize) -> Result<()> {
    if got != modes.len() {
        return Err(Error::LengthMismatch {
            name: "path",
            expected: modes.len(),
            got,
        });
    }
    Ok(())
}

/// A bar `[birth, death)` of one factor, in homology degree `degree`.
#[derive(Debug, Clone, Copy)]
struct Bar {
    degree: usize,
    birth: f64,
    death: f64,
}

/// One factor of the enumeration: its bars, sorted by degree.
struct Factor {
    start: usize,
    end: usize,
    /// The highest degree factors `i..` can add up to (prunes branches
    /// that cannot reach the degree).
    reach: usize,
    /// Where each of factors `i..` has exactly one degree-0 bar, the
    /// intersection of those bars, so that a branch that has used up its
    /// degree ends in one step instead of walking the remaining factors
    /// (H1 of K modes then costs O(K) instead of O(K^2)).
    rest: Option<(f64, f64)>,
}

/// A partial choice on the enumeration's stack: bars chosen for the
/// factors before `i`, whose intersection is `[lo, hi)`, `left` degrees
/// still to place; the next candidate bar of factor `i` is `next`.
#[derive(Debug, Clone, Copy)]
struct Node {
    i: usize,
    left: usize,
    lo: f64,
    hi: f64,
    /// The degree-0 bar of a tiled factor, still to try.
    zero: bool,
    next: usize,
    end: usize,
    /// A bar was found below this node.
    found: bool,
    /// Steps taken when the node was entered.
    entered: u64,
}

/// The memo of failed branches: a direct-mapped table of `(i, left, lo,
/// hi)` keys, allocated on the first failure worth remembering; a new key
/// overwrites the one in its slot (a forgotten failure costs time only).
struct Memo {
    slots: Vec<[u64; 4]>,
}

/// Slots of the memo (2 MiB).
const MEMO_SLOTS: usize = 1 << 16;

/// The slot no key uses.
const EMPTY: [u64; 4] = [u64::MAX; 4];

impl Memo {
    fn key(i: usize, left: usize, lo: f64, hi: f64) -> [u64; 4] {
        [i as u64, left as u64, lo.to_bits(), hi.to_bits()]
    }

    fn slot(key: &[u64; 4]) -> usize {
        let mut h = 0u64;
        for &w in key {
            h = (h.rotate_left(5) ^ w).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
        }
        (h >> (64 - 16)) as usize
    }

    fn contains(&self, key: &[u64; 4]) -> bool {
        !self.slots.is_empty() && self.slots[Self::slot(key)] == *key
    }

    fn insert(&mut self, key: [u64; 4]) {
        if self.slots.is_empty() {
            self.slots = vec![EMPTY; MEMO_SLOTS];
        }
        self.slots[Self::slot(&key)] = key;
    }
}

/// The memo is used once an enumeration has taken this many steps (small
/// ones, H1 above all, never allocate it).
const MEMO_AFTER_STEPS: u64 = 1 << 12;

/// Failed subtrees of at least this many steps are remembered.
const MEMO_MIN_STEPS: u64 = 16;

/// The enumeration's limits: the memo is used after `memo_after` steps,
/// for failed subtrees of at least `memo_min` steps; at most `max_steps`
/// steps besides 4 per bar.
#[derive(Debug, Clone, Copy)]
struct Limits {
    memo_after: u64,
    memo_min: u64,
    max_steps: u64,
}

const LIMITS: Limits = Limits {
    memo_after: MEMO_AFTER_STEPS,
    memo_min: MEMO_MIN_STEPS,
    max_steps: MAX_STEPS,
};

/// The Künneth enumeration over factors whose bars are sorted by degree.
/// `tiled`: each factor is one degree-0 bar followed by the bars of
/// degrees 1, 3, 5, ... (bar `j` of degree `2j - 1`, possibly empty), which
/// are also disjoint and in increasing position (a circle's bars along a
/// path), so a degree is found by its index and the candidates meeting an
/// interval by binary search.
fn kunneth(
    bars: &[Bar],
    ranges: &[(usize, usize)],
    tiled: bool,
    dim: usize,
    limits: Limits,
) -> Result<Diagram> {
    let k = ranges.len();
    let mut factors: Vec<Factor> = Vec::with_capacity(k + 1);
    // Every bar of the product lies in [max_i min birth_i, min_i max death_i).
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    for &(start, end) in ranges {
        let own = &bars[start..end];
        if own.is_empty() {
            return Ok(Diagram::new(dim, Vec::new()));
        }
        lo = lo.max(own.iter().map(|b| b.birth).fold(f64::INFINITY, f64::min));
        hi = hi.min(
            own.iter()
                .map(|b| b.death)
                .fold(f64::NEG_INFINITY, f64::max),
        );
        factors.push(Factor {
            start,
            end,
            reach: 0,
            rest: None,
        });
    }
    factors.push(Factor {
        start: 0,
        end: 0,
        reach: 0,
        rest: Some((f64::NEG_INFINITY, f64::INFINITY)),
    });
    for i in (0..k).rev() {
        let own = &bars[factors[i].start..factors[i].end];
        let top = own
            .iter()
            .rev()
            .find(|b| b.birth < b.death)
            .map_or(0, |b| b.degree);
        factors[i].reach = factors[i + 1].reach.saturating_add(top);
        let zeros = own.partition_point(|b| b.degree == 0);
        factors[i].rest = match (factors[i + 1].rest, zeros) {
            (Some((l, h)), 1) => Some((l.max(own[0].birth), h.min(own[0].death))),
            _ => None,
        };
    }
    if lo >= hi {
        return Ok(Diagram::new(dim, Vec::new()));
    }
    let mut walk = Walk {
        bars,
        factors: &factors,
        tiled,
        dim,
        out: Vec::new(),
        steps: 0,
        memo: Memo { slots: Vec::new() },
        limits,
        stack: Vec::with_capacity(k.min(1 << 16) + 1),
    };
    walk.run(lo, hi)?;
    Ok(Diagram::new(dim, walk.out))
}

/// Depth-first enumeration of the choices of one bar per factor, with an
/// explicit stack (the depth is the number of factors, which may be large).
struct Walk<'a> {
    bars: &'a [Bar],
    factors: &'a [Factor],
    tiled: bool,
    dim: usize,
    out: Vec<PersistencePair>,
    steps: u64,
    /// Nodes `(i, left, lo, hi)` known to lead to no bar.
    memo: Memo,
    limits: Limits,
    stack: Vec<Node>,
}

/// What entering a node gave.
enum Entered {
    /// A leaf: whether it produced a bar.
    Leaf(bool),
    /// A node with candidates, to be pushed.
    Node(Node),
}

impl Walk<'_> {
    fn run(&mut self, lo: f64, hi: f64) -> Result<()> {
        match self.enter(0, self.dim, lo, hi)? {
            Entered::Leaf(_) => return Ok(()),
            Entered::Node(n) => self.stack.push(n),
        }
        // The node on top is taken off while its next child is chosen
        // (`next_child` does not look at the stack) and put back if it has one.
        while let Some(mut node) = self.stack.pop() {
            match self.next_child(&mut node) {
                Some((degree, l, h)) => {
                    self.stack.push(node);
                    match self.enter(node.i + 1, node.left - degree, l, h)? {
                        Entered::Leaf(found) => {
                            if let Some(top) = self.stack.last_mut() {
                                top.found |= found;
                            }
                        }
                        Entered::Node(n) => self.stack.push(n),
                    }
                }
                None => {
                    let done = node;
                    if !done.found
                        && self.steps >= self.limits.memo_after
                        && self.steps - done.entered >= self.limits.memo_min
                    {
                        self.memo
                            .insert(Memo::key(done.i, done.left, done.lo, done.hi));
                    }
                    if let Some(parent) = self.stack.last_mut() {
                        parent.found |= done.found;
                    }
                }
            }
        }
        Ok(())
    }

    /// Factors `i..` still to choose, degree `left` still to place, the
    /// intersection so far `[lo, hi)` (non-empty). Intersections only
    /// shrink, so an empty one prunes its whole branch.
    fn enter(&mut self, i: usize, left: usize, lo: f64, hi: f64) -> Result<Entered> {
        self.steps += 1;
        let allowed = (self.out.len() as u64)
            .saturating_mul(4)
            .saturating_add(self.limits.max_steps);
        if self.steps > allowed {
            return Err(Error::TooManySteps {
                dim: self.dim,
                limit: self.limits.max_steps,
            });
        }
        let f = &self.factors[i];
        if left == 0 {
            if let Some((a, b)) = f.rest {
                return self.push(lo.max(a), hi.min(b)).map(Entered::Leaf);
            }
        }
        if i + 1 == self.factors.len() || left > f.reach {
            return Ok(Entered::Leaf(false));
        }
        if self.memo.contains(&Memo::key(i, left, lo, hi)) {
            return Ok(Entered::Leaf(false));
        }
        let own = &self.bars[f.start..f.end];
        // The last factor must place exactly `left`; the others at most.
        let last = i + 2 == self.factors.len();
        let (zero, next, end) = if self.tiled {
            // own[0] is the degree-0 bar, own[j] the bar of degree 2j - 1;
            // those are disjoint and in increasing position.
            let top = own.len().min(left.div_ceil(2) + 1);
            if last {
                // left >= 1 here (left == 0 ends at `rest`).
                let j = left.div_ceil(2);
                let exact = left % 2 == 1 && j < own.len();
                (false, j, if exact { j + 1 } else { j })
            } else {
                // Skip the bars that end by `lo`.
                (
                    true,
                    1 + own[1..top].partition_point(|b| b.death <= lo),
                    top,
                )
            }
        } else {
            let from = if last {
                own.partition_point(|b| b.degree < left)
            } else {
                0
            };
            (false, from, own.partition_point(|b| b.degree <= left))
        };
        Ok(Entered::Node(Node {
            i,
            left,
            lo,
            hi,
            zero,
            next: f.start + next,
            end: f.start + end,
            found: false,
            entered: self.steps,
        }))
    }

    /// The next candidate bar of `node`'s factor meeting its interval:
    /// `(degree, intersection)`.
    fn next_child(&self, node: &mut Node) -> Option<(usize, f64, f64)> {
        if node.zero {
            node.zero = false;
            let b = self.bars[self.factors[node.i].start];
            let (l, h) = (node.lo.max(b.birth), node.hi.min(b.death));
            if l < h {
                return Some((0, l, h));
            }
        }
        while node.next < node.end {
            let b = self.bars[node.next];
            node.next += 1;
            if self.tiled && b.birth >= node.hi {
                node.next = node.end;
                break;
            }
            let (l, h) = (node.lo.max(b.birth), node.hi.min(b.death));
            if l < h {
                return Some((b.degree, l, h));
            }
        }
        None
    }

    fn push(&mut self, lo: f64, hi: f64) -> Result<bool> {
        if lo < hi {
            if self.out.len() == MAX_BARS {
                return Err(Error::TooManyBars {
                    dim: self.dim,
                    limit: MAX_BARS,
                });
            }
            self.out.push(PersistencePair::new(lo, hi));
            return Ok(true);
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::Ray;
    use proptest::prelude::*;

    proptest! {
        /// Remembering every failed branch from the first step changes no
        /// barcode (on few distinct radii, where branches repeat).
        #[test]
        fn the_memo_changes_no_barcode(
            radii in prop::collection::vec(prop::sample::select(vec![0.0, 0.5, 1.0, 1.0, 2.0]), 1..7),
            a in prop::collection::vec(prop::sample::select(vec![1.0, 1.0, 2.0]), 7),
            b in prop::collection::vec(prop::sample::select(vec![0.0, 0.0, 0.5, -0.5]), 7),
            dim in 0usize..12,
        ) {
            let k = radii.len();
            let modes = FourierModes::from_radii(radii).unwrap();
            let ray = Ray::new(a[..k].to_vec(), b[..k].to_vec()).unwrap();
            let never = Limits { memo_after: u64::MAX, memo_min: u64::MAX, ..LIMITS };
            let always = Limits { memo_after: 0, memo_min: 1, ..LIMITS };
            let plain = barcode_with(&modes, &ray, dim, never).unwrap();
            prop_assert_eq!(&plain, &barcode(&modes, &ray, dim).unwrap());
            prop_assert_eq!(plain, barcode_with(&modes, &ray, dim, always).unwrap());
        }
    }

    /// The step limit ends an enumeration of dead ends, and bars found
    /// extend it: 26 equal circles in degree 26 (326 bars, and every
    /// choice of k circles in degree 3 fails), with and without the memo.
    #[test]
    fn the_step_limit_ends_dead_ends() {
        let modes = FourierModes::from_radii(vec![1.0; 26]).unwrap();
        let ray = Ray::diagonal(26).unwrap();
        let unlimited = Limits {
            max_steps: u64::MAX,
            ..LIMITS
        };
        assert_eq!(
            barcode_with(&modes, &ray, 26, unlimited).unwrap().len(),
            326
        );
        for memo_after in [0, u64::MAX] {
            let tight = Limits {
                max_steps: 1000,
                memo_after,
                ..LIMITS
            };
            assert_eq!(
                barcode_with(&modes, &ray, 26, tight),
                Err(Error::TooManySteps {
                    dim: 26,
                    limit: 1000
                })
            );
        }
        // H1 of 26 circles takes about 2 steps per bar: 26 bars, within
        // 4 per bar beyond a limit of 0.
        let none = Limits {
            max_steps: 0,
            ..LIMITS
        };
        assert!(barcode_with(&modes, &ray, 1, none).is_err());
        let few = Limits {
            max_steps: 30,
            ..LIMITS
        };
        assert_eq!(barcode_with(&modes, &ray, 1, few).unwrap().len(), 26);
    }

    /// The chords are strictly increasing up to the highest degree
    /// computed, so every circle of radius > 0 has a non-empty bar in every
    /// odd degree <= MAX_DIM before mapping.
    #[test]
    fn chords_increase_strictly_up_to_max_dim() {
        let mut prev = chord(1);
        for m in (3..=MAX_DIM + 2).step_by(2) {
            let c = chord(m);
            assert!(c > prev, "m = {m}");
            prev = c;
        }
        assert!(prev < 2.0);
    }
}
