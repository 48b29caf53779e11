"""Playground runs that fail (AppTest): a training process that crashes or is replaced, settings
the engine rejects, a link's pinned run that cannot be trained. Each shows its message, no
exception, and the next rerun is clean (issue 17, items 1 and 2)."""

import pytest
from apphelpers import make_app

from nncore import TrainConfig
from ui import live, upload
from workers.worker import TrainerCrashed

REAL_TRAIN_LIVE = live.train_live

CRASHED = "the training process ended unexpectedly"
REPLACED = "the training process did not answer for 10 s and was replaced by a new one"
REJECTED = "this network cannot take 3 features"


def _no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


class Failing:
    """train_live that raises `error` for the runs `fails(config)` picks (all, by default),
    and trains the others for real; `calls` counts the failures."""

    def __init__(self, error: Exception, fails=lambda config: True):
        self.error, self.fails, self.calls = error, fails, 0

    def __call__(self, config, *args, **kwargs):
        if self.fails(config):
            self.calls += 1
            raise self.error
        return REAL_TRAIN_LIVE(config, *args, **kwargs)


@pytest.mark.parametrize("error, shown, seed", [  # (seeds no other test caches runs of)
    (TrainerCrashed(CRASHED), f"Training failed on the server: ` {CRASHED} `. Press Train again",
     "917001"),
    (TrainerCrashed(REPLACED), f"Training failed on the server: ` {REPLACED} `. Press Train",
     "917002"),
    (ValueError(REJECTED), f"cannot be trained on this data: ` {REJECTED} `", "917003"),
], ids=["crashed", "replaced", "rejected"])
def test_a_failed_run_shows_its_message_only_and_train_again_works(monkeypatch, error, shown,
                                                                   seed):
    """The failed run's panel used to add StreamlitDuplicateElementKey (pg_pin_button_wait:
    the Pin button drawn twice in one script run)."""
    failing = Failing(error)
    monkeypatch.setattr(live, "train_live", failing)
    at = make_app(epochs="21", seed=seed)
    at.run()
    _no_exception(at)
    assert failing.calls == 1
    assert shown in _texts(at.error), _texts(at.error)
    assert at.session_state["pg_result"] is None
    assert at.button(key="pg_again").disabled is False   # Train again is offered
    assert at.button(key="pg_pin_button_wait").disabled  # nothing to pin

    at.run()  # any rerun: it tries again, fails again, as cleanly
    _no_exception(at)
    assert failing.calls == 2
    assert shown in _texts(at.error)

    failing.fails = lambda config: False  # the server is well again: Train again trains
    at.button(key="pg_again").click().run()
    _no_exception(at)
    assert not at.error, _texts(at.error)
    assert at.session_state["pg_result"]["view"].status == "completed"
    assert at.button(key="pg_pin_button").disabled is False


def test_a_link_pinning_a_csv_run_warns_pins_nothing_and_the_page_trains():
    """?pin=dataset:csv (no upload can come with a link): the engine's ValueError used to
    escape on every rerun of the session."""
    at = make_app(epochs="21", seed="917011", pin="dataset:csv")
    at.run()
    _no_exception(at)
    warned = _texts(at.warning)
    assert "pinned run ` dataset:csv ` cannot be trained on this data" in warned, warned
    assert "needs uploaded data" in warned and "nothing pinned" in warned
    assert at.session_state["pg_pin"] is None and at.session_state["pg_pin_wanted"] is None
    assert "pin" not in at.query_params
    assert not at.error, _texts(at.error)
    result = at.session_state["pg_result"]
    assert result["view"].status == "completed" and result["view"].config["dataset"] != "csv"

    at.run()
    _no_exception(at)
    assert "pinned run" not in _texts(at.warning)  # said once
    assert at.session_state["pg_pin"] is None


def test_a_link_whose_pinned_run_crashes_warns_pins_nothing_and_the_page_trains(monkeypatch):
    failing = Failing(TrainerCrashed(CRASHED), fails=lambda config: config.dropout == 0.5)
    monkeypatch.setattr(live, "train_live", failing)
    at = make_app(epochs="21", seed="917021", dropout="0", pin="dropout:0.5")
    at.run()
    _no_exception(at)
    assert failing.calls == 1
    warned = _texts(at.warning)
    assert f"pinned run ` dropout:0.5 ` failed to train on the server (` {CRASHED} `)" in warned
    assert at.session_state["pg_pin"] is None and at.session_state["pg_pin_wanted"] is None
    assert "pin" not in at.query_params
    assert at.session_state["pg_result"]["view"].status == "completed"
    assert not at.error, _texts(at.error)

    at.run()  # the wanted pin is forgotten: not trained (nor failed) again
    _no_exception(at)
    assert failing.calls == 1
    assert "pinned run" not in _texts(at.warning)


def test_a_link_pinning_built_in_data_on_a_csv_page_pins_a_run_on_that_data():
    """The page trains on an upload; the link's pinned run names built-in data: it is trained
    on that data (it used to be trained on the upload, and labelled spiral)."""
    at = make_app(epochs="21", seed="917031", dataset="csv", pin="dataset:spiral")
    at.run()  # no upload yet: the page waits for one
    _no_exception(at)
    at.sidebar.file_uploader(key="cfg_csv_file").set_value(
        ("points.csv", upload.example_csv(), "text/csv"))
    at.run()
    _no_exception(at)
    assert not at.error, _texts(at.error)
    page = at.session_state["pg_result"]["view"]
    pinned = at.session_state["pg_pin"]
    assert page.config["dataset"] == "csv" and len(page.points[1]) + len(page.points[3]) == 120
    assert pinned["view"].config["dataset"] == "spiral"
    assert pinned["key"] == live.run_key(TrainConfig.from_dict(pinned["view"].config))
    assert len(pinned["view"].points[1]) + len(pinned["view"].points[3]) != 120
