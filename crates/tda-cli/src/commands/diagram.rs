//! `tda diagram`, and the options that turn data into diagrams, which the
//! feature commands share.

use std::path::{Path, PathBuf};

use clap::Args;
use ndarray::{ArrayD, ArrayView2, Axis, Ix2};
use rayon::prelude::*;
use tda_persistence::cubical::{lower_star_2d_with, Connectivity};
use tda_persistence::sublevel::SignalH0;
use tda_persistence::{Diagram, Rips, SlidingWindow};

use super::two_d;
use crate::error::{Error, Result};
use crate::files::{read_array, write_diagrams};
use crate::progress::Report;

/// `tda diagram`.
#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// A .npy, .csv or .ts file: a 1-D array is one signal, 2-D one signal
    /// per row, 3-D `(n, channels, length)` (a .ts archive) one diagram per
    /// channel, in that order; with --rips a point cloud (one point per
    /// row) or a distance matrix, or with --window signals; with --cubical
    /// an image.
    input: PathBuf,
    /// The diagrams, as .json or .npz.
    #[arg(short, long)]
    output: PathBuf,
    #[command(flatten)]
    options: DataOptions,
}

impl DiagramArgs {
    pub(super) fn run(&self, report: Report) -> Result<()> {
        let diagrams = self.options.diagrams_of(&self.input, report)?;
        write_diagrams(&self.output, &diagrams)
    }
}

/// How the diagrams of a data file are computed.
#[derive(Debug, Args)]
pub struct DataOptions {
    /// H0 of the superlevel filtration instead of the sublevel one.
    #[arg(long, conflicts_with_all = ["rips", "cubical"])]
    superlevel: bool,
    /// Vietoris-Rips persistence of a point cloud (or, with --window, of the
    /// sliding windows of each signal).
    #[arg(long, conflicts_with = "cubical")]
    rips: bool,
    /// With --rips: the input is a distance matrix.
    #[arg(long, requires = "rips", conflicts_with = "window")]
    distance_matrix: bool,
    /// With --rips: the highest homology dimension.
    #[arg(long, default_value_t = 1, requires = "rips")]
    maxdim: usize,
    /// With --rips: the largest edge (default: the enclosing radius).
    #[arg(long, requires = "rips", allow_negative_numbers = true)]
    threshold: Option<f64>,
    /// With --rips: coefficients in Z/p for this prime p.
    #[arg(long, default_value_t = 2, requires = "rips")]
    coeff: u32,
    /// With --rips: compute on a greedy subsample of this many points
    /// (farthest-point order from point 0, ripser.py's n_perm).
    #[arg(long, value_name = "N", requires = "rips", conflicts_with = "window")]
    n_perm: Option<usize>,
    /// With --rips: each signal becomes the point cloud of its delay
    /// windows of this many samples (giotto-tda's TakensEmbedding
    /// `dimension`); the diagrams are H0..=maxdim of each signal in turn.
    #[arg(long, value_name = "DIM", requires = "rips")]
    window: Option<usize>,
    /// With --window: samples between the coordinates of a window.
    #[arg(long, default_value_t = 1, requires = "window")]
    delay: usize,
    /// With --window: samples between the starts of two windows.
    #[arg(long, default_value_t = 1, requires = "window")]
    stride: usize,
    /// Cubical H0 and H1 of a 2-D image.
    #[arg(long)]
    cubical: bool,
    /// With --cubical: 4 (edge-adjacent pixels, gudhi's vertices) or 8.
    #[arg(long, default_value_t = 4, requires = "cubical")]
    connectivity: u32,
}

impl DataOptions {
    /// Whether a filtration other than the default sublevel one was asked
    /// for.
    pub fn any(&self) -> bool {
        self.superlevel || self.rips || self.cubical
    }

