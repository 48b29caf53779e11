"""Decision-region chart (Plotly): the predicted class on a grid of cells (colour = class,
intensity = confidence) with the training and validation points on top. Takes arrays, never a
model or Streamlit, and returns a plain dict figure (see ui.charts.common).

The cells are ONE image (a Plotly `image` trace whose source is a PNG made here, ui.charts.png),
not thousands of marks: a 100 x 100 grid is one small PNG placed over the box it tiles.
"""

from __future__ import annotations

import numpy as np

from workers import recorder
from workers.thinning import thin

from . import common, png
from .common import AXIS_BOTTOM, axis, figure, nums

CLASS_COLOURS = common.CLASS_COLOURS  # (other modules import the class colours from here)
MAX_POINTS_SHOWN = 3000  # per set; big uploads are thinned for drawing only
LIGHTEST, DARKEST = 0.88, 0.35  # share of white mixed in at lowest / highest confidence
LEVELS = recorder.LEVELS  # confidence steps per class colour
PLOT_MAX = 600  # px: the square plot's largest side asked for (the default `height`)
# The plot's side as drawn (px): a Plotly figure has a fixed height, so the plot is this high
# and as wide (yaxis.scaleanchor keeps one unit of x1 as long as one of x2: in a column
# narrower than this the plot is as wide as the column and square, with room left under it;
# in a wider one, room beside it). About the plot's width in the regions' column at 1280 x 720
# (sidebar collapsed); narrow: one of two maps side by side there (a pinned run's and this).
SIDE, NARROW_SIDE = 320, 190
# px left of the square plot for the x2 axis (its title and tick labels; narrow: three short
# ticks), the plot's left margin: the rest of the column's width is the plot's side
# (static/lab-chart.js fits it)
Y_AXIS_ROOM, NARROW_Y_AXIS_ROOM = 68, 56
X_AXIS_ROOM = AXIS_BOTTOM  # px under the plot: the x1 axis' ticks, tick labels and title
THUMB_TOP = 26    # px over a thumbnail's plot: its title, at THUMB_TITLE_SIZE
THUMB_TITLE_SIZE = 14
# The points: training dots (white outline), validation diamonds lighter and smaller (there
# are often many more of them); (size px, opacity) drawn, and in a thumbnail.
SYMBOLS = {"training": "circle", "validation": "diamond"}
SIZES = {"training": 10, "validation": 7}
THUMB_SIZES = {"training": 5, "validation": 3.5}
OPACITIES = {"training": 1.0, "validation": 0.6}
KIND_COLOUR = "#59606b"  # the kinds' legend symbols (no class)
ROW_PX = 26  # a row of the legend (page text over the plot: ui/chart.js)


def _mix(hex_colour: str, white: float) -> str:
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
    r, g, b = np.round(rgb * (1 - white) + 255 * white).astype(int)
    return f"#{r:02x}{g:02x}{b:02x}"


def class_colour(k: int) -> str:
    return CLASS_COLOURS[k % len(CLASS_COLOURS)]


def cell_palette(classes: int) -> list[str]:
    """Colour of cell code k * LEVELS + level: class k's colour, pale (level 0: a coin toss)
    to strong (level LEVELS - 1: certain)."""
    whites = np.linspace(LIGHTEST, DARKEST, LEVELS)
    return [_mix(class_colour(k), w) for k in range(classes) for w in whites]


def cell_codes(probs: np.ndarray) -> np.ndarray:
    """(res, res, K) probabilities -> (res, res) codes winner * LEVELS + confidence level.

    Confidence rescales the winning probability from 1/K (a coin toss) to 1 (certain)."""
    return recorder.codes(probs)


