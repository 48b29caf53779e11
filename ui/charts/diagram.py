"""The network, drawn (issue 20, item 3): inputs, hidden units and outputs as columns of dots,
each drawn connection a line whose width and opacity grow with |w| on a fixed scale (the same
for every run, so two runs compare) and whose colour is its sign; dead units hollow. Takes a
workers.network.Picture, never a model or Streamlit, and returns a plain dict figure (see
ui.charts.common).

Cheap to draw: the connections (up to MAX_EDGES) are grouped by sign and by |w| into BINS
steps of width and opacity, each group one scatter trace of None-separated segments (400
connections: at most 2 x BINS traces, not 400).
"""

from __future__ import annotations

import numpy as np

from workers.network import MAX_EDGES, THRESHOLD, Picture

from . import common, png
from .common import (
    NOTE_CHARS,
    NOTE_SIZE,
    SUBTLE_COLOUR,
    TEXT_COLOUR,
    figure,
    ints,
    note,
    nums,
    plain,
    wrap,
)

HEIGHT = 320  # px, the whole figure (title, subtitle, counts, plot, layer names, legend)
# The sign of a weight: Okabe & Ito's blue and vermillion (ui.charts.common), told apart with
# any common colour-vision deficiency.
POS_COLOUR, NEG_COLOUR = common.BLUE, common.VERMILLION
SIGNS = ["w > 0", "w < 0"]
# Trace uids (Plotly keeps a hidden legend entry by its trace's uid) are letters, digits and
# "-": Plotly puts a uid into CSS selectors, and "edges w > 0 3" failed a redraw when a step's
# trace came or went ("not a valid selector").
SIGN_UIDS = {"w > 0": "pos", "w < 0": "neg"}
UNIT_COLOUR, DEAD_COLOUR = "#3d434d", "#9aa0a8"
STATES = ["unit", "dead unit"]
# Connections: |w| from THRESHOLD (thinnest, faintest) to 1 and above (widest, most opaque),
# in BINS equal steps (each |w| drawn at the step nearest it).
WIDTHS, OPACITIES = [0.3, 3.0], [0.2, 0.8]
BINS = 6
NOT_YET = "no network yet"
# Room (px): over the plot, the title (34) and a line of subtitle or of the counts (20) each;
# under it, the layer names; narrow (one of two diagrams side by side, half a column), the
# legend under the names in two rows (beside the plot it squeezed it); wide, the legend right
# of the plot (its longest entry, "dead unit", at the legend's font).
HEAD_PX, LINE_PX, NAMES_PX, NARROW_LEGEND_PX, LEGEND_BESIDE_PX = 34, 20, 30, 64, 132
NARROW_NOTE_CHARS = 44  # the counts' line length in half a column (~300 px)
# A unit's dot: 0.7 of the px between two units of the fullest layer, within these bounds.
UNIT_PX = (4, 14)


def layer_names(layers: int) -> list[str]:
    """"inputs", "hidden" (or "hidden 1", "hidden 2", ...), "outputs"."""
    hidden = layers - 2
    return (["inputs"] + (["hidden"] if hidden == 1 else [f"hidden {i + 1}" for i in range(hidden)])
            + ["outputs"])


def _positions(n: int, rows: int) -> np.ndarray:
    """y of n units spread evenly over `rows` slots centred on 0, the first at the top."""
    return rows / 2 - (np.arange(n) + 0.5) * rows / max(n, 1)


def _share(rate: float) -> str:
    return "half the" if rate == 0.5 else f"{rate:.0%} of the"


