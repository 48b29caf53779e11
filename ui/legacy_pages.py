"""Leave Streamlit's legacy multipage mode, which a `pages/` folder switches on for a server.

Streamlit (seen in 1.67) sets the process-wide class attribute
`PagesManager.uses_pages_directory` when its first session starts and a `pages/` folder sits
beside the entrypoint. While it is set, `ScriptRunner._run_script` takes its old (`_mpa_v1`)
path: dashboard.py runs as a page under another script hash, or a deep link such as `/about`
runs that page's file on its own with the legacy page list. `st.navigation` then clears the
attribute, and on the next run every widget ID (the active script hash is part of it) changes:
the first session's first interaction loses its values (a `?preset=` link lost its preset).
AppTest resets the attribute before every run, so only a real server shows this.

The guard below runs first in the entrypoint and in every page: if the attribute is set, it
clears it and reruns, so the script runs under `st.navigation` from the start. The attribute
is read with getattr (ui.internals): a Streamlit without it skips the guard.
"""

from __future__ import annotations

import streamlit as st

from .internals import clear_legacy_pages_flag


def leave_legacy_pages_mode() -> None:
    """Clear Streamlit's legacy-pages flag and rerun the script if it is set (see module)."""
    if clear_legacy_pages_flag():
        st.rerun()
