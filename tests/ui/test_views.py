"""AppTest of the views beside the live run: Pin (compare), Replay, Inside the network, and the
Lesson page."""

import urllib.parse

import numpy as np
import pytest
from apphelpers import charts, make_app, no_errors
from figcheck import image_pixels

from nncore import PRESETS, TrainConfig, decision_grid, train
from ui import compare, formulas, lesson_mode, panels
from ui.charts import common, network, png, regions, training
from ui.lessons import STEPS
from workers import recorder, views
from workers.network import picture as network_of

SMALL = {"samples": "30", "epochs": "301", "hidden": "16"}


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def _figures(at, prefix: str = panels.CHART_KEY.format("")) -> dict[str, dict]:
    """The Plotly figures the page drew (as the browser receives them), by the name after
    `prefix` in their key: the Playground's "regions", "loss", ... (ui/panels.py's ALT)."""
    return {key.removeprefix(prefix): chart["figure"] for key, chart in charts(at).items()
            if key.startswith(prefix)}


def _is_pinned_trace(trace: dict) -> bool:
    """A pinned run's trace (ui/charts/training.py): named "pinned run", drawn grey (a curve's
    line, a histogram's bar outlines)."""
    colours = {trace.get("line", {}).get("color"),
               trace.get("marker", {}).get("line", {}).get("color")}
    return trace.get("name") == training.REF_NAME and common.REF_COLOUR in colours


def _counts(fig: dict) -> np.ndarray:
    """The counts of a weight histogram's bars (each bar's customdata: [from, to, count])."""
    (bars,) = [t for t in fig["data"] if t["type"] == "bar" and t["name"] != training.REF_NAME]
    return np.array([count for _, _, count in bars["customdata"]])


def _segments(fig: dict) -> int:
    """The connections a network diagram draws: None-separated segments of its edge traces
    (lines with points; the signs' legend entries are a single None)."""
    return sum(t["x"].count(None) for t in fig["data"]
               if t.get("mode") == "lines" and t["x"] != [None])


def _weights_told(fig: dict) -> list[float]:
    """The weights a network diagram tells on hover, one per drawn connection."""
    (told,) = [t for t in fig["data"] if t.get("uid") == "weights"]
    return [float(text.removeprefix("w = ")) for text in told["text"]]


def _notes(fig: dict) -> str:
    return " ".join(a["text"] for a in fig["layout"].get("annotations", []))


def _histogram(w: np.ndarray) -> np.ndarray:
    """Counts of weights `w` over the fixed weight axis (the binning itself: test_runs.py)."""
    return views.weight_histogram(np.ravel(w))[1]


def _dense_weights(model) -> list[np.ndarray]:
    return [p.value.astype(np.float64) for p in model.params.params
            if p.name.endswith(".weights")]


def _codes(probs: np.ndarray) -> np.ndarray:
    """Cell codes written out here: winner * LEVELS + confidence level, the winning probability
    rescaled from 1/K (a coin toss) to 1 (certain) in LEVELS steps."""
    k = probs.shape[-1]
    confidence = np.clip((probs.max(axis=-1) - 1 / k) / (1 - 1 / k), 0, 1)
    level = np.minimum(np.floor(confidence * recorder.LEVELS), recorder.LEVELS - 1)
    return probs.argmax(axis=-1) * recorder.LEVELS + level.astype(int)


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
    figures = _figures(at)
    assert len(charts(at)) == len(figures) == panels.N_PINNED_CHARTS  # + the pinned run's
    assert set(figures) == set(panels.ALT)  # regions (and network) beside the current ones
    with_ref = {name for name, fig in figures.items()
                if any(_is_pinned_trace(t) for t in fig["data"])}
    assert with_ref == {"loss", "reg", "accuracy", "weights"}
    assert any("here → pinned: dropout 0.5 → 0" in c.value for c in at.caption)
    # Side by side, short titles (at 1280x720 "Decision regions" was cut to "Decision regi…")
    titles = {fig["layout"]["title"]["text"] for fig in figures.values()}
    assert {"This run", "Pinned run"} <= titles and "Decision regions" not in titles
    # a chart's zoom belongs to its run (Plotly's uirevision: the run's key, the pinned's)
    revisions = {name: fig["layout"]["uirevision"] for name, fig in figures.items()}
    run_key, pin_key = at.session_state["pg_result"]["key"], at.session_state["pg_pin"]["key"]
    assert run_key != pin_key
    assert revisions == {name: pin_key if name in panels.PINNED_ONLY else run_key
                         for name in panels.ALT}
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
    assert len(charts(at)) == panels.N_CHARTS


