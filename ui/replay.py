"""Replay a finished run: an epoch slider over its snapshots (workers.recorder; the first is
epoch 0, the untrained network) scrubs the regions, the weights and the cards, and marks the
epoch on the curves. Play moves the slider's thumb one snapshot at a time up to "the end";
Pause stops it where it is; the step buttons (and the arrow keys on the focused slider) move
one snapshot.

How Play moves the thumb: a widget's value can only be set before the widget is drawn in a
script run, so each step is a rerun of the page. While playing, the page draws a small timer
fragment (st.fragment(run_every=STEP_S), Streamlit's own timer: the script does not sleep, so a
click on Pause or anywhere else is handled at once); each timer tick asks for the next
snapshot and reruns the page, whose first call to `chosen` moves the slider's value.
"""

from __future__ import annotations

import streamlit as st

from workers.views import RunView

from . import buttons

END = "end"
STEP_S = 0.6   # seconds per snapshot while playing


def snapshots(view: RunView | None) -> tuple:
    extras = getattr(view, "extras", None)
    return extras.snapshots if extras is not None and view.status != "running" else ()


def options_of(view: RunView | None) -> list:
    """The slider's options: every snapshot's epoch, then the end of the run."""
    return [s.epoch for s in snapshots(view)] + [END]


def chosen(view: RunView | None, key: str):
    """The snapshot the slider shows (None: the end of the run). A new run starts at its end,
    not playing. While playing, a timer tick moves on by one snapshot here, before the slider
    is drawn; reaching the end stops playing."""
    ss = st.session_state
    if ss.get("pg_replay_for") != key:
        ss["pg_replay_for"], ss["pg_replay"], ss["pg_playing"] = key, END, False
    if ss.pop("pg_play_tick", False) and ss.get("pg_playing"):
        ss["pg_replay"] = _moved(options_of(view), ss.get("pg_replay", END), +1)
        ss["pg_playing"] = ss["pg_replay"] != END
    epoch = ss.get("pg_replay", END)
    return next((s for s in snapshots(view) if s.epoch == epoch), None)


def _moved(options: list, value, step: int):
    """The option `step` places from `value` (clamped to the ends)."""
    if not options:
        return END
    i = options.index(value) if value in options else len(options) - 1
    return options[min(max(i + step, 0), len(options) - 1)]


def _play(options: list) -> None:
    """On_click of Play: from the start if the slider is at the end, else from where it is."""
    ss = st.session_state
    if ss.get("pg_replay", END) == END:
        ss["pg_replay"] = options[0]
    ss["pg_playing"] = True


def _pause() -> None:
    st.session_state["pg_playing"] = False


def _step(options: list, step: int) -> None:
    ss = st.session_state
    ss["pg_playing"] = False
    ss["pg_replay"] = _moved(options, ss.get("pg_replay", END), step)


def _label(epoch) -> str:
    return "the end" if epoch == END else f"{epoch:,}"


def controls(place, view: RunView) -> None:
    """The slider, step back, Play or Pause, and step forward, drawn into `place` (under the
    regions); while playing, the timer that moves the slider on."""
    ss = st.session_state
    options = options_of(view)
    if len(options) < 2:
        place.empty()
        return
    if ss.get("pg_replay") not in options:  # not set yet, or of another run
        ss["pg_replay"] = END  # (its state is dropped while a run trains)
    playing = bool(ss.get("pg_playing"))
    at = ss["pg_replay"]
    with place.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        st.select_slider(
            "Replay: the run at epoch", options=options, key="pg_replay", format_func=_label,
            on_change=_pause,
            help=f"{len(options) - 1} snapshots from epoch 0 (the untrained network) to the "
                 "last epoch: the regions, the weights and the cards at that epoch; a dark "
                 "line marks it on the curves. With the slider focused, the arrow keys step "
                 "one snapshot.")
        buttons.button(st, "Earlier", icon=":material/skip_previous:", key="pg_replay_back",
                       on_click=_step, args=(options, -1), disabled=at == options[0],
                       help="One snapshot back.", width="content")
        if playing:
            buttons.button(st, "Pause", icon=":material/pause:", key="pg_pause_button",
                           on_click=_pause, help="Stop here.", width="content")
        else:
            buttons.button(st, "Play", icon=":material/play_arrow:", key="pg_play_button",
                           on_click=_play, args=(options,), width="content",
                           help="Step through the snapshots up to the end (from the start "
                                "when the slider is at the end).")
        buttons.button(st, "Later", icon=":material/skip_next:", key="pg_replay_forward",
                       on_click=_step, args=(options, +1), disabled=at == END,
                       help="One snapshot forward.", width="content")
    if playing:
        ss["pg_play_inline"] = True  # the timer's first call is this run's: not a tick
        st.fragment(_tick, run_every=STEP_S)()


def _tick() -> None:
    """The timer fragment's body: on each timer run (not the page's own first call), ask for
    the next snapshot and rerun the page (scope app: the slider, the charts and the cards)."""
    ss = st.session_state
    if ss.pop("pg_play_inline", False):
        return
    if not ss.get("pg_playing"):
        return
    ss["pg_play_tick"] = True
    st.rerun(scope="app")
