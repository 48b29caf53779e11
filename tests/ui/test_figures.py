"""Chart builders (Vega-Lite specs), tested without Streamlit: what each chart plots, that every
spec is valid Vega-Lite, and that a spec does not change while a run trains (only its named
datasets do: that is what lets the browser update a chart in place, see ui.charts.common)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from nncore.grid import grid_axes, grid_bounds
from ui.charts import regions, training
from workers import views


@pytest.fixture
def curves():
    rng = np.random.default_rng(1)
    n = 300
    epoch = np.arange(n)
    data = 1.1 * np.exp(-epoch / 80) + 0.1 + 0.01 * rng.random(n)
    reg = 0.02 + 0.01 * np.sin(epoch / 30) ** 2
    return epoch, data, reg, data * 1.2, rng.random(n), rng.random(n), 0.02 / (1 + 1e-3 * epoch)


def _column(spec, dataset, name):
    return np.asarray(spec["datasets"][dataset].column(name).to_numpy(zero_copy_only=False))


def test_loss_chart_stacks_reg_loss_on_data_loss_to_the_total(curves):
    epoch, data, reg, val, *_ = curves
    spec = training.loss_chart(epoch, data, reg, val)
    np.testing.assert_allclose(_column(spec, "curves", "data"), data, rtol=1e-6)
    np.testing.assert_allclose(_column(spec, "curves", "total"), data + reg, rtol=1e-6)
    np.testing.assert_allclose(_column(spec, "curves", "val"), val, rtol=1e-6)
    bands = [layer for layer in spec["layer"] if layer["mark"]["type"] == "area"]
    # the data band from 0 to the data loss, the reg band from the data loss to the total
    assert [(b["encoding"]["y"]["field"], b["encoding"]["y2"]["field"]) for b in bands] == [
        ("base", "data"), ("data", "total")]
    assert set(_column(spec, "curves", "base")) == {0.0}
    key = [layer for layer in spec["layer"] if layer["data"]["name"] == "legend"][0]
    assert key["encoding"]["color"]["scale"]["domain"] == ["data loss", "reg loss", "total",
                                                          "val loss"]
    assert [b["mark"]["color"] for b in bands] == key["encoding"]["color"]["scale"]["range"][:2]


def test_loss_chart_marks_the_lowest_validation_loss(curves):
    epoch, data, reg, val, *_ = curves
    val = val.copy()
    val[123] = 0.01
    spec = training.loss_chart(epoch, data, reg, val)
    assert list(_column(spec, "marks", "epoch")) == [123]
    assert "0.010" in _column(spec, "marks", "label")[0]
    assert "epoch 123" in _column(spec, "marks", "label")[0]


def test_a_spike_is_cut_off_at_a_robust_top_and_keeps_its_true_value(curves):
    epoch, data, reg, val, *_ = curves
    val = val.copy()
    val[200] = 50.0  # one of Adam's spikes
    spec = training.loss_chart(epoch, data, reg, val)
    drawn = _column(spec, "curves", "val")
    assert drawn.max() < 2.0  # the axis is not squashed: it ends near the first loss
    assert drawn.max() >= (data + reg)[0]
    assert _column(spec, "curves", "val_true")[200] == 50.0


def test_loss_chart_log_scale(curves):
    epoch, data, reg, val, *_ = curves
    spec = training.loss_chart(epoch, data, np.zeros_like(reg), val, log_y=True)
    scales = [layer["encoding"]["y"]["scale"] for layer in spec["layer"]
              if "y" in layer["encoding"]]
    assert all(s["type"] == "log" for s in scales)
    assert _column(spec, "curves", "base").min() > 0  # a log axis cannot start at 0


def test_reg_chart_has_its_own_axis_and_states_its_share(curves):
    epoch, data, reg, *_ = curves
    spec = training.reg_chart(epoch, data, reg, regularised=True)
    np.testing.assert_allclose(_column(spec, "curves", "reg"), reg, rtol=1e-6)
    share = reg[-1] / (data[-1] + reg[-1])
    assert f"{share:.1%}" in _column(spec, "label", "text")[0]
    off = training.reg_chart(epoch, data, np.zeros_like(reg), regularised=False)
    assert "every lambda is 0" in _column(off, "label", "text")[0]


def test_accuracy_and_lr_charts(curves):
    epoch, *_, acc, val_acc, lr = curves
    spec = training.accuracy_chart(epoch, acc, val_acc)
    np.testing.assert_allclose(_column(spec, "curves", "train"), acc, rtol=1e-6)
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 1]
    np.testing.assert_allclose(_column(training.lr_chart(epoch, lr), "curves", "lr"), lr,
                               rtol=1e-6)


def test_long_runs_are_thinned_but_keep_the_last_epoch():
    epoch = np.arange(100_000)
    values = np.linspace(1, 0, 100_000)
    spec = training.loss_chart(epoch, values, values * 0.1, values, points=500)
    x = _column(spec, "curves", "epoch")
    assert len(x) <= 501 and x[0] == 0 and x[-1] == 99_999
    # the marker of the lowest validation loss comes from every epoch, not the thinned ones
    assert list(_column(spec, "marks", "epoch")) == [99_999]


def test_weight_histogram_has_fixed_edges_and_counts_the_centre_exactly():
    w = np.array([0.0, 1e-4, -9e-4, 1e-3, 0.5, -2.0, 100.0, np.nan])
    edges, counts = views.weight_histogram(w)
    np.testing.assert_array_equal(edges, views.weight_edges())  # the same for every run
    centre = len(counts) // 2
    assert counts[centre] == 3           # |w| < 1e-3: the card's number
    assert counts.sum() == 7             # NaN left out; 100 goes in the last bin
    assert counts[-1] == 1 and edges[-1] == views.WEIGHT_LIMIT
    spec = training.weights_chart(edges, counts, 1 / 7, 1e-3)
    assert _column(spec, "bars", "share").sum() == pytest.approx(1.0)
    assert "43% of the weights have |w| < 0.001 (14% set to 0: too small for float32)" in _column(
        spec, "label", "text")[0]
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [-edges[-1], edges[-1]]


def _probs(res=20, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(res, res, classes))
    e = np.exp(logits)
    return e / e.sum(-1, keepdims=True)


def _points(n=30, classes=3):
    rng = np.random.default_rng(3)
    return rng.normal(size=(n, 2)), np.arange(n) % classes


def test_decision_chart_cells_and_points():
    X, y = _points()
    Xv, yv = _points(9)
    probs = _probs()
    spec = regions.decision_chart(grid_bounds(X), probs, X, y, Xv, yv, classes=3)
    assert spec["datasets"]["cells"].num_rows == 400
    codes = _column(spec, "cells", "c").reshape(20, 20)
    np.testing.assert_array_equal(codes, regions.cell_codes(probs))
    np.testing.assert_array_equal(codes // regions.LEVELS, probs.argmax(-1))
    kinds = list(_column(spec, "points", "kind"))
    assert kinds.count("training") == 30 and kinds.count("validation") == 9
    only_train = regions.decision_chart(grid_bounds(X), probs, X, y, Xv, yv, classes=3,
                                        show_val=False)
    assert set(_column(only_train, "points", "kind")) == {"training"}
    nothing = regions.decision_chart(grid_bounds(X), probs, X, y, Xv, yv, classes=3,
                                     show_train=False, show_val=False)
    assert nothing["datasets"]["points"].num_rows == 0


def _domain(scale: dict, width: float, height: float) -> tuple[float, float]:
    """A scale's domain from its domainMin/domainMax expressions, for a plot this size."""
    env = {"max": max, "width": width, "height": height}
    return (eval(scale["domainMin"]["expr"], env), eval(scale["domainMax"]["expr"], env))


