"""The Playground's seven charts of one preset's run and nothing else: the floor under a link's
page-open time (`python -m benchmarks.bench_charts_browser --floor`). Served as dashboard.py
from a directory that links this checkout's packages (bench_charts_browser.charts_only_root);
the charts are the real page's (ui.panels.encoded_charts, in its columns), the run trained in
the server's workers once and then taken from their cache, as a link's is."""

import streamlit as st

from nncore import PRESETS
from ui import canvas, internals, live, panels, session, slots, style

internals.tcp_nodelay()
st.set_page_config(page_title="Charts only", layout="wide")
style.apply()
slots.training_slots()
session.init_session()
with st.sidebar:
    canvas.preload()
config = PRESETS[st.query_params.get("preset", "overfit-l2")]
key = live.run_key(config)
view = live.cached(key) or live.train_live(config, None, key, lambda view, progress: None)
opts = {"show_train": True, "show_val": True, "log_loss": False, "ref": None, "at": None,
        "revision": key, "pinned_revision": None}
encoded = panels.encoded_charts(view, opts)


def draw(where, name: str) -> None:
    canvas.draw_encoded(where, encoded[name], key=panels.CHART_KEY.format(name))


left, right = st.columns(panels.COLUMNS)  # as ui/panels.py place() lays them out
for where, name in ((left, "regions"), (right, "loss"), (right, "reg"), (left, "accuracy"),
                    (right, "network")):
    draw(where, name)
low_left, low_right = st.columns(2)
draw(low_left, "lr")
draw(low_right, "weights")
