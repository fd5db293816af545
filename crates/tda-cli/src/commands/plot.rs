//! `tda plot`: a PNG of the diagrams of a diagram file (as diagrams or
//! barcodes), or of an array of features (images, or curves).

use std::path::PathBuf;

use clap::Args;
use ndarray::{ArrayD, ArrayView2, Axis};
use tda_io::plot::{PiLayout, PlotOptions, Series};

use crate::error::{Error, Result};
use crate::files::{is_diagram_file, read_diagrams, read_npy_numbers};

/// At most this many images or curves are drawn unless `--item` chooses.
const DEFAULT_ITEMS: usize = 16;

/// `tda plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A .json or .npz diagram file, or a .npy of features as `tda image`
    /// (`(nx, ny)` or `(n, nx, ny)`) or, with --curves, `tda betti`,
    /// `silhouette` (`(n, resolution)`) or `landscape` (`(n, layers,
    /// resolution)`) write them.
    input: PathBuf,
    /// The PNG.
    #[arg(short, long)]
    output: PathBuf,
    /// For diagrams: a barcode instead of a persistence diagram.
    #[arg(long)]
    barcode: bool,
    /// For a .npy: its rows are curves (one chart) rather than images.
    #[arg(long)]
    curves: bool,
    /// For a .npy: the ranges the features cover, as `--range-out` of the
    /// command that made them wrote them (4 values for images, 2 for
    /// curves); default: pixel or sample indices.
    #[arg(long, value_name = "FILE")]
    ranges: Option<PathBuf>,
    /// The name of each item plotted, in order (repeat): a diagram's legend
    /// entry (default `H<dim>`, with the diagram's index in the file when
    /// several share a dimension), an image's title or a curve's legend
    /// entry (default: its index).
    #[arg(long, value_name = "NAME")]
    legend: Vec<String>,
    /// The title (default: the input's file name).
    #[arg(long)]
    title: Option<String>,
    /// Plot only item N of the file, a diagram, image or curve (from 0;
    /// repeat for several). Default: every diagram, or the first 16 images
    /// or curves.
    #[arg(long = "item", visible_alias = "diagram", value_name = "N")]
    items: Vec<usize>,
}

