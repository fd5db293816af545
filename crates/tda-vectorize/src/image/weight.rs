//! The weight `w(b, p)` of a point of a persistence image.

use crate::error::{Error, Result};

/// Weight `w(b, p)` of a point at birth `b` and persistence `p`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Weight {
    /// `w = p` (persim's default `persistence` weight with `n = 1`).
    #[default]
    Persistence,
    /// `w = 1`.
    Constant,
    /// persim's `linear_ramp`: `low` for `p < start`, `high` for `p > end`,
    /// linear in between. As in persim, `p` is the persistence as computed
    /// in `f64` (`|death - birth|`, rounded), so a bar whose exact
    /// persistence is `start` or `end` may fall on either side. Where
    /// persim's formula overflows (`high - low` or `end - start` beyond
    /// `f64::MAX`) the weight is `low (1 - t) + high t`, exact to rounding
    /// relative to `max(|low|, |high|)`.
    LinearRamp {
        /// Weight below `start`.
        low: f64,
        /// Weight above `end`.
        high: f64,
        /// Persistence where the ramp starts.
        start: f64,
        /// Persistence where the ramp ends (`> start`).
        end: f64,
    },
    /// `w = p^n` for `n > 0` (persim's `persistence` weight with parameter `n`).
    Power(f64),
}

impl Weight {
    /// [`Error::InvalidParameter`] named `"weight"` for a non-positive or
    /// non-finite exponent, or a ramp that is not finite with `start < end`.
    pub(crate) fn validate(self) -> Result<()> {
        let bad = |value: f64, reason| {
            Err(Error::InvalidParameter {
                name: "weight",
                value,
                reason,
            })
        };
        match self {
            Weight::Persistence | Weight::Constant => Ok(()),
            Weight::Power(n) if !(n.is_finite() && n > 0.0) => {
                bad(n, "the exponent of Power must be finite and > 0")
            }
            Weight::Power(_) => Ok(()),
            Weight::LinearRamp {
                low,
                high,
                start,
                end,
            } => {
                for v in [low, high, start, end] {
                    if !v.is_finite() {
                        return bad(v, "LinearRamp values must be finite");
                    }
                }
                if start >= end {
                    return bad(end, "LinearRamp needs start < end");
                }
                Ok(())
            }
        }
    }

    /// The weight of a point of persistence `pers` (no variant depends on
    /// the birth). Finite for every finite `pers` except [`Weight::Power`],
    /// which may overflow (or underflow): see [`super::PersistenceImage`] for how
    /// that is handled.
    #[inline]
    pub(crate) fn eval(self, pers: f64) -> f64 {
        match self {
            Weight::Persistence => pers,
            Weight::Constant => 1.0,
            Weight::Power(n) => pers.powf(n),
            Weight::LinearRamp {
                low,
                high,
                start,
                end,
            } => {
                if pers < start {
                    low
                } else if pers > end {
                    high
                } else {
                    let v = (pers - start) * (high - low) / (end - start) + low;
                    if v.is_finite() {
                        v
                    } else {
                        ramp_without_overflow(pers, low, high, start, end)
                    }
                }
            }
        }
    }
}

/// persim's linear ramp at `start <= pers <= end`, where the direct formula
/// overflows (`high - low`, `end - start` or a product beyond `f64::MAX`):
/// the fraction `t` of the ramp on halved coordinates if need be, then
/// `low (1 - t) + high t`, which stays between `low` and `high`.
#[cold]
fn ramp_without_overflow(pers: f64, low: f64, high: f64, start: f64, end: f64) -> f64 {
    let t = if (end - start).is_finite() {
        (pers - start) / (end - start)
    } else {
        (pers * 0.5 - start * 0.5) / (end * 0.5 - start * 0.5)
    };
    let t = t.clamp(0.0, 1.0);
    low * (1.0 - t) + high * t
}
