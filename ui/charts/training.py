"""Plotly figures of the training curves (loss split, reg loss, accuracy, learning rate) and of
the weight histogram; they take numbers (arrays), never a model or Streamlit, and return plain
dicts (see ui.charts.common: no plotly objects, JSON as it stands).

Heights: each builder's PLOT height is the plot's own (as the Vega-Lite charts had it: their
`height` was the plot's); the figure adds its title, legend and notes over it and the x-axis
under it (`_sized`).
"""

from __future__ import annotations

import math

import numpy as np

from workers.thinning import thin

from .. import teaching
from .common import (
    AXIS_BOTTOM,
    CURSOR_COLOUR,
    DATA_COLOUR,
    LR_COLOUR,
    NOTE_SIZE,
    REF_COLOUR,
    REG_COLOUR,
    TOTAL_COLOUR,
    TRAIN_COLOUR,
    VAL_COLOUR,
    VAL_DASH,
    WEIGHT_COLOUR,
    axis,
    epoch_axis,
    figure,
    ints,
    note,
    nums,
)

# Records drawn per series: long runs are thinned (every k-th record, the last kept). The
# browser's cost per live redraw grows with the points; a finished run is drawn once, with
# more detail.
LIVE_POINTS, FINAL_POINTS = 500, 1500
# The y-axis of the loss chart ends a little above the run's typical values (the first epoch's
# loss, or this quantile of all of them), so one of Adam's spikes does not squash the curves;
# values above are drawn cut off at the top edge (their true value is in the hover).
ROBUST_QUANTILE = 0.99
HEADROOM = 1.1
LOG_FLOOR = 1e-6  # lowest loss drawn on the log scale (a loss of exactly 0 has no logarithm)

# Plot heights (px), the plot alone; and the room under a plot for the epoch axis (ticks, tick
# labels at TICK_SIZE, its title at LABEL_SIZE: the figures' bottom margin).
# (The loss plot: its chart lies wholly on a 1280 x 720 projector's first screen, under the
# preset's story, the controls and the cards.)
LOSS_PLOT, REG_PLOT, ACCURACY_PLOT, LR_PLOT, WEIGHTS_PLOT = 160, 200, 260, 240, 240
X_AXIS_ROOM = AXIS_BOTTOM
# The accuracy axis' top, a little over 100%: a run at 100% is not drawn on the plot's edge,
# and the "100%" label lies within the plot's height (on the edge it pushed the top margin:
# Plotly drew the chart a second time).
ACCURACY_TOP = 1.05
# Notes' colours: darker shades of the series' own (orange and purple text is hard to read).
REG_NOTE_COLOUR, WEIGHT_NOTE_COLOUR = "#7a4100", "#3d2f73"
REF_NAME = "pinned run"
# The weight axis' ticks (weights; drawn on a symmetric-log scale, see _symlog).
WEIGHT_TICKS = (-1.0, -0.1, -0.01, 0.0, 0.01, 0.1, 1.0)


def _rgba(colour: str, alpha: float) -> str:
    """"#rrggbb" at opacity `alpha`, as Plotly's fillcolor wants it."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:g})"


def _sized(fig: dict, plot: int) -> dict:
    """`fig` made tall enough for a `plot` px high plot under its title, legend and notes (the
    top margin figure() worked out) and over the epoch axis."""
    fig["layout"]["height"] = plot + fig["layout"]["margin"]["t"] + X_AXIS_ROOM
    return fig


def _line(x, y, *, name: str, colour: str, width: float = 3, dash: str | None = None,
          **extra) -> dict:
    return {"type": "scatter", "mode": "lines", "x": x, "y": y, "name": name,
            "line": {"color": colour, "width": width, **({"dash": dash} if dash else {})},
            **extra}


def _cursor(cursor: int | None) -> list[dict]:
    """The replay cursor: a vertical line over the whole plot at epoch `cursor` (none at the
    end of a run)."""
    if cursor is None:
        return []
    return [{"type": "line", "xref": "x", "yref": "paper", "x0": int(cursor), "x1": int(cursor),
             "y0": 0, "y1": 1, "layer": "above",
             "line": {"color": CURSOR_COLOUR, "width": 2}}]


def _ref_lines(ref: dict | None, fields: dict[str, tuple[str, str | None]], *, points: int,
               clip=None, fmt: str = ".4f") -> list[dict]:
    """A pinned run's curves, faint grey: `fields` maps a column of `ref` (a dict of full-length
    arrays with an "epoch") to (its words in the hover, its dash); one legend entry, "pinned
    run", for them all (one click hides them). `clip` cuts the values as the current run's."""
    if ref is None:
        return []
    names = list(fields)
    epoch, *columns = thin(np.asarray(ref["epoch"]), *(np.asarray(ref[n], dtype=np.float64)
                                                       for n in names), max_points=points)
    x = ints(epoch)
    out = []
    for i, (name, values) in enumerate(zip(names, columns, strict=True)):
        words, dash = fields[name]
        drawn = clip(values) if clip is not None else values
        out.append(_line(x, nums(drawn), name=REF_NAME, colour=REF_COLOUR, width=2, dash=dash,
                         opacity=0.7, legendgroup="ref", showlegend=i == 0,
                         customdata=nums(values),
                         hovertemplate=f"pinned {words} %{{customdata:{fmt}}}<extra></extra>"))
    return out


