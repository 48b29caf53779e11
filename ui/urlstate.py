"""URL state: one table (nncore's FIELD_SPECS) drives both writing and reading query params.

Pure functions of plain values; Streamlit's `st.query_params` is read and written by the caller.
Only fields that differ from their default are written, so links stay short; a missing key
means the default, so the whole config round-trips. A link may also name a preset
(`?preset=overfit-l2`): then the preset's values are the defaults the other fields differ from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nncore import MAX_HIDDEN_LAYERS, numtext

from .text import literal

MAX_PARAM_CHARS = 64  # longer values are garbage, not configs
PIN_SAME = "same"  # `pin=same`: the pinned run has the page's own settings


def _text(value: Any, kind: type) -> str:
    if kind is bool:
        return "1" if value else "0"
    if kind is tuple:
        return "-".join(str(int(v)) for v in value)
    if kind is float:
        return repr(float(value))  # repr round-trips a float exactly
    return str(value)


def encode(values: Mapping[str, Any], specs: Mapping[str, Any],
           base: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Query params for `values`: every spec'd field whose value differs from its default
    (or from `base[name]`, e.g. the preset the link names)."""
    params = {}
    for name, spec in specs.items():
        if name not in values:
            continue
        value = values[name]
        default = base[name] if base is not None and name in base else spec.default
        if spec.type is tuple:
            value, default = tuple(value), tuple(default)
        if value != default:
            params[name] = _text(value, spec.type)
    return params


def encode_pin(pinned: Mapping[str, Any], specs: Mapping[str, Any],
               values: Mapping[str, Any]) -> str:
    """A pinned run as one param (`pin=dropout:0.5;...`): its fields that differ from `values`
    (the page's settings, which the link carries too), or PIN_SAME if none do."""
    changes = encode(pinned, specs, values)
    return ";".join(f"{k}:{v}" for k, v in changes.items()) or PIN_SAME


def _parse_number(text: str, kind: type) -> float | int:
    """A link's number: nncore.numtext's strict reader (the sweep's links use it too)."""
    number = numtext.number(text)
    return numtext.integral(number) if kind is int else number


def _clamp(name: str, number, spec, warnings: list[str], limits=None):
    """Clamp into the closed range `limits` (or the spec's range); open bounds are rejected."""
    low, high = limits or (spec.low, spec.high)
    at_open_bound = (spec.low_open and number <= low) or (spec.high_open and number >= high)
    if limits is None and at_open_bound:
        raise ValueError(f"must be {spec.allowed()}")
    if low is not None and number < low:
        warnings.append(f"{literal(f'{name}={number}')} is below its minimum {low}; "
                        f"using {low}.")
        return type(number)(low)
    if high is not None and number > high:
        warnings.append(f"{literal(f'{name}={number}')} is above its maximum {high}; "
                        f"using {high}.")
        return type(number)(high)
    return number


def _parse_tuple(name: str, text: str, spec, warnings: list[str]) -> tuple[int, ...]:
    """Layer sizes (nncore.numtext.sizes), each clamped; past MAX_HIDDEN_LAYERS, the first."""
    sizes = numtext.sizes(text)
    most = MAX_HIDDEN_LAYERS
    kept = tuple(_clamp(name, size, spec, warnings) for size in sizes[:most])
    if len(sizes) > most:
        warnings.append(f"{literal(name)} has {len(sizes)} layers; the lab allows {most}, kept "
                        f"the first {most}.")
    return kept


def _parse_one(name: str, text: str, spec, warnings: list[str], limits=None) -> Any:
    kind = spec.type
    if kind is bool:
        return numtext.boolean(text)
    if kind is tuple:
        return _parse_tuple(name, text, spec, warnings)
    if kind is str:
        if spec.choices and text not in spec.choices:
            raise ValueError(f"allowed: {', '.join(map(str, spec.choices))}")
        return text
    return _clamp(name, _parse_number(text, kind), spec, warnings, limits)


def _last(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return str(value[-1]) if value else ""
    return str(value)


def decode(params: Mapping[str, Any], specs: Mapping[str, Any],
           limits: Mapping[str, tuple[float, float]] | None = None,
           ) -> tuple[dict[str, Any], list[str]]:
    """Field values from query params, and warnings for what was clamped or rejected.

    Numbers outside their range are clamped into `limits[name]` (closed ranges the widgets can
    show) or the spec's range. Unknown keys are ignored; a rejected value falls back to the
    default (it is left out); a repeated key uses its last value.
    """
    limits = limits or {}
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for name, raw in params.items():
        spec = specs.get(name)
        if spec is None:
            continue
        text = _last(raw).strip()
        if len(text) > MAX_PARAM_CHARS:
            warnings.append(f"{literal(name)} in the link is too long; using the default.")
            continue
        try:
            values[name] = _parse_one(name, text, spec, warnings, limits.get(name))
        except (ValueError, OverflowError) as exc:  # (messages of ours: no user text inside)
            warnings.append(f"{literal(f'{name}={text}', limit=24)} in the link is not valid "
                            f"({exc}); using the default.")
    return values, warnings
