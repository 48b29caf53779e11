"""Parameters: value, gradient and their own L1/L2 coefficients, packed in one flat vector."""

from __future__ import annotations

import numpy as np


class Param:
    """A trainable array with its gradient and regularisation strengths.

    Hashed by identity, so optimisers can key state by parameter. After packing into a
    `ParamSet`, `value` and `grad` are views into the set's flat vectors.
    """

    __slots__ = ("name", "value", "grad", "l1", "l2")

    def __init__(self, name: str, value: np.ndarray, l1: float = 0.0, l2: float = 0.0):
        self.name = name
        self.value = value
        self.grad = np.zeros_like(value)
        self.l1 = float(l1)
        self.l2 = float(l2)

    def __repr__(self) -> str:
        return f"Param({self.name!r}, shape={self.value.shape}, l1={self.l1:g}, l2={self.l2:g})"


class ParamSet:
    """Packs params into one flat value vector and one flat grad vector (for fast updates).

    `l1` and `l2` are per-element coefficient vectors, so the penalty is one vector formula.
    """

    def __init__(self, params: list[Param], dtype: np.dtype):
        self.params = list(params)
        sizes = [p.value.size for p in self.params]
        self.slices: dict[Param, slice] = {}
        self.value = np.empty(sum(sizes), dtype=dtype)
        self.grad = np.zeros_like(self.value)
        self.l1 = np.zeros_like(self.value)
        self.l2 = np.zeros_like(self.value)
        start = 0
        for p, n in zip(self.params, sizes, strict=True):
            sl = self.slices[p] = slice(start, start + n)
            self.value[sl] = p.value.ravel()
            self.l1[sl], self.l2[sl] = p.l1, p.l2
            p.value = self.value[sl].reshape(p.value.shape)
            p.grad = self.grad[sl].reshape(p.value.shape)
            start += n
        # The coefficient vectors of the terms in use (None for an all-zero term: skipped).
        self.l1_terms = self.l1 if self.l1.any() else None
        self.l2_terms = self.l2 if self.l2.any() else None
        self.regularised = self.l1_terms is not None or self.l2_terms is not None

    @property
    def size(self) -> int:
        return self.value.size

    def view(self, flat: np.ndarray, param: Param) -> np.ndarray:
        """The part of a flat per-element array (e.g. optimiser state) that belongs to `param`."""
        return flat[self.slices[param]].reshape(param.value.shape)

    def stacked(self, top: Param, bottom: Param, flat: np.ndarray | None = None):
        """The values (or the part of `flat`, e.g. the gradient) of `top` stacked on `bottom`
        as one 2-D view, e.g. a Dense layer's [W; b]; None unless the two are packed next to
        each other with equal column counts."""
        a, b = self.slices.get(top), self.slices.get(bottom)
        if (a is None or b is None or a.stop != b.start or top.value.ndim != 2
                or bottom.value.ndim != 2 or top.value.shape[1] != bottom.value.shape[1]):
            return None
        shape = (top.value.shape[0] + bottom.value.shape[0], top.value.shape[1])
        return (self.value if flat is None else flat)[a.start : b.stop].reshape(shape)
