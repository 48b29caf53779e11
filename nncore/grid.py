"""Decision regions: the model's class probabilities on a grid covering the data."""

from __future__ import annotations

import numpy as np


def grid_axes(X: np.ndarray, resolution: int = 100, margin: float = 0.25):
    """Evenly spaced xs, ys spanning X's bounding box widened by `margin` of its size."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    return xs, ys


def decision_grid(model, X: np.ndarray, *, resolution: int = 100, margin: float = 0.25):
    """(xs (res,), ys (res,), probs (res, res, classes)); probs[i, j] is at (xs[j], ys[i])."""
    xs, ys = grid_axes(np.asarray(X), resolution, margin)
    gx, gy = np.meshgrid(xs, ys)
    points = np.c_[gx.ravel(), gy.ravel()]
    probs = model.predict_proba(points)
    return xs, ys, probs.reshape(resolution, resolution, -1).astype(np.float64)
