"""Optimiser steps against values computed by hand; decay; state owned per optimiser."""

import numpy as np
import pytest

from nncore.optim import SGD, Adagrad, Adam, AdamW, RMSprop, decayed_lr
from nncore.params import Param, ParamSet


def _params(values=(1.0, -2.0)):
    p = Param("p", np.array(values, dtype=np.float64))
    return p, ParamSet([p], np.float64)


def _step(opt, pset, grad):
    pset.grad[:] = grad
    opt.step()
    return pset.value.copy()


def test_sgd_with_momentum_two_steps():
    _, ps = _params()
    opt = SGD(ps, lr=0.1, momentum=0.9)
    # v1 = -0.1*g = (-0.05, -0.025); v2 = 0.9*v1 - 0.1*g = (-0.095, -0.0475)
    assert _step(opt, ps, [0.5, 0.25]) == pytest.approx([0.95, -2.025])
    assert _step(opt, ps, [0.5, 0.25]) == pytest.approx([0.855, -2.0725])


def test_plain_sgd_is_theta_minus_lr_g():
    _, ps = _params()
    opt = SGD(ps, lr=0.5)
    assert _step(opt, ps, [0.5, 0.25]) == pytest.approx([0.75, -2.125])


def test_adagrad_two_steps():
    _, ps = _params()
    opt = Adagrad(ps, lr=0.1, eps=1e-7)
    # cache = g^2 -> step = 0.1 * g/|g|; then cache = 2 g^2 -> step = 0.1/sqrt(2)
    assert _step(opt, ps, [0.5, 0.25]) == pytest.approx([0.9, -2.1], abs=1e-6)
    assert _step(opt, ps, [0.5, 0.25]) == pytest.approx([0.8292893, -2.1707107], abs=1e-6)


def test_rmsprop_first_step():
    _, ps = _params()
    opt = RMSprop(ps, lr=0.01, rho=0.9, eps=1e-7)
    # cache = 0.1 g^2 -> step = 0.01 * g / (sqrt(0.1)|g|) = 0.01/0.3162278 = 0.0316228
    assert _step(opt, ps, [0.5, 0.25]) == pytest.approx([0.9683772, -2.0316228], abs=1e-6)
    # cache = 0.9*0.025 + 0.1*0.25 = 0.0475 for the first element
    expected = 0.9683772 - 0.01 * 0.5 / np.sqrt(0.0475)
    assert _step(opt, ps, [0.5, 0.25])[0] == pytest.approx(expected, abs=1e-6)


def test_adam_two_steps_with_bias_correction():
    _, ps = _params()
    opt = Adam(ps, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-7)
    # step 1: m_hat = g, v_hat = g^2 -> each parameter moves by lr against the sign of g
    assert _step(opt, ps, [0.5, 0.25]) == pytest.approx([0.99, -2.01], abs=1e-6)
    # step 2, g = 0.1: m = 0.055, m_hat = 0.055/0.19 = 0.2894737;
    # v = 0.00025975, v_hat = 0.00025975/0.001999 = 0.1299400; step = 0.01*0.2894737/0.3604719
    assert _step(opt, ps, [0.1, 0.25])[0] == pytest.approx(0.99 - 0.0080304, abs=1e-6)


def test_decay_schedule_values():
    assert [decayed_lr(1.0, 0.5, t) for t in range(3)] == pytest.approx([1.0, 2 / 3, 0.5])
    assert decayed_lr(0.05, 5e-5, 10000) == pytest.approx(0.05 / 1.5)


