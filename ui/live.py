"""Live training: a worker process trains (ui.trainer) and its snapshots are drawn into
placeholders, throttled; partial results are kept; completed runs are cached per (config, data)
so that coming back to a config does not retrain."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable

import numpy as np
import streamlit as st

from nncore import Dataset, TrainConfig
from nncore.config import n_weights

from .inside import SNAPSHOTS
from .runs import RunView
from .slots import training_slots
from .trainer import Job, Outcome

REDRAW_S = 0.25         # at most one redraw per quarter second
# A browser's first run in a session: its widgets are lazily loaded components, and React
# renders a loaded one only when no newer update interrupts it. On a loaded 2-core machine
# (browser and server sharing 0.9 of a core, a worker training beside them) the sidebar stayed
# grey skeletons for the whole of a 70,001-epoch run with a redraw every second; with one every
# 2 s they appeared after 5 s. So the session's first run redraws every 2 s.
WARMUP_REDRAW_S = 2.0
LIVE_RESOLUTION = 60    # decision-grid resolution while training (final: FINAL_RESOLUTION)
FINAL_RESOLUTION = 100
CHUNK_TARGET_MS = 8.0   # epochs per yield sized so a yield comes about this often
# Runs estimated longer than this (run_seconds: the default config 0.3 s, book-ch15 6.9 s,
# 100,000 epochs of the default 17 s, 2 points x 10 classes with 5,000 validation points per
# class and 20,001 epochs 79 s, measured alone ~73 s) leave one training slot to the short
# runs (ui.slots); a run that outlives the threshold becomes long then.
LONG_RUN_S = 10.0


def run_key(config: TrainConfig, data_digest: str = "") -> str:
    """Identity of a run: the config's JSON plus, for uploaded data, a hash of the file."""
    text = json.dumps(config.to_dict(), sort_keys=True) + "|" + data_digest
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@st.cache_data(max_entries=64, ttl=6 * 3600, show_spinner=False)
def _stored(key: str, _view: RunView | None = None) -> RunView:
    """The completed run stored under `key`. Called with _view to store it; without, to look
    it up (raises LookupError if absent: exceptions are never cached)."""
    if _view is None:
        raise LookupError(key)
    return _view


def cached(key: str) -> RunView | None:
    try:
        return _stored(key)
    except LookupError:
        return None


def store(key: str, view: RunView) -> None:
    if view.status in ("completed", "diverged"):
        _stored(key, view)


# Milliseconds of one epoch, fitted to 17 configs timed on this 2-core machine (one BLAS
# thread; the default config, chapter 15, 50,000 validation points, 3 x 256 neurons, ...:
# each within a factor 1.5 of the fit): a constant, the weights' multiply-adds (a training
# point costs 3: forward, backward; a validation point 1), the units' activations, and the
# validation pass's softmax and loss per point and class.
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


class Progress:
    """Epochs done, elapsed seconds and epochs/s of the current run."""

    def __init__(self, total: int):
        self.total, self.start = total, time.perf_counter()

    def text(self, done: int, status: str) -> tuple[float, str]:
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = done / elapsed
        word = {"running": "Training", "completed": "Done", "stopped": "Stopped",
                "diverged": "Diverged"}.get(status, status)
        return (min(done / max(self.total, 1), 1.0),
                f"{word}: epoch {done:,} of {self.total:,} · {elapsed:.1f} s · "
                f"{rate:,.0f} epochs/s")


def waiting_text(ahead: int, long: bool = False) -> str:
    """The progress line while other sessions hold the training slots."""
    place = f"{ahead} ahead" if ahead else "next in line"
    if long:
        return (f"Waiting for a free training slot ({place})… this is a long run: long runs "
                "leave one slot free for short ones, so they may wait longer.")
    return f"Waiting for a free training slot ({place})… other sessions are training."


class _DoneElsewhere(Exception):
    """Leaves the queue: the same run was completed by another session meanwhile."""

    def __init__(self, view: RunView):
        super().__init__()
        self.view = view


def train_live(config: TrainConfig, data: Dataset | None, key: str,
               draw: Callable[[RunView, Progress], None],
               on_wait: Callable[[int, bool], None] | None = None,
               reuse: bool = True) -> RunView | None:
    """Train while drawing snapshots at most every REDRAW_S seconds; return the final view.

    The run first takes one of the server's training slots (ui.slots), a worker process that
    trains and sends snapshots back (ui.trainer); while it waits, `on_wait(ahead, long)` is
    called whenever its place in the queue changes (`long`: see is_long). If Streamlit
    interrupts the script (a widget changed: RerunException at the next st.* call; or Stop),
    the place in the queue is given up, or the worker's job is stopped and its partial result
    kept in session state. With `reuse`, a run of the same key that another session completes
    while this one waits (a class opening the same link) is taken instead of training again.
    """
    sizes = run_sizes(config, data)
    ss = st.session_state
    pace = REDRAW_S if ss.get("pg_warm") else WARMUP_REDRAW_S
    job = Job(config, data, chunk=chunk_for(config, *sizes), pace_s=pace,
              live_resolution=LIVE_RESOLUTION, final_resolution=FINAL_RESOLUTION)
    long = is_long(config, data)
    shown: list[int] = []

    def tick() -> None:
        _ = "pg_running" in ss  # a session-state access is a Streamlit yield point

    def waiting(ahead: int) -> None:
        tick()  # a widget change ends the wait
        done = cached(key) if reuse else None
        if done is not None:
            raise _DoneElsewhere(done)
        if on_wait is not None and shown[-1:] != [ahead]:
            on_wait(ahead, long)
            shown.append(ahead)

    ss["pg_running"] = key
    outcome = Outcome()
    try:
        with training_slots().slot(waiting, long=long) as held:
            progress = Progress(config.epochs)
            for snapshot in held.resource.train(job, tick, outcome):
                if snapshot.status == "running":
                    draw(snapshot, progress)
                if not held.long and time.perf_counter() - progress.start > LONG_RUN_S:
                    held.make_long()  # outlived its estimate: it leaves the short runs a slot
    except _DoneElsewhere as done:
        outcome.final = done.view  # (already stored; kept in session state below)
    except BaseException as exc:
        if type(exc).__name__ == "StopException":  # Streamlit's own Stop: keep the run too
            ss["pg_stopped_key"] = key
        raise
    finally:
        view = outcome.final
        if view is not None:
            ss["pg_result"] = {"key": key, "view": view}
        ss["pg_running"] = None
    if view is not None:
        store(key, view)
    return view
