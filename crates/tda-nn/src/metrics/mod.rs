//! Classification metrics (scikit-learn semantics).
//!
//! Single-label classes: the confusion matrix and what derives from it
//! (below). Multi-label scores: the per-label ROC-AUC and its mean
//! ([`roc_auc`], [`mean_roc_auc`]), the Persistent CNN's tagging metric.
//!
//! [`ConfusionMatrix`] counts (true class, predicted class) pairs of labels
//! `0..classes`, and derives the metrics exactly as scikit-learn does with
//! `zero_division=0`:
//!
//! - precision of class `k`: `TP / (TP + FP)`, 0 when class `k` is never
//!   predicted;
//! - recall: `TP / (TP + FN)`, 0 when class `k` has no true sample
//!   (support 0);
//! - F1: `2 TP / (2 TP + FP + FN)` (the harmonic mean of precision and
//!   recall, computed from counts as scikit-learn does), 0 when the class is
//!   neither true nor predicted;
//! - weighted F1 (`f1_score(average="weighted")`): per-class F1 weighted by
//!   support (the number of true samples of the class);
//! - macro F1 (`f1_score(average="macro")` without `labels`): the plain mean
//!   of the per-class F1 over the classes that occur in `y_true` **or**
//!   `y_pred`. A class absent from both has no weight in the weighted F1
//!   but would pull a macro mean over all `classes` towards 0; scikit-learn
//!   only sees the labels present in the data, and so do we.
//!
//! ```
//! use tda_nn::metrics::ConfusionMatrix;
//! let cm = ConfusionMatrix::new(&[0, 0, 1, 2], &[0, 1, 1, 2], 4).unwrap();
//! assert_eq!(cm.accuracy(), 0.75);
//! assert_eq!(cm.support(), vec![2, 1, 1, 0]);
//! assert_eq!(cm.f1(), vec![2.0 / 3.0, 2.0 / 3.0, 1.0, 0.0]);
//! // Class 3 occurs nowhere: it is left out of the macro mean.
//! assert_eq!(cm.macro_f1(), (2.0 / 3.0 + 2.0 / 3.0 + 1.0) / 3.0);
//! println!("{cm}");
//! ```

use std::fmt;

use ndarray::{Array2, ArrayView2};

use tda_persistence::memory;

use crate::error::{Error, Result};

mod roc_auc;

pub use roc_auc::{mean_roc_auc, roc_auc, TagAuc};

/// Confusion matrix of a single-label classification into `classes`
/// classes: `counts[[t, p]]` is the number of samples of true class `t`
/// predicted as `p` (scikit-learn's `confusion_matrix(labels=0..classes)`).
/// Its memory is `classes²` counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfusionMatrix {
    counts: Array2<usize>,
}

impl ConfusionMatrix {
    /// Counts the pairs `(y_true[i], y_pred[i])`.
    ///
    /// # Errors
    /// [`Error::Shape`] when the two slices differ in length or are
    /// empty; [`Error::InvalidConfig`] when `classes` is 0;
    /// [`Error::Label`] naming the first label `>= classes` (in `y_true`,
    /// then `y_pred`) and its index; [`Error::TooLarge`] when the
    /// `classes²` counters (and the per-class sums the metrics compute) are
    /// over [`tda_persistence::memory::limit`] or overflow: checked before
    /// anything is allocated.
    pub fn new(y_true: &[usize], y_pred: &[usize], classes: usize) -> Result<Self> {
        check_pairs(y_true, y_pred)?;
        if classes == 0 {
            return Err(Error::InvalidConfig {
                name: "classes",
                value: "0".into(),
                reason: "need at least one class",
            });
        }
        check_labels("y_true", y_true, classes)?;
        check_labels("y_pred", y_pred, classes)?;
        memory::check(
            "confusion matrix",
            memory::sum(&[
                memory::bytes_of::<usize>(&[classes, classes]),
                memory::bytes_of::<f64>(&[4, classes]),
            ]),
        )?;
        let mut counts = Array2::<usize>::zeros((classes, classes));
        for (&t, &p) in y_true.iter().zip(y_pred) {
            counts[[t, p]] += 1;
        }
        Ok(Self { counts })
    }

