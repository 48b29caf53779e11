"""Drawing a figure (ui.charts) into the page: the one place that puts a chart on screen.

A figure goes through one small custom component (`st.components.v2`, no iframe; its code:
static/lab-chart.js) that keeps its div and calls `Plotly.react` with each new figure. Why not
`st.plotly_chart`: it keys its element by a hash of the figure, and Streamlit's frontend
re-mounts a chart whose key changed, so every live redraw blanked the chart and lost its zoom
(docs/DECISIONS.md, "Charts on Plotly"). Here the element's identity is the chart's `key`, the
same on every redraw and every rerun: the browser updates the chart it has.

plotly.js comes from the app's own server (`static/`, kept in the repository and served by
Streamlit's static file serving): classrooms are often offline, and no request of a page
leaves its server.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import time

import streamlit as st

from . import internals

# plotly.js with only the trace types the charts use (built by tools/plotly-bundle from npm
# plotly.js, MIT: static/LICENSE-...; tests/ui/test_canvas.py checks every figure's types are
# in it): the browser loads and runs it in ~0.20 s on this machine, the published "cartesian"
# bundle in ~0.49 s and the plotly package's full one in ~0.67 s, all between a link opening
# and its charts.
PLOTLY_JS = "plotly-lab.min.js"  # in static/, served at /app/static/
PLOTLY_JS_VERSION = "4.1.1"   # the version the plotly package writes its figures for
PLOTLY_JS_TRACES = ("bar", "image", "scatter")

# The component's code, a module in static/ (served like plotly.js). Its version is the start of
# the file's SHA-256 (tests/ui/test_canvas.py): a changed file is a new address, never a stale
# copy from a browser's cache.
CHART_JS = "lab-chart.js"
CHART_JS_VERSION = "62492a3776"

# The component's own script: Streamlit sends it with every element drawn (seven charts,
# several times a second while a run trains), so it is only this: import the module once per
# page (asking for plotly.js meanwhile) and hand it each chart. If the module does not load,
# each chart says so in its place and the import is tried again every 5 s (and with the next
# chart drawn); the charts waiting are drawn when it loads.
STUB = """
const MODULE = MODULE_URL, PLOTLY = PLOTLY_URL;
const lab = window.__labStub || (window.__labStub = { tries: 0, waiting: [], timer: null });
function load() {
  if (!lab.module) {
    const hint = document.createElement("link");
    Object.assign(hint, { rel: "preload", as: "script", href: PLOTLY });
    document.head.appendChild(hint);
    // (a failed import is kept by the browser: a new try asks at a new address)
    const url = new URL(MODULE + (lab.tries++ ? `&try=${lab.tries}` : ""), location.origin);
    lab.module = import(url.href).catch((err) => { lab.module = null; throw err; });
  }
  return lab.module;
}
function draw(m, component) {
  const box = component.parentElement;
  if (box) box.querySelector(".lab-failed")?.remove();
  return m.default(component);
}
function failed(component, err) {  // said in the chart's place; tried again every 5 s
  const box = component.parentElement;
  lab.waiting.push(component);
  if (box && !box.querySelector(".lab-chart, .lab-failed")) {
    box.dataset.error = String(err);
    const note = document.createElement("div");
    note.className = "lab-failed";
    note.textContent = "This chart could not be loaded from the server: trying again.";
    box.append(note);
  }
  later();
}
function later() {
  lab.timer = lab.timer || setTimeout(() => {
    lab.timer = null;
    load().then(wake).catch(later);
  }, 5000);
}
function wake(m) {
  const waiting = lab.waiting.splice(0);
  for (const c of waiting) if (c.parentElement && c.parentElement.isConnected) draw(m, c);
}
export default function (component) {
  const done = load().then((m) => { const cleanup = draw(m, component); wake(m); return cleanup; })
    .catch((err) => failed(component, err));
  return () => { done.then((cleanup) => cleanup && cleanup()); };
}
"""


def _static(name: str, version: str) -> str:
    """The address of a file in static/ (Streamlit's static file serving, under the server's
    base path)."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/app/static/{name}?v={version}"


def _src() -> str:
    return _static(PLOTLY_JS, PLOTLY_JS_VERSION)


