//! The pixel grids of persistence images: where the pixel edges lie, the
//! output layout, and the memory an image takes.

use tda_persistence::memory;

use super::pixel_masses::PixelAxis;
use super::simd::LANES;
use crate::sample_grid::linspace;

/// How pixels are laid out in the (birth, persistence) plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grid {
    /// persim `PersistenceImager`: `nx` x `ny` pixels tile
    /// `birth_range x pers_range` exactly. Output layout: birth-major, value
    /// of birth pixel `i` and persistence pixel `j` at `out[i * ny + j]`,
    /// i.e. persim's `(n_birth, n_pers)` image flattened row-major.
    #[default]
    Contiguous,
    /// persim 0.1 `PersImage` (the grid of PI-Net's published targets), with
    /// `specs = {"minBD": birth_range.0, "maxBD": birth_range.1}`:
    /// birth-pixel lower edges `linspace(min(minBD, 0), maxBD, nx)`,
    /// persistence-pixel lower edges `linspace(0, maxBD, ny)`, every pixel
    /// `maxBD / ny` wide (pixels overlap or leave gaps: they do not tile).
    /// `pers_range` is not used; `maxBD` must be > 0. Weights are divided by
    /// the largest weight among the diagram's kept points (with the default
    /// [`super::Weight::Persistence`] that is persim's `persistence / max
    /// persistence`); a diagram whose largest weight is not > 0 gives zeros.
    /// Output layout: persim's `(ny, nx)` image flattened row-major, rows =
    /// persistence descending, columns = birth ascending: persistence pixel
    /// `j`, birth pixel `i` at `out[(ny - 1 - j) * nx + i]`.
    LegacyPersImage,
}

impl Grid {
    /// `(rows, cols)` of an image of `nx x ny` pixels in the output layout.
    pub(crate) fn shape(self, (nx, ny): (usize, usize)) -> (usize, usize) {
        match self {
            Grid::Contiguous => (nx, ny),
            Grid::LegacyPersImage => (ny, nx),
        }
    }

    /// Widths of a pixel along the birth and the persistence axis (ranges
    /// and resolution validated; the widths of the ranges finite).
    pub(crate) fn pixel_widths(
        self,
        birth_range: (f64, f64),
        pers_range: (f64, f64),
        (nx, ny): (usize, usize),
    ) -> (f64, f64) {
        match self {
            Grid::Contiguous => (
                (birth_range.1 - birth_range.0) / nx as f64,
                (pers_range.1 - pers_range.0) / ny as f64,
            ),
            Grid::LegacyPersImage => {
                let w = birth_range.1 / ny as f64;
                (w, w)
            }
        }
    }

    /// The birth and persistence axes of validated parameters: pixel edges
    /// `linspace` over the ranges (see the variants).
    pub(crate) fn axes(
        self,
        birth_range: (f64, f64),
        pers_range: (f64, f64),
        (nx, ny): (usize, usize),
        sigma: f64,
    ) -> (PixelAxis, PixelAxis) {
        match self {
            Grid::Contiguous => {
                let (b0, b1) = birth_range;
                let (p0, p1) = pers_range;
                (
                    PixelAxis::contiguous(linspace(b0, b1, nx + 1), sigma),
                    PixelAxis::contiguous(linspace(p0, p1, ny + 1), sigma),
                )
            }
            Grid::LegacyPersImage => {
                let max_bd = birth_range.1;
                let min_bd = birth_range.0.min(0.0);
                let width = max_bd / ny as f64;
                (
                    PixelAxis::legacy(linspace(min_bd, max_bd, nx), width, sigma),
                    PixelAxis::legacy(linspace(0.0, max_bd, ny), width, sigma),
                )
            }
        }
    }

    /// Bytes a persistence image of `nx x ny` pixels allocates: the `f32`
    /// output, the `f64` image (rows padded by `LANES`), the pixel edges and
    /// the masses of one point along each axis (`None` on overflow).
    pub(crate) fn image_bytes(self, (nx, ny): (usize, usize)) -> Option<u64> {
        let (rows, cols) = self.shape((nx, ny));
        let axes = nx.checked_add(ny)?.checked_add(2 * LANES + 2)?;
        memory::sum(&[
            memory::bytes_of::<f32>(&[nx, ny]),
            memory::bytes_of::<f64>(&[rows, cols.checked_add(LANES)?]),
            memory::bytes_of::<f64>(&[3, axes]),
        ])
    }
}
