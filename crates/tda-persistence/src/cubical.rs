//! Sublevel persistence (H0 and H1) of 2-D images on a cubical grid.
//!
//! The image values sit on the vertices of the grid and every cell enters
//! the filtration at the maximum of its vertices (the lower-star filtration).
//! Two constructions are offered, as [`Connectivity`]:
//!
//! - [`Connectivity::Four`] (the default): the vertex construction, equal to
//!   gudhi `CubicalComplex(vertices=img)`. Pixels are vertices, edges join
//!   4-neighbours and each 2x2 block is a square, so components are
//!   4-connected.
//! - [`Connectivity::Eight`]: pixels are the top-dimensional squares, equal to
//!   gudhi `CubicalComplex(top_dimensional_cells=img)`; squares sharing only a
//!   corner touch, so components are 8-connected.
//!
//! [`lower_star_2d_with_critical`] also gives the pixels that create and
//! destroy each pair (gudhi's `vertices_of_persistence_pairs` and
//! `cofaces_of_persistence_pairs`), which differentiable layers use to route
//! gradients to the pixel values that set births and deaths.
//!
//! # Algorithm
//!
//! H0 is the elder rule on the pixel graph: pixels enter in the order
//! `(value, index)` and a union-find whose roots are the oldest pixels of
//! their components reports the younger root whenever two components merge.
//!
//! H1 comes from Alexander duality (the grid is a disk): a loop of the
//! sublevel set `{f <= t}` is a bounded component of its complement, and the
//! complement of a 4-connected set is connected through the 8-neighbourhood
//! (and vice versa). So the H1 bars are the H0 bars of the *superlevel*
//! filtration of the same pixels with the dual connectivity, plus one extra
//! vertex "outside" joined to every border pixel and older than everything;
//! a dual merge at value `t` that kills a component born at `b > t` is the
//! loop `[t, b)`. See Garin, Heiss, Maggs, Bleile, Robins, "Duality in
//! persistent homology of images" (2020), and Wagner, Chen, Vuçini, "Efficient
//! computation of persistent homology for cubical data" (2012). Both passes
//! cost one sort plus near-linear union-find.

use ndarray::ArrayView2;

use crate::diagram::{CriticalPair, Diagram};
use crate::error::{check_finite, Result};
use crate::memory;

/// Bytes per pixel of a run: the values, the entry order, ranks, the
/// union-find, the merges, the bars and their sort.
const PIXEL_BYTES: usize = 96;

/// Which pixels count as adjacent for H0 (H1 uses the other one, by duality).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connectivity {
    /// Edge-adjacent pixels: gudhi `CubicalComplex(vertices=img)`.
    #[default]
    Four,
    /// Edge- or corner-adjacent pixels: gudhi `CubicalComplex(top_dimensional_cells=img)`.
    Eight,
}

impl Connectivity {
    fn offsets(self) -> &'static [(isize, isize)] {
        match self {
            Connectivity::Four => &[(-1, 0), (0, -1), (0, 1), (1, 0)],
            Connectivity::Eight => &[
                (-1, -1),
                (-1, 0),
                (-1, 1),
                (0, -1),
                (0, 1),
                (1, -1),
                (1, 0),
                (1, 1),
            ],
        }
    }

    fn dual(self) -> Self {
        match self {
            Connectivity::Four => Connectivity::Eight,
            Connectivity::Eight => Connectivity::Four,
        }
    }
}

