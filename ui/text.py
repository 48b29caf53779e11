"""Text a user sent (a link's value, a file's name, a CSV cell, an error that quotes them),
made safe to put into Streamlit's markdown (st.warning, st.error, st.caption...): shown as
the characters it is, never as a link, an image, a colour or an icon. Pure: no Streamlit.

How: a markdown code span, fenced with more backticks than any run inside the text (inside a
code span CommonMark and GFM make no links, images, emphasis, HTML or autolinks; checked in
headless Chromium: tests/e2e/test_hostile_input.py). Streamlit's frontend turns `:material/x:`
into an icon before it parses the markdown, code spans included, so a zero-width space after
such a colon breaks that one pattern without changing what is shown.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
LIMIT = 80  # characters shown of one piece of user text


def literal(text: object, limit: int = LIMIT) -> str:
    """`text` (whitespace runs and control characters as one space, at most `limit`
    characters and an ellipsis) as a markdown code span that shows it verbatim."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    if len(flat) > limit:
        flat = flat[:limit] + "…"
    flat = re.sub(r":(?=material)", ":" + ZWSP, flat, flags=re.IGNORECASE)
    if not flat:
        return "(empty)"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    return f"{fence} {flat} {fence}"
