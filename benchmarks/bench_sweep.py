"""A 16-run sweep three ways: one after the other in this process (the reference), on local
worker processes (nncore's default, one per usable core) and on a Dask LocalCluster (worker
processes on the loopback, one thread each). Prints each wall time (best of --repeats), its
ratio to the reference, and the mean time of one run where it ran (a run slower in a worker
than alone means the cores were shared with something else); checks that all three give the
same fingerprints. A machine check first times busy processes side by side: the ceiling the
cores give right now.

    OPENBLAS_NUM_THREADS=1 flock /tmp/heavy.lock python -m benchmarks.bench_sweep

Targets on 2 cores: local processes >= 1.8x, Dask >= 1.5x. The local time includes starting
the pool (as every sweep does); the Dask time does not include starting the cluster (a
cluster outlives its sweeps), which is printed on its own line.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time

from nncore.sweep import SWEEP_PRESETS, make_spec, run_one, run_sweep, usable_cores


def build_spec(epochs: int):
    """16 runs: the teaching L2 sweep's base config, 4 lambdas x 4 seeds."""
    base = dataclasses.replace(SWEEP_PRESETS["l2-u-curve"].base, epochs=epochs)
    return make_spec(base, ["weight_l2=1e-4:1e-1:log:4"], seeds=4)


def one_after_the_other(spec) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    rows = [run_one(run) for run in spec.runs()]
    return time.perf_counter() - start, rows


def timed_sweep(spec, **where) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    result = run_sweep(spec, **where)
    return time.perf_counter() - start, result.runs


def _spin(n: int = 3_000_000) -> float:
    start = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - start


def machine_check(workers: int) -> float:
    """How much faster `workers` busy processes finish than one after the other, right now:
    ~workers x on idle cores; less when something else runs on them (the ceiling for a sweep)."""
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_spin, [10] * workers))  # start the workers first
        alone = sum(pool.submit(_spin).result() for _ in range(workers))
        start = time.perf_counter()
        list(pool.map(_spin, [3_000_000] * workers))
        return alone / (time.perf_counter() - start)


def _per_run(rows: list[dict]) -> float:
    return sum(r["elapsed_s"] for r in rows) / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1001,
                        help="epochs per run (default 1001, the teaching sweep's)")
    parser.add_argument("--workers", type=int, default=usable_cores(),
                        help="local processes and Dask workers (default: usable cores)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="rounds of the three, interleaved; best of each (default 3)")
    args = parser.parse_args()
    spec = build_spec(args.epochs)
    print(f"sweep: {spec.n_runs} runs of {args.epochs} epochs ({spec.to_string()}), "
          f"{args.workers} workers, {usable_cores()} usable cores, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    ceiling = machine_check(args.workers)
    print(f"machine check: {args.workers} busy processes at once {ceiling:.2f}x one after the "
          "other (the ceiling now)")

    from distributed import LocalCluster
    start = time.perf_counter()
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    started = time.perf_counter() - start
    ways = {"one after the other": lambda: one_after_the_other(spec),
            "local processes": lambda: timed_sweep(spec, jobs=args.workers),
            "Dask LocalCluster": lambda: timed_sweep(spec, scheduler=cluster.scheduler_address)}
    best = {name: (float("inf"), 0.0) for name in ways}
    expected = None
    try:
        for _ in range(args.repeats):
            for name, measure in ways.items():
                wall, rows = measure()
                prints = [r["fingerprint"] for r in rows]
                assert expected is None or prints == expected, f"{name}: different numbers"
                expected = prints
                best[name] = min(best[name], (wall, _per_run(rows)))
    finally:
        cluster.close()
    ref = best["one after the other"][0]
    targets = {"local processes": "   (target >= 1.8x)",
               "Dask LocalCluster": f"   (target >= 1.5x; starting the cluster: {started:.2f} s)"}
    for name, (wall, per_run) in best.items():
        print(f"{name:<20}{wall:7.2f} s  {ref / wall:5.2f}x   one run {per_run:.3f} s"
              f"{targets.get(name, '')}")
    print("fingerprints: identical in every run of the three")


if __name__ == "__main__":
    main()
