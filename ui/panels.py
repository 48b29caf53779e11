"""Streamlit panels of the Playground page: charts, metric cards, run log, downloads, formulas."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas  # noqa: F401  (see below)
import streamlit as st

from nncore.grid import grid_bounds
from nncore.metrics import NEAR_ZERO
from workers.network import unpack
from workers.views import RunView

from . import canvas, formulas, runs, teaching
from .charts import diagram, regions, training
from .live import Progress

# Sessions are threads: a module one thread imports lazily (pandas, for the run log's table
# and the downloads) is seen half-initialised by another thread starting the same import
# ("partially initialized module 'pandas'", seen with 30 sessions at once). So the page code
# imports it up front (ui.runs does too; the training workers, workers/, need no pandas).
DOWNLOAD = ":material/download:"


ALT = {"regions": "Decision regions of the network over the input plane, with the points",
       "loss": "Training loss split into data loss and regularisation loss, and validation loss",
       "reg": "Regularisation loss over the epochs, on its own scale",
       "accuracy": "Training and validation accuracy over the epochs",
       "lr": "Learning rate over the epochs",
       "weights": "Histogram of the weights of the layers the lambdas apply to",
       "pinned": "Decision regions of the pinned reference run",
       "network_pinned": "The pinned reference run's network drawn",
       "network": "The network drawn: its units and strongest connections, width from |w|, "
                  "colour from the sign"}


PINNED_ONLY = ("pinned", "network_pinned")  # drawn only while a run is pinned
N_CHARTS = len(ALT) - len(PINNED_ONLY)  # the charts of the Playground's run
N_PINNED_CHARTS = len(ALT)              # ... and with a run pinned


@dataclass
class Slots:
    """Placeholders the live loop redraws in place (the same element types in the same places:
    the browser updates them instead of building new ones)."""

    progress: object
    alert: object
    cards: object
    regions: object
    loss: object
    reg: object
    accuracy: object
    lr: object
    weights: object
    network: object = None  # the network drawn (ui/charts/diagram.py)
    replay: object = None   # under the regions: the replay controls of a finished run
    pinned: object = None   # the pinned run's regions, if a run is pinned
    network_pinned: object = None  # ... and its network drawn
    # Under the charts: the finished run's downloads, the run log and the formulas. One
    # placeholder, emptied as each script run lays out the page: while a run trains, the last
    # run's buttons and expander are gone, not left on screen to press (opening the formulas,
    # a rerun, stopped the run under way).
    below: object = None


# The widths of the left column (regions, replay, accuracy) and the right one (cards, loss,
# reg loss, network); with a run pinned, two maps side by side need a wider left one.
COLUMNS, PINNED_COLUMNS = [1, 2.1], [1.5, 1.9]


def place(shown: RunView, opts: dict, previous: dict | None, aside=None,
          earlier: bool = False) -> Slots:
    """Lay out the progress line, the cards and the charts, drawing `shown` (the run on screen
    before this script run, or a blank one) into them at once, and return their handles.

    Each handle is the element itself, not an st.empty(): an empty placeholder is a message of
    its own, and the browser would swap every chart for an empty element and back at the start
    of each run (measured: all six charts rebuilt per slider move). Redrawing an element's
    handle replaces it in place. With a pinned run (opts["ref"]) its regions go beside the
    current ones; under them is room for the replay controls (Slots.replay). `aside`: a
    function that draws into a narrower first column, left of the regions (the lesson's text
    in lesson mode, ui/lesson_mode.py). `earlier`: `shown` is the run to show, from the
    server's cache (the progress line says so from its first draw: see progress_text)."""
    progress, alert = st.empty(), st.empty()
    frac, text = (progress_line(shown, opts, None, earlier) if len(shown.epoch) else
                  (0.0, "Starting…"))
    progress = progress.progress(min(frac, 1.0), text=text)
    specs = encoded_charts(shown, opts)
    # The regions beside the cards and the loss split: on a 1280 x 720 projector (sidebar
    # collapsed) both charts fit without scrolling. The regions are square (equal aspect) and
    # fill their column, so the column's width sets their height: about 380 px wide leaves
    # room for the title, axes and legends under the row of controls (issue 20, 2).
    if aside is None:  # (pinned: two maps side by side need a wider left column)
        left, right = st.columns(PINNED_COLUMNS if opts.get("ref") is not None else COLUMNS)
    else:
        side, left, right = st.columns([0.8, 0.9, 1.4])
        with side.container(key="pg_aside"):  # (keyed: ui/style.py orders it on a phone)
            aside()
    # The six cards in one keyed container that ui/style.py lays out as a grid (one row of six
    # on a wide screen, rows of three on a narrow one: st.columns stack one per row on a phone).
    cards_grid = right.container(key="pg_cards")
    places = [cards_grid] * len(CARDS)
    cards = metric_cards(shown, previous, places, opts.get("at"))
    with right:  # what the small numbers under the cards are measured against (issue 19)
        st.caption(against_text(previous))
    if "pinned" in specs:
        with left:
            regions_place, pinned_place = st.columns(2)
    else:
        regions_place, pinned_place = left, None
    placed = {"regions": regions_place, "loss": right, "reg": right}
    handles = {name: _draw(where, specs, name) for name, where in placed.items()}
    if pinned_place is not None:
        handles["pinned"] = _draw(pinned_place, specs, "pinned")
    # A container, not st.empty(): an empty placeholder is sent anew each run, which would
    # unmount the replay slider and take its keyboard focus (arrow keys stepped once only).
    replay = left.container()
    handles["accuracy"] = _draw(left, specs, "accuracy")
    # The network under the reg-loss chart, in the right column: a third row of three charts
    # was too narrow for their titles at 1280 x 720 with the sidebar open.
    if "network_pinned" in specs:  # the pinned run's network beside this run's
        net_here, net_pinned = right.columns(2)
        handles["network"] = _draw(net_here, specs, "network")
        handles["network_pinned"] = _draw(net_pinned, specs, "network_pinned")
    else:
        handles["network"] = _draw(right, specs, "network")
    low_left, low_right = st.columns(2)
    handles.update(lr=_draw(low_left, specs, "lr"), weights=_draw(low_right, specs, "weights"))
    return Slots(progress=progress, alert=alert, cards=cards, replay=replay, below=st.empty(),
                 **handles)


