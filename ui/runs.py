"""Run results as plain numbers (what the page draws and caches), the session run log, and
CSV/JSON exports. No Streamlit here: these are pure functions of their arguments."""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass

import numpy as np

from nncore.metrics import NEAR_ZERO, regularised_weights, sparsity

SERIES = ("data_loss", "reg_loss", "accuracy", "val_loss", "val_accuracy", "learning_rate")
MAX_LOG_ROWS = 50
METRICS = ("accuracy", "val_accuracy", "loss", "val_loss", "reg_loss", "near_zero_weights",
           "exact_zero_weights")
WEIGHT_LIMIT = 4.0  # the weight histogram's fixed range [-4, 4]; larger |w| go in the end bins
NEAR_ZERO_LABEL = f"|w|<{NEAR_ZERO:.0e}".replace("e-0", "e-")  # '|w|<1e-3': card, table
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
    final: dict            # History.final() plus the weights' sparsity (nncore.metrics)
    grid: tuple            # (xs, ys, probs) decision regions
    points: tuple          # (X, y, X_val, y_val)
    weight_hist: tuple     # (edges, counts) of the regularised layers' weights (weight_edges)
    n_params: int
    fingerprint: str = ""  # History.fingerprint(): equal fingerprints, equal numbers
    extras: object = None  # ui.inside.Extras of a finished run (replay, inside the network)


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
    outer = edges[WEIGHT_BINS:]  # NEAR_ZERO ... WEIGHT_LIMIT
    size = np.abs(w)
    far = size >= NEAR_ZERO
    side = np.clip(np.searchsorted(outer, size[far], side="right") - 1, 0, WEIGHT_BINS - 1)
    positive = np.bincount(side[w[far] > 0], minlength=WEIGHT_BINS)
    negative = np.bincount(side[w[far] < 0], minlength=WEIGHT_BINS)
    counts = np.r_[negative[::-1], int(np.count_nonzero(~far)), positive]
    return edges, counts


def view_from_history(history, grid, extras=None) -> RunView:
    """Copy a (possibly still growing) History into a RunView; `grid` is (xs, ys, probs);
    `extras` what ui.inside recorded (a finished run's)."""
    n = len(history.epoch)
    data = history.data
    regularise_output = history.config.regularise_output
    shares = sparsity(history.model, regularise_output)
    final = dict(history.final(), near_zero_weights=shares["near_zero"],
                 exact_zero_weights=shares["exact_zero"])
    return RunView(
        config=history.config.to_dict(), status=history.status,
        diverged_at=history.diverged_at, elapsed_s=float(history.elapsed_s),
        epoch=history.epoch[:n].copy(),
        series={k: getattr(history, k)[:n].copy() for k in SERIES},
        final=final, grid=grid, points=(data.X, data.y, data.X_val, data.y_val),
        weight_hist=weight_histogram(regularised_weights(history.model, regularise_output)),
        n_params=int(history.model.n_params),
        fingerprint=history.fingerprint() if history.status != "running" else "",
        extras=extras)


def blank_view(config: dict) -> RunView:
    """A run with nothing recorded yet (what the charts show before the first snapshot)."""
    none = np.zeros((0, 2))
    nan = {k: math.nan for k in (*SERIES, *METRICS, "epochs_run")}
    return RunView(config=config, status="running", diverged_at=None, elapsed_s=0.0,
                   epoch=np.zeros(0, dtype=np.int64), series={k: np.zeros(0) for k in SERIES},
                   final=nan, grid=None, points=(none, np.zeros(0, int), none, np.zeros(0, int)),
                   weight_hist=weight_histogram(np.zeros(0)), n_params=0)


def history_csv(view: RunView) -> bytes:
    """One row per recorded epoch: epoch, the six series and the total loss."""
    import pandas as pd  # not at import: the training workers import this module (ui.trainer)

    frame = pd.DataFrame({"epoch": view.epoch, **view.series})
    frame.insert(3, "loss", frame["data_loss"] + frame["reg_loss"])
    return frame.to_csv(index=False).encode()


