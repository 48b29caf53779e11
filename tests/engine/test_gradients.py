"""Central-difference gradient checks in float64 for every layer, the fused loss and each
regulariser term (relative error < 1e-6)."""

import numpy as np
import pytest

from nncore import TrainConfig
from nncore.data import Dataset
from nncore.gradcheck import numerical_grad, relative_error
from nncore.layers import Dense, Dropout, ReLU, ReLUDropout
from nncore.losses import cross_entropy, softmax, softmax_cross_entropy_backward
from nncore.model import build_model
from nncore.params import ParamSet
from nncore.regularisation import add_penalty_grad, penalty

TOL = 1e-6


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def _scalar_loss(out: np.ndarray, weights: np.ndarray) -> float:
    """A generic differentiable read-out: sum(out * weights), so d/d(out) = weights."""
    return float(np.sum(out * weights))


@pytest.mark.parametrize("n_in,n_out,bound", [(4, 3, False), (2, 12, True), (12, 10, False)])
def test_dense_gradients(rng, n_in, n_out, bound):
    """Each training layout: column-major output, [x, 1] @ [W; b] (bound), the plain one."""
    layer = Dense(n_in, n_out, rng, "float64")
    pset = ParamSet(layer.params, np.float64)  # pack as in a model (views must keep working)
    if bound:
        layer.bind(pset)
        assert layer._wb is not None
    layer.weights.value[...] = rng.standard_normal((n_in, n_out))
    layer.biases.value[...] = rng.standard_normal((1, n_out))
    x, g = rng.standard_normal((5, n_in)), rng.standard_normal((5, n_out))

    def loss():
        return _scalar_loss(layer.forward(x, training=False), g)

    layer.forward(x, training=True)
    dx = layer.backward(g.copy())
    assert relative_error(layer.weights.grad, numerical_grad(loss, layer.weights.value)) < TOL
    assert relative_error(layer.biases.grad, numerical_grad(loss, layer.biases.value)) < TOL
    assert relative_error(dx, numerical_grad(loss, x)) < TOL


def test_relu_gradient_away_from_kink(rng):
    relu = ReLU()
    x = rng.standard_normal((6, 5))
    x[np.abs(x) < 0.1] = 0.5  # central differences are only valid away from 0
    g = rng.standard_normal((6, 5))
    relu.forward(x, training=True)
    dx = relu.backward(g.copy())
    num = numerical_grad(lambda: _scalar_loss(relu.forward(x, training=False), g), x)
    assert relative_error(dx, num) < TOL
    assert np.all(dx[x < 0] == 0)


def _kept_share_is_about(kept: np.ndarray, keep: float) -> bool:
    """The share of kept units is keep within 5 binomial standard deviations."""
    return abs(kept.mean() - keep) < 5 * np.sqrt(keep * (1 - keep) / kept.size)


# Rates whose keep probability 1 - rate is a whole number of 1/65536 steps (the layer draws
# 16-bit integers), so the layer's scale is exactly 1 / (1 - rate); 0.3 is not (keep is
# 0.6999969...), so there the scale is within 2**-16 of it.
@pytest.mark.parametrize("rate,rtol", [(0.5, 1e-15), (0.25, 1e-15), (0.3, 2.0**-16)])
def test_dropout_is_inverted_dropout_with_its_gradient(rng, rate, rtol):
    drop = Dropout(rate, np.random.default_rng(7))
    x, g = rng.standard_normal((100, 40)), rng.standard_normal((100, 40))
    x[x == 0] = 1.0  # a dropped unit is recognised by its zero output
    out = drop.forward(x, training=True).copy()
    kept = out != 0
    assert _kept_share_is_about(kept, 1 - rate)
    # Kept units scaled by 1 / (1 - rate), written here, not read from the layer (rtol 1e-15:
    # the layer multiplies by 1/keep, which can differ from dividing by keep in the last bit).
    expected = np.where(kept, x / (1 - rate), 0.0)
    assert np.allclose(out, expected, rtol=rtol, atol=0)
    dx = drop.backward(g.copy())
    assert np.allclose(dx, np.where(kept, g / (1 - rate), 0.0), rtol=rtol, atol=0)
    if rtol < 1e-12:  # the same mask and scale as a function of x, by central differences
        num = numerical_grad(lambda: _scalar_loss(np.where(kept, x / (1 - rate), 0.0), g), x)
        assert relative_error(dx, num) < TOL


def test_dropout_draws_a_new_mask_every_training_pass_and_none_at_inference(rng):
    drop = Dropout(0.5, np.random.default_rng(7))
    x = rng.standard_normal((50, 20)) + 10  # all positive, none zero
    first = drop.forward(x, training=True) != 0
    second = drop.forward(x, training=True) != 0
    assert not np.array_equal(first, second)
    assert np.array_equal(drop.forward(x, training=False), x)


@pytest.mark.parametrize("rate", [0.5, 0.25])
def test_fused_relu_dropout_is_relu_then_inverted_dropout(rng, rate):
    fused = ReLUDropout(ReLU(), Dropout(rate, np.random.default_rng(7)))
    x, g = rng.standard_normal((100, 40)), rng.standard_normal((100, 40))
    x[np.abs(x) < 0.1] = 0.5  # away from the ReLU kink
    out = fused.forward(x, training=True).copy()
    kept = out != 0
    assert not np.any(kept & (x < 0))  # ReLU: nothing negative gets through
    assert _kept_share_is_about(kept[x > 0], 1 - rate)  # dropout among the active units
    expected = np.where(kept, np.maximum(x, 0) / (1 - rate), 0.0)
    assert np.allclose(out, expected, rtol=1e-15, atol=0)  # x * (1/0.75) vs x / 0.75: last bit
    dx = fused.backward(g.copy())
    num = numerical_grad(
        lambda: _scalar_loss(np.where(kept, np.maximum(x, 0) / (1 - rate), 0.0), g), x)
    assert relative_error(dx, num) < TOL
    assert np.all(dx[x < 0] == 0)


