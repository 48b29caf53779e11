"""Live training: a worker process trains (workers.worker) and its snapshots are drawn into
placeholders, throttled; partial results are kept; completed runs are cached per (config, data)
so that coming back to a config does not retrain."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable

import streamlit as st

from nncore import Dataset, TrainConfig
from workers.cost import (
    FINAL_RESOLUTION,
    LIVE_RESOLUTION,
    LONG_RUN_S,
    REDRAW_S,
    chunk_for,
    is_long,
    run_sizes,
)
from workers.run_cache import RunCache
from workers.views import RunView
from workers.worker import Job, Outcome
from workers.worker import TrainerCrashed as TrainerCrashed  # train_live raises it (pages)

from . import internals
from .slots import training_slots

# A browser's first run in a session: its widgets are lazily loaded components, and React
# renders a loaded one only when no newer update interrupts it; on a loaded machine frequent
# redraws kept them grey skeletons. So the session's first run redraws less often.
# why: docs/DECISIONS.md#warm-up-redraw-pace
WARMUP_REDRAW_S = 2.0


def run_key(config: TrainConfig, data_digest: str = "") -> str:
    """Identity of a run: the config's JSON plus, for uploaded data, a hash of the file."""
    text = json.dumps(config.to_dict(), sort_keys=True) + "|" + data_digest
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@st.cache_resource(show_spinner=False)
def _finished_runs() -> RunCache:
    """The server's one store of finished runs (workers.run_cache), shared by every session
    and filled by sweeps too: "trained earlier with these settings" in the Playground."""
    return RunCache()


def cached(key: str) -> RunView | None:
    """The finished run stored under `key`, or None."""
    return _finished_runs().get(key)


def store(key: str, view: RunView) -> None:
    """Keep a completed or diverged run for every session (a stopped one is not kept)."""
    if view.status in ("completed", "diverged"):
        _finished_runs().put(key, view)


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


# A burst of slider presses (the arrow keys step a slider ~10 times a second; reaching decay 2e-2
# takes 23 presses) trains once, for the value it ends on: a run waits this long, at yield
# points, before it takes a training slot, and a press meanwhile ends it there (no job).
SETTLE_S = 0.25


def settle(seconds: float = SETTLE_S) -> None:
    """Wait `seconds` at yield points (Streamlit raises at one if a widget changed)."""
    end = time.perf_counter() + seconds
    while True:
        internals.yield_point()
        left = end - time.perf_counter()
        if left <= 0:
            return
        time.sleep(min(0.05, left))


def train_live(config: TrainConfig, data: Dataset | None, key: str,
               draw: Callable[[RunView, Progress], None],
               on_wait: Callable[[int, bool], None] | None = None,
               reuse: bool = True) -> RunView | None:
    """Train while drawing snapshots at most every REDRAW_S seconds; return the final view.

    The run first takes one of the server's training slots (ui.slots), a worker process that
    trains and sends snapshots back (workers.worker); while it waits, `on_wait(ahead, long)` is
    called whenever its place in the queue changes (`long`: see is_long). If Streamlit
    interrupts the script (a widget changed: RerunException at the next st.* call; or Stop),
    the place in the queue is given up, or the worker's job is stopped and its partial result
    kept in session state. With `reuse`, a run of the same key that another session completes
    while this one waits (a class opening the same link) is taken instead of training again.
    """
    sizes = run_sizes(config, data)
    ss = st.session_state
    warm = ss.get("pg_warm")
    if warm:  # (not when a link opens the page: its first picture comes first)
        settle()
    pace = REDRAW_S if warm else WARMUP_REDRAW_S
    job = Job(config, data, chunk=chunk_for(config, *sizes), pace_s=pace,
              live_resolution=LIVE_RESOLUTION, final_resolution=FINAL_RESOLUTION)
    long = is_long(config, data)
    shown: list[int] = []

    def waiting(ahead: int) -> None:
        internals.yield_point()  # a widget change ends the wait
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
            for snapshot in held.resource.train(job, internals.yield_point, outcome):
                if snapshot.status == "running":
                    draw(snapshot, progress)
                if not held.long and time.perf_counter() - progress.start > LONG_RUN_S:
                    held.make_long()  # outlived its estimate: it leaves the short runs a slot
    except _DoneElsewhere as done:
        outcome.final = done.view  # (already stored; kept in session state below)
    except BaseException as exc:
        if internals.is_stop(exc):  # Streamlit's own Stop: keep the run too
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
