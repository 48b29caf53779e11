"""History: the per-epoch record of a run, growing while it trains."""

from __future__ import annotations

import hashlib
import math

import numpy as np

SERIES = ("data_loss", "reg_loss", "accuracy", "val_loss", "val_accuracy", "learning_rate")


class History:
    """Per-epoch series (float64 arrays, one value per recorded epoch) plus the model and the
    optimiser that trained it (its state included).

    `status` is "running", "completed", "stopped" (the caller ended it early) or "diverged"
    (the loss became NaN/inf at epoch `diverged_at`; the series stop before that epoch).
    Whatever the status, `model` has the parameters the last record describes (see
    `train_stream`).
    """

    def __init__(self, config, data, model, capacity: int):
        self.config, self.data, self.model = config, data, model
        self.optimizer = None  # set by the training loop
        self._epoch = np.zeros(capacity, dtype=np.int64)
        self._series = {k: np.full(capacity, np.nan) for k in SERIES}
        self.n = 0
        self.status = "running"
        self.diverged_at: int | None = None
        self.elapsed_s = 0.0

    def record(self, epoch: int, **values: float) -> None:
        i = self.n
        self._epoch[i] = epoch
        for k, v in values.items():
            self._series[k][i] = v
        self.n = i + 1

    @property
    def epoch(self) -> np.ndarray:
        return self._epoch[: self.n]

    def series(self, name: str) -> np.ndarray:
        return self._series[name][: self.n]

    data_loss = property(lambda self: self.series("data_loss"))
    reg_loss = property(lambda self: self.series("reg_loss"))
    accuracy = property(lambda self: self.series("accuracy"))
    val_loss = property(lambda self: self.series("val_loss"))
    val_accuracy = property(lambda self: self.series("val_accuracy"))
    learning_rate = property(lambda self: self.series("learning_rate"))

    @property
    def loss(self) -> np.ndarray:
        """Total loss the optimiser minimises: data loss + regularisation loss."""
        return self.data_loss + self.reg_loss

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"

    def final(self) -> dict[str, float]:
        """Last recorded value of every series (NaN when nothing was recorded)."""
        last = {k: float(v[self.n - 1]) if self.n else math.nan for k, v in self._series.items()}
        last["loss"] = last["data_loss"] + last["reg_loss"]
        last["epochs_run"] = float(self.n)
        return last

    def fingerprint(self) -> str:
        """12 hex digits of a hash over every recorded value and the status: two runs with
        the same fingerprint recorded exactly the same numbers (shown by the UI, used by the
        load test to prove sessions do not disturb each other)."""
        digest = hashlib.sha256(self.status.encode())
        digest.update(self.epoch.tobytes())
        for name in SERIES:
            digest.update(self.series(name).tobytes())
        return digest.hexdigest()[:12]

    def __repr__(self) -> str:
        return f"History(status={self.status!r}, epochs={self.n}, final={self.final()})"
