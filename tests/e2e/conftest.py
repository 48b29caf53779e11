"""Real-browser fixtures: a served dashboard on a free loopback port and headless Chromium
(the server and browser code is shared with the load test: benchmarks/serving.py)."""

import os

import pytest

from benchmarks import serving


def skip_or_fail(reason: str) -> None:
    """Skip where no browser is installed, but never under CI: there the tests must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: real-browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server():
    """`streamlit run dashboard.py` on 127.0.0.1:<free port>; killed at teardown."""
    with serving.served("e2e-server.log") as srv:
        yield srv.url


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (never `playwright install`)."""
    reason = serving.browser_missing()
    if reason:
        skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(**serving.launch_kwargs())
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1600, "height": 1300})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    try:
        yield tab
    finally:
        context.close()
