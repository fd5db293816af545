//! `tda emph`: exact multi-parameter persistence (EMPH, Kim & Jung) of
//! signals: the barcode of each signal's first Fourier modes along a ray
//! or a ray collection, as diagrams, or as Betti-curve features.

use std::path::{Path, PathBuf};

use clap::Args;
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use tda_emph::{Ray, RayCollection};
use tda_persistence::Diagram;
use tda_vectorize::{BettiCurve, Essential, Vectorizer};

use super::diagram::signal_rows;
use crate::error::{Error, Result};
use crate::files::{read_array, write_diagrams};
use crate::progress::Report;

/// `tda emph`.
#[derive(Debug, Args)]
pub struct EmphArgs {
    /// A .npy, .csv or .ts file of signals, each sampled over one period: a
    /// 1-D array is one signal, 2-D one per row, 3-D `(n, channels,
    /// length)` (a .ts archive) one per channel of each series, in that
    /// order.
    input: PathBuf,
    /// The barcodes as .json or .npz: one diagram (of degree --degree) per
    /// signal, in the order of the signals.
    #[arg(short, long, required_unless_present = "features")]
    output: Option<PathBuf>,
    /// EMPH-Betti features as a float32 .npy `(signals, --resolution)`: the
    /// Betti curve of each barcode (`tda_emph::features` with a Betti
    /// curve), sampled over --sample-range.
    #[arg(long, value_name = "FILE")]
    features: Option<PathBuf>,
    /// Fourier modes kept (K): each signal needs at least 2K + 1 samples.
    #[arg(long, default_value_t = 10)]
    modes: usize,
    /// The direction of the ray, K comma-separated positive numbers
    /// (normalised so that the diagonal 1,1,...,1 is unchanged; default
    /// the diagonal).
    #[arg(
        long,
        value_delimiter = ',',
        allow_hyphen_values = true,
        conflicts_with = "rays"
    )]
    ray: Option<Vec<f64>>,
    /// The endpoint of the ray, K comma-separated numbers (default 0).
    #[arg(
        long,
        value_delimiter = ',',
        allow_hyphen_values = true,
        conflicts_with = "rays"
    )]
    endpoint: Option<Vec<f64>>,
    /// A ray collection (Kim & Jung, Definition 4.11; H1 only): a .npy of K
    /// rays, one per row, mode k read along ray k; a row is K directions,
    /// or K directions then K endpoints (a `(K, K)` or `(K, 2K)` array).
    #[arg(long, value_name = "FILE.npy")]
    rays: Option<PathBuf>,
    /// The homology degree of the barcodes.
    #[arg(long, default_value_t = 1)]
    degree: usize,
    /// With --features: samples per Betti curve.
    #[arg(long, default_value_t = 100, requires = "features")]
    resolution: usize,
    /// With --features: the sampled range (default: fitted to the
    /// barcodes).
    #[arg(
        long,
        num_args = 2,
        value_names = ["FROM", "TO"],
        allow_negative_numbers = true,
        requires = "features"
    )]
    sample_range: Option<Vec<f64>>,
}

/// The filtration path of `tda emph`.
enum Path1 {
    Ray(Ray),
    Collection(RayCollection),
}

impl EmphArgs {
    pub(super) fn run(&self, report: Report) -> Result<()> {
        if let Some(out) = &self.features {
            check_npy(out)?;
        }
        let rows = signal_rows(&self.input, read_array(&self.input)?)?;
        let diagrams = self.barcodes(rows.view(), report)?;
        if let Some(out) = &self.output {
            write_diagrams(out, &diagrams)?;
        }
        if let Some(out) = &self.features {
            let features = self.betti_features(&diagrams)?;
            tda_io::npy::write_npy(out, &features)?;
        }
        Ok(())
    }

    fn input_error(&self, problem: String) -> Error {
        Error::Input {
            path: self.input.clone(),
            problem,
        }
    }

    /// An EMPH error, with a non-finite value located by signal and sample.
    fn emph_error(&self, e: tda_emph::Error, ncols: usize) -> Error {
        match e {
            tda_emph::Error::NonFinite { index } if ncols > 0 => self.input_error(format!(
                "signal {}, sample {}: not a finite number",
                index / ncols,
                index % ncols
            )),
            e => Error::Emph {
                path: self.input.clone(),
                source: e,
            },
        }
    }

