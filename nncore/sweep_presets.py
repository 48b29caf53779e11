"""Named sweeps: the teaching U-curves, each on an explicit base config of its own."""

from __future__ import annotations

from .config import TrainConfig
from .sweepspec import SweepSpec, make_spec

# The `overfit` preset's data and network written out here, so that retuning the presets
# does not move the measured curve below.
_OVERFIT = TrainConfig(dataset="spiral", samples=30, classes=3, noise=0.05, val_samples=200,
                       hidden=(128, 128), optimizer="adam", learning_rate=0.01, decay=1e-4,
                       epochs=1501, weight_l1=0.0, weight_l2=0.0, bias_l1=0.0, bias_l2=0.0,
                       dropout=0.0, seed=0)

SWEEP_PRESETS: dict[str, SweepSpec] = {
    "l2-u-curve": make_spec(_OVERFIT, ["weight_l2=1e-5:1e-1:log:5"], seeds=5),
}

SWEEP_PRESET_NOTES: dict[str, str] = {
    "l2-u-curve": "TODO",
}
