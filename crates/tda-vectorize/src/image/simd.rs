//! The inner kernels of persistence-image splatting, portable and for
//! x86-64 AVX2 + FMA (chosen at run time, as rustfft does).
//!
//! Written with explicit intrinsics because the compiler's auto-vectoriser
//! turned the portable loops, once inlined into the splatting loop, into
//! lane-by-lane gathers (about 1800 instructions per point instead of ~200).

/// Pixels handled together by the kernels: a chunk of `LANES` f64 values.
pub(crate) const LANES: usize = 8;

/// Image rows of one block of [`Simd::tile`].
pub(crate) const TILE_ROWS: usize = 8;

/// Checks the slice lengths [`Simd::tile`] requires.
#[inline(always)]
fn check_tile(a: &[f64], a_stride: usize, b: &[f64], b_stride: usize, count: usize) {
    assert!(
        count == 0
            || (a.len() >= (count - 1) * a_stride + TILE_ROWS
                && b.len() >= (count - 1) * b_stride + LANES)
    );
}

/// A way to run the kernels. Implementations are zero-sized; the AVX2 one
/// can only be obtained where the CPU has the features it needs.
pub(crate) trait Simd: Copy {
    /// `out[l] = sum_t coeffs[t * stride + l] * h^t` for `t < terms`,
    /// `l < LANES`, by Horner's rule; `coeffs` must hold
    /// `(terms - 1) * stride + LANES` values (panics otherwise).
    fn horner(self, coeffs: &[f64], stride: usize, terms: usize, h: f64) -> [f64; LANES];

    /// `y[i] += w * x[i]` for every `i < x.len()`; `x.len()` must be a
    /// multiple of `LANES` and at most `y.len()` (panics otherwise).
    fn axpy(self, w: f64, x: &[f64], y: &mut [f64]);

    /// `img[r * stride + c] += w * rows[r] * cols[c]` for every `r <
    /// rows.len()`, `c < cols.len()`; `cols.len()` must be a multiple of
    /// `LANES` and `img` long enough (panics otherwise).
    fn outer(self, w: f64, rows: &[f64], cols: &[f64], img: &mut [f64], stride: usize);

    /// One `TILE_ROWS x LANES` block of the matrix product `A^T B`:
    /// `out[r][l] = sum_{g < count} a[g * a_stride + r] * b[g * b_stride + l]`,
    /// summed in order of `g` in registers (so the image is stored once
    /// per block, not once per point); `a` must hold `(count - 1) *
    /// a_stride + TILE_ROWS` values and `b` `(count - 1) * b_stride +
    /// LANES` when `count > 0` (panics otherwise).
    fn tile(
        self,
        a: &[f64],
        a_stride: usize,
        b: &[f64],
        b_stride: usize,
        count: usize,
    ) -> [[f64; LANES]; TILE_ROWS];
}

/// Plain Rust, unfused multiply-adds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Portable;

impl Simd for Portable {
    #[inline(always)]
    fn horner(self, coeffs: &[f64], stride: usize, terms: usize, h: f64) -> [f64; LANES] {
        let mut acc = [0.0f64; LANES];
        for t in (0..terms).rev() {
            let c = &coeffs[t * stride..][..LANES];
            for (a, &c) in acc.iter_mut().zip(c) {
                *a = *a * h + c;
            }
        }
        acc
    }

    #[inline(always)]
    fn axpy(self, w: f64, x: &[f64], y: &mut [f64]) {
        for (y, &x) in y[..x.len()].iter_mut().zip(x) {
            *y += w * x;
        }
    }

    #[inline(always)]
    fn outer(self, w: f64, rows: &[f64], cols: &[f64], img: &mut [f64], stride: usize) {
        for (r, &m) in rows.iter().enumerate() {
            self.axpy(w * m, cols, &mut img[r * stride..]);
        }
    }

    #[inline(always)]
    fn tile(
        self,
        a: &[f64],
        a_stride: usize,
        b: &[f64],
        b_stride: usize,
        count: usize,
    ) -> [[f64; LANES]; TILE_ROWS] {
        check_tile(a, a_stride, b, b_stride, count);
        let mut out = [[0.0; LANES]; TILE_ROWS];
        for g in 0..count {
            let (a, b) = (&a[g * a_stride..][..TILE_ROWS], &b[g * b_stride..][..LANES]);
            for (row, &m) in out.iter_mut().zip(a) {
                for (o, &x) in row.iter_mut().zip(b) {
                    *o += m * x;
                }
            }
        }
        out
    }
}

