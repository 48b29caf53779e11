"""Playground: train live on the sidebar's config; loss split, accuracy, learning rate, regions.

Top to bottom: the settings (or why they cannot train), the preset's story and the link's
pinned run, the row of controls, the charts (the last run stays until a new one draws), then
the run: one to show at once (cached or stopped), or one trained live. The parts are
ui.playground and ui.playground_bar."""

from ui import compare, live, playground
from ui.legacy_pages import leave_legacy_pages_mode
from ui.playground_bar import control_bar

leave_legacy_pages_mode()  # a deep link run in Streamlit's old pages mode: see the module

config = playground.settings()
playground.header(config)
data, digest = playground.data(config)
key = live.run_key(config, digest)
playground.pinned_from_link(config, data, digest)
view = playground.ready_view(key)
earlier = playground.trained_earlier(view, key)
bar = control_bar(key, config, finished=view is not None)
charts = playground.place_charts(config, key, digest, view, bar.pin)
if view is None:
    view = playground.train(config, data, key, bar, charts)
if view is not None:
    playground.show_run(view, key, digest, charts, earlier=earlier)
compare.write_url(config)
