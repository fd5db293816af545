//! Fused CPU kernels of the persistence layers, as candle custom ops with
//! their backward passes: what they share ([`Kernel`], [`run`],
//! [`run_backward`]), the whole landscape layer ([`Landscapes`]), and the
//! pixel masses the image layer's op (`image_kernel.rs`) and its generic
//! path use ([`PixelMasses`]).
//!
//! Written in candle's generic ops, a layer is a chain of a dozen kernels
//! over tensors of the output's size (gathers, broadcasts, `minimum`,
//! `relu`, `erf`, masks, matrix products) with as many again in the
//! backward pass; fused, it is one pass over its output forward and one
//! backward. The kernels run on CPU tensors of `f32` or `f64`; the layers
//! use the generic ops on other devices and dtypes, and the tests check
//! that both give the same values and gradients.

use std::sync::{Arc, OnceLock};

use candle_core::{CpuStorage, CustomOp1, Device, Layout, Shape, Storage, Tensor, WithDType, D};
use rayon::prelude::*;
use tda_vectorize::{ImageAxis, PersistenceImage};

use super::diagrams::{DiagramConfig, Units};
use super::selection::{decode, pick_rows};

/// Whether the fused kernels take `x`: a CPU tensor of `f32` or `f64`.
pub(super) fn applies_to(x: &Tensor) -> bool {
    matches!(x.device(), Device::Cpu)
        && matches!(x.dtype(), candle_core::DType::F32 | candle_core::DType::F64)
}

/// The contiguous values of a CPU storage of `T`.
fn values<'a, T: WithDType>(
    storage: &'a CpuStorage,
    layout: &Layout,
) -> candle_core::Result<&'a [T]> {
    let (start, end) = layout
        .contiguous_offsets()
        .ok_or_else(|| candle_core::Error::Msg("fused kernel: input not contiguous".into()))?;
    Ok(&T::cpu_storage_as_slice(storage)?[start..end])
}

/// A fused kernel's passes, over contiguous values of either float dtype.
pub(super) trait Kernel: CustomOp1 {
    /// The output's values from the input's `x`.
    fn forward<T: WithDType>(&self, x: &[T]) -> candle_core::Result<Vec<T>>;

    /// The input's gradient from the output's `g`, with what the forward
    /// pass kept.
    fn backward<T: WithDType>(&self, g: &[T]) -> candle_core::Result<Vec<T>>;
}

/// `kernel`'s backward pass for its input `arg` from the output's
/// gradient `grad_res` (a CPU tensor of `f32` or `f64`), in that dtype.
///
/// # Errors
/// A candle error for another device or dtype, or from the kernel.
pub(super) fn run_backward(
    kernel: &impl Kernel,
    arg: &Tensor,
    grad_res: &Tensor,
) -> candle_core::Result<Option<Tensor>> {
    let grad_res = grad_res.contiguous()?;
    let (gs, gl) = grad_res.storage_and_layout();
    let Storage::Cpu(g) = &*gs else {
        candle_core::bail!("{}: CPU tensors only", kernel.name());
    };
    let (shape, dev) = (arg.shape(), arg.device());
    let grad = match g {
        CpuStorage::F32(_) => {
            Tensor::from_vec(kernel.backward::<f32>(values(g, gl)?)?, shape, dev)?
        }
        CpuStorage::F64(_) => {
            Tensor::from_vec(kernel.backward::<f64>(values(g, gl)?)?, shape, dev)?
        }
        _ => candle_core::bail!("{}: f32 or f64 only", kernel.name()),
    };
    Ok(Some(grad))
}

/// `kernel`'s forward pass on a CPU storage of `f32` or `f64`.
pub(super) fn run(
    kernel: &impl Kernel,
    storage: &CpuStorage,
    layout: &Layout,
) -> candle_core::Result<CpuStorage> {
    match storage {
        CpuStorage::F32(_) => Ok(CpuStorage::F32(
            kernel.forward(values::<f32>(storage, layout)?)?,
        )),
        CpuStorage::F64(_) => Ok(CpuStorage::F64(
            kernel.forward(values::<f64>(storage, layout)?)?,
        )),
        _ => candle_core::bail!("{}: f32 or f64 only", kernel.name()),
    }
}

