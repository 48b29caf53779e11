"""A run's cost estimate: seconds it will take, whether it is long, epochs between yields."""

from __future__ import annotations

import numpy as np

from nncore import Dataset, TrainConfig
from nncore.config import n_weights

from .recorder import SNAPSHOTS

REDRAW_S = 0.25         # a live run's snapshots come this often (ui.live redraws each)
LIVE_RESOLUTION = 60    # decision-grid resolution while training (final: FINAL_RESOLUTION)
FINAL_RESOLUTION = 100
CHUNK_TARGET_MS = 8.0   # epochs per yield sized so a yield comes about this often
# Runs estimated longer than this leave one training slot to the short runs (workers.slots);
# a run that outlives the threshold becomes long then. Estimates of some runs beside it:
# docs/DECISIONS.md#run-cost-estimate-and-long-runs.
LONG_RUN_S = 10.0


# Milliseconds of one epoch, fitted to timed configs (how, and how to refit:
# docs/DECISIONS.md#run-cost-estimate-and-long-runs): a constant, the weights' multiply-adds
# (a training point costs 3: forward, backward; a validation point 1), the units'
# activations, and the validation pass's softmax and loss per point and class.
MS_CONSTANT, MS_PER_MAC, MS_PER_UNIT, MS_PER_VAL_CLASS = 0.056, 1.5e-8, 5.7e-7, 4.5e-6
SAFETY = 1.5  # the estimate errs on the long side


def point_ms(config: TrainConfig, classes: int) -> float:
    """Milliseconds of one forward pass of one point (the validation pass's unit of work)."""
    units = sum(config.hidden) + classes
    return (n_weights(config.hidden, classes) * MS_PER_MAC + units * MS_PER_UNIT
            + classes * MS_PER_VAL_CLASS)


def epoch_ms(config: TrainConfig, n_train: int, n_val: int, classes: int) -> float:
    """A (generous: SAFETY times the fit) estimate of one epoch's milliseconds: the training
    pass over n_train points and the validation pass over n_val."""
    units = sum(config.hidden) + classes
    per_train = 3 * n_weights(config.hidden, classes) * MS_PER_MAC + 3 * units * MS_PER_UNIT
    return SAFETY * (MS_CONSTANT + n_train * per_train + n_val * point_ms(config, classes))


def run_seconds(config: TrainConfig, n_train: int, n_val: int, classes: int,
                pace_s: float = REDRAW_S) -> float:
    """Estimated seconds of a live run: its epochs, plus a decision grid of
    LIVE_RESOLUTION**2 points every `pace_s` seconds and the final one."""
    train_s = config.epochs * epoch_ms(config, n_train, n_val, classes) / 1000
    grid_s = SAFETY * point_ms(config, classes) / 1000
    live_share = LIVE_RESOLUTION**2 * grid_s / pace_s  # grid seconds per second of training
    return train_s * (1 + live_share) + FINAL_RESOLUTION**2 * grid_s


def run_sizes(config: TrainConfig, data: Dataset | None) -> tuple[int, int, int]:
    """(training points, validation points, classes) of a run."""
    if data is None:
        k = config.classes  # (2 for moons and XOR: TrainConfig checks)
        return config.samples * k, config.val_samples * k, k
    return len(data.y), len(data.y_val), data.classes


def chunk_for(config: TrainConfig, n_train: int, n_val: int, classes: int) -> int:
    """Epochs between yields: cheap models yield every ~CHUNK_TARGET_MS, big ones every epoch,
    and every run at least SNAPSHOTS times (each yield may take a replay snapshot)."""
    per_epoch = epoch_ms(config, n_train, n_val, classes)
    chunk = int(np.clip(round(CHUNK_TARGET_MS / per_epoch), 1, 200))
    return max(1, min(chunk, config.epochs // SNAPSHOTS))


def is_long(config: TrainConfig, data: Dataset | None = None) -> bool:
    """A long run (estimated over LONG_RUN_S): it may not take the last free training slot."""
    return run_seconds(config, *run_sizes(config, data)) > LONG_RUN_S
