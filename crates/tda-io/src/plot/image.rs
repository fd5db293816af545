//! Images as heatmaps with axes, ticks and a colour bar: persistence
//! images, any matrix, and grids of them side by side.

use std::path::Path;

use ndarray::ArrayView2;
use plotters::prelude::*;

use super::colour::colour_map;
use super::{check_finite, font, render, shorten, tick, Area, Draw, PlotOptions};
use crate::error::{Error, Result};

/// Where row 0 of an image goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// Row 0 at the bottom, y growing upwards (matplotlib's
    /// `origin="lower"`, persim's `plot_image`).
    #[default]
    Lower,
    /// Row 0 at the top, as a picture is stored.
    Upper,
}

/// The data coordinates of an image's edges: column 0 starts at `x.0`,
/// the last column ends at `x.1`; rows span `y` (from the bottom edge to
/// the top edge, whatever the [`Origin`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    /// Left and right edges.
    pub x: (f64, f64),
    /// Bottom and top edges.
    pub y: (f64, f64),
}

/// How a persistence image is laid out in its array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PiLayout {
    /// `image[[i, j]]` = birth bin `i`, persistence bin `j`, both ascending:
    /// persim's `PersistenceImager` and tda-vectorize's `Grid::Contiguous`.
    #[default]
    BirthRows,
    /// Rows = persistence bins descending, columns = birth bins ascending:
    /// persim 0.1's `PersImage` and `Grid::LegacyPersImage` (PI-Net's
    /// targets).
    PersistenceRowsDescending,
}

/// One image of a grid ([`image_grid`]): column `c` of `image` is drawn
/// left to right on x, rows on y as `origin` says, shaded with
/// [`colour_map`](super::colour_map) from its own minimum to its maximum.
#[derive(Debug, Clone)]
pub struct Panel<'a> {
    /// Drawn above the image.
    pub title: String,
    /// The values; all finite.
    pub image: ArrayView2<'a, f64>,
    /// Data coordinates of the edges; `None`: column and row indices.
    pub extent: Option<Extent>,
    /// Where row 0 goes.
    pub origin: Origin,
    /// Caption of the x axis (may be empty).
    pub x_label: String,
    /// Caption of the y axis (may be empty).
    pub y_label: String,
}

impl<'a> Panel<'a> {
    /// A panel of `image` titled `title`, row 0 at the top (a picture), no
    /// axis captions, indices as coordinates.
    pub fn picture(title: &str, image: ArrayView2<'a, f64>) -> Self {
        Self {
            title: title.to_string(),
            image,
            extent: None,
            origin: Origin::Upper,
            x_label: String::new(),
            y_label: String::new(),
        }
    }

    /// A persistence image laid out as `layout`, birth on x over
    /// `birth_range`, persistence on y over `pers_range`, origin at the
    /// lower left (persim's `plot_image`).
    pub fn persistence_image(
        title: &str,
        image: ArrayView2<'a, f64>,
        layout: PiLayout,
        birth_range: (f64, f64),
        pers_range: (f64, f64),
    ) -> Self {
        let (image, origin) = match layout {
            PiLayout::BirthRows => (image.reversed_axes(), Origin::Lower),
            PiLayout::PersistenceRowsDescending => (image, Origin::Upper),
        };
        Self {
            title: title.to_string(),
            image,
            extent: Some(Extent {
                x: birth_range,
                y: pers_range,
            }),
            origin,
            x_label: "birth".into(),
            y_label: "persistence".into(),
        }
    }