def test_cells_line_up_with_the_points_and_one_unit_is_as_long_on_both_axes():
    """Cell j of n spans [lo + j * span / n, lo + (j + 1) * span / n] (nncore.grid samples
    its centre); the axes keep x1 and x2 at the same scale whatever the plot's shape."""
    X, y = _points()
    (x_lo, y_lo), (x_hi, y_hi) = bounds = grid_bounds(X)
    spec = regions.decision_chart(bounds, _probs(), X, y, X, y, classes=3)
    cells, points = spec["layer"][0], spec["layer"][1]
    x_scale = points["encoding"]["x"]["scale"]
    y_scale = points["encoding"]["y"]["scale"]
    assert cells["encoding"]["x"]["scale"] == x_scale  # one shared scale per axis
    for width, height in ((400, 400), (900, 300), (300, 900)):
        (a, b), (c, d) = _domain(x_scale, width, height), _domain(y_scale, width, height)
        eps = 1e-9  # (the expressions round in the last bit)
        assert a <= x_lo + eps and b >= x_hi - eps and c <= y_lo + eps and d >= y_hi - eps
        assert (b - a) / width == pytest.approx((d - c) / height)      # equal aspect
    calc = {t["as"]: t["calculate"] for t in cells["transform"]}
    j, n = 7, 20
    x = eval(calc["x"].replace("datum.", ""), {"j": j, "n": n})
    xs, _ = grid_axes(X, resolution=n)
    assert x + (x_hi - x_lo) / n / 2 == pytest.approx(xs[j])  # the sample is the cell's centre


