//! Times one Vietoris-Rips run on a point cloud stored as a little-endian
//! `f64` C-order `.npy` file (the W3c cloud `benches/data/w3c_torus.npy`,
//! written by `tools/anchors_w3c.py`), and prints the time, the number of
//! bars per dimension and the process's peak resident memory; the helper
//! `tools/anchors_w3c.py` runs it in a fresh process to measure our peak
//! memory the way it measures giotto-ph's.
//!
//! ```text
//! cargo run --release -p tda-persistence --example rips_npy -- \
//!     benches/data/w3c_torus.npy 0.3 1 auto
//! ```
//! Arguments: the file, the threshold (`inf`: the enclosing radius), the
//! highest dimension, the collapse (`auto`, `always`, `never`), and
//! `edges` to print the number of edges within the threshold and the
//! number left by [`collapse_edges`] (Euclidean, finite threshold).
//! `RIPS_CHUNK=k` sets the parallel reduction's chunk size (as in
//! `rips_timing`).

use std::time::Instant;

use ndarray::Array2;
use tda_persistence::rips::{collapse_edges, Collapse, Metric, Rips};

/// The 2-D `f64` array of a `.npy` file.
fn read_npy(path: &str) -> Array2<f64> {
    ndarray_npy::read_npy(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Peak resident set size of this process, in KiB (`VmHWM`, Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .map_or("benches/data/w3c_torus.npy", String::as_str);
    let threshold: f64 = args.get(2).map_or(0.3, |s| s.parse().expect("a threshold"));
    let max_dim: usize = args.get(3).map_or(1, |s| s.parse().expect("a dimension"));
    let collapse = match args.get(4).map_or("auto", String::as_str) {
        "auto" => Collapse::Auto,
        "always" => Collapse::Always,
        "never" => Collapse::Never,
        other => panic!("collapse: auto, always or never, not {other}"),
    };
    let points = read_npy(path);
    if let Ok(c) = std::env::var("RIPS_CHUNK") {
        tda_persistence::rips::set_parallel_chunk(c.parse().expect("chunk"));
    }
    if args.get(5).map(String::as_str) == Some("edges") {
        let mut edges = Vec::new();
        let rows: Vec<Vec<f64>> = points.rows().into_iter().map(|r| r.to_vec()).collect();
        for i in 0..rows.len() {
            for j in 0..i {
                let d = Metric::Euclidean.distance(&rows[i], &rows[j]);
                if d <= threshold {
                    edges.push((i as u32, j as u32, d));
                }
            }
        }
        let start = Instant::now();
        let kept = collapse_edges(rows.len(), &edges).expect("valid edges");
        println!(
            "{{\"edges\": {}, \"collapsed\": {}, \"collapse_seconds\": {:.4}}}",
            edges.len(),
            kept.len(),
            start.elapsed().as_secs_f64()
        );
    }
    let before = peak_rss_kib().unwrap_or(0);
    let start = Instant::now();
    let mut rips = Rips::new().max_dim(max_dim).collapse_edges(collapse);
    if threshold.is_finite() {
        rips = rips.threshold(threshold);
    }
    let dgms = rips.compute(points.view()).expect("a run");
    let secs = start.elapsed().as_secs_f64();
    let bars: Vec<usize> = dgms.iter().map(|d| d.len()).collect();
    println!(
        "{{\"seconds\": {secs:.4}, \"bars\": {bars:?}, \"peak_rss_kib\": {}, \"peak_rss_kib_before_run\": {before}}}",
        peak_rss_kib().unwrap_or(0)
    );
}
