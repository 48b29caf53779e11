"""Slider scales: log grids that include exactly 0, and number formatting for their labels."""

from __future__ import annotations

import math
from collections.abc import Sequence


def log_grid(lo_exp: int, hi_exp: int, *, zero: bool = True,
             top: float | None = None) -> tuple[float, ...]:
    """1-2-5 steps from 10**lo_exp up to 10**hi_exp (or `top`), with an exact 0 first if `zero`."""
    values = [m * 10.0**e for e in range(lo_exp, hi_exp + 1) for m in (1, 2, 5)]
    limit = top if top is not None else 10.0**hi_exp
    values = [float(f"{v:.12g}") for v in values if v <= limit * (1 + 1e-12)]
    return ((0.0,) if zero else ()) + tuple(values)


LAMBDA_GRID = log_grid(-6, 0)                      # 0, 1e-6 ... 1
DECAY_GRID = log_grid(-9, 0)                       # 0, 1e-9 ... 1
LR_GRID = log_grid(-4, 2, zero=False)              # 1e-4 ... 100
EPS_GRID = log_grid(-10, 0, zero=False)            # 1e-10 ... 1
SAMPLES_GRID = (2, 5, 10, 20, 50, 100, 200, 300, 500, 1000, 2000, 5000)
EPOCHS_GRID = (1, 2, 5, 11, 21, 51, 101, 201, 501, 1001, 2001, 3001, 5001, 10001, 20001, 50001,
               100000)
NEURONS_GRID = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


LOG_GRIDS = (LAMBDA_GRID, DECAY_GRID, LR_GRID, EPS_GRID)


def marks(grid: Sequence[float], most: int = 5) -> str:
    """The marks of a log grid as its slider's caption (issue 20, 5: the sliders read "0 ... 1"
    at their ends but step 1-2-5 on a log scale): '0 · 1e-6 · 1e-4 · 1e-2 · 1', powers of ten
    from the top down, at most `most` marks with the 0 (the steps between: 1-2-5)."""
    positive = [g for g in grid if g > 0]
    lo, hi = round(math.log10(min(positive))), round(math.log10(max(positive)))
    room = most - (1 if 0.0 in grid else 0) - 1
    step = max(1, math.ceil((hi - lo) / room))
    exps = sorted(range(hi, lo - 1, -step))
    exps[0] = lo  # both ends are marks
    labels = ["0"] if 0.0 in grid else []
    labels += ["1" if e == 0 else f"{10**e}" if e > 0 else f"1e{e}" for e in exps]
    return "log scale: " + " · ".join(labels)


def with_value(grid: Sequence, value) -> list:
    """The grid plus `value` (sorted in), so a preset or URL value off the grid is shown exactly."""
    if value in grid:
        return list(grid)
    return sorted([*grid, value])


def sci(value: float) -> str:
    """Compact scientific notation for slider labels: 0, 5e-4, 0.02, 1, 100."""
    if value == 0:
        return "0"
    if 1e-2 <= abs(value) < 1e4:
        return f"{value:.6g}"
    mantissa, exponent = f"{value:.3e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def human_int(value: int) -> str:
    """Thousands separated with a thin space: 10 001."""
    return f"{value:,}".replace(",", "\u2009")


def nearest(grid: Sequence[float], value: float) -> float:
    """The grid value nearest to `value` on a log scale (0 maps to 0 if the grid has it)."""
    if value <= 0:
        return grid[0]
    positive = [g for g in grid if g > 0]
    return min(positive, key=lambda g: abs(math.log10(g) - math.log10(value)))