/// The whole landscape layer on CPU, from the input flattened to the
/// landscapes flattened, `(row, unit, landscape, sample)`: the kept pairs
/// and the `k` largest tents at every sample of each unit
/// ([`pick_rows`]), each slot's value written directly. For the backward
/// pass it keeps each slot's code, the one input index its gradient
/// reaches and the sign (a positive tent `min(t - lo, hi - t)` has
/// derivative `-1` in `lo` or `+1` in `hi`), so the gradient is one
/// scatter-add into a zeroed buffer: no index tensors, gathers or masks.
pub(super) struct Landscapes {
    units: Units,
    diagram: DiagramConfig,
    min_persistence: f64,
    samples: Vec<f64>,
    k: usize,
    /// Per output slot, filled by the forward pass: its code
    /// ([`decode`], `NO_SLOT` for an empty slot).
    grad_slots: OnceLock<Vec<u32>>,
}

impl Landscapes {
    /// The kernel of `k` landscapes at `samples` of the diagrams `diagram`
    /// says of `units` (rows at most `MAX_ROW` long), keeping
    /// pairs with persistence above `min_persistence`.
    pub fn new(
        units: Units,
        diagram: DiagramConfig,
        min_persistence: f64,
        samples: Vec<f64>,
        k: usize,
    ) -> Self {
        Self {
            units,
            diagram,
            min_persistence,
            samples,
            k,
            grad_slots: OnceLock::new(),
        }
    }

    /// Output slots per row.
    fn per_row(&self) -> usize {
        self.units.per_row * self.k * self.samples.len()
    }
}

impl Kernel for Landscapes {
    fn forward<T: WithDType>(&self, x: &[T]) -> candle_core::Result<Vec<T>> {
        let (cfg, units) = (&self.diagram, &self.units);
        let (slots, out) = pick_rows(x, units, cfg, self.min_persistence, &self.samples, self.k)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
        self.grad_slots
            .set(slots)
            .map_err(|_| candle_core::Error::Msg("landscapes: applied twice".into()))?;
        Ok(out)
    }
    /// Each row's slots reach that row's inputs only, so the rows run in
    /// parallel.
    fn backward<T: WithDType>(&self, g: &[T]) -> candle_core::Result<Vec<T>> {
        let Some(slots) = self.grad_slots.get() else {
            candle_core::bail!("{}: backward before forward", self.name());
        };
        let (row_len, per_row) = (self.units.row_len, self.per_row());
        let mut grad = vec![T::zero(); self.units.elements()];
        if row_len == 0 || per_row == 0 {
            return Ok(grad);
        }
        let rows = grad
            .par_chunks_mut(row_len)
            .zip(slots.par_chunks(per_row).zip(g.par_chunks(per_row)));
        rows.for_each(|(grad, (slots, g))| {
            // Empty slots add 0 to input 0: no data-dependent branch.
            for (&slot, &g) in slots.iter().zip(g) {
                let (at, sign) = decode(slot);
                grad[at] += g * T::from_f64(sign);
            }
        });
        Ok(grad)
    }
}

impl CustomOp1 for Landscapes {
    fn name(&self) -> &'static str {
        "landscapes"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let shape = Shape::from(self.units.rows * self.per_row());
        Ok((run(self, storage, layout)?, shape))
    }

    /// One scatter-add of the output gradient, in its dtype, from the
    /// forward pass's slots (the input's values are not read again).
    fn bwd(
        &self,
        arg: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        run_backward(self, arg, grad_res)
    }
}

/// The Gaussian masses of the pixels of one image axis: for each centre
/// `c`, pixel `i`'s `Phi((upper_i - c)/s) - Phi((lower_i - c)/s)`. Input:
/// the centres `(..., 1)`; output `(..., len)`. The fused kernel takes them
/// from tda-vectorize ([`PersistenceImage::axis_masses`], the transform's
/// own factors: zero beyond 8 sigma); the generic ops write them as
/// `(erf(z_hi) - erf(z_lo)) / 2`, `z = (edge - c) scale`, `scale = 1 / (s
/// sqrt 2)`. Pixel `i` is `[edges[lower + i], edges[upper + i]]` (tiling
/// pixels share their edges), taken in reverse order where `reversed`.
#[derive(Debug, Clone)]
pub(super) struct PixelMasses {
    pi: Arc<PersistenceImage>,
    axis: ImageAxis,
    reversed: bool,
    edges: Vec<f64>,
    lower: usize,
    upper: usize,
    pub len: usize,
    scale: f64,
    /// Per run of edges (see [`Self::runs`]), its recurrence's constants.
    steps: [Step; 2],
}

