//! PNG plots without a plotting stack: an RGB [`Canvas`] with rectangles,
//! a built-in 3x5 pixel font and heatmaps, plus two ready-made figures:
//! grey images ([`write_gray_png`], e.g. persistence images) and confusion
//! matrices ([`confusion_png`]).
//!
//! Every file is written atomically (temporary file, then rename). Drawing
//! is clipped to the canvas and never panics; only sizes and inputs that
//! cannot make an image are errors.

use std::path::Path;

use ndarray::{ArrayView2, Axis};
use tda_persistence::memory;

use crate::atomic::{io_error, write_atomic};
use crate::error::{Error, Result};

/// The largest number of pixels a canvas or image may have (2^28, i.e.
/// 768 MiB of RGB data); larger requests are [`Error::ImageSize`].
pub const MAX_PIXELS: usize = 1 << 28;

/// Colour of NaN cells in [`Canvas::heatmap`].
pub const NAN_GREY: [u8; 3] = [150, 150, 150];

/// Width of a glyph of the built-in font, in font pixels.
const GLYPH_W: usize = 3;
/// Height of a glyph of the built-in font, in font pixels.
const GLYPH_H: usize = 5;
/// Horizontal advance per character (glyph plus one pixel of spacing).
const ADVANCE: usize = GLYPH_W + 1;

/// An RGB image in memory, row-major, origin at the top left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    /// Width in pixels (positive).
    width: usize,
    /// Height in pixels (positive).
    height: usize,
    /// `width * height` pixels, row by row.
    pixels: Vec<[u8; 3]>,
}

