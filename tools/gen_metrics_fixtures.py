#!/usr/bin/env python3
"""Regenerate the tda-nn metrics and statistical-feature fixtures.

Run from the repository root with a Python that has numpy and scikit-learn
installed:

    .venv/bin/python tools/gen_metrics_fixtures.py

Writes one list to each of two files:

- `classification` (crates/tda-nn/tests/fixtures/metrics.json): seeded (y_true, y_pred, classes) cases, including a
  class never predicted, a class absent from y_true, a class absent from
  both, and perfect prediction, with scikit-learn's values:
  `accuracy` (accuracy_score), `f1` (f1_score(average=None,
  labels=range(classes), zero_division=0)), `precision` and `recall` (same
  arguments), `weighted_f1` (f1_score(average="weighted", zero_division=0),
  default labels), `macro_f1` (f1_score(average="macro", zero_division=0),
  default labels: those present in y_true or y_pred) and `confusion`
  (confusion_matrix(labels=range(classes)), rows = true class).
- `roc_auc` (also in metrics.json): seeded multi-label (y_true, scores)
  cases, ties among scores included, with scikit-learn's per-label
  `roc_auc_score(y_true[:, t], scores[:, t])` (null for a label with one
  class, where scikit-learn raises) and their mean over the other labels.
- `frames` (crates/tda-vectorize/tests/fixtures/stat_features.json): seeded 3 x L accelerometer frames (one with a constant axis)
  with the 19 PI-Net statistical features computed by numpy in the crate's
  order: mean (3), var (ddof 0, 3), RMS (3), corr xy, xz, yz (np.corrcoef,
  NaN -> 0, 3), range dx, dy, dz (3), |dx,dy|, |dx,dz|, |dy,dz|,
  |dx,dy,dz| (4).
"""

import json
import os
import warnings

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

OUT = os.path.join("crates", "tda-nn", "tests", "fixtures", "metrics.json")
OUT_FRAMES = os.path.join("crates", "tda-vectorize", "tests", "fixtures", "stat_features.json")


