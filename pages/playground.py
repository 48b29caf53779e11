"""Playground: train live on the sidebar's config; loss split, accuracy, learning rate, regions."""

import streamlit as st

from ui import compare, live, panels, replay, runs, session, sidebar, upload
from ui.legacy_pages import leave_legacy_pages_mode
from ui.text import literal

leave_legacy_pages_mode()  # a deep link run in Streamlit's old pages mode: see the module

ss = st.session_state  # every key was set once by ui.session.init_session (dashboard.py)


def _stop(key: str) -> None:
    """Stop keeps the partial run just interrupted (saved by the live loop) for this config; a
    run stopped while it waited for a training slot has none, and stays stopped (not queued
    again) until Train again."""
    result = ss["pg_result"]
    if result and result["key"] == key and result["view"].status != "stopped":
        return  # it finished before the click arrived: show the finished run
    ss["pg_stopped_key"] = key


def _again(key: str) -> None:
    ss["pg_force"], ss["pg_stopped_key"] = key, None


def _buttons(stop_slot, again_slot, key: str, *, training: bool) -> None:
    """Stop is live while training; Train again once a result is shown (redrawn at the end)."""
    suffix = "" if training else "_idle"
    stop_slot.button("Stop", icon=":material/stop_circle:", key="pg_stop" + suffix,
                     on_click=_stop, args=(key,), disabled=not training, width="content",
                     help="End this run now and keep what it has learned.")
    again_slot.button("Train again", icon=":material/replay:",
                      key="pg_again" + ("_wait" if training else ""), on_click=_again,
                      args=(key,), disabled=training, width="content",
                      help="Watch this configuration train again (same seed: same numbers).")


def _header(config) -> None:
    """The preset's story (what the class should look for), if a preset is selected."""
    note = sidebar.preset_banner(config)
    if note:
        st.info(note, icon=":material/school:")


def _data(config):
    """(Dataset or None for built-in data, digest) or st.stop() while no CSV is uploaded."""
    if config.dataset != "csv":
        return None, ""
    if not ss["cfg_csv"]:
        if ss["cfg_csv_error"]:
            st.error(ss["cfg_csv_error"])
        st.info("Upload a CSV file in the sidebar (Data → CSV file) to train on your own points: "
                "three columns x1, x2, label.", icon=":material/upload_file:")
        st.stop()
    if ss["cfg_csv_error"]:
        st.error(ss["cfg_csv_error"] + " The previous file is still in use.")
    up = ss["cfg_csv"]
    return upload.csv_dataset(up, config.val_fraction, config.seed), up["digest"]


def _pin_buttons(slot, pin, *, finished: bool) -> None:
    """Pin (a finished run on screen), or Unpin and Swap while one is pinned."""
    suffix = "" if finished else "_wait"
    with slot.container(horizontal=True, gap="small", width="content"):
        if pin is None:
            st.button("Pin", icon=":material/push_pin:", key="pg_pin_button" + suffix,
                      on_click=compare.pin_now, disabled=not finished, width="content",
                      help="Keep this run as the reference: its curves stay faint under the "
                           "next runs', its regions beside theirs.")
            return
        st.button("Unpin", icon=":material/close:", key="pg_unpin" + suffix,
                  on_click=compare.unpin, width="content",
                  help="Stop comparing with the pinned run.")
        st.button("Swap", icon=":material/swap_horiz:", key="pg_swap" + suffix,
                  on_click=compare.swap, disabled=not finished, width="content",
                  help="Load the pinned run's settings; this run becomes the pinned one.")


def _pinned_from_link(config, data, digest: str) -> None:
    """A link that pins a run (?pin=...): take it from the cache, or train it first. A pinned
    run that cannot be trained (a CSV it does not have, a setting the engine rejects, a
    training process that failed) is said so in a warning and forgotten: nothing is pinned,
    the page goes on with its own run (and write_url drops the `pin` from the link)."""
    wanted = ss["pg_pin_wanted"]
    if wanted is None or ss["pg_pin"] is not None:
        return
    if wanted.dataset != "csv":  # built-in data: not the page's upload (if it has one)
        data, digest = None, ""
    pin_key = live.run_key(wanted, digest)
    view = live.cached(pin_key)
    failed = None
    if view is None:
        line = st.progress(0.0, text="Training the link's pinned run first…")
        try:
            view = live.train_live(
                wanted, data, pin_key,
                lambda v, p: line.progress(p.text(len(v.epoch), v.status)[0],
                                           text="Pinned run: " + p.text(len(v.epoch),
                                                                        v.status)[1]))
        except ValueError as exc:  # e.g. ?pin=dataset:csv on a page without an upload
            failed = f"cannot be trained on this data ({literal(exc, 200)})"
        except live.TrainerCrashed as exc:
            failed = f"failed to train on the server ({literal(exc, 200)})"
        finally:
            line.empty()
    if failed is not None:
        ss["pg_pin_wanted"] = None
        named = literal(compare.encode(wanted.to_dict(), config), 80)
        st.warning(f"The link's pinned run {named} {failed}: nothing pinned.",
                   icon=":material/link:")
    elif view is not None:
        ss["pg_pin"], ss["pg_pin_wanted"] = {"key": pin_key, "view": view}, None