    /// The path the options ask for, checked against --modes.
    fn path(&self) -> Result<Path1> {
        let k = self.modes;
        if k == 0 {
            return Err(self.input_error("--modes must be at least 1".into()));
        }
        if let Some(file) = &self.rays {
            if self.degree != 1 {
                return Err(Error::Input {
                    path: file.clone(),
                    problem: format!(
                        "a ray collection gives H1 barcodes only, not --degree {}",
                        self.degree
                    ),
                });
            }
            return Ok(Path1::Collection(read_rays(file, k)?));
        }
        let check_len = |name: &str, v: &[f64]| {
            if v.len() == k {
                Ok(())
            } else {
                Err(self.input_error(format!(
                    "{name} has {} entries, --modes asks for {k}",
                    v.len()
                )))
            }
        };
        let ray = match (&self.ray, &self.endpoint) {
            (None, None) => Ray::diagonal(k),
            (direction, endpoint) => {
                let a = direction.clone().unwrap_or_else(|| vec![1.0; k]);
                let b = endpoint.clone().unwrap_or_else(|| vec![0.0; k]);
                check_len("--ray", &a)?;
                check_len("--endpoint", &b)?;
                Ray::new(a, b)
            }
        }
        .map_err(|e| self.input_error(format!("--ray/--endpoint: {e}")))?;
        Ok(Path1::Ray(ray))
    }

    /// The degree-`--degree` barcode of every row, in parallel, counted in
    /// one stage.
    fn barcodes(&self, rows: ArrayView2<f64>, report: Report) -> Result<Vec<Diagram>> {
        let path = self.path()?;
        let stage = report.stage("EMPH barcodes", rows.nrows(), "signals");
        let modes = tda_emph::modes_batch(rows, self.modes)
            .map_err(|e| self.emph_error(e, rows.ncols()))?;
        let diagrams = match &path {
            Path1::Ray(ray) => tda_emph::barcode_batch(&modes, ray, self.degree).inspect(|d| {
                stage.inc(d.len() as u64);
            }),
            Path1::Collection(rays) => modes
                .par_iter()
                .map(|m| {
                    let d = tda_emph::collection_barcode(m, rays);
                    stage.inc(1);
                    d
                })
                .collect(),
        }
        .map_err(|e| self.emph_error(e, 0))?;
        stage.finish();
        Ok(diagrams)
    }

    /// The Betti curve of every diagram, over the given or fitted range.
    fn betti_features(&self, diagrams: &[Diagram]) -> Result<Array2<f32>> {
        let mut builder = BettiCurve::builder()
            .fit(diagrams)
            .resolution(self.resolution)
            .essential(Essential::Drop);
        if let Some(r) = &self.sample_range {
            builder = builder.sample_range(r[0], r[1]);
        }
        let vectorize = |source| Error::Vectorize {
            path: self.input.clone(),
            source,
        };
        let betti = builder.build().map_err(vectorize)?;
        let flat = betti.transform_batch(diagrams).map_err(vectorize)?;
        let n = diagrams.len();
        flat.into_shape_with_order((n, betti.len()))
            .map_err(|e| self.input_error(e.to_string()))
    }
}

/// Refuses an output `.npy` file named otherwise (before any work).
pub(super) fn check_npy(path: &Path) -> Result<()> {
    let npy = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"));
    if npy {
        Ok(())
    } else {
        Err(Error::Input {
            path: path.to_path_buf(),
            problem: "the output must end in .npy".into(),
        })
    }
}

/// The ray collection in `file`: a `(K, K)` array of directions, or a
/// `(K, 2K)` array of directions then endpoints.
fn read_rays(file: &Path, k: usize) -> Result<RayCollection> {
    let bad = |problem: String| Error::Input {
        path: file.to_path_buf(),
        problem,
    };
    let data = read_array(file)?;
    let shape = data.shape().to_vec();
    if shape.len() != 2 || shape[0] != k || (shape[1] != k && shape[1] != 2 * k) {
        return Err(bad(format!(
            "a collection for --modes {k} is a ({k}, {k}) or ({k}, {}) array, got shape {shape:?}",
            2 * k
        )));
    }
    let rays = data
        .outer_iter()
        .enumerate()
        .map(|(i, row)| {
            let row: Vec<f64> = row.iter().copied().collect();
            let (a, b) = if row.len() == k {
                (row, vec![0.0; k])
            } else {
                (row[..k].to_vec(), row[k..].to_vec())
            };
            Ray::new(a, b).map_err(|e| bad(format!("ray {i}: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    RayCollection::new(rays).map_err(|e| bad(e.to_string()))
}
