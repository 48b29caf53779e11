"""Plotly figures of a sweep's results: the U-curve (one varied field), the heatmap (two), from
nncore's per-point summary. Numbers in, plain dict figures out (ui.charts.common): no
Streamlit, no model, no plotly objects.

A sweep's field names and values may come from a user's spec (a link) or CSV: every string
they make goes through `plain` (titles, axis titles, legend names, hover labels); hover
templates refer to them through the trace's `meta` (`%{meta[0]}`), never inline, so that a
`%{...}` in one is not read as a template either.
"""

from __future__ import annotations

import math

import numpy as np

from nncore.sweep import SweepSpec

from .common import (
    BLACK,
    GREEN,
    NOTE_SIZE,
    REF_COLOUR,
    TRAIN_COLOUR,
    VAL_COLOUR,
    VAL_DASH,
    axis,
    figure,
    ints,
    note,
    nums,
    plain,
)

BEST_COLOUR = GREEN  # the lowest mean validation loss (Okabe-Ito's bluish green)
CHANCE_COLOUR = REF_COLOUR
BAND_OPACITY = 0.18
MAX_TICKS = 6


def _is_log(spec: SweepSpec, i: int = 0) -> bool:
    """A log axis for a log range, and for a list like 1e-5, 1e-3, 0.1 (it reads as a log range
    does); one with 0 cannot be on a log axis."""
    ax = spec.axes[i]
    lo, hi = min(ax.values), max(ax.values)
    return ax.kind == "log" or (ax.kind == "list" and lo > 0 and hi / lo >= 100)


def _field_axis(spec: SweepSpec, i: int = 0) -> dict:
    """The varied field's x axis: log or linear as `_is_log` says, from its lowest value to its
    highest (a little room each side for the markers), ticks at (at most MAX_TICKS of) the
    sweep's own values."""
    ax = spec.axes[i]
    log = _is_log(spec, i)
    values = np.asarray(ax.values, dtype=np.float64)
    ends = np.log10([values.min(), values.max()]) if log else np.array([values.min(),
                                                                      values.max()])
    pad = 0.04 * (ends[1] - ends[0]) if ends[1] > ends[0] else 0.5
    ticks = list(ax.values)[::math.ceil(len(ax.values) / MAX_TICKS)]
    return axis(ax.field, type="log" if log else "linear",
                range=nums([ends[0] - pad, ends[1] + pad]), tickvals=nums(ticks, 12),
                ticktext=[plain(f"{v:.3g}") for v in ticks])


def _column(summary: list[dict], name: str) -> np.ndarray:
    return np.array([e[name] for e in summary], dtype=np.float64)


def lowest_val_loss(summary: list[dict]) -> int | None:
    """Index in `summary` of the point of lowest mean validation loss (the one the charts mark,
    whatever metric they draw), or None before any run there finished."""
    val_loss = _column(summary, "val_loss_mean") if summary else np.zeros(0)
    return int(np.nanargmin(val_loss)) if np.isfinite(val_loss).any() else None


def u_curve(spec: SweepSpec, summary: list[dict], *, metric: str = "loss",
            classes: int = 3) -> dict:
    """Training and validation `metric` ("loss" or "accuracy") against the varied field: the
    mean over seeds at each point (a line through markers), a band from the lowest to the
    highest seed; the point of lowest mean validation loss marked (a diamond and a note); for
    the loss, chance level ln(classes) as a dotted grey line."""
    field = spec.axes[0].field
    x = np.array([e[field] for e in summary], dtype=np.float64)
    runs = _column(summary, "completed") if summary else np.zeros(0)
    loss = metric == "loss"
    y_title = f"{metric} (mean over seeds)"
    traces = []
    for name, column, colour, dash in (("training", metric, TRAIN_COLOUR, "solid"),
                                       ("validation", f"val_{metric}", VAL_COLOUR, VAL_DASH)):
        mean, low, high = (_column(summary, f"{column}_{s}") if summary else np.zeros(0)
                           for s in ("mean", "min", "max"))
        traces += [_band(name, x, low, high, colour),
                   _means(name, field, x, mean, low, high, runs, colour, dash, percent=not loss)]
    notes = []
    best = lowest_val_loss(summary)
    if best is not None:
        chosen = _column(summary, f"val_{metric}_mean")[best]
        traces.append({
            "type": "scatter", "mode": "markers", "name": "lowest mean val loss",
            "x": nums([x[best]], 12), "y": nums([chosen]), "showlegend": False,
            "cliponaxis": False, "meta": [plain(field)],
            "marker": {"symbol": "diamond-open", "size": 20, "color": BEST_COLOUR,
                       "line": {"width": 3, "color": BEST_COLOUR}},
            "hovertemplate": "lowest mean val loss<br>%{meta[0]} = %{x:.3g}<extra></extra>"})
        notes.append(note(f"◆ lowest mean val loss at {field}={x[best]:.3g}", BEST_COLOUR,
                          font={"size": NOTE_SIZE, "color": BEST_COLOUR, "weight": 600}))
    subtitle = [f"band: lowest to highest of {spec.seeds} seeds"]
    if loss:
        chance = math.log(classes)
        lo, hi = min(spec.axes[0].values), max(spec.axes[0].values)
        traces.append({
            "type": "scatter", "mode": "lines", "name": "chance", "showlegend": False,
            "x": nums([lo, hi], 12), "y": nums([chance]) * 2, "hoverinfo": "skip",
            "line": {"color": CHANCE_COLOUR, "width": 2, "dash": "dot"}})
        subtitle.append(f"grey: chance, ln {classes} = {chance:.2f}")
    y_axis = (axis(y_title, rangemode="tozero") if loss else
              axis(y_title, range=[0, 1], tickformat=".0%"))
    return figure(f"{'Loss' if loss else 'Accuracy'} against {field}", traces, height=330,
                  subtitle=subtitle, notes=notes, xaxis=_field_axis(spec), yaxis=y_axis,
                  hovermode="closest")


