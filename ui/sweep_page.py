"""The Sweep page's widgets and state: a sweep's definition (in the URL), its run on the
server's training workers (or a Dask cluster), and its live results."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from nncore import (
    SWEEP_PRESET_NOTES,
    SWEEP_PRESETS,
    Sweep,
    SweepSpec,
    TrainConfig,
    make_spec,
    start_sweep,
)
from nncore.grid import grid_bounds
from nncore.sweep import (
    CONNECT_TIMEOUT_S,
    MAX_RUNS,
    MAX_SEEDS,
    MAX_VALUES,
    SCHEDULER_ENV,
    Axis,
    fmt,
    numeric_fields,
    scheduler_from_env,
    start_sweep_in_background,
    summarise,
)
from workers import cost
from workers.executor import SlotExecutor
from workers.views import RunView

from . import internals, live, session
from .charts import regions
from .charts import sweep as sweep_charts
from .runs import NEAR_ZERO_LABEL
from .session import NO_PRESET
from .slots import training_slots
from .text import literal
from .urlstate import encode

PARAM = "sweep"            # ?sweep=weight_l2=1e-05:0.1:log:5;seeds=3
DEFAULT = "weight_l2=1e-05:0.1:log:5;seeds=3"
THUMBS = 25                # decision regions drawn for at most this many grid points
POLL_S = 0.3
# A sweep on this server's training workers may ask for at most this much work (its
# estimated CPU time, the sum of its runs'), besides MAX_RUNS: 500 long runs would hold every
# core for hours (why 20 minutes: docs/DECISIONS.md#sweep-size-limits). Bigger sweeps are for
# the CLI (`python -m nncore sweep`) or a Dask cluster (NNCORE_SCHEDULER), which it does not cap.
MAX_CPU_S = 20 * 60
FIELD_HELP = "Any numeric field of the config; the others come from the sidebar."


@dataclass
class Running:
    """A started sweep: its definition, the nncore Sweep, the executor it owns (None on a
    Dask cluster, which the Sweep itself releases), and the first seed's run view per point
    (for the small multiples; only for runs trained on this server).

    On a cluster the sweep starts on a background thread (`connecting`, a Future of the
    Sweep): the page polls it and never waits on the cluster in its script thread, so a
    cluster that does not answer stalls neither this page nor the session's others.
    `failed` then says, in words, why it could not start."""

    spec: SweepSpec
    sweep: Sweep | None
    executor: object | None
    thumbs: dict = field(default_factory=dict)
    where: str = "this server's training workers"
    started: float = field(default_factory=time.perf_counter)
    address: str | None = None       # the cluster's, if it runs on one
    connecting: object | None = None  # a concurrent.futures.Future of the Sweep
    failed: str | None = None
    stopped: bool = False

    def settle(self) -> None:
        """Take the cluster's answer, if it has come: the Sweep, or why it failed."""
        if self.connecting is None or not self.connecting.done():
            return
        future, self.connecting = self.connecting, None
        try:
            self.sweep = future.result()
        except (ConnectionError, ImportError, OSError, ValueError) as exc:  # (start_sweep's)
            self.failed = str(exc)
            return
        if self.stopped:  # Stop was pressed while it connected
            stop(self)

    @property
    def finished(self) -> bool:
        self.settle()
        if self.connecting is not None:
            return False
        return self.sweep is None or self.sweep.finished


SCALES = ("log", "lin", "list")  # the axis kinds of nncore.sweep, one radio option each


def _axis_keys(i: int) -> tuple[str, ...]:
    return tuple(f"sw_{name}{i}" for name in ("field", "lo", "hi", "scale", "n", "list"))


def _axis_to_widgets(i: int, axis: Axis) -> None:
    """The widgets show exactly the axis: a list stays a list, in the order given."""
    ss = st.session_state
    k_field, k_lo, k_hi, k_scale, k_n, k_list = _axis_keys(i)
    ss[k_field] = axis.field
    values = [float(v) for v in axis.values]
    ss[k_lo], ss[k_hi] = (axis.lo, axis.hi) if axis.kind != "list" else (min(values),
                                                                          max(values))
    ss[k_scale] = axis.kind
    ss[k_n] = len(values)  # (nncore.sweep caps an axis at MAX_VALUES: the slider's end)
    ss[k_list] = ", ".join(fmt(v) for v in axis.values)


