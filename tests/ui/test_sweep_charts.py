"""The sweep's U-curve and heatmap (Plotly figures, plain dicts) from a hand-made summary whose
per-seed numbers are written here: each point's mean drawn, the band from the lowest to the
highest seed, the best mark at the lowest mean validation loss (not the highest, not the best
of the metric drawn), a grid point with no finished run left blank; every figure valid for
Plotly and JSON as it stands; a field's name written literally, never read as markup. No
Streamlit."""

import json
import math
import statistics

import numpy as np
import pytest
from figcheck import valid

from nncore import TrainConfig, make_spec
from nncore.sweep.spec import Axis, SweepSpec
from ui.charts import common
from ui.charts import sweep as sweep_charts

METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


def _entry(p: int, point: dict, seeds: dict) -> dict:
    """A summary entry (nncore.sweep.summarise's keys) from per-seed values written by hand."""
    entry = {"point": p, **point, "runs": 3 if seeds else 0, "completed": len(
        next(iter(seeds.values()), []))}
    for m in METRICS:
        values = seeds.get(m, [])
        entry.update({f"{m}_mean": statistics.fmean(values) if values else math.nan,
                      f"{m}_std": statistics.stdev(values) if len(values) > 1 else math.nan,
                      f"{m}_min": min(values) if values else math.nan,
                      f"{m}_max": max(values) if values else math.nan})
    return entry


def trace(fig: dict, name: str) -> dict:
    (found,) = [t for t in fig["data"] if t.get("name") == name]
    return found


def numbers(values) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=np.float64)


# One field, 4 values, 3 seeds. Mean validation loss: 0.70, 0.40, 0.28 (lowest), no run
# finished at 0.1; the highest mean validation accuracy (0.90) is at 0.001, not at the best.
U_SEEDS = [
    {"loss": [0.05, 0.10, 0.15], "val_loss": [0.80, 0.70, 0.60],
     "accuracy": [1.00, 0.98, 0.99], "val_accuracy": [0.80, 0.82, 0.90]},
    {"loss": [0.20, 0.25, 0.30], "val_loss": [0.40, 0.30, 0.50],
     "accuracy": [0.90, 0.95, 0.85], "val_accuracy": [0.90, 0.92, 0.88]},
    {"loss": [0.35, 0.45, 0.40], "val_loss": [0.20, 0.35, 0.29],
     "accuracy": [0.85, 0.80, 0.90], "val_accuracy": [0.86, 0.84, 0.85]},
    {},
]
U_X = [0.0001, 0.001, 0.01, 0.1]


@pytest.fixture
def one_field():
    spec = make_spec(TrainConfig(), ["weight_l2=0.0001,0.001,0.01,0.1"], seeds=3)
    summary = [_entry(p, point, seeds)
               for p, (point, seeds) in enumerate(zip(spec.points, U_SEEDS, strict=True))]
    return spec, summary


@pytest.mark.parametrize("metric, train, val", [
    ("loss", "loss", "val_loss"), ("accuracy", "accuracy", "val_accuracy")])
def test_u_curve_draws_each_point_the_mean_and_a_band_from_lowest_to_highest_seed(
        one_field, metric, train, val):
    spec, summary = one_field
    fig = valid(sweep_charts.u_curve(spec, summary, metric=metric, classes=3))
    for legend, name, dash in (("training", train, "solid"), ("validation", val, "dash")):
        seeds = [s.get(name) for s in U_SEEDS]
        mean = [statistics.fmean(v) if v else math.nan for v in seeds]
        low = [min(v) if v else math.nan for v in seeds]
        high = [max(v) if v else math.nan for v in seeds]
        # a marker at each point's mean (none where no run finished), a line through them
        line = trace(fig, legend)
        assert line["mode"] == "lines+markers" and line["line"]["dash"] == dash
        np.testing.assert_allclose(line["x"], U_X, rtol=1e-9)
        np.testing.assert_allclose(numbers(line["y"]), mean, rtol=1e-4, err_msg=legend)
        lows, highs, runs = zip(*line["customdata"], strict=True)  # (the hover's numbers)
        np.testing.assert_allclose(numbers(lows), low, rtol=1e-4)
        np.testing.assert_allclose(numbers(highs), high, rtol=1e-4)
        assert list(runs) == [3, 3, 3, 0]
        # the band: along the highest seed at each point with a finished run, back along the
        # lowest
        band = trace(fig, f"{legend}: lowest to highest seed")
        assert band["fill"] == "toself"
        np.testing.assert_allclose(band["x"], U_X[:3] + U_X[:3][::-1], rtol=1e-9)
        np.testing.assert_allclose(band["y"], high[:3] + low[:3][::-1], rtol=1e-4)
    # 1e-4 ... 0.1 reads as a log range: a log axis (its range in decades), ticks at the values
    x = fig["layout"]["xaxis"]
    assert x["type"] == "log" and x["range"][0] < -4 < -1 < x["range"][1] < -0.5
    assert x["ticktext"] == ["0.0001", "0.001", "0.01", "0.1"]


