"""Softmax, categorical cross-entropy and their fused backward pass."""

from __future__ import annotations

import numpy as np

CLIP = 1e-7  # as in the notes: keeps log() finite for a confident wrong answer


def row_max(a: np.ndarray) -> np.ndarray:
    """Max of each row, (n, 1). For few columns a loop over columns beats max(axis=1) ~20x."""
    if a.shape[1] > 16:
        return a.max(axis=1, keepdims=True)
    m = a[:, :1].copy()
    for j in range(1, a.shape[1]):
        np.maximum(m, a[:, j : j + 1], out=m)
    return m


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracting the row max first keeps exp() from overflowing."""
    e = np.exp(logits - row_max(logits))
    e /= e @ np.ones((e.shape[1], 1), dtype=e.dtype)  # row sums via BLAS
    return e


def row_argmax(a: np.ndarray) -> np.ndarray:
    """np.argmax(a, axis=1) (first maximum wins), by a loop over few columns for speed."""
    if a.shape[1] > 16:
        return a.argmax(axis=1)
    best, idx = a[:, 0].copy(), np.zeros(a.shape[0], dtype=np.intp)
    for j in range(1, a.shape[1]):
        better = a[:, j] > best
        idx[better] = j
        np.maximum(best, a[:, j], out=best)
    return idx


def accuracy(scores: np.ndarray, y: np.ndarray) -> float:
    """Share of rows whose largest score (logit or probability) is at the true class."""
    return float(np.mean(row_argmax(scores) == as_labels(y)))


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


class SoftmaxCrossEntropy:
    """The fused softmax + cross-entropy for one fixed target set (the training set).

    Same maths as `softmax`, `cross_entropy` and `softmax_cross_entropy_backward`; it
    precomputes the flat positions of the true classes so that each epoch picks them with
    one `take` and subtracts the one-hot in place.
    """

    def __init__(self, y: np.ndarray, n_classes: int):
        self.labels = as_labels(y)
        self.n = len(self.labels)
        self._true = np.arange(self.n) * n_classes + self.labels  # flat index of p[i, y_i]
        self._probs: np.ndarray | None = None

    def forward(self, logits: np.ndarray) -> tuple[float, float]:
        """(mean cross-entropy, accuracy) of the logits against the targets."""
        probs = self._probs = softmax(logits)
        correct = np.clip(probs.take(self._true), CLIP, 1 - CLIP)
        loss = -float(np.log(correct).sum()) / self.n
        hits = np.count_nonzero(row_argmax(logits) == self.labels)
        return loss, hits / self.n

    def backward(self) -> np.ndarray:
        """(softmax - onehot) / n, written over the probabilities of the last forward."""
        grad = self._probs
        grad.reshape(-1)[self._true] -= 1
        grad *= 1.0 / self.n
        return grad
