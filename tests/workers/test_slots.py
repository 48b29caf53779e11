"""Training slots (workers.slots): bounded concurrent runs, FIFO places, release on every exit, a
resource (worker) per slot; one BLAS thread."""

import os
import threading
import time

import pytest
from threadpoolctl import threadpool_info

from workers import slots
from workers.slots import TrainingSlots


def test_one_blas_thread_limits_every_blas_pool():
    slots.one_blas_thread()
    info = threadpool_info()
    assert info, "numpy's BLAS was not found by threadpoolctl"
    assert all(pool["num_threads"] == 1 for pool in info), info


def test_at_most_n_run_at_once_and_waiters_see_their_place():
    pool = TrainingSlots(2)
    running, peak, seen = [0], [0], {}
    lock = threading.Lock()

    def work(i: int) -> None:
        with pool.slot(lambda ahead: seen.setdefault(i, []).append(ahead), poll_s=0.01):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
        time.sleep(0.005)
    for t in threads:
        t.join(timeout=10)
    assert peak[0] == 2
    assert pool.busy == 0 and pool.waiting == 0
    places = [p for ps in seen.values() for p in ps]
    assert places and max(places) >= 1           # someone waited behind another
    for ps in seen.values():
        assert ps == sorted(ps, reverse=True)    # a place in the queue only moves forward


def test_an_interrupted_wait_gives_up_its_place():
    pool = TrainingSlots(1)

    class Rerun(Exception):
        pass

    def interrupt(ahead: int) -> None:
        raise Rerun

    with pool.slot():
        with pytest.raises(Rerun), pool.slot(interrupt):
            pass
        assert pool.waiting == 0 and pool.busy == 1
    assert pool.busy == 0


def test_the_slot_is_released_when_the_body_raises():
    pool = TrainingSlots(1)
    with pytest.raises(KeyboardInterrupt), pool.slot():
        raise KeyboardInterrupt
    assert pool.busy == 0
    with pool.slot():  # free again
        assert pool.busy == 1


def test_one_slot_per_usable_core():
    assert slots.slot_count(3) == 3 and slots.slot_count(0) == 1
    assert 1 <= slots.usable_cores() <= (os.cpu_count() or 1)


def test_each_holder_gets_a_resource_of_its_own_and_gives_it_back():
    made = []
    pool = TrainingSlots(2, make=lambda: made.append(object()) or made[-1])
    assert len(made) == 2
    with pool.slot() as first, pool.slot() as second:
        assert {id(first.resource), id(second.resource)} == {id(m) for m in made}
    with pool.slot() as again:
        assert any(again.resource is m for m in made)
    assert len(made) == 2  # made once, reused


def test_long_runs_leave_one_slot_to_short_ones_and_short_ones_pass_them():
    pool = TrainingSlots(2)
    assert pool.long_slots == 1
    events = []
    release_long = threading.Event()

    def run(name: str, long: bool, hold: threading.Event | None = None) -> None:
        with pool.slot(poll_s=0.01, long=long):
            events.append(f"{name} starts")
            if hold is not None:
                hold.wait(10)
            events.append(f"{name} ends")

    first_long = threading.Thread(target=run, args=("long 1", True, release_long))
    first_long.start()
    _until(lambda: "long 1 starts" in events)
    second_long = threading.Thread(target=run, args=("long 2", True))
    second_long.start()
    time.sleep(0.1)
    assert "long 2 starts" not in events and pool.busy == 1  # a free slot, kept for short runs
    short = threading.Thread(target=run, args=("short", False))
    short.start()  # queued behind long 2, but passes it
    short.join(timeout=10)
    assert "short ends" in events and "long 2 starts" not in events
    release_long.set()
    first_long.join(timeout=10)
    second_long.join(timeout=10)
    assert events.index("long 2 starts") > events.index("long 1 ends")
    assert pool.busy == 0 and pool.waiting == 0


def test_with_one_slot_long_runs_still_run():
    pool = TrainingSlots(1)
    assert pool.long_slots == 1
    with pool.slot(long=True):
        assert pool.busy == 1


def _until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_run_that_becomes_long_leaves_a_short_run_a_worker():
    """Two runs estimated short hold both slots and outlive the estimate: a short run still
    starts at once, on a worker made for it, which is closed when no longer needed."""
    made = []

    class Worker:
        closed = False

        def close(self):
            self.closed = True

    pool = TrainingSlots(2, make=lambda: made.append(Worker()) or made[-1])
    with pool.slot() as first, pool.slot() as second:
        first.make_long()
        assert pool.busy_long == 1
        with pytest.raises(TimeoutError), _started(pool, long=False, within_s=0.2):
            pass  # a long one and a short one hold the slots: the short run waits
        second.make_long()
        with _started(pool, long=False, within_s=5.0) as third:
            assert third.resource is made[2] and pool.busy == 3
        assert made[2].closed  # the extra worker ended with the run
        with pytest.raises(TimeoutError), _started(pool, long=True, within_s=0.2):
            pass  # long runs get no extra worker
    assert pool.busy == 0 and len(made) == 3


class _started:
    """Start a holder of `pool` in a thread; enter once it holds a slot (TimeoutError, and its
    place given up, if not within `within_s`); on exit the thread releases the slot."""

    class Cancelled(Exception):
        pass

    def __init__(self, pool, *, long: bool, within_s: float):
        self.pool, self.long, self.within_s = pool, long, within_s
        self.holding, self.done = threading.Event(), threading.Event()

    def _wait(self, ahead: int) -> None:
        if self.done.is_set():
            raise self.Cancelled

    def _run(self):
        try:
            with self.pool.slot(self._wait, poll_s=0.01, long=self.long) as held:
                self.held = held
                self.holding.set()
                self.done.wait(10)
        except self.Cancelled:
            pass

    def __enter__(self):
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        if not self.holding.wait(self.within_s):
            self.__exit__()
            raise TimeoutError
        return self.held

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join(timeout=10)
        return False


def test_sweep_runs_use_idle_slots_and_yield_to_a_sessions_run():
    """Background (sweep) holders take every idle slot; a session's run that arrives waits
    only until one of them ends, though another sweep run was queued before it."""
    pool = TrainingSlots(2)
    order, releases = [], {}

    def hold(name: str, background: bool) -> threading.Thread:
        releases[name] = threading.Event()

        def run() -> None:
            with pool.slot(poll_s=0.01, background=background):
                order.append(name)
                releases[name].wait(10)
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    threads = [hold("sweep 1", True), hold("sweep 2", True)]
    _until(lambda: pool.busy == 2)             # a sweep may use every idle slot
    threads.append(hold("sweep 3", True))
    _until(lambda: pool.waiting == 1)
    threads.append(hold("session", False))
    _until(lambda: pool.waiting == 2)
    releases["sweep 1"].set()                  # one sweep run ends...
    _until(lambda: "session" in order)         # ...and the session's run takes its slot
    assert "sweep 3" not in order
    for event in releases.values():
        event.set()
    for thread in threads:
        thread.join(timeout=10)
    assert order[-1] == "sweep 3" and pool.busy == 0 and pool.waiting == 0
