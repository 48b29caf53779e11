"""Layers: Dense (in dense.py, with its four regularisation strengths), ReLU and Dropout.

Each layer has `forward(x, *, training, workspace=None)` and `backward(grad_out)`. In training
mode a layer remembers what its backward pass needs and reuses its output buffers between epochs
(full-batch training sees the same shapes every epoch); in inference mode it keeps nothing
itself, and writes into the caller's `workspace` (a dict) if given one.
"""

from __future__ import annotations

import math

import numpy as np

from .dense import Dense
from .dense import buffer as _buffer
from .params import Param

__all__ = ["Dense", "Dropout", "ReLU", "ReLUDropout", "fuse"]


class ReLU:
    """max(x, 0); its gradient passes where the input was positive.

    `overwrite_input` (set by the model when the input is a buffer that a Dense layer owns
    and nobody reads again) makes training write the output over the input: an in-place
    multiply is ~20% cheaper and keeps one activation-sized array fewer in cache.
    """

    params: list[Param] = []

    def __init__(self):
        self.overwrite_input = False
        self._active: np.ndarray | None = None
        self._bufs: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, *, training: bool, workspace: dict | None = None
                ) -> np.ndarray:
        if not training:
            # Against an array of zeros, not the scalar 0.
            # why: docs/DECISIONS.md#relu-and-dropout-masks
            if workspace is None:
                zeros = np.zeros_like(x)
            else:
                zeros = _buffer(workspace.setdefault(self, {}), "out", x.shape, x.dtype)
                zeros.fill(0)
            return np.maximum(x, zeros, out=zeros)
        # A 0/1 float mask: multiplying by it is much faster than np.maximum(x, 0) or a
        # masked copy, and the backward pass reuses it.
        self._active = np.greater(x, 0, out=_buffer(self._bufs, "active", x.shape, x.dtype),
                                  casting="unsafe")
        out = x if self.overwrite_input else _buffer(self._bufs, "out", x.shape, x.dtype)
        return np.multiply(x, self._active, out=out)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        # In place: grad_out is a buffer owned by the next layer and not read again this epoch.
        return np.multiply(grad_out, self._active, out=grad_out)


class Dropout:
    """Inverted dropout: in training keep each unit with probability 1 - rate, scale by 1/keep.

    The mask comes from raw 16-bit random integers (much cheaper than `binomial`): a unit is
    kept when u >= round(rate * 65536), so the keep probability is exactly `self.keep` and the
    scale 1/keep keeps the expected output equal to the input. At inference it is the identity.
    A rate within 2**-17 of 1 would round to keep = 0 (no scale exists); it keeps 1 in 65536.
    """

    params: list[Param] = []

    def __init__(self, rate: float, rng: np.random.Generator):
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"dropout rate must be in [0, 1); got {rate!r}")
        self.threshold = min(int(round(rate * 65536)), 65535)
        self.keep = 1.0 - self.threshold / 65536
        self.scale = 1.0 / self.keep
        self.rate = rate
        self._rng = rng
        self._mask: np.ndarray | None = None
        self._bufs: dict[str, np.ndarray] = {}
        self.spent: np.ndarray | None = None  # the last draw's random words, see draw_keep

    def draw_keep(self, shape: tuple) -> np.ndarray:
        """A fresh boolean keep-mask (a reused buffer): True with probability `self.keep`."""
        n = math.prod(shape)  # not np.prod: that costs a few microseconds per call
        raw = self._rng.bit_generator.random_raw((n + 3) // 4)  # 4 x 16-bit draws per word
        self.spent = raw  # free for the caller's use until the next draw (see ReLUDropout)
        u16 = raw.view(np.uint16)[:n].reshape(shape)
        # Compared into bool, converted once (why: docs/DECISIONS.md#relu-and-dropout-masks).
        return np.greater_equal(u16, self.threshold, out=_buffer(self._bufs, "keep", shape, bool))

    def _draw_mask(self, shape: tuple, dtype) -> np.ndarray:
        mask = _buffer(self._bufs, "mask", shape, dtype)
        np.copyto(mask, self.draw_keep(shape))
        mask *= self.scale
        return mask

    def forward(self, x: np.ndarray, *, training: bool, workspace: dict | None = None
                ) -> np.ndarray:
        if not training or self.threshold == 0:
            self._mask = None
            return x
        self._mask = self._draw_mask(x.shape, x.dtype)
        return np.multiply(x, self._mask, out=_buffer(self._bufs, "out", x.shape, x.dtype))

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        if self._mask is None:
            return grad_out
        return np.multiply(grad_out, self._mask, out=grad_out)


class ReLUDropout:
    """A ReLU followed by its Dropout, computed together in training.

    The same maths and the same random draws as the two layers one after the other (the
    output is identical to the last bit), but ReLU's 0/1 mask and Dropout's keep-mask are
    combined as booleans into one float mask {0, 1/keep}: forward makes one pass fewer over
    the activations and backward multiplies once instead of twice. The two layers stay the
    model's vocabulary; the model swaps this in for the pair. `overwrite_input` as for ReLU.
    """

    params: list[Param] = []

    def __init__(self, relu: ReLU, dropout: Dropout):
        self.relu, self.dropout = relu, dropout
        self.overwrite_input = False
        self._mask: np.ndarray | None = None
        self._bufs: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, *, training: bool, workspace: dict | None = None
                ) -> np.ndarray:
        if not training or self.dropout.threshold == 0:
            self._mask = None
            return self.dropout.forward(self.relu.forward(x, training=training,
                                                          workspace=workspace),
                                        training=training)
        keep = self.dropout.draw_keep(x.shape)
        # Into the memory of the random words just compared (twice the size needed): one
        # activation-sized array fewer in cache, the same numbers.
        spent = self.dropout.spent.view(bool)[: keep.size].reshape(x.shape)
        active = np.greater(x, 0, out=spent)
        np.logical_and(keep, active, out=keep)
        self.dropout.spent = None  # so that the next draw can take the same memory
        mask = self._mask = _buffer(self._bufs, "mask", x.shape, x.dtype)
        np.copyto(mask, keep)
        mask *= self.dropout.scale
        out = x if self.overwrite_input else _buffer(self._bufs, "out", x.shape, x.dtype)
        return np.multiply(x, mask, out=out)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        if self._mask is None:
            return self.relu.backward(self.dropout.backward(grad_out))
        return np.multiply(grad_out, self._mask, out=grad_out)


def fuse(layers: list) -> list:
    """The layers to run: each ReLU directly followed by a Dropout becomes one ReLUDropout."""
    out: list = []
    for layer in layers:
        if isinstance(layer, Dropout) and out and isinstance(out[-1], ReLU):
            out[-1] = ReLUDropout(out[-1], layer)
        else:
            out.append(layer)
    return out
