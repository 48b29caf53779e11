"""Optimisers SGD (momentum), Adagrad, RMSprop, Adam and AdamW, with lr0 / (1 + decay * t) decay.

AdamW (Loshchilov & Hutter, "Decoupled weight decay regularization") is Adam whose L2 term is
not part of the gradient Adam normalises: each update also subtracts lr_t * 2 * l2 * theta,
the L2 penalty's own gradient step, as plain SGD would take it. Under Adam the L2 gradient 2*l2*w
of a weight the data no longer uses is divided by its own running size, so it moves by about
the learning rate per step whatever w is (and reaches 0 in a few hundred steps); decoupled, it
shrinks w by the factor (1 - 2 * l2 * lr_t) per step, in proportion, as L2 does under SGD.

An optimiser is built with the parameters it updates and owns all of their state, as flat
arrays over the ParamSet (so one update is a handful of vector operations); `state(param)`
gives that parameter's part. A new optimiser starts from fresh state.

Subnormal flush (the one place it happens): after every update, `Optimizer.step` sets every
value below np.finfo(dtype).tiny in magnitude (the subnormal floats) to 0, in the parameters
and in the optimiser's state. L2 pushes the weights of dead units, and Adam's moments of
their gradients, geometrically towards 0, into the subnormal range, which many CPUs compute
with slow microcode (why: docs/DECISIONS.md#flush-subnormals-in-the-optimiser). Flushing
in numpy, not through the CPU's flush-to-zero mode, gives the same numbers on every machine.
Such values (below 1.2e-38 in float32) change nothing the model computes at float32
resolution. An L2-regularised parameter has a higher floor (`param_floor`): below
sqrt(tiny) / (2 * l2) its L2 gradient's square is subnormal, and a dead unit's weight would
spend the rest of the run there (issue 17 item 10).
"""

from __future__ import annotations

import math

import numpy as np

from .params import Param, ParamSet


def decayed_lr(lr0: float, decay: float, t: int) -> float:
    """The learning rate for update number t (t = 0 for the first update)."""
    return lr0 / (1.0 + decay * t)


class SubnormalFlush:
    """flush(x): x[|x| < np.finfo(dtype).tiny] = 0 in place, for contiguous 1-D arrays of up
    to `size` elements, with reused buffers. (-0.0 becomes +0.0: the same value.)"""

    def __init__(self, size: int, dtype):
        self.tiny = np.finfo(dtype).tiny
        self._abs = np.empty(size, dtype)
        self._small = np.empty(size, bool)

    def __call__(self, x: np.ndarray, floor: np.ndarray | float | None = None) -> None:
        """`floor` (a scalar or one value per element; default `tiny`): the magnitude below
        which a value is set to 0."""
        a, small = self._abs[: x.size], self._small[: x.size]
        np.abs(x, out=a)
        np.less(a, self.tiny if floor is None else floor, out=small)
        np.copyto(x, 0, where=small)


def param_floor(params: ParamSet) -> np.ndarray | float:
    """Per parameter, the magnitude below which the flush sets it to 0: np.finfo(dtype).tiny,
    and for an L2-regularised one the larger sqrt(tiny) / (2 * l2) (at least sqrt(tiny)).

    Below it the L2 gradient 2*l2*w is so small that its square (Adam's g*g) and w*w (the
    penalty) are subnormal: a dead unit's weight that L2 walks down from there towards
    tiny (about 1e-19 -> 1e-38 in float32) made every step's penalty, penalty gradient and
    Adam moments subnormal arithmetic, 1.2-1.3x a run's time (issue 17 item 10). Such a weight
    (below ~5e-14 for l2 = 1e-6, ~1e-17 for l2 = 5e-3 in float32) is 1e-7 or less of any
    weight the network uses: at float32's resolution it changes no output. The zeros it makes
    are counted as what they are (ui/teaching.py: "too small for float32")."""
    tiny = np.finfo(params.value.dtype).tiny
    if params.l2_terms is None:
        return tiny
    floor = np.full(params.size, tiny, dtype=params.value.dtype)
    l2 = params.l2_terms
    regular = l2 > 0
    floor[regular] = np.maximum(np.sqrt(tiny) / (2 * l2[regular]), np.sqrt(tiny))
    return floor


