//! Which persistence diagrams a persistence layer reads from its input
//! ([`DiagramConfig`]), how the input splits into the units it takes one
//! diagram of (curves, segments of curves, images), and the critical
//! indices of each unit's kept pairs, computed on the host.

use candle_core::Tensor;
use ndarray::ArrayView2;
use rayon::prelude::*;
use tda_persistence::cubical::{lower_star_2d_with_critical, Connectivity};
use tda_persistence::sublevel::SignalH0;
use tda_persistence::CriticalPair;

use super::curve_h0::{CurveH0, KeepRule};
use crate::error::{Error, Result};

/// Which filtration of each curve or image the diagram is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filtration {
    /// Sublevel sets: minima are born, pairs have `birth <= death`.
    #[default]
    Sublevel,
    /// Superlevel sets (the Persistent CNN's): maxima are born, pairs have
    /// `birth >= death`.
    Superlevel,
}

/// What becomes of the essential class (infinite death) of each curve,
/// segment or image's 0-dimensional diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EssentialPolicy {
    /// Dropped.
    #[default]
    Drop,
    /// Replaced by the finite pair (max, min) of the segment for
    /// superlevel, (min, max) for sublevel (the Persistent CNN's): its
    /// critical indices are the segment's first argmax and argmin (first
    /// in row-major order for images).
    SegmentRange,
}

/// Which persistence diagram of its input a persistence layer reads.
///
/// A rank-3 input `(batch, channels, length)` holds curves: each curve,
/// or each of its `segment`-long pieces, gives its 0-dimensional
/// sublevel or superlevel diagram ([`tda_persistence::sublevel`]). A
/// rank-4 input `(batch, channels, height, width)` holds images: each
/// gives the `dimension`-dimensional diagram of its cubical lower-star
/// (or upper-star) filtration ([`tda_persistence::cubical`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramConfig {
    /// Sublevel or superlevel sets (default [`Filtration::Sublevel`]).
    pub filtration: Filtration,
    /// Curves: cut each curve into non-overlapping segments of this length
    /// (the tail shorter than a segment is dropped), one diagram each, and
    /// give the output a `segments` axis after `channels`. `None` (the
    /// default): one diagram per curve. Images take `None` only.
    pub segment: Option<usize>,
    /// Images: the homology dimension, 0 (components) or 1 (holes).
    /// Curves: 0 only. Default 0.
    pub dimension: usize,
    /// Images: which pixels are adjacent in dimension 0 (dimension 1 uses
    /// the other by duality; default [`Connectivity::Four`], gudhi's
    /// `CubicalComplex(vertices=...)`).
    pub connectivity: Connectivity,
    /// The essential class of dimension 0 (default [`EssentialPolicy::Drop`]).
    pub essential: EssentialPolicy,
}

impl Default for DiagramConfig {
    fn default() -> Self {
        Self {
            filtration: Filtration::Sublevel,
            segment: None,
            dimension: 0,
            connectivity: Connectivity::Four,
            essential: EssentialPolicy::Drop,
        }
    }
}

impl DiagramConfig {
    /// The Persistent CNN's diagrams (Liu, Jeng & Yang 2016): superlevel
    /// H0 of non-overlapping segments of 32 steps, the essential class
    /// replaced by the segment's range.
    pub fn persistent_cnn() -> Self {
        Self {
            filtration: Filtration::Superlevel,
            segment: Some(32),
            essential: EssentialPolicy::SegmentRange,
            ..Self::default()
        }
    }

    /// Checks the fields that do not depend on the input.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for `segment` `Some(0)` or a `dimension`
    /// above 1.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.segment == Some(0) {
            return Err(Error::InvalidConfig {
                name: "segment",
                value: "Some(0)".into(),
                reason: "segments must hold a value",
            });
        }
        if self.dimension > 1 {
            return Err(Error::InvalidConfig {
                name: "dimension",
                value: self.dimension.to_string(),
                reason: "curves and images have diagrams of dimension 0 and 1 only",
            });
        }
        Ok(())
    }
}

/// A persistence layer's input as the units it takes one diagram of: the
/// curves, their segments or the images, each `unit_len` contiguous values
/// of the flattened input.
#[derive(Debug, Clone)]
pub(crate) struct Units {
    /// The input's dimensions (for error indices).
    pub dims: Vec<usize>,
    /// The output's leading dimensions: `[batch, channels]`, then
    /// `segments` for segmented curves.
    pub lead: Vec<usize>,
    /// Curves or images: `batch * channels`.
    pub rows: usize,
    /// Values in each row of the flattened input.
    pub row_len: usize,
    /// Units per row (segments, or 1).
    pub per_row: usize,
    /// Values in each unit.
    pub unit_len: usize,
    /// `(height, width)` of image units; `None` for curves.
    pub image: Option<(usize, usize)>,
}

