"""The page's few style rules (Streamlit has no setting for them), in one place.

- Less empty space above the first element: with the navigation in the top bar, Streamlit
  leaves ~6rem above the content; on a 1280 x 720 projector that pushed the charts below the
  fold.
- The preset's story is a compact alert (.st-key-pg_story): three lines of a full-size alert
  pushed the loss chart below a 1280 x 720 screen.
- The Playground's six cards are one row of six in a column 460 px wide or more (a container
  query on the column), rows of three in a narrower one (.st-key-pg_cards; st.columns
  stacked them one per row on a phone, and two rows pushed the loss chart below a 1280 x 720
  screen; six in the pinned view's ~434-px column at 1280 x 720 with the sidebar open cut
  "94.4%" to "94.…"); on a phone the page links show as a row at the top (.st-key-phone_nav:
  Streamlit hides the top navigation there, behind the sidebar button) and a formula wider
  than the screen scrolls instead of being cut.
- Metric values and labels scale with their own card (a CSS container query: a fixed 2.25rem
  cut "94.4%" to "94…" in a card a sixth of a 1280-pixel screen wide, and the lesson's column
  beside the charts makes the cards narrower still), at a size that fits "100.0%", the widest
  value (27% of the card cut it to "100.…" on a phone and at 1280 x 720 with the sidebar open);
  a label that does not fit wraps instead of ending in "…".
- On a phone the Playground's columns stack: the cards' column comes first (its cards, then the
  loss split), the lesson's text before it in lesson mode, then the regions' column (they
  came after the regions, the replay and the accuracy chart: a screen and a half down).
- The element that starts loading plotly.js (.st-key-lab_plotly_preload, ui/canvas.py) takes
  no room.
"""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 4.25rem; padding-bottom: 2rem; }
.st-key-pg_cards { display: grid !important; grid-template-columns: repeat(3, minmax(0, 1fr));
  gap: 0.5rem; }
[data-testid="stColumn"]:has(.st-key-pg_cards) { container-type: inline-size; }
@container (min-width: 460px) {
  .st-key-pg_cards { grid-template-columns: repeat(6, minmax(0, 1fr)); }
}
.st-key-pg_story [data-testid="stAlertContainer"] { padding: 0.4rem 0.75rem; }
.st-key-pg_story p { font-size: 0.9rem; line-height: 1.35; }
.st-key-phone_nav { display: none !important; }
.st-key-lab_plotly_preload,
[data-testid="stLayoutWrapper"]:has(> .st-key-lab_plotly_preload) { display: none !important; }
@media (max-width: 640px) {
  .st-key-phone_nav { display: flex !important; }
  [data-testid="stColumn"]:has(.st-key-pg_cards) { order: -1; }
  [data-testid="stColumn"]:has(.st-key-pg_aside) { order: -2; }
  .katex-display { font-size: 0.85em; }
}
.katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 0.2rem; }
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"] { font-size: clamp(0.95rem, 24cqw, 2rem); }
[data-testid="stMetricDelta"] { font-size: clamp(0.65rem, 12cqw, 0.875rem); max-width: 100%; }
[data-testid="stMetricDelta"] div { overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  font-size: clamp(0.7rem, 13cqw, 0.875rem); line-height: 1.15; }
[data-testid="stMetric"] > div { padding: 0.55rem 0.65rem; }
</style>
"""


def apply() -> None:
    """Add the style rules to this run's page (no element is shown)."""
    st.html(CSS)