impl Canvas {
    /// A `width` x `height` canvas filled with `background`.
    ///
    /// # Errors
    /// [`Error::ImageSize`] if a side is zero or the canvas would have more
    /// than [`MAX_PIXELS`] pixels (the product computed with overflow
    /// checks); [`Error::TooLarge`] if its pixels and the copy that
    /// [`save`](Self::save) encodes would exceed the memory limit
    /// ([`tda_persistence::memory`]).
    pub fn new(width: usize, height: usize, background: [u8; 3]) -> Result<Self> {
        let n = pixel_count(width, height)?;
        memory::check("PNG canvas", memory::bytes_of::<[u8; 3]>(&[n, 2]))?;
        Ok(Self {
            width,
            height,
            pixels: vec![background; n],
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The colour at `(x, y)`, or `None` outside the canvas.
    pub fn pixel(&self, x: usize, y: usize) -> Option<[u8; 3]> {
        (x < self.width && y < self.height).then(|| self.pixels[y * self.width + x])
    }

    /// Fills the `w` x `h` rectangle whose top-left corner is `(x, y)`,
    /// clipped to the canvas.
    pub fn fill_rect(&mut self, x: usize, y: usize, w: usize, h: usize, rgb: [u8; 3]) {
        let (x0, x1) = (x.min(self.width), x.saturating_add(w).min(self.width));
        let (y0, y1) = (y.min(self.height), y.saturating_add(h).min(self.height));
        for row in y0..y1 {
            let start = row * self.width;
            self.pixels[start + x0..start + x1].fill(rgb);
        }
    }

    /// Width in pixels of `text` drawn at `scale` with [`draw_text`](Self::draw_text)
    /// (each character is 3 x 5 font pixels plus 1 of spacing; a font pixel
    /// is `scale` x `scale` screen pixels).
    pub fn text_width(text: &str, scale: usize) -> usize {
        let chars = text.chars().count();
        (chars.saturating_mul(ADVANCE).saturating_sub(1)).saturating_mul(scale)
    }

    /// Height in pixels of a line of text at `scale`.
    pub fn text_height(scale: usize) -> usize {
        GLYPH_H.saturating_mul(scale)
    }

    /// Draws `text` with its top-left corner at `(x, y)` in the built-in
    /// 3x5 font, each font pixel a `scale` x `scale` square. Digits, letters
    /// (lowercase drawn as uppercase), space and `. , - + : / % ( ) _ =` have
    /// glyphs; any other character is drawn as a filled box.
    pub fn draw_text(&mut self, x: usize, y: usize, text: &str, scale: usize, rgb: [u8; 3]) {
        for (u, v) in glyph_pixels(text) {
            let px = x.saturating_add(u.saturating_mul(scale));
            let py = y.saturating_add(v.saturating_mul(scale));
            self.fill_rect(px, py, scale, scale, rgb);
        }
    }

    /// Draws `text` rotated a quarter turn anticlockwise (reading bottom to
    /// top) inside the box with top-left `(x, y)`, width
    /// [`text_height`](Self::text_height) and height
    /// [`text_width`](Self::text_width).
    pub fn draw_text_up(&mut self, x: usize, y: usize, text: &str, scale: usize, rgb: [u8; 3]) {
        let units = text.chars().count().saturating_mul(ADVANCE);
        for (u, v) in glyph_pixels(text) {
            let px = x.saturating_add(v.saturating_mul(scale));
            let py = y.saturating_add(units.saturating_sub(u + 2).saturating_mul(scale));
            self.fill_rect(px, py, scale, scale, rgb);
        }
    }

    /// Draws `values` as a heatmap with its top-left corner at `(x, y)`:
    /// value `[i, j]` is a `cell` x `cell` square at column `j`, row `i`,
    /// coloured by [`ramp`] at `(v - lo) / (hi - lo)` (clamped to [0, 1],
    /// exact for all finite `lo < hi`, even when `hi - lo` overflows; 0 when
    /// `hi <= lo` or either is not finite); NaN is drawn [`NAN_GREY`].
    pub fn heatmap(
        &mut self,
        x: usize,
        y: usize,
        values: ArrayView2<'_, f64>,
        cell: usize,
        lo: f64,
        hi: f64,
    ) {
        for ((i, j), &v) in values.indexed_iter() {
            let colour = if v.is_nan() {
                NAN_GREY
            } else {
                ramp(unit(v, lo, hi))
            };
            let px = x.saturating_add(j.saturating_mul(cell));
            let py = y.saturating_add(i.saturating_mul(cell));
            self.fill_rect(px, py, cell, cell, colour);
        }
    }

    /// Writes the canvas as an 8-bit RGB PNG, atomically.
    ///
    /// # Errors
    /// [`Error::Io`] naming `path` if it cannot be written; nothing is left
    /// behind.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let data: Vec<u8> = self.pixels.iter().flatten().copied().collect();
        encode(
            path.as_ref(),
            self.width,
            self.height,
            ::png::ColorType::Rgb,
            &data,
        )
    }
}

/// The colour ramp used by heatmaps: white at 0 through light and mid blue to
/// dark navy at 1 (clamped; NaN gives [`NAN_GREY`]). Lightness falls
/// monotonically, so the ramp also reads in greyscale.
pub fn ramp(t: f64) -> [u8; 3] {
    const STOPS: [[f64; 3]; 5] = [
        [255.0, 255.0, 255.0],
        [200.0, 221.0, 240.0],
        [110.0, 170.0, 215.0],
        [35.0, 110.0, 180.0],
        [10.0, 40.0, 100.0],
    ];
    if t.is_nan() {
        return NAN_GREY;
    }
    let pos = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    // `pos` is in [0, 4]: the casts cannot truncate out of range.
    let k = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - k as f64;
    let mix = |c: usize| (STOPS[k][c] + (STOPS[k + 1][c] - STOPS[k][c]) * f).round() as u8;
    [mix(0), mix(1), mix(2)]
}

/// Writes `image` as an 8-bit greyscale PNG, min-max normalised (minimum
/// black, maximum white; a constant image is all black), each value a
/// `scale` x `scale` block; row `i` of the array is pixel row `i`. Any
/// finite values are normalised exactly, from subnormals to `±f64::MAX`
/// (a range wider than `f64::MAX` is halved before dividing).
///
/// # Errors
/// [`Error::ImageSize`] if the image or `scale` is zero or the result would
/// exceed [`MAX_PIXELS`]; [`Error::TooLarge`] if the pixels would exceed the
/// memory limit ([`tda_persistence::memory`]); [`Error::NonFinite`] naming
/// the first NaN or infinite value; [`Error::Io`] if the file cannot be
/// written.
pub fn write_gray_png(
    path: impl AsRef<Path>,
    image: ArrayView2<'_, f64>,
    scale: usize,
) -> Result<()> {
    let (rows, cols) = image.dim();
    let width = cols.saturating_mul(scale);
    let height = rows.saturating_mul(scale);
    let n = pixel_count(width, height)?;
    memory::check("greyscale PNG", memory::bytes_of::<u8>(&[n]))?;
    if let Some(((row, col), &value)) = image.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite { row, col, value });
    }
    let lo = image.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = image.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut data = Vec::with_capacity(n);
    for row in image.axis_iter(Axis(0)) {
        let line: Vec<u8> = row
            .iter()
            .flat_map(|&v| std::iter::repeat_n(grey(v, lo, hi), scale))
            .collect();
        for _ in 0..scale {
            data.extend_from_slice(&line);
        }
    }
    encode(
        path.as_ref(),
        width,
        height,
        ::png::ColorType::Grayscale,
        &data,
    )
}

