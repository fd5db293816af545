//! Area under the ROC curve, per label of a multi-label prediction
//! (scikit-learn's `roc_auc_score(y_true, y_score, average=None)`), and its
//! mean over the labels: the Persistent CNN's metric for music tagging
//! (Liu, Jeng & Yang 2016, on MagnaTagATune's top 50 tags).
//!
//! The area is the probability that a random positive sample scores above
//! a random negative one, a tie counting one half (the Mann-Whitney
//! statistic), which is exactly the trapezoidal area under scikit-learn's
//! ROC curve, ties included. It is computed from counts over the samples
//! sorted by score: each group of equal scores adds
//! `2 P_g N_below + P_g N_g` (integers, exact), divided once by `2 P N`.
//!
//! A label with one class only among the evaluated samples has no ROC
//! curve: scikit-learn raises an error there; here that label's area is
//! `None`, the mean is over the other labels, and [`TagAuc::skipped`]
//! counts the labels left out.

use ndarray::ArrayView2;

use crate::error::{Error, Result};

/// Per-label ROC-AUC of a multi-label prediction and their mean.
#[derive(Debug, Clone, PartialEq)]
pub struct TagAuc {
    /// The area of each label (column), `None` where the evaluated samples
    /// hold one class only.
    pub per_tag: Vec<Option<f64>>,
    /// The mean over the labels with an area, `None` if none has one.
    pub mean: Option<f64>,
    /// Number of labels without an area (one class only).
    pub skipped: usize,
}

/// ROC-AUC of one binary label: `y_true[i]` is sample `i`'s class and
/// `scores[i]` its score (higher means more likely positive); `None` when
/// all samples are of one class.
///
/// ```
/// use tda_nn::metrics::roc_auc;
/// // scikit-learn's example: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
/// let auc = roc_auc(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]).unwrap();
/// assert_eq!(auc, Some(0.75));
/// // A tie between a positive and a negative counts one half.
/// assert_eq!(roc_auc(&[false, true], &[0.5, 0.5]).unwrap(), Some(0.5));
/// assert_eq!(roc_auc(&[true, true], &[0.1, 0.9]).unwrap(), None);
/// ```
///
/// # Errors
/// [`Error::Shape`] when the slices differ in length or are empty;
/// [`Error::NonFinite`] naming the first NaN or infinite score (as
/// scikit-learn refuses them).
pub fn roc_auc(y_true: &[bool], scores: &[f64]) -> Result<Option<f64>> {
    if y_true.len() != scores.len() || scores.is_empty() {
        return Err(Error::Shape {
            name: "scores",
            expected: format!("{} scores, one per label (at least one)", y_true.len()),
            got: vec![scores.len()],
        });
    }
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(Error::NonFinite {
            name: "scores",
            index: vec![i],
            value: scores[i],
        });
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_unstable_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    Ok(sorted_auc(&order, |i| y_true[i], |i| scores[i]))
}

/// Per-label ROC-AUC of multi-label predictions and their mean:
/// `y_true` and `scores` are `(samples, labels)`, `y_true` holding 0 or 1
/// (scikit-learn's label-indicator matrix).
///
/// ```
/// use ndarray::array;
/// use tda_nn::metrics::mean_roc_auc;
/// let y = array![[1u8, 0, 1], [0, 0, 1], [1, 1, 1]];
/// let s = array![[0.9, 0.2, 0.5], [0.1, 0.3, 0.4], [0.6, 0.8, 0.7]];
/// let auc = mean_roc_auc(y.view(), s.view()).unwrap();
/// assert_eq!(auc.per_tag, vec![Some(1.0), Some(1.0), None]); // label 2: positives only
/// assert_eq!((auc.mean, auc.skipped), (Some(1.0), 1));
/// ```
///
/// # Errors
/// [`Error::Shape`] when the shapes differ or there is no sample or no
/// label; [`Error::Label`] naming the first entry of `y_true` (flat
/// row-major index) that is not 0 or 1; [`Error::NonFinite`] naming the
/// `[sample, label]` of the first NaN or infinite score.
pub fn mean_roc_auc(y_true: ArrayView2<u8>, scores: ArrayView2<f64>) -> Result<TagAuc> {
    let (n, tags) = scores.dim();
    if y_true.dim() != scores.dim() || n == 0 || tags == 0 {
        return Err(Error::Shape {
            name: "scores",
            expected: format!(
                "the shape of y_true {:?} (at least one sample and one label)",
                y_true.shape()
            ),
            got: scores.shape().to_vec(),
        });
    }
    if let Some((i, &label)) = y_true.iter().enumerate().find(|(_, &v)| v > 1) {
        return Err(Error::Label {
            name: "y_true",
            index: i,
            label: usize::from(label),
            classes: 2,
        });
    }
    if let Some(((s, t), &value)) = scores.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite {
            name: "scores",
            index: vec![s, t],
            value,
        });
    }
    let mut order: Vec<usize> = (0..n).collect();
    let per_tag: Vec<Option<f64>> = (0..tags)
        .map(|t| {
            let (y, s) = (y_true.column(t), scores.column(t));
            order.sort_unstable_by(|&a, &b| s[a].total_cmp(&s[b]));
            sorted_auc(&order, |i| y[i] == 1, |i| s[i])
        })
        .collect();
    let areas: Vec<f64> = per_tag.iter().flatten().copied().collect();
    Ok(TagAuc {
        mean: (!areas.is_empty()).then(|| areas.iter().sum::<f64>() / areas.len() as f64),
        skipped: tags - areas.len(),
        per_tag,
    })
}

/// The area from samples in increasing order of score: each group of equal
/// scores adds `2 P_g N_below + P_g N_g` (twice the Mann-Whitney count, an
/// integer), divided once by `2 P N`. `None` without both classes.
fn sorted_auc(
    order: &[usize],
    positive: impl Fn(usize) -> bool,
    score: impl Fn(usize) -> f64,
) -> Option<f64> {
    let (mut twice, mut neg_below, mut pos_total) = (0u128, 0u128, 0u128);
    let mut g = 0;
    while g < order.len() {
        let value = score(order[g]);
        let (mut pos, mut neg) = (0u128, 0u128);
        while g < order.len() && score(order[g]) == value {
            if positive(order[g]) {
                pos += 1;
            } else {
                neg += 1;
            }
            g += 1;
        }
        twice += 2 * pos * neg_below + pos * neg;
        neg_below += neg;
        pos_total += pos;
    }
    (pos_total > 0 && neg_below > 0).then(|| twice as f64 / (2 * pos_total * neg_below) as f64)
}
