"""A fresh server's very first session (its own server: the module fixture's has served others).

With a pages/ folder Streamlit starts a fresh server in its legacy multipage mode; without the
guard in ui/legacy_pages.py the first interaction of the first session changed every widget ID
and lost the values (a `?preset=` link lost its preset)."""

import re

import pytest

from benchmarks import load_sessions, serving

pytestmark = pytest.mark.e2e
PROGRESS = load_sessions.PROGRESS


def test_first_session_of_a_fresh_server_keeps_its_preset_after_a_slider_move(browser):
    with serving.served("e2e-fresh-server.log") as srv:
        context = browser.new_context(viewport={"width": 1600, "height": 1300})
        try:
            page = context.new_page()
            page.set_default_timeout(90_000)
            page.goto(f"{srv.url}/?preset=overfit-l2")
            page.wait_for_function(
                "(sel) => /Completed: /.test(document.querySelector(sel)?.innerText || '')",
                arg=PROGRESS)
            slider = page.locator('[data-testid="stSlider"]').filter(has_text="Dropout rate")
            thumb = slider.locator('input[type="range"]')
            thumb.focus()
            thumb.press("ArrowRight")
            page.wait_for_url(re.compile(r"dropout=0\.05"))
            assert "preset=overfit-l2" in page.url
            assert thumb.get_attribute("aria-valuetext") == "0.05"
            # the preset's own values survived the move (its L2 is off the defaults)
            l2 = page.locator('[data-testid="stSlider"]').filter(has_text="L2 on weights")
            assert l2.locator('[role="slider"], input[type="range"]').first.get_attribute(
                "aria-valuetext") in ("1e-2", "0.01")
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            context.close()
