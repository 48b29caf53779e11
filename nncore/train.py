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


class _Loop:
    """A run's model, optimiser, data and History, and its epoch.

    Epoch e records the parameters its forward pass used; the update computed from them is
    applied at the start of epoch e + 1, so the model is always its last record's.
    """

    def __init__(self, config, data: Dataset, history: History, optimizer):
        self.config, self.history, self.optimizer = config, history, optimizer
        self.model = history.model
        self.X, self.X_val = data.X.astype(self.model.dtype), data.X_val.astype(self.model.dtype)
        # Read-only copies: layers may keep what they derive from them (Dense._with_ones).
        self.X.flags.writeable = self.X_val.flags.writeable = False
        self.loss_fn = SoftmaxCrossEntropy(data.y, data.classes)
        self.val_fn = SoftmaxCrossEntropy(data.y_val, data.classes)
        self._before = np.empty_like(self.model.params.value)  # to undo a diverging update
        self._val_workspace: dict = {}  # the validation pass's arrays, reused every epoch

    def epoch(self, e: int) -> bool:
        """Apply the pending update (if e > 0), record epoch e, and compute the next update
        unless e is the run's last. False, with the parameters of epoch e - 1 put back, if the
        loss is not finite."""
        model, params = self.model, self.model.params
        if e > 0:
            np.copyto(self._before, params.value)
            self.optimizer.step()
        data_loss, train_accuracy = self.loss_fn.forward(model.forward(self.X, training=True))
        reg_loss = model.reg_loss()
        if not math.isfinite(data_loss + reg_loss):
            if e > 0:
                np.copyto(params.value, self._before)
            self.history.status, self.history.diverged_at = "diverged", e
            return False
        if e < self.config.epochs - 1:  # the last epoch's update would never be applied
            model.backward(self.loss_fn.backward(), l2=not self.optimizer.decoupled_l2)
        # After the backward pass: inference drops the dropout masks that it needs.
        val_logits = model.forward(self.X_val, training=False, workspace=self._val_workspace)
        val_loss, val_accuracy = self.val_fn.forward(val_logits)
        self.history.record(e, data_loss=data_loss, reg_loss=reg_loss,
                            accuracy=train_accuracy, val_loss=val_loss,
                            val_accuracy=val_accuracy, learning_rate=self.optimizer.current_lr)
        return True


def train_stream(config, data: Dataset | None = None, *, chunk: int = 50,
                 first: bool = False) -> Iterator[History]:
    """Train full-batch for config.epochs epochs, yielding the (growing) History every
    `chunk` epochs and once at the end (with `first`, also right after epoch 0: the untrained
    network, its record and its parameters). Closing the generator stops training; the
    History already yielded keeps its records and gets status "stopped".

    The final numbers are the final model's: epoch e's record (training loss and accuracy,
    measured with dropout on, regularisation loss, validation loss and accuracy) describes
    the parameters its forward pass used, and the update computed from them (at the recorded
    learning rate) is applied only when another epoch follows. So `history.model` always has
    the parameters of the last record: a completed run of N epochs makes N - 1 updates (the
    notes' range(10001) makes 10,000), a stopped run drops its pending update, and a run
    whose loss turns non-finite at epoch e gets the parameters of epoch e - 1 back.
    """
    data_seq, init_rng, dropout_rng = _streams(config.seed)
    data = _check_data(config, data, data_seq)
    model = build_model(config, data.X.shape[1], data.classes, init_rng, dropout_rng)
    history = History(config, data, model, config.epochs)
    history.optimizer = make_optimizer(config, model.params)
    loop = _Loop(config, data, history, history.optimizer)
    start = time.perf_counter()
    edges = [*range(0, config.epochs, chunk), config.epochs]
    if first and edges[1] > 1:
        edges.insert(1, 1)
    try:
        for begin, last in zip(edges[:-1], edges[1:], strict=True):
            with np.errstate(all="ignore"):  # overflow is reported as divergence instead
                ok = all(loop.epoch(e) for e in range(begin, last))
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
