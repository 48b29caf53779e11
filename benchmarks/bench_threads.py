"""Do training runs gain from running side by side? Threads of one process vs processes.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_threads [--runs 2] [--repeats 5]

The server runs every session as a thread of one process, so two sessions training "at once"
are two threads sharing one interpreter lock. This times `--runs` default-config trainings
(a) one after the other, (b) as that many threads at once and (c) as that many worker
processes at once, all in this process's run, and prints the medians and the ratios against (a).
A ratio above 1 means running them side by side is slower than one after the other. Prints;
asserts nothing.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy starts its threads

import argparse  # noqa: E402
import multiprocessing  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402

from nncore import TrainConfig, train  # noqa: E402


def one_run(seed: int) -> str:
    return train(TrainConfig(seed=seed)).fingerprint()


def serial(runs: int) -> float:
    t = time.perf_counter()
    for i in range(runs):
        one_run(i)
    return time.perf_counter() - t


def threaded(runs: int) -> float:
    threads = [threading.Thread(target=one_run, args=(i,)) for i in range(runs)]
    t = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - t


def processes(pool: ProcessPoolExecutor, runs: int) -> float:
    t = time.perf_counter()
    list(pool.map(one_run, range(runs)))
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="runs side by side")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores, OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, "
          f"{args.runs} default-config runs, median of {args.repeats}")
    one_run(0)  # warm up: imports, BLAS, first-call costs
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(args.runs, mp_context=context) as pool:
        list(pool.map(one_run, range(args.runs)))  # start the workers before timing
        times = {"one after the other": [], "threads at once": [], "processes at once": []}
        for _ in range(args.repeats):
            times["one after the other"].append(serial(args.runs))
            times["threads at once"].append(threaded(args.runs))
            times["processes at once"].append(processes(pool, args.runs))
    base = statistics.median(times["one after the other"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:20s} {median:6.3f} s   ratio {median / base:5.2f}")


if __name__ == "__main__":
    main()
