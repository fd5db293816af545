//! Figures as PNG files, drawn with [plotters] into an RGB buffer in memory,
//! encoded with `png` and written atomically ([`crate::write_file`]).
//!
//! One file per figure kind:
//! - [`persistence_diagram`]: several homology dimensions in one plot, with
//!   a legend, the diagonal, and infinite bars on a dashed line labelled
//!   `inf` at the top;
//! - [`barcode`]: one horizontal bar per pair, grouped by dimension;
//! - [`persistence_image`]: birth on x, persistence on y, origin at the
//!   lower left (persim's `PersistenceImager.plot_image`), with ticks and a
//!   colour bar; [`heatmap`] and [`image_grid`] draw any matrices the same
//!   way, alone or side by side with titles;
//! - [`confusion_matrix`]: class labels, counts in the cells, axis titles;
//! - [`line_chart`]: curves such as the loss per epoch.
//!
//! Each takes the data and a [`PlotOptions`] (title, subtitle, axis labels,
//! size). Text is set in DejaVu Sans, embedded in the crate (Bitstream Vera
//! licence, `crates/tda-io/assets/fonts/`), so no system font is needed.
//! Bad input is a typed error, never a panic: empty data
//! ([`Error::Empty`]), NaN ([`Error::NonFinite`]), sizes outside
//! `MIN_SIDE..=MAX_SIDE` ([`Error::ImageSize`]), impossible parameters
//! ([`Error::Plot`]).
//!
//! ```
//! use tda_io::plot::{line_chart, PlotOptions, Series};
//! let dir = tempfile::tempdir().unwrap();
//! let loss = Series::per_epoch("train", &[1.0, 0.5, 0.3, 0.25]);
//! let opts = PlotOptions::new("Loss", "epoch", "MSE").subtitle("Adam lr 1e-3, 4 epochs");
//! line_chart(dir.path().join("loss.png"), &[loss], &opts).unwrap();
//! ```

mod barcode;
mod colour;
mod confusion;
mod diagram;
mod image;
mod lines;

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;
use tda_persistence::memory;

use crate::error::{Error, Result};

pub use barcode::barcode;
pub use colour::colour_map;
pub use confusion::confusion_matrix;
pub use diagram::persistence_diagram;
pub use image::{heatmap, image_grid, persistence_image, Extent, Origin, Panel, PiLayout};
pub use lines::{line_chart, Series};

/// The smallest side of a figure, in pixels.
pub const MIN_SIDE: u32 = 64;
/// The largest side of a figure, in pixels.
pub const MAX_SIDE: u32 = 8192;

/// The embedded font: DejaVu Sans 2.37 (Debian `fonts-dejavu-core`),
/// Bitstream Vera licence (see `assets/fonts/LICENSE-DejaVu.txt`).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The family name the font is registered under.
const FAMILY: &str = "sans-serif";

/// Title, subtitle, axis labels and size of a figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotOptions {
    /// Drawn at the top in a large font; nothing when empty.
    pub title: String,
    /// Drawn under the title in a smaller font (e.g. the training
    /// schedule); nothing when empty.
    pub subtitle: String,
    /// Caption of the x axis; each figure has a default when empty.
    pub x_label: String,
    /// Caption of the y axis; each figure has a default when empty.
    pub y_label: String,
    /// Width in pixels, `MIN_SIDE..=MAX_SIDE`.
    pub width: u32,
    /// Height in pixels, `MIN_SIDE..=MAX_SIDE`.
    pub height: u32,
    /// Legend names of the diagrams of a persistence diagram or barcode
    /// figure, in order; a missing or empty name keeps the default
    /// `H<dim>`.
    pub legend: Vec<String>,
}

impl Default for PlotOptions {
    fn default() -> Self {
        Self {
            title: String::new(),
            subtitle: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            width: 640,
            height: 480,
            legend: Vec::new(),
        }
    }
}

impl PlotOptions {
    /// Options with a title and axis labels, default size (640 x 480).
    pub fn new(title: &str, x_label: &str, y_label: &str) -> Self {
        Self {
            title: title.to_string(),
            x_label: x_label.to_string(),
            y_label: y_label.to_string(),
            ..Self::default()
        }
    }