/// AVX2 with fused multiply-adds, two 4-lane registers per chunk. Its
/// methods are meant to be inlined into a function compiled with
/// `#[target_feature(enable = "avx2,fma")]`.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx2Fma(());

#[cfg(target_arch = "x86_64")]
impl Avx2Fma {
    /// The kernels, if this CPU has AVX2 and FMA.
    pub(crate) fn detect() -> Option<Self> {
        (std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"))
            .then_some(Self(()))
    }
}

#[cfg(target_arch = "x86_64")]
impl Simd for Avx2Fma {
    #[inline(always)]
    fn horner(self, coeffs: &[f64], stride: usize, terms: usize, h: f64) -> [f64; LANES] {
        use std::arch::x86_64::*;
        assert!(terms >= 1 && coeffs.len() >= (terms - 1) * stride + LANES);
        let mut out = [0.0f64; LANES];
        // SAFETY: `Self` exists only where the CPU has AVX2 and FMA; every
        // load reads LANES values from offset `t * stride <= (terms - 1) *
        // stride`, within `coeffs` by the assertion above.
        unsafe {
            let p = coeffs.as_ptr();
            let hv = _mm256_set1_pd(h);
            let top = p.add((terms - 1) * stride);
            let (mut a0, mut a1) = (_mm256_loadu_pd(top), _mm256_loadu_pd(top.add(4)));
            for t in (0..terms - 1).rev() {
                let c = p.add(t * stride);
                a0 = _mm256_fmadd_pd(a0, hv, _mm256_loadu_pd(c));
                a1 = _mm256_fmadd_pd(a1, hv, _mm256_loadu_pd(c.add(4)));
            }
            _mm256_storeu_pd(out.as_mut_ptr(), a0);
            _mm256_storeu_pd(out.as_mut_ptr().add(4), a1);
        }
        out
    }

    #[inline(always)]
    fn axpy(self, w: f64, x: &[f64], y: &mut [f64]) {
        use std::arch::x86_64::*;
        assert!(x.len() % LANES == 0 && x.len() <= y.len());
        // SAFETY: AVX2 and FMA as above; every access is below `x.len()`,
        // within both slices by the assertion.
        unsafe {
            let wv = _mm256_set1_pd(w);
            for k in (0..x.len()).step_by(4) {
                let (xp, yp) = (x.as_ptr().add(k), y.as_mut_ptr().add(k));
                _mm256_storeu_pd(
                    yp,
                    _mm256_fmadd_pd(wv, _mm256_loadu_pd(xp), _mm256_loadu_pd(yp)),
                );
            }
        }
    }

    #[inline(always)]
    fn outer(self, w: f64, rows: &[f64], cols: &[f64], img: &mut [f64], stride: usize) {
        use std::arch::x86_64::*;
        if rows.is_empty() {
            return;
        }
        assert!(cols.len() % LANES == 0 && img.len() >= (rows.len() - 1) * stride + cols.len());
        // Chunk by chunk, the chunk of `w * cols` held in registers down
        // all rows. SAFETY: AVX2 and FMA as above; row r's chunk k spans
        // `r * stride + k * LANES ..+ LANES`, inside `img` by the assertion.
        unsafe {
            let wv = _mm256_set1_pd(w);
            for k in (0..cols.len()).step_by(LANES) {
                let c0 = _mm256_mul_pd(wv, _mm256_loadu_pd(cols.as_ptr().add(k)));
                let c1 = _mm256_mul_pd(wv, _mm256_loadu_pd(cols.as_ptr().add(k + 4)));
                let mut y = img.as_mut_ptr().add(k);
                for &m in rows {
                    let f = _mm256_set1_pd(m);
                    _mm256_storeu_pd(y, _mm256_fmadd_pd(f, c0, _mm256_loadu_pd(y)));
                    let y4 = y.add(4);
                    _mm256_storeu_pd(y4, _mm256_fmadd_pd(f, c1, _mm256_loadu_pd(y4)));
                    y = y.add(stride);
                }
            }
        }
    }

