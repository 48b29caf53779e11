"""Sweeps in the dashboard: a concurrent.futures Executor over the server's training workers.

A sweep's runs share the workers with every session's own runs (workers.slots): each run waits
as a *background* holder, which takes a slot only while no session's run waits, so a student's
slider run waits for at most one sweep run. The work of a run is nncore.sweep.run_one's,
`train(config)`, done by a worker as for the Playground (workers.worker); its final view goes
into the Playground's cache (opening the run there shows it at once) and its row has the same
keys and the same fingerprint as run_one's (tests/workers/test_executor.py).

Why an Executor of our own rather than loky's: the server already keeps one worker process
per core for the Playground, and two pools would make the cores' owners fight; this one only
queues runs for those workers (a thread per slot waits for a slot and hands its run over).
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import queue
import threading
from collections.abc import Callable

from nncore import Dataset, TrainConfig
from nncore.sweep import row_from_final, run_one

from . import cost
from .views import RunView
from .worker import Job, Outcome


class _Cancelled(Exception):
    """Leaves a slot's queue: the run was cancelled while it waited."""


def row_from_view(run: dict, view: RunView) -> dict:
    """The sweep row of a run a worker trained (what run_one gives for the same run)."""
    return row_from_final(run, view.final, status=view.status, diverged_at=view.diverged_at,
                          elapsed_s=view.elapsed_s, fingerprint=view.fingerprint)


class SlotExecutor(cf.Executor):
    """Runs `submit(run_one, run)` on the server's training workers as background runs.

    `on_view(run, view)` is called with each finished run's view (from a dispatch thread);
    `data` is the uploaded Dataset for runs on dataset "csv"; `alive()` is asked before each
    run: once it says False (the session that started the sweep has gone) the runs not yet
    started are cancelled.

    Dispatch threads (at most one per slot) start on submit and end as soon as the queue is
    empty, so a finished, stopped or abandoned sweep holds no thread, and through none of them
    its session's script-run context or views, whether or not anybody calls shutdown() (a
    page whose tab was closed never does). The standard ThreadPoolExecutor's idle threads
    wait for work until shutdown, which is why this keeps its own few threads."""

    def __init__(self, slots, *, data: Dataset | None = None,
                 on_view: Callable[[dict, RunView], None] | None = None,
                 alive: Callable[[], bool] = lambda: True,
                 wrap_thread: Callable[[threading.Thread], None] = lambda thread: None):
        self._slots, self._data = slots, data
        self._on_view, self._alive, self._wrap = on_view, alive, wrap_thread
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()  # the queue's emptiness and the live threads agree
        self._threads: set[threading.Thread] = set()
        self._started = 0

    @property
    def threads(self) -> int:
        """Dispatch threads alive now (0 once every submitted run is done or cancelled)."""
        with self._lock:
            return len(self._threads)

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        if fn is not run_one or len(args) != 1 or kwargs:
            raise TypeError("SlotExecutor runs nncore.sweep.run_one(run) only")
        future: cf.Future = cf.Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to an executor that was shut down")
            self._queue.put((future, args[0]))
            if len(self._threads) < self._slots.slots:
                self._start_thread()
        return future

    def _start_thread(self) -> None:
        thread = threading.Thread(target=self._dispatch, daemon=True,
                                  name=f"sweep-dispatch-{self._started}")
        self._started += 1
        self._threads.add(thread)
        self._wrap(thread)  # e.g. Streamlit's script-run context, for its cache
        thread.start()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        if cancel_futures:
            self._cancel_queued()
        if wait:
            for thread in threads:
                if thread is not threading.current_thread():
                    thread.join()

    def _cancel_queued(self) -> None:
        while True:
            try:
                future, _ = self._queue.get_nowait()
            except queue.Empty:
                return
            future.cancel()

    def _next(self):
        """The next queued run, or None after this thread has left the live set."""
        with self._lock:
            try:
                return self._queue.get_nowait()
            except queue.Empty:
                self._threads.discard(threading.current_thread())
                return None

    def _dispatch(self) -> None:
        while (item := self._next()) is not None:
            future, run = item
            if not self._alive():
                future.cancel()
                self._cancel_queued()
                continue
            try:
                self._run(future, run)
            except _Cancelled:
                future.cancel()  # (a gone session's run: cancelled, not left pending)
                continue
            except Exception as exc:  # noqa: BLE001 - the sweep's row says what went wrong
                if not future.done():
                    future.set_exception(exc)

    def _run(self, future: cf.Future, run: dict) -> None:
        config = TrainConfig.from_dict(run["config"])
        data = self._data if config.dataset == "csv" else None

        def waiting(ahead: int) -> None:
            if future.cancelled() or not self._alive():
                raise _Cancelled

        sizes = cost.run_sizes(config, data)
        with self._slots.slot(waiting, long=cost.is_long(config, data),
                              background=True) as held:
            if not future.set_running_or_notify_cancel():
                return
            job = Job(config, data, chunk=cost.chunk_for(config, *sizes), pace_s=math.inf,
                      live_resolution=cost.LIVE_RESOLUTION,
                      final_resolution=cost.FINAL_RESOLUTION)
            outcome = Outcome()
            for _ in held.resource.train(job, lambda: None, outcome):
                pass
        view = outcome.final
        if self._on_view is not None:
            self._on_view(run, view)
        future.set_result(row_from_view(run, view))
