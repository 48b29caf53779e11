"""The Playground's row of controls: Stop, Train again, the display toggles, Pin (or Unpin and
Swap while a run is pinned)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from nncore import TrainConfig
from workers.views import RunView

from . import buttons, compare, session

# Each session's own state: a proxy that Streamlit resolves per script thread, not a shared dict.
ss = st.session_state


@dataclass
class Bar:
    """The row's slots that are redrawn when a run ends (Stop and Train again; Pin, or Unpin
    and Swap), the key of the run they act on, and the pinned run (None if none)."""

    key: str
    stop: object
    again: object
    pin_slot: object
    pin: RunView | None

    def buttons(self, *, training: bool) -> None:
        """Stop is live while training; Train again once a result is shown."""
        _buttons(self.stop, self.again, self.key, training=training)

    def pin_buttons(self, *, finished: bool) -> None:
        """Pin (a finished run on screen), or Unpin and Swap while one is pinned."""
        _pin_buttons(self.pin_slot, self.pin, finished=finished)


def control_bar(key: str, config: TrainConfig, *, finished: bool, extra=None) -> Bar:
    """One row of controls at their natural widths (wrapping on a narrow screen): Stop, Train
    again, the three display toggles, Pin. While a run is pinned, Unpin and Swap go on a row
    of their own beside the line that says what is pinned (the bar keeps to one row).
    `extra(bar)`: draws more controls at the row's end (the lesson's Back and Next: one row
    fewer above the charts on a 1280 x 720 projector)."""
    bar = st.container(horizontal=True, vertical_alignment="center", gap="small")
    stop_slot, again_slot = bar.empty(), bar.empty()
    _buttons(stop_slot, again_slot, key, training=not finished)
    bar.toggle("Train points", key="pg_show_train", persist_state=session.PERSIST,
               help="Show the training points (dots) on the decision regions.", width="content")
    bar.toggle("Val points", key="pg_show_val", persist_state=session.PERSIST,
               help="Show the validation points (diamonds), never trained on.", width="content")
    bar.toggle("Log loss", key="pg_log_loss", persist_state=session.PERSIST,
               help="A log y-axis for the loss chart.", width="content")
    pin = compare.pinned()
    if pin is None:
        pin_slot = bar.empty()
    else:
        pin_row = st.container(horizontal=True, wrap=False, vertical_alignment="center",
                               gap="small")
        pin_slot = pin_row.empty()
        pin_row.caption(f":material/push_pin: Pinned run (grey curves, regions on the right) "
                        f"against these settings, here → pinned: "
                        f"{compare.differences(pin, config)}")
    _pin_buttons(pin_slot, pin, finished=finished)
    if extra is not None:
        extra(bar)
    return Bar(key, stop_slot, again_slot, pin_slot, pin)


def _stop(key: str) -> None:
    """on_click of Stop: keep the partial run just interrupted (saved by the live loop) for
    this config; a run stopped while it waited for a training slot has none, and stays
    stopped (not queued again) until Train again."""
    result = ss["pg_result"]
    if result and result["key"] == key and result["view"].status != "stopped":
        return  # it finished before the click arrived: show the finished run
    ss["pg_stopped_key"] = key


def _again(key: str) -> None:
    """on_click of Train again: train this config once more, even if a result is cached."""
    ss["pg_force"], ss["pg_stopped_key"] = key, None


def _buttons(stop_slot, again_slot, key: str, *, training: bool) -> None:
    """Stop is live while training; Train again once a result is shown (redrawn at the end)."""
    suffix = "" if training else "_idle"
    buttons.button(stop_slot, "Stop", icon=":material/stop_circle:", key="pg_stop" + suffix,
                   on_click=_stop, args=(key,), disabled=not training, width="content",
                   help="End this run now and keep what it has learned.")
    buttons.button(again_slot, "Train again", icon=":material/replay:",
                   key="pg_again" + ("_wait" if training else ""), on_click=_again,
                   args=(key,), disabled=training, width="content",
                   help="Watch this configuration train again (same seed: same numbers).")


def _pin_buttons(slot, pin: RunView | None, *, finished: bool) -> None:
    """Pin (a finished run on screen), or Unpin and Swap while one is pinned."""
    suffix = "" if finished else "_wait"
    with slot.container(horizontal=True, gap="small", width="content"):
        if pin is None:
            buttons.button(st, "Pin", icon=":material/push_pin:", key="pg_pin_button" + suffix,
                           on_click=compare.pin_now, disabled=not finished, width="content",
                           help="Keep this run as the reference: its curves stay faint under "
                                "the next runs', its regions beside theirs.")
            return
        buttons.button(st, "Unpin", icon=":material/close:", key="pg_unpin" + suffix,
                       on_click=compare.unpin, width="content",
                       help="Stop comparing with the pinned run.")
        buttons.button(st, "Swap", icon=":material/swap_horiz:", key="pg_swap" + suffix,
                       on_click=compare.swap, disabled=not finished, width="content",
                       help="Load the pinned run's settings; this run becomes the pinned one.")