    /// The counts: rows are true classes, columns predicted classes.
    pub fn counts(&self) -> ArrayView2<'_, usize> {
        self.counts.view()
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.counts.nrows()
    }

    /// Number of samples counted (always at least 1).
    pub fn total(&self) -> usize {
        self.counts.sum()
    }

    /// Fraction of samples predicted correctly (`accuracy_score`).
    pub fn accuracy(&self) -> f64 {
        self.counts.diag().sum() as f64 / self.total() as f64
    }

    /// Number of true samples of each class (row sums).
    pub fn support(&self) -> Vec<usize> {
        self.counts.rows().into_iter().map(|r| r.sum()).collect()
    }

    /// Number of samples predicted as each class (column sums).
    pub fn predicted(&self) -> Vec<usize> {
        self.counts.columns().into_iter().map(|c| c.sum()).collect()
    }

    /// Per-class precision `TP / (TP + FP)`; 0 for a class never predicted.
    pub fn precision(&self) -> Vec<f64> {
        let tp = self.counts.diag();
        self.predicted()
            .iter()
            .zip(tp)
            .map(|(&p, &tp)| divide(tp as f64, p as f64))
            .collect()
    }

    /// Per-class recall `TP / (TP + FN)`; 0 for a class with no true sample.
    pub fn recall(&self) -> Vec<f64> {
        let tp = self.counts.diag();
        self.support()
            .iter()
            .zip(tp)
            .map(|(&s, &tp)| divide(tp as f64, s as f64))
            .collect()
    }

    /// Per-class F1 `2 TP / (2 TP + FP + FN)`; 0 for a class neither true
    /// nor predicted (and whenever `TP = 0`).
    pub fn f1(&self) -> Vec<f64> {
        let tp = self.counts.diag();
        self.support()
            .iter()
            .zip(self.predicted())
            .zip(tp)
            .map(|((&s, p), &tp)| divide(2.0 * tp as f64, (s + p) as f64))
            .collect()
    }

    /// F1 averaged with the supports as weights
    /// (`f1_score(average="weighted", zero_division=0)`).
    pub fn weighted_f1(&self) -> f64 {
        self.weighted_mean(&self.f1())
    }

    /// Unweighted mean of the per-class F1 over the classes present in
    /// `y_true` or `y_pred` (`f1_score(average="macro", zero_division=0)`
    /// without `labels`); classes absent from both are left out.
    pub fn macro_f1(&self) -> f64 {
        self.present_mean(&self.f1())
    }

    /// `sum(values[k] * support[k]) / total`.
    fn weighted_mean(&self, values: &[f64]) -> f64 {
        let sum: f64 = values
            .iter()
            .zip(self.support())
            .map(|(&v, s)| v * s as f64)
            .sum();
        sum / self.total() as f64
    }

    /// Mean of `values` over the classes with a true or predicted sample.
    fn present_mean(&self, values: &[f64]) -> f64 {
        let (mut sum, mut n) = (0.0, 0usize);
        for ((&v, s), p) in values.iter().zip(self.support()).zip(self.predicted()) {
            if s + p > 0 {
                sum += v;
                n += 1;
            }
        }
        // n >= 1: there is at least one sample.
        sum / n as f64
    }

    /// A text report: the confusion matrix with the given class names, then
    /// per-class precision, recall, F1 and support, accuracy, and the macro
    /// (over present classes) and weighted averages, like scikit-learn's
    /// `classification_report`. [`Display`](fmt::Display) gives the same
    /// with the class indices as names.
    ///
    /// # Errors
    /// [`Error::Shape`] when `names` does not hold one name per class; [`Error::TooLarge`] when the text (about `classes²` cells)
    /// would be over [`tda_persistence::memory::limit`] (the
    /// [`Display`](fmt::Display) form has no such check: print only
    /// matrices of a sensible size).
    pub fn to_text(&self, names: &[String]) -> Result<String> {
        let k = self.classes();
        if names.len() != k {
            return Err(Error::Shape {
                name: "names",
                expected: format!("one name per class ({k})"),
                got: vec![names.len()],
            });
        }
        // Each cell is at most as wide as the widest count or name, plus
        // two spaces; per-class rows of metrics, 64 bytes each and a name.
        let name_bytes: usize = names.iter().map(|n| n.len()).sum();
        let widest = names
            .iter()
            .map(|n| n.len())
            .max()
            .unwrap_or(0)
            .max(self.total().to_string().len());
        memory::check(
            "confusion matrix report",
            memory::sum(&[
                memory::bytes_of::<u8>(&[k + 1, k + 1, widest + 2]),
                memory::bytes_of::<u8>(&[k + 8, 64]),
                Some(name_bytes as u64 * 3),
            ]),
        )?;
        Ok(self.report(names))
    }

    fn report(&self, names: &[String]) -> String {
        use std::fmt::Write;
        let k = self.classes();
        let total = self.total();
        let name_w = names
            .iter()
            .map(|n| n.chars().count())
            .chain(["weighted avg".len(), "true \\ pred".len()])
            .max()
            .unwrap_or(0);
        let count_w = self
            .counts
            .iter()
            .map(|c| c.to_string().len())
            .chain(names.iter().map(|n| n.chars().count()))
            .max()
            .unwrap_or(1);
        let mut s = String::new();
        // Writing into a String cannot fail.
        let _ = writeln!(s, "confusion matrix (rows: true class, columns: predicted)");
        let _ = write!(s, "{:>name_w$}", "true \\ pred");
        for n in names {
            let _ = write!(s, "  {n:>count_w$}");
        }
        s.push('\n');
        for (n, row) in names.iter().zip(self.counts.rows()) {
            let _ = write!(s, "{n:>name_w$}");
            for c in row {
                let _ = write!(s, "  {c:>count_w$}");
            }
            s.push('\n');
        }
        s.push('\n');
        let sup_w = total.to_string().len().max("support".len());
        let _ = writeln!(
            s,
            "{:>name_w$}  {:>9}  {:>9}  {:>9}  {:>sup_w$}",
            "", "precision", "recall", "f1-score", "support"
        );
        let (p, r, f, sup) = (self.precision(), self.recall(), self.f1(), self.support());
        for c in 0..k {
            let _ = writeln!(
                s,
                "{:>name_w$}  {:>9.4}  {:>9.4}  {:>9.4}  {:>sup_w$}",
                names[c], p[c], r[c], f[c], sup[c]
            );
        }
        s.push('\n');
        let _ = writeln!(
            s,
            "{:>name_w$}  {:>9}  {:>9}  {:>9.4}  {:>sup_w$}",
            "accuracy",
            "",
            "",
            self.accuracy(),
            total
        );
        for (label, mean) in [
            ("macro avg", Self::present_mean as fn(&Self, &[f64]) -> f64),
            ("weighted avg", Self::weighted_mean),
        ] {
            let _ = writeln!(
                s,
                "{:>name_w$}  {:>9.4}  {:>9.4}  {:>9.4}  {:>sup_w$}",
                label,
                mean(self, &p),
                mean(self, &r),
                mean(self, &f),
                total
            );
        }
        s
    }
}

