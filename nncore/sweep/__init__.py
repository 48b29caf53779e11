"""Sweeps: a grid of configs over several seeds, run on local processes or a Dask cluster."""

from .cluster import CONNECT_TIMEOUT_S, SCHEDULER_ENV, scheduler_from_env
from .executor import Sweep, SweepResult, run_sweep, start_sweep, start_sweep_in_background
from .local import local_jobs, usable_cores
from .presets import SWEEP_PRESET_NOTES, SWEEP_PRESETS
from .run import METRICS, best_point, row_from_final, row_from_history, run_one, summarise
from .spec import (
    MAX_AXES,
    MAX_RUNS,
    MAX_SEEDS,
    MAX_VALUES,
    Axis,
    SweepSpec,
    fmt,
    make_spec,
    numeric_fields,
    parse_axis,
)

__all__ = [
    "CONNECT_TIMEOUT_S", "MAX_AXES", "MAX_RUNS", "MAX_SEEDS", "MAX_VALUES", "METRICS",
    "SCHEDULER_ENV", "SWEEP_PRESETS", "SWEEP_PRESET_NOTES", "Axis", "Sweep", "SweepResult",
    "SweepSpec", "best_point", "fmt", "local_jobs", "make_spec", "numeric_fields", "parse_axis",
    "row_from_final", "row_from_history", "run_one", "run_sweep", "scheduler_from_env",
    "start_sweep", "start_sweep_in_background", "summarise", "usable_cores",
]