class Optimizer:
    """Base: holds the ParamSet, the step count and named flat state arrays.

    `decoupled_l2`: True if the optimiser applies the L2 penalty itself (AdamW), so the model
    leaves it out of the gradient (Model.backward(l2=False))."""

    state_names: tuple[str, ...] = ()
    decoupled_l2 = False

    def __init__(self, params: ParamSet, lr: float, decay: float = 0.0):
        self.params = params
        self.lr0 = float(lr)
        self.decay = float(decay)
        self.iterations = 0
        # All state in one block (one row per name), so the flush is one pass over it.
        self._block = np.zeros((len(self.state_names), params.size), dtype=params.value.dtype)
        self._state = dict(zip(self.state_names, self._block, strict=True))
        self._flush = SubnormalFlush(max(self._block.size, params.size), self._block.dtype)
        self._param_floor = param_floor(params)

    @property
    def current_lr(self) -> float:
        return decayed_lr(self.lr0, self.decay, self.iterations)

    def state(self, param: Param) -> dict[str, np.ndarray]:
        """This optimiser's state for one parameter (views into the flat state)."""
        return {k: self.params.view(v, param) for k, v in self._state.items()}

    def step(self) -> None:
        """Apply one update from params.grad, flush subnormals (see the module docstring) from
        the parameters and the state, then count the update."""
        self._update(self.params.value, self.params.grad, self.current_lr)
        self._flush(self.params.value, self._param_floor)
        self._flush(self._block.reshape(-1))
        self.iterations += 1

    def _update(self, theta: np.ndarray, g: np.ndarray, lr: float) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """v = momentum * v - lr * g; theta += v (plain SGD when momentum = 0)."""

    state_names = ("momentum",)

    def __init__(self, params, lr=1.0, decay=0.0, momentum=0.0):
        super().__init__(params, lr, decay)
        self.momentum = float(momentum)

    def _update(self, theta, g, lr):
        v = self._state["momentum"]
        v *= self.momentum
        v -= lr * g
        theta += v


class Adagrad(Optimizer):
    """cache += g^2; theta -= lr * g / (sqrt(cache) + eps)."""

    state_names = ("cache",)

    def __init__(self, params, lr=1.0, decay=0.0, eps=1e-7):
        super().__init__(params, lr, decay)
        self.eps = float(eps)

    def _update(self, theta, g, lr):
        cache = self._state["cache"]
        cache += g * g
        theta -= lr * g / (np.sqrt(cache) + self.eps)


class RMSprop(Optimizer):
    """cache = rho * cache + (1 - rho) g^2; theta -= lr * g / (sqrt(cache) + eps)."""

    state_names = ("cache",)

    def __init__(self, params, lr=0.001, decay=0.0, eps=1e-7, rho=0.9):
        super().__init__(params, lr, decay)
        self.eps, self.rho = float(eps), float(rho)

    def _update(self, theta, g, lr):
        cache = self._state["cache"]
        cache *= self.rho
        cache += (1 - self.rho) * g * g
        theta -= lr * g / (np.sqrt(cache) + self.eps)


class Adam(Optimizer):
    """Moments m, v of g and g^2; bias-corrected because both start at 0 and would
    otherwise underestimate the early moments by a factor (1 - beta^t)."""

    state_names = ("m", "v")

    def __init__(self, params, lr=0.001, decay=0.0, eps=1e-7, beta1=0.9, beta2=0.999):
        super().__init__(params, lr, decay)
        self.eps, self.beta1, self.beta2 = float(eps), float(beta1), float(beta2)
        self._scratch: tuple[np.ndarray, np.ndarray] | None = None

    def _update(self, theta, g, lr):
        # theta -= lr * m_hat / (sqrt(v_hat) + eps), m_hat = m / c1, v_hat = v / c2, computed
        # as theta -= (lr * sqrt(c2) / c1) * m / (sqrt(v) + eps * sqrt(c2)): the corrections
        # become two scalars (Kingma & Ba, section 2), in two scratch vectors.
        m, v = self._state["m"], self._state["v"]
        if self._scratch is None:
            self._scratch = (np.empty_like(theta), np.empty_like(theta))
        step, den = self._scratch
        t = self.iterations + 1
        root_c2 = math.sqrt(1 - self.beta2**t)
        m *= self.beta1
        m += np.multiply(g, 1 - self.beta1, out=step)
        v *= self.beta2
        np.multiply(g, g, out=step)
        step *= 1 - self.beta2
        v += step
        np.sqrt(v, out=den)
        den += self.eps * root_c2
        np.divide(m, den, out=step)
        step *= lr * root_c2 / (1 - self.beta1**t)
        theta -= step


class AdamW(Adam):
    """Adam on the gradient without its L2 term, then theta -= lr * 2 * l2 * theta (from the
    parameters before this update): decoupled weight decay. Without L2 it is Adam."""

    decoupled_l2 = True

    def _update(self, theta, g, lr):
        l2 = self.params.l2_terms
        if l2 is None:
            super()._update(theta, g, lr)
            return
        shrink = np.multiply(l2, 2 * lr, dtype=theta.dtype)
        shrink *= theta
        super()._update(theta, g, lr)
        theta -= shrink


def make_optimizer(config, params: ParamSet) -> Optimizer:
    """The optimiser a TrainConfig names, with its hyper-parameters."""
    lr, decay, name = config.learning_rate, config.decay, config.optimizer
    if name == "sgd":
        return SGD(params, lr, decay, momentum=config.momentum)
    if name == "adagrad":
        return Adagrad(params, lr, decay, eps=config.eps)
    if name == "rmsprop":
        return RMSprop(params, lr, decay, eps=config.eps, rho=config.rho)
    if name == "adam":
        return Adam(params, lr, decay, eps=config.eps, beta1=config.beta1, beta2=config.beta2)
    if name == "adamw":
        return AdamW(params, lr, decay, eps=config.eps, beta1=config.beta1, beta2=config.beta2)
    raise ValueError(f"optimizer must be one of sgd, adagrad, rmsprop, adam, adamw; got {name!r}")
