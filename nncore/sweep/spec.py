"""Sweep definitions: a base config, one or two varied numeric fields, and a number of seeds.

An axis is written `FIELD=LO:HI:log:N`, `FIELD=LO:HI:lin:N` or `FIELD=V1,V2,...`; a sweep as a
whole is `AXIS[;AXIS];seeds=K` (`SweepSpec.to_string`, short enough for a URL: no `&`, no `+`,
no spaces). The base config travels separately (the CLI's flags, the page's own URL state).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass

import numpy as np

from .. import numtext
from ..config import FIELD_SPECS, TrainConfig, parse_field

# The limits of a sweep, for the CLI, a link and the Sweep page's widgets alike (the page's
# sliders take their ends from here, so whatever parses can be shown). At most this many runs
# (grid points x seeds): a bigger grid is almost always a typo (N=1000 for N=10); why 500:
# docs/DECISIONS.md#sweep-size-limits.
MAX_RUNS = 500
MAX_VALUES = 15  # values on one axis
MAX_SEEDS = 10   # seeds per grid point
MAX_AXES = 2
SIGNIFICANT = 12  # range values rounded to 12 significant digits: 0.001, not 0.0009999999999


def numeric_fields() -> tuple[str, ...]:
    """The fields an axis may vary: every int or float field but the seed (that is `seeds`)."""
    return tuple(n for n, s in FIELD_SPECS.items() if s.type in (int, float) and n != "seed")


def _number(text: str, what: str) -> float:
    """A number as links write them (nncore.numtext: ASCII digits; no 1_0, inf or nan)."""
    text = text.strip()
    try:
        return numtext.number(text)
    except ValueError as e:
        if "finite" in str(e):
            raise ValueError(f"{what} must be a finite number; got {text!r}") from None
        raise ValueError(f"{what} must be a number ({numtext.NUMBER_HELP}); "
                         f"got {text!r}") from None


def _whole(text: str, what: str) -> int:
    try:
        return numtext.whole(text.strip())
    except ValueError:
        raise ValueError(f"{what} must be a whole number ({numtext.WHOLE_HELP}); "
                         f"got {text!r}") from None


def fmt(x: float | int) -> str:
    """Shortest text that reads back as the same number, without '+' (a space in a URL)."""
    if isinstance(x, int):
        return str(x)
    return repr(float(x)).replace("e+", "e")


@dataclass(frozen=True)
class Axis:
    """One varied field and its values (ints for int fields, in the order given)."""

    field: str
    kind: str                      # "log", "lin" or "list"
    values: tuple[float | int, ...]
    lo: float | None = None        # ranges only
    hi: float | None = None
    n: int = 0

    def text(self) -> str:
        """`FIELD=SPEC`, as parse_axis reads it."""
        if self.kind == "list":
            return f"{self.field}={','.join(fmt(v) for v in self.values)}"
        return f"{self.field}={fmt(self.lo)}:{fmt(self.hi)}:{self.kind}:{self.n}"


def _check_field(field: str) -> None:
    if field == "seed":
        raise ValueError("seed cannot be varied as a field: use seeds=K (runs seed, seed+1, ...)")
    if field not in FIELD_SPECS:
        raise ValueError(f"unknown field {field!r}; numeric fields: {', '.join(numeric_fields())}")
    if field not in numeric_fields():
        raise ValueError(f"{field} is not numeric and cannot be swept; numeric fields: "
                         f"{', '.join(numeric_fields())}")


def _range_values(field: str, parts: list[str]) -> tuple[str, float, float, int, list[float]]:
    lo, hi = (_number(p, f"{field}: range end") for p in parts[:2])
    kind = parts[2].strip().lower()
    if kind not in ("log", "lin"):
        raise ValueError(f"{field}: range kind must be log or lin; got {parts[2]!r}")
    n = _whole(parts[3], f"{field}: N")
    if n < 2:
        raise ValueError(f"{field}: a range needs N >= 2 values; got N={n}")
    if n > MAX_VALUES:
        raise ValueError(f"{field}: N must be at most {MAX_VALUES} values; got N={n}")
    if lo == hi:
        raise ValueError(f"{field}: a range needs two different ends; got {fmt(lo)} twice")
    if kind == "log":
        if lo <= 0 or hi <= 0:
            raise ValueError(f"{field}: a log range needs both ends above 0 (it cannot reach or "
                             f"cross 0); got {fmt(lo)}:{fmt(hi)}; use lin, or a list with 0")
        values = np.geomspace(lo, hi, n)
    else:
        values = np.linspace(lo, hi, n)
    return kind, lo, hi, n, [float(f"{v:.{SIGNIFICANT}g}") for v in values]


def _coerce(field: str, raw: list[float], listed: bool = False) -> tuple[float | int, ...]:
    """The values as the field takes them. A range of a whole-number field is rounded (its
    points are computed); a list is taken as written, so 2.5 for one is an error, not 2."""
    spec = FIELD_SPECS[field]
    if spec.type is int:
        if listed and any(v != round(v) for v in raw):
            odd = next(v for v in raw if v != round(v))
            raise ValueError(f"{field}: value {fmt(odd)} is not a whole number; {field} must "
                             f"be {spec.allowed()}")
        raw = [round(v) for v in raw]
    values = []
    for v in raw:
        try:
            values.append(parse_field(field, v))
        except ValueError:
            raise ValueError(f"{field}: value {fmt(v)} is out of range; {field} must be "
                             f"{spec.allowed()}") from None
    if len(set(values)) != len(values):
        whole = " after rounding to whole numbers" if spec.type is int else ""
        raise ValueError(f"{field}: values repeat{whole}: {', '.join(map(fmt, values))}")
    return tuple(values)


def parse_axis(text: str) -> Axis:
    """Read `FIELD=LO:HI:log:N`, `FIELD=LO:HI:lin:N` or `FIELD=V1,V2,...`; ValueError says
    what is wrong (unknown or non-numeric field, N < 2, a log range at or through 0, a value
    outside the field's range, repeated values)."""
    field, eq, spec = text.partition("=")
    field = field.strip().replace("-", "_")
    if not eq or not field or not spec.strip():
        raise ValueError(f"a varied field is written FIELD=LO:HI:log:N, FIELD=LO:HI:lin:N or "
                         f"FIELD=V1,V2,...; got {text!r}")
    _check_field(field)
    parts = spec.strip().split(":")
    if len(parts) == 4:
        kind, lo, hi, n, raw = _range_values(field, parts)
        return Axis(field, kind, _coerce(field, raw), lo, hi, n)
    if len(parts) != 1:
        raise ValueError(f"{field}: a range is LO:HI:log:N or LO:HI:lin:N; got {spec!r}")
    raw = [_number(p, f"{field}: list value") for p in spec.split(",") if p.strip()]
    if len(raw) < 2:
        raise ValueError(f"{field}: a list needs at least 2 values; got {spec!r}")
    if len(raw) > MAX_VALUES:
        raise ValueError(f"{field}: a list may hold at most {MAX_VALUES} values; got {len(raw)}")
    return Axis(field, "list", _coerce(field, raw, listed=True))


@dataclass(frozen=True)
class SweepSpec:
    """A base config, one or two axes, and `seeds` repeats (seeds base.seed, base.seed+1, ...).
    Built by `make_spec` or `SweepSpec.from_string`, which check everything up front."""

    base: TrainConfig
    axes: tuple[Axis, ...]
    seeds: int = 1

    @property
    def points(self) -> list[dict[str, float | int]]:
        """The grid points, first axis slowest: [{field: value, ...}, ...]."""
        names = [a.field for a in self.axes]
        return [dict(zip(names, combo, strict=True))
                for combo in itertools.product(*(a.values for a in self.axes))]

    @property
    def n_runs(self) -> int:
        return math.prod(len(a.values) for a in self.axes) * self.seeds

    def configs(self) -> list[tuple[int, TrainConfig]]:
        """(grid point index, config) for every run: point by point, seeds innermost."""
        return [(p, dataclasses.replace(self.base, **point, seed=self.base.seed + s))
                for p, point in enumerate(self.points) for s in range(self.seeds)]

    def runs(self) -> list[dict]:
        """One plain description per run (JSON-able; what `run.run_one` takes):
        {"index": i, "point": p, "config": {field: value, ...}}."""
        return [{"index": i, "point": p, "config": c.to_dict()}
                for i, (p, c) in enumerate(self.configs())]

    def to_string(self) -> str:
        """`weight_l2=1e-05:0.1:log:5;seeds=5` (the base config is not included)."""
        return ";".join([*(a.text() for a in self.axes), f"seeds={self.seeds}"])

    @classmethod
    def from_string(cls, text: str, base: TrainConfig | None = None) -> SweepSpec:
        """Read what `to_string` wrote, over `base` (default TrainConfig())."""
        parts = [p.strip() for p in text.split(";") if p.strip()]
        seeds = [p for p in parts if p.replace(" ", "").startswith("seeds=")]
        if len(seeds) > 1:
            raise ValueError(f"seeds is given {len(seeds)} times; give it once")
        k = seeds[0].split("=", 1)[1] if seeds else "1"
        axes = [parse_axis(p) for p in parts if p not in seeds]
        return make_spec(base or TrainConfig(), axes, _seed_count(k))


def _seed_count(text: str | int) -> int:
    try:
        k = text if isinstance(text, int) else numtext.whole(str(text).strip())
    except ValueError:
        raise ValueError(f"seeds must be a whole number >= 1; got {text!r}") from None
    if k < 1:
        raise ValueError(f"seeds must be a whole number >= 1; got {k}")
    if k > MAX_SEEDS:
        raise ValueError(f"seeds must be at most {MAX_SEEDS}; got {k}")
    return k


def make_spec(base: TrainConfig, axes: list[Axis | str], seeds: int | str = 1) -> SweepSpec:
    """Check and build a sweep: 1 or 2 axes (Axis or `FIELD=SPEC` text) on distinct fields,
    at most MAX_RUNS runs, seeds that fit the seed's range, and every run's config valid."""
    axes = tuple(parse_axis(a) if isinstance(a, str) else a for a in axes)
    if not 1 <= len(axes) <= MAX_AXES:
        raise ValueError(f"a sweep varies 1 or {MAX_AXES} fields; got {len(axes)}")
    fields = [a.field for a in axes]
    if len(set(fields)) != len(fields):
        raise ValueError(f"{fields[0]} is varied twice; vary two different fields")
    spec = SweepSpec(base, axes, _seed_count(seeds))
    if spec.n_runs > MAX_RUNS:
        sizes = " x ".join(str(len(a.values)) for a in axes)
        raise ValueError(f"too many runs: {sizes} values x {spec.seeds} seeds = {spec.n_runs}; "
                         f"a sweep is capped at {MAX_RUNS} runs")
    last_seed = base.seed + spec.seeds - 1
    if last_seed > FIELD_SPECS["seed"].high:
        raise ValueError(f"seeds: the last seed {last_seed} is beyond the largest seed "
                         f"{FIELD_SPECS['seed'].high:g}; lower seed or seeds")
    for point in spec.points:  # e.g. epochs x samples over the work cap
        try:
            dataclasses.replace(base, **point)
        except ValueError as e:
            where = ", ".join(f"{k}={fmt(v)}" for k, v in point.items())
            raise ValueError(f"at {where}: {e}") from None
    return spec
