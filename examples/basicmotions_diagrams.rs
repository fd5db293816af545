//! Sublevel H0 persistence diagrams of the bundled BasicMotions data.
//!
//! Loads the UEA BasicMotions train and test sets (`data/basicmotions/`),
//! computes the 0-dimensional sublevel diagram of every channel of every
//! series (240 + 240 signals of length 100), prints per-class summaries
//! (number of finite bars and total persistence per channel) and one diagram,
//! drawn as `diagram.png` and `barcode.png` in `target/basicmotions_diagrams/`
//! (under `$CARGO_TARGET_DIR` when set).
//!
//! Run: `cargo run --release --example basicmotions_diagrams`

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use tda_pinet::io::plot::{self, PlotOptions};
use tda_pinet::io::ts;
use tda_pinet::prelude::*;

const CHANNELS: [&str; 6] = ["acc-x", "acc-y", "acc-z", "gyr-x", "gyr-y", "gyr-z"];

/// Sublevel H0 persistence diagrams of the bundled BasicMotions data: per-class
/// summaries and one diagram.
#[derive(Parser)]
struct Cli {}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Cli {} = Cli::parse();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/basicmotions");
    for split in ["TRAIN", "TEST"] {
        let ds = ts::read(dir.join(format!("BasicMotions_{split}.ts")))?;
        let (n, c, len) = ds.data.dim();
        let labels = ds.label_indices()?;

        // One batch over every channel of every series: rows of shape (n * c, len).
        let rows = ds.data.view().into_shape_with_order((n * c, len))?;
        let start = Instant::now();
        let flat = sublevel::h0_batch(rows)?;
        let elapsed = start.elapsed();
        let diagrams: Vec<&[Diagram]> = flat.chunks(c).collect();
        println!(
            "\n{split}: {n} series x {c} channels x {len} steps -> {} diagrams in {:.2} ms ({:.2} us per signal)",
            n * c,
            elapsed.as_secs_f64() * 1e3,
            elapsed.as_secs_f64() * 1e6 / (n * c) as f64
        );

        println!("class        series mean finite bars / mean total persistence per channel");
        print!("{:19}", "");
        for name in CHANNELS.iter().take(c) {
            print!(" {name:>12}");
        }
        println!();
        for (k, class) in ds.class_names.iter().enumerate() {
            let members: Vec<&[Diagram]> = diagrams
                .iter()
                .zip(&labels)
                .filter(|(_, &l)| l == k)
                .map(|(d, _)| *d)
                .collect();
            print!("{class:<11} {:>7}", members.len());
            for ch in 0..c {
                let m = members.len().max(1) as f64;
                let bars: usize = members.iter().map(|d| d[ch].finite().count()).sum();
                let total: f64 = members
                    .iter()
                    .map(|d| d[ch].finite().map(|p| p.persistence()).sum::<f64>())
                    .sum();
                print!(" {:>5.1}/{:<6.2}", bars as f64 / m, total / m);
            }
            println!();
        }

        if split == "TRAIN" {
            let d = &diagrams[0][0];
            println!(
                "\nseries 0 ({}), channel {}: {} bars",
                ds.labels[0],
                CHANNELS[0],
                d.len()
            );
            for p in d.iter().take(8) {
                println!("  [{:>9.5}, {:>9.5})", p.birth, p.death);
            }
            if d.len() > 8 {
                println!("  ... {} more", d.len() - 8);
            }
            let out = std::env::var_os("CARGO_TARGET_DIR")
                .filter(|t| !t.is_empty())
                .map_or_else(
                    || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
                    PathBuf::from,
                )
                .join("basicmotions_diagrams");
            std::fs::create_dir_all(&out)?;
            let title = format!(
                "BasicMotions train series 0 ({}), {}: sublevel H0",
                ds.labels[0], CHANNELS[0]
            );
            let opts = PlotOptions::new(&title, "birth (signal value)", "death (signal value)")
                .subtitle("no training: exact diagram of the raw signal");
            plot::persistence_diagram(out.join("diagram.png"), std::slice::from_ref(d), &opts)?;
            let opts = PlotOptions {
                x_label: "signal value".into(),
                ..opts
            };
            plot::barcode(out.join("barcode.png"), std::slice::from_ref(d), &opts)?;
            println!("wrote diagram.png and barcode.png to {}", out.display());
        }
    }
    Ok(())
}
