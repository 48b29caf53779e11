"""Lesson: the Playground in lesson mode (ui.lesson_mode): a guided path through the notes,
one step a link (?step=N), the step's settings applied on arrival, its text, formula and
question beside the live charts, Back and Next above them."""

from ui import lesson_mode, playground
from ui.legacy_pages import leave_legacy_pages_mode

leave_legacy_pages_mode()  # a deep link run in Streamlit's old pages mode: see the module

playground.run_page(lesson_mode.Lesson())
