"""Buttons whose on_click is never lost: every `st.button` with a callback goes through button().

Why: a page left open while the server restarts reconnects to a *new* session. Streamlit calls
a widget's callback only if the session registered it in an earlier script run; the new
session has run no script yet, so the press that starts its first run fires no callback,
although `st.button(...)` returns True in that run. Every button here acts through its
callback, so that first press did nothing (the second one worked): a "Run sweep" or a "Pin"
silently lost.

button() wraps the callback so that it notes (in session state) that it ran. When the button
returns True but its callback did not run before this script run, button() queues the
callback and reruns the script (`st.rerun()`); begin_run(), called by dashboard.py before any
widget is drawn, calls it at the start of that rerun. The page then renders as if Streamlit
had called the callback before the script, as it does for every other press. (Calling the
callback at the button instead would be too late: many set widgets' values in session state,
which Streamlit forbids once those widgets are drawn in the run.)
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

RAN_KEY = "btn_ran"          # keys of buttons whose callback ran since the last run began
RAN_NOW_KEY = "btn_ran_now"  # ... before this run (begin_run moves them here)
PENDING_KEY = "btn_pending"  # (key, callback, args, kwargs) to call at the next run's start


def must_call(clicked: bool, callback_ran: bool) -> bool:
    """Whether button() calls the callback itself: pressed, but Streamlit did not call it."""
    return clicked and not callback_ran


def _wrap(key: str, on_click: Callable) -> Callable:
    def callback(*args, **kwargs) -> None:
        st.session_state.setdefault(RAN_KEY, set()).add(key)
        on_click(*args, **kwargs)
    return callback


def begin_run() -> None:
    """At the top of the script, before any widget is drawn (dashboard.py): note which
    callbacks Streamlit called before this run, then call the one button() queued (if any),
    where Streamlit would have called it."""
    ss = st.session_state
    ran = ss[RAN_NOW_KEY] = ss.pop(RAN_KEY, set())  # (older flags are dropped: never stale)
    pending = ss.pop(PENDING_KEY, None)
    if pending is not None:
        key, on_click, args, kwargs = pending
        ran.add(key)
        on_click(*args, **kwargs)


def button(where, label: str, *, key: str, on_click: Callable, args: tuple = (),
           kwargs: dict | None = None, **options) -> bool:
    """`where.button(label, key=key, on_click=on_click, args=args, **options)` (`where`: st or
    a container), whose callback also runs for a press the session had no callback for yet
    (see the module). Returns what `where.button` returned."""
    ss = st.session_state
    clicked = where.button(label, key=key, on_click=_wrap(key, on_click), args=args,
                           kwargs=kwargs, **options)
    # begin_run() moved this run's flags; a script without it (a page run alone) finds them
    # where the callback put them
    callback_ran = key in ss.get(RAN_NOW_KEY, ()) or key in ss.get(RAN_KEY, ())
    if must_call(clicked, callback_ran):
        ss[PENDING_KEY] = (key, on_click, tuple(args), dict(kwargs or {}))
        st.rerun()
    return clicked
