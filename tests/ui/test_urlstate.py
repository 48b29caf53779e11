"""URL state: one table (FIELD_SPECS) drives encode and decode; bad values never raise."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncore import FIELD_SPECS, PRESETS, TrainConfig
from ui import scales, urlstate
from ui.fields import LIMITS


def _roundtrip(config: TrainConfig) -> TrainConfig:
    params = urlstate.encode(config.to_dict(), FIELD_SPECS)
    assert all(isinstance(v, str) for v in params.values())
    values, warnings = urlstate.decode(params, FIELD_SPECS, LIMITS)
    assert warnings == []
    return TrainConfig.from_dict(values)


def test_defaults_make_an_empty_query():
    assert urlstate.encode(TrainConfig().to_dict(), FIELD_SPECS) == {}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_round_trips_exactly(name):
    assert _roundtrip(PRESETS[name]) == PRESETS[name]


@settings(max_examples=60, deadline=None)
@given(l2=st.sampled_from(scales.LAMBDA_GRID), dropout=st.floats(0, 0.9),
       lr=st.floats(1e-4, 100), seed=st.integers(0, 2**32 - 1),
       hidden=st.lists(st.integers(1, 1024), min_size=1, max_size=3),
       optimizer=st.sampled_from(("sgd", "adagrad", "rmsprop", "adam")),
       out=st.booleans())
def test_any_config_round_trips(l2, dropout, lr, seed, hidden, optimizer, out):
    config = TrainConfig(weight_l2=l2, dropout=dropout, learning_rate=lr, seed=seed,
                         hidden=tuple(hidden), optimizer=optimizer, regularise_output=out,
                         epochs=11)
    assert _roundtrip(config) == config


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_against_a_preset_only_what_differs_from_it_is_written(name):
    preset = PRESETS[name].to_dict()
    assert urlstate.encode(preset, FIELD_SPECS, preset) == {}
    changed = {**preset, "seed": preset["seed"] + 1}
    assert urlstate.encode(changed, FIELD_SPECS, preset) == {"seed": str(preset["seed"] + 1)}


def test_floats_are_written_exactly():
    params = urlstate.encode(TrainConfig(weight_l2=1 / 3).to_dict(), FIELD_SPECS)
    assert float(params["weight_l2"]) == 1 / 3


@pytest.mark.parametrize("params, field, expected", [
    ({"samples": "99999"}, "samples", 5000),         # above the maximum: clamped
    ({"samples": "-4"}, "samples", 2),               # below the minimum: clamped
    ({"dropout": "0.97"}, "dropout", 0.9),           # clamped to what the slider shows
    ({"learning_rate": "0"}, "learning_rate", 1e-4),
    ({"weight_l2": "5"}, "weight_l2", 1.0),
    ({"hidden": "64-5000"}, "hidden", (64, 1024)),
    ({"hidden": "8,8,8,8"}, "hidden", (8, 8, 8)),
])
def test_out_of_range_values_are_clamped_with_a_warning(params, field, expected):
    values, warnings = urlstate.decode(params, FIELD_SPECS, LIMITS)
    assert values[field] == expected
    assert len(warnings) == 1 and field in warnings[0]


@pytest.mark.parametrize("params", [
    {"samples": "lots"}, {"samples": "1.5"}, {"noise": "nan"}, {"noise": "inf"},
    {"noise": "-inf"}, {"weight_l2": "1e999"}, {"dataset": "mnist"}, {"optimizer": "lbfgs"},
    {"regularise_output": "maybe"}, {"hidden": ""}, {"hidden": "a-b"}, {"epochs": "9" * 400},
    {"seed": "0x10"}, {"dtype": "float16"},
    # what Python's float() and int() take but a link's number is not (issue 8 item 8):
    {"samples": "٣"}, {"samples": "1_000"}, {"epochs": "１０"}, {"hidden": "-5"},
    {"hidden": "64--64"}, {"hidden": "64-"}, {"hidden": "+5"}, {"noise": "NaN"},
    {"samples": "[Session expired - log in again](http://127.0.0.1:9/phish)"},
    {"seed": "![x](http://127.0.0.1:9/t.png)"},
])
def test_garbage_is_rejected_with_a_warning_and_the_default_kept(params):
    values, warnings = urlstate.decode(params, FIELD_SPECS, LIMITS)
    assert values == {}
    assert len(warnings) == 1 and next(iter(params)) in warnings[0]


def test_unknown_keys_are_ignored_and_repeated_keys_use_the_last_value():
    values, warnings = urlstate.decode({"utm_source": "x", "embed": "true",
                                        "dropout": ["0.1", "0.3"]}, FIELD_SPECS, LIMITS)
    assert values == {"dropout": 0.3} and warnings == []


def test_huge_integers_are_clamped_not_overflowed():
    values, warnings = urlstate.decode({"seed": "1" + "0" * 30}, FIELD_SPECS, LIMITS)
    assert values["seed"] == 2**32 - 1 and warnings


def test_open_bounds_without_limits_are_rejected():
    values, warnings = urlstate.decode({"dropout": "1"}, FIELD_SPECS)
    assert "dropout" not in values and warnings


def test_decoded_values_always_build_a_config_or_name_the_field():
    values, _ = urlstate.decode({"dataset": "moons", "classes": "7"}, FIELD_SPECS, LIMITS)
    with pytest.raises(ValueError, match="^classes"):
        TrainConfig.from_dict(values)


def test_sci_labels():
    assert scales.sci(0) == "0"
    assert scales.sci(5e-4) == "5e-4"
    assert scales.sci(0.02) == "0.02"
    assert scales.sci(100.0) == "100"
    assert scales.sci(1e-10) == "1e-10"


def test_lambda_grid_is_log_spaced_and_includes_exact_zero():
    grid = scales.LAMBDA_GRID
    assert grid[0] == 0.0 and grid[1] == 1e-6 and grid[-1] == 1.0
    ratios = [b / a for a, b in zip(grid[1:], grid[2:], strict=False)]
    assert all(1.9 < r < 2.6 for r in ratios)
    assert 5e-4 in grid and 2e-3 in grid and 1e-3 in grid
    assert not any(math.isnan(g) for g in grid)


def test_off_grid_values_are_added_not_snapped():
    assert scales.with_value(scales.LAMBDA_GRID, 3e-4).count(3e-4) == 1
    assert scales.with_value(scales.LAMBDA_GRID, 5e-4) == list(scales.LAMBDA_GRID)


def test_the_readme_lists_every_preset_a_link_can_name():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    line = next(x for x in readme.splitlines() if x.startswith("Presets: "))
    assert [p.strip(" `.") for p in line.removeprefix("Presets: ").split(",")] == list(PRESETS)


@pytest.mark.parametrize("raw", [
    "[Session expired - log in again](http://127.0.0.1:9/phish)", "![x](http://127.0.0.1:9/t.png)",
    "`` `oops` ``", ":material/home: :red[x] $x^2$", "<img src=x onerror=alert(1)>",
])
def test_a_rejected_value_is_quoted_literally_in_the_warning(raw):
    """The link's text appears only inside one code span of the warning (ui.text.literal),
    whatever backticks it holds."""
    from ui.text import literal

    _, warnings = urlstate.decode({"samples": raw}, FIELD_SPECS, LIMITS)
    quoted = literal(f"samples={raw}", limit=24)
    assert warnings[0].startswith(quoted + " in the link is not valid")
    outside = warnings[0][len(quoted):]
    assert "http" not in outside and "](" not in outside and ":material" not in outside


def test_a_log_sliders_caption_marks_its_scale():
    """Issue 20, 5: the lambda and decay sliders read "0 ... 1" at their ends but step 1-2-5 on
    a log scale: the caption under each says so, with the powers of ten as marks."""
    assert scales.marks(scales.LAMBDA_GRID).endswith("0 · 1e-6 · 1e-4 · 1e-2 · 1")
    assert scales.marks(scales.DECAY_GRID).endswith("0 · 1e-9 · 1e-6 · 1e-3 · 1")
    assert scales.marks(scales.LR_GRID).endswith("1e-4 · 1e-2 · 1 · 100")
    assert scales.marks(scales.EPS_GRID).endswith("1e-10 · 1e-6 · 1e-3 · 1")
