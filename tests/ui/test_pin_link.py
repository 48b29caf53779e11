"""AppTest of the link while a run is pinned (issue 20, item 7): the address bar carries the pin
as soon as the page shows it (Unpin appears), none once Unpin is pressed, and after a setting
changes (or Swap) it names the same pinned run against the new settings.

Why watch the URL *during* the script run: the browser applies each URL change when its message
arrives, in order with the page's elements. A URL written only at the end of the page (after
the charts, the downloads, a live run of seconds or minutes) is not in the address bar while
the user looks at the new pin row, and a link copied then pinned nothing (or the wrong run)."""

import pytest
import streamlit as st
from apphelpers import SMALL, make_app, no_errors

from nncore import TrainConfig
from ui import buttons, compare

PIN_ROW = ("pg_unpin", "pg_unpin_wait")   # the keys of Unpin: drawn once a run is pinned
UNPINNED_ROW = ("pg_pin_button", "pg_pin_button_wait")


@pytest.fixture
def seen(monkeypatch) -> dict:
    """{button key: the URL's params when that button was drawn} of the last script run."""
    urls: dict = {}
    draw = buttons.button

    def watching(where, label, *, key, **kwargs):
        urls[key] = dict(st.query_params.to_dict())
        return draw(where, label, key=key, **kwargs)

    monkeypatch.setattr(buttons, "button", watching)
    return urls


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def _press(at, key, seen: dict) -> None:
    seen.clear()
    _button(at, key).click()
    at.run()
    no_errors(at)


def _shown_with(seen: dict, keys: tuple) -> dict:
    """The URL's params at the moment the row with one of `keys` was drawn."""
    drawn = [seen[k] for k in keys if k in seen]
    assert drawn, f"none of {keys} was drawn"
    return drawn[0]


def _pinned_config(at) -> TrainConfig:
    return TrainConfig.from_dict(at.session_state["pg_pin"]["view"].config)


def _pinned_app(seen: dict):
    at = make_app(**SMALL)
    at.run()
    no_errors(at)
    _press(at, "pg_pin_button", seen)
    return at


def _names_the_pin(params: dict, at) -> None:
    """`params` carry this run's settings and a `pin` that decodes, over them, to the pinned
    run's config."""
    config = at.session_state["cfg_config"]
    assert compare.PARAM in params, params
    assert {k: v for k, v in params.items() if k != compare.PARAM} == {
        k: v for k, v in dict(at.query_params).items() if k != compare.PARAM}
    pinned, warnings = compare.decode(params[compare.PARAM], config)
    assert not warnings and pinned == _pinned_config(at), params


def _opens_the_same_pin(params: dict, at) -> None:
    """A fresh session opened with `params` pins the run `at` has pinned (same fingerprint)."""
    fresh = make_app(**params)
    fresh.run()
    no_errors(fresh)
    pin = fresh.session_state["pg_pin"]
    assert pin is not None, params
    assert pin["view"].fingerprint == at.session_state["pg_pin"]["view"].fingerprint, params


def test_the_link_carries_the_pin_as_soon_as_unpin_shows(seen):
    at = _pinned_app(seen)
    assert at.session_state["pg_pin"] is not None
    for params in (_shown_with(seen, PIN_ROW), dict(at.query_params)):
        _names_the_pin(params, at)
    _opens_the_same_pin(dict(at.query_params), at)


def test_unpin_leaves_no_pin_in_the_link(seen):
    at = _pinned_app(seen)
    _press(at, "pg_unpin", seen)
    assert at.session_state["pg_pin"] is None
    assert compare.PARAM not in _shown_with(seen, UNPINNED_ROW)
    assert compare.PARAM not in dict(at.query_params)
    at.run()  # and it does not come back
    assert compare.PARAM not in dict(at.query_params)


def test_a_changed_setting_keeps_the_same_pinned_run_in_the_link(seen):
    at = _pinned_app(seen)
    seen.clear()
    at.slider(key="cfg_dropout").set_value(0.5)
    at.run()
    no_errors(at)
    assert at.session_state["pg_pin"]["view"].config["dropout"] == 0.0
    while_drawn, final = _shown_with(seen, PIN_ROW), dict(at.query_params)
    for params in (while_drawn, final):
        assert params.get("dropout") == "0.5", params
        _names_the_pin(params, at)
    assert while_drawn == final
    _opens_the_same_pin(final, at)


def test_swap_keeps_the_link_on_the_sidebar_and_the_new_pin(seen):
    at = _pinned_app(seen)
    at.slider(key="cfg_dropout").set_value(0.5)
    at.run()
    no_errors(at)
    _press(at, "pg_swap", seen)
    assert at.session_state["cfg_dropout"] == 0.0
    assert at.session_state["pg_pin"]["view"].config["dropout"] == 0.5
    while_drawn, final = _shown_with(seen, PIN_ROW), dict(at.query_params)
    for params in (while_drawn, final):
        assert "dropout" not in params and params.get(compare.PARAM) == "dropout:0.5", params
        _names_the_pin(params, at)
    _opens_the_same_pin(final, at)
