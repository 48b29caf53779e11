"""A minimal client of Streamlit's own websocket protocol: one "student" without a browser.

A browser session is a websocket to `/_stcore/stream` carrying protobuf messages: the client
sends a `BackMsg` asking for a script run (with the page's query string) and the server streams
`ForwardMsg`s back (deltas that create or replace elements, then `script_finished`). This client
sends exactly that first request and reads the progress line's text from the deltas, so a load
test can open many sessions at the cost of the server alone: in a classroom each student's
browser runs on the student's own machine, not on the server's cores.

Uses `websockets` and `streamlit.proto`, both installed with streamlit. Loopback use only.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

DONE = re.compile(r"(Completed|Diverged|Stopped): .*fingerprint (\w+)")
WAITING = "Waiting for a free training slot"


@dataclass
class WsRun:
    """What one session saw of its first script run."""

    progress: list[tuple[float, str]] = field(default_factory=list)  # (seconds, text)
    finished: bool = False          # the server sent script_finished (not for a rerun)
    exception: str = ""             # text of an st.exception element, if any

    @property
    def done(self) -> re.Match | None:
        for _, text in reversed(self.progress):
            match = DONE.search(text)
            if match:
                return match
        return None

    @property
    def done_s(self) -> float | None:
        for seconds, text in self.progress:
            if DONE.search(text):
                return seconds
        return None

    @property
    def waited(self) -> bool:
        return any(WAITING in text for _, text in self.progress)


def stream_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"


def rerun_request(query_string: str = "") -> bytes:
    """The BackMsg a browser sends when it opens the page at `?<query_string>`."""
    msg = BackMsg()
    msg.rerun_script.query_string = query_string
    msg.rerun_script.page_script_hash = ""
    return msg.SerializeToString()


def _record(raw: bytes, run: WsRun, started: float) -> None:
    msg = ForwardMsg()
    msg.ParseFromString(raw)
    kind = msg.WhichOneof("type")
    if kind == "script_finished":
        # A run that ends early for a rerun (st.rerun, e.g. ui/legacy_pages.py on a fresh
        # server's first session) is not the end of the page's first run: read on.
        run.finished = msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
    elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        which = element.WhichOneof("type")
        if which == "progress":
            run.progress.append((time.perf_counter() - started, element.progress.text))
        elif which == "exception":
            run.exception = f"{element.exception.type}: {element.exception.message}"


async def open_session(http_url: str, query_string: str = "", *, timeout_s: float = 120.0,
                       started: float | None = None, hold: asyncio.Event | None = None,
                       run: WsRun | None = None,
                       on_finished: Callable[[WsRun], None] | None = None) -> WsRun:
    """Open the page like a browser would and read until the first script run finishes.

    Times are seconds since `started` (a `time.perf_counter()` value; default: now). With
    `hold`, the connection stays open (the session stays alive on the server) until it is set;
    `on_finished(run)` is called when the run has finished, before holding.
    Raises TimeoutError if the run has not finished after `timeout_s`."""
    started = time.perf_counter() if started is None else started
    run = run if run is not None else WsRun()
    async with websockets.connect(stream_url(http_url), subprotocols=["streamlit"],
                                  max_size=None, open_timeout=timeout_s) as ws:
        await ws.send(rerun_request(query_string))

        async def read_until_finished() -> None:
            while not run.finished:
                _record(await ws.recv(), run, started)

        await asyncio.wait_for(read_until_finished(), timeout_s)  # (asyncio.timeout: 3.11+)
        if on_finished is not None:
            on_finished(run)
        if hold is not None:
            await hold.wait()
    return run


async def open_sessions(http_url: str, query_string: str, n: int, *,
                        started: float | None = None) -> list[WsRun]:
    """`n` sessions opening the page at `?<query_string>` at the same moment (open_session
    each; times from `started`, default now): a class opening one link together."""
    started = time.perf_counter() if started is None else started
    return list(await asyncio.gather(*[open_session(http_url, query_string, started=started)
                                       for _ in range(n)]))
