"""What the charts share: the look, the colours, the layered spec, tables and legends.

Why Vega-Lite and not Plotly: the live view redraws every chart a few times a second, and a
redrawn chart must stay on screen. Streamlit (1.67) gives every `st.plotly_chart` an element ID
hashed from its figure, and its frontend keys the chart by that ID: each new figure unmounts the
chart and mounts a new one (blank or grey while it draws; on a loaded 2-core machine the page's
lazily loaded widgets then never got a quiet moment to appear). A `st.vega_lite_chart` without
selections has no ID: a new spec in the same place is compared with the old one and, when only
the named datasets changed, the frontend swaps the data in the existing view. So every spec in
ui.charts depends only on what is fixed during a run (classes, a toggle, whether a lambda is
on); every number that changes while training goes into a named dataset (`spec["datasets"]`,
pyarrow tables: Streamlit sends them as Arrow, apart from the spec).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"
DATA_COLOUR, REG_COLOUR, VAL_COLOUR = "#1f77b4", "#ff7f0e", "#d62728"
TOTAL_COLOUR, TRAIN_COLOUR, LR_COLOUR, WEIGHT_COLOUR = "#1b1f24", "#1f77b4", "#2ca02c", "#6c5ba7"
# 1,500 -> "1.5k": epoch ticks stay short on a narrow chart.
EPOCH_LABEL = ("datum.value >= 1000 ? format(datum.value / 1000, '~g') + 'k' "
               ": format(datum.value, '~g')")


def table(**columns) -> pa.Table:
    """A pyarrow table of the columns; floats as float32 (half the bytes, ample for a chart),
    non-finite values as nulls (Vega-Lite leaves a gap instead of failing on NaN)."""
    out = {}
    for name, values in columns.items():
        values = np.asarray(values)
        if values.dtype.kind == "f":
            values = values.astype(np.float32)
            out[name] = pa.array(values, mask=~np.isfinite(values))
        elif values.dtype.kind in "iub":
            out[name] = pa.array(values.astype(np.int32) if values.dtype.kind != "b" else values)
        else:
            out[name] = pa.array(values.tolist())
    return pa.table(out)


# Type sizes (px) for a projector at 1280 x 720 read from the back of a room (Streamlit's own
# theme draws chart text at 12 px): tick labels, then axis titles and legends, subtitles and the
# notes drawn from data, chart titles.
TICK_SIZE, LABEL_SIZE, NOTE_SIZE, TITLE_SIZE = 15, 16, 15, 20
TEXT_COLOUR, SUBTLE_COLOUR = "#1b1f24", "#4a5260"
# Text is not cut short below the room it has: labels up to LABEL_LIMIT px (Vega-Lite's
# default: 160-180), a title and its subtitle lines up to the plot's width plus TITLE_ROOM (the
# y-axis beside the plot is at least that wide; Streamlit's default, the column less 40 px, cut
# "dense3 (not regularised)" in a third of a column at 1280 x 720). Not a fixed number or none
# at all: text wider than the chart would make Vega shrink the plot to make room for it (to
# nothing, when the text is wider than the column).
LABEL_LIMIT, TITLE_ROOM = 300, 60


def config(**extra) -> dict:
    """The shared look: large type for a projector, light grid, no frame. ARIA is off (the
    charts are canvases with an accessible name, ui.panels.ALT): were it unset, Streamlit's
    frontend would switch it off once a chart passed 5,000 rows, a spec change mid-run."""
    return {"font": FONT, "view": {"stroke": None}, "aria": False, "mark": {"aria": False},
            "axis": {"labelFontSize": TICK_SIZE, "titleFontSize": LABEL_SIZE,
                     "gridColor": "#e3e7ee", "domainColor": "#c4cad4", "tickColor": "#c4cad4",
                     "titleFontWeight": 400, "labelColor": TEXT_COLOUR,
                     "titleColor": TEXT_COLOUR, "labelLimit": LABEL_LIMIT,
                     "titleLimit": LABEL_LIMIT},
            "legend": {"labelFontSize": LABEL_SIZE, "titleFontSize": LABEL_SIZE,
                       "titleFontWeight": 400, "labelColor": TEXT_COLOUR,
                       "titleColor": TEXT_COLOUR, "orient": "top", "direction": "horizontal",
                       "symbolStrokeWidth": 3, "symbolSize": 120, "labelLimit": LABEL_LIMIT,
                       "titleLimit": LABEL_LIMIT, "columnPadding": 14, "rowPadding": 4,
                       "offset": 6, "padding": 0},
            "title": {"fontSize": TITLE_SIZE, "anchor": "start", "fontWeight": 600,
                      "color": TEXT_COLOUR, "subtitleFontSize": NOTE_SIZE,
                      "subtitleColor": SUBTLE_COLOUR, "subtitlePadding": 4, "offset": 6},
            **extra}


def chart(title: str, layers: list[dict], datasets: dict[str, pa.Table], *, height: int,
          subtitle: str | list[str] | None = None, title_offset: int | None = None,
          **extra) -> dict:
    """A layered spec (Streamlit sets its width to the container's: width="stretch").
    `subtitle`: a line, or lines (one under the other: a long subtitle was cut short in a
    half-width column at 1280 x 720). `title_offset`: px between the title and what is drawn
    under it (a note_layer over the plot makes its own room: text that changes while a run
    trains is drawn from data; a subtitle is spec, and changing it would rebuild the chart).
    The title's limit: see TITLE_ROOM."""
    head = {"text": title, **({"subtitle": subtitle} if subtitle else {}),
            **({"offset": title_offset} if title_offset else {}),
            "limit": {"expr": f"width + {TITLE_ROOM}"}}
    return {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "title": head,
            "height": height, "autosize": {"type": "fit", "contains": "padding"},
            "datasets": datasets, "layer": layers, "config": config(), **extra}


def x_epoch(**extra) -> dict:
    return {"field": "epoch", "type": "quantitative", "title": "epoch",
            "scale": {"zero": True, "nice": False},
            "axis": {"tickCount": 5, "labelExpr": EPOCH_LABEL}, **extra}


def legend(names: list[str], colours: list[str], **legend_props) -> tuple[dict, pa.Table]:
    """(layer, dataset) of a legend for series drawn in fixed colours: one invisible point per
    series, coloured through a scale whose legend is the chart's. (The series' own layers
    carry no colour field: a constant column or a transform per layer would be redrawn with
    every update.) The layer reads the dataset named "legend"."""
    layer = {"data": {"name": "legend"}, "mark": {"type": "point", "opacity": 0, "filled": True},
             "encoding": {"color": {"field": "series", "type": "nominal", "title": None,
                                    "scale": {"domain": names, "range": colours},
                                    "legend": {"symbolOpacity": 1, "symbolType": "square",
                                               **legend_props}}}}
    return layer, table(series=np.array(names))


# A note drawn from data over a plot (a run's last reg loss, the weights' near-zero share)
# wraps into lines as wide as the plot: about CHAR_PX pixels a character at NOTE_SIZE (Source
# Sans Pro averages ~7). The lines stand on the plot and push the title up (a title's offset
# counts from the top of everything drawn, the note too).
CHAR_PX, NOTE_LINE = 8, 19
NOTE_OFFSET = 6  # title offset over a note: the usual (the note's lines make their own room)


def note_layer(dataset: str, colour: str, *, field: str = "text", **mark) -> dict:
    """A layer writing `dataset`'s `field` in the top left corner above the plot, its last
    line just over the plot, wrapped between words into lines of the plot's width (a word
    longer than a line runs on)."""
    chars = f"max(floor(width / {CHAR_PX}), 12)"
    wrap = (f"trim(replace(datum.{field}, regexp('(.{{1,' + {chars} + '}})( +|$)', 'g'), "
            "'$1\\n'))")
    top = f"-4 - {NOTE_LINE} * length(split(datum.lines, '\\n'))"  # (px above the plot)
    return {"data": {"name": dataset},
            "transform": [{"calculate": wrap, "as": "lines"}, {"calculate": top, "as": "top"}],
            "mark": {"type": "text", "align": "left", "baseline": "top", "lineBreak": "\n",
                     "lineHeight": NOTE_LINE, "fontSize": NOTE_SIZE, "color": colour, **mark},
            "encoding": {"text": {"field": "lines"}, "x": {"value": 0},
                         "y": {"field": "top", "type": "quantitative", "scale": None}}}
