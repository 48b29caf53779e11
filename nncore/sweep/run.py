"""One sweep run from a plain description, its result row, and the per-point summary over seeds.

`run_one` is what every executor runs (local processes, Dask workers, the dashboard's own
training workers): it takes a JSON-able description, trains with `train(config)` and returns a
JSON-able row, so a run's numbers are those of `train(config)` alone whatever ran it.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..config import TrainConfig
from ..metrics import METRICS, final_values
from ..train import train


def _one_blas_thread():
    """A context limiting BLAS to one thread (a run uses one core; the cores go to other runs).
    Local workers also get OPENBLAS_NUM_THREADS=1 in their environment; a Dask worker may not."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # threadpoolctl is in requirements.txt; without it, run as configured
        from contextlib import nullcontext
        return nullcontext()
    return threadpool_limits(limits=1)


def _base_row(run: dict) -> dict:
    return {"index": run["index"], "point": run["point"], **run["config"]}


def row_from_history(run: dict, history, elapsed_s: float | None = None) -> dict:
    """The row of a run trained elsewhere (same keys as run_one's), e.g. by the dashboard's
    workers: config fields, status, epochs_run, the final METRICS, elapsed_s, fingerprint."""
    return row_from_final(run, final_values(history), status=history.status,
                          diverged_at=history.diverged_at,
                          elapsed_s=history.elapsed_s if elapsed_s is None else elapsed_s,
                          fingerprint=history.fingerprint())


def row_from_final(run: dict, final: dict, *, status: str, diverged_at: int | None,
                   elapsed_s: float, fingerprint: str) -> dict:
    """A run's row from its final values (nncore.metrics.final_values, as a dashboard run
    view keeps them): what row_from_history gives for the same run."""
    row = _base_row(run)
    row.update(status=status, epochs_run=int(final["epochs_run"]), diverged_at=diverged_at)
    row.update({m: float(final[m]) for m in METRICS})
    row.update(elapsed_s=float(elapsed_s), fingerprint=fingerprint, error="")
    return row


def error_row(run: dict, message: str) -> dict:
    """The row of a run that failed outside the engine's checks (e.g. its worker died)."""
    row = _base_row(run)
    row.update(status="error", epochs_run=0, diverged_at=None)
    row.update({m: math.nan for m in METRICS})
    row.update(elapsed_s=0.0, fingerprint="", error=message)
    return row


def run_one(run: dict) -> dict:
    """Train one run described by {"index": i, "point": p, "config": {field: value}} (as
    `SweepSpec.runs()` makes them) with one BLAS thread; return its row (see row_from_history).
    `elapsed_s` is the run's wall time here, data generation included."""
    config = TrainConfig.from_dict(run["config"])
    start = time.perf_counter()
    with _one_blas_thread():
        history = train(config)
    return row_from_history(run, history, time.perf_counter() - start)


def _spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {"mean": math.nan, "std": math.nan, "min": math.nan, "max": math.nan}
    x = np.asarray(values, dtype=np.float64)
    return {"mean": float(x.mean()), "std": float(x.std(ddof=1)) if x.size > 1 else math.nan,
            "min": float(x.min()), "max": float(x.max())}


def summarise(spec, rows: list[dict]) -> list[dict]:
    """One entry per grid point of `spec` (also points with no row yet): the varied fields,
    `runs` (rows so far), `completed`, and for each metric M: M_mean, M_std (over seeds,
    ddof=1; NaN with fewer than 2), M_min, M_max, over the completed runs only."""
    by_point: dict[int, list[dict]] = {}
    for row in rows:
        by_point.setdefault(row["point"], []).append(row)
    summary = []
    for p, point in enumerate(spec.points):
        mine = by_point.get(p, [])
        done = [r for r in mine if r["status"] == "completed"]
        entry = {"point": p, **point, "runs": len(mine), "completed": len(done)}
        for m in METRICS:
            stats = _spread([r[m] for r in done])
            entry.update({f"{m}_{k}": v for k, v in stats.items()})
        summary.append(entry)
    return summary


def best_point(summary: list[dict], metric: str = "val_loss", lowest: bool = True) -> int | None:
    """Index of the grid point with the best mean `metric` (lowest by default), or None."""
    scored = [(e[f"{metric}_mean"], e["point"]) for e in summary
              if math.isfinite(e[f"{metric}_mean"])]
    if not scored:
        return None
    return (min(scored) if lowest else max(scored))[1]
