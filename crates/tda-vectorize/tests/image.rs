//! Persistence images: slow per-pixel numerical integration vs the fast
//! separable path, closed forms, policies and batch behaviour.

use proptest::prelude::*;
use tda_persistence::{Diagram, PersistencePair};
use tda_vectorize::{Essential, Grid, ImageAxis, Normalize, PersistenceImage, Vectorizer, Weight};

/// 5-point Gauss-Legendre nodes and weights on [-1, 1].
const GL_X: [f64; 5] = [
    0.0,
    -0.538_469_310_105_683_1,
    0.538_469_310_105_683_1,
    -0.906_179_845_938_664,
    0.906_179_845_938_664,
];
const GL_W: [f64; 5] = [
    0.568_888_888_888_888_9,
    0.478_628_670_499_366_5,
    0.478_628_670_499_366_5,
    0.236_926_885_056_189_1,
    0.236_926_885_056_189_1,
];

/// Integral of the normal density N(mu, s^2) over [a, b], by composite
/// Gauss-Legendre quadrature (no erf involved).
fn integrate_density(mu: f64, s: f64, a: f64, b: f64) -> f64 {
    let n = 200;
    let h = (b - a) / n as f64;
    let norm = 1.0 / (s * (2.0 * std::f64::consts::PI).sqrt());
    let mut total = 0.0;
    for k in 0..n {
        let c = a + (k as f64 + 0.5) * h;
        for (x, w) in GL_X.iter().zip(GL_W) {
            let t = c + 0.5 * h * x;
            let z = (t - mu) / s;
            total += w * 0.5 * h * norm * (-0.5 * z * z).exp();
        }
    }
    total
}

/// A pixel's extent along one axis.
type Interval = (f64, f64);

/// Slow reference: every pixel, every point, integrated numerically; the
/// pixel rectangles and output layout are spelt out independently of the
/// crate (persim's definitions).
fn reference(
    grid: Grid,
    (b0, b1): (f64, f64),
    (p0, p1): (f64, f64),
    (nx, ny): (usize, usize),
    s: f64,
    points: &[(f64, f64)],
) -> Vec<f64> {
    let (bx, py): (Vec<Interval>, Vec<Interval>) = match grid {
        Grid::Contiguous => {
            let (wb, wp) = ((b1 - b0) / nx as f64, (p1 - p0) / ny as f64);
            (
                (0..nx)
                    .map(|i| (b0 + i as f64 * wb, b0 + (i + 1) as f64 * wb))
                    .collect(),
                (0..ny)
                    .map(|j| (p0 + j as f64 * wp, p0 + (j + 1) as f64 * wp))
                    .collect(),
            )
        }
        Grid::LegacyPersImage => {
            let lo = b0.min(0.0);
            let width = b1 / ny as f64;
            let lower = |a: f64, n: usize, i: usize| {
                if n == 1 {
                    a
                } else {
                    a + i as f64 * (b1 - a) / (n - 1) as f64
                }
            };
            (
                (0..nx)
                    .map(|i| (lower(lo, nx, i), lower(lo, nx, i) + width))
                    .collect(),
                (0..ny)
                    .map(|j| (lower(0.0, ny, j), lower(0.0, ny, j) + width))
                    .collect(),
            )
        }
    };
    let max_p = points.iter().map(|q| q.1).fold(0.0, f64::max);
    let mut out = vec![0.0; nx * ny];
    for (i, &(x0, x1)) in bx.iter().enumerate() {
        for (j, &(y0, y1)) in py.iter().enumerate() {
            let mut v = 0.0;
            for &(b, p) in points {
                let w = match grid {
                    Grid::Contiguous => p,
                    Grid::LegacyPersImage => p / max_p,
                };
                v += w * integrate_density(b, s, x0, x1) * integrate_density(p, s, y0, y1);
            }
            let idx = match grid {
                Grid::Contiguous => i * ny + j,
                Grid::LegacyPersImage => (ny - 1 - j) * nx + i,
            };
            out[idx] = v;
        }
    }
    out
}

