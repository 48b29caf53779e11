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


def base_layout(fig: go.Figure, title: str, y_title: str, height: int = 360) -> go.Figure:
    """The shared look: white, large type, legend on top, little margin."""
    fig.update_layout(
        template="none", font=FONT, height=height, paper_bgcolor="white", plot_bgcolor="white",
        title=title_dict(title), margin=dict(l=10, r=10, t=96, b=10), hovermode="x unified",
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0,
                    font=dict(size=14)),
        uirevision="keep",  # keep zoom and legend toggles across live redraws
        xaxis=axis("epoch", rangemode="tozero"), yaxis=axis(y_title),
    )
    return fig


def loss_figure(epoch, data_loss, reg_loss, val_loss, *, log_y: bool = False) -> go.Figure:
    """Data loss and regularisation loss stacked (top edge = total loss), validation loss beside."""
    epoch, data_loss, reg_loss, val_loss = thin(epoch, data_loss, reg_loss, val_loss)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=epoch, y=data_loss, name="data loss", stackgroup="loss",
                             mode="lines", line=dict(color=DATA_COLOUR, width=1.5),
                             fillcolor="rgba(31,119,180,0.35)"))
    fig.add_trace(go.Scatter(x=epoch, y=reg_loss, name="reg loss (top = total)",
                             stackgroup="loss",
                             mode="lines", line=dict(color=REG_COLOUR, width=1.5),
                             fillcolor="rgba(255,127,14,0.55)"))
    fig.add_trace(go.Scatter(x=epoch, y=val_loss, name="val loss",
                             mode="lines", line=dict(color=VAL_COLOUR, width=3, dash="dash")))
    base_layout(fig, "Loss = data loss + regularisation loss", "loss")
    if log_y:
        fig.update_yaxes(type="log")
    else:
        fig.update_yaxes(rangemode="tozero")
    return fig


def accuracy_figure(epoch, accuracy, val_accuracy) -> go.Figure:
    """Training accuracy (measured with dropout on, like the notes) and validation accuracy."""
    epoch, accuracy, val_accuracy = thin(epoch, accuracy, val_accuracy)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=epoch, y=accuracy, name="train", mode="lines",
                             line=dict(color=TRAIN_COLOUR, width=3)))
    fig.add_trace(go.Scatter(x=epoch, y=val_accuracy, name="validation", mode="lines",
                             line=dict(color=VAL_COLOUR, width=3, dash="dash")))
    base_layout(fig, "Accuracy", "accuracy")
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    return fig


def lr_figure(epoch, learning_rate) -> go.Figure:
    """The learning rate each epoch used: lr0 / (1 + decay * t)."""
    epoch, learning_rate = thin(epoch, learning_rate)
    fig = go.Figure(go.Scatter(x=epoch, y=learning_rate, name="learning rate", mode="lines",
                               line=dict(color=LR_COLOUR, width=3)))
    base_layout(fig, "Learning rate  lr₀ / (1 + decay·t)", "learning rate", height=300)
    fig.update_yaxes(rangemode="tozero", exponentformat="e")
    fig.update_layout(showlegend=False)
    return fig


def weights_figure(edges: np.ndarray, counts: np.ndarray, near_zero_share: float) -> go.Figure:
    """Histogram of the hidden layers' weights (L1 piles them up at exactly 0, L2 shrinks them)."""
    centres = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(go.Bar(x=centres, y=counts, width=np.diff(edges), name="weights",
                           marker=dict(color="#6c5ba7", line=dict(width=0))))
    base_layout(fig, f"Weights  ({near_zero_share:.0%} with |w| < 1e-3)", "count", height=300)
    fig.update_xaxes(title_text="weight value", rangemode="normal")
    fig.update_layout(showlegend=False, hovermode="closest", bargap=0)
    return fig
