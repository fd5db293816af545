//! `tda image | landscape | betti | silhouette | entropy`: one vector per
//! diagram, of a diagram file or straight from data, to a float32 `.npy`.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::Args;
use ndarray::{Array1, IxDyn};
use tda_persistence::Diagram;
use tda_vectorize::{
    BettiCurve, EntropyNormalization, Essential, Landscape, PersistenceEntropy, PersistenceImage,
    Silhouette, Vectorizer, Weight,
};

use super::diagram::DataOptions;
use crate::error::{Error, Result};
use crate::files::{is_diagram_file, read_diagrams};
use crate::progress::Report;

/// The input and output every feature command shares.
#[derive(Debug, Args)]
pub struct FeatureInput {
    /// A .json or .npz diagram file, or data (.npy, .csv, .ts) whose
    /// diagrams are computed first, with the options of `tda diagram`.
    input: PathBuf,
    /// The features as a float32 .npy, one entry per diagram (in file
    /// order).
    #[arg(short, long)]
    output: PathBuf,
    /// Only the diagrams of this homology dimension.
    #[arg(long)]
    dim: Option<usize>,
    #[command(flatten)]
    data: DataOptions,
}

impl FeatureInput {
    /// The diagrams: read, or computed from the data; then those of
    /// `--dim` only.
    fn diagrams(&self, report: Report) -> Result<Vec<Diagram>> {
        let diagrams = if is_diagram_file(&self.input) {
            if self.data.any() {
                return Err(self.input_error(
                    "--superlevel, --rips and --cubical apply to data, not to a diagram file"
                        .into(),
                ));
            }
            read_diagrams(&self.input)?
        } else {
            self.data.diagrams_of(&self.input, report)?
        };
        Ok(match self.dim {
            Some(dim) => diagrams.into_iter().filter(|d| d.dim == dim).collect(),
            None => diagrams,
        })
    }

    fn input_error(&self, problem: String) -> Error {
        Error::Input {
            path: self.input.clone(),
            problem,
        }
    }

    fn vectorize_error(&self, source: tda_vectorize::Error) -> Error {
        Error::Vectorize {
            path: self.input.clone(),
            source,
        }
    }

    /// `vectorizer` applied to every diagram, written as an array of shape
    /// `(diagrams, per_diagram...)`.
    fn write(
        &self,
        vectorizer: &dyn Vectorizer,
        diagrams: &[Diagram],
        per_diagram: &[usize],
        report: Report,
    ) -> Result<()> {
        let stage = report.stage("features", diagrams.len(), "diagrams");
        let flat = vectorizer
            .transform_batch(diagrams)
            .map_err(|e| self.vectorize_error(e))?;
        stage.inc(diagrams.len() as u64);
        stage.finish();
        let mut shape = vec![diagrams.len()];
        shape.extend_from_slice(per_diagram);
        let features = flat
            .into_shape_with_order(IxDyn(&shape))
            .map_err(|e| self.input_error(e.to_string()))?;
        Ok(tda_io::npy::write_npy(&self.output, &features)?)
    }
}

/// Writes `values` as a float64 `.npy` at `path`, if one was asked for.
fn write_range(path: Option<&Path>, values: &[f64]) -> Result<()> {
    match path {
        Some(p) => Ok(tda_io::npy::write_npy(p, &Array1::from(values.to_vec()))?),
        None => Ok(()),
    }
}

/// What becomes of an essential bar `[b, inf)`: `drop` it, `keep` it as a
/// bar that never ends, or a number, the death it is given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EssentialArg(Essential);

impl FromStr for EssentialArg {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "drop" => Ok(EssentialArg(Essential::Drop)),
            "keep" => Ok(EssentialArg(Essential::Keep)),
            _ => s
                .parse::<f64>()
                .map(|v| EssentialArg(Essential::ClampDeath(v)))
                .map_err(|_| format!("expected drop, keep or a number, got {s:?}")),
        }
    }
}

/// The sampling options of the curves (landscapes, Betti curves,
/// silhouettes).
#[derive(Debug, Args)]
pub struct CurveOptions {
    /// Samples per curve.
    #[arg(long, default_value_t = 100)]
    resolution: usize,
    /// The sampled range (default: fitted to the diagrams, as gudhi's
    /// `fit`).
    #[arg(long, num_args = 2, value_names = ["FROM", "TO"], allow_negative_numbers = true)]
    sample_range: Option<Vec<f64>>,
    /// Essential bars: drop, keep, or a number (their death).
    #[arg(long, default_value = "drop", allow_negative_numbers = true)]
    essential: EssentialArg,
    /// Also write the sampled range `[from, to]` used (given or fitted) to
    /// this float64 .npy.
    #[arg(long, value_name = "FILE")]
    range_out: Option<PathBuf>,
}

/// Applies [`CurveOptions`] to a curve builder (they all have the same
/// sampling setters), fitting the range to `$diagrams` unless one is given.
macro_rules! sampled {
    ($builder:expr, $opts:expr, $diagrams:expr) => {{
        let builder = $builder
            .fit($diagrams)
            .resolution($opts.resolution)
            .essential($opts.essential.0);
        match &$opts.sample_range {
            Some(r) => builder.sample_range(r[0], r[1]),
            None => builder,
        }
    }};
}

/// `tda image`.
#[derive(Debug, Args)]
pub struct ImageArgs {
    #[command(flatten)]
    io: FeatureInput,
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
    /// The weight of a point: its persistence (persim's default), 1, or
    /// its persistence to this power.
    #[arg(
        long,
        default_value = "persistence",
        value_name = "persistence|constant|POWER"
    )]
    weight: WeightArg,
    /// Also write the ranges used, `[birth from, birth to, persistence
    /// from, persistence to]`, to this float64 .npy.
    #[arg(long, value_name = "FILE")]
    range_out: Option<PathBuf>,
}

