//! Gaussian masses of the pixels along one axis of a persistence image.
//!
//! A persistence image is separable: the mass of pixel `(i, j)` under the
//! Gaussian of a point `(b, p)` is `m_i(b) * m_j(p)`, where `m_i(c)` is the
//! mass of the 1-D normal `N(c, sigma^2)` on the `i`-th pixel interval of an
//! axis. This module computes the vector of `m_i(c)` over the pixels within
//! 8 sigma of `c`.
//!
//! Pixels are evenly spaced: pixel `i` is `[a + i s, a + i s + w]` (`w = s`
//! when they tile). Writing `c = a + (m + u) s` with `m` an integer and
//! `u` in `[0, 1)`, the mass of pixel `m + k` depends on `u` and `k` only:
//! `F_k(u) = Phi(((k - u) s + w) / sigma) - Phi((k - u) s / sigma)`. The
//! [`OffsetTable`] stores, for `u` on a grid of nodes, the Taylor
//! polynomials of every `F_k` in `u`; a point then costs one `floor` and a
//! Horner evaluation that runs across the whole window at once (the same
//! `u` for every pixel, so it vectorises), instead of one normal-tail
//! evaluation per pixel edge. Where the table would be too large (pixels
//! far narrower or wider than sigma) the per-edge path is used.

use crate::image::normal_tail::{tail_erfc, NormalTail};
use crate::image::simd::{Simd, LANES};

/// Half-width, in standard deviations, of the window of pixels a point
/// touches along each axis. The Gaussian mass beyond 8 sigma is
/// `Phi(-8) ~ 6.2e-16` of the point's weight, below `f32` resolution.
const CUTOFF_SIGMAS: f64 = 8.0;

/// Terms of the Taylor polynomials in the offset (degree 7).
const TERMS: usize = 8;

/// Node spacing is chosen so that `(sigma-scaled distance) x (offset
/// step) <= RATIO` at every pixel edge of the window: the n-th Taylor
/// term is then below `RATIO^n / n!` relative to the mass, and the first
/// omitted term below `0.2^8 / 8! ~ 6.3e-11`: far below the `f32`
/// resolution (`6e-8`) of the images, at 20% fewer operations than degree 9.
const RATIO: f64 = 0.2;

/// Largest table, in coefficients (2 MiB); beyond it the per-edge path runs.
const MAX_TABLE: usize = 1 << 18;

/// Pixels narrower than this many sigmas are integrated by the midpoint
/// rule with its second-order correction ([`narrow_mass`]): there a
/// difference of two normal CDFs, both near the same value, would cancel
/// (its absolute error, ~1e-17, against a mass of `width / sigma`). The
/// rule's relative error is below `(w/s)^4 z^4 / 1920 < 1e-15` here. Such
/// pixels always take the per-edge path (the table would exceed
/// [`MAX_TABLE`]).
const NARROW: f64 = 1e-4;

/// Smallest pixel width, in sigmas, that a persistence image accepts:
/// the masses of narrower pixels (about `width / sigma`), multiplied along
/// both axes, could underflow.
pub(crate) const MIN_WIDTH_OVER_SIGMA: f64 = 1e-100;

/// Pixel intervals along one axis, with the Gaussian width they are used with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PixelAxis {
    edges: Edges,
    sigma: f64,
    table: Option<OffsetTable>,
    /// Pixels narrower than [`NARROW`] sigmas (see there).
    narrow: bool,
}

/// Identity of a [`PixelAxis`]'s masses; see [`PixelAxis::key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AxisKey([u64; 6]);

/// Pixel intervals along one axis.
#[derive(Debug, Clone, PartialEq)]
enum Edges {
    /// `n` pixels tiling `[edges[0], edges[n]]`.
    Contiguous(Vec<f64>),
    /// Pixel `i` is `[lower[i], lower[i] + width]`.
    Legacy { lower: Vec<f64>, width: f64 },
}

