"""Sweep definitions: axes, grids, seeds, the URL string, and every error a spec can have."""

import json

import pytest

from nncore import TrainConfig
from nncore.sweep.spec import (
    MAX_SEEDS,
    MAX_VALUES,
    SweepSpec,
    fmt,
    make_spec,
    numeric_fields,
    parse_axis,
)

BASE = TrainConfig(epochs=20, hidden=(8,))


def test_log_range_values_are_geometric_and_rounded():
    axis = parse_axis("weight_l2=1e-5:1e-1:log:5")
    assert axis.values == (1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
    assert parse_axis("weight_l2=0.1:1e-5:log:3").values == (0.1, 1e-3, 1e-5)


def test_lin_range_and_list():
    assert parse_axis("dropout=0:0.5:lin:6").values == (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
    assert parse_axis("dropout=0.5, 0, 0.25").values == (0.5, 0.0, 0.25)
    assert parse_axis("weight-l1=0,1e-3").field == "weight_l1"  # flag spelling accepted


def test_integer_fields_get_integer_values():
    axis = parse_axis("epochs=10:1000:log:3")
    assert axis.values == (10, 100, 1000) and all(type(v) is int for v in axis.values)
    assert parse_axis("samples=10:20:lin:3").values == (10, 15, 20)
    assert all(type(v) is int for v in parse_axis("epochs=10,20.0").values)


def test_grid_seeds_and_run_descriptions():
    spec = make_spec(BASE, ["weight_l2=0,1e-3", "dropout=0,0.2,0.4"], seeds=3)
    assert spec.n_runs == 18 and len(spec.points) == 6
    assert spec.points[1] == {"weight_l2": 0.0, "dropout": 0.2}  # first axis slowest
    runs = spec.runs()
    assert [r["index"] for r in runs] == list(range(18))
    assert [r["config"]["seed"] for r in runs[:4]] == [0, 1, 2, 0]
    assert [r["point"] for r in runs[:4]] == [0, 0, 0, 1]
    assert runs[5]["config"]["dropout"] == 0.2 and runs[5]["config"]["epochs"] == 20
    assert json.loads(json.dumps(runs)) == runs  # plain, JSON-able descriptions
    seeded = make_spec(TrainConfig(epochs=20, seed=7), ["dropout=0,0.5"], seeds=2)
    assert [r["config"]["seed"] for r in seeded.runs()] == [7, 8, 7, 8]


@pytest.mark.parametrize("axes,seeds", [
    (["weight_l2=1e-5:1e-1:log:5"], 5),
    (["weight_l2=0,1e-4,0.001", "epochs=10:40:lin:4"], 2),
    (["learning_rate=0.001:0.3:log:7", "dropout=0.5,0.1"], 1),
    (["decay=1e-7:1e-3:log:3"], 1),
])
def test_string_round_trip(axes, seeds):
    spec = make_spec(BASE, axes, seeds)
    text = spec.to_string()
    assert " " not in text and "&" not in text and "+" not in text
    assert SweepSpec.from_string(text, BASE) == spec
    assert SweepSpec.from_string(text, BASE).to_string() == text


def test_string_example_and_default_seeds():
    spec = make_spec(BASE, ["weight_l2=1e-5:1e-1:log:5"], 5)
    assert spec.to_string() == "weight_l2=1e-05:0.1:log:5;seeds=5"
    assert SweepSpec.from_string("dropout=0,0.5", BASE).seeds == 1
    assert fmt(1e20) == "1e20" and float(fmt(1e20)) == 1e20  # no '+': a space in a URL


@pytest.mark.parametrize("text,message", [
    ("bogus=1,2", "unknown field 'bogus'"),
    ("dataset=1,2", "dataset is not numeric"),
    ("hidden=8,16", "hidden is not numeric"),
    ("regularise_output=0,1", "regularise_output is not numeric"),
    ("seed=1,2", "use seeds=K"),
    ("weight_l2", "FIELD=LO:HI:log:N"),
    ("weight_l2=", "FIELD=LO:HI:log:N"),
    ("weight_l2=1e-5:1e-1:log:1", "N >= 2"),
    ("weight_l2=1e-5:1e-1:lin:0", "N >= 2"),
    ("weight_l2=1e-5:1e-1:log:many", "N must be a whole number"),
    ("weight_l2=1e-5:1e-1:log:1_0", "N must be a whole number"),
    ("weight_l2=1e-5:1e-1:log:\u0661\u0660", "N must be a whole number"),
    ("weight_l2=1e-5:1e-1:log:16", f"N must be at most {MAX_VALUES}"),
    ("dropout=0,0.1,0.2,0.3,0.4,0.5,0.55,0.6,0.65,0.7,0.75,0.8,0.85,0.9,0.91,0.92",
     f"at most {MAX_VALUES} values"),
    ("dropout=0,\u0660.5", "list value must be a number"),
    ("weight_l2=1_0e-5:1e-1:log:5", "range end must be a number"),
    ("weight_l2=1e-5:1e-1:log:100000", f"N must be at most {MAX_VALUES}"),
    ("weight_l2=0:1e-1:log:5", "log range needs both ends above 0"),
    ("weight_l2=-1e-3:1e-1:log:5", "log range needs both ends above 0"),
    ("learning_rate=-0.1:0.1:log:3", "log range needs both ends above 0"),
    ("weight_l2=1e-5:1e-1:cube:5", "range kind must be log or lin"),
    ("weight_l2=1e-5:1e-1:log", "a range is LO:HI:log:N"),
    ("weight_l2=a:1e-1:log:5", "range end must be a number"),
    ("weight_l2=nan:1e-1:log:5", "range end must be a number"),
    ("weight_l2=1e999:1e-1:log:5", "finite number"),
    ("weight_l2=1e-3:1e-3:lin:3", "two different ends"),
    ("weight_l2=0.1", "at least 2 values"),
    ("weight_l2=0.1,x", "list value must be a number"),
    ("weight_l2=1e-3:10:log:5", "value 10.0 is out of range; weight_l2 must be in [0, 1]"),
    ("dropout=0,0.5,1", "value 1.0 is out of range; dropout must be in [0, 1)"),
    ("learning_rate=0,0.1", "learning_rate must be in (0, 100]"),
    ("epochs=0:100:lin:3", "epochs must be in [1, 100000]"),
    ("epochs=10:11:lin:5", "values repeat after rounding to whole numbers"),
    ("epochs=1,2.5", "epochs: value 2.5 is not a whole number"),  # (was run as 1, 2)
    ("dropout=0.1,0.1", "values repeat"),
])
def test_axis_errors_name_what_is_wrong(text, message):
    with pytest.raises(ValueError) as err:
        parse_axis(text)
    assert message in str(err.value)


@pytest.mark.parametrize("axes,seeds,message", [
    ([], 1, "varies 1 or 2 fields; got 0"),
    (["dropout=0,0.1", "decay=0,1e-3", "noise=0,0.1"], 1, "varies 1 or 2 fields; got 3"),
    (["dropout=0,0.1", "dropout=0.2,0.3"], 1, "dropout is varied twice"),
    (["dropout=0:0.9:lin:15", "weight_l2=1e-5:1e-1:log:15"], 3, "too many runs: 15 x 15"),
    (["dropout=0,0.1"], MAX_SEEDS + 1, f"seeds must be at most {MAX_SEEDS}"),
    (["dropout=0,0.1"], "1_0", "seeds must be a whole number >= 1"),
    (["dropout=0,0.1"], 0, "seeds must be a whole number >= 1"),
    (["dropout=0,0.1"], "two", "seeds must be a whole number >= 1"),
    (["epochs=100,100000"], 1, "at epochs=100000: epochs must be at most"),
])
def test_spec_errors(axes, seeds, message):
    base = TrainConfig(epochs=20, samples=1000, hidden=(512,))
    with pytest.raises(ValueError) as err:
        make_spec(base, axes, seeds)
    assert message in str(err.value)


def test_seed_range_and_string_errors():
    with pytest.raises(ValueError, match="beyond the largest seed"):
        make_spec(TrainConfig(seed=2**32 - 2), ["dropout=0,0.1"], seeds=3)
    with pytest.raises(ValueError, match="seeds is given 2 times"):
        SweepSpec.from_string("dropout=0,0.1;seeds=2;seeds=3")
    with pytest.raises(ValueError, match="seeds must be a whole number"):
        SweepSpec.from_string("dropout=0,0.1;seeds=x")


def test_numeric_fields_are_the_int_and_float_fields_but_seed():
    fields = numeric_fields()
    assert "weight_l2" in fields and "epochs" in fields and "dropout" in fields
    others = {"seed", "dataset", "hidden", "optimizer", "dtype", "regularise_output"}
    assert not others & set(fields)
