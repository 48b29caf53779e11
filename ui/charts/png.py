"""PNG images made in NumPy, as data URIs for a Plotly `image` trace (the decision regions' cells:
one image instead of thousands of marks).

Written here with zlib and struct (the format is a signature and three chunks: header, the
zlib-compressed rows, end) because no image library is a declared dependency: Pillow comes
with Streamlit today but is not ours to rely on, and encoding a 100 x 100 palette image is a
few lines. Indexed colour (one byte a pixel, a palette of at most 256 colours) keeps the
regions small: their pixels are cell codes already.
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG chunk: length, type, data, CRC-32 of type and data."""
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def encode(pixels: np.ndarray, palette: np.ndarray | None = None) -> bytes:
    """PNG bytes of `pixels`: (h, w, 3) uint8 RGB, or (h, w) indices into `palette` ((n, 3)
    uint8 RGB, n <= 256). Row 0 of `pixels` is the image's first (top) row."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    h, w = pixels.shape[:2]
    if palette is None:
        if pixels.ndim != 3 or pixels.shape[2] != 3:
            raise ValueError("RGB pixels must be (h, w, 3)")
        colour_type, plte = 2, b""
    else:
        palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
        if pixels.ndim != 2 or not 0 < len(palette) <= 256 or (
                pixels.size and int(pixels.max()) >= len(palette)):
            raise ValueError("indexed pixels must be (h, w) indices into a palette of <= 256")
        colour_type, plte = 3, _chunk(b"PLTE", palette.tobytes())
    rows = pixels.reshape(h, -1)
    raw = np.zeros((h, 1 + rows.shape[1]), np.uint8)  # each row: filter type 0 (none), bytes
    raw[:, 1:] = rows
    header = struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)  # 8 bits, no interlace
    return (SIGNATURE + _chunk(b"IHDR", header) + plte
            + _chunk(b"IDAT", zlib.compress(raw.tobytes(), 9)) + _chunk(b"IEND", b""))


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def rgb(hex_colours: list[str]) -> np.ndarray:
    """("#rrggbb", ...) -> (n, 3) uint8."""
    return np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in hex_colours],
                    dtype=np.uint8).reshape(-1, 3)
