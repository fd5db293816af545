//! Persistence pairs and diagrams.

use std::cmp::Ordering;
use std::fmt;

use ndarray::{Array2, ArrayView2};

use crate::error::{Error, Result};
use crate::sort::{sort_canonical, SortScratch};

/// One bar of a barcode: a homology class born at `birth` and dying at `death`.
///
/// `death` is infinite for an essential class (one that never dies): `+inf` in
/// sublevel filtrations, `-inf` in superlevel ones, where values decrease and
/// pairs are reported with `birth >= death`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PersistencePair {
    /// Filtration value at which the class appears.
    pub birth: f64,
    /// Filtration value at which the class dies (infinite if essential).
    pub death: f64,
}

impl PersistencePair {
    /// A pair from its birth and death values.
    pub fn new(birth: f64, death: f64) -> Self {
        Self { birth, death }
    }

    /// `|death - birth|`, rounded once: infinite for an essential pair, and
    /// for a finite one whose length exceeds `f64::MAX` (as from
    /// `-f64::MAX` to `f64::MAX`); NaN if either end is NaN.
    pub fn persistence(&self) -> f64 {
        (self.death - self.birth).abs()
    }

    /// True if the class never dies (`death` is infinite).
    pub fn is_essential(&self) -> bool {
        self.death.is_infinite()
    }

    /// The canonical order of pairs in a diagram: by birth, then death (IEEE total order).
    pub fn canonical_cmp(&self, other: &Self) -> Ordering {
        self.birth
            .total_cmp(&other.birth)
            .then(self.death.total_cmp(&other.death))
    }
}

/// Indices into the input of the simplices that create and destroy a class.
///
/// For signals and flattened images these are positions in the input slice;
/// `death_index` is `None` for an essential class. Differentiable layers use
/// them to route gradients to the input values that set the birth and death.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CriticalPair {
    /// Input index whose value is the birth.
    pub birth_index: usize,
    /// Input index whose value is the death, or `None` for an essential class.
    pub death_index: Option<usize>,
}

impl CriticalPair {
    /// The pair of values these indices point at: `value(birth_index)` and
    /// `value(death_index)`, `+inf` for an essential class (sublevel).
    pub(crate) fn pair(&self, value: impl Fn(usize) -> f64) -> PersistencePair {
        PersistencePair::new(
            value(self.birth_index),
            self.death_index.map_or(f64::INFINITY, &value),
        )
    }
}

/// The persistence diagram of one homology dimension.
///
/// Pairs are listed in a deterministic order: by birth, then death
/// ([`PersistencePair::canonical_cmp`]). Zero-persistence pairs are omitted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagram {
    /// Homology dimension (0 for connected components, 1 for loops, ...).
    pub dim: usize,
    /// The bars, essential ones included.
    pub pairs: Vec<PersistencePair>,
}

impl Diagram {
    /// A diagram of dimension `dim`; the pairs are sorted into canonical order.
    pub fn new(dim: usize, mut pairs: Vec<PersistencePair>) -> Self {
        sort_canonical(&mut pairs, &mut SortScratch::default());
        Self { dim, pairs }
    }

    /// A diagram of dimension `dim` from pairs and their critical indices,
    /// sorted together into canonical order (equal pairs by birth index,
    /// so the order is deterministic): `critical[i]` belongs to `pairs[i]`.
    pub(crate) fn with_critical(
        dim: usize,
        mut both: Vec<(PersistencePair, CriticalPair)>,
    ) -> (Self, Vec<CriticalPair>) {
        both.sort_unstable_by(|a, b| {
            a.0.canonical_cmp(&b.0)
                .then(a.1.birth_index.cmp(&b.1.birth_index))
        });
        let (pairs, critical) = both.into_iter().unzip();
        (Self { dim, pairs }, critical)
    }

