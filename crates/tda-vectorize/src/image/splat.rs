//! Splatting weighted points onto the pixels of a persistence image.
//!
//! The image of points `(b_k, p_k, w_k)` is a matrix product: with `A[k, i]`
//! the mass of birth pixel `i` under the Gaussian of `b_k` and `B[k, j] =
//! w_k` times the mass of persistence pixel `j` under that of `p_k`
//! ([`PixelAxis::masses`]), pixel `(i, j)` is `sum_k A[k, i] B[k, j]`,
//! that is `A^T B`. Two methods compute it, and an estimate of their
//! times picks one per image ([`Method`]):
//!
//! - *Direct*: one outer product per point, over the pixels within its
//!   Gaussians' reach. Best where the Gaussians cover few pixels and births
//!   do not repeat (W2: windows of 12 of 50 pixels, continuous values).
//! - *Tiles*: points that share a birth share a row of `A`, so their rows
//!   of `B` are summed first and the product runs over distinct births
//!   only; it is then computed by `TILE_ROWS x LANES` blocks summed in
//!   registers ([`Simd::tile`]; the register blocking of Goto & van de
//!   Geijn, "Anatomy of high-performance matrix multiplication", ACM TOMS
//!   2008) and stored once, where an outer product loads and stores every
//!   touched pixel once per point. Best where births repeat or the
//!   Gaussians are wide: the PI-Net image recipe (8-bit pixels, so births
//!   and deaths on the grid `k / 255`, sigma 0.05 on 50 pixels over
//!   `[0, 1]`) has about 340 points per channel but about 140 distinct
//!   births, each covering about 30 pixels per axis.
//!
//! Coordinates that recur from one image to the next take their masses
//! from a memo ([`MassCache`]). Births are sorted (a diagram's canonical
//! order already is), so the birth-pixel spans of the groups are monotone
//! and each block of rows meets a contiguous run of groups. Each pixel's
//! sum runs in a fixed order, so the result never depends on the number
//! of threads.

use crate::image::memo::{MassCache, Memo};
use crate::image::normal_tail::NormalTail;
use crate::image::pixel_masses::{PixelAxis, Span};
#[cfg(target_arch = "x86_64")]
use crate::image::simd::Avx2Fma;
use crate::image::simd::{Portable, Simd, LANES, TILE_ROWS};

/// Most bytes of the tile method's per-group buffers (a row of birth
/// masses and one of persistence masses per distinct birth); diagrams
/// that would need more take the direct method, whose working memory is
/// the image alone.
const TILES_MAX_BYTES: usize = 256 << 20;

/// Which axis of the persistence image runs down the rows of the f64 image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// `img[i * (ny + LANES) + j]` for birth pixel `i`, persistence pixel `j`.
    BirthMajor,
    /// `img[j * (nx + LANES) + i]`.
    PersistenceMajor,
}

// A block of the image is TILE_ROWS pixels of one axis by LANES of the
// other, and either axis may run down the rows.
const _: () = assert!(TILE_ROWS == LANES);

/// The pixels `[first, end)` a group's masses cover along each axis.
#[derive(Debug, Clone, Copy)]
struct GroupSpan {
    births: (usize, usize),
    /// Empty (`(usize::MAX, 0)`) while no point of the group reaches the grid.
    pers: (usize, usize),
}

/// Reusable working memory of [`Splatter::splat`], and the image.
#[derive(Debug, Default)]
pub(crate) struct Splatter {
    /// The image, `shape.0` rows of `shape.1` values; the last `LANES`
    /// columns of each row are padding and hold zeros (both methods write
    /// only zeros there).
    img: Vec<f64>,
    shape: (usize, usize),
    /// Birth-axis masses of group `g` at `[g * a_stride + i]` (`A^T`'s
    /// columns; zero outside the group's span).
    births: Vec<f64>,
    /// Summed weighted persistence-axis masses of group `g` at
    /// `[g * b_stride + j]` (rows of `B`).
    pers: Vec<f64>,
    /// Pixel spans of each group's masses.
    spans: Vec<GroupSpan>,
    /// Masses of one point along the birth and the persistence axis.
    bbuf: Vec<f64>,
    pbuf: Vec<f64>,
    /// Memos of the masses along each axis, kept across images.
    bcache: MassCache,
    pcache: MassCache,
}

