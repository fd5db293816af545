//! The subcommands: one struct of arguments each, and what it does.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use ndarray::{ArrayD, Axis, Ix2};
use rayon::prelude::*;
use tda_persistence::cubical::{lower_star_2d_with, Connectivity};
use tda_persistence::sublevel::SignalH0;
use tda_persistence::{Diagram, Rips};
use tda_vectorize::{PersistenceImage, Vectorizer, Wasserstein};

use crate::error::{Error, Result};
use crate::files::{read_array, read_diagrams, write_diagrams};

/// What `tda` does.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Persistence diagrams of signals, an image or a point cloud.
    Diagram(DiagramArgs),
    /// Persistence images of the diagrams of a diagram file, to .npy.
    Image(ImageArgs),
    /// Distances between the diagrams of two diagram files, one per line.
    Distance(DistanceArgs),
    /// A PNG of the diagrams of a diagram file.
    Plot(PlotArgs),
}

impl Command {
    /// Runs the command.
    pub fn run(&self) -> Result<()> {
        match self {
            Command::Diagram(a) => a.run(),
            Command::Image(a) => a.run(),
            Command::Distance(a) => a.run(),
            Command::Plot(a) => a.run(),
        }
    }
}

/// `tda diagram`.
#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// A .npy, .csv or .ts file: a 1-D array is one signal, 2-D one signal
    /// per row, 3-D `(n, channels, length)` (a .ts archive) one diagram per
    /// channel, in that order; with
    /// --rips a point cloud (one point per row) or a distance matrix, with
    /// --cubical an image.
    input: PathBuf,
    /// The diagrams, as .json or .npz.
    #[arg(short, long)]
    output: PathBuf,
    /// H0 of the superlevel filtration instead of the sublevel one.
    #[arg(long, conflicts_with_all = ["rips", "cubical"])]
    superlevel: bool,
    /// Vietoris-Rips persistence of a point cloud.
    #[arg(long, conflicts_with = "cubical")]
    rips: bool,
    /// With --rips: the input is a distance matrix.
    #[arg(long, requires = "rips")]
    distance_matrix: bool,
    /// With --rips: the highest homology dimension.
    #[arg(long, default_value_t = 1, requires = "rips")]
    maxdim: usize,
    /// With --rips: the largest edge (default: the enclosing radius).
    #[arg(long, requires = "rips", allow_negative_numbers = true)]
    threshold: Option<f64>,
    /// Cubical H0 and H1 of a 2-D image.
    #[arg(long)]
    cubical: bool,
    /// With --cubical: 4 (edge-adjacent pixels, gudhi's vertices) or 8.
    #[arg(long, default_value_t = 4, requires = "cubical")]
    connectivity: u32,
}

impl DiagramArgs {
    fn run(&self) -> Result<()> {
        let data = read_array(&self.input)?;
        let diagrams = if self.rips {
            self.rips(&data)?
        } else if self.cubical {
            self.cubical(&data)?
        } else {
            self.signals(data)?
        };
        write_diagrams(&self.output, &diagrams)
    }

    fn persistence(&self, source: tda_persistence::Error) -> Error {
        Error::Persistence {
            path: self.input.clone(),
            source,
        }
    }

    fn rips(&self, data: &ArrayD<f64>) -> Result<Vec<Diagram>> {
        let data = two_d(&self.input, data, "a point cloud or distance matrix")?;
        let mut builder = Rips::builder().max_dim(self.maxdim);
        if let Some(t) = self.threshold {
            builder = builder.threshold(t);
        }
        let rips = builder.build().map_err(|e| self.persistence(e))?;
        let dgms = if self.distance_matrix {
            rips.compute_distance_matrix(data)
        } else {
            rips.compute(data)
        };
        dgms.map_err(|e| self.persistence(e))
    }

    fn cubical(&self, data: &ArrayD<f64>) -> Result<Vec<Diagram>> {
        let image = two_d(&self.input, data, "an image")?;
        let connectivity = match self.connectivity {
            4 => Connectivity::Four,
            8 => Connectivity::Eight,
            c => {
                return Err(Error::Input {
                    path: self.input.clone(),
                    problem: format!("--connectivity must be 4 or 8, got {c}"),
                })
            }
        };
        lower_star_2d_with(image, connectivity).map_err(|e| self.persistence(e))
    }

    fn signals(&self, data: ArrayD<f64>) -> Result<Vec<Diagram>> {
        let rows = match data.ndim() {
            1 => data.insert_axis(Axis(0)),
            2 => data,
            3 => {
                let (n, c, l) = (data.shape()[0], data.shape()[1], data.shape()[2]);
                data.into_shape_with_order(vec![n * c, l])
                    .map_err(|e| Error::Input {
                        path: self.input.clone(),
                        problem: e.to_string(),
                    })?
            }
            d => {
                return Err(Error::Input {
                    path: self.input.clone(),
                    problem: format!("signals are a 1-D, 2-D or 3-D array, got {d} dimensions"),
                })
            }
        };
        let rows = rows
            .into_dimensionality::<Ix2>()
            .map_err(|e| Error::Input {
                path: self.input.clone(),
                problem: e.to_string(),
            })?;
        if !self.superlevel {
            return tda_persistence::sublevel::h0_batch(rows.view())
                .map_err(|e| self.persistence(e));
        }
        rows.axis_iter(Axis(0))
            .into_par_iter()
            .map_init(SignalH0::default, |h0, row| h0.superlevel(&row.to_vec()))
            .collect::<tda_persistence::Result<Vec<_>>>()
            .map_err(|e| self.persistence(e))
    }
}

