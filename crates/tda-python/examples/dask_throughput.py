"""Throughput of tda_pinet.dask.map_features on a local Dask cluster.

Features: sublevel H0 of each random walk, then a 20x20 persistence image
(sigma 0.5, ranges fitted on a sample): the SublevelH0 -> PersistenceImage
pipeline of tda_pinet.sklearn. The walks are generated and kept on the
workers (``persist``) before timing, and the features are persisted there
too, so the time is the features' alone (plus Dask's scheduling).

Prints the machine's load average (a shared machine gives noisy figures)
and one table: in-process baselines (no Dask; 1 thread and all cores)
and LocalCluster(n_workers=1 and 2, threads_per_worker=1, processes=True).

    python examples/dask_throughput.py [--series 100000] [--length 1000] [--chunk 10000] [--repeats 5]
"""

import argparse
import os
import platform
import time

import numpy as np


def best_of(repeats, fn):
    """The smallest wall time of ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    """Times the configurations and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--length", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=10_000, help="series per Dask chunk (one task each)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import dask.array as da
    from dask.distributed import Client, LocalCluster, wait
    from sklearn.pipeline import make_pipeline

    from tda_pinet.dask import map_features
    from tda_pinet.sklearn import PersistenceImage, SublevelH0

    n, length = args.series, args.length
    load_before = os.getloadavg()
    rng = np.random.default_rng(0)
    sample = np.cumsum(rng.standard_normal((2000, length)), axis=1)
    pipe = make_pipeline(SublevelH0(), PersistenceImage(resolution=(20, 20), sigma=0.5)).fit(sample)

    def walks(seed):
        """n random walks of the given length as a dask array of row chunks."""
        steps = da.random.default_rng(seed).standard_normal((n, length), chunks=(args.chunk, length))
        return steps.cumsum(axis=1)

    rows = []

    # In-process baselines on the first run's walks.
    local = walks(1).compute()
    for jobs, label in ((1, "in-process, 1 thread (no Dask)"), (None, f"in-process, all {os.cpu_count()} cores (no Dask)")):
        p = pipe.set_params(sublevelh0__n_jobs=jobs, persistenceimage__n_jobs=jobs)
        rows.append((label, best_of(args.repeats, lambda: p.transform(local))))
    reference = pipe.transform(local)
    del local

    for workers in (1, 2):
        with LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        ) as cluster, Client(cluster) as client:
            map_features(walks(1)[: args.chunk], pipe).compute()  # warm-up: imports on the workers
            times = []
            for r in range(args.repeats):
                # Fresh walks per run (distinct keys: nothing is reused from a previous run).
                x = walks(1 + r).persist()
                wait(x)
                t0 = time.perf_counter()
                features = map_features(x, pipe).persist()  # n_jobs=1 per task: one task per worker thread
                wait(features)
                times.append(time.perf_counter() - t0)
                if r == 0:
                    assert np.array_equal(features.compute(), reference), "dask features differ from the local call"
                del x, features
            seconds = min(times)
            rows.append((f"LocalCluster, {workers} worker(s) x 1 thread", seconds))

    print(
        f"{n} random walks of length {length}; features: sublevel H0 -> persistence image 20x20 "
        f"(400 float32); chunks of {args.chunk} series; best of {args.repeats}"
    )
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    load_after = os.getloadavg()
    print(
        f"1-minute load average {load_before[0]:.2f} before the run (other work on the machine), "
        f"{load_after[0]:.2f} after (this run included)"
    )
    print()
    print(f"| {'configuration':<40} | {'seconds':>8} | {'series/s':>10} |")
    print(f"|{'-' * 42}|{'-' * 9}:|{'-' * 11}:|")
    for label, seconds in rows:
        print(f"| {label:<40} | {seconds:8.3f} | {n / seconds:10,.0f} |")


if __name__ == "__main__":
    main()