    #[inline(always)]
    fn tile(
        self,
        a: &[f64],
        a_stride: usize,
        b: &[f64],
        b_stride: usize,
        count: usize,
    ) -> [[f64; LANES]; TILE_ROWS] {
        use std::arch::x86_64::*;
        check_tile(a, a_stride, b, b_stride, count);
        let mut out = [[0.0; LANES]; TILE_ROWS];
        // Two passes of four rows: eight accumulators of the sixteen
        // registers. SAFETY: AVX2 and FMA as above; the reads are
        // `a[g * a_stride + r]`, `r < TILE_ROWS`, and `b[g * b_stride +
        // l]`, `l < LANES`, for `g < count`: within the slices by the
        // assertion of `check_tile`.
        unsafe {
            for half in 0..TILE_ROWS / 4 {
                let z = _mm256_setzero_pd();
                // Named accumulators: an array of them may be spilled to
                // the stack.
                let (mut r0a, mut r0b, mut r1a, mut r1b) = (z, z, z, z);
                let (mut r2a, mut r2b, mut r3a, mut r3b) = (z, z, z, z);
                let mut ap = a.as_ptr().add(4 * half);
                let mut bp = b.as_ptr();
                for _ in 0..count {
                    let (b0, b1) = (_mm256_loadu_pd(bp), _mm256_loadu_pd(bp.add(4)));
                    let m = _mm256_broadcast_sd(&*ap);
                    r0a = _mm256_fmadd_pd(m, b0, r0a);
                    r0b = _mm256_fmadd_pd(m, b1, r0b);
                    let m = _mm256_broadcast_sd(&*ap.add(1));
                    r1a = _mm256_fmadd_pd(m, b0, r1a);
                    r1b = _mm256_fmadd_pd(m, b1, r1b);
                    let m = _mm256_broadcast_sd(&*ap.add(2));
                    r2a = _mm256_fmadd_pd(m, b0, r2a);
                    r2b = _mm256_fmadd_pd(m, b1, r2b);
                    let m = _mm256_broadcast_sd(&*ap.add(3));
                    r3a = _mm256_fmadd_pd(m, b0, r3a);
                    r3b = _mm256_fmadd_pd(m, b1, r3b);
                    ap = ap.add(a_stride);
                    bp = bp.add(b_stride);
                }
                for (r, (lo, hi)) in [(r0a, r0b), (r1a, r1b), (r2a, r2b), (r3a, r3b)]
                    .into_iter()
                    .enumerate()
                {
                    let row = out[4 * half + r].as_mut_ptr();
                    _mm256_storeu_pd(row, lo);
                    _mm256_storeu_pd(row.add(4), hi);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `simd`'s kernels against plain formulas.
    fn check<S: Simd>(simd: S) {
        let coeffs: Vec<f64> = (0..3 * 11 + LANES)
            .map(|i| 1.0 / (1.0 + i as f64))
            .collect();
        for (l, s) in simd.horner(&coeffs, 11, 4, 0.3).iter().enumerate() {
            let c = |t: usize| coeffs[t * 11 + l];
            let direct = c(0) + 0.3 * (c(1) + 0.3 * (c(2) + 0.3 * c(3)));
            assert!((s - direct).abs() <= 1e-15);
        }
        let mut y = vec![1.0; 2 * LANES + 3];
        simd.axpy(2.5, &coeffs[..2 * LANES], &mut y);
        for (i, v) in y.iter().enumerate() {
            let want = if i < 2 * LANES {
                1.0 + 2.5 * coeffs[i]
            } else {
                1.0
            };
            assert!((v - want).abs() <= 1e-15);
        }
        let mut img = vec![1.0; 3 * 19 + 16];
        simd.outer(2.5, &coeffs[..3], &coeffs[5..5 + 2 * LANES], &mut img, 19);
        for (i, v) in img.iter().enumerate() {
            let (r, c) = (i / 19, i % 19);
            let want = if r < 3 && c < 2 * LANES {
                1.0 + 2.5 * coeffs[r] * coeffs[5 + c]
            } else {
                1.0
            };
            assert!((v - want).abs() <= 1e-15, "pixel {i}");
        }
        // A^T B over 5 groups, strides wider than the block.
        let (a_stride, b_stride, count) = (TILE_ROWS + 3, LANES + 5, 5);
        let a: Vec<f64> = (0..count * a_stride)
            .map(|i| (i as f64 * 0.37).sin())
            .collect();
        let b: Vec<f64> = (0..count * b_stride)
            .map(|i| (i as f64 * 0.71).cos())
            .collect();
        let out = simd.tile(&a, a_stride, &b, b_stride, count);
        for (r, row) in out.iter().enumerate() {
            for (l, v) in row.iter().enumerate() {
                let want: f64 = (0..count)
                    .map(|g| a[g * a_stride + r] * b[g * b_stride + l])
                    .sum();
                assert!((v - want).abs() <= 1e-14, "({r}, {l}): {v} vs {want}");
            }
        }
        assert_eq!(simd.tile(&[], 0, &[], 0, 0), [[0.0; LANES]; TILE_ROWS]);
    }

    #[test]
    fn kernels_agree_with_formulas() {
        check(Portable);
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(simd) = Avx2Fma::detect() {
                check(simd);
            }
        }
    }
}