def spec_to_widgets(spec: SweepSpec) -> None:
    ss = st.session_state
    _axis_to_widgets(1, spec.axes[0])
    ss["sw_two"] = len(spec.axes) > 1
    if len(spec.axes) > 1:
        _axis_to_widgets(2, spec.axes[1])
    ss["sw_seeds"] = spec.seeds


def init() -> None:
    """Once per session: the definition from the link (?sweep=...) or the default."""
    ss = st.session_state
    if ss.get("sw_ready"):
        return
    ss["sw_warning"] = None
    # (what the second axis shows before it is switched on)
    first = ("weight_l2", 1e-5, 0.1, "log", 5, "1e-05, 0.001, 0.1")
    second = ("dropout", 0.0, 0.5, "lin", 3, "0, 0.25, 0.5")
    for i, values in ((1, first), (2, second)):
        for key, value in zip(_axis_keys(i), values, strict=True):
            ss[key] = value
    text = str(st.query_params.get(PARAM, DEFAULT))
    try:
        spec = SweepSpec.from_string(text)
    except ValueError as exc:
        ss["sw_warning"] = (f"The link's sweep {literal(text, 60)} cannot be run "
                            f"({literal(exc, 200)}); showing the default sweep.")
        spec = SweepSpec.from_string(DEFAULT)
    spec_to_widgets(spec)
    ss["sw_preset"], ss["sw_run"], ss["sw_ready"] = NO_PRESET, None, True


def load_preset() -> None:
    """on_change of the sweep-preset select: its base config into the sidebar, its axes here."""
    ss = st.session_state
    name = ss["sw_preset"]
    if name in SWEEP_PRESETS:
        spec = SWEEP_PRESETS[name]
        session.values_to_widgets(spec.base.to_dict())
        ss["cfg_preset"] = session.NO_PRESET
        spec_to_widgets(spec)


def _axis_text(i: int) -> str:
    ss = st.session_state
    k_field, k_lo, k_hi, k_scale, k_n, k_list = _axis_keys(i)
    if ss[k_scale] == "list":
        return f"{ss[k_field]}={ss[k_list]}"
    return f"{ss[k_field]}={ss[k_lo]!r}:{ss[k_hi]!r}:{ss[k_scale]}:{int(ss[k_n])}"


def current_spec(base) -> tuple[SweepSpec | None, str | None, float]:
    """(spec, None, its estimated CPU seconds) from the widgets over `base` (the sidebar's
    config), or (None, why not, 0.0): a sweep for this server's workers must also fit in
    MAX_CPU_S of estimated work. The estimate is computed once a run (a pass over every run's
    config) and handed to estimate_text."""
    ss = st.session_state
    axes = [_axis_text(1)] + ([_axis_text(2)] if ss["sw_two"] else [])
    try:
        spec = make_spec(base, axes, int(ss["sw_seeds"]))
    except ValueError as exc:
        return None, str(exc), 0.0
    cpu = cpu_s(spec)
    if scheduler_from_env() is None and cpu > MAX_CPU_S:
        return None, (f"its {spec.n_runs} runs would take about {cpu / 60:.0f} minutes of CPU "
                      f"time; a sweep on this server is capped at {MAX_CPU_S / 60:.0f} minutes. "
                      "Use fewer values, seeds or epochs, or run it from a terminal "
                      "(python -m nncore sweep) or on a Dask cluster."), cpu
    return spec, None, cpu


def write_url(spec: SweepSpec) -> None:
    text = spec.to_string()
    if st.query_params.get(PARAM) != text:
        st.query_params[PARAM] = text


