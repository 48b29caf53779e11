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


def config(**extra) -> dict:
    """The shared look: large type for a projector, light grid, no frame. ARIA is off (the
    charts are canvases with an accessible name, ui.panels.ALT): were it unset, Streamlit's
    frontend would switch it off once a chart passed 5,000 rows, a spec change mid-run."""
    return {"font": FONT, "view": {"stroke": None}, "aria": False, "mark": {"aria": False},
            "axis": {"labelFontSize": 15, "titleFontSize": 16, "gridColor": "#e3e7ee",
                     "domainColor": "#c4cad4", "tickColor": "#c4cad4", "titleFontWeight": 400,
                     "labelColor": "#1b1f24", "titleColor": "#1b1f24"},
            "legend": {"labelFontSize": 15, "titleFontSize": 15, "orient": "top",
                       "direction": "horizontal", "symbolStrokeWidth": 3, "labelLimit": 260,
                       "offset": 6, "padding": 0},
            "title": {"fontSize": 20, "anchor": "start", "fontWeight": 600, "color": "#1b1f24",
                      "subtitleFontSize": 15, "subtitleColor": "#4a5260", "offset": 6},
            **extra}


def chart(title: str, layers: list[dict], datasets: dict[str, pa.Table], *, height: int,
          subtitle: str | None = None, title_offset: int | None = None, **extra) -> dict:
    """A layered spec (Streamlit sets its width to the container's: width="stretch").
    `title_offset` leaves room between the title and the plot for a line of text drawn
    from data (a subtitle is spec: changing it while a run trains would rebuild the chart)."""
    head = {"text": title, **({"subtitle": subtitle} if subtitle else {}),
            **({"offset": title_offset} if title_offset else {})}
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