impl Splatter {
    /// The image of the weighted `points` `(b, p, w)` in `layout`, with its
    /// row stride (the number of pixels along the row axis plus `LANES`
    /// zero columns). `points` are sorted by birth if they are not
    /// already. Where the CPU has AVX2 and FMA (detected at run time, as
    /// rustfft does), the kernels run with those instructions
    /// ([`crate::image::simd`]); the results then differ from the portable
    /// kernels by rounding only.
    pub(crate) fn splat(
        &mut self,
        bx: &PixelAxis,
        py: &PixelAxis,
        points: &mut [(f64, f64, f64)],
        layout: Layout,
    ) -> (&[f64], usize) {
        if !points.is_sorted_by(|p, q| p.0 <= q.0) {
            points.sort_unstable_by(|p, q| p.0.total_cmp(&q.0));
        }
        let (rows, cols) = match layout {
            Layout::BirthMajor => (bx.len(), py.len()),
            Layout::PersistenceMajor => (py.len(), bx.len()),
        };
        let shape = (rows, cols + LANES);
        if self.shape != shape {
            self.img.clear();
            self.img.resize(shape.0 * shape.1, 0.0);
            self.shape = shape;
        }
        self.fill(bx, py, points, layout, None);
        (&self.img, shape.1)
    }

