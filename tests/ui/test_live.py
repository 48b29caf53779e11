"""The Streamlit side of training (ui.slots, ui.live): one set of slots per server; what a
waiting run's page says."""

import pytest

from ui import live, slots
from workers.slots import slot_count


def test_the_server_has_one_shared_set_of_slots():
    assert slots.training_slots() is slots.training_slots()
    assert slots.training_slots().slots == slot_count()


def test_the_waiting_line_says_the_place_and_whether_the_run_is_long():
    assert "long run" in live.waiting_text(3, long=True)
    assert "3 ahead" in live.waiting_text(3) and "next in line" in live.waiting_text(0)


class _Pressed(Exception):
    """Stands for Streamlit's RerunException: a slider press arrived."""


def test_a_press_during_the_settle_ends_the_run_before_it_takes_a_slot(monkeypatch):
    """Issue 20, 5: a burst of presses trains once. Each press reruns the page; the run waits
    SETTLE_S at yield points first, so the next press of the burst ends it before any job."""
    calls = []

    def yield_point():
        calls.append(1)
        if len(calls) == 3:  # the next press arrives 0.1 s into the wait
            raise _Pressed

    monkeypatch.setattr(live.internals, "yield_point", yield_point)
    monkeypatch.setattr(live.st, "session_state", {"pg_warm": True})
    monkeypatch.setattr(live, "training_slots", lambda: pytest.fail("a slot was taken"))
    from nncore import TrainConfig

    with pytest.raises(_Pressed):
        live.train_live(TrainConfig(epochs=11), None, "k", lambda v, p: None)
    assert len(calls) == 3


def test_the_settle_waits_at_yield_points_only(monkeypatch):
    calls = []
    monkeypatch.setattr(live.internals, "yield_point", lambda: calls.append(1))
    live.settle(0.12)
    assert len(calls) >= 2  # at the start, every 0.05 s meanwhile, and at the end
