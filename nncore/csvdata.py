"""Parse a user's CSV of (x1, x2, label) rows into arrays, as numbers only, with clear errors."""

from __future__ import annotations

import csv
import io
import math

import numpy as np

MAX_ROWS = 20_000
MAX_CLASSES = 10
# Coordinates beyond this overflow the float32 network's activations long before it learns
# (1e300 even becomes inf when cast): reject them with a message instead.
MAX_ABS_COORD = 1e6
FORMAT = "a CSV with three columns x1, x2, label (an optional header row, numbers only)"


class CsvError(ValueError):
    """The uploaded file cannot be used; the message says what is wrong and what is allowed.

    A message that quotes one of the file's cells has "{cell}" where the cell goes and the
    cell in `cell`: str(error) quotes it with repr(), `shown(quote)` with a quoting function
    of the caller's (the dashboard shows the user's text literally, never as markdown)."""

    def __init__(self, message: str, cell: str | None = None):
        self.template, self.cell = message, cell
        super().__init__(self.shown(repr))

    def shown(self, quote) -> str:
        return self.template if self.cell is None else self.template.format(cell=quote(self.cell))


def _text(source) -> str:
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, (bytes, bytearray, memoryview)):
        if b"\x00" in bytes(source[:4096]):
            raise CsvError(f"the file looks binary, not text; expected {FORMAT}")
        try:
            return bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CsvError(f"the file is not UTF-8 text; expected {FORMAT}") from None
    if isinstance(source, str):
        return source
    raise CsvError(f"cannot read a {type(source).__name__}; expected {FORMAT}")


def _number(cell: str, row: int, column: str) -> float:
    try:
        x = float(cell)
    except ValueError:
        raise CsvError(f"row {row}: {column} is {{cell}}, not a number",
                       cell.strip()[:20]) from None
    if not math.isfinite(x):
        raise CsvError(f"row {row}: {column} is {{cell}}; only finite numbers are allowed",
                       cell.strip()[:20])
    if column != "label" and abs(x) > MAX_ABS_COORD:
        raise CsvError(f"row {row}: {column} is {{cell}}; coordinates must be between "
                       f"-{MAX_ABS_COORD:,.0f} and {MAX_ABS_COORD:,.0f} (rescale the data)",
                       cell.strip()[:20])
    return x


def _rows(text: str, max_rows: int) -> list[tuple[int, list[str]]]:
    try:
        rows = [(i, r) for i, r in enumerate(csv.reader(io.StringIO(text)), start=1)
                if any(c.strip() for c in r)]
    except csv.Error as e:
        raise CsvError(f"the file is not valid CSV ({e}); expected {FORMAT}") from None
    if rows and not _looks_numeric(rows[0][1][0] if rows[0][1] else ""):
        rows = rows[1:]  # a header row
    if not rows:
        raise CsvError(f"the file has no data rows; expected {FORMAT}")
    if len(rows) > max_rows:
        raise CsvError(f"the file has {len(rows)} rows; at most {max_rows} are allowed")
    return rows


def _looks_numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _labels(raw: np.ndarray, max_classes: int) -> np.ndarray:
    if not np.all(raw == np.round(raw)):
        raise CsvError("labels must be whole numbers (class ids such as 0, 1, 2)")
    values, y, counts = np.unique(raw, return_inverse=True, return_counts=True)
    if len(values) < 2:
        raise CsvError(f"every label is {values[0]:g}: at least 2 classes are needed")
    if len(values) > max_classes:
        raise CsvError(f"the labels name {len(values)} classes; at most {max_classes} allowed")
    if counts.min() < 2:
        lonely = values[counts.argmin()]
        raise CsvError(f"class {lonely:g} has only 1 row; every class needs at least 2")
    return y.astype(np.int64)


def load_csv(source, *, max_rows: int = MAX_ROWS, max_classes: int = MAX_CLASSES):
    """(X, y) from CSV text/bytes/file: X float64 (n, 2), y int labels remapped to 0..k-1."""
    values = []
    for row, cells in _rows(_text(source), max_rows):
        if len(cells) != 3:
            raise CsvError(f"row {row} has {len(cells)} columns; expected 3 (x1, x2, label)")
        names = ("x1", "x2", "label")
        values.append([_number(c, row, name) for c, name in zip(cells, names, strict=True)])
    data = np.array(values, dtype=np.float64)
    return data[:, :2].copy(), _labels(data[:, 2], max_classes)
