//! The whole persistence-image layer on CPU as one candle custom op
//! ([`Images`]) with its own backward pass: the kept pairs, births and
//! persistences, the pixel masses of both axes, the weights, the sum of
//! the weighted outer products and the normalisation, from the input
//! flattened to the images flattened.
//!
//! Each pair's masses are tda-vectorize's own (exact zeros beyond 8 sigma
//! of the centre), so a pair touches only the window of pixels where both
//! its axes' masses are nonzero (on PI-Net's 50 x 50 grid, sigma 2.5
//! pixels: about 33 x 31): the outer products and, backward, the products
//! with the image's gradient run over those windows alone (`window.rs`).

use std::ops::Range;
use std::sync::OnceLock;

use candle_core::{CpuStorage, CustomOp1, Layout, Shape, Tensor, WithDType};
use rayon::prelude::*;
use tda_vectorize::Normalize;

use super::diagrams::{PairFinder, Units};
use super::fused::{run, run_backward, Kernel};
use super::image::PersistenceImageLayer;
use super::window::Window;

/// What the image of one unit (curve, segment or image) needs: its pairs
/// and their masses, the weights' divisor and the image before
/// normalisation; kept by the forward pass for the backward one.
#[derive(Debug, Default, Clone)]
struct UnitImage {
    /// Row-relative `(birth, death)` input indices of the kept pairs.
    pairs: Vec<(usize, usize)>,
    /// Per pair: birth, death, persistence `|death - birth|`.
    values: Vec<[f64; 3]>,
    /// Per pair: its row masses (`rows` values), then its column masses.
    masses: Vec<f64>,
    /// Per pair: the rows and columns where its masses are nonzero.
    windows: Vec<Window>,
    /// The weights' divisor: the largest persistence on the legacy grid
    /// (where positive), else 1.
    weight_divisor: f64,
    /// The image before normalisation, `rows x cols`.
    image: Vec<f64>,
    /// The normalisation's divisor: the image's maximum or sum where
    /// positive, else 1.
    divisor: f64,
    /// Whether the divisor is the image's maximum or sum (and so depends
    /// on it).
    normalised: bool,
}

/// The persistence-image layer's fused CPU kernel (see the module
/// documentation): the layer's parameters, and per unit what the backward
/// pass needs.
pub(super) struct Images {
    units: Units,
    layer: PersistenceImageLayer,
    saved: OnceLock<Vec<UnitImage>>,
}

/// Scratch of one worker: a unit's values as `f64` and the masses in
/// tda-vectorize's order.
#[derive(Debug, Default)]
struct Scratch {
    values: Vec<f64>,
    ascending: Vec<f64>,
    density: Vec<f64>,
    gradient: Vec<f64>,
}

impl Images {
    /// The kernel of `layer` on `units`.
    pub fn new(units: Units, layer: PersistenceImageLayer) -> Self {
        Self {
            units,
            layer,
            saved: OnceLock::new(),
        }
    }

    /// Pixels of each image.
    fn pixels(&self) -> usize {
        self.layer.rows.len * self.layer.cols.len
    }

    /// The (row, column) centres of a pair `[birth, death, persistence]`.
    fn centres(&self, v: &[f64; 3]) -> (f64, f64) {
        if self.layer.legacy {
            (v[2], v[0])
        } else {
            (v[0], v[2])
        }
    }

