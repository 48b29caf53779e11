"""Replay a finished run: an epoch slider over its snapshots (workers.recorder) scrubs the
regions, the weights and the cards, and marks the epoch on the curves; Play steps through them."""

from __future__ import annotations

import time

import streamlit as st

from workers.views import RunView

from . import buttons

END = "end"
STEP_S = 0.45   # seconds per snapshot while playing


def snapshots(view: RunView | None) -> tuple:
    extras = getattr(view, "extras", None)
    return extras.snapshots if extras is not None and view.status != "running" else ()


def chosen(view: RunView | None, key: str):
    """The snapshot the slider shows (None: the end of the run). A new run starts at its end."""
    ss = st.session_state
    if ss.get("pg_replay_for") != key:
        ss["pg_replay_for"], ss["pg_replay"] = key, END
    epoch = ss.get("pg_replay", END)
    return next((s for s in snapshots(view) if s.epoch == epoch), None)


def _play() -> None:
    st.session_state["pg_play"] = True


def controls(place, view: RunView) -> None:
    """The slider and the Play button, drawn into `place` (under the regions)."""
    shots = snapshots(view)
    if not shots:
        place.empty()
        return
    options = [s.epoch for s in shots] + [END]
    if st.session_state.get("pg_replay") not in options:  # not set yet, or of another run
        st.session_state["pg_replay"] = END  # (its state is dropped while a run trains)
    with place.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        st.select_slider(
            "Replay: the run at epoch", options=options, key="pg_replay",
            format_func=lambda e: "the end" if e == END else f"{e:,}",
            help=f"{len(shots)} snapshots spread over the run: the regions, the weights and the "
                 "cards at that epoch; a dark line marks it on the curves.")
        buttons.button(st, "Play", icon=":material/play_arrow:", key="pg_play_button",
                       on_click=_play, help="Step through the snapshots from the start.",
                       width="content")


def play(view: RunView, draw, current) -> None:
    """If Play was pressed: draw(snapshot) for each snapshot, then draw(current) again (what
    the slider shows). A click or slider move meanwhile interrupts it (Streamlit reruns at
    the next st call)."""
    if not st.session_state.pop("pg_play", False):
        return
    for shot in snapshots(view):
        draw(shot)
        time.sleep(STEP_S)
    draw(current)
