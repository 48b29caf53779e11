"""The lesson's own claims (ui/lessons.py) hold on seeds 0-19; the ranges a step quotes are the
claims table's (checked in test_claims.py)."""

import dataclasses

from nncore import claims
from ui.lessons import STEPS, step_number


def test_the_decay_step_jumps_without_decay_and_settles_with_it(measured):
    step = next(s for s in STEPS if s.title.startswith("Learning-rate decay"))
    assert step.changes == {"learning_rate": 0.05, "decay": 0.0}
    assert claims.RUNS["decay step, no decay"] == (step.preset, step.changes)
    assert claims.RUNS["decay step, decay 2e-2"] == (step.preset, {**step.changes, "decay": 2e-2})
    assert min(measured["decay step, no decay"]["jumps"]) >= 16
    assert measured["decay step, decay 2e-2"]["jumps"] == [0] * 20 and "no jump" in step.look[1]
    epochs = dataclasses.replace(step.config, decay=2e-2).epochs
    assert round(1 + 2e-2 * (epochs - 1)) == 31 and "1/31" in step.look[1]


def test_the_adam_step_is_shown_under_adam_and_its_adamw_run_is_the_claims():
    step = STEPS[-1]
    assert step.config.optimizer == "adam" and "AdamW" in step.look[2]
    assert claims.RUNS["adamw-l2 same lambda"] == (step.preset, {"optimizer": "adamw"})


def test_the_lesson_follows_the_notes_and_a_step_number_must_be_one():
    assert [s.preset for s in STEPS] == ["overfit", "overfit-l2", "l1-sparse",
                                         "overfit-dropout", "overfit-l2", "book-ch15", "l2-adam"]
    assert step_number("3") == 3 and step_number(" 7 ") == 7
    for bad in ("0", "8", "٣", "-1", "2.0", "[x](http://a)", ""):
        assert step_number(bad) is None, bad
