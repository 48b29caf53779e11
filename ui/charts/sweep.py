"""Vega-Lite specs of a sweep's results: the U-curve (one varied field), the heatmap (two),
from nncore's per-point summary. Numbers in, specs out: no Streamlit, no model. As in
ui.charts.common, a spec depends only on the sweep's definition; what fills in while it runs is
data.
"""

from __future__ import annotations

import math

import numpy as np

from nncore.sweep import SweepSpec

from .common import (
    NOTE_SIZE,
    TRAIN_COLOUR,
    VAL_COLOUR,
    chart,
    legend,
    note_layer,
    table,
)

BEST_COLOUR = "#2ca02c"


def _field_axis(spec: SweepSpec, i: int = 0) -> dict:
    axis = spec.axes[i]
    lo, hi = min(axis.values), max(axis.values)
    # a list like 1e-5, 1e-3, 0.1 reads as a log range does; one with 0 cannot be on a log axis
    log = axis.kind == "log" or (axis.kind == "list" and lo > 0 and hi / lo >= 100)
    return {"field": "x", "type": "quantitative", "title": axis.field,
            "scale": {"type": "log" if log else "linear", "nice": False, "zero": False,
                      "domain": [min(axis.values), max(axis.values)]},
            "axis": {"format": "~e" if log else "~g", "tickCount": min(len(axis.values), 6)}}


def _column(summary: list[dict], name: str) -> np.ndarray:
    return np.array([e[name] for e in summary], dtype=np.float64)


def u_curve(spec: SweepSpec, summary: list[dict], *, metric: str = "loss",
            classes: int = 3) -> dict:
    """Training and validation `metric` ("loss" or "accuracy": the mean over seeds, a band
    from the lowest to the highest seed) against the varied field; the point of lowest mean
    validation loss marked; for the loss, chance level ln(classes) as a dashed line."""
    curves, marks = _u_data(spec, summary, metric)
    title_word = "Loss" if metric == "loss" else "Accuracy"
    y = {"type": "quantitative", "title": f"{metric} (mean over seeds)",
         "scale": ({"zero": True} if metric == "loss" else {"domain": [0, 1]}),
         "axis": ({"format": ".0%"} if metric == "accuracy" else {})}
    key, key_rows = legend(["training", "validation"], [TRAIN_COLOUR, VAL_COLOUR], columns=2,
                           orient="bottom")
    layers = [*_seed_layers(spec, y, "train", TRAIN_COLOUR, []),
              *_seed_layers(spec, y, "val", VAL_COLOUR, [7, 4]), *_best_layers(spec, y), key]
    datasets = {"curves": curves, "marks": marks, "legend": key_rows}
    if metric == "loss":
        layers.append({"data": {"name": "chance"},
                       "mark": {"type": "rule", "strokeDash": [2, 4], "color": "#7f8794"},
                       "encoding": {"y": {**y, "field": "y"}}})
        datasets["chance"] = table(y=[math.log(classes)])
    return chart(f"{title_word} against {spec.axes[0].field}", layers, datasets, height=330,
                 subtitle=None if metric != "loss" else
                 [f"band: lowest to highest of {spec.seeds} seeds",
                  f"grey: chance, ln {classes} = {math.log(classes):.2f}"])


def _u_data(spec: SweepSpec, summary: list[dict], metric: str):
    """The U-curve's datasets: "curves" (x; mean, min and max over seeds of the training and
    the validation `metric`; runs done) and "marks" (the point of lowest mean validation
    loss, if any, and its label)."""
    x = np.array([e[spec.axes[0].field] for e in summary], dtype=np.float64)
    train_name = "loss" if metric == "loss" else "accuracy"
    columns = {"x": x}
    for key, name in (("train", train_name), ("val", f"val_{metric}")):
        for stat in ("mean", "min", "max"):
            columns[f"{key}_{stat}"] = _column(summary, f"{name}_{stat}")
    columns["runs"] = _column(summary, "completed")
    val_loss = _column(summary, "val_loss_mean")
    best = int(np.nanargmin(val_loss)) if np.isfinite(val_loss).any() else None
    chosen = columns["val_mean"][best] if best is not None else math.nan
    marks = table(x=[x[best]] if best is not None else [],
                  y=[chosen] if best is not None else [],
                  label=[f"lowest mean val loss at {spec.axes[0].field}={x[best]:.3g}"]
                  if best is not None else [])
    return table(**columns), marks


