"""The Sweep page under hostile links and faults (issue 17 items 3-8): links the parser accepts
render, lists stay lists, a sweep's threads go when it is done, a silent or unreadable cluster
address is a message in the page (within the connect timeout), never a hang or a traceback."""

import socket
import threading
import time

import pytest
from apphelpers import no_errors, sweep_page

from nncore import SweepSpec, TrainConfig, make_spec, start_sweep
from nncore.sweep import CONNECT_TIMEOUT_S, MAX_SEEDS, MAX_VALUES
from ui import sweep_page as page_state
from workers.executor import SlotExecutor


def _button(at, label):
    return next(b for b in at.button if b.label == label)


SIXTEEN = ",".join(str(i / 100) for i in range(16))


@pytest.mark.parametrize("link, words", [
    ("weight_l2=1e-05:0.1:log:20;seeds=1", f"N must be at most {MAX_VALUES}"),
    ("weight_l2=1e-05:0.1:log:5;seeds=11", f"seeds must be at most {MAX_SEEDS}"),
    (f"dropout={SIXTEEN};seeds=1", f"at most {MAX_VALUES} values"),
    ("weight_l2=1e-05:0.1:log:500", f"N must be at most {MAX_VALUES}"),
    ("weight_l2=1e-05:0.1:log:1_0", "N must be a whole number"),
    ("weight_l2=1e-05:0.1:log:\u0661\u0660", "N must be a whole number"),  # Arabic-Indic 10
    ("weight_l2=1e-05:1_0e-1:log:5", "range end must be a number"),
    ("dropout=0,\u0660.5", "list value must be a number"),
    ("dropout=0,0.5;seeds=\u0663", "seeds must be a whole number"),
    ("dropout=0,0.5;seeds=1_0", "seeds must be a whole number"),
])
def test_a_link_beyond_the_widgets_is_named_and_the_default_shown(link, words):
    # Each of these crashed the page on main (a slider's value above its max) or was taken
    # as another number (1_0 = 10); the session's next rerun must be clean too.
    at = sweep_page(False, sweep=link)
    no_errors(at)
    warning = " ".join(w.value for w in at.warning)
    assert words in warning and "default sweep" in warning, warning
    assert at.session_state["sw_field1"] == "weight_l2" and at.session_state["sw_n1"] == 5
    at.run()
    no_errors(at)


@pytest.mark.parametrize("link, values", [
    ("dropout=0.5,0,0.1;seeds=2", [0.5, 0.0, 0.1]),
    ("weight_l2=1e-05,0.001,0.1;seeds=1", [1e-05, 0.001, 0.1]),
])
def test_a_list_sweep_runs_the_values_the_link_names(link, values):
    at = sweep_page(False, sweep=link)
    no_errors(at)
    assert at.session_state["sw_scale1"] == "list"
    shown = SweepSpec.from_string(at.query_params["sweep"])  # not rewritten into a range:
    assert shown.axes == SweepSpec.from_string(link).axes and shown.axes[0].kind == "list"
    _button(at, "Run sweep").click()
    at.run()
    no_errors(at)
    running = at.session_state["sw_run"]
    field = link.split("=")[0]
    seeds = int(link.rsplit("=", 1)[1])
    ran = [r[field] for r in sorted(running.sweep.rows, key=lambda r: r["index"])]
    assert ran == [v for v in values for _ in range(seeds)]


def test_a_list_typed_into_the_widget_is_run_as_typed():
    at = sweep_page(False, sweep="dropout=0:0.5:lin:3;seeds=1")
    at.radio(key="sw_scale1").set_value("list")
    at.run()
    at.text_input(key="sw_list1").input("0.3, 0, 0.45")
    at.run()
    no_errors(at)
    assert at.query_params["sweep"] == "dropout=0.3,0.0,0.45;seeds=1"
    at.text_input(key="sw_list1").input("0.3, ten")
    at.run()
    assert not at.exception
    assert any("list value must be a number" in e.value for e in at.error)
    assert _button(at, "Run sweep").disabled


def test_a_sweep_over_the_cpu_cap_is_refused_before_it_starts():
    # 450 runs of about a minute each were accepted on main (~4 h of both cores).
    at = sweep_page(False, sweep="weight_l2=1e-05:0.1:log:15;seeds=10", epochs="14001",
                     hidden="128,128", samples="100")
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "minutes of CPU time" in errors and "capped at 20 minutes" in errors, errors
    assert _button(at, "Run sweep").disabled


def test_the_estimate_is_shown_before_a_sweep_starts():
    at = sweep_page(False, sweep="dropout=0,0.3;seeds=2")
    captions = " ".join(c.value for c in at.caption)
    assert "4 runs · about" in captions and "CPU-minutes" in captions