impl Units {
    /// How `x` splits into units under `cfg` (validated).
    ///
    /// # Errors
    /// [`Error::Shape`] for a rank other than 3 or 4, or curves shorter than
    /// one segment; [`Error::Incompatible`] for an integer dtype, a
    /// segmented config on images or dimension 1 on curves.
    pub fn of(x: &Tensor, cfg: &DiagramConfig) -> Result<Self> {
        if !x.dtype().is_float() {
            return Err(Error::Incompatible {
                name: "x",
                expected: "a floating dtype".into(),
                got: format!("{:?}", x.dtype()),
            });
        }
        let dims = x.dims().to_vec();
        let incompatible = |expected: &str| {
            Err(Error::Incompatible {
                name: "x",
                expected: expected.into(),
                got: format!("{dims:?}"),
            })
        };
        match *dims.as_slice() {
            [batch, channels, length] => {
                if cfg.dimension != 0 {
                    return incompatible(
                        "(batch, channels, height, width) images: curves have 0-dimensional diagrams only",
                    );
                }
                let unit_len = cfg.segment.unwrap_or(length);
                if length < unit_len {
                    return Err(Error::Shape {
                        name: "x",
                        expected: format!("(batch, channels, length >= segment = {unit_len})"),
                        got: dims,
                    });
                }
                let per_row = length.checked_div(unit_len).unwrap_or(1);
                let mut lead = vec![batch, channels];
                if cfg.segment.is_some() {
                    lead.push(per_row);
                }
                Ok(Self {
                    dims,
                    lead,
                    rows: batch * channels,
                    row_len: length,
                    per_row,
                    unit_len,
                    image: None,
                })
            }
            [batch, channels, height, width] => {
                if cfg.segment.is_some() {
                    return incompatible(
                        "(batch, channels, length) curves: segments cut curves, not images (segment: None)",
                    );
                }
                let unit_len = height.saturating_mul(width);
                Ok(Self {
                    lead: vec![batch, channels],
                    rows: batch * channels,
                    row_len: unit_len,
                    per_row: 1,
                    unit_len,
                    image: Some((height, width)),
                    dims,
                })
            }
            _ => Err(Error::Shape {
                name: "x",
                expected:
                    "(batch, channels, length) curves or (batch, channels, height, width) images"
                        .into(),
                got: dims,
            }),
        }
    }

    /// Number of units (diagrams).
    pub fn count(&self) -> usize {
        self.rows * self.per_row
    }

    /// Number of values of the input.
    pub fn elements(&self) -> usize {
        self.rows * self.row_len
    }

    /// The output's dimensions: the leading ones, then `tail`.
    pub fn out_dims(&self, tail: &[usize]) -> Vec<usize> {
        self.lead.iter().chain(tail).copied().collect()
    }
}

/// `each` applied to the kept pairs of every row's units (see
/// [`PairFinder::row`]), in parallel over the rows (rayon, one
/// [`PairFinder`] per worker), in row order: the result does not depend
/// on the number of threads.
///
/// # Errors
/// The first error of a row, as [`PairFinder::row`].
pub(crate) fn map_rows<T: Send>(
    host: &[f64],
    units: &Units,
    cfg: &DiagramConfig,
    min_persistence: f64,
    each: impl Fn(Vec<Vec<(usize, usize)>>) -> T + Sync + Send,
) -> Result<Vec<T>> {
    host.par_chunks(units.row_len)
        .enumerate()
        .map_init(
            || PairFinder::new(cfg, units, min_persistence),
            |finder, (r, row)| Ok(each(finder.row(r, row)?)),
        )
        .collect()
}

/// The critical pairs of one unit or of the units of one row at a time,
/// as input indices `(birth, death)`, with the reusable buffers of the H0
/// engine (one per worker: rayon's `map_init`).
pub(super) struct PairFinder<'a> {
    cfg: &'a DiagramConfig,
    units: &'a Units,
    min_persistence: f64,
    /// The pairs kept, for the one-pass H0 of curves.
    rule: KeepRule,
    curve: CurveH0,
    h0: SignalH0,
    negated: Vec<f64>,
    /// The current unit's critical pairs (reused).
    critical: Vec<CriticalPair>,
}

impl<'a> PairFinder<'a> {
    /// A finder keeping the pairs with persistence `|death - birth| >
    /// min_persistence`.
    pub(super) fn new(cfg: &'a DiagramConfig, units: &'a Units, min_persistence: f64) -> Self {
        Self {
            cfg,
            units,
            min_persistence,
            rule: KeepRule {
                superlevel: cfg.filtration == Filtration::Superlevel,
                essential: cfg.essential,
                min_persistence,
            },
            curve: CurveH0::default(),
            h0: SignalH0::default(),
            negated: Vec::new(),
            critical: Vec::new(),
        }
    }

