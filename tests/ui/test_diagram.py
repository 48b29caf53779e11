"""The network diagram's figure (ui.charts.diagram), tested without Streamlit: one segment per
drawn connection between the units it joins, grouped into a few traces, width and opacity on
the fixed |w| scale, colour by sign, dead units hollow, the units' hover text and click data,
the counts it states, a fixed height, and a valid Plotly figure of plain JSON."""

import dataclasses
import json
from collections import Counter

import numpy as np
import pytest
from figcheck import png_indices, uri_bytes, valid

from nncore import PRESETS, TrainConfig, train, train_stream
from ui.charts import common, diagram
from ui.charts.diagram import NEG_COLOUR, NOT_YET, POS_COLOUR, diagram_chart
from workers.network import MAX_EDGES, MAX_UNITS, THRESHOLD, Picture, picture_from_history


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
         dead_unit=None, scale=1.0) -> Picture:
    """A picture made by hand: `edges` connections with |w| from 0.06 to 2 (times `scale`),
    alternating in sign, between the first units of consecutive layers."""
    sizes = (2, *hidden, 3)
    shown = tuple(np.arange(min(s, MAX_UNITS) if 0 < i < len(sizes) - 1 else s)
                  for i, s in enumerate(sizes))
    dead = tuple(np.zeros(len(u), bool) for u in shown)
    if dead_unit is not None:
        dead[dead_unit[0]][dead_unit[1]] = True
    k = np.arange(edges)
    w = scale * np.linspace(0.06, 2.0, edges) * np.where(k % 2, -1, 1)
    layer = k % (len(sizes) - 1)
    src = k % np.array([len(shown[i]) for i in layer])
    dst = (k // 3) % np.array([len(shown[i + 1]) for i in layer])
    rows = np.stack([layer, src, dst, w], axis=1).astype(np.float32)
    return Picture(sizes=sizes, shown=shown, dead=dead, edges=rows, above=above, total=total,
                   hidden_units=sum(s - min(s, MAX_UNITS) for s in hidden), dropout=dropout)


# ---- reading a figure back ----------------------------------------------------------------


def _edge_traces(fig) -> list[dict]:
    """The connections' traces: lines with points, in a sign's legend group."""
    return [t for t in fig["data"] if t.get("mode") == "lines" and t["x"] != [None]]


def _segments(trace) -> list[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) of each None-separated segment of a lines trace."""
    out, xs, ys = [], [], []
    for x, y in zip([*trace["x"], None], [*trace["y"], None], strict=True):
        if x is None:
            assert y is None  # gaps in x and y together
            if xs:
                assert len(xs) == 2, "a segment is two points"
                out.append((xs[0], ys[0], xs[1], ys[1]))
            xs, ys = [], []
        else:
            xs.append(x)
            ys.append(y)
    return out


def _units(fig) -> dict[tuple[int, int], tuple[float, float, dict]]:
    """(layer, unit index) -> (x, y, the trace) for every drawn unit."""
    out = {}
    for trace in fig["data"]:
        if trace.get("name") in diagram.STATES:
            for x, y, data in zip(trace["x"], trace["y"], trace["customdata"], strict=False):
                if x is not None:
                    out[tuple(data)] = (x, y, trace)
    return out


def _expected_style(w: float) -> tuple[str, float, float]:
    """(colour, width, opacity) of a connection of weight w, worked out here from the fixed
    scale: |w| from THRESHOLD (thinnest, faintest) to 1 (widest, most opaque), clamped, in
    BINS equal steps."""
    t = min(max((abs(w) - THRESHOLD) / (1 - THRESHOLD), 0.0), 1.0)
    step = round(t * (diagram.BINS - 1)) / (diagram.BINS - 1)
    (w0, w1), (o0, o1) = diagram.WIDTHS, diagram.OPACITIES
    return (POS_COLOUR if w > 0 else NEG_COLOUR, w0 + step * (w1 - w0), o0 + step * (o1 - o0))


def _counts_text(fig) -> str:
    """The counts over the plot: a note a line (each its own annotation), joined by <br>."""
    return "<br>".join(a["text"] for a in fig["layout"]["annotations"])


# ---- the tests ----------------------------------------------------------------------------


def test_one_segment_per_drawn_connection_between_the_units_it_joins(small, large):
    for pic in (small, large, made(), made(hidden=(8, 8), dead_unit=(2, 3))):
        fig = diagram_chart(pic)
        units = _units(fig)
        assert len(units) == sum(len(u) for u in pic.shown)
        # unit (layer, index) in its layer's column
        for (layer, unit), (x, _, _) in units.items():
            assert x == layer and unit in pic.shown[layer]
        drawn = Counter(s for t in _edge_traces(fig) for s in _segments(t))
        assert sum(drawn.values()) == len(pic.edges)
        wanted = Counter()
        for layer, src, dst, _ in pic.edges:
            layer, src, dst = int(layer), int(src), int(dst)
            _, y0, _ = units[(layer, int(pic.shown[layer][src]))]
            _, y1, _ = units[(layer + 1, int(pic.shown[layer + 1][dst]))]
            wanted[(layer, y0, layer + 1, y1)] += 1
        assert drawn == wanted


def test_many_connections_are_a_few_traces():
    fig = diagram_chart(made(edges=MAX_EDGES))
    assert len(_edge_traces(fig)) <= 2 * diagram.BINS
    assert len(fig["data"]) <= 2 * diagram.BINS + 5  # + weights' hover, 2 units, 2 signs
    assert sum(len(_segments(t)) for t in _edge_traces(fig)) == MAX_EDGES


def test_width_opacity_and_colour_follow_w_on_a_fixed_scale(small, large):
    """Every connection in its sign's colour, as wide and opaque as its |w| on [THRESHOLD, 1]
    says, whatever the other weights of the picture (made(scale=0.3): weaker weights, the
    same scale), so two runs compare line for line."""
    for pic in (small, large, made(), made(scale=0.3)):
        fig = diagram_chart(pic)
        units = _units(fig)
        drawn = Counter()
        for trace in _edge_traces(fig):
            style = (trace["line"]["color"], round(trace["line"]["width"], 3),
                     round(trace["opacity"], 3))
            for segment in _segments(trace):
                drawn[(segment, style)] += 1
        wanted = Counter()
        for layer, src, dst, w in pic.edges:
            layer, src, dst = int(layer), int(src), int(dst)
            y0 = units[(layer, int(pic.shown[layer][src]))][1]
            y1 = units[(layer + 1, int(pic.shown[layer + 1][dst]))][1]
            colour, width, opacity = _expected_style(float(w))
            wanted[((layer, y0, layer + 1, y1), (colour, round(width, 3), round(opacity, 3)))] += 1
        assert drawn == wanted
    # the ends of the scale: |w| at the threshold thinnest and faintest, from 1 up the widest
    assert diagram.step_style(int(diagram.strength_level(np.array([THRESHOLD]))[0])) == (
        diagram.WIDTHS[0], diagram.OPACITIES[0])
    assert list(diagram.strength_level(np.array([1.0, 5.0, -7.0]))) == [diagram.BINS - 1] * 3
    assert diagram.step_style(diagram.BINS - 1) == (diagram.WIDTHS[1], diagram.OPACITIES[1])
    assert diagram.WIDTHS[0] < 1 < diagram.WIDTHS[1]
    assert len({diagram.step_style(s) for s in range(diagram.BINS)}) == diagram.BINS


def test_colour_follows_the_sign_with_a_legend_entry_each(small):
    fig = diagram_chart(small)
    assert POS_COLOUR != NEG_COLOUR
    assert {POS_COLOUR, NEG_COLOUR} <= {common.BLUE, common.ORANGE, common.VERMILLION,
                                        common.SKY}  # Okabe-Ito: colour-blind safe
    colours = {t["legendgroup"]: t["line"]["color"] for t in _edge_traces(fig)}
    assert colours == {"w > 0": POS_COLOUR, "w < 0": NEG_COLOUR}
    w = small.edges[:, 3]
    assert (w > 0).any() and (w < 0).any()
    signs = [t for t in fig["data"] if t.get("showlegend") and t["mode"] == "lines"]
    assert [(t["name"], t["line"]["color"], t["legendgroup"]) for t in signs] == [
        (common.plain("w > 0"), POS_COLOUR, "w > 0"), (common.plain("w < 0"), NEG_COLOUR,
                                                        "w < 0")]
    assert all(not t["showlegend"] for t in _edge_traces(fig))  # one entry per sign


def test_dead_units_are_hollow_with_a_legend_entry():
    pic = made(hidden=(8, 8), dead_unit=(2, 3))
    fig = diagram_chart(pic)
    units = _units(fig)
    dead = [key for key, (_, _, trace) in units.items() if trace["name"] == "dead unit"]
    assert dead == [(2, 3)]
    (_, _, trace) = units[(2, 3)]
    assert trace["marker"]["color"] == "#ffffff"  # hollow
    assert trace["marker"]["line"]["color"] == diagram.DEAD_COLOUR and trace["showlegend"]
    (_, _, alive) = units[(1, 0)]
    assert alive["marker"]["color"] == diagram.UNIT_COLOUR != "#ffffff" and alive["showlegend"]
    # no dead unit: the hollow dot is still in the legend (a trace of one point at None)
    clean = [t for t in diagram_chart(made())["data"] if t["name"] == "dead unit"]
    assert len(clean) == 1 and clean[0]["x"] == [None] and clean[0]["showlegend"]


def test_units_say_what_they_are_on_hover_and_carry_their_place_for_clicks():
    pic = made(hidden=(64, 8), dead_unit=(2, 3))
    fig = diagram_chart(pic)
    for trace in fig["data"]:
        if trace["name"] not in diagram.STATES:
            continue
        assert trace["hoverinfo"] == "text"
        for data, text in zip(trace["customdata"], trace["hovertext"], strict=True):
            layer, unit = data
            assert isinstance(layer, int) and isinstance(unit, int)
            name = diagram.layer_names(4)[layer]
            assert text.startswith(f"{name} · unit {unit + 1} of {pic.sizes[layer]}")
            assert ("dead" in text) == (trace["name"] == "dead unit")
    units = _units(fig)
    assert "hidden 2 · unit 4 of 8 · dead" in units[(2, 3)][2]["hovertext"][0]
    assert (1, 15) in units and (1, 16) not in units  # the strongest 16 of 64 (made: the first)
    # a connection's weight on hover, at its middle
    (weights,) = [t for t in fig["data"] if t["name"] == "weights"]
    assert len(weights["x"]) == len(pic.edges)
    assert weights["text"][-1] == f"w = {pic.edges[-1, 3]:+.3f}"
    assert weights["marker"]["opacity"] == 0


def test_the_text_states_the_counts():
    fig = diagram_chart(made(above=412, total=8576, hidden=(64, 64), dropout=0.5))
    title = common.title_text(fig)
    assert title.startswith("The network<br>")
    for line in ("drawn: the strongest 16 of 64 units per hidden layer",
                 "dropout 0.5: half the hidden units off each step"):
        assert line in title
    assert _counts_text(fig) == "412 of 8,576 connections with |w| ≥ 0.05<br>the strongest " \
        "400 drawn"
    assert diagram.counts_note(made()) == ("412 of 8,576 connections with |w| ≥ 0.05\n"
                                           "the strongest 400 drawn")
    # everything drawn: no subtitle, "all drawn"
    fig = diagram_chart(made(above=30, total=40, edges=30, hidden=(8,)))
    assert common.title_text(fig) == "The network"
    assert _counts_text(fig) == "30 of 40 connections with |w| ≥ 0.05<br>all drawn"
    # fewer drawn than above, under the cap: those between the drawn units
    fig = diagram_chart(made(above=300, total=1000, edges=90, hidden=(128,), dropout=0.2),
                        title="Pinned")
    title = common.title_text(fig)
    assert title.startswith("Pinned<br>")
    assert "drawn: the strongest 16 of 128 hidden units" in title
    assert "dropout 0.2: 20% of the hidden units off each step" in title
    assert _counts_text(fig) == "300 of 1,000 connections with |w| ≥ 0.05<br>90 drawn: " \
        "those between the units shown"
    # layers of different sizes
    assert diagram.subtitle(made(hidden=(128, 64, 8)))[0] == (
        "drawn: the strongest 16 of 128, 16 of 64, 8 of 8 hidden units")
    # the counts over the plot, and the top margin makes room for them and the subtitle
    note = fig["layout"]["annotations"][0]
    assert (note["yref"], note["y"], note["yanchor"]) == ("paper", 1, "bottom")
    assert fig["layout"]["margin"]["t"] >= 34 + 20 * 4


def test_the_counts_of_a_real_run(large):
    fig = diagram_chart(large)
    assert _counts_text(fig).startswith(
        f"{large.above:,} of {large.total:,} connections with |w| ≥ ")
    assert large.total == 2 * 128 + 128 * 128 + 128 * 3
    assert "drawn: the strongest 16 of 128 units per hidden layer" in \
        common.title_text(fig)


def test_layer_names_under_the_columns(large):
    fig = diagram_chart(large)
    xaxis, yaxis = fig["layout"]["xaxis"], fig["layout"]["yaxis"]
    assert xaxis["tickvals"] == [0, 1, 2, 3]
    assert xaxis["ticktext"] == ["inputs", "hidden 1", "hidden 2", "outputs"]
    assert xaxis["ticks"] == "" and xaxis["showgrid"] is False and xaxis["showline"] is False
    assert xaxis["range"][0] < 0 < 3 < xaxis["range"][1]
    assert yaxis["visible"] is False
    assert diagram.layer_names(3) == ["inputs", "hidden", "outputs"]


def test_a_fixed_height_and_no_zoom(small, large):
    for fig in (diagram_chart(small), diagram_chart(large), diagram_chart(large, narrow=True),
                diagram_chart(None), diagram_chart(made(edges=0, above=0))):
        layout = fig["layout"]
        assert layout["height"] == diagram.HEIGHT and 260 <= diagram.HEIGHT <= 360
        assert layout["xaxis"].get("fixedrange", True) and layout["yaxis"].get("fixedrange",
                                                                                True)
    fig = diagram_chart(small)
    assert fig["layout"]["xaxis"]["fixedrange"] is True and fig["layout"]["dragmode"] is False


def test_the_legend_beside_the_plot_or_under_it_when_narrow(large):
    wide, narrow = diagram_chart(large)["layout"], diagram_chart(large, narrow=True)["layout"]
    assert wide["legend"]["orientation"] == "v" and wide["legend"]["x"] > 1
    assert narrow["legend"]["orientation"] == "h"
    assert (narrow["legend"]["yref"], narrow["legend"]["y"]) == ("container", 0)
    # the short subtitle of the narrow chart
    assert "drawn: 16 of 128 units a layer" in common.title_text(diagram_chart(large, narrow=True))
    names = [t["name"] for t in diagram_chart(large)["data"] if t.get("showlegend")]
    assert names == ["unit", "dead unit", common.plain("w > 0"), common.plain("w < 0")]


def test_the_height_stays_the_same_while_a_run_trains():
    """Pictures at epochs 0, 100 and the end: the same height, legend and layer names (the
    chart does not jump), the counts changing."""
    config = TrainConfig(dataset="moons", classes=2, samples=50, hidden=(32, 8), epochs=301,
                         dropout=0.3, weight_l1=1e-3, seed=2)
    frames, notes = set(), set()
    for history in train_stream(config, chunk=100, first=True):
        layout = diagram_chart(picture_from_history(history))["layout"]
        frames.add(json.dumps({k: layout[k] for k in ("height", "margin", "legend", "xaxis",
                                                       "yaxis", "title")}, sort_keys=True))
        notes.add(json.dumps([a["text"] for a in layout["annotations"]]))
    assert len(frames) == 1
    assert len(notes) > 1  # the counts did change


def test_no_picture_is_an_empty_chart_saying_so():
    fig = diagram_chart(None)
    assert fig["data"] == []
    assert [a["text"] for a in fig["layout"]["annotations"]] == [NOT_YET] == ["no network yet"]
    assert fig["layout"]["height"] == diagram.HEIGHT
    assert common.title_text(fig) == "The network"
    assert common.title_text(diagram_chart(None, title="Pinned run")) == "Pinned run"
    # a picture with no connection above the threshold: units, no lines, "none drawn"
    bare = diagram_chart(made(edges=0, above=0))
    assert _edge_traces(bare) == [] and _counts_text(bare).endswith("none drawn")


def test_a_reference_picture_is_accepted(small, large):
    assert diagram_chart(small, ref=large) == diagram_chart(small)


def test_every_diagram_is_valid_plotly_and_plain_json(small, large):
    for fig in (diagram_chart(small), diagram_chart(large), diagram_chart(None),
                diagram_chart(large, narrow=True, title="Pinned <i>run</i>"),
                diagram_chart(made(edges=0, above=0)), diagram_chart(made(dead_unit=(1, 0)))):
        valid(fig)
        assert "<i>" not in json.dumps(fig)
        assert all(t.get("uid") for t in fig["data"])


def test_every_hidden_layers_drawn_units_carry_their_activation_maps():
    """Issue 20, 3: a hovered hidden unit, of any layer, shows its map over the input plane
    (static/lab-chart.js draws meta.unit_maps["layer:unit"]): for each unit the diagram draws,
    that very unit's output over the grid's box, x2 up, on its layer's scale; computed here
    with the model's own layers (inference), not the recorder's code."""
    from nncore.grid import grid_axes
    from nncore.layers import ReLU
    from workers import recorder

    config = dataclasses.replace(PRESETS["l1-sparse"], hidden=(24, 20), epochs=301)
    history = train(config)
    pic = picture_from_history(history)
    units = recorder.first_layer_units(history.model, history.data.X, history.data.X_val)
    deeper = recorder.deeper_units(history.model, history.data.X, history.data.X_val)
    maps = diagram_chart(pic, units=units, deeper=deeper)["layout"]["meta"]["unit_maps"]
    assert set(maps) == {f"{layer}:{u}" for layer in (1, 2) for u in pic.shown[layer].tolist()}
    res = recorder.UNIT_RESOLUTION
    xs, ys = grid_axes(history.data.X, res, X_val=history.data.X_val)
    gx, gy = np.meshgrid(xs, ys)
    dtype = history.model.layers[0].weights.value.dtype
    h, outputs = np.c_[gx.ravel(), gy.ravel()].astype(dtype), []
    for layer in history.model.layers:
        h = layer.forward(h, training=False)
        if isinstance(layer, ReLU):
            outputs.append(np.asarray(h, np.float64).copy())
    for key, (uri, name) in maps.items():
        layer, unit = map(int, key.split(":"))
        out = outputs[layer - 1]
        expected = np.round(out[:, unit] / out.max() * 255).reshape(res, res)
        shown = png_indices(uri_bytes(uri))[::-1].astype(int)  # top row: highest x2
        assert np.abs(shown - expected).max() <= 1, key  # (float32 forward vs float64)
        assert name == f"hidden {layer} · unit {unit + 1}"
    palette = diagram.MAP_PALETTE
    assert tuple(palette[0]) == (247, 247, 250) and tuple(palette[-1]) == (31, 95, 191)
    # a run without recorded units (a live view): no maps
    assert diagram_chart(pic)["layout"]["meta"]["unit_maps"] == {}
