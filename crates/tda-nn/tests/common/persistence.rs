//! What the persistence-layer tests share: seeded inputs, the reference
//! diagram of one curve, segment or image from tda-persistence's public
//! API, and the finite-difference gradient check.

use candle_core::{DType, Device, Tensor, Var};
use ndarray::ArrayView2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use tda_nn::layers::{DiagramConfig, EssentialPolicy, Filtration};
use tda_nn::Error;
use tda_persistence::cubical::lower_star_2d_with;
use tda_persistence::sublevel::{h0, h0_superlevel};
use tda_persistence::{Diagram, PersistencePair};

/// `n` uniform values in `[lo, hi)`, seeded.
pub fn random(n: usize, lo: f64, hi: f64, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n).map(|_| rng.random_range(lo..hi)).collect()
}

/// `n` distinct values on about `[lo, hi]` (a shuffled grid plus a jitter
/// below its step), so no two are tied and finite differences do not cross
/// a change of critical cells.
pub fn distinct(n: usize, lo: f64, hi: f64, seed: u64) -> Vec<f64> {
    let step = (hi - lo) / n as f64;
    let mut values: Vec<f64> = (0..n).map(|i| lo + step * i as f64).collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    for i in (1..n).rev() {
        values.swap(i, rng.random_range(0..=i));
    }
    for (v, j) in values.iter_mut().zip(random(n, 0.0, 0.2 * step, seed + 1)) {
        *v += j;
    }
    values
}

/// The values of `t` as `f64`, flattened.
pub fn to_host(t: &Tensor) -> Vec<f64> {
    t.flatten_all()
        .unwrap()
        .to_dtype(DType::F64)
        .unwrap()
        .to_vec1()
        .unwrap()
}

/// How a persistence layer configured by `diagram` reads an input of
/// dimensions `dims`: the image shape (rank 4), the values per row and per
/// unit, the units per row and the output's leading dimensions.
pub struct InputLayout {
    pub image: Option<(usize, usize)>,
    pub row_len: usize,
    pub unit_len: usize,
    pub per_row: usize,
    pub lead: Vec<usize>,
}

impl InputLayout {
    pub fn new(dims: &[usize], diagram: &DiagramConfig) -> Self {
        let image = (dims.len() == 4).then(|| (dims[2], dims[3]));
        let row_len: usize = dims[2..].iter().product();
        let unit_len = diagram.segment.unwrap_or(row_len);
        let per_row = row_len / unit_len;
        let mut lead = dims[..2].to_vec();
        if diagram.segment.is_some() {
            lead.push(per_row);
        }
        Self {
            image,
            row_len,
            unit_len,
            per_row,
            lead,
        }
    }

    /// The output's dimensions: the leading ones, then `tail`.
    pub fn out_dims(&self, tail: [usize; 2]) -> Vec<usize> {
        self.lead.iter().copied().chain(tail).collect()
    }

    /// Each unit's values (curve, segment or image) of the flat input.
    pub fn units<'a>(&self, host: &'a [f64]) -> impl Iterator<Item = &'a [f64]> + 'a {
        let (unit_len, per_row) = (self.unit_len, self.per_row);
        host.chunks(self.row_len)
            .flat_map(move |row| row.chunks_exact(unit_len).take(per_row))
    }
}

/// Runs `forward` on `values` (shape `dims`) in `f64` and in `f32`, checks
/// the output's shape (the layout's leading dimensions, then `tail`) and
/// dtype, and calls `check(dtype, unit index, unit values, unit output)`
/// for every curve, segment or image (`f64` values).
pub fn for_each_unit(
    forward: impl Fn(&Tensor) -> Tensor,
    values: &[f64],
    dims: &[usize],
    layout: &InputLayout,
    tail: [usize; 2],
    mut check: impl FnMut(DType, usize, &[f64], &[f64]),
) {
    let per_unit = tail[0] * tail[1];
    for dtype in [DType::F64, DType::F32] {
        let x = Tensor::from_slice(values, dims, &Device::Cpu)
            .unwrap()
            .to_dtype(dtype)
            .unwrap();
        let host = to_host(&x);
        let y = forward(&x);
        assert_eq!(y.dims(), layout.out_dims(tail).as_slice());
        assert_eq!(y.dtype(), dtype);
        let y = to_host(&y);
        for (u, unit) in layout.units(&host).enumerate() {
            check(dtype, u, unit, &y[u * per_unit..(u + 1) * per_unit]);
        }
    }
}

