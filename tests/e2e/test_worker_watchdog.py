"""A training worker that hangs (SIGSTOP: alive, silent) is killed and replaced; its session is
told in words, and the long run waiting behind it starts (issue 8 item 7). Own server: the
test freezes one of its workers."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from benchmarks import load_sessions, serving

pytestmark = pytest.mark.e2e
PROGRESS = load_sessions.PROGRESS
TRAINING = "(sel) => /Training: epoch/.test(document.querySelector(sel)?.innerText || '')"


def _training_worker(server_pid: int) -> int:
    """The pid of the server's training worker that is using the CPU now."""
    workers = [p for p in serving.children(server_pid)
               if b"workers.worker" in Path(f"/proc/{p}/cmdline").read_bytes()]
    before = {p: serving.cpu_seconds(p) for p in workers}
    time.sleep(1.0)
    return max(workers, key=lambda p: serving.cpu_seconds(p) - before[p])


def test_a_frozen_worker_is_replaced_its_page_told_and_the_queue_moves(browser):
    with serving.served("e2e-watchdog-server.log") as srv:
        contexts = [browser.new_context(viewport={"width": 1400, "height": 1000})
                    for _ in range(2)]
        try:
            frozen_page, waiting_page = (c.new_page() for c in contexts)
            for tab in (frozen_page, waiting_page):
                tab.set_default_timeout(120_000)
            frozen_page.goto(f"{srv.url}/?epochs=100000&seed=21")
            frozen_page.wait_for_function(TRAINING, arg=PROGRESS)
            pid = _training_worker(srv.pid)
            # a second long run: long runs leave a slot to short ones, so it waits
            waiting_page.goto(f"{srv.url}/?epochs=100000&seed=22")
            if len(os.sched_getaffinity(0)) > 1:
                waiting_page.get_by_text("this is a long run").wait_for()
            os.kill(pid, signal.SIGSTOP)
            frozen_at = time.monotonic()
            try:
                told = frozen_page.get_by_text("did not answer for")
                told.wait_for(timeout=45_000)
                told_s = time.monotonic() - frozen_at
                waiting_page.wait_for_function(TRAINING, arg=PROGRESS, timeout=45_000)
                started_s = time.monotonic() - frozen_at
            finally:
                if Path(f"/proc/{pid}").exists():
                    os.kill(pid, signal.SIGCONT)
            print(f"\nfrozen worker: its page told after {told_s:.1f} s, the waiting long run "
                  f"training after {started_s:.1f} s")
            assert told_s < 45 and started_s < 45
            assert "Press Train again" in frozen_page.locator('[data-testid="stAlert"]').filter(
                has_text="did not answer").first.inner_text()
            assert not Path(f"/proc/{pid}").exists() or b"Z" in Path(
                f"/proc/{pid}/stat").read_bytes().split(b")")[1][:3]  # killed
        finally:
            for context in contexts:
                context.close()
