"""A finished run's charts are encoded once for every session (ui/panels.py encoded_charts):
the text kept is the text the page would build for it; whatever the charts read makes an entry
of its own; a run that is training is encoded anew each time."""

import dataclasses
from types import SimpleNamespace

import pytest

from nncore import TrainConfig, decision_grid, train
from ui import panels
from workers import views

OPTS = {"show_train": True, "show_val": True, "log_loss": False, "ref": None, "at": None,
        "revision": "run-a", "pinned_revision": None}


@pytest.fixture(scope="module")
def view():
    history = train(TrainConfig(epochs=30))
    return views.view_from_history(history, decision_grid(history.model, history.data.X,
                                                         resolution=20))


@pytest.fixture(autouse=True)
def empty_cache():
    panels._kept_charts.clear()
    yield
    panels._kept_charts.clear()


def test_a_finished_runs_charts_are_kept_as_the_page_would_encode_them(view):
    first = panels.encoded_charts(view, OPTS)
    assert dict(first) == panels._encode_charts(view, OPTS)  # the same text, built afresh
    assert set(first) == set(panels.charts(view, OPTS))
    # another session's copy of the same run (equal, not the same object) gets the kept text
    again = panels.encoded_charts(dataclasses.replace(view), dict(OPTS))
    assert again is first
    with pytest.raises(TypeError):  # shared by every session: nobody may change it
        first["loss"] = ""


def test_what_the_charts_read_gives_an_entry_of_its_own(view):
    ident = panels.chart_identity(view, OPTS)
    assert ident is not None
    variants = [
        (view, {**OPTS, "show_train": False}),
        (view, {**OPTS, "show_val": False}),
        (view, {**OPTS, "log_loss": True}),
        (view, {**OPTS, "revision": "run-b"}),  # other data or config: another run key
        (view, {**OPTS, "at": SimpleNamespace(epoch=10)}),
        (view, {**OPTS, "ref": view, "pinned_revision": "run-a"}),
        (dataclasses.replace(view, config={**view.config, "regularise_output":
                                           not view.config["regularise_output"]}), OPTS),
        (dataclasses.replace(view, status="stopped"), OPTS),
        (dataclasses.replace(view, epoch=view.epoch[:-1]), OPTS),
        (dataclasses.replace(view, fingerprint="0" * 12), OPTS),
    ]
    idents = [panels.chart_identity(v, o) for v, o in variants]
    assert None not in idents
    assert len({ident, *idents}) == len(variants) + 1
    # and a toggle's charts are not the kept ones of the run without it
    assert panels.encoded_charts(view, {**OPTS, "show_val": False})["regions"] != \
        panels.encoded_charts(view, OPTS)["regions"]


def test_a_run_that_is_training_is_encoded_anew(view):
    running = dataclasses.replace(view, status="running", fingerprint="")
    assert panels.chart_identity(running, OPTS) is None
    first, second = panels.encoded_charts(running, OPTS), panels.encoded_charts(running, OPTS)
    assert first is not second and first == second
    # a pinned run without a fingerprint is not kept either
    assert panels.chart_identity(view, {**OPTS, "ref": running}) is None
