"""Figure builders, tested without Streamlit: trace types, shapes, the stacked loss."""

import numpy as np
import plotly.graph_objects as go
import pytest

from ui import figures, regions


@pytest.fixture
def curves():
    rng = np.random.default_rng(1)
    n = 300
    epoch = np.arange(n)
    data = 1.1 * np.exp(-epoch / 80) + 0.1 + 0.01 * rng.random(n)
    reg = 0.02 + 0.01 * np.sin(epoch / 30) ** 2
    return epoch, data, reg, data * 1.2, rng.random(n), rng.random(n), 0.02 / (1 + 1e-3 * epoch)


def test_loss_figure_stacks_data_and_reg_to_the_total(curves):
    epoch, data, reg, val, *_ = curves
    fig = figures.loss_figure(epoch, data, reg, val)
    stacked = [t for t in fig.data if t.stackgroup == "loss"]
    assert [t.name for t in stacked][0] == "data loss"
    assert len(stacked) == 2 and all(isinstance(t, go.Scatter) for t in stacked)
    total = np.asarray(stacked[0].y) + np.asarray(stacked[1].y)
    np.testing.assert_allclose(total, data + reg)
    validation = [t for t in fig.data if t.stackgroup is None]
    assert len(validation) == 1 and validation[0].name == "val loss"
    np.testing.assert_array_equal(validation[0].y, val)
    assert fig.layout.yaxis.type in (None, "linear", "-")


def test_loss_figure_log_scale(curves):
    epoch, data, reg, val, *_ = curves
    assert figures.loss_figure(epoch, data, reg, val, log_y=True).layout.yaxis.type == "log"


def test_accuracy_and_lr_figures(curves):
    epoch, *_, acc, val_acc, lr = curves
    fig = figures.accuracy_figure(epoch, acc, val_acc)
    assert [t.name for t in fig.data] == ["train", "validation"]
    assert tuple(fig.layout.yaxis.range) == (0, 1.02)
    lr_fig = figures.lr_figure(epoch, lr)
    assert len(lr_fig.data) == 1
    np.testing.assert_allclose(lr_fig.data[0].y, lr)


def test_long_runs_are_thinned_but_keep_the_last_epoch():
    epoch = np.arange(100_000)
    values = np.linspace(1, 0, 100_000)
    fig = figures.loss_figure(epoch, values, values * 0.1, values)
    x = np.asarray(fig.data[0].x)
    assert len(x) <= figures.MAX_POINTS + 1
    assert x[0] == 0 and x[-1] == 99_999


def test_weights_figure_is_a_histogram_of_counts():
    edges = np.linspace(-1, 1, 11)
    counts = np.arange(10)
    fig = figures.weights_figure(edges, counts, 0.25)
    assert isinstance(fig.data[0], go.Bar)
    np.testing.assert_array_equal(fig.data[0].y, counts)
    assert "25%" in fig.layout.title.text


def _probs(res=20, classes=3):
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(res, res, classes))
    e = np.exp(logits)
    return np.linspace(-1, 1, res), np.linspace(-2, 2, res), e / e.sum(-1, keepdims=True)


def test_decision_figure_heatmap_and_points():
    xs, ys, probs = _probs()
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(30, 2)), np.repeat(np.arange(3), 10)
    Xv, yv = rng.normal(size=(9, 2)), np.repeat(np.arange(3), 3)
    fig = regions.decision_figure(xs, ys, probs, X, y, Xv, yv)
    heat = fig.data[0]
    assert isinstance(heat, go.Heatmap)
    assert np.asarray(heat.z).shape == (20, 20)
    assert heat.zmin == 0 and heat.zmax == 3
    scatters = [t for t in fig.data if isinstance(t, go.Scatter)]
    assert sum(len(t.x) for t in scatters) == 39
    assert fig.layout.yaxis.scaleanchor == "x"
    only_train = regions.decision_figure(xs, ys, probs, X, y, Xv, yv, show_val=False)
    assert sum(len(t.x) for t in only_train.data[1:]) == 30
    nothing = regions.decision_figure(xs, ys, probs, X, y, Xv, yv, show_train=False,
                                      show_val=False)
    assert len(nothing.data) == 1


def test_region_z_encodes_class_and_confidence():
    probs = np.array([[[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.2, 0.8]]])
    z = regions.region_z(probs)
    assert z.shape == (1, 3)
    assert 0.99 < z[0, 0] < 1.0            # class 0, certain
    assert z[0, 1] == pytest.approx(0.0)   # a three-way tie: lowest confidence
    assert 2.0 < z[0, 2] < 3.0             # class 2


def test_colourscale_is_monotone_and_covers_every_class():
    for classes in (2, 3, 10):
        scale = regions.class_colourscale(classes)
        positions = [p for p, _ in scale]
        assert positions[0] == 0 and positions[-1] == 1
        assert all(a < b for a, b in zip(positions, positions[1:], strict=False))
        assert len(scale) == 2 * classes


def test_big_point_sets_are_thinned_for_drawing():
    xs, ys, probs = _probs(classes=2)
    X = np.zeros((20_000, 2))
    y = np.repeat([0, 1], 10_000)
    fig = regions.decision_figure(xs, ys, probs, X, y, X[:10], y[:10], show_val=False)
    assert sum(len(t.x) for t in fig.data[1:]) <= regions.MAX_POINTS_SHOWN


def test_figure_builders_do_not_import_streamlit():
    import ast
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "ui"
    for name in ("figures.py", "regions.py", "runs.py", "urlstate.py", "scales.py",
                 "fields.py", "formulas.py"):
        tree = ast.parse((root / name).read_text())
        imported = {a.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.Import) for a in node.names}
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom)}
        assert "streamlit" not in imported, name


def test_decision_figure_without_probabilities_draws_points_only():
    X, y = np.zeros((6, 2)), np.array([0, 1, 2, 0, 1, 2])
    fig = regions.decision_figure((-1, 1), (-1, 1), None, X, y, X[:3], y[:3])
    assert not any(isinstance(t, go.Heatmap) for t in fig.data)
    assert "diverged" in fig.layout.title.text


def _every_figure():
    epoch = np.arange(1, 301)
    curve = np.linspace(1.0, 0.1, 300)
    xs, ys, probs = _probs()
    X = np.random.default_rng(1).normal(size=(40, 2))
    y = np.arange(40) % 3
    return {
        "loss": figures.loss_figure(epoch, curve, curve / 10, curve * 1.2),
        "loss log": figures.loss_figure(epoch, curve, curve / 10, curve * 1.2, log_y=True),
        "accuracy": figures.accuracy_figure(epoch, 1 - curve / 2, 1 - curve),
        "lr": figures.lr_figure(epoch, 0.05 / (1 + 1e-3 * epoch)),
        "weights": figures.weights_figure(np.linspace(-1, 1, 11), np.arange(10), 0.25),
        "regions": regions.decision_figure(xs, ys, probs, X, y, X, y),
        "regions, diverged": regions.decision_figure(xs, ys, None, X, y, X, y),
    }


@pytest.mark.parametrize("name", list(_every_figure()))
def test_every_figure_passes_plotlys_validators_unchanged(name):
    """The builders skip Plotly's per-property validation for speed (ui.figures.figure); here
    each figure is rebuilt with validation on: any bad property or value raises, and what
    Plotly would send must be what it sends."""
    import json

    import plotly.io as pio

    fast = _every_figure()[name]
    checked = go.Figure(fast.to_dict())  # validates every property and value
    sent = json.loads(pio.to_json(fast, validate=False))  # what st.plotly_chart sends
    assert json.loads(pio.to_json(checked, validate=False)) == sent
