"""The training loop: one generator that streams History snapshots; train() runs it to the end."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import numpy as np

from .config import check_work
from .data import Dataset, make_dataset
from .history import History
from .losses import SoftmaxCrossEntropy
from .model import build_model
from .optim import make_optimizer


def _streams(seed: int) -> tuple[np.random.SeedSequence, np.random.Generator, np.random.Generator]:
    """Independent streams for data, initial weights and dropout, so that changing the
    dropout rate changes neither the data nor the initial weights."""
    data_seq, init_seq, dropout_seq = np.random.SeedSequence(seed).spawn(3)
    return data_seq, np.random.default_rng(init_seq), np.random.default_rng(dropout_seq)


def _check_data(config, data: Dataset | None, data_seq) -> Dataset:
    if data is None:
        return make_dataset(config, data_seq)
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be an nncore Dataset; got {type(data).__name__}")
    check_work(config, len(data.y), len(data.y_val), data.classes)
    return data


def _epoch(epoch, model, loss_fn, optimizer, X, X_val, val_fn, history) -> bool:
    """One full-batch step; records the epoch and returns False if the loss is not finite."""
    data_loss, train_accuracy = loss_fn.forward(model.forward(X, training=True))
    reg_loss = model.reg_loss()
    if not math.isfinite(data_loss + reg_loss):
        history.status, history.diverged_at = "diverged", epoch
        return False
    model.backward(loss_fn.backward())
    # Validation (dropout off) sees the same weights as the training forward pass above.
    val_loss, val_accuracy = val_fn.forward(model.forward(X_val, training=False))
    lr = optimizer.current_lr
    optimizer.step()
    history.record(epoch, data_loss=data_loss, reg_loss=reg_loss, accuracy=train_accuracy,
                   val_loss=val_loss, val_accuracy=val_accuracy, learning_rate=lr)
    return True


def train_stream(config, data: Dataset | None = None, *, chunk: int = 50) -> Iterator[History]:
    """Train full-batch for config.epochs epochs, yielding the (growing) History every
    `chunk` epochs and once at the end. Closing the generator stops training; the History
    already yielded keeps its records and gets status "stopped"."""
    data_seq, init_rng, dropout_rng = _streams(config.seed)
    data = _check_data(config, data, data_seq)
    model = build_model(config, data.X.shape[1], data.classes, init_rng, dropout_rng)
    optimizer = make_optimizer(config, model.params)
    X = data.X.astype(model.dtype)
    loss_fn = SoftmaxCrossEntropy(data.y, data.classes)
    X_val = data.X_val.astype(model.dtype)
    val_fn = SoftmaxCrossEntropy(data.y_val, data.classes)
    history = History(config, data, model, config.epochs)
    history.optimizer = optimizer
    start = time.perf_counter()
    try:
        for first in range(0, config.epochs, chunk):
            last = min(first + chunk, config.epochs)
            with np.errstate(all="ignore"):  # overflow is reported as divergence instead
                ok = all(_epoch(e, model, loss_fn, optimizer, X, X_val, val_fn, history)
                         for e in range(first, last))
            if not ok:
                break
            if last < config.epochs:
                history.elapsed_s = time.perf_counter() - start
                yield history
        if history.status == "running":
            history.status = "completed"
    finally:
        history.elapsed_s = time.perf_counter() - start
        if history.status == "running":  # the caller closed us early
            history.status = "stopped"
    yield history


def train(config, data: Dataset | None = None) -> History:
    """Run training to the end (or to divergence) and return the History."""
    *_, history = train_stream(config, data, chunk=config.epochs)
    return history