/// The constants of the densities' recurrence along one run of evenly
/// spaced edges.
#[derive(Debug, Clone, Copy, Default)]
struct Step {
    /// The edges' spacing.
    step: f64,
    /// The spacing in units of `z`: `step * scale`.
    d: f64,
    /// The factor by which consecutive ratios of densities change:
    /// `exp(-2 d^2)`.
    q: f64,
}

impl Step {
    /// The constants of the run `e` (at least 3 edges; others are not
    /// walked), `z = (edge - c) * scale`.
    fn of(e: &[f64], scale: f64) -> Self {
        let n = e.len();
        if n < 3 {
            return Self::default();
        }
        let step = (e[n - 1] - e[0]) / (n - 1) as f64;
        let d = step * scale;
        Self {
            step,
            d,
            q: (-2.0 * d * d).exp(),
        }
    }
}

impl PartialEq for PixelMasses {
    fn eq(&self, other: &Self) -> bool {
        *self.pi == *other.pi && (self.axis, self.reversed) == (other.axis, other.reversed)
    }
}

impl PixelMasses {
    /// The masses of the pixels of `axis` of `pi`, in reverse order where
    /// `reversed`.
    pub fn new(pi: Arc<PersistenceImage>, axis: ImageAxis, reversed: bool) -> Self {
        let (birth, pers) = pi.pixel_bounds();
        let mut bounds = if axis == ImageAxis::Birth {
            birth
        } else {
            pers
        };
        if reversed {
            bounds.reverse();
        }
        let len = bounds.len();
        let scale = 1.0 / (pi.sigma() * std::f64::consts::SQRT_2);
        let lowers = bounds.iter().map(|b| b[0]);
        let (edges, lower, upper) = if bounds.windows(2).all(|w| w[0][1] == w[1][0]) {
            (lowers.chain(bounds.last().map(|b| b[1])).collect(), 0, 1)
        } else {
            (lowers.chain(bounds.iter().map(|b| b[1])).collect(), 0, len)
        };
        let mut masses = Self {
            pi,
            axis,
            reversed,
            edges,
            lower,
            upper,
            len,
            scale,
            steps: [Step::default(); 2],
        };
        masses.steps = masses.runs().map(|run| Step::of(&masses.edges[run], scale));
        masses
    }

    /// The runs of evenly spaced edges: all of them (tiling pixels), or
    /// the lower then the upper edges.
    fn runs(&self) -> [std::ops::Range<usize>; 2] {
        if self.upper == 1 {
            [0..self.edges.len(), 0..0]
        } else {
            [0..self.len, self.len..2 * self.len]
        }
    }

    /// Number of distinct pixel edges.
    pub fn edges(&self) -> usize {
        self.edges.len()
    }

    /// The masses for centres `(..., 1)`: `(..., len)`, differentiable in
    /// the centres, in candle's `erf` (the generic path).
    ///
    /// # Errors
    /// [`Error::Candle`](crate::Error::Candle) from the tensor operations.
    pub fn apply(&self, centre: &Tensor) -> crate::Result<Tensor> {
        let (dev, dtype) = (centre.device(), centre.dtype());
        let e = Tensor::from_slice(&self.edges, (1, 1, self.edges.len()), dev)?.to_dtype(dtype)?;
        let erf = e.broadcast_sub(centre)?.affine(self.scale, 0.0)?.erf()?;
        let hi = erf.narrow(D::Minus1, self.upper, self.len)?;
        let lo = erf.narrow(D::Minus1, self.lower, self.len)?;
        Ok((hi - lo)?.affine(0.5, 0.0)?)
    }