    /// The same options with `subtitle`.
    #[must_use]
    pub fn subtitle(mut self, subtitle: &str) -> Self {
        self.subtitle = subtitle.to_string();
        self
    }

    /// The same options with a size of `width` x `height` pixels.
    #[must_use]
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    /// The same options with legend names for the diagrams (see
    /// [`PlotOptions::legend`]).
    #[must_use]
    pub fn legend<S: AsRef<str>>(mut self, names: &[S]) -> Self {
        self.legend = names.iter().map(|n| n.as_ref().to_string()).collect();
        self
    }

    /// The legend name of diagram `i` of dimension `dim`: the one given,
    /// or `H<dim>`.
    fn name_of(&self, i: usize, dim: usize) -> String {
        match self.legend.get(i) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("H{dim}"),
        }
    }

    /// The x label, or `default` when it is empty.
    fn x_or<'a>(&'a self, default: &'a str) -> &'a str {
        if self.x_label.is_empty() {
            default
        } else {
            &self.x_label
        }
    }

    /// The y label, or `default` when it is empty.
    fn y_or<'a>(&'a self, default: &'a str) -> &'a str {
        if self.y_label.is_empty() {
            default
        } else {
            &self.y_label
        }
    }
}

/// What drawing code returns; plotters' errors become [`Error::Plot`].
type Draw<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;
/// The drawing area of a figure.
type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// A text style of the embedded font.
fn font(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

/// A text style anchored at `h`, `v`.
fn anchored(size: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    font(size).pos(Pos::new(h, v))
}

/// Registers the embedded font once.
fn register() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok()
            && plotters::style::register_font(FAMILY, FontStyle::Bold, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Plot("the embedded font cannot be read".into()))
    }
}

/// Checks a figure's size against `MIN_SIDE..=MAX_SIDE` and the memory limit.
fn check_size(width: u32, height: u32) -> Result<usize> {
    let ok = |s: u32| (MIN_SIDE..=MAX_SIDE).contains(&s);
    if !ok(width) || !ok(height) {
        return Err(Error::ImageSize {
            width: width as usize,
            height: height as usize,
        });
    }
    let n = width as usize * height as usize;
    // The RGB buffer and the encoded copy.
    memory::check("figure", memory::bytes_of::<[u8; 3]>(&[n, 2]))?;
    Ok(n)
}

/// The first NaN or infinite value of `values` as [`Error::NonFinite`]
/// (`row`, `col` as given by `at`).
fn check_finite(
    values: impl IntoIterator<Item = ((usize, usize), f64)>,
    allow_pos_inf: bool,
) -> Result<()> {
    for ((row, col), value) in values {
        if value.is_nan() || (value.is_infinite() && !(allow_pos_inf && value > 0.0)) {
            return Err(Error::NonFinite { row, col, value });
        }
    }
    Ok(())
}

/// Draws the legend of `chart`'s labelled series at `position`, in the
/// style every figure shares.
fn legend<'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, BitMapBackend<'a>, CT>,
    position: SeriesLabelPosition,
) -> Draw {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.5))
        .label_font(font(12.0))
        .draw()?;
    Ok(())
}

