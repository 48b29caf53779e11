"""The fast paths compute exactly what the plain layers and functions compute."""

import numpy as np
import pytest

from nncore.layers import Dropout, ReLU, ReLUDropout, fuse


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_relu_dropout_matches_the_two_layers_bit_for_bit(dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((37, 11)).astype(dtype)
    g = rng.standard_normal((37, 11)).astype(dtype)
    relu, drop = ReLU(), Dropout(0.25, np.random.default_rng(9))
    fused = ReLUDropout(ReLU(), Dropout(0.25, np.random.default_rng(9)))
    for _ in range(3):  # buffers are reused between epochs; the random stream advances alike
        expected = drop.forward(relu.forward(x, training=True), training=True).copy()
        assert np.array_equal(fused.forward(x, training=True), expected)
        expected_dx = relu.backward(drop.backward(g.copy())).copy()
        assert np.array_equal(fused.backward(g.copy()), expected_dx)
    assert np.array_equal(fused.forward(x, training=False), np.maximum(x, 0))


def test_fused_relu_dropout_with_a_rate_that_rounds_to_zero_is_a_relu():
    fused = ReLUDropout(ReLU(), Dropout(1e-6, np.random.default_rng(0)))
    x = np.array([[-1.0, 2.0]])
    assert fused.forward(x, training=True).tolist() == [[0.0, 2.0]]
    assert fused.backward(np.array([[5.0, 7.0]])).tolist() == [[0.0, 7.0]]


def test_fuse_pairs_only_a_relu_directly_followed_by_dropout():
    relu, drop, relu2 = ReLU(), Dropout(0.1, np.random.default_rng(0)), ReLU()
    run = fuse([relu, drop, relu2])
    assert isinstance(run[0], ReLUDropout) and run[0].relu is relu and run[0].dropout is drop
    assert run[1] is relu2


def test_dropout_rate_just_below_one_keeps_one_unit_in_65536():
    drop = Dropout(0.9999999999999998, np.random.default_rng(0))
    assert drop.keep == 1 / 65536 and drop.scale == 65536
    out = drop.forward(np.ones((4, 8)), training=True)
    assert set(np.unique(out)) <= {0.0, 65536.0}
