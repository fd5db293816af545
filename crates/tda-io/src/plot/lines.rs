//! Line charts: training curves such as the loss per epoch.

use std::path::Path;

use plotters::prelude::*;

use super::colour::palette;
use super::{check_finite, font, legend, padded, render, tick, PlotOptions};
use crate::error::{Error, Result};

/// One named curve of a [`line_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend entry (no entry when empty).
    pub name: String,
    /// `(x, y)` points, joined in this order; all finite.
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// A curve of one value per epoch: `values[e]` at x = `e + 1`.
    pub fn per_epoch(name: &str, values: &[f64]) -> Self {
        Self {
            name: name.to_string(),
            points: values
                .iter()
                .enumerate()
                .map(|(e, &v)| ((e + 1) as f64, v))
                .collect(),
        }
    }
}

/// Writes the curves in one chart, each in its colour with a marker per
/// point and a legend entry; the axes span all points. The axis captions
/// are `opts`' labels ("epoch" and "value" when empty).
///
/// # Errors
/// [`Error::Empty`] if no series has a point; [`Error::NonFinite`] with
/// `row` = series, `col` = point index and the bad coordinate;
/// [`Error::ImageSize`] or [`Error::TooLarge`] for the figure's size;
/// [`Error::Plot`] if drawing fails; [`Error::Io`] if the file cannot be
/// written.
pub fn line_chart(path: impl AsRef<Path>, series: &[Series], opts: &PlotOptions) -> Result<()> {
    if series.iter().all(|s| s.points.is_empty()) {
        return Err(Error::Empty);
    }
    for (row, s) in series.iter().enumerate() {
        for (col, &(x, y)) in s.points.iter().enumerate() {
            check_finite([((row, col), x), ((row, col), y)], false)?;
        }
    }
    let pts = series.iter().flat_map(|s| s.points.iter());
    let (x0, x1, y0, y1) = pts.fold(
        (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), &(x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
    );
    let (x0, x1) = padded(x0, x1, 0.02);
    let (y0, y1) = padded(y0, y1, 0.05);
    render(path.as_ref(), opts, |area| {
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .x_desc(opts.x_or("epoch"))
            .y_desc(opts.y_or("value"))
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .label_style(font(12.0))
            .axis_desc_style(font(14.0))
            .draw()?;
        let mut named = false;
        for (i, s) in series.iter().enumerate() {
            let c = palette(i);
            let style = c.stroke_width(2);
            let drawn = chart.draw_series(LineSeries::new(s.points.clone(), style))?;
            if !s.name.is_empty() {
                named = true;
                drawn.label(s.name.clone()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
            }
            if s.points.len() <= 100 {
                chart.draw_series(s.points.iter().map(|&xy| Circle::new(xy, 3, c.filled())))?;
            }
        }
        if named {
            legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::test_util::check;

    #[test]
    fn draws_two_curves_and_refuses_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.png");
        let s = [
            Series::per_epoch("train", &[1.0, 0.6, 0.4, 0.3]),
            Series::per_epoch("validation", &[1.1, 0.8, 0.7, 0.72]),
        ];
        let opts = PlotOptions::new("loss", "epoch", "MSE")
            .subtitle("Adam, 4 epochs")
            .size(400, 300);
        line_chart(&p, &s, &opts).unwrap();
        check(&p, 400, 300);
        // One point only: a zero span is padded, no panic.
        line_chart(&p, &[Series::per_epoch("", &[2.0])], &opts).unwrap();
        assert!(matches!(line_chart(&p, &[], &opts), Err(Error::Empty)));
        let bad = [
            Series::per_epoch("a", &[1.0]),
            Series::per_epoch("b", &[1.0, f64::NAN]),
        ];
        let e = line_chart(&p, &bad, &opts).unwrap_err();
        assert!(matches!(e, Error::NonFinite { row: 1, col: 1, .. }), "{e}");
    }
}
