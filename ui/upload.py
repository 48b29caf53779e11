"""CSV upload handling: bytes -> points, with a clear message for anything unusable.

`parse_upload` is pure (tested directly); `handle_upload` keeps the last good upload in the
session, so a bad file leaves the previous data and charts in place.
"""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from nncore import CsvError, Dataset, load_csv, split_dataset

from .text import literal

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # matches server.maxUploadSize in .streamlit/config.toml


def parse_upload(name: str, raw: bytes) -> dict:
    """{"name", "digest", "X", "y", "rows", "classes"} from an uploaded file; raises CsvError."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise CsvError(f"the file is {len(raw) / 2**20:.1f} MB; at most "
                       f"{MAX_UPLOAD_BYTES / 2**20:.0f} MB are allowed")
    X, y = load_csv(raw)
    return {"name": name[:80], "digest": hashlib.sha256(raw).hexdigest()[:16], "X": X, "y": y,
            "rows": int(len(y)), "classes": int(y.max()) + 1}


def handle_upload(uploaded) -> None:
    """Parse a new upload once; on error keep the previous data and remember the message."""
    ss = st.session_state
    if uploaded is None or ss.get("cfg_csv_seen") == uploaded.file_id:
        return
    ss["cfg_csv_seen"] = uploaded.file_id
    try:
        ss["cfg_csv"] = parse_upload(uploaded.name, uploaded.getvalue())
        ss["cfg_csv_error"] = None
    except CsvError as exc:
        # The file's name and any cell the message quotes are the user's text.
        ss["cfg_csv_error"] = f"{literal(uploaded.name)} was not used: {exc.shown(literal)}."


def csv_dataset(upload: dict, val_fraction: float, seed: int) -> Dataset:
    """The uploaded points split into training and validation (seeded, per class)."""
    return split_dataset(upload["X"], upload["y"], val_fraction, seed)


def example_csv() -> bytes:
    """A small example file in the accepted format (two interleaved half-circles)."""
    t = np.linspace(0, np.pi, 60)
    upper = np.c_[np.cos(t), np.sin(t), np.zeros_like(t)]
    lower = np.c_[1 - np.cos(t), 0.4 - np.sin(t), np.ones_like(t)]
    rows = np.vstack([upper, lower])
    lines = ["x1,x2,label"] + [f"{a:.4f},{b:.4f},{int(c)}" for a, b, c in rows]
    return ("\n".join(lines) + "\n").encode()
