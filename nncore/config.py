"""TrainConfig: one frozen, validated description of a training run, and its field table."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from . import numtext

DATASETS = ("spiral", "vertical", "moons", "circles", "xor", "blobs", "csv")
TWO_CLASS_DATASETS = ("moons", "xor")
OPTIMIZERS = ("sgd", "adagrad", "rmsprop", "adam", "adamw")
DTYPES = ("float32", "float64")
MAX_HIDDEN_LAYERS = 3
# Multiply-adds a run may cost (~3 x epochs x points x weights): the chapter-15 run (3,000
# points, 10,001 epochs) widened from the notes' 64 to the book's 512 hidden neurons is 2.4e11.
# Bounds one run to a minute or two on a small machine.
MAX_WORK = 3e11


@dataclass(frozen=True)
class FieldSpec:
    """One row of the field table: the single source for validation, URL state and CLI flags."""

    name: str
    type: type
    default: Any
    low: float | None = None
    high: float | None = None
    high_open: bool = False  # True: the upper bound itself is not allowed
    low_open: bool = False
    choices: tuple[str, ...] | None = None
    help: str = ""

    def allowed(self) -> str:
        """Human-readable statement of what this field accepts."""
        if self.choices is not None:
            return "one of " + ", ".join(self.choices)
        if self.type is bool:
            return "true or false"
        if self.type is tuple:
            return f"1 to {MAX_HIDDEN_LAYERS} layer sizes, each in [{self.low:g}, {self.high:g}]"
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"in {left}{self.low:g}, {self.high:g}{right}"


def _spec(name, typ, default, low=None, high=None, help="", **kw) -> FieldSpec:
    return FieldSpec(name, typ, default, low, high, help=help, **kw)


_LAMBDA = "applied to every hidden Dense layer (and the output layer if regularise_output)"
FIELD_SPECS: dict[str, FieldSpec] = {
    s.name: s
    for s in (
        _spec("dataset", str, "spiral", choices=DATASETS, help="which 2-D dataset to learn"),
        _spec("samples", int, 100, 2, 5000, help="training samples per class"),
        _spec("classes", int, 3, 2, 10, help="number of classes (moons and xor have 2)"),
        _spec("noise", float, 0.0, 0.0, 1.0, help="std of extra Gaussian noise on the inputs"),
        _spec("val_samples", int, 100, 1, 5000, help="validation samples per class"),
        _spec("val_fraction", float, 0.25, 0.05, 0.5, help="share of an uploaded CSV held out"),
        _spec("hidden", tuple, (64,), 1, 1024, help="neurons in each hidden layer"),
        _spec("weight_l1", float, 0.0, 0.0, 1.0, help=f"L1 on weights: l*sum|w|, {_LAMBDA}"),
        _spec("weight_l2", float, 5e-4, 0.0, 1.0, help=f"L2 on weights: l*sum w^2, {_LAMBDA}"),
        _spec("bias_l1", float, 0.0, 0.0, 1.0, help=f"L1 on biases: l*sum|b|, {_LAMBDA}"),
        _spec("bias_l2", float, 5e-4, 0.0, 1.0, help=f"L2 on biases: l*sum b^2, {_LAMBDA}"),
        _spec("regularise_output", bool, False, help="also regularise the output layer"),
        _spec("dropout", float, 0.0, 0.0, 1.0, high_open=True,
              help="fraction of hidden units dropped in training (inverted dropout)"),
        _spec("optimizer", str, "adam", choices=OPTIMIZERS,
              help="the update rule (adamw: Adam with L2 as decoupled weight decay)"),
        _spec("learning_rate", float, 0.02, 0.0, 100.0, low_open=True, help="initial step size"),
        _spec("decay", float, 5e-7, 0.0, 1.0, help="learning-rate decay: lr0 / (1 + decay*t)"),
        _spec("momentum", float, 0.0, 0.0, 1.0, high_open=True, help="SGD momentum"),
        _spec("beta1", float, 0.9, 0.0, 1.0, high_open=True, help="Adam(W) first-moment decay"),
        _spec("beta2", float, 0.999, 0.0, 1.0, high_open=True, help="Adam(W) second-moment decay"),
        _spec("rho", float, 0.9, 0.0, 1.0, high_open=True, help="RMSprop cache decay"),
        _spec("eps", float, 1e-7, 0.0, 1.0, low_open=True, help="denominator guard"),
        _spec("epochs", int, 2001, 1, 100_000, help="full-batch training steps"),
        _spec("seed", int, 0, 0, 2**32 - 1, help="seeds data, initial weights and dropout"),
        _spec("dtype", str, "float32", choices=DTYPES, help="floating-point precision"),
    )
}


class ConfigError(ValueError):
    """A value the config does not allow; `field` names the field at fault (the message
    starts with it)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field

    def __reduce__(self):  # a sweep process's error arrives with its field too
        return type(self), (self.field, str(self))


def _bad(spec: FieldSpec, value: Any) -> ConfigError:
    return ConfigError(spec.name, f"{spec.name} must be {spec.allowed()}; got {value!r}")


def _in_range(spec: FieldSpec, x: float) -> bool:
    lo_ok = x > spec.low if spec.low_open else x >= spec.low
    hi_ok = x < spec.high if spec.high_open else x <= spec.high
    return lo_ok and hi_ok


