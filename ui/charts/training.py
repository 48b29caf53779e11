"""Vega-Lite specs of the training curves (loss split, reg loss, accuracy, learning rate)
and of the weight histogram; they take numbers (arrays), never a model or Streamlit.

Why Vega-Lite, and why a spec stays fixed while a run trains: see ui.charts.common.
"""

from __future__ import annotations

import math

import numpy as np

from workers.thinning import thin

from .. import teaching
from .common import (
    DATA_COLOUR,
    LR_COLOUR,
    NOTE_LINE,
    NOTE_SIZE,
    REG_COLOUR,
    TOTAL_COLOUR,
    TRAIN_COLOUR,
    VAL_COLOUR,
    WEIGHT_COLOUR,
    chart,
    legend,
    note_layer,
    table,
    x_epoch,
)

# Records drawn per series: long runs are thinned (every k-th record, the last kept). The
# browser's cost per live redraw grows with the rows (1,500 rows: ~250 ms of main thread per
# redraw of all charts, measured in headless Chromium on this 2-core machine; 500: a third);
# a finished run is drawn once, with more detail.
LIVE_POINTS, FINAL_POINTS = 500, 1500
# The y-axis of the loss chart ends a little above the run's typical values (the first epoch's
# loss, or this quantile of all of them), so one of Adam's spikes does not squash the curves;
# values above are drawn cut off at the top edge (their true value is in the tooltip).
ROBUST_QUANTILE = 0.99
HEADROOM = 1.1
LOG_FLOOR = 1e-6  # lowest loss drawn on the log scale (a loss of exactly 0 has no logarithm)


REF_COLOUR, CURSOR_COLOUR = "#8a8f98", "#3d434d"


def overlays(spec: dict, y: dict, *, ref: dict | None, fields: dict[str, dict],
             cursor: int | None, points: int, clip=None) -> dict:
    """`spec` with, under its curves, the pinned reference run's `fields` (faint grey lines
    from `ref`, a dict of full-length arrays with an "epoch"), and a vertical rule at the
    replay `cursor` epoch (its dataset is empty when there is none, so scrubbing changes data,
    not the spec). `fields` maps a ref column to extra mark properties; `clip` cuts values."""
    layers = list(spec["layer"])
    if ref is not None:
        names = list(fields)
        epoch, *columns = thin(np.asarray(ref["epoch"]), *(np.asarray(ref[n]) for n in names),
                               max_points=points)
        if clip is not None:
            columns = [clip(c) for c in columns]
        spec["datasets"]["ref"] = table(epoch=epoch, **dict(zip(names, columns, strict=True)))
        faint = [{"data": {"name": "ref"},
                  "mark": {"type": "line", "color": REF_COLOUR, "opacity": 0.7,
                           "strokeWidth": 2, "clip": True, **fields[name]},
                  "encoding": {"x": x_epoch(), "y": {**y, "field": name}}} for name in names]
        layers = faint + layers  # under the current run's curves
    spec["datasets"]["cursor"] = table(epoch=[cursor] if cursor is not None else
                                       np.zeros(0, np.int64))
    layers.append({"data": {"name": "cursor"},
                   "mark": {"type": "rule", "color": CURSOR_COLOUR, "strokeWidth": 2},
                   "encoding": {"x": x_epoch()}})
    return {**spec, "layer": layers}


def robust_top(*series: np.ndarray) -> float:
    """Where the loss chart's y-axis ends: a bit above the first values or the ROBUST_QUANTILE
    of all finite values, whichever is higher (a spike above it is cut off)."""
    finite = [s[np.isfinite(s)] for s in series if len(s)]
    finite = [s for s in finite if s.size]
    if not finite:
        return 1.0
    both = np.concatenate(finite)
    first = max(float(s[0]) for s in finite)
    return float(max(first, np.quantile(both, ROBUST_QUANTILE), 1e-12) * HEADROOM)


def best_epoch(epoch: np.ndarray, val_loss: np.ndarray) -> tuple[int, float] | None:
    """(epoch, value) of the lowest finite validation loss, or None."""
    val = np.asarray(val_loss, dtype=np.float64)
    if not np.isfinite(val).any():
        return None
    i = int(np.nanargmin(np.where(np.isfinite(val), val, np.nan)))
    return int(epoch[i]), float(val[i])


