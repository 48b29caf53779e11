"""Dense: y = x @ W + b with its four regularisation strengths, and its fast training layouts."""

from __future__ import annotations

import numpy as np

from .params import Param


def buffer(cache: dict, key: str, shape: tuple, dtype) -> np.ndarray:
    """A work array reused between epochs (full-batch training sees the same shapes)."""
    buf = cache.get(key)
    if buf is None or buf.shape != shape or buf.dtype != dtype:
        buf = cache[key] = np.empty(shape, dtype=dtype)
    return buf


def few_rows_product(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = a @ b for a with a few rows (k, n) and a tall b (n, m), one row at a time.

    For these shapes OpenBLAS's gemm first copies (packs) all of b; k matrix-vector products
    stream b k times instead (why: docs/DECISIONS.md#few-rows-products-row-by-row).
    """
    for i in range(a.shape[0]):
        np.dot(a[i], b, out=out[i])
    return out


class Dense:
    """y = x @ W + b, with W ~ 0.01 * N(0, 1) and b = 0 as in the notes.

    Broadcasting b over many short rows is slow, so training uses one of two layouts, both
    giving the same numbers to the last bit: with few inputs (after `bind`, which gives the
    packed [W; b] block) the forward pass is one product [x, 1] @ [W; b]; with few outputs it
    returns a column-major (n, n_out) array, whose bias add and the loss's per-sample
    operations then run over long contiguous columns. The backward pass of either computes
    the small weight gradients with `few_rows_product`.
    """

    NARROW = 8  # at most this many outputs: column-major output
    MAX_INPUT_CACHE = 2  # [x, 1] kept for this many read-only inputs (training and validation)

    def __init__(self, n_in: int, n_out: int, rng: np.random.Generator, dtype="float32", *,
                 weight_l1=0.0, weight_l2=0.0, bias_l1=0.0, bias_l2=0.0, name="dense"):
        w = (0.01 * rng.standard_normal((n_in, n_out))).astype(dtype)
        self.weights = Param(f"{name}.weights", w, weight_l1, weight_l2)
        self.biases = Param(f"{name}.biases", np.zeros((1, n_out), dtype=dtype), bias_l1, bias_l2)
        self.need_input_grad = True  # the first layer can skip dL/dx
        # Set by the model when the training input is an activation's work buffer that nothing
        # reads after this layer's backward pass: dL/dx is then written over it.
        self.grad_into_input = False
        # Set by the model when the layer below is a ReLU (or ReLU + dropout), whose backward
        # pass zeroes dL/dx wherever its output, this layer's input, was 0: see _drop_dead_inputs.
        self.input_zero_stops_grad = False
        self._x: np.ndarray | None = None
        self._x1_t: np.ndarray | None = None  # [x, 1]^T of the last training input
        self._wb: np.ndarray | None = None  # [W; b] as one array, see bind()
        self._grad_wb: np.ndarray | None = None  # and its gradient
        self._ones_below: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._bufs: dict[str, np.ndarray] = {}

    @property
    def params(self) -> list[Param]:
        return [self.weights, self.biases]

    def bind(self, params) -> None:
        """Use the ParamSet's packed [W; b] when inputs are fewer than outputs (copying x into
        [x, 1] is then cheaper than broadcasting b over the output)."""
        n_in, n_out = self.weights.value.shape
        if n_in < n_out:
            self._wb = params.stacked(self.weights, self.biases)
            self._grad_wb = params.stacked(self.weights, self.biases, params.grad)

    @staticmethod
    def _immutable(x: np.ndarray) -> bool:
        """Read-only and owning its data: nothing can change it while we hold it."""
        return not x.flags.writeable and x.base is None

    def _with_ones(self, x: np.ndarray) -> np.ndarray:
        """[x, 1]^T, (n_in + 1, n) C-contiguous (a few long rows, not a few columns), made once
        per immutable input (the training loop's data are): why:
        docs/DECISIONS.md#first-layer-input-with-ones-filled-by-rows."""
        if not self._immutable(x):
            x1_t = buffer(self._bufs, "x1_t", (x.shape[1] + 1, x.shape[0]), x.dtype)
        elif id(x) in self._ones_below:
            return self._ones_below[id(x)][1]
        else:
            if len(self._ones_below) >= self.MAX_INPUT_CACHE:
                self._ones_below.pop(next(iter(self._ones_below)))
            x1_t = np.empty((x.shape[1] + 1, x.shape[0]), x.dtype)
            self._ones_below[id(x)] = (x, x1_t)  # holding x keeps its id from being reused
        x1_t[-1] = 1
        np.copyto(x1_t[:-1], x.T)
        return x1_t

    def forward(self, x: np.ndarray, *, training: bool, workspace: dict | None = None
                ) -> np.ndarray:
        """The layer's output. In inference (training=False) it is a new array, or with a
        `workspace` (a dict its caller owns, see Model.forward) a buffer kept in it."""
        w, b = self.weights.value, self.biases.value
        n, n_out = x.shape[0], w.shape[1]
        if not training:
            ws = {} if workspace is None else workspace.setdefault(self, {})
            if self._wb is not None and self._immutable(x):
                return np.matmul(self._with_ones(x).T, self._wb,
                                 out=buffer(ws, "out", (n, n_out), w.dtype))
            if n_out <= self.NARROW:  # column-major, as in training
                xw = np.matmul(x, w, out=buffer(ws, "xw", (n, n_out), w.dtype))
                return np.add(xw.T, b.T, out=buffer(ws, "out_t", (n_out, n), w.dtype)).T
            out = np.matmul(x, w, out=buffer(ws, "out", (n, n_out), w.dtype))
            out += b
            return out
        if self._wb is not None:
            x1_t = self._with_ones(x)
            self._x, self._x1_t = x, x1_t
            out = buffer(self._bufs, "out", (n, n_out), w.dtype)
            return np.matmul(x1_t.T, self._wb, out=out)
        self._x = x
        if n_out <= self.NARROW:
            xw = np.matmul(x, w, out=buffer(self._bufs, "xw", (n, n_out), w.dtype))
            out_t = buffer(self._bufs, "out_t", (n_out, n), w.dtype)
            return np.add(xw.T, b.T, out=out_t).T  # transposing copy and bias add in one pass
        out = np.matmul(x, w, out=buffer(self._bufs, "out", (n, n_out), w.dtype))
        out += b
        return out

    def _drop_dead_inputs(self, x: np.ndarray, w_t: np.ndarray) -> None:
        """Zero the columns of w_t (rows of W) of the inputs that were 0 for every sample.

        Why: subnormal floats (below np.finfo(dtype).tiny, 1.2e-38 in float32) are much slower
        than normal ones on many CPUs. An input unit that no training sample activates (a dead
        ReLU) gets no data gradient, so L2 shrinks its row of W geometrically towards 0
        (nncore/optim.py flushes it only once it is subnormal): for hundreds of epochs its
        products with dL/dout fall below tiny, and dL/dx = g W^T fills with subnormals (the
        measurements: docs/DECISIONS.md#dense-backward-drops-dead-inputs). Those entries are
        exactly the ones the ReLU below multiplies by 0, so zeroing the rows first leaves every
        number the same (up to the sign of a zero) and the product never makes them. Only with
        `input_zero_stops_grad`, which the model sets: a ReLU's output is 0 exactly where its
        mask is (so is ReLU + dropout's, scale >= 1).

        Costs a matrix-vector product and a pass over W^T: inputs are >= 0 there, so a column
        sum is 0 exactly when the column is (a NaN or inf sum keeps the row)."""
        ones = self._ones(x.shape[0], x.dtype)
        alive = np.matmul(ones, x, out=buffer(self._bufs, "alive", (1, x.shape[1]), x.dtype))
        np.not_equal(alive, 0, out=alive, casting="unsafe")  # as 1.0 / 0.0
        w_t *= alive

    def _ones(self, n: int, dtype) -> np.ndarray:
        """A (1, n) row of ones (kept): column sums as ones @ a, not np.sum(axis=0) (why:
        docs/DECISIONS.md#column-sums-as-a-product-with-ones)."""
        ones = self._bufs.get("ones")
        if ones is None or ones.shape[1] != n or ones.dtype != dtype:
            ones = self._bufs["ones"] = np.ones((1, n), dtype=dtype)
        return ones

    def backward(self, grad_out: np.ndarray) -> np.ndarray | None:
        """dW = x^T g, db = sum_rows g, dx = g W^T (regularisation is added by the ParamSet)."""
        x, g = self._x, grad_out
        n_in, n_out = self.weights.value.shape
        if self._wb is not None:  # [dW; db] = [x, 1]^T g in one product
            few_rows_product(self._x1_t, g, out=self._grad_wb)
        elif n_out <= self.NARROW:  # dW^T = g^T x; g^T has rows of one class each
            dw_t = buffer(self._bufs, "dw_t", (n_out, n_in), g.dtype)
            np.copyto(self.weights.grad, few_rows_product(g.T, x, out=dw_t).T)
            np.add.reduce(g, axis=0, out=self.biases.grad[0])
        else:
            np.matmul(x.T, g, out=self.weights.grad)
            np.matmul(self._ones(g.shape[0], g.dtype), g, out=self.biases.grad)
        if not self.need_input_grad:
            return None
        # W^T copied C-contiguous first (a few hundred numbers), not used as a transposed view
        # (why: docs/DECISIONS.md#dense-backward-copy-of-w-transposed).
        w_t = buffer(self._bufs, "w_t", (n_out, n_in), g.dtype)
        np.copyto(w_t, self.weights.value.T)
        if self.input_zero_stops_grad:
            self._drop_dead_inputs(x, w_t)
        if self.grad_into_input and x.flags.c_contiguous:  # x was read for the last time
            dx = x  # (C order only: dx's layout decides how the layer below sums, to the bit)
        else:
            dx = buffer(self._bufs, "dx", x.shape, g.dtype)
        return np.matmul(g, w_t, out=dx)
