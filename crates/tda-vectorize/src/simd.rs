//! The two inner kernels of persistence-image splatting, portable and for
//! x86-64 AVX2 + FMA (chosen at run time, as rustfft does).
//!
//! Written with explicit intrinsics because the compiler's auto-vectoriser
//! turned the portable loops, once inlined into the splatting loop, into
//! lane-by-lane gathers (about 1800 instructions per point instead of ~200).

/// Pixels handled together by the kernels: a chunk of `LANES` f64 values.
pub(crate) const LANES: usize = 8;

/// A way to run the kernels. Implementations are zero-sized; the AVX2 one
/// can only be obtained where the CPU has the features it needs.
pub(crate) trait Simd: Copy {
    /// `out[l] = sum_t coeffs[t * stride + l] * h^t` for `t < terms`,
    /// `l < LANES`, by Horner's rule; `coeffs` must hold
    /// `(terms - 1) * stride + LANES` values (panics otherwise).
    fn horner(self, coeffs: &[f64], stride: usize, terms: usize, h: f64) -> [f64; LANES];

    /// `img[r * stride + c] += w * rows[r] * cols[c]` for every `r <
    /// rows.len()`, `c < cols.len()`; `cols.len()` must be a multiple of
    /// `LANES` and `img` long enough (panics otherwise).
    fn outer(self, w: f64, rows: &[f64], cols: &[f64], img: &mut [f64], stride: usize);
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
    fn outer(self, w: f64, rows: &[f64], cols: &[f64], img: &mut [f64], stride: usize) {
        for (r, &m) in rows.iter().enumerate() {
            let f = w * m;
            for (y, &x) in img[r * stride..][..cols.len()].iter_mut().zip(cols) {
                *y += f * x;
            }
        }
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
    fn outer(self, w: f64, rows: &[f64], cols: &[f64], img: &mut [f64], stride: usize) {
        use std::arch::x86_64::*;
        if rows.is_empty() {
            return;
        }
        assert!(cols.len() % LANES == 0 && img.len() >= (rows.len() - 1) * stride + cols.len());
        // SAFETY: AVX2 and FMA as above; row r's chunk k spans
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_agree() {
        let coeffs: Vec<f64> = (0..3 * 11 + LANES)
            .map(|i| 1.0 / (1.0 + i as f64))
            .collect();
        let slow = Portable.horner(&coeffs, 11, 4, 0.3);
        for (l, s) in slow.iter().enumerate() {
            let c = |t: usize| coeffs[t * 11 + l];
            let direct = c(0) + 0.3 * (c(1) + 0.3 * (c(2) + 0.3 * c(3)));
            assert!((s - direct).abs() <= 1e-15);
        }
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = Avx2Fma::detect() {
            let fast = simd.horner(&coeffs, 11, 4, 0.3);
            for (f, s) in fast.iter().zip(&slow) {
                assert!((f - s).abs() <= 1e-15);
            }
            let (mut y0, mut y1) = (vec![1.0; 3 * 19 + 16], vec![1.0; 3 * 19 + 16]);
            Portable.outer(2.5, &coeffs[..4], &coeffs[5..21], &mut y0, 19);
            simd.outer(2.5, &coeffs[..4], &coeffs[5..21], &mut y1, 19);
            for (a, b) in y0.iter().zip(&y1) {
                assert!((a - b).abs() <= 1e-15);
            }
        }
    }
}
