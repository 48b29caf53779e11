"""AppTest of the Sweep page: the definition (widgets, URL, preset), a sweep run on the
server's training workers with every run's numbers those of train(config) alone, the
results (charts, thumbnails, table with Playground links), and a Dask cluster."""

import re
import urllib.parse

import pytest
from apphelpers import charts, no_errors, sweep_page

from nncore import SWEEP_PRESET_NOTES, SWEEP_PRESETS, SweepSpec, TrainConfig, train


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_a_sweep_runs_and_shows_its_u_curve_thumbnails_and_table():
    at = sweep_page(sweep="weight_l2=0.0001:0.01:log:3;seeds=2")
    assert at.session_state["sw_field1"] == "weight_l2" and at.session_state["sw_n1"] == 3
    assert at.query_params["sweep"] == "weight_l2=0.0001:0.01:log:3;seeds=2"
    _button(at, "Run sweep").click()
    at.run()
    no_errors(at)
    running = at.session_state["sw_run"]
    assert running.sweep.finished and running.sweep.done == 6
    assert any("Done: 6 of 6 runs" in p.proto.text for p in at.get("progress"))
    drawn = charts(at)
    assert sorted(drawn) == ["sw_chart_left", "sw_chart_right", "sw_thumb_0", "sw_thumb_1",
                             "sw_thumb_2"]  # the two U-curves and a thumbnail per grid point
    base = TrainConfig(samples=30, epochs=201, hidden=(16,))
    spec = SweepSpec.from_string("weight_l2=0.0001:0.01:log:3;seeds=2", base)
    for row, (_, config) in zip(sorted(running.sweep.rows, key=lambda r: r["index"]),
                                spec.configs(), strict=True):
        assert row["fingerprint"] == train(config).fingerprint()
    table = at.dataframe[0].value
    assert len(table) == 6 and table["open"].str.startswith("/?").all()
    first = urllib.parse.parse_qs(table["open"].iloc[0][2:])
    assert first["weight_l2"] == ["0.0001"] and first["samples"] == ["30"]


def test_the_preset_sweep_loads_its_own_data_and_range():
    at = sweep_page()
    at.selectbox(key="sw_preset").set_value("l2-u-curve")
    at.run()
    no_errors(at)
    spec = SWEEP_PRESETS["l2-u-curve"]
    assert at.session_state["cfg_dataset"] == spec.base.dataset == "circles"
    assert at.session_state["sw_n1"] == len(spec.axes[0].values)
    assert at.session_state["sw_seeds"] == spec.seeds
    assert at.query_params["sweep"] == spec.to_string()
    assert SWEEP_PRESET_NOTES["l2-u-curve"] in [i.value for i in at.info]  # its own note


@pytest.mark.parametrize("link, words", [
    ("weight_l2=0:1:log:3", "log range"),
    ("seed=1:5:lin:3", "seed cannot be varied"),
    ("[x](http://127.0.0.1:9/phish)", "cannot be run"),
])
def test_a_bad_sweep_in_a_link_is_named_and_the_default_shown(link, words):
    at = sweep_page(sweep=link)
    warning = " ".join(w.value for w in at.warning)
    assert words in warning and "default sweep" in warning
    outside_code = re.sub(r"(`+) .*? \1", "", warning)
    assert "](http" not in outside_code and "http" not in outside_code  # only literal text
    assert at.session_state["sw_field1"] == "weight_l2"


def test_an_impossible_range_is_an_error_not_a_traceback():
    at = sweep_page()
    at.number_input(key="sw_lo1").set_value(0.0)  # a log range through 0
    at.run()
    assert not at.exception
    assert any("log range" in e.value for e in at.error)
    assert _button(at, "Run sweep").disabled

# Stop is clicked in the real-browser test (tests/e2e/test_sweep_browser.py): AppTest cannot
# click while the page's script is still sweeping, and hands out copies of session state.


def test_with_nncore_scheduler_set_the_page_sweeps_on_the_dask_cluster(monkeypatch):
    """NNCORE_SCHEDULER=tcp://...: the page's runs go to that cluster (a LocalCluster of
    worker processes on the loopback here) and give the numbers of the runs alone."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        monkeypatch.setenv("NNCORE_SCHEDULER", cluster.scheduler_address)
        at = sweep_page(sweep="dropout=0,0.3;seeds=2")
        _button(at, "Run sweep").click()
        at.run()
        no_errors(at)
        running = at.session_state["sw_run"]
        assert "Dask cluster" in running.where and running.sweep.done == 4
        base = TrainConfig(samples=30, epochs=201, hidden=(16,))
        spec = SweepSpec.from_string("dropout=0,0.3;seeds=2", base)
        assert sorted(r["fingerprint"] for r in running.sweep.rows) == sorted(
            train(c).fingerprint() for _, c in spec.configs())
        assert any("Dask cluster" in p.proto.text for p in at.get("progress"))
