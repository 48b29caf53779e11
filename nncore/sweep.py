"""Sweeps: run every run of a SweepSpec through a concurrent.futures Executor and stream rows.

    sweep = start_sweep(make_spec(base, ["weight_l2=1e-5:1e-1:log:5"], seeds=5))
    for row in sweep:          # rows as runs finish; sweep.done / sweep.total is the progress
        ...
    rows = sweep.poll()        # or without blocking: rows finished since the last call
    sweep.cancel()             # from any thread: the runs not started are cancelled
    result = sweep.result()    # SweepResult: runs (by index) and summary (per grid point)

Executors: local processes by default (loky, one per usable core, one BLAS thread each), a
Dask cluster with `scheduler="tcp://HOST:8786"` (distributed's Client.get_executor), or any
Executor passed in (which the caller keeps and shuts down). `sweep.cancel()` cancels the runs
that have not started. On local processes, runs already handed to the pool finish and their
rows still arrive: the running ones (a process pool cannot stop a call) and those in loky's call
queue (up to 2 x workers + 1 runs ahead, marked running when queued). On a Dask cluster every
unfinished run is cancelled, running ones included: their rows never arrive (a worker finishes
such a run and drops its result).
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .sweeprun import error_row, run_one, summarise
from .sweepspec import SweepSpec

SCHEDULER_ENV = "NNCORE_SCHEDULER"   # tcp://HOST:8786: the dashboard's sweeps go to that cluster
CONNECT_TIMEOUT_S = 10
POLL_S = 0.1  # how soon an iterating thread notices a cancel() made by another thread
# Set in each local worker before numpy loads: one BLAS thread per process, one process a core.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def usable_cores() -> int:
    """Cores this process may run on (a container's or taskset's limit, not the host's)."""
    return len(os.sched_getaffinity(0))


def scheduler_from_env() -> str | None:
    """The Dask scheduler address in NNCORE_SCHEDULER, or None (run locally)."""
    return os.environ.get(SCHEDULER_ENV, "").strip() or None


def local_executor(jobs: int | None = None) -> cf.Executor:
    """A pool of `jobs` worker processes (default: one per usable core), one BLAS thread each.

    loky, not the standard library's ProcessPoolExecutor: with spawn or forkserver the standard
    pool makes every worker re-run the parent's `__main__` from its file, and inside a Streamlit
    server `sys.modules["__main__"]` is the page script being run (the script runner installs
    it there), so each worker would run the page; fork is unsafe in a server full of threads.
    loky starts clean interpreters (fork+exec) that do not import the parent's main module
    (tests/engine/test_sweep.py checks it with a script that has no main guard).
    """
    from loky import ProcessPoolExecutor

    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1; got {jobs}")
    return ProcessPoolExecutor(max_workers=jobs or usable_cores(), env=ONE_BLAS_THREAD)


def dask_client(address: str):
    """A distributed.Client connected to the scheduler at `address` (ConnectionError if none
    answers within CONNECT_TIMEOUT_S; ImportError naming the requirements file if the cluster
    packages are missing)."""
    try:
        import distributed
    except ImportError:
        raise ImportError("sweeps on a Dask cluster need the cluster packages: "
                          "pip install -r requirements-cluster.txt") from None
    try:
        return distributed.Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise ConnectionError(f"no Dask scheduler answered at {address!r} within "
                              f"{CONNECT_TIMEOUT_S} s ({type(e).__name__})") from None


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
    given, else to the Dask scheduler at `scheduler`, else to local_executor(jobs)."""
    if executor is not None:
        return Sweep(spec, executor)
    if scheduler:
        client = dask_client(scheduler)
        pool = client.get_executor()

        def release() -> None:  # cancelling on a cluster drops running runs too
            pool.shutdown(wait=False)
            client.close()
        return Sweep(spec, pool, release)
    pool = local_executor(jobs)
    return Sweep(spec, pool, lambda: pool.shutdown(wait=False),
                 lambda: pool.shutdown(wait=False, kill_workers=True))


def run_sweep(spec: SweepSpec, *, jobs: int | None = None, scheduler: str | None = None,
              executor: cf.Executor | None = None,
              on_row: Callable[[dict, Sweep], None] | None = None) -> SweepResult:
    """start_sweep(...).result(on_row): run the whole sweep and return its SweepResult."""
    with start_sweep(spec, jobs=jobs, scheduler=scheduler, executor=executor) as sweep:
        return sweep.result(on_row)
