//! Independent checks against the project's Vietoris–Rips engine: finely
//! sampled products of circles with the max metric, and sliding-window
//! embeddings of trigonometric polynomials.

use ndarray::Array2;
use tda_emph::*;
use tda_persistence::rips::Rips;
use tda_persistence::{Diagram, SlidingWindow};

/// Distance matrix of the regular `n`-gon of circumradius `r`.
fn ngon(r: f64, n: usize) -> Array2<f64> {
    let p: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let t = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
            (r * t.cos(), r * t.sin())
        })
        .collect();
    Array2::from_shape_fn((n, n), |(i, j)| (p[i].0 - p[j].0).hypot(p[i].1 - p[j].1))
}

/// Distance matrix of the product of the factors with the max metric.
fn product(factors: &[Array2<f64>]) -> Array2<f64> {
    let sizes: Vec<usize> = factors.iter().map(|f| f.nrows()).collect();
    let n: usize = sizes.iter().product();
    let digits = |mut i: usize| {
        sizes
            .iter()
            .map(|&s| {
                let d = i % s;
                i /= s;
                d
            })
            .collect::<Vec<_>>()
    };
    Array2::from_shape_fn((n, n), |(i, j)| {
        let (a, b) = (digits(i), digits(j));
        factors
            .iter()
            .zip(a.iter().zip(&b))
            .map(|(f, (&x, &y))| f[[x, y]])
            .fold(0.0, f64::max)
    })
}

fn rips(d: &Array2<f64>, max_dim: usize) -> Vec<Diagram> {
    Rips::new()
        .max_dim(max_dim)
        .compute_distance_matrix(d.view())
        .unwrap()
}

/// Bars that persist longer than `floor`. The polygon's sampling artefacts
/// do not: intersections with its finite H0 bars die by the longest side,
/// and the even-dimensional spheres of a polygon's Rips complex (Adamaszek
/// & Adams 2017; for n = 12, three 2-spheres on [sqrt3 r, 2 r sin(5 pi / 12)))
/// live for less than a side.
fn significant(d: &Diagram, floor: f64) -> Vec<(f64, f64)> {
    d.pairs
        .iter()
        .filter(|p| p.death - p.birth > floor)
        .map(|p| (p.birth, p.death))
        .collect()
}

#[test]
fn product_barcode_is_exactly_the_rips_barcode_of_a_max_product() {
    // Two polygons of different sizes and radii: the Künneth formula on the
    // factors' own Rips barcodes must give the product's Rips barcode bar for
    // bar, finite H0 bars and their intersections included.
    let (a, b) = (ngon(1.0, 7), ngon(1.3, 9));
    let whole = rips(&product(&[a.clone(), b.clone()]), 2);
    let factors = vec![rips(&a, 2), rips(&b, 2)];
    for (dim, want) in whole.iter().enumerate() {
        let got = product_barcode(&factors, dim).unwrap();
        assert_eq!(got.len(), want.len(), "H{dim}: {got:?} vs {want:?}");
        for (g, w) in got.pairs.iter().zip(&want.pairs) {
            assert!(
                (g.birth - w.birth).abs() < 1e-12 && (g.death - w.death).abs() < 1e-12 || g == w
            );
        }
    }
}

#[test]
fn diagonal_barcode_matches_rips_of_sampled_circles_k2() {
    // n = 12 divisible by 3: the polygon's H1 dies exactly at sqrt3 r, and
    // is born at its side 2 r sin(pi / n) (the sampling error).
    let (radii, n) = ([1.0, 1.5], 12);
    let sides: Vec<f64> = radii
        .iter()
        .map(|r| 2.0 * r * (std::f64::consts::PI / n as f64).sin())
        .collect();
    let err = sides.iter().fold(0.0f64, |m, &s| m.max(s));
    let whole = rips(&product(&[ngon(radii[0], n), ngon(radii[1], n)]), 2);
    let modes = FourierModes::from_radii(radii.to_vec()).unwrap();
    let ray = Ray::diagonal(2).unwrap();
    for (dim, rips_dim) in whole.iter().enumerate().skip(1) {
        let emph = barcode(&modes, &ray, dim).unwrap();
        let got = significant(rips_dim, err + 1e-9);
        assert_eq!(got.len(), emph.len(), "H{dim}: rips {got:?}, emph {emph:?}");
        for ((b, d), p) in got.iter().zip(&emph.pairs) {
            assert!(
                (d - p.death).abs() < 1e-9,
                "H{dim} death {d} vs {}",
                p.death
            );
            assert!(
                *b >= p.birth && b - p.birth <= err + 1e-9,
                "H{dim} birth {b} vs {}",
                p.birth
            );
        }
    }
}

