"""Datasets: nnfs's spiral/vertical behind a seeded lock, Generator-drawn moons, circles, XOR
and blobs, extra input noise, an independent validation set, and the split of uploaded points
(their CSV parsing: nncore.csvdata)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from nnfs.datasets import spiral_data, vertical_data

_NNFS_LOCK = threading.Lock()  # nnfs draws from numpy's global RNG: one caller at a time


@dataclass(frozen=True)
class Dataset:
    """Training and validation points: X float (n, 2), y int (n,)."""

    X: np.ndarray
    y: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    classes: int


def nnfs_dataset(name: str, samples: int, classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """nnfs's spiral or vertical data as a pure function of (samples, classes, seed).

    nnfs calls np.random.randn; we load a seeded legacy state for the call and put the
    process-wide state back exactly as it was, all under a lock so that two sessions
    cannot interleave.
    """
    make = {"spiral": spiral_data, "vertical": vertical_data}[name]
    with _NNFS_LOCK:
        # NPY002 is the rule this wrapper exists to honour for everybody else.
        saved = np.random.get_state()  # noqa: NPY002
        try:
            np.random.set_state(np.random.RandomState(seed).get_state())  # noqa: NPY002
            X, y = make(samples=samples, classes=classes)
        finally:
            np.random.set_state(saved)  # noqa: NPY002
    return X, y.astype(np.int64)


def _moons(n: int, classes: int, rng: np.random.Generator):
    t = rng.uniform(0, np.pi, (2, n))
    upper = np.c_[np.cos(t[0]), np.sin(t[0])]
    lower = np.c_[1 - np.cos(t[1]), 0.5 - np.sin(t[1])]
    X = np.vstack([upper, lower]) - [0.5, 0.25]
    return X + rng.normal(0, 0.05, X.shape), np.repeat(np.arange(2), n)


def _circles(n: int, classes: int, rng: np.random.Generator):
    angle = rng.uniform(0, 2 * np.pi, classes * n)
    y = np.repeat(np.arange(classes), n)
    radius = (y + 1) / classes + rng.normal(0, 0.03, classes * n)
    return np.c_[radius * np.cos(angle), radius * np.sin(angle)], y


def _xor(n: int, classes: int, rng: np.random.Generator):
    X = rng.uniform(-1, 1, (4 * n, 2))
    X += 0.05 * np.sign(X)  # a small gap at the axes so the quadrants are learnable
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    order = np.argsort(y, kind="stable")
    keep = np.r_[order[y[order] == 0][:n], order[y[order] == 1][:n]]
    return X[keep], y[keep]


def _blobs(n: int, classes: int, rng: np.random.Generator):
    angles = 2 * np.pi * np.arange(classes) / classes
    centres = 0.7 * np.c_[np.cos(angles), np.sin(angles)]
    y = np.repeat(np.arange(classes), n)
    return centres[y] + rng.normal(0, 0.25, (classes * n, 2)), y


_GENERATED = {"moons": _moons, "circles": _circles, "xor": _xor, "blobs": _blobs}


def _draw(name: str, samples: int, classes: int, seq: np.random.SeedSequence, noise: float):
    """One set of points; `seq` seeds the shape and, separately, the extra noise."""
    shape_seq, noise_seq = seq.spawn(2)
    if name in _GENERATED:
        X, y = _GENERATED[name](samples, classes, np.random.default_rng(shape_seq))
    else:
        X, y = nnfs_dataset(name, samples, classes, int(shape_seq.generate_state(1)[0]))
    if noise > 0:
        X = X + np.random.default_rng(noise_seq).normal(0.0, noise, X.shape)
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64)


def make_dataset(config, seq: np.random.SeedSequence | None = None) -> Dataset:
    """Training and validation sets for a built-in dataset, from independent seed streams
    (the validation set does not depend on anything training draws)."""
    if config.dataset == "csv":
        raise ValueError("dataset 'csv' needs uploaded data: pass data=load_csv(...) results")
    seq = seq if seq is not None else np.random.SeedSequence(config.seed).spawn(1)[0]
    train_seq, val_seq = seq.spawn(2)
    X, y = _draw(config.dataset, config.samples, config.classes, train_seq, config.noise)
    X_val, y_val = _draw(config.dataset, config.val_samples, config.classes, val_seq, config.noise)
    return Dataset(X, y, X_val, y_val, config.classes)


def split_dataset(X: np.ndarray, y: np.ndarray, val_fraction: float, seed: int) -> Dataset:
    """Hold out about val_fraction of each class (at least one point, never the last one)."""
    rng = np.random.default_rng(seed)
    val_idx = []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = min(max(1, round(val_fraction * len(idx))), len(idx) - 1)
        val_idx.append(idx[:k])
    is_val = np.zeros(len(y), dtype=bool)
    is_val[np.concatenate(val_idx)] = True
    classes = int(y.max()) + 1
    return Dataset(X[~is_val], y[~is_val], X[is_val], y[is_val], classes)