impl PixelAxis {
    /// `edges.len() - 1` pixels tiling `[edges[0], edges[n]]`; the edges
    /// must be evenly spaced (a `linspace`), at least two.
    pub(crate) fn contiguous(edges: Vec<f64>, sigma: f64) -> Self {
        let n = edges.len() - 1;
        let step = tiling_step(&edges);
        let narrow = step / sigma < NARROW;
        let table = (!narrow)
            .then(|| OffsetTable::build(edges[0], step, step, n, sigma))
            .flatten();
        Self {
            edges: Edges::Contiguous(edges),
            sigma,
            table,
            narrow,
        }
    }

    /// Pixels `[lower[i], lower[i] + width]`; `lower` must be evenly spaced
    /// (a `linspace`), at least one.
    pub(crate) fn legacy(lower: Vec<f64>, width: f64, sigma: f64) -> Self {
        let n = lower.len();
        let narrow = width / sigma < NARROW;
        let table = (n > 1 && !narrow)
            .then(|| OffsetTable::build(lower[0], lower_step(&lower), width, n, sigma))
            .flatten();
        Self {
            edges: Edges::Legacy { lower, width },
            sigma,
            table,
            narrow,
        }
    }

    /// What determines the masses of this axis (its pixels are evenly
    /// spaced, so the ends, count, width and sigma do): equal keys give
    /// equal masses at every coordinate.
    pub(crate) fn key(&self) -> AxisKey {
        let n = self.len();
        let (kind, lo, hi, width) = match &self.edges {
            Edges::Contiguous(edges) => (0, edges[0], edges[n], 0.0),
            Edges::Legacy { lower, width } => (1, lower[0], lower[n - 1], *width),
        };
        AxisKey([
            kind,
            n as u64,
            lo.to_bits(),
            hi.to_bits(),
            width.to_bits(),
            self.sigma.to_bits(),
        ])
    }

    /// The most pixels one point's masses cover (those within the cutoff
    /// of it), for cost estimates.
    pub(crate) fn window(&self) -> usize {
        let n = self.len();
        let step = match &self.edges {
            Edges::Contiguous(edges) => tiling_step(edges),
            Edges::Legacy { lower, .. } if n > 1 => lower_step(lower),
            Edges::Legacy { .. } => return n,
        };
        let w = (2.0 * CUTOFF_SIGMAS * self.sigma / step).ceil() + 2.0;
        if w < n as f64 {
            w as usize
        } else {
            n
        }
    }

    /// Each pixel's interval `[lower, upper]`, ascending: the bounds the
    /// masses integrate over.
    pub(crate) fn bounds(&self) -> Vec<[f64; 2]> {
        match &self.edges {
            Edges::Contiguous(edges) => edges.windows(2).map(|w| [w[0], w[1]]).collect(),
            Edges::Legacy { lower, width } => lower.iter().map(|&l| [l, l + width]).collect(),
        }
    }

    /// Number of pixels.
    pub(crate) fn len(&self) -> usize {
        match &self.edges {
            Edges::Contiguous(edges) => edges.len() - 1,
            Edges::Legacy { lower, .. } => lower.len(),
        }
    }