/// H0 and H1 diagrams `[h0, h1]` of the sublevel filtration of `image`
/// (values on the vertices, 4-connectivity), equal to gudhi
/// `CubicalComplex(vertices=image)`.
///
/// ```
/// use ndarray::array;
/// use tda_persistence::cubical::lower_star_2d;
/// // A ring of zeros around a peak: one loop born at 0, filled at 5.
/// let img = array![[0.0, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 0.0]];
/// let [h0, h1] = <[_; 2]>::try_from(lower_star_2d(img.view()).unwrap()).unwrap();
/// assert_eq!(h0.len(), 1);
/// assert_eq!((h1.pairs[0].birth, h1.pairs[0].death), (0.0, 5.0));
/// ```
///
/// Values are only compared (as numbers: `-0.0 == 0.0`, ties broken by
/// the row-major index), so every finite value is handled exactly and the
/// bars are input values.
///
/// # Errors
/// [`Error::Empty`](crate::Error::Empty) for an image with no pixels;
/// [`Error::NonFinite`](crate::Error::NonFinite) with the flat row-major index of a NaN or infinity;
/// [`Error::TooLarge`](crate::Error::TooLarge) if the working memory (96 bytes a pixel) is over
/// the memory limit ([`crate::memory::limit`]).
pub fn lower_star_2d(image: ArrayView2<f64>) -> Result<Vec<Diagram>> {
    lower_star_2d_with(image, Connectivity::Four)
}

/// [`lower_star_2d`] with a chosen [`Connectivity`].
///
/// # Errors
/// As [`lower_star_2d`].
pub fn lower_star_2d_with(
    image: ArrayView2<f64>,
    connectivity: Connectivity,
) -> Result<Vec<Diagram>> {
    let (x, critical) = critical_pixels(image, connectivity)?;
    let value = |i: usize| x[i];
    Ok(critical
        .into_iter()
        .enumerate()
        .map(|(dim, crit)| Diagram::new(dim, crit.iter().map(|c| c.pair(value)).collect()))
        .collect())
}

/// [`lower_star_2d_with`] and, for each diagram, the pixels that create and
/// destroy its pairs (row-major indices into `image`), in the order of the
/// diagram's pairs: one `(diagram, critical)` per dimension, H0 then H1.
///
/// A pair's birth is `image` at `birth_index` and its death `image` at
/// `death_index` (`None` for the essential H0 class, born at the global
/// minimum). In H0 the birth pixel is the minimum of the dying component
/// and the death pixel the one whose entry merges it into an older one; in
/// H1 the birth pixel is the one whose entry closes the loop and the death
/// pixel the maximum of the hole it bounds (the last pixel to fill it).
/// These are gudhi's `vertices_of_persistence_pairs` ([`Connectivity::Four`],
/// `CubicalComplex(vertices=image)`) and `cofaces_of_persistence_pairs`
/// ([`Connectivity::Eight`], `top_dimensional_cells=image`), whose indices
/// are column-major: equal where the values are distinct; between equal
/// values the choice follows ties broken by the row-major index.
///
/// ```
/// use ndarray::array;
/// use tda_persistence::cubical::{lower_star_2d_with_critical, Connectivity};
/// let img = array![[0.0, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 0.0]];
/// let dims = lower_star_2d_with_critical(img.view(), Connectivity::Four).unwrap();
/// let (h1, critical) = &dims[1];
/// assert_eq!((h1.pairs[0].birth, h1.pairs[0].death), (0.0, 5.0));
/// assert_eq!(critical[0].death_index, Some(4)); // the peak fills the hole
/// ```
///
/// # Errors
/// As [`lower_star_2d`].
pub fn lower_star_2d_with_critical(
    image: ArrayView2<f64>,
    connectivity: Connectivity,
) -> Result<Vec<(Diagram, Vec<CriticalPair>)>> {
    let (x, critical) = critical_pixels(image, connectivity)?;
    Ok(critical
        .into_iter()
        .enumerate()
        .map(|(dim, crit)| {
            let both = crit.into_iter().map(|c| (c.pair(|i| x[i]), c)).collect();
            Diagram::with_critical(dim, both)
        })
        .collect())
}

