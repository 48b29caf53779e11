"""The teaching presets tell the story their notes promise, on seeds 0-4, with the numbers the
notes quote (each range in a note is checked against every seed: `_quoted`)."""

import dataclasses
import math
import re

import numpy as np
import pytest

from nncore import PRESET_NOTES, PRESETS
from nncore.metrics import sparsity

SEEDS = range(5)
CHANCE = math.log(3)  # the validation loss of a model that gives each of 3 classes 1/3


def _quoted(name: str, low: float, high: float, values, *, percent: bool = False) -> None:
    """The note of preset `name` quotes the range low-high, and every value lies in it (as
    rounded in the note: 2 decimals, or whole percent)."""
    shown = (f"{low:.0%}-{high:.0%}".replace("%-", "-") if percent else f"{low:.2f}-{high:.2f}")
    assert shown in PRESET_NOTES[name], (shown, PRESET_NOTES[name])
    rounded = [round(float(v), 2) for v in values]
    assert all(low <= v <= high for v in rounded), (name, shown, rounded)


@pytest.fixture(scope="module")
def family(seeded_run):
    return {name: [seeded_run(name, s) for s in SEEDS]
            for name in ("overfit", "overfit-l2", "overfit-dropout")}


def test_overfit_memorises_and_validation_loss_turns_upward(family):
    runs = family["overfit"]
    assert all(h.final()["accuracy"] >= 0.97 for h in runs)  # all points but at most 2 of 90
    _quoted("overfit", 0.98, 1.00, [h.final()["accuracy"] for h in runs], percent=True)
    for h in runs:
        lowest = int(h.epoch[np.argmin(h.val_loss)])
        assert 35 <= lowest <= 65, lowest  # early: "after about 50 epochs" (seeds 0-4: 39-61)...
        assert h.val_loss[-1] > 1.3 * h.val_loss.min()  # ...then it climbs
        assert h.final()["reg_loss"] == 0
    assert "lowest (0.22-0.31) after about 50 epochs" in PRESET_NOTES["overfit"]
    _quoted("overfit", 0.22, 0.31, [h.val_loss.min() for h in runs])
    _quoted("overfit", 0.42, 0.84, [h.val_loss[-1] for h in runs])


@pytest.mark.parametrize("name, ends, above_lowest", [
    ("overfit-l2", (0.24, 0.29), 1.01),
    ("overfit-dropout", (0.32, 0.38), 1.04),
])
def test_regularisation_ends_far_below_overfit_below_chance_and_not_rising(
        family, name, ends, above_lowest):
    for plain, regular in zip(family["overfit"], family[name], strict=True):
        final = regular.val_loss[-1]
        assert final < 0.8 * plain.val_loss[-1]          # clearly below, seed by seed
        assert final < CHANCE
        assert final <= above_lowest * regular.val_loss.min()  # it ends at (near) its lowest
        tail = regular.val_loss[int(0.8 * len(regular.val_loss)):]
        assert tail[-1] <= 1.02 * tail[0]                 # not rising over the last fifth
        # the validation points are classified at least as well as without it (a few points)
        assert regular.final()["val_accuracy"] >= plain.final()["val_accuracy"] - 0.03
    _quoted(name, *ends, [h.val_loss[-1] for h in family[name]])


def test_l2_shows_a_regularisation_band_and_ends_at_a_fraction_of_overfit(family):
    assert all(l2.final()["reg_loss"] > 0.1 for l2 in family["overfit-l2"])
    ratios = [l2.val_loss[-1] / plain.val_loss[-1]
              for plain, l2 in zip(family["overfit"], family["overfit-l2"], strict=True)]
    _quoted("overfit-l2", 0.30, 0.56, ratios, percent=True)


def test_dropout_training_accuracy_is_lower_and_about_validations(family):
    runs = family["overfit-dropout"]
    _quoted("overfit-dropout", 0.88, 0.91, [h.final()["accuracy"] for h in runs])
    _quoted("overfit-dropout", 0.87, 0.89, [h.final()["val_accuracy"] for h in runs])
    for plain, dropped in zip(family["overfit"], runs, strict=True):
        assert dropped.final()["accuracy"] < plain.final()["accuracy"] - 0.05
        assert abs(dropped.final()["accuracy"] - dropped.final()["val_accuracy"]) < 0.05


