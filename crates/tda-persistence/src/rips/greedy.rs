//! ripser.py's greedy permutation (farthest-point sampling), the subsample
//! of [`RipsBuilder::n_perm`](super::RipsBuilder::n_perm).

use super::distance::Source;

/// The first `m` points of ripser.py's greedy permutation of `src`
/// (`get_greedy_perm`): point 0, then each time the point farthest from
/// those taken (`np.argmax`: the first on ties), and the covering radius,
/// the largest distance from a point of `src` to the nearest point taken.
pub(crate) fn greedy_permutation(src: &Source<'_>, m: usize) -> (Vec<usize>, f64) {
    let n = src.len();
    let mut ds: Vec<f64> = (0..n).map(|j| src.dist(0, j)).collect();
    let mut idx = Vec::with_capacity(m);
    idx.push(0);
    for _ in 1..m {
        let mut far = 0;
        for (j, &d) in ds.iter().enumerate() {
            if d > ds[far] {
                far = j;
            }
        }
        idx.push(far);
        for (j, d) in ds.iter_mut().enumerate() {
            *d = d.min(src.dist(far, j));
        }
    }
    let r_cover = ds.iter().copied().fold(0.0, f64::max);
    (idx, r_cover)
}