def stub() -> str:
    """STUB as sent: without its comments and indents (the bytes go with every chart drawn),
    the addresses filled in."""
    lines = (re.sub(r"\s+//.*$|^//.*$", "", line).strip() for line in STUB.splitlines())
    return ("\n".join(line for line in lines if line)
            .replace("MODULE_URL", json.dumps(_static(CHART_JS, CHART_JS_VERSION)))
            .replace("PLOTLY_URL", json.dumps(_src())))


# isolate_styles=False: plotly.js puts its own style sheet (the toolbar, the hover labels) into
# the document's head, which a shadow root would keep from the chart.
_mount = st.components.v2.component("lab_chart", js=stub(), isolate_styles=False)


def _json(payload: dict) -> str:
    """`payload` as compact JSON text (the component parses it): strict, because a NaN that
    JSON cannot carry would fail the chart in the browser; a figure builder's stray NaN or
    infinity (ui.charts writes None) becomes null here rather than a broken chart."""
    try:
        return json.dumps(payload, allow_nan=False, separators=(",", ":"))
    except ValueError:
        return json.dumps(_finite(payload), allow_nan=False, separators=(",", ":"))


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


# The order a chart's figures were drawn in, sent with each: [this server process, ns]. While a
# page's component code loads, Streamlit's frontend can hand a chart its figures out of order
# (its data-change effects each await the code's import): a fresh link's loss chart got the
# final run and then the empty one drawn before it, and kept the empty one (2 of 40 and 5 of 20
# fresh links in two loops; a fast run's end). The component keeps the newest and ignores an
# older one. The same figure keeps its number (unchanged data: Streamlit's frontend does not
# call the component again, no redraw).
_PROCESS = secrets.token_hex(4)  # a restarted server's numbers are not compared with the last's
SEQ_STATE = "lab_chart_seq"  # session state: {chart key: (figure's digest, its seq)}


def _sequence(key: str, text: str) -> list:
    drawn = st.session_state.setdefault(SEQ_STATE, {})
    digest = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
    last = drawn.get(key)
    if last is not None and last[0] == digest:
        return last[1]
    seq = [_PROCESS, time.monotonic_ns()]
    drawn[key] = (digest, seq)
    return seq


PRELOAD_KEY = "lab_plotly_preload"


def preload() -> None:
    """Start loading plotly.js as soon as this (hidden, ui/style.py) element mounts: drawn
    first in the sidebar, so that plotly.js is fetched while the rest of the page arrives."""
    with st.container(key=PRELOAD_KEY):
        _mount(key=f"{PRELOAD_KEY}_js", data={"preload": _src()}, height="content")


def draw(where, figure: dict, *, key: str, alt: str | None = None,
         revision: str | None = None, filename: str | None = None):
    """Draw `figure` as wide as `where` (a column or container, or the handle this returned
    before: redrawn in place, in this script run or the next) and return the element's handle.
    `key`: the chart's identity, one per chart of a page. `alt`: its accessible name.
    `revision`: what the zoom and the hidden legend entries belong to (Plotly's uirevision):
    kept while it stays the same (a retrain of the same run), reset when it changes. `filename`:
    of the toolbar's PNG download (default: the key)."""
    return draw_encoded(where, encode(figure, key=key, alt=alt, revision=revision,
                                      filename=filename), key=key)


def encode(figure: dict, *, key: str, alt: str | None = None, revision: str | None = None,
           filename: str | None = None) -> str:
    """What draw() sends for `figure` (its arguments as there), as JSON text: the same for
    every session, so that a page may keep it for the next (ui/panels.py encoded_charts)."""
    layout = dict(figure.get("layout", {}))
    layout["uirevision"] = revision if revision is not None else key
    return _json({"figure": {"data": figure.get("data", []), "layout": layout}, "alt": alt or "",
                  "src": _src(), "filename": filename or f"regularisation-lab-{key}"})


def draw_encoded(where, text: str, *, key: str):
    """draw() of a figure encode() made (with the same `key`)."""
    # (added to the object's text, not encoded again: a figure is up to ~75 kB of JSON)
    data = f'{text[:-1]},"seq":{json.dumps(_sequence(key, text))}}}'

    def mount(element_key: str) -> None:
        _mount(key=element_key, data=data, height="content")

    return internals.draw_in_place(where, key, mount)