CHART_KEY = "pg_chart_{}"  # a chart's element key: its identity across redraws and reruns


def revisions(opts: dict) -> dict[str, str | None]:
    """What each chart's zoom belongs to (Plotly's uirevision, ui/canvas.py): the run's key
    (ui.live.run_key: its config and uploaded data), so that zooming in survives a retrain of
    the same run and a new run, or new data, starts unzoomed; the pinned run's charts: the
    pinned run's key. (None: the chart's own key.)"""
    return {name: opts.get("pinned_revision") if name in PINNED_ONLY else opts.get("revision")
            for name in ALT}


def _draw(where, encoded: Mapping[str, str], name: str):
    return canvas.draw_encoded(where, encoded[name], key=CHART_KEY.format(name))


# How many pages of charts the server keeps (a page's encoded charts are ~240 kB; ~400 kB with
# a run pinned): a class opening one link, and a few runs of the same lesson.
KEPT_PAGES = 32


def encoded_charts(view: RunView, opts: dict) -> Mapping[str, str]:
    """Every chart of `view` under `opts` (charts()) as canvas.encode's text, by chart name. A
    finished run's (and its pinned run's) are kept for every session (Streamlit's
    cache_resource): 30 sessions opening one link each built the same figures (regions image,
    unit maps, ~240 kB of JSON) under one GIL (benchmarks/bench_open_burst.py). A run that is
    training (no fingerprint yet) is encoded anew each time."""
    ident = chart_identity(view, opts)
    if ident is None:
        return _encode_charts(view, opts)
    return _kept_charts(ident, view, opts)


