"""Sweeps on local processes: every run equals train(config) alone; progress, cancel, summary."""

import json
import math
import statistics
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import nncore.sweep.executor as executor_mod
from nncore import TrainConfig, train
from nncore.metrics import sparsity
from nncore.sweep import run_sweep, start_sweep
from nncore.sweep.local import local_executor
from nncore.sweep.run import METRICS, best_point, row_from_history, run_one, summarise
from nncore.sweep.spec import make_spec

ROOT = Path(__file__).resolve().parents[2]
BASE = TrainConfig(epochs=40, hidden=(16,), samples=40, val_samples=30)


def _spec():
    return make_spec(BASE, ["weight_l2=1e-4:1e-1:log:3", "dropout=0,0.3"], seeds=2)


def test_local_sweep_rows_equal_lone_runs():
    spec = _spec()
    result = run_sweep(spec, jobs=2)
    assert [r["index"] for r in result.runs] == list(range(12)) and result.cancelled == 0
    for row, (point, config) in zip(result.runs, spec.configs(), strict=True):
        alone = train(config)
        assert row["fingerprint"] == alone.fingerprint() and row["status"] == "completed"
        assert row["point"] == point and row["seed"] == config.seed
        assert row["weight_l2"] == config.weight_l2 and row["dropout"] == config.dropout
        final = alone.final()
        for m in ("data_loss", "reg_loss", "loss", "accuracy", "val_loss", "val_accuracy"):
            assert row[m] == final[m], m
        shares = sparsity(alone.model, config.regularise_output)
        assert row["near_zero_weights"] == shares["near_zero"]
        assert row["exact_zero_weights"] == shares["exact_zero"]
        assert row["epochs_run"] == 40 and row["elapsed_s"] > 0
    assert len({r["fingerprint"] for r in result.runs}) == 12  # seeds and points all differ


def test_run_one_takes_a_plain_description():
    run = json.loads(json.dumps(_spec().runs()[5]))  # as sent through a pipe or a URL
    row = run_one(run)
    config = TrainConfig.from_dict(run["config"])
    alone = train(config)
    assert row["fingerprint"] == alone.fingerprint() and row["index"] == 5
    expected = row_from_history(run, alone)
    assert {k: v for k, v in row.items() if k != "elapsed_s"} == \
        {k: v for k, v in expected.items() if k != "elapsed_s"}
    assert json.loads(json.dumps(row)) == row  # JSON-able (hidden as a list)


def test_summary_is_mean_and_spread_over_seeds():
    spec = make_spec(BASE, ["weight_l2=0,0.01"], seeds=3)
    result = run_sweep(spec, executor=ThreadPoolExecutor(2))
    assert [e["point"] for e in result.summary] == [0, 1]
    for e in result.summary:
        rows = [r for r in result.runs if r["weight_l2"] == e["weight_l2"]]
        assert e["runs"] == e["completed"] == 3
        for m in METRICS:
            values = [r[m] for r in rows]
            assert e[f"{m}_mean"] == pytest.approx(statistics.fmean(values), rel=1e-12)
            assert e[f"{m}_std"] == pytest.approx(statistics.stdev(values), rel=1e-9, abs=1e-15)
            assert (e[f"{m}_min"], e[f"{m}_max"]) == (min(values), max(values))
    best = min(result.summary, key=lambda e: e["val_loss_mean"])["point"]
    assert best_point(result.summary) == best


def test_summary_of_a_partial_sweep_and_diverged_runs():
    base = TrainConfig(epochs=200, hidden=(16,), optimizer="sgd", momentum=0.9, decay=0)
    spec = make_spec(base, ["learning_rate=0.01,100"], seeds=2)
    rows = [run_one(r) for r in spec.runs()[:3]]
    assert rows[2]["status"] == "diverged" and rows[2]["diverged_at"] is not None
    summary = summarise(spec, rows)
    assert [(e["runs"], e["completed"]) for e in summary] == [(2, 2), (1, 0)]
    assert math.isnan(summary[1]["val_loss_mean"]) and math.isfinite(summary[0]["val_loss_std"])
    one = summarise(spec, rows[:1])[0]
    assert one["completed"] == 1 and math.isnan(one["val_loss_std"])  # no spread from one seed


