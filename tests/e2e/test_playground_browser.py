"""Real browser: the served dashboard trains, a keyboard slider move retrains, regions render."""

import re
import time

import pytest
from conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

DONE = re.compile(r"(Completed|Diverged|Stopped): .*fingerprint (\w+)")
PROGRESS = '[data-testid="stProgress"]'


def _status_text(page) -> str:
    return page.locator(PROGRESS).first.inner_text()


def _wait_done(page, not_fingerprint: str | None = None) -> str:
    """Wait until the progress line reports a finished run (with a new fingerprint)."""
    page.wait_for_function(
        """([sel, old]) => {
            const el = document.querySelector(sel);
            if (!el) return false;
            const m = el.innerText.match(/(Completed|Diverged|Stopped): .*fingerprint (\\w+)/);
            return m && m[2] !== old;
        }""", arg=[PROGRESS, not_fingerprint or ""], timeout=90_000)
    return DONE.search(_status_text(page)).group(2)


def _regions_rendered(page) -> bool:
    plots = page.locator(".js-plotly-plot")
    heatmaps = page.locator(".js-plotly-plot .heatmaplayer image, "
                            ".js-plotly-plot .contourlayer path")
    return plots.count() >= 1 and heatmaps.count() >= 1


def _record_progress_changes(page) -> None:
    """Timestamp every change of the progress line (to measure time to the first update)."""
    page.evaluate("""(sel) => {
        window.__changes = [];
        new MutationObserver(() => {
            const el = document.querySelector(sel);
            window.__changes.push([performance.now(), el ? el.innerText : '']);
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    }""", PROGRESS)


def test_slider_keyboard_move_retrains_and_redraws(page, server):
    page.goto(server)
    page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=90_000)
    first = _wait_done(page)
    assert _regions_rendered(page)

    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Dropout rate")
    thumb = slider.locator('input[type="range"]')  # react-aria: the thumb's focusable input
    thumb.focus()
    _record_progress_changes(page)
    pressed = page.evaluate("performance.now()")
    started = time.perf_counter()
    thumb.press("ArrowRight")

    second = _wait_done(page, not_fingerprint=first)
    whole = time.perf_counter() - started
    changes = page.evaluate("window.__changes")
    first_update = next(t for t, text in changes
                        if "Training:" in text or (first not in text and DONE.search(text)))
    print(f"\nfirst chart/progress update {(first_update - pressed) / 1000:.2f} s after the key "
          f"press; finished run drawn {whole:.2f} s after it ({_status_text(page)})")

    assert second != first
    assert "dropout=0.05" in page.url
    assert thumb.get_attribute("aria-valuetext") == "0.05"
    assert _regions_rendered(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-playground.png"), full_page=True)


def test_shared_link_opens_the_same_state(page, server):
    page.goto(f"{server}/?dropout=0.05")
    page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=90_000)
    _wait_done(page)
    value = page.locator('[data-testid="stSlider"]').filter(has_text="Dropout rate").locator(
        'input[type="range"]').get_attribute("aria-valuetext")
    assert value == "0.05"
    assert page.locator('[data-testid="stException"]').count() == 0
