//! Renders one small figure of each kind of `tda_io::plot` into a folder
//! (default `docs/figures`): `cargo run -p tda-io --example plot_gallery [DIR]`.

use std::f64::consts::PI;
use std::path::PathBuf;

use ndarray::Array2;
use tda_io::plot::{self, PiLayout, PlotOptions, Series};
use tda_persistence::{Diagram, PersistencePair};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "docs/figures".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let pair = |birth, death| PersistencePair { birth, death };
    let h0 = Diagram {
        dim: 0,
        pairs: vec![
            pair(0.0, 0.35),
            pair(0.05, 0.6),
            pair(0.1, 0.2),
            pair(0.0, f64::INFINITY),
        ],
    };
    let h1 = Diagram {
        dim: 1,
        pairs: vec![pair(0.4, 1.3), pair(0.5, 0.7), pair(0.6, 0.75)],
    };
    let dgms = [h0, h1];
    let small = |t: &str, x: &str, y: &str| PlotOptions::new(t, x, y).size(480, 360);
    plot::persistence_diagram(
        dir.join("diagram.png"),
        &dgms,
        &small("Persistence diagram", "", ""),
    )?;
    plot::barcode(dir.join("barcode.png"), &dgms, &small("Barcode", "", ""))?;
    // A persistence image in persim's layout: rows = birth, columns = persistence.
    let pi = Array2::from_shape_fn((20, 20), |(b, p)| {
        let (b, p) = (b as f64 / 19.0, p as f64 / 19.0);
        (-((b - 0.3).powi(2) + (p - 0.6).powi(2)) / 0.02).exp()
            + 0.5 * (-((b - 0.7).powi(2) + (p - 0.2).powi(2)) / 0.01).exp()
    });
    plot::persistence_image(
        dir.join("persistence_image.png"),
        pi.view(),
        PiLayout::BirthRows,
        (0.0, 1.0),
        (0.0, 1.0),
        &small("Persistence image", "", "").subtitle("sigma 0.05, 20 x 20 pixels"),
    )?;
    let ring = Array2::from_shape_fn((28, 28), |(r, c)| {
        let d = ((r as f64 - 13.5).powi(2) + (c as f64 - 13.5).powi(2)).sqrt();
        (-(d - 8.0).powi(2) / 4.0).exp()
    });
    let panels = [
        plot::Panel::picture("image", ring.view()),
        plot::Panel::persistence_image(
            "its PI",
            pi.view(),
            PiLayout::BirthRows,
            (0.0, 1.0),
            (0.0, 1.0),
        ),
    ];
    plot::image_grid(
        dir.join("grid.png"),
        &panels,
        2,
        &PlotOptions::new("Image and PI", "", "").size(720, 320),
    )?;
    let classes: Vec<String> = ["walking", "running", "standing", "badminton"]
        .map(String::from)
        .to_vec();
    let counts = ndarray::array![[9, 1, 0, 0], [1, 8, 0, 1], [0, 0, 10, 0], [0, 2, 0, 8]];
    plot::confusion_matrix(
        dir.join("confusion.png"),
        counts.view(),
        &classes,
        &small("Confusion matrix", "", "")
            .size(420, 420)
            .subtitle("summed over 5 runs"),
    )?;
    let train: Vec<f64> = (0..30).map(|e| 0.1 + (-(e as f64) / 6.0).exp()).collect();
    let valid: Vec<f64> = (0..30)
        .map(|e| 0.15 + 1.1 * (-(e as f64) / 7.0).exp() + 0.01 * (e as f64 * PI / 5.0).sin())
        .collect();
    plot::line_chart(
        dir.join("loss.png"),
        &[
            Series::per_epoch("train", &train),
            Series::per_epoch("validation", &valid),
        ],
        &small("Training curve", "epoch", "MSE").subtitle("Adam lr 1e-3, batch 32, 30 epochs"),
    )?;
    println!("wrote 6 figures to {}", dir.display());
    Ok(())
}