    /// Gaussian masses of the pixels within reach of `c`, held in `buf`,
    /// or `None` if no pixel is within reach; `simd` runs the table's
    /// polynomial evaluations.
    #[inline(always)]
    pub(crate) fn masses<'b, S: Simd>(
        &self,
        simd: S,
        c: f64,
        tail: &NormalTail,
        buf: &'b mut Vec<f64>,
    ) -> Option<Span<'b>> {
        match &self.table {
            Some(table) => table.masses(simd, c, self.len(), buf),
            None => {
                let first = self.masses_per_edge(c, tail, buf);
                Span::pad(first, buf)
            }
        }
    }

    /// The masses of every pixel for centre `c`, dense in `out` (one per
    /// pixel; zero beyond the cutoff), on the best SIMD kernels this CPU
    /// has; `buf` is scratch.
    pub(crate) fn dense_masses(&self, c: f64, out: &mut [f64], buf: &mut Vec<f64>) {
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = crate::image::simd::Avx2Fma::detect() {
            // SAFETY: `detect` found AVX2 and FMA on this CPU.
            unsafe { self.dense_masses_avx2_fma(simd, c, out, buf) };
            return;
        }
        self.dense_masses_with(crate::image::simd::Portable, c, out, buf);
    }

    /// [`Self::dense_masses_with`] compiled for AVX2 and FMA, so that the
    /// kernels' intrinsics inline.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn dense_masses_avx2_fma(
        &self,
        simd: crate::image::simd::Avx2Fma,
        c: f64,
        out: &mut [f64],
        buf: &mut Vec<f64>,
    ) {
        self.dense_masses_with(simd, c, out, buf);
    }

    #[inline(always)]
    fn dense_masses_with<S: Simd>(&self, simd: S, c: f64, out: &mut [f64], buf: &mut Vec<f64>) {
        out.fill(0.0);
        if let Some(span) = self.masses(simd, c, NormalTail::get(), buf) {
            out[span.first..span.first + span.len].copy_from_slice(span.masses());
        }
    }

    /// The same masses from one normal-tail evaluation per pixel edge (the
    /// fallback, and the reference the table is tested against).
    pub(crate) fn masses_per_edge(&self, c: f64, tail: &NormalTail, buf: &mut Vec<f64>) -> usize {
        buf.clear();
        let sigma = self.sigma;
        let reach = CUTOFF_SIGMAS * sigma;
        match &self.edges {
            Edges::Contiguous(edges) => {
                let n = edges.len() - 1;
                let lo = edges[0];
                let step = tiling_step(edges);
                let i0 = clamp_index(((c - reach - lo) / step).floor(), n);
                let i1 = clamp_index(((c + reach - lo) / step).ceil(), n);
                if i1 <= i0 {
                    return i0;
                }
                if self.narrow {
                    for e in edges[i0..=i1].windows(2) {
                        let mid = e[0] * 0.5 + e[1] * 0.5;
                        buf.push(narrow_mass((mid - c) / sigma, (e[1] - e[0]) / sigma));
                    }
                    return i0;
                }
                let mut z0 = (edges[i0] - c) / sigma;
                let mut t0 = tail.q(z0);
                for &e in &edges[i0 + 1..=i1] {
                    let z1 = (e - c) / sigma;
                    let t1 = tail.q(z1);
                    buf.push(mass(z0, t0, z1, t1));
                    z0 = z1;
                    t0 = t1;
                }
                i0
            }
            Edges::Legacy { lower, width } => {
                let n = lower.len();
                let (i0, i1) = if n == 1 {
                    (0, 1)
                } else {
                    let step = lower_step(lower);
                    let i0 = clamp_index(((c - reach - width - lower[0]) / step).floor() - 1.0, n);
                    let i1 = clamp_index(((c + reach - lower[0]) / step).floor() + 2.0, n);
                    (i0, i1)
                };
                if self.narrow {
                    let dz = width / sigma;
                    for &l in &lower[i0..i1] {
                        buf.push(narrow_mass((l + width * 0.5 - c) / sigma, dz));
                    }
                    return i0;
                }
                for &l in &lower[i0..i1] {
                    let z0 = (l - c) / sigma;
                    let z1 = (l + width - c) / sigma;
                    buf.push(mass(z0, tail.q(z0), z1, tail.q(z1)));
                }
                i0
            }
        }
    }

    /// True if the offset table is in use (for tests).
    #[cfg(test)]
    fn has_table(&self) -> bool {
        self.table.is_some()
    }
}

/// `Phi(z1) - Phi(z0)` from the tails `t0 = Q(|z0|)`, `t1 = Q(|z1|)`,
/// without cancellation when both ends are in the same tail.
#[inline]
fn mass(z0: f64, t0: f64, z1: f64, t1: f64) -> f64 {
    if z0 >= 0.0 {
        t0 - t1
    } else if z1 <= 0.0 {
        t1 - t0
    } else {
        1.0 - t0 - t1
    }
}

/// The mass of a pixel `dz` sigmas wide whose middle is `zm` sigmas from
/// the point, for `dz < NARROW`: the midpoint rule with its second-order
/// term, `dz phi(zm) (1 + dz^2 (zm^2 - 1) / 24)` (`phi'' = (z^2 - 1) phi`).
#[inline]
fn narrow_mass(zm: f64, dz: f64) -> f64 {
    // Beyond 40 sigmas phi underflows (and zm^2 may overflow).
    if zm.is_nan() || zm.abs() >= 40.0 {
        return 0.0;
    }
    let inv_sqrt_2pi = 0.5 * std::f64::consts::FRAC_2_SQRT_PI * std::f64::consts::FRAC_1_SQRT_2;
    let phi = inv_sqrt_2pi * (-0.5 * zm * zm).exp();
    dz * phi * (1.0 + dz * dz * (zm * zm - 1.0) / 24.0)
}

