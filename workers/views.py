"""A run as plain numbers (what the pages draw and cache), made from a History by the worker."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nncore.history import SERIES
from nncore.metrics import NEAR_ZERO, final_values, regularised_weights

from .network import picture_from_history

WEIGHT_LIMIT = 4.0  # the weight histogram's fixed range [-4, 4]; larger |w| go in the end bins
WEIGHT_BINS = 12    # bins on each side of the centre bin |w| < NEAR_ZERO


@dataclass(frozen=True)
class RunView:
    """Everything the page shows about one run, detached from the model (cheap to cache)."""

    config: dict
    status: str
    diverged_at: int | None
    elapsed_s: float
    epoch: np.ndarray
    series: dict           # name -> float64 array, one value per recorded epoch
    final: dict            # nncore.metrics.final_values: last values and weight sparsity
    grid: tuple            # (xs, ys, probs) decision regions
    points: tuple          # (X, y, X_val, y_val)
    weight_hist: tuple     # (edges, counts) of the regularised layers' weights (weight_edges)
    n_params: int
    fingerprint: str = ""  # History.fingerprint(): equal fingerprints, equal numbers
    extras: object = None  # recorder.Extras of a finished run (replay, inside the network)
    network: object = None  # workers.network.Picture: the network drawn (None: not known)


def weight_edges() -> np.ndarray:
    """Histogram edges fixed for every run, so that two runs compare: a centre bin
    (-NEAR_ZERO, NEAR_ZERO), then WEIGHT_BINS bins each side, evenly spaced in log|w| out to
    WEIGHT_LIMIT (a symmetric-log axis shows them evenly)."""
    outer = np.geomspace(NEAR_ZERO, WEIGHT_LIMIT, WEIGHT_BINS + 1)
    return np.r_[-outer[::-1], outer]


def weight_histogram(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(edges, counts) of `w` over weight_edges(); the centre bin counts exactly |w| <
    NEAR_ZERO (the card's number), |w| beyond WEIGHT_LIMIT goes in the outermost bins."""
    w = np.asarray(w, dtype=np.float64)
    w = w[np.isfinite(w)]
    edges = weight_edges()
    outer = edges[WEIGHT_BINS + 1:]  # NEAR_ZERO ... WEIGHT_LIMIT (edges[WEIGHT_BINS] is -NEAR_ZERO)
    size = np.abs(w)
    far = size >= NEAR_ZERO
    side = np.clip(np.searchsorted(outer, size[far], side="right") - 1, 0, WEIGHT_BINS - 1)
    positive = np.bincount(side[w[far] > 0], minlength=WEIGHT_BINS)
    negative = np.bincount(side[w[far] < 0], minlength=WEIGHT_BINS)
    counts = np.r_[negative[::-1], int(np.count_nonzero(~far)), positive]
    return edges, counts


def view_from_history(history, grid, extras=None) -> RunView:
    """Copy a (possibly still growing) History into a RunView; `grid` is (xs, ys, probs);
    `extras` what workers.recorder recorded (a finished run's)."""
    n = len(history.epoch)
    data = history.data
    regularise_output = history.config.regularise_output
    final = final_values(history)
    return RunView(
        config=history.config.to_dict(), status=history.status,
        diverged_at=history.diverged_at, elapsed_s=float(history.elapsed_s),
        epoch=history.epoch[:n].copy(),
        series={k: getattr(history, k)[:n].copy() for k in SERIES},
        final=final, grid=grid, points=(data.X, data.y, data.X_val, data.y_val),
        weight_hist=weight_histogram(regularised_weights(history.model, regularise_output)),
        n_params=int(history.model.n_params),
        fingerprint=history.fingerprint() if history.status != "running" else "",
        extras=extras, network=picture_from_history(history))
