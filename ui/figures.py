"""Plotly figures of training curves; they take numbers (arrays), never a model or Streamlit."""

from __future__ import annotations

import numpy as np
import pandas  # noqa: F401  (see below)
import plotly.graph_objects as go

# Plotly looks pandas up in sys.modules and imports it on first use. Sessions are threads: if
# one thread's first figure starts that import, another's sees the half-imported module and
# fails ("partially initialized module 'pandas'", seen with 30 sessions at once). Importing it
# here, with the figure code, finishes it before any figure is built. (ui.runs imports pandas
# only where needed: the training workers import ui.runs and need no pandas.)

FONT = dict(size=16, family="Source Sans Pro, Helvetica, Arial, sans-serif", color="#1b1f24")
DATA_COLOUR, REG_COLOUR, VAL_COLOUR = "#1f77b4", "#ff7f0e", "#d62728"
TRAIN_COLOUR, LR_COLOUR = "#1f77b4", "#2ca02c"
GRID = "#e3e7ee"
MAX_POINTS = 1500  # per trace; long runs are thinned so live redraws stay cheap


def thin(epoch: np.ndarray, *series: np.ndarray, max_points: int = MAX_POINTS):
    """Every k-th record (always keeping the last) so that at most ~max_points remain."""
    n = len(epoch)
    if n <= max_points:
        return (np.asarray(epoch), *map(np.asarray, series))
    idx = np.unique(np.r_[np.arange(0, n, int(np.ceil(n / max_points))), n - 1])
    return (np.asarray(epoch)[idx], *(np.asarray(s)[idx] for s in series))


def axis(title: str, **extra) -> dict:
    """A light-grey gridded axis with a title (explicit styling: a named template costs ~8 ms)."""
    return dict(title=dict(text=title), gridcolor=GRID, linecolor=GRID, zerolinecolor=GRID,
                automargin=True, **extra)


def title_dict(text: str) -> dict:
    """Title pinned to the top-left of the figure, above the legend row."""
    return dict(text=text, x=0.01, xref="container", xanchor="left", y=0.985, yref="container",
                yanchor="top", font=dict(size=20))


def figure(traces: list[dict], layout: dict) -> go.Figure:
    """A Figure from plain trace and layout dicts, not validated again property by property:
    building the same loss figure with add_trace/update_layout took ~14 ms, this ~0.5 ms, and
    the live view redraws five figures every quarter second. Every builder's output is checked
    against Plotly's validators in tests/ui/test_figures.py."""
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def blank_template() -> dict:
    """Plotly's "none" template as plotly.js receives it (the name is resolved in Python, so an
    unvalidated figure must carry the expanded form; checked in tests/ui/test_figures.py)."""
    return {"data": {"scatter": [{"type": "scatter"}]}}


def base_layout(title: str, y_title: str, height: int = 360, **extra) -> dict:
    """The shared look: white, large type, legend on top, little margin. `extra` entries
    replace the defaults (xaxis/yaxis entries are merged into the default axes)."""
    xaxis = {**axis("epoch", rangemode="tozero"), **extra.pop("xaxis", {})}
    yaxis = {**axis(y_title), **extra.pop("yaxis", {})}
    layout = dict(
        template=blank_template(), font=FONT, height=height, paper_bgcolor="white",
        plot_bgcolor="white", title=title_dict(title), margin=dict(l=10, r=10, t=96, b=10),
        hovermode="x unified",
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0,
                    font=dict(size=14)),
        uirevision="keep",  # keep zoom and legend toggles across live redraws
        xaxis=xaxis, yaxis=yaxis)
    return {**layout, **extra}


def _line(x, y, name: str, colour: str, width: float = 3, **extra) -> dict:
    return dict(type="scatter", x=x, y=y, name=name, mode="lines",
                line=dict(color=colour, width=width, **extra.pop("line", {})), **extra)


def loss_figure(epoch, data_loss, reg_loss, val_loss, *, log_y: bool = False) -> go.Figure:
    """Data loss and regularisation loss stacked (top edge = total loss), validation loss beside."""
    epoch, data_loss, reg_loss, val_loss = thin(epoch, data_loss, reg_loss, val_loss)
    traces = [
        _line(epoch, data_loss, "data loss", DATA_COLOUR, 1.5, stackgroup="loss",
              fillcolor="rgba(31,119,180,0.35)"),
        _line(epoch, reg_loss, "reg loss (top = total)", REG_COLOUR, 1.5, stackgroup="loss",
              fillcolor="rgba(255,127,14,0.55)"),
        _line(epoch, val_loss, "val loss", VAL_COLOUR, line=dict(dash="dash")),
    ]
    yaxis = dict(type="log") if log_y else dict(rangemode="tozero")
    return figure(traces, base_layout("Loss = data loss + regularisation loss", "loss",
                                      yaxis=yaxis))


def accuracy_figure(epoch, accuracy, val_accuracy) -> go.Figure:
    """Training accuracy (measured with dropout on, like the notes) and validation accuracy."""
    epoch, accuracy, val_accuracy = thin(epoch, accuracy, val_accuracy)
    traces = [_line(epoch, accuracy, "train", TRAIN_COLOUR),
              _line(epoch, val_accuracy, "validation", VAL_COLOUR, line=dict(dash="dash"))]
    return figure(traces, base_layout("Accuracy", "accuracy",
                                      yaxis=dict(range=[0, 1.02], tickformat=".0%")))


def lr_figure(epoch, learning_rate) -> go.Figure:
    """The learning rate each epoch used: lr0 / (1 + decay * t)."""
    epoch, learning_rate = thin(epoch, learning_rate)
    layout = base_layout("Learning rate  lr₀ / (1 + decay·t)", "learning rate", height=300,
                         yaxis=dict(rangemode="tozero", exponentformat="e"), showlegend=False)
    return figure([_line(epoch, learning_rate, "learning rate", LR_COLOUR)], layout)


def weights_figure(edges: np.ndarray, counts: np.ndarray, near_zero_share: float) -> go.Figure:
    """Histogram of the hidden layers' weights (L1 piles them up at exactly 0, L2 shrinks them)."""
    centres = (edges[:-1] + edges[1:]) / 2
    bars = dict(type="bar", x=centres, y=counts, width=np.diff(edges), name="weights",
                marker=dict(color="#6c5ba7", line=dict(width=0)))
    layout = base_layout(f"Weights  ({near_zero_share:.0%} with |w| < 1e-3)", "count",
                         height=300, xaxis=dict(rangemode="normal"), showlegend=False,
                         hovermode="closest", bargap=0)
    layout["xaxis"]["title"] = dict(text="weight value")
    return figure([bars], layout)