def test_a_linear_field_has_a_linear_axis():
    spec = make_spec(TrainConfig(), ["dropout=0,0.2,0.4"], seeds=2)
    summary = [_entry(p, point, {}) for p, point in enumerate(spec.points)]
    x = valid(sweep_charts.u_curve(spec, summary, metric="loss"))["layout"]["xaxis"]
    assert x["type"] == "linear" and x["range"][0] < 0 < 0.4 < x["range"][1]


@pytest.mark.parametrize("metric, y", [("loss", (0.20 + 0.35 + 0.29) / 3),
                                       ("accuracy", (0.86 + 0.84 + 0.85) / 3)])
def test_u_curve_marks_the_lowest_mean_validation_loss(one_field, metric, y):
    spec, summary = one_field
    fig = valid(sweep_charts.u_curve(spec, summary, metric=metric, classes=3))
    # at 0.01: not 0.0001 (the highest mean validation loss), not 0.001 (the best accuracy)
    mark = trace(fig, "lowest mean val loss")
    np.testing.assert_allclose(mark["x"], [0.01], rtol=1e-9)
    np.testing.assert_allclose(mark["y"], [y], rtol=1e-4)
    assert mark["marker"]["symbol"] == "diamond-open"
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert notes == ["◆ lowest mean val loss at weight_l2=0.01"]


def test_u_curve_of_the_loss_draws_chance_and_with_no_finished_run_no_mark(one_field):
    spec, summary = one_field
    fig = valid(sweep_charts.u_curve(spec, summary, metric="loss", classes=4))
    chance = trace(fig, "chance")
    np.testing.assert_allclose(chance["y"], [math.log(4)] * 2, rtol=1e-4)
    np.testing.assert_allclose(chance["x"], [U_X[0], U_X[-1]], rtol=1e-9)  # the whole axis
    assert "ln 4 = 1.39" in common.title_text(fig)
    accuracy = valid(sweep_charts.u_curve(spec, summary, metric="accuracy"))
    assert "chance" not in [t["name"] for t in accuracy["data"]]
    nothing = [_entry(p, point, {}) for p, point in enumerate(spec.points)]
    empty = valid(sweep_charts.u_curve(spec, nothing, metric="loss"))
    assert "lowest mean val loss" not in [t["name"] for t in empty["data"]]
    assert empty["layout"]["annotations"] == []
    assert trace(empty, "validation")["y"] == [None] * 4
    assert trace(empty, "validation: lowest to highest seed")["x"] == []
    assert [c[2] for c in trace(empty, "validation")["customdata"]] == [0] * 4


# Two fields, 2 seeds. Mean validation loss 0.50, 0.30 (lowest), 0.45, none; the highest mean
# validation accuracy (0.90) is at another cell than the lowest loss.
H_SEEDS = [
    {"val_loss": [0.40, 0.60], "val_accuracy": [0.75, 0.85]},
    {"val_loss": [0.25, 0.35], "val_accuracy": [0.80, 0.90]},
    {"val_loss": [0.50, 0.40], "val_accuracy": [0.95, 0.85]},
    {},
]


def _grid(seeds=H_SEEDS):
    spec = make_spec(TrainConfig(), ["weight_l2=0.001,0.01", "dropout=0,0.5"], seeds=2)
    return spec, [_entry(p, point, s)
                  for p, (point, s) in enumerate(zip(spec.points, seeds, strict=True))]


