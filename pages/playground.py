"""Playground: train live on the sidebar's config; loss split, accuracy, learning rate, regions.

Top to bottom: the settings (or why they cannot train), the preset's story and the link's
pinned run, the row of controls, the charts (the last run stays until a new one draws), then
the run: one to show at once (cached or stopped), or one trained live. The parts are
ui.playground (run_page) and ui.playground_bar; the Lesson page is the same page in lesson
mode (ui.lesson_mode)."""

from ui import playground
from ui.legacy_pages import leave_legacy_pages_mode

leave_legacy_pages_mode()  # a deep link run in Streamlit's old pages mode: see the module

playground.run_page()
