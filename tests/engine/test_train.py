"""The training loop: History contents, streaming, stopping early, divergence, the model."""

import dataclasses

import numpy as np
import pytest

from nncore import TrainConfig, decision_grid, train, train_stream
from nncore.grid import grid_axes, grid_bounds

from .test_final_model import evaluate, penalty  # plain-numpy evaluation of a History's model

SMALL = TrainConfig(samples=30, hidden=(16, 8), epochs=120, weight_l1=1e-4, dropout=0.1)


def test_history_has_one_value_per_epoch_and_sensible_numbers():
    h = train(SMALL)
    assert h.status == "completed" and h.n == 120
    assert h.epoch.tolist() == list(range(120))
    for name in ("data_loss", "reg_loss", "accuracy", "val_loss", "val_accuracy",
                 "learning_rate"):
        values = getattr(h, name)
        assert values.shape == (120,) and np.all(np.isfinite(values)), name
    assert h.data_loss[0] == pytest.approx(np.log(3), abs=0.01)  # tiny initial weights
    assert h.data_loss[-1] < h.data_loss[0]
    assert np.all((h.accuracy >= 0) & (h.accuracy <= 1))
    assert np.all(h.reg_loss > 0)
    assert h.learning_rate[5] == pytest.approx(0.02 / (1 + 5e-7 * 5))
    final = h.final()
    assert final["val_accuracy"] == h.val_accuracy[-1] and final["epochs_run"] == 120


def test_reg_loss_is_the_penalty_of_the_weights_recorded():
    h = train(dataclasses.replace(SMALL, epochs=1))
    # One epoch makes no update: the model still has the initial weights that epoch 0 used.
    # The penalty is recomputed from the config's four lambdas on the hidden layers only
    # (not the output layer: regularise_output is off), not from nncore's coefficients.
    assert h.optimizer.iterations == 0 and not h.config.regularise_output
    assert h.reg_loss[0] > 0
    assert h.reg_loss[0] == pytest.approx(penalty(h), rel=1e-5)


def test_loss_is_the_data_loss_plus_the_penalty_of_each_recorded_model():
    """History.loss, the total the optimiser minimises, against plain numpy at every snapshot
    (no dropout, so the training pass is deterministic and can be recomputed)."""
    config = dataclasses.replace(SMALL, dropout=0.0)
    assert config.weight_l1 > 0 and config.weight_l2 > 0 and config.bias_l2 > 0
    for h in train_stream(config, chunk=40):
        data_loss, accuracy = evaluate(h, h.data.X, h.data.y)
        assert h.data_loss[-1] == pytest.approx(data_loss, rel=1e-5)
        assert h.loss[-1] == pytest.approx(data_loss + penalty(h), rel=1e-5)
        assert h.final()["loss"] == h.loss[-1]
    assert h.n == 120 and h.loss[-1] < h.loss[0]


def test_stream_is_the_same_loop_as_train():
    snapshots = []
    for h in train_stream(SMALL, chunk=25):
        snapshots.append(h.n)
    assert snapshots == [25, 50, 75, 100, 120]
    assert np.array_equal(h.data_loss, train(SMALL).data_loss)


def test_with_first_the_stream_also_yields_the_untrained_network():
    """first=True (the worker's, for replay's epoch-0 snapshot): one more yield after epoch 0,
    with the parameters epoch 0 used; the numbers are the same."""
    plain = dataclasses.replace(SMALL, dropout=0.0)
    h0 = next(train_stream(plain, chunk=25, first=True))
    assert h0.n == 1 and h0.epoch[-1] == 0
    # its model is the one epoch 0 was recorded with: the untrained network
    assert evaluate(h0, h0.data.X, h0.data.y)[0] == pytest.approx(h0.data_loss[0], rel=1e-6)
    assert h0.data_loss[0] == train(plain).data_loss[0]
    sizes, last = [], None
    for h in train_stream(SMALL, chunk=25, first=True):
        sizes.append(h.n)
        last = h
    assert sizes == [1, 25, 50, 75, 100, 120]
    assert np.array_equal(last.data_loss, train(SMALL).data_loss)
    assert [h.n for h in train_stream(dataclasses.replace(SMALL, epochs=1), first=True)] == [1]
    assert 0 < last.elapsed_s < 60  # (seconds of training, not of epochs)


def test_stopping_early_keeps_what_was_recorded():
    gen = train_stream(SMALL, chunk=30)
    h = next(gen)
    kept = h.data_loss.copy()
    gen.close()
    assert h.status == "stopped" and h.n == 30
    assert np.array_equal(h.data_loss, kept)
    assert h.model.predict(h.data.X).shape == (len(h.data.y),)


