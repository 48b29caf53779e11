"""A training worker whose server stops while it works exits quietly (issue 17, item 9): no
BrokenPipeError (nor EOFError, nor KeyboardInterrupt) traceback in the server's log."""

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

from nncore import TrainConfig
from workers import worker as worker_module
from workers.worker import Job

LONG = TrainConfig(epochs=100_000, samples=50)  # still training when its parent goes


def _start_worker() -> tuple[object, subprocess.Popen]:
    """A worker started as Trainer._start starts one (`python -m workers.worker <fd>` on one end
    of a duplex multiprocessing pipe), with its stderr kept for the test."""
    parent, child = multiprocessing.Pipe(duplex=True)
    fd = child.fileno()
    process = subprocess.Popen([sys.executable, "-m", "workers.worker", str(fd)], pass_fds=(fd,),
                               cwd=worker_module.ROOT, stdin=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    child.close()
    return parent, process


@pytest.mark.parametrize("pace_s, interrupt", [
    (0.0, False),   # sending snapshots back to back: the next send finds the pipe broken
    (60.0, False),  # between snapshots: the stop check (or the heartbeat) finds it ended
    (0.0, True),    # Ctrl+C in the server's terminal reaches the worker too, then the pipe ends
], ids=["sending", "computing", "ctrl-c"])
def test_a_worker_whose_parent_goes_mid_job_exits_without_a_traceback(pace_s, interrupt):
    parent, process = _start_worker()
    try:
        job = Job(LONG, None, chunk=10, pace_s=pace_s, live_resolution=10,
                  final_resolution=20)
        parent.send(("train", job))
        kinds = set()
        deadline = time.monotonic() + 60  # (start-up imports on a loaded machine)
        while not kinds & {"snapshot", "alive"} and time.monotonic() < deadline:
            if parent.poll(1.0):
                kinds.add(parent.recv()[0])
        assert kinds & {"snapshot", "alive"}, "the worker never started the job"
        if interrupt:
            os.kill(process.pid, signal.SIGINT)
            time.sleep(0.5)
        parent.close()  # the server stopped
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("the worker did not exit after its parent's end of the pipe closed")
        assert "Traceback" not in err, err
        assert process.returncode == 0, (process.returncode, err)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
        parent.close()