    /// Computes the image into `self.img` with the best kernels this CPU
    /// has, by `method` or else the cheaper one.
    fn fill(
        &mut self,
        bx: &PixelAxis,
        py: &PixelAxis,
        points: &[(f64, f64, f64)],
        layout: Layout,
        method: Option<Method>,
    ) {
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = Avx2Fma::detect() {
            // SAFETY: `detect` found AVX2 and FMA on this CPU.
            unsafe { self.fill_avx2_fma(simd, bx, py, points, layout, method) };
            return;
        }
        self.fill_with(Portable, bx, py, points, layout, method);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn fill_avx2_fma(
        &mut self,
        simd: Avx2Fma,
        bx: &PixelAxis,
        py: &PixelAxis,
        points: &[(f64, f64, f64)],
        layout: Layout,
        method: Option<Method>,
    ) {
        self.fill_with(simd, bx, py, points, layout, method);
    }

    /// The body of [`Splatter::fill`] with kernels `simd`, for `points`
    /// sorted by birth and `self.img` of the shape of `layout`.
    #[inline(always)]
    fn fill_with<S: Simd>(
        &mut self,
        simd: S,
        bx: &PixelAxis,
        py: &PixelAxis,
        points: &[(f64, f64, f64)],
        layout: Layout,
        method: Option<Method>,
    ) {
        let (n, distinct) = birth_counts(points);
        let method = method.unwrap_or_else(|| Method::cheaper(bx, py, layout, n, distinct));
        // The tiles' buffers, bounded: past the bound, the direct method.
        let group_bytes = (bx.len() + py.len() + 2 * LANES) * std::mem::size_of::<f64>();
        let method = if distinct.saturating_mul(group_bytes) > TILES_MAX_BYTES {
            Method::Direct
        } else {
            method
        };
        match method {
            // Without repeated births the data are likely continuous, and
            // the memo would only cost its lookups.
            Method::Direct => self.direct(simd, bx, py, points, layout, distinct < n),
            Method::Tiles => self.tiles(simd, bx, py, points, layout),
        }
    }

    /// [`Method::Direct`]: one outer product per point, added into the
    /// zeroed image; masses through the memos if `memo`.
    #[inline(always)]
    fn direct<S: Simd>(
        &mut self,
        simd: S,
        bx: &PixelAxis,
        py: &PixelAxis,
        points: &[(f64, f64, f64)],
        layout: Layout,
        memo: bool,
    ) {
        let tail = NormalTail::get();
        let stride = self.shape.1;
        let (mut bmemo, mut pmemo) = (self.bcache.memo(bx), self.pcache.memo(py));
        let img = &mut self.img;
        img.fill(0.0);
        for &(b, p, w) in points {
            if w == 0.0 {
                continue;
            }
            let Some(bs) = masses(memo, &mut bmemo, bx, simd, b, tail, &mut self.bbuf) else {
                continue;
            };
            let Some(ps) = masses(memo, &mut pmemo, py, simd, p, tail, &mut self.pbuf) else {
                continue;
            };
            // Rows along one axis, whole chunks along the other: the
            // padding of the masses is zero and lands in the image's
            // padding columns or adds zero.
            match layout {
                Layout::BirthMajor => {
                    let at = bs.first * stride + ps.first;
                    simd.outer(w, bs.masses(), ps.padded, &mut img[at..], stride);
                }
                Layout::PersistenceMajor => {
                    let at = ps.first * stride + bs.first;
                    simd.outer(w, ps.masses(), bs.padded, &mut img[at..], stride);
                }
            }
        }
    }

    /// [`Method::Tiles`]: points grouped by birth, the product by blocks.
    #[inline(always)]
    fn tiles<S: Simd>(
        &mut self,
        simd: S,
        bx: &PixelAxis,
        py: &PixelAxis,
        points: &[(f64, f64, f64)],
        layout: Layout,
    ) {
        let (nx, ny) = (bx.len(), py.len());
        // Room for a block or a padded span of masses from any pixel.
        let a_stride = nx + LANES;
        let b_stride = ny + LANES;
        let tail = NormalTail::get();
        let Self {
            img,
            shape: (_, stride),
            births,
            pers,
            spans,
            bbuf,
            pbuf,
            bcache,
            pcache,
        } = self;
        births.clear();
        pers.clear();
        spans.clear();
        let (mut bmemo, mut pmemo) = (bcache.memo(bx), pcache.memo(py));
        // The birth of the last group, and whether it reaches the grid.
        let mut last: Option<(f64, bool)> = None;
        for &(b, p, w) in points {
            if w == 0.0 {
                continue;
            }
            if last.is_none_or(|(prev, _)| prev != b) {
                let reaches = match bmemo.masses(simd, b, tail, bbuf) {
                    Some(bs) => {
                        let g = spans.len();
                        births.resize((g + 1) * a_stride, 0.0);
                        births[g * a_stride + bs.first..][..bs.padded.len()]
                            .copy_from_slice(bs.padded);
                        pers.resize((g + 1) * b_stride, 0.0);
                        spans.push(GroupSpan {
                            births: (bs.first, bs.first + bs.len),
                            pers: (usize::MAX, 0),
                        });
                        true
                    }
                    None => false,
                };
                last = Some((b, reaches));
            }
            if last.is_some_and(|(_, reaches)| !reaches) {
                continue;
            }
            let Some(ps) = pmemo.masses(simd, p, tail, pbuf) else {
                continue;
            };
            // The open group is the last one; the padding of `ps` is zero.
            let g = spans.len() - 1;
            simd.axpy(w, ps.padded, &mut pers[g * b_stride + ps.first..]);
            let span = &mut spans[g].pers;
            *span = (span.0.min(ps.first), span.1.max(ps.first + ps.len));
        }
        debug_assert!(spans.windows(2).all(|s| s[0].births <= s[1].births));
        let stride = *stride;
        let (mut lo, mut hi) = (0, 0);
        for i0 in (0..nx).step_by(LANES) {
            // Births are sorted, so the spans are monotone and the groups
            // lo..hi whose spans meet births i0..i0 + LANES are found by
            // two cursors.
            while lo < spans.len() && spans[lo].births.1 <= i0 {
                lo += 1;
            }
            hi = hi.max(lo);
            while hi < spans.len() && spans[hi].births.0 < i0 + LANES {
                hi += 1;
            }
            // Blocks of persistence pixels outside all those groups' spans
            // are zero without products.
            let (p_lo, p_hi) = spans[lo..hi].iter().fold((usize::MAX, 0), |(l, h), s| {
                (l.min(s.pers.0), h.max(s.pers.1))
            });
            let a = &births[(lo * a_stride + i0).min(births.len())..];
            for j0 in (0..ny).step_by(LANES) {
                let b = &pers[(lo * b_stride + j0).min(pers.len())..];
                let count = if j0 + LANES <= p_lo || j0 >= p_hi {
                    0
                } else {
                    hi - lo
                };
                match layout {
                    Layout::BirthMajor => {
                        let block = simd.tile(a, a_stride, b, b_stride, count);
                        for (r, values) in block.iter().take(nx - i0).enumerate() {
                            img[(i0 + r) * stride + j0..][..LANES].copy_from_slice(values);
                        }
                    }
                    Layout::PersistenceMajor => {
                        let block = simd.tile(b, b_stride, a, a_stride, count);
                        for (r, values) in block.iter().take(ny - j0).enumerate() {
                            img[(j0 + r) * stride + i0..][..LANES].copy_from_slice(values);
                        }
                    }
                }
            }
        }
    }
}

/// The masses of `axis` at `c`, through its memo if `use_memo` (the
/// branch stays here, outside [`Memo::masses`]: inside it, it cost 10% on
/// W2).
#[inline(always)]
fn masses<'a, S: Simd>(
    use_memo: bool,
    memo: &'a mut Memo<'_, '_>,
    axis: &PixelAxis,
    simd: S,
    c: f64,
    tail: &NormalTail,
    buf: &'a mut Vec<f64>,
) -> Option<Span<'a>> {
    if use_memo {
        memo.masses(simd, c, tail, buf)
    } else {
        axis.masses(simd, c, tail, buf)
    }
}