def test_divergence_is_a_result_not_an_exception():
    cfg = TrainConfig(optimizer="sgd", learning_rate=100, momentum=0.9, decay=0, epochs=500)
    h = train(cfg)
    assert h.status == "diverged" and h.diverged
    assert h.diverged_at == h.n  # the series stop just before the bad epoch
    assert 0 < h.diverged_at < 500
    assert np.all(np.isfinite(h.data_loss))


def test_model_predicts_and_reports_weights():
    h = train(SMALL)
    probs = h.model.predict_proba(h.data.X_val)
    assert probs.shape == (len(h.data.y_val), 3)
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    assert np.array_equal(h.model.predict(h.data.X_val), probs.argmax(axis=1))
    names = [n for n, _ in h.model.weights()]
    assert names == ["dense1.weights", "dense1.biases", "dense2.weights", "dense2.biases",
                     "dense3.weights", "dense3.biases"]
    shapes = [w.shape for _, w in h.model.weights()]
    assert shapes == [(2, 16), (1, 16), (16, 8), (1, 8), (8, 3), (1, 3)]
    assert h.model.n_params == sum(int(np.prod(s)) for s in shapes)


def _plain_forward(weights: dict, X: np.ndarray, layers: int) -> np.ndarray:
    """Logits of Dense -> ReLU blocks and a Dense output, in float64, written out in numpy
    (no dropout anywhere): what inference must compute."""
    a = X.astype(np.float64)
    for i in range(1, layers):
        a = np.maximum(a @ weights[f"dense{i}.weights"] + weights[f"dense{i}.biases"], 0.0)
    return a @ weights[f"dense{layers}.weights"] + weights[f"dense{layers}.biases"]


def _plain_softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_inference_ignores_dropout():
    h = train(dataclasses.replace(SMALL, dropout=0.5, epochs=30))
    X = h.data.X_val
    weights = {name: w.astype(np.float64) for name, w in h.model.weights()}
    logits = _plain_forward(weights, X, layers=3)
    assert np.allclose(h.model.predict_proba(X), _plain_softmax(logits), atol=1e-5)
    # while a training pass does drop units (half of them), so its logits differ
    assert not np.allclose(h.model.forward(X, training=True), logits, atol=1e-3)


def test_decision_grid_covers_the_data():
    h = train(dataclasses.replace(SMALL, epochs=30))
    xs, ys, probs = decision_grid(h.model, h.data.X, resolution=40)
    assert xs.shape == (40,) and ys.shape == (40,) and probs.shape == (40, 40, 3)
    assert xs[0] < h.data.X[:, 0].min() and xs[-1] > h.data.X[:, 0].max()
    assert ys[0] < h.data.X[:, 1].min() and ys[-1] > h.data.X[:, 1].max()
    assert np.allclose(probs.sum(axis=2), 1, atol=1e-5)
    # probs[i, j] is the point (xs[j], ys[i])
    point = np.array([[xs[7], ys[3]]])
    assert np.allclose(probs[3, 7], h.model.predict_proba(point)[0], atol=1e-6)
    # the points are the centres of equal cells that tile the same box at every resolution
    lo, hi = grid_bounds(h.data.X)
    width = (hi[0] - lo[0]) / 40
    assert np.allclose(np.diff(xs), width) and np.isclose(xs[0] - width / 2, lo[0])
    assert np.isclose(xs[-1] + width / 2, hi[0])
    coarse, _ = grid_axes(h.data.X, resolution=7)
    assert np.isclose(coarse[0] - (hi[0] - lo[0]) / 14, lo[0])


def test_l1_drives_weights_towards_zero():
    base = TrainConfig(samples=30, hidden=(32,), epochs=400, weight_l2=0, bias_l2=0)
    free = train(base).model.weights()[0][1]
    sparse = train(dataclasses.replace(base, weight_l1=5e-3)).model.weights()[0][1]
    assert np.mean(np.abs(sparse) < 1e-2) > np.mean(np.abs(free) < 1e-2) + 0.2


def test_a_diverged_model_predicts_without_warnings():
    import warnings
    # These weights overflow float32 in the forward pass (a bare softmax(forward) warns).
    h = train(TrainConfig(optimizer="sgd", learning_rate=100, weight_l2=0.1))
    assert h.diverged
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probs = h.model.predict_proba(h.data.X)
    assert probs.shape == (len(h.data.y), 3)
