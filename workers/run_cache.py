"""The server's store of finished runs: a small least-recently-used map, safe across threads."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from .views import RunView

MAX_RUNS = 64          # finished runs kept (README: memory a run keeps)
MAX_AGE_S = 6 * 3600   # a run not stored again for this long is forgotten (an idle server's)


class RunCache:
    """Finished runs by key, at most `max_entries`, each kept at most `max_age_s` after it was
    stored; storing past the bound forgets the least recently used (looked up or stored).

    Written here, not with st.cache_data: the Playground, every session's thread and the
    sweep's dispatch threads store into one map and look it up by key, and a miss is an
    answer (None), not a value to compute. The server holds one (ui.live, st.cache_resource),
    so one lock guards it. Views are shared as they are, not copied: a RunView is never
    changed after it is made (workers.views).
    """

    def __init__(self, max_entries: int = MAX_RUNS, max_age_s: float = MAX_AGE_S,
                 clock: Callable[[], float] = time.monotonic):
        self.max_entries, self.max_age_s, self._clock = max_entries, max_age_s, clock
        self._runs: OrderedDict[str, tuple[float, RunView]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> RunView | None:
        """The run stored under `key`, or None (never stored, forgotten or too old)."""
        with self._lock:
            entry = self._runs.get(key)
            if entry is None:
                return None
            if self._clock() - entry[0] > self.max_age_s:
                del self._runs[key]
                return None
            self._runs.move_to_end(key)
            return entry[1]

    def put(self, key: str, view: RunView) -> None:
        """Store `view` under `key` (replacing what was there), forgetting the least recently
        used runs past max_entries."""
        with self._lock:
            self._runs[key] = (self._clock(), view)
            self._runs.move_to_end(key)
            while len(self._runs) > self.max_entries:
                self._runs.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._runs)
