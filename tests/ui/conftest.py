"""Shared AppTest fixtures: the dashboard with few epochs so that each rerun is quick."""

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120  # seconds per script run; CI machines can be slow


@pytest.fixture(autouse=True)
def _navigation_not_pages_directory(monkeypatch):
    """Run dashboard.py the way the server does once st.navigation has been called.

    With a `pages/` folder beside the entrypoint, Streamlit 1.67 starts in its v1 multipage
    mode until st.navigation switches it off (process-wide, on the first run). AppTest resets
    that switch before every run, so its second run would execute the page file alone,
    without dashboard.py. Keep the switch off, as in the served app.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def make_app(**params: str) -> AppTest:
    """A fresh AppTest session of dashboard.py opened with `params` in the URL."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at


@pytest.fixture
def fast_app() -> AppTest:
    """The dashboard opened with ?epochs=21, already run once."""
    at = make_app(epochs="21")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