/// Writes a confusion-matrix figure: `counts[[i, j]]` is the number of
/// samples of true class `i` predicted as class `j`.
///
/// The figure has `title` at the top, one ~40 px cell per entry (smaller
/// for more than 25 classes) shaded by the row-normalised fraction with
/// [`ramp`], the count written in each cell (white on dark cells, black on
/// light ones), the class labels on the left (true class) and on top
/// (predicted class, rotated), shortened to 12 characters by cutting
/// out their middle, and the axis
/// captions "true" and "predicted".
///
/// # Errors
/// [`Error::NonSquare`] if `counts` is not square; [`Error::ImageSize`] if
/// it is empty (or the figure too large); [`Error::LabelCount`] if
/// `labels.len()` differs from the number of classes; [`Error::Io`] if the
/// file cannot be written.
pub fn confusion_png(
    path: impl AsRef<Path>,
    counts: ArrayView2<'_, usize>,
    labels: &[String],
    title: &str,
) -> Result<()> {
    let (rows, cols) = counts.dim();
    if rows != cols {
        return Err(Error::NonSquare { rows, cols });
    }
    if rows == 0 {
        return Err(Error::ImageSize {
            width: 0,
            height: 0,
        });
    }
    if labels.len() != rows {
        return Err(Error::LabelCount {
            labels: labels.len(),
            classes: rows,
        });
    }
    let labels: Vec<String> = labels.iter().map(|l| truncate_middle(l, 12)).collect();
    let title = truncate(title, 60);
    let mut layout = ConfusionLayout::new(rows, &labels, &title);
    // The canvas's size is checked before the counts are scanned.
    let mut canvas = Canvas::new(layout.width, layout.height, WHITE)?;
    layout.count_scale = count_scale(counts, layout.cell);
    layout.draw_frame(&mut canvas, &labels, &title);
    layout.draw_cells(&mut canvas, counts);
    canvas.save(path)
}

/// White.
const WHITE: [u8; 3] = [255, 255, 255];
/// Black.
const BLACK: [u8; 3] = [0, 0, 0];
/// Axis captions.
const CAPTION: [u8; 3] = [90, 90, 90];
/// Lines between cells.
const GRID: [u8; 3] = [190, 190, 190];

/// Positions of the parts of a confusion figure.
struct ConfusionLayout {
    /// Number of classes.
    n: usize,
    /// Side of a cell in pixels.
    cell: usize,
    /// Scale of labels and captions.
    scale: usize,
    /// Scale of the counts in the cells (`None`: they do not fit).
    count_scale: Option<usize>,
    /// Left edge of the grid.
    x0: usize,
    /// Top edge of the grid.
    y0: usize,
    /// Canvas width.
    width: usize,
    /// Canvas height.
    height: usize,
}

/// Outer margin of a confusion figure.
const MARGIN: usize = 12;
/// Gap between the parts of a confusion figure.
const GAP: usize = 8;
/// Font scale of the title.
const TITLE_SCALE: usize = 3;

impl ConfusionLayout {
    /// Lays out a figure for `n` classes and these (truncated) labels and
    /// title; the counts' font scale is left for the caller to set.
    fn new(n: usize, labels: &[String], title: &str) -> Self {
        let n = n.max(1);
        let cell = (1000 / n).clamp(10, 40);
        let scale = if cell >= 14 { 2 } else { 1 };
        let label_w = labels
            .iter()
            .map(|l| Canvas::text_width(l, scale))
            .max()
            .unwrap_or(0);
        let th = Canvas::text_height(scale);
        let grid = n.saturating_mul(cell);
        let x0 = MARGIN + th + GAP + label_w + GAP;
        let y0 = MARGIN + Canvas::text_height(TITLE_SCALE) + 2 * GAP + th + GAP + label_w + GAP;
        let title_w = Canvas::text_width(title, TITLE_SCALE) + 2 * MARGIN;
        let width = x0
            .saturating_add(grid)
            .saturating_add(MARGIN + 1)
            .max(title_w);
        let height = y0.saturating_add(grid).saturating_add(MARGIN + 1);
        Self {
            n,
            cell,
            scale,
            count_scale: None,
            x0,
            y0,
            width,
            height,
        }
    }

