"""AppTest of the views beside the live run: Pin (compare), Replay, Inside the network, and the
Lesson page."""

import json
import urllib.parse

import pytest
from apphelpers import make_app, no_errors

from nncore import PRESETS, TrainConfig
from ui import compare
from ui.lessons import STEPS
from workers import recorder

SMALL = {"samples": "30", "epochs": "301", "hidden": "16"}


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def _datasets(chart) -> set:
    import json
    spec = json.loads(chart.proto.spec)
    return {d.name for d in chart.proto.datasets} | set(spec.get("datasets", {}))


@pytest.fixture
def pinned_app():
    """The Playground with a run pinned, then dropout moved to 0.5 (a second run)."""
    at = make_app(**SMALL)
    at.run()
    _button(at, "pg_pin_button").click()
    at.run()
    no_errors(at)
    at.slider(key="cfg_dropout").set_value(0.5)
    at.run()
    no_errors(at)
    return at


def test_pin_keeps_the_run_as_a_faint_reference_with_its_regions_beside(pinned_app):
    at = pinned_app
    pin = at.session_state["pg_pin"]["view"]
    current = at.session_state["pg_result"]["view"]
    assert pin.config["dropout"] == 0.0 and current.config["dropout"] == 0.5
    charts = at.get("vega_lite_chart")
    assert len(charts) == 7  # the pinned run's regions beside the current ones
    with_ref = [c for c in charts if "ref" in _datasets(c)]
    assert len(with_ref) == 4  # loss, reg loss, accuracy, weights
    assert any("here → pinned: dropout 0.5 → 0" in c.value for c in at.caption)
    # Side by side, short titles (at 1280x720 "Decision regions" was cut to "Decision regi…")
    titles = {json.loads(c.proto.spec).get("title", {}).get("text") for c in charts}
    assert {"This run", "Pinned run"} <= titles and "Decision regions" not in titles
    # the cards' deltas are against the pinned run
    val_acc = next(m for m in at.metric if m.label == "Val acc")
    expected = (current.final["val_accuracy"] - pin.final["val_accuracy"]) * 100
    assert val_acc.proto.delta == f"{expected:+.1f} pts"
    assert at.query_params["pin"] == "dropout:0.0"


def test_unpin_and_swap(pinned_app):
    at = pinned_app
    _button(at, "pg_swap").click()
    at.run()
    no_errors(at)
    assert at.session_state["cfg_dropout"] == 0.0  # the pinned run's settings are loaded
    assert at.session_state["pg_pin"]["view"].config["dropout"] == 0.5  # and the other pinned
    assert at.query_params["pin"] == "dropout:0.5"
    _button(at, "pg_unpin").click()
    at.run()
    no_errors(at)
    assert at.session_state["pg_pin"] is None and "pin" not in at.query_params
    assert len(at.get("vega_lite_chart")) == 6


def test_a_link_with_a_pin_opens_both_runs():
    at = make_app(**SMALL, dropout="0.5", pin="dropout:0.0")
    at.run()
    no_errors(at)
    pin = at.session_state["pg_pin"]["view"]
    assert pin.config["dropout"] == 0.0 and pin.status == "completed"
    assert at.session_state["pg_result"]["view"].config["dropout"] == 0.5
    assert len(at.get("vega_lite_chart")) == 7


@pytest.mark.parametrize("link, words", [("dropout", "FIELD:VALUE"),
                                         ("dropout:lots", "a value is not valid"),
                                         ("[x](http://127.0.0.1:9/p)", "is not a setting")])
def test_a_bad_pin_in_a_link_is_named_and_nothing_pinned(link, words):
    at = make_app(**SMALL, pin=link)
    at.run()
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert words in text and "nothing pinned" in text
    assert "](http" not in text.replace(f"` {link} `", "").replace("` [x](http `", "")
    assert at.session_state["pg_pin"] is None


def test_pin_links_round_trip():
    base = TrainConfig(samples=30)
    pinned = TrainConfig(samples=30, dropout=0.25, hidden=(8, 8))
    text = compare.encode(pinned.to_dict(), base)
    assert compare.decode(text, base) == (pinned, [])
    assert compare.encode(base.to_dict(), base) == "same"
    assert urllib.parse.quote(text, safe=":;-.").count("%") == 0  # readable in the URL


def test_replay_scrubs_regions_weights_and_cards_to_a_snapshot():
    at = make_app(**SMALL)
    at.run()
    view = at.session_state["pg_result"]["view"]
    shots = view.extras.snapshots
    assert len(shots) == recorder.SNAPSHOTS
    assert shots[0].epoch < shots[-1].epoch <= 300
    slider = at.select_slider(key="pg_replay")
    assert slider.value == "end"
    slider.set_value(shots[2].epoch)
    at.run()
    no_errors(at)
    assert any(f"replaying epoch {shots[2].epoch:,}" in p.proto.text
               for p in at.get("progress"))
    train_acc = next(m for m in at.metric if m.label == "Train acc")
    i = list(view.epoch).index(shots[2].epoch)
    assert train_acc.value == f"{view.series['accuracy'][i]:.1%}"
    assert len(at.get("vega_lite_chart")) == 6  # the same charts, redrawn with the snapshot


def test_inside_the_network_shows_units_layers_and_norms():
    at = make_app(**SMALL)
    at.run()
    at.switch_page("pages/inside.py")
    at.run()
    no_errors(at)
    images = at.get("image")
    assert len(images) == 1
    assert "units of the first hidden layer" in str(images[0].proto)
    assert len(at.get("vega_lite_chart")) == 2 + 1  # two layers' histograms, the norm curve


def test_inside_the_network_before_any_run_says_what_to_do():
    at = make_app(**SMALL)
    at.switch_page("pages/inside.py")
    at.run()
    assert not at.exception
    assert any("Train a run in the **Playground** first" in i.value for i in at.info)


def test_the_lesson_walks_its_steps_and_applies_one_in_the_playground():
    at = make_app()
    at.query_params["step"] = "2"
    at.switch_page("pages/lesson.py")
    at.run()
    no_errors(at)
    assert at.session_state["ls_step"] == 2
    assert any(STEPS[1].title in h.value for h in at.header)
    _button(at, "ls_next").click()
    at.run()
    assert at.session_state["ls_step"] == 3 and at.query_params["step"] == "3"
    assert any(STEPS[2].question == i.value for i in at.info)
    _button(at, "ls_apply_3").click()
    at.run()
    no_errors(at)
    assert at.session_state["cfg_preset"] == "l1-sparse"
    assert at.session_state["cfg_config"] == PRESETS["l1-sparse"]
    assert at.session_state["pg_result"]["view"].config == PRESETS["l1-sparse"].to_dict()


def test_a_bad_step_in_a_link_starts_at_step_one():
    at = make_app()
    at.query_params["step"] = "[x](http://127.0.0.1:9/p)"
    at.switch_page("pages/lesson.py")
    at.run()
    assert not at.exception
    assert at.session_state["ls_step"] == 1
    assert any("is not one of 1-6" in w.value for w in at.warning)
