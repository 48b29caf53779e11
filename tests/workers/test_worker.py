"""Training worker processes (workers.worker): the same numbers as a run alone, snapshots while
training, stop keeps the partial run, the engine's errors come back as ValueError, and a dead
worker is reported and replaced."""

import os
import signal

import numpy as np
import pytest

from nncore import Dataset, TrainConfig, train
from workers.worker import Job, Outcome, Trainer, TrainerCrashed, run_job

SMALL = TrainConfig(epochs=301, samples=50)


def job(config: TrainConfig, data=None, *, pace_s: float = 0.0, chunk: int = 20) -> Job:
    return Job(config, data, chunk=chunk, pace_s=pace_s, live_resolution=10,
               final_resolution=20)


@pytest.fixture(scope="module")
def trainer():
    worker = Trainer()
    yield worker
    worker.close()


def test_run_job_gives_the_numbers_of_train_alone_and_snapshots_on_the_way():
    snapshots = []
    final = run_job(job(SMALL), lambda: False, snapshots.append)
    assert final.status == "completed"
    assert final.fingerprint == train(SMALL).fingerprint()
    assert snapshots and all(s.status == "running" for s in snapshots)
    epochs = [len(s.epoch) for s in snapshots]
    assert epochs == sorted(epochs) and epochs[-1] < len(final.epoch)
    assert final.grid[2].shape[:2] == (20, 20) and snapshots[0].grid[2].shape[:2] == (10, 10)


def test_run_job_stops_when_asked_and_keeps_what_it_learned():
    calls = []
    final = run_job(job(SMALL), lambda: calls.append(1) or len(calls) > 3, lambda v: None)
    assert final.status == "stopped"
    assert 0 < len(final.epoch) < SMALL.epochs


def views_of(trainer, job_, tick=lambda: None, outcome=None):
    return list(trainer.train(job_, tick, outcome or Outcome()))


def test_a_worker_process_gives_the_same_numbers_as_this_process(trainer):
    outcome = Outcome()
    views = views_of(trainer, job(SMALL, pace_s=0.0), outcome=outcome)
    assert len(views) >= 2 and all(v.status == "running" for v in views[:-1])
    final = views[-1]
    assert final is outcome.final and final.status == "completed"
    alone = train(SMALL)
    assert final.fingerprint == alone.fingerprint()
    np.testing.assert_array_equal(final.series["data_loss"], alone.data_loss[:len(alone.epoch)])


def test_an_interrupt_stops_the_job_keeps_the_partial_run_and_the_worker_goes_on(trainer):
    class Rerun(Exception):
        pass

    long = TrainConfig(epochs=100_000, samples=50)
    ticks = []

    def tick():
        ticks.append(1)
        if len(ticks) > 3:
            raise Rerun

    outcome = Outcome()
    with pytest.raises(Rerun):
        views_of(trainer, job(long, chunk=10), tick, outcome)
    assert outcome.final is not None and outcome.final.status == "stopped"
    assert 0 < len(outcome.final.epoch) < long.epochs
    views = views_of(trainer, job(SMALL))  # the same worker, next job
    assert views[-1].fingerprint == train(SMALL).fingerprint()


def test_the_engines_rejections_come_back_as_value_errors(trainer):
    X = np.zeros((200_000, 2), np.float32)  # too much work for this network and epochs
    y = np.arange(200_000) % 2
    big = Dataset(X, y, X[:10], y[:10], classes=2)
    config = TrainConfig(epochs=10_001, hidden=(64,), samples=50, dataset="csv")
    with pytest.raises(ValueError) as alone:  # the rejection train() makes in this process
        train(config, big)
    with pytest.raises(ValueError) as there:
        views_of(trainer, job(config, big))
    assert str(there.value) == str(alone.value)
    views = views_of(trainer, job(SMALL))  # still serving
    assert views[-1].status == "completed"


def test_a_dead_worker_is_reported_then_replaced():
    worker = Trainer()
    try:
        long = TrainConfig(epochs=100_000, samples=50)
        runs = worker.train(job(long, chunk=10, pace_s=0.0), lambda: None, Outcome())
        next(runs)  # training has started
        os.kill(worker.process.pid, signal.SIGKILL)
        with pytest.raises(TrainerCrashed):
            for _ in runs:
                pass
        views = views_of(worker, job(SMALL))
        assert views[-1].fingerprint == train(SMALL).fingerprint()
        os.kill(worker.process.pid, signal.SIGKILL)  # dies between jobs: the next job restarts it
        worker.process.wait(timeout=10)
        assert views_of(worker, job(SMALL))[-1].fingerprint == views[-1].fingerprint
    finally:
        worker.close()