/// Draws a figure of `opts`' size: white background, the title and
/// subtitle at the top, then `body` in the rest; encodes it and writes it
/// to `path`.
fn render(path: &Path, opts: &PlotOptions, body: impl FnOnce(&Area<'_>) -> Draw) -> Result<()> {
    let n = check_size(opts.width, opts.height)?;
    register()?;
    let mut buf = vec![255u8; n * 3];
    {
        let root =
            BitMapBackend::with_buffer(&mut buf, (opts.width, opts.height)).into_drawing_area();
        let drawn: Draw = (|| {
            root.fill(&WHITE)?;
            let mut top = 6i32;
            let w = opts.width as i32;
            if !opts.title.is_empty() {
                root.draw(&Text::new(
                    opts.title.clone(),
                    (w / 2, top),
                    anchored(20.0, HPos::Center, VPos::Top),
                ))?;
                top += 26;
            }
            if !opts.subtitle.is_empty() {
                root.draw(&Text::new(
                    opts.subtitle.clone(),
                    (w / 2, top),
                    anchored(13.0, HPos::Center, VPos::Top).color(&RGBColor(70, 70, 70)),
                ))?;
                top += 18;
            }
            let (_, rest) = root.split_vertically(top + 4);
            body(&rest)?;
            root.present()?;
            Ok(())
        })();
        drawn.map_err(|e| Error::Plot(e.to_string()))?;
    }
    let png = encode(opts.width, opts.height, &buf)?;
    crate::write_file(path, &png)
}

/// Encodes an RGB buffer as PNG bytes.
fn encode(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let fail = |e: ::png::EncodingError| Error::Plot(format!("PNG encoding: {e}"));
    {
        let mut enc = ::png::Encoder::new(&mut out, width, height);
        enc.set_color(::png::ColorType::Rgb);
        enc.set_depth(::png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(fail)?;
        w.write_image_data(rgb).map_err(fail)?;
        w.finish().map_err(fail)?;
    }
    Ok(out)
}

/// `(lo, hi)` widened by `pad` of the span on each side; a zero span
/// becomes `lo - 0.5 .. hi + 0.5`.
fn padded(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    let span = hi - lo;
    if span > 0.0 && span.is_finite() {
        (lo - pad * span, hi + pad * span)
    } else {
        (lo - 0.5, hi + 0.5)
    }
}

/// Shortens `text` to at most `max` characters by cutting out its middle.
fn shorten(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max || max < 3 {
        return text.to_string();
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let a: String = text.chars().take(head).collect();
    let b: String = text.chars().skip(n - tail).collect();
    format!("{a}~{b}")
}

/// Tick labels: up to 3 significant digits, no trailing zeros.
fn tick(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-3..1e5).contains(&a) {
        return format!("{v:.1e}");
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
pub(crate) mod test_util {
    use std::path::Path;

    /// Decodes a PNG: width, height, RGB bytes.
    pub fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
        let decoder = ::png::Decoder::new(std::fs::File::open(path).unwrap());
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, ::png::ColorType::Rgb);
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    /// Checks the file decodes at `w` x `h` and has many non-white pixels,
    /// some of them coloured (not grey).
    pub fn check(path: &Path, w: u32, h: u32) {
        let (pw, ph, rgb) = decode(path);
        assert_eq!((pw, ph), (w, h));
        let px: Vec<&[u8]> = rgb.chunks(3).collect();
        let ink = px.iter().filter(|p| p.iter().any(|&c| c < 200)).count();
        assert!(ink > 200, "almost blank: {ink} dark pixels");
        let coloured = px
            .iter()
            .filter(|p| p.iter().max().unwrap() - p.iter().min().unwrap() > 60)
            .count();
        assert!(coloured > 20, "no colour: {coloured}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_outside_the_bounds_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.png");
        for (w, h) in [(0, 100), (100, 10), (MAX_SIDE + 1, 100), (100, u32::MAX)] {
            let opts = PlotOptions::default().size(w, h);
            let e = render(&p, &opts, |_| Ok(())).unwrap_err();
            assert!(
                matches!(e, Error::ImageSize { width, height } if (width, height) == (w as usize, h as usize)),
                "{e}"
            );
        }
        assert!(!p.exists());
    }

    #[test]
    fn a_titled_blank_figure_has_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.png");
        let opts = PlotOptions::new("A title", "", "").subtitle("subtitle");
        render(&p, &opts, |_| Ok(())).unwrap();
        let (w, h, rgb) = test_util::decode(&p);
        assert_eq!((w, h), (640, 480));
        assert!(rgb.iter().any(|&c| c < 100), "no text drawn");
    }

    #[test]
    fn helpers() {
        assert_eq!(shorten("abcdefghijklmnop", 7), "abc~nop");
        assert_eq!(shorten("abc", 7), "abc");
        assert_eq!(tick(0.5), "0.5");
        assert_eq!(tick(2.0), "2");
        assert_eq!(tick(1e-6), "1.0e-6");
        assert_eq!(padded(1.0, 1.0, 0.1), (0.5, 1.5));
    }
}