def chart_identity(view: RunView, opts: dict) -> tuple | None:
    """What charts() and the encoding read of `view` and `opts`, for a finished run: its run key
    (opts["revision"]: config and data), config, fingerprint (History.fingerprint: equal
    fingerprints, equal numbers), status and length; the toggles; the pinned run's; the
    replayed snapshot's epoch (a run's snapshots are fixed once it has ended). None while a run
    (or the pinned one) has no fingerprint: training, not the same twice."""
    ref, at = opts.get("ref"), opts.get("at")
    if not view.fingerprint or (ref is not None and not ref.fingerprint):
        return None

    def run(v: RunView, revision) -> tuple:
        return (revision, json.dumps(v.config, sort_keys=True, default=str), v.fingerprint,
                v.status, len(v.epoch))

    return (run(view, opts.get("revision")),
            bool(opts.get("show_train", True)), bool(opts.get("show_val", True)),
            bool(opts.get("log_loss", False)),
            None if ref is None else run(ref, opts.get("pinned_revision")),
            None if at is None else int(at.epoch))


def _encode_charts(view: RunView, opts: dict) -> dict[str, str]:
    specs, rev = charts(view, opts), revisions(opts)
    return {name: canvas.encode(figure, key=CHART_KEY.format(name), alt=ALT[name],
                                revision=rev[name]) for name, figure in specs.items()}


# cache_resource, not cache_data: every session gets the one read-only mapping of strings
# (cache_data would unpickle a copy of ~240 kB for each); no session can change it.
@st.cache_resource(max_entries=KEPT_PAGES, show_spinner=False)
def _kept_charts(ident: tuple, _view: RunView, _opts: dict) -> Mapping[str, str]:
    """_encode_charts, kept by `ident` (chart_identity) alone: the view and options are not
    hashed (arrays of a whole run), the identity stands for them."""
    return MappingProxyType(_encode_charts(_view, _opts))


def against_text(previous: dict | None) -> str:
    """The line under the cards: what their changes compare with ("" when nothing). Built from
    config values only (numbers and the fields' fixed choices), so plain caption text is safe."""
    if not previous or "against" not in previous:
        return ""
    return f"Changes under the cards: against {previous['against']}."


EARLIER = " · trained earlier with these settings (same seed, same numbers)"


def progress_text(view: RunView, progress: Progress | None,
                  earlier: bool = False) -> tuple[float, str]:
    """The progress line: live, or of a finished run (`earlier`: one this page did not train
    now, from the server's cache: this session's, another session's or a sweep's run)."""
    done = len(view.epoch)
    if progress is not None:
        return progress.text(done, view.status)
    rate = done / view.elapsed_s if view.elapsed_s > 0 else 0.0
    return (done / max(view.config["epochs"], 1),
            f"{view.status.capitalize()}: {done:,} of {view.config['epochs']:,} epochs in "
            f"{view.elapsed_s:.1f} s · {rate:,.0f} epochs/s · fingerprint {view.fingerprint}"
            + (EARLIER if earlier else ""))