def test_a_link_with_a_pin_opens_both_runs():
    at = make_app(**SMALL, dropout="0.5", pin="dropout:0.0")
    at.run()
    no_errors(at)
    pin = at.session_state["pg_pin"]["view"]
    assert pin.config["dropout"] == 0.0 and pin.status == "completed"
    assert at.session_state["pg_result"]["view"].config["dropout"] == 0.5
    assert len(charts(at)) == panels.N_PINNED_CHARTS


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
    assert shots[0].epoch == 0 and shots[-1].epoch == view.epoch[-1]  # untrained .. last
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
    figures = _figures(at)
    assert len(charts(at)) == len(figures) == panels.N_CHARTS  # the same charts, redrawn
    title = figures["network"]["layout"]["title"]["text"]
    assert title == f"The network at epoch {shots[2].epoch:,}"  # replayed too (issue 20, 4)
    # The regions and weights shown are those of the model at that epoch: the same config
    # trained here to that epoch alone (its last record's parameters are that epoch's).
    config = TrainConfig.from_dict(view.config)
    assert not config.regularise_output
    at_epoch = train(TrainConfig.from_dict({**view.config, "epochs": shots[2].epoch + 1}))
    at_end = train(config)
    res = recorder.SNAPSHOT_RESOLUTION
    probs, end_probs = (decision_grid(h.model, h.data.X, X_val=h.data.X_val,
                                      resolution=res)[2] for h in (at_epoch, at_end))
    expected, end = _codes(probs), _codes(end_probs)
    # the cells drawn: pixel (r, c) is cell (r along x2, c along x1) in its code's colour
    palette = png.rgb(regions.cell_palette(probs.shape[-1]))
    shown = image_pixels(figures["regions"])
    assert shown.shape == (res, res, 3)
    np.testing.assert_array_equal(shown, palette[expected])
    assert (expected != end).sum() > 0.1 * res * res  # (the end's picture is another one)
    assert (shown != palette[end]).any(axis=-1).sum() > 0.1 * res * res
    hidden = np.concatenate([w.ravel() for w in _dense_weights(at_epoch.model)[:-1]])
    np.testing.assert_array_equal(_counts(figures["weights"]), _histogram(hidden))
    end_hidden = np.concatenate([w.ravel() for w in _dense_weights(at_end.model)[:-1]])
    assert (_histogram(hidden) != _histogram(end_hidden)).any()
    # The network drawn (issue 20, 4) is that model's too: its connections, their weights (to
    # the float16 a snapshot keeps) and its counts; not the end's.
    then, end_pic = (network_of(h.model, h.data.X, config.dropout) for h in (at_epoch, at_end))
    assert _segments(figures["network"]) == len(then.edges)
    assert _weights_told(figures["network"]) == pytest.approx(then.edges[:, 3].tolist(), abs=2e-3)
    assert f"{then.above:,} of {then.total:,} connections" in _notes(figures["network"])
    assert sorted(_weights_told(figures["network"])) != pytest.approx(
        sorted(end_pic.edges[:, 3].tolist()), abs=2e-3)


def test_play_moves_the_slider_to_the_end_and_pause_stops_it_and_steps_move_one():
    """Issue 20, 4: Play moves the slider's thumb (each timer tick of the page's fragment is a
    rerun that moves it on: simulated here by the flag the tick sets), Pause stops it where it
    is, Back/Next move one snapshot, and the end is "the end"."""
    at = make_app(**SMALL)
    at.run()
    view = at.session_state["pg_result"]["view"]
    epochs = [s.epoch for s in view.extras.snapshots]
    assert epochs[0] == 0
    _button(at, "pg_play_button").click()
    at.run()
    no_errors(at)
    assert at.select_slider(key="pg_replay").value == 0  # from the start: the untrained net
    assert at.session_state["pg_playing"]
    for expected in epochs[1:4]:
        at.session_state["pg_play_tick"] = True
        at.run()
        assert at.select_slider(key="pg_replay").value == expected
        assert any(f"replaying epoch {expected:,}" in p.proto.text for p in at.get("progress"))
    _button(at, "pg_pause_button").click()
    at.run()
    assert not at.session_state["pg_playing"]
    at.session_state["pg_play_tick"] = True  # a late tick after Pause moves nothing
    at.run()
    assert at.select_slider(key="pg_replay").value == epochs[3]
    _button(at, "pg_replay_back").click()
    at.run()
    assert at.select_slider(key="pg_replay").value == epochs[2]
    _button(at, "pg_replay_forward").click()
    at.run()
    assert at.select_slider(key="pg_replay").value == epochs[3]
    # Play from there runs to the end and stays at the end, not playing
    _button(at, "pg_play_button").click()
    at.run()
    for _ in range(len(epochs)):
        at.session_state["pg_play_tick"] = True
        at.run()
    no_errors(at)
    assert at.select_slider(key="pg_replay").value == "end"
    assert not at.session_state["pg_playing"]
    assert any(b.key == "pg_play_button" for b in at.button)
    assert next(b for b in at.button if b.key == "pg_replay_forward").disabled


