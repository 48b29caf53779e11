"""The teaching presets tell the story their notes promise, seed by seed on seeds 0-19 (the
ranges a note quotes are checked in test_claims.py; here the comparisons the words make)."""

import dataclasses
import math

import numpy as np
import pytest

from nncore import PRESET_NOTES, PRESETS, claims

CHANCE = math.log(3)  # the validation loss of a model that gives each of 3 classes 1/3


def _m(measured, run: str, name: str) -> np.ndarray:
    return np.array(measured[run][name])


def test_overfit_memorises_and_validation_loss_turns_upward(measured):
    assert np.all(_m(measured, "overfit", "accuracy") >= 0.96)  # all points but at most 3 of 90
    lowest = _m(measured, "overfit", "lowest_val_epoch")
    assert np.all((lowest >= 35) & (lowest <= 65)), lowest  # "after about 50 epochs"
    assert "after about 50 epochs" in PRESET_NOTES["overfit"]
    climbs = _m(measured, "overfit", "val_loss") / _m(measured, "overfit", "lowest_val_loss")
    assert np.all(climbs > 1.3), climbs                      # "then climbs"
    assert np.all(_m(measured, "overfit", "reg_loss") == 0)


@pytest.mark.parametrize("name, above_lowest", [("overfit-l2", 1.01), ("overfit-dropout", 1.07)])
def test_regularisation_ends_far_below_overfit_below_chance_and_near_its_lowest(
        measured, name, above_lowest):
    final = _m(measured, name, "val_loss")
    assert np.all(final < 0.8 * _m(measured, "overfit", "val_loss"))  # clearly below, per seed
    assert np.all(final < CHANCE)
    assert np.all(final <= above_lowest * _m(measured, name, "lowest_val_loss"))
    # the validation points are classified about as well as without it (a few points)
    gain = _m(measured, name, "val_accuracy") - _m(measured, "overfit", "val_accuracy")
    assert np.all(gain >= -0.06), gain
    if name == "overfit-dropout":
        assert "within 7% of its lowest" in PRESET_NOTES[name]
    else:
        assert "ends at its lowest" in PRESET_NOTES[name]


def test_l2_shows_a_regularisation_band(measured):
    assert np.all(_m(measured, "overfit-l2", "reg_loss") > 0.1)


def test_dropout_training_accuracy_is_lower_than_without(measured):
    dropped = _m(measured, "overfit-dropout", "accuracy")
    assert np.all(dropped < _m(measured, "overfit", "accuracy") - 0.05)


def test_l1_makes_weights_near_zero_where_l2_does_not_and_still_learns(measured):
    l1 = _m(measured, "l1-sparse", "near_zero")
    l2 = _m(measured, "l1-sparse, L2 instead", "near_zero")
    assert np.all(l1 > l2 + 0.1), l1 - l2
    assert np.all(_m(measured, "l1-sparse", "exact_zero") == 0)  # "none exactly 0"
    assert "none exactly 0" in PRESET_NOTES["l1-sparse"]
    strong = _m(measured, "l1-sparse, L1 1e-3", "near_zero")
    assert np.all(strong > l1)                                     # stronger L1 zeroes more


def test_l2_under_adam_piles_weights_at_zero_and_under_adamw_it_does_not(measured):
    """Issue 19: the same L2 under Adam empties the weights the data does not need (and float32
    underflow makes some exactly 0); AdamW, the same λ decoupled, shrinks in proportion."""
    adam, same = _m(measured, "adam-l2", "near_zero"), _m(measured, "adamw-l2 same lambda",
                                                            "near_zero")
    assert np.all(adam > same + 0.5)
    assert np.all(_m(measured, "adam-l2", "exact_zero") > 0.2)
    assert np.all(_m(measured, "adamw-l2", "exact_zero") == 0)
    assert np.all(_m(measured, "adamw-l2 same lambda", "exact_zero") == 0)
    # "the network overfits again": the same λ under AdamW climbs as without L2
    same_climbs = (_m(measured, "adamw-l2 same lambda", "val_loss")
                   / _m(measured, "adamw-l2 same lambda", "lowest_val_loss"))
    assert np.all(same_climbs > 1.3)
    # "even λ = 1 regularises less than 3e-3 under Adam", and more than nothing
    w1 = _m(measured, "adamw-l2", "val_loss")
    assert np.all(w1 > _m(measured, "adam-l2", "val_loss"))
    assert np.all(w1 < _m(measured, "overfit", "val_loss"))
    # "the reg-loss band dwarfs the data loss: AdamW does not minimise data + reg loss"
    assert np.all(_m(measured, "adamw-l2", "reg_loss") > 100 * _m(measured, "adamw-l2",
                                                                    "data_loss"))
    assert "shown, not minimised" in PRESET_NOTES["l2-adamw"]


def test_presets_are_what_the_notes_describe():
    assert PRESETS["overfit-l2"] == dataclasses.replace(PRESETS["overfit"], weight_l2=1e-2,
                                                        bias_l2=1e-2)
    assert PRESETS["overfit-dropout"] == dataclasses.replace(PRESETS["overfit"], dropout=0.8)
    assert PRESETS["l2-adam"] == dataclasses.replace(PRESETS["overfit"], weight_l2=3e-3)
    assert PRESETS["l2-adamw"] == dataclasses.replace(PRESETS["overfit"], weight_l2=1.0,
                                                      optimizer="adamw")
    assert PRESETS["l1-sparse"].optimizer == "sgd" and PRESETS["l1-sparse"].decay > 0
    assert claims.RUNS["adamw-l2 same lambda"] == ("l2-adam", {"optimizer": "adamw"})
