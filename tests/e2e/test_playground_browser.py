"""Real browser: the served dashboard trains, a keyboard slider move retrains, regions render."""

import os
import re
import time
from pathlib import Path

import pytest

from benchmarks import load_sessions, serving
from ui import panels

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"  # gitignored

DONE, PROGRESS = load_sessions.DONE, load_sessions.PROGRESS  # (the load test reads them too)


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


CHARTS = serving.CHART
ALL_CHARTS = f"() => document.querySelectorAll('{CHARTS}').length == {panels.N_CHARTS}"


def _charts_rendered(page) -> bool:
    """All six charts (regions, loss, reg loss, accuracy, learning rate, weights) are drawn."""
    return page.locator(CHARTS).count() == panels.N_CHARTS


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
    first = _wait_done(page)
    page.wait_for_function(ALL_CHARTS)

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
    assert _charts_rendered(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-playground.png"), full_page=True)


def test_shared_link_opens_the_same_state(page, server):
    page.goto(f"{server}/?dropout=0.05")
    _wait_done(page)
    value = page.locator('[data-testid="stSlider"]').filter(has_text="Dropout rate").locator(
        'input[type="range"]').get_attribute("aria-valuetext")
    assert value == "0.05"
    assert page.locator('[data-testid="stException"]').count() == 0


def test_downloads_deliver_the_run_made_on_click(page, server):
    """The History and Run log files are made when clicked (deferred): they hold this run."""
    page.goto(f"{server}/?epochs=51&seed=5")
    fingerprint = _wait_done(page)
    files = {}
    for label in ("History (CSV)", "Run log (CSV)", "Config (JSON)"):
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name=label).click()
        files[label] = Path(download.value.path()).read_text()
    history = files["History (CSV)"].splitlines()
    assert history[0].startswith("epoch,data_loss,reg_loss,loss")
    assert len(history) == 1 + 51
    log = files["Run log (CSV)"].splitlines()
    assert len(log) == 2 and fingerprint in log[1]
    assert '"epochs": 51' in files["Config (JSON)"] and '"seed": 5' in files["Config (JSON)"]


def test_stop_keeps_the_partial_run_in_a_later_session(page, server):
    """Stop mid-run: the charts stay with what was trained (this is not the server's first
    session: a regression test for widgets that did not render in later sessions)."""
    page.goto(f"{server}/?epochs=100000")
    stop = page.locator(".st-key-pg_stop button:enabled").first
    page.wait_for_function(
        "(sel) => /Training: epoch/.test(document.querySelector(sel)?.innerText || '')",
        arg=PROGRESS)
    stop.click(timeout=90_000)  # (a first run on a busy machine shows it late: ui.live)
    page.wait_for_function(
        "(sel) => /Stopped: /.test(document.querySelector(sel)?.innerText || '')",
        arg=PROGRESS, timeout=60_000)
    text = _status_text(page)
    done = int(re.search(r"Stopped: ([\d,]+) of", text).group(1).replace(",", ""))
    assert 0 < done < 100_000
    time.sleep(1.0)
    assert _status_text(page) == text  # nothing trains any more
    page.wait_for_function(ALL_CHARTS,
                           timeout=30_000)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stMetric]').length == 6",
                           timeout=30_000)  # the cards of the partial run


def test_long_runs_leave_a_slot_to_short_ones_and_stop_while_waiting_leaves_the_queue(
        browser, server):
    """Long runs hold every slot they may (all but one): another long run waits and says why,
    while a short run still trains at once. Stop takes the waiting run out of the queue for
    good; Train again queues it again."""
    slots = len(os.sched_getaffinity(0))  # the server's training slots (nncore.sweep.usable_cores)
    holders_n = max(1, slots - 1)         # ... of which long runs may hold this many
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1100})
                for _ in range(holders_n + 2)]
    training = "(sel) => /Training: epoch/.test(document.querySelector(sel)?.innerText || '')"
    try:
        pages = [context.new_page() for context in contexts]
        for tab in pages:
            tab.set_default_timeout(180_000)  # ceilings: every wait is for a state
        *holders, waiter, short = pages
        # ~30 s of training each, alone (near the work cap): they outlast the steps below.
        # Distinct seeds: no cached result to reuse.
        heavy = "epochs=100000&samples=1000"
        for i, holder in enumerate(holders):
            holder.goto(f"{server}/?{heavy}&seed={101 + i}")
            holder.wait_for_function(training, arg=PROGRESS)
        waiter.goto(f"{server}/?{heavy}&seed=77")
        waiter.wait_for_function(
            "(sel) => /Waiting for a free training slot.*long run/.test("
            "document.querySelector(sel)?.innerText || '')", arg=PROGRESS)
        if slots > 1:  # a short run passes the waiting long one
            short.goto(f"{server}/?seed=78")
            _wait_done(short)
            assert "Waiting for a free training slot" in _status_text(waiter)
        waiter.locator(".st-key-pg_stop button:enabled").first.click()
        waiter.get_by_text("Stopped while waiting for a free training slot").wait_for()
        for holder in holders:  # free the slots (if not already done): the stopped waiter
            stop = holder.locator(".st-key-pg_stop button:enabled")  # must not take one now
            if stop.count():
                stop.first.click()
            holder.wait_for_function(
                "(sel) => /(Stopped|Completed): /.test(document.querySelector(sel)?.innerText"
                " || '')", arg=PROGRESS)
        time.sleep(1.5)
        assert waiter.get_by_text("Stopped while waiting for a free training slot").is_visible()
        assert waiter.locator(PROGRESS).count() == 0  # no run started: no progress line
        waiter.locator(".st-key-pg_again button:enabled").first.click()  # queued again: trains
        waiter.wait_for_function(training, arg=PROGRESS)
        waiter.locator(".st-key-pg_stop button:enabled").first.click()
    finally:
        for context in contexts:
            context.close()


@pytest.mark.parametrize("size", [(390, 844), (1280, 720)], ids=["phone", "projector"])
def test_a_card_shows_its_whole_value_even_at_100_percent(browser, server, size):
    """The cards' numbers scale with their card (ui/style.py): "100.0%", the widest value a
    card shows (l1-sparse trains to it), is not cut to "100.…" in the narrowest cards, a
    phone's rows of three and the 1280x720 first screen with the sidebar open."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        page.goto(server + "/?preset=l1-sparse")
        _wait_done(page)
        page.wait_for_function("() => document.querySelectorAll("
                               "'[data-testid=stMetricValue]').length == 6", timeout=10_000)
        values = page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid=stMetricValue]')].map(v => { const d = v.querySelector('div') || v;
            return [v.innerText, d.scrollWidth - d.clientWidth]; })""")
        assert len(values) == 6 and "100.0%" in [text for text, _ in values], values
        assert all(over <= 1 for _, over in values), values
    finally:
        context.close()