def _caption(image) -> str:
    return image.proto.imgs[0].caption


def test_inside_the_network_shows_units_layers_and_norms():
    at = make_app(**SMALL)
    at.run()
    view = at.session_state["pg_result"]["view"]
    at.switch_page("pages/inside.py")
    at.run()
    no_errors(at)
    images = at.get("image")
    assert len(images) == 1
    drawn = charts(at)
    assert len(drawn) == 2 + 1  # two layers' histograms, the norm curve
    # Against the run trained here alone: its 16 first-layer units (all drawn), each layer's
    # weights, and each layer's weight norm at the first recorded epoch and at the end.
    alone = train(TrainConfig.from_dict(view.config))
    weights = _dense_weights(alone.model)
    first, bias = weights[0], alone.model.params.params[1].value.astype(np.float64)
    norms = np.sqrt(np.sum(first**2, axis=0))
    dead = int(np.sum(~np.any(alone.data.X @ first + bias > 0, axis=0)))
    caption = _caption(images[0])
    assert "All 16 units of the first hidden layer" in caption
    assert f"(‖w‖ from {norms.max():.2g} to {norms.min():.2g})" in caption
    assert norms.max() > 2 * norms.min() > 0  # (so the order shows)
    assert f"{dead} shown {'is' if dead == 1 else 'are'} dead" in caption
    histograms = [drawn[f"in_hist_This run_{i}"]["figure"] for i in range(len(weights))]
    assert len(histograms) == len(weights) == 2
    for fig, w in zip(histograms, weights, strict=True):
        np.testing.assert_array_equal(_counts(fig), _histogram(w))
    curves = {t["name"]: t for t in drawn["in_norm_This run"]["figure"]["data"]}
    assert set(curves) == {"dense1", "dense2"}  # a line per layer
    start = min(min(t["x"]) for t in curves.values())
    early = _dense_weights(train(TrainConfig.from_dict({**view.config,
                                                        "epochs": start + 1})).model)
    for name, w_end, w_start in zip(("dense1", "dense2"), weights, early, strict=True):
        epoch, norm = curves[name]["x"], curves[name]["y"]
        assert epoch[-1] == 300 and epoch[0] == start
        # (a figure's numbers have 5 significant digits: ui.charts.common.nums)
        np.testing.assert_allclose([norm[0], norm[-1]],
                                   [np.linalg.norm(w_start), np.linalg.norm(w_end)], rtol=1e-4)


