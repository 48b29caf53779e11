"""Per-session memory is bounded: however many runs a session makes, its state holds one run
view (the one shown) and at most MAX_LOG_ROWS run-log rows; nothing accumulates."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))  # apphelpers

from apphelpers import make_app, no_errors, open_group  # noqa: E402

from ui.fields import widget_key  # noqa: E402
from ui.runs import MAX_LOG_ROWS  # noqa: E402
from workers.views import RunView  # noqa: E402


def _views(value, seen=None) -> int:
    """RunView objects reachable from `value` through dicts, lists and tuples."""
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, RunView):
        return 1
    if isinstance(value, dict):
        return sum(_views(v, seen) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_views(v, seen) for v in value)
    return 0


def test_many_runs_keep_one_view_and_a_bounded_log():
    at = open_group(make_app(epochs="1").run(), "train")  # (the seed is in Training)
    runs = MAX_LOG_ROWS + 5
    for seed in range(1, runs):
        at.sidebar.number_input(key=widget_key("seed")).set_value(seed)
        at.run()
    no_errors(at)
    ss = at.session_state
    assert len(ss["pg_log"]) == MAX_LOG_ROWS
    assert ss["pg_log"][-1]["fingerprint"] == ss["pg_result"]["view"].fingerprint
    state = dict(ss._state.filtered_state)  # every user-visible key of the session
    assert "pg_result" in state and "pg_log" in state and "cfg_csv" in state
    assert _views(state) == 1, sorted(state)
