"""Decision regions: the model's class probabilities on a grid of cells covering the data.

The box the cells tile is a square around the data (training points, and the validation points
when the caller passes them): equal spans on both axes, so that a chart drawn at equal aspect
(one unit of x1 as long as one of x2) is filled by the cells, and a margin of MARGIN of the
data's larger span on every side, so that the data fills the chart. It is a function of the
points only: the same for a run whatever session, page or resolution draws it (the live and
final grids, the replay snapshots of workers.recorder, the unit maps of the Inside page and the
chart's own placing of the cells must all pass the same points).
"""

from __future__ import annotations

import numpy as np

# Share of the data's larger span left free on every side of it (was 0.25 of each axis' span,
# then widened further by the chart: the regions ran to about +-3.5 around data within +-1.5).
MARGIN = 0.12


def _finite_points(X, X_val=None) -> np.ndarray:
    """The (n, 2) rows of X (and X_val) whose coordinates are both finite, as float64."""
    parts = [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in (X, X_val) if p is not None]
    points = np.vstack(parts) if parts else np.zeros((0, 2))
    return points[np.all(np.isfinite(points), axis=1)]


def grid_bounds(X: np.ndarray, X_val: np.ndarray | None = None, *,
                margin: float = MARGIN) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) corners of the square box around the points of X (and X_val): centred on
    their bounding box, as wide as its larger side plus `margin` of it on each side. No points
    (or all of them at one spot) give a box of side 2 (or 1 + 2 * margin) around them."""
    points = _finite_points(X, X_val)
    if not len(points):
        return np.array([-1.0, -1.0]), np.array([1.0, 1.0])
    lo, hi = points.min(axis=0), points.max(axis=0)
    span = float(np.max(hi - lo))
    half = (span if span > 0 else 1.0) * (0.5 + margin)
    centre = (lo + hi) / 2
    return centre - half, centre + half


def grid_axes(X: np.ndarray, resolution: int = 100, *, X_val: np.ndarray | None = None,
              margin: float = MARGIN):
    """Centres of `resolution` equal cells along each axis of grid_bounds(X, X_val): the cells
    tile the box exactly, whatever the resolution, so a chart can draw cell k of n as the k-th
    of n equal bands over the same bounds."""
    lo, hi = grid_bounds(X, X_val, margin=margin)
    steps = (np.arange(resolution) + 0.5) / resolution
    return lo[0] + steps * (hi[0] - lo[0]), lo[1] + steps * (hi[1] - lo[1])


def decision_grid(model, X: np.ndarray, *, X_val: np.ndarray | None = None,
                  resolution: int = 100, margin: float = MARGIN):
    """(xs (res,), ys (res,), probs (res, res, classes)); probs[i, j] is at (xs[j], ys[i]),
    over grid_bounds(X, X_val)."""
    xs, ys = grid_axes(X, resolution, X_val=X_val, margin=margin)
    gx, gy = np.meshgrid(xs, ys)
    points = np.c_[gx.ravel(), gy.ravel()]
    probs = model.predict_proba(points)
    return xs, ys, probs.reshape(resolution, resolution, -1).astype(np.float64)
