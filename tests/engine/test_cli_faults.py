"""`python -m nncore` faults: a scheduler that never answers, a malformed or refused one, more
--jobs than runs, dataset csv. Each is one line on stderr and exit status 2 (no traceback, no
"Exception ignored" at exit), soon. Every listener here is on 127.0.0.1."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nncore.sweep import CONNECT_TIMEOUT_S, usable_cores

from .test_scheduler_faults import http_listener, refused_address, silent_listener  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--epochs", "20", "--hidden", "4", "--samples", "30", "--val-samples", "20",
         "--vary", "dropout=0,0.5"]
LIMIT_S = CONNECT_TIMEOUT_S + 8  # the promised 10 s, the interpreter's start and exit


def _run(*args, env=None, timeout=LIMIT_S + 10):
    full = {k: v for k, v in os.environ.items() if k != "NNCORE_SCHEDULER"}
    full.update(OPENBLAS_NUM_THREADS="1", **(env or {}))
    start = time.monotonic()
    try:
        out = subprocess.run([sys.executable, "-m", "nncore", *args], cwd=ROOT, text=True,
                             capture_output=True, timeout=timeout, env=full)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`python -m nncore {' '.join(args)}` still running after {timeout} s")
    return out, time.monotonic() - start


def _one_line_error(out, elapsed, limit=LIMIT_S):
    assert out.returncode == 2 and out.stdout == "", out.stderr
    assert out.stderr.startswith("error: ") and out.stderr.count("\n") == 1, out.stderr
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr
    assert elapsed < limit, f"{elapsed:.1f} s"
    return out.stderr


@pytest.mark.parametrize("listener", ["silent_listener", "http_listener"])
def test_a_scheduler_that_never_answers_is_one_line_within_the_timeout(listener, request):
    address = request.getfixturevalue(listener)
    out, elapsed = _run("sweep", *SMALL, "--scheduler", address)
    line = _one_line_error(out, elapsed)
    assert line.startswith(f"error: no Dask scheduler answered at '{address}' "
                           f"within {CONNECT_TIMEOUT_S} s: nothing answered")


def test_a_malformed_scheduler_in_the_environment_is_explained_at_once():
    out, elapsed = _run("sweep", *SMALL, env={"NNCORE_SCHEDULER": "garbage"})
    line = _one_line_error(out, elapsed, limit=8)
    assert "'garbage'" in line and "not a valid address" in line and "tcp://HOST:8786" in line
    assert "NNCORE_SCHEDULER" in line and "--scheduler local" in line


def test_a_refused_scheduler_says_connection_refused(refused_address):  # noqa: F811
    out, elapsed = _run("sweep", *SMALL, "--scheduler", refused_address)
    line = _one_line_error(out, elapsed)
    assert f"'{refused_address}'" in line and "connection refused" in line


def test_jobs_are_capped_at_the_runs_and_the_cores():
    import psutil
    env = {k: v for k, v in os.environ.items() if k != "NNCORE_SCHEDULER"}
    proc = subprocess.Popen([sys.executable, "-m", "nncore", "sweep", "--epochs", "1500",
                             "--hidden", "32", "--samples", "100", "--vary",
                             "dropout=0:0.4:lin:5", "--jobs", "40"], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**env, "OPENBLAS_NUM_THREADS": "1"})
    workers = set()
    try:
        parent, deadline = psutil.Process(proc.pid), time.monotonic() + 25
        while proc.poll() is None and time.monotonic() < deadline:
            workers |= {p.pid for p in parent.children(recursive=True) if _is_worker(p)}
            time.sleep(0.02)
        out, err = proc.communicate(timeout=25)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    expected = min(5, usable_cores())
    assert 1 <= len(workers) <= expected
    assert err.splitlines()[0] == (f"--jobs 40: starting {expected} worker processes "
                                   f"(5 runs, {usable_cores()} usable cores)")
    assert len(out.strip().splitlines()) == 6  # the table: a header and 5 points


def _is_worker(process) -> bool:
    import psutil
    try:
        return "popen_loky_posix" in " ".join(process.cmdline())
    except psutil.Error:
        return False


@pytest.mark.parametrize("command", [["train"], ["sweep", *SMALL]])
def test_dataset_csv_is_one_line_naming_the_builtin_datasets(command):
    out, elapsed = _run(*command, "--dataset", "csv")
    line = _one_line_error(out, elapsed, limit=30)
    assert "dataset csv needs a file" in line and "spiral" in line and "blobs" in line
