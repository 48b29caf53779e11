"""Decision regions: the model's class probabilities on a grid of cells covering the data."""

from __future__ import annotations

import numpy as np


def grid_bounds(X: np.ndarray, margin: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) corners of X's bounding box widened by `margin` of its size on each side."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    return lo - pad, hi + pad


def grid_axes(X: np.ndarray, resolution: int = 100, margin: float = 0.25):
    """Centres of `resolution` equal cells along each axis of grid_bounds(X, margin): the cells
    tile the box exactly, whatever the resolution, so a chart can draw cell k of n as the k-th
    of n equal bands over the same bounds."""
    lo, hi = grid_bounds(X, margin)
    steps = (np.arange(resolution) + 0.5) / resolution
    return lo[0] + steps * (hi[0] - lo[0]), lo[1] + steps * (hi[1] - lo[1])


def decision_grid(model, X: np.ndarray, *, resolution: int = 100, margin: float = 0.25):
    """(xs (res,), ys (res,), probs (res, res, classes)); probs[i, j] is at (xs[j], ys[i])."""
    xs, ys = grid_axes(np.asarray(X), resolution, margin)
    gx, gy = np.meshgrid(xs, ys)
    points = np.c_[gx.ravel(), gy.ravel()]
    probs = model.predict_proba(points)
    return xs, ys, probs.reshape(resolution, resolution, -1).astype(np.float64)
