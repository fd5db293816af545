//! Persistence pairs and diagrams.

use std::cmp::Ordering;

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

impl<'a> IntoIterator for &'a Diagram {
    type Item = &'a PersistencePair;
    type IntoIter = std::slice::Iter<'a, PersistencePair>;
    fn into_iter(self) -> Self::IntoIter {
        self.pairs.iter()
    }
}
