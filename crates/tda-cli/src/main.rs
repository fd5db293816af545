//! `tda`: persistence diagrams, persistence images, distances and plots of
//! the data in a file, from the shell.
//!
//! Every error is one line, `tda: <file>: <problem>`, and exit code 1
//! (2 for a usage error, as clap reports it); nothing panics on bad input.

mod commands;
mod error;
mod files;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// Exact persistence diagrams and their vectorisations, from files.
#[derive(Debug, Parser)]
#[command(
    name = "tda",
    version,
    about,
    after_help = "Examples:
  tda diagram walks.npy -o walks.json                    # sublevel H0 of each row
  tda diagram BasicMotions_TRAIN.ts -o bm.npz            # one diagram per series and channel
  tda diagram cloud.csv --rips --maxdim 1 -o cloud.npz   # Vietoris-Rips H0 and H1
  tda diagram image.npy --cubical -o image.json          # cubical H0 and H1 of an image
  tda diagram walks.npy --rips --window 10 --maxdim 1 -o sw.npz   # Rips of sliding windows
  tda image walks.json --sigma 0.25 --resolution 50 50 -o pis.npy --range-out r.npy
  tda landscape BasicMotions_TRAIN.ts --layers 3 -o landscapes.npy   # straight from data
  tda entropy cloud.npz --dim 1 -o entropy.npy
  tda distance a.json b.json --wasserstein 1
  tda distance walks.json -o matrix.npy                  # the pairwise matrix
  tda plot cloud.npz -o cloud.png
  tda plot pis.npy --ranges r.npy -o pis.png
  tda emph walks.npy --modes 10 --ray 1,1.5,2,1,1,1,1,1,1,1 -o emph.json   # EMPH H1 barcodes
  tda pinet train BasicMotions_TRAIN.ts --epochs 30 -o pinet.safetensors
  tda pinet predict pinet.safetensors BasicMotions_TEST.ts -o predicted_pis.npy"
)]
struct Cli {
    /// Threads for batch computations (default: all cores, or
    /// RAYON_NUM_THREADS); results do not depend on it.
    #[arg(long, global = true)]
    threads: Option<usize>,
    /// No progress on stderr (by default a bar on a terminal, a line per
    /// stage otherwise, for stages longer than a second, or than
    /// TDA_PROGRESS_AFTER seconds).
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: commands::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tda: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> error::Result<()> {
    if let Some(n) = cli.threads {
        if n == 0 {
            return Err(error::Error::Threads("must be at least 1".into()));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| error::Error::Threads(e.to_string()))?;
    }
    cli.command.run(progress::Report::detect(cli.quiet))
}
