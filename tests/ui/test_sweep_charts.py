"""The sweep's U-curve and heatmap (Vega-Lite specs) from a hand-made summary whose per-seed
numbers are written here: the points drawn, the band from the lowest to the highest seed, the
best mark at the lowest mean validation loss (not the highest, not the best of the metric
drawn), a grid point with no finished run left blank. No Streamlit."""

import math
import statistics

import numpy as np
import pytest

from nncore import TrainConfig, make_spec
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


def _column(spec, dataset, name):
    return spec["datasets"][dataset].column(name).to_pylist()


def _numbers(spec, dataset, name):
    """A numeric column as float64, NaN where empty (the chart's tables hold float32)."""
    return np.array([math.nan if v is None else v for v in _column(spec, dataset, name)])


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
    chart = sweep_charts.u_curve(spec, summary, metric=metric, classes=3)
    np.testing.assert_allclose(_numbers(chart, "curves", "x"), [0.0001, 0.001, 0.01, 0.1],
                               rtol=1e-6)
    for prefix, name in (("train", train), ("val", val)):
        seeds = [s.get(name) for s in U_SEEDS]
        expected = {"mean": [statistics.fmean(v) if v else math.nan for v in seeds],
                    "min": [min(v) if v else math.nan for v in seeds],
                    "max": [max(v) if v else math.nan for v in seeds]}
        for stat, values in expected.items():
            np.testing.assert_allclose(_numbers(chart, "curves", f"{prefix}_{stat}"), values,
                                       rtol=1e-6, err_msg=f"{prefix}_{stat}")
    np.testing.assert_array_equal(_numbers(chart, "curves", "runs"), [3, 3, 3, 0])
    # the band is drawn from the lowest seed to the highest, the line through the mean
    areas = [(layer["encoding"]["y"]["field"], layer["encoding"]["y2"]["field"])
             for layer in chart["layer"] if layer["mark"].get("type") == "area"]
    lines = [layer["encoding"]["y"]["field"]
             for layer in chart["layer"] if layer["mark"].get("type") == "line"]
    assert areas == [("train_min", "train_max"), ("val_min", "val_max")]
    assert lines == ["train_mean", "val_mean"]


@pytest.mark.parametrize("metric, y", [("loss", (0.20 + 0.35 + 0.29) / 3),
                                       ("accuracy", (0.86 + 0.84 + 0.85) / 3)])
def test_u_curve_marks_the_lowest_mean_validation_loss(one_field, metric, y):
    spec, summary = one_field
    chart = sweep_charts.u_curve(spec, summary, metric=metric, classes=3)
    # at 0.01: not 0.0001 (the highest mean validation loss), not 0.001 (the best accuracy)
    np.testing.assert_allclose(_numbers(chart, "marks", "x"), [0.01], rtol=1e-6)
    np.testing.assert_allclose(_numbers(chart, "marks", "y"), [y], rtol=1e-6)
    assert _column(chart, "marks", "label") == ["lowest mean val loss at weight_l2=0.01"]


def test_u_curve_of_the_loss_draws_chance_and_with_no_finished_run_no_mark(one_field):
    spec, summary = one_field
    chart = sweep_charts.u_curve(spec, summary, metric="loss", classes=4)
    np.testing.assert_allclose(_numbers(chart, "chance", "y"), [math.log(4)], rtol=1e-6)
    nothing = [_entry(p, point, {}) for p, point in enumerate(spec.points)]
    empty = sweep_charts.u_curve(spec, nothing, metric="loss")
    assert _column(empty, "marks", "x") == [] and _column(empty, "curves", "runs") == [0] * 4
    assert np.isnan(_numbers(empty, "curves", "val_mean")).all()


# Two fields, 2 seeds. Mean validation loss 0.50, 0.30 (lowest), 0.45, none; the highest mean
# validation accuracy (0.90) is at another cell than the lowest loss.
H_SEEDS = [
    {"val_loss": [0.40, 0.60], "val_accuracy": [0.75, 0.85]},
    {"val_loss": [0.25, 0.35], "val_accuracy": [0.80, 0.90]},
    {"val_loss": [0.50, 0.40], "val_accuracy": [0.95, 0.85]},
    {},
]


@pytest.mark.parametrize("metric, values, labels", [
    ("val_loss", [0.50, 0.30, 0.45, math.nan], ["0.500", "0.300", "0.450", ""]),
    ("val_accuracy", [0.80, 0.85, 0.90, math.nan], ["80%", "85%", "90%", ""]),
])
def test_heatmap_fills_each_cell_with_its_mean_and_outlines_the_lowest_val_loss(
        metric, values, labels):
    spec = make_spec(TrainConfig(), ["weight_l2=0.001,0.01", "dropout=0,0.5"], seeds=2)
    summary = [_entry(p, point, seeds)
               for p, (point, seeds) in enumerate(zip(spec.points, H_SEEDS, strict=True))]
    chart = sweep_charts.heatmap(spec, summary, metric=metric)
    assert _column(chart, "cells", "x") == ["0.001", "0.001", "0.01", "0.01"]
    assert _column(chart, "cells", "y") == ["0", "0.5", "0", "0.5"]
    np.testing.assert_allclose(_numbers(chart, "cells", "v"), values, rtol=1e-6)
    assert _column(chart, "cells", "label") == labels
    # weight_l2=0.001, dropout=0.5: lowest mean validation loss, whichever metric is drawn
    assert _column(chart, "cells", "best") == [False, True, False, False]
