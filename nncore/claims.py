"""Every number the lab's teaching text quotes, in one table, measured on seeds 0-19.

The seed is a setting students change, so a range on screen ("validation ends at 0.24-0.29")
is the range over every seed they can pick, 0-19. Each Claim names the run it is measured on
(a preset, plus changed fields, under the preset's own optimiser), the quantity, and the
range; the preset notes (nncore/presets.py), the lesson (ui/lessons.py) and the help page
write their numbers from `CLAIMS[key].text`, and tests/engine/test_claims.py trains every
run on the 20 seeds and checks each value lies in its claim's range as the text rounds it.

Re-measure after a change to the engine or a preset, and print the table for a note:

    OPENBLAS_NUM_THREADS=1 python -m nncore.claims          # ~3 min on 2 cores
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .metrics import final_values
from .presets import PRESETS

SEEDS = range(20)  # every seed the teaching text speaks for
ON_SEEDS = "on 20 seeds"  # how the screen says so


def _jumps(history) -> float:
    """Epochs in the second half of training whose total loss is 10% above the epoch before."""
    loss = history.loss
    tail = loss[len(loss) // 2:]
    return float(np.sum(tail[1:] > 1.1 * tail[:-1]))


# What a claim can measure on a finished run (History -> number).
MEASURES: dict[str, Callable] = {
    "accuracy": lambda h: h.final()["accuracy"],
    "val_accuracy": lambda h: h.final()["val_accuracy"],
    "reg_loss": lambda h: h.final()["reg_loss"],
    "data_loss": lambda h: h.final()["data_loss"],
    "val_loss": lambda h: h.final()["val_loss"],
    "lowest_val_loss": lambda h: float(np.min(h.val_loss)),
    "lowest_val_epoch": lambda h: float(h.epoch[int(np.argmin(h.val_loss))]),
    "near_zero": lambda h: final_values(h)["near_zero_weights"],
    "exact_zero": lambda h: final_values(h)["exact_zero_weights"],
    "jumps": _jumps,
}

# The runs the claims are measured on: (preset, changed fields).
RUNS: dict[str, tuple[str, dict]] = {
    "book-ch14": ("book-ch14", {}),
    "book-ch15": ("book-ch15", {}),
    "overfit": ("overfit", {}),
    "overfit-l2": ("overfit-l2", {}),
    "overfit-dropout": ("overfit-dropout", {}),
    "l1-sparse": ("l1-sparse", {}),
    "l1-sparse, L2 instead": ("l1-sparse", {"weight_l1": 0.0, "weight_l2": 1e-3}),
    "l1-sparse, L1 1e-3": ("l1-sparse", {"weight_l1": 1e-3}),
    "decay step, no decay": ("overfit-l2", {"learning_rate": 0.05, "decay": 0.0}),
    "decay step, decay 2e-2": ("overfit-l2", {"learning_rate": 0.05, "decay": 2e-2}),
    "adam-l2": ("l2-adam", {}),
    "adamw-l2 same lambda": ("l2-adam", {"optimizer": "adamw"}),
    "adamw-l2": ("l2-adamw", {}),
}


@dataclass(frozen=True)
class Claim:
    """A quoted range: `measure` on run `run` lies in [low, high] on every seed, as `style`
    rounds it ("2f", "3f": decimals; "pct": whole percent; "int": a count). A tight claim's
    ends are the measured extremes."""

    run: str
    measure: str
    low: float
    high: float
    style: str = "2f"
    tight: bool = True  # False: a bound the text paraphrases ("after about 50 epochs")

    def shown(self, x: float) -> str:
        if self.style == "pct":
            return f"{x:.0%}"
        if self.style == "int":
            return f"{x:.0f}"
        return f"{x:.{self.style[0]}f}"

    def rounded(self, x: float) -> float:
        return float(self.shown(x).rstrip("%")) / (100 if self.style == "pct" else 1)

    @property
    def text(self) -> str:
        """The range as the screen shows it: '0.24-0.29', '38-52%', '17-41'."""
        if self.style == "pct":
            return f"{self.shown(self.low)[:-1]}-{self.shown(self.high)}"
        return f"{self.shown(self.low)}-{self.shown(self.high)}"

    def outside(self, values: Iterable[float]) -> list[float]:
        """The values (as rounded on screen) that fall outside the range."""
        return [r for r in (self.rounded(v) for v in values)
                if not (self.rounded(self.low) <= r <= self.rounded(self.high))]


CLAIMS: dict[str, Claim] = {
    "book-ch14 train accuracy": Claim("book-ch14", "accuracy", 0.87, 0.95),
    "book-ch14 val accuracy": Claim("book-ch14", "val_accuracy", 0.77, 0.85),
    "book-ch15 train accuracy": Claim("book-ch15", "accuracy", 0.62, 0.71),
    "book-ch15 val accuracy": Claim("book-ch15", "val_accuracy", 0.65, 0.77),
    "book-ch15 reg loss": Claim("book-ch15", "reg_loss", 0.008, 0.022, "3f"),
    "overfit train accuracy": Claim("overfit", "accuracy", 0.97, 1.00, "pct"),
    "overfit lowest val loss": Claim("overfit", "lowest_val_loss", 0.22, 0.34),
    "overfit lowest val epoch": Claim("overfit", "lowest_val_epoch", 35, 65, "int",
                                     tight=False),
    "overfit final val loss": Claim("overfit", "val_loss", 0.41, 1.23),
    "overfit-l2 train accuracy": Claim("overfit-l2", "accuracy", 0.9, 1.00, "pct"),
    "overfit-l2 final val loss": Claim("overfit-l2", "val_loss", 0.22, 0.31),
    "overfit-dropout train accuracy": Claim("overfit-dropout", "accuracy", 0.76, 0.94),
    "overfit-dropout val accuracy": Claim("overfit-dropout", "val_accuracy", 0.81, 0.92),
    "overfit-dropout final val loss": Claim("overfit-dropout", "val_loss", 0.3, 0.45),
    "l1-sparse near zero": Claim("l1-sparse", "near_zero", 0.35, 0.52, "pct"),
    "l1-sparse val accuracy": Claim("l1-sparse", "val_accuracy", 0.98, 1.00, "pct"),
    "l1-sparse exactly zero": Claim("l1-sparse", "exact_zero", 0.0, 0.0, "pct"),
    "l1-sparse L2 exactly zero": Claim("l1-sparse, L2 instead", "exact_zero", 0.0, 0.0, "pct"),
    "l1-sparse L2 near zero": Claim("l1-sparse, L2 instead", "near_zero", 0.03, 0.22, "pct"),
    "l1-sparse strong near zero": Claim("l1-sparse, L1 1e-3", "near_zero", 0.9, 0.98, "pct"),
    "l1-sparse strong val accuracy": Claim("l1-sparse, L1 1e-3", "val_accuracy", 0.85, 1.00,
                                           "pct"),
    "decay step jumps": Claim("decay step, no decay", "jumps", 16, 51, "int"),
    "decay step jumps with decay": Claim("decay step, decay 2e-2", "jumps", 0, 0, "int"),
    "adam-l2 near zero": Claim("adam-l2", "near_zero", 0.69, 0.83, "pct"),
    "adam-l2 exactly zero": Claim("adam-l2", "exact_zero", 0.68, 0.83, "pct"),
    "adam-l2 final val loss": Claim("adam-l2", "val_loss", 0.21, 0.31),
    "adamw same lambda near zero": Claim("adamw-l2 same lambda", "near_zero", 0.0, 0.01, "pct"),
    "adamw same lambda final val loss": Claim("adamw-l2 same lambda", "val_loss", 0.4, 1.22),
    "adamw-l2 near zero": Claim("adamw-l2", "near_zero", 0.04, 0.08, "pct"),
    "adamw-l2 exactly zero": Claim("adamw-l2", "exact_zero", 0.0, 0.0, "pct"),
    "adamw-l2 final val loss": Claim("adamw-l2", "val_loss", 0.28, 0.54),
    "adamw-l2 reg loss": Claim("adamw-l2", "reg_loss", 340, 589, "int"),
}


def text(key: str) -> str:
    """CLAIMS[key]'s range as the screen shows it."""
    return CLAIMS[key].text


