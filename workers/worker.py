"""Training in worker processes, so that sessions train side by side on every core.

Streamlit serves every session as a thread of one process, and threads share one interpreter
lock: runs side by side as threads are slower than one after the other, as processes faster
(why: docs/DECISIONS.md#training-in-worker-processes). So the server keeps one
`Trainer` process per core (workers.slots hands them out) and a session's script thread only sends
the job and draws the snapshots that come back.

The protocol over one duplex pipe, in order:
    parent -> worker   ("train", Job) · ("stop",) · ("quit",)
    worker -> parent   ("snapshot", RunView)* then one of
                       ("final", RunView | None) · ("error", message) · ("crash", message)
                       and ("alive", None) every HEARTBEAT_S while a job runs, from a thread
A "stop" makes the running job end at its next chunk and send its final (status "stopped");
a stop that arrives after the job ended is skipped. A worker the parent hears nothing from for
HANG_S during a job (stopped, stuck, swapped out) is killed and replaced, and the session is
told (TrainerCrashed). The worker imports nncore and workers only
(no Streamlit), limits BLAS to one thread, and exits when the parent's end of the pipe closes
(so also when the server dies).
"""

from __future__ import annotations

import multiprocessing
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

from nncore import Dataset, TrainConfig, decision_grid, train_stream

from .recorder import Recorder
from .views import RunView, view_from_history

ROOT = Path(__file__).resolve().parents[1]  # where `python -m workers.worker` finds workers/
POLL_S = 0.02          # the session's thread checks the pipe (and for interruption) this often
STOP_WAIT_S = 5.0      # how long a stopped job may take to send its final view
HEARTBEAT_S = 1.0      # a worker with a job says it is alive this often (even mid-epoch)
# A worker silent this long during a job is taken for hung. Its heartbeat is a thread of its
# own, which runs while numpy computes (BLAS and large ufuncs release the interpreter lock),
# so a long epoch is not silence; ten heartbeats missed on a busy machine is.
HANG_S = 10.0
STARTUP_S = 30.0       # ... after a (re)started worker's imports, which may take this long


class TrainerCrashed(RuntimeError):
    """The worker process died or failed outside the engine's own checks."""


_GONE = "gone"  # what the reader thread puts in the inbox when the pipe ends


def _read_into(conn: Connection, inbox: queue.SimpleQueue) -> None:
    """A Trainer's reader thread: every whole message from the worker into `inbox`, then
    (_GONE, exception) once the pipe ends (the worker exited or was killed)."""
    while True:
        try:
            inbox.put(conn.recv())
        except Exception as exc:  # noqa: BLE001 - EOF, a closed pipe: the session is told
            inbox.put((_GONE, exc))
            return


@dataclass
class Outcome:
    """Where `Trainer.train` puts a job's final view, also when the job was interrupted."""

    final: RunView | None = None


@dataclass(frozen=True)
class Job:
    config: TrainConfig
    data: Dataset | None
    chunk: int                 # epochs between the engine's yields (workers.cost.chunk_for)
    pace_s: float              # seconds between snapshots (the first after pace_s too)
    live_resolution: int       # decision-grid resolution of snapshots
    final_resolution: int      # ... and of the final view


def grid_of(history, resolution: int):
    """Decision regions for the model as it is now, or None if its outputs are not finite."""
    xs, ys, probs = decision_grid(history.model, history.data.X, X_val=history.data.X_val,
                                  resolution=resolution)
    return (xs, ys, probs) if np.all(np.isfinite(probs)) else None


def run_job(job: Job, should_stop: Callable[[], bool],
            send: Callable[[RunView], None]) -> RunView | None:
    """Train `job`, calling `send(snapshot)` every `job.pace_s` seconds; return the final view
    (status "stopped" if `should_stop()`, checked at every yield of the engine, said so)."""
    history, last_grid = None, None
    last_sent = time.perf_counter()
    recorder = Recorder(job.config.epochs)
    # first=True: the recorder's first snapshot is epoch 0, the untrained network (replay)
    with closing(train_stream(job.config, job.data, chunk=job.chunk, first=True)) as stream:
        for history in stream:
            if history.status != "running" or should_stop():
                break
            recorder.seen(history)
            if time.perf_counter() - last_sent >= job.pace_s:
                last_grid = grid_of(history, job.live_resolution) or last_grid
                send(view_from_history(history, last_grid))
                last_sent = time.perf_counter()
    if history is None:
        return None
    return view_from_history(history, grid_of(history, job.final_resolution) or last_grid,
                             recorder.finish(history))