def test_inside_the_network_orders_units_by_strength_and_frames_the_dead_ones():
    """A hand-made first layer: incoming weight norms 1, 5, 0 and 2; units 2 and 3 never
    active (0·x - 1 and 2·x₂ - 100 are below 0 on every point)."""
    history = train(TrainConfig(epochs=2, hidden=(4,), samples=10))
    X = history.data.X
    assert np.abs(X).max() < 10
    weights, biases = history.model.params.params[:2]
    weights.value[...] = [[0.6, 3.0, 0.0, 0.0], [0.8, 4.0, 0.0, 2.0]]
    biases.value[...] = [0.0, 0.0, -1.0, -100.0]
    assert (X @ [0.6, 0.8] > 0).any()  # units 0 and 1 (the same direction) are active
    units = recorder.first_layer_units(history.model, X)
    assert list(units.order) == [1, 3, 0, 2] and units.total == 4
    np.testing.assert_allclose(units.norms, [5.0, 2.0, 1.0, 0.0], rtol=1e-6)
    assert list(units.dead) == [False, True, False, True]
    # one scale for the layer: unit 1 (5x unit 0's slope) reaches 255, unit 0 a fifth of it
    assert units.maps[0].max() == 255 and units.maps[2].max() == 51
    assert not units.maps[1].any() and not units.maps[3].any()
    # the mosaic frames the second and fourth tiles (units 3 and 2) in red, only those
    image = network.mosaic(units)
    side = recorder.UNIT_RESOLUTION * network.TILE
    for k, dead in enumerate([False, True, False, True]):
        left = network.GAP + k * (side + network.GAP)
        above = image[network.GAP - 2, left + side // 2]
        assert (above == network.DEAD).all() == dead, k
    # and the page shows them for the Playground's run
    at = make_app(**SMALL)
    at.switch_page("pages/inside.py")
    at.run()
    extras = recorder.Extras(units=units, layers=recorder.layer_summaries(history.model, False))
    at.session_state["pg_result"] = {"key": "hand-made",
                                     "view": views.view_from_history(history, None, extras)}
    at.run()
    no_errors(at)
    caption = _caption(at.get("image")[0])
    assert "All 4 units" in caption and "(‖w‖ from 5 to 0)" in caption
    assert "2 shown are dead" in caption


def test_inside_the_network_before_any_run_says_what_to_do():
    at = make_app(**SMALL)
    at.switch_page("pages/inside.py")
    at.run()
    assert not at.exception
    assert any("Train a run in the **Playground** first" in i.value for i in at.info)


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_lesson_is_the_playground_with_its_step_applied_on_arrival():
    """Issue 20, 1: /lesson?step=2 puts the step's settings into the sidebar and trains them,
    its text, formula and question beside the charts; Next applies the next step; a moved
    control is said, and one click puts the step's settings back."""
    at = make_app()
    at.query_params["step"] = "2"
    at.switch_page("pages/lesson.py")
    at.run(timeout=300)
    no_errors(at)
    assert at.session_state["ls_step"] == 2
    assert at.session_state["cfg_preset"] == "overfit-l2"
    assert at.session_state["cfg_config"] == STEPS[1].config == PRESETS["overfit-l2"]
    assert at.session_state["pg_result"]["view"].config == STEPS[1].config.to_dict()
    assert f"Lesson 2 of {len(STEPS)}: {STEPS[1].title}" in _markdown(at)
    assert all(line in _markdown(at) for line in STEPS[1].look)
    assert any(STEPS[1].question == i.value for i in at.info)
    assert len(charts(at)) == panels.N_CHARTS  # the Playground's charts, beside it
    # the step's formula, then with the run's numbers (before the page's formulas expander)
    rows = {t: (g, n) for t, g, n in formulas.formula_rows(
        STEPS[1].config.to_dict(), at.session_state["pg_result"]["view"].final)}
    assert [x.value.strip("$\n").removeprefix(lesson_mode.SMALL) for x in at.latex[:2]] == list(
        rows[STEPS[1].formula])
    _button(at, "ls_next").click()
    at.run(timeout=300)
    no_errors(at)
    assert at.session_state["ls_step"] == 3 and at.query_params["step"] == "3"
    assert at.session_state["cfg_config"] == PRESETS["l1-sparse"]
    assert at.session_state["pg_result"]["view"].config == PRESETS["l1-sparse"].to_dict()
    assert any(STEPS[2].question == i.value for i in at.info)
    assert not any("Changed since this step" in w.value for w in at.warning)
    at.slider(key="cfg_dropout").set_value(0.5)
    at.run(timeout=300)
    no_errors(at)
    assert any("Changed since this step's settings: dropout" in w.value for w in at.warning)
    assert at.session_state["cfg_config"].dropout == 0.5  # a moved control stays moved
    _button(at, "ls_reapply").click()
    at.run(timeout=300)
    assert at.session_state["cfg_config"] == PRESETS["l1-sparse"]
    assert not any("Changed since this step" in w.value for w in at.warning)
    # the decay step: its preset and its changes
    for _ in range(2):
        _button(at, "ls_next").click()
        at.run(timeout=300)
    no_errors(at)
    assert at.session_state["cfg_config"] == STEPS[4].config
    assert STEPS[4].config.decay == 0 and STEPS[4].config.learning_rate == 0.05


def test_a_bad_step_in_a_link_starts_at_step_one():
    at = make_app()
    at.query_params["step"] = "[x](http://127.0.0.1:9/p)"
    at.switch_page("pages/lesson.py")
    at.run()
    assert not at.exception
    assert at.session_state["ls_step"] == 1
    assert any(f"is not one of 1-{len(STEPS)}" in w.value for w in at.warning)


def test_the_playground_draws_the_network_and_l1_thins_it():
    """Issue 20, 3: the Playground's network diagram is the run's network; raising L1 leaves
    fewer connections above the fixed threshold (the diagram's own count, and its rules)."""
    at = make_app(preset="l1-sparse", epochs="1001")
    at.run(timeout=300)
    no_errors(at)

    def drawn():
        fig = _figures(at)["network"]
        note = fig["layout"]["annotations"][0]  # "N of M connections with |w| ≥ …", then …
        assert " connections with |w| ≥ " in note["text"]
        above = int(note["text"].split(" of ")[0].replace(",", ""))
        return above, _segments(fig)

    view = at.session_state["pg_result"]["view"]
    assert view.network is not None and drawn()[0] == view.network.above
    plain_above, plain_rules = drawn()
    at.select_slider(key="cfg_weight_l1").set_value(1e-3)
    at.run(timeout=300)
    no_errors(at)
    sparse_above, sparse_rules = drawn()
    assert sparse_above < 0.6 * plain_above, (plain_above, sparse_above)
    assert sparse_rules < plain_rules
