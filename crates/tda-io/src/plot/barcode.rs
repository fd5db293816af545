//! Barcodes: one horizontal bar per persistence pair.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use tda_persistence::Diagram;

use super::colour::palette;
use super::diagram::{check_pairs, finite_range};
use super::{anchored, font, legend, padded, render, tick, PlotOptions};
use crate::error::Result;

/// Writes the barcode of the diagrams: one horizontal bar `[birth, death)`
/// per pair, the diagrams stacked from the top in the order given (colour
/// and legend entry per diagram, named `H<dim>` unless
/// [`PlotOptions::legend`] names it), bars within a diagram in their
/// order; infinite bars run to the right edge, which is labelled `inf`.
/// The x axis is the filtration value, the y axis lists the bars (defaults
/// when `opts`' labels are empty). Superlevel pairs (birth above death)
/// are drawn from death to birth.
///
/// # Errors
/// As [`persistence_diagram`](super::persistence_diagram): [`Error::Empty`](crate::Error::Empty),
/// [`Error::NonFinite`](crate::Error::NonFinite) (`row` = diagram, `col` = pair),
/// [`Error::ImageSize`](crate::Error::ImageSize), [`Error::TooLarge`](crate::Error::TooLarge),
/// [`Error::Plot`](crate::Error::Plot), [`Error::Io`](crate::Error::Io).
pub fn barcode(path: impl AsRef<Path>, diagrams: &[Diagram], opts: &PlotOptions) -> Result<()> {
    check_pairs(diagrams)?;
    let (lo, hi) = finite_range(diagrams);
    let (lo, hi) = padded(lo, hi, 0.03);
    let inf_x = hi + 0.08 * (hi - lo);
    let any_inf = diagrams
        .iter()
        .any(|d| d.pairs.iter().any(|p| p.death.is_infinite()));
    let right = if any_inf { inf_x } else { hi };
    let total: usize = diagrams.iter().map(|d| d.pairs.len()).sum();
    let n = total as f64;
    render(path.as_ref(), opts, |area| {
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(lo..right, 0.0..n + 0.5)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .y_labels(0)
            .x_desc(opts.x_or("filtration value"))
            .y_desc(opts.y_or("bars"))
            .x_label_formatter(&|v| tick(*v))
            .label_style(font(12.0))
            .axis_desc_style(font(14.0))
            .draw()?;
        // Bar thickness in data units: at most 6 px tall.
        let (_, px_h) = chart.plotting_area().dim_in_pixel();
        let half = (0.35f64).min(3.0 * n / f64::from(px_h.max(1)));
        let mut row = 0usize;
        for (i, d) in diagrams.iter().enumerate() {
            let c = palette(i);
            let bars: Vec<Rectangle<(f64, f64)>> = d
                .pairs
                .iter()
                .map(|p| {
                    let y = n - row as f64 - 0.5;
                    row += 1;
                    let (a, b) = if p.death.is_infinite() {
                        (p.birth, inf_x)
                    } else {
                        (p.birth.min(p.death), p.birth.max(p.death))
                    };
                    Rectangle::new([(a, y - half), (b, y + half)], c.filled())
                })
                .collect();
            if bars.is_empty() {
                continue;
            }
            chart
                .draw_series(bars)?
                .label(format!(
                    "{} ({} bars)",
                    opts.name_of(i, d.dim),
                    d.pairs.len()
                ))
                .legend(move |(x, y)| Rectangle::new([(x, y - 3), (x + 16, y + 3)], c.filled()));
        }
        if any_inf {
            chart.draw_series([Text::new(
                "inf",
                (inf_x, n + 0.5),
                anchored(12.0, HPos::Right, VPos::Top),
            )])?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::test_util::check;
    use crate::Error;
    use tda_persistence::PersistencePair;

    #[test]
    fn draws_bars_and_refuses_bad_input() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.png");
        let pair = |birth, death| PersistencePair { birth, death };
        let ds = [
            Diagram {
                dim: 0,
                pairs: vec![pair(0.0, f64::INFINITY), pair(0.2, 0.8), pair(0.1, 0.3)],
            },
            Diagram {
                dim: 1,
                pairs: vec![pair(0.5, 0.9)],
            },
        ];
        let opts = PlotOptions::new("barcode", "", "").size(320, 240);
        barcode(&p, &ds, &opts).unwrap();
        check(&p, 320, 240);
        assert!(matches!(barcode(&p, &[], &opts), Err(Error::Empty)));
        let bad = [Diagram {
            dim: 0,
            pairs: vec![pair(f64::NAN, 1.0)],
        }];
        assert!(matches!(
            barcode(&p, &bad, &opts),
            Err(Error::NonFinite { row: 0, col: 0, .. })
        ));
    }
}