def test_cell_codes_encode_class_and_confidence():
    probs = np.array([[[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.2, 0.8]]])
    codes = regions.cell_codes(probs)
    assert codes[0, 0] == regions.LEVELS - 1              # class 0, certain
    assert codes[0, 1] == 0                               # a three-way tie: least sure
    assert 2 * regions.LEVELS < codes[0, 2] < 3 * regions.LEVELS  # class 2, fairly sure
    palette = regions.cell_palette(3)
    assert len(palette) == 3 * regions.LEVELS and len(set(palette)) == len(palette)


def test_big_point_sets_are_thinned_for_drawing():
    X = np.zeros((20_000, 2))
    y = np.repeat([0, 1], 10_000)
    spec = regions.decision_chart(((-1, -1), (1, 1)), _probs(classes=2), X, y, X[:10], y[:10],
                                  classes=2, show_val=False)
    assert spec["datasets"]["points"].num_rows <= regions.MAX_POINTS_SHOWN


def test_decision_chart_without_probabilities_draws_points_only():
    X, y = np.zeros((6, 2)), np.array([0, 1, 2, 0, 1, 2])
    spec = regions.decision_chart(((-1, -1), (1, 1)), None, X, y, X[:3], y[:3], classes=3)
    assert spec["datasets"]["cells"].num_rows == 0
    assert "diverged" in spec["title"]["subtitle"]  # (under the title: "This run" stays whole)


