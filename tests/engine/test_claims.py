"""Every range the teaching text quotes holds on every seed a student can pick (0-19), and the
text shows exactly the table's ranges (nncore/claims.py)."""

import re
from pathlib import Path

import pytest

from nncore import PRESET_NOTES, PRESETS, claims
from ui import lessons, teaching

RANGE = re.compile(r"\d+(?:\.\d+)?-\d+(?:\.\d+)?%?")
QUOTED = {c.text for c in claims.CLAIMS.values()}


@pytest.mark.parametrize("key", list(claims.CLAIMS))
def test_the_claim_holds_on_seeds_0_to_19(measured, key):
    claim = claims.CLAIMS[key]
    values = measured[claim.run][claim.measure]
    assert len(values) == 20
    assert not claim.outside(values), (key, claim.text, [claim.shown(v) for v in values])


def test_a_range_is_as_wide_as_what_was_measured_not_wider(measured):
    """The quoted ends are the measured extremes (as rounded): a range cannot drift loose."""
    for key, claim in claims.CLAIMS.items():
        if not claim.tight:
            continue
        values = measured[claim.run][claim.measure]
        assert claim.shown(min(values)) == claim.shown(claim.low), key
        assert claim.shown(max(values)) == claim.shown(claim.high), key


def _screen_texts() -> dict[str, str]:
    texts = {f"note {name}": note for name, note in PRESET_NOTES.items()}
    texts.update({f"lesson {s.title}": " ".join((*s.look, s.question)) for s in lessons.STEPS})
    texts.update({f"help {name}": text for name, text in teaching.TEXTS.items()})
    return texts


def test_every_range_on_screen_is_a_claims_range():
    for where, text in _screen_texts().items():
        stray = set(RANGE.findall(text)) - QUOTED
        assert not stray, (where, stray)


def test_the_screen_says_the_ranges_are_over_20_seeds():
    for name, note in PRESET_NOTES.items():
        if RANGE.search(note):
            assert claims.ON_SEEDS in note, name
    assert set(PRESET_NOTES) == set(PRESETS)


def test_the_help_page_takes_its_sentences_from_the_one_place():
    about = (Path(__file__).resolve().parents[2] / "pages" / "about.py").read_text()
    assert not RANGE.search(about), "pages/about.py quotes a range itself: use ui/teaching.py"
