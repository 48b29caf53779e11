"""TrainConfig validation: each invalid field gets a message naming it and its allowed range."""

import dataclasses

import pytest

from nncore import FIELD_SPECS, PRESETS, ConfigError, TrainConfig

INVALID = [
    ("dataset", "mnist", "one of spiral"),
    ("samples", 1, "[2, 5000]"),
    ("samples", 2.5, "whole number"),
    ("classes", 11, "[2, 10]"),
    ("noise", -0.1, "[0, 1]"),
    ("val_samples", 0, "[1, 5000]"),
    ("val_fraction", 0.9, "[0.05, 0.5]"),
    ("hidden", (), "1 to 3 layer sizes"),
    ("hidden", (8, 8, 8, 8), "1 to 3 layer sizes"),
    ("hidden", (0,), "each in [1, 1024]"),
    ("weight_l1", -1e-3, "[0, 1]"),
    ("weight_l2", 2.0, "[0, 1]"),
    ("bias_l1", float("nan"), "[0, 1]"),
    ("bias_l2", float("inf"), "[0, 1]"),
    ("regularise_output", "maybe", "true or false"),
    ("dropout", 1.0, "[0, 1)"),
    ("dropout", -0.5, "[0, 1)"),
    ("optimizer", "lbfgs", "one of sgd, adagrad, rmsprop, adam"),
    ("learning_rate", 0.0, "(0, 100]"),
    ("decay", -1, "[0, 1]"),
    ("momentum", 1.0, "[0, 1)"),
    ("beta1", 1.0, "[0, 1)"),
    ("beta2", 1.5, "[0, 1)"),
    ("rho", -0.1, "[0, 1)"),
    ("eps", 0.0, "(0, 1]"),
    ("epochs", 0, "[1, 100000]"),
    ("epochs", 10**9, "[1, 100000]"),
    ("seed", -1, "[0, 4.29497e+09]"),
    ("dtype", "float16", "float32, float64"),
]


@pytest.mark.parametrize("field,value,allowed", INVALID)
def test_each_invalid_field_names_itself_and_the_allowed_range(field, value, allowed):
    with pytest.raises(ValueError) as err:
        TrainConfig(**{field: value})
    message = str(err.value)
    assert message.startswith(f"{field} must be")
    assert allowed in message


def test_every_field_has_an_invalid_case():
    assert {f for f, _, _ in INVALID} == set(FIELD_SPECS)


def test_two_class_datasets_insist_on_two_classes():
    with pytest.raises(ValueError, match="^classes must be 2 for the moons dataset"):
        TrainConfig(dataset="moons", classes=3)
    assert TrainConfig(dataset="xor", classes=2).classes == 2


def test_frozen_and_replace_validates():
    cfg = TrainConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.epochs = 5
    assert dataclasses.replace(cfg, epochs=50).epochs == 50
    with pytest.raises(ValueError, match="^epochs"):
        dataclasses.replace(cfg, epochs=-5)


def test_from_dict_parses_strings_and_round_trips():
    cfg = TrainConfig.from_dict({"hidden": "32, 16", "dropout": "0.25", "epochs": "300",
                                 "regularise_output": "true", "optimizer": "SGD"})
    assert cfg.hidden == (32, 16) and cfg.dropout == 0.25 and cfg.epochs == 300
    assert cfg.regularise_output is True and cfg.optimizer == "sgd"
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="unknown field"):
        TrainConfig.from_dict({"nope": 1})


def test_each_field_takes_its_default_from_its_own_row_of_the_table():
    # (TrainConfig's defaults are derived from FIELD_SPECS: this checks each field asks for
    # its own row, and that the class and the table name the same fields in the same order.)
    assert [f.name for f in dataclasses.fields(TrainConfig)] == list(FIELD_SPECS)
    assert all(f.default is FIELD_SPECS[f.name].default for f in dataclasses.fields(TrainConfig))


@pytest.mark.parametrize("values,field", [
    *((({f: v}, f) for f, v, _ in INVALID)),
    ({"dataset": "moons", "classes": 3}, "classes"),
    ({"samples": 1000, "hidden": (1024, 1024), "epochs": 100_000}, "epochs"),
    ({"samples": 5000, "classes": 10, "hidden": (1024, 1024, 1024)}, "hidden"),
])
def test_every_config_error_names_its_field(values, field):
    import pickle

    with pytest.raises(ConfigError) as err:
        TrainConfig.from_dict(values)
    assert err.value.field == field and str(err.value).startswith(f"{field} ")
    again = pickle.loads(pickle.dumps(err.value))  # as a sweep process sends it back
    assert (again.field, str(again)) == (field, str(err.value))


def test_text_values_are_read_as_links_read_them():
    # nncore.numtext is the one reader of text: ASCII digits only, sizes joined by "," or "-".
    assert TrainConfig.from_dict({"hidden": "32-16", "epochs": " 300 "}).hidden == (32, 16)
    for field, text in [("epochs", "1_000"), ("samples", "٣"), ("hidden", "32,"),
                        ("hidden", "1e2"), ("regularise_output", "2")]:
        with pytest.raises(ConfigError, match=f"^{field} must be"):
            TrainConfig.from_dict({field: text})


def test_presets_are_valid_configs_with_captions():
    from nncore import PRESET_NOTES
    assert {"book-ch14", "book-ch15", "overfit", "overfit-l2", "overfit-dropout",
            "l1-sparse"} <= set(PRESETS)
    assert set(PRESET_NOTES) == set(PRESETS)
    ch15 = PRESETS["book-ch15"]
    assert (ch15.samples, ch15.hidden, ch15.dropout, ch15.weight_l2, ch15.bias_l2) == (
        1000, (64,), 0.1, 5e-4, 5e-4)
    assert (ch15.optimizer, ch15.learning_rate, ch15.decay, ch15.epochs) == (
        "adam", 0.05, 5e-5, 10001)


def test_a_run_too_big_to_finish_is_rejected_by_name():
    with pytest.raises(ValueError, match=r"^epochs must be at most \d+ for 3000 training"):
        TrainConfig(samples=1000, hidden=(1024, 1024), epochs=100_000)
    with pytest.raises(ValueError, match="^hidden layers .* are too large for 50000"):
        TrainConfig(samples=5000, classes=10, hidden=(1024, 1024, 1024))
    assert TrainConfig(samples=1000, hidden=(512,), epochs=10001)  # ch15 with 512 neurons fits


def test_uploaded_data_is_checked_against_the_budget_too():
    import numpy as np

    from nncore import Dataset, train
    big = Dataset(np.zeros((20000, 2)), np.arange(20000) % 2, np.zeros((2, 2)), np.array([0, 1]),
                  2)
    with pytest.raises(ValueError, match="^epochs must be at most"):
        train(TrainConfig(dataset="csv", hidden=(1024, 1024), epochs=100), big)  # fits 300 pts