def _every_chart(n=300, res=20, seed=0):
    rng = np.random.default_rng(seed)
    epoch = np.arange(n)
    curve = np.linspace(1.0, 0.1, n) + 0.01 * rng.random(n)
    X, y = _points()
    edges, counts = views.weight_histogram(rng.normal(size=500))
    return {
        "loss": training.loss_chart(epoch, curve, curve / 10, curve * 1.2),
        "loss log": training.loss_chart(epoch, curve, curve / 10, curve * 1.2, log_y=True),
        "reg": training.reg_chart(epoch, curve, curve / 10, regularised=True),
        "accuracy": training.accuracy_chart(epoch, 1 - curve / 2, 1 - curve),
        "lr": training.lr_chart(epoch, 0.05 / (1 + 1e-3 * epoch)),
        "weights": training.weights_chart(edges, counts, 0.0, 1e-3),
        "weights, pinned": training.weights_chart(edges, counts, math.nan, 1e-3,
                                                  ref_counts=counts[::-1]),
        "loss, pinned and replayed": training.loss_chart(
            epoch, curve, curve / 10, curve * 1.2, cursor=int(epoch[n // 3]),
            ref={"epoch": epoch, "total": curve * 1.1, "val": curve * 1.3}),
        "accuracy, pinned": training.accuracy_chart(
            epoch, 1 - curve / 2, 1 - curve, ref={"epoch": epoch, "train": 1 - curve,
                                                  "val": 1 - curve / 3}),
        "regions, replay": regions.decision_chart(
            grid_bounds(X), None, X, y, X, y, classes=3,
            codes=regions.cell_codes(_probs(40, seed=seed))),
        "regions": regions.decision_chart(grid_bounds(X), _probs(res, seed=seed), X, y, X, y,
                                          classes=3),
        "regions, diverged": regions.decision_chart(grid_bounds(X), None, X, y, X, y,
                                                    classes=3),
        "regions, narrow (pinned pair)": regions.decision_chart(
            grid_bounds(X), _probs(res, seed=seed), X, y, X, y, classes=3, narrow=True),
    }


def _without_data(spec: dict) -> str:
    return json.dumps({**spec, "datasets": sorted(spec["datasets"])}, sort_keys=True)


@pytest.mark.parametrize("name", [k for k in _every_chart() if k != "regions, diverged"])
def test_a_spec_stays_the_same_while_a_run_trains(name):
    """Snapshots at epochs 50 and 3,000 (the regions at the live and the final resolution)
    differ only in their datasets: the browser swaps the data into the chart on screen."""
    early, late = _every_chart(n=50, res=60, seed=1)[name], _every_chart(n=3000, res=100)[name]
    assert _without_data(early) == _without_data(late)


SCHEMA = Path(__import__("altair").__file__).parent / "vegalite/v6/schema/vega-lite-schema.json"


@pytest.mark.parametrize("name", list(_every_chart()))
def test_every_chart_is_valid_vega_lite(name):
    """Validated against the Vega-Lite 6 JSON schema (the one Altair, a Streamlit dependency,
    ships), with its datasets as the rows they stand for."""
    import jsonschema

    spec = _every_chart()[name]
    rows = {k: table.to_pylist() for k, table in spec["datasets"].items()}
    jsonschema.validate({**spec, "datasets": rows}, json.loads(SCHEMA.read_text()))


def test_figure_builders_do_not_import_streamlit():
    import ast
    root = Path(__file__).resolve().parents[2] / "ui"
    for name in ("charts/training.py", "charts/regions.py", "runs.py", "urlstate.py", "scales.py",
                 "fields.py", "formulas.py"):
        tree = ast.parse((root / name).read_text())
        imported = {a.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.Import) for a in node.names}
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom)}
        assert "streamlit" not in imported, name


def test_scrubbing_a_replay_changes_data_not_the_spec(curves):
    """The replay cursor is a dataset (empty at the end of the run): moving it redraws the
    charts in place."""
    epoch, data, reg, val, acc, val_acc, _ = curves
    for build in (lambda c: training.loss_chart(epoch, data, reg, val, cursor=c),
                  lambda c: training.accuracy_chart(epoch, acc, val_acc, cursor=c),
                  lambda c: training.reg_chart(epoch, data, reg, regularised=True, cursor=c)):
        at_end, early = build(None), build(30)
        assert _without_data(at_end) == _without_data(early)
        assert at_end["datasets"]["cursor"].num_rows == 0
        assert list(_column(early, "cursor", "epoch")) == [30]


def test_a_pinned_run_is_drawn_faintly_under_the_current_curves(curves):
    epoch, data, reg, val, *_ = curves
    ref = {"epoch": epoch, "total": (data + reg) * 2, "val": val * 2}
    spec = training.loss_chart(epoch, data, reg, val, ref=ref)
    faint = [layer for layer in spec["layer"] if layer.get("data", {}).get("name") == "ref"]
    assert len(faint) == 2 and spec["layer"][:2] == faint  # under the current run's marks
    assert all(layer["mark"]["color"] == training.REF_COLOUR for layer in faint)
    top = training.robust_top(data + reg, val)
    assert _column(spec, "ref", "val").max() <= top + 1e-6  # cut at the same robust top
    assert (ref["val"] > top).any()                          # (which it needed)
    assert "grey: pinned run" in " ".join(spec["title"]["subtitle"])


@pytest.mark.parametrize(("classes", "narrow", "columns"),
                         [(3, False, 3), (10, False, 5), (2, True, 2), (4, True, 3),
                          (10, True, 3)])
