"""A page left open while the server restarts (same address): it reconnects to a new session,
and its first button press must act. The new session has no widget callbacks registered until
its script has run once, so Streamlit fires no on_click for the press that starts that run; the
buttons' helper (ui/buttons.py) runs the callback itself then. Without it the first "Run sweep"
after a restart did nothing."""

from __future__ import annotations

import time

import pytest

from benchmarks import load_sessions, serving

pytestmark = pytest.mark.e2e
PROGRESS = load_sessions.PROGRESS
SWEEP = "/sweep?sweep=dropout%3D0%2C0.3%3Bseeds%3D1&samples=30&epochs=201&hidden=16"
STATUS = '[data-testid="stStatusWidget"]'


def _reconnected(page, sockets: list, opened_before: int, timeout_s: float = 30.0) -> None:
    """Wait for a new websocket to the server that is still open, and no "Connecting" shown."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        fresh = [ws for ws in sockets[opened_before:] if not ws.is_closed()]
        status = " ".join(x.inner_text() for x in page.locator(STATUS).all())
        if fresh and "onnect" not in status:
            page.wait_for_timeout(500)  # let the frontend finish its handshake
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"the page did not reconnect within {timeout_s:.0f} s")


def test_the_first_press_after_a_server_restart_runs_the_sweep(browser):
    port = serving.free_port()
    context = browser.new_context(viewport={"width": 1600, "height": 1300})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        sockets: list = []
        page.on("websocket", lambda ws: sockets.append(ws))
        with serving.served("e2e-restart-1.log", port=port) as srv:
            page.goto(srv.url + SWEEP)
            page.get_by_role("button", name="Run sweep").wait_for()
            page.get_by_text("Set the range and press").wait_for()
        opened = len(sockets)
        with serving.served("e2e-restart-2.log", port=port):
            _reconnected(page, sockets, opened)
            page.get_by_role("button", name="Run sweep").click()  # once
            page.wait_for_function(
                "(sel) => /Done: 2 of 2/.test(document.querySelector(sel)?.innerText || '')",
                arg=PROGRESS, timeout=30_000)
            assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