/// The diagram a persistence layer configured by `cfg` reads from one
/// curve or segment (`image` `None`) or one image of `(height, width)`,
/// computed with tda-persistence's plain diagram functions: the essential
/// class dropped or replaced by (min, max) / (max, min), pairs with
/// persistence `<= min_persistence` dropped.
pub fn reference_diagram(
    unit: &[f64],
    image: Option<(usize, usize)>,
    cfg: &DiagramConfig,
    min_persistence: f64,
) -> Diagram {
    let superlevel = cfg.filtration == Filtration::Superlevel;
    let diagram = match image {
        None if superlevel => h0_superlevel(unit).unwrap(),
        None => h0(unit).unwrap(),
        Some((h, w)) => {
            let sign = if superlevel { -1.0 } else { 1.0 };
            let values: Vec<f64> = unit.iter().map(|v| sign * v).collect();
            let view = ArrayView2::from_shape((h, w), &values).unwrap();
            let d = lower_star_2d_with(view, cfg.connectivity).unwrap();
            let pairs = d[cfg.dimension]
                .pairs
                .iter()
                .map(|p| PersistencePair::new(sign * p.birth, sign * p.death))
                .collect();
            Diagram::new(cfg.dimension, pairs)
        }
    };
    let max = unit.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = unit.iter().copied().fold(f64::INFINITY, f64::min);
    let pairs = diagram
        .pairs
        .iter()
        .filter_map(|p| match (p.death.is_finite(), cfg.essential) {
            (true, _) => Some(*p),
            (false, EssentialPolicy::Drop) => None,
            (false, EssentialPolicy::SegmentRange) if superlevel => {
                Some(PersistencePair::new(max, min))
            }
            (false, EssentialPolicy::SegmentRange) => Some(PersistencePair::new(min, max)),
        })
        .filter(|p| (p.death - p.birth).abs() > min_persistence)
        .collect();
    Diagram::new(diagram.dim, pairs)
}

/// Checks the autograd gradient of `sum(forward(x) * w)` (random weights
/// `w`) against central finite differences at `values` (shape `dims`,
/// `f64`), each within `1e-6 (1 + |fd|)`; returns the gradient.
pub fn check_gradients(
    forward: impl Fn(&Tensor) -> Tensor,
    values: &[f64],
    dims: &[usize],
    seed: u64,
) -> Vec<f64> {
    let dev = Device::Cpu;
    let x0 = Tensor::from_slice(values, dims, &dev).unwrap();
    let out_dims = forward(&x0).dims().to_vec();
    let count = out_dims.iter().product();
    let w = Tensor::from_vec(random(count, -1.0, 1.0, seed), out_dims, &dev).unwrap();
    let loss = |v: &[f64]| -> f64 {
        let x = Tensor::from_slice(v, dims, &dev).unwrap();
        let y = forward(&x).mul(&w).unwrap();
        y.sum_all().unwrap().to_scalar().unwrap()
    };
    let x = Var::from_tensor(&x0).unwrap();
    let l = forward(x.as_tensor()).mul(&w).unwrap().sum_all().unwrap();
    let grads = l.backward().unwrap();
    let g = to_host(grads.get(x.as_tensor()).unwrap());
    let eps = 1e-6;
    for i in 0..values.len() {
        let mut plus = values.to_vec();
        plus[i] += eps;
        let mut minus = values.to_vec();
        minus[i] -= eps;
        let fd = (loss(&plus) - loss(&minus)) / (2.0 * eps);
        assert!(
            (fd - g[i]).abs() <= 1e-6 * (1.0 + fd.abs()),
            "index {i}: autograd {} vs finite differences {fd}",
            g[i]
        );
    }
    g
}

/// The input errors both persistence layers share (their common input
/// checks), through `forward`: another rank, an integer dtype, and NaN or
/// infinity named by the index of the first one.
pub fn assert_shared_input_errors(forward: impl Fn(&Tensor) -> Result<Tensor, Error>) {
    let dev = Device::Cpu;
    let rank2 = Tensor::zeros((4, 64), DType::F32, &dev).unwrap();
    assert!(matches!(
        forward(&rank2),
        Err(Error::Shape { name: "x", .. })
    ));
    let rank5 = Tensor::zeros((1, 4, 64, 1, 1), DType::F32, &dev).unwrap();
    assert!(matches!(
        forward(&rank5),
        Err(Error::Shape { name: "x", .. })
    ));
    let ints = Tensor::zeros((2, 3, 40), DType::U32, &dev).unwrap();
    assert!(matches!(forward(&ints), Err(Error::Incompatible { .. })));
    let mut v = vec![0.0f64; 2 * 3 * 40];
    v[40 * 4 + 17] = f64::NAN; // batch 1, channel 1, index 17
    v[40 * 5 + 3] = f64::INFINITY;
    let x = Tensor::from_vec(v, (2, 3, 40), &dev).unwrap();
    match forward(&x) {
        Err(Error::NonFinite { name, index, value }) => {
            assert_eq!(name, "x");
            assert_eq!(index, vec![1, 1, 17]);
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}
