"""Checks the figure tests share (tests/ui/test_*): a figure is plain JSON that plotly's own
schema accepts, and the PNG of an image trace (ui.charts.png) read back independently."""

import base64
import json
import math
import re
import struct
import zlib

import numpy as np
import plotly.graph_objects as go


def plain_json(value, where: str = "fig") -> None:
    """Only what JSON holds as it stands: dicts of str keys, lists, str, int, float, bool,
    None (no numpy scalar or array, no tuple), no NaN or infinity."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert type(k) is str, f"{where}: key {k!r}"
            plain_json(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            plain_json(v, f"{where}[{i}]")
    else:
        assert type(value) in (str, int, float, bool, type(None)), f"{where}: {type(value)}"
        assert type(value) is not float or math.isfinite(value), f"{where}: {value}"


def valid(fig: dict) -> dict:
    """`fig`, checked: a figure's two keys, plain JSON, and what plotly's own schema accepts
    (go.Figure raises on a property plotly does not know, or a value it does not take); trace
    uids of letters, digits, "_" and "-" (plotly.js puts them into CSS selectors: a uid with
    a space and ">" failed a redraw in the browser)."""
    assert set(fig) == {"data", "layout"}
    for trace in fig["data"]:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", str(trace.get("uid", "x"))), trace.get("uid")
    plain_json(fig)
    json.dumps(fig, allow_nan=False)
    go.Figure(fig)
    return fig


def _read_png(data: bytes) -> tuple[np.ndarray, np.ndarray | None]:
    """A PNG as ui.charts.png writes it (8-bit RGB or indexed, no interlace, filter type 0 on
    every row), read here independently (chunks, CRCs, zlib): (h, w, 3) RGB pixels and None,
    or (h, w) palette indices and the palette."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        chunks.append((kind, body))
        pos += 12 + length
    kinds = [k for k, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    w, h, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8 and interlace == 0
    raw = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    per_pixel = {2: 3, 3: 1}[colour_type]
    rows = np.frombuffer(raw, np.uint8).reshape(h, 1 + w * per_pixel)
    assert (rows[:, 0] == 0).all()  # filter type 0 ("none") on every row
    pixels = rows[:, 1:]
    if colour_type == 2:
        return pixels.reshape(h, w, 3), None
    (plte,) = [b for k, b in chunks if k == b"PLTE"]
    return pixels, np.frombuffer(plte, np.uint8).reshape(-1, 3)


def decode_png(data: bytes) -> np.ndarray:
    """(h, w, 3) RGB of a PNG as ui.charts.png writes it (see _read_png)."""
    pixels, palette = _read_png(data)
    return pixels if palette is None else palette[pixels]


def png_indices(data: bytes) -> np.ndarray:
    """(h, w) palette indices of an indexed PNG as ui.charts.png writes it."""
    pixels, palette = _read_png(data)
    assert palette is not None, "not an indexed PNG"
    return pixels


def uri_bytes(uri: str) -> bytes:
    """The PNG in a data URI as ui.charts.png writes it."""
    head, _, body = uri.partition(",")
    assert head == "data:image/png;base64"
    return base64.b64decode(body)


def image_pixels(fig: dict) -> np.ndarray:
    """The RGB pixels of the figure's one image trace (its PNG data URI); for the decision
    regions, row r, column c is cell codes[r, c] (row 0 the lowest x2, regions.cells_png)."""
    (image,) = [t for t in fig["data"] if t["type"] == "image"]
    return decode_png(uri_bytes(image["source"]))
