"""Numbers written as text (links, sweep definitions, CLI values): one strict reader for all.

Python's float() and int() also take "1_000", "٣" and other scripts' digits, " 5 ", "inf" and
"nan": a link or a sweep written so is a typo or a trick, never a number the lab should run.
"""

from __future__ import annotations

import math
import re

# ASCII digits, an optional sign, point and exponent.
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
WHOLE = re.compile(r"\d+", re.ASCII)
NUMBER_HELP = "write it with the digits 0-9, e.g. 100, 0.5 or 5e-4"
WHOLE_HELP = "write it with the digits 0-9, e.g. 5"


def number(text: str) -> float:
    """The finite float `text` spells (ASCII digits only); ValueError says what is allowed."""
    if not NUMBER.fullmatch(text):
        raise ValueError(f"not a number: {NUMBER_HELP}")
    x = float(text)
    if not math.isfinite(x):
        raise ValueError("not a finite number")
    return x


def whole(text: str) -> int:
    """The whole number `text` spells (ASCII digits 0-9 only, no sign)."""
    if not WHOLE.fullmatch(text):
        raise ValueError(f"not a whole number: {WHOLE_HELP}")
    return int(text)
