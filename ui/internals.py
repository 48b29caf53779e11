"""Every use of Streamlit's internals (names outside its public `st.*` API), in one place.

Written against Streamlit 1.67.0 (requirements.txt pins streamlit>=1.67,<2); a new release may
move or change any of these, so each is used only here, says why the public API does not do,
and degrades to the plain behaviour where it can. After upgrading Streamlit, run the
real-server tests, which exercise them: tests/e2e/test_sweep_browser.py (a sweep's threads and
its runs in the Playground's cache), tests/e2e/test_playground_browser.py (Stop and a slider
move interrupting a live run), tests/e2e/test_fresh_server.py (the legacy pages guard).

- `get_script_run_ctx` / `add_script_run_ctx` (streamlit.runtime.scriptrunner_utils): a sweep
  on the server's workers dispatches its runs from threads of its own; `st.*` calls made there
  (the run cache, ui.live) need the session's script-run context attached to the thread.
- `Runtime.instance().is_active_session` (streamlit.runtime): those threads ask whether the
  session that started the sweep is still open, so that a closed tab's sweep stops queueing
  runs. Streamlit has no public "is this session alive".
- `StopException` (by name: streamlit.runtime.scriptrunner_utils.exceptions): `st.stop()` and
  the Stop button end a script by raising it; the live loop keeps a run stopped that way.
- Session-state access as a yield point (SafeSessionState calls the script runner's
  `_maybe_handle_execution_control_request` on every access): a script waiting on a training
  worker learns there, by a RerunException or StopException, that a widget changed.
- `PagesManager.uses_pages_directory` (streamlit.runtime.pages_manager): the flag of the old
  multipage mode, cleared by ui.legacy_pages (its docstring tells why).
- A chart redrawn in place (`draw_in_place`, for ui/canvas.py): the live loop redraws each
  chart several times in one script run. Its component keeps the chart only if every redraw
  has the same element ID (its key), but Streamlit refuses a key twice in one run
  (StreamlitDuplicateElementKey), and a component returns no handle to redraw through (an
  st.empty() placeholder would replace the chart at the start of every run: a re-mount). So
  the key is dropped from the run's register of keys (`ScriptRunContext.shared`'s
  `widget_user_keys_this_run` / `widget_ids_this_run`) before a redraw, and the element's
  handle is made from its container's cursor (`streamlit.cursor.LockedCursor`). The public way,
  a fragment with `run_every` drawing once per fragment run, would move the live loop out of
  the script thread that owns the run's slot, its Stop and its yield points. Without these
  internals each redraw gets a fresh key: correct, but re-mounted.
- TCP_NODELAY on the server's connections (`tcp_nodelay`; a private of the standard library,
  `asyncio.base_events._set_nodelay`, not of Streamlit). Streamlit's server (uvicorn) listens on
  a socket it makes with `socket.socket(family)`, whose `proto` is 0; asyncio sets TCP_NODELAY
  only on sockets whose proto is IPPROTO_TCP, so every connection kept Nagle's algorithm on.
  uvicorn writes a response's head and body apart, and Nagle held the body until the browser's
  delayed ACK: every request after the first on a kept-alive connection took ~42 ms (a 2-byte
  /_stcore/health: 0.3 ms with it). A page open makes ~130 such requests (Streamlit's scripts,
  plotly.js) over six connections. Streamlit has no option for it; without this the page is
  correct, only slower.
"""

from __future__ import annotations

import socket
import threading
import uuid
from asyncio import base_events

import streamlit as st

_NODELAY_LOCK = threading.Lock()


def tcp_nodelay() -> None:
    """Have asyncio set TCP_NODELAY on every TCP connection it makes from now on, the server's
    included (see the module's note). Called by each script run: the first one's connections
    were accepted before it (that first page keeps the delay); once set, a no-op."""
    with _NODELAY_LOCK:
        stdlib = base_events._set_nodelay
        if getattr(stdlib, "__wrapped__", None) is not None:
            return

        def set_nodelay(sock: socket.socket) -> None:
            stdlib(sock)
            if (sock.family in (socket.AF_INET, socket.AF_INET6)
                    and sock.type == socket.SOCK_STREAM and sock.proto == 0):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        set_nodelay.__wrapped__ = stdlib
        base_events._set_nodelay = set_nodelay


def script_context() -> object | None:
    """The calling script thread's run context (None outside a script run)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return get_script_run_ctx()


def attach_context(thread: threading.Thread, ctx: object | None) -> None:
    """Give `thread` the script-run context `ctx`, so that its `st.*` calls act for ctx's
    session (without it, Streamlit warns of a missing ScriptRunContext)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import add_script_run_ctx

    add_script_run_ctx(thread, ctx)


def session_is_open(ctx: object | None) -> bool:
    """Whether the session of `ctx` is still connected. True without a runtime (an AppTest:
    the session is this process)."""
    from streamlit.runtime import Runtime

    try:
        return Runtime.instance().is_active_session(ctx.session_id)
    except Exception:  # noqa: BLE001 - no runtime (a test): the session is this process
        return True


def is_stop(exc: BaseException) -> bool:
    """Whether `exc` is Streamlit's StopException (st.stop or the Stop button), matched by name
    so that a move of the class does not break the check."""
    return type(exc).__name__ == "StopException"


def yield_point() -> None:
    """Let Streamlit interrupt this script here if a widget changed or Stop was pressed (it
    raises then): any session-state access checks for such a request."""
    _ = "_" in st.session_state


def clear_legacy_pages_flag() -> bool:
    """Clear Streamlit's process-wide legacy multipage flag; True if it was set. A Streamlit
    without it: False."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return False
    if not getattr(PagesManager, "uses_pages_directory", None):
        return False
    PagesManager.uses_pages_directory = False
    return True


def _forget_key(key: str) -> bool:
    """Drop `key` (and its element ID) from this script run's register of element keys;
    False if Streamlit's register is not where this module knows it."""
    ctx = script_context()
    if ctx is None:
        return True
    try:
        keys, ids = ctx.shared.widget_user_keys_this_run, ctx.shared.widget_ids_this_run
        with keys._lock:
            keys._data.discard(key)
        with ids._lock:
            ids._data.difference_update({i for i in ids._data if i.endswith(f"-{key}")})
    except AttributeError:
        return False
    return True


def draw_in_place(where, key: str, mount) -> object:
    """Call `mount()` (which draws one keyed element into the current `with` container) so
    that the element replaces the one `where` holds (a handle this returned) or, `where` being
    a container, is added at its end; return the element's handle. See the module's note."""
    if where is st:
        where = st.container()
    if not _forget_key(key):  # the plain behaviour: a placeholder, a fresh key each time
        place = where.empty()  # (re-mounted on every redraw, never refused)
        with place:
            mount(f"{key}-{uuid.uuid4().hex[:8]}")
        return place
    cursor = getattr(where, "_cursor", None)
    locked = cursor is not None and cursor.is_locked
    index = cursor.index if cursor is not None else None
    with where:
        mount(key)
    if locked or cursor is None:
        return where
    from streamlit.cursor import LockedCursor
    from streamlit.delta_generator import DeltaGenerator

    handle = LockedCursor(root_container=cursor.root_container,
                          parent_path=cursor.parent_path, index=index)
    return DeltaGenerator(root_container=where._root_container, cursor=handle, parent=where)
