"""The network, drawn (issue 20, item 3): inputs, hidden units and outputs as columns of dots,
each drawn connection a line whose width and opacity grow with |w| on a fixed scale (the same
for every run, so two runs compare) and whose colour is its sign; dead units hollow. Takes a
workers.network.Picture, never a model or Streamlit; see ui.charts.common for why Vega-Lite.

The spec depends only on what is fixed during a run (the layer sizes, how many units of each
are drawn, the dropout rate: the subtitle says those); which units and connections are drawn,
and the counts that change as the run trains (connections above the threshold), are datasets.
"""

from __future__ import annotations

import numpy as np

from workers.network import MAX_EDGES, THRESHOLD, Picture

from .common import NOTE_LINE, NOTE_SIZE, SUBTLE_COLOUR, TEXT_COLOUR, chart, table

HEIGHT = 280  # px, the whole chart (title, subtitle, counts, legends, plot, layer names)
# The sign of a weight: blue and orange, told apart with any common colour-vision deficiency
# (darker than the class and loss colours, ui.charts.regions / common, so not read as those).
POS_COLOUR, NEG_COLOUR = "#2166ac", "#e66101"
SIGNS = ["w > 0", "w < 0"]
UNIT_COLOUR, DEAD_COLOUR = "#3d434d", "#9aa0a8"
STATES = ["unit", "dead unit"]
# Connections: |w| from THRESHOLD (thinnest, faintest) to 1 and above (widest, most opaque).
WIDTHS, OPACITIES = [0.3, 3.0], [0.2, 0.8]
# The legends to the right of the plot, one under the other (the space above it holds the
# title, the subtitle and the counts).
SIDE = {"orient": "right", "direction": "vertical"}
# Narrow (the pinned pair, half a column each): the legends in one row under the plot, where
# beside it they ran into the counts.
BELOW = {"orient": "bottom", "direction": "horizontal"}
NOT_YET = "no network yet"
NOTE_ROOM = 2 * NOTE_LINE + 10  # px at the top of the plot for the counts (two lines)


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
    """What changes while the run trains, in two lines: the connections above the threshold,
    and which of them are drawn. (Lines of their own, not wrapped to the plot's width: text
    wrapped by a width-dependent expression upset Vega's fitted layout, the title cut off.)"""
    drawn = len(pic.edges)
    head = f"{pic.above:,} of {pic.total:,} connections with |w| ≥ {THRESHOLD:g}"
    if drawn == pic.above:
        tail = "all drawn" if drawn else "none drawn"
    elif drawn == MAX_EDGES:
        tail = f"the strongest {drawn:,} drawn"
    else:
        tail = f"{drawn:,} drawn: those between the units shown"
    return f"{head}\n{tail}"


def diagram_chart(pic: Picture | None, *, title: str = "The network",
                  ref: Picture | None = None, narrow: bool = False) -> dict:
    """A layered Vega-Lite spec of `pic`: layers as columns left to right, units as dots,
    connections as lines (width and opacity from |w| on the fixed scale [THRESHOLD, 1], colour
    from the sign), dead units hollow and grey. `pic` None: an empty chart saying so. `ref` (a
    pinned run's picture) is accepted and not drawn yet."""
    del ref
    if pic is None:
        return _empty(title)
    layers = len(pic.sizes)
    rows = max(len(u) for u in pic.shown)
    names = layer_names(layers)
    x = {"type": "quantitative", "title": None,
         "scale": {"domain": [-0.35, layers - 1 + 0.35], "nice": False, "zero": False},
         "axis": {"values": list(range(layers)), "domain": False, "ticks": False, "grid": False,
                  "labelExpr": f"{names}[datum.value]", "labelFontSize": NOTE_SIZE,
                  "labelColor": SUBTLE_COLOUR, "labelPadding": 6}}
    # The top NOTE_ROOM px of the plot hold the counts (drawn from data: see counts_note).
    y = {"type": "quantitative", "title": None, "axis": None,
         "scale": {"domain": [-rows / 2, rows / 2], "nice": False, "zero": False,
                   "range": [{"expr": "height"}, NOTE_ROOM]}}
    ys = [_positions(len(u), rows) for u in pic.shown]
    note = {"data": {"name": "note"},  # inside the plot, at its top
            "mark": {"type": "text", "align": "left", "baseline": "top", "x": 0, "y": 0,
                     "lineBreak": "\n", "lineHeight": NOTE_LINE, "fontSize": NOTE_SIZE,
                     "color": TEXT_COLOUR},
            "encoding": {"text": {"field": "text"}}}
    legend = BELOW if narrow else SIDE
    return chart(title, [_edge_layer(x, y, legend), _unit_layer(x, y, rows, legend), note],
                 {"edges": _edges(pic, ys), "units": _units(pic, ys, names),
                  "note": table(text=[counts_note(pic)])},
                 height=HEIGHT, subtitle=subtitle(pic, narrow) or None)