def test_workers_end_when_the_server_dies_without_cleaning_up():
    """A server killed with SIGKILL leaves no training process behind: the worker sees its
    pipe close and exits."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    code = ("import os, signal; from workers.worker import Trainer; t = Trainer(); "
            "print(t.process.pid, flush=True); os.kill(os.getpid(), signal.SIGKILL)")
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen([sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE,
                              text=True)
    worker = int(server.stdout.readline())  # (the worker inherits this pipe: no waiting on EOF)
    server.wait(timeout=60)
    server.stdout.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _running(worker):
        time.sleep(0.1)
    assert not _running(worker)


def _running(pid: int) -> bool:
    """True if `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_frozen_worker_is_killed_replaced_and_reported(monkeypatch):
    """SIGSTOP: the worker neither dies nor answers. After HANG_S of silence the session gets
    TrainerCrashed in words, the frozen process is killed and a fresh one trains the next job."""
    import time

    from workers import worker as worker_module

    monkeypatch.setattr(worker_module, "HANG_S", 2.0)
    worker = Trainer()
    try:
        worker.started -= worker_module.STARTUP_S  # (no start-up grace for this test)
        frozen = worker.process
        stream = worker.train(job(TrainConfig(epochs=100_000), pace_s=0.1), lambda: None,
                              Outcome())
        assert next(stream).status == "running"
        os.kill(frozen.pid, signal.SIGSTOP)
        started = time.monotonic()
        with pytest.raises(TrainerCrashed, match="did not answer for 2 s and was replaced"):
            for _ in stream:
                pass
        assert 2.0 <= time.monotonic() - started < 10
        assert frozen.poll() is not None and worker.process is not frozen  # killed, replaced
        final = list(worker.train(job(SMALL), lambda: None, Outcome()))[-1]
        assert final.fingerprint == train(SMALL).fingerprint()
    finally:
        worker.close()


def test_a_long_epoch_is_not_taken_for_a_hang(monkeypatch):
    """The heartbeat comes from a thread of the worker: snapshots may be seconds apart (one
    every 5 s here, so none before the run ends) while the session hears from the worker every
    HEARTBEAT_S."""
    from workers import worker as worker_module

    monkeypatch.setattr(worker_module, "HANG_S", 2.5)
    worker = Trainer()
    try:
        worker.started -= worker_module.STARTUP_S
        config = TrainConfig(epochs=20001, samples=200)  # ~4 s: no snapshot before the end
        final = list(worker.train(job(config, pace_s=5.0), lambda: None, Outcome()))[-1]
        assert final.status == "completed"
    finally:
        worker.close()


# A worker that takes its job, then stops half-way through a message: the frame's header
# says 10 MB, 100 bytes follow, and nothing more (as a worker SIGSTOPped while it sends a
# snapshot larger than the pipe holds). multiprocessing frames a message as a 4-byte length.
HALF_SENT = """
import os, struct, sys, time
from multiprocessing.connection import Connection
conn = Connection(int(sys.argv[1]))
conn.recv()
os.write(conn.fileno(), struct.pack("!i", 10_000_000) + b"x" * 100)
time.sleep(600)
"""


def test_a_worker_frozen_half_way_through_a_message_is_still_caught(monkeypatch):
    """The session used to block in recv() for ever (poll() said data was there): the frozen
    page showed 'Training: epoch N' until its tab closed. Now a reader thread takes whole
    messages, and the silence is caught like any other."""
    import sys
    import threading
    import time

    from workers import worker as worker_module

    monkeypatch.setattr(worker_module, "HANG_S", 2.0)

    popen = worker_module.subprocess.Popen

    def half_sending(argv, **kwargs):  # the worker's command, with the fake's code instead
        return popen([sys.executable, "-c", HALF_SENT, argv[-1]], **kwargs)

    monkeypatch.setattr(worker_module.subprocess, "Popen", half_sending)
    worker = Trainer()
    try:
        worker.started -= worker_module.STARTUP_S
        frozen = worker.process
        started, raised = time.monotonic(), []

        def consume():  # in a thread: without the fix this blocks for ever
            try:
                list(worker.train(job(SMALL), lambda: None, Outcome()))
            except TrainerCrashed as exc:
                raised.append(exc)

        thread = threading.Thread(target=consume, daemon=True)
        thread.start()
        thread.join(timeout=20)
        assert not thread.is_alive(), "the session is still blocked reading the half message"
        assert raised and "did not answer for 2 s" in str(raised[0])
        assert 2.0 <= time.monotonic() - started < 10
        assert frozen.poll() is not None and worker.process is not frozen  # killed, replaced
    finally:
        worker.close()