def axis_controls(i: int) -> None:
    """Field, steps (log, lin or a list), then from/to/how many or the list's values."""
    k_field, k_lo, k_hi, k_scale, k_n, k_list = _axis_keys(i)
    listed = st.session_state[k_scale] == "list"
    cols = st.columns([1.5, 2.0, 1.6] if listed else [1.5, 1, 1, 1.6, 1.1])
    cols[0].selectbox(f"Field {i}", numeric_fields(), key=k_field, help=FIELD_HELP,
                      persist_state=session.PERSIST)
    cols[-2 if not listed else -1].radio(
        "steps", SCALES, key=k_scale, horizontal=True, persist_state=session.PERSIST,
        help="log: evenly spaced powers (for the lambdas and the learning rate); lin: evenly "
             f"spaced values; list: the values you type, in that order (at most {MAX_VALUES}).")
    if listed:
        cols[1].text_input("values", key=k_list, persist_state=session.PERSIST,
                           max_chars=400, help="Numbers separated by commas, e.g. 0, 0.1, 0.5")
        return
    cols[1].number_input("from", key=k_lo, format="%g", persist_state=session.PERSIST)
    cols[2].number_input("to", key=k_hi, format="%g", persist_state=session.PERSIST)
    cols[4].slider("values", 2, MAX_VALUES, key=k_n, persist_state=session.PERSIST)


def cpu_s(spec: SweepSpec) -> float:
    """Estimated CPU seconds of all the sweep's runs (workers.cost's run cost estimate)."""
    return sum(cost.run_seconds(c, *cost.run_sizes(c, None), pace_s=math.inf)
               for _, c in spec.configs())




def start(spec: SweepSpec, data=None, *, local: bool = False) -> Running:
    """Start `spec`: on the Dask cluster in NNCORE_SCHEDULER if set (and not `local`), else
    on the server's training workers (as background runs, their views stored for the
    Playground)."""
    address = None if local else scheduler_from_env()
    if address:
        return Running(spec, None, None, where=f"the Dask cluster at {address}",
                       address=address,
                       connecting=start_sweep_in_background(spec, scheduler=address))
    ctx = internals.script_context()
    thumbs: dict = {}

    def on_view(run: dict, view: RunView) -> None:
        live.store(live.run_key(TrainConfig.from_dict(view.config)), view)
        if run["index"] % spec.seeds == 0 and run["point"] < THUMBS:
            thumbs[run["point"]] = _thumb(view)

    executor = SlotExecutor(training_slots(), data=data, on_view=on_view,
                            alive=lambda: internals.session_is_open(ctx),
                            wrap_thread=lambda thread: internals.attach_context(thread, ctx))
    return Running(spec, start_sweep(spec, executor=executor), executor, thumbs)


def _thumb(view: RunView) -> tuple:
    """What a small decision-regions chart needs: the grid at half resolution, the points."""
    X, y, X_val, y_val = view.points
    probs = view.grid[2][::2, ::2] if view.grid is not None else None
    return grid_bounds(np.asarray(X), np.asarray(X_val)), probs, X, y, X_val, y_val


def stop(running: Running) -> None:
    running.stopped = True
    if running.sweep is None:  # still connecting (settle() stops it once it has) or failed
        return
    running.sweep.cancel()
    if not running.sweep.finished and running.executor is None:
        running.sweep.close()  # a cluster drops its running runs too
    release(running)


def release(running: Running) -> None:
    """Let the executor's threads go once nothing is queued (they also go by themselves)."""
    if running.executor is not None:
        running.executor.shutdown(wait=False)


def progress(running: Running) -> tuple[float, str]:
    sweep = running.sweep
    if sweep is None:
        return 0.0, (f"Connecting to {running.where}… (at most {CONNECT_TIMEOUT_S} s)"
                     if running.failed is None else f"Not started: {running.failed}")
    done, total = sweep.done, sweep.total
    elapsed = time.perf_counter() - running.started
    if sweep.finished:
        state = "Stopped" if sweep.cancelled else "Done"
    else:
        state = "Sweeping"
    failed = sum(row["status"] == "error" for row in sweep.rows)
    extra = (f" · {failed} failed" if failed else "") + (
        f" · {sweep.cancelled} cancelled" if sweep.cancelled else "")
    return (min(done / max(total - sweep.cancelled, 1), 1.0),
            f"{state}: {done - failed} of {total} runs{extra} · {elapsed:.0f} s · "
            f"on {running.where}")


