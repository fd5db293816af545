//! Times W3 (H0+H1 of the W3 sliding-window embedding, 991 points in R^10)
//! and W3b (H0..H3 of Ripser's o3_1024, threshold 1.8) on a rayon pool of
//! the given size: `cargo run --release -p tda-persistence --example
//! rips_timing -- <w3|w3b> <threads> <repetitions>` (0 threads: the global
//! pool, called from outside it); prints each time and
//! the minimum. `RIPS_CHUNK=k` sets the reduction's chunk size,
//! `RIPS_WINDOW=s` the first bound of its windowed heap,
//! `RIPS_STORAGE=dense|sparse` W3b's distance store. Each run also prints
//! the CPU time each thread spent in it (Linux), which shows how the work
//! was shared even on a machine too busy for the wall time to show it.

use std::time::Instant;

use ndarray::Array2;
use tda_persistence::rips::{Rips, Storage};
use tda_persistence::SlidingWindow;

fn read_numbers(path: &str) -> Vec<f64> {
    let full = format!("{}/../../{}", env!("CARGO_MANIFEST_DIR"), path);
    std::fs::read_to_string(&full)
        .unwrap_or_else(|e| panic!("{full}: {e}"))
        .split_whitespace()
        .map(|x| x.parse().expect("a number"))
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("w3b", String::as_str);
    let threads: usize = args.get(2).map_or(1, |s| s.parse().expect("threads"));
    let reps: usize = args.get(3).map_or(5, |s| s.parse().expect("repetitions"));
    let (points, rips) = if which == "w3" {
        let signal = read_numbers("benches/data/w3_signal.txt");
        let points = SlidingWindow::default().embed(&signal).unwrap();
        (points, Rips::builder().max_dim(1).build().unwrap())
    } else {
        let values = read_numbers("data/ripser-benchmark/o3_1024.txt");
        let points = Array2::from_shape_vec((values.len() / 9, 9), values).unwrap();
        let storage = match std::env::var("RIPS_STORAGE").as_deref() {
            Ok("dense") => Storage::Dense,
            Ok("sparse") => Storage::Sparse,
            _ => Storage::Auto,
        };
        let rips = Rips::builder().max_dim(3).threshold(1.8).storage(storage);
        (points, rips.build().unwrap())
    };
    if let Ok(w) = std::env::var("RIPS_WINDOW") {
        tda_persistence::rips::set_first_window(w.parse().expect("window share"));
    }
    if let Ok(c) = std::env::var("RIPS_CHUNK") {
        tda_persistence::rips::set_parallel_chunk(c.parse().expect("chunk"));
    }
    // 0 threads: run from this thread on the global pool, outside it.
    let pool = (threads > 0).then(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    });
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let cpu_before = thread_cpu_ms();
        let start = Instant::now();
        let compute = || rips.compute(points.view()).unwrap();
        let dgms = pool.as_ref().map_or_else(compute, |p| p.install(compute));
        let secs = start.elapsed().as_secs_f64();
        best = best.min(secs);
        let sizes: Vec<usize> = dgms.iter().map(|d| d.len()).collect();
        // CPU time of each thread of the process during the run (Linux).
        let cpu: Vec<String> = thread_cpu_ms()
            .iter()
            .map(|(tid, ms)| {
                let before = cpu_before
                    .iter()
                    .find(|(t, _)| t == tid)
                    .map_or(0.0, |b| b.1);
                ms - before
            })
            .filter(|&ms| ms > 0.5)
            .map(|ms| format!("{ms:.0}"))
            .collect();
        println!("{which} threads={threads} {secs:.4} s bars={sizes:?} thread_cpu_ms={cpu:?}");
    }
    println!("{which} threads={threads} min {best:.4} s");
}

/// (thread id, milliseconds on a CPU) for each thread of this process, from
/// `/proc/self/task/*/schedstat` (empty where that is missing).
fn thread_cpu_ms() -> Vec<(String, f64)> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    tasks
        .filter_map(|t| {
            let t = t.ok()?;
            let stat = std::fs::read_to_string(t.path().join("schedstat")).ok()?;
            let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
            Some((t.file_name().to_string_lossy().into_owned(), ns / 1e6))
        })
        .collect()
}