def loss_chart(epoch, data_loss, reg_loss, val_loss, *, log_y: bool = False,
               points: int = FINAL_POINTS, ref: dict | None = None,
               cursor: int | None = None) -> dict:
    """Data loss (blue band) with the regularisation loss stacked on it (orange band): the
    band's top edge is the total loss the optimiser minimises (a black line). The validation
    loss (data loss only, dashed) and the epoch of its minimum are drawn over it. `ref` (epoch,
    total, val) of a pinned run is drawn faintly under them; `cursor`: a replay epoch."""
    best = best_epoch(np.asarray(epoch), val_loss)
    epoch, data_loss, reg_loss, val_loss = thin(epoch, data_loss, reg_loss, val_loss,
                                                max_points=points)
    total = np.asarray(data_loss) + np.asarray(reg_loss)
    top = robust_top(total, np.asarray(val_loss))
    floor = LOG_FLOOR if log_y else 0.0

    def cut(values):
        return np.clip(values, floor, top)

    curves = table(epoch=epoch, data=cut(data_loss), total=cut(total), val=cut(val_loss),
                   data_true=data_loss, reg_true=reg_loss, total_true=total, val_true=val_loss,
                   base=np.full(len(epoch), floor))
    scale = ({"type": "log", "domainMin": LOG_FLOOR} if log_y else {"zero": True, "nice": False})
    y = {"type": "quantitative", "title": "loss", "scale": scale}
    key, key_rows = legend(["data loss", "reg loss", "total", "val loss"],
                           [DATA_COLOUR, REG_COLOUR, TOTAL_COLOUR, VAL_COLOUR], columns=2)
    spec = chart("Loss = data + regularisation", [*_loss_layers(y), key, *_best_layers(y)],
                 {"curves": curves, "marks": _best_table(best, top), "legend": key_rows},
                 height=280, subtitle=["total = data + reg"
                                       + (" · grey: pinned run" if ref is not None else ""),
                                       "dashed: validation (data only)"])
    return overlays(spec, y, ref=ref, fields={"total": {}, "val": {"strokeDash": [7, 4]}},
                    cursor=cursor, points=points, clip=cut)


def _loss_layers(y: dict) -> list[dict]:
    """The loss chart's curves (dataset "curves"): the data and the reg band, the total and the
    dashed validation line; the lines' tooltip gives the true (uncut) values."""
    tooltip = [{"field": "epoch", "type": "quantitative", "format": ","},
               {"field": "data_true", "title": "data loss", "type": "quantitative",
                "format": ".4f"},
               {"field": "reg_true", "title": "reg loss", "type": "quantitative",
                "format": ".4g"},
               {"field": "total_true", "title": "total loss", "type": "quantitative",
                "format": ".4f"},
               {"field": "val_true", "title": "val loss", "type": "quantitative",
                "format": ".4f"}]

    def band(colour, low, high, opacity):
        return {"data": {"name": "curves"},
                "mark": {"type": "area", "opacity": opacity, "clip": True, "color": colour},
                "encoding": {"x": x_epoch(), "y": {**y, "field": low}, "y2": {"field": high}}}

    def line(colour, field, **mark):
        return {"data": {"name": "curves"},
                "mark": {"type": "line", "clip": True, "color": colour, **mark},
                "encoding": {"x": x_epoch(), "y": {**y, "field": field}, "tooltip": tooltip}}

    return [band(DATA_COLOUR, "base", "data", 0.35), band(REG_COLOUR, "data", "total", 0.75),
            line(TOTAL_COLOUR, "total", strokeWidth=1.5),
            line(VAL_COLOUR, "val", strokeWidth=3, strokeDash=[7, 4])]


def _best_table(best: tuple[int, float] | None, top: float):
    """The "marks" dataset: the lowest validation loss (drawn at most at the axis' top), or
    no row."""
    return table(epoch=[best[0]] if best else [], val=[min(best[1], top)] if best else [],
                 label=[f"● lowest val loss {best[1]:.3f}, epoch {best[0]:,}"] if best else [])


