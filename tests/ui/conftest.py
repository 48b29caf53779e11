"""Shared AppTest fixtures (helpers live in apphelpers.py: conftest modules are not imported)."""

import pytest
from apphelpers import make_app
from streamlit.testing.v1 import AppTest


@pytest.fixture
def fast_app() -> AppTest:
    """The dashboard opened with ?epochs=21, already run once."""
    at = make_app(epochs="21")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
