"""Decision-region chart (Vega-Lite): the predicted class on a grid of cells (colour = class,
intensity = confidence) with the training and validation points on top. Takes arrays, never a
model or Streamlit; see ui.charts.common for why Vega-Lite and why the spec is fixed during a
run."""

from __future__ import annotations

import numpy as np

from workers import recorder
from workers.thinning import thin

from .common import chart, table

CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
MAX_POINTS_SHOWN = 3000  # per set; big uploads are thinned for drawing only
LIGHTEST, DARKEST = 0.88, 0.35  # share of white mixed in at lowest / highest confidence
LEVELS = recorder.LEVELS  # confidence steps per class colour
PLOT_MAX = 600  # px: the square plot's largest side (a wide column at 1920 x 1080)


def _mix(hex_colour: str, white: float) -> str:
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
    r, g, b = np.round(rgb * (1 - white) + 255 * white).astype(int)
    return f"#{r:02x}{g:02x}{b:02x}"


def cell_palette(classes: int) -> list[str]:
    """Colour of cell code k * LEVELS + level: class k's colour, pale (level 0: a coin toss)
    to strong (level LEVELS - 1: certain)."""
    whites = np.linspace(LIGHTEST, DARKEST, LEVELS)
    return [_mix(CLASS_COLOURS[k % len(CLASS_COLOURS)], w) for k in range(classes) for w in whites]


def cell_codes(probs: np.ndarray) -> np.ndarray:
    """(res, res, K) probabilities -> (res, res) codes winner * LEVELS + confidence level.

    Confidence rescales the winning probability from 1/K (a coin toss) to 1 (certain)."""
    return recorder.codes(probs)


def _points(X, y, X_val, y_val, show_train: bool, show_val: bool):
    parts = [(X, y, "training", show_train), (X_val, y_val, "validation", show_val)]
    xs, ks, kinds = [np.zeros((0, 2))], [np.zeros(0, dtype=np.int64)], []
    for points, labels, kind, shown in parts:
        if not shown or points is None:
            continue
        labels, points = thin(np.asarray(labels), np.asarray(points),
                              max_points=MAX_POINTS_SHOWN, keep_last=False)
        xs.append(points)
        ks.append(labels.astype(np.int64))
        kinds += [kind] * len(labels)
    both = np.vstack(xs)
    return table(x1=both[:, 0], x2=both[:, 1], k=np.concatenate(ks), kind=np.array(kinds, str))


def decision_chart(bounds, probs, X=None, y=None, X_val=None, y_val=None, *, classes: int,
                   codes: np.ndarray | None = None,
                   show_train: bool = True, show_val: bool = True, height: int = PLOT_MAX,
                   title: str = "Decision regions", compact: bool = False,
                   narrow: bool = False) -> dict:
    """Cells of `probs` (res, res, K: probs[i, j] is cell j along x1, i along x2) tiling
    `bounds` = ((x1 low, x2 low), (x1 high, x2 high)), plus training dots and validation
    diamonds (lighter and smaller: there are often many more of them).

    The plot is square, as wide as the column and as tall as it is wide up to `height` px
    (nncore.grid's box is square: the cells fill it); the axes cover the bounds and every
    point, with one unit of x1 as long as one of x2.

    `probs` None (a model that diverged before any finite prediction) draws the points only.
    `compact`: a thumbnail (no axes, no legend, small points), e.g. one of a sweep's grid.
    `narrow`: one of two charts side by side (a pinned run's beside the current one): the
    legends one under the other, so that they fit under a plot half as wide.
    `codes`: the cells already as cell_codes (a replay snapshot), instead of `probs`.
    """
    (x_lo, y_lo), (x_hi, y_hi) = (map(float, corner) for corner in bounds)  # (plain floats:
    # they are written into the spec's expressions)
    if codes is None and probs is not None:
        codes = cell_codes(probs)
    x_span, y_span = x_hi - x_lo, y_hi - y_lo
    (ax_lo, ay_lo), (ax_hi, ay_hi) = _extent(bounds, X, X_val)
    ax_span, ay_span = ax_hi - ax_lo, ay_hi - ay_lo
    ticks = {"tickCount": 3 if narrow else 5}
    x_scale = _equal_aspect((ax_lo + ax_hi) / 2,
                            f"max({ax_span!r}, {ay_span!r} * width / height)")
    y_scale = _equal_aspect((ay_lo + ay_hi) / 2,
                            f"max({ay_span!r}, {ax_span!r} * height / width)")
    x_axis = {"type": "quantitative", "title": "x₁", "scale": x_scale,
              "axis": {**X_AXIS, **ticks}}
    y_axis = {"type": "quantitative", "title": "x₂", "scale": y_scale,
              "axis": {**Y_AXIS, **ticks, **(NARROW_Y_AXIS if narrow else {})}}
    legend_columns = min(classes, 3 if narrow else 5)  # (4 were cut at 1280 x 720, pinned)
    layers = [_cell_layer(x_lo, y_lo, x_span, y_span, x_axis, y_axis, classes),
              _point_layer(x_axis, y_axis, classes, legend_columns)]
    # Why not one image of the cells (far cheaper to draw): the browser decodes each new image
    # before painting it, and the regions blinked out for a moment at every live redraw.
    spec = chart(title, layers, {"cells": _cells(codes),
                                 "points": _points(X, y, X_val, y_val, show_train, show_val)},
                 height=height, resolve={"scale": {"color": "independent"}},
                 subtitle=None if codes is not None else "none drawn: the model diverged",
                 **square_plot(height))
    if narrow:  # the two legends one under the other
        spec["config"]["legend"] = {**spec["config"]["legend"], "layout": {
            "expr": "{bottom: {direction: 'vertical', anchor: 'start', margin: 6}}"}}
    return _compact(spec) if compact else spec


