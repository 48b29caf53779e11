"""The one place that computes the L1/L2 penalty and its gradient."""

from __future__ import annotations

import numpy as np


def penalty(theta: np.ndarray, l1: np.ndarray, l2: np.ndarray) -> float:
    """sum(l1 * |theta|) + sum(l2 * theta^2), with per-element coefficients."""
    return float(np.dot(l1, np.abs(theta)) + np.dot(l2, theta * theta))


def add_penalty_grad(theta: np.ndarray, l1: np.ndarray, l2: np.ndarray, grad: np.ndarray) -> None:
    """grad += l1 * sign(theta) + 2 * l2 * theta.

    sign(0) = 0: at the kink L1 contributes no push (the notes' code pushed +l1 there).
    """
    grad += l1 * np.sign(theta)
    grad += 2 * l2 * theta