    /// The image of one unit (its values `unit`, its first value at row
    /// index `offset`) into `state` and, normalised, into `out`.
    ///
    /// # Errors
    /// A candle error from the diagram or the masses.
    fn unit_forward<T: WithDType>(
        &self,
        finder: &mut PairFinder,
        scratch: &mut Scratch,
        unit: &[T],
        offset: usize,
        state: &mut UnitImage,
        out: &mut [T],
    ) -> candle_core::Result<()> {
        let (nr, nc) = (self.layer.rows.len, self.layer.cols.len);
        scratch.values.clear();
        scratch.values.extend(unit.iter().map(|v| v.to_f64()));
        finder
            .unit_into(&scratch.values, offset, &mut state.pairs)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
        let at = |i: usize| scratch.values[i - offset];
        state.values = state
            .pairs
            .iter()
            .map(|&(b, d)| [at(b), at(d), (at(d) - at(b)).abs()])
            .collect();
        let largest = state.values.iter().fold(0.0f64, |m, v| m.max(v[2]));
        state.weight_divisor = if self.layer.legacy && largest > 0.0 {
            largest
        } else {
            1.0
        };
        state.masses.resize(state.pairs.len() * (nr + nc), 0.0);
        state.windows.clear();
        state.image.clear();
        state.image.resize(nr * nc, 0.0);
        scratch.ascending.resize(nr.max(nc), 0.0);
        for (v, masses) in state
            .values
            .iter()
            .zip(state.masses.chunks_exact_mut(nr + nc))
        {
            let (rc, cc) = self.centres(v);
            let (row_masses, col_masses) = masses.split_at_mut(nr);
            self.layer
                .rows
                .masses_into(rc, row_masses, &mut scratch.ascending[..nr])?;
            self.layer
                .cols
                .masses_into(cc, col_masses, &mut scratch.ascending[..nc])?;
            let window = Window {
                rows: nonzero(row_masses),
                cols: nonzero(col_masses),
                width: nc,
            };
            let w = v[2] / state.weight_divisor;
            window.add_outer(&mut state.image, w, row_masses, col_masses);
            state.windows.push(window);
        }
        let scale = match self.layer.normalize {
            Normalize::None => 0.0,
            Normalize::Max => state.image.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v)),
            Normalize::Sum => state.image.iter().sum(),
        };
        state.normalised = scale > 0.0;
        state.divisor = if state.normalised { scale } else { 1.0 };
        for (o, &v) in out.iter_mut().zip(&state.image) {
            *o = T::from_f64(v / state.divisor);
        }
        Ok(())
    }

    /// The gradient of one unit's input values (added to `grad`, the
    /// unit's row) from its normalised image's gradient `g`.
    ///
    /// Normalised `N = I / s`: `dI = g / s - [where s depends on the
    /// pixel] sum(g I) / s^2` (the maximum's share goes to every pixel
    /// equal to it, as candle's `max` does). Each pair adds `w R C^T`:
    /// `dw = R . (dI C)`, `dR = w dI C`, `dC = w dI^T R`, over its window;
    /// the masses' derivatives in their centres come from the Gaussian
    /// densities at the pixel edges; `w = p / P` on the legacy grid (the
    /// largest persistence's share to every pair that has it); `p = |d -
    /// b|`.
    fn unit_backward<T: WithDType>(
        &self,
        scratch: &mut Scratch,
        state: &UnitImage,
        g: &[T],
        grad: &mut [T],
    ) {
        let (nr, nc) = (self.layer.rows.len, self.layer.cols.len);
        let d_image = &mut scratch.gradient;
        d_image.clear();
        d_image.extend(g.iter().map(|g| g.to_f64() / state.divisor));
        if state.normalised {
            let dot: f64 = g
                .iter()
                .zip(&state.image)
                .map(|(g, &v)| g.to_f64() * v)
                .sum();
            let share = dot / (state.divisor * state.divisor);
            let max = self.layer.normalize == Normalize::Max;
            for (d, &v) in d_image.iter_mut().zip(&state.image) {
                if !max || v == state.divisor {
                    *d -= share;
                }
            }
        }
        let largest = state.weight_divisor;
        let mut d_largest = 0.0;
        let mut d_masses = vec![0.0; nr + nc];
        scratch
            .density
            .resize(self.layer.rows.edges().max(self.layer.cols.edges()), 0.0);
        // Per pair: the derivative in its persistence, its birth centre.
        let mut d_pairs = Vec::with_capacity(state.pairs.len());
        for ((v, masses), window) in state
            .values
            .iter()
            .zip(state.masses.chunks_exact(nr + nc))
            .zip(&state.windows)
        {
            let (row_masses, col_masses) = masses.split_at(nr);
            let w = v[2] / largest;
            let (d_rows, d_cols) = d_masses.split_at_mut(nr);
            d_rows.fill(0.0);
            d_cols.fill(0.0);
            let masses = (row_masses, col_masses);
            let d_w = window.outer_backward(d_image, w, masses, (d_rows, d_cols));
            let (rc, cc) = self.centres(v);
            let d_rc = self
                .layer
                .rows
                .centre_gradient(rc, d_rows, &mut scratch.density);
            let d_cc = self
                .layer
                .cols
                .centre_gradient(cc, d_cols, &mut scratch.density);
            let (d_birth, d_pers) = if self.layer.legacy {
                (d_cc, d_rc)
            } else {
                (d_rc, d_cc)
            };
            d_largest -= d_w * v[2] / (largest * largest);
            d_pairs.push((d_birth, d_pers + d_w / largest));
        }
        for ((&(b, d), v), (d_birth, mut d_pers)) in
            state.pairs.iter().zip(&state.values).zip(d_pairs)
        {
            if self.layer.legacy && v[2] == largest {
                d_pers += d_largest;
            }
            // p = |d - b|: candle's abs has derivative sign, +1 at 0.
            let sign = if v[1] - v[0] >= 0.0 { 1.0 } else { -1.0 };
            grad[b] += T::from_f64(d_birth - sign * d_pers);
            grad[d] += T::from_f64(sign * d_pers);
        }
    }
}

