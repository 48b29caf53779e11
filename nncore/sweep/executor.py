"""Sweeps: run every run of a SweepSpec through a concurrent.futures Executor and stream rows.

    sweep = start_sweep(make_spec(base, ["weight_l2=1e-5:1e-1:log:5"], seeds=5))
    for row in sweep:          # rows as runs finish; sweep.done / sweep.total is the progress
        ...
    rows = sweep.poll()        # or without blocking: rows finished since the last call
    sweep.cancel()             # from any thread: the runs not started are cancelled
    result = sweep.result()    # SweepResult: runs (by index) and summary (per grid point)

Executors: local processes by default (loky, one BLAS thread each; as many as the runs, the
usable cores and `jobs` allow), a Dask cluster with `scheduler="tcp://HOST:8786"` (distributed's
Client.get_executor), or any Executor passed in (which the caller keeps and shuts down).
Connecting to a cluster takes at most CONNECT_TIMEOUT_S (+ CONNECT_GRACE_S) whatever answers
there, or ConnectionError saying where and why; a caller that must not block (a page's script
thread) starts the sweep with start_sweep_in_background() and polls the Future it returns.
`sweep.cancel()` cancels the runs that have not started. On local processes, runs already handed
to the pool finish and their rows still arrive: the running ones (a process pool cannot stop a
call) and those in loky's call queue (up to 2 x workers + 1 runs ahead, marked running when
queued). On a Dask cluster every unfinished run is cancelled, running ones included: their rows
never arrive (a worker finishes such a run and drops its result).
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .cluster import dask_client
from .local import local_executor, local_jobs
from .run import error_row, run_one, summarise
from .spec import SweepSpec

POLL_S = 0.1  # how soon an iterating thread notices a cancel() made by another thread


@dataclass
class SweepResult:
    """Every finished run's row (ordered by run index) and the summary per grid point."""

    spec: SweepSpec
    runs: list[dict]
    summary: list[dict]
    cancelled: int = 0

    def to_json(self) -> dict:
        """{"sweep", "base", "runs", "summary", "cancelled"}; NaN becomes None (valid JSON)."""
        return _no_nan({"sweep": self.spec.to_string(), "base": self.spec.base.to_dict(),
                        "runs": self.runs, "summary": self.summary, "cancelled": self.cancelled})


