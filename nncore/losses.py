"""Softmax, categorical cross-entropy and their fused backward pass."""

from __future__ import annotations

import numpy as np

CLIP = 1e-7  # as in the notes: keeps log() finite for a confident wrong answer


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracting the row max first keeps exp() from overflowing."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    e /= e.sum(axis=1, keepdims=True)
    return e


def as_labels(y: np.ndarray) -> np.ndarray:
    """Integer labels from integer labels (n,) or one-hot targets (n, k)."""
    y = np.asarray(y)
    return y.argmax(axis=1) if y.ndim == 2 else y


def cross_entropy(probs: np.ndarray, y: np.ndarray) -> float:
    """mean_i -log(clip(p[i, y_i])) for integer or one-hot targets."""
    labels = as_labels(y)
    correct = probs[np.arange(len(labels)), labels]
    return float(-np.log(np.clip(correct, CLIP, 1 - CLIP)).mean())


def softmax_cross_entropy_backward(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """d(mean CE)/d(logits) = (softmax - onehot) / n; the Jacobian product collapses to this."""
    labels = as_labels(y)
    n = len(labels)
    grad = probs.copy()
    grad[np.arange(n), labels] -= 1
    grad /= n
    return grad