    /// `exp(-z^2)`, `z = (edge - c) scale`, at every edge into `out`; 0
    /// beyond the cutoff.
    ///
    /// The edges are evenly spaced runs (one for tiling pixels; lower and
    /// upper edges for the legacy grid), so along a run `z` steps by a
    /// constant `d` and consecutive densities differ by the factor
    /// `exp(-2 z d - d^2)`, which itself changes by `exp(-2 d^2)` per step
    /// (a constant of the run, [`Step`]): two exponentials per run and two
    /// products per edge instead of one exponential per edge. Each run starts at the edge nearest `c` and
    /// walks outwards, where the factors are below 1 (no overflow; far
    /// tails underflow to 0 as the exponential would).
    fn densities(&self, c: f64, out: &mut [f64]) {
        let cutoff = 8.0 / std::f64::consts::SQRT_2;
        out.fill(0.0);
        for (run, &Step { step, d, q }) in self.runs().into_iter().zip(&self.steps) {
            let e = &self.edges[run.clone()];
            let out = &mut out[run.clone()];
            let n = e.len();
            let within = |i: usize| ((e[i] - c) * self.scale).abs() < cutoff;
            if n < 3 {
                for (i, o) in out.iter_mut().enumerate() {
                    let z = (e[i] - c) * self.scale;
                    *o = if within(i) { (-z * z).exp() } else { 0.0 };
                }
                continue;
            }
            let start = (((c - e[0]) / step).round().clamp(0.0, (n - 1) as f64)) as usize;
            if !within(start) {
                continue;
            }
            // The edges within the cutoff: a range around `start` (checked
            // at its ends, where rounding could put one edge outside).
            let reach = cutoff / self.scale / step.abs();
            let mut last = ((((c - e[0]) / step) + reach).floor().min((n - 1) as f64)) as usize;
            while last > start && !within(last) {
                last -= 1;
            }
            let mut first = ((((c - e[0]) / step) - reach).ceil().max(0.0)) as usize;
            while first < start && !within(first) {
                first += 1;
            }
            let z0 = (e[start] - c) * self.scale;
            out[start] = (-z0 * z0).exp();
            // Outwards: right (z grows by d), then left (z shrinks by d).
            // The two first factors multiply to `q`, so the left one is a
            // division, not a third exponential (both lie within
            // `exp(+-d^2)`: `|z0| <= |d| / 2` at the nearest edge, or the
            // edges stop before it).
            let right = (-2.0 * z0 * d - d * d).exp();
            let mut value = out[start];
            let mut factor = right;
            for o in &mut out[start + 1..=last.max(start)] {
                value *= factor;
                factor *= q;
                *o = value;
            }
            let mut value = out[start];
            let mut factor = q / right;
            for o in out[first.min(start)..start].iter_mut().rev() {
                value *= factor;
                factor *= q;
                *o = value;
            }
        }
    }
}

impl PixelMasses {
    /// The masses for centre `c` into `out` (`len` of them, in the
    /// output's order); `scratch` holds tda-vectorize's ascending order
    /// where reversed (`len` values).
    ///
    /// # Errors
    /// A candle error for a non-finite `c`.
    pub fn masses_into(
        &self,
        c: f64,
        out: &mut [f64],
        scratch: &mut [f64],
    ) -> candle_core::Result<()> {
        let target = if self.reversed {
            &mut *scratch
        } else {
            &mut *out
        };
        self.pi
            .axis_masses(self.axis, c, target)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
        if self.reversed {
            out.iter_mut()
                .zip(scratch.iter().rev())
                .for_each(|(o, &m)| *o = m);
        }
        Ok(())
    }

    /// The derivative in the centre `c` of the masses summed against `g`
    /// (`len` values): `d/dc (erf(z_hi) - erf(z_lo)) / 2 = -(scale /
    /// sqrt(pi)) (exp(-z_hi^2) - exp(-z_lo^2))` per pixel; edges beyond the
    /// forward pass's cutoff (8 sigma) count 0. `density` holds one value
    /// per edge.
    pub fn centre_gradient(&self, c: f64, g: &[f64], density: &mut [f64]) -> f64 {
        self.densities(c, density);
        let dot: f64 = (0..self.len)
            .map(|i| g[i] * (density[self.upper + i] - density[self.lower + i]))
            .sum();
        -self.scale / std::f64::consts::PI.sqrt() * dot
    }
}

#[cfg(test)]
mod tests {
    use candle_core::{DType, Device, Tensor, Var};
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::SplitMix64;
    use tda_vectorize::{Grid, Normalize, PersistenceImage};

    use super::super::{
        DiagramConfig, EssentialPolicy, Filtration, LandscapeConfig, LandscapeLayer,
        PersistenceImageLayer,
    };

    /// Values and input gradients (of a weighted sum) of `forward` on
    /// `x`, both as `f64`.
    fn run(forward: impl Fn(&Tensor) -> Tensor, x: &Tensor, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let x = Var::from_tensor(x).unwrap();
        let y = forward(x.as_tensor());
        let mut rng = SplitMix64::seed_from_u64(seed);
        let w: Vec<f64> = (0..y.elem_count())
            .map(|_| rng.random_range(-1.0..1.0))
            .collect();
        let w = Tensor::from_vec(w, y.shape(), &Device::Cpu)
            .unwrap()
            .to_dtype(y.dtype())
            .unwrap();
        let grads = y.mul(&w).unwrap().sum_all().unwrap().backward().unwrap();
        let host = |t: &Tensor| -> Vec<f64> {
            t.flatten_all()
                .unwrap()
                .to_dtype(DType::F64)
                .unwrap()
                .to_vec1()
                .unwrap()
        };
        (host(&y), host(grads.get(x.as_tensor()).unwrap()))
    }