def test_decay_is_applied_to_the_steps():
    _, ps = _params((0.0,))
    opt = SGD(ps, lr=1.0, decay=1.0)
    assert opt.current_lr == 1.0
    assert _step(opt, ps, [1.0]) == pytest.approx([-1.0])  # lr 1/(1+0)
    assert opt.current_lr == pytest.approx(0.5)
    assert _step(opt, ps, [1.0]) == pytest.approx([-1.5])  # lr 1/(1+1)


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSprop, Adam, AdamW])
def test_state_is_owned_by_each_optimizer_and_starts_fresh(cls):
    p, ps = _params()
    first = cls(ps, lr=0.1, **({"momentum": 0.9} if cls is SGD else {}))
    _step(first, ps, [0.5, 0.25])
    assert any(np.any(v != 0) for v in first.state(p).values())
    second = cls(ps, lr=0.1, **({"momentum": 0.9} if cls is SGD else {}))
    assert second.iterations == 0
    assert all(np.all(v == 0) for v in second.state(p).values())
    assert all(v.shape == p.value.shape for v in second.state(p).values())


def test_state_is_keyed_by_parameter():
    a = Param("a", np.ones((2, 2)))
    b = Param("b", np.ones(3))
    ps = ParamSet([a, b], np.float64)
    opt = Adam(ps, lr=0.1)
    ps.grad[:] = 0
    b.grad[:] = 1.0
    opt.step()
    assert np.all(opt.state(a)["m"] == 0)
    assert opt.state(b)["m"] == pytest.approx([0.1, 0.1, 0.1])
    assert opt.state(a)["m"].shape == (2, 2)


def test_adamw_step_is_adams_step_plus_the_l2_gradient_step_outside_the_normalisation():
    p = Param("p", np.array([1.0, -2.0]), l2=0.5)
    ps = ParamSet([p], np.float64)
    opt = AdamW(ps, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-7)
    # Adam moves each by lr against the sign of g: (0.99, -2.01); the decay then subtracts
    # lr * 2 * 0.5 * theta = (0.01, -0.02) from the parameters before the update.
    assert _step(opt, ps, [0.5, 0.25]) == pytest.approx([0.98, -1.99], abs=1e-6)
    # step 2 (lr still 0.01): Adam's part as in test_adam_two_steps_with_bias_correction,
    # decay 0.01 * 0.98
    assert _step(opt, ps, [0.1, 0.25])[0] == pytest.approx(0.98 - 0.0080304 - 0.0098, abs=1e-6)


def test_adamw_without_l2_is_adam():
    _, a = _params()
    _, b = _params()
    adam, adamw = Adam(a, lr=0.01), AdamW(b, lr=0.01)
    for g in ([0.5, 0.25], [0.1, -0.3], [0.0, 0.2]):
        assert np.array_equal(_step(adam, a, g), _step(adamw, b, g))


def test_an_unused_weight_shrinks_in_proportion_under_adamw_and_by_about_lr_under_adam():
    """The teaching point of issue 19: a weight with no data gradient, L2 only. Under Adam its
    gradient 2*l2*w is normalised by its own size, so it moves by ~lr a step, whatever w is;
    under AdamW it is multiplied by (1 - 2*l2*lr) each step."""
    w0, l2, lr, steps = 0.05, 1e-2, 1e-3, 40
    adam_p = Param("w", np.array([w0]), l2=l2)
    adamw_p = Param("w", np.array([w0]), l2=l2)
    adam_set, adamw_set = ParamSet([adam_p], np.float64), ParamSet([adamw_p], np.float64)
    adam, adamw = Adam(adam_set, lr=lr), AdamW(adamw_set, lr=lr)
    for _ in range(steps):
        adam_set.grad[:] = 2 * l2 * adam_set.value  # what Model.backward adds for Adam
        adam.step()
        adamw_set.grad[:] = 0.0                     # ...and leaves out for AdamW
        adamw.step()
    assert adamw_set.value[0] == pytest.approx(w0 * (1 - 2 * l2 * lr) ** steps, rel=1e-12)
    # Adam: ~lr per step (a little less as the gradient shrinks and v remembers it larger):
    # 70% of the weight gone in 40 steps, where AdamW took 0.08%
    moved = w0 - adam_set.value[0]
    assert 0.7 * steps * lr < moved <= steps * lr, moved
