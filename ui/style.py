"""The page's few style rules (Streamlit has no setting for them), in one place.

- Less empty space above the first element: with the navigation in the top bar, Streamlit
  leaves ~6rem above the content; on a 1280 x 720 projector that pushed the charts below the
  fold.
- Metric values scale with the window (a fixed 2.25rem cut "94.4%" to "94…" in a card a
  sixth of a 1280-pixel screen wide).
"""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 4.25rem; padding-bottom: 2rem; }
[data-testid="stMetricValue"] { font-size: clamp(1.25rem, 1.9vw, 2rem); }
[data-testid="stMetric"] > div { padding: 0.55rem 0.65rem; }
</style>
"""


def apply() -> None:
    """Add the style rules to this run's page (no element is shown)."""
    st.html(CSS)
