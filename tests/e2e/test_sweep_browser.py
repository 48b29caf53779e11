"""Real browser, the Sweep page: a small sweep draws its U-curve as runs finish, a run opens in
the Playground from its link at once (its result comes from the Playground's cache), and Stop
ends a big sweep early; a student's run started meanwhile waits for at most one sweep run."""

from __future__ import annotations

import re
import time

import pytest

from benchmarks import load_sessions, serving
from nncore import TrainConfig, train
from ui import sweep_page

pytestmark = pytest.mark.e2e
PROGRESS = load_sessions.PROGRESS
SMALL = "samples=30&epochs=20001&hidden=16"  # ~2.5 s a run: trained again, it would show


def _sweep_status(page) -> str:
    return page.locator(PROGRESS).first.inner_text()


def test_a_sweep_draws_its_u_curve_and_a_run_opens_in_the_playground(page, server):
    page.goto(f"{server}/sweep?{SMALL}&sweep=weight_l2%3D0.0001%3A0.1%3Alog%3A4%3Bseeds%3D2")
    page.get_by_role("button", name="Run sweep").click()
    page.wait_for_function(
        "(sel) => /Done: 8 of 8 runs/.test(document.querySelector(sel)?.innerText || '')",
        arg=PROGRESS, timeout=120_000)
    charts = page.locator(serving.CHART)
    page.wait_for_function(f"() => document.querySelectorAll('{serving.CHART}').length >= 2 + 4")
    assert charts.count() == 2 + 4  # the loss and accuracy U-curves, a thumbnail per point
    assert "sweep=weight_l2" in page.url
    page.locator('[data-testid="stDataFrame"]').wait_for()  # the runs' table, with its links
    # A run's link (the table's "open" column: AppTest checks it holds this link) shows the
    # Playground with the run's result at once, from the shared cache: it never trains.
    config = TrainConfig(samples=30, epochs=20001, hidden=(16,), weight_l2=0.0001).to_dict()
    page.add_init_script("""window.__seen = [];
        new MutationObserver(() => {
            const el = document.querySelector('[data-testid="stProgress"]');
            if (el) window.__seen.push(el.innerText);
        }).observe(document, {subtree: true, childList: true, characterData: true});""")
    started = time.perf_counter()
    page.goto(server + sweep_page.playground_link(config))
    page.wait_for_function(
        "(sel) => /Completed: .*fingerprint/.test(document.querySelector(sel)?.innerText||'')",
        arg=PROGRESS, timeout=60_000)
    shown_s = time.perf_counter() - started
    text = page.locator(PROGRESS).first.inner_text()
    assert "20,001 of 20,001 epochs" in text
    assert train(TrainConfig.from_dict(config)).fingerprint() in text
    assert not [t for t in page.evaluate("window.__seen") if "Training" in t or "Waiting" in t]
    assert "trained earlier with these settings" in text
    print(f"\nthe swept run shown in the Playground {shown_s:.1f} s after opening its link")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_stop_ends_a_big_sweep_and_a_students_run_goes_first(browser, server):
    sweeper, student = (browser.new_context(viewport={"width": 1400, "height": 1000})
                        for _ in range(2))
    try:
        page = sweeper.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{server}/sweep?samples=100&epochs=20001&"
                  "sweep=weight_l2%3D1e-05%3A0.1%3Alog%3A10%3Bseeds%3D4")
        page.get_by_role("button", name="Run sweep").click()
        page.wait_for_function(
            "(sel) => /Sweeping: [1-9]\\d* of 40/.test("
            "document.querySelector(sel)?.innerText || '')", arg=PROGRESS)
        other = student.new_page()
        other.set_default_timeout(120_000)
        started = time.perf_counter()
        other.goto(f"{server}/?seed=4321")  # a default run, while the sweep holds the slots
        other.wait_for_function(
            "(sel) => /Completed: /.test(document.querySelector(sel)?.innerText || '')",
            arg=PROGRESS)
        waited_s = time.perf_counter() - started
        page.locator(".st-key-sw_stop button:enabled").click()
        page.wait_for_function(
            "(sel) => /Stopped: /.test(document.querySelector(sel)?.innerText || '')",
            arg=PROGRESS)
        text = _sweep_status(page)
        done = int(re.search(r"Stopped: (\d+) of 40", text).group(1))
        cancelled = int(re.search(r"(\d+) cancelled", text).group(1))
        print(f"\na student's run beside the sweep: done after {waited_s:.1f} s; the sweep "
              f"stopped at {done} of 40 runs, {cancelled} cancelled")
        assert done + cancelled == 40 and cancelled > 0
        # one 20,001-epoch sweep run takes ~3 s alone here: the student waited about that
        assert waited_s < 30
    finally:
        sweeper.close()
        student.close()
