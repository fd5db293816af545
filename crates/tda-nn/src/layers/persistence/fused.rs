//! Fused CPU kernels of the persistence layers, as candle custom ops with
//! their backward passes: the landscape layer's tents ([`Tents`]) and the
//! image layer's pixel masses ([`PixelMasses`]).
//!
//! Written in candle's generic ops, each of these is a chain of a dozen
//! kernels over tensors of the output's size (gathers, broadcasts,
//! `minimum`, `relu`, `erf`, masks) with as many again in the backward
//! pass, most of the layers' time; fused, each is one pass over its
//! output forward and one backward. They run on CPU tensors of `f32` or
//! `f64`; the layers use the generic ops on other devices and dtypes, and
//! the tests check that both give the same values and gradients.

use std::sync::Arc;

use candle_core::{CpuStorage, CustomOp1, Device, Layout, Shape, Storage, Tensor, WithDType, D};
use tda_vectorize::{ImageAxis, PersistenceImage};

/// A slot of [`Tents`] with no pair: its value and gradient are 0.
pub(super) const EMPTY: usize = usize::MAX;

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

/// A fused kernel's forward pass, over the contiguous input values of
/// either float dtype.
trait Kernel: CustomOp1 {
    fn forward<T: WithDType>(&self, x: &[T]) -> candle_core::Result<Vec<T>>;
}

/// `kernel`'s forward pass on a CPU storage of `f32` or `f64`.
fn run(
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

/// The host values of a tensor as `f64`.
fn host(t: &Tensor) -> candle_core::Result<Vec<f64>> {
    t.flatten_all()?
        .to_dtype(candle_core::DType::F64)?
        .to_vec1()
}

/// The landscape layer's selected tents: output slot `o` is
/// `max(0, min(t - x[lo[o]], x[hi[o]] - t))` at sample `t =
/// samples[o % samples.len()]`, 0 where `lo[o]` is [`EMPTY`]. Input: the
/// layer's input flattened.
pub(super) struct Tents {
    pub lo: Vec<usize>,
    pub hi: Vec<usize>,
    pub samples: Vec<f64>,
}

impl Kernel for Tents {
    fn forward<T: WithDType>(&self, x: &[T]) -> candle_core::Result<Vec<T>> {
        let n = self.samples.len();
        Ok(self
            .lo
            .iter()
            .zip(&self.hi)
            .enumerate()
            .map(|(o, (&lo, &hi))| {
                if lo == EMPTY {
                    return T::from_f64(0.0);
                }
                let t = self.samples[o % n];
                let rise = t - x[lo].to_f64();
                let fall = x[hi].to_f64() - t;
                T::from_f64(rise.min(fall).max(0.0))
            })
            .collect())
    }
}

impl CustomOp1 for Tents {
    fn name(&self) -> &'static str {
        "landscape-tents"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let shape = Shape::from(self.lo.len());
        Ok((run(self, storage, layout)?, shape))
    }

    /// The gradient of a positive tent reaches its rising end (`-1`) where
    /// `t - lo < hi - t`, its falling end (`+1`) otherwise; computed on the
    /// storages in the input's dtype (no host copies).
    fn bwd(
        &self,
        arg: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        let grad_res = grad_res.contiguous()?;
        let (xs, xl) = arg.storage_and_layout();
        let (gs, gl) = grad_res.storage_and_layout();
        let (Storage::Cpu(x), Storage::Cpu(g)) = (&*xs, &*gs) else {
            candle_core::bail!("{}: CPU tensors only", self.name());
        };
        let (shape, dev) = (arg.shape(), arg.device());
        let grad = match x {
            CpuStorage::F32(_) => Tensor::from_vec(
                self.scatter::<f32>(values(x, xl)?, values(g, gl)?),
                shape,
                dev,
            )?,
            CpuStorage::F64(_) => Tensor::from_vec(
                self.scatter::<f64>(values(x, xl)?, values(g, gl)?),
                shape,
                dev,
            )?,
            _ => candle_core::bail!("{}: f32 or f64 only", self.name()),
        };
        Ok(Some(grad))
    }
}

impl Tents {
    /// The input gradient of output gradient `g` at input `x`.
    fn scatter<T: WithDType>(&self, x: &[T], g: &[T]) -> Vec<T> {
        let n = self.samples.len();
        let mut grad = vec![T::from_f64(0.0); x.len()];
        for (o, (&lo, &hi)) in self.lo.iter().zip(&self.hi).enumerate() {
            if lo == EMPTY {
                continue;
            }
            let t = self.samples[o % n];
            let (rise, fall) = (t - x[lo].to_f64(), x[hi].to_f64() - t);
            if rise.min(fall) <= 0.0 {
                continue;
            }
            if rise < fall {
                grad[lo] -= g[o];
            } else {
                grad[hi] += g[o];
            }
        }
        grad
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
        Self {
            pi,
            axis,
            reversed,
            edges,
            lower,
            upper,
            len,
            scale,
        }
    }

