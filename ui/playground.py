"""The Playground page's parts (pages/playground.py runs them top to bottom): the settings, the
link's pinned run, the run to show or to train live, and what is drawn once a run is shown.
The row of controls is ui.playground_bar."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from nncore import Dataset, TrainConfig
from workers.views import RunView

from . import compare, live, panels, replay, runs, session, sidebar, upload
from .playground_bar import Bar
from .text import literal

# Each session's own state: a proxy that Streamlit resolves per script thread, not a shared dict.
# Every key was set once by ui.session.init_session (dashboard.py).
ss = st.session_state


@dataclass
class Charts:
    """Where the charts are (panels.Slots) and how they are drawn: the toggles' options (and
    the replayed snapshot, "at") and the run they compare with (pinned or previous)."""

    slots: panels.Slots
    opts: dict
    previous: dict | None
    shown: RunView | None = None  # the run place() drew (with these opts)

    def draw(self, view: RunView, progress: live.Progress | None = None, *,
             earlier: bool = False, opts: dict | None = None) -> None:
        if view is self.shown and opts is None and progress is None:
            # drawn already by place(): only the progress line's words differ. (A link to a
            # cached run sent every chart's data twice: 180 kB, then the same 180 kB again.)
            panels.draw_progress(self.slots, view, self.opts, None, earlier)
            return
        self.shown = None
        panels.draw_charts(self.slots, view, self.opts if opts is None else opts, progress,
                           self.previous, earlier)


def settings() -> TrainConfig:
    """The sidebar's config; if these settings cannot be trained, says why and st.stop()."""
    config, why_not = session.sidebar_config()
    if config is None:
        st.error(f"These settings cannot be trained: {literal(why_not, 300)}")
        st.stop()
    return config


def run_page(lesson=None) -> None:
    """The Playground, top to bottom: the settings (or why they cannot train), the preset's
    story (or, in lesson mode, the lesson's header) and the link's pinned run, the row of
    controls, the charts (the last run stays until a new one draws; in lesson mode the step's
    text beside them), then the run: one to show at once (cached or stopped), or one trained
    live. `lesson`: ui.lesson_mode's Lesson, or None for the Playground itself."""
    from .playground_bar import control_bar

    config = settings()
    header(config, lesson)
    data_set, digest = data(config)
    key = live.run_key(config, digest)
    pinned_from_link(config, data_set, digest)
    view = ready_view(key)
    earlier = trained_earlier(view, key)
    bar = control_bar(key, config, finished=view is not None,
                      extra=None if lesson is None else lesson.steps)
    charts = place_charts(config, key, digest, view, bar.pin,
                          aside=None if lesson is None else lambda: lesson.aside(config),
                          earlier=earlier)
    if view is None:
        view = train(config, data_set, key, bar, charts)
    if view is not None:
        show_run(view, key, digest, charts, earlier=earlier)
        if lesson is not None:
            lesson.with_run(view)
    compare.write_url(config)


def header(config: TrainConfig, lesson=None) -> None:
    """The preset's story (what the class should look for), if a preset is selected, or the
    lesson's header in lesson mode; then what the link asked for that could not be applied."""
    if lesson is not None:
        lesson.header(config)
    else:
        note = sidebar.preset_banner(config)
        if note:  # compact (ui/style.py .st-key-pg_story): it must not push the charts down
            st.container(key="pg_story").info(note, icon=":material/school:")
    for warning in compare.from_link(config):
        st.warning(warning, icon=":material/link:")


def data(config: TrainConfig) -> tuple[Dataset | None, str]:
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


def pinned_from_link(config: TrainConfig, data: Dataset | None, digest: str) -> None:
    """A link that pins a run (?pin=...): take it from the cache, or train it first. A pinned
    run that cannot be trained (a CSV it does not have, a setting the engine rejects, a
    training process that failed) is said so in a warning and forgotten: nothing is pinned,
    the page goes on with its own run, and the `pin` leaves the link at once (written here,
    not only at the top of the next run)."""
    wanted = ss["pg_pin_wanted"]
    if wanted is None or ss["pg_pin"] is not None:
        return
    if wanted.dataset != "csv":  # built-in data: not the page's upload (if it has one)
        data, digest = None, ""
    pin_key = live.run_key(wanted, digest)
    view = live.cached(pin_key)
    failed = None
    if view is None:
        view, failed = _train_pinned(wanted, data, pin_key)
    if failed is not None:
        ss["pg_pin_wanted"] = None
        compare.write_url(config)  # now, not after the page's own run (see above)
        named = literal(compare.encode(wanted.to_dict(), config), 80)
        st.warning(f"The link's pinned run {named} {failed}: nothing pinned.",
                   icon=":material/link:")
    elif view is not None:
        ss["pg_pin"], ss["pg_pin_wanted"] = {"key": pin_key, "view": view}, None


def _train_pinned(wanted: TrainConfig, data: Dataset | None, pin_key: str
                  ) -> tuple[RunView | None, str | None]:
    """Train the link's pinned run under a progress line of its own: (view, None), or (None,
    why it failed)."""
    if wanted.dataset == "csv" and data is None:  # (the engine's own message names its API)
        return None, ("cannot be trained on this data (it needs uploaded data: a CSV file "
                      "uploaded in the sidebar, which a link cannot carry)")
    line = st.progress(0.0, text="Training the link's pinned run first…")
    try:
        return live.train_live(
            wanted, data, pin_key,
            lambda v, p: line.progress(p.text(len(v.epoch), v.status)[0],
                                       text="Pinned run: " + p.text(len(v.epoch),
                                                                    v.status)[1])), None
    except ValueError as exc:  # e.g. ?pin=dataset:csv on a page without an upload
        return None, f"cannot be trained on this data ({literal(exc, 200)})"
    except live.TrainerCrashed as exc:
        return None, f"failed to train on the server ({literal(exc, 200)})"
    finally:
        line.empty()


