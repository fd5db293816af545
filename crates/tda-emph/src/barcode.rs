//! Exact barcodes of the Liouville torus along a path, by the persistent
//! Künneth formula for max-metric products.

use tda_persistence::{Diagram, PersistencePair};

use crate::circle::circle_bar;
use crate::error::{Error, Result};
use crate::modes::FourierModes;
use crate::path::{FiltrationPath, RayCollection};

/// Most bars one barcode may have (64 MiB of pairs); beyond it
/// [`Error::TooManyBars`].
pub const MAX_BARS: usize = 1 << 22;

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
/// ```
/// use tda_emph::{barcode, FourierModes, Ray};
/// // f = cos t + 2 cos 2t on the diagonal ray (DESIGN.md's test vector).
/// let modes = FourierModes::from_radii(vec![1.0, 2.0]).unwrap();
/// let ray = Ray::diagonal(2).unwrap();
/// let h2 = barcode(&modes, &ray, 2).unwrap();
/// assert_eq!(h2.len(), 1);
/// assert!((h2.pairs[0].death - 3f64.sqrt()).abs() < 1e-15);
/// ```
pub fn barcode<P: FiltrationPath + ?Sized>(
    modes: &FourierModes,
    path: &P,
    dim: usize,
) -> Result<Diagram> {
    check_dims(modes, path.dims())?;
    let factors: Vec<Vec<Bar>> = modes
        .radii()
        .iter()
        .enumerate()
        .map(|(k, &r)| {
            (0..=dim)
                .filter_map(|d| circle_bar(r, d).map(|p| (d, p)))
                .map(|(degree, p)| Bar {
                    degree,
                    birth: path.param(k, p.birth),
                    death: if p.death.is_finite() {
                        path.param(k, p.death)
                    } else {
                        f64::INFINITY
                    },
                })
                .filter(|b| b.birth < b.death)
                .collect()
        })
        .collect();
    kunneth(&factors, dim)
}

/// The H1 barcode along a collection of rays, one per mode (Kim & Jung,
/// Definition 4.11): mode `k` contributes `[-b_k / v_k, (sqrt(3) r_k - b_k)
/// / v_k)` read along ray `k` alone; empty bars are dropped.
pub fn collection_barcode(modes: &FourierModes, rays: &RayCollection) -> Result<Diagram> {
    check_dims(modes, rays.rays().len())?;
    let pairs = modes
        .radii()
        .iter()
        .zip(rays.rays())
        .enumerate()
        .filter_map(|(k, (&r, ray))| {
            let bar = circle_bar(r, 1)?;
            let (b, d) = (ray.param(k, bar.birth), ray.param(k, bar.death));
            (b < d).then(|| PersistencePair::new(b, d))
        })
        .collect();
    Ok(Diagram::new(1, pairs))
}

/// The degree-`dim` barcode of a product of spaces with the max metric
/// (Vietoris–Rips filtrations), from each factor's barcodes, by the
/// persistent Künneth formula: all non-empty intersections of one bar per
/// factor with degrees summing to `dim`. `factors[i]` holds the diagrams of
/// factor `i` (any degrees, e.g. the output of a Rips computation); their
/// pairs must have finite births and `birth <= death`.
pub fn product_barcode(factors: &[Vec<Diagram>], dim: usize) -> Result<Diagram> {
    if factors.is_empty() {
        return Err(Error::InvalidParameter {
            name: "factors",
            value: "[]".into(),
            reason: "a product needs at least one factor",
        });
    }
    let mut bars = Vec::with_capacity(factors.len());
    for diagrams in factors {
        let mut factor = Vec::new();
        for d in diagrams {
            for p in &d.pairs {
                if !p.birth.is_finite() || p.death.is_nan() || p.death < p.birth {
                    return Err(Error::InvalidParameter {
                        name: "factors",
                        value: format!("({}, {})", p.birth, p.death),
                        reason: "pairs must have a finite birth and birth <= death",
                    });
                }
                if d.dim <= dim && p.birth < p.death {
                    factor.push(Bar {
                        degree: d.dim,
                        birth: p.birth,
                        death: p.death,
                    });
                }
            }
        }
        factor.sort_by_key(|b| b.degree);
        bars.push(factor);
    }
    kunneth(&bars, dim)
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

/// The Künneth enumeration over factors whose bars are sorted by degree.
fn kunneth(factors: &[Vec<Bar>], dim: usize) -> Result<Diagram> {
    let k = factors.len();
    // reach[i]: the highest degree factors i.. can add up to (prunes
    // branches that cannot reach `dim`).
    let mut reach = vec![0usize; k + 1];
    // rest[i]: where each of factors i.. has exactly one degree-0 bar, the
    // intersection of those bars, so a branch that has used up its degree
    // ends in one step instead of walking the remaining factors (H1 of K
    // modes then costs O(K) instead of O(K^2)).
    let mut rest = vec![Some((f64::NEG_INFINITY, f64::INFINITY)); k + 1];
    for i in (0..k).rev() {
        let top = factors[i].iter().map(|b| b.degree).max().unwrap_or(0);
        reach[i] = reach[i + 1].saturating_add(top);
        let mut zero = factors[i].iter().filter(|b| b.degree == 0);
        rest[i] = match (rest[i + 1], zero.next(), zero.next()) {
            (Some((lo, hi)), Some(b), None) => Some((lo.max(b.birth), hi.min(b.death))),
            _ => None,
        };
    }
    let mut walk = Walk {
        factors,
        reach,
        rest,
        dim,
        out: Vec::new(),
    };
    walk.visit(0, dim, f64::NEG_INFINITY, f64::INFINITY)?;
    Ok(Diagram::new(dim, walk.out))
}

/// Depth-first enumeration of the choices of one bar per factor.
struct Walk<'a> {
    factors: &'a [Vec<Bar>],
    reach: Vec<usize>,
    rest: Vec<Option<(f64, f64)>>,
    dim: usize,
    out: Vec<PersistencePair>,
}

impl Walk<'_> {
    /// Factors `i..` still to choose, degree `left` still to place, the
    /// intersection so far `[lo, hi)` (non-empty). Intersections only
    /// shrink, so an empty one prunes its whole branch.
    fn visit(&mut self, i: usize, left: usize, lo: f64, hi: f64) -> Result<()> {
        if left == 0 {
            if let Some((a, b)) = self.rest[i] {
                return self.push(lo.max(a), hi.min(b));
            }
        }
        if i == self.factors.len() {
            return if left == 0 { self.push(lo, hi) } else { Ok(()) };
        }
        if left > self.reach[i] {
            return Ok(());
        }
        let factors = self.factors;
        for bar in factors[i].iter().take_while(|b| b.degree <= left) {
            let (l, h) = (lo.max(bar.birth), hi.min(bar.death));
            if l < h {
                self.visit(i + 1, left - bar.degree, l, h)?;
            }
        }
        Ok(())
    }

    fn push(&mut self, lo: f64, hi: f64) -> Result<()> {
        if lo < hi {
            if self.out.len() == MAX_BARS {
                return Err(Error::TooManyBars {
                    dim: self.dim,
                    limit: MAX_BARS,
                });
            }
            self.out.push(PersistencePair::new(lo, hi));
        }
        Ok(())
    }
}