def subtitle(pic: Picture, narrow: bool = False) -> list[str]:
    """What is fixed while the run trains: how many hidden units are drawn, the dropout rate
    (short lines: a subtitle longer than a half-width column is cut off)."""
    lines = []
    if pic.hidden_units:
        drawn = [len(u) for u in pic.shown[1:-1]]
        sizes = list(pic.sizes[1:-1])
        if len(sizes) == 1:
            lines.append(f"drawn: the strongest {drawn[0]} of {sizes[0]:,} hidden units")
        elif len(set(sizes)) == 1:
            lines.append(f"drawn: {drawn[0]} of {sizes[0]:,} units a layer" if narrow else
                         f"drawn: the strongest {drawn[0]} of {sizes[0]:,} units per hidden "
                         "layer")
        else:
            lines.append("drawn: the strongest " + ", ".join(
                f"{d} of {s:,}" for d, s in zip(drawn, sizes, strict=True)) + " hidden units")
    if pic.dropout > 0:
        lines.append(f"dropout {pic.dropout:g}: {_share(pic.dropout)} hidden units off each "
                     "step")
    return lines


def counts_note(pic: Picture) -> str:
    """What changes while the run trains, in two lines (joined by "\\n"): the connections
    above the threshold, and which of them are drawn."""
    drawn = len(pic.edges)
    head = f"{pic.above:,} of {pic.total:,} connections with |w| ≥ {THRESHOLD:g}"
    if drawn == pic.above:
        tail = "all drawn" if drawn else "none drawn"
    elif drawn == MAX_EDGES:
        tail = f"the strongest {drawn:,} drawn"
    else:
        tail = f"{drawn:,} drawn: those between the units shown"
    return f"{head}\n{tail}"


def strength_level(w: np.ndarray) -> np.ndarray:
    """The step (0 .. BINS - 1) each weight is drawn at: |w| on the fixed scale [THRESHOLD, 1]
    (clamped), rounded to the nearest of BINS equal steps."""
    t = np.clip((np.abs(np.asarray(w, dtype=np.float64)) - THRESHOLD) / (1 - THRESHOLD), 0, 1)
    return np.rint(t * (BINS - 1)).astype(np.int64)


def step_style(level: int) -> tuple[float, float]:
    """(line width px, opacity) of step `level`: WIDTHS and OPACITIES from first to last."""
    t = level / (BINS - 1)
    return (round(WIDTHS[0] + t * (WIDTHS[1] - WIDTHS[0]), 3),
            round(OPACITIES[0] + t * (OPACITIES[1] - OPACITIES[0]), 3))


# A hidden unit's activation map, shown when the unit is hovered or clicked (static/lab-chart.js
# draws it over the diagram): the Inside page's colours, white (0) to blue (the layer's most).
MAP_LOW, MAP_HIGH = np.array([247, 247, 250]), np.array([31, 95, 191])
MAP_PALETTE = np.round(MAP_LOW + (MAP_HIGH - MAP_LOW) * np.linspace(0, 1, 256)[:, None]
                       ).astype(np.uint8)


def unit_maps(pic: Picture, units=None, deeper=()) -> dict[str, list[str]]:
    """{"layer:unit": [PNG data URI, the unit's name]} of the hidden units the diagram draws
    that a map was recorded of: the first hidden layer's from `units` (workers.recorder.Units),
    the deeper layers' from `deeper` (workers.recorder.Deeper); x2 up. The name as the unit's
    hover says it ("hidden 2 · unit 5"; units numbered from 1)."""
    names = layer_names(len(pic.sizes))
    found: dict[tuple[int, int], np.ndarray] = {}
    if units is not None:
        found |= {(1, int(u)): units.maps[k] for k, u in enumerate(np.asarray(units.order))}
    for each in deeper:
        found |= {(int(each.layer), int(u)): each.maps[k]
                  for k, u in enumerate(np.asarray(each.units))}
    out = {}
    for layer in range(1, len(pic.sizes) - 1):
        for u in np.asarray(pic.shown[layer]).tolist():
            if (layer, int(u)) in found:
                uri = png.data_uri(png.encode(found[layer, int(u)][::-1], MAP_PALETTE))
                out[f"{layer}:{int(u)}"] = [uri, plain(f"{names[layer]} · unit {int(u) + 1:,}")]
    return out


