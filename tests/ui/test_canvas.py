"""The chart component (ui/canvas.py): plotly.js served from this repository, a chart redrawn
in place under one key, strict JSON."""

import hashlib
import json
import math
import re
from pathlib import Path

import tomllib
from plotly.offline import get_plotlyjs_version
from streamlit.testing.v1 import AppTest

from ui import canvas

ROOT = Path(__file__).resolve().parents[2]
JS = (ROOT / "static" / canvas.CHART_JS).read_text()


def test_plotly_js_is_served_by_this_app_in_the_version_plotly_writes_for():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableStaticServing"] is True
    served = (ROOT / "static" / canvas.PLOTLY_JS).read_bytes()
    head = served[:200].decode()
    assert re.search(r"plotly\.js \(lab: scatter, bar, image - minified\) v([\d.]+)",
                     head).group(1) == \
        canvas.PLOTLY_JS_VERSION == get_plotlyjs_version()
    assert "MIT" in (ROOT / "static" / "LICENSE-plotly.js.txt").read_text()


def test_every_trace_type_the_charts_draw_is_in_the_served_bundle():
    """The bundle's trace types (tools/plotly-bundle/entry.js) cover every figure the pages
    draw, and the build asks for the version the plotly package writes for."""
    from tests.ui.test_figures import _every_chart
    from tests.ui.test_regions_chart import _every_figure

    used = set()
    for fig in [*_every_chart().values(), *_every_figure().values()]:
        used |= {t.get("type", "scatter") for t in fig["data"]}
    assert used and used <= set(canvas.PLOTLY_JS_TRACES), used
    served = (ROOT / "static" / canvas.PLOTLY_JS).read_text()
    for trace in canvas.PLOTLY_JS_TRACES:  # the bundle registers each (its moduleType)
        assert f'name:"{trace}"' in served or f"name:'{trace}'" in served, trace
    build = ROOT / "tools" / "plotly-bundle"
    package = json.loads((build / "package.json").read_text())
    assert package["dependencies"]["plotly.js"] == canvas.PLOTLY_JS_VERSION
    entry = (build / "entry.js").read_text()
    registered = set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry))
    assert registered == {"core", *canvas.PLOTLY_JS_TRACES} - {"scatter"}  # (scatter: in core)


def test_the_component_asks_no_other_server_and_writes_text_not_markup():
    for code in (JS, canvas.stub()):
        assert "http" not in code and "innerHTML" not in code
        assert "insertAdjacentHTML" not in code and "eval(" not in code
    assert "textContent" in JS
    assert canvas._src().startswith(f"/app/static/{canvas.PLOTLY_JS}?v=")


def test_the_components_script_is_small_and_its_module_is_served_under_its_hash():
    """Streamlit sends the component's script with every chart it draws: only a stub that
    imports static/lab-chart.js, whose address changes with its content (no stale copy)."""
    stub = canvas.stub()
    assert len(stub.encode()) < 2_000, len(stub)  # (the module: 13 kB)
    assert f"/app/static/{canvas.CHART_JS}?v={canvas.CHART_JS_VERSION}" in stub
    assert canvas._src() in stub  # plotly.js is asked for while the module loads
    digest = hashlib.sha256((ROOT / "static" / canvas.CHART_JS).read_bytes()).hexdigest()
    assert canvas.CHART_JS_VERSION == digest[:10], (
        f"static/{canvas.CHART_JS} changed: set CHART_JS_VERSION = {digest[:10]!r}")
    assert "export default function" in JS


def _app() -> AppTest:
    def script():
        import math

        import streamlit as st

        from ui import canvas

        box = st.container()
        handle = box
        for i in range(3):  # a live loop: the same chart three times in one script run
            handle = canvas.draw(handle, {"data": [{"type": "bar", "y": [i, math.nan]}],
                                          "layout": {"height": 200}},
                                 key="chart_a", alt="A chart", revision="r")
        canvas.draw(st.container(), {"data": [], "layout": {"height": 100}}, key="chart_b")

    return AppTest.from_function(script, default_timeout=30)


def test_a_chart_redrawn_in_one_script_run_is_one_element_updated_in_place():
    at = _app().run()
    assert not at.exception, at.exception
    elements = [e for e in at.get("bidi_component")]
    assert [e.proto.id.split("-", 2)[2] for e in elements] == ["chart_a", "chart_b"]
    data = json.loads(json.loads(elements[0].proto.json))
    assert data["figure"]["data"] == [{"type": "bar", "y": [2, None]}]  # the last, NaN as null
    assert data["figure"]["layout"] == {"height": 200, "uirevision": "r"}
    assert data["alt"] == "A chart" and data["filename"] == "regularisation-lab-chart_a"
    at.run()  # and again in the next script run, under the same key
    assert not at.exception, at.exception
    assert len(at.get("bidi_component")) == 2


def test_json_is_strict():
    text = canvas._json({"a": [1.0, math.inf, {"b": -math.inf}], "c": math.nan})
    assert json.loads(text) == {"a": [1.0, None, {"b": None}], "c": None}
    assert "NaN" not in text and "Infinity" not in text


def test_without_the_internals_a_chart_is_still_redrawn_in_place_not_appended(monkeypatch):
    """If a Streamlit release moves the register of keys, ui.internals falls back to a
    placeholder and a fresh key per draw: re-mounted, but one chart, never an error."""
    from ui import internals

    monkeypatch.setattr(internals, "_forget_key", lambda key: False)
    at = _app().run()
    assert not at.exception, at.exception
    keys = [e.proto.id.split("-", 2)[2] for e in at.get("bidi_component")]
    assert len(keys) == 2 and keys[0].startswith("chart_a-") and keys[1].startswith("chart_b-")


def test_each_new_figure_of_a_chart_is_numbered_after_the_last_and_a_repeat_keeps_its_number():
    """ui/canvas.py _sequence: the component ignores a figure numbered before the one it has
    (Streamlit can hand them over out of order while the component's code loads)."""

    def script():
        import streamlit as st

        from ui import canvas

        height = st.session_state.get("height", 100)
        canvas.draw(st.container(), {"data": [], "layout": {"height": height}}, key="chart_a")

    def seq(at):
        (element,) = at.get("bidi_component")
        return json.loads(json.loads(element.proto.json))["seq"]

    at = AppTest.from_function(script, default_timeout=30).run()
    first = seq(at)
    assert seq(at.run()) == first  # the same figure: the same number (no redraw)
    at.session_state["height"] = 120
    second = seq(at.run())
    assert second[0] == first[0] and second[1] > first[1]
