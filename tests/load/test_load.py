"""Classroom load, reduced for CI: 10 browser sessions open the default page of one server at
once. The full 30-session run is `python -m benchmarks.load_sessions --sessions 30`."""

import os

import pytest

from benchmarks import load_sessions, serving

pytestmark = pytest.mark.load

SESSIONS = 10
P95_LIMIT_S = 30.0
RSS_LIMIT_MB = 1536.0


def test_ten_concurrent_sessions_complete_with_identical_numbers():
    reason = serving.browser_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set: the load test must run)")
        pytest.skip(reason)
    report, sessions = load_sessions.run_load(SESSIONS, timeout_s=90.0)
    print("\n" + report.lines())
    assert report.completed == SESSIONS, report.errors
    assert report.fingerprints_equal, [(s.index, s.fingerprint) for s in sessions]
    assert report.p95_s < P95_LIMIT_S, report.lines()
    assert report.peak_rss_mb < RSS_LIMIT_MB, report.lines()