def test_two_regions_side_by_side_stack_their_legends(classes, narrow, columns):
    """Beside a pinned run's regions (half the width) the legends in one row were cut off at
    1280x720 ('class 0 ● cl'): the class legend is "class" over short labels (0, 1, 2) and,
    narrow, the two legends go one under the other."""
    X, y = _points()
    spec = regions.decision_chart(grid_bounds(X), _probs(classes=classes), X, y % classes,
                                  X, y % classes, classes=classes, narrow=narrow)
    colour = spec["layer"][1]["encoding"]["color"]
    assert colour["legend"]["columns"] == columns
    assert colour["title"] == "class" and "labelExpr" not in colour["legend"]
    layout = spec["config"]["legend"].get("layout")
    assert (layout is not None and "vertical" in layout["expr"]) == narrow


def test_text_is_large_enough_to_read_from_the_back_of_a_room():
    """Issue 20, a projector at 1280x720: tick labels >= 14 px, axis titles and legends >= 15
    px, on every chart (one shared config); text limits as wide as the room there is."""
    for name, spec in _every_chart().items():
        axis, key, head = (spec["config"][k] for k in ("axis", "legend", "title"))
        assert axis["labelFontSize"] >= 14 and axis["titleFontSize"] >= 15, name
        assert key["labelFontSize"] >= 15 and key["titleFontSize"] >= 15, name
        assert head["fontSize"] >= 18 and head["subtitleFontSize"] >= 15, name
        assert axis["labelLimit"] >= 260 and key["labelLimit"] >= 260, name
        assert key["titleLimit"] >= 260, name
        # the title may be as wide as the plot and the y-axis beside it (not Streamlit's
        # default: the column less 40 px); a number or no limit would let a long title push
        # the plot to nothing in a narrow column
        assert spec["title"]["limit"] == {"expr": "width + 60"}, name


def test_long_subtitles_come_in_lines():
    """"total = data + reg · dashed: validation (data onl…" was cut in a half column at 1280 x
    720 (~45 characters of room): every line of a subtitle is shorter than that."""
    epoch = np.arange(50)
    curve = np.linspace(1, 0.1, 50)
    for ref in (None, {"epoch": epoch, "total": curve, "val": curve}):
        lines = training.loss_chart(epoch, curve, curve / 10, curve, ref=ref)["title"]["subtitle"]
        assert isinstance(lines, list) and all(len(line) <= 40 for line in lines)
        assert "dashed: validation (data only)" in lines


class _Num(int):
    """A number that joins strings as JavaScript's + does (for _vega below)."""

    def __add__(self, other):
        return str(self) + other if isinstance(other, str) else _Num(int(self) + other)

    def __radd__(self, other):
        return other + str(self) if isinstance(other, str) else _Num(other + int(self))


def _vega(expr: str, **env):
    """Evaluate one of the Vega expressions note_layer writes, with Python's stand-ins."""
    import re
    import types

    functions = {
        "max": lambda *a: _Num(max(a)), "floor": lambda v: _Num(math.floor(v)),
        "regexp": lambda pattern, flags: re.compile(pattern), "trim": str.strip,
        "replace": lambda s, rx, rep: rx.sub(rep.replace("$1", r"\g<1>"), s),
        "split": lambda s, sep: s.split(sep), "length": len}
    datum = types.SimpleNamespace(**env.pop("datum"))
    return eval(expr, {**functions, "datum": datum, **env})


@pytest.mark.parametrize("width", [140, 230, 330, 700])
def test_notes_over_a_plot_wrap_into_lines_as_wide_as_it(width):
    """The weights' note ("36% of the weights have |w| < 0.001 (14% set to 0: ...)") was cut
    to "36.0% of …" at 1280x720: it wraps between words at the plot's width (~7 px a
    character at 15 px), and stands on the plot, however many lines it takes."""
    from ui.charts import common

    spec = training.weights_chart(np.linspace(-1, 1, 6), np.array([1, 2, 3, 2, 1]), 1 / 7, 1e-3)
    text = str(_column(spec, "label", "text")[0])
    layer = spec["layer"][1]
    assert layer["data"]["name"] == "label" and layer["mark"]["lineBreak"] == "\n"
    (wrap, top) = layer["transform"]
    lines = _vega(wrap["calculate"], width=width, datum={"text": text})
    assert lines.replace("\n", " ") == text                      # every word, in order
    assert all(len(line) * 7 <= max(width, 12 * 8) for line in lines.split("\n"))
    assert (len(lines.split("\n")) > 1) == (len(text) * common.CHAR_PX > width)
    rows = len(lines.split("\n"))
    y = _vega(top["calculate"], datum={"lines": lines})
    assert -8 <= y + rows * layer["mark"]["lineHeight"] < 0  # the last line just over the plot
    assert layer["encoding"]["y"] == {"field": "top", "type": "quantitative", "scale": None}