# The plot's height follows its width, so its width must not depend on its height (Vega would
# lay the chart out again and again): the x2 axis keeps a fixed width whatever its labels, and
# the first and last x1 labels stay inside the plot. A narrow chart (half a column at 1280 x
# 720) has 3 ticks an axis (-1, 0, 1: short labels) and a narrower x2 axis.
X_AXIS = {"labelFlush": True}
Y_AXIS = {"minExtent": 46, "maxExtent": 46}
NARROW_Y_AXIS = {"minExtent": 30, "maxExtent": 30}


def square_plot(largest: int) -> dict:
    """Spec entries that make the plot as tall as it is wide (at most `largest` px): the width
    fits the column (Streamlit sets it), the height follows it (a signal; Vega merges a
    "height" parameter into its own height signal), and title, axes and legends are added
    around the plot ("fit-x": only the width is fitted)."""
    return {"autosize": {"type": "fit-x", "contains": "padding"},
            "params": [{"name": "height", "expr": f"max(min(width, {int(largest)}), 10)"}]}


def _extent(bounds, X, X_val) -> tuple[tuple[float, float], tuple[float, float]]:
    """((x1 low, x2 low), (x1 high, x2 high)) covering `bounds` and every finite point of X
    and X_val (the axes' box: a point outside the cells' bounds is still on the plot)."""
    (x_lo, y_lo), (x_hi, y_hi) = (map(float, corner) for corner in bounds)
    parts = [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in (X, X_val)
             if p is not None and len(p)]
    points = np.vstack([np.array([[x_lo, y_lo], [x_hi, y_hi]]), *parts])
    points = points[np.all(np.isfinite(points), axis=1)]
    lo, hi = points.min(axis=0), points.max(axis=0)
    return (float(lo[0]), float(lo[1])), (float(hi[0]), float(hi[1]))


def _cells(codes: np.ndarray | None):
    """The "cells" dataset: row i, column j, code c of each cell of the n x n grid (no rows
    when there are no codes)."""
    if codes is None:
        return table(i=np.zeros(0, np.int16), j=np.zeros(0, np.int16), c=np.zeros(0, np.int16),
                     n=np.zeros(0, np.int16))
    res = codes.shape[0]
    jj, ii = np.meshgrid(np.arange(res, dtype=np.int16), np.arange(res, dtype=np.int16))
    return table(i=ii.ravel(), j=jj.ravel(), c=codes.ravel().astype(np.int16),
                 n=np.full(res * res, res, np.int16))


