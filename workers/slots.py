"""Classroom load: one BLAS thread in the served process, and a bounded number of training runs.

Streamlit runs every browser session as a thread of one process. Thirty sessions training at
once would thrash the CPU (and each BLAS call would start its own threads), so runs take a
*training slot* first: at most `slot_count()` runs train at a time, the others wait in FIFO order
and their page says so. A slot is one worker process (workers.worker.Trainer), so the runs that
do train at once use a core each instead of taking turns on the server's interpreter lock. The
slots are one process-wide object, which the server makes once (ui.slots, `st.cache_resource`).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy  # noqa: F401  (loads BLAS, so that one_blas_thread() finds it)
from threadpoolctl import threadpool_limits

from nncore.sweep import usable_cores

POLL_S = 0.2  # a waiting session checks its place (and whether it was interrupted) this often


def one_blas_thread() -> None:
    """Limit this process's BLAS thread pools to one thread (the server calls it once, as it
    makes its slots). The server imports numpy (and starts its BLAS pool) before dashboard.py
    runs, so OPENBLAS_NUM_THREADS set by the app would be too late. One thread was never slower
    for these small matrices and holds up with many sessions. threadpoolctl only sees libraries
    already loaded: numpy (and its BLAS) is imported above."""
    threadpool_limits(limits=1)


def slot_count(cpus: int | None = None) -> int:
    """Concurrent training runs: one worker process per usable core (at least one)."""
    return max(1, cpus if cpus is not None else usable_cores())


class Holder:
    """A place in the queue, then a held slot: `resource` is the slot's worker (None in tests).
    `make_long()` counts a run that has outlived its estimate as a long one from now on.
    A `background` holder (a sweep's run) starts only while no other kind waits."""

    __slots__ = ("long", "background", "resource", "_slots")

    def __init__(self, slots: TrainingSlots, long: bool, background: bool = False):
        self.long, self.background, self.resource, self._slots = long, background, None, slots

    def make_long(self) -> None:
        self._slots._make_long(self)


class TrainingSlots:
    """FIFO training slots that can say how many sessions wait ahead of a given one. Each slot
    holds a resource (a worker process; None in tests) that its holder may use.

    Long runs may hold at most `long_slots` slots (by default all but one), so a classroom's
    short runs always have a core even while students train 100,000 epochs; a waiting short
    run passes long ones that cannot start yet. Otherwise first come, first served.

    Sweeps' runs are `background` holders: they use every slot nobody else wants, and a
    session's own run waiting for a slot goes before all of them, so a student's run waits for
    at most one sweep run.

    A run estimated short that outlives the estimate becomes long (Holder.make_long). If runs
    that became long then hold the slots that were the short runs' share, a short run gets a
    worker beyond the slot count (made on demand, closed when it is no longer needed): an
    underestimated run slows the others a little but never locks the room out."""

    def __init__(self, slots: int, make: Callable[[], Any] | None = None,
                 long_slots: int | None = None):
        self.slots = slots
        self.long_slots = long_slots if long_slots is not None else max(1, slots - 1)
        self._make = make if make is not None else (lambda: None)
        self._cond = threading.Condition()
        self._queue: deque[Holder] = deque()
        self._held: list[Holder] = []
        self._free = [self._make() for _ in range(slots)]

    @property
    def busy(self) -> int:
        return len(self._held)

    @property
    def waiting(self) -> int:
        return len(self._queue)

    @property
    def busy_long(self) -> int:
        return sum(h.long for h in self._held)

    def _may_start(self, holder: Holder) -> bool:
        if holder.background and any(not h.background for h in self._queue):
            return False  # a session's own run goes first: it waits for one sweep run at most
        if holder.long:
            return bool(self._free) and self.busy_long < self.long_slots
        short_share = self.slots - self.long_slots
        return bool(self._free) or self.busy - self.busy_long < short_share

    def _try_take(self, holder: Holder) -> int | None:
        """None if `holder` got a slot (and its resource) now, else the holders ahead of it."""
        first = next((h for h in self._queue if self._may_start(h)), None)
        if first is not holder:
            return self._queue.index(holder)
        self._queue.remove(holder)
        holder.resource = self._free.pop() if self._free else self._make()  # (an extra one)
        self._held.append(holder)
        return None

    def _make_long(self, holder: Holder) -> None:
        with self._cond:
            holder.long = True
            self._cond.notify_all()

    def _release(self, holder: Holder) -> None:
        self._held.remove(holder)
        if len(self._free) + len(self._held) < self.slots:
            self._free.append(holder.resource)
        elif hasattr(holder.resource, "close"):  # an extra worker, no longer needed
            holder.resource.close()

    @contextmanager
    def slot(self, on_wait: Callable[[int], None] | None = None,
             poll_s: float = POLL_S, *, long: bool = False,
             background: bool = False) -> Iterator[Holder]:
        """Hold a slot for the `with` body, which gets its Holder (the slot's worker in
        `.resource`). While waiting, `on_wait(ahead)` is called every `poll_s` seconds (it may
        raise, e.g. Streamlit's rerun: the place is given up). The slot is always released,
        also when the body is interrupted. `long`: the run is a long one; `background`: a
        sweep's run, which yields to every other waiting run (see the class)."""
        holder = Holder(self, long, background)
        acquired = False
        with self._cond:
            self._queue.append(holder)
        try:
            while True:
                with self._cond:
                    ahead = self._try_take(holder)
                    if ahead is None:
                        acquired = True
                        break
                    if on_wait is None:
                        self._cond.wait(poll_s)
                        continue
                on_wait(ahead)  # outside the lock: may draw, may raise
                with self._cond:
                    ahead = self._try_take(holder)
                    if ahead is None:
                        acquired = True
                        break
                    self._cond.wait(poll_s)
            yield holder
        finally:
            with self._cond:
                if acquired:
                    self._release(holder)
                else:
                    self._queue.remove(holder)
                self._cond.notify_all()