# z and text are rows of dropout (0 at the bottom), columns of weight_l2
@pytest.mark.parametrize("metric, z, text, scale, reverse", [
    ("val_loss", [[0.50, 0.45], [0.30, None]], [["0.500", "0.450"], ["0.300", ""]],
     "Cividis", True),
    ("val_accuracy", [[0.80, 0.90], [0.85, None]], [["80%", "90%"], ["85%", ""]],
     "Viridis", False),
])
def test_heatmap_fills_each_cell_with_its_mean_and_outlines_the_lowest_val_loss(
        metric, z, text, scale, reverse):
    spec, summary = _grid()
    fig = valid(sweep_charts.heatmap(spec, summary, metric=metric))
    (cells,) = fig["data"]
    assert cells["type"] == "heatmap"
    assert cells["x"] == ["0.001", "0.01"] and cells["y"] == ["0", "0.5"]
    for row, expected in zip(cells["z"], z, strict=True):
        np.testing.assert_allclose(numbers(row), numbers(expected), rtol=1e-4)
    assert cells["text"] == text and cells["texttemplate"] == "%{text}"
    # bright where the metric is good: a loss's scale reversed
    assert (cells["colorscale"], cells["reversescale"]) == (scale, reverse)
    layout = fig["layout"]
    assert layout["xaxis"]["title"]["text"] == "weight_l2"
    assert layout["yaxis"]["title"]["text"] == "dropout"
    # weight_l2=0.001 (column 0), dropout=0.5 (row 1): the lowest mean validation loss,
    # whichever metric is drawn
    boxes = {(s["x0"], s["x1"], s["y0"], s["y1"]) for s in layout["shapes"]}
    assert boxes == {(-0.5, 0.5, 0.5, 1.5)}
    assert all(s["type"] == "rect" and s["xref"] == "x" and s["yref"] == "y"
               for s in layout["shapes"])


def test_a_heatmap_with_no_finished_run_outlines_nothing():
    spec, summary = _grid([{}] * 4)
    fig = valid(sweep_charts.heatmap(spec, summary, metric="val_loss"))
    assert fig["layout"]["shapes"] == []
    assert fig["data"][0]["z"] == [[None, None], [None, None]]


def test_heatmap_labels_that_would_read_the_same_keep_more_digits():
    """Two values that are the same to 3 digits would share one cell of a category axis."""
    spec = make_spec(TrainConfig(), ["weight_l2=0.0011,0.00111", "dropout=0,0.5"], seeds=1)
    summary = [_entry(p, point, {}) for p, point in enumerate(spec.points)]
    fig = valid(sweep_charts.heatmap(spec, summary, metric="val_loss"))
    assert fig["data"][0]["x"] == ["0.0011", "0.00111"]


MARKUP, ESCAPED = "<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"


def test_a_field_name_is_written_literally_never_read_as_markup():
    """A sweep's fields may come from a link or a CSV: Plotly would draw "<b>x</b>" bold
    (and follow an <a href>); every string they make is escaped."""
    one = SweepSpec(TrainConfig(), (Axis(MARKUP, "list", (0.1, 1.0, 10.0)),), seeds=2)
    summary = [_entry(p, point, {"loss": [0.2, 0.3], "val_loss": [0.4, 0.5],
                                 "accuracy": [0.9, 0.8], "val_accuracy": [0.7, 0.6]})
               for p, point in enumerate(one.points)]
    two = SweepSpec(TrainConfig(), (Axis(MARKUP, "list", (0.1, 1.0)),
                                    Axis("<i>y</i>", "list", (0, 1))), seeds=2)
    cells = [_entry(p, point, {"val_loss": [0.4, 0.5], "val_accuracy": [0.7, 0.6]})
             for p, point in enumerate(two.points)]
    figures = [sweep_charts.u_curve(one, summary, metric="loss"),
               sweep_charts.u_curve(one, summary, metric="accuracy"),
               sweep_charts.heatmap(two, cells, metric="val_loss")]
    for fig in map(valid, figures):
        text = json.dumps(fig, ensure_ascii=False)
        assert MARKUP not in text and "<i>" not in text
        assert ESCAPED in fig["layout"]["xaxis"]["title"]["text"]
        assert all(ESCAPED in t["meta"][0] for t in fig["data"] if "meta" in t)
    loss, _, grid = figures
    assert common.title_text(loss).startswith(f"Loss against {ESCAPED}<br>")
    assert ESCAPED in loss["layout"]["annotations"][0]["text"]
    assert grid["layout"]["yaxis"]["title"]["text"] == "&lt;i&gt;y&lt;/i&gt;"
