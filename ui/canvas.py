"""Drawing a chart spec (ui.charts) into the page: the one place that calls st.vega_lite_chart."""

from __future__ import annotations

# Vega-Lite on a canvas for every chart: Streamlit would pick SVG or canvas by row count, and a
# renderer that changed while the data grows would rebuild the chart (see ui.charts.common).
CANVAS = {"embedOptions": {"renderer": "canvas"}}


def draw(where, spec: dict, *, alt: str | None = None):
    """Draw `spec` as wide as `where` (st, a column or container, or the handle of a chart drawn
    before: redrawn in place) and return the element's handle, for the next redraw. `alt`: the
    chart's accessible name."""
    return where.vega_lite_chart({**spec, "usermeta": CANVAS}, width="stretch", alt=alt)
