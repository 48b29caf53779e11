"""The Dask cluster: its address, and a Client connected within a deadline (or why not)."""

from __future__ import annotations

import functools
import os
import socket
import threading

SCHEDULER_ENV = "NNCORE_SCHEDULER"   # tcp://HOST:8786: the dashboard's sweeps go to that cluster
CONNECT_TIMEOUT_S = 10
CONNECT_GRACE_S = 1.5  # beyond CONNECT_TIMEOUT_S, for distributed's own timeout to report first


def scheduler_from_env() -> str | None:
    """The Dask scheduler address in NNCORE_SCHEDULER, or None (run locally)."""
    return os.environ.get(SCHEDULER_ENV, "").strip() or None


def dask_client(address: str, timeout: float = CONNECT_TIMEOUT_S):
    """A distributed.Client connected to the Dask scheduler at `address`, within `timeout` s
    (+ CONNECT_GRACE_S) whatever is there: ConnectionError naming the address and what went
    wrong (not a valid address, connection refused, nothing answered in time) otherwise;
    ImportError naming the requirements file if the cluster packages are missing.

    distributed's own timeout does not cover every peer: one that accepts the connection and
    never speaks (or an HTTP server) held it for minutes. So the Client is made on a daemon
    thread, waited for with a deadline; one that connects after it is closed on that thread,
    and one that fails stops its event loop quietly (no "Exception ignored in Client.__del__"
    and no 20 s close at exit). Nothing left behind keeps the process from exiting."""
    client_class = _client_class()
    lock = threading.Lock()
    state: dict = {}
    finished = threading.Event()

    def connect() -> None:
        try:
            client = client_class(address, timeout=timeout, set_as_default=False)
        except BaseException as e:  # noqa: BLE001 - reported (or dropped) by the waiter
            with lock:
                state["error"] = e
        else:
            with lock:
                late = state.get("abandoned", False)
                state["client"] = client
            if late:  # the caller has given up: do not leave a connection open
                _close_quietly(client)
        finally:
            finished.set()

    threading.Thread(target=connect, name=f"nncore-connect {address}", daemon=True).start()
    finished.wait(timeout + CONNECT_GRACE_S)
    with lock:
        if "client" in state:
            return state["client"]
        error = state.get("error")
        if error is None:
            state["abandoned"] = True
    if error is None:
        raise ConnectionError(f"no Dask scheduler answered at {address!r} within {timeout:g} s: "
                              "nothing answered in time (is something other than a Dask "
                              "scheduler listening there? a scheduler's address looks like "
                              "tcp://HOST:8786)")
    raise ConnectionError(_connect_failure(address, timeout, error)) from None


@functools.cache
def _client_class():
    """distributed.Client, made to stop its event loop quietly when it fails to connect."""
    try:
        import distributed
    except ImportError:
        raise ImportError("sweeps on a Dask cluster need the cluster packages: "
                          "pip install -r requirements-cluster.txt") from None

    class Client(distributed.Client):
        def start(self, **kwargs):
            try:
                super().start(**kwargs)
            except BaseException:
                _abandon(self)
                raise

    return Client


def _abandon(client) -> None:
    """End a Client that failed to connect without the close() its __del__ would attempt (it
    waits 2 x timeout for a scheduler that is not there, then prints a traceback)."""
    client.status = "closed"  # close(), and so __del__, now do nothing
    try:
        client._loop_runner.stop()
    except Exception:  # noqa: BLE001, S110 - best effort: the loop thread is a daemon anyway
        pass


def _close_quietly(client) -> None:
    try:
        client.close(timeout=CONNECT_TIMEOUT_S)
    except Exception:  # noqa: BLE001
        _abandon(client)


def _refuses(address: str) -> bool:
    """True if a plain TCP connection to tcp://HOST:PORT is refused now. distributed retries
    a refused port until its timeout and may then report only "Timed out trying to connect",
    which reads like a silent peer; one quick connect tells the two apart."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1.0):
            return False
    except ConnectionRefusedError:
        return True
    except (OSError, ValueError):
        return False


def _connect_failure(address: str, timeout: float, error: BaseException) -> str:
    """Why distributed.Client(address) failed, in words, with the address."""
    if isinstance(error, ValueError):
        return (f"cannot connect to a Dask scheduler at {address!r}: not a valid address "
                f"({error}); it looks like tcp://HOST:8786")
    causes, e = [], error
    while e is not None and len(causes) < 10:
        causes.append(e)
        e = e.__cause__ or e.__context__
    refused = "connection refused (is the scheduler running, and is that its port?)"
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        why = refused
    elif any(isinstance(c, socket.gaierror) for c in causes):
        why = "the host name was not found"
    elif isinstance(error, (OSError, TimeoutError)):  # (a time-out: refused, or a silent peer?)
        why = refused if _refuses(address) else f"{error}"
    else:
        why = f"{type(error).__name__}: {error}"
    return f"no Dask scheduler answered at {address!r} within {timeout:g} s: {why}"
