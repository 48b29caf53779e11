"""Each preset's epochs/s with and without its regularisation, in one process.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_presets [--epochs N] [--repeats 5]
        [--dtype float32] [--preset NAME ...]

"Without" is the preset with every lambda and dropout at 0; for a preset that has both
lambdas and dropout, "lambdas only" (dropout 0) is timed too, so the two costs are told
apart. Runs are interleaved, `repeats` times each, and the median wall time of `train()` is
taken. Issue 8 asks for a float32 ratio without/with of at most 1.3: subnormal floats once
made Adam + L2 runs 8x slower (nncore/optim.py flushes them). Prints; asserts nothing.
"""

from __future__ import annotations

import os

# Before numpy is imported, or OpenBLAS has already started its threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from nncore import PRESETS, TrainConfig, train  # noqa: E402

LAMBDAS = ("weight_l1", "weight_l2", "bias_l1", "bias_l2")


def variants(config: TrainConfig) -> dict[str, TrainConfig]:
    """"with" (the preset), "without" (no lambdas, no dropout), maybe "lambdas only"."""
    none = {k: 0.0 for k in LAMBDAS}
    out = {"with": config, "without": dataclasses.replace(config, **none, dropout=0.0)}
    if config.dropout > 0 and any(getattr(config, k) > 0 for k in LAMBDAS):
        out["lambdas only"] = dataclasses.replace(config, dropout=0.0)
    return out


def timed(config: TrainConfig) -> float:
    start = time.perf_counter()
    history = train(config)
    wall = time.perf_counter() - start
    if history.status != "completed":
        raise SystemExit(f"{config}: {history.status}")
    return wall


def bench(name: str, config: TrainConfig, repeats: int) -> None:
    runs = variants(config)
    if runs["with"] == runs["without"]:
        print(f"{name:16s} {config.dtype} no regularisation: nothing to compare", flush=True)
        return
    for c in runs.values():  # warm-up: buffers, caches, lazy imports
        train(dataclasses.replace(c, epochs=min(c.epochs, 50)))
    seconds: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(repeats):  # interleaved, so drift in machine load hits all alike
        for k, c in runs.items():
            seconds[k].append(timed(c))
    rate = {k: config.epochs / statistics.median(s) for k, s in seconds.items()}
    cells = "  ".join(f"{k} {r:7.0f}" for k, r in rate.items())
    print(f"{name:16s} {config.dtype} {config.epochs:6d} epochs   epochs/s: {cells}   "
          f"ratio without/with {rate['without'] / rate['with']:.2f}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, help="epochs per run (default: the preset's)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each variant")
    parser.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    parser.add_argument("--preset", nargs="*", choices=sorted(PRESETS), default=list(PRESETS))
    args = parser.parse_args(argv)
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, median of "
          f"{args.repeats} interleaved runs of train(); ratio = epochs/s without / with")
    for name in args.preset:
        config = dataclasses.replace(PRESETS[name], dtype=args.dtype)
        if args.epochs:
            config = dataclasses.replace(config, epochs=args.epochs)
        bench(name, config, args.repeats)


if __name__ == "__main__":
    main()
