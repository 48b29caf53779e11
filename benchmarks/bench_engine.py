"""Time nncore against the book-style reference on the chapter-15 workload, in one process.

    python -m benchmarks.bench_engine [--epochs 1000] [--repeats 3] [--skip-full]

Prints the median epochs/s of each, the ratio nncore/reference for float32 and float64, then
times the full 10,001-epoch `train(PRESETS["book-ch15"])` in float32. Prints; asserts nothing.
"""

from __future__ import annotations

import os

# Before numpy is imported, or OpenBLAS has already started its threads.
_THREADS_PRESET = "OPENBLAS_NUM_THREADS" in os.environ
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.book_reference import run_reference  # noqa: E402
from nncore import PRESETS, train  # noqa: E402

WARMUP_EPOCHS = 50


def print_environment() -> None:
    how = "already set in the environment" if _THREADS_PRESET else "set by this script"
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']} ({how})")
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs")
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        print("threadpoolctl not installed: no BLAS thread-pool info")
        return
    for pool in threadpool_info():
        print(f"  {pool.get('internal_api')} {pool.get('version')}: "
              f"{pool.get('num_threads')} threads ({pool.get('threading_layer', '?')})")


def ch15(epochs: int, dtype: str):
    return dataclasses.replace(PRESETS["book-ch15"], epochs=epochs, dtype=dtype)


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def bench(epochs: int, repeats: int) -> None:
    """Median epochs/s over `repeats` interleaved runs (wall time of the whole call each)."""
    runs: dict[str, Callable[[], object]] = {
        "reference (book-style, float64)": lambda: run_reference(epochs),
        "nncore float32": lambda: train(ch15(epochs, "float32")),
        "nncore float64": lambda: train(ch15(epochs, "float64")),
    }
    run_reference(WARMUP_EPOCHS)
    train(ch15(WARMUP_EPOCHS, "float32"))
    train(ch15(WARMUP_EPOCHS, "float64"))
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):  # interleaved, so drift in machine load hits all three alike
        for name, run in runs.items():
            seconds[name].append(timed(run))
    rate = {name: epochs / statistics.median(s) for name, s in seconds.items()}
    print(f"\nchapter 15, {epochs} epochs, median of {repeats} (after a {WARMUP_EPOCHS}-epoch "
          f"warm-up); wall time of each call, data and validation included")
    for name, s in seconds.items():
        runs_s = ", ".join(f"{x:.3f}" for x in s)
        print(f"  {name:32s} {rate[name]:8.0f} epochs/s   runs: {runs_s} s")
    ref = rate["reference (book-style, float64)"]
    print(f"  ratio nncore/reference: float32 {rate['nncore float32'] / ref:.1f}x, "
          f"float64 {rate['nncore float64'] / ref:.1f}x")
    print("  (the reference runs without nnfs.init(), so it is faster than the book's own set-up"
          " (nnfs.init(), ~180 epochs/s on a 2-core machine): these ratios are conservative)")


def full_run() -> None:
    config = dataclasses.replace(PRESETS["book-ch15"], dtype="float32")
    start = time.perf_counter()
    history = train(config)
    wall = time.perf_counter() - start
    final = history.final()
    print(f"\nfull train(PRESETS['book-ch15']), float32, {config.epochs} epochs: "
          f"{wall:.2f} s wall ({history.elapsed_s:.2f} s training), status {history.status}, "
          f"{final['epochs_run'] / wall:.0f} epochs/s")
    print(f"  train: acc {final['accuracy']:.3f}, loss {final['loss']:.3f} "
          f"(data {final['data_loss']:.3f}, reg {final['reg_loss']:.3f}), "
          f"lr {final['learning_rate']:.5f}")
    print(f"  val:   acc {final['val_accuracy']:.3f}, loss {final['val_loss']:.3f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000, help="epochs per timed run")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each")
    parser.add_argument("--skip-full", action="store_true", help="skip the 10,001-epoch run")
    args = parser.parse_args(argv)
    print_environment()
    bench(args.epochs, args.repeats)
    if not args.skip_full:
        full_run()


if __name__ == "__main__":
    main()