    /// Number of distinct pixel edges.
    pub fn edges(&self) -> usize {
        self.edges.len()
    }

    /// The masses for centres `(..., 1)`: `(..., len)`, differentiable in
    /// the centres; fused (where `fused` and [`applies_to`] the centres)
    /// or in candle's `erf`.
    ///
    /// # Errors
    /// [`Error::Candle`](crate::Error::Candle) from the tensor operations.
    pub fn apply(&self, centre: &Tensor, fused: bool) -> crate::Result<Tensor> {
        if fused && applies_to(centre) {
            return Ok(centre.apply_op1(self.clone())?);
        }
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
    /// `exp(-2 z d - d^2)`, which itself changes by `exp(-2 d^2)` per step:
    /// two exponentials per run and two products per edge instead of one
    /// exponential per edge. Each run starts at the edge nearest `c` and
    /// walks outwards, where the factors are below 1 (no overflow; far
    /// tails underflow to 0 as the exponential would).
    fn densities(&self, c: f64, out: &mut [f64]) {
        let cutoff = 8.0 / std::f64::consts::SQRT_2;
        // One run of tiling edges, or the lower then the upper edges.
        let runs = if self.upper == 1 {
            [(0, self.edges.len()), (0, 0)]
        } else {
            [(0, self.len), (self.len, 2 * self.len)]
        };
        out.fill(0.0);
        for run in runs.map(|(a, b)| a..b) {
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
            let step = (e[n - 1] - e[0]) / (n - 1) as f64;
            let d = step * self.scale;
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
            let q = (-2.0 * d * d).exp();
            let z0 = (e[start] - c) * self.scale;
            out[start] = (-z0 * z0).exp();
            // Outwards: right (z grows by d), then left (z shrinks by d).
            let mut value = out[start];
            let mut factor = (-2.0 * z0 * d - d * d).exp();
            for o in &mut out[start + 1..=last.max(start)] {
                value *= factor;
                factor *= q;
                *o = value;
            }
            let mut value = out[start];
            let mut factor = (2.0 * z0 * d - d * d).exp();
            for o in out[first.min(start)..start].iter_mut().rev() {
                value *= factor;
                factor *= q;
                *o = value;
            }
        }
    }
}

impl Kernel for PixelMasses {
    fn forward<T: WithDType>(&self, centres: &[T]) -> candle_core::Result<Vec<T>> {
        let mut masses = vec![0.0; self.len];
        let mut out = Vec::with_capacity(centres.len() * self.len);
        for c in centres {
            self.pi
                .axis_masses(self.axis, c.to_f64(), &mut masses)
                .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
            if self.reversed {
                out.extend(masses.iter().rev().map(|&m| T::from_f64(m)));
            } else {
                out.extend(masses.iter().map(|&m| T::from_f64(m)));
            }
        }
        Ok(out)
    }
}

impl CustomOp1 for PixelMasses {
    fn name(&self) -> &'static str {
        "pixel-masses"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let mut dims = layout.shape().dims().to_vec();
        if let Some(last) = dims.last_mut() {
            *last = self.len;
        }
        let shape = Shape::from(dims);
        match storage {
            CpuStorage::F32(_) => Ok((
                CpuStorage::F32(self.forward(values::<f32>(storage, layout)?)?),
                shape,
            )),
            CpuStorage::F64(_) => Ok((
                CpuStorage::F64(self.forward(values::<f64>(storage, layout)?)?),
                shape,
            )),
            _ => Err(candle_core::Error::Msg(
                "pixel masses: f32 or f64 only".into(),
            )),
        }
    }

    /// `d/dc (erf(z_hi) - erf(z_lo)) / 2 = -(scale / sqrt(pi))
    /// (exp(-z_hi^2) - exp(-z_lo^2))`, summed against the output's
    /// gradient; edges beyond the forward pass's cutoff (8 sigma) count 0.
    fn bwd(
        &self,
        arg: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        let (centres, g) = (host(arg)?, host(grad_res)?);
        let factor = -self.scale / std::f64::consts::PI.sqrt();
        let mut density = vec![0.0; self.edges.len()];
        let grad: Vec<f64> = centres
            .iter()
            .zip(g.chunks(self.len))
            .map(|(&c, g)| {
                self.densities(c, &mut density);
                let dot: f64 = (0..self.len)
                    .map(|i| g[i] * (density[self.upper + i] - density[self.lower + i]))
                    .sum();
                factor * dot
            })
            .collect();
        let grad = Tensor::from_vec(grad, arg.shape(), arg.device())?.to_dtype(arg.dtype())?;
        Ok(Some(grad))
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
}
