"""The shared sidebar: preset, data, network, regularisation, optimiser and training controls."""

from __future__ import annotations

import secrets

import streamlit as st

from nncore import FIELD_SPECS, MAX_HIDDEN_LAYERS, PRESET_NOTES, PRESETS, claims

from . import buttons, scales, session, upload
from .fields import (
    CONTROLS,
    DATASET_LABELS,
    HIDDEN_HELP,
    OPTIMIZER_LABELS,
    Control,
    layer_key,
    widget_key,
)
from .text import literal

SCI_FIELDS = ("weight_l1", "weight_l2", "bias_l1", "bias_l2", "learning_rate", "decay", "eps")
LABELS = {"dataset": DATASET_LABELS, "optimizer": OPTIMIZER_LABELS}
GROUPS = (("data", "Data", False), ("network", "Network", False),
          ("reg", "Regularisation", True), ("optim", "Optimiser", False),
          ("train", "Training", False))


def group_key(group: str) -> str:
    """The session-state key of a group's expander: True while it is open."""
    return f"sb_open_{group}"


def _format(field: str):
    if field in SCI_FIELDS:
        return scales.sci
    if field in LABELS:
        return lambda v: LABELS[field].get(v, v)
    return lambda v: scales.human_int(v) if isinstance(v, int) else str(v)


def _control(c: Control) -> None:
    key = widget_key(c.field)
    common = dict(key=key, help=c.help, persist_state=session.PERSIST)
    if c.kind == "select_slider":
        options = scales.with_value(c.options, st.session_state[key])
        st.select_slider(c.label, options=options, format_func=_format(c.field), **common)
        if c.options in scales.LOG_GRIDS:  # the ends alone ("0 ... 1") hide the scale
            st.caption(scales.marks(c.options))
    elif c.kind == "slider":
        st.slider(c.label, min_value=c.low, max_value=c.high, step=c.step, **common)
    elif c.kind == "number":
        st.number_input(c.label, min_value=c.low, max_value=c.high, step=c.step,
                        format=c.fmt, **common)
    elif c.kind == "select":
        st.selectbox(c.label, options=c.options, format_func=_format(c.field), **common)
    else:
        st.toggle(c.label, **common)


def _hidden_layers() -> None:
    st.radio("Hidden layers", options=list(range(1, MAX_HIDDEN_LAYERS + 1)), horizontal=True,
             key="cfg_layers", persist_state=session.PERSIST,
             help="How many Dense → ReLU (→ Dropout) blocks before the output layer.")
    for i in range(int(st.session_state["cfg_layers"])):
        options = session.neurons_options(st.session_state[layer_key(i)])
        st.select_slider(f"Neurons in layer {i + 1}", options=options, key=layer_key(i),
                         help=HIDDEN_HELP, persist_state=session.PERSIST)


def _new_seed() -> None:
    st.session_state[widget_key("seed")] = secrets.randbelow(int(FIELD_SPECS["seed"].high) + 1)


def _csv_upload() -> None:
    uploaded = st.file_uploader("CSV file: x1, x2, label", type=["csv", "txt"],
                                key="cfg_csv_file", help="Three numeric columns (an optional "
                                "header row); labels are class ids. At most 20,000 rows, 2 MB.")
    upload.handle_upload(uploaded)
    ss = st.session_state
    if ss["cfg_csv_error"]:
        st.error(ss["cfg_csv_error"])
    if ss["cfg_csv"]:
        info = ss["cfg_csv"]
        st.caption(f"Using {literal(info['name'])}: {info['rows']:,} rows, "
                   f"{info['classes']} classes.")
    st.download_button("Example CSV", data=upload.example_csv(), file_name="example.csv",
                       mime="text/csv", on_click="ignore", key="cfg_csv_example",
                       icon=":material/download:")


def _group(group: str) -> None:
    values = {"dataset": st.session_state[widget_key("dataset")],
              "optimizer": st.session_state[widget_key("optimizer")]}
    if group == "network":
        _hidden_layers()
    for c in CONTROLS:
        if c.group == group and c.visible(values):
            _control(c)
    if group == "data" and values["dataset"] == "csv":
        _csv_upload()
    if group == "train":
        buttons.button(st, "New seed", icon=":material/casino:", on_click=_new_seed,
                       key="cfg_new_seed", help="Draw a random seed: new data, new initial "
                                                "weights, new dropout masks.")


def _presets() -> None:
    st.selectbox("Preset", options=[session.NO_PRESET, *PRESETS], key="cfg_preset",
                 on_change=session.load_preset, persist_state=session.PERSIST,
                 help="Load a named configuration: the notes' chapters or a teaching story.")


def render_sidebar() -> None:
    """Draw every shared control; their values live in st.session_state (see ui.session)."""
    with st.sidebar:
        st.markdown("### :material/science: Regularisation Lab")
        _presets()
        ss = st.session_state
        if ss[widget_key("dataset")] == "csv" and not ss["cfg_csv"]:
            ss[group_key("data")] = True  # the page waits for a file: its uploader in sight
        for group, title, expanded in GROUPS:
            # Streamlit's lazy expander (opening it reruns the page): a group's controls are
            # drawn only while it is open. The four closed groups' 13 controls were a third of
            # a page open's browser work: the charts of a link came ~0.2 s later with them
            # (docs/DECISIONS.md, "Charts on Plotly"). Their values live in session state
            # (persist_state), drawn or not.
            box = st.expander(title, expanded=expanded, key=group_key(group), on_change="rerun")
            if box.open:
                with box:
                    _group(group)
        buttons.button(st, "Reset to defaults", icon=":material/restart_alt:",
                       on_click=session.reset_to_defaults, key="cfg_reset",
                       help="Every control back to its default; the run log is kept.",
                       width="stretch")


def preset_banner(config) -> str | None:
    """The selected preset's note while the settings are the preset's; once a control has moved
    off it, which ones, and no claims: the note's numbers were measured with the preset's own
    settings (issue 19: step 5's changes made "ends at its lowest, 0.24-0.29" false)."""
    name = st.session_state["cfg_preset"]
    if name not in PRESET_NOTES:
        return None
    changed = session.preset_changes(config, name)
    if changed == ["seed"] and config.seed in claims.SEEDS:  # the ranges cover seeds 0-19
        return (f"**Preset {name}.** {PRESET_NOTES[name]}  \n*Changed since: seed (the "
                f"ranges are over seeds {claims.SEEDS[0]}-{claims.SEEDS[-1]}).*")
    if not changed:
        return f"**Preset {name}.** {PRESET_NOTES[name]}"
    return (f"**Preset {name}.** *Changed since: {', '.join(changed)}.* The preset's note and "
            "its numbers hold for its own settings, so they are not shown for these; choose "
            "the preset again to get both back.")
