"""Issue 17 item 10, "a float32 cliff left": a tiny L2 against its unregularised twin.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_subnormal_cliff [--epochs 2001]
        [--repeats 5] [--l2 1e-6] [--dtype float32] [--without-fix]

The twins: spiral, 30 points a class, noise 0.05, 200 validation points a class, 128-128,
Adam lr 0.01 decay 1e-4, with L2 `--l2` on weights and biases ("with") and without. Dead
ReLU units' rows of W shrink under L2 through the tiny normal floats, and their products in
dL/dx = g W^T were subnormal (~745,000 a run), 10-100x slower on many CPUs: the run with L2
took ~2x as long. Dense._drop_dead_inputs (nncore/dense.py) zeroes those rows before the
product (1.90x -> 1.24x); the optimiser's L2 flush floor (nncore/optim.py param_floor) sets
such a weight to 0 once its gradient's square would be subnormal (1.24x -> 1.05x).
`--without-fix` turns the first off (for both twins) to show the cliff. Runs are
interleaved, `repeats` times each, and the median time of `train()` is taken, wall and CPU
(the process's: less disturbed when another job shares the cores): compare ratios from one
run, not epochs/s across runs. The goal is a ratio with/without of at most 1.3 (issue 8's
bound). Prints; asserts nothing.
"""

from __future__ import annotations

import os

# Before numpy is imported, or OpenBLAS has already started its threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from nncore import TrainConfig, train  # noqa: E402
from nncore import model as model_module  # noqa: E402
from nncore.dense import Dense  # noqa: E402

TWIN = TrainConfig(dataset="spiral", samples=30, classes=3, noise=0.05, val_samples=200,
                   hidden=(128, 128), optimizer="adam", learning_rate=0.01, decay=1e-4,
                   epochs=2001, weight_l2=0.0, bias_l2=0.0, seed=0)


def without_fix() -> None:
    """Models built from now on compute dL/dx with the dead inputs' rows (as before the fix)."""
    init = model_module.Model.__init__

    def unfixed_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        for layer in self.layers:
            if isinstance(layer, Dense):
                layer.input_zero_stops_grad = False

    model_module.Model.__init__ = unfixed_init


def timed(config: TrainConfig) -> tuple[float, float]:
    """(wall, CPU) seconds of one train()."""
    wall, cpu = time.perf_counter(), time.process_time()
    history = train(config)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if history.status != "completed":
        raise SystemExit(f"{config}: {history.status}")
    return wall, cpu


def bench(runs: dict[str, TrainConfig], repeats: int) -> dict[str, tuple[float, float]]:
    """(wall, CPU) epochs/s of each config: medians of `repeats` interleaved timed runs."""
    for c in runs.values():  # warm-up: buffers, caches, lazy imports
        train(dataclasses.replace(c, epochs=min(c.epochs, 50)))
    seconds: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
    for _ in range(repeats):  # interleaved, so drift in machine load hits both alike
        for k, c in runs.items():
            seconds[k].append(timed(c))
    return {k: tuple(runs[k].epochs / statistics.median(t) for t in zip(*s, strict=True))
            for k, s in seconds.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=TWIN.epochs, help="epochs per run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each twin")
    parser.add_argument("--l2", type=float, default=1e-6, help="L2 on weights and biases")
    parser.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    parser.add_argument("--seed", type=int, default=TWIN.seed)
    parser.add_argument("--without-fix", action="store_true",
                        help="turn off Dense._drop_dead_inputs (the numbers stay the same)")
    args = parser.parse_args(argv)
    if args.without_fix:
        without_fix()
    base = dataclasses.replace(TWIN, epochs=args.epochs, dtype=args.dtype, seed=args.seed)
    runs = {"without L2": base,
            "with L2": dataclasses.replace(base, weight_l2=args.l2, bias_l2=args.l2)}
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, median of "
          f"{args.repeats} interleaved runs of train(), {args.dtype}, {args.epochs} epochs, "
          f"L2 {args.l2:g}, fix {'off' if args.without_fix else 'on'}", flush=True)
    rate = bench(runs, args.repeats)
    for i, clock in enumerate(("wall", "CPU")):
        cells = "  ".join(f"{k} {r[i]:6.0f}" for k, r in rate.items())
        print(f"{clock:4s} epochs/s: {cells}   ratio with/without (time) "
              f"{rate['without L2'][i] / rate['with L2'][i]:.2f}", flush=True)


if __name__ == "__main__":
    main()