/// The range of the nonzero values of `masses` (empty if none).
fn nonzero(masses: &[f64]) -> Range<usize> {
    let first = masses.iter().position(|&m| m != 0.0).unwrap_or(0);
    let end = masses.iter().rposition(|&m| m != 0.0).map_or(0, |i| i + 1);
    first..end.max(first)
}

impl Kernel for Images {
    fn forward<T: WithDType>(&self, x: &[T]) -> candle_core::Result<Vec<T>> {
        let units = &self.units;
        let pixels = self.pixels();
        let per_row = units.per_row * pixels;
        let mut out = vec![T::zero(); units.rows * per_row];
        let mut saved = vec![UnitImage::default(); units.count()];
        let (len, per) = (units.unit_len, units.per_row);
        out.par_chunks_mut(per_row.max(1))
            .zip(saved.par_chunks_mut(per.max(1)))
            .zip(x.par_chunks(units.row_len.max(1)))
            .try_for_each_init(
                || {
                    let finder =
                        PairFinder::new(&self.layer.diagram, units, self.layer.min_persistence);
                    (finder, Scratch::default())
                },
                |(finder, scratch), ((out, saved), row)| {
                    let images = out.chunks_exact_mut(pixels).zip(saved);
                    for (s, (out, state)) in images.enumerate() {
                        let unit = &row[s * len..(s + 1) * len];
                        self.unit_forward(finder, scratch, unit, s * len, state, out)?;
                    }
                    Ok::<_, candle_core::Error>(())
                },
            )?;
        self.saved
            .set(saved)
            .map_err(|_| candle_core::Error::Msg("persistence images: applied twice".into()))?;
        Ok(out)
    }

    fn backward<T: WithDType>(&self, g: &[T]) -> candle_core::Result<Vec<T>> {
        let Some(saved) = self.saved.get() else {
            candle_core::bail!("{}: backward before forward", self.name());
        };
        let units = &self.units;
        let pixels = self.pixels();
        let mut grad = vec![T::zero(); units.elements()];
        grad.par_chunks_mut(units.row_len.max(1))
            .zip(saved.par_chunks(units.per_row.max(1)))
            .zip(g.par_chunks((units.per_row * pixels).max(1)))
            .for_each_init(Scratch::default, |scratch, ((grad, saved), g)| {
                for (state, g) in saved.iter().zip(g.chunks_exact(pixels)) {
                    self.unit_backward(scratch, state, g, grad);
                }
            });
        Ok(grad)
    }
}

impl CustomOp1 for Images {
    fn name(&self) -> &'static str {
        "persistence-images"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let shape = Shape::from(self.units.count() * self.pixels());
        Ok((run(self, storage, layout)?, shape))
    }

    fn bwd(
        &self,
        arg: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        run_backward(self, arg, grad_res)
    }
}