def robust_top(*series: np.ndarray) -> float:
    """Where the loss chart's y-axis ends: a bit above the first values or the ROBUST_QUANTILE
    of all finite values, whichever is higher (a spike above it is cut off)."""
    finite = [s[np.isfinite(s)] for s in map(np.asarray, series) if len(s)]
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


def best_label(best: tuple[int, float]) -> str:
    """The words of the lowest validation loss in the loss chart's top right corner."""
    return f"● lowest val loss {best[1]:.3f}, epoch {best[0]:,}"


def loss_chart(epoch, data_loss, reg_loss, val_loss, *, log_y: bool = False,
               points: int = FINAL_POINTS, ref: dict | None = None,
               cursor: int | None = None) -> dict:
    """Data loss (blue band from 0) with the regularisation loss stacked on it (orange band):
    the band's top edge is the total loss the optimiser minimises (a black line). The
    validation loss (data loss only, dashed) and the epoch of its minimum are drawn over it.
    Values over the robust top are drawn at the top (the hover gives the true ones). `ref`
    (epoch, total, val) of a pinned run is drawn faintly under them; `cursor`: a replay epoch."""
    best = best_epoch(np.asarray(epoch), val_loss)
    epoch, data_loss, reg_loss, val_loss = thin(
        np.asarray(epoch), *(np.asarray(s, dtype=np.float64)
                             for s in (data_loss, reg_loss, val_loss)), max_points=points)
    total = data_loss + reg_loss
    top = nums([robust_top(total, val_loss)])[0]  # (as drawn: the values cut to it are)
    floor = LOG_FLOOR if log_y else 0.0

    def cut(values):
        return np.clip(values, floor, top)

    x = ints(epoch)

    def curve(values, true, *, name, colour, fmt=".4f", **extra):
        return _line(x, nums(cut(values)), name=name, colour=colour, customdata=nums(true),
                     hovertemplate=f"%{{customdata:{fmt}}}", **extra)

    traces = _ref_lines(ref, {"total": ("total", None), "val": ("val loss", VAL_DASH)},
                        points=points, clip=cut)
    if log_y:  # a log axis has no 0 to fill down to: the data band starts at LOG_FLOOR
        traces.append(_line(x, nums(np.full(len(x), floor)), name="floor", colour=DATA_COLOUR,
                            width=0, showlegend=False, hoverinfo="skip"))
    traces += [
        curve(data_loss, data_loss, name="data loss", colour=DATA_COLOUR, width=0,
              fill="tonexty" if log_y else "tozeroy", fillcolor=_rgba(DATA_COLOUR, 0.35)),
        curve(total, reg_loss, name="reg loss", colour=REG_COLOUR, width=0, fmt=".4g",
              fill="tonexty", fillcolor=_rgba(REG_COLOUR, 0.75)),
        curve(total, total, name="total", colour=TOTAL_COLOUR, width=1.5),
        curve(val_loss, val_loss, name="val loss", colour=VAL_COLOUR, dash=VAL_DASH),
    ]
    shapes, notes = _cursor(cursor), []
    if best is not None:
        traces.append({"type": "scatter", "mode": "markers", "x": [best[0]],
                       "y": nums([min(max(best[1], floor), top)]), "name": "lowest val loss",
                       "showlegend": False, "customdata": nums([best[1]]),
                       "marker": {"color": VAL_COLOUR, "size": 11},
                       # drawn whole at the plot's edge (the axis ends at the last epoch)
                       "cliponaxis": False, "hovertemplate": "%{customdata:.4f}"})
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": best[0],
                       "x1": best[0], "y0": 0, "y1": 1, "layer": "above",
                       "line": {"color": VAL_COLOUR, "width": 1.5, "dash": "dot"}})
        notes.append(note(best_label(best), VAL_COLOUR, x=1.0, y=1.0, xanchor="right",
                          yanchor="top", xshift=-4, yshift=-4,
                          font={"size": NOTE_SIZE, "color": VAL_COLOUR, "weight": 600}))
    y = (axis("loss", type="log", range=[math.log10(LOG_FLOOR), math.log10(top)])
         if log_y else axis("loss", range=[0.0, top]))
    fig = figure("Loss = data + regularisation", traces, height=LOSS_PLOT,
                 # one line: page text over the chart, it wraps in a narrow column
                 subtitle="total = data + reg · dashed: validation (data only)"
                          + (" · grey: pinned run" if ref is not None else ""),
                 notes=notes, xaxis=_epoch_x(epoch, ref), yaxis=y, shapes=shapes,
                 hovermode="x unified")
    return _sized(fig, LOSS_PLOT)


