"""The lesson's own claims (ui/lessons.py) hold on seeds 0-4; the ranges a step quotes are the
presets' tested ones (tests/engine/test_presets.py) or measured here."""

import dataclasses
import re

import numpy as np
import pytest

from ui.lessons import STEPS, step_number

SEEDS = range(5)


def _jumps(history) -> int:
    """Epochs in the second half of training whose total loss is 10% above the epoch before."""
    loss = history.loss
    tail = loss[len(loss) // 2:]
    return int(np.sum(tail[1:] > 1.1 * tail[:-1]))


def test_the_decay_step_jumps_without_decay_and_settles_with_it(seeded_run):
    step = next(s for s in STEPS if s.title.startswith("Learning-rate decay"))
    changes = step.changes
    assert changes == {"learning_rate": 0.05, "decay": 0.0}
    without = [_jumps(seeded_run(step.preset, s, **changes)) for s in SEEDS]
    with_decay = [_jumps(seeded_run(step.preset, s, **{**changes, "decay": 2e-2}))
                  for s in SEEDS]
    assert min(without) >= 17 and max(without) <= 41, without
    assert "17-41 times" in step.look[0]
    assert with_decay == [0] * 5 and "no jump" in step.look[1]
    epochs = dataclasses.replace(step.config, decay=2e-2).epochs
    assert round(1 + 2e-2 * (epochs - 1)) == 31 and "1/31" in step.look[1]


@pytest.mark.parametrize("step", STEPS, ids=[s.preset for s in STEPS])
def test_every_range_a_step_quotes_is_one_a_test_checks(step):
    from tests.engine.test_presets import CHECKED_RANGES

    quoted = set(re.findall(r"\d+(?:\.\d+)?-\d+(?:\.\d+)?%?", " ".join(step.look)))
    if step.title.startswith("Learning-rate decay"):
        quoted -= {"17-41"}  # checked above
    assert quoted <= CHECKED_RANGES[step.preset], quoted - CHECKED_RANGES[step.preset]


def test_the_lesson_follows_the_notes_and_a_step_number_must_be_one():
    assert [s.preset for s in STEPS] == ["overfit", "overfit-l2", "l1-sparse",
                                         "overfit-dropout", "overfit-l2", "book-ch15"]
    assert step_number("3") == 3 and step_number(" 6 ") == 6
    for bad in ("0", "7", "٣", "-1", "2.0", "[x](http://a)", ""):
        assert step_number(bad) is None, bad
