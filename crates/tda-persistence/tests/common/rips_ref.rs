//! Slow, obviously-correct Vietoris-Rips reference: every simplex up to
//! dimension `max_dim + 1` built explicitly, sorted by (diameter, dimension,
//! Ripser's reverse colexicographic order), and a standard Z/2 column
//! reduction of the full boundary matrix.

use super::{sorted, Bar};

/// Colexicographic index of a vertex set (increasing vertices): sum C(v_i, i + 1).
fn colex_index(verts: &[usize]) -> u128 {
    fn binom(n: usize, k: usize) -> u128 {
        if k > n {
            return 0;
        }
        (0..k).fold(1u128, |acc, i| acc * (n - i) as u128 / (i + 1) as u128)
    }
    verts
        .iter()
        .enumerate()
        .map(|(i, &v)| binom(v, i + 1))
        .sum()
}

struct Simplex {
    verts: Vec<usize>,
    diam: f64,
}

/// Bars per dimension `0..=max_dim` of the Rips filtration of the distance
/// matrix `d` (row-major `n x n`) up to `threshold` (use `f64::INFINITY`
/// for the full complex); zero-length bars omitted, essential deaths `None`.
pub fn rips_reference(d: &[f64], n: usize, max_dim: usize, threshold: f64) -> Vec<Vec<Bar>> {
    let dist = |a: usize, b: usize| d[a * n + b];
    // All vertex subsets of size 1..=max_dim + 2 with diameter <= threshold.
    let mut simplices: Vec<Simplex> = Vec::new();
    let mut stack: Vec<(Vec<usize>, f64)> = (0..n).map(|v| (vec![v], 0.0)).collect();
    while let Some((verts, diam)) = stack.pop() {
        if verts.len() < max_dim + 2 {
            let top = *verts.last().unwrap();
            for w in top + 1..n {
                let dw = verts.iter().map(|&v| dist(v, w)).fold(diam, f64::max);
                if dw <= threshold {
                    let mut v2 = verts.clone();
                    v2.push(w);
                    stack.push((v2, dw));
                }
            }
        }
        simplices.push(Simplex { verts, diam });
    }
    simplices.sort_by(|a, b| {
        a.diam
            .total_cmp(&b.diam)
            .then(a.verts.len().cmp(&b.verts.len()))
            .then(colex_index(&b.verts).cmp(&colex_index(&a.verts)))
    });
    let position: std::collections::HashMap<Vec<usize>, usize> = simplices
        .iter()
        .enumerate()
        .map(|(i, s)| (s.verts.clone(), i))
        .collect();
    let mut columns: Vec<Vec<usize>> = simplices
        .iter()
        .map(|s| {
            let mut col: Vec<usize> = if s.verts.len() == 1 {
                vec![]
            } else {
                (0..s.verts.len())
                    .map(|skip| {
                        let facet: Vec<usize> = s
                            .verts
                            .iter()
                            .enumerate()
                            .filter(|&(i, _)| i != skip)
                            .map(|(_, &v)| v)
                            .collect();
                        position[&facet]
                    })
                    .collect()
            };
            col.sort_unstable();
            col
        })
        .collect();
    let mut owner: std::collections::HashMap<usize, usize> = Default::default();
    let mut paired = vec![false; simplices.len()];
    let mut out: Vec<Vec<Bar>> = vec![Vec::new(); max_dim + 1];
    for j in 0..columns.len() {
        while let Some(&low) = columns[j].last() {
            if let Some(&k) = owner.get(&low) {
                columns[j] = super::add_z2(&columns[j], &columns[k]);
            } else {
                owner.insert(low, j);
                paired[low] = true;
                paired[j] = true;
                let dim = simplices[low].verts.len() - 1;
                let (b, dd) = (simplices[low].diam, simplices[j].diam);
                if dim <= max_dim && b != dd {
                    out[dim].push((b, Some(dd)));
                }
                break;
            }
        }
    }
    for (i, s) in simplices.iter().enumerate() {
        let dim = s.verts.len() - 1;
        if !paired[i] && dim <= max_dim {
            out[dim].push((s.diam, None));
        }
    }
    out.into_iter().map(sorted).collect()
}