/// The 2-D view of `data`, or an error naming what was expected.
fn two_d<'a>(
    path: &Path,
    data: &'a ArrayD<f64>,
    what: &str,
) -> Result<ndarray::ArrayView2<'a, f64>> {
    data.view()
        .into_dimensionality::<Ix2>()
        .map_err(|_| Error::Input {
            path: path.to_path_buf(),
            problem: format!("{what} is a 2-D array, got shape {:?}", data.shape()),
        })
}

/// `tda image`.
#[derive(Debug, Args)]
pub struct ImageArgs {
    /// A .json or .npz diagram file.
    input: PathBuf,
    /// The images, one per diagram, as a float32 .npy of shape (n, nx, ny)
    /// (birth-major, persim's PersistenceImager layout).
    #[arg(short, long)]
    output: PathBuf,
    /// Standard deviation of the Gaussian on each point.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    sigma: f64,
    /// Pixels along the birth and the persistence axis.
    #[arg(long, num_args = 2, value_names = ["NX", "NY"], default_values_t = [20, 20])]
    resolution: Vec<usize>,
    /// Births covered (default: fitted to the diagrams).
    #[arg(long, num_args = 2, value_names = ["FROM", "TO"], allow_negative_numbers = true)]
    birth_range: Option<Vec<f64>>,
    /// Persistences covered (default: fitted to the diagrams).
    #[arg(long, num_args = 2, value_names = ["FROM", "TO"], allow_negative_numbers = true)]
    pers_range: Option<Vec<f64>>,
}

impl ImageArgs {
    fn run(&self) -> Result<()> {
        let diagrams = read_diagrams(&self.input)?;
        let vectorize = |source| Error::Vectorize {
            path: self.input.clone(),
            source,
        };
        let mut builder = PersistenceImage::builder()
            .fit(&diagrams)
            .sigma(self.sigma)
            .resolution(self.resolution[0], self.resolution[1]);
        if let Some(r) = &self.birth_range {
            builder = builder.birth_range(r[0], r[1]);
        }
        if let Some(r) = &self.pers_range {
            builder = builder.pers_range(r[0], r[1]);
        }
        let pi = builder.build().map_err(vectorize)?;
        let (rows, cols) = pi.shape();
        let flat = pi.transform_batch(&diagrams).map_err(vectorize)?;
        let images = flat
            .into_shape_with_order((diagrams.len(), rows, cols))
            .map_err(|e| Error::Input {
                path: self.input.clone(),
                problem: e.to_string(),
            })?;
        Ok(tda_io::npy::write_npy(&self.output, &images)?)
    }
}

/// `tda distance`.
#[derive(Debug, Args)]
pub struct DistanceArgs {
    /// A .json or .npz diagram file.
    a: PathBuf,
    /// Another, with as many diagrams: diagram i of `a` is compared with
    /// diagram i of `b`.
    b: PathBuf,
    /// The order p of the Wasserstein distance (default: the bottleneck
    /// distance).
    #[arg(long, allow_negative_numbers = true)]
    wasserstein: Option<f64>,
    /// The ground metric's norm q (L^q; default: infinity).
    #[arg(long, default_value_t = f64::INFINITY, allow_negative_numbers = true)]
    internal_p: f64,
}

impl DistanceArgs {
    fn run(&self) -> Result<()> {
        let (a, b) = (read_diagrams(&self.a)?, read_diagrams(&self.b)?);
        if a.len() != b.len() {
            return Err(Error::Input {
                path: self.b.clone(),
                problem: format!(
                    "{} diagrams, but {} has {}",
                    b.len(),
                    self.a.display(),
                    a.len()
                ),
            });
        }
        let distance = Wasserstein::builder()
            .order(self.wasserstein.unwrap_or(f64::INFINITY))
            .internal_p(self.internal_p)
            .build()
            .map_err(|source| Error::Vectorize {
                path: self.a.clone(),
                source,
            })?;
        for (x, y) in a.iter().zip(&b) {
            let d = distance.distance(x, y).map_err(|source| Error::Vectorize {
                path: self.a.clone(),
                source,
            })?;
            println!("{d}");
        }
        Ok(())
    }
}

/// `tda plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A .json or .npz diagram file.
    input: PathBuf,
    /// The PNG.
    #[arg(short, long)]
    output: PathBuf,
    /// A barcode instead of a persistence diagram.
    #[arg(long)]
    barcode: bool,
    /// The title (default: the input's file name).
    #[arg(long)]
    title: Option<String>,
    /// Plot only diagram N of the file (from 0; repeat for several).
    #[arg(long = "diagram", value_name = "N")]
    diagrams: Vec<usize>,
}

impl PlotArgs {
    fn run(&self) -> Result<()> {
        let mut diagrams = read_diagrams(&self.input)?;
        if !self.diagrams.is_empty() {
            diagrams = self
                .diagrams
                .iter()
                .map(|&i| {
                    diagrams.get(i).cloned().ok_or_else(|| Error::Input {
                        path: self.input.clone(),
                        problem: format!(
                            "--diagram {i}: the file holds {} diagrams",
                            diagrams.len()
                        ),
                    })
                })
                .collect::<Result<_>>()?;
        }
        let title = self.title.clone().unwrap_or_else(|| {
            self.input
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        });
        if self.barcode {
            let opts = tda_io::plot::PlotOptions::new(&title, "filtration value", "bar");
            tda_io::plot::barcode(&self.output, &diagrams, &opts)?;
        } else {
            let opts = tda_io::plot::PlotOptions::new(&title, "birth", "death");
            tda_io::plot::persistence_diagram(&self.output, &diagrams, &opts)?;
        }
        Ok(())
    }
}
