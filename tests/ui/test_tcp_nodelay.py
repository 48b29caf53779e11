"""ui.internals.tcp_nodelay: the server's connections get TCP_NODELAY (without it uvicorn's
responses on a kept-alive connection waited ~40 ms each for the client's delayed ACK)."""

from __future__ import annotations

import asyncio
import socket
from asyncio import base_events

import pytest

from ui import internals


def _listener() -> socket.socket:
    """A listening socket made as Streamlit 1.67 makes its server's
    (streamlit/web/server/starlette/starlette_server.py `_bind_socket`): proto 0."""
    sock = socket.socket(family=socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    return sock


def _accepted_nodelay() -> int:
    """TCP_NODELAY of the server side of one connection to an asyncio server on _listener()."""

    async def main() -> int:
        seen: asyncio.Future = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport):
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        listener = _listener()
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        try:
            _, writer = await asyncio.open_connection(*listener.getsockname())
            value = await asyncio.wait_for(seen, 10)
            writer.close()
            return value
        finally:
            server.close()
            await server.wait_closed()

    return asyncio.run(main())


@pytest.fixture
def stdlib_nodelay(monkeypatch):
    """asyncio's own _set_nodelay (unwrapped if a script run here already called
    tcp_nodelay), restored after the test."""
    current = base_events._set_nodelay
    monkeypatch.setattr(base_events, "_set_nodelay", getattr(current, "__wrapped__", current))


def test_a_proto_0_listeners_connections_get_tcp_nodelay(stdlib_nodelay):
    if _accepted_nodelay():
        pytest.skip("asyncio now sets TCP_NODELAY on these sockets: tcp_nodelay can go")
    internals.tcp_nodelay()
    assert _accepted_nodelay() == 1


def test_tcp_nodelay_wraps_once(stdlib_nodelay):
    stdlib = base_events._set_nodelay
    internals.tcp_nodelay()
    wrapped = base_events._set_nodelay
    internals.tcp_nodelay()
    assert base_events._set_nodelay is wrapped and wrapped.__wrapped__ is stdlib

