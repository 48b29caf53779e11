"""Real-browser fixtures: a served dashboard on a free loopback port, and a page of the headless
Chromium of tests/conftest.py (the server and browser code is shared with the load test:
benchmarks/serving.py)."""

import pytest

from benchmarks import serving


@pytest.fixture(scope="module")
def server():
    """`streamlit run dashboard.py` on 127.0.0.1:<free port>; killed at teardown."""
    with serving.served("e2e-server.log") as srv:
        yield srv.url


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1600, "height": 1300})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    try:
        yield tab
    finally:
        context.close()