def charts(view: RunView, opts: dict) -> dict[str, dict]:
    """The Plotly figure of every chart of `view` (pure: what the page draws). `opts` may
    hold "ref", a pinned RunView drawn faintly under the curves (and its regions as a chart
    of their own, "pinned"), and "at", a replay Snapshot (workers.recorder) the regions, weights
    and a cursor on the curves show instead of the end."""
    s, config = view.series, view.config
    ref, at = opts.get("ref"), opts.get("at")
    regularised = any(config[k] > 0 for k in ("weight_l1", "weight_l2", "bias_l1", "bias_l2"))
    edges, counts = view.weight_hist
    n = training.LIVE_POINTS if view.status == "running" else training.FINAL_POINTS
    cursor = at.epoch if at is not None else None
    r = ref.series if ref is not None else None

    def ref_of(**columns):
        return None if ref is None else {"epoch": ref.epoch, **columns}

    specs = {
        # Side by side, each chart is too narrow for "Decision regions" (it was cut short).
        "regions": (_regions_chart(view, opts, at) if ref is None else
                    _regions_chart(view, opts, at, title="This run", narrow=True)),
        "loss": training.loss_chart(
            view.epoch, s["data_loss"], s["reg_loss"], s["val_loss"],
            log_y=opts.get("log_loss", False), points=n, cursor=cursor,
            ref=ref_of(total=r["data_loss"] + r["reg_loss"], val=r["val_loss"]) if r else None),
        "reg": training.reg_chart(view.epoch, s["data_loss"], s["reg_loss"],
                                  regularised=regularised, points=n, cursor=cursor,
                                  ref=ref_of(reg=r["reg_loss"]) if r else None),
        "accuracy": training.accuracy_chart(
            view.epoch, s["accuracy"], s["val_accuracy"], points=n, cursor=cursor,
            ref=ref_of(train=r["accuracy"], val=r["val_accuracy"]) if r else None),
        "lr": training.lr_chart(view.epoch, s["learning_rate"], points=n),
        "weights": training.weights_chart(
            edges, at.weight_counts if at is not None else counts,
            math.nan if at is not None else view.final["exact_zero_weights"], NEAR_ZERO,
            ref_counts=ref.weight_hist[1] if ref is not None else None,
            title=_weights_title(config, regularised)),
        "network": _network_chart(view, at, narrow=ref is not None),
    }
    if ref is not None:
        specs["pinned"] = _regions_chart(ref, opts, None, title="Pinned run",
                                         narrow=True)
        # the same fixed |w| scale: the two networks compare line for line
        specs["network_pinned"] = diagram.diagram_chart(getattr(ref, "network", None),
                                                        title="Pinned run", narrow=True,
                                                        **_maps(ref))
    return specs


def _network_chart(view: RunView, at, narrow: bool) -> dict:
    """The network drawn at the end of `view`, or at the replay's snapshot `at`: its weights
    then (the hidden units' maps, a finished run's, are of the end only: not shown then). A
    snapshot without a picture (its weights were not finite) shows the end, and says so."""
    title = "This run" if narrow else "The network"
    packed = getattr(at, "network", None)
    if at is not None and packed is not None:
        return diagram.diagram_chart(unpack(packed), title=f"{title} at epoch {at.epoch:,}",
                                     narrow=narrow)
    return diagram.diagram_chart(getattr(view, "network", None), narrow=narrow,
                                 title=title + (" at the end" if at is not None else ""),
                                 **_maps(view))


def _maps(view: RunView) -> dict:
    """diagram_chart's `units` and `deeper`: a finished run's hidden units with activation
    maps (workers.recorder Units and Deeper; their maps show over the diagram)."""
    extras = getattr(view, "extras", None)
    return {"units": getattr(extras, "units", None), "deeper": getattr(extras, "deeper", ())}


def _weights_title(config: dict, regularised: bool) -> str:
    """The histogram shows the weights the lambdas apply to (nncore.metrics.regularised_weights):
    with every lambda 0 none is regularised, and the title says which layers they are (short:
    at 1280 x 720 a "(none regularised)" after it was cut)."""
    if regularised:
        return "Weights of the regularised layers"
    return "Weights of all layers" if config["regularise_output"] else \
        "Weights of the hidden layers"


