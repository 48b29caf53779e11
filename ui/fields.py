"""The sidebar's control table: one row per config field (widget kind, scale, label, help).

Pure data; `ui.sidebar` renders it with Streamlit. Ranges here are what the widgets can show;
URL values outside them are clamped into them (see `LIMITS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from nncore import DTYPES, FIELD_SPECS, TWO_CLASS_DATASETS

from . import scales, teaching

DATASET_LABELS = {"spiral": "Spiral", "vertical": "Vertical stripes", "moons": "Moons",
                  "circles": "Circles", "xor": "XOR", "blobs": "Blobs",
                  "csv": "Upload a CSV…"}
OPTIMIZER_LABELS = {"sgd": "SGD", "adagrad": "AdaGrad", "rmsprop": "RMSprop", "adam": "Adam",
                    "adamw": "AdamW"}
_SEED = FIELD_SPECS["seed"]


@dataclass(frozen=True)
class Control:
    """How one field is shown: `kind` is select_slider, slider, number, select or toggle."""

    field: str
    label: str
    kind: str
    help: str
    group: str
    options: tuple = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None
    fmt: str | None = None            # number format for sliders / number inputs
    optimizers: tuple[str, ...] = ()  # shown only for these optimisers (empty: always)
    csv: bool | None = None           # True: only for uploaded data; False: never for it

    def visible(self, values: dict) -> bool:
        """Whether this control is relevant for the other current values."""
        if self.optimizers and values.get("optimizer") not in self.optimizers:
            return False
        if self.csv is not None and (values.get("dataset") == "csv") != self.csv:
            return False
        if self.field == "classes" and values.get("dataset") in TWO_CLASS_DATASETS:
            return False
        return True


CONTROLS: tuple[Control, ...] = (
    Control("dataset", "Dataset", "select", "Which 2-D points to classify; upload your own as "
            "x1, x2, label.", "data", options=tuple(DATASET_LABELS)),
    Control("samples", "Training points per class", "select_slider", "How many training "
            "points each class gets; fewer points make overfitting easier.", "data",
            options=scales.SAMPLES_GRID, csv=False),
    Control("classes", "Classes", "slider", "Number of classes (colours); moons and XOR "
            "always have 2.", "data", low=2, high=10, step=1, csv=False),
    Control("noise", "Input noise", "slider", "Standard deviation of extra Gaussian noise "
            "added to every point's coordinates.", "data", low=0.0, high=1.0, step=0.01,
            csv=False),
    Control("val_samples", "Validation points per class", "select_slider", "Points drawn "
            "independently of training, never trained on: they measure generalisation.",
            "data", options=scales.SAMPLES_GRID[:-1] + (5000,), csv=False),
    Control("val_fraction", "Validation share", "slider", "Share of the uploaded rows held "
            "out for validation (per class).", "data", low=0.05, high=0.5, step=0.05,
            csv=True),
    Control("weight_l1", "L1 on weights  λ₁ʷ", "select_slider", "L1 on weights " +
            teaching.L1_HELP.format(p="w") + teaching.L1_WEIGHTS, "reg",
            options=scales.LAMBDA_GRID),
    Control("weight_l2", "L2 on weights  λ₂ʷ", "select_slider", "L2 on weights " +
            teaching.L2_HELP.format(p="w") + teaching.L2_WEIGHTS, "reg",
            options=scales.LAMBDA_GRID),
    Control("bias_l1", "L1 on biases  λ₁ᵇ", "select_slider", "L1 on biases " +
            teaching.L1_HELP.format(p="b"), "reg", options=scales.LAMBDA_GRID),
    Control("bias_l2", "L2 on biases  λ₂ᵇ", "select_slider", "L2 on biases " +
            teaching.L2_HELP.format(p="b"), "reg", options=scales.LAMBDA_GRID),
    Control("regularise_output", "Regularise the output layer too", "toggle", "Off (as in "
            "the notes): the lambdas apply to the hidden layers only.", "reg"),
    Control("dropout", "Dropout rate", "slider", "Fraction of hidden units switched off on "
            "each training step: mask ~ Bernoulli(1 − rate), output = input · mask / "
            "(1 − rate). Off for validation.", "reg", low=0.0, high=0.9, step=0.05),
    Control("optimizer", "Optimiser", "select", "The update rule applied to the gradients.",
            "optim", options=tuple(OPTIMIZER_LABELS)),
    Control("learning_rate", "Learning rate  lr₀", "select_slider", "Step size at the start "
            "of training; too large and the loss blows up (diverges).", "optim",
            options=scales.LR_GRID),
    Control("decay", "Learning-rate decay", "select_slider", "lr_t = lr₀ / (1 + decay · t): "
            "the step size shrinks as the epochs t go by.", "optim", options=scales.DECAY_GRID),
    Control("momentum", "Momentum", "slider", "Share of the previous update carried into the "
            "next one (SGD only).", "optim", low=0.0, high=0.99, step=0.01, optimizers=("sgd",)),
    Control("beta1", "β₁ (momentum)", "number", "Adam's decay of the running mean of "
            "gradients.", "optim", low=0.0, high=0.999, step=0.01, fmt="%.3f",
            optimizers=("adam", "adamw")),
    Control("beta2", "β₂ (cache)", "number", "Adam's decay of the running mean of squared "
            "gradients.", "optim", low=0.0, high=0.9999, step=0.0005, fmt="%.4f",
            optimizers=("adam", "adamw")),
    Control("rho", "ρ (cache decay)", "number", "RMSprop's decay of the running mean of "
            "squared gradients.", "optim", low=0.0, high=0.999, step=0.01, fmt="%.3f",
            optimizers=("rmsprop",)),
    Control("eps", "ε", "select_slider", "Added to the denominator so that a zero cache "
            "never divides by zero.", "optim", options=scales.EPS_GRID,
            optimizers=("adagrad", "rmsprop", "adam", "adamw")),
    Control("epochs", "Epochs", "select_slider", "Full-batch training steps (the notes' "
            "range(10001) is 10,001).", "train", options=scales.EPOCHS_GRID),
    Control("seed", "Seed", "number", "Seeds the data, the initial weights and the dropout "
            "masks (separately): same seed, same numbers.", "train", low=int(_SEED.low),
            high=int(_SEED.high), step=1),
    Control("dtype", "Precision", "select", "float32 is faster; float64 for exact checks.",
            "train", options=DTYPES),
)
BY_FIELD = {c.field: c for c in CONTROLS}
HIDDEN_HELP = ("Neurons in each hidden layer (Dense → ReLU → Dropout); more neurons can "
               "memorise more.")

# Closed ranges the widgets show: URL values outside are clamped into these.
LIMITS: dict[str, tuple[float, float]] = {
    c.field: (c.low, c.high) for c in CONTROLS if c.low is not None and c.field != "seed"}
LIMITS.update({"learning_rate": (scales.LR_GRID[0], scales.LR_GRID[-1]),
               "eps": (scales.EPS_GRID[0], scales.EPS_GRID[-1])})


def widget_key(field: str) -> str:
    """Session-state key of a config widget (namespaced so pages cannot collide with it)."""
    return f"cfg_{field}"


def layer_key(i: int) -> str:
    return f"cfg_hidden_{i}"