/// The image's values (row-major) and the critical pixels of its H0 and H1
/// pairs, unsorted (the essential H0 class first).
fn critical_pixels(
    image: ArrayView2<f64>,
    connectivity: Connectivity,
) -> Result<(Vec<f64>, [Vec<CriticalPair>; 2])> {
    let (h, w) = image.dim();
    // Checked before the values are read: a broadcast view may be far
    // larger than the memory behind it.
    memory::check(
        "cubical persistence",
        memory::bytes_of::<u8>(&[h, w, PIXEL_BYTES]),
    )?;
    check_finite(image.iter())?;
    let x: Vec<f64> = image.iter().copied().collect();
    let mut order: Vec<usize> = (0..x.len()).collect();
    // By value (-0.0 == 0.0, as in `sublevel`), then index.
    order.sort_unstable_by(|&a, &b| (x[a] + 0.0).total_cmp(&(x[b] + 0.0)).then(a.cmp(&b)));

    let grid = Grid { h, w };
    let mut h0 = vec![CriticalPair {
        birth_index: order[0],
        death_index: None,
    }];
    h0.extend(
        grid.elder_merges(&x, &order, connectivity, false)
            .into_iter()
            .map(|(born, dies)| CriticalPair {
                birth_index: born,
                death_index: Some(dies),
            }),
    );

    // Superlevel pass over the dual graph: pixels by decreasing value. A
    // dual component born at its maximum `younger` and merged at `at` is
    // the loop [x[at], x[younger]).
    order.reverse();
    let h1 = grid
        .elder_merges(&x, &order, connectivity.dual(), true)
        .into_iter()
        .map(|(younger, at)| CriticalPair {
            birth_index: at,
            death_index: Some(younger),
        })
        .collect();
    Ok((x, [h0, h1]))
}

struct Grid {
    h: usize,
    w: usize,
}

impl Grid {
    /// Runs the elder rule over pixels entering in `order`, joining each to
    /// its present neighbours (and, with `outside`, border pixels to an
    /// always-present vertex older than all). Returns the merges with
    /// non-zero persistence as (birth pixel of the dying component, pixel at
    /// which it dies).
    fn elder_merges(
        &self,
        x: &[f64],
        order: &[usize],
        connectivity: Connectivity,
        outside: bool,
    ) -> Vec<(usize, usize)> {
        let n = self.h * self.w;
        let outer = n;
        // Position in the entry order; the outside vertex is the oldest.
        let mut rank = vec![0usize; n + 1];
        for (pos, &v) in order.iter().enumerate() {
            rank[v] = pos + 1;
        }
        let mut parent: Vec<usize> = (0..=n).collect();
        let mut present = vec![false; n];
        let mut merges = Vec::new();
        for &v in order {
            present[v] = true;
            let (r, c) = (v / self.w, v % self.w);
            if outside && (r == 0 || c == 0 || r + 1 == self.h || c + 1 == self.w) {
                union(&mut parent, &rank, x, v, outer, &mut merges);
            }
            for &(dr, dc) in connectivity.offsets() {
                let (nr, nc) = (r as isize + dr, c as isize + dc);
                if nr < 0 || nc < 0 || nr as usize >= self.h || nc as usize >= self.w {
                    continue;
                }
                let u = nr as usize * self.w + nc as usize;
                if present[u] {
                    union(&mut parent, &rank, x, v, u, &mut merges);
                }
            }
        }
        merges
    }
}

/// Root of `v`'s component, halving the path on the way.
fn find(parent: &mut [usize], mut v: usize) -> usize {
    while parent[v] != v {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    v
}

/// Joins the components of the entering pixel `v` and of `u`; the root with
/// the later rank (the younger component) dies at `v`.
fn union(
    parent: &mut [usize],
    rank: &[usize],
    x: &[f64],
    v: usize,
    u: usize,
    merges: &mut Vec<(usize, usize)>,
) {
    let (rv, ru) = (find(parent, v), find(parent, u));
    if rv == ru {
        return;
    }
    let (old, young) = if rank[rv] < rank[ru] {
        (rv, ru)
    } else {
        (ru, rv)
    };
    parent[young] = old;
    if x[young] != x[v] {
        merges.push((young, v));
    }
}
