"""Session state: one guarded initialisation (defaults, then the URL), widget values <-> config
values, and writing the config back to the URL. Everything lives in st.session_state."""

from __future__ import annotations

import dataclasses

import streamlit as st

from nncore import FIELD_SPECS, MAX_HIDDEN_LAYERS, PRESETS, TWO_CLASS_DATASETS, TrainConfig

from . import urlstate
from .fields import BY_FIELD, LIMITS, layer_key, widget_key
from .scales import NEURONS_GRID
from .text import literal

NO_PRESET = "—"
PRESET_PARAM = "preset"  # `?preset=NAME` in a link: start from that preset
PIN_PARAM = "pin"  # `?pin=FIELD:VALUE;...`: the Playground's pinned run (ui.compare)
DEFAULTS = TrainConfig().to_dict()
# Every widget keeps its value for the whole session, also while it is not drawn (the fields of
# another optimiser, the classes of moons/XOR, the Playground's toggles on another page).
# Streamlit's own persistence, not values re-assigned to the widgets' keys on every run: those
# count as set by the app, are sent back to the browser, and overwrote a slider press made
# while the run was on its way (1 press of 9 lost in 2 of 4 tries on a loaded server).
PERSIST = "session"
PAGE_TOGGLES = {"pg_show_train": True, "pg_show_val": True, "pg_log_loss": False}
PAGE_STATE = {"pg_log": (), "pg_result": None, "pg_stopped_key": None, "pg_force": None,
              "pg_running": None, "pg_warm": False, "pg_pin": None, "pg_pin_wanted": None,
              "pg_pin_read": False, "pg_replay_for": None, "pg_playing": False}


def defaults() -> dict:
    return dict(DEFAULTS)


def values_to_widgets(values: dict) -> None:
    """Write config values into the widgets' session-state keys (before widgets are drawn)."""
    ss = st.session_state
    for name, value in values.items():
        if name == "hidden":
            sizes = list(value)
            ss["cfg_layers"] = len(sizes)
            for i in range(MAX_HIDDEN_LAYERS):
                ss[layer_key(i)] = sizes[i] if i < len(sizes) else sizes[-1]
        elif name in BY_FIELD:
            ss[widget_key(name)] = value


def widgets_to_values() -> dict:
    """Config values from the widgets' session state (classes forced to 2 for moons and XOR)."""
    ss = st.session_state
    values = {name: ss[widget_key(name)] for name in BY_FIELD}
    values["hidden"] = [int(ss[layer_key(i)]) for i in range(int(ss["cfg_layers"]))]
    if values["dataset"] in TWO_CLASS_DATASETS:
        values["classes"] = 2
    return values


def _url_preset(warnings: list[str]) -> str:
    """The preset a link names (`?preset=NAME`), or NO_PRESET (with a warning if unknown)."""
    raw = st.query_params.to_dict().get(PRESET_PARAM)
    if raw is None:
        return NO_PRESET
    name = str(raw).strip()
    if name in PRESETS:
        return name
    warnings.append(f"{literal(f'{PRESET_PARAM}={name}', limit=30)} in the link is not a "
                    f"preset (allowed: {', '.join(PRESETS)}); using the defaults.")
    return NO_PRESET


def base_values(preset: str) -> dict:
    """What a field missing from a link means: the named preset's value, or the default."""
    return PRESETS[preset].to_dict() if preset in PRESETS else defaults()


def _url_values(warnings: list[str], base: dict) -> dict:
    """`base` overlaid with what the URL says; invalid combinations fall back field by field."""
    found, url_warnings = urlstate.decode(st.query_params.to_dict(), FIELD_SPECS, LIMITS)
    warnings.extend(url_warnings)
    values = {**base, **found}
    if values["dataset"] in TWO_CLASS_DATASETS:
        values["classes"] = 2
    for _ in range(len(FIELD_SPECS)):
        try:
            return TrainConfig.from_dict(values).to_dict()
        except ValueError as exc:
            field = getattr(exc, "field", None)  # (a ConfigError's; none for unknown keys)
            if field not in values or values[field] == base.get(field):
                break
            warnings.append(f"The link's {field} does not fit ({exc}); using the default.")
            values[field] = base[field]
    warnings.append("The link's settings cannot be trained together; using the defaults.")
    return defaults()