class _Rows:
    def __init__(self, rows, total):
        self.rows, self.total, self.cancelled, self.finished = rows, total, 0, True

    @property
    def done(self):
        return len(self.rows)


def test_the_progress_line_counts_failed_runs():
    spec = make_spec(TrainConfig(), ["dropout=0,0.5"], 2)
    rows = [{"status": "completed"}] * 3 + [{"status": "error"}]
    running = page_state.Running(spec, _Rows(rows, 4), None)
    frac, text = page_state.progress(running)
    assert text.startswith("Done: 3 of 4 runs · 1 failed"), text




def _settled_threads(at_most: int, within_s: float = 10.0) -> int:
    end = time.monotonic() + within_s
    while threading.active_count() > at_most and time.monotonic() < end:
        time.sleep(0.05)
    return threading.active_count()


def test_fifty_sweeps_leave_no_thread_behind(worker_slots):
    # On main every SlotExecutor kept its two dispatch threads for ever (10 sweeps: +20).
    spec = make_spec(TrainConfig(samples=20, hidden=(4,), epochs=11), ["dropout=0,0.2"], 1)
    warm = SlotExecutor(worker_slots)
    start_sweep(spec, executor=warm).result()
    before = _settled_threads(0, 1.0)
    executors = []
    for i in range(50):
        executor = SlotExecutor(worker_slots)
        sweep = start_sweep(spec, executor=executor)
        if i % 3 == 0:
            sweep.cancel()   # stopped
        elif i % 3 == 1:
            sweep.result()   # finished
        executors.append(executor)  # (and some abandoned mid-way, never shut down)
    assert _settled_threads(before) <= before
    assert all(e.threads == 0 for e in executors)


def test_a_gone_session_cancels_its_queued_runs_and_its_threads_go(worker_slots):
    alive = threading.Event()
    alive.set()
    spec = make_spec(TrainConfig(samples=30, hidden=(16,), epochs=3001),
                     ["weight_l2=1e-4:1e-2:log:4"], seeds=3)
    executor = SlotExecutor(worker_slots, alive=alive.is_set)
    sweep = start_sweep(spec, executor=executor)
    alive.clear()  # the tab was closed
    end = time.monotonic() + 60
    while not sweep.finished and time.monotonic() < end:
        sweep.poll(0.2)
    cancelled = sum(f.cancelled() for f in sweep._futures)
    assert sweep.finished and cancelled >= 12 - 2 - 2 and cancelled + sweep.done == 12
    end = time.monotonic() + 10
    while executor.threads and time.monotonic() < end:
        time.sleep(0.05)
    assert executor.threads == 0


class _SilentListener:
    """A TCP listener on the loopback that accepts connections and never says a word."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.held.append(conn)

    def close(self):
        self._stop = True
        self.thread.join()
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.mark.parametrize("kind", ["silent", "garbage"])
def test_a_cluster_that_does_not_answer_is_a_message_and_local_workers_are_offered(
        monkeypatch, kind):
    listener = _SilentListener() if kind == "silent" else None
    address = f"tcp://127.0.0.1:{listener.port}" if listener else "garbage"
    try:
        monkeypatch.setenv("NNCORE_SCHEDULER", address)
        at = sweep_page(False, sweep="dropout=0,0.3;seeds=1")
        _button(at, "Run sweep").click()
        started = time.monotonic()
        at.run()
        took = time.monotonic() - started
        assert not at.exception, [e.value for e in at.exception]
        text = " ".join(e.value for e in at.error)
        assert "could not start on the Dask cluster at" in text and address in text, text
        assert "NNCORE_SCHEDULER" in text
        assert took < CONNECT_TIMEOUT_S + 10, took
        _button(at, "Run on this server's workers").click()
        at.run()
        no_errors(at)
        running = at.session_state["sw_run"]
        assert running.sweep.finished and running.sweep.done == 2
        assert running.where == "this server's training workers"
    finally:
        if listener:
            listener.close()


def test_the_spec_widgets_take_their_limits_from_nncore():
    at = sweep_page(False, )
    assert at.slider(key="sw_n1").max == MAX_VALUES
    assert at.slider(key="sw_seeds").max == MAX_SEEDS
    spec = SweepSpec.from_string(f"weight_l2=1e-05:0.1:log:{MAX_VALUES};seeds={MAX_SEEDS}",
                                 TrainConfig(samples=30, epochs=201, hidden=(16,)))
    assert spec.n_runs == MAX_VALUES * MAX_SEEDS
