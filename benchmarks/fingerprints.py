"""Print the fingerprint of every preset (float32 and float64, seeds given as arguments,
default 0) and of every run of every sweep preset: run before and after a change that must
not change the numbers, and diff the two outputs.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.fingerprints 0 1 > before.txt
"""

from __future__ import annotations

import dataclasses
import sys

from nncore import PRESETS, SWEEP_PRESETS, run_sweep, train


def main(argv: list[str]) -> None:
    seeds = [int(s) for s in argv] or [0]
    for name, config in PRESETS.items():
        for seed in seeds:
            for dtype in ("float32", "float64"):
                h = train(dataclasses.replace(config, seed=seed, dtype=dtype))
                print(f"preset {name:16s} seed {seed} {dtype} {h.status:9s} {h.fingerprint()}",
                      flush=True)
    for name, spec in SWEEP_PRESETS.items():
        for row in run_sweep(spec).runs:
            point = " ".join(f"{a.field}={row[a.field]!r}" for a in spec.axes)
            print(f"sweep {name} run {row['index']:3d} {point} seed {row['seed']} "
                  f"{row['status']} {row['fingerprint']}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