    /// Draws the title, captions and class labels.
    fn draw_frame(&self, canvas: &mut Canvas, labels: &[String], title: &str) {
        let s = self.scale;
        let th = Canvas::text_height(s);
        let grid = self.n * self.cell;
        let title_x = centre(0, self.width, Canvas::text_width(title, TITLE_SCALE));
        canvas.draw_text(title_x, MARGIN, title, TITLE_SCALE, BLACK);
        let cap_y = MARGIN + Canvas::text_height(TITLE_SCALE) + 2 * GAP;
        let pred_x = centre(self.x0, grid, Canvas::text_width("predicted", s));
        canvas.draw_text(pred_x, cap_y, "predicted", s, CAPTION);
        let true_y = centre(self.y0, grid, Canvas::text_width("true", s));
        canvas.draw_text_up(MARGIN, true_y, "true", s, CAPTION);
        for (k, label) in labels.iter().enumerate() {
            let w = Canvas::text_width(label, s);
            let offset = k * self.cell;
            let left_x = self.x0.saturating_sub(GAP + w);
            canvas.draw_text(
                left_x,
                centre(self.y0 + offset, self.cell, th),
                label,
                s,
                BLACK,
            );
            let top_y = self.y0.saturating_sub(GAP + w);
            canvas.draw_text_up(
                centre(self.x0 + offset, self.cell, th),
                top_y,
                label,
                s,
                BLACK,
            );
        }
    }

    /// Draws the shaded cells with their counts.
    fn draw_cells(&self, canvas: &mut Canvas, counts: ArrayView2<'_, usize>) {
        let grid = self.n * self.cell + 1;
        canvas.fill_rect(self.x0, self.y0, grid, grid, GRID);
        for (i, row) in counts.axis_iter(Axis(0)).enumerate() {
            let total: f64 = row.iter().map(|&c| c as f64).sum();
            for (j, &count) in row.iter().enumerate() {
                let frac = if total > 0.0 {
                    count as f64 / total
                } else {
                    0.0
                };
                let colour = ramp(frac);
                let x = self.x0 + j * self.cell;
                let y = self.y0 + i * self.cell;
                canvas.fill_rect(x + 1, y + 1, self.cell - 1, self.cell - 1, colour);
                self.draw_count(canvas, x, y, count, colour);
            }
        }
    }

    /// Writes `count` centred in the cell at `(x, y)` at `scale`.
    fn draw_count(&self, canvas: &mut Canvas, x: usize, y: usize, count: usize, bg: [u8; 3]) {
        let Some(s) = self.count_scale else {
            return;
        };
        let text = count.to_string();
        let ink = if luminance(bg) < 140.0 { WHITE } else { BLACK };
        let tx = centre(x + 1, self.cell, Canvas::text_width(&text, s));
        let ty = centre(y + 1, self.cell, Canvas::text_height(s));
        canvas.draw_text(tx, ty, &text, s, ink);
    }
}

/// The largest font scale (3, 2 or 1) at which the widest count fits in a
/// cell with 2 px to spare on each side; `None` if it does not fit at all.
fn count_scale(counts: ArrayView2<'_, usize>, cell: usize) -> Option<usize> {
    let max = counts.iter().copied().max().unwrap_or(0);
    let text = max.to_string();
    let room = cell.saturating_sub(4);
    [3, 2, 1]
        .into_iter()
        .find(|&s| Canvas::text_width(&text, s) <= room && Canvas::text_height(s) <= room)
}

/// Start of a length-`inner` span centred in `[start, start + outer)`
/// (at `start` if it does not fit).
fn centre(start: usize, outer: usize, inner: usize) -> usize {
    start.saturating_add(outer.saturating_sub(inner) / 2)
}

/// Perceived brightness (0-255) of a colour.
fn luminance(c: [u8; 3]) -> f64 {
    0.299 * f64::from(c[0]) + 0.587 * f64::from(c[1]) + 0.114 * f64::from(c[2])
}

/// `s` cut to at most `max` characters, the last one replaced by `.` when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('.');
    t
}

