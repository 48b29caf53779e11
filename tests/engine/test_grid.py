"""The decision grid's box (nncore.grid): a square fitted to the data with a small margin, so
that the regions fill a chart drawn at equal aspect; a function of the points only."""

import numpy as np
import pytest

from nncore import PRESETS, make_dataset
from nncore.grid import MARGIN, decision_grid, grid_axes, grid_bounds


def _within(limit: float, n: int = 200, seed: int = 0) -> np.ndarray:
    """n points spread over [-limit, limit]^2, with both extremes reached on both axes."""
    X = np.random.default_rng(seed).uniform(-limit, limit, size=(n, 2))
    X[:4] = [[-limit, 0.0], [limit, 0.0], [0.0, -limit], [0.0, limit]]
    return X


def test_data_within_1_5_gives_a_box_within_about_1_8():
    lo, hi = grid_bounds(_within(1.5))
    assert 0.1 <= MARGIN <= 0.15
    np.testing.assert_allclose(hi, 1.5 + 3.0 * MARGIN)   # +-1.86: was +-2.25 before the
    np.testing.assert_allclose(lo, -1.5 - 3.0 * MARGIN)  # chart widened it to about +-3.5
    assert np.all(hi <= 1.9) and np.all(lo >= -1.9)


def test_the_box_is_square_around_the_data_with_the_same_margin_on_both_axes():
    """A wide cloud (x1 in [0, 4], x2 in [-1, 0]) gets a square box: x2 is padded more, so that
    one unit of x1 is as long as one of x2 on a square plot."""
    rng = np.random.default_rng(1)
    X = np.c_[rng.uniform(0, 4, 300), rng.uniform(-1, 0, 300)]
    lo, hi = grid_bounds(X)
    span = hi - lo
    assert span[0] == pytest.approx(span[1])                          # equal aspect
    data_lo, data_hi = X.min(axis=0), X.max(axis=0)
    assert span[0] == pytest.approx((data_hi - data_lo).max() * (1 + 2 * MARGIN))
    np.testing.assert_allclose((lo + hi) / 2, (data_lo + data_hi) / 2)  # centred on the data
    assert np.all(lo < data_lo) and np.all(hi > data_hi)               # all of it inside
    # the larger side's margin is MARGIN of its span on each side
    assert data_lo[0] - lo[0] == pytest.approx(MARGIN * (data_hi[0] - data_lo[0]))


def test_validation_points_are_inside_the_box_when_passed():
    X = _within(1.0)
    X_val = np.array([[0.0, 2.5], [-1.2, 0.0]])  # beyond the training points
    lo, hi = grid_bounds(X, X_val)
    assert np.all(lo < np.vstack([X, X_val]).min(axis=0))
    assert np.all(hi > np.vstack([X, X_val]).max(axis=0))
    assert (hi - lo)[0] == pytest.approx((hi - lo)[1])
    np.testing.assert_allclose(np.asarray(grid_bounds(X, X_val)),
                               np.asarray(grid_bounds(np.vstack([X, X_val]))))


def test_the_overfit_preset_box_fits_its_circles():
    """The overfit presets' circles lie within about +-1.2: the box (training and validation
    points) stays within +-1.6 and holds them all."""
    data = make_dataset(PRESETS["overfit-l2"])
    both = np.vstack([data.X, data.X_val])
    for lo, hi in (grid_bounds(data.X), grid_bounds(data.X, data.X_val)):
        assert np.all(np.abs(lo) < 1.6) and np.all(np.abs(hi) < 1.6)
        assert (hi - lo)[0] == pytest.approx((hi - lo)[1])
    lo, hi = grid_bounds(data.X, data.X_val)
    assert np.all(lo < both.min(axis=0)) and np.all(hi > both.max(axis=0))


def test_the_box_is_a_function_of_the_points_only():
    X = _within(1.3, seed=4)
    first = grid_bounds(X)
    np.testing.assert_array_equal(np.asarray(grid_bounds(X[::-1].copy())), np.asarray(first))
    np.testing.assert_array_equal(np.asarray(grid_bounds(X.astype(np.float32))),
                                  np.asarray(grid_bounds(X.astype(np.float32))))
    # every resolution tiles the same box: cell k of n is the k-th of n equal bands
    for n in (7, 40, 60, 100):
        xs, ys = grid_axes(X, n)
        (x_lo, y_lo), (x_hi, y_hi) = first
        step = (x_hi - x_lo) / n
        assert xs[0] == pytest.approx(x_lo + step / 2) and xs[-1] == pytest.approx(x_hi - step / 2)
        assert ys[0] == pytest.approx(y_lo + step / 2) and ys[-1] == pytest.approx(y_hi - step / 2)


def test_no_points_one_point_and_non_finite_rows():
    lo, hi = grid_bounds(np.zeros((0, 2)))
    np.testing.assert_array_equal(lo, [-1, -1])
    np.testing.assert_array_equal(hi, [1, 1])
    lo, hi = grid_bounds(np.array([[2.0, 3.0]]))
    np.testing.assert_allclose((lo + hi) / 2, [2.0, 3.0])
    assert np.all(hi - lo > 1.0)
    X = np.array([[0.0, 0.0], [1.0, 1.0], [np.nan, 5.0], [np.inf, 0.0]])
    np.testing.assert_array_equal(np.asarray(grid_bounds(X)), np.asarray(grid_bounds(X[:2])))


class _Where:
    """A stand-in model whose probabilities are the grid points themselves."""

    def predict_proba(self, points):
        return points


def test_decision_grid_samples_the_box_of_the_points_it_is_given():
    X = _within(1.0)
    X_val = np.array([[3.0, 3.0]])
    for val in (None, X_val):
        xs, ys, probs = decision_grid(_Where(), X, X_val=val, resolution=9)
        ex, ey = grid_axes(X, 9, X_val=val)
        np.testing.assert_array_equal(xs, ex)
        np.testing.assert_array_equal(ys, ey)
        np.testing.assert_array_equal(probs[2, 5], [xs[5], ys[2]])  # probs[i, j] at (xs[j], ys[i])
    assert decision_grid(_Where(), X, X_val=X_val, resolution=9)[0][-1] > 3.0
