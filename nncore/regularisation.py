"""The one place that computes the L1/L2 penalty and its gradient."""

from __future__ import annotations

import numpy as np


def penalty(theta: np.ndarray, l1: np.ndarray | None, l2: np.ndarray | None) -> float:
    """sum(l1 * |theta|) + sum(l2 * theta^2), with per-element coefficients (None: no term)."""
    total = 0.0
    if l1 is not None:
        total += np.dot(l1, np.abs(theta))
    if l2 is not None:
        total += np.dot(l2, theta * theta)
    return float(total)


def add_penalty_grad(theta: np.ndarray, l1: np.ndarray | None, l2: np.ndarray | None,
                     grad: np.ndarray) -> None:
    """grad += l1 * sign(theta) + 2 * l2 * theta (None: no term).

    sign(0) = 0: at the kink L1 contributes no push (the notes' code pushed +l1 there).
    """
    if l1 is not None:
        grad += l1 * np.sign(theta)
    if l2 is not None:
        grad += 2 * l2 * theta