    /// The diagrams of the data in `path`, in the order the options
    /// document.
    pub fn diagrams_of(&self, path: &Path, report: Report) -> Result<Vec<Diagram>> {
        let data = read_array(path)?;
        let failed = |source| Error::Persistence {
            path: path.to_path_buf(),
            source,
        };
        if self.rips {
            let mut builder = Rips::builder()
                .max_dim(self.maxdim)
                .coeff(self.coeff)
                .n_perm(self.n_perm);
            if let Some(t) = self.threshold {
                builder = builder.threshold(t);
            }
            let rips = builder.build().map_err(failed)?;
            if let Some(dim) = self.window {
                let window = SlidingWindow {
                    dim,
                    delay: self.delay,
                    stride: self.stride,
                };
                let rows = signal_rows(path, data)?;
                let per_signal = each_row(
                    rows.view(),
                    report,
                    || (),
                    |(), row| rips.compute_sliding_window(row, &window),
                )
                .map_err(failed)?;
                return Ok(per_signal.into_iter().flatten().collect());
            }
            let data = two_d(path, &data, "a point cloud or distance matrix")?;
            let stage = report.stage("Vietoris-Rips", 1, "clouds");
            let dgms = if self.distance_matrix {
                rips.compute_distance_matrix(data)
            } else {
                rips.compute(data)
            };
            stage.inc(1);
            stage.finish();
            dgms.map_err(failed)
        } else if self.cubical {
            let image = two_d(path, &data, "an image")?;
            let connectivity = match self.connectivity {
                4 => Connectivity::Four,
                8 => Connectivity::Eight,
                c => {
                    return Err(Error::Input {
                        path: path.to_path_buf(),
                        problem: format!("--connectivity must be 4 or 8, got {c}"),
                    })
                }
            };
            lower_star_2d_with(image, connectivity).map_err(failed)
        } else {
            let rows = signal_rows(path, data)?;
            let superlevel = self.superlevel;
            each_row(rows.view(), report, SignalH0::default, |h0, row| {
                if superlevel {
                    h0.superlevel(row)
                } else {
                    h0.sublevel(row)
                }
            })
            .map_err(failed)
        }
    }
}

/// Signals as rows: a 1-D array is one signal, 2-D one per row, 3-D
/// `(n, channels, length)` one per channel of each series.
pub fn signal_rows(path: &Path, data: ArrayD<f64>) -> Result<ndarray::Array2<f64>> {
    let shape_error = |problem: String| Error::Input {
        path: path.to_path_buf(),
        problem,
    };
    let rows = match data.ndim() {
        1 => data.insert_axis(Axis(0)),
        2 => data,
        3 => {
            let (n, c, l) = (data.shape()[0], data.shape()[1], data.shape()[2]);
            data.into_shape_with_order(vec![n * c, l])
                .map_err(|e| shape_error(e.to_string()))?
        }
        d => {
            return Err(shape_error(format!(
                "signals are a 1-D, 2-D or 3-D array, got {d} dimensions"
            )))
        }
    };
    rows.into_dimensionality::<Ix2>()
        .map_err(|e| shape_error(e.to_string()))
}

/// `f` of each row, in parallel (with a state from `init` per rayon job),
/// counted in a "diagrams" stage; the error is that of the first failing
/// row, whatever the number of threads.
fn each_row<S, T: Send>(
    rows: ArrayView2<f64>,
    report: Report,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &[f64]) -> tda_persistence::Result<T> + Sync + Send,
) -> tda_persistence::Result<Vec<T>> {
    let stage = report.stage("diagrams", rows.nrows(), "signals");
    let results: Vec<_> = rows
        .axis_iter(Axis(0))
        .into_par_iter()
        .map_init(
            || (init(), Vec::new()),
            |(state, buf), row| {
                buf.clear();
                buf.extend(row.iter().copied());
                let out = f(state, buf);
                stage.inc(1);
                out
            },
        )
        .collect();
    stage.finish();
    results.into_iter().collect()
}