def _ready_view(key: str):
    """A result to show without training: cached, or the partial run the user stopped."""
    if ss["pg_force"] == key:
        return None
    view = live.cached(key)
    result = ss["pg_result"]
    if view is None and ss["pg_stopped_key"] == key and result and result["key"] == key:
        view = result["view"]
    return view


config = ss.get("cfg_config")
if config is None:
    st.error(f"These settings cannot be trained: {literal(ss.get('cfg_error'), 300)}")
    st.stop()
_header(config)
for warning in compare.from_link(config):
    st.warning(warning, icon=":material/link:")
data, digest = _data(config)
key = live.run_key(config, digest)
_pinned_from_link(config, data, digest)
view = _ready_view(key)
# A finished run this session did not just show: from the server's cache (trained earlier here,
# by another session, or by a sweep): the progress line says so.
earlier = view is not None and (ss["pg_result"] or {}).get("key") != key

# One row of controls at their natural widths (wrapping on a narrow screen).
bar = st.container(horizontal=True, vertical_alignment="center", gap="small")
stop_slot, again_slot = bar.empty(), bar.empty()
_buttons(stop_slot, again_slot, key, training=view is None)
bar.toggle("Train points", key="pg_show_train", persist_state=session.PERSIST,
           help="Show the training points (dots) on the decision regions.", width="content")
bar.toggle("Val points", key="pg_show_val", persist_state=session.PERSIST,
           help="Show the validation points (diamonds), never trained on.", width="content")
bar.toggle("Log loss", key="pg_log_loss", persist_state=session.PERSIST,
           help="A log y-axis for the loss chart.", width="content")
pin = compare.pinned()
if pin is None:
    pin_slot = bar.empty()
else:  # Unpin and Swap beside the line that says what is pinned: the bar keeps to one row
    pin_row = st.container(horizontal=True, wrap=False, vertical_alignment="center", gap="small")
    pin_slot = pin_row.empty()
    pin_row.caption(f":material/push_pin: Pinned run (grey curves, regions on the right) "
                    f"against these settings, here → pinned: {compare.differences(pin, config)}")
_pin_buttons(pin_slot, pin, finished=view is not None)
opts = {"show_train": ss["pg_show_train"], "show_val": ss["pg_show_val"],
        "log_loss": ss["pg_log_loss"], "ref": pin, "at": replay.chosen(view, key)}

previous = (compare.previous(pin) if pin is not None else
            runs.previous_final(ss["pg_log"], key, runs.data_key(config.to_dict(), digest)))
# The run on screen stays there (updated in place) until this run's first snapshot replaces it.
shown = view or (ss["pg_result"] or {}).get("view") or runs.blank_view(config.to_dict())
slots = panels.place(shown, opts, previous)
progress_slot, alert_slot = slots.progress, slots.alert

if view is None and ss["pg_stopped_key"] == key and ss["pg_force"] != key:
    progress_slot.info("Stopped while waiting for a free training slot: nothing was trained. "
                       "Press **Train again** to take a place in the queue.",
                       icon=":material/stop_circle:")
    _buttons(stop_slot, again_slot, key, training=False)
elif view is None:
    forced = ss["pg_force"] == key  # Train again: watch it train, even if it finishes elsewhere
    ss["pg_force"] = ss["pg_stopped_key"] = None  # (a config stopped before trains when back)
    try:
        view = live.train_live(
            config, data, key, lambda v, p: panels.draw_charts(slots, v, opts, p, previous),
            on_wait=lambda ahead, long: progress_slot.progress(
                0.0, text=live.waiting_text(ahead, long)), reuse=not forced)
    except ValueError as exc:  # e.g. an uploaded CSV too large for this network
        alert_slot.error(f"These settings cannot be trained on this data: {literal(exc, 300)}")
    except live.TrainerCrashed as exc:
        alert_slot.error(f"Training failed on the server: {literal(exc, 300)} Press Train "
                         "again to retry.")
    _buttons(stop_slot, again_slot, key, training=False)
    if view is None:  # failed (or ended without a result): its message only, no live line
        progress_slot.empty()
    else:  # (Pin drawn above, disabled, stays so: a key may be drawn once per script run)
        _pin_buttons(pin_slot, pin, finished=True)

if view is not None:
    ss["pg_result"] = {"key": key, "view": view}
    panels.draw_charts(slots, view, opts, previous=previous, earlier=earlier)
    label = ss["cfg_preset"] if ss["cfg_preset"] != session.NO_PRESET else None
    ss["pg_log"] = runs.append_log(ss["pg_log"], runs.log_entry(
        key, view, runs.last_other(ss["pg_log"], key), digest, label,
        defaults=session.DEFAULTS))
    with alert_slot.container():
        panels.divergence(view)
    replay.controls(slots.replay, view)
    replay.play(view, lambda at: panels.draw_charts(slots, view, {**opts, "at": at},
                                                    previous=previous, earlier=earlier),
                opts["at"])
    panels.downloads(view, ss["pg_log"])
    panels.run_log(ss["pg_log"])
    panels.formulas_expander(view, view.config)
    ss["pg_warm"] = True  # the page has rendered once: live redraws may go at full pace
compare.write_url(config)