def ready_view(key: str) -> RunView | None:
    """A result to show without training: cached, or the partial run the user stopped."""
    if ss["pg_force"] == key:
        return None
    view = live.cached(key)
    result = ss["pg_result"]
    if view is None and ss["pg_stopped_key"] == key and result and result["key"] == key:
        view = result["view"]
    return view


def trained_earlier(view: RunView | None, key: str) -> bool:
    """Whether `view` is a finished run this session did not just show: from the server's cache
    (trained earlier here, by another session, or by a sweep); the progress line says so."""
    return view is not None and (ss["pg_result"] or {}).get("key") != key


def place_charts(config: TrainConfig, key: str, digest: str, view: RunView | None,
                 pin: RunView | None, aside=None, earlier: bool = False) -> Charts:
    """Lay out the progress line, cards and charts. The run on screen stays there (updated in
    place) until this run's first snapshot replaces it; the cards compare with the pinned run,
    or else with this session's last run of other settings on the same data."""
    opts = {"show_train": ss["pg_show_train"], "show_val": ss["pg_show_val"],
            "log_loss": ss["pg_log_loss"], "ref": pin, "at": replay.chosen(view, key),
            "revision": key, "pinned_revision": (ss["pg_pin"] or {}).get("key")}
    if pin is not None:
        previous = {**compare.previous(pin), "against": "the pinned run"}
    else:
        row = runs.previous_final(ss["pg_log"], key, runs.data_key(config.to_dict(), digest))
        previous = None if row is None else {
            **row, "against": "the previous run on these points: "
                              + runs.config_changes(config.to_dict(), row["config"], arrows=True)}
    shown = view or (ss["pg_result"] or {}).get("view") or runs.blank_view(config.to_dict())
    # (a cached run's progress line says "trained earlier" from its first draw: a browser
    # reading it between this draw and show_run's saw it without)
    return Charts(panels.place(shown, opts, previous, aside, earlier and shown is view), opts,
                  previous, shown)


def train(config: TrainConfig, data: Dataset | None, key: str, bar: Bar, charts: Charts
          ) -> RunView | None:
    """Train this config live into the charts and return its view (None if it failed: its
    message only). A run stopped while it waited for a slot is not queued again: it says so
    until Train again."""
    if ss["pg_stopped_key"] == key and ss["pg_force"] != key:
        charts.slots.progress.info(
            "Stopped while waiting for a free training slot: nothing was trained. "
            "Press **Train again** to take a place in the queue.", icon=":material/stop_circle:")
        bar.buttons(training=False)
        return None
    forced = ss["pg_force"] == key  # Train again: watch it train, even if it finishes elsewhere
    ss["pg_force"] = ss["pg_stopped_key"] = None  # (a config stopped before trains when back)
    view = _train_live(config, data, key, charts, reuse=not forced)
    bar.buttons(training=False)
    if view is None:  # failed (or ended without a result): its message only, no live line
        charts.slots.progress.empty()
    else:  # (Pin drawn above, disabled, stays so: a key may be drawn once per script run)
        bar.pin_buttons(finished=True)
    return view


def _train_live(config: TrainConfig, data: Dataset | None, key: str, charts: Charts, *,
                reuse: bool) -> RunView | None:
    """live.train_live drawing into the charts (its place in the queue on the progress line);
    a run that cannot train says why in the alert slot and gives None."""
    try:
        return live.train_live(
            config, data, key, charts.draw,
            on_wait=lambda ahead, long: charts.slots.progress.progress(
                0.0, text=live.waiting_text(ahead, long)), reuse=reuse)
    except ValueError as exc:  # e.g. an uploaded CSV too large for this network
        charts.slots.alert.error(
            f"These settings cannot be trained on this data: {literal(exc, 300)}")
    except live.TrainerCrashed as exc:
        charts.slots.alert.error(f"Training failed on the server: {literal(exc, 300)}. Press "
                                 "Train again to retry.")
    return None


def preset_label(name: str, config: TrainConfig) -> str | None:
    """The run log's preset column: the preset selected, and what differs from it (a row said
    "overfit-l2" for a run whose dropout had been moved off the preset's)."""
    if name == session.NO_PRESET:
        return None
    changed = session.preset_changes(config, name)
    return f"{name} (changed: {', '.join(changed)})" if changed else name


def show_run(view: RunView, key: str, digest: str, charts: Charts, *, earlier: bool) -> None:
    """A run to show (cached, stopped, or just trained): its charts, its row in the run log,
    a divergence alert, the replay slider, downloads, the run log and the formulas."""
    ss["pg_result"] = {"key": key, "view": view}
    charts.draw(view, earlier=earlier)
    label = preset_label(ss["cfg_preset"], TrainConfig.from_dict(view.config))
    ss["pg_log"] = runs.append_log(ss["pg_log"], runs.log_entry(
        key, view, runs.last_other(ss["pg_log"], key), digest, label,
        defaults=session.DEFAULTS))
    with charts.slots.alert.container():
        panels.divergence(view)
    replay.controls(charts.slots.replay, view)
    with charts.slots.below.container():
        panels.downloads(view, ss["pg_log"])
        panels.run_log(ss["pg_log"])
        panels.formulas_expander(view, view.config)
    ss["pg_warm"] = True  # the page has rendered once: live redraws may go at full pace