def _band(name: str, x: np.ndarray, low: np.ndarray, high: np.ndarray, colour: str) -> dict:
    """The band from the lowest to the highest seed at each point with a finished run (one
    closed shape: along the highest values, back along the lowest)."""
    done = np.isfinite(low) & np.isfinite(high)
    xs, lo, hi = x[done], low[done], high[done]
    return {"type": "scatter", "mode": "lines", "name": f"{name}: lowest to highest seed",
            "x": nums(np.r_[xs, xs[::-1]], 12), "y": nums(np.r_[hi, lo[::-1]]),
            "fill": "toself", "fillcolor": colour, "opacity": BAND_OPACITY,
            "line": {"width": 0, "color": colour}, "hoverinfo": "skip", "showlegend": False,
            "legendgroup": name}


def _means(name: str, field: str, x: np.ndarray, mean: np.ndarray, low: np.ndarray,
           high: np.ndarray, runs: np.ndarray, colour: str, dash: str, *,
           percent: bool) -> dict:
    """The mean over seeds at each point (a marker; the line joins them over a point with no
    finished run yet), its hover: the field's value, the mean, lowest and highest seed."""
    f = ".1%" if percent else ".3f"
    return {"type": "scatter", "mode": "lines+markers", "name": name, "legendgroup": name,
            "x": nums(x, 12), "y": nums(mean), "connectgaps": True, "cliponaxis": False,
            "customdata": [[lo, hi, n] for lo, hi, n in zip(
                nums(low), nums(high), ints(np.nan_to_num(runs)), strict=True)],
            "line": {"color": colour, "width": 3, "dash": dash},
            "marker": {"color": colour, "size": 9}, "meta": [plain(field)],
            "hovertemplate": (f"{name}<br>%{{meta[0]}} = %{{x:.3g}}<br>mean %{{y:{f}}}"
                              f"<br>lowest seed %{{customdata[0]:{f}}}"
                              f"<br>highest seed %{{customdata[1]:{f}}}"
                              "<br>runs done %{customdata[2]}<extra></extra>")}


def _labels(values) -> list[str]:
    """The axis values as short category labels (3 significant digits, more if two would read
    the same: a category axis would put them in one cell)."""
    for digits in range(3, 18):
        labels = [f"{float(v):.{digits}g}" for v in values]
        if len(set(labels)) == len(labels):
            return labels
    return [repr(float(v)) for v in values]


def heatmap(spec: SweepSpec, summary: list[dict], *, metric: str = "val_loss") -> dict:
    """Mean `metric` over seeds at each point of a two-field grid, written in its cell (cells
    fill in as they finish; a colour scale bright where the metric is good: reversed for a
    loss), the cell of lowest mean validation loss outlined."""
    (a, b) = spec.axes
    accuracy = "accuracy" in metric
    col = {v: i for i, v in enumerate(a.values)}
    row = {v: j for j, v in enumerate(b.values)}
    z = [[math.nan] * len(a.values) for _ in b.values]
    where = []  # (row, column) of each summary entry
    for e in summary:
        j, i = row.get(e[b.field]), col.get(e[a.field])
        where.append((j, i))
        if i is not None and j is not None:
            z[j][i] = float(e[f"{metric}_mean"])
    text = [["" if not math.isfinite(v) else f"{v:.0%}" if accuracy else f"{v:.3f}"
             for v in values] for values in z]
    x_labels, y_labels = _labels(a.values), _labels(b.values)
    drawn = any(math.isfinite(v) for values in z for v in values)
    trace = {
        "type": "heatmap", "x": x_labels, "y": y_labels, "z": [nums(values) for values in z],
        "text": text, "texttemplate": "%{text}", "textfont": {"size": NOTE_SIZE},
        "colorscale": "Viridis" if accuracy else "Cividis", "reversescale": not accuracy,
        "showscale": drawn, "xgap": 2, "ygap": 2, "hoverongaps": False,
        "colorbar": {"title": {"text": plain(metric), "side": "right"}, "thickness": 14,
                     "tickformat": ".0%" if accuracy else ".3~f", "outlinewidth": 0},
        "meta": [plain(a.field), plain(b.field), plain(metric)],
        "hovertemplate": ("%{meta[0]} = %{x}<br>%{meta[1]} = %{y}<br>"
                          "mean %{meta[2]}: %{text}<extra></extra>")}
    shapes = []
    best = lowest_val_loss(summary)
    if best is not None and None not in where[best]:
        j, i = where[best]
        # white under black: the outline shows on the darkest cell and on the brightest
        shapes = [{"type": "rect", "xref": "x", "yref": "y", "x0": i - 0.5, "x1": i + 0.5,
                   "y0": j - 0.5, "y1": j + 0.5, "layer": "above",
                   "line": {"color": colour, "width": width}}
                  for colour, width in (("#ffffff", 7), (BLACK, 3))]
    cells = {"showgrid": False, "type": "category", "ticks": ""}
    return figure(f"Mean {metric.replace('_', ' ')} over seeds", [trace],
                  height=max(240, 46 * len(b.values) + 110), legend=False,
                  subtitle="outlined: the lowest mean val loss",
                  xaxis=axis(a.field, **cells, categoryorder="array", categoryarray=x_labels),
                  yaxis=axis(b.field, **cells, categoryorder="array", categoryarray=y_labels),
                  shapes=shapes)
