"""Connecting to a Dask scheduler fails within CONNECT_TIMEOUT_S whatever is at the address (a
listener that never speaks, an HTTP server, a refused port, a malformed address), saying where
and why; a sweep can start on a background thread; local pools never outnumber runs or cores.
Every listener here is on 127.0.0.1."""

import http.server
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import nncore.sweep.cluster as cluster_mod
from nncore import TrainConfig
from nncore.sweep import (
    CONNECT_TIMEOUT_S,
    make_spec,
    start_sweep,
    start_sweep_in_background,
    usable_cores,
)
from nncore.sweep.cluster import dask_client

MARGIN_S = 4  # beyond CONNECT_TIMEOUT_S: the promised bound, with room for a loaded machine
BASE = TrainConfig(epochs=20, hidden=(8,), samples=30, val_samples=20)


@pytest.fixture
def silent_listener():
    """tcp://127.0.0.1:PORT of a listener that accepts connections, holds them, never speaks."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def http_listener():
    """tcp://127.0.0.1:PORT of an HTTP server (it answers, but not in Dask's protocol)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def refused_address():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"  # bound and released: nothing listens there


def _connect_outcome(address: str, wait_s: float):
    """(exception or client, seconds) of dask_client(address), waited for at most wait_s s on
    a side thread: a regression that hangs fails the test instead of hanging it."""
    outcome = {}

    def go() -> None:
        start = time.monotonic()
        try:
            outcome["value"] = dask_client(address)
        except BaseException as e:  # noqa: BLE001
            outcome["value"] = e
        outcome["elapsed"] = time.monotonic() - start
    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    thread.join(wait_s)
    assert not thread.is_alive(), f"dask_client({address!r}) still waiting after {wait_s} s"
    return outcome["value"], outcome["elapsed"]


@pytest.mark.parametrize("listener", ["silent_listener", "http_listener"])
def test_a_peer_that_never_answers_fails_within_the_timeout(listener, request):
    address = request.getfixturevalue(listener)
    error, elapsed = _connect_outcome(address, CONNECT_TIMEOUT_S + MARGIN_S)
    assert isinstance(error, ConnectionError), error
    assert elapsed < CONNECT_TIMEOUT_S + MARGIN_S
    assert str(error).startswith(f"no Dask scheduler answered at '{address}' "
                                 f"within {CONNECT_TIMEOUT_S} s: nothing answered")


def test_a_refused_port_says_so(refused_address):
    error, elapsed = _connect_outcome(refused_address, CONNECT_TIMEOUT_S + MARGIN_S)
    assert isinstance(error, ConnectionError), error
    assert f"at '{refused_address}'" in str(error) and "connection refused" in str(error)


@pytest.mark.parametrize("address,why", [
    ("garbage", "missing port number"),
    ("tcp://127.0.0.1", "missing port number"),
    ("http://127.0.0.1:8786", "unknown address scheme 'http'"),
])
def test_a_malformed_address_says_what_an_address_looks_like(address, why):
    error, elapsed = _connect_outcome(address, 5)
    assert isinstance(error, ConnectionError), error
    message = str(error)
    assert f"'{address}'" in message and "not a valid address" in message and why in message
    assert "tcp://HOST:8786" in message and elapsed < 3


def test_any_failure_of_the_client_becomes_a_connection_error(monkeypatch, refused_address):
    import distributed

    def broken(self, **kwargs):
        raise RuntimeError("the client broke")
    monkeypatch.setattr(distributed.Client, "start", broken)
    error, _ = _connect_outcome(refused_address, 5)
    assert isinstance(error, ConnectionError), error
    assert f"'{refused_address}'" in str(error) and "RuntimeError: the client broke" in str(error)


def test_a_client_that_connects_after_the_deadline_is_closed(monkeypatch):
    closed = threading.Event()

    class Late:
        def __init__(self, address, timeout, set_as_default):
            time.sleep(timeout + cluster_mod.CONNECT_GRACE_S + 0.5)  # past the caller's deadline

        def close(self, timeout=None):
            closed.set()
    monkeypatch.setattr(cluster_mod, "_client_class", lambda: Late)
    start = time.monotonic()
    with pytest.raises(ConnectionError, match="within 0.2 s: nothing answered"):
        dask_client("tcp://127.0.0.1:8786", timeout=0.2)
    assert time.monotonic() - start < 0.2 + cluster_mod.CONNECT_GRACE_S + 0.4
    assert closed.wait(5)


def test_start_in_background_never_blocks_and_reports_why(silent_listener):
    spec = make_spec(BASE, ["dropout=0,0.2"])
    start = time.monotonic()
    future = start_sweep_in_background(spec, scheduler=silent_listener)
    assert time.monotonic() - start < 0.5 and not future.done()
    error = future.exception(timeout=CONNECT_TIMEOUT_S + MARGIN_S)
    assert isinstance(error, ConnectionError) and f"'{silent_listener}'" in str(error)
    assert time.monotonic() - start < CONNECT_TIMEOUT_S + MARGIN_S


def test_start_in_background_gives_a_running_sweep_and_can_be_cancelled(silent_listener):
    spec = make_spec(BASE, ["dropout=0,0.2"], seeds=2)
    with ThreadPoolExecutor(2) as pool:
        sweep = start_sweep_in_background(spec, executor=pool).result(timeout=10)
        assert len(sweep.result().runs) == 4
    waiting = start_sweep_in_background(spec, scheduler=silent_listener)
    assert waiting.cancel() and waiting.cancelled()


def test_usable_cores_off_linux(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    assert usable_cores() == (os.cpu_count() or 1)


def test_local_processes_never_outnumber_runs_or_cores():
    spec = make_spec(BASE, ["dropout=0,0.1,0.2"])  # 3 runs
    with start_sweep(spec, jobs=40) as sweep:
        assert sweep.executor._max_workers == min(3, usable_cores())
        assert len(sweep.result().runs) == 3
    with start_sweep(make_spec(BASE, ["dropout=0,0.1"]), jobs=1) as sweep:
        assert sweep.executor._max_workers == 1