def classification_case(name, y_true, y_pred, classes):
    y_true = [int(v) for v in y_true]
    y_pred = [int(v) for v in y_pred]
    labels = list(range(classes))
    per = dict(average=None, labels=labels, zero_division=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "name": name,
            "classes": classes,
            "y_true": y_true,
            "y_pred": y_pred,
            "accuracy": float(accuracy_score(y_true, y_pred)),
            "precision": [float(v) for v in precision_score(y_true, y_pred, **per)],
            "recall": [float(v) for v in recall_score(y_true, y_pred, **per)],
            "f1": [float(v) for v in f1_score(y_true, y_pred, **per)],
            "weighted_f1": float(f1_score(y_true, y_pred, average="weighted", zero_division=0)),
            "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
            "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        }


def features(frame):
    x = np.asarray(frame, dtype=float)
    mean = x.mean(axis=1)
    var = x.var(axis=1)
    rms = np.sqrt((x * x).mean(axis=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = np.corrcoef(x)
    c = np.nan_to_num(c, nan=0.0)
    corr = [c[0, 1], c[0, 2], c[1, 2]]
    d = x.max(axis=1) - x.min(axis=1)
    mags = [
        np.hypot(d[0], d[1]),
        np.hypot(d[0], d[2]),
        np.hypot(d[1], d[2]),
        np.sqrt(d[0] ** 2 + d[1] ** 2 + d[2] ** 2),
    ]
    out = np.concatenate([mean, var, rms, corr, d, mags])
    assert out.shape == (19,)
    return [float(v) for v in out]


def roc_case(name, y, scores):
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=float)
    per_tag = []
    for t in range(y.shape[1]):
        if len(np.unique(y[:, t])) < 2:
            per_tag.append(None)
        else:
            per_tag.append(float(roc_auc_score(y[:, t], scores[:, t])))
    areas = [a for a in per_tag if a is not None]
    both = [t for t, a in enumerate(per_tag) if a is not None]
    if both:
        # average=None on the labels with both classes gives the same areas.
        assert np.allclose(roc_auc_score(y[:, both], scores[:, both], average=None), areas, rtol=0, atol=0)
    return {
        "name": name,
        "y_true": y.tolist(),
        "scores": scores.tolist(),
        "per_tag": per_tag,
        "mean": float(np.mean(areas)) if areas else None,
    }


def roc_cases():
    rng = np.random.default_rng(20261129)
    out = []
    y = (rng.random((40, 5)) < 0.4).astype(int)
    out.append(roc_case("continuous 40x5", y, 0.5 * y + rng.random((40, 5))))
    y = (rng.random((60, 4)) < 0.3).astype(int)
    out.append(roc_case("scores rounded to 0.1 (ties) 60x4", y, np.round(0.3 * y + rng.random((60, 4)), 1)))
    y = (rng.random((30, 3)) < 0.5).astype(int)
    y[:, 1] = 1
    out.append(roc_case("a label with one class", y, rng.integers(0, 4, (30, 3)) / 4.0))
    out.append(roc_case("all scores tied", [[0], [1], [1], [0], [1]], [[0.5]] * 5))
    out.append(roc_case("perfect and inverse", [[0, 1], [0, 1], [1, 0], [1, 0]],
                        [[0.1, 0.1], [0.2, 0.2], [0.8, 0.8], [0.9, 0.9]]))
    out.append(roc_case("negative and huge scores", [[0], [1], [0], [1], [1]],
                        [[-1e300], [1e300], [-0.0], [0.0], [-5.0]]))
    return out


def frame_case(name, frame):
    frame = np.asarray(frame, dtype=float)
    return {"name": name, "frame": frame.tolist(), "features": features(frame)}


def main():
    rng = np.random.default_rng(20240611)
    cases = []
    # Random predictions, a few sizes.
    for n, k in ((10, 2), (40, 3), (60, 6)):
        y = rng.integers(0, k, n)
        p = np.where(rng.random(n) < 0.6, y, rng.integers(0, k, n))
        cases.append(classification_case(f"random n={n} k={k}", y, p, k))
    # Class 2 never predicted.
    y = rng.integers(0, 4, 30)
    p = rng.integers(0, 4, 30)
    p[p == 2] = 1
    y[:3] = 2
    cases.append(classification_case("class never predicted", y, p, 4))
    # Class 3 absent from y_true (but predicted).
    y = rng.integers(0, 3, 25)
    p = rng.integers(0, 4, 25)
    p[:2] = 3
    cases.append(classification_case("class absent from y_true", y, p, 4))
    # Class 4 absent from both (and class 1 absent from y_true only).
    y = rng.choice([0, 2, 3], 25)
    p = rng.integers(0, 4, 25)
    p[0] = 1
    cases.append(classification_case("class absent from both", y, p, 5))
    # Perfect prediction, with an unused class.
    y = rng.integers(0, 3, 20)
    cases.append(classification_case("perfect", y, y.copy(), 4))
    # Everything wrong.
    y = rng.integers(0, 3, 15)
    cases.append(classification_case("all wrong", y, (y + 1) % 3, 3))
    # A single sample.
    cases.append(classification_case("single sample", [1], [1], 3))

    frames = []
    for length in (2, 7, 50):
        frames.append(frame_case(f"random L={length}", rng.normal(0.0, 1.5, (3, length)) + [[0.3], [-9.8], [1.2]]))
    f = rng.normal(0.0, 1.0, (3, 12))
    f[1] = 9.81
    frames.append(frame_case("constant y axis", f))
    f = rng.normal(0.0, 1.0, (3, 9))
    f[2] = 2.0 * f[0] - 1.0
    frames.append(frame_case("z linear in x", f))
    frames.append(frame_case("large offset", rng.normal(0.0, 1e-3, (3, 20)) + 1e4))

    outputs = (
        (OUT, {"classification": cases, "roc_auc": roc_cases()}),
        (OUT_FRAMES, {"frames": frames}),
    )
    for path, items in outputs:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            json.dump({"generator": "tools/gen_metrics_fixtures.py", **items}, fh)
        print("wrote", path, {k: len(v) for k, v in items.items()})


if __name__ == "__main__":
    main()
