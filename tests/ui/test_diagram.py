"""The network diagram's spec (ui.charts.diagram), tested without Streamlit: one rule per drawn
connection, width and opacity on the fixed |w| scale, colour by sign, dead units hollow, the
counts it states, valid Vega-Lite, and a spec that stays the same while a run trains."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from nncore import PRESETS, TrainConfig, train, train_stream
from ui.charts import diagram
from ui.charts.diagram import NEG_COLOUR, NOT_YET, POS_COLOUR, diagram_chart
from ui.charts.regions import CLASS_COLOURS
from workers.network import MAX_EDGES, MAX_UNITS, THRESHOLD, Picture, picture_from_history


def _column(spec, dataset, name):
    return np.asarray(spec["datasets"][dataset].column(name).to_numpy(zero_copy_only=False))


def _layer(spec, dataset):
    (layer,) = [la for la in spec["layer"] if la.get("data", {}).get("name") == dataset]
    return layer


def _without_data(spec: dict) -> str:
    return json.dumps({**spec, "datasets": sorted(spec["datasets"])}, sort_keys=True)


def _note(spec) -> str:
    return spec["datasets"]["note"].column("text").to_pylist()[0]


@pytest.fixture(scope="module")
def small():
    """2 -> 64 -> 2 on the moons, with the L1 of the l1-sparse preset."""
    return picture_from_history(train(dataclasses.replace(PRESETS["l1-sparse"], epochs=501)))


@pytest.fixture(scope="module")
def large():
    """2 -> 128 -> 128 -> 3 with dropout 0.5 (3 classes)."""
    return picture_from_history(train(TrainConfig(
        dataset="spiral", classes=3, samples=50, hidden=(128, 128), optimizer="adam",
        learning_rate=0.01, epochs=201, dropout=0.5, seed=0)))


def made(*, above=412, total=8576, edges=MAX_EDGES, hidden=(64,), dropout=0.0,
         dead_unit=None) -> Picture:
    """A picture made by hand: `edges` connections with |w| from 0.06 to 2, alternating in
    sign, between the first units of consecutive layers."""
    sizes = (2, *hidden, 3)
    shown = tuple(np.arange(min(s, MAX_UNITS) if 0 < i < len(sizes) - 1 else s)
                  for i, s in enumerate(sizes))
    dead = tuple(np.zeros(len(u), bool) for u in shown)
    if dead_unit is not None:
        dead[dead_unit[0]][dead_unit[1]] = True
    k = np.arange(edges)
    w = np.linspace(0.06, 2.0, edges) * np.where(k % 2, -1, 1)
    layer = k % (len(sizes) - 1)
    src = k % np.array([len(shown[i]) for i in layer])
    dst = (k // 3) % np.array([len(shown[i + 1]) for i in layer])
    rows = np.stack([layer, src, dst, w], axis=1).astype(np.float32)
    return Picture(sizes=sizes, shown=shown, dead=dead, edges=rows, above=above, total=total,
                   hidden_units=sum(s - min(s, MAX_UNITS) for s in hidden), dropout=dropout)


def test_one_rule_per_drawn_connection_between_the_units_it_joins(small, large):
    for pic in (small, large, made()):
        spec = diagram_chart(pic)
        edges = _layer(spec, "edges")
        assert edges["mark"]["type"] == "rule"
        assert {"x", "y", "x2", "y2"} <= set(edges["encoding"])
        assert spec["datasets"]["edges"].num_rows == len(pic.edges)
        # each rule starts at its source unit's dot and ends at its target's
        units = {(x, i): y for x, i, y in zip(_column(spec, "units", "x"),
                                               _column(spec, "units", "position"),
                                               _column(spec, "units", "y"), strict=True)}
        layer, src, dst = (pic.edges[:, k].astype(int) for k in range(3))
        np.testing.assert_array_equal(_column(spec, "edges", "x"), layer)
        np.testing.assert_array_equal(_column(spec, "edges", "x2"), layer + 1)
        np.testing.assert_allclose(_column(spec, "edges", "y"),
                                   [units[(a, b)] for a, b in zip(layer, src, strict=True)])
        np.testing.assert_allclose(_column(spec, "edges", "y2"),
                                   [units[(a + 1, c)] for a, c in zip(layer, dst, strict=True)])
        np.testing.assert_allclose(_column(spec, "edges", "w"), pic.edges[:, 3])
        assert spec["datasets"]["units"].num_rows == sum(len(u) for u in pic.shown)


def test_width_and_opacity_follow_abs_w_on_a_fixed_scale(small, large):
    specs = [diagram_chart(pic) for pic in (small, large, made())]
    for spec in specs:
        encoding = _layer(spec, "edges")["encoding"]
        for channel in ("strokeWidth", "opacity"):
            assert encoding[channel]["field"] == "size"
            scale = encoding[channel]["scale"]
            assert scale["domain"] == [THRESHOLD, 1.0] and scale["clamp"] is True
        assert encoding["strokeWidth"]["scale"]["range"][0] < 1 < \
            encoding["strokeWidth"]["scale"]["range"][1]
        np.testing.assert_allclose(_column(spec, "edges", "size"),
                                   np.abs(_column(spec, "edges", "w")))
    # the same scales for every run: two runs compare
    assert len({json.dumps(_layer(s, "edges")["encoding"]["strokeWidth"]) for s in specs}) == 1


def test_colour_follows_the_sign(small):
    spec = diagram_chart(small)
    colour = _layer(spec, "edges")["encoding"]["color"]
    assert colour["field"] == "sign"
    assert colour["scale"] == {"domain": ["w > 0", "w < 0"], "range": [POS_COLOUR, NEG_COLOUR]}
    assert colour["legend"] is not None  # "w > 0" / "w < 0" in the legend
    assert POS_COLOUR != NEG_COLOUR and not {POS_COLOUR, NEG_COLOUR} & set(CLASS_COLOURS)
    w, sign = _column(spec, "edges", "w"), _column(spec, "edges", "sign")
    assert set(sign[w > 0]) == {"w > 0"} and set(sign[w < 0]) == {"w < 0"}
    assert (w > 0).any() and (w < 0).any()


def test_dead_units_are_hollow_with_a_legend_entry():
    pic = made(hidden=(8, 8), dead_unit=(2, 3))
    spec = diagram_chart(pic)
    state = _column(spec, "units", "state")
    x, position = _column(spec, "units", "x"), _column(spec, "units", "position")
    assert list(state[(x == 2) & (position == 3)]) == ["dead unit"]
    assert (state == "dead unit").sum() == 1 and (state == "unit").sum() == len(state) - 1
    encoding = _layer(spec, "units")["encoding"]
    for channel in ("fill", "stroke"):
        assert encoding[channel]["field"] == "state"
        assert encoding[channel]["scale"]["domain"] == ["unit", "dead unit"]
    fill = dict(zip(*(encoding["fill"]["scale"][k] for k in ("domain", "range")), strict=True))
    assert fill["dead unit"] == "#ffffff" != fill["unit"]  # hollow
    assert encoding["fill"]["legend"] is not None


def test_the_text_states_the_counts():
    spec = diagram_chart(made(above=412, total=8576, hidden=(64, 64), dropout=0.5))
    assert spec["title"]["text"] == "The network"
    assert spec["title"]["subtitle"] == [
        "drawn: the strongest 16 of 64 units per hidden layer",
        "dropout 0.5: half the hidden units off each step"]
    assert _note(spec) == "412 of 8,576 connections with |w| ≥ 0.05\nthe strongest 400 drawn"
    # everything drawn: no subtitle, "all drawn"
    spec = diagram_chart(made(above=30, total=40, edges=30, hidden=(8,)))
    assert "subtitle" not in spec["title"]
    assert _note(spec) == "30 of 40 connections with |w| ≥ 0.05\nall drawn"
    # fewer drawn than above, under the cap: those between the drawn units
    spec = diagram_chart(made(above=300, total=1000, edges=90, hidden=(128,), dropout=0.2),
                         title="Pinned")
    assert spec["title"]["text"] == "Pinned"
    assert spec["title"]["subtitle"] == [
        "drawn: the strongest 16 of 128 hidden units",
        "dropout 0.2: 20% of the hidden units off each step"]
    assert _note(spec) == "300 of 1,000 connections with |w| ≥ 0.05\n90 drawn: those between " \
        "the units shown"
    # layers of different sizes
    assert diagram.subtitle(made(hidden=(128, 64, 8)))[0] == (
        "drawn: the strongest 16 of 128, 16 of 64, 8 of 8 hidden units")


def test_the_counts_of_a_real_run(large):
    spec = diagram_chart(large)
    assert _note(spec).startswith(f"{large.above:,} of {large.total:,} connections with |w| ≥ ")
    assert large.total == 2 * 128 + 128 * 128 + 128 * 3
    assert spec["title"]["subtitle"][0] == (
        "drawn: the strongest 16 of 128 units per hidden layer")


def test_layer_names_under_the_columns(large):
    spec = diagram_chart(large)
    axis = _layer(spec, "edges")["encoding"]["x"]["axis"]
    assert axis["values"] == [0, 1, 2, 3]
    assert axis["labelExpr"] == "['inputs', 'hidden 1', 'hidden 2', 'outputs'][datum.value]"
    assert axis["ticks"] is False and axis["domain"] is False
    assert _layer(spec, "edges")["encoding"]["y"]["axis"] is None
    assert diagram.layer_names(3) == ["inputs", "hidden", "outputs"]


def test_a_fixed_height_and_the_shared_look(small):
    spec = diagram_chart(small)
    assert spec["height"] == diagram.HEIGHT and 240 <= diagram.HEIGHT <= 320
    assert spec["autosize"]["type"] == "fit"  # as wide as its column (Streamlit sets it)
    assert "width" not in spec


def test_no_picture_is_an_empty_chart_saying_so():
    spec = diagram_chart(None)
    assert _note(spec) == NOT_YET == "no network yet"
    assert [la["mark"]["type"] for la in spec["layer"]] == ["text"]
    assert spec["height"] == diagram.HEIGHT
    assert diagram_chart(None, title="Pinned run")["title"]["text"] == "Pinned run"


def test_a_reference_picture_is_accepted(small, large):
    assert _without_data(diagram_chart(small, ref=large)) == _without_data(diagram_chart(small))


def test_the_spec_stays_the_same_while_a_run_trains():
    """Pictures at epochs 0, 100 and the end differ only in their datasets."""
    config = TrainConfig(dataset="moons", classes=2, samples=50, hidden=(32, 8), epochs=301,
                         dropout=0.3, weight_l1=1e-3, seed=2)
    specs, notes = [], set()
    for history in train_stream(config, chunk=100, first=True):
        spec = diagram_chart(picture_from_history(history))
        specs.append(_without_data(spec))
        notes.add(_note(spec))
    assert len(specs) >= 3 and len(set(specs)) == 1
    assert len(notes) > 1  # the counts did change (in the data)


SCHEMA = Path(__import__("altair").__file__).parent / "vegalite/v6/schema/vega-lite-schema.json"


def test_every_diagram_is_valid_vega_lite(small, large):
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    for spec in (diagram_chart(small), diagram_chart(large), diagram_chart(None),
                 diagram_chart(made(edges=0, above=0)), diagram_chart(made(dead_unit=(1, 0)))):
        rows = {k: table.to_pylist() for k, table in spec["datasets"].items()}
        jsonschema.validate({**spec, "datasets": rows}, schema)
