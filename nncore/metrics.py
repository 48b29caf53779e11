"""Sparsity of a trained model: how many weights the regulariser drove to (near) zero.

One definition, used by the dashboard's card and histogram, the sweeps and the presets' tests:
only the weights the lambdas apply to (the hidden Dense layers, and the output layer when
`regularise_output`), biases excluded; "near zero" is |w| < NEAR_ZERO.
"""

from __future__ import annotations

import numpy as np

NEAR_ZERO = 1e-3  # |w| below this counts as (near) zero, everywhere the lab counts sparsity


def regularised_weights(model, regularise_output: bool) -> np.ndarray:
    """The weights (not biases) of the layers the lambdas apply to, flattened, as float64."""
    weights = [p.value for p in model.params.params if p.name.endswith(".weights")]
    if not regularise_output:
        weights = weights[:-1]  # the output layer is the last Dense
    if not weights:
        return np.zeros(0)
    return np.concatenate([w.ravel() for w in weights]).astype(np.float64)


def sparsity(model, regularise_output: bool) -> dict[str, float]:
    """{"near_zero": share with |w| < NEAR_ZERO, "exact_zero": share with w == 0} of the
    regularised weights (NaN shares when there are none)."""
    w = regularised_weights(model, regularise_output)
    if w.size == 0:
        return {"near_zero": float("nan"), "exact_zero": float("nan")}
    return {"near_zero": float(np.mean(np.abs(w) < NEAR_ZERO)),
            "exact_zero": float(np.mean(w == 0))}