class _ParentGone(Exception):
    """The worker's pipe ended (the server stopped or died): the worker exits, quietly."""


_PIPE_ENDED = (EOFError, OSError)  # BrokenPipeError, ConnectionResetError: both OSErrors


def serve(conn) -> None:
    """The worker process's loop: one job at a time until "quit" or the pipe closes. A pipe
    that ends at any point (waiting, training, sending a snapshot or the result: the server
    stopped meanwhile) ends the worker without a word: nobody is left to tell."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    lock = threading.Lock()  # the heartbeat thread and the job both send

    def send(message) -> None:
        with lock:
            try:
                conn.send(message)
            except _PIPE_ENDED as exc:
                raise _ParentGone from exc

    def receive():
        try:
            return conn.recv()
        except _PIPE_ENDED as exc:
            raise _ParentGone from exc

    try:
        while True:
            message = receive()
            if message[0] == "quit":
                return
            if message[0] != "train":
                continue  # a stop for a job that already ended
            _serve_job(message[1], conn, send, receive)
    except _ParentGone:
        return


def _serve_job(job: Job, conn, send: Callable[[tuple], None],
               receive: Callable[[], tuple]) -> None:
    """Run one job, sending its snapshots and then its final view, error or crash; raises
    _ParentGone if the pipe ended."""
    stopped = False

    def should_stop() -> bool:
        nonlocal stopped
        try:
            while not stopped and conn.poll():
                stopped = receive()[0] in ("stop", "quit")
        except _PIPE_ENDED as exc:  # (poll on a closed pipe)
            raise _ParentGone from exc
        return stopped

    with _heartbeat(send):
        try:
            final = run_job(job, should_stop, lambda v: send(("snapshot", v)))
            send(("final", final))
        except _ParentGone:
            raise
        except ValueError as exc:  # the engine's own checks, e.g. a CSV too big for the net
            send(("error", str(exc)))
        except Exception as exc:  # noqa: BLE001 - reported to the session, the worker lives
            send(("crash", f"{type(exc).__name__}: {exc}"))


@contextmanager
def _heartbeat(send: Callable[[tuple], None]) -> Iterator[None]:
    """("alive", None) every HEARTBEAT_S from a thread while the block runs."""
    done = threading.Event()

    def beat() -> None:
        while not done.wait(HEARTBEAT_S):
            try:
                send(("alive", None))
            except _ParentGone:  # the main loop ends on its own
                return

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


class Trainer:
    """The parent's handle on one worker process (restarted if it died).

    The worker is `python -m workers.worker <fd>`, not a multiprocessing child: multiprocessing's
    spawn re-runs the parent's `__main__` in every child, and in a Streamlit server that is the
    page script (dashboard.py). The pipe is multiprocessing's (pickles between this project's
    own two processes; nothing a user sends is unpickled: uploads were parsed into numbers)."""

    def __init__(self):
        self._start()

    def _start(self) -> None:
        self.conn, child = multiprocessing.Pipe(duplex=True)
        fd = child.fileno()
        self.process = subprocess.Popen([sys.executable, "-m", "workers.worker", str(fd)],
                                        pass_fds=(fd,), cwd=ROOT, stdin=subprocess.DEVNULL)
        self.started = time.monotonic()
        child.close()
        # Messages are read by a thread of their own, and the session waits on its inbox with
        # a timeout: Connection.recv() has none, and a worker frozen half-way through sending
        # (a snapshot of a long run is larger than a pipe holds) left poll() true and recv()
        # blocked for ever, so the session never noticed the hang.
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._reader = threading.Thread(target=_read_into, args=(self.conn, self._inbox),
                                        daemon=True, name="trainer-reader")
        self._reader.start()

    def alive(self) -> bool:
        return self.process.poll() is None

    def _end_pipe(self) -> None:
        """After the worker has exited: its reader sees the pipe end; then close ours."""
        self._reader.join(timeout=5)
        self.conn.close()

    def _replace(self) -> None:
        """Kill the worker (it may not listen any more) and start a fresh one."""
        self.process.kill()
        self.process.wait(timeout=10)
        self._end_pipe()
        self._start()

    def restart(self) -> None:
        self.close()
        self._start()

    def close(self) -> None:
        try:
            self.conn.send(("quit",))
        except OSError:
            pass
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=2)
        self._end_pipe()

    def train(self, job: Job, tick: Callable[[], None], outcome: Outcome) -> Iterator[RunView]:
        """Send `job`; yield its snapshots (only the newest, if several arrived meanwhile) and
        then its final view (status not "running"), which also goes into `outcome.final`.
        `tick()` is called before every poll of the pipe and may raise (Streamlit interrupting
        the script): the job is then stopped before the exception goes on, and its final view
        (status "stopped") still goes into `outcome.final`. Raises ValueError for the engine's
        own rejections and TrainerCrashed if the worker failed."""
        self._send_job(job)
        in_flight = True
        heard = max(time.monotonic(), self.started + STARTUP_S)
        try:
            while True:
                tick()
                message = self._recv(POLL_S)
                if message is None:
                    if time.monotonic() - heard > HANG_S:
                        in_flight = False
                        self._replace()
                        raise TrainerCrashed(
                            f"the training process did not answer for {HANG_S:.0f} s and was "
                            "replaced by a new one")
                    continue
                heard = time.monotonic()
                newest = None  # of the snapshots waiting in the inbox, draw only the newest
                kind, payload = message
                while kind in ("snapshot", "alive"):
                    newest = payload if kind == "snapshot" else newest
                    message = self._recv(None)
                    if message is None:
                        break
                    kind, payload = message
                if kind in ("snapshot", "alive"):
                    if newest is not None:
                        yield newest
                    continue
                in_flight = False
                outcome.final = self._settle(kind, payload)
                yield outcome.final
                return
        except TrainerCrashed:
            in_flight = False
            raise
        finally:
            if in_flight:
                outcome.final = self._stop()

    def _send_job(self, job: Job) -> None:
        for attempt in (1, 2):
            if not self.alive():
                self.restart()
            try:
                self.conn.send(("train", job))
                return
            except OSError:
                if attempt == 2:
                    raise TrainerCrashed("the training process cannot be reached") from None
                self.restart()

    def _recv(self, timeout: float | None) -> tuple[str, object] | None:
        """The worker's next message, waiting at most `timeout` s (None: only one already
        here); None if there is none. TrainerCrashed (and a fresh worker) if the pipe ended."""
        try:
            kind, payload = (self._inbox.get_nowait() if timeout is None else
                             self._inbox.get(timeout=timeout))
        except queue.Empty:
            return None
        if kind == _GONE:
            self.restart()
            raise TrainerCrashed("the training process ended unexpectedly") from payload
        return kind, payload

    @staticmethod
    def _settle(kind: str, payload) -> RunView | None:
        if kind == "final":
            return payload
        if kind == "error":
            raise ValueError(payload)
        raise TrainerCrashed(str(payload))

    def _stop(self) -> RunView | None:
        """Ask the running job to stop and wait (bounded) for its final view."""
        deadline = time.monotonic() + STOP_WAIT_S
        try:
            self.conn.send(("stop",))
            while (left := deadline - time.monotonic()) > 0:
                kind, payload = self._inbox.get(timeout=left)
                if kind == "final":
                    return payload
                if kind == _GONE:
                    break
                if kind not in ("snapshot", "alive"):
                    return None  # the job failed as it stopped; the worker serves on
        except (queue.Empty, OSError):
            pass
        self.restart()  # no answer in time (or it died): a fresh worker for the next job
        return None


if __name__ == "__main__":  # a worker: `python -m workers.worker <fd of its pipe's end>`
    import signal

    from workers.worker import serve as _serve  # the module's copy: pickles name workers.worker

    # Ctrl+C in the server's terminal reaches its whole process group: the server decides
    # when its workers end (their pipe closes), so a worker does not print a KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _serve(Connection(int(sys.argv[1])))
