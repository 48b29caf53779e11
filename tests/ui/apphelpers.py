"""AppTest helpers: the dashboard with few epochs so that each rerun is quick."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120  # seconds per script run; CI machines can be slow


def make_app(**params: str) -> AppTest:
    """A fresh AppTest session of dashboard.py opened with `params` in the URL."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def open_group(at: AppTest, group: str) -> AppTest:
    """Open the sidebar's `group` expander as a reader does (a rerun: its controls are drawn
    only while it is open, ui/sidebar.py)."""
    from ui.sidebar import group_key

    at.session_state[group_key(group)] = True
    return at.run()


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


SMALL = {"samples": "30", "epochs": "201", "hidden": "16"}  # a sweep's runs in a blink


def sweep_page(check: bool = True, **params: str) -> AppTest:
    """The Sweep page of a fresh session opened with SMALL and `params` in the URL."""
    at = make_app(**{**SMALL, **params})
    at.run()
    at.switch_page("pages/sweep.py")
    at.run()
    if check:
        no_errors(at)
    return at


def charts(at: AppTest) -> dict[str, dict]:
    """The charts on the page (ui/canvas.py's component), by key: {"figure", "alt", ...}."""
    import json

    out = {}
    for element in at.get("bidi_component"):
        proto = element.proto
        if proto.component_name.endswith("lab_chart"):
            data = json.loads(proto.json)
            data = json.loads(data) if isinstance(data, str) else data  # (a chart's: text)
            if "figure" in data:  # (not the element that preloads plotly.js)
                out[proto.id.split("-", 2)[2]] = data
    return out