#[test]
fn diagonal_h1_matches_rips_of_sampled_circles_k3() {
    let (radii, n) = ([1.0, 1.2, 1.4], 6);
    let err = 2.0 * 1.4 * (std::f64::consts::PI / n as f64).sin();
    let d = product(&radii.map(|r| ngon(r, n)));
    let whole = rips(&d, 1);
    let emph = barcode(
        &FourierModes::from_radii(radii.to_vec()).unwrap(),
        &Ray::diagonal(3).unwrap(),
        1,
    )
    .unwrap();
    // A hexagon's H1 bar [r, sqrt3 r) is shorter than the longest side, so
    // select by death: in H1 the artefacts (H1 of one factor meeting a
    // finite H0 bar of another) die by the longest side.
    let got: Vec<(f64, f64)> = whole[1]
        .pairs
        .iter()
        .filter(|p| p.death > err + 1e-9)
        .map(|p| (p.birth, p.death))
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    for ((b, d), p) in got.iter().zip(&emph.pairs) {
        assert!((d - p.death).abs() < 1e-9 && b - p.birth <= err + 1e-9);
    }
}

#[test]
fn sliding_window_circle_has_radius_r_sqrt_m_plus_1_over_2() {
    // One mode r cos(t + phi): with M + 1 = 3 coordinates at delay
    // 2pi / (M + 1), the embedding is a circle of radius R = r sqrt((M+1)/2);
    // sampled at N = 3 * 30 points of one period it is a regular 90-gon,
    // whose H1 dies at sqrt3 R, the EMPH death sqrt3 r scaled by sqrt(3/2).
    let (r, n, m1) = (0.8, 90usize, 3usize);
    let delay = n / m1;
    let signal: Vec<f64> = (0..n + (m1 - 1) * delay)
        .map(|i| r * (2.0 * std::f64::consts::PI * i as f64 / n as f64 + 0.3).cos())
        .collect();
    let modes = FourierModes::from_signal(&signal[..n], 1).unwrap();
    let window = SlidingWindow {
        dim: m1,
        delay,
        stride: 1,
    };
    let points = window.embed(&signal).unwrap();
    let points = points.slice(ndarray::s![..n, ..]);
    let h1 = &Rips::new().max_dim(1).compute(points).unwrap()[1];
    let emph = barcode(&modes, &Ray::diagonal(1).unwrap(), 1).unwrap();
    let scale = (m1 as f64 / 2.0).sqrt();
    assert_eq!(h1.len(), 1);
    assert!((h1.pairs[0].death - scale * emph.pairs[0].death).abs() < 1e-9);
}

#[test]
fn sliding_window_of_two_modes_is_an_l2_torus_of_those_radii() {
    // With M >= 2K the mode-k coordinates of the window are orthogonal, so
    // |SW(s) - SW(t)|^2 = sum_k (2 R_k sin(k (s - t) / 2))^2 with
    // R_k = r_k sqrt((M + 1) / 2), the radii EMPH reads off the DFT.
    let (n, m1) = (60usize, 5usize);
    let delay = n / m1;
    let signal: Vec<f64> = (0..n + (m1 - 1) * delay)
        .map(|i| {
            let t = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
            0.7 * (t + 0.2).cos() + 1.1 * (2.0 * t - 0.4).cos()
        })
        .collect();
    let modes = FourierModes::from_signal(&signal[..n], 2).unwrap();
    let big: Vec<f64> = modes
        .radii()
        .iter()
        .map(|r| r * (m1 as f64 / 2.0).sqrt())
        .collect();
    let points = SlidingWindow {
        dim: m1,
        delay,
        stride: 1,
    }
    .embed(&signal)
    .unwrap();
    for s in 0..n {
        for t in 0..n {
            let got: f64 = (0..m1)
                .map(|j| (points[[s, j]] - points[[t, j]]).powi(2))
                .sum();
            let dt = 2.0 * std::f64::consts::PI * (s as f64 - t as f64) / n as f64;
            let want: f64 = big
                .iter()
                .enumerate()
                .map(|(k, rk)| (2.0 * rk * ((k + 1) as f64 * dt / 2.0).sin()).powi(2))
                .sum();
            assert!((got - want).abs() < 1e-9, "{s} {t}: {got} vs {want}");
        }
    }
}
