"""Regularisation Lab: entrypoint. Page config, the shared sidebar controls, navigation."""

import streamlit as st

from ui import session, sidebar, slots

st.set_page_config(page_title="Regularisation Lab", page_icon=":material/science:", layout="wide",
                   initial_sidebar_state="expanded")
slots.training_slots()  # the server's training workers start now, while the page draws
session.init_session()
sidebar.render_sidebar()
config, error = session.current_config()
st.session_state["cfg_config"], st.session_state["cfg_error"] = config, error
if config is not None:
    session.write_url(config)
    if st.session_state["cfg_url_warnings"] and config.to_dict() == st.session_state[
            "cfg_url_values"]:
        st.warning("Some settings in the link were adjusted:  \n- "
                   + "\n- ".join(st.session_state["cfg_url_warnings"]), icon=":material/link:")

# The page scripts live in app_pages/, not pages/: with a pages/ folder beside the entrypoint,
# Streamlit 1.67 runs the first session of a fresh server in its legacy multipage mode, and that
# session's widgets fall back to their minimum values on the first interaction.
pages = [st.Page("app_pages/playground.py", title="Playground", icon=":material/tune:",
                 default=True),
         st.Page("app_pages/about.py", title="Formulas & help", icon=":material/functions:")]
page = st.navigation(pages, position="top")
page.run()