fn diagram(points: &[(f64, f64)]) -> Diagram {
    Diagram::new(
        0,
        points
            .iter()
            .map(|&(b, p)| PersistencePair::new(b, b + p))
            .collect(),
    )
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn fast_matches_numerical_integration(
        points in prop::collection::vec((-2.0f64..2.0, 0.01f64..3.0), 0..6),
        nx in 1usize..7,
        ny in 1usize..7,
        sigma in 0.05f64..1.0,
        legacy in any::<bool>(),
    ) {
        let grid = if legacy { Grid::LegacyPersImage } else { Grid::Contiguous };
        let (br, pr) = ((-1.5, 1.75), (0.0, 2.5));
        let pi = PersistenceImage::builder()
            .grid(grid)
            .birth_range(br.0, br.1)
            .pers_range(pr.0, pr.1)
            .resolution(nx, ny)
            .sigma(sigma)
            .build()
            .unwrap();
        let got = pi.transform(&diagram(&points)).unwrap();
        let want = reference(grid, br, pr, (nx, ny), sigma, &points);
        let scale = max_abs(&want);
        for (g, w) in got.iter().zip(&want) {
            prop_assert!((*g as f64 - w).abs() <= 1e-6 * w.abs() + 1e-9 * scale + 1e-12,
                "got {g}, want {w}");
        }
    }
}

#[test]
fn single_point_sums_to_its_weight() {
    let s = 0.2;
    // Point (0.5, 1.5); the range covers +-8 sigma around it on both axes.
    let d = diagram(&[(0.5, 1.5)]);
    for (weight, w) in [
        (Weight::Persistence, 1.5),
        (Weight::Constant, 1.0),
        (Weight::Power(2.0), 2.25),
        (
            Weight::LinearRamp {
                low: 0.0,
                high: 1.0,
                start: 0.5,
                end: 2.5,
            },
            0.5,
        ),
    ] {
        let pi = PersistenceImage::builder()
            .birth_range(0.5 - 9.0 * s, 0.5 + 9.0 * s)
            .pers_range(1.5 - 9.0 * s, 1.5 + 9.0 * s)
            .resolution(37, 23)
            .sigma(s)
            .weight(weight)
            .build()
            .unwrap();
        let sum: f64 = pi.transform(&d).unwrap().iter().map(|&v| v as f64).sum();
        assert!(
            (sum - w).abs() < 1e-6 * w,
            "{weight:?}: sum {sum}, want {w}"
        );
    }
}

#[test]
fn layouts_follow_persim() {
    // One point near the low-birth, high-persistence corner.
    let d = diagram(&[(0.05, 0.95)]);
    let contiguous = PersistenceImage::builder()
        .resolution(4, 3)
        .sigma(0.05)
        .build()
        .unwrap();
    assert_eq!(contiguous.shape(), (4, 3));
    let img = contiguous.transform(&d).unwrap();
    let argmax = |v: &[f32]| (0..v.len()).max_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap();
    // Birth pixel 0, persistence pixel 2: index 0 * 3 + 2.
    assert_eq!(argmax(&img), 2);
    let legacy = PersistenceImage::builder()
        .grid(Grid::LegacyPersImage)
        .resolution(4, 3)
        .sigma(0.05)
        .build()
        .unwrap();
    assert_eq!(legacy.shape(), (3, 4));
    let img = legacy.transform(&d).unwrap();
    // Top row (highest persistence), first column.
    assert_eq!(argmax(&img), 0);
}

