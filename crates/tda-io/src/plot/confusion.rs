//! Confusion matrices with class labels, counts and axis titles.

use std::path::Path;

use ndarray::ArrayView2;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontTransform;

use super::colour::blues;
use super::{anchored, render, shorten, Area, Draw, PlotOptions};
use crate::error::{Error, Result};

/// Writes a confusion matrix: `counts[[i, j]]` samples of true class `i`
/// predicted as class `j`. Cells are shaded by the share of their row
/// (white 0 to dark blue 1) and show the count (white on dark cells); the
/// true classes label the rows on the left, the predicted classes the
/// columns at the bottom (rotated), both shortened to 16 characters; the
/// axis titles are `opts`' labels, "predicted" (x) and "true" (y) when
/// empty. Counts are left out of cells under 14 pixels.
///
/// # Errors
/// [`Error::NonSquare`] if `counts` is not square; [`Error::Empty`] if it
/// is 0 x 0; [`Error::LabelCount`] if `labels.len()` differs from the
/// number of classes; [`Error::ImageSize`] or [`Error::TooLarge`] for the
/// figure's size; [`Error::Plot`] if drawing fails; [`Error::Io`] if the
/// file cannot be written.
pub fn confusion_matrix(
    path: impl AsRef<Path>,
    counts: ArrayView2<'_, usize>,
    labels: &[String],
    opts: &PlotOptions,
) -> Result<()> {
    let (rows, cols) = counts.dim();
    if rows != cols {
        return Err(Error::NonSquare { rows, cols });
    }
    if rows == 0 {
        return Err(Error::Empty);
    }
    if labels.len() != rows {
        return Err(Error::LabelCount {
            labels: labels.len(),
            classes: rows,
        });
    }
    render(path.as_ref(), opts, |area| draw(area, counts, labels, opts))
}

/// Lays out and draws the matrix in `area`.
fn draw(
    area: &Area<'_>,
    counts: ArrayView2<'_, usize>,
    labels: &[String],
    opts: &PlotOptions,
) -> Draw {
    let n = counts.nrows();
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let short: Vec<String> = labels.iter().map(|l| shorten(l, 16)).collect();
    let label_style = anchored(12.0, HPos::Right, VPos::Center);
    let mut label_w = 0i32;
    for l in &short {
        let (lw, _) = area.estimate_text_size(l, &label_style)?;
        label_w = label_w.max(lw as i32);
    }
    let left = 28 + label_w + 6;
    let bottom = 28 + label_w + 6;
    let (top, right) = (6, 12);
    let cell = ((w - left - right) / n as i32)
        .min((h - top - bottom) / n as i32)
        .max(1);
    let side = cell * n as i32;
    // Centre the matrix horizontally in the space left of the labels.
    let x0 = left + ((w - left - right - side) / 2).max(0);
    let y0 = top;
    let count_size = (f64::from(cell) * 0.35).min(15.0);
    for i in 0..n {
        let total: usize = counts.row(i).sum();
        for j in 0..n {
            let c = counts[[i, j]];
            let share = if total > 0 {
                c as f64 / total as f64
            } else {
                0.0
            };
            let (x, y) = (x0 + j as i32 * cell, y0 + i as i32 * cell);
            area.draw(&Rectangle::new(
                [(x, y), (x + cell, y + cell)],
                blues(share).filled(),
            ))?;
            if cell >= 14 {
                let ink = if share > 0.5 { WHITE } else { BLACK };
                area.draw(&Text::new(
                    c.to_string(),
                    (x + cell / 2, y + cell / 2),
                    anchored(count_size, HPos::Center, VPos::Center).color(&ink),
                ))?;
            }
        }
    }
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + side, y0 + side)],
        BLACK.mix(0.6),
    ))?;
    for (k, l) in short.iter().enumerate() {
        let mid = k as i32 * cell + cell / 2;
        area.draw(&Text::new(
            l.clone(),
            (x0 - 6, y0 + mid),
            label_style.clone(),
        ))?;
        area.draw(&Text::new(
            l.clone(),
            (x0 + mid, y0 + side + 6),
            anchored(12.0, HPos::Right, VPos::Center).transform(FontTransform::Rotate270),
        ))?;
    }
    area.draw(&Text::new(
        opts.x_or("predicted").to_string(),
        (x0 + side / 2, y0 + side + 6 + label_w + 6),
        anchored(14.0, HPos::Center, VPos::Top),
    ))?;
    area.draw(&Text::new(
        opts.y_or("true").to_string(),
        (x0 - 6 - label_w - 8, y0 + side / 2),
        anchored(14.0, HPos::Center, VPos::Bottom).transform(FontTransform::Rotate270),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::test_util::check;
    use ndarray::{array, Array2};

    fn labels(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("class {i}")).collect()
    }

    #[test]
    fn draws_counts_and_labels() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.png");
        let counts = array![[5, 1, 0], [0, 7, 2], [1, 0, 9]];
        let opts = PlotOptions::new("confusion", "", "").size(360, 360);
        confusion_matrix(&p, counts.view(), &labels(3), &opts).unwrap();
        check(&p, 360, 360);
        // Many classes on a small figure: cells without counts, no panic.
        let big = Array2::from_shape_fn((60, 60), |(i, j)| usize::from(i == j) * 3);
        confusion_matrix(&p, big.view(), &labels(60), &opts).unwrap();
    }

    #[test]
    fn bad_matrices_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.png");
        let o = PlotOptions::default();
        let e = confusion_matrix(&p, array![[1, 2]].view(), &labels(1), &o).unwrap_err();
        assert!(matches!(e, Error::NonSquare { rows: 1, cols: 2 }), "{e}");
        let e = confusion_matrix(&p, Array2::<usize>::zeros((0, 0)).view(), &[], &o).unwrap_err();
        assert!(matches!(e, Error::Empty), "{e}");
        let e = confusion_matrix(&p, array![[1]].view(), &labels(2), &o).unwrap_err();
        assert!(
            matches!(
                e,
                Error::LabelCount {
                    labels: 2,
                    classes: 1
                }
            ),
            "{e}"
        );
        assert!(!p.exists());
    }
}
