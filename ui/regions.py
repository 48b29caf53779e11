"""Decision-region figure: class probabilities on a grid (colour = class, intensity = confidence)
with the training and validation points on top. Takes arrays, never a model or Streamlit."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .figures import FONT, axis, blank_template, figure, title_dict

CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
MAX_POINTS_SHOWN = 3000  # per set; big uploads are thinned for drawing only
LIGHTEST, DARKEST = 0.88, 0.35  # share of white mixed in at lowest / highest confidence


def _mix(hex_colour: str, white: float) -> str:
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
    r, g, b = np.round(rgb * (1 - white) + 255 * white).astype(int)
    return f"rgb({r},{g},{b})"


def class_colourscale(classes: int) -> list[list]:
    """Piecewise scale over z in [0, classes]: band k runs from pale to strong class-k colour."""
    scale = []
    for k in range(classes):
        colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
        scale.append([k / classes, _mix(colour, LIGHTEST)])
        scale.append([(k + 0.999) / classes, _mix(colour, DARKEST)])
    scale[-1][0] = 1.0
    return scale


def region_z(probs: np.ndarray) -> np.ndarray:
    """(res, res, K) probabilities -> z = winning class + confidence in [0, 0.999).

    Confidence rescales the winning probability from 1/K (a coin toss) to 1 (certain).
    """
    classes = probs.shape[-1]
    winner = probs.argmax(axis=-1)
    top = probs.max(axis=-1)
    confidence = np.clip((top - 1 / classes) / (1 - 1 / classes), 0, 1) * 0.999
    return (winner + confidence).astype(np.float32)


def _thin(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    step = max(1, int(np.ceil(len(y) / MAX_POINTS_SHOWN)))
    return X[::step], y[::step]


def _points(X, y, classes: int, *, validation: bool) -> list[dict]:
    X, y = _thin(np.asarray(X), np.asarray(y))
    traces = []
    for k in range(classes):
        mine = y == k
        colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
        traces.append(dict(
            type="scatter", x=X[mine, 0], y=X[mine, 1], mode="markers",
            name="validation" if validation else f"class {k}",
            legendgroup="validation" if validation else "train",
            showlegend=k == 0 or not validation, hovertemplate="(%{x:.2f}, %{y:.2f})",
            marker=dict(color=colour, size=7 if validation else 10,
                        symbol="diamond-open" if validation else "circle",
                        line=dict(color=colour if validation else "white",
                                  width=2 if validation else 1.2))))
    return traces


def decision_figure(xs, ys, probs, X=None, y=None, X_val=None, y_val=None, *,
                    show_train: bool = True, show_val: bool = True, height: int = 600,
                    title: str = "Decision regions") -> go.Figure:
    """Heatmap of region_z(probs) over (xs, ys) plus dots (train) and open diamonds (validation).

    `probs` None (a model that diverged before any finite prediction) draws the points only.
    """
    traces = []
    if probs is not None:
        classes = probs.shape[-1]
        traces.append(dict(
            type="heatmap",
            x=np.asarray(xs, dtype=np.float32), y=np.asarray(ys, dtype=np.float32),
            z=region_z(probs), zmin=0, zmax=classes, zsmooth=False,
            colorscale=class_colourscale(classes), showscale=False, hoverinfo="skip",
            name="regions"))
    else:
        classes = int(max(np.max(y), np.max(y_val))) + 1
        title += " (none: the model diverged)"
    if show_train and X is not None:
        traces += _points(X, y, classes, validation=False)
    if show_val and X_val is not None:
        traces += _points(X_val, y_val, classes, validation=True)
    layout = dict(
        template=blank_template(), font=FONT, height=height, uirevision="regions",
        paper_bgcolor="white", plot_bgcolor="white", title=title_dict(title),
        margin=dict(l=10, r=10, t=50, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.06, xanchor="center", x=0.5,
                    itemsizing="constant"),
        xaxis=axis("", range=[float(xs[0]), float(xs[-1])], showgrid=False, zeroline=False,
                   constrain="domain"),
        yaxis=axis("", range=[float(ys[0]), float(ys[-1])], showgrid=False, zeroline=False,
                   scaleanchor="x", scaleratio=1, constrain="domain"))
    return figure(traces, layout)