    fn assert_close(a: &[f64], b: &[f64], tol: f64, what: &str) {
        assert_eq!(a.len(), b.len(), "{what}");
        let scale = a.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!(
                (x - y).abs() <= tol * scale,
                "{what} [{i}]: fused {x} vs generic {y}"
            );
        }
    }

    fn input(dims: &[usize], seed: u64, dtype: DType) -> Tensor {
        let mut rng = SplitMix64::seed_from_u64(seed);
        let n = dims.iter().product();
        let v: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..4.0)).collect();
        Tensor::from_vec(v, dims, &Device::Cpu)
            .unwrap()
            .to_dtype(dtype)
            .unwrap()
    }

    /// The densities' recurrence equals one exponential per edge.
    #[test]
    fn densities_equal_exponentials() {
        use std::sync::Arc;
        use tda_vectorize::ImageAxis;
        for (grid, reversed) in [(Grid::Contiguous, false), (Grid::LegacyPersImage, true)] {
            let pi = PersistenceImage::builder()
                .birth_range(-1.0, 4.0)
                .pers_range(0.0, 5.0)
                .resolution(40, 33)
                .sigma(0.2)
                .grid(grid)
                .build()
                .unwrap();
            let masses = super::PixelMasses::new(Arc::new(pi), ImageAxis::Persistence, reversed);
            let mut got = vec![0.0; masses.edges.len()];
            for c in [-3.0, -0.99, 0.0, 0.37, 2.5, 4.9, 7.0, 30.0] {
                masses.densities(c, &mut got);
                for (i, (&g, &e)) in got.iter().zip(&masses.edges).enumerate() {
                    let z = (e - c) * masses.scale;
                    let want = if z.abs() < 8.0 / 2f64.sqrt() {
                        (-z * z).exp()
                    } else {
                        0.0
                    };
                    assert!(
                        (g - want).abs() <= 1e-13 * want.max(1e-300) + 1e-300,
                        "{grid:?} c {c} edge {i}: {g} vs {want}"
                    );
                }
            }
        }
    }

    /// The fused kernels give the generic ops' values and gradients.
    #[test]
    fn fused_kernels_equal_generic_ops() {
        for dtype in [DType::F64, DType::F32] {
            let tol = if dtype == DType::F64 { 1e-9 } else { 1e-5 };
            for (case, diagram) in [
                DiagramConfig::persistent_cnn(),
                DiagramConfig {
                    essential: EssentialPolicy::SegmentRange,
                    ..DiagramConfig::default()
                },
                DiagramConfig {
                    filtration: Filtration::Superlevel,
                    dimension: 1,
                    ..DiagramConfig::default()
                },
            ]
            .into_iter()
            .enumerate()
            {
                let dims: &[usize] = if diagram.dimension == 1 {
                    &[2, 3, 9, 8]
                } else {
                    &[2, 3, 70]
                };
                let x = input(dims, case as u64, dtype);
                let cfg = LandscapeConfig {
                    diagram: diagram.clone(),
                    num_landscapes: 3,
                    ..LandscapeConfig::default()
                };
                let layer = LandscapeLayer::new(cfg).unwrap();
                let fused = run(|x| layer.forward_with(x, true).unwrap(), &x, 1);
                let generic = run(|x| layer.forward_with(x, false).unwrap(), &x, 1);
                assert_close(&fused.0, &generic.0, tol, "landscape values");
                assert_close(&fused.1, &generic.1, tol, "landscape gradients");
                for grid in [Grid::Contiguous, Grid::LegacyPersImage] {
                    let pi = PersistenceImage::builder()
                        .birth_range(-1.0, 4.0)
                        .pers_range(0.0, 5.0)
                        .resolution(9, 7)
                        .sigma(0.3)
                        .grid(grid)
                        .normalize(Normalize::Max)
                        .build()
                        .unwrap();
                    let layer = PersistenceImageLayer::new(&pi, diagram.clone()).unwrap();
                    let fused = run(|x| layer.forward_with(x, true).unwrap(), &x, 2);
                    let generic = run(|x| layer.forward_with(x, false).unwrap(), &x, 2);
                    assert_close(&fused.0, &generic.0, tol, "image values");
                    assert_close(&fused.1, &generic.1, tol, "image gradients");
                    assert!(fused.1.iter().any(|&g| g != 0.0));
                }
            }
        }
    }

    /// Quarters in `[-2, 2)`: ties and plateaus everywhere.
    fn quarters(dims: &[usize], seed: u64, dtype: DType) -> Tensor {
        let mut rng = SplitMix64::seed_from_u64(seed);
        let n = dims.iter().product();
        let v: Vec<f64> = (0..n)
            .map(|_| f64::from(rng.random_range(-8i32..8)) / 4.0)
            .collect();
        Tensor::from_vec(v, dims, &Device::Cpu)
            .unwrap()
            .to_dtype(dtype)
            .unwrap()
    }

    proptest::proptest! {
            /// The fused landscape kernel gives the generic ops' values and
            /// gradients on curves full of ties, every diagram option, both
            /// dtypes.
            #[test]
            fn fused_landscapes_equal_generic_on_ties(
                seed in 0u64..1 << 20,
                (batch, channels, length) in (1usize..3, 1usize..3, 1usize..40),
                segment in proptest::option::of(1usize..12),
                superlevel: bool,
                segment_range: bool,
                k in 1usize..4,
                min_quarters in 0u8..2,
            ) {
                let diagram = DiagramConfig {
                    filtration: if superlevel { Filtration::Superlevel } else { Filtration::Sublevel },
                    segment: segment.filter(|&s| s <= length),
                    essential: if segment_range { EssentialPolicy::SegmentRange } else { EssentialPolicy::Drop },
                    ..DiagramConfig::default()
                };
                let cfg = LandscapeConfig {
                    diagram,
                    num_landscapes: k,
                    samples: vec![-1.0, -0.25, 0.0, 0.5, 0.75, 1.5],
                    min_persistence: f64::from(min_quarters) / 4.0,
                };
                let layer = LandscapeLayer::new(cfg).unwrap();
                for dtype in [DType::F64, DType::F32] {
                    let x = quarters(&[batch, channels, length], seed, dtype);
                    let fused = run(|x| layer.forward_with(x, true).unwrap(), &x, seed);
                    let generic = run(|x| layer.forward_with(x, false).unwrap(), &x, seed);
                    assert_close(&fused.0, &generic.0, 1e-6, "landscape values");
                    assert_close(&fused.1, &generic.1, 1e-6, "landscape gradients");
                }
            }

            /// The fused image kernel gives the generic ops' values and
            /// gradients on inputs full of ties (equal persistences share the
            /// largest's gradient), both grids and every normalisation.
            #[test]
            fn fused_images_equal_generic_on_ties(
                seed in 0u64..1 << 20,
                (batch, channels, length) in (1usize..3, 1usize..3, 2usize..40),
                superlevel: bool,
                legacy: bool,
                normalize in 0usize..3,
            ) {
                let diagram = DiagramConfig {
                    filtration: if superlevel { Filtration::Superlevel } else { Filtration::Sublevel },
                    ..DiagramConfig::default()
                };
                // No pixel edge at a quarter: a pair centred on an edge would
                // tie two pixels' masses, and the image's maximum, which the
                // two paths' masses (tda-vectorize's tables, erf) may break
                // differently.
                let pi = PersistenceImage::builder()
                    .birth_range(-1.9, 2.2)
                    .pers_range(0.0, 3.1)
                    .resolution(9, 7)
                    .sigma(0.3)
                    .grid(if legacy { Grid::LegacyPersImage } else { Grid::Contiguous })
                    .normalize([Normalize::None, Normalize::Max, Normalize::Sum][normalize])
                    .build()
                    .unwrap();
                let layer = PersistenceImageLayer::new(&pi, diagram).unwrap();
                // The generic ops in f64 are the reference for both dtypes (the
                // quarters are exact in f32): in f32 they lose digits to the
                // cancellation in `erf(z_hi) - erf(z_lo)`, which the fused
                // kernel (tda-vectorize's masses, f64 inside) does not.
                let x64 = quarters(&[batch, channels, length], seed, DType::F64);
                let generic = run(|x| layer.forward_with(x, false).unwrap(), &x64, seed);
                for (dtype, tol) in [(DType::F64, 1e-9), (DType::F32, 1e-5)] {
                    let x = x64.to_dtype(dtype).unwrap();
                    let fused = run(|x| layer.forward_with(x, true).unwrap(), &x, seed);
                    assert_close(&fused.0, &generic.0, tol, "image values");
                    assert_close(&fused.1, &generic.1, tol, "image gradients");
                }
            }
    }
}
