"""Sweeps on a Dask cluster: a LocalCluster of two worker processes on the loopback gives the
same rows as local processes and as train(config) alone; cancel drops every unfinished run."""

import pytest
from distributed import LocalCluster

from nncore import TrainConfig, train
from nncore.sweep import make_spec, run_sweep, start_sweep

BASE = TrainConfig(epochs=40, hidden=(16,), samples=40, val_samples=30)


@pytest.fixture(scope="module")
def scheduler():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_cluster_rows_equal_local_rows_and_lone_runs(scheduler):
    spec = make_spec(BASE, ["weight_l2=1e-4:1e-1:log:3", "dropout=0,0.3"], seeds=2)
    on_cluster = run_sweep(spec, scheduler=scheduler)
    local = run_sweep(spec, jobs=2)
    assert len(on_cluster.runs) == 12 and on_cluster.cancelled == 0
    assert [r["fingerprint"] for r in on_cluster.runs] == [r["fingerprint"] for r in local.runs]
    assert [r["fingerprint"] for r in on_cluster.runs] == \
        [train(c).fingerprint() for _, c in spec.configs()]
    drop = {"elapsed_s"}
    assert [{k: v for k, v in r.items() if k not in drop} for r in on_cluster.runs] == \
        [{k: v for k, v in r.items() if k not in drop} for r in local.runs]


def test_cluster_sweep_streams_and_cancels(scheduler):
    spec = make_spec(TrainConfig(epochs=300, hidden=(64,), samples=100),
                     ["dropout=0:0.5:lin:6"], seeds=2)
    with start_sweep(spec, scheduler=scheduler) as sweep:
        rows = []
        for row in sweep:
            rows.append(row)
            if len(rows) == 1:
                sweep.cancel()
    assert len(rows) + sweep.cancelled == 12 and sweep.cancelled >= 6
    assert rows[0]["fingerprint"] == train(spec.configs()[rows[0]["index"]][1]).fingerprint()