def test_progress_streams_rows_as_they_finish():
    spec = make_spec(BASE, ["dropout=0,0.1,0.2,0.3"], seeds=2)
    seen = []
    with start_sweep(spec, jobs=2) as sweep:
        assert sweep.total == 8 and sweep.done == 0
        for row in sweep:
            seen.append((sweep.done, row["index"]))
    assert [d for d, _ in seen] == list(range(1, 9))
    assert sorted(i for _, i in seen) == list(range(8))


def test_poll_never_blocks_and_collects_every_row():
    spec = make_spec(BASE, ["dropout=0,0.1,0.2"], seeds=2)
    sweep = start_sweep(spec, jobs=2)
    rows, polls = [], 0
    while not sweep.finished:
        rows += sweep.poll(timeout=0.05)
        polls += 1
    assert sorted(r["index"] for r in rows) == list(range(6)) and polls > 1
    assert sweep.poll() == [] and sweep.result().runs == sorted(rows, key=lambda r: r["index"])


def test_cancel_stops_runs_not_started():
    spec = make_spec(TrainConfig(epochs=400, hidden=(64,), samples=100),
                     ["dropout=0:0.5:lin:6"], seeds=2)
    calls = []

    def on_row(row, sweep):
        calls.append(row["index"])
        if len(calls) == 1:
            # one run finished, one running, at most 2 x 1 + 1 in loky's call queue
            assert sweep.cancel() >= 12 - 1 - 1 - 3
    result = run_sweep(spec, jobs=1, on_row=on_row)
    assert len(result.runs) + result.cancelled == 12
    assert result.cancelled >= 7
    assert all(r["status"] == "completed" for r in result.runs)
    done_points = {r["point"] for r in result.runs}
    assert sum(e["runs"] for e in result.summary if e["point"] in done_points) == len(result.runs)


def test_a_failed_run_gives_an_error_row(monkeypatch):
    def flaky(run):
        if run["index"] == 1:
            raise RuntimeError("worker lost")
        return run_one(run)
    monkeypatch.setattr(executor_mod, "run_one", flaky)
    result = run_sweep(make_spec(BASE, ["dropout=0,0.2"], seeds=1), executor=ThreadPoolExecutor(1))
    assert [r["status"] for r in result.runs] == ["completed", "error"]
    assert result.runs[1]["error"] == "RuntimeError: worker lost"
    assert result.summary[1]["completed"] == 0 and result.summary[1]["runs"] == 1


def test_local_workers_use_one_blas_thread_and_every_usable_core():
    with local_executor() as pool:
        assert pool.submit(_env, "OPENBLAS_NUM_THREADS").result() == "1"
        assert pool._max_workers == len(__import__("os").sched_getaffinity(0))
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        local_executor(0)


def _env(name):
    import os
    return os.environ.get(name)


def test_default_pool_does_not_rerun_the_callers_main_script(tmp_path):
    """Inside Streamlit, __main__ is the page script: a worker must not re-run it."""
    marker = tmp_path / "ran.txt"
    script = tmp_path / "page.py"  # no main guard, like a page script
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        with open({str(marker)!r}, "a") as f:
            f.write("ran\\n")
        from nncore import TrainConfig
        from nncore.sweep import make_spec, run_sweep
        spec = make_spec(TrainConfig(epochs=5, hidden=(4,)), ["dropout=0,0.1,0.2"], seeds=2)
        result = run_sweep(spec, jobs=2)
        print(len(result.runs))
    """))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "6"
    assert marker.read_text() == "ran\n"


def test_sweep_modules_import_no_pool_cluster_or_ui_package():
    code = ("import sys, nncore, nncore.sweep, nncore.sweep.cli, nncore.cliflags; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'loky', 'distributed', 'dask', 'pandas', 'streamlit', 'plotly', 'threadpoolctl'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