def metrics_at(view: RunView, at) -> dict:
    """The cards' numbers at a replay snapshot `at` (the end's if None)."""
    if at is None:
        return view.final
    i = int(np.searchsorted(view.epoch, at.epoch))
    values = {k: float(v[i]) for k, v in view.series.items()}
    values["loss"] = values["data_loss"] + values["reg_loss"]
    total = max(int(at.weight_counts.sum()), 1)
    values["near_zero_weights"] = at.weight_counts[len(at.weight_counts) // 2] / total
    return values


def draw_progress(slots: Slots, view: RunView, opts: dict, progress: Progress | None = None,
                  earlier: bool = False) -> None:
    """Redraw the progress line of `view` (and the replayed epoch, if any)."""
    frac, text = progress_line(view, opts, progress, earlier)
    slots.progress.progress(min(frac, 1.0), text=text)


def progress_line(view: RunView, opts: dict, progress: Progress | None = None,
                  earlier: bool = False) -> tuple[float, str]:
    """progress_text, and the replayed epoch if one is shown."""
    frac, text = progress_text(view, progress, earlier)
    if opts.get("at") is not None:
        text += f" · replaying epoch {opts['at'].epoch:,}"
    return frac, text


def draw_charts(slots: Slots, view: RunView, opts: dict, progress: Progress | None = None,
                previous: dict | None = None, earlier: bool = False) -> None:
    """Redraw the progress line, the cards and every chart of `view` into their placeholders
    (used live and for the final result; `earlier`: see progress_text)."""
    draw_progress(slots, view, opts, progress, earlier)
    slots.cards = metric_cards(view, previous, slots.cards, opts.get("at"))
    encoded = encoded_charts(view, opts)
    for name in encoded:
        if getattr(slots, name, None) is not None:
            setattr(slots, name, _draw(getattr(slots, name), encoded, name))


def _regions_chart(view: RunView, opts: dict, at=None,
                   title: str = "Decision regions", narrow: bool = False) -> dict:
    X, y, X_val, y_val = view.points
    probs = view.grid[2] if view.grid is not None else None
    labels = np.r_[np.asarray(y), np.asarray(y_val)]
    classes = (probs.shape[-1] if probs is not None else
               int(labels.max()) + 1 if labels.size else int(view.config["classes"]))
    bounds = grid_bounds(np.asarray(X), np.asarray(X_val))  # the box the worker used
    return regions.decision_chart(bounds, probs, X, y, X_val, y_val, title=title,
                                  codes=at.codes if at is not None else None,
                                  classes=classes, show_train=opts.get("show_train", True),
                                  show_val=opts.get("show_val", True), narrow=narrow)


# Like beside like: the training loss card is the DATA loss, as the validation loss is (the
# total, data + regularisation, read 0.323 > val 0.249 on overfit-l2 while the training data
# loss was 0.196: validation seemed to beat training). The total and the regulariser's share
# of it are on the reg share card. The labels are the loss chart's legend's words and fit a
# card at 1280 x 720 with the sidebar open (~64 px: "Train loss (data)" was cut short).
CARDS = (("Train acc", "accuracy", "{:.1%}", "normal"),
         ("Val acc", "val_accuracy", "{:.1%}", "normal"),
         ("Reg share", "reg_share", "{:.1%}", "off"),
         ("Data loss", "data_loss", "{:.3f}", "inverse"),
         ("Val loss", "val_loss", "{:.3f}", "inverse"),
         (runs.NEAR_ZERO_LABEL, "near_zero_weights", "{:.0%}", "off"))
CARD_HELP = {"accuracy": "Training accuracy, measured on the training pass with dropout on "
                         "(like the notes).",
             "val_accuracy": "Accuracy on the validation points, never trained on.",
             "data_loss": "Training data loss: the loss on the training points without the "
                          "regularisation loss, like with like beside the val loss. Total "
                          "training loss (data + reg): {loss}.",
             "val_loss": "Validation data loss: the loss on the validation points (no "
                         "regularisation term, like the notes), to compare with the training "
                         "data loss.",
             "reg_share": "Share of the total training loss that is regularisation: reg loss "
                          "/ (data loss + reg loss) = {reg_loss} / {loss} (the total).",
             "near_zero_weights": teaching.NEAR_ZERO_CARD.format(near=NEAR_ZERO)}


def _metric_values(final: dict) -> dict:
    values = dict(final)
    loss, reg = final.get("loss", math.nan), final.get("reg_loss", math.nan)
    if "data_loss" not in values:  # a run log row keeps the total and the reg loss
        values["data_loss"] = loss - reg
    values["reg_share"] = reg / loss if loss and math.isfinite(loss) and loss > 0 else math.nan
    return values


def _help(name: str, values: dict) -> str | None:
    """A card's tooltip, with the numbers it names (the total training loss...) filled in."""
    text = CARD_HELP.get(name)
    if text is None:
        return None
    return text.format(**{k: _show(values.get(k, math.nan), "{:.3f}")
                          for k in ("loss", "reg_loss")})


def _show(value: float, fmt: str) -> str:
    if not math.isfinite(value):
        return "–"
    if "%" not in fmt and abs(value) >= 1000:
        return f"{value:.2g}"
    return fmt.format(value)


def metric_cards(view: RunView, previous: dict | None, places: list, at=None) -> list:
    """The run's last metrics (or at replay snapshot `at`), with the change against the
    previous comparable run (or the pinned one), one card in each of `places` (columns, or the
    cards drawn before: redrawn in place); returns the cards' handles."""
    now = _metric_values(metrics_at(view, at))
    before = _metric_values(previous) if previous else {}
    handles = []
    for place, (label, name, fmt, colour) in zip(places, CARDS, strict=True):
        value = now.get(name, math.nan)
        delta, arrow = None, "auto"
        if name in before and math.isfinite(value) and math.isfinite(before[name]):
            delta = card_delta(value - before[name], fmt)
            if delta.startswith("±"):  # no change: no arrow, no green or red
                colour, arrow = "off", "off"
        handles.append(place.metric(label, _show(value, fmt), delta, delta_color=colour,
                                    delta_arrow=arrow, help=_help(name, now), border=True))
    return handles


def card_delta(change: float, fmt: str) -> str:
    """A card's change as shown: percentage points for shares, 3 significant digits else;
    "±0" when it rounds to nothing (a "+0.0 pts" beside a green arrow read as a gain)."""
    text = f"{change * 100:+.1f}" if "%" in fmt else f"{change:+.3g}"
    if float(text) == 0:
        text = "±0"
    return f"{text} pts" if "%" in fmt else text


def divergence(view: RunView) -> None:
    if view.status == "diverged":
        lr = view.config["learning_rate"]
        st.error(f"**Training diverged at epoch {view.diverged_at:,}**: the loss became "
                 f"NaN/infinite. The charts show the epochs before that. Hint: lower the "
                 f"learning rate (now {lr:g}; try {lr / 10:g}) or the lambdas.",
                 icon=":material/error:")


def run_log(log: list[dict]) -> None:
    """The session's finished runs, to compare. One run is a line, not a table: a table
    (st.dataframe) on a session's first page held its charts back ~0.3 s, the browser fetching
    and parsing 1.2 MB of table code first (docs/DECISIONS.md, "Charts on Plotly")."""
    st.subheader("Run log")
    if not log:
        st.caption("Finished runs of this session appear here.")
        return
    if len(log) == 1:
        st.caption("This is the session's first finished run. The runs after it are listed "
                   "here, each with what changed since the one before.")
        return
    st.dataframe(runs.log_frame(log), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(log), 300))


