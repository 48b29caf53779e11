"""The network, drawn (workers.network): which units and connections the diagram shows, the
counts it states over the whole network, dead units, and L1 thinning the drawn connections."""

import dataclasses
import pickle

import numpy as np
import pytest

from nncore import PRESETS, TrainConfig, train
from nncore.layers import Dense, ReLU
from nncore.model import Model
from workers.network import (
    DEAD_ROWS,
    MAX_EDGES,
    MAX_UNITS,
    THRESHOLD,
    Picture,
    dense_weights,
    pack,
    picture,
    picture_from_history,
    unpack,
)


def hand_model(sizes, values=None, *, scale=0.3, seed=0):
    """A Dense -> ReLU ... -> Dense model of `sizes`, weights set by hand (a list of (W, b)) or
    drawn as scale * N(0, 1), biases 0."""
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        layers.append(Dense(n_in, n_out, rng, name=f"dense{i}"))
        if i < len(sizes) - 1:
            layers.append(ReLU())
    model = Model(layers)
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    for i, layer in enumerate(dense):
        if values is None:
            w = scale * rng.standard_normal(layer.weights.value.shape)
            b = np.zeros(layer.biases.value.shape)
        else:
            w, b = values[i]
        layer.weights.value[...] = w
        layer.biases.value[...] = np.reshape(b, layer.biases.value.shape)
    return model


def weights_of(model):
    return [w.astype(np.float64) for _, w in dense_weights(model)]


def check_edges(pic: Picture, model) -> None:
    """Every drawn connection is a real weight between drawn units with |w| >= THRESHOLD; at
    most MAX_EDGES, the strongest of the candidates; drawn weakest first."""
    weights = weights_of(model)
    assert pic.edges.dtype == np.float32 and pic.edges.ndim == 2 and pic.edges.shape[1] == 4
    layer, src, dst = (pic.edges[:, k].astype(int) for k in range(3))
    w = pic.edges[:, 3].astype(np.float64)
    for k in range(len(pic.edges)):
        i = layer[k]
        assert 0 <= i < len(weights)
        assert 0 <= src[k] < len(pic.shown[i]) and 0 <= dst[k] < len(pic.shown[i + 1])
        true = weights[i][pic.shown[i][src[k]], pic.shown[i + 1][dst[k]]]
        assert w[k] == pytest.approx(true, rel=1e-6)
    assert np.all(np.abs(w) >= THRESHOLD * (1 - 1e-6))
    assert len(pic.edges) <= MAX_EDGES
    assert np.all(np.diff(np.abs(w)) >= 0)  # weakest first
    # the candidates: every |w| >= THRESHOLD between drawn units
    candidates = np.concatenate([
        np.abs(weights[i][np.ix_(pic.shown[i], pic.shown[i + 1])]).ravel()
        for i in range(len(weights))])
    candidates = np.sort(candidates[candidates >= THRESHOLD])[::-1]
    assert len(pic.edges) == min(len(candidates), MAX_EDGES)
    np.testing.assert_allclose(np.sort(np.abs(w))[::-1], candidates[:len(pic.edges)], rtol=1e-6)
    # no two rows name the same connection
    assert len({(a, b, c) for a, b, c in zip(layer, src, dst, strict=True)}) == len(w)


def check_counts(pic: Picture, model) -> None:
    weights = weights_of(model)
    assert pic.above == sum(int(np.sum(np.abs(w) >= THRESHOLD)) for w in weights)
    assert pic.total == sum(w.size for w in weights)
    assert pic.sizes == (weights[0].shape[0], *(w.shape[1] for w in weights))


