"""P1-P3 (docs/benchmarks.md): tda_pinet from Python against the tools it replaces,
same process, same inputs (those of the repository's tools/anchors.py: W1
standardised random walks, W2's image, W3's sliding-window cloud).

    pip install ./crates/tda-python ripser persim gudhi
    python crates/tda-python/benchmarks/bench_python.py [n_signals]

tda_pinet runs on one thread (n_jobs=1) for the ratios, as the others do;
the all-cores figure is printed beside it. Prints one table.
"""

import sys
import time

import numpy as np

import tda_pinet as tp
from tda_pinet.persim import PersistenceImager as OurImager
from tda_pinet.ripser import ripser as our_ripser

N_SIG = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
LEN = 1000
rng = np.random.default_rng(0)


def walks(n, length):
    x = np.cumsum(rng.standard_normal((n, length)), axis=1)
    x -= x.mean(axis=1, keepdims=True)
    x /= x.std(axis=1, keepdims=True)
    return x


def best(f, reps=3):
    """The fastest of `reps` runs of f (seconds) and its last result."""
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


rows = []


def report(name, ours, theirs, anchor, goal):
    rows.append((name, ours, theirs, anchor, theirs / ours, goal))


X = walks(N_SIG, LEN)

# P3: sublevel H0 of the W1 signals.
import gudhi  # noqa: E402


def gudhi_h0(x):
    cc = gudhi.CubicalComplex(vertices=x)
    cc.compute_persistence(homology_coeff_field=2, min_persistence=0)
    return cc.persistence_intervals_in_dimension(0)


M = min(N_SIG, 500)
t_gudhi, _ = best(lambda: [gudhi_h0(x) for x in X[:M]], reps=1)
t_ours, dgms = best(lambda: tp.sublevel_h0(X, n_jobs=1))
t_all, _ = best(lambda: tp.sublevel_h0(X))
report("P3 sublevel H0, per W1 signal (all cores: %.2f us)" % (t_all / N_SIG * 1e6), t_ours / N_SIG, t_gudhi / M, "gudhi CubicalComplex", ">= 25x")

# P2: PersistenceImager.transform on the W1 diagrams (W2's image).
import persim  # noqa: E402

D0 = [d[np.isfinite(d[:, 1])] for d in dgms]
kw = dict(birth_range=(-10, 10), pers_range=(0, 20), pixel_size=0.4, kernel_params={"sigma": [[0.0625, 0], [0, 0.0625]]})
M2 = min(N_SIG, 100)
theirs = persim.PersistenceImager(**kw)
t_persim, want = best(lambda: theirs.transform(D0[:M2]), reps=1)
ours = OurImager(**kw)
t_ours, got = best(lambda: ours.transform(D0, n_jobs=1))
t_all, _ = best(lambda: ours.transform(D0))
err = max(np.abs(a - b).max() for a, b in zip(got, want))
report(
    "P2 PersistenceImager.transform, per W1 diagram (max |diff| %.1e; all cores: %.2f us)" % (err, t_all / N_SIG * 1e6),
    t_ours / N_SIG,
    t_persim / M2,
    "persim 0.4",
    ">= 100x",
)

# P1: ripser on W3's sliding-window cloud.
import ripser  # noqa: E402

sig = np.sin(np.linspace(0, 8 * np.pi, LEN)) + 0.5 * np.sin(np.linspace(0, 24 * np.pi, LEN)) + 0.1 * np.random.default_rng(3).standard_normal(LEN)
P = np.stack([sig[i : i + LEN - 9] for i in range(10)], axis=1)
t_rip, r = best(lambda: ripser.ripser(P, maxdim=1), reps=2)
t_ours, o = best(lambda: our_ripser(P, maxdim=1), reps=3)
assert len(o["dgms"][1]) == len(r["dgms"][1])
report("P1 ripser, W3 (991 points in R^10, H0 + H1)", t_ours, t_rip, "ripser.py", ">= 5x")

# Per-call overhead: a 4-sample signal.
x4 = np.array([1.0, 0.0, 2.0, -1.0])
n = 20000
t, _ = best(lambda: [tp.sublevel_h0(x4) for _ in range(n)])
t_gudhi, _ = best(lambda: [gudhi_h0(x4) for _ in range(2000)], reps=1)
report("per-call overhead, sublevel_h0 of 4 samples", t / n, t_gudhi / 2000, "gudhi", "<= 5 us")

print("| workload | tda_pinet (1 thread) | anchor | anchor time | ratio | goal |")
print("|---|---|---|---|---|---|")
for name, ours_s, theirs_s, anchor, ratio, goal in rows:
    fmt = lambda s: f"{s * 1e6:.2f} us" if s < 1e-3 else f"{s * 1e3:.1f} ms"  # noqa: E731
    print(f"| {name} | {fmt(ours_s)} | {anchor} | {fmt(theirs_s)} | {ratio:.0f}x | {goal} |")