def downloads(view: RunView, log: list[dict]) -> None:
    """The files are made when a button is clicked (Streamlit's deferred downloads), not on
    every run: the history CSV was a sixth of the server's time per page under class load."""
    log = list(log)  # this run's log, whatever the session's list becomes later
    cols = st.columns(3)
    cols[0].download_button("History (CSV)", lambda: runs.history_csv(view), "history.csv",
                            "text/csv", on_click="ignore", key="pg_dl_history", icon=DOWNLOAD,
                            width="stretch")
    cols[1].download_button("Config (JSON)", runs.config_json(view.config), "config.json",
                            "application/json", on_click="ignore", key="pg_dl_config",
                            icon=DOWNLOAD, width="stretch")
    cols[2].download_button("Run log (CSV)", lambda: runs.log_csv(log), "run_log.csv",
                            "text/csv", on_click="ignore", key="pg_dl_log", icon=DOWNLOAD,
                            width="stretch", disabled=not log)


def formulas_expander(view: RunView | None, config: dict) -> None:
    """Typeset only while open (Streamlit's lazy expander: opening it reruns the page): KaTeX
    on a session's first page held its charts back too (docs/DECISIONS.md, "Charts on
    Plotly")."""
    box = st.expander("The formulas, with this run's numbers", key="pg_formulas",
                      on_change="rerun")
    if not box.open:
        return
    with box:
        for title, general, numbers in formulas.formula_rows(config,
                                                            view.final if view else None):
            st.markdown(f"**{title}**")
            left, right = st.columns(2)
            left.latex(general)
            right.latex(numbers)