def _best_layers(y: dict) -> list[dict]:
    """The lowest validation loss (dataset "marks"): a dotted rule at its epoch, a dot, and
    its value written in the top right corner."""
    return [
        {"data": {"name": "marks"}, "mark": {"type": "rule", "strokeDash": [2, 3],
                                             "color": VAL_COLOUR, "strokeWidth": 1.5},
         "encoding": {"x": x_epoch()}},
        {"data": {"name": "marks"}, "mark": {"type": "point", "filled": True, "size": 90,
                                             "color": VAL_COLOUR},
         "encoding": {"x": x_epoch(), "y": {**y, "field": "val"}}},
        {"data": {"name": "marks"},
         "mark": {"type": "text", "align": "right", "baseline": "top", "x": {"expr": "width"},
                  "limit": {"expr": "width"},
                  "dx": -4, "y": 4, "fontSize": NOTE_SIZE, "color": VAL_COLOUR,
                  "fontWeight": 600},
         "encoding": {"text": {"field": "label"}}},
    ]


def reg_chart(epoch, data_loss, reg_loss, *, regularised: bool,
              points: int = FINAL_POINTS, ref: dict | None = None,
              cursor: int | None = None) -> dict:
    """The regularisation loss on its own y-axis (at a small lambda it is a hairline on the
    loss chart), with its share of the total loss at the last epoch."""
    epoch, data_loss, reg_loss = thin(epoch, data_loss, reg_loss, max_points=points)
    reg = np.asarray(reg_loss, dtype=np.float64)
    total = np.asarray(data_loss, dtype=np.float64) + reg
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, reg / total, np.nan)
    last = len(epoch) - 1
    note = ("no regularisation: every lambda is 0" if not regularised else
            f"last epoch: reg loss {reg[last]:.4g} = {share[last]:.1%} of the total"
            if last >= 0 and np.isfinite(share[last]) else "")
    curves = table(epoch=epoch, reg=reg, share=share)
    label = table(text=[note])
    y = {"field": "reg", "type": "quantitative", "title": "reg loss",
         "scale": {"zero": True, "nice": True}, "axis": {"format": ".2~g", "tickCount": 4}}
    layers = [
        {"data": {"name": "curves"}, "mark": {"type": "area", "color": REG_COLOUR,
                                              "opacity": 0.35, "line": {"color": REG_COLOUR}},
         "encoding": {"x": x_epoch(), "y": y,
                      "tooltip": [{"field": "epoch", "type": "quantitative", "format": ","},
                                  {"field": "reg", "type": "quantitative", "format": ".4g",
                                   "title": "reg loss"},
                                  {"field": "share", "type": "quantitative", "format": ".1%",
                                   "title": "share of total"}]}},
        note_layer("label", "#7a4100"),
    ]
    spec = chart("Regularisation loss (own scale)", layers,
                 {"curves": curves, "label": label}, height=200 + NOTE_LINE)  # (a 2-line note)
    return overlays(spec, {k: v for k, v in y.items() if k != "field"}, ref=ref,
                    fields={"reg": {}}, cursor=cursor, points=points)


def accuracy_chart(epoch, accuracy, val_accuracy, *, points: int = FINAL_POINTS,
                   ref: dict | None = None, cursor: int | None = None) -> dict:
    """Training accuracy (measured with dropout on, like the notes) and validation accuracy."""
    epoch, accuracy, val_accuracy = thin(epoch, accuracy, val_accuracy, max_points=points)
    curves = table(epoch=epoch, train=accuracy, val=val_accuracy)
    names, colours = ["train", "validation"], [TRAIN_COLOUR, VAL_COLOUR]
    y = {"type": "quantitative", "title": "accuracy", "scale": {"domain": [0, 1]},
         "axis": {"format": ".0%", "tickCount": 5}}
    key, key_rows = legend(names, colours)
    layers = [
        {"data": {"name": "curves"},
         "mark": {"type": "line", "strokeWidth": 3, "color": colour, **dash},
         "encoding": {"x": x_epoch(), "y": {**y, "field": field}}}
        for field, colour, dash in (("train", TRAIN_COLOUR, {}),
                                    ("val", VAL_COLOUR, {"strokeDash": [7, 4]}))]
    spec = chart("Accuracy", [*layers, key], {"curves": curves, "legend": key_rows},
                 height=260)
    return overlays(spec, y, ref=ref, fields={"train": {}, "val": {"strokeDash": [7, 4]}},
                    cursor=cursor, points=points)