def diagram_chart(pic: Picture | None, *, title: str = "The network",
                  ref: Picture | None = None, narrow: bool = False, units=None,
                  deeper=()) -> dict:
    """A figure of `pic`: layers as columns left to right, units as dots, connections as lines
    (width and opacity from |w| on the fixed scale [THRESHOLD, 1], colour from the sign), dead
    units hollow and grey. Each unit's point has customdata [layer index, unit index in its
    layer] (for clicks) and says its layer, number and state on hover. `pic` None: an empty
    figure saying so. `ref` (a pinned run's picture) is accepted and not drawn yet. `narrow`:
    one of two side by side, the legend under the plot (else to its right). `units`: the
    run's first-layer units (workers.recorder.Units, a finished run's), `deeper` its deeper
    layers' (workers.recorder.Deeper): their activation maps go into meta.unit_maps, shown over
    the diagram when a unit is hovered."""
    del ref
    if pic is None:
        return common.empty(title, NOT_YET, height=HEIGHT)
    layers = len(pic.sizes)
    rows = max(max(len(u) for u in pic.shown), 1)
    names = layer_names(layers)
    ys = [_positions(len(u), rows) for u in pic.shown]
    sub = subtitle(pic, narrow)
    # one note a line (each wrapped apart: the page text over the chart, static/lab-chart.js,
    # keeps them as two lines and wraps each to its column)
    counts = [wrap(line, NARROW_NOTE_CHARS if narrow else NOTE_CHARS)
              for line in counts_note(pic).split("\n")]
    top = HEAD_PX + LINE_PX * (len(sub) + sum(common.lines_of(c) for c in counts))
    plot_px = HEIGHT - top - NAMES_PX - (NARROW_LEGEND_PX if narrow else 0)
    unit_px = float(np.clip(0.7 * plot_px / rows, *UNIT_PX))
    traces = (_edge_traces(pic, ys) + _units(pic, ys, names, unit_px) + _sign_legend())
    counts_text = [{**note("", TEXT_COLOUR), "text": line} for line in counts]
    legend = ({"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom",
               "x": 0, "xanchor": "left"} if narrow else
              {"orientation": "v", "yref": "paper", "y": 1, "yanchor": "top", "x": 1.02,
               "xanchor": "left"})
    return figure(
        title, traces, height=HEIGHT, subtitle=sub, notes=counts_text, top=top,
        left=8, right=12 if narrow else LEGEND_BESIDE_PX,
        bottom=NAMES_PX + (NARROW_LEGEND_PX if narrow else 0),
        legend={**legend, "itemclick": "toggle", "itemsizing": "constant"},
        hovermode="closest", dragmode=False,
        meta={"unit_maps": unit_maps(pic, units, deeper)},
        xaxis={"range": [-0.35, layers - 1 + 0.35], "tickvals": list(range(layers)),
               "ticktext": [plain(n) for n in names], "tickfont": {"size": NOTE_SIZE,
                                                                  "color": SUBTLE_COLOUR},
               "showgrid": False, "zeroline": False, "showline": False, "ticks": "",
               "fixedrange": True, "automargin": True,
               "ticklabeloverflow": common.TICK_OVERFLOW},
        yaxis={"range": [-rows / 2, rows / 2], "visible": False, "fixedrange": True})