def cells_png(codes: np.ndarray, classes: int) -> bytes:
    """The PNG of the cells: pixel (r, c) is cell codes[r, c] in its cell_palette colour (an
    indexed PNG: the codes are the pixels). Row 0 is the cells' row 0, the LOWEST x2: plotly.js
    draws an image's first row at y0 and the next ones a dy further, so on an upward y-axis
    (dy > 0) row 0 is at the bottom. (Its fast path, used wherever the browser can render
    pixelated images, even flips a source image to the bottom-up order when dy < 0: checked in
    Chromium, tests/ui/test_regions_chart.py.)"""
    codes = np.asarray(codes)
    top = int(codes.max()) // LEVELS + 1 if codes.size else 1
    palette = cell_palette(max(int(classes), top))[:256]
    return png.encode(np.clip(codes, 0, len(palette) - 1).astype(np.uint8),
                      png.rgb(palette))


def cells_trace(codes: np.ndarray, bounds, classes: int) -> dict:
    """The cells as one `image` trace tiling `bounds` exactly: codes[i, j] (i along x2, j along
    x1) is the cell [x_lo + j dx, x_lo + (j + 1) dx] x [y_lo + i dy, y_lo + (i + 1) dy];
    x0 / y0 are the first cell's centre (where nncore.grid sampled it)."""
    (x_lo, y_lo), (x_hi, y_hi) = (map(float, corner) for corner in bounds)
    rows, cols = np.shape(codes)[:2]
    dx, dy = (x_hi - x_lo) / cols, (y_hi - y_lo) / rows
    return {"type": "image", "name": "regions", "uid": "cells",
            "source": png.data_uri(cells_png(codes, classes)),
            "x0": x_lo + dx / 2, "y0": y_lo + dy / 2, "dx": dx, "dy": dy, "hoverinfo": "skip"}


