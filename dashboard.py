"""Regularisation Lab: entrypoint. Page config, the shared sidebar controls, navigation."""

import streamlit as st

from ui import buttons, canvas, internals, lesson_mode, session, sidebar, slots, style
from ui.legacy_pages import leave_legacy_pages_mode

leave_legacy_pages_mode()  # before anything else: a pages/ folder starts Streamlit's old mode
internals.tcp_nodelay()  # the server's responses without a 40 ms wait each (ui/internals.py)
st.set_page_config(page_title="Regularisation Lab", page_icon="🧪", layout="wide",
                   initial_sidebar_state="auto")  # a phone opens with it closed
style.apply()
slots.training_slots()  # the server's training workers start now, while the page draws
session.init_session()
buttons.begin_run()  # before any widget: a press a new session had no callback for (ui/buttons)
pages = [st.Page("pages/playground.py", title="Playground", icon=":material/tune:",
                 default=True),
         st.Page("pages/lesson.py", title="Lesson", icon=":material/school:"),
         st.Page("pages/inside.py", title="Inside the network", icon=":material/neurology:"),
         st.Page("pages/sweep.py", title="Sweep", icon=":material/ssid_chart:"),
         st.Page("pages/about.py", title="Formulas & help", icon=":material/functions:")]
page = st.navigation(pages, position="top")
with st.container(horizontal=True, key="phone_nav", gap="small"):  # shown on a phone only
    for each in pages:
        st.page_link(each, width="content")
if page.url_path == "lesson":
    lesson_mode.arrive()  # the step's settings into the sidebar, before it is drawn
with st.sidebar:  # its first element: the sidebar is drawn before the main area
    canvas.preload()  # the browser fetches and parses plotly.js while the page runs
sidebar.render_sidebar()
config, error = session.current_config()
session.share_config(config, error)
if config is not None:
    session.write_url(config)
    if st.session_state["cfg_url_warnings"] and config.to_dict() == st.session_state[
            "cfg_url_values"]:
        st.warning("Some settings in the link were adjusted:  \n- "
                   + "\n- ".join(st.session_state["cfg_url_warnings"]), icon=":material/link:")

page.run()
