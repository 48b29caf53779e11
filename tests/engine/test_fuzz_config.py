"""Property: any combination of field values either trains or is rejected with a ValueError
whose message starts with a field name; never another exception type, never a hang."""

import dataclasses
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nncore import FIELD_SPECS, TrainConfig, train

GARBAGE = st.one_of(
    st.none(), st.booleans(), st.text(max_size=12), st.binary(max_size=8),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "-0", "0x10", "  3 ", "1,2,3,4", "", ","]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(-5, 2000), max_size=5),
)


def _plausible(spec):
    """Values near and beyond the allowed range, so both outcomes are exercised."""
    if spec.choices is not None:
        return st.sampled_from([*spec.choices, spec.choices[0].upper(), "other"])
    if spec.type is bool:
        return st.sampled_from([True, False, "true", "0", "yes", "maybe"])
    if spec.type is tuple:
        return st.lists(st.integers(-1, 1100), min_size=0, max_size=4)
    lo, hi = spec.low, spec.high
    if spec.type is int:
        return st.integers(int(lo) - 2, int(min(hi, 10**6)) + 2)
    return st.floats(lo - 0.5 * (hi - lo), hi * 1.5, allow_nan=False)


def _valid(spec):
    if spec.choices is not None:
        return st.sampled_from(spec.choices)
    if spec.type is bool:
        return st.booleans()
    if spec.type is tuple:
        return st.lists(st.integers(1, 64), min_size=1, max_size=3)
    if spec.type is int:
        return st.integers(int(spec.low), int(min(spec.high, 5000)))
    return st.floats(spec.low, spec.high, exclude_min=spec.low_open, exclude_max=spec.high_open)


def _value(spec):
    # Mostly valid values (so that many whole configs are valid and get trained), some near
    # or beyond the range, some garbage.
    choices = [_plausible(spec), GARBAGE] + [_valid(spec)] * 18
    return st.integers(0, len(choices) - 1).flatmap(lambda i: choices[i])


VALUES = st.fixed_dictionaries({}, optional={n: _value(s) for n, s in FIELD_SPECS.items()})


def _shrink(cfg: TrainConfig) -> TrainConfig:
    """Keep the run tiny: the property is about accepting/rejecting, not about training long."""
    return dataclasses.replace(cfg, epochs=min(cfg.epochs, 3), samples=min(cfg.samples, 20),
                               val_samples=min(cfg.val_samples, 10),
                               hidden=tuple(min(h, 32) for h in cfg.hidden))


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES)
def test_any_values_train_or_get_a_named_value_error(values):
    try:
        cfg = TrainConfig.from_dict(values)
    except ValueError as err:
        message = str(err)
        assert any(message.startswith(f"{name} ") for name in FIELD_SPECS), message
        return
    if cfg.dataset == "csv":
        return  # needs uploaded data; covered by the CSV tests
    history = train(_shrink(cfg))
    assert history.status in ("completed", "diverged")
    final = history.final()
    assert history.diverged or math.isfinite(final["loss"])