def _points(X, y, X_val, y_val, show_train: bool, show_val: bool
            ) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(kind, points (n, 2), labels (n,)) of each set drawn, thinned to MAX_POINTS_SHOWN."""
    out = []
    for kind, points, labels, shown in (("training", X, y, show_train),
                                        ("validation", X_val, y_val, show_val)):
        if not shown or points is None or labels is None:
            continue
        labels, points = thin(np.asarray(labels), np.asarray(points, dtype=np.float64),
                              max_points=MAX_POINTS_SHOWN, keep_last=False)
        out.append((kind, points.reshape(-1, 2), labels.astype(np.int64).ravel()))
    return out


def _point_traces(sets, compact: bool) -> list[dict]:
    """One scatter trace per (set, class), training first (validation on top), in the class's
    legend group. Every trace of
    the figure has a `uid`: under one uirevision (ui/canvas.py) Plotly.react keeps a trace
    hidden from the legend by its uid, not its place in the list (which moves when a set is
    shown or hidden)."""
    sizes = THUMB_SIZES if compact else SIZES
    traces = []
    for kind, points, labels in sets:
        for k in np.unique(labels).tolist():
            mine = points[labels == k]
            line = ({"color": "#ffffff", "width": 0.6 if compact else 1}
                    if kind == "training" else {"width": 0})
            traces.append({
                "type": "scatter", "mode": "markers", "name": f"{kind}, class {k}",
                "uid": f"{kind}-{k}",  # (letters, digits, "-": see diagram.SIGN_UIDS)
                "x": nums(mine[:, 0]), "y": nums(mine[:, 1]),
                "legendgroup": f"class {k}", "showlegend": False,
                "marker": {"color": class_colour(k), "symbol": SYMBOLS[kind],
                           "size": sizes[kind], "opacity": OPACITIES[kind], "line": line},
                "hovertemplate": (f"{kind} point, class {k}<br>x₁ %{{x:.2f}}<br>"
                                  "x₂ %{y:.2f}<extra></extra>")})
    return traces




MARKS = {"training": "●", "validation": "◆"}  # the kinds' symbols in the page-text legend










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


def decision_chart(bounds, probs, X=None, y=None, X_val=None, y_val=None, *, classes: int,
                   codes: np.ndarray | None = None,
                   show_train: bool = True, show_val: bool = True, height: int = PLOT_MAX,
                   title: str = "Decision regions", compact: bool = False,
                   narrow: bool = False) -> dict:
    """Cells of `probs` (res, res, K: probs[i, j] is cell j along x1, i along x2) tiling
    `bounds` = ((x1 low, x2 low), (x1 high, x2 high)), plus training dots and validation
    diamonds (lighter and smaller: there are often many more of them).

    The plot is square (yaxis.scaleanchor: one unit of x1 as long as one of x2) and
    min(`height`, SIDE) px high (NARROW_SIDE when `narrow`); the axes cover the bounds and
    every point. The figure adds the title and legends over the plot and the x1 axis under it.

    `probs` None (a model that diverged before any finite prediction) draws the points only.
    `compact`: a thumbnail `height` px high in all (no axes, no legend, small points), e.g.
    one of a sweep's grid. `narrow`: one of two charts side by side (a pinned run's beside the
    current one): the legends one under the other, a smaller plot, fewer ticks.
    `codes`: the cells already as cell_codes (a replay snapshot), instead of `probs`.
    """
    if codes is None and probs is not None:
        codes = cell_codes(probs)
    sets = _points(X, y, X_val, y_val, show_train, show_val)
    labels = [int(lab.max()) + 1 for _, _, lab in sets if lab.size]
    classes = max([int(classes), *labels])
    traces = [cells_trace(codes, bounds, classes)] if codes is not None else []
    traces += _point_traces(sets, compact)
    (ax_lo, ay_lo), (ax_hi, ay_hi) = _extent(bounds, X, X_val)  # (hidden sets too: the axes
    # stay put when a set is shown or hidden)
    ticks = 3 if narrow else 5
    x_axis = axis(None if compact else "x₁", range=[ax_lo, ax_hi], nticks=ticks,
                  constrain="domain", constraintoward="left", showgrid=False)
    y_axis = axis(None if compact else "x₂", range=[ay_lo, ay_hi], nticks=ticks,
                  scaleanchor="x", scaleratio=1, constrain="domain", constraintoward="top",
                  showgrid=False)
    subtitle = None if codes is not None else "none drawn: the model diverged"
    keep = {"hovermode": "closest"}
    if compact:
        fig = figure(title, traces, height=int(height), legend=False, top=THUMB_TOP,
                     subtitle=subtitle, **keep,
                     margin={"l": 4, "r": 4, "t": THUMB_TOP + (18 if subtitle else 0), "b": 4},
                     xaxis={**x_axis, "visible": False}, yaxis={**y_axis, "visible": False})
        fig["layout"]["title"]["font"]["size"] = THUMB_TITLE_SIZE
        return fig

    kinds = [kind for kind, _, _ in sets]
    head = 34 + 20 * (1 if subtitle else 0)  # px over the legend: the title, the subtitle
    top = head + ROW_PX * (1 + (classes + len(kinds)) // (3 if narrow else 6))
    side = max(min(int(height), NARROW_SIDE if narrow else SIDE), 60)
    fig_height = side + top + X_AXIS_ROOM
    # The legend is page text over the plot (meta.legend, drawn by ui/chart.js: it wraps into
    # rows in a narrow column, where Plotly's legend became a scrolled list over a tiny plot);
    # the component fits the square plot to its column (meta.square), up to `height` px.
    legend = [{"text": f"class {k}", "symbol": "■", "color": class_colour(k)}
              for k in range(classes)]
    legend += [{"text": kind, "symbol": MARKS[kind], "color": KIND_COLOUR} for kind in kinds]
    fig = figure(title, traces, height=fig_height, subtitle=subtitle, top=top, legend=False,
                 xaxis=x_axis, yaxis=y_axis, **keep,
                 left=NARROW_Y_AXIS_ROOM if narrow else Y_AXIS_ROOM, bottom=X_AXIS_ROOM, right=12,
                 meta={"square": {"max": int(height), "below": X_AXIS_ROOM},
                       "legend": legend})
    return fig