def _no_nan(x):
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, dict):
        return {k: _no_nan(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_no_nan(v) for v in x]
    return x


class Sweep:
    """A running sweep: iterate (or poll()) for rows as runs finish, from one thread at a
    time; cancel() from any thread."""

    def __init__(self, spec: SweepSpec, executor: cf.Executor,
                 release: Callable[[], None] | None = None,
                 kill: Callable[[], None] | None = None):
        self.spec, self.executor = spec, executor
        self._release, self._kill = release, kill
        self._closed = self._killed = False
        self.rows: list[dict] = []   # finished rows, in the order they finished
        self.cancelled = 0           # runs cancelled before they started
        self._lock = threading.Lock()
        try:
            self._futures = {executor.submit(run_one, run): run for run in spec.runs()}
            self._pending = set(self._futures)
        except BaseException:
            self.close(kill=True)
            raise

    @property
    def total(self) -> int:
        return self.spec.n_runs

    @property
    def done(self) -> int:
        """Rows handed out so far (by iteration or poll()): the progress, with `total`."""
        return len(self.rows)

    @property
    def finished(self) -> bool:
        """True once every run has finished or been cancelled (and its row collected)."""
        return not any(not f.cancelled() for f in self._pending)

    def __iter__(self) -> Iterator[dict]:
        """Yield each run's row as it finishes (an "error" row if its worker failed); ends when
        every run has finished or been cancelled, then releases an executor it owns. Leaving
        early (break, an exception, Ctrl-C) ends the sweep: see close(kill=True)."""
        try:
            while self._pending:
                for row in self._collect(POLL_S):
                    self.rows.append(row)  # one at a time: `done` counts the rows yielded
                    yield row
        except BaseException:  # GeneratorExit included: nobody wants the other rows
            self.close(kill=True)
            raise
        self.close()

    def poll(self, timeout: float = 0.0) -> list[dict]:
        """The rows of runs finished since the last poll (or iteration), waiting at most
        `timeout` s for one: for a caller that must not block, e.g. a page's rerun. Releases
        an executor it owns once every run has finished or been cancelled."""
        rows = self._collect(timeout)
        self.rows.extend(rows)
        if self.finished:
            self.close()
        return rows

    def _collect(self, timeout: float) -> list[dict]:
        # A pool notices a cancelled run only when it reaches it: drop those here.
        pending = {f for f in self._pending if not f.cancelled()}
        finished, self._pending = cf.wait(pending, timeout, cf.FIRST_COMPLETED)
        return [self._row(f) for f in finished if not f.cancelled()]

    def _row(self, future: cf.Future) -> dict:
        try:
            return future.result()
        except Exception as e:  # noqa: BLE001 - e.g. a killed worker: the row says so
            return error_row(self._futures[future], f"{type(e).__name__}: {e}")

    def cancel(self) -> int:
        """Cancel every run that has not started; returns how many were cancelled now."""
        with self._lock:
            if self._killed:  # the pool failed every unfinished run itself
                return 0
            # Future.cancel() is also True for a future cancelled before: count each once.
            n = sum(not f.cancelled() and f.cancel() for f in getattr(self, "_futures", ()))
            self.cancelled += n
        return n

    def close(self, kill: bool = False) -> None:
        """Cancel what has not started and release an executor the sweep created; with
        kill=True also end the local worker processes it started, running runs included."""
        if self._closed:
            return
        self._closed = True
        release, kill_pool = self._release, self._kill
        # loky's kill fails every unfinished run itself, and breaks on one cancelled before
        # it (it sets an exception on it): after a cancel(), running runs finish instead.
        if kill and kill_pool is not None and self.cancelled == 0:
            with self._lock:
                self._killed = True
            kill_pool()
            return
        self.cancel()
        if release is not None:
            release()

    def result(self, on_row: Callable[[dict, Sweep], None] | None = None) -> SweepResult:
        """Wait for the remaining runs (calling on_row(row, sweep) for each) and return them."""
        for row in self:
            if on_row is not None:
                on_row(row, self)
        runs = sorted(self.rows, key=lambda r: r["index"])
        return SweepResult(self.spec, runs, summarise(self.spec, runs), self.cancelled)

    def __enter__(self) -> Sweep:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.close(kill=exc_type is not None)


def start_sweep(spec: SweepSpec, *, jobs: int | None = None, scheduler: str | None = None,
                executor: cf.Executor | None = None) -> Sweep:
    """Submit every run of `spec` and return the running Sweep. Runs go to `executor` if
    given, else to the Dask scheduler at `scheduler` (see dask_client: this waits up to
    CONNECT_TIMEOUT_S for it), else to local_executor(local_jobs(spec.n_runs, jobs)): never
    more processes than runs or usable cores."""
    if executor is not None:
        return Sweep(spec, executor)
    if scheduler:
        client = dask_client(scheduler)
        pool = client.get_executor()

        def release() -> None:  # cancelling on a cluster drops running runs too
            pool.shutdown(wait=False)
            client.close()
        return Sweep(spec, pool, release)
    pool = local_executor(local_jobs(spec.n_runs, jobs))
    return Sweep(spec, pool, lambda: pool.shutdown(wait=False),
                 lambda: pool.shutdown(wait=False, kill_workers=True))


def start_sweep_in_background(spec: SweepSpec, *, jobs: int | None = None,
                              scheduler: str | None = None,
                              executor: cf.Executor | None = None) -> cf.Future:
    """start_sweep(...) on a daemon thread; returns at once with a Future of the Sweep.

    For a caller that must never block, e.g. a page's script thread with a cluster that may
    not answer: poll `future.done()`, then `future.result()` is the running Sweep or raises
    what start_sweep raised (ConnectionError saying where and why, ImportError, ValueError).
    It is done within CONNECT_TIMEOUT_S + CONNECT_GRACE_S on a cluster. The Future stays
    pending (not "running") until then, so `future.cancel()` works while it connects: the
    Sweep, if it starts after all, is closed at once (its runs cancelled)."""
    future: cf.Future = cf.Future()

    def start() -> None:
        try:
            sweep = start_sweep(spec, jobs=jobs, scheduler=scheduler, executor=executor)
        except BaseException as e:  # noqa: BLE001 - handed to the caller through the Future
            if future.set_running_or_notify_cancel():
                future.set_exception(e)
            return
        if future.set_running_or_notify_cancel():
            future.set_result(sweep)
        else:  # cancelled while it connected: nobody will read this sweep's rows
            sweep.close(kill=True)

    threading.Thread(target=start, name="nncore-start-sweep", daemon=True).start()
    return future


def run_sweep(spec: SweepSpec, *, jobs: int | None = None, scheduler: str | None = None,
              executor: cf.Executor | None = None,
              on_row: Callable[[dict, Sweep], None] | None = None) -> SweepResult:
    """start_sweep(...).result(on_row): run the whole sweep and return its SweepResult."""
    with start_sweep(spec, jobs=jobs, scheduler=scheduler, executor=executor) as sweep:
        return sweep.result(on_row)