def config_json(config: dict) -> bytes:
    """The config as pretty JSON (what `TrainConfig.from_dict` reads back)."""
    return json.dumps(config, indent=2, sort_keys=False).encode()


def config_changes(config: dict, base: dict, *, arrows: bool = False) -> str:
    """'weight_l2=0.001, dropout=0.5' (or with `arrows`, 'dropout 0 → 0.5'): the fields of
    `config` that differ from `base`."""
    if arrows:
        parts = [f"{k} {_short(base.get(k))} → {_short(v)}" for k, v in config.items()
                 if base.get(k) != v]
        return ", ".join(parts) or "(same settings)"
    parts = [f"{k}={_short(v)}" for k, v in config.items() if base.get(k) != v]
    return ", ".join(parts) or "(defaults)"


# The fields that choose the points a run learns (with an uploaded file's digest): two runs
# that agree on them saw the same training and validation data.
DATA_FIELDS = ("dataset", "samples", "classes", "noise", "val_samples", "val_fraction", "seed")


def data_key(config: dict, digest: str = "") -> str:
    fields = {k: config[k] for k in DATA_FIELDS}
    if config["dataset"] != "csv":
        fields.pop("val_fraction")  # (only a file's split uses it)
    return json.dumps(fields, sort_keys=True) + "|" + digest


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "-".join(map(str, value))
    return str(value)


def log_entry(key: str, view: RunView, previous: dict | None, digest: str = "",
              label: str | None = None, defaults: dict | None = None) -> dict:
    """One run-log row: what changed since the `previous` row's run (or, for the session's
    first run, what differs from `defaults`), how it ended, the final metrics."""
    if previous is not None:
        changes = config_changes(view.config, previous["config"], arrows=True)
    else:
        changes = config_changes(view.config, defaults or {})
    row = {"key": key, "config": view.config, "data": data_key(view.config, digest),
           "preset": label or "", "changes": changes, "status": view.status,
           "epochs": int(view.final.get("epochs_run", 0))}
    row.update({m: _round(view.final.get(m)) for m in METRICS})
    row["seconds"] = round(view.elapsed_s, 2)
    row["fingerprint"] = view.fingerprint
    return row


def _round(x) -> float:
    return round(float(x), 4) if x is not None and math.isfinite(float(x)) else math.nan


def append_log(log: list[dict], row: dict, limit: int = MAX_LOG_ROWS) -> list[dict]:
    """A new list with `row` appended (unless it repeats the last row's run), at most `limit`."""
    if log and log[-1]["key"] == row["key"] and log[-1]["status"] == row["status"]:
        return log
    return [*log, row][-limit:]


def last_other(log: list[dict], key: str) -> dict | None:
    """The latest logged run with other settings than `key`'s."""
    return next((row for row in reversed(log) if row["key"] != key), None)


def previous_final(log: list[dict], key: str, data: str) -> dict | None:
    """The latest logged run with other settings but the same data (`data_key`), for the
    cards' deltas: a change of data (or seed) makes the numbers incomparable."""
    row = last_other(log, key)
    return row if row is not None and row["data"] == data else None


LOG_COLUMNS = {"accuracy": "train acc", "val_accuracy": "val acc", "loss": "train loss",
               "val_loss": "val loss", "reg_loss": "reg loss",
               "near_zero_weights": f"|w|<{NEAR_ZERO:g} share", "exact_zero_weights": "w=0 share"}


def log_frame(log: list[dict]):
    """The log as a table, newest first, numbered from 1 in the order the runs happened."""
    import pandas as pd

    frame = pd.DataFrame(log).drop(columns=["key", "config", "data"], errors="ignore")
    if frame.empty:
        return frame
    frame.insert(0, "run", range(1, len(frame) + 1))
    return frame.rename(columns=LOG_COLUMNS).iloc[::-1].reset_index(drop=True)


def log_csv(log: list[dict]) -> bytes:
    buffer = io.StringIO()
    log_frame(log).to_csv(buffer, index=False)
    return buffer.getvalue().encode()