def _parse_bool(spec: FieldSpec, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise _bad(spec, value)
    try:
        return numtext.boolean(value)
    except ValueError:
        raise _bad(spec, value) from None


def _parse_number(spec: FieldSpec, value: Any) -> float | int:
    """A number in the field's range: a Python number, or text as numtext reads it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _bad(spec, value)
    try:
        x = numtext.number(value.strip()) if isinstance(value, str) else value
    except ValueError:
        raise _bad(spec, value) from None
    if isinstance(x, float) and not math.isfinite(x):
        raise _bad(spec, value)
    if spec.type is int:
        try:
            x = numtext.integral(x)
        except ValueError:
            raise ConfigError(spec.name, f"{spec.name} must be a whole number "
                              f"{spec.allowed()}; got {value!r}") from None
    else:
        x = float(x)
    if not _in_range(spec, x):
        raise _bad(spec, value)
    return x


def _parse_hidden(spec: FieldSpec, value: Any) -> tuple[int, ...]:
    """1 to MAX_HIDDEN_LAYERS sizes in range: a list, or text as numtext.sizes reads it
    ("32, 16": spaces are ignored)."""
    if isinstance(value, str):
        try:
            parts: list = list(numtext.sizes(value.replace(" ", "")))
        except ValueError:
            raise _bad(spec, value) from None
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise _bad(spec, value)
    if not 1 <= len(parts) <= MAX_HIDDEN_LAYERS:
        raise _bad(spec, value)
    one = FieldSpec(spec.name, int, None, spec.low, spec.high)
    try:
        return tuple(_parse_number(one, p) for p in parts)
    except ValueError:
        raise _bad(spec, value) from None


def parse_field(name: str, value: Any) -> Any:
    """Coerce and validate one field value (strings allowed); ConfigError names the field."""
    spec = FIELD_SPECS[name]
    if spec.choices is not None:
        if not isinstance(value, str) or value.strip().lower() not in spec.choices:
            raise _bad(spec, value)
        return value.strip().lower()
    if spec.type is bool:
        return _parse_bool(spec, value)
    if spec.type is tuple:
        return _parse_hidden(spec, value)
    return _parse_number(spec, value)


def n_weights(hidden: tuple[int, ...], classes: int, n_inputs: int = 2) -> int:
    """Weights (not biases) of the network n_inputs -> hidden... -> classes."""
    sizes = (n_inputs, *hidden, classes)
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def check_work(config, n_train: int, n_val: int, n_classes: int | None = None) -> None:
    """ConfigError naming `hidden` or `epochs` if the run would cost more than MAX_WORK
    multiply-adds."""
    weights = n_weights(config.hidden, n_classes or config.classes)
    per_epoch = 3 * n_train * weights + n_val * weights  # forward + backward, validation
    most = int(MAX_WORK // per_epoch)
    if most < 1:
        raise ConfigError(
            "hidden", f"hidden layers {list(config.hidden)} are too large for {n_train} "
            f"training points (a run is capped at {MAX_WORK:.1e} multiply-adds); use fewer "
            "neurons or samples")
    if config.epochs > most:
        raise ConfigError(
            "epochs", f"epochs must be at most {most} for {n_train} training points and hidden "
            f"layers {list(config.hidden)} (a run is capped at {MAX_WORK:.1e} multiply-adds); "
            f"got {config.epochs}")


def _default(name: str) -> Any:
    return FIELD_SPECS[name].default


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a run; same config (and data) -> same numbers. Each
    field's default is its FIELD_SPECS row's; each value is checked by parse_field (a
    ConfigError naming the field)."""

    dataset: str = _default("dataset")
    samples: int = _default("samples")
    classes: int = _default("classes")
    noise: float = _default("noise")
    val_samples: int = _default("val_samples")
    val_fraction: float = _default("val_fraction")
    hidden: tuple[int, ...] = _default("hidden")
    weight_l1: float = _default("weight_l1")
    weight_l2: float = _default("weight_l2")
    bias_l1: float = _default("bias_l1")
    bias_l2: float = _default("bias_l2")
    regularise_output: bool = _default("regularise_output")
    dropout: float = _default("dropout")
    optimizer: str = _default("optimizer")
    learning_rate: float = _default("learning_rate")
    decay: float = _default("decay")
    momentum: float = _default("momentum")
    beta1: float = _default("beta1")
    beta2: float = _default("beta2")
    rho: float = _default("rho")
    eps: float = _default("eps")
    epochs: int = _default("epochs")
    seed: int = _default("seed")
    dtype: str = _default("dtype")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, parse_field(f.name, getattr(self, f.name)))
        if self.dataset in TWO_CLASS_DATASETS and self.classes != 2:
            raise ConfigError(
                "classes", f"classes must be 2 for the {self.dataset} dataset; got {self.classes}")

        check_work(self, self.samples * self.classes, self.val_samples * self.classes)

    @classmethod
    def from_dict(cls, values: dict[str, Any], base: TrainConfig | None = None) -> TrainConfig:
        """Build from field values (strings allowed) over `base`; unknown keys raise ValueError."""
        unknown = sorted(set(values) - set(FIELD_SPECS))
        if unknown:
            raise ValueError(
                f"unknown field(s): {', '.join(unknown)}; known: {', '.join(FIELD_SPECS)}")
        return dataclasses.replace(base or cls(), **values)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values (hidden as a list)."""
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        return d