def _seed_layers(spec: SweepSpec, y: dict, prefix: str, colour: str,
                 dash: list[int]) -> list[dict]:
    """One set's band (lowest to highest seed) and its line of means, with a tooltip."""
    return [
        {"data": {"name": "curves"}, "mark": {"type": "area", "opacity": 0.18,
                                              "color": colour},
         "encoding": {"x": _field_axis(spec), "y": {**y, "field": f"{prefix}_min"},
                      "y2": {"field": f"{prefix}_max"}}},
        {"data": {"name": "curves"},
         "mark": {"type": "line", "strokeWidth": 3, "color": colour, "strokeDash": dash,
                  "point": {"filled": True, "size": 60, "color": colour}},
         "encoding": {"x": _field_axis(spec), "y": {**y, "field": f"{prefix}_mean"},
                      "tooltip": [{"field": "x", "title": spec.axes[0].field,
                                   "format": ".3g", "type": "quantitative"},
                                  {"field": f"{prefix}_mean", "title": "mean",
                                   "format": ".3f", "type": "quantitative"},
                                  {"field": f"{prefix}_min", "title": "lowest seed",
                                   "format": ".3f", "type": "quantitative"},
                                  {"field": f"{prefix}_max", "title": "highest seed",
                                   "format": ".3f", "type": "quantitative"},
                                  {"field": "runs", "title": "runs done",
                                   "type": "quantitative"}]}}]


def _best_layers(spec: SweepSpec, y: dict) -> list[dict]:
    """The point of lowest mean validation loss (dataset "marks"): a diamond and a label."""
    return [
        {"data": {"name": "marks"}, "mark": {"type": "point", "shape": "diamond", "size": 260,
                                             "filled": False, "strokeWidth": 3,
                                             "color": BEST_COLOUR},
         "encoding": {"x": _field_axis(spec), "y": {**y, "field": "y"}}},
        note_layer("marks", BEST_COLOUR, field="label", fontWeight=600)]


def heatmap(spec: SweepSpec, summary: list[dict], *, metric: str = "val_loss") -> dict:
    """Mean `metric` over seeds at each point of a two-field grid (cells fill in as they
    finish), the lowest mean validation loss outlined."""
    (a, b) = spec.axes
    values = _column(summary, f"{metric}_mean")
    label = [("" if not math.isfinite(v) else f"{v:.0%}" if "accuracy" in metric else f"{v:.3f}")
             for v in values]
    val_loss = _column(summary, "val_loss_mean")
    best = int(np.nanargmin(val_loss)) if np.isfinite(val_loss).any() else -1
    cells = table(x=np.array([f"{e[a.field]:.3g}" for e in summary]),
                  y=np.array([f"{e[b.field]:.3g}" for e in summary]),
                  v=values, label=np.array(label), best=np.arange(len(summary)) == best)
    order = {"x": [f"{v:.3g}" for v in a.values], "y": [f"{v:.3g}" for v in b.values]}
    x = {"field": "x", "type": "ordinal", "title": a.field, "sort": order["x"],
         "scale": {"domain": order["x"]}}
    y = {"field": "y", "type": "ordinal", "title": b.field, "sort": order["y"][::-1],
         "scale": {"domain": order["y"][::-1]}}
    scheme = "viridis" if "accuracy" in metric else "magma"
    layers = [
        {"data": {"name": "cells"}, "mark": {"type": "rect"},
         "encoding": {"x": x, "y": y,
                      "color": {"field": "v", "type": "quantitative", "title": metric,
                                "scale": {"scheme": scheme,
                                          "reverse": "accuracy" not in metric}},
                      "tooltip": [{"field": "x", "title": a.field},
                                  {"field": "y", "title": b.field},
                                  {"field": "label", "title": f"mean {metric}"}]}},
        {"data": {"name": "cells"}, "mark": {"type": "text", "fontSize": NOTE_SIZE},
         "encoding": {"x": x, "y": y, "text": {"field": "label"},
                      "color": {"condition": {"test": "datum.best", "value": BEST_COLOUR},
                                "value": "#1b1f24"}}},
        {"data": {"name": "cells"}, "transform": [{"filter": "datum.best"}],
         "mark": {"type": "rect", "fill": None, "stroke": BEST_COLOUR, "strokeWidth": 4},
         "encoding": {"x": x, "y": y}},
    ]
    return chart(f"Mean {metric.replace('_', ' ')} over seeds", layers, {"cells": cells},
                 height=max(220, 46 * len(b.values) + 80))
