"""What the charts share: the look, the colours, the figure's frame, numbers made small.

Every chart is a Plotly figure built by a pure function (arrays in, a figure out: a plain dict
{"data": [...traces], "layout": {...}} of lists, floats, strings and None, JSON as it stands;
no Streamlit and no plotly Python objects, which would validate every trace on every live
redraw). ui/canvas.py draws a figure through one small component that keeps its div and calls
`Plotly.react` on it, so a figure may change anything between two redraws (the titles, the
notes, the axes) without the chart being rebuilt; tests/ui validate the figures against
plotly's own schema (plotly.graph_objects.Figure).

Why not `st.plotly_chart`: Streamlit 1.67 keys the chart by a hash of its figure, and its
frontend unmounts the chart and mounts a new one for every new figure (blank while it draws,
zoom lost). See docs/DECISIONS.md, "Charts on Plotly".

Text: Plotly reads `<b>`, `<br>`, `<a href>` in any string it draws. A string that may come
from a user (an uploaded file's class count is a number, but a sweep's or a link's text need
not be) goes through `plain`, and `figure` passes titles and notes through it: the only
markup in a figure is the `<br>` this module writes itself.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"

# Colours a colour-blind student can tell apart (Okabe & Ito's palette, designed for the three
# common colour-vision deficiencies), the same meaning in every chart: data loss and training
# in blue, the regularisation loss in orange, validation in vermillion and dashed (a second
# cue besides the hue), the total in black.
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, YELLOW, BLACK = "#CC79A7", "#56B4E9", "#F0E442", "#1b1f24"
DATA_COLOUR, REG_COLOUR, VAL_COLOUR, TOTAL_COLOUR = BLUE, ORANGE, VERMILLION, BLACK
TRAIN_COLOUR, LR_COLOUR, WEIGHT_COLOUR = BLUE, GREEN, PURPLE
# Class k's colour (the regions, the points, the sweep's thumbnails). Yellow last: pale on white.
CLASS_COLOURS = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, BLACK, YELLOW)
REF_COLOUR, CURSOR_COLOUR = "#8a8f98", "#3d434d"  # a pinned run's curves; the replay cursor
VAL_DASH = "dash"  # validation curves, in every chart

# Type sizes (px) for a projector at 1280 x 720 read from the back of a room (Plotly's default
# is 12 px): tick labels, then axis titles and legends, subtitles and notes, chart titles.
TICK_SIZE, LABEL_SIZE, NOTE_SIZE, TITLE_SIZE = 15, 16, 15, 20
TEXT_COLOUR, SUBTLE_COLOUR, GRID_COLOUR, LINE_COLOUR = "#1b1f24", "#4a5260", "#e3e7ee", "#c4cad4"
# A note's characters per line, at NOTE_SIZE in a chart about 380 px wide (Source Sans Pro
# averages ~7.5 px a character): Plotly does not wrap text, so notes are wrapped here.
NOTE_CHARS = 48
# The room (px) beside and under a plot for its axes: tick labels at TICK_SIZE and a title at
# LABEL_SIZE (as wide as "100%" or "0.045" and a y title; as tall as the epoch axis; on the
# right, half the last tick label, "1.5k" at the end of the epoch axis). Asked for up front:
# Plotly's automargin, left to find it, drew each chart a second time on its first draw (a
# link's seven charts took 0.42 s to draw instead of 0.26 s: docs/DECISIONS.md, "Charts on
# Plotly"). Axes keep automargin, for a label longer than these.
AXIS_LEFT, AXIS_BOTTOM, AXIS_RIGHT = 76, 56, 28


def plain(text: object) -> str:
    """`text` as Plotly draws it literally: its pseudo-HTML (`<b>`, `<br>`, `<a href=...>`)
    and entities escaped."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(text: str, chars: int = NOTE_CHARS) -> str:
    """`text` (plain) as lines of at most `chars` characters, broken between words (a longer
    word runs on), joined by Plotly's `<br>`."""
    lines: list[str] = []
    for word in plain(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def nums(values: Iterable[float], digits: int = 5) -> list[float | None]:
    """`values` as a JSON list: `digits` significant digits (what a chart can show; a float32
    written in full is 18 characters), non-finite values as None (Plotly leaves a gap)."""
    a = np.asarray(values, dtype=np.float64).ravel()
    finite = np.isfinite(a)
    out = np.zeros_like(a)
    if finite.any():
        v = a[finite]
        with np.errstate(divide="ignore"):
            mag = np.floor(np.log10(np.where(v != 0, np.abs(v), 1.0)))
        scale = 10.0 ** (digits - 1 - mag)
        out[finite] = np.round(v * scale) / scale
    return [float(x) if ok else None for x, ok in zip(out.tolist(), finite.tolist(), strict=True)]


def ints(values: Iterable[int]) -> list[int]:
    return [int(v) for v in np.asarray(values).ravel().tolist()]


# Tick labels are drawn even where one would cross the chart's edge (Plotly's default, "hide
# past div", measured every label's box against the div's after drawing it: a seventh of the
# first draw of a link's charts, ~50 of ~380 ms in a profile; the margins above leave them room).
TICK_OVERFLOW = "allow"


def axis(title: str | None = None, **extra) -> dict:
    """An axis in the shared look (light grid, large ticks, no zero line unless asked)."""
    return {"title": {"text": plain(title), "font": {"size": LABEL_SIZE}} if title else None,
            "tickfont": {"size": TICK_SIZE}, "gridcolor": GRID_COLOUR, "linecolor": LINE_COLOUR,
            "showline": True, "zeroline": False, "ticks": "outside", "tickcolor": LINE_COLOUR,
            "automargin": True, "ticklabeloverflow": TICK_OVERFLOW, **extra}


def epoch_axis(**extra) -> dict:
    """The epoch axis of every curve: from 0, about five ticks, 1,500 written "1.5k"."""
    return axis("epoch", rangemode="tozero", nticks=6, tickformat="~s", **extra)


def note(text: str, colour: str = SUBTLE_COLOUR, *, x: float = 0.0, y: float = 1.0,
         xanchor: str = "left", yanchor: str = "bottom", chars: int = NOTE_CHARS,
         **extra) -> dict:
    """An annotation in paper coordinates (0-1 over the plot), wrapped at `chars`; by default
    just over the plot's top left corner."""
    return {"text": wrap(text, chars), "x": x, "y": y, "xref": "paper", "yref": "paper",
            "xanchor": xanchor, "yanchor": yanchor, "align": "left" if xanchor == "left"
            else "right" if xanchor == "right" else "center", "showarrow": False,
            "font": {"size": NOTE_SIZE, "color": colour}, **extra}


def lines_of(text: str) -> int:
    return text.count("<br>") + 1 if text else 0


def figure(title: str, traces: list[dict], *, height: int,
           subtitle: str | list[str] | None = None, notes: list[dict] | None = None,
           legend: dict | bool = True, top: int | None = None, left: int = AXIS_LEFT,
           bottom: int = AXIS_BOTTOM, right: int = AXIS_RIGHT, **layout) -> dict:
    """A figure in the shared look: `title` (and `subtitle`, a line or lines) in the top left,
    the legend in a row under the title, the whole `height` px high. `notes`: annotations
    (see `note`); the top margin grows with their lines. `top`: the top margin in px, if the
    caller knows better; `left`, `bottom`, `right`: the other margins (the axes' room).
    `layout`: more layout keys (axes: xaxis, yaxis, ...)."""
    sub = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    notes = list(notes or [])
    over = max([lines_of(n["text"]) for n in notes if n.get("yref") == "paper"
                and n.get("y", 0) >= 1 and n.get("yanchor") == "bottom"] or [0])
    legend_rows = 1 if legend else 0
    if top is None:
        top = 34 + 20 * len(sub) + 28 * legend_rows + 20 * over
    head = {"text": plain(title), "x": 0, "xref": "container", "xanchor": "left",
            "y": 1, "yref": "container", "yanchor": "top", "pad": {"l": 4, "t": 8},
            "font": {"size": TITLE_SIZE, "color": TEXT_COLOUR, "weight": 600}}
    if sub:  # (Plotly's subtitle: lines written into the title's text were drawn over its top)
        head["subtitle"] = {"text": "<br>".join(plain(line) for line in sub),
                            "font": {"size": NOTE_SIZE, "color": SUBTLE_COLOUR}}
    out_layout = {
        "title": head, "height": height, "autosize": True,
        "margin": {"l": left, "r": right, "t": top, "b": bottom, "autoexpand": True},
        "font": {"family": FONT, "size": LABEL_SIZE, "color": TEXT_COLOUR},
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        "showlegend": bool(legend),
        "hoverlabel": {"font": {"size": LABEL_SIZE}},
        "annotations": notes,
    }
    if legend:
        out_layout["legend"] = {
            "orientation": "h", "x": 0, "xanchor": "left", "yref": "container",
            "y": 1 - (34 + 20 * len(sub)) / height, "yanchor": "top",
            "font": {"size": LABEL_SIZE}, "itemclick": "toggle", "itemdoubleclick": "toggleothers",
            "traceorder": "normal",  # (Plotly reverses a legend of stacked bands by default)
            **(legend if isinstance(legend, dict) else {})}
    out_layout.update(layout)
    return {"data": traces, "layout": out_layout}


def title_text(fig: dict) -> str:
    """A figure's title and subtitle lines, joined by `<br>` (as Plotly's markup)."""
    head = fig["layout"]["title"]
    sub = head.get("subtitle", {}).get("text", "")
    return head["text"] + (f"<br>{sub}" if sub else "")


def empty(title: str, message: str, *, height: int) -> dict:
    """A figure with nothing to draw yet: its title, and `message` in the middle."""
    return figure(title, [], height=height, legend=False,
                  notes=[note(message, SUBTLE_COLOUR, x=0.5, y=0.5, xanchor="center",
                              yanchor="middle")],
                  xaxis={"visible": False}, yaxis={"visible": False})
