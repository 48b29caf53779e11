"""Softmax, categorical cross-entropy and their fused backward pass."""

from __future__ import annotations

import math

import numpy as np

CLIP = 1e-7  # as in the notes: keeps log() finite for a confident wrong answer


def row_max(a: np.ndarray) -> np.ndarray:
    """Max of each row, (n, 1). For few columns a loop over columns, not max(axis=1) (why:
    docs/DECISIONS.md#row-max-by-a-loop-over-columns)."""
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

    Same maths as `softmax`, `cross_entropy`, `accuracy` and `softmax_cross_entropy_backward`.
    It works class-major, on logits.T of shape (k, n): every per-sample operation over the
    few classes is then a loop over k long contiguous rows (a narrow Dense already returns
    its output column-major, so logits.T costs nothing). The true-class positions and the
    one-hot targets are precomputed once, and buffers are reused between epochs.
    """

    def __init__(self, y: np.ndarray, n_classes: int):
        self.labels = as_labels(y)
        self.n = len(self.labels)
        self.n_classes = n_classes
        self._true = self.labels * self.n + np.arange(self.n)  # flat index of p[y_i, i] in (k, n)
        self._probs_t: np.ndarray | None = None
        self._bufs: dict = {}  # work arrays and the (classes, dtype) they were made for

    def _buffers(self, k: int, dtype) -> dict[str, np.ndarray]:
        """The per-epoch work arrays, made once per (classes, dtype)."""
        b = self._bufs
        if b.get("key") != (k, dtype):
            n = self.n
            b.clear()
            b["key"] = (k, dtype)
            b.update(top=np.empty(n, dtype), total=np.empty(n, dtype),
                     correct=np.empty(n, dtype), probs=np.empty((k, n), dtype),
                     at_max=np.empty((k, n), bool))
            b["onehot"] = np.zeros((k, n), dtype)
            b["onehot"].reshape(-1)[self._true] = 1
        return b

    def forward(self, logits: np.ndarray) -> tuple[float, float]:
        """(mean cross-entropy, accuracy) of the logits (n, k) against the targets."""
        lt = np.ascontiguousarray(logits.T)  # a view when logits are column-major
        k, n = lt.shape
        if n != self.n:
            raise ValueError(f"logits have {n} rows for {self.n} targets")
        buf = self._buffers(k, lt.dtype)
        # Reducing over the class axis adds the rows one after another, in the order `softmax`
        # sums (the same numbers), in one call.
        top = np.maximum.reduce(lt, axis=0, out=buf["top"])
        e = np.subtract(lt, top, out=buf["probs"])
        # A logit equals its row's max exactly when logit - max == 0.
        at_max = np.equal(e, 0, out=buf["at_max"])
        np.exp(e, out=e)
        e /= np.add.reduce(e, axis=0, out=buf["total"])
        self._probs_t = e
        # Per call these small steps cost mostly call overhead: ufuncs rather than np.clip
        # and ndarray.sum (the same operations).
        correct = e.take(self._true, out=buf["correct"])
        np.maximum(correct, CLIP, out=correct)
        np.minimum(correct, 1 - CLIP, out=correct)
        loss = -float(np.add.reduce(np.log(correct, out=correct))) / n
        # With a finite loss every sample has a maximum; if each has exactly one, argmax is
        # right iff the true class is at the max. Ties (argmax takes the first) or a
        # non-finite loss go the slow way.
        if math.isfinite(loss) and np.count_nonzero(at_max) == n:
            hits = np.count_nonzero(at_max.take(self._true))
        else:
            hits = np.count_nonzero(row_argmax(logits) == self.labels)
        return loss, hits / n

    def backward(self) -> np.ndarray:
        """(softmax - onehot) / n as an (n, k) array (a reused buffer, column-major: the
        transpose of the class-major work array), from the probabilities of the last forward
        (which it overwrites). The next layer reads it one class at a time."""
        grad_t = self._probs_t
        grad_t -= self._bufs["onehot"]
        grad_t *= 1.0 / self.n
        return grad_t.T