    /// Number of pairs, essential ones included.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True if the diagram has no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Iterator over the pairs.
    pub fn iter(&self) -> std::slice::Iter<'_, PersistencePair> {
        self.pairs.iter()
    }

    /// Iterator over the pairs with a finite death (neither essential nor NaN).
    pub fn finite(&self) -> impl Iterator<Item = &PersistencePair> + '_ {
        self.pairs.iter().filter(|p| p.death.is_finite())
    }

    /// Number of essential (never dying) pairs.
    pub fn essential_count(&self) -> usize {
        self.pairs.iter().filter(|p| p.is_essential()).count()
    }

    /// The largest persistence of the pairs with a finite death (see
    /// [`PersistencePair::persistence`]: `+inf` if a length exceeds
    /// `f64::MAX`), NaN ones skipped; `None` if there is none.
    pub fn max_finite_persistence(&self) -> Option<f64> {
        self.finite()
            .map(PersistencePair::persistence)
            .filter(|p| !p.is_nan())
            .reduce(f64::max)
    }
}

impl Diagram {
    /// The pairs as an `(n, 2)` array, one row `[birth, death]` per pair in
    /// the diagram's order; infinite deaths stay `f64::INFINITY` (or
    /// `f64::NEG_INFINITY` for superlevel essential classes).
    ///
    /// ```
    /// use tda_persistence::{Diagram, PersistencePair};
    /// let d = Diagram::new(0, vec![PersistencePair::new(0.0, f64::INFINITY)]);
    /// let a = d.to_array();
    /// assert_eq!(a.dim(), (1, 2));
    /// assert_eq!(Diagram::from_array(0, a.view()).unwrap(), d);
    /// ```
    pub fn to_array(&self) -> Array2<f64> {
        let mut a = Array2::zeros((self.pairs.len(), 2));
        for (mut row, p) in a.rows_mut().into_iter().zip(&self.pairs) {
            row[0] = p.birth;
            row[1] = p.death;
        }
        a
    }

    /// A diagram of dimension `dim` from an `(n, 2)` array of rows
    /// `[birth, death]` (any layout; `n` may be 0), sorted into canonical
    /// order as by [`Diagram::new`]. Deaths may be infinite (essential
    /// classes, `+inf` or `-inf`); births must be finite and nothing may be
    /// NaN. Zero-persistence rows are kept as given.
    ///
    /// # Errors
    /// [`Error::Shape`] if the array does not have exactly 2 columns;
    /// [`Error::NonFinite`] naming the flat row-major index of the first NaN
    /// value or infinite birth.
    pub fn from_array(dim: usize, array: ArrayView2<'_, f64>) -> Result<Self> {
        let (rows, cols) = array.dim();
        if cols != 2 {
            return Err(Error::Shape {
                rows,
                cols,
                reason: "a diagram array needs 2 columns (birth, death)",
            });
        }
        let mut pairs = Vec::with_capacity(rows);
        for (i, row) in array.rows().into_iter().enumerate() {
            let (birth, death) = (row[0], row[1]);
            if !birth.is_finite() {
                return Err(Error::NonFinite { index: 2 * i });
            }
            if death.is_nan() {
                return Err(Error::NonFinite { index: 2 * i + 1 });
            }
            pairs.push(PersistencePair::new(birth, death));
        }
        Ok(Self::new(dim, pairs))
    }
}

/// `[birth, death)`, each value as Rust's `{}` formats an `f64` (the
/// shortest text that reads back to the same value; `inf` and `-inf` for
/// infinities).
impl fmt::Display for PersistencePair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {})", self.birth, self.death)
    }
}

/// A readable list of bars: a line `H<dim>: <n> bars` (`1 bar`), then one
/// line per pair, indented by two spaces, in the diagram's order:
///
/// ```
/// use tda_persistence::{Diagram, PersistencePair};
/// let d = Diagram::new(0, vec![
///     PersistencePair::new(0.5, 1.25),
///     PersistencePair::new(0.0, f64::INFINITY),
/// ]);
/// assert_eq!(d.to_string(), "H0: 2 bars\n  [0, inf)\n  [0.5, 1.25)");
/// ```
impl fmt::Display for Diagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.pairs.len();
        write!(f, "H{}: {n} bar{}", self.dim, if n == 1 { "" } else { "s" })?;
        for p in &self.pairs {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a Diagram {
    type Item = &'a PersistencePair;
    type IntoIter = std::slice::Iter<'a, PersistencePair>;
    fn into_iter(self) -> Self::IntoIter {
        self.pairs.iter()
    }
}
