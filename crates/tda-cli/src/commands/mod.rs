//! The subcommands: one module each, with its arguments and what it does.

mod diagram;
mod distance;
mod emph;
mod features;
mod pinet;
mod plot;

use std::path::Path;

use clap::Subcommand;
use ndarray::{ArrayD, ArrayView2, Ix2};

use crate::error::{Error, Result};
use crate::progress::Report;

/// What `tda` does.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Persistence diagrams of signals, an image or a point cloud.
    Diagram(diagram::DiagramArgs),
    /// Persistence images, to .npy (of diagrams, or straight from data).
    Image(features::ImageArgs),
    /// Persistence landscapes, to .npy (of diagrams, or straight from data).
    Landscape(features::LandscapeArgs),
    /// Betti curves, to .npy (of diagrams, or straight from data).
    Betti(features::BettiArgs),
    /// Persistence silhouettes, to .npy (of diagrams, or straight from data).
    Silhouette(features::SilhouetteArgs),
    /// Persistent entropies, to .npy (of diagrams, or straight from data).
    Entropy(features::EntropyArgs),
    /// Bottleneck or Wasserstein distances: diagram by diagram between two
    /// files, or the pairwise matrix of one.
    Distance(distance::DistanceArgs),
    /// A PNG of diagrams, barcodes or images.
    Plot(plot::PlotArgs),
    /// Exact multi-parameter persistence (EMPH) barcodes of signals along a
    /// ray, or their Betti curves.
    Emph(emph::EmphArgs),
    /// PI-Net (signals, or images): train a network to predict persistence
    /// images, or predict them.
    Pinet(pinet::PinetArgs),
}

impl Command {
    /// Runs the command, reporting the progress of long stages to `report`.
    pub fn run(&self, report: Report) -> Result<()> {
        match self {
            Command::Diagram(a) => a.run(report),
            Command::Image(a) => a.run(report),
            Command::Landscape(a) => a.run(report),
            Command::Betti(a) => a.run(report),
            Command::Silhouette(a) => a.run(report),
            Command::Entropy(a) => a.run(report),
            Command::Distance(a) => a.run(report),
            Command::Plot(a) => a.run(),
            Command::Emph(a) => a.run(report),
            Command::Pinet(a) => a.run(report),
        }
    }
}

/// The 2-D view of `data`, or an error naming what was expected.
fn two_d<'a>(path: &Path, data: &'a ArrayD<f64>, what: &str) -> Result<ArrayView2<'a, f64>> {
    data.view()
        .into_dimensionality::<Ix2>()
        .map_err(|_| Error::Input {
            path: path.to_path_buf(),
            problem: format!("{what} is a 2-D array, got shape {:?}", data.shape()),
        })
}