@pytest.mark.parametrize("one_hot", [False, True])
def test_fused_softmax_cross_entropy_gradient(rng, one_hot):
    logits = rng.standard_normal((7, 4))
    labels = rng.integers(0, 4, 7)
    y = np.eye(4)[labels] if one_hot else labels
    analytic = softmax_cross_entropy_backward(softmax(logits), y)
    num = numerical_grad(lambda: cross_entropy(softmax(logits), y), logits)
    assert relative_error(analytic, num) < TOL


def test_cross_entropy_value_by_hand():
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]])
    expected = -(np.log(0.7) + np.log(0.5)) / 2
    assert cross_entropy(probs, np.array([0, 1])) == pytest.approx(expected)
    assert cross_entropy(probs, np.eye(3)[[0, 1]]) == pytest.approx(expected)


@pytest.mark.parametrize("l1,l2", [(0.3, 0.0), (0.0, 0.7), (0.2, 0.5)])
def test_regulariser_gradient(rng, l1, l2):
    theta = rng.standard_normal(20)
    theta[np.abs(theta) < 0.05] = 0.3  # L1 has a kink at 0
    c1, c2 = np.full(20, l1), np.full(20, l2)
    grad = np.zeros(20)
    add_penalty_grad(theta, c1, c2, grad)
    assert relative_error(grad, numerical_grad(lambda: penalty(theta, c1, c2), theta)) < TOL
    assert penalty(theta, c1, c2) == pytest.approx(l1 * np.abs(theta).sum() + l2 * (theta**2).sum())


def test_l1_derivative_is_zero_at_zero():
    grad = np.zeros(3)
    add_penalty_grad(np.array([-2.0, 0.0, 3.0]), np.full(3, 0.5), np.zeros(3), grad)
    assert grad.tolist() == [-0.5, 0.0, 0.5]


@pytest.mark.parametrize("regularise_output", [False, True])
def test_whole_model_gradient_with_all_four_lambdas(rng, regularise_output):
    """Every parameter of a 2-hidden-layer model, data loss + all four penalties together."""
    cfg = TrainConfig(hidden=(5, 4), weight_l1=0.01, weight_l2=0.02, bias_l1=0.03, bias_l2=0.04,
                      regularise_output=regularise_output, dtype="float64")
    model = build_model(cfg, 2, 3, np.random.default_rng(0), np.random.default_rng(1))
    model.params.value[:] = rng.standard_normal(model.params.size) * 0.5
    model.params.value[np.abs(model.params.value) < 0.05] = 0.2
    data = Dataset(rng.standard_normal((12, 2)), rng.integers(0, 3, 12), np.zeros((1, 2)),
                   np.zeros(1, int), 3)

    def total_loss():
        probs = softmax(model.forward(data.X, training=False))
        return cross_entropy(probs, data.y) + model.reg_loss()

    probs = softmax(model.forward(data.X, training=True))
    model.backward(softmax_cross_entropy_backward(probs, data.y))
    num = numerical_grad(total_loss, model.params.value)
    assert relative_error(model.params.grad, num) < TOL
    out = model.layers[-1]
    assert (out.weights.l2 > 0) == regularise_output


def test_without_l2_the_gradient_is_the_data_loss_and_l1s_only(rng):
    """Model.backward(l2=False), what AdamW trains with: the L2 term is left to the optimiser."""
    cfg = TrainConfig(hidden=(5,), weight_l1=0.01, weight_l2=0.5, bias_l2=0.5, dtype="float64")
    model = build_model(cfg, 2, 3, np.random.default_rng(0), np.random.default_rng(1))
    model.params.value[:] = rng.standard_normal(model.params.size) * 0.5
    model.params.value[np.abs(model.params.value) < 0.05] = 0.2
    X, y = rng.standard_normal((12, 2)), rng.integers(0, 3, 12)
    p = model.params

    def data_and_l1():
        return (cross_entropy(softmax(model.forward(X, training=False)), y)
                + penalty(p.value, p.l1_terms, None))

    model.backward(softmax_cross_entropy_backward(softmax(model.forward(X, training=True)), y),
                   l2=False)
    assert relative_error(p.grad, numerical_grad(data_and_l1, p.value)) < TOL


def test_fused_training_loss_matches_the_separate_functions(rng):
    from nncore.losses import SoftmaxCrossEntropy, accuracy
    logits = rng.standard_normal((30, 4))
    y = rng.integers(0, 4, 30)
    fused = SoftmaxCrossEntropy(y, 4)
    loss, acc = fused.forward(logits.copy())
    assert loss == pytest.approx(cross_entropy(softmax(logits), y), rel=1e-12)
    assert acc == accuracy(logits, y) == np.mean(logits.argmax(axis=1) == y)
    expected = softmax_cross_entropy_backward(softmax(logits), y)
    assert np.allclose(fused.backward(), expected, rtol=1e-12, atol=1e-15)


def test_accuracy_breaks_ties_like_argmax():
    from nncore.losses import accuracy
    tied = np.zeros((4, 3))  # e.g. a dead network: argmax says class 0 for everyone
    assert accuracy(tied, np.array([0, 1, 2, 0])) == 0.5