/// Width of each of the pixels tiling `[edges[0], edges[n]]` (evenly
/// spaced edges, at least two).
fn tiling_step(edges: &[f64]) -> f64 {
    let n = edges.len() - 1;
    (edges[n] - edges[0]) / n as f64
}

/// Spacing of evenly spaced lower pixel edges (at least two).
fn lower_step(lower: &[f64]) -> f64 {
    let n = lower.len();
    (lower[n - 1] - lower[0]) / (n - 1) as f64
}

/// Clamped `floor` of `x` as an index in `0..=n`.
#[inline]
fn clamp_index(x: f64, n: usize) -> usize {
    if x.is_nan() || x <= 0.0 {
        0
    } else if x >= n as f64 {
        n
    } else {
        x as usize
    }
}

/// Taylor polynomials, in the sub-pixel offset `u`, of the masses of the
/// pixels in a point's window (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
struct OffsetTable {
    /// Lower edge of pixel 0.
    start: f64,
    /// `1 / s`.
    inv_step: f64,
    /// Window pixel `j` is pixel `m + first + j`.
    first: i64,
    /// Pixels in the window.
    width: usize,
    /// Window pixel `j` lies within the cutoff of the point iff
    /// `trim_lo + u <= j <= trim_hi + u` (`u`: the point's offset).
    trim_lo: f64,
    trim_hi: f64,
    /// Nodes per unit offset; node `q` sits at `u = q / nodes`.
    nodes: usize,
    /// `1 / nodes`.
    inv_nodes: f64,
    /// Coefficient of `(u - q / nodes)^t` for window pixel `j` at
    /// `[(q * TERMS + t) * width + j]`.
    coeffs: Vec<f64>,
}

impl OffsetTable {
    /// The table for `n` pixels `[start + i s, start + i s + w]`, or `None`
    /// when it would exceed [`MAX_TABLE`] coefficients.
    fn build(start: f64, s: f64, w: f64, n: usize, sigma: f64) -> Option<Self> {
        let reach = CUTOFF_SIGMAS * sigma;
        // Pixel m + k meets [c - reach, c + reach] for some u in [0, 1]
        // iff -reach - w <= k s and (k - 1) s <= reach.
        let first = ((-reach - w) / s).ceil();
        let last = (reach / s + 1.0).floor();
        // Padded to a multiple of LANES (the extra pixels are computed as
        // exactly as the others, their masses are just negligible).
        let width = ((last - first + 1.0) / LANES as f64).ceil() * LANES as f64;
        let delta = s / sigma;
        let nodes = (delta * CUTOFF_SIGMAS / (2.0 * RATIO)).ceil().max(1.0);
        let size = (nodes + 1.0) * TERMS as f64 * width;
        if !(size.is_finite() && size <= MAX_TABLE as f64 && n > 0) {
            return None;
        }
        let (first, width, nodes) = (first as i64, width as usize, nodes as usize);
        // Padded by LANES so that a chunk may start at any window pixel.
        let mut coeffs = vec![0.0; (nodes + 1) * TERMS * width + LANES];
        let inv_sqrt_2pi = 0.5 * std::f64::consts::FRAC_2_SQRT_PI * std::f64::consts::FRAC_1_SQRT_2;
        // d^t/du^t Phi(z0 - delta u) = -delta^t He_{t-1}(z) phi(z) (t >= 1);
        // scale[t] = -delta^t / t!.
        let mut scale = [0.0; TERMS];
        let mut acc = -1.0;
        for (t, sc) in scale.iter_mut().enumerate().skip(1) {
            acc *= delta / t as f64;
            *sc = acc;
        }
        // derivs(z)[t] = He_{t-1}(z) phi(z) for t >= 1.
        let derivs = |z: f64| {
            let phi = inv_sqrt_2pi * (-0.5 * z * z).exp();
            let mut d = [0.0; TERMS];
            let (mut he_prev, mut he) = (0.0, 1.0);
            for (t, dt) in d.iter_mut().enumerate().skip(1) {
                *dt = he * phi;
                let next = z * he - (t - 1) as f64 * he_prev;
                he_prev = he;
                he = next;
            }
            d
        };
        let inv_nodes = 1.0 / nodes as f64;
        for q in 0..=nodes {
            let u = q as f64 * inv_nodes;
            let node = &mut coeffs[q * TERMS * width..][..TERMS * width];
            for j in 0..width {
                let k = (first + j as i64) as f64;
                let z0 = (k - u) * s / sigma;
                let z1 = z0 + w / sigma;
                node[j] = mass(z0, tail_erfc(z0.abs()), z1, tail_erfc(z1.abs()));
                let (d0, d1) = (derivs(z0), derivs(z1));
                for t in 1..TERMS {
                    node[t * width + j] = scale[t] * (d1[t] - d0[t]);
                }
            }
        }
        Some(Self {
            start,
            inv_step: 1.0 / s,
            first,
            width,
            // Pixel m + first + j spans [(first + j - u) s, ... + w] around
            // c; it meets [-reach, reach] iff the bounds below hold.
            trim_lo: (-reach - w) / s - first as f64,
            trim_hi: reach / s - first as f64,
            nodes,
            inv_nodes,
            coeffs,
        })
    }

