"""The Streamlit side of training (ui.slots, ui.live): one set of slots per server; what a
waiting run's page says."""

from ui import live, slots
from workers.slots import slot_count


def test_the_server_has_one_shared_set_of_slots():
    assert slots.training_slots() is slots.training_slots()
    assert slots.training_slots().slots == slot_count()


def test_the_waiting_line_says_the_place_and_whether_the_run_is_long():
    assert "long run" in live.waiting_text(3, long=True)
    assert "3 ahead" in live.waiting_text(3) and "next in line" in live.waiting_text(0)