impl PlotArgs {
    pub(super) fn run(&self) -> Result<()> {
        let title = self.title.clone().unwrap_or_else(|| {
            self.input
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        });
        if is_diagram_file(&self.input) {
            return self.diagrams(&title);
        }
        if !self
            .input
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("npy"))
        {
            return Err(self.input_error(
                "expected a .json or .npz diagram file, or a .npy of features".into(),
            ));
        }
        let data = read_npy_numbers(&self.input)?;
        let ranges = match &self.ranges {
            Some(p) => Some(read_npy_numbers(p)?.iter().copied().collect::<Vec<_>>()),
            None => None,
        };
        if self.curves {
            self.curve_chart(&data, ranges.as_deref(), &title)
        } else {
            self.images(&data, ranges.as_deref(), &title)
        }
    }

    fn input_error(&self, problem: String) -> Error {
        Error::Input {
            path: self.input.clone(),
            problem,
        }
    }

    /// The indices chosen with `--item`, each checked against `len`, or
    /// the first `default` (all when `None`).
    fn chosen(&self, len: usize, default: Option<usize>) -> Result<Vec<usize>> {
        if self.items.is_empty() {
            return Ok((0..len.min(default.unwrap_or(len))).collect());
        }
        self.items
            .iter()
            .map(|&i| {
                if i < len {
                    Ok(i)
                } else {
                    Err(self.input_error(format!("--item {i}: the file holds {len} items")))
                }
            })
            .collect()
    }

    fn diagrams(&self, title: &str) -> Result<()> {
        let all = read_diagrams(&self.input)?;
        let chosen = self.chosen(all.len(), None)?;
        let diagrams: Vec<_> = chosen.iter().map(|&i| all[i].clone()).collect();
        let mut dims: Vec<usize> = diagrams.iter().map(|d| d.dim).collect();
        dims.sort_unstable();
        dims.dedup();
        let mut names: Vec<String> = if dims.len() < diagrams.len() {
            chosen
                .iter()
                .map(|&i| format!("{i}: H{}", all[i].dim))
                .collect()
        } else {
            Vec::new()
        };
        names.resize(names.len().max(self.legend.len()), String::new());
        for (name, given) in names.iter_mut().zip(&self.legend) {
            name.clone_from(given);
        }
        if self.barcode {
            let opts = PlotOptions::new(title, "filtration value", "bar").legend(&names);
            tda_io::plot::barcode(&self.output, &diagrams, &opts)?;
        } else {
            let opts = PlotOptions::new(title, "birth", "death").legend(&names);
            tda_io::plot::persistence_diagram(&self.output, &diagrams, &opts)?;
        }
        Ok(())
    }

    /// The name of the `k`-th item plotted, item `i` of the file: the
    /// `--legend` given, or `i`.
    fn name(&self, k: usize, i: usize) -> String {
        self.legend.get(k).cloned().unwrap_or_else(|| i.to_string())
    }

    /// The `(from, to)` pairs of a ranges file of `n` values, checked.
    fn range_pairs(&self, ranges: &[f64], n: usize) -> Result<Vec<(f64, f64)>> {
        if ranges.len() != n {
            return Err(Error::Input {
                path: self.ranges.clone().unwrap_or_default(),
                problem: format!("expected {n} values, got {}", ranges.len()),
            });
        }
        Ok(ranges.chunks(2).map(|c| (c[0], c[1])).collect())
    }

    fn images(&self, data: &ArrayD<f64>, ranges: Option<&[f64]>, title: &str) -> Result<()> {
        let stack = match data.ndim() {
            2 => data.view().insert_axis(Axis(0)),
            3 => data.view(),
            d => {
                return Err(self.input_error(format!(
                    "images are a 2-D or 3-D array, got {d} dimensions (--curves for curves)"
                )))
            }
        };
        let stack = stack
            .into_dimensionality::<ndarray::Ix3>()
            .map_err(|e| self.input_error(e.to_string()))?;
        let extent = match ranges {
            Some(r) => Some(self.range_pairs(r, 4)?),
            None => None,
        };
        let chosen = self.chosen(stack.len_of(Axis(0)), Some(DEFAULT_ITEMS))?;
        let panels: Vec<_> = chosen
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let image: ArrayView2<f64> = stack.index_axis(Axis(0), i);
                let name = self.name(k, i);
                match &extent {
                    Some(e) => tda_io::plot::Panel::persistence_image(
                        &name,
                        image,
                        PiLayout::BirthRows,
                        e[0],
                        e[1],
                    ),
                    None => tda_io::plot::Panel::picture(&name, image),
                }
            })
            .collect();
        let columns = (panels.len() as f64).sqrt().ceil() as usize;
        let rows = panels.len().div_ceil(columns.max(1));
        let opts = PlotOptions::new(title, "", "").size(
            (340 * columns as u32).clamp(480, 4000),
            (300 * rows as u32 + 60).clamp(360, 4000),
        );
        Ok(tda_io::plot::image_grid(
            &self.output,
            &panels,
            columns.max(1),
            &opts,
        )?)
    }

    fn curve_chart(&self, data: &ArrayD<f64>, ranges: Option<&[f64]>, title: &str) -> Result<()> {
        let stack = match data.ndim() {
            2 => data.view().insert_axis(Axis(1)),
            3 => data.view(),
            d => {
                return Err(
                    self.input_error(format!("curves are a 2-D or 3-D array, got {d} dimensions"))
                )
            }
        };
        let stack = stack
            .into_dimensionality::<ndarray::Ix3>()
            .map_err(|e| self.input_error(e.to_string()))?;
        let samples = stack.len_of(Axis(2));
        let (from, to) = match ranges {
            Some(r) => self.range_pairs(r, 2)?[0],
            None => (0.0, samples.saturating_sub(1) as f64),
        };
        let x = |k: usize| match samples {
            1 => from,
            _ => from + (to - from) * k as f64 / (samples - 1) as f64,
        };
        let layers = stack.len_of(Axis(1));
        let mut series = Vec::new();
        let chosen = self.chosen(stack.len_of(Axis(0)), Some(DEFAULT_ITEMS))?;
        for (k, &i) in chosen.iter().enumerate() {
            for l in 0..layers {
                let name = if layers == 1 {
                    self.name(k, i)
                } else {
                    format!("{}: layer {}", self.name(k, i), l + 1)
                };
                let curve = stack.index_axis(Axis(0), i);
                let points = curve
                    .row(l)
                    .iter()
                    .enumerate()
                    .map(|(k, &v)| (x(k), v))
                    .collect();
                series.push(Series { name, points });
            }
        }
        let x_label = if ranges.is_some() {
            "filtration value"
        } else {
            "sample"
        };
        let opts = PlotOptions::new(title, x_label, "value");
        Ok(tda_io::plot::line_chart(&self.output, &series, &opts)?)
    }
}