#[test]
fn essential_policy_and_threshold() {
    let base = PersistenceImage::builder()
        .birth_range(-1.0, 1.0)
        .pers_range(0.0, 2.0)
        .resolution(10, 10)
        .sigma(0.1);
    let with_inf = Diagram::new(
        0,
        vec![
            PersistencePair::new(0.0, 0.5),
            PersistencePair::new(-0.5, f64::INFINITY),
        ],
    );
    let finite = diagram(&[(0.0, 0.5)]);
    let clamped = diagram(&[(0.0, 0.5), (-0.5, 1.0)]);
    let drop = base.clone().build().unwrap();
    assert_eq!(
        drop.transform(&with_inf).unwrap(),
        drop.transform(&finite).unwrap()
    );
    let clamp = base
        .clone()
        .essential(Essential::ClampDeath(0.5))
        .build()
        .unwrap();
    assert_eq!(
        clamp.transform(&with_inf).unwrap(),
        drop.transform(&clamped).unwrap()
    );
    let thresholded = base.min_persistence(0.5).build().unwrap();
    assert!(thresholded
        .transform(&finite)
        .unwrap()
        .iter()
        .all(|&v| v == 0.0));
    assert_eq!(
        thresholded.transform(&clamped).unwrap(),
        drop.transform(&diagram(&[(-0.5, 1.0)])).unwrap()
    );
}

#[test]
fn normalisations() {
    let d = diagram(&[(0.2, 0.3), (0.6, 0.7)]);
    let b = PersistenceImage::builder().resolution(8, 8).sigma(0.1);
    let max = b.clone().normalize(Normalize::Max).build().unwrap();
    let img = max.transform(&d).unwrap();
    assert!((img.iter().fold(0.0f32, |m, &v| m.max(v)) - 1.0).abs() < 1e-6);
    let sum = b.clone().normalize(Normalize::Sum).build().unwrap();
    let total: f64 = sum.transform(&d).unwrap().iter().map(|&v| v as f64).sum();
    assert!((total - 1.0).abs() < 1e-6);
    // An empty diagram stays zero under every normalisation.
    let empty = Diagram::default();
    assert!(max.transform(&empty).unwrap().iter().all(|&v| v == 0.0));
    assert!(sum.transform(&empty).unwrap().iter().all(|&v| v == 0.0));
}

#[test]
fn pinet_presets() {
    let sig = PersistenceImage::pinet_signal();
    assert_eq!(
        (sig.grid(), sig.sigma(), sig.shape()),
        (Grid::LegacyPersImage, 0.25, (50, 50))
    );
    let img = PersistenceImage::pinet_image();
    assert_eq!(
        (img.grid(), img.sigma(), img.len()),
        (Grid::LegacyPersImage, 0.05, 2500)
    );
    // The presets are what the builder makes of their documented recipes.
    let recipe = |lo, hi, sigma| {
        PersistenceImage::builder()
            .grid(Grid::LegacyPersImage)
            .birth_range(lo, hi)
            .resolution(50, 50)
            .sigma(sigma)
            .normalize(Normalize::Max)
    };
    assert_eq!(sig, recipe(-10.0, 10.0, 0.25).build().unwrap());
    assert_eq!(
        img,
        recipe(0.0, 1.0, 0.05)
            .min_persistence(tda_vectorize::PINET_IMAGE_MIN_PERSISTENCE)
            .build()
            .unwrap()
    );
    assert_eq!(
        (sig.essential(), sig.weight(), sig.min_persistence()),
        (Essential::Drop, Weight::Persistence, None)
    );
    let d = diagram(&[(-1.0, 2.0), (0.5, 0.25), (1.0, f64::INFINITY)]);
    let v = sig.transform(&d).unwrap();
    assert!((v.iter().fold(0.0f32, |m, &x| m.max(x)) - 1.0).abs() < 1e-6);
    // The image recipe drops every bar of one grey level, whatever the
    // level (in f64, (k+1)/255 - k/255 lands on both sides of 1/255), and
    // keeps every bar of two; the signal recipe keeps them all.
    let grey = |a: f64, b: f64| Diagram::new(0, vec![PersistencePair::new(a / 255.0, b / 255.0)]);
    let mut rounded_above = 0;
    for k in 0..255 {
        let (a, b) = (k as f64, k as f64 + 1.0);
        rounded_above += usize::from(b / 255.0 - a / 255.0 > 1.0 / 255.0);
        let one = grey(a, b);
        assert!(
            img.transform(&one).unwrap().iter().all(|&x| x == 0.0),
            "{k}"
        );
        assert!(sig.transform(&one).unwrap().iter().any(|&x| x > 0.0));
        if k < 254 {
            let two = grey(a, b + 1.0);
            assert!(img.transform(&two).unwrap().iter().any(|&x| x > 0.0), "{k}");
        }
    }
    assert_eq!(rounded_above, 48);
}