def _epoch_x(epoch, ref: dict | None = None) -> dict:
    """The epoch axis, and the title of the unified hover ("epoch 1,234"). Its automatic range
    ends at the last epoch drawn (this run's or the pinned run's): Plotly pads it for a marker
    (the loss chart's lowest validation loss), and the loss chart, stacked over the reg-loss
    chart, then drew epoch 1,500 ~25 px left of where the reg-loss chart drew it (the replay
    cursor too). The reader's zoom is not this (Plotly's uirevision keeps it)."""
    ends = [int(e[-1]) for e in (epoch, None if ref is None else ref["epoch"])
            if e is not None and len(e)]
    extra = {"autorangeoptions": {"clipmax": max(ends)}} if ends else {}
    return epoch_axis(hoverformat=",", unifiedhovertitle={"text": "epoch %{x:,}"}, **extra)


def reg_share(data_loss: np.ndarray, reg_loss: np.ndarray) -> np.ndarray:
    """The regularisation loss' share of the total loss, each epoch (NaN where the total is 0)."""
    reg = np.asarray(reg_loss, dtype=np.float64)
    total = np.asarray(data_loss, dtype=np.float64) + reg
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, reg / total, np.nan)


def reg_note(reg_loss: np.ndarray, share: np.ndarray, regularised: bool) -> str:
    """The line over the reg chart: its last epoch's reg loss and share of the total."""
    if not regularised:
        return "no regularisation: every lambda is 0"
    if len(reg_loss) and np.isfinite(share[-1]):
        return f"last epoch: reg loss {reg_loss[-1]:.4g} = {share[-1]:.1%} of the total"
    return ""


def reg_chart(epoch, data_loss, reg_loss, *, regularised: bool,
              points: int = FINAL_POINTS, ref: dict | None = None,
              cursor: int | None = None) -> dict:
    """The regularisation loss on its own y-axis (at a small lambda it is a hairline on the
    loss chart), with its share of the total loss at the last epoch."""
    epoch, data_loss, reg_loss = thin(np.asarray(epoch), np.asarray(data_loss, np.float64),
                                      np.asarray(reg_loss, np.float64), max_points=points)
    share = reg_share(data_loss, reg_loss)
    text = reg_note(reg_loss, share, regularised)
    traces = _ref_lines(ref, {"reg": ("reg loss", None)}, points=points, fmt=".4g")
    traces.append(_line(ints(epoch), nums(reg_loss), name="reg loss", colour=REG_COLOUR, width=2,
                        fill="tozeroy", fillcolor=_rgba(REG_COLOUR, 0.35),
                        customdata=nums(share),
                        hovertemplate="%{y:.4g} (%{customdata:.1%} of the total)"))
    fig = figure("Regularisation loss (own scale)", traces, height=REG_PLOT,
                 notes=[note(text, REG_NOTE_COLOUR)] if text else [], legend=ref is not None,
                 xaxis=_epoch_x(epoch, ref), yaxis=axis("reg loss", rangemode="tozero",
                                              tickformat=".2~g", nticks=5),
                 shapes=_cursor(cursor), hovermode="x unified")
    return _sized(fig, REG_PLOT)


def accuracy_chart(epoch, accuracy, val_accuracy, *, points: int = FINAL_POINTS,
                   ref: dict | None = None, cursor: int | None = None) -> dict:
    """Training accuracy (measured with dropout on, like the notes) and validation accuracy."""
    epoch, accuracy, val_accuracy = thin(np.asarray(epoch), np.asarray(accuracy, np.float64),
                                         np.asarray(val_accuracy, np.float64),
                                         max_points=points)
    x = ints(epoch)
    traces = _ref_lines(ref, {"train": ("train", None), "val": ("validation", VAL_DASH)},
                        points=points, fmt=".1%")
    traces += [_line(x, nums(accuracy), name="train", colour=TRAIN_COLOUR,
                     hovertemplate="%{y:.1%}"),
               _line(x, nums(val_accuracy), name="validation", colour=VAL_COLOUR, dash=VAL_DASH,
                     hovertemplate="%{y:.1%}")]
    fig = figure("Accuracy", traces, height=ACCURACY_PLOT, xaxis=_epoch_x(epoch, ref),
                 yaxis=axis("accuracy", range=[0.0, ACCURACY_TOP], tickformat=".0%", nticks=6),
                 shapes=_cursor(cursor), hovermode="x unified")
    return _sized(fig, ACCURACY_PLOT)