def _cell_layer(x_lo: float, y_lo: float, x_span: float, y_span: float, x_axis: dict,
                y_axis: dict, classes: int) -> dict:
    """The cells: cell (i, j) of an n x n grid tiling the bounds (nncore.grid), placed from
    its indices, so the resolution (live 60, final 100) is data, not spec."""
    palette = cell_palette(classes)
    return {"data": {"name": "cells"}, "mark": {"type": "rect", "strokeWidth": 0},
            "transform": [
                {"calculate": f"{x_lo!r} + datum.j * {x_span!r} / datum.n", "as": "x"},
                {"calculate": f"datum.x + {x_span!r} / datum.n", "as": "x_end"},
                {"calculate": f"{y_lo!r} + datum.i * {y_span!r} / datum.n", "as": "y"},
                {"calculate": f"datum.y + {y_span!r} / datum.n", "as": "y_end"}],
            "encoding": {
                "x": {**x_axis, "field": "x"}, "x2": {"field": "x_end"},
                "y": {**y_axis, "field": "y"}, "y2": {"field": "y_end"},
                "color": {"field": "c", "type": "ordinal", "legend": None,
                          "scale": {"domain": list(range(len(palette))), "range": palette}}}}


def _point_layer(x_axis: dict, y_axis: dict, classes: int, legend_columns: int) -> dict:
    """The points (dataset "points"): colour = class, shape, size and opacity = kind (training
    dots, validation diamonds), each with its legend under the chart."""
    kinds = {"field": "kind", "type": "ordinal"}
    return {"data": {"name": "points"},
            "mark": {"type": "point", "filled": True, "strokeWidth": 1.2},
            "encoding": {
                "x": {**x_axis, "field": "x1"},
                "y": {**y_axis, "field": "x2"},
                **_point_legends(classes, legend_columns),
                "size": {**kinds, "scale": {"domain": ["training", "validation"],
                                            "range": [90, 36]}},
                "opacity": {**kinds, "scale": {"domain": ["training", "validation"],
                                               "range": [1, 0.6]}},
                "stroke": {"condition": {"test": "datum.kind == 'training'", "value": "white"},
                           "value": None},
                "tooltip": [{"field": "kind", "title": "point"},
                            {"field": "k", "title": "class"},
                            {"field": "x1", "title": "x₁", "format": ".2f",
                             "type": "quantitative"},
                            {"field": "x2", "title": "x₂", "format": ".2f",
                             "type": "quantitative"}]}}


def _point_legends(classes: int, legend_columns: int) -> dict:
    """The points' colour (class, in `legend_columns`) and shape (kind) encodings, each with
    its legend."""
    return {
        "color": {"field": "k", "type": "nominal", "title": "class",
                  "scale": {"domain": list(range(classes)),
                            "range": [CLASS_COLOURS[k % len(CLASS_COLOURS)]
                                      for k in range(classes)]},
                  "legend": {"orient": "bottom", "symbolType": "circle",
                             "columns": legend_columns}},
        "shape": {"field": "kind", "type": "nominal", "title": None,
                  "scale": {"domain": ["training", "validation"],
                            "range": ["circle", "diamond"]},
                  "legend": {"orient": "bottom", "symbolFillColor": "#59606b",
                             "symbolStrokeColor": "#59606b", "columns": 1}}}


def _compact(spec: dict) -> dict:
    """`spec` as a thumbnail: no axes, no legends, a smaller title and smaller points."""
    spec["config"] = {**spec["config"], "title": {**spec["config"]["title"], "fontSize": 14}}
    for layer in spec["layer"]:
        for channel in ("x", "y"):
            layer["encoding"][channel] = {**layer["encoding"][channel], "axis": None}
    encoding = spec["layer"][1]["encoding"]
    for channel in ("color", "shape", "size", "opacity"):
        encoding[channel] = {**encoding[channel], "legend": None}
    encoding["size"]["scale"]["range"] = [22, 9]
    return spec


def _equal_aspect(middle: float, span: str) -> dict:
    """A scale around `middle` as wide as the expression `span`: the wider of the grid's own
    span and the other axis's span times the plot's aspect, so one unit of x1 is as long on
    screen as one of x2 (circles stay round), whatever the chart's width."""
    return {"domainMin": {"expr": f"{middle!r} - {span} / 2"},
            "domainMax": {"expr": f"{middle!r} + {span} / 2"}, "nice": False, "zero": False}