def _near_zero(history) -> float:
    return sparsity(history.model, history.config.regularise_output)["near_zero"]


def test_l1_makes_weights_near_zero_where_l2_does_not_and_still_learns(seeded_run):
    l1 = [seeded_run("l1-sparse", s) for s in SEEDS]
    l2 = [seeded_run("l1-sparse", s, weight_l1=0.0, weight_l2=1e-3) for s in SEEDS]
    strong = [seeded_run("l1-sparse", s, weight_l1=1e-3) for s in SEEDS]
    _quoted("l1-sparse", 0.38, 0.52, [_near_zero(h) for h in l1], percent=True)
    _quoted("l1-sparse", 0.03, 0.16, [_near_zero(h) for h in l2], percent=True)
    for sparse, dense in zip(l1, l2, strict=True):
        assert _near_zero(sparse) > 2 * _near_zero(dense) + 0.1
        assert sparsity(sparse.model, False)["exact_zero"] == 0  # as the note says: none is 0
        assert sparse.final()["val_accuracy"] >= 0.99
    assert "99-100%" in PRESET_NOTES["l1-sparse"]
    # stronger L1 zeroes more, and costs accuracy on some seeds
    _quoted("l1-sparse", 0.90, 0.95, [_near_zero(h) for h in strong], percent=True)
    worst = sorted(h.final()["val_accuracy"] for h in strong)[:4]  # 1 seed of 5 still fits
    _quoted("l1-sparse", 0.86, 0.90, worst, percent=True)


# The ranges the tests in this file (and test_book.py) check, per preset: a note (or a lesson
# step, tests/engine/test_lessons.py) may quote only these.
CHECKED_RANGES = {"book-ch14": {"0.90-0.95", "0.78-0.83"},
                  "book-ch15": {"0.67-0.71", "0.69-0.77", "0.017-0.022"},
                  "overfit": {"98-100%", "0.22-0.31", "0.42-0.84"},
                  "overfit-l2": {"0.24-0.29", "30-56%"},
                  "overfit-dropout": {"0.88-0.91", "0.87-0.89", "0.32-0.38", "0.42-0.84"},
                  "l1-sparse": {"38-52%", "3-16%", "99-100%", "90-95%", "86-90%"}}


def test_every_preset_note_quotes_only_measured_ranges():
    """Ranges a note gives (e.g. 0.42-0.84) are the ones the tests above check: a new range in
    a note needs a test."""
    checked = CHECKED_RANGES
    for name, note in PRESET_NOTES.items():
        ranges = set(re.findall(r"\d+(?:\.\d+)?-\d+(?:\.\d+)?%?", note))
        assert ranges <= checked[name], (name, ranges - checked[name])
    assert set(PRESET_NOTES) == set(PRESETS)


def test_presets_are_what_the_notes_describe():
    assert PRESETS["overfit-l2"] == dataclasses.replace(PRESETS["overfit"], weight_l2=1e-2,
                                                        bias_l2=1e-2)
    assert PRESETS["overfit-dropout"] == dataclasses.replace(PRESETS["overfit"], dropout=0.8)
    assert PRESETS["l1-sparse"].optimizer == "sgd" and PRESETS["l1-sparse"].decay > 0


def test_the_help_pages_dropout_sentence_quotes_the_presets_measured_ranges():
    """pages/about.py says what dropout does to training accuracy with the overfit presets'
    numbers: the same ranges the tests above check."""
    from pathlib import Path

    about = (Path(__file__).resolve().parents[2] / "pages" / "about.py").read_text()
    sentence = about[about.index("**Accuracy**"):about.index("**Decision regions**")]
    quoted = set(re.findall(r"\d+(?:\.\d+)?-\d+(?:\.\d+)?%?", sentence))
    assert quoted == {"0.88-0.91", "0.87-0.89", "98-100%"}
    assert {"0.88-0.91", "0.87-0.89"} <= set(re.findall(r"\d\.\d+-\d\.\d+",
                                                       PRESET_NOTES["overfit-dropout"]))
    assert "98-100%" in PRESET_NOTES["overfit"]
