"""Sweeps on the server's training workers (workers.executor.SlotExecutor): the rows of nncore's
sweep, with each run's numbers those of train(config) alone; views handed over; cancel."""

import threading

import numpy as np
import pytest

from nncore import TrainConfig, decision_grid, make_spec, start_sweep, train
from nncore.sweep import run_one
from workers import cost
from workers.executor import SlotExecutor

BASE = TrainConfig(samples=30, hidden=(16,), epochs=201)




def test_rows_are_those_of_run_one_and_the_views_are_handed_over(worker_slots):
    spec = make_spec(BASE, ["weight_l2=1e-4:1e-2:log:3"], seeds=2)
    views = {}
    executor = SlotExecutor(worker_slots, on_view=lambda run, view: views.__setitem__(run["index"],
                                                                                view))
    with start_sweep(spec, executor=executor) as sweep:
        result = sweep.result()
    executor.shutdown()
    assert len(result.runs) == 6 and all(r["status"] == "completed" for r in result.runs)
    for run, row in zip(spec.runs(), result.runs, strict=True):
        alone = run_one(run)
        history = train(TrainConfig.from_dict(run["config"]))
        assert row["fingerprint"] == alone["fingerprint"] == history.fingerprint()
        assert {k: row[k] for k in row if k != "elapsed_s"} == {
            k: alone[k] for k in alone if k != "elapsed_s"}
        assert views[run["index"]].fingerprint == row["fingerprint"]
        # the regions, for the Playground's cache: those of the run's own final model
        fresh = decision_grid(history.model, history.data.X, X_val=history.data.X_val,
                              resolution=cost.FINAL_RESOLUTION)
        handed = views[run["index"]].grid
        assert handed[2].shape == (cost.FINAL_RESOLUTION, cost.FINAL_RESOLUTION, 3)
        for got, want in zip(handed, fresh, strict=True):
            np.testing.assert_array_equal(got, want)


def test_cancel_leaves_the_runs_not_started_and_a_gone_session_cancels_the_rest(worker_slots):
    spec = make_spec(TrainConfig(samples=30, hidden=(16,), epochs=3001),
                     ["weight_l2=1e-4:1e-2:log:4"], seeds=3)
    executor = SlotExecutor(worker_slots)
    sweep = start_sweep(spec, executor=executor)
    first = _first_row(sweep)
    cancelled = sweep.cancel()
    result = sweep.result()
    executor.shutdown()
    assert first["status"] == "completed"
    assert cancelled >= 12 - 1 - 2 - 2   # all but the finished one, the running two and the
    assert result.cancelled == cancelled  # two a dispatch thread had already taken
    assert len(result.runs) == 12 - cancelled
    alive = threading.Event()
    alive.set()
    executor = SlotExecutor(worker_slots, alive=alive.is_set)
    sweep = start_sweep(spec, executor=executor)
    _first_row(sweep)
    alive.clear()  # the session closed its page
    result = sweep.result()
    executor.shutdown()
    assert len(result.runs) < 12


def _first_row(sweep) -> dict:
    for _ in range(600):
        rows = sweep.poll(0.1)
        if rows:
            return rows[0]
    raise AssertionError("no run finished")


def test_only_run_one_is_accepted(worker_slots):
    executor = SlotExecutor(worker_slots)
    with pytest.raises(TypeError, match="run_one"):
        executor.submit(print, {})
    executor.shutdown()
    with pytest.raises(RuntimeError):
        executor.submit(run_one, {})