/// The weight of `tda image`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightArg(Weight);

impl FromStr for WeightArg {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "persistence" => Ok(WeightArg(Weight::Persistence)),
            "constant" => Ok(WeightArg(Weight::Constant)),
            _ => s
                .parse::<f64>()
                .map(|p| WeightArg(Weight::Power(p)))
                .map_err(|_| format!("expected persistence, constant or a power, got {s:?}")),
        }
    }
}

impl ImageArgs {
    pub(super) fn run(&self, report: Report) -> Result<()> {
        let diagrams = self.io.diagrams(report)?;
        let mut builder = PersistenceImage::builder()
            .fit(&diagrams)
            .sigma(self.sigma)
            .weight(self.weight.0)
            .resolution(self.resolution[0], self.resolution[1]);
        if let Some(r) = &self.birth_range {
            builder = builder.birth_range(r[0], r[1]);
        }
        if let Some(r) = &self.pers_range {
            builder = builder.pers_range(r[0], r[1]);
        }
        let pi = builder.build().map_err(|e| self.io.vectorize_error(e))?;
        let (rows, cols) = pi.shape();
        self.io.write(&pi, &diagrams, &[rows, cols], report)?;
        let ((b0, b1), (p0, p1)) = (pi.birth_range(), pi.pers_range());
        write_range(self.range_out.as_deref(), &[b0, b1, p0, p1])
    }
}

/// `tda landscape`.
#[derive(Debug, Args)]
pub struct LandscapeArgs {
    #[command(flatten)]
    io: FeatureInput,
    #[command(flatten)]
    curve: CurveOptions,
    /// Landscape functions per diagram: the output is `(n, layers,
    /// resolution)`.
    #[arg(long, default_value_t = 5)]
    layers: usize,
}

impl LandscapeArgs {
    pub(super) fn run(&self, report: Report) -> Result<()> {
        let diagrams = self.io.diagrams(report)?;
        let landscape = sampled!(Landscape::builder(), self.curve, &diagrams)
            .num_landscapes(self.layers)
            .build()
            .map_err(|e| self.io.vectorize_error(e))?;
        let shape = [landscape.num_landscapes(), landscape.resolution()];
        self.io.write(&landscape, &diagrams, &shape, report)?;
        let (from, to) = landscape.sample_range();
        write_range(self.curve.range_out.as_deref(), &[from, to])
    }
}

/// `tda betti`.
#[derive(Debug, Args)]
pub struct BettiArgs {
    #[command(flatten)]
    io: FeatureInput,
    #[command(flatten)]
    curve: CurveOptions,
}

impl BettiArgs {
    pub(super) fn run(&self, report: Report) -> Result<()> {
        let diagrams = self.io.diagrams(report)?;
        let betti = sampled!(BettiCurve::builder(), self.curve, &diagrams)
            .build()
            .map_err(|e| self.io.vectorize_error(e))?;
        self.io
            .write(&betti, &diagrams, &[betti.resolution()], report)?;
        let (from, to) = betti.sample_range();
        write_range(self.curve.range_out.as_deref(), &[from, to])
    }
}

/// `tda silhouette`.
#[derive(Debug, Args)]
pub struct SilhouetteArgs {
    #[command(flatten)]
    io: FeatureInput,
    #[command(flatten)]
    curve: CurveOptions,
    /// Each bar's weight is its persistence to this power.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    power: f64,
}

impl SilhouetteArgs {
    pub(super) fn run(&self, report: Report) -> Result<()> {
        let diagrams = self.io.diagrams(report)?;
        let silhouette = sampled!(Silhouette::builder(), self.curve, &diagrams)
            .power(self.power)
            .build()
            .map_err(|e| self.io.vectorize_error(e))?;
        self.io
            .write(&silhouette, &diagrams, &[silhouette.resolution()], report)?;
        let (from, to) = silhouette.sample_range();
        write_range(self.curve.range_out.as_deref(), &[from, to])
    }
}

/// `tda entropy`.
#[derive(Debug, Args)]
pub struct EntropyArgs {
    #[command(flatten)]
    io: FeatureInput,
    /// `none`; `bars`: divided by log(number of bars), the evenness in
    /// [0, 1]; `total-length`: divided by log(sum of the lengths),
    /// giotto-tda's `normalize=True`.
    #[arg(long, value_enum, default_value_t = Normalize::None)]
    normalize: Normalize,
    /// Essential bars: drop, or a number (their death).
    #[arg(long, default_value = "drop", allow_negative_numbers = true)]
    essential: EssentialArg,
}

/// The normalisation of `tda entropy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Normalize {
    /// The entropy itself.
    None,
    /// Divided by log(number of bars of positive length).
    Bars,
    /// Divided by log(sum of the bar lengths).
    TotalLength,
}

impl EntropyArgs {
    pub(super) fn run(&self, report: Report) -> Result<()> {
        let diagrams = self.io.diagrams(report)?;
        let normalization = match self.normalize {
            Normalize::None => EntropyNormalization::Raw,
            Normalize::Bars => EntropyNormalization::LogBars,
            Normalize::TotalLength => EntropyNormalization::LogTotalLength,
        };
        let entropy = PersistenceEntropy::builder()
            .normalization(normalization)
            .essential(self.essential.0)
            .build()
            .map_err(|e| self.io.vectorize_error(e))?;
        self.io.write(&entropy, &diagrams, &[], report)
    }
}