def run_config(run: str, seed: int):
    preset, changes = RUNS[run]
    return dataclasses.replace(PRESETS[preset], seed=seed, **changes)


def measure_one(job: tuple[str, int]) -> tuple[str, int, dict[str, float]]:
    """(run, seed) -> (run, seed, every measure of that run); a process pool's task."""
    from .train import train

    run, seed = job
    history = train(run_config(run, seed))
    return run, seed, {name: float(f(history)) for name, f in MEASURES.items()}


def measure(runs: Iterable[str] = RUNS, seeds: Iterable[int] = SEEDS, jobs: int = 2
            ) -> dict[str, dict[str, list[float]]]:
    """{run: {measure: [value per seed, in seed order]}}, trained in `jobs` processes (the
    standard library's pool: the runs are independent, and a fresh process per worker keeps
    the caller's threads and BLAS settings out of it)."""
    from concurrent.futures import ProcessPoolExecutor

    todo = [(run, seed) for run in runs for seed in seeds]
    # the longest runs first, so the pool does not end waiting on one of them
    todo.sort(key=lambda job: -PRESETS[RUNS[job[0]][0]].epochs * PRESETS[RUNS[job[0]][0]].samples)
    found: dict[tuple[str, int], dict[str, float]] = {}
    with ProcessPoolExecutor(jobs) as pool:
        for run, seed, values in pool.map(measure_one, todo):
            found[run, seed] = values
    seeds = sorted({seed for _, seed in todo})
    return {run: {name: [found[run, s][name] for s in seeds] for name in MEASURES}
            for run in {run for run, _ in todo}}


def table(measured: dict[str, dict[str, list[float]]]) -> list[tuple[str, str, str, str]]:
    """(claim, quoted, measured min-max, 'ok' or the seeds outside) for every claim."""
    rows = []
    for key, claim in CLAIMS.items():
        values = measured[claim.run][claim.measure]
        lo, hi = min(values), max(values)
        span = f"{claim.shown(lo)}-{claim.shown(hi)}"
        bad = [s for s, v in enumerate(values) if claim.outside([v])]
        rows.append((key, claim.text, span, "ok" if not bad else f"outside on seeds {bad}"))
    return rows


if __name__ == "__main__":
    result = measure(jobs=int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    width = max(len(k) for k in CLAIMS)
    for key, quoted, span, verdict in table(result):
        print(f"{key:<{width}}  quoted {quoted:<12} measured {span:<12} {verdict}")
    nan = [k for k, c in CLAIMS.items() if any(math.isnan(v) for v in result[c.run][c.measure])]
    if nan:
        print("NaN values for:", nan)