def lr_chart(epoch, learning_rate, *, points: int = FINAL_POINTS) -> dict:
    """The learning rate each epoch used: lr0 / (1 + decay * t)."""
    epoch, learning_rate = thin(epoch, learning_rate, max_points=points)
    layers = [{"mark": {"type": "line", "strokeWidth": 3, "color": LR_COLOUR},
               "encoding": {"x": x_epoch(),
                            "y": {"field": "lr", "type": "quantitative", "title": "learning rate",
                                  "scale": {"zero": True}, "axis": {"format": ".2~g"}},
                            "tooltip": [{"field": "epoch", "type": "quantitative",
                                         "format": ","},
                                        {"field": "lr", "type": "quantitative",
                                         "format": ".4g", "title": "learning rate"}]}}]
    return chart("Learning rate", layers, {"curves": table(epoch=epoch, lr=learning_rate)},
                 height=240, subtitle="lr₀ / (1 + decay·t)", data={"name": "curves"})


def weights_chart(edges: np.ndarray, counts: np.ndarray, exact_zero: float,
                  threshold: float, *, ref_counts: np.ndarray | None = None,
                  title: str = "Weights of the regularised layers") -> dict:
    """Histogram of weights on a symmetric-log x-axis: the centre bar is |w| < threshold (L1
    piles weights up there), L2 shrinks the outer bars towards it. `exact_zero` (NaN if not
    known, e.g. a replay snapshot) is the share of weights exactly 0; `ref_counts` a pinned
    run's histogram, drawn as grey outlines."""
    edges = np.asarray(edges, dtype=np.float64)
    counts = np.asarray(counts)
    total = max(int(counts.sum()), 1)
    bars = table(lo=edges[:-1], hi=edges[1:], count=counts, share=counts / total)
    label = table(text=[_weights_note(counts, exact_zero, threshold)])
    x = {"field": "lo", "type": "quantitative", "title": "weight value",
         "scale": {"type": "symlog", "constant": threshold, "domain": [-edges[-1], edges[-1]],
                   "nice": False},
         "axis": {"values": [-1, -0.1, -0.01, 0, 0.01, 0.1, 1], "format": "~g"}}
    y = {"field": "share", "type": "quantitative", "title": "share of weights",
         "axis": {"format": ".0%"}, "scale": {"zero": True}}
    layers = [
        {"data": {"name": "bars"}, "mark": {"type": "rect", "color": WEIGHT_COLOUR,
                                            "stroke": "white", "strokeWidth": 0.5},
         "encoding": {"x": x, "x2": {"field": "hi"}, "y": y,
                      "tooltip": [{"field": "lo", "title": "from", "format": ".3g",
                                   "type": "quantitative"},
                                  {"field": "hi", "title": "to", "format": ".3g",
                                   "type": "quantitative"},
                                  {"field": "count", "type": "quantitative"}]}},
        note_layer("label", "#3d2f73"),
    ]
    datasets = {"bars": bars, "label": label}
    if ref_counts is not None:
        datasets["ref"], outline = _ref_outline(edges, np.asarray(ref_counts), x, y)
        layers.append(outline)
    return chart(title, layers, datasets, height=240)


def _weights_note(counts: np.ndarray, exact_zero: float, threshold: float) -> str:
    """The line over the histogram: the share of weights in the centre bar (and exactly 0)."""
    near_zero = counts[len(counts) // 2] / max(int(counts.sum()), 1) if counts.sum() else math.nan
    exact = f" ({teaching.exact_zero_note(exact_zero)})" if np.isfinite(exact_zero) else ""
    return (f"{near_zero:.0%} of the weights have |w| < {threshold:g}{exact}"
            if np.isfinite(near_zero) else "no weights")


def _ref_outline(edges: np.ndarray, ref_counts: np.ndarray, x: dict, y: dict):
    """(dataset, layer) of a pinned run's histogram: grey bar outlines."""
    rows = table(lo=edges[:-1], hi=edges[1:], share=ref_counts / max(int(ref_counts.sum()), 1))
    return rows, {"data": {"name": "ref"},
                  "mark": {"type": "rect", "fill": None, "stroke": REF_COLOUR, "strokeWidth": 2},
                  "encoding": {"x": x, "x2": {"field": "hi"}, "y": y}}
