"""W3c anchors: Vietoris-Rips H0 + H1 of 10,000 points on a noisy torus in R^3.

The cloud (benches/data/w3c_torus.npy, written by this script with --write):
    rng = numpy.random.default_rng(19)
    theta, phi = rng.uniform(0, 2 pi, 10000), rng.uniform(0, 2 pi, 10000)   (in that order)
    x = ((R + r cos phi) cos theta, (R + r cos phi) sin theta, r sin phi), R = 2, r = 1
    x += 0.1 * rng.standard_normal((10000, 3))
Uniform angles (not uniform on the surface: the inner side is denser), Gaussian noise of
standard deviation 0.1 per coordinate.  Threshold 0.45 (427,374 edges, average degree 85),
at which giotto-ph with edge collapse needs over a second (0.3: 164k edges, about 0.5 s).

Measured, each on the same cloud and threshold:
  - giotto-ph ripser_parallel(maxdim=1, thresh=0.45, collapse_edges=True), n_threads 1 and 2
    (and collapse_edges=False for reference), best of --reps wall times;
  - ripser.py ripser(maxdim=1, thresh=0.45), one run (--ripser to include it: slow);
  - peak memory: each run in a fresh subprocess, ru_maxrss after the run minus ru_maxrss
    after importing and loading the cloud (the baseline);
  - ours, if built: target/release/examples/rips_npy (cargo build --release -p
    tda-persistence --example rips_npy), same subprocess measure (its own VmHWM after the
    run minus before it), collapse auto / always / never.

Run (repo root, repo venv with numpy, giotto-ph, ripser):
    .venv/bin/python tools/anchors_w3c.py [--reps 3] [--ripser] [--write]
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLOUD = os.path.join(ROOT, "benches", "data", "w3c_torus.npy")
THRESHOLD = 0.45
OURS = os.path.join(
    os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "examples", "rips_npy"
)


def torus(n=10000, seed=19, R=2.0, r=1.0, sd=0.1):
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0, 2 * np.pi, n)
    phi = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([(R + r * np.cos(phi)) * np.cos(theta), (R + r * np.cos(phi)) * np.sin(theta), r * np.sin(phi)], 1)
    return x + sd * rng.standard_normal(x.shape)


# Runs in a fresh interpreter: loads the cloud, records the baseline, runs once, reports.
CHILD = r"""
import resource, sys, time, json
import numpy as np
kind, n_threads, collapse, thresh = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", float(sys.argv[4])
X = np.load(sys.argv[5])
if kind == "gph":
    from gph import ripser_parallel
    run = lambda: ripser_parallel(X, maxdim=1, thresh=thresh, collapse_edges=collapse, n_threads=n_threads)
else:
    from ripser import ripser
    run = lambda: ripser(X, maxdim=1, thresh=thresh)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
res = run()
t = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": t, "peak_kib": peak - base, "bars": [len(d) for d in res["dgms"]]}))
"""


def child(kind, n_threads=1, collapse=True):
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(n_threads), "1" if collapse else "0", str(THRESHOLD), CLOUD],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ours(collapse):
    out = subprocess.run([OURS, CLOUD, str(THRESHOLD), "1", collapse], check=True, capture_output=True, text=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return {"seconds": r["seconds"], "peak_kib": r["peak_rss_kib"] - r["peak_rss_kib_before_run"], "bars": r["bars"]}


def best(runs):
    return {"seconds": min(r["seconds"] for r in runs), "peak_kib": max(r["peak_kib"] for r in runs),
            "bars": runs[0]["bars"]}


def main():
    global THRESHOLD
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--ripser", action="store_true")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--threshold", type=float, default=THRESHOLD, help="another threshold (exploration)")
    a = ap.parse_args()
    THRESHOLD = a.threshold
    x = torus()
    if a.write:
        np.save(CLOUD, x)
    assert np.array_equal(np.load(CLOUD), x), "benches/data/w3c_torus.npy is not the W3c cloud"
    out = {"threshold": THRESHOLD}
    for name, kw in [("giottoph_collapse_1thread", dict(n_threads=1)),
                     ("giottoph_collapse_2threads", dict(n_threads=2)),
                     ("giottoph_nocollapse_2threads", dict(n_threads=2, collapse=False))]:
        out["W3c_" + name] = best([child("gph", **kw) for _ in range(a.reps)])
        print(name, out["W3c_" + name], flush=True)
    if a.ripser:
        out["W3c_ripser"] = child("ripser")
        print("ripser", out["W3c_ripser"], flush=True)
    if os.path.exists(OURS):
        for c in ["auto", "always", "never"]:
            out["W3c_ours_" + c] = best([ours(c) for _ in range(a.reps)])
            print("ours", c, out["W3c_ours_" + c], flush=True)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
