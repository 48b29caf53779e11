"""Pin a run as the reference: its curves faint under the current ones, its regions beside
them, the cards' deltas against it. The pinned run is in the URL (`?pin=dropout:0.5;...`: what
its settings change from the page's), so a link reproduces both runs. The URL is written by
ui.session.write_url, settings and pin together, at the top of the run each press starts: the
address bar names the pin before the page shows Unpin, and none once Pin is back."""

from __future__ import annotations

import dataclasses

import streamlit as st

from nncore import FIELD_SPECS, TrainConfig
from workers.views import RunView

from . import session, urlstate
from .fields import LIMITS
from .runs import config_changes
from .text import literal

PARAM = session.PIN_PARAM
SAME = urlstate.PIN_SAME   # ?pin=same: the pinned run has the page's own settings


def pinned() -> RunView | None:
    pin = st.session_state.get("pg_pin")
    return pin["view"] if pin else None


# The callbacks only change session state: the run they start writes the URL before drawing.
def pin_now() -> None:
    """on_click of Pin: the run on screen becomes the reference."""
    ss = st.session_state
    if ss["pg_result"] is not None:
        ss["pg_pin"], ss["pg_pin_wanted"] = dict(ss["pg_result"]), None


def unpin() -> None:
    st.session_state["pg_pin"] = st.session_state["pg_pin_wanted"] = None


def swap() -> None:
    """on_click of Swap: the sidebar takes the pinned run's settings, and the run on screen
    becomes the pinned one."""
    ss = st.session_state
    pin, current = ss["pg_pin"], ss["pg_result"]
    if pin is None or current is None:
        return
    session.values_to_widgets(pin["view"].config)
    ss["pg_pin"] = dict(current)


def encode(pinned_config: dict, config: TrainConfig) -> str:
    """The `pin` parameter: the pinned run's settings that differ from `config`'s."""
    return urlstate.encode_pin(pinned_config, FIELD_SPECS, config.to_dict())


def decode(text: str, config: TrainConfig) -> tuple[TrainConfig | None, list[str]]:
    """(the pinned run's config, warnings) from a `pin` parameter over `config`."""
    text = text.strip()
    if text == SAME:
        return config, []
    pairs = [p.split(":", 1) for p in text.split(";") if p.strip()]
    if not pairs or any(len(p) != 2 for p in pairs):
        return None, [f"The link's pinned run {literal(text, 40)} is not FIELD:VALUE;...: "
                      "nothing pinned."]
    values, warnings = urlstate.decode(dict(pairs), FIELD_SPECS, LIMITS)
    if len(values) < len(pairs):  # a field unknown, or a value rejected
        unknown = [k for k, _ in pairs if k not in FIELD_SPECS]
        why = (f"{literal(', '.join(unknown), 40)} is not a setting" if unknown else
               "a value is not valid")
        return None, [*warnings, f"The link's pinned run {literal(text, 40)} cannot be used "
                                 f"({why}; FIELD:VALUE;... with the settings' names): "
                                 "nothing pinned."]
    try:
        return dataclasses.replace(config, **values), warnings
    except (TypeError, ValueError) as exc:
        return None, [*warnings, f"The link's pinned run cannot be trained "
                                 f"({literal(exc, 120)}): nothing pinned."]


def from_link(config: TrainConfig) -> list[str]:
    """Once per session: a `pin` in the link says which run to pin (trained, or taken from
    the cache, by the page); returns warnings about it."""
    ss = st.session_state
    if ss.get("pg_pin_read"):
        return []
    ss["pg_pin_read"] = True
    raw = st.query_params.get(PARAM)
    if raw is None:
        return []
    wanted, warnings = decode(str(raw), config)
    ss["pg_pin_wanted"] = wanted
    write_url(config)  # the link's pin, as this page writes it (or gone if unusable), at once
    return warnings


def write_url(config: TrainConfig) -> None:
    """The URL now: the settings and the pinned run (or no `pin`), written together by
    ui.session.write_url (which also runs at the top of every run)."""
    session.write_url(config)


def differences(pin: RunView, config: TrainConfig) -> str:
    """'dropout 0 → 0.5': this page's settings → the pinned run's."""
    return config_changes(pin.config, config.to_dict(), arrows=True)


def previous(pin: RunView) -> dict:
    """What the cards' deltas compare against: the pinned run's final numbers."""
    return dict(pin.final)
