"""No flood of subnormal floats in the backward pass (issue 17 item 10, "a float32 cliff
left": an L2 1e-6 run 2x slower than its unregularised twin).

Where they came from: a dead ReLU unit (active for no training sample) gets no data gradient,
so L2 shrinks its row of the next layer's W geometrically through the tiny normal floats, and
that row's products in dL/dx = g W^T were subnormal (10-100x slower on many CPUs): ~745,000
entries of the second Dense's dL/dx over the 2,001-epoch run, against 298 in the loss
gradient (softmax tails) and none without L2. Dense._drop_dead_inputs zeroes those rows
before the product; checked to fail with it turned off (the second test shows the flood).
"""

import numpy as np
import pytest

from nncore import TrainConfig, train
from nncore.dense import Dense

# The repro, shortened (2,001 epochs): 1,601 still make ~178,000 without the fix.
CONFIG = TrainConfig(dataset="spiral", samples=30, classes=3, noise=0.05, val_samples=200,
                     hidden=(128, 128), optimizer="adam", learning_rate=0.01, decay=1e-4,
                     epochs=1601, weight_l2=1e-6, bias_l2=1e-6, seed=0, dtype="float32")


def subnormal_count(x: np.ndarray) -> int:
    a = np.abs(x)
    return int(np.count_nonzero((a > 0) & (a < np.finfo(x.dtype).tiny)))


def backward_subnormals(monkeypatch, config, *, drop_dead_inputs=True):
    """(History, subnormals in every Dense's dL/dx, in the loss gradient) over a run."""
    counts = {"dx": 0, "loss grad": 0}
    backward = Dense.backward

    def counting(self, grad_out):
        if not drop_dead_inputs:
            self.input_zero_stops_grad = False
        if self is last[0]:
            counts["loss grad"] += subnormal_count(grad_out)
        dx = backward(self, grad_out)
        if dx is not None:  # what the product wrote, before the ReLU below masks it
            counts["dx"] += subnormal_count(dx)
        return dx

    last = [None]
    build = Dense.__init__

    def remember_last(self, *args, **kwargs):  # the output layer is built last
        build(self, *args, **kwargs)
        last[0] = self

    monkeypatch.setattr(Dense, "__init__", remember_last)
    monkeypatch.setattr(Dense, "backward", counting)
    return train(config), counts


def test_the_l2_repro_makes_almost_no_subnormals_in_the_backward_pass(monkeypatch):
    history, counts = backward_subnormals(monkeypatch, CONFIG)
    assert history.status == "completed"
    # A stray product or two may stay (1 here, against ~178,000 without the fix): harmless.
    assert counts["dx"] <= 100, counts
    assert counts["loss grad"] <= 100, counts  # the softmax tails: 3 here


def test_without_dropping_dead_inputs_the_repro_floods_dx_with_the_same_numbers(monkeypatch):
    """The test above is not vacuous: the same run computed as before the fix. Both runs flush
    only below `tiny` (no L2 floor, nncore/optim.py param_floor: that floor alone also keeps
    the dead rows out of the tiny range), to show what dropping the dead inputs does."""
    from nncore import optim

    monkeypatch.setattr(optim, "param_floor",
                        lambda params: np.finfo(params.value.dtype).tiny)
    fixed = train(CONFIG)
    history, counts = backward_subnormals(monkeypatch, CONFIG, drop_dead_inputs=False)
    assert counts["dx"] > 100_000, counts
    assert history.fingerprint() == fixed.fingerprint()  # the fix changes no number


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_dead_input_row_is_left_out_of_dx_only(dtype):
    """dL/dx after the ReLU's mask, dW and db are the plain products, to the bit."""
    from nncore.layers import ReLU

    rng = np.random.default_rng(0)
    relu = ReLU()
    layer = Dense(6, 16, rng, dtype)
    layer.input_zero_stops_grad = True
    pre = rng.standard_normal((20, 6)).astype(dtype)
    pre[:, [1, 4]] = -1.0  # two dead inputs
    layer.weights.value[[1, 4]] = np.finfo(dtype).tiny * 3  # rows shrunk by L2
    x = relu.forward(pre, training=True).copy()
    g = rng.standard_normal((20, 16)).astype(dtype)
    layer.forward(x, training=True)
    dx = relu.backward(layer.backward(g).copy())
    w = layer.weights.value
    assert np.array_equal(dx, (g @ w.T) * (pre > 0))
    assert np.array_equal(layer.weights.grad, x.T @ g)
    assert subnormal_count(layer.backward(g)) == 0