impl fmt::Display for ConfusionMatrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = (0..self.classes()).map(|c| c.to_string()).collect();
        f.write_str(&self.report(&names))
    }
}

/// `num / den`, or 0 when `den` is 0 (scikit-learn's `zero_division=0`).
fn divide(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// [`Error::Label`] naming the first label of `labels` not below `classes`.
pub(crate) fn check_labels(name: &'static str, labels: &[usize], classes: usize) -> Result<()> {
    match labels.iter().enumerate().find(|(_, &l)| l >= classes) {
        Some((index, &label)) => Err(Error::Label {
            name,
            index,
            label,
            classes,
        }),
        None => Ok(()),
    }
}

fn check_pairs(y_true: &[usize], y_pred: &[usize]) -> Result<()> {
    if y_true.len() != y_pred.len() {
        return Err(Error::Shape {
            name: "y_pred",
            expected: format!("as many labels as y_true ({})", y_true.len()),
            got: vec![y_pred.len()],
        });
    }
    if y_true.is_empty() {
        return Err(Error::Shape {
            name: "y_true",
            expected: "at least one sample".into(),
            got: vec![0],
        });
    }
    Ok(())
}

/// Fraction of equal labels (`accuracy_score`).
///
/// # Errors
/// [`Error::Shape`] when the slices differ in length or are empty.
pub fn accuracy(y_true: &[usize], y_pred: &[usize]) -> Result<f64> {
    check_pairs(y_true, y_pred)?;
    let correct = y_true.iter().zip(y_pred).filter(|(t, p)| t == p).count();
    Ok(correct as f64 / y_true.len() as f64)
}

/// Support-weighted F1 (`f1_score(average="weighted", zero_division=0)`).
///
/// # Errors
/// As [`ConfusionMatrix::new`].
pub fn weighted_f1(y_true: &[usize], y_pred: &[usize], classes: usize) -> Result<f64> {
    Ok(ConfusionMatrix::new(y_true, y_pred, classes)?.weighted_f1())
}

/// Macro F1 over the classes present in `y_true` or `y_pred`
/// (`f1_score(average="macro", zero_division=0)`).
///
/// # Errors
/// As [`ConfusionMatrix::new`].
pub fn macro_f1(y_true: &[usize], y_pred: &[usize], classes: usize) -> Result<f64> {
    Ok(ConfusionMatrix::new(y_true, y_pred, classes)?.macro_f1())
}

/// Mean and sample standard deviation (ddof = 1) of `values`, for
/// reporting "mean ± sd" over runs; computed in two passes, on the values
/// scaled by a power of two that brings the largest magnitude into `[1,
/// 2)` (no bit changes where nothing overflows or underflows).
///
/// For finite values the mean is always finite (`±f64::MAX` and
/// subnormals included), and so is the sd unless its true value is over
/// `f64::MAX` (values of both signs near `±f64::MAX`), when it is `+inf`
/// (IEEE overflow). One value gives `(value, 0.0)`; an empty slice gives
/// `(NaN, NaN)`. A NaN among the values makes both results NaN, and an
/// infinite value makes the mean infinite (NaN with both signs) and the sd
/// NaN (IEEE arithmetic; nothing is filtered).
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    match values.len() {
        0 => (f64::NAN, f64::NAN),
        1 => (
            values[0],
            if values[0].is_finite() { 0.0 } else { f64::NAN },
        ),
        n => {
            if values.iter().any(|v| !v.is_finite()) {
                // IEEE arithmetic on the raw values, as documented.
                let mean = values.iter().sum::<f64>() / n as f64;
                let ss: f64 = values.iter().map(|&v| (v - mean) * (v - mean)).sum();
                return (mean, (ss / (n - 1) as f64).sqrt());
            }
            let top = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let e = exponent(top);
            let scaled = |v: f64| libm::ldexp(v, -e);
            let mean = values.iter().map(|&v| scaled(v)).sum::<f64>() / n as f64;
            let ss: f64 = values
                .iter()
                .map(|&v| (scaled(v) - mean) * (scaled(v) - mean))
                .sum();
            let unscale = |v: f64| libm::ldexp(v, e);
            (unscale(mean), unscale((ss / (n - 1) as f64).sqrt()))
        }
    }
}

/// The exponent `e` with `2^e <= |x| < 2^(e + 1)` for finite nonzero `x`
/// (libm's `ilogb`, subnormals included); 0 for 0.
fn exponent(x: f64) -> i32 {
    if x == 0.0 {
        0
    } else {
        libm::ilogb(x)
    }
}