def _edge_traces(pic: Picture, ys: list[np.ndarray]) -> list[dict]:
    """The drawn connections, grouped: one trace per (step of |w|, sign), weakest first (the
    strongest on top), each a line of segments from a source unit's dot to its target's,
    separated by None; in the sign's legend group. Then invisible points at the segments'
    middles that tell each connection's weight on hover."""
    if not len(pic.edges):
        return []
    layer, src, dst = (pic.edges[:, k].astype(np.int64) for k in range(3))
    w = pic.edges[:, 3].astype(np.float64)
    y_of = np.zeros((len(ys), max(len(v) for v in ys)))  # y_of[layer, position]
    for i, v in enumerate(ys):
        y_of[i, :len(v)] = v
    x0, x1 = layer.astype(np.float64), layer + 1.0
    y0, y1 = y_of[layer, src], y_of[layer + 1, dst]
    level = strength_level(w)
    positive = w > 0
    traces = []
    for step in range(BINS):
        width, opacity = step_style(step)
        for sign, colour, mine in ((SIGNS[0], POS_COLOUR, positive),
                                   (SIGNS[1], NEG_COLOUR, ~positive)):
            pick = (level == step) & mine
            if not pick.any():
                continue
            gap = np.full(int(pick.sum()), np.nan)
            traces.append({
                "type": "scatter", "mode": "lines", "name": plain(f"{sign}, step {step + 1}"),
                "uid": f"edges-{SIGN_UIDS[sign]}-{step}",
                "x": nums(np.stack([x0[pick], x1[pick], gap], axis=1)),
                "y": nums(np.stack([y0[pick], y1[pick], gap], axis=1)),
                "line": {"color": colour, "width": width}, "opacity": opacity,
                "legendgroup": sign, "showlegend": False, "hoverinfo": "skip"})
    traces.append({
        "type": "scatter", "mode": "markers", "name": "weights", "uid": "weights",
        "x": nums((x0 + x1) / 2), "y": nums((y0 + y1) / 2),
        "text": [f"w = {v:+.3f}" for v in w.tolist()],
        "marker": {"size": 8, "opacity": 0, "color": SUBTLE_COLOUR},
        "hovertemplate": "%{text}<extra></extra>", "showlegend": False})
    return traces


def _units(pic: Picture, ys: list[np.ndarray], names: list[str], size: float) -> list[dict]:
    """Two traces of unit dots, the living (filled, dark) and the dead (hollow, grey): each
    point's customdata is [layer index, unit index in the layer], its hover text the layer,
    the unit's number (from 1) and whether it is dead."""
    layer = np.concatenate([np.full(len(u), i) for i, u in enumerate(pic.shown)])
    unit = np.concatenate(pic.shown).astype(np.int64)
    y = np.concatenate(ys)
    dead = np.concatenate(pic.dead).astype(bool)
    out = []
    for state, pick, fill, line in ((STATES[0], ~dead, UNIT_COLOUR, UNIT_COLOUR),
                                    (STATES[1], dead, "#ffffff", DEAD_COLOUR)):
        words = [f"{plain(names[i])} · unit {u + 1:,} of {pic.sizes[i]:,}"
                 + (" · dead: 0 on every training point" if state == STATES[1] else "")
                 for i, u in zip(layer[pick].tolist(), unit[pick].tolist(), strict=True)]
        # (no dead unit: one point at None, so that the legend still shows the hollow dot;
        # Plotly leaves a trace without points out of the legend)
        out.append({
            "type": "scatter", "mode": "markers", "name": state, "uid": state.replace(" ", "-"),
            "x": ints(layer[pick]) if pick.any() else [None],
            "y": nums(y[pick]) if pick.any() else [None],
            "customdata": [[i, u] for i, u in zip(ints(layer[pick]), ints(unit[pick]),
                                                  strict=True)],
            "hovertext": words, "hoverinfo": "text",
            "marker": {"color": fill, "size": round(size, 1), "symbol": "circle",
                       "line": {"color": line, "width": 1.5}},
            "legendgroup": state, "showlegend": True})
    return out


def _sign_legend() -> list[dict]:
    """The signs' legend entries (no points of their own): each shows or hides the
    connections of its sign (their legend group)."""
    return [{"type": "scatter", "mode": "lines", "x": [None], "y": [None], "name": plain(sign),
             "uid": f"legend-{SIGN_UIDS[sign]}",
             "line": {"color": colour, "width": 4}, "legendgroup": sign, "showlegend": True,
             "hoverinfo": "skip"}
            for sign, colour in ((SIGNS[0], POS_COLOUR), (SIGNS[1], NEG_COLOUR))]