#[test]
fn batch_matches_single_and_thread_count() {
    let ds: Vec<Diagram> = (0..37)
        .map(|k| {
            let k = k as f64;
            diagram(&[(0.1 * k.sin(), 0.5 + 0.3 * k.cos()), (0.2, 0.01 * k)])
        })
        .collect();
    let pi = PersistenceImage::builder()
        .resolution(6, 5)
        .build()
        .unwrap();
    let batch = pi.transform_batch(&ds).unwrap();
    assert_eq!(batch.dim(), (37, 30));
    for (row, d) in batch.outer_iter().zip(&ds) {
        assert_eq!(row.to_vec(), pi.transform(d).unwrap());
    }
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| pi.transform_batch(&ds).unwrap());
    assert_eq!(one, batch);
    assert_eq!(pi.transform_batch(&[]).unwrap().dim(), (0, 30));
}

/// `pixel_bounds` are the intervals the transform integrates over and
/// `axis_masses` its separable factors: one
/// point's image is its weight times the outer product of the Gaussian's
/// masses on them (quadrature), placed as [`Grid`] documents, on both grids.
#[test]
fn pixel_bounds_are_the_integrated_intervals() {
    let dgm = Diagram::new(0, vec![PersistencePair::new(0.3, 0.75)]);
    let (b, p, s) = (0.3, 0.45, 0.07);
    for grid in [Grid::Contiguous, Grid::LegacyPersImage] {
        let pi = PersistenceImage::builder()
            .birth_range(-0.2, 1.0)
            .pers_range(0.0, 0.9)
            .resolution(7, 5)
            .sigma(s)
            .grid(grid)
            .build()
            .unwrap();
        let (bx, py) = pi.pixel_bounds();
        assert_eq!((bx.len(), py.len()), (7, 5));
        // The separable factors, as axis_masses gives them.
        let mut mb = vec![0.0; 7];
        let mut mp = vec![0.0; 5];
        pi.axis_masses(ImageAxis::Birth, b, &mut mb).unwrap();
        pi.axis_masses(ImageAxis::Persistence, p, &mut mp).unwrap();
        for (m, x) in mb.iter().zip(&bx) {
            assert!(
                (m - integrate_density(b, s, x[0], x[1])).abs() < 1e-12,
                "{grid:?}"
            );
        }
        for (m, y) in mp.iter().zip(&py) {
            assert!(
                (m - integrate_density(p, s, y[0], y[1])).abs() < 1e-12,
                "{grid:?}"
            );
        }
        assert!(pi.axis_masses(ImageAxis::Birth, b, &mut mp).is_err());
        assert!(pi.axis_masses(ImageAxis::Birth, f64::NAN, &mut mb).is_err());
        // Legacy weights are divided by the largest (here the only) weight.
        let w = if grid == Grid::Contiguous { p } else { 1.0 };
        let img = pi.transform(&dgm).unwrap();
        for (i, x) in bx.iter().enumerate() {
            for (j, y) in py.iter().enumerate() {
                let want =
                    w * integrate_density(b, s, x[0], x[1]) * integrate_density(p, s, y[0], y[1]);
                let at = match grid {
                    Grid::Contiguous => i * 5 + j,
                    Grid::LegacyPersImage => (5 - 1 - j) * 7 + i,
                };
                assert!(
                    (f64::from(img[at]) - want).abs() < 1e-6,
                    "{grid:?} ({i}, {j})"
                );
            }
        }
    }
}