/// The two ways of computing an image; both write every pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    /// One outer product per point ([`Splatter::direct`]): best where the
    /// Gaussians cover few pixels and births rarely repeat (W2).
    Direct,
    /// Points grouped by birth, the product summed in registers by blocks
    /// ([`Splatter::tiles`]): best where the Gaussians are wide or births
    /// repeat (the PI-Net image recipe).
    Tiles,
}

/// The number of points of non-zero weight, and of distinct births among
/// them (`points` sorted by birth).
fn birth_counts(points: &[(f64, f64, f64)]) -> (usize, usize) {
    let (mut n, mut distinct, mut prev) = (0, 0, None);
    for &(b, _, _) in points.iter().filter(|q| q.2 != 0.0) {
        n += 1;
        distinct += usize::from(prev != Some(b));
        prev = Some(b);
    }
    (n, distinct)
}

impl Method {
    /// The method with the smaller estimated time, from the numbers of
    /// points `n` and of `distinct` births and the axes' windows. A direct
    /// row of `LANES` pixels loads and stores them (~2 cycles); a block
    /// product of `TILE_ROWS x LANES` pixels per group runs from registers
    /// (~8 cycles with AVX2).
    fn cheaper(bx: &PixelAxis, py: &PixelAxis, layout: Layout, n: usize, distinct: usize) -> Self {
        let (wb, wp) = (bx.window(), py.window());
        let rows_chunks = match layout {
            Layout::BirthMajor => wb.saturating_mul(wp.div_ceil(LANES)),
            Layout::PersistenceMajor => wp.saturating_mul(wb.div_ceil(LANES)),
        };
        let blocks = (wb.div_ceil(LANES) + 1).saturating_mul(py.len().div_ceil(LANES));
        if n.saturating_mul(rows_chunks) <= distinct.saturating_mul(blocks).saturating_mul(4) {
            Self::Direct
        } else {
            Self::Tiles
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample_grid::linspace;
    use proptest::prelude::*;

    /// The image of `points` in `layout`, one point at a time from the
    /// per-edge masses.
    fn direct(
        bx: &PixelAxis,
        py: &PixelAxis,
        points: &[(f64, f64, f64)],
        layout: Layout,
    ) -> Vec<f64> {
        let (nx, ny) = (bx.len(), py.len());
        let (rows, stride) = match layout {
            Layout::BirthMajor => (nx, ny + LANES),
            Layout::PersistenceMajor => (ny, nx + LANES),
        };
        let tail = NormalTail::get();
        let (mut bm, mut pm) = (Vec::new(), Vec::new());
        let mut img = vec![0.0; rows * stride];
        for &(b, p, w) in points {
            let i0 = bx.masses_per_edge(b, tail, &mut bm);
            let j0 = py.masses_per_edge(p, tail, &mut pm);
            for (i, mb) in bm.iter().enumerate() {
                for (j, mp) in pm.iter().enumerate() {
                    let at = match layout {
                        Layout::BirthMajor => (i0 + i) * stride + j0 + j,
                        Layout::PersistenceMajor => (j0 + j) * stride + i0 + i,
                    };
                    img[at] += w * mb * mp;
                }
            }
        }
        img
    }

    /// `fast` equals `slow` within `tol` relative to the largest pixel,
    /// plus `floor` (the masses beyond the 8-sigma cutoffs, which the
    /// table and the per-edge path trim differently), and the last
    /// `LANES` columns of its rows of `stride` values are zero.
    fn check(
        fast: &[f64],
        slow: &[f64],
        stride: usize,
        tol: f64,
        floor: f64,
    ) -> std::result::Result<(), TestCaseError> {
        prop_assert_eq!(fast.len(), slow.len());
        let scale = slow.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (i, (f, s)) in fast.iter().zip(slow).enumerate() {
            prop_assert!(
                (f - s).abs() <= tol * scale + floor,
                "pixel {i}: {f:e} vs {s:e}"
            );
            if i % stride >= stride - LANES {
                prop_assert_eq!(*f, 0.0, "padding column of pixel {}", i);
            }
        }
        Ok(())
    }

    proptest! {
        /// Every kernel set this CPU has, in both layouts and by both
        /// methods, against the portable kernels and against the direct
        /// sum of per-edge outer products; births are drawn from a few
        /// values so that groups form, and shuffled. One `Splatter` serves
        /// every shape in turn.
        #[test]
        fn kernels_match_direct_sum(
            sigma in 0.05f64..2.0,
            nx in 1usize..40,
            ny in 1usize..40,
            legacy in any::<bool>(),
            points in prop::collection::vec((0usize..6, -12.0f64..12.0, 0.0f64..12.0, 0.0f64..3.0), 0..40),
        ) {
            let (bx, py) = if legacy {
                (
                    PixelAxis::legacy(linspace(-10.0, 10.0, nx), 10.0 / ny as f64, sigma),
                    PixelAxis::legacy(linspace(0.0, 10.0, ny), 10.0 / ny as f64, sigma),
                )
            } else {
                (
                    PixelAxis::contiguous(linspace(-10.0, 10.0, nx + 1), sigma),
                    PixelAxis::contiguous(linspace(0.0, 10.0, ny + 1), sigma),
                )
            };
            let mut points: Vec<_> = points
                .into_iter()
                .map(|(k, b, p, w)| (if k < 4 { k as f64 * 2.5 - 4.0 } else { b }, p, w))
                .collect();
            let floor = 1e-14 * points.iter().map(|q| q.2).sum::<f64>();
            let mut splatter = Splatter::default();
            for layout in [Layout::BirthMajor, Layout::PersistenceMajor, Layout::BirthMajor] {
                let slow = direct(&bx, &py, &points, layout);
                let (img, stride) = splatter.splat(&bx, &py, &mut points, layout);
                let dispatched = img.to_vec();
                check(&dispatched, &slow, stride, 1e-9, floor)?;
                for method in [Method::Direct, Method::Tiles] {
                    splatter.fill_with(Portable, &bx, &py, &points, layout, Some(method));
                    let portable = splatter.img.clone();
                    check(&portable, &slow, stride, 1e-9, floor)?;
                    #[cfg(target_arch = "x86_64")]
                    if let Some(simd) = Avx2Fma::detect() {
                        // SAFETY: `detect` found AVX2 and FMA.
                        unsafe { splatter.fill_avx2_fma(simd, &bx, &py, &points, layout, Some(method)) };
                        check(&splatter.img, &portable, stride, 1e-12, 0.0)?;
                    }
                }
            }
        }
    }
}
