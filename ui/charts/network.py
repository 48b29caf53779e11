"""Inside the network, drawn: the first hidden layer's units as activation maps (a mosaic
image), each layer's weight histogram, and the weight norms over training. Pure functions of
a run's workers.recorder.Extras: numbers in, images and Plotly figures (plain dicts, see
ui.charts.common) out (no Streamlit)."""

from __future__ import annotations

import math

import numpy as np

from nncore.metrics import NEAR_ZERO
from workers.recorder import Extras, Units
from workers.views import weight_edges

from .common import (
    BLACK,
    BLUE,
    GREEN,
    LINE_COLOUR,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    WEIGHT_COLOUR,
    axis,
    empty,
    epoch_axis,
    figure,
    ints,
    note,
    nums,
    plain,
)

TILE = 3          # screen pixels per activation cell
GAP = 6           # pixels between tiles
COLUMNS = 16
DEAD = np.array([214, 39, 40], np.uint8)       # a dead unit's frame
LOW, HIGH = np.array([247, 247, 250]), np.array([31, 95, 191])  # 0 ... the unit's maximum
# One colour a layer, in order (Okabe-Ito: a colour-blind student tells them apart).
LAYER_COLOURS = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, BLACK)


def mosaic(units: Units, columns: int = COLUMNS) -> np.ndarray:
    """An RGB image (uint8) of the units' maps in rows of `columns`, strongest first; x1 to the
    right, x2 up; a dead unit (never active on the training points) framed in red."""
    n, res, _ = units.maps.shape
    rows = -(-n // columns)
    side = res * TILE
    image = np.full((rows * (side + GAP) + GAP, columns * (side + GAP) + GAP, 3), 255, np.uint8)
    for k in range(n):
        r, c = divmod(k, columns)
        top, left = GAP + r * (side + GAP), GAP + c * (side + GAP)
        level = units.maps[k][::-1].astype(np.float64) / 255  # row 0 is the lowest x2
        tile = (LOW + (HIGH - LOW) * level[..., None]).astype(np.uint8)
        tile = np.repeat(np.repeat(tile, TILE, axis=0), TILE, axis=1)
        image[top:top + side, left:left + side] = tile
        if units.dead[k]:
            image[top - 3:top, left - 3:left + side + 3] = DEAD
            image[top + side:top + side + 3, left - 3:left + side + 3] = DEAD
            image[top - 3:top + side + 3, left - 3:left] = DEAD
            image[top - 3:top + side + 3, left + side:left + side + 3] = DEAD
    return image


def units_caption(units: Units) -> str:
    shown, dead = len(units.norms), int(units.dead.sum())
    total_dead = dead if shown == units.total else None
    head = (f"All {units.total} units" if shown == units.total else
            f"The {shown} strongest of {units.total} units")
    return (f"{head} of the first hidden layer, strongest incoming weights first (‖w‖ from "
            f"{units.norms[0]:.2g} to {units.norms[-1]:.2g}): each map is the unit's activation "
            f"relu(w·x + b) over the input plane, on one scale for the layer (dark = its highest; "
            f"flat = no slope: weights near 0). {dead} shown "
            f"{'is' if dead == 1 else 'are'} dead (red frame: never active on a training point)"
            + ("" if total_dead is not None else " among those drawn") + ".")


# The weight histogram (a third or a quarter of a column wide: narrower than the Playground's,
# training.weights_chart, whose note and seven tick labels are cut or turned at that width).
# Its x axis is symmetric-log, which Plotly lacks: the bars are drawn at symlog(w), the ticks
# labelled with w; labelled ticks every other decade, unlabelled ones between.
SYMLOG_TICKS, SYMLOG_MINOR = (-1, -0.01, 0, 0.01, 1), (-0.1, 0.1)
HIST_PLOT, HIST_AXIS_ROOM = 200, 56  # px: the plot alone; under it, the axis' labels and title
HIST_NOTE_CHARS = 24  # the note's characters a line
HIST_NOTE_COLOUR = "#3d2f73"  # a darker purple than the bars' (text in it is hard to read)


def symlog(w, constant: float = NEAR_ZERO) -> np.ndarray:
    """Weights on a symmetric-log scale, as training.weights_chart draws them: sign(w)
    log10(1 + |w| / constant), linear near 0 and logarithmic far from it."""
    w = np.asarray(w, dtype=np.float64)
    return np.sign(w) * np.log10(1 + np.abs(w) / constant)


def weight_histogram(edges: np.ndarray, counts: np.ndarray, *, title: str,
                     subtitle: str | None = None, threshold: float = NEAR_ZERO) -> dict:
    """A histogram of weights on a symmetric-log x axis (the bars between `edges`, as shares of
    the weights); the share in the centre bar (|w| < threshold) in a note over the plot."""
    edges = np.asarray(edges, dtype=np.float64)
    counts = np.asarray(counts)
    total = int(counts.sum())
    lo, hi = symlog(edges[:-1], threshold), symlog(edges[1:], threshold)
    bars = {"type": "bar", "name": "weights", "x": nums((lo + hi) / 2), "width": nums(hi - lo),
            "y": nums(counts / max(total, 1)), "customdata": [[a, b, n] for a, b, n in zip(
                nums(edges[:-1], 3), nums(edges[1:], 3), ints(counts), strict=True)],
            "marker": {"color": WEIGHT_COLOUR, "line": {"color": "#ffffff", "width": 0.5}},
            "hovertemplate": ("%{customdata[0]:.3g} to %{customdata[1]:.3g}<br>"
                              "%{customdata[2]:,} weights (%{y:.1%})<extra></extra>")}
    centre = counts[len(counts) // 2] / total if total else math.nan
    text = (f"{centre:.0%} of the weights have |w| < {threshold:g}" if math.isfinite(centre)
            else "no weights")
    end = float(symlog(edges[-1], threshold))
    fig = figure(title, [bars], height=HIST_PLOT, subtitle=subtitle, legend=False,
                 notes=[note(text, HIST_NOTE_COLOUR, chars=HIST_NOTE_CHARS)], bargap=0,
                 hovermode="closest",
                 xaxis=axis("weight value", range=nums([-end, end]), tickmode="array",
                            tickvals=nums(symlog(SYMLOG_TICKS, threshold)),
                            ticktext=[f"{t:g}" for t in SYMLOG_TICKS], tickangle=0,
                            minor={"tickvals": nums(symlog(SYMLOG_MINOR, threshold)),
                                   "ticks": "outside", "ticklen": 4,
                                   "tickcolor": LINE_COLOUR, "showgrid": False}),
                 yaxis=axis("share of weights", tickformat=".0%", rangemode="tozero"))
    # as tall as the plot under the title, subtitle and note (figure's top margin) and the axis
    fig["layout"]["height"] = HIST_PLOT + fig["layout"]["margin"]["t"] + HIST_AXIS_ROOM
    return fig


def layer_histograms(extras: Extras) -> list[dict]:
    """One weight histogram per Dense layer (the near-zero share in a note over it); the
    layer's name is the title, whether it is regularised the subtitle ("dense3 (not
    regularised)" on one line was cut short in a third of a column at 1280 x 720)."""
    edges = weight_edges()  # fixed for every run, so that two runs compare
    return [weight_histogram(edges, counts, title=name,
                             subtitle="regularised" if regularised else "not regularised")
            for name, (_, counts), _share, regularised in extras.layers]


NORM_TITLE, NORM_HEIGHT = "Weight norm of each layer over training", 280


def norm_chart(extras: Extras, *, run: str | None = None) -> dict:
    """‖W‖ of each layer over the epochs (a line each): L2 pulls it down, L1 zeroes weights
    one by one. `run`: whose (e.g. "Pinned run", two charts side by side), in the title (a
    short one: half a column does not hold "Pinned run: weight norm of each layer over
    training" on one line)."""
    title = f"{run}: weight norms" if run else NORM_TITLE
    subtitle = "‖W‖ of each layer over training" if run else None
    if not extras.norms:
        return empty(title, "no weight norms recorded", height=NORM_HEIGHT)
    traces = [{"type": "scatter", "mode": "lines", "name": plain(name),
               "x": ints(epochs), "y": nums(norms),
               "line": {"color": LAYER_COLOURS[i % len(LAYER_COLOURS)], "width": 3},
               "hovertemplate": "epoch %{x:,}<br>‖W‖ = %{y:.3f}"}
              for i, (name, (epochs, norms)) in enumerate(extras.norms.items())]
    return figure(title, traces, height=NORM_HEIGHT + (20 if subtitle else 0),
                  subtitle=subtitle, xaxis=epoch_axis(),
                  yaxis=axis("‖W‖", rangemode="tozero"), hovermode="x unified")
