"""A run's final numbers: its last recorded values and how many weights the regulariser drove
to (near) zero.

One definition, used by the dashboard's cards, run log and histogram, the sweeps' rows and the
presets' tests: sparsity counts only the weights the lambdas apply to (the hidden Dense layers,
and the output layer when `regularise_output`), biases excluded; "near zero" is |w| < NEAR_ZERO.
"""

from __future__ import annotations

import numpy as np

NEAR_ZERO = 1e-3  # |w| below this counts as (near) zero, everywhere the lab counts sparsity
# A run's final values (final_values' keys, besides the series' other names and epochs_run):
# every sweep row's, the run log's and the dashboard cards'.
METRICS = ("data_loss", "reg_loss", "loss", "accuracy", "val_loss", "val_accuracy",
           "near_zero_weights", "exact_zero_weights")


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


def final_values(history) -> dict[str, float]:
    """History.final() (the last value of every series, `loss`, `epochs_run`) plus the sparsity
    shares of its model: `near_zero_weights` and `exact_zero_weights`."""
    shares = sparsity(history.model, history.config.regularise_output)
    return dict(history.final(), near_zero_weights=shares["near_zero"],
                exact_zero_weights=shares["exact_zero"])
