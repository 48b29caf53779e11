"""The fast paths compute exactly what the plain layers and functions compute."""

import numpy as np
import pytest

from nncore.layers import Dense, Dropout, ReLU, ReLUDropout, fuse
from nncore.losses import SoftmaxCrossEntropy, cross_entropy, softmax
from nncore.losses import softmax_cross_entropy_backward as ce_backward
from nncore.params import Param, ParamSet


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


@pytest.mark.parametrize("n_in,n_out", [(2, 64), (64, 3), (16, 16)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dense_training_layouts_give_x_w_plus_b_bit_for_bit(n_in, n_out, dtype):
    rng = np.random.default_rng(0)
    layer = Dense(n_in, n_out, rng, dtype)
    layer.bind(ParamSet(layer.params, np.dtype(dtype)))
    layer.biases.value[...] = rng.standard_normal((1, n_out))
    x = rng.standard_normal((50, n_in)).astype(dtype)
    for _ in range(2):  # reused buffers
        out = layer.forward(x, training=True)
        assert out.shape == (50, n_out)
        assert np.array_equal(out, x @ layer.weights.value + layer.biases.value)
    assert (layer._wb is not None) == (n_in < n_out)


def test_stacked_needs_adjacent_params_with_equal_columns():
    a, b, c = (Param(n, np.zeros(shape)) for n, shape in
               [("a", (2, 3)), ("b", (1, 3)), ("c", (1, 4))])
    pset = ParamSet([a, b, c], np.float64)
    ab = pset.stacked(a, b)
    assert ab.shape == (3, 3) and np.shares_memory(ab, pset.value)
    ab[2] = 7.0
    assert b.value.tolist() == [[7.0, 7.0, 7.0]]
    assert pset.stacked(b, a) is None and pset.stacked(b, c) is None


@pytest.mark.parametrize("order", ["C", "F"])
def test_fused_loss_takes_either_layout_and_breaks_ties_like_argmax(order):
    rng = np.random.default_rng(4)
    logits = rng.standard_normal((40, 3))
    logits[:5] = 0.0  # ties: argmax says class 0
    y = rng.integers(0, 3, 40)
    y[:5] = [0, 1, 2, 0, 1]
    fused = SoftmaxCrossEntropy(y, 3)
    loss, acc = fused.forward(np.asarray(logits, order=order))
    assert loss == cross_entropy(softmax(logits), y)
    assert acc == np.mean(logits.argmax(axis=1) == y)
    grad = fused.backward()
    assert grad.flags.f_contiguous  # class-major: each class a contiguous column
    assert np.allclose(grad, ce_backward(softmax(logits), y), rtol=1e-12, atol=1e-15)


def test_fused_loss_accuracy_when_the_loss_is_not_finite():
    logits = np.array([[np.inf, 0.0, 1.0], [0.0, 2.0, 1.0]])
    with np.errstate(invalid="ignore"):
        loss, acc = SoftmaxCrossEntropy(np.array([0, 1]), 3).forward(logits)
    assert not np.isfinite(loss)
    assert acc == np.mean(logits.argmax(axis=1) == [0, 1])


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_activations_after_a_dense_overwrite_its_buffer_with_the_same_numbers(dropout):
    from nncore import TrainConfig
    from nncore.model import build_model

    # (Hidden widths above Dense.NARROW: a narrow layer's column-major output, overwritten,
    # would reach the next product in another layout and be summed in another order.)
    cfg = TrainConfig(hidden=(16, 12), dropout=dropout, dtype="float64")
    models = [build_model(cfg, 2, 3, np.random.default_rng(0), np.random.default_rng(1))
              for _ in range(2)]
    activations = [layer for layer in models[1]._run if hasattr(layer, "overwrite_input")]
    assert len(activations) == 2 and all(a.overwrite_input for a in activations)
    for a in activations:
        a.overwrite_input = False
    x = np.random.default_rng(2).standard_normal((30, 2))
    g = np.random.default_rng(3).standard_normal((30, 3))
    outs = [m.forward(x, training=True).copy() for m in models]
    assert np.array_equal(outs[0], outs[1])
    for m in models:
        m.backward(g.copy())
    assert np.array_equal(models[0].params.grad, models[1].params.grad)


@pytest.mark.parametrize("n_in,n_out", [(2, 64), (64, 3), (16, 16)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_dense_backward_layouts_give_the_plain_gradients(n_in, n_out, dtype, order):
    """Whichever product computes them ([x, 1]^T g, row by row, or one gemm), the gradients
    are x^T g, sum_rows g and g W^T, for a gradient in either layout."""
    rng = np.random.default_rng(1)
    layer = Dense(n_in, n_out, rng, dtype)
    layer.bind(ParamSet(layer.params, np.dtype(dtype)))
    x = rng.standard_normal((40, n_in)).astype(dtype)
    g = np.asarray(rng.standard_normal((40, n_out)).astype(dtype), order=order)
    layer.forward(x, training=True)
    dx = layer.backward(g.copy(order="K"))
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    assert np.allclose(layer.weights.grad, x.T @ g, **tol)
    assert np.allclose(layer.biases.grad, g.sum(axis=0, keepdims=True), **tol)
    assert np.allclose(dx, g @ layer.weights.value.T, **tol)


def test_few_rows_product_is_the_matrix_product():
    from nncore.dense import few_rows_product
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((3, 500)), rng.standard_normal((500, 7))
    assert np.allclose(few_rows_product(a, b, out=np.empty((3, 7))), a @ b, rtol=1e-12)
    assert np.allclose(few_rows_product(b.T, a.T, out=np.empty((7, 3))), b.T @ a.T, rtol=1e-12)


def test_dense_keeps_x_with_ones_only_for_immutable_inputs():
    rng = np.random.default_rng(3)
    layer = Dense(2, 16, rng, "float64")
    layer.bind(ParamSet(layer.params, np.dtype("float64")))
    layer.biases.value[...] = rng.standard_normal((1, 16))

    def plain(x):
        return x @ layer.weights.value + layer.biases.value

    mutable = rng.standard_normal((30, 2))
    assert np.array_equal(layer.forward(mutable, training=True), plain(mutable))
    mutable += 1.0  # a writable input is read again on every call
    assert np.array_equal(layer.forward(mutable, training=True), plain(mutable))
    frozen = [rng.standard_normal((30 + i, 2)) for i in range(3)]
    for x in frozen:
        x.flags.writeable = False
    for x in [*frozen, frozen[0], frozen[2], frozen[1]]:  # more inputs than the cache holds
        assert np.array_equal(layer.forward(x, training=True), plain(x))
        assert np.allclose(layer.forward(x, training=False), plain(x), rtol=1e-12)
    assert len(layer._ones_below) <= Dense.MAX_INPUT_CACHE
    view = frozen[0][:10]  # read-only but not owning its data: never kept
    assert np.array_equal(layer.forward(view, training=True), plain(view))
    assert all(x is not view for x, _ in layer._ones_below.values())


@pytest.mark.parametrize("hidden", [(64,), (3, 40), (16, 16)])
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_inference_with_a_workspace_reuses_its_arrays_and_gives_the_same_logits(hidden, dropout):
    """Every inference layout (few inputs: [x, 1] @ [W; b]; few outputs: column-major; wide;
    ReLU; ReLU + dropout) written into the caller's workspace: the same numbers as a call
    that allocates, and the same arrays on the next call (the training loop's validation pass
    makes no new activation arrays after its first epoch)."""
    from nncore import TrainConfig
    from nncore.model import build_model
    config = TrainConfig(hidden=hidden, dropout=dropout, weight_l2=1e-3)
    model = build_model(config, 2, 3, np.random.default_rng(0), np.random.default_rng(1))
    rng = np.random.default_rng(2)
    for p in model.params.params:  # biases away from 0, so that a missing bias add shows
        p.value[...] += rng.standard_normal(p.value.shape).astype(p.value.dtype)
    x = np.random.default_rng(4).standard_normal((500, 2)).astype(np.float32)
    x.flags.writeable = False  # as the loop's validation input (the [x, 1] layout needs it)
    expected = model.forward(x, training=False)
    workspace: dict = {}
    first = model.forward(x, training=False, workspace=workspace)
    assert np.array_equal(first, expected)
    arrays = {id(a) for ws in workspace.values() for a in ws.values()}
    assert len(workspace) == len(model._run)  # every layer's output is in it (dropout: none)
    second = model.forward(x, training=False, workspace=workspace)
    assert np.array_equal(second, expected) and np.shares_memory(first, second)
    assert {id(a) for ws in workspace.values() for a in ws.values()} == arrays
    # Without a workspace the model keeps nothing for inference (threads may share it).
    assert not np.shares_memory(model.forward(x, training=False), expected)


def test_the_training_loop_validates_into_one_workspace():
    """The loop's validation pass uses its workspace: its arrays are the same after 5 epochs
    as after 2 (was: new arrays every epoch, which the allocator faulted in again each time)."""
    from nncore import TrainConfig
    from nncore.data import make_dataset
    from nncore.history import History
    from nncore.model import build_model
    from nncore.optim import make_optimizer
    from nncore.train import _Loop, _streams
    config = TrainConfig(epochs=5, hidden=(32,), val_samples=300)
    data_seq, init_rng, drop_rng = _streams(config.seed)
    data = make_dataset(config, data_seq)
    model = build_model(config, 2, data.classes, init_rng, drop_rng)
    history = History(config, data, model, config.epochs)
    loop = _Loop(config, data, history, make_optimizer(config, model.params))
    loop.epoch(0), loop.epoch(1)
    arrays = {id(a) for ws in loop._val_workspace.values() for a in ws.values()}
    assert arrays
    for e in range(2, 5):
        loop.epoch(e)
    assert {id(a) for ws in loop._val_workspace.values() for a in ws.values()} == arrays


@pytest.mark.parametrize("hidden", [(64,), (32, 16, 8), (3, 40), (16, 16)])
@pytest.mark.parametrize("dropout", [0.0, 0.2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gradients_written_over_the_activations_are_the_same_numbers(hidden, dropout, dtype):
    """A Dense after an activation writes dL/dx over that activation's buffer (the training
    input it has just read for the last time): every gradient is the one computed into a
    separate array, to the bit, for C-order inputs and for a narrow layer's column-major one
    (8 outputs in (32, 16, 8): that one keeps its own buffer), over two epochs of buffers."""
    from nncore import TrainConfig
    from nncore.dense import Dense
    from nncore.losses import SoftmaxCrossEntropy
    from nncore.model import build_model
    cfg = TrainConfig(hidden=hidden, dropout=dropout, dtype=dtype, classes=5)
    models = [build_model(cfg, 2, 5, np.random.default_rng(0), np.random.default_rng(1))
              for _ in range(2)]
    flagged = [layer for layer in models[1]._run
               if isinstance(layer, Dense) and layer.grad_into_input]
    assert len(flagged) == len(hidden)  # every Dense after a hidden activation
    for layer in models[0]._run:
        if isinstance(layer, Dense):
            layer.grad_into_input = False
    x = np.random.default_rng(2).standard_normal((300, 2)).astype(dtype)
    x.flags.writeable = False
    loss = SoftmaxCrossEntropy(np.random.default_rng(3).integers(0, 5, 300), 5)
    for _ in range(2):
        grads = []
        for m in models:
            loss.forward(m.forward(x, training=True))
            m.backward(loss.backward())
            grads.append(m.params.grad.copy())
        assert np.array_equal(grads[0], grads[1])
    # The flagged layers with a C-order input made no dL/dx array of their own.
    for layer in flagged:
        assert ("dx" in layer._bufs) == (not layer._x.flags.c_contiguous)
    assert any("dx" not in layer._bufs for layer in flagged)


def test_the_fused_dropout_lends_its_spent_random_words_and_takes_them_back():
    """ReLU's comparison goes into the memory of the random words the keep-mask came from;
    the layer drops that reference afterwards, so the next draw can reuse the memory."""
    fused = ReLUDropout(ReLU(), Dropout(0.5, np.random.default_rng(0)))
    x = np.random.default_rng(1).standard_normal((40, 7))
    out = fused.forward(x.copy(), training=True)
    assert fused.dropout.spent is None
    expected = ReLUDropout(ReLU(), Dropout(0.5, np.random.default_rng(0))).forward(
        x.copy(), training=True)
    assert np.array_equal(out, expected)
    plain = Dropout(0.5, np.random.default_rng(0)).forward(ReLU().forward(x, training=True),
                                                           training=True)
    assert np.array_equal(out, plain)