    /// The kept pairs of each unit of row `r` (its values `row`), as flat
    /// indices into the whole input (in the H0 engine's order for curves,
    /// the diagram's for images).
    ///
    /// # Errors
    /// [`Error::Persistence`] from the diagram (the values are finite).
    fn row(&mut self, r: usize, row: &[f64]) -> Result<Vec<Vec<(usize, usize)>>> {
        let (per_row, len) = (self.units.per_row, self.units.unit_len);
        (0..per_row)
            .map(|s| {
                let mut kept = Vec::new();
                let unit = &row[s * len..(s + 1) * len];
                self.unit_into(unit, r * self.units.row_len + s * len, &mut kept)?;
                Ok(kept)
            })
            .collect()
    }

    /// The kept pairs of one unit (its values `unit`, its first value at
    /// index `offset`) into `out` (cleared), as `(birth, death)` indices
    /// plus `offset`, in the order of [`Self::row`].
    ///
    /// # Errors
    /// As [`Self::row`].
    pub(super) fn unit_into(
        &mut self,
        unit: &[f64],
        offset: usize,
        out: &mut Vec<(usize, usize)>,
    ) -> Result<()> {
        if self.units.image.is_none() {
            self.curve.kept_into(unit, &self.rule, out);
            out.iter_mut()
                .for_each(|(b, d)| (*b, *d) = (*b + offset, *d + offset));
            return Ok(());
        }
        self.reference_unit_into(unit, offset, out)
    }

    /// [`Self::unit_into`] through the general engines (for curves,
    /// SignalH0's critical indices): the one-pass H0's reference.
    ///
    /// # Errors
    /// As [`Self::row`].
    pub(super) fn reference_unit_into(
        &mut self,
        unit: &[f64],
        offset: usize,
        out: &mut Vec<(usize, usize)>,
    ) -> Result<()> {
        let mut critical = std::mem::take(&mut self.critical);
        self.critical_into(unit, &mut critical)?;
        out.clear();
        self.kept(unit, &critical, offset, out);
        self.critical = critical;
        Ok(())
    }

    /// The critical pairs of one unit's diagram, into `out` (cleared).
    fn critical_into(&mut self, unit: &[f64], out: &mut Vec<CriticalPair>) -> Result<()> {
        let superlevel = self.cfg.filtration == Filtration::Superlevel;
        out.clear();
        if unit.is_empty() {
            return Ok(());
        }
        let Some((h, w)) = self.units.image else {
            if superlevel {
                self.h0.superlevel_critical_into(unit, out)?;
            } else {
                self.h0.sublevel_critical_into(unit, out)?;
            }
            return Ok(());
        };
        // Upper-star = lower-star of the negated image: same cells, same
        // critical indices.
        let values: &[f64] = if superlevel {
            self.negated.clear();
            self.negated.extend(unit.iter().map(|v| -v));
            &self.negated
        } else {
            unit
        };
        let view = ArrayView2::from_shape((h, w), values).map_err(|_| Error::Shape {
            name: "x",
            expected: "images of height x width values".into(),
            got: self.units.dims.clone(),
        })?;
        let dims = lower_star_2d_with_critical(view, self.cfg.connectivity)?;
        if let Some((_, critical)) = dims.into_iter().nth(self.cfg.dimension) {
            *out = critical;
        }
        Ok(())
    }

    /// The pairs of `critical` that the essential policy and the threshold
    /// keep, appended to `out` as `(birth, death)` flat indices (`offset`
    /// is the unit's).
    fn kept(
        &self,
        unit: &[f64],
        critical: &[CriticalPair],
        offset: usize,
        out: &mut Vec<(usize, usize)>,
    ) {
        let superlevel = self.cfg.filtration == Filtration::Superlevel;
        let first = |better: fn(f64, f64) -> bool| {
            (1..unit.len()).fold(0, |m, i| if better(unit[i], unit[m]) { i } else { m })
        };
        out.extend(critical.iter().filter_map(|c| {
            let death = match (c.death_index, self.cfg.essential) {
                (Some(d), _) => d,
                (None, EssentialPolicy::Drop) => return None,
                (None, EssentialPolicy::SegmentRange) if superlevel => first(|a, b| a < b),
                (None, EssentialPolicy::SegmentRange) => first(|a, b| a > b),
            };
            let persistence = (unit[death] - unit[c.birth_index]).abs();
            (persistence > self.min_persistence).then_some((offset + c.birth_index, offset + death))
        }));
    }
}
