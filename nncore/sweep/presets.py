"""Named sweeps: the teaching U-curves, each on an explicit base config of its own (so that
retuning the presets in nncore/presets.py does not move a curve measured here)."""

from __future__ import annotations

from ..config import TrainConfig
from .spec import SweepSpec, make_spec

# The `overfit` preset's data (90 training points of three noisy circles, 200 validation
# points) with no regularisation, on a network and schedule of its own: two layers of 64
# neurons, 1001 epochs, decay 1e-4 (the overfit preset's are bigger and retuned on their own).
# On 90 spiral points (the overfit preset's data before it moved to circles) the curve
# is flat: the best mean validation loss (1.075 at 1e-2, seeds 0-4) is barely under the
# underfit plateau ln 3 = 1.099, and on seeds 5-9 the plateau itself is lowest: the spiral is
# too hard to learn from 90 points, so there is nothing for the right amount of L2 to win.
_CIRCLES = TrainConfig(dataset="circles", samples=30, classes=3, noise=0.1, val_samples=200,
                       hidden=(64, 64), optimizer="adam", learning_rate=0.01, decay=1e-4,
                       epochs=1001, weight_l1=0.0, weight_l2=0.0, bias_l1=0.0, bias_l2=0.0,
                       dropout=0.0, seed=0)

SWEEP_PRESETS: dict[str, SweepSpec] = {
    "l2-u-curve": make_spec(_CIRCLES, ["weight_l2=1e-5:1e-1:log:9"], seeds=5),
}

SWEEP_PRESET_NOTES: dict[str, str] = {
    "l2-u-curve": "L2 on the weights from 1e-5 to 1e-1, 5 seeds, on 90 noisy points of three "
                  "circles. Too little and the network memorises: mean validation loss 0.69 "
                  "at 1e-5. Around 3e-3 it is lowest (0.29). From 3e-2 the penalty wins, every "
                  "weight shrinks to nothing and each class gets 1/3: ln 3 = 1.10, an "
                  "underfit network. (Seeds 5-9: 0.71, 0.29, 1.10.) Its network is not the "
                  "overfit presets': two layers of 64 neurons, 1,001 epochs, decay 1e-4, L2 "
                  "on the weights only (overfit-l2: 128 and 128 neurons, 1,501 epochs, decay "
                  "3e-2, L2 1e-2 on weights and biases). So its best λ is not overfit-l2's: "
                  "the right amount of L2 depends on the network and its schedule.",
}
