//! Helpers shared by the EMPH test files.

#![allow(dead_code)]

use tda_emph::{circle_bar, FiltrationPath};
use tda_persistence::Diagram;

/// The bars of `d` as `(birth, death)`.
pub fn bars(d: &Diagram) -> Vec<(f64, f64)> {
    d.pairs.iter().map(|p| (p.birth, p.death)).collect()
}

/// `sum_k r_k cos(k t + phase_k)` at `n` samples of one period.
pub fn trig(radii: &[f64], phases: &[f64], n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let t = std::f64::consts::TAU * i as f64 / n as f64;
            radii
                .iter()
                .zip(phases)
                .enumerate()
                .map(|(k, (r, p))| r * ((k + 1) as f64 * t + p).cos())
                .sum()
        })
        .collect()
}

/// Every choice of one bar per circle of degrees summing to `dim`,
/// intersected (the Künneth formula, by brute force).
pub fn brute_force(radii: &[f64], path: &dyn FiltrationPath, dim: usize) -> Vec<(f64, f64)> {
    let k = radii.len();
    let mut want = Vec::new();
    let mut degrees = vec![0usize; k];
    loop {
        if degrees.iter().sum::<usize>() == dim {
            let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
            let mut ok = true;
            for (i, &d) in degrees.iter().enumerate() {
                match circle_bar(radii[i], d).unwrap() {
                    Some(p) => {
                        lo = lo.max(path.param(i, p.birth));
                        hi = hi.min(if p.death.is_finite() {
                            path.param(i, p.death)
                        } else {
                            f64::INFINITY
                        });
                    }
                    None => ok = false,
                }
            }
            if ok && lo < hi {
                want.push((lo, hi));
            }
        }
        let mut i = 0;
        while i < k && degrees[i] == dim {
            degrees[i] = 0;
            i += 1;
        }
        if i == k {
            break;
        }
        degrees[i] += 1;
    }
    want.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
    want
}
