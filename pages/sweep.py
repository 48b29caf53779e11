"""Sweep: train the sidebar's config over a range of one or two fields and several seeds, and
draw the U-curve (or the heatmap) with the spread over seeds, live as runs finish."""

import time

import streamlit as st

from ui import buttons, canvas, session, sweep_page
from ui.legacy_pages import leave_legacy_pages_mode
from ui.text import literal

leave_legacy_pages_mode()  # a deep link run in Streamlit's old pages mode: see the module

ss = st.session_state
sweep_page.init()
base, why_not = session.sidebar_config()
if ss["sw_warning"]:
    st.warning(ss["sw_warning"], icon=":material/link:")
if base is None:
    st.error(f"The sidebar's settings cannot be trained: {literal(why_not, 300)}")
    st.stop()

st.selectbox("Sweep preset", [sweep_page.NO_PRESET, *sweep_page.SWEEP_PRESETS],
             key="sw_preset", on_change=sweep_page.load_preset,
             help="A teaching sweep: its own data and network (into the sidebar) and range.")
if ss["sw_preset"] in sweep_page.SWEEP_PRESET_NOTES:
    st.info(sweep_page.SWEEP_PRESET_NOTES[ss["sw_preset"]], icon=":material/school:")
st.caption("Every run starts from the sidebar's settings; the fields below vary, and each "
           "point is trained with seeds seed, seed+1, ... Runs share the server's training "
           "workers and wait while a session's own run needs one.")
sweep_page.axis_controls(1)
st.toggle("Vary a second field (a heatmap)", key="sw_two", persist_state=session.PERSIST)
if ss["sw_two"]:
    sweep_page.axis_controls(2)
st.slider("Seeds per point", 1, sweep_page.MAX_SEEDS, key="sw_seeds", persist_state=session.PERSIST,
          help="Repeats with seeds seed, seed+1, ...: the band shows their spread.")

spec, error, cpu = sweep_page.current_spec(base)
running = ss["sw_run"]
bar = st.container(horizontal=True, vertical_alignment="center")
if error:
    st.error(f"This sweep cannot run: {literal(error, 300)}")
else:
    sweep_page.write_url(spec)
    bar.caption(sweep_page.estimate_text(spec, cpu))


def _run_clicked(local: bool = False) -> None:  # callbacks, not return values: they survive
    ss["sw_start"] = "local" if local else "here"  # a rerun


def _stop_clicked() -> None:
    if ss["sw_run"] is not None:
        sweep_page.stop(ss["sw_run"])


start = ss.pop("sw_start", None)  # (Run's callback ran before this run)
if start and spec is not None:
    if running is not None and not running.finished:
        sweep_page.stop(running)
    running = ss["sw_run"] = sweep_page.start(spec, local=start == "local")
busy = running is not None and not running.finished
buttons.button(bar, "Run sweep", icon=":material/play_arrow:", type="primary",
               disabled=spec is None, key="sw_go", on_click=_run_clicked)
buttons.button(bar, "Stop", icon=":material/stop_circle:", disabled=not busy, key="sw_stop",
               on_click=_stop_clicked)

if running is None:
    st.info("Set the range and press **Run sweep**.", icon=":material/ssid_chart:")
    st.stop()

progress = st.progress(0.0, text="Starting…")
while running.connecting is not None and not running.finished:  # a cluster: never blocks
    progress.progress(*sweep_page.progress(running))
    time.sleep(sweep_page.POLL_S)
    _ = "sw_run" in ss  # a session-state access: Streamlit may interrupt here (a click)
if running.failed is not None:
    progress.empty()
    local_ok = sweep_page.cpu_s(running.spec) <= sweep_page.MAX_CPU_S
    st.error(f"The sweep could not start on the Dask cluster at "
             f"{literal(running.address, 120)}: {literal(running.failed, 300)}. That address "
             f"is the server's {sweep_page.SCHEDULER_ENV} setting; without it sweeps run on "
             "this server's own training workers" + (", and the button below runs this one "
             "there now." if local_ok else "."), icon=":material/cloud_off:")
    if local_ok:
        buttons.button(st, "Run on this server's workers", icon=":material/play_arrow:",
                       key="sw_local", on_click=_run_clicked, args=(True,))
    st.stop()
left, right = st.columns(2)
specs = sweep_page.charts(running)
handles = {name: canvas.draw(where, specs[name], key=f"sw_chart_{name}")
           for name, where in (("left", left), ("right", right))}
thumbs = st.empty()


def draw() -> None:
    frac, text = sweep_page.progress(running)
    progress.progress(frac, text=text)
    for name, chart in sweep_page.charts(running).items():
        handles[name] = canvas.draw(handles[name], chart, key=f"sw_chart_{name}")
    shown = sweep_page.thumbnails(running)
    with thumbs.container():
        if shown:
            st.subheader("Decision regions across the grid (first seed)")
            for start in range(0, len(shown), 5):
                for i, (col, (_, chart)) in enumerate(
                        zip(st.columns(5), shown[start:start + 5], strict=False)):
                    canvas.draw(col, chart, key=f"sw_thumb_{start + i}")


draw()
while not running.sweep.finished:
    if running.sweep.poll(sweep_page.POLL_S):
        draw()
    _ = "sw_run" in ss  # a session-state access: Streamlit may interrupt here (a click)
sweep_page.release(running)
draw()

st.subheader("Runs")
st.dataframe(sweep_page.table(running), hide_index=True, width="stretch",
             column_config={"open": st.column_config.LinkColumn(
                 "open", display_text="Playground ↗",
                 help="This run's settings in the Playground (its result is shown at once)")})
st.download_button("Runs (CSV)", lambda: sweep_page.runs_csv(running), "sweep_runs.csv",
                   "text/csv", on_click="ignore", icon=":material/download:", key="sw_dl")
