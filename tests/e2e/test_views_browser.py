"""Real browser: pin a run, change lambda, see both runs' regions and the faint curves, scrub
the replay to an early epoch; walk the lesson's steps and apply one; look inside the network.
Screenshots at 1920x1080 and 1280x720 go to artifacts/."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from benchmarks import load_sessions
from ui.lessons import STEPS

pytestmark = pytest.mark.e2e
PROGRESS = load_sessions.PROGRESS
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHARTS = '[data-testid="stVegaLiteChart"] canvas'


def _done(page, not_text: str = "") -> str:
    page.wait_for_function(
        """([sel, old]) => { const el = document.querySelector(sel);
            return !!el && /Completed: .*fingerprint/.test(el.innerText)
                && el.innerText !== old; }""",
        arg=[PROGRESS, not_text], timeout=120_000)
    return page.locator(PROGRESS).first.inner_text()


def _slider(page, label: str):
    return page.locator('[data-testid="stSlider"]').filter(has_text=label).locator(
        'input[type="range"]')


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_pin_change_lambda_compare_and_scrub(browser, server, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        page.goto(f"{server}/?preset=overfit")
        first = _done(page)
        page.locator(".st-key-pg_pin_button button").first.click()
        page.get_by_role("button", name="Unpin").wait_for()
        l2 = _slider(page, "L2 on weights")
        l2.focus()
        for _ in range(13):  # 0 -> 1e-2 on the lambda grid
            l2.press("ArrowRight")
        # (the link carries the pin from the press on: wait for the value the presses end on)
        page.wait_for_url(re.compile(r"[?&]weight_l2=0\.01(&|$)"), timeout=60_000)
        second = _done(page, first)
        page.wait_for_function(f"() => document.querySelectorAll('{CHARTS}').length == 7")
        assert page.get_by_text("here → pinned: weight_l2 0.01 → 0").count() == 1
        page.wait_for_url(re.compile(r"pin=weight_l2(%3A|:)0\.0"))  # (written as the run ends)
        replay = _slider(page, "Replay")
        replay.wait_for()
        replay.focus()
        replay.press("Home")  # the first snapshot
        page.wait_for_function(
            "(sel) => /replaying epoch/.test(document.querySelector(sel)?.innerText || '')",
            arg=PROGRESS)
        early = page.locator(PROGRESS).first.inner_text()
        epoch = int(re.search(r"replaying epoch ([\d,]+)", early).group(1).replace(",", ""))
        assert epoch < 200
        time.sleep(1.0)
        assert page.locator(CHARTS).count() == 7
        assert page.locator('[data-testid="stException"]').count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"e2e-pinned-replay-{size[0]}x{size[1]}.png"))
        assert second != first
    finally:
        context.close()


def test_the_lesson_walks_its_steps_and_applies_one(page, server):
    page.goto(f"{server}/lesson?step=1")
    page.get_by_role("heading", name=STEPS[0].title).wait_for()
    for number in range(2, len(STEPS) + 1):
        page.get_by_role("button", name="Next").click()
        page.get_by_role("heading", name=STEPS[number - 1].title).wait_for()
        page.wait_for_url(re.compile(rf"step={number}"))
        question = page.get_by_text(STEPS[number - 1].question)
        question.wait_for()  # (the heading can paint a moment before the rest of the step)
        assert question.count() == 1
    page.goto(f"{server}/lesson?step=3")  # a step's own link
    page.get_by_role("heading", name=STEPS[2].title).wait_for()
    page.get_by_role("button", name=re.compile("Apply in the Playground")).click()
    page.wait_for_url(re.compile(r"preset=l1-sparse"))
    text = _done(page)
    assert "3,001 of 3,001 epochs" in text
    page.get_by_text("Preset l1-sparse.").wait_for()
    # and the network inside
    page.get_by_role("link", name="Inside the network").click()
    page.locator('[data-testid="stImage"] img').wait_for()
    assert page.get_by_text("units of the first hidden layer").count() >= 1
    page.wait_for_function(f"() => document.querySelectorAll('{CHARTS}').length == 3")
    assert page.locator('[data-testid="stException"]').count() == 0


def _replayed(page) -> int | None:
    """The epoch the progress line says is replayed (None: the end of the run)."""
    text = page.locator(PROGRESS).first.inner_text()
    found = re.search(r"replaying epoch ([\d,]+)", text)
    return int(found.group(1).replace(",", "")) if found else None


def test_replay_plays_pauses_steps_and_reaches_epoch_0(page, server):
    """Issue 20, 4: Play moves the slider (sampled while it plays), Pause stops it, the arrow
    keys step one snapshot per press on the focused slider, epoch 0 is reachable."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/?preset=overfit&epochs=301")
    _done(page)
    replay = _slider(page, "Replay")
    replay.wait_for()
    replay.focus()
    replay.press("Home")
    page.wait_for_function("(sel) => /replaying epoch 0\\b/.test("
                           "document.querySelector(sel)?.innerText || '')", arg=PROGRESS)
    for _ in range(3):  # one snapshot per press, the slider keeps its focus between reruns
        before = _replayed(page)
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([sel, old]) => { const m = /replaying epoch ([\\d,]+)/.exec("
            "document.querySelector(sel)?.innerText || ''); "
            "return m && Number(m[1].replace(/,/g, '')) > old; }", arg=[PROGRESS, before])
    stepped = _replayed(page)
    assert 0 < stepped < 100  # three snapshots of 24 over 301 epochs: ~39
    page.locator(".st-key-pg_play_button button").first.click()
    seen = []
    deadline = time.monotonic() + 4.0
    while time.monotonic() < deadline:
        seen.append(_replayed(page))
        time.sleep(0.25)
    moving = [e for e in seen if e is not None]
    assert len(set(moving)) >= 3, seen                   # the thumb moved on while playing
    assert moving == sorted(moving), seen                # forward only
    page.locator(".st-key-pg_pause_button button").first.click()
    page.locator(".st-key-pg_play_button button").first.wait_for()
    paused = _replayed(page)
    time.sleep(1.5)
    assert _replayed(page) == paused
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-replay-paused-1280x720.png"))
