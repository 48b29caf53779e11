"""The Playground's cards and the weight histogram's title say what they show (issue 19, 3):
the loss card beside "Val loss" is the training DATA loss (like with like), the total and the
regularisation's share of it are given apart; the histogram is titled truthfully."""

import pytest
from apphelpers import make_app, no_errors, open_group

from nncore import PRESETS, TrainConfig, train
from ui import compare, panels, runs
from workers import views


def _card(at, label: str):
    (card,) = [m for m in at.metric if m.label == label]
    return card


@pytest.fixture(scope="module")
def overfit_l2():
    at = make_app(preset="overfit-l2", epochs="301")
    at.run(timeout=300)
    no_errors(at)
    return at


def test_train_loss_card_is_the_data_loss_beside_the_val_loss(overfit_l2):
    at = overfit_l2
    config = TrainConfig.from_dict(at.session_state["pg_result"]["view"].config)
    assert config == TrainConfig.from_dict({**PRESETS["overfit-l2"].to_dict(), "epochs": 301})
    final = train(config).final()  # trained again here: the numbers the cards must show
    data, reg, val = final["data_loss"], final["reg_loss"], final["val_loss"]
    total = data + reg
    assert f"{data:.3f}" != f"{total:.3f}"  # (the preset's L2 is large enough to tell apart)
    (train_card,) = [m for m in at.metric if "loss" in m.label and m.label != "Val loss"]
    assert "data" in train_card.label.lower()
    assert "training data loss" in train_card.proto.help.lower()
    assert train_card.value == f"{data:.3f}"
    val_card = _card(at, "Val loss")
    assert val_card.value == f"{val:.3f}"
    assert "validation data loss" in val_card.proto.help.lower()
    # The total and the regulariser's share of it, apart from the data loss.
    share = _card(at, "Reg share")
    assert share.value == f"{reg / total:.1%}"
    assert f"{total:.3f}" in share.proto.help and "total" in share.proto.help
    assert f"{total:.3f}" in train_card.proto.help


def test_replay_shows_the_data_loss_at_a_snapshot(overfit_l2):
    at = overfit_l2
    view = at.session_state["pg_result"]["view"]
    shot = view.extras.snapshots[2]
    at.select_slider(key="pg_replay").set_value(shot.epoch)
    at.run()
    no_errors(at)
    i = list(view.epoch).index(shot.epoch)
    data, reg = view.series["data_loss"][i], view.series["reg_loss"][i]
    assert _card(at, "Data loss").value == f"{data:.3f}"
    assert _card(at, "Reg share").value == f"{reg / (data + reg):.1%}"
    assert f"{data + reg:.3f}" in _card(at, "Reg share").proto.help


class _Place:
    """Stands for a column: records what metric() drew."""

    def metric(self, label, value, delta=None, **kwargs):
        self.drawn = {"label": label, "value": value, "delta": delta, **kwargs}
        return self


def _view(**changes):
    config = TrainConfig(**{**PRESETS["overfit-l2"].to_dict(), "epochs": 101, **changes})
    return views.view_from_history(train(config), grid=None)


def _deltas(view, previous) -> dict:
    places = [_Place() for _ in panels.CARDS]
    panels.metric_cards(view, previous, places)
    return {p.drawn["label"]: p.drawn["delta"] for p in places}


@pytest.mark.parametrize("source", ["pinned", "log"])
def test_the_loss_cards_delta_is_the_change_of_the_data_loss(source):
    now, before = _view(), _view(weight_l2=1e-3, bias_l2=1e-3)
    if source == "pinned":
        previous = compare.previous(before)
    else:  # the run log's row (its rounded numbers; it keeps the total and the reg loss)
        previous = runs.log_entry("before", before, None)
    deltas = _deltas(now, previous)
    label = "Data loss"
    change = now.final["data_loss"] - before.final["data_loss"]
    total_change = now.final["loss"] - before.final["loss"]
    assert panels.card_delta(total_change, "{:.3f}") != panels.card_delta(change, "{:.3f}")
    if source == "pinned":
        assert deltas[label] == panels.card_delta(change, "{:.3f}")
    else:
        assert float(deltas[label]) == pytest.approx(change, abs=2e-4)


def _weights_title(view) -> str:
    return panels.charts(view, {})["weights"]["layout"]["title"]["text"]


def test_weight_histogram_title_says_whether_any_layer_is_regularised():
    none = _view(weight_l2=0.0, bias_l2=0.0)
    assert "regularised layers" not in _weights_title(none)
    assert "hidden layers" in _weights_title(none)
    both = _view(weight_l2=0.0, bias_l2=0.0, regularise_output=True)
    assert "regularised layers" not in _weights_title(both)
    assert "all layers" in _weights_title(both)  # (it counts the output layer's too)
    assert _weights_title(_view()) == "Weights of the regularised layers"
    assert _weights_title(_view(weight_l2=0.0, bias_l2=0.0, weight_l1=1e-4)) == \
        "Weights of the regularised layers"


def test_the_cards_say_what_their_changes_are_measured_against():
    """Issue 19: the deltas compared with an unlabelled "previous comparable run"."""
    at = make_app(preset="overfit-l2", epochs="101").run(timeout=300)
    no_errors(at)
    assert not any(c.value.startswith("Changes under the cards") for c in at.caption)
    open_group(at, "optim").select_slider(key="cfg_decay").set_value(1e-2).run(timeout=300)
    no_errors(at)
    (line,) = [c.value for c in at.caption if c.value.startswith("Changes under the cards")]
    assert line == ("Changes under the cards: against the previous run on these points: "
                    "decay 0.03 → 0.01.")
    [b for b in at.button if b.key == "pg_pin_button"][0].click().run(timeout=300)
    no_errors(at)
    at.select_slider(key="cfg_decay").set_value(3e-2).run(timeout=300)
    no_errors(at)
    (line,) = [c.value for c in at.caption if c.value.startswith("Changes under the cards")]
    assert line == "Changes under the cards: against the pinned run."
    assert panels.against_text(None) == ""