def test_a_tiny_hand_made_network_is_drawn_whole():
    """2 -> 3 -> 2: every unit drawn, exactly the connections with |w| >= THRESHOLD; the
    hidden unit whose bias keeps it below 0 on every point is dead."""
    w1 = np.array([[0.5, -0.04, 0.0], [-0.2, 0.06, 0.0]])
    b1 = np.array([0.0, 0.0, -1.0])  # unit 2: no input weight, bias -1: never active
    w2 = np.array([[1.5, -0.01], [0.05, -0.3], [0.7, 0.0]])
    model = hand_model((2, 3, 2), [(w1, b1), (w2, np.zeros(2))])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [2.0, 0.5]])
    pic = picture(model, X, dropout=0.25)
    assert pic.sizes == (2, 3, 2)
    assert [list(u) for u in pic.shown] == [[0, 1], [0, 1, 2], [0, 1]]
    assert [list(d) for d in pic.dead] == [[False, False], [False, False, True], [False, False]]
    drawn = {(int(a), int(b), int(c)): float(w) for a, b, c, w in pic.edges}
    assert set(drawn) == {(0, 0, 0), (0, 1, 0), (0, 1, 1), (1, 0, 0), (1, 1, 0), (1, 1, 1),
                          (1, 2, 0)}
    assert drawn[(0, 1, 0)] == pytest.approx(-0.2) and drawn[(1, 0, 0)] == pytest.approx(1.5)
    assert pic.above == 7 and pic.total == 12 and pic.hidden_units == 0
    assert pic.dropout == 0.25
    check_edges(pic, model)


@pytest.fixture(scope="module")
def moons_run():
    return train(TrainConfig(dataset="moons", classes=2, samples=100, hidden=(64,),
                             optimizer="sgd", learning_rate=0.5, momentum=0.9, epochs=801,
                             seed=3))


def test_a_trained_run_draws_the_strongest_units_and_connections(moons_run):
    model = moons_run.model
    pic = picture_from_history(moons_run)
    assert pic is not None
    assert pic.sizes == (2, 64, 2) and pic.hidden_units == 64 - MAX_UNITS
    assert [len(u) for u in pic.shown] == [2, MAX_UNITS, 2]
    w1, w2 = weights_of(model)
    strength = np.sum(w1 * w1, axis=0) + np.sum(w2 * w2, axis=1)
    shown = pic.shown[1]
    assert list(shown) == sorted(shown)  # drawn in their order in the layer
    assert strength[shown].min() >= np.delete(strength, shown).max()
    assert pic.above > 0 and len(pic.edges) > 0
    check_edges(pic, model)
    check_counts(pic, model)
    # dead: a direct ReLU pass over the training points
    hidden = np.maximum(moons_run.data.X @ w1 + model.params.params[1].value, 0)
    np.testing.assert_array_equal(pic.dead[1], ~np.any(hidden > 0, axis=0)[shown])
    assert not pic.dead[0].any() and not pic.dead[2].any()
    # the same as picture() on the run's parts
    again = picture(model, moons_run.data.X, moons_run.config.dropout)
    np.testing.assert_array_equal(again.edges, pic.edges)


def test_a_unit_forced_dead_is_marked_dead(moons_run):
    model = moons_run.model
    w1, b1, w2 = (p.value for p in model.params.params[:3])
    keep = w1.copy(), b1.copy(), w2.copy()
    try:
        j = 5
        w1[:, j] = 0.0
        b1[0, j] = -1.0
        w2[j, :] = 10.0  # the strongest outgoing weights: drawn
        pic = picture_from_history(moons_run)
        position = int(np.flatnonzero(pic.shown[1] == j)[0])
        assert pic.dead[1][position]
        check_edges(pic, model)
        # its outgoing connections are drawn (dead units keep their weights)
        rows = pic.edges[(pic.edges[:, 0] == 1) & (pic.edges[:, 1] == position)]
        assert len(rows) == 2 and np.all(rows[:, 3] == 10.0)
    finally:
        for value, saved in zip((w1, b1, w2), keep, strict=True):
            value[...] = saved


def test_a_large_network_draws_max_units_per_hidden_layer():
    run = train(TrainConfig(dataset="moons", classes=2, samples=100, hidden=(128, 128, 128),
                            optimizer="adam", learning_rate=0.01, epochs=101, dropout=0.5,
                            seed=1))
    pic = picture_from_history(run)
    assert pic.sizes == (2, 128, 128, 128, 2)
    assert [len(u) for u in pic.shown] == [2, MAX_UNITS, MAX_UNITS, MAX_UNITS, 2]
    assert [len(d) for d in pic.dead] == [2, MAX_UNITS, MAX_UNITS, MAX_UNITS, 2]
    assert pic.hidden_units == 3 * (128 - MAX_UNITS)
    assert pic.dropout == 0.5
    assert all(np.all(np.diff(u) > 0) for u in pic.shown)
    check_edges(pic, run.model)
    check_counts(pic, run.model)


