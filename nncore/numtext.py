"""Values written as text (links, sweep definitions, CLI values, config strings): one strict
reader per type, numbers, whole numbers, yes/no and layer sizes.

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
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
SIZES_HELP = "layer sizes are whole numbers separated by commas, e.g. 128,128"


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


def integral(x: int | float) -> int:
    """`x` as an int if it is a whole number (2.0 -> 2); ValueError for 2.5."""
    if isinstance(x, float) and not x.is_integer():
        raise ValueError("not a whole number")
    return int(x)


def boolean(text: str) -> bool:
    """True for 1/true/yes/on, False for 0/false/no/off (any case, spaces around ignored)."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("expected 1/0 or true/false")


def sizes(text: str) -> tuple[int, ...]:
    """Layer sizes "128-128" (what links carry) or "128,128": whole numbers, any count (the
    caller checks how many and how large)."""
    parts = text.replace(",", "-").split("-")
    if not all(WHOLE.fullmatch(p) for p in parts):
        raise ValueError(SIZES_HELP)
    return tuple(int(p) for p in parts)
