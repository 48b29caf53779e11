"""Layers: Dense (with its four regularisation strengths), ReLU and inverted Dropout.

Each layer has `forward(x, *, training)` and `backward(grad_out)`. In training mode a layer
remembers what its backward pass needs and reuses its output buffers between epochs (full-batch
training sees the same shapes every epoch); in inference mode it keeps nothing.
"""

from __future__ import annotations

import math

import numpy as np

from .params import Param


def _buffer(cache: dict, key: str, shape: tuple, dtype) -> np.ndarray:
    buf = cache.get(key)
    if buf is None or buf.shape != shape or buf.dtype != dtype:
        buf = cache[key] = np.empty(shape, dtype=dtype)
    return buf


class Dense:
    """y = x @ W + b, with W ~ 0.01 * N(0, 1) and b = 0 as in the notes.

    Broadcasting b over many short rows is slow, so training uses one of two layouts, both
    giving the same numbers to the last bit: with few inputs (after `bind`, which gives the
    packed [W; b] block) the forward pass is one product [x, 1] @ [W; b]; with few outputs it
    returns a column-major (n, n_out) array, whose bias add and the loss's per-sample
    operations then run over long contiguous columns.
    """

    NARROW = 8  # at most this many outputs: column-major output

    def __init__(self, n_in: int, n_out: int, rng: np.random.Generator, dtype="float32", *,
                 weight_l1=0.0, weight_l2=0.0, bias_l1=0.0, bias_l2=0.0, name="dense"):
        w = (0.01 * rng.standard_normal((n_in, n_out))).astype(dtype)
        self.weights = Param(f"{name}.weights", w, weight_l1, weight_l2)
        self.biases = Param(f"{name}.biases", np.zeros((1, n_out), dtype=dtype), bias_l1, bias_l2)
        self.need_input_grad = True  # the first layer can skip dL/dx
        self._x: np.ndarray | None = None
        self._wb: np.ndarray | None = None  # [W; b] as one array, see bind()
        self._bufs: dict[str, np.ndarray] = {}

    @property
    def params(self) -> list[Param]:
        return [self.weights, self.biases]

    def bind(self, params) -> None:
        """Use the ParamSet's packed [W; b] when inputs are fewer than outputs (copying x into
        [x, 1] is then cheaper than broadcasting b over the output)."""
        n_in, n_out = self.weights.value.shape
        self._wb = params.stacked(self.weights, self.biases) if n_in < n_out else None

    def forward(self, x: np.ndarray, *, training: bool) -> np.ndarray:
        w, b = self.weights.value, self.biases.value
        if not training:
            if w.shape[1] <= self.NARROW:  # column-major, as in training
                return np.add((x @ w).T, b.T).T
            return x @ w + b
        self._x = x
        n, n_out = x.shape[0], w.shape[1]
        if self._wb is not None:
            # [x, 1] kept column-major: filling a few long rows is ~8x faster than a few columns.
            x1_t = self._bufs.get("x1_t")
            if x1_t is None or x1_t.shape != (x.shape[1] + 1, n) or x1_t.dtype != w.dtype:
                x1_t = self._bufs["x1_t"] = np.ones((x.shape[1] + 1, n), dtype=w.dtype)
            np.copyto(x1_t[:-1], x.T)
            return np.matmul(x1_t.T, self._wb, out=_buffer(self._bufs, "out", (n, n_out),
                                                            w.dtype))
        if n_out <= self.NARROW:
            xw = np.matmul(x, w, out=_buffer(self._bufs, "xw", (n, n_out), w.dtype))
            out_t = _buffer(self._bufs, "out_t", (n_out, n), w.dtype)
            return np.add(xw.T, b.T, out=out_t).T  # transposing copy and bias add in one pass
        out = np.matmul(x, w, out=_buffer(self._bufs, "out", (n, n_out), w.dtype))
        out += b
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray | None:
        """dW = x^T g, db = sum_rows g, dx = g W^T (regularisation is added by the ParamSet)."""
        # Not [dW; db] = [x, 1]^T g in one product: BLAS would sum db in another order.
        np.matmul(self._x.T, grad_out, out=self.weights.grad)
        # Column sums as ones @ g: BLAS is several times faster than np.sum(axis=0) here.
        ones = self._bufs.get("ones")
        if ones is None or ones.shape[1] != grad_out.shape[0] or ones.dtype != grad_out.dtype:
            ones = self._bufs["ones"] = np.ones((1, grad_out.shape[0]), dtype=grad_out.dtype)
        np.matmul(ones, grad_out, out=self.biases.grad)
        if not self.need_input_grad:
            return None
        dx = _buffer(self._bufs, "dx", self._x.shape, grad_out.dtype)
        return np.matmul(grad_out, self.weights.value.T, out=dx)


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

    def forward(self, x: np.ndarray, *, training: bool) -> np.ndarray:
        if not training:
            # Against an array of zeros: several times faster than against the scalar 0.
            zeros = np.zeros_like(x)
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

    def draw_keep(self, shape: tuple) -> np.ndarray:
        """A fresh boolean keep-mask (a reused buffer): True with probability `self.keep`."""
        n = math.prod(shape)  # not np.prod: that costs a few microseconds per call
        raw = self._rng.bit_generator.random_raw((n + 3) // 4)  # 4 x 16-bit draws per word
        u16 = raw.view(np.uint16)[:n].reshape(shape)
        # Comparing into bool and converting once is ~2x cheaper than comparing into floats.
        return np.greater_equal(u16, self.threshold, out=_buffer(self._bufs, "keep", shape, bool))

    def _draw_mask(self, shape: tuple, dtype) -> np.ndarray:
        mask = _buffer(self._bufs, "mask", shape, dtype)
        np.copyto(mask, self.draw_keep(shape))
        mask *= self.scale
        return mask

    def forward(self, x: np.ndarray, *, training: bool) -> np.ndarray:
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

    def forward(self, x: np.ndarray, *, training: bool) -> np.ndarray:
        if not training or self.dropout.threshold == 0:
            self._mask = None
            return self.dropout.forward(self.relu.forward(x, training=training), training=training)
        keep = self.dropout.draw_keep(x.shape)
        active = np.greater(x, 0, out=_buffer(self._bufs, "active", x.shape, bool))
        np.logical_and(keep, active, out=keep)
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
