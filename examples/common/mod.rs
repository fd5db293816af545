//! Command-line settings shared by the PI-Net examples (`har_fusion`,
//! `image_pinet`).

/// Errors of the examples.
pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// What a run does: `--runs N` seeded runs per row, `--epochs N`
/// classifier epochs, `--pinet-epochs N` PI-Net epochs per stage (two
/// stages, 1e-3 then 1e-4), `--full` (the paper's 300 / 300 / 400 PI-Net
/// schedule at 1e-3 / 1e-4 / 1e-5, and `full_epochs` classifier epochs),
/// `--retrain` (ignore cached networks).
#[derive(Debug)]
pub struct Settings {
    /// Seeded runs per row.
    pub runs: usize,
    /// Classifier epochs.
    pub epochs: usize,
    /// PI-Net `(learning rate, epochs)` stages.
    pub pinet_schedule: Vec<(f64, usize)>,
    /// Train the PI-Nets even when a cached checkpoint exists.
    pub retrain: bool,
}

impl Settings {
    /// The settings from the command line, with these defaults.
    pub fn from_args(epochs: usize, full_epochs: usize, pinet_epochs: usize) -> Res<Self> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let number = |flag: &str, default: usize| -> Res<usize> {
            match args.iter().position(|a| a == flag) {
                Some(i) => Ok(args
                    .get(i + 1)
                    .ok_or(format!("{flag} needs a number"))?
                    .parse()?),
                None => Ok(default),
            }
        };
        let full = args.iter().any(|a| a == "--full");
        let pinet = number("--pinet-epochs", pinet_epochs)?;
        Ok(Self {
            runs: number("--runs", 5)?.max(1),
            epochs: number("--epochs", if full { full_epochs } else { epochs })?,
            pinet_schedule: if full {
                vec![(1e-3, 300), (1e-4, 300), (1e-5, 400)]
            } else {
                vec![(1e-3, pinet), (1e-4, pinet)]
            },
            retrain: args.iter().any(|a| a == "--retrain"),
        })
    }

    /// The file name of a cached network trained with this schedule and
    /// `settle` batch-norm passes.
    pub fn cache_name(&self, stem: &str, settle: usize) -> String {
        let tag: Vec<String> = self
            .pinet_schedule
            .iter()
            .map(|(lr, e)| format!("{lr:e}x{e}"))
            .collect();
        format!("{stem}_{}_settle{settle}.safetensors", tag.join("_"))
    }
}
