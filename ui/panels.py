"""Streamlit panels of the Playground page: charts, metric cards, run log, downloads, formulas."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import count

import numpy as np
import streamlit as st

from . import figures, formulas, regions, runs
from .live import Progress

DOWNLOAD = ":material/download:"
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


@dataclass
class Slots:
    """Placeholders the live loop redraws in place."""

    progress: object
    regions: object
    loss: object
    accuracy: object
    lr: object
    weights: object
    draws: count  # unique chart keys per draw (the same figure twice in a run must not clash)


def draw_charts(slots: Slots, view: runs.RunView, opts: dict, progress: Progress | None = None):
    """Redraw every chart of `view` into its placeholder (used live and for the final result)."""
    n = next(slots.draws)
    done = len(view.epoch)
    if progress is not None:
        frac, text = progress.text(done, view.status)
    else:
        frac = done / max(view.config["epochs"], 1)
        rate = done / view.elapsed_s if view.elapsed_s > 0 else 0.0
        text = (f"{view.status.capitalize()}: {done:,} of {view.config['epochs']:,} epochs in "
                f"{view.elapsed_s:.1f} s · {rate:,.0f} epochs/s · fingerprint {view.fingerprint}")
    slots.progress.progress(min(frac, 1.0), text=text)
    s = view.series
    charts = {
        "loss": figures.loss_figure(view.epoch, s["data_loss"], s["reg_loss"], s["val_loss"],
                                    log_y=opts.get("log_loss", False)),
        "accuracy": figures.accuracy_figure(view.epoch, s["accuracy"], s["val_accuracy"]),
        "lr": figures.lr_figure(view.epoch, s["learning_rate"]),
        "weights": figures.weights_figure(*view.weight_hist, view.final["near_zero_weights"]),
        "regions": _regions_figure(view, opts),
    }
    for name, fig in charts.items():
        getattr(slots, name).plotly_chart(fig, key=f"pg_{name}_{n}", config=PLOT_CONFIG,
                                          theme=None, width="stretch")


def _regions_figure(view: runs.RunView, opts: dict):
    X, y, X_val, y_val = view.points
    if view.grid is None:  # diverged before any finite snapshot: points only
        both = np.vstack([X, X_val])
        grid = (both[:, 0].min(), both[:, 0].max()), (both[:, 1].min(), both[:, 1].max()), None
    else:
        grid = view.grid
    return regions.decision_figure(*grid, X, y, X_val, y_val,
                                   show_train=opts.get("show_train", True),
                                   show_val=opts.get("show_val", True))


CARDS = (("Train accuracy", "accuracy", "{:.1%}", "normal"),
         ("Validation accuracy", "val_accuracy", "{:.1%}", "normal"),
         ("Train loss (total)", "loss", "{:.3f}", "inverse"),
         ("Validation loss", "val_loss", "{:.3f}", "inverse"),
         ("Reg share of loss", "reg_share", "{:.1%}", "off"),
         ("Weights ≈ 0", "near_zero_weights", "{:.0%}", "off"))
CARD_HELP = {"accuracy": "On the training pass, with dropout on (like the notes).",
             "val_loss": "Data loss only on the validation set (like the notes).",
             "reg_share": "Regularisation loss / total loss at the last epoch.",
             "near_zero_weights": "Share of weights with |w| < 1e-3 (L1 drives this up)."}


def _metric_values(final: dict) -> dict:
    values = dict(final)
    loss, reg = final.get("loss", math.nan), final.get("reg_loss", math.nan)
    values["reg_share"] = reg / loss if loss and math.isfinite(loss) and loss > 0 else math.nan
    return values


def _show(value: float, fmt: str) -> str:
    if not math.isfinite(value):
        return "–"
    if "%" not in fmt and abs(value) >= 1000:
        return f"{value:.2g}"
    return fmt.format(value)


def metric_cards(view: runs.RunView, previous: dict | None) -> None:
    """Final metrics with the change against the previous run of this session."""
    now = _metric_values(view.final)
    before = _metric_values(previous) if previous else {}
    for column, (label, name, fmt, colour) in zip(st.columns(len(CARDS)), CARDS, strict=True):
        value = now.get(name, math.nan)
        delta = None
        if name in before and math.isfinite(value) and math.isfinite(before[name]):
            change = value - before[name]
            delta = f"{change * 100:+.1f} pts" if "%" in fmt else f"{change:+.3g}"
        column.metric(label, _show(value, fmt), delta,
                      delta_color=colour, help=CARD_HELP.get(name), border=True)


def divergence(view: runs.RunView) -> None:
    if view.status == "diverged":
        lr = view.config["learning_rate"]
        st.error(f"**Training diverged at epoch {view.diverged_at:,}**: the loss became "
                 f"NaN/infinite. The charts show the epochs before that. Hint: lower the "
                 f"learning rate (now {lr:g}; try {lr / 10:g}) or the lambdas.",
                 icon=":material/error:")


def run_log(log: list[dict]) -> None:
    st.subheader("Run log")
    if not log:
        st.caption("Finished runs of this session appear here.")
        return
    st.dataframe(runs.log_frame(log), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(log), 300))


def downloads(view: runs.RunView, log: list[dict]) -> None:
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


def formulas_expander(view: runs.RunView | None, config: dict) -> None:
    with st.expander("The formulas, with this run's numbers"):
        for title, general, numbers in formulas.formula_rows(config,
                                                            view.final if view else None):
            st.markdown(f"**{title}**")
            left, right = st.columns(2)
            left.latex(general)
            right.latex(numbers)
