"""Lesson: a guided path through the notes, one step a page (?step=N): apply the step's preset
in one click, what to look for, the formula with the run's numbers, a question for the class."""

import streamlit as st

from ui import buttons, formulas, lessons, live, session
from ui.legacy_pages import leave_legacy_pages_mode
from ui.text import literal

leave_legacy_pages_mode()  # a deep link run in Streamlit's old pages mode: see the module

ss = st.session_state
PARAM = "step"
if "ls_step" not in ss:
    raw = st.query_params.get(PARAM, "1")
    asked = lessons.step_number(raw)
    ss["ls_step"] = asked or 1
    if asked is None:
        st.warning(f"The link's step {literal(raw, 20)} is not one of 1-{len(lessons.STEPS)}; "
                   "starting at step 1.", icon=":material/link:")


def _go(number: int) -> None:
    ss["ls_step"] = number


def _apply(step: lessons.Step) -> None:
    """Load the step's settings into the sidebar (its preset, then its changes)."""
    session.values_to_widgets(step.config.to_dict())
    ss["cfg_preset"] = step.preset
    ss["ls_open_playground"] = True


number = ss["ls_step"]
step = lessons.STEPS[number - 1]
if st.query_params.get(PARAM) != str(number):
    st.query_params[PARAM] = str(number)
if ss.pop("ls_open_playground", False):
    del st.query_params[PARAM]
    st.switch_page("pages/playground.py")

st.progress(number / len(lessons.STEPS), text=f"Lesson: step {number} of {len(lessons.STEPS)}")
st.header(step.title)
changes = ", ".join(f"{k} = {v:g}" for k, v in step.changes.items())
buttons.button(st, f"Apply in the Playground: preset {step.preset}"
               + (f" with {changes}" if changes else ""),
               icon=":material/play_arrow:", type="primary", key=f"ls_apply_{number}",
               on_click=_apply, args=(step,))
st.subheader("What to look for")
st.markdown("\n".join(f"- {line}" for line in step.look))

st.subheader("The formula")
config = step.config
view = live.cached(live.run_key(config))
rows = {title: (general, numbers) for title, general, numbers in
        formulas.formula_rows(config.to_dict(), view.final if view is not None else None)}
general, numbers = rows[step.formula]
st.latex(general)
if view is not None:
    st.caption("With this step's run (it has been trained on this server):")
    st.latex(numbers)
else:
    st.caption("Apply the step to see it with the run's numbers.")

st.subheader("A question for the class")
st.info(step.question, icon=":material/forum:")

back, _, forward = st.columns([1, 3, 1])
buttons.button(back, "Back", icon=":material/arrow_back:", disabled=number == 1, key="ls_back",
               on_click=_go, args=(number - 1,), width="stretch")
buttons.button(forward, "Next", icon=":material/arrow_forward:",
               disabled=number == len(lessons.STEPS), key="ls_next", on_click=_go,
               args=(number + 1,), width="stretch")