    /// Masses of the window pixels of `c` within reach and inside `0..n`
    /// (see [`PixelAxis::masses`]).
    #[inline(always)]
    fn masses<'b, S: Simd>(
        &self,
        simd: S,
        c: f64,
        n: usize,
        buf: &'b mut Vec<f64>,
    ) -> Option<Span<'b>> {
        let t = (c - self.start) * self.inv_step;
        let m = t.floor();
        let u = t - m;
        // Window pixel j is pixel m + first + j; keep those within `reach`
        // of c (as the per-edge path does) and inside 0..n, deciding in f64
        // so that a point far outside cannot overflow.
        let lo = m + self.first as f64;
        let j_lo = (self.trim_lo + u).ceil().max(-lo).max(0.0);
        let j_hi = (self.trim_hi + u + 1.0)
            .floor()
            .min(n as f64 - lo)
            .min(self.width as f64);
        if j_lo >= j_hi {
            return None;
        }
        let (j_lo, len) = (j_lo as usize, (j_hi - j_lo) as usize);
        let q = (u * self.nodes as f64 + 0.5) as usize;
        let h = u - q as f64 * self.inv_nodes;
        let w = self.width;
        let node = &self.coeffs[q * TERMS * w..];
        // Horner's rule over the pixels j_lo..j_hi, LANES at a time; the
        // last chunk may read past j_hi (the coefficients are padded by
        // LANES) and its extra lanes are zeroed.
        let padded = len.div_ceil(LANES) * LANES;
        if buf.len() < padded {
            buf.resize(padded, 0.0);
        }
        for (k, out) in buf[..padded].chunks_exact_mut(LANES).enumerate() {
            let acc = simd.horner(&node[j_lo + k * LANES..], w, TERMS, h);
            for (l, (o, a)) in out.iter_mut().zip(acc).enumerate() {
                *o = if k * LANES + l < len { a } else { 0.0 };
            }
        }
        Some(Span {
            first: (lo as i64 + j_lo as i64) as usize,
            len,
            padded: &buf[..padded],
        })
    }
}

/// Masses of `len` consecutive pixels from pixel `first`, followed by zeros
/// up to a multiple of [`LANES`] (so callers may add whole chunks of
/// `LANES` into a buffer padded by that much).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span<'b> {
    /// Index of the first pixel.
    pub(crate) first: usize,
    /// Number of pixels (`>= 1`).
    pub(crate) len: usize,
    /// The `len` masses, then zeros; the length is a multiple of `LANES`.
    pub(crate) padded: &'b [f64],
}

