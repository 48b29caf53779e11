"""`python -m nncore sweep`: progress on stderr, table, --json, --out CSV, one-line errors."""

import csv
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nncore import TrainConfig, make_spec, train

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--epochs", "30", "--hidden", "8", "--samples", "30", "--val-samples", "20"]


def _run(*args, env=None):
    full = {k: v for k, v in os.environ.items() if k != "NNCORE_SCHEDULER"}
    full.update(OPENBLAS_NUM_THREADS="1", **(env or {}))
    return subprocess.run([sys.executable, "-m", "nncore", "sweep", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=180, env=full)


def test_table_and_progress():
    out = _run(*SMALL, "--vary", "weight_l2=1e-4:1e-1:log:3", "--seeds", "2", "--jobs", "2")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].split()[:4] == ["weight_l2", "runs", "val_loss", "±"]
    assert [line.split()[0] for line in lines[1:]] == ["0.0001", "0.003162", "0.1"]
    assert all(line.split()[1] == "2/2" for line in lines[1:])
    # the best point, and only it, starred: the lowest mean validation loss of the same runs
    # trained here (the table's 3 digits tie)
    spec = make_spec(TrainConfig(epochs=30, hidden=(8,), samples=30, val_samples=20),
                     ["weight_l2=1e-4:1e-1:log:3"], seeds=2)
    means = [0.0] * 3
    for run in spec.runs():
        means[run["point"]] += train(TrainConfig.from_dict(run["config"])).val_loss[-1] / 2
    assert [line.split()[2] for line in lines[1:]] == [f"{m:.3g}" for m in means]
    starred = [i for i, line in enumerate(lines[1:]) if line.rstrip().endswith("*")]
    assert starred == [means.index(min(means))], (starred, means)
    progress = out.stderr.strip().splitlines()
    assert len(progress) == 6 and progress[-1].startswith("[" + "#" * 30 + "] 6/6 runs")
    assert "Traceback" not in out.stderr


def test_json_runs_equal_lone_runs_and_csv(tmp_path):
    target = tmp_path / "runs.csv"
    out = _run(*SMALL, "--preset", "book-ch14", "--vary", "dropout=0,0.2", "--vary",
               "epochs=10,20", "--seeds", "2", "--json", "--out", str(target))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["sweep"] == "dropout=0.0,0.2;epochs=10,20;seeds=2"
    assert len(doc["runs"]) == 8 and len(doc["summary"]) == 4 and doc["cancelled"] == 0
    for run in doc["runs"]:
        config = TrainConfig.from_dict({k: run[k] for k in doc["base"]})
        assert config.learning_rate == 0.02 and config.hidden == (8,)  # preset, then flags
        assert run["fingerprint"] == train(config).fingerprint()
    assert doc["summary"][3]["dropout"] == 0.2 and doc["summary"][3]["epochs"] == 20
    point0 = [run["val_loss"] for run in doc["runs"] if run["point"] == 0]
    assert len(point0) == 2 and doc["summary"][0]["val_loss_std"] == pytest.approx(
        statistics.stdev(point0), rel=1e-9)  # (NaN, or None, is not)
    with open(target, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["fingerprint"] for r in rows] == [r["fingerprint"] for r in doc["runs"]]
    assert rows[0]["hidden"] == "8" and float(rows[5]["val_loss"]) == doc["runs"][5]["val_loss"]


def test_sweep_preset_with_overrides():
    out = _run("--sweep-preset", "l2-u-curve", "--epochs", "5", "--hidden", "4,4", "--seeds", "1",
               "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["sweep"].startswith("weight_l2=1e-05:0.1:log:") and doc["sweep"].endswith("seeds=1")
    assert doc["base"]["samples"] == 30 and doc["base"]["epochs"] == 5


@pytest.mark.parametrize("args,message", [
    ([], "give a varied field: --vary"),
    (["--vary", "bogus=1,2"], "unknown field 'bogus'"),
    (["--vary", "optimizer=1,2"], "optimizer is not numeric"),
    (["--vary", "weight_l2=1e-5:1e-1:log:1"], "N >= 2"),
    (["--vary", "weight_l2=0:1e-1:log:3"], "log range needs both ends above 0"),
    (["--vary", "dropout=0,1"], "dropout must be in [0, 1)"),
    (["--vary", "dropout=0:0.9:lin:15", "--vary", "decay=0:0.1:lin:15", "--seeds", "3"],
     "too many runs"),
    (["--vary", "dropout=0,0.5", "--vary", "decay=0,1e-3", "--vary", "noise=0,0.1"],
     "varies 1 or 2 fields"),
    (["--vary", "dropout=0,0.5", "--seeds", "0"], "seeds must be a whole number >= 1"),
    (["--vary", "dropout=0,0.5", "--jobs", "0"], "--jobs must be in [1, 500]"),
    (["--vary", "dropout=0,0.5", "--jobs", "two"], "invalid int value"),
    (["--vary", "dropout=0,0.5", "--dropout", "2"], "dropout must be in [0, 1)"),
    (["--vary", "dropout=0,0.5", "--sweep-preset", "nope"], "invalid choice"),
    (["--vary", "dropout=0,0.5", "--out", "/nonexistent/dir/x.csv"], "No such file"),
])
def test_bad_arguments_exit_nonzero_with_one_line(args, message):
    out = _run(*SMALL, *args)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and message in out.stderr, out.stderr
    assert out.stderr.startswith("error: ") and "Traceback" not in out.stderr
    assert out.stdout == ""


def test_unreachable_scheduler_is_one_line(unused_port):
    address = f"tcp://127.0.0.1:{unused_port}"
    out = _run(*SMALL, "--vary", "dropout=0,0.5", env={"NNCORE_SCHEDULER": address})
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1, out.stderr
    assert out.stderr.startswith(f"error: no Dask scheduler answered at '{address}'")


def test_scheduler_local_overrides_the_environment():
    out = _run(*SMALL, "--vary", "dropout=0,0.5", "--scheduler", "local",
               env={"NNCORE_SCHEDULER": "tcp://127.0.0.1:9"})
    assert out.returncode == 0, out.stderr


@pytest.fixture
def unused_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_interrupt_stops_the_sweep_and_its_workers():
    import signal

    import psutil
    env = {k: v for k, v in os.environ.items() if k != "NNCORE_SCHEDULER"}
    proc = subprocess.Popen([sys.executable, "-m", "nncore", "sweep", "--epochs", "100000",
                             "--hidden", "64", "--vary", "dropout=0:0.5:lin:6", "--jobs", "2"],
                            cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**env, "OPENBLAS_NUM_THREADS": "1"})
    try:
        parent = psutil.Process(proc.pid)
        workers, deadline = [], time.monotonic() + 60
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # until the pool's two workers run
            workers = [p for p in parent.children(recursive=True) if _is_worker(p)]
        assert len(workers) == 2
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted: the sweep was stopped"
    assert "Traceback" not in err and out == ""
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert len(gone) == 2 and not alive


def _is_worker(process) -> bool:
    import psutil
    try:
        return "popen_loky_posix" in " ".join(process.cmdline())
    except psutil.Error:
        return False
