"""Optimiser steps against values computed by hand; decay; state owned per optimiser."""

import numpy as np
import pytest

from nncore.optim import SGD, Adagrad, Adam, RMSprop, decayed_lr
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


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSprop, Adam])
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