def test_the_regions_plot_is_square_and_filled_by_the_box():
    """The plot is as tall as it is wide (up to PLOT_MAX px): with nncore.grid's square box
    the cells fill it, whatever the column's width (was: a fixed 440 px high chart, whose
    axes then ran to +-3.5 around the data in a wide or a narrow column)."""
    X, y = _points()
    spec = regions.decision_chart(grid_bounds(X), _probs(), X, y, X, y, classes=3)
    assert spec["autosize"]["type"] == "fit-x"
    (height,) = spec["params"]
    assert height["name"] == "height"
    for width in (130, 330, 2000):
        side = eval(height["expr"], {"min": min, "max": max, "width": width})
        assert side == min(width, regions.PLOT_MAX)
        (a, b) = _domain(spec["layer"][1]["encoding"]["x"]["scale"], width, side)
        (lo_x, _), (hi_x, _) = grid_bounds(X)
        if width <= regions.PLOT_MAX:  # square: the x axis is the box, no more
            assert (a, b) == (pytest.approx(lo_x), pytest.approx(hi_x))
    # the plot's width must not depend on its height (it follows the width): a fixed y-axis
    # width, x labels kept inside the plot
    axis = spec["layer"][1]["encoding"]["y"]["axis"]
    assert axis["minExtent"] == axis["maxExtent"]
    assert spec["layer"][1]["encoding"]["x"]["axis"]["labelFlush"] is True


def test_points_outside_the_box_are_still_on_the_plot():
    """A validation point beyond the box (a caller that fitted it to the training points
    only) widens the axes, not the cells."""
    X, y = _points()
    (x_lo, y_lo), (x_hi, y_hi) = bounds = grid_bounds(X)
    far = np.array([[x_hi + 2.0, y_lo - 1.0]])
    spec = regions.decision_chart(bounds, _probs(), X, y, far, np.array([0]), classes=3)
    encoding = spec["layer"][1]["encoding"]
    (a, b) = _domain(encoding["x"]["scale"], 300, 300)
    (c, d) = _domain(encoding["y"]["scale"], 300, 300)
    assert a <= x_lo and b >= far[0, 0] and c <= far[0, 1] and d >= y_hi
    calc = {t["as"]: t["calculate"] for t in spec["layer"][0]["transform"]}
    assert calc["x"].startswith(repr(float(x_lo)))  # the cells still tile the box


def test_a_thumbnail_has_no_axes_and_no_legends():
    X, y = _points()
    spec = regions.decision_chart(grid_bounds(X), _probs(), X, y, X, y, classes=3,
                                  compact=True, height=190)
    for layer in spec["layer"]:
        assert layer["encoding"]["x"]["axis"] is None and layer["encoding"]["y"]["axis"] is None
    assert all(spec["layer"][1]["encoding"][c]["legend"] is None
               for c in ("color", "shape", "size", "opacity"))
    assert "max(min(width, 190)" in spec["params"][0]["expr"]


def test_layer_histograms_keep_their_titles_short():
    """"dense3 (not regularised)" was cut to "dense3 (not regulari…" in a third of a column at
    1280x720: the layer's name is the title, whether it is regularised the subtitle."""
    from ui.charts import network
    from workers.recorder import Extras

    edges, counts = views.weight_histogram(np.random.default_rng(0).normal(size=200))
    extras = Extras(layers=(("dense1", (edges, counts), 0.1, True),
                            ("dense2", (edges, counts), 0.0, False)))
    heads = [spec["title"] for spec in network.layer_histograms(extras)]
    assert [(h["text"], h["subtitle"]) for h in heads] == [("dense1", "regularised"),
                                                            ("dense2", "not regularised")]
