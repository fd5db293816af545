//! Progress of the long stages: a bar on a terminal, a line per stage when
//! stderr is piped or redirected, and nothing for a stage that ends within
//! a second (so quick runs and error messages stay one line).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A stage shows itself once it has run this long, unless the environment
/// variable `TDA_PROGRESS_AFTER` gives another time in seconds.
const SHOW_AFTER: Duration = Duration::from_secs(1);
/// Between two lines of a piped stage that is still running.
const LINE_EVERY: Duration = Duration::from_secs(10);

/// How progress is reported, chosen once per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Nothing (`--quiet`).
    Quiet,
    /// A bar on stderr, a terminal.
    Bar,
    /// Lines on stderr, piped or redirected.
    Lines,
}

impl Report {
    /// [`Report::Quiet`] when `quiet`, else a bar if stderr is a terminal
    /// and lines if not.
    pub fn detect(quiet: bool) -> Self {
        if quiet {
            Report::Quiet
        } else if std::io::stderr().is_terminal() {
            Report::Bar
        } else {
            Report::Lines
        }
    }

    /// Starts a stage called `name` of `total` steps counted in `unit`
    /// (plural, e.g. "series").
    pub fn stage(self, name: &str, total: usize, unit: &str) -> Stage {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(&format!(
            "tda: {name} {{bar:30}} {{pos}}/{{len}} {unit} ({{elapsed}}, {{eta}} left)"
        )) {
            bar.set_style(style);
        }
        let now = Instant::now();
        let show_after = std::env::var("TDA_PROGRESS_AFTER")
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s.parse().ok()?).ok())
            .unwrap_or(SHOW_AFTER);
        Stage {
            show_after,
            report: self,
            name: name.to_owned(),
            unit: unit.to_owned(),
            start: now,
            bar,
            shown: AtomicBool::new(false),
            last_line: Mutex::new(now),
        }
    }
}

/// One stage of a command: counted with [`Stage::inc`] (from any thread),
/// closed with [`Stage::finish`].
#[derive(Debug)]
pub struct Stage {
    show_after: Duration,
    report: Report,
    name: String,
    unit: String,
    start: Instant,
    bar: ProgressBar,
    shown: AtomicBool,
    last_line: Mutex<Instant>,
}

impl Stage {
    /// Counts `n` more steps done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
        let elapsed = self.start.elapsed();
        if elapsed < self.show_after {
            return;
        }
        match self.report {
            Report::Quiet => {}
            Report::Bar => {
                if !self.shown.swap(true, Ordering::Relaxed) {
                    self.bar.set_draw_target(ProgressDrawTarget::stderr());
                }
            }
            Report::Lines => {
                let first = !self.shown.swap(true, Ordering::Relaxed);
                let Ok(mut last) = self.last_line.lock() else {
                    return;
                };
                if first || last.elapsed() >= LINE_EVERY {
                    *last = Instant::now();
                    eprintln!(
                        "tda: {}: {}/{} {} ({:.1} s)",
                        self.name,
                        self.bar.position(),
                        self.bar.length().unwrap_or(0),
                        self.unit,
                        elapsed.as_secs_f64()
                    );
                }
            }
        }
    }

    /// Ends the stage: a bar is cleared and, if the stage was shown, one
    /// line says what it did and how long it took.
    pub fn finish(self) {
        self.bar.finish_and_clear();
        if self.report != Report::Quiet && self.start.elapsed() >= self.show_after {
            eprintln!(
                "tda: {}: {} {} in {:.1} s",
                self.name,
                self.bar.position(),
                self.unit,
                self.start.elapsed().as_secs_f64()
            );
        }
    }
}