def test_at_most_max_edges_are_drawn_the_strongest():
    """Random weights of 0.3 * N(0, 1): ~87% of them above the threshold, far more than
    MAX_EDGES among the drawn units."""
    model = hand_model((2, 128, 128, 128, 3))
    pic = picture(model, np.random.default_rng(0).standard_normal((600, 2)), 0.0)
    assert len(pic.edges) == MAX_EDGES
    assert pic.above > 10 * MAX_EDGES
    check_edges(pic, model)
    check_counts(pic, model)


def test_dead_units_are_tested_on_points_spread_over_a_large_set():
    """A set listed class by class, larger than DEAD_ROWS: a unit active only on the last
    rows is alive (the rows tested are spread over the whole set, not its first ones)."""
    n = 5 * DEAD_ROWS
    X = np.zeros((n, 2))
    X[-n // 5:, 0] = 1.0  # only the last fifth has x1 > 0
    w1 = np.array([[1.0, 1.0], [0.0, 0.0]])
    b1 = np.array([0.0, -2.0])  # unit 1: x1 - 2 < 0 everywhere: dead
    model = hand_model((2, 2, 2), [(w1, b1), (np.eye(2), np.zeros(2))])
    pic = picture(model, X, 0.0)
    assert list(pic.dead[1]) == [False, True]


def test_l1_draws_fewer_connections_above_the_threshold():
    """The l1-sparse preset (moons, 64 hidden units, SGD) for 1,001 epochs. Measured: L1 0 ->
    231, 199, 212 connections above 0.05 on seeds 0, 1, 2; L1 1e-3 -> 98, 93, 90 (of 256)."""
    for seed in (0, 1, 2):
        above = {}
        for l1 in (0.0, 1e-3):
            config = dataclasses.replace(PRESETS["l1-sparse"], epochs=1001, weight_l1=l1,
                                         seed=seed)
            run = train(config)
            pic = picture_from_history(run)
            check_counts(pic, run.model)
            above[l1] = pic.above
        assert above[1e-3] <= 0.6 * above[0.0], (seed, above)


@pytest.mark.parametrize("where", ["weight", "bias", "inf"])
def test_a_non_finite_parameter_gives_no_picture(where):
    model = hand_model((2, 8, 2))
    X = np.random.default_rng(0).standard_normal((20, 2))
    assert picture(model, X, 0.0) is not None
    w1, b1 = model.params.params[0].value, model.params.params[1].value
    if where == "weight":
        w1[0, 3] = np.nan
    elif where == "bias":
        b1[0, 2] = np.nan
    else:
        model.params.params[2].value[1, 1] = np.inf
    assert picture(model, X, 0.0) is None


def test_a_packed_picture_unpacks_to_the_same_picture_in_a_third_of_the_bytes():
    """A replay keeps a picture per snapshot (workers.recorder): packed, it is the same
    picture (weights to float16: the diagram tells them to 3 decimals), in far fewer bytes."""
    model = hand_model((2, 128, 128, 128, 3))
    X = np.random.default_rng(0).standard_normal((600, 2))
    pic = picture(model, X, 0.3)
    model.params.params[0].value[0, :] *= 1e6  # a weight beyond float16's range: clipped
    huge = picture(model, X, 0.3)
    for each in (pic, huge):
        back = unpack(pack(each))
        assert back.sizes == each.sizes and back.dropout == each.dropout
        assert (back.above, back.total, back.hidden_units) == (
            each.above, each.total, each.hidden_units)
        for a, b in ((back.shown, each.shown), (back.dead, each.dead)):
            assert [x.tolist() for x in a] == [x.tolist() for x in b]
        np.testing.assert_array_equal(back.edges[:, :3], each.edges[:, :3])
        w, w16 = each.edges[:, 3].astype(np.float64), back.edges[:, 3].astype(np.float64)
        small = np.abs(w) < 60_000
        np.testing.assert_allclose(w16[small], w[small], rtol=1e-3, atol=1e-4)
        assert np.all(np.isfinite(w16)) and np.all(np.sign(w16) == np.sign(w))
    assert len(pickle.dumps(pack(pic))) * 2.5 < len(pickle.dumps(pic))  # (2.6 kB, 7.5 kB)
