"""The session run log, CSV/JSON exports and the blank run the charts start from (the run's
numbers themselves: workers.views). No Streamlit here: pure functions of their arguments."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd

from nncore.history import SERIES
from nncore.metrics import METRICS, NEAR_ZERO
from workers.views import RunView, weight_histogram

MAX_LOG_ROWS = 50
NEAR_ZERO_LABEL = f"|w|<{NEAR_ZERO:.0e}".replace("e-0", "e-")  # '|w|<1e-3': card, table


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
    row.update({m: _round(view.final.get(m)) for m in LOG_COLUMNS})
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


# The run log's final values (nncore.metrics.METRICS but data_loss), in order, and their headers.
# ("loss" is the total, data + reg: said so, as it stands beside the val loss, data only.)
LOG_COLUMNS = {"accuracy": "train acc", "val_accuracy": "val acc",
               "loss": "train loss (data+reg)", "val_loss": "val loss", "reg_loss": "reg loss",
               "near_zero_weights": f"|w|<{NEAR_ZERO:g} share", "exact_zero_weights": "w=0 share"}


def log_frame(log: list[dict]):
    """The log as a table, newest first, numbered from 1 in the order the runs happened."""
    frame = pd.DataFrame(log).drop(columns=["key", "config", "data"], errors="ignore")
    if frame.empty:
        return frame
    frame.insert(0, "run", range(1, len(frame) + 1))
    return frame.rename(columns=LOG_COLUMNS).iloc[::-1].reset_index(drop=True)


def log_csv(log: list[dict]) -> bytes:
    buffer = io.StringIO()
    log_frame(log).to_csv(buffer, index=False)
    return buffer.getvalue().encode()