def rows_of(running: Running) -> list[dict]:
    """The rows finished so far (none while a cluster connects, or if it never did)."""
    return running.sweep.rows if running.sweep is not None else []


def estimate_text(spec: SweepSpec, cpu: float) -> str:
    """What the sweep will cost, said before it starts (`cpu`: current_spec's estimate; on
    this server's workers, all to itself, it takes cpu / slots seconds)."""
    address = scheduler_from_env()
    if address:
        return (f"{spec.n_runs} runs · on the Dask cluster at {literal(address, 120)} "
                f"(at most {MAX_RUNS} runs)")
    seconds = cpu / training_slots().slots
    minutes = "under 0.1" if cpu < 6 else f"{cpu / 60:.1f}"
    return (f"{spec.n_runs} runs · about {seconds:.{0 if seconds >= 10 else 1}f} s on this "
            f"server with nobody else training ({minutes} CPU-minutes; a sweep here may take "
            f"{MAX_CPU_S / 60:.0f} and {MAX_RUNS} runs at most)")


def charts(running: Running) -> dict[str, dict]:
    spec, rows = running.spec, rows_of(running)
    summary = summarise(spec, rows)
    classes = spec.base.classes
    if len(spec.axes) == 1:
        return {"left": sweep_charts.u_curve(spec, summary, metric="loss", classes=classes),
                "right": sweep_charts.u_curve(spec, summary, metric="accuracy")}
    return {"left": sweep_charts.heatmap(spec, summary, metric="val_loss"),
            "right": sweep_charts.heatmap(spec, summary, metric="val_accuracy")}


def thumbnails(running: Running) -> list[tuple[str, dict]]:
    """(caption, decision-regions spec) of the first seed at each grid point done so far."""
    spec = running.spec
    out = []
    for p, point in enumerate(spec.points[:THUMBS]):
        if p not in running.thumbs:
            continue
        bounds, probs, X, y, X_val, y_val = running.thumbs[p]
        name = ", ".join(f"{k}={v:.3g}" for k, v in point.items())
        out.append((name, regions.decision_chart(
            bounds, probs, X, y, X_val, y_val, classes=spec.base.classes, height=190,
            title=name, compact=True, show_val=False)))
    return out


def playground_link(config: dict) -> str:
    """A link to the Playground with this run's settings (what differs from the defaults)."""
    from nncore import FIELD_SPECS
    query = "&".join(f"{k}={v}" for k, v in encode(config, FIELD_SPECS).items())
    return f"/?{query}" if query else "/"


def table(running: Running):
    """The runs as a table (by run index), with a link to open each in the Playground."""
    import pandas as pd

    rows = sorted(rows_of(running), key=lambda r: r["index"])
    varied = [a.field for a in running.spec.axes]
    frame = pd.DataFrame([{**{f: r[f] for f in varied}, "seed": r["seed"],
                           "status": r["status"],
                           # like beside like: the training DATA loss next to the validation
                           # loss (data only); the total separately, said so (issue 19)
                           "train data loss": r["data_loss"], "val loss": r["val_loss"],
                           "train loss (data+reg)": r["loss"], "train acc": r["accuracy"],
                           "val acc": r["val_accuracy"], "reg loss": r["reg_loss"],
                           NEAR_ZERO_LABEL: r["near_zero_weights"], "seconds": r["elapsed_s"],
                           "fingerprint": r["fingerprint"],
                           "open": playground_link({k: r[k] for k in running.spec.base.to_dict()})}
                          for r in rows])
    return frame


def runs_csv(running: Running) -> bytes:
    import pandas as pd

    rows = sorted(rows_of(running), key=lambda r: r["index"])
    return pd.DataFrame(rows).to_csv(index=False).encode()


__all__ = ["MAX_RUNS", "MAX_SEEDS", "NO_PRESET", "SCHEDULER_ENV", "SWEEP_PRESETS",
           "SWEEP_PRESET_NOTES", "Running"]
