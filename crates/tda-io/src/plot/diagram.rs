//! Persistence diagrams: (birth, death) points of several dimensions.

use std::path::Path;

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use tda_persistence::Diagram;

use super::colour::palette;
use super::{anchored, check_finite, font, legend, padded, render, tick, Draw, PlotOptions};
use crate::error::{Error, Result};

/// Writes the diagrams (one colour and legend entry per diagram, named
/// `H<dim>` unless [`PlotOptions::legend`] names it)
/// in one plot: birth on x, death on y (defaults when `opts`' labels are
/// empty), the diagonal, and the infinite pairs on a dashed line labelled
/// `inf` above the largest finite value. Superlevel diagrams (birth above
/// death) fall below the diagonal.
///
/// # Errors
/// [`Error::Empty`] if no diagram holds a pair; [`Error::NonFinite`] with
/// `row` = diagram index, `col` = pair index for a NaN birth or death, an
/// infinite birth or a death of -inf; [`Error::ImageSize`] or
/// [`Error::TooLarge`] for the figure's size; [`Error::Plot`] if drawing
/// fails; [`Error::Io`] if the file cannot be written.
pub fn persistence_diagram(
    path: impl AsRef<Path>,
    diagrams: &[Diagram],
    opts: &PlotOptions,
) -> Result<()> {
    check_pairs(diagrams)?;
    let (lo, hi) = finite_range(diagrams);
    let (lo, hi) = padded(lo, hi, 0.05);
    let inf_y = hi + 0.08 * (hi - lo);
    let top = hi + 0.16 * (hi - lo);
    render(path.as_ref(), opts, |area| {
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(55)
            .build_cartesian_2d(lo..top, lo..top)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(opts.x_or("birth"))
            .y_desc(opts.y_or("death"))
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .label_style(font(12.0))
            .axis_desc_style(font(14.0))
            .draw()?;
        chart.draw_series(LineSeries::new([(lo, lo), (top, top)], BLACK.mix(0.6)))?;
        let any_inf = diagrams
            .iter()
            .any(|d| d.pairs.iter().any(|p| p.death.is_infinite()));
        if any_inf {
            dashed(&mut chart, lo, top, inf_y)?;
            chart.draw_series([Text::new(
                "inf",
                (lo + 0.01 * (top - lo), inf_y),
                anchored(12.0, HPos::Left, VPos::Bottom),
            )])?;
        }
        for (i, d) in diagrams.iter().enumerate() {
            let c = palette(i);
            let pts: Vec<(f64, f64)> = d
                .pairs
                .iter()
                .map(|p| {
                    (
                        p.birth,
                        if p.death.is_infinite() {
                            inf_y
                        } else {
                            p.death
                        },
                    )
                })
                .collect();
            chart
                .draw_series(pts.into_iter().map(|xy| Circle::new(xy, 3, c.filled())))?
                .label(format!(
                    "{} ({} pairs)",
                    opts.name_of(i, d.dim),
                    d.pairs.len()
                ))
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, c.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    })
}

/// A dashed horizontal line at `y` from `x0` to `x1`.
pub(super) fn dashed<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x0: f64,
    x1: f64,
    y: f64,
) -> Draw
where
    DB::ErrorType: 'static,
{
    let step = (x1 - x0) / 60.0;
    let dashes = (0..60).step_by(2).map(move |k| {
        let a = x0 + k as f64 * step;
        PathElement::new(vec![(a, y), (a + step, y)], BLACK.mix(0.6))
    });
    chart.draw_series(dashes)?;
    Ok(())
}

/// Checks that some diagram holds a pair and every value is allowed.
pub(super) fn check_pairs(diagrams: &[Diagram]) -> Result<()> {
    if diagrams.iter().all(|d| d.pairs.is_empty()) {
        return Err(Error::Empty);
    }
    for (row, d) in diagrams.iter().enumerate() {
        for (col, p) in d.pairs.iter().enumerate() {
            check_finite([((row, col), p.birth)], false)?;
            check_finite([((row, col), p.death)], true)?;
        }
    }
    Ok(())
}

/// The smallest and largest finite birth or death.
pub(super) fn finite_range(diagrams: &[Diagram]) -> (f64, f64) {
    let vals = diagrams
        .iter()
        .flat_map(|d| d.pairs.iter().flat_map(|p| [p.birth, p.death]))
        .filter(|v| v.is_finite());
    let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if lo > hi {
        (0.0, 1.0)
    } else {
        (lo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::test_util::check;
    use tda_persistence::PersistencePair;

    fn dgm(dim: usize, pairs: &[(f64, f64)]) -> Diagram {
        Diagram {
            dim,
            pairs: pairs
                .iter()
                .map(|&(birth, death)| PersistencePair { birth, death })
                .collect(),
        }
    }

    #[test]
    fn draws_two_dimensions_with_an_infinite_pair() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.png");
        let ds = [
            dgm(0, &[(0.0, 0.5), (0.1, 0.9), (0.0, f64::INFINITY)]),
            dgm(1, &[(0.4, 0.7), (0.5, 1.2)]),
        ];
        let opts = PlotOptions::new("diagram", "", "").size(400, 300);
        persistence_diagram(&p, &ds, &opts).unwrap();
        check(&p, 400, 300);
        // Named legend entries draw other pixels than the default names.
        let named = dir.path().join("named.png");
        persistence_diagram(&named, &ds, &opts.clone().legend(&["walk A", ""])).unwrap();
        check(&named, 400, 300);
        assert_ne!(std::fs::read(&p).unwrap(), std::fs::read(&named).unwrap());
        assert_eq!(opts.name_of(0, 0), "H0");
        let opts = opts.legend(&["walk A", ""]);
        assert_eq!(
            (opts.name_of(0, 0), opts.name_of(1, 1)),
            ("walk A".into(), "H1".into())
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.png");
        let o = PlotOptions::default();
        assert!(matches!(
            persistence_diagram(&p, &[], &o),
            Err(Error::Empty)
        ));
        assert!(matches!(
            persistence_diagram(&p, &[dgm(0, &[])], &o),
            Err(Error::Empty)
        ));
        let e = persistence_diagram(
            &p,
            &[dgm(0, &[]), dgm(1, &[(0.0, 1.0), (f64::NAN, 1.0)])],
            &o,
        )
        .unwrap_err();
        assert!(matches!(e, Error::NonFinite { row: 1, col: 1, .. }), "{e}");
        let e = persistence_diagram(&p, &[dgm(0, &[(0.0, f64::NEG_INFINITY)])], &o).unwrap_err();
        assert!(matches!(e, Error::NonFinite { row: 0, col: 0, .. }), "{e}");
        // Only infinite pairs: still a figure.
        persistence_diagram(&p, &[dgm(0, &[(0.0, f64::INFINITY)])], &o).unwrap();
        assert!(p.exists());
    }
}
