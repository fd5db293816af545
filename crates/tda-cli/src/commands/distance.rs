//! `tda distance`: bottleneck or Wasserstein distances, diagram by diagram
//! between two files or the pairwise matrix of one.

use std::path::PathBuf;

use clap::Args;
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use tda_persistence::Diagram;
use tda_vectorize::Wasserstein;

use crate::error::{Error, Result};
use crate::files::read_diagrams;
use crate::progress::Report;

/// `tda distance`.
#[derive(Debug, Args)]
pub struct DistanceArgs {
    /// A .json or .npz diagram file.
    a: PathBuf,
    /// Another, with as many diagrams: diagram i of `a` is compared with
    /// diagram i of `b`. Without it: the pairwise matrix of the diagrams of
    /// `a`.
    b: Option<PathBuf>,
    /// Write the distances to this float64 .npy, `(n,)` or the `(n, n)`
    /// matrix, instead of printing them (one per line, or one matrix row
    /// per line).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// The order p of the Wasserstein distance (default: the bottleneck
    /// distance).
    #[arg(long, allow_negative_numbers = true)]
    wasserstein: Option<f64>,
    /// Only the diagrams of this homology dimension (distances compare
    /// diagrams of one dimension).
    #[arg(long)]
    dim: Option<usize>,
    /// The ground metric's norm q (L^q; default: infinity).
    #[arg(long, default_value_t = f64::INFINITY, allow_negative_numbers = true)]
    internal_p: f64,
}

impl DistanceArgs {
    pub(super) fn run(&self, report: Report) -> Result<()> {
        let failed = |source| Error::Vectorize {
            path: self.a.clone(),
            source,
        };
        let distance = Wasserstein::builder()
            .order(self.wasserstein.unwrap_or(f64::INFINITY))
            .internal_p(self.internal_p)
            .build()
            .map_err(failed)?;
        let a = self.of_dim(read_diagrams(&self.a)?);
        let Some(b_path) = &self.b else {
            let matrix = self.matrix(&distance, &a, report)?;
            return self.emit(matrix.into_dyn());
        };
        let b = self.of_dim(read_diagrams(b_path)?);
        if a.len() != b.len() {
            return Err(Error::Input {
                path: b_path.clone(),
                problem: format!(
                    "{} diagrams, but {} has {}",
                    b.len(),
                    self.a.display(),
                    a.len()
                ),
            });
        }
        let stage = report.stage("distances", a.len(), "pairs");
        let d: Vec<_> = a
            .par_iter()
            .zip(&b)
            .map(|(x, y)| {
                let d = distance.distance(x, y);
                stage.inc(1);
                d
            })
            .collect();
        stage.finish();
        let d = d.into_iter().collect::<tda_vectorize::Result<Vec<_>>>();
        self.emit(Array1::from(d.map_err(failed)?).into_dyn())
    }

    /// The diagrams of `--dim`, or all.
    fn of_dim(&self, diagrams: Vec<Diagram>) -> Vec<Diagram> {
        match self.dim {
            Some(dim) => diagrams.into_iter().filter(|d| d.dim == dim).collect(),
            None => diagrams,
        }
    }

    /// The symmetric matrix of the distances between the diagrams of `a`
    /// (zero diagonal), its rows computed in parallel; the error is that of
    /// the first failing pair in row-major order.
    fn matrix(&self, distance: &Wasserstein, a: &[Diagram], report: Report) -> Result<Array2<f64>> {
        let n = a.len();
        tda_persistence::memory::check(
            "distance matrix",
            tda_persistence::memory::bytes_of::<f64>(&[n, n]),
        )
        .map_err(|e| Error::Persistence {
            path: self.a.clone(),
            source: e.into(),
        })?;
        let stage = report.stage("distance matrix", n * n.saturating_sub(1) / 2, "pairs");
        let rows: Vec<tda_vectorize::Result<Vec<f64>>> = (0..n)
            .into_par_iter()
            .map(|i| {
                let row = (i + 1..n)
                    .map(|j| distance.distance(&a[i], &a[j]))
                    .collect();
                stage.inc((n - i - 1) as u64);
                row
            })
            .collect();
        stage.finish();
        let mut matrix = Array2::zeros((n, n));
        for (i, row) in rows.into_iter().enumerate() {
            let row = row.map_err(|source| Error::Vectorize {
                path: self.a.clone(),
                source,
            })?;
            for (j, d) in (i + 1..n).zip(row) {
                matrix[(i, j)] = d;
                matrix[(j, i)] = d;
            }
        }
        Ok(matrix)
    }

    /// Writes `values` to the output file, or prints them (a 2-D array one
    /// row per line).
    fn emit(&self, values: ndarray::ArrayD<f64>) -> Result<()> {
        if let Some(path) = &self.output {
            return Ok(tda_io::npy::write_npy(path, &values)?);
        }
        if values.ndim() == 1 {
            values.iter().for_each(|d| println!("{d}"));
        } else {
            for row in values.outer_iter() {
                let line: Vec<String> = row.iter().map(f64::to_string).collect();
                println!("{}", line.join(" "));
            }
        }
        Ok(())
    }
}