def _edges(pic: Picture, ys: list[np.ndarray]):
    """The "edges" dataset: one row per drawn connection (weakest first: the strongest on top),
    from its source unit's dot (x, y) to its target's (x2, y2)."""
    layer, src, dst = (pic.edges[:, k].astype(np.int64) for k in range(3))
    w = pic.edges[:, 3]
    y_of = np.zeros((len(ys), max(len(v) for v in ys)))  # y_of[layer, position]
    for i, v in enumerate(ys):
        y_of[i, :len(v)] = v
    return table(x=layer, y=y_of[layer, src], x2=layer + 1, y2=y_of[layer + 1, dst], w=w,
                 size=np.abs(w), sign=np.where(w > 0, SIGNS[0], SIGNS[1]).astype(str))


def _units(pic: Picture, ys: list[np.ndarray], names: list[str]):
    """The "units" dataset: one row per drawn unit."""
    return table(x=np.concatenate([np.full(len(u), i) for i, u in enumerate(pic.shown)]),
                 position=np.concatenate([np.arange(len(u)) for u in pic.shown]),
                 y=np.concatenate(ys),
                 unit=np.concatenate(pic.shown).astype(np.int64) + 1,
                 layer=np.array([names[i] for i, u in enumerate(pic.shown) for _ in u], str),
                 state=np.where(np.concatenate(pic.dead), STATES[1], STATES[0]).astype(str))


def _edge_layer(x: dict, y: dict, legend: dict = SIDE) -> dict:
    size = {"field": "size", "type": "quantitative", "legend": None}
    fixed = {"domain": [THRESHOLD, 1.0], "clamp": True, "zero": False, "nice": False}
    return {"data": {"name": "edges"}, "mark": {"type": "rule", "strokeCap": "round"},
            "encoding": {
                "x": {**x, "field": "x"}, "y": {**y, "field": "y"},
                "x2": {"field": "x2"}, "y2": {"field": "y2"},
                "color": {"field": "sign", "type": "nominal", "title": None,
                          "scale": {"domain": SIGNS, "range": [POS_COLOUR, NEG_COLOUR]},
                          "legend": {**legend, "symbolType": "stroke", "symbolStrokeWidth": 4}},
                "strokeWidth": {**size, "scale": {**fixed, "range": WIDTHS}},
                "opacity": {**size, "scale": {**fixed, "range": OPACITIES}},
                "tooltip": [{"field": "w", "type": "quantitative", "title": "weight",
                             "format": ".3f"}]}}


def _unit_layer(x: dict, y: dict, rows: int, legend: dict = SIDE) -> dict:
    """The units: filled dark dots, dead ones hollow and grey; as large as a slot allows."""
    state = {"field": "state", "type": "nominal", "title": None}
    slot = f"(height - {NOTE_ROOM}) / {rows}"  # px between two units of the fullest layer
    return {"data": {"name": "units"},
            "mark": {"type": "point", "shape": "circle", "strokeWidth": 1.5, "opacity": 1,
                     "size": {"expr": f"pow(clamp({slot} * 0.7, 4, 14), 2)"}},
            "encoding": {
                "x": {**x, "field": "x"}, "y": {**y, "field": "y"},
                "fill": {**state, "scale": {"domain": STATES,
                                            "range": [UNIT_COLOUR, "#ffffff"]},
                         "legend": {**legend, "symbolType": "circle", "symbolStrokeWidth": 1.5}},
                "stroke": {**state, "scale": {"domain": STATES,
                                              "range": [UNIT_COLOUR, DEAD_COLOUR]},
                           "legend": {**legend, "symbolType": "circle", "symbolStrokeWidth": 1.5}},
                "tooltip": [{"field": "layer"}, {"field": "unit", "title": "unit #"},
                            {"field": "state", "title": "state"}]}}


def _empty(title: str) -> dict:
    """A chart with nothing but NOT_YET in its middle."""
    layer = {"data": {"name": "note"},
             "mark": {"type": "text", "fontSize": NOTE_SIZE, "color": SUBTLE_COLOUR,
                      "x": {"expr": "width / 2"}, "y": {"expr": "height / 2"}},
             "encoding": {"text": {"field": "text"}}}
    return chart(title, [layer], {"note": table(text=[NOT_YET])}, height=HEIGHT)