    /// Checks the values and the extent.
    fn check(&self) -> Result<()> {
        if self.image.is_empty() {
            return Err(Error::Empty);
        }
        check_finite(self.image.indexed_iter().map(|(i, &v)| (i, v)), false)?;
        if let Some(e) = self.extent {
            for (name, (a, b)) in [("x", e.x), ("y", e.y)] {
                if !(a.is_finite() && b.is_finite() && a < b) {
                    return Err(Error::Plot(format!(
                        "the {name} extent ({a}, {b}) must be finite and increasing"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Writes a persistence image: birth on x over `birth_range`, persistence
/// on y over `pers_range`, origin at the lower left as persim's
/// `PersistenceImager.plot_image` draws it, with ticks and a colour bar
/// (viridis, from the image's minimum to its maximum). The axis captions
/// are `opts`' labels, "birth" and "persistence" when empty.
///
/// # Errors
/// [`Error::Empty`] for an empty image; [`Error::NonFinite`] naming the
/// first NaN or infinite value (indices into `image`, as given);
/// [`Error::Plot`] for a non-finite or inverted range;
/// [`Error::ImageSize`] or [`Error::TooLarge`] for the figure's size;
/// [`Error::Io`] if the file cannot be written.
pub fn persistence_image(
    path: impl AsRef<Path>,
    image: ArrayView2<'_, f64>,
    layout: PiLayout,
    birth_range: (f64, f64),
    pers_range: (f64, f64),
    opts: &PlotOptions,
) -> Result<()> {
    let mut panel = Panel::persistence_image("", image, layout, birth_range, pers_range);
    panel.x_label = opts.x_or("birth").to_string();
    panel.y_label = opts.y_or("persistence").to_string();
    // Errors index the array as given, not its transpose.
    check_finite(image.indexed_iter().map(|(i, &v)| (i, v)), false)?;
    panel.check()?;
    render(path.as_ref(), opts, |area| draw_panel(area, &panel, true))
}

/// Writes any matrix as a heatmap with a colour bar: column `c` on x, rows
/// on y as `origin` says, over `extent` (indices when `None`); the axis
/// captions are `opts`' labels.
///
/// # Errors
/// As [`persistence_image`].
pub fn heatmap(
    path: impl AsRef<Path>,
    image: ArrayView2<'_, f64>,
    extent: Option<Extent>,
    origin: Origin,
    opts: &PlotOptions,
) -> Result<()> {
    let panel = Panel {
        title: String::new(),
        image,
        extent,
        origin,
        x_label: opts.x_label.clone(),
        y_label: opts.y_label.clone(),
    };
    panel.check()?;
    render(path.as_ref(), opts, |area| draw_panel(area, &panel, true))
}

/// Writes the panels side by side, `columns` per row (row-major), each with
/// its title, axes and its own colour bar.
///
/// # Errors
/// [`Error::Empty`] if there is no panel or one is empty;
/// [`Error::NonFinite`] for a NaN or infinite value (indices into that
/// panel's image as drawn); [`Error::Plot`] if `columns` is zero or an
/// extent is non-finite or inverted; [`Error::ImageSize`] or
/// [`Error::TooLarge`] for the figure's size; [`Error::Io`] if the file
/// cannot be written.
pub fn image_grid(
    path: impl AsRef<Path>,
    panels: &[Panel<'_>],
    columns: usize,
    opts: &PlotOptions,
) -> Result<()> {
    if columns == 0 {
        return Err(Error::Plot("a grid needs at least one column".into()));
    }
    if panels.is_empty() {
        return Err(Error::Empty);
    }
    for p in panels {
        p.check()?;
    }
    let cols = columns.min(panels.len());
    let rows = panels.len().div_ceil(cols);
    render(path.as_ref(), opts, |area| {
        for (cell, panel) in area.split_evenly((rows, cols)).iter().zip(panels) {
            draw_panel(cell, panel, true)?;
        }
        Ok(())
    })
}

/// Draws one panel (and its colour bar) into `area`.
fn draw_panel(area: &Area<'_>, panel: &Panel<'_>, colour_bar: bool) -> Draw {
    let (w, _) = area.dim_in_pixel();
    let bar_w = if colour_bar { (w / 6).clamp(40, 70) } else { 0 };
    let (main, bar) = area.split_horizontally(w.saturating_sub(bar_w));
    let (rows, cols) = panel.image.dim();
    let e = panel.extent.unwrap_or(Extent {
        x: (0.0, cols as f64),
        y: (0.0, rows as f64),
    });
    let (lo, hi) = panel
        .image
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let small = w < 260;
    let flip = panel.extent.is_none() && panel.origin == Origin::Upper;
    let title_size = if small { 11.0 } else { 14.0 };
    let mut builder = ChartBuilder::on(&main);
    builder
        .margin(6)
        .x_label_area_size(if panel.x_label.is_empty() { 22 } else { 38 })
        .y_label_area_size(if panel.y_label.is_empty() { 36 } else { 50 });
    if !panel.title.is_empty() {
        builder.caption(shorten(&panel.title, 60), font(title_size));
    }
    let mut chart = builder.build_cartesian_2d(e.x.0..e.x.1, e.y.0..e.y.1)?;
    let ticks = if small { 3 } else { 6 };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(ticks)
        .y_labels(ticks)
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| {
            // Indices of a picture count rows from the top.
            if flip {
                tick(rows as f64 - *v)
            } else {
                tick(*v)
            }
        })
        .label_style(font(if small { 9.0 } else { 11.0 }))
        .axis_desc_style(font(if small { 11.0 } else { 13.0 }))
        .draw()?;
    let dx = (e.x.1 - e.x.0) / cols as f64;
    let dy = (e.y.1 - e.y.0) / rows as f64;
    let span = if hi > lo { hi - lo } else { 1.0 };
    chart.draw_series(panel.image.indexed_iter().map(|((r, c), &v)| {
        let x = e.x.0 + c as f64 * dx;
        let y = match panel.origin {
            Origin::Lower => e.y.0 + r as f64 * dy,
            Origin::Upper => e.y.1 - (r + 1) as f64 * dy,
        };
        Rectangle::new(
            [(x, y), (x + dx, y + dy)],
            colour_map((v - lo) / span).filled(),
        )
    }))?;
    if colour_bar {
        let top = if hi > lo { hi } else { lo + 1.0 };
        let mut cb = ChartBuilder::on(&bar)
            .margin_top(if panel.title.is_empty() { 6 } else { 26 })
            .margin_bottom(if panel.x_label.is_empty() { 28 } else { 44 })
            .margin_left(4)
            .right_y_label_area_size(bar_w.saturating_sub(18))
            .build_cartesian_2d(0.0..1.0, lo..top)?;
        cb.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_labels(5)
            .y_label_formatter(&|v| tick(*v))
            .label_style(font(if small { 8.0 } else { 10.0 }))
            .draw()?;
        let steps = 64;
        let h = (top - lo) / f64::from(steps);
        cb.draw_series((0..steps).map(|k| {
            let y = lo + f64::from(k) * h;
            Rectangle::new(
                [(0.0, y), (1.0, y + h)],
                colour_map((f64::from(k) + 0.5) / f64::from(steps)).filled(),
            )
        }))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::test_util::{check, decode};
    use ndarray::{array, Array2};

    #[test]
    fn a_persistence_image_has_its_mass_where_persim_draws_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pi.png");
        // Birth rows: all mass at the largest birth, smallest persistence:
        // the lower right corner of the plot.
        let mut img = Array2::<f64>::zeros((10, 8));
        img[[9, 0]] = 1.0;
        let opts = PlotOptions::new("PI", "", "").size(400, 320);
        persistence_image(
            &p,
            img.view(),
            PiLayout::BirthRows,
            (0.0, 1.0),
            (0.0, 2.0),
            &opts,
        )
        .unwrap();
        check(&p, 400, 320);
        let (w, h, rgb) = decode(&p);
        // Yellow (the maximum) appears in the lower right quadrant of the
        // plot area (left of the colour bar), not in the upper left.
        let yellow = |x: u32, y: u32| {
            let i = 3 * (y * w + x) as usize;
            rgb[i] > 200 && rgb[i + 1] > 180 && rgb[i + 2] < 100
        };
        let quad = |xs: std::ops::Range<u32>, ys: std::ops::Range<u32>| {
            xs.flat_map(|x| ys.clone().map(move |y| (x, y)))
                .filter(|&(x, y)| yellow(x, y))
                .count()
        };
        let plot_w = w - 70;
        assert!(quad(plot_w / 2..plot_w, h / 2..h) > 20);
        assert!(quad(0..plot_w / 2, 0..h / 2) == 0);
        // The legacy layout of the same image draws the same figure.
        let legacy = img.t().slice(ndarray::s![..;-1, ..]).to_owned();
        let q = dir.path().join("legacy.png");
        persistence_image(
            &q,
            legacy.view(),
            PiLayout::PersistenceRowsDescending,
            (0.0, 1.0),
            (0.0, 2.0),
            &opts,
        )
        .unwrap();
        assert_eq!(decode(&p), decode(&q));
    }

    #[test]
    fn grids_and_heatmaps() {
        let dir = tempfile::tempdir().unwrap();
        let a = Array2::from_shape_fn((28, 28), |(r, c)| ((r * c) % 7) as f64);
        let b = array![[0.0, 1.0], [2.0, 3.0]];
        let z = Array2::<f64>::zeros((3, 3));
        let panels = [
            Panel::picture("digit", a.view()),
            Panel::persistence_image("PI", b.view(), PiLayout::BirthRows, (0.0, 1.0), (0.0, 1.0)),
            Panel::picture("constant", z.view()),
        ]
        .to_vec();
        let p = dir.path().join("g.png");
        image_grid(
            &p,
            &panels,
            2,
            &PlotOptions::new("grid", "", "").size(500, 400),
        )
        .unwrap();
        check(&p, 500, 400);
        let q = dir.path().join("h.png");
        heatmap(&q, a.view(), None, Origin::Upper, &PlotOptions::default()).unwrap();
        check(&q, 640, 480);
    }

    #[test]
    fn bad_images_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.png");
        let o = PlotOptions::default();
        let empty = Array2::<f64>::zeros((0, 3));
        assert!(matches!(
            heatmap(&p, empty.view(), None, Origin::Lower, &o),
            Err(Error::Empty)
        ));
        let nan = array![[0.0, 1.0], [f64::NAN, 0.0]];
        let e = persistence_image(
            &p,
            nan.view(),
            PiLayout::BirthRows,
            (0.0, 1.0),
            (0.0, 1.0),
            &o,
        )
        .unwrap_err();
        assert!(matches!(e, Error::NonFinite { row: 1, col: 0, .. }), "{e}");
        let ok = array![[0.0, 1.0]];
        for range in [(1.0, 0.0), (0.0, f64::INFINITY), (f64::NAN, 1.0)] {
            let e = persistence_image(&p, ok.view(), PiLayout::BirthRows, range, (0.0, 1.0), &o)
                .unwrap_err();
            assert!(matches!(e, Error::Plot(_)), "{e}");
        }
        assert!(matches!(image_grid(&p, &[], 2, &o), Err(Error::Empty)));
        let panel = Panel::picture("a", ok.view());
        assert!(matches!(
            image_grid(&p, &[panel], 0, &o),
            Err(Error::Plot(_))
        ));
        assert!(!p.exists());
    }
}