/// `s` cut to at most `max` characters by replacing its middle with `.`,
/// keeping the start and the end (where class labels usually differ).
fn truncate_middle(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max || max < 3 {
        return truncate(s, max);
    }
    let tail = (max - 1) / 2;
    let head = max - 1 - tail;
    let mut t: String = s.chars().take(head).collect();
    t.push('.');
    t.extend(s.chars().skip(n - tail));
    t
}

/// `(v - lo) / (hi - lo)` clamped to [0, 1]; 0 when `hi <= lo` or either
/// is not finite. When `hi - lo` overflows (both finite), the quotient is
/// taken of halves, `(v/2 - lo/2) / (hi/2 - lo/2)`, which cannot overflow
/// (halving is exact down to subnormals, where the range is not wide).
fn unit(v: f64, lo: f64, hi: f64) -> f64 {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return 0.0;
    }
    let span = hi - lo;
    let t = if span.is_finite() {
        (v - lo) / span
    } else {
        (v / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0)
    };
    // NaN (v NaN) is left to the caller; clamp keeps it NaN.
    t.clamp(0.0, 1.0)
}

/// Grey level of `v` in `[lo, hi]` (0 when the image is constant).
fn grey(v: f64, lo: f64, hi: f64) -> u8 {
    // `unit` is in [0, 1], so the cast stays in 0..=255.
    (unit(v, lo, hi) * 255.0).round() as u8
}

/// `width * height` if both are positive and the product is at most
/// [`MAX_PIXELS`].
fn pixel_count(width: usize, height: usize) -> Result<usize> {
    width
        .checked_mul(height)
        .filter(|&n| n > 0 && n <= MAX_PIXELS)
        .ok_or(Error::ImageSize { width, height })
}

/// Encodes 8-bit pixel rows as a PNG and writes it atomically.
fn encode(
    path: &Path,
    width: usize,
    height: usize,
    colour: ::png::ColorType,
    data: &[u8],
) -> Result<()> {
    let size_err = || Error::ImageSize { width, height };
    let w = u32::try_from(width).map_err(|_| size_err())?;
    let h = u32::try_from(height).map_err(|_| size_err())?;
    write_atomic(path, |out| {
        let mut encoder = ::png::Encoder::new(out, w, h);
        encoder.set_color(colour);
        encoder.set_depth(::png::BitDepth::Eight);
        let png_err = |e| png_error(path, e);
        let mut writer = encoder.write_header().map_err(png_err)?;
        writer.write_image_data(data).map_err(png_err)?;
        writer.finish().map_err(png_err)
    })
}

/// Maps a PNG encoder error to [`Error::Io`] on `path`.
fn png_error(path: &Path, e: ::png::EncodingError) -> Error {
    match e {
        ::png::EncodingError::IoError(source) => io_error(path, source),
        other => io_error(path, std::io::Error::other(other)),
    }
}

/// The font-pixel coordinates `(column, row)` set by `text`, with the
/// glyph of character `k` occupying columns `4k..4k+3`.
fn glyph_pixels(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    text.chars().enumerate().flat_map(|(k, ch)| {
        let rows = glyph(ch);
        (0..GLYPH_H).flat_map(move |v| {
            (0..GLYPH_W)
                .filter(move |&u| rows[v] & (0b100 >> u) != 0)
                .map(move |u| (k * ADVANCE + u, v))
        })
    })
}