impl<'b> Span<'b> {
    /// The span of the masses in `buf` starting at pixel `first`, padding
    /// `buf` with zeros; `None` if `buf` is empty.
    fn pad(first: usize, buf: &'b mut Vec<f64>) -> Option<Self> {
        let len = buf.len();
        if len == 0 {
            return None;
        }
        buf.resize(len.div_ceil(LANES) * LANES, 0.0);
        Some(Self {
            first,
            len,
            padded: buf,
        })
    }

    /// The `len` masses without the padding.
    pub(crate) fn masses(&self) -> &'b [f64] {
        &self.padded[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "x86_64")]
    use crate::image::simd::Avx2Fma;
    use crate::image::simd::Portable;
    use crate::sample_grid::linspace;
    use proptest::prelude::*;

    /// Masses of all `n` pixels as a dense vector.
    fn dense(axis: &PixelAxis, c: f64, how: How) -> Vec<f64> {
        let tail = NormalTail::get();
        let mut buf = Vec::new();
        let mut out = vec![0.0; axis.len()];
        let span = match how {
            How::PerEdge => {
                let i0 = axis.masses_per_edge(c, tail, &mut buf);
                Span::pad(i0, &mut buf)
            }
            How::Table => axis.masses(Portable, c, tail, &mut buf),
            #[cfg(target_arch = "x86_64")]
            How::TableFused => match Avx2Fma::detect() {
                Some(simd) => axis.masses(simd, c, tail, &mut buf),
                None => axis.masses(Portable, c, tail, &mut buf),
            },
            #[cfg(not(target_arch = "x86_64"))]
            How::TableFused => axis.masses(Portable, c, tail, &mut buf),
        };
        if let Some(span) = span {
            assert_eq!(span.padded.len() % LANES, 0);
            assert!(span.padded[span.len..].iter().all(|&m| m == 0.0));
            assert!(span.first + span.len <= axis.len());
            out[span.first..][..span.len].copy_from_slice(span.masses());
        }
        out
    }

    #[derive(Clone, Copy)]
    enum How {
        PerEdge,
        Table,
        TableFused,
    }

    fn assert_same(axis: &PixelAxis, c: f64) -> std::result::Result<(), TestCaseError> {
        let slow = dense(axis, c, How::PerEdge);
        for how in [How::Table, How::TableFused] {
            for (i, (f, s)) in dense(axis, c, how).iter().zip(&slow).enumerate() {
                // Relative agreement, except for pixels beyond the 8-sigma
                // cutoff of the per-edge path (mass < 1e-15), where it writes 0.
                prop_assert!(
                    (f - s).abs() <= 1e-10 * s.abs() + 1e-15,
                    "pixel {}: table {:e}, per edge {:e}",
                    i,
                    f,
                    s
                );
            }
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn table_matches_per_edge_contiguous(
            lo in -20.0f64..20.0,
            span in 0.5f64..40.0,
            n in 1usize..120,
            sigma in 0.01f64..5.0,
            cs in prop::collection::vec(-1.5f64..1.5, 1..8),
        ) {
            let axis = PixelAxis::contiguous(linspace(lo, lo + span, n + 1), sigma);
            for c in cs {
                assert_same(&axis, lo + span * (0.5 + c))?;
            }
        }

        #[test]
        fn table_matches_per_edge_legacy(
            min in -20.0f64..0.0,
            max in 0.1f64..20.0,
            n in 1usize..120,
            sigma in 0.01f64..5.0,
            cs in prop::collection::vec(-1.5f64..1.5, 1..8),
        ) {
            let axis = PixelAxis::legacy(linspace(min, max, n), max / n as f64, sigma);
            for c in cs {
                assert_same(&axis, min + (max - min) * (0.5 + c))?;
            }
        }
    }

    #[test]
    fn table_is_used_on_the_pinet_grids() {
        let w2 = PixelAxis::contiguous(linspace(-10.0, 10.0, 51), 0.25);
        let legacy = PixelAxis::legacy(linspace(-10.0, 10.0, 50), 0.2, 0.25);
        assert!(w2.has_table() && legacy.has_table());
        // Points exactly on edges and nodes, and far outside.
        for c in [-10.0, -9.6, 0.0, 0.2, 3.3, 10.0, 10.4, -1e300, 1e300] {
            assert_same(&w2, c).unwrap();
            assert_same(&legacy, c).unwrap();
        }
    }
}
