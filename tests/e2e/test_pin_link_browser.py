"""Real browser: the address bar carries the pin as soon as Unpin shows, none once Pin is back,
and while a changed setting trains it names the same pinned run (issue 20, item 7)."""

from __future__ import annotations

import re

import pytest

from benchmarks import load_sessions

pytestmark = pytest.mark.e2e
PROGRESS = load_sessions.PROGRESS
PIN = ".st-key-pg_pin_button button"


def _done(page) -> None:
    page.wait_for_function(
        "(sel) => /Completed: .*fingerprint/.test(document.querySelector(sel)?.innerText || '')",
        arg=PROGRESS, timeout=120_000)


def _query(page) -> str:
    """The address bar now (page.url is only updated when Playwright processes its events)."""
    return page.evaluate("location.search")


def test_the_address_bar_follows_pin_unpin_and_a_moved_setting(page, server):
    page.goto(f"{server}/?samples=30&epochs=201&hidden=16")
    _done(page)
    page.locator(PIN).first.click()
    page.get_by_role("button", name="Unpin").wait_for()
    assert "pin=same" in _query(page)  # (before the fix: only after the whole page had drawn)
    page.get_by_role("button", name="Unpin").click()
    page.locator(PIN).first.wait_for()
    assert "pin=" not in _query(page)
    page.locator(PIN).first.click()
    page.get_by_role("button", name="Unpin").wait_for()
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Dropout").locator(
        'input[type="range"]')
    slider.focus()
    slider.press("ArrowRight")
    page.wait_for_function("() => /dropout=/.test(location.search)")
    # The new run is training (or just done): the link already re-names the pinned run
    assert re.search(r"pin=dropout(%3A|:)0\.0", _query(page)), _query(page)