/// The 3x5 bitmap of `ch`: five rows, bit 2 the left column.
fn glyph(ch: char) -> [u8; 5] {
    match ch.to_ascii_uppercase() {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b011, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b001, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        'A' => [0b010, 0b101, 0b111, 0b101, 0b101],
        'B' => [0b110, 0b101, 0b110, 0b101, 0b110],
        'C' => [0b011, 0b100, 0b100, 0b100, 0b011],
        'D' => [0b110, 0b101, 0b101, 0b101, 0b110],
        'E' => [0b111, 0b100, 0b110, 0b100, 0b111],
        'F' => [0b111, 0b100, 0b110, 0b100, 0b100],
        'G' => [0b011, 0b100, 0b101, 0b101, 0b011],
        'H' => [0b101, 0b101, 0b111, 0b101, 0b101],
        'I' => [0b111, 0b010, 0b010, 0b010, 0b111],
        'J' => [0b001, 0b001, 0b001, 0b101, 0b010],
        'K' => [0b101, 0b101, 0b110, 0b101, 0b101],
        'L' => [0b100, 0b100, 0b100, 0b100, 0b111],
        'M' => [0b101, 0b111, 0b111, 0b101, 0b101],
        'N' => [0b110, 0b101, 0b101, 0b101, 0b101],
        'O' => [0b010, 0b101, 0b101, 0b101, 0b010],
        'P' => [0b110, 0b101, 0b110, 0b100, 0b100],
        'Q' => [0b010, 0b101, 0b101, 0b110, 0b011],
        'R' => [0b110, 0b101, 0b110, 0b101, 0b101],
        'S' => [0b011, 0b100, 0b010, 0b001, 0b110],
        'T' => [0b111, 0b010, 0b010, 0b010, 0b010],
        'U' => [0b101, 0b101, 0b101, 0b101, 0b111],
        'V' => [0b101, 0b101, 0b101, 0b101, 0b010],
        'W' => [0b101, 0b101, 0b111, 0b111, 0b101],
        'X' => [0b101, 0b101, 0b010, 0b101, 0b101],
        'Y' => [0b101, 0b101, 0b010, 0b010, 0b010],
        'Z' => [0b111, 0b001, 0b010, 0b100, 0b111],
        ' ' => [0; 5],
        '.' => [0b000, 0b000, 0b000, 0b000, 0b010],
        ',' => [0b000, 0b000, 0b000, 0b010, 0b100],
        '-' => [0b000, 0b000, 0b111, 0b000, 0b000],
        '+' => [0b000, 0b010, 0b111, 0b010, 0b000],
        ':' => [0b000, 0b010, 0b000, 0b010, 0b000],
        '/' => [0b001, 0b001, 0b010, 0b100, 0b100],
        '%' => [0b101, 0b001, 0b010, 0b100, 0b101],
        '(' => [0b001, 0b010, 0b010, 0b010, 0b001],
        ')' => [0b100, 0b010, 0b010, 0b010, 0b100],
        '_' => [0b000, 0b000, 0b000, 0b000, 0b111],
        '=' => [0b000, 0b111, 0b000, 0b111, 0b000],
        _ => [0b111; 5],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_keeps_short_strings_and_cuts_long_ones() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcdef", 4), "abc.");
        assert_eq!(truncate_middle("walking", 12), "walking");
        assert_eq!(truncate_middle("a long class label 12", 12), "a long.el 12");
        assert_eq!(truncate_middle("abcdef", 2), "a.");
        assert_eq!(truncate_middle("abcdef", 0), ".");
    }

    #[test]
    fn glyphs_cover_the_documented_characters() {
        let box_glyph = glyph('\u{263a}');
        let known = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ .,-+:/%()_=";
        for ch in known.chars() {
            assert_ne!(glyph(ch), box_glyph, "{ch}");
        }
        // All glyphs are distinct, so every character reads differently.
        let mut all: Vec<[u8; 5]> = known.chars().map(glyph).collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), known.chars().count());
        assert_eq!(glyph('q'), glyph('Q'));
    }

    #[test]
    fn units_and_greys_handle_degenerate_ranges() {
        assert_eq!(unit(5.0, 1.0, 1.0), 0.0);
        assert_eq!(unit(5.0, 0.0, f64::INFINITY), 0.0);
        assert_eq!(unit(-1.0, 0.0, 2.0), 0.0);
        assert_eq!(unit(3.0, 0.0, 2.0), 1.0);
        assert_eq!(grey(1.0, 0.0, 2.0), 128);
        // Ranges wider than f64::MAX.
        assert_eq!(unit(0.0, -f64::MAX, f64::MAX), 0.5);
        assert_eq!(unit(f64::MAX, -f64::MAX, f64::MAX), 1.0);
        assert_eq!(unit(-f64::MAX, -f64::MAX, f64::MAX), 0.0);
        assert_eq!(grey(f64::MAX / 2.0, -f64::MAX, f64::MAX), 191);
        // Subnormal ranges.
        let tiny = f64::from_bits(1);
        assert_eq!(unit(tiny, 0.0, 2.0 * tiny), 0.5);
        assert_eq!(unit(5.0, f64::NEG_INFINITY, 1.0), 0.0);
        assert_eq!(unit(5.0, 2.0, 1.0), 0.0);
        assert_eq!(ramp(f64::NAN), NAN_GREY);
        assert_eq!(ramp(-3.0), [255, 255, 255]);
        assert_eq!(ramp(7.0), [10, 40, 100]);
    }
}
