//! The image kernel's per-pair loops over a pair's window of pixels (the
//! rows and columns where both its axes' masses are nonzero): the
//! weighted outer product into the image, and its backward pass.
//!
//! Each runs as written on any CPU, or compiled with AVX2 where the CPU
//! has it (runtime detection, as tda-vectorize's pixel masses do): the
//! same operations in the same order (Rust never contracts `a * b + c`
//! into a fused multiply-add, and the dot products keep sixteen partial sums
//! on every path), so the results do not depend on the CPU, only the
//! width of the vectors the compiler uses does.

use std::ops::Range;

/// A pair's window in an image of `width` columns, row-major.
#[derive(Debug, Clone)]
pub(super) struct Window {
    /// The rows where the pair's row masses are nonzero.
    pub rows: Range<usize>,
    /// The columns where its column masses are nonzero.
    pub cols: Range<usize>,
    /// Columns of the image.
    pub width: usize,
}

/// Whether this CPU runs the AVX2 builds (checked once).
fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static AVX2: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *AVX2.get_or_init(|| std::arch::is_x86_feature_detected!("avx2"))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `f()` compiled with AVX2 enabled (`f` and what it inlines).
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// `f()`, compiled with AVX2 where the CPU has it.
#[inline(always)]
fn dispatch<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU has AVX2 (checked at run time).
        return unsafe { with_avx2(f) };
    }
    f()
}

/// `y += a * x`.
#[inline(always)]
fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// `a . b` in sixteen interleaved partial sums (four vectors of four:
/// independent chains of additions, which a single running sum would
/// serialise on the adder's latency and fix in an order that forbids
/// vectors), then blocks of four, then one by one.
#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    const WIDE: usize = 16;
    let mut sums = [0.0; WIDE];
    let (a16, b16) = (a.chunks_exact(WIDE), b.chunks_exact(WIDE));
    let (a4, b4) = (
        a16.remainder().chunks_exact(4),
        b16.remainder().chunks_exact(4),
    );
    let rest = a4.remainder().iter().zip(b4.remainder());
    for (x, y) in a16.zip(b16) {
        for lane in 0..WIDE {
            sums[lane] += x[lane] * y[lane];
        }
    }
    for (x, y) in a4.zip(b4) {
        for lane in 0..4 {
            sums[lane] += x[lane] * y[lane];
        }
    }
    for (x, y) in rest {
        sums[0] += x * y;
    }
    let mut width = WIDE;
    while width > 1 {
        width /= 2;
        for lane in 0..width {
            sums[lane] += sums[lane + width];
        }
    }
    sums[0]
}

impl Window {
    /// `image += w * row_masses (x) col_masses` over the window.
    pub fn add_outer(&self, image: &mut [f64], w: f64, row_masses: &[f64], col_masses: &[f64]) {
        dispatch(
            #[inline(always)]
            || {
                let masses = &col_masses[self.cols.clone()];
                for r in self.rows.clone() {
                    let row = &mut image[r * self.width..][self.cols.clone()];
                    axpy(row, w * row_masses[r], masses);
                }
            },
        );
    }

    /// The backward pass of [`Self::add_outer`] for the image's gradient
    /// `d_image`: the masses' gradients into `d_rows` (the window's entries
    /// written) and `d_cols` (added to the window's entries); returns the
    /// gradient of `w`.
    pub fn outer_backward(
        &self,
        d_image: &[f64],
        w: f64,
        (row_masses, col_masses): (&[f64], &[f64]),
        (d_rows, d_cols): (&mut [f64], &mut [f64]),
    ) -> f64 {
        dispatch(
            #[inline(always)]
            || {
                let masses = &col_masses[self.cols.clone()];
                let d_cols = &mut d_cols[self.cols.clone()];
                let mut d_w = 0.0;
                for r in self.rows.clone() {
                    let d_row = &d_image[r * self.width..][self.cols.clone()];
                    let along = dot(d_row, masses);
                    d_w += row_masses[r] * along;
                    d_rows[r] = w * along;
                    axpy(d_cols, w * row_masses[r], d_row);
                }
                d_w
            },
        )
    }
}
