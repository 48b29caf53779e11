"""Thinning a long series for drawing or keeping: every k-th record, or records spread evenly."""

from __future__ import annotations

import numpy as np


def thin(first: np.ndarray, *rest: np.ndarray, max_points: int, keep_last: bool = True,
         evenly: bool = False) -> tuple[np.ndarray, ...]:
    """The same rows of `first` and of each of `rest` (all of length n), at most ~max_points:
    every k-th row, k = ceil(n / max_points), plus the last row if `keep_last` (a curve still
    ends at its last epoch: then one more than max_points may remain); or, if `evenly`,
    max_points rows spread evenly from the first to the last. Short series come back whole."""
    n = len(first)
    if n <= max_points:
        return (np.asarray(first), *map(np.asarray, rest))
    if evenly:
        idx = np.unique(np.linspace(0, n - 1, max_points).astype(int))
    else:
        idx = np.arange(0, n, int(np.ceil(n / max_points)))
        if keep_last:
            idx = np.unique(np.r_[idx, n - 1])
    return (np.asarray(first)[idx], *(np.asarray(s)[idx] for s in rest))