def init_session() -> None:
    """Set every session key once per session: config from the URL over the defaults."""
    ss = st.session_state
    if ss.get("cfg_ready"):
        return
    warnings: list[str] = []
    preset = _url_preset(warnings)
    if len(st.query_params):
        values = _url_values(warnings, base_values(preset))
    else:
        values = defaults()
        # The address bar shows what the page shows. (Streamlit 1.67 drops a query string of
        # over 1,000 parameters or 512 KiB before the app sees it, so such a link opens the
        # defaults, and the app cannot tell it had any: this at least clears them.)
        st.query_params.clear()
    values_to_widgets(values)
    for i in range(MAX_HIDDEN_LAYERS):
        ss.setdefault(layer_key(i), 64)
    ss["cfg_preset"] = preset
    ss["cfg_url_warnings"] = warnings
    ss["cfg_url_values"] = values
    ss["cfg_last_good"] = values
    ss["cfg_csv"] = None          # {"name", "digest", "X", "y"} of the last good upload
    ss["cfg_csv_error"] = None
    ss["cfg_csv_seen"] = None     # file id of the last upload we parsed
    for key, value in {**PAGE_TOGGLES, **PAGE_STATE}.items():
        ss[key] = list(value) if isinstance(value, tuple) else value
    ss["cfg_ready"] = True


def current_config() -> tuple[TrainConfig | None, str | None]:
    """(config, None) from the widgets, or (None, error message) if the combination is invalid."""
    values = widgets_to_values()
    try:
        config = TrainConfig.from_dict(values)
    except ValueError as exc:
        return None, str(exc)
    st.session_state["cfg_last_good"] = config.to_dict()
    return config, None


# The sidebar's config of this run (None if its settings cannot be trained) and why not: set by
# dashboard.py once per run, read by every page through sidebar_config().
CONFIG_KEY, CONFIG_ERROR_KEY = "cfg_config", "cfg_error"


def share_config(config: TrainConfig | None, error: str | None) -> None:
    st.session_state[CONFIG_KEY], st.session_state[CONFIG_ERROR_KEY] = config, error


def sidebar_config() -> tuple[TrainConfig | None, str | None]:
    """(config, None), or (None, why these settings cannot be trained)."""
    return st.session_state.get(CONFIG_KEY), st.session_state.get(CONFIG_ERROR_KEY)


def _pinned_values() -> dict | None:
    """The pinned run's config values: the run pinned, or the link's pin that the Playground
    is still training (ui.playground.pinned_from_link); None if nothing is pinned."""
    ss = st.session_state
    if ss.get("pg_pin") is not None:
        return ss["pg_pin"]["view"].config
    wanted = ss.get("pg_pin_wanted")
    return None if wanted is None else wanted.to_dict()


def _url_keys() -> set[str]:
    """The params write_url owns. Not the pin until the Playground has read the link's own
    (ui.compare.from_link): a session opened on another page keeps it for the Playground."""
    keys = {*FIELD_SPECS, PRESET_PARAM}
    return (keys | {PIN_PARAM}) if st.session_state.get("pg_pin_read") else keys


def write_url(config: TrainConfig) -> None:
    """Put the selected preset, the fields that differ from it (or, without a preset, from the
    defaults) and the pinned run (its fields that differ from `config`) in the URL; only when
    they changed: each write is a message.

    Settings and pin are written together, at the top of each run (dashboard.py, before the
    page): the pin is told against these settings, so the two must change at once. Written at
    the page's end, after its charts and a live run of seconds, the address bar lagged: no pin
    while Unpin already showed, `pin=same` beside a setting moved since (another run), and a
    pin that the next press's run (sent with the old URL) could not see to remove."""
    preset = st.session_state.get("cfg_preset", NO_PRESET)
    wanted = urlstate.encode(config.to_dict(), FIELD_SPECS, base_values(preset))
    if preset in PRESETS:
        wanted = {PRESET_PARAM: preset, **wanted}
    keys, pinned = _url_keys(), _pinned_values()
    if PIN_PARAM in keys and pinned is not None:
        wanted[PIN_PARAM] = urlstate.encode_pin(pinned, FIELD_SPECS, config.to_dict())
    current = {k: v for k, v in st.query_params.to_dict().items() if k in keys}
    if current != wanted:
        for key in set(current) - set(wanted):
            del st.query_params[key]
        st.query_params.update(wanted)


def load_preset() -> None:
    """on_change of the preset select: copy the preset's values into the widgets."""
    name = st.session_state["cfg_preset"]
    if name in PRESETS:
        values_to_widgets(PRESETS[name].to_dict())


def reset_to_defaults() -> None:
    """on_click of Reset: every control back to TrainConfig() and no preset."""
    values_to_widgets(defaults())
    st.session_state["cfg_preset"] = NO_PRESET


def changed_fields(config: TrainConfig, base: TrainConfig) -> list[str]:
    """Fields in which `config` differs from `base` (a preset's, or a lesson step's)."""
    return [f.name for f in dataclasses.fields(config)
            if getattr(config, f.name) != getattr(base, f.name)]


def preset_changes(config: TrainConfig, name: str) -> list[str]:
    """Fields in which `config` differs from preset `name` (empty if unchanged or no preset)."""
    return changed_fields(config, PRESETS[name]) if name in PRESETS else []


def neurons_options(value: int) -> list[int]:
    return sorted(set(NEURONS_GRID) | {int(value)})