def lr_chart(epoch, learning_rate, *, points: int = FINAL_POINTS) -> dict:
    """The learning rate each epoch used: lr0 / (1 + decay * t)."""
    epoch, learning_rate = thin(np.asarray(epoch), np.asarray(learning_rate, np.float64),
                                max_points=points)
    trace = _line(ints(epoch), nums(learning_rate), name="learning rate", colour=LR_COLOUR,
                  hovertemplate="%{y:.4g}")
    fig = figure("Learning rate", [trace], height=LR_PLOT, subtitle="lr₀ / (1 + decay·t)",
                 legend=False, xaxis=_epoch_x(epoch),
                 yaxis=axis("learning rate", rangemode="tozero", tickformat=".2~g"),
                 hovermode="x unified")
    return _sized(fig, LR_PLOT)


def _symlog(w, constant: float) -> np.ndarray:
    """Weights on a symmetric-log scale (Vega's symlog, base 10): sign(w) log10(1 + |w| / c),
    linear near 0 and logarithmic far from it. Plotly has no such axis: the bars are drawn at
    these positions and the axis' ticks are labelled with the weights they stand for."""
    w = np.asarray(w, dtype=np.float64)
    return np.sign(w) * np.log10(1 + np.abs(w) / constant)


def weights_chart(edges: np.ndarray, counts: np.ndarray, exact_zero: float,
                  threshold: float, *, ref_counts: np.ndarray | None = None,
                  title: str = "Weights of the regularised layers",
                  subtitle: str | None = None) -> dict:
    """Histogram of weights on a symmetric-log x-axis: the centre bar is |w| < threshold (L1
    piles weights up there), L2 shrinks the outer bars towards it. `exact_zero` (NaN if not
    known, e.g. a replay snapshot) is the share of weights exactly 0; `ref_counts` a pinned
    run's histogram, drawn as grey outlines over the bars. `subtitle`: a line under the title
    (a layer's histogram: whether it is regularised)."""
    edges = np.asarray(edges, dtype=np.float64)
    counts = np.asarray(counts)
    lo, hi = _symlog(edges[:-1], threshold), _symlog(edges[1:], threshold)
    centre, width = nums((lo + hi) / 2), nums(hi - lo)
    hover = ("from %{customdata[0]:.3g} to %{customdata[1]:.3g}: "
             "%{customdata[2]:,} weights (%{y:.1%})")

    def bars(values, **extra):
        share = values / max(int(values.sum()), 1)
        return {"type": "bar", "x": centre, "width": width, "y": nums(share),
                "customdata": [[a, b, n] for a, b, n in zip(nums(edges[:-1]), nums(edges[1:]),
                                                            ints(values), strict=True)],
                "hovertemplate": hover, **extra}

    traces = [bars(counts, name="this run",
                   marker={"color": WEIGHT_COLOUR, "line": {"color": "#ffffff", "width": 0.5}})]
    if ref_counts is not None:
        traces.append(bars(np.asarray(ref_counts), name=REF_NAME,
                           marker={"color": "rgba(0,0,0,0)",
                                   "line": {"color": REF_COLOUR, "width": 2}}))
    limit = float(_symlog(edges[-1], threshold))
    x = axis("weight value", range=[-limit, limit], tickmode="array",
             tickvals=nums(_symlog(WEIGHT_TICKS, threshold)),
             ticktext=[f"{t:g}" for t in WEIGHT_TICKS])
    fig = figure(title, traces, height=WEIGHTS_PLOT, subtitle=subtitle,
                 notes=[note(weights_note(counts, exact_zero, threshold), WEIGHT_NOTE_COLOUR)],
                 legend=ref_counts is not None, xaxis=x,
                 yaxis=axis("share of weights", rangemode="tozero", tickformat=".0%"),
                 barmode="overlay", bargap=0, hovermode="closest")
    return _sized(fig, WEIGHTS_PLOT)


def weights_note(counts: np.ndarray, exact_zero: float, threshold: float) -> str:
    """The line over the histogram: the share of weights in the centre bar (and exactly 0)."""
    counts = np.asarray(counts)
    near_zero = counts[len(counts) // 2] / max(int(counts.sum()), 1) if counts.sum() else math.nan
    exact = f" ({teaching.exact_zero_note(exact_zero)})" if np.isfinite(exact_zero) else ""
    return (f"{near_zero:.0%} of the weights have |w| < {threshold:g}{exact}"
            if np.isfinite(near_zero) else "no weights")
