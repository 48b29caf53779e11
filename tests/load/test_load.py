"""Classroom load in CI: the real server, 30 sessions at once, as clients of Streamlit's own
websocket protocol (benchmarks/ws_client.py), so that the machine's cores measure the server, not
30 browsers' rendering (in a classroom each browser runs on a student's machine). The benchmark
is `python -m benchmarks.load_sessions --sessions 30`; `--client chromium` drives real pages.

One load run per module; its properties are separate tests so that a slow machine shows up as
the p95 test failing alone, not hiding the correctness results. With one config for all, most
sessions take the run another session completed while they waited (ui.live.train_live); so a
second run gives every session its own seed: 30 runs that must each be trained.
"""

import pytest

from benchmarks import load_sessions

pytestmark = pytest.mark.load

SESSIONS = 30          # the classroom of the issue: the websocket clients make it cheap
P95_LIMIT_S = 30.0     # the target on a 2-core machine
RSS_LIMIT_MB = 1536.0


@pytest.fixture(scope="module")
def same():
    report, sessions = load_sessions.run_load(SESSIONS, timeout_s=90.0)
    print("\n" + report.lines())
    return report, sessions


# The default config trains in ~0.2 s alone: how many sessions arrive while it trains was a race
# (1 or 20-28 of 30 in runs of `python -m benchmarks.load_sessions --sessions 30`, at 19e526a
# and after). This run (~3 s alone) outlasts the ~1 s the sessions take to arrive.
QUEUED_EPOCHS = 30_001


@pytest.fixture(scope="module")
def queued():
    report, sessions = load_sessions.run_load(SESSIONS, timeout_s=90.0, epochs=QUEUED_EPOCHS,
                                              log_name="load-queued-server.log")
    print("\n" + report.lines())
    return report, sessions


@pytest.fixture(scope="module")
def distinct():
    report, sessions = load_sessions.run_load(SESSIONS, seeds="distinct", timeout_s=90.0,
                                              log_name="load-distinct-server.log")
    print("\n" + report.lines())
    return report, sessions


def test_every_session_completes_with_the_numbers_of_the_run_alone(same):
    report, sessions = same
    assert report.completed == SESSIONS, report.errors
    assert report.fingerprints_equal, [(s.index, s.fingerprint, s.expected) for s in sessions]


def test_the_server_logged_no_traceback(same, distinct):
    for report, _ in (same, distinct):
        assert report.server_tracebacks == 0, "see artifacts/load*-server.log"


def test_sessions_that_wait_are_told_so(queued):
    report, _ = queued
    # One run for all: while the first session trains it, the others show the waiting state.
    assert report.completed == SESSIONS and report.fingerprints_equal, report.lines()
    assert report.waited >= SESSIONS // 2, report.lines()


def test_server_memory_stays_under_the_limit(same, distinct):
    for report, _ in (same, distinct):
        assert report.peak_total_rss_mb < RSS_LIMIT_MB, report.lines()  # workers included


def test_p95_completion_time(same, distinct):
    for report, _ in (same, distinct):
        assert report.p95_s < P95_LIMIT_S, report.lines()


def test_sessions_with_different_seeds_each_get_their_own_numbers(distinct):
    report, sessions = distinct
    assert report.completed == len(sessions), report.errors
    assert len({s.expected for s in sessions}) == len(sessions)  # really all different runs
    assert report.fingerprints_equal, [(s.index, s.fingerprint, s.expected) for s in sessions]
