"""The lesson as a mode of the Playground (issue 20, 1): the step's text, its formula with the
run's numbers and its question beside the live charts, Back/Next above them.

A step's own link (`/lesson?step=3`) keeps working. Its settings go into the sidebar when the
step is new to the session (arrival, Back, Next), before the sidebar is drawn (dashboard.py
calls `arrive`: a widget's value can only be set before the widget exists in a run). A control
moved afterwards stays moved, and the header says that the step's words hold for its own
settings, with one click back to them.
"""

from __future__ import annotations

import streamlit as st

from nncore import TrainConfig

from . import buttons, formulas, lessons, session
from .text import literal

PARAM = "step"
SMALL = r"\footnotesize "  # KaTeX size for the formulas in the lesson's column
ss = st.session_state  # each session's own state (a per-thread proxy, not a shared dict)


def _step_from_link_once() -> None:
    """The step the link asks for, read once per session (a bad one: step 1, said once)."""
    if "ls_step" in ss:
        return
    raw = st.query_params.get(PARAM, "1")
    asked = lessons.step_number(raw)
    ss["ls_step"] = asked or 1
    if asked is None:
        ss["ls_bad_link"] = raw


def arrive() -> None:
    """Before the sidebar is drawn, on the Lesson page: a step new to the session puts its
    preset and changed fields into the sidebar's widgets."""
    _step_from_link_once()
    if ss.get("ls_applied") != ss["ls_step"]:
        step = lessons.STEPS[ss["ls_step"] - 1]
        session.values_to_widgets(step.config.to_dict())
        ss["cfg_preset"] = step.preset
        ss["ls_applied"] = ss["ls_step"]


def _go(number: int) -> None:
    ss["ls_step"] = number  # applied by arrive() at the top of the next run


def _reapply() -> None:
    ss["ls_applied"] = None  # arrive() puts the step's settings back


class Lesson:
    """What ui.playground.run_page draws in lesson mode: `header`, `aside` (the column left of
    the regions) and, once a run is shown, `with_run` (the formula with its numbers)."""

    def __init__(self):
        _step_from_link_once()
        self.number = ss["ls_step"]
        self.step = lessons.STEPS[self.number - 1]
        self._numbers = None

    def header(self, config: TrainConfig) -> None:
        n, step = len(lessons.STEPS), self.step
        if st.query_params.get(PARAM) != str(self.number):
            st.query_params[PARAM] = str(self.number)
        bad = ss.pop("ls_bad_link", None)
        if bad is not None:
            st.warning(f"The link's step {literal(bad, 20)} is not one of 1-{n}; starting at "
                       "step 1.", icon=":material/link:")
        st.markdown(f"##### Lesson {self.number} of {n}: {step.title}")
        changed = session.changed_fields(config, step.config)
        if changed:
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                st.warning(f"Changed since this step's settings: {', '.join(changed)}. What "
                           "the step says was measured with its own settings.",
                           icon=":material/edit:", width="stretch")
                buttons.button(st, "Back to the step's settings", key="ls_reapply",
                               icon=":material/undo:", on_click=_reapply, width="content")

    def steps(self, bar) -> None:
        """Back and Next, at the end of the Playground's row of controls (`bar`)."""
        n = len(lessons.STEPS)
        buttons.button(bar, "Back", icon=":material/arrow_back:", key="ls_back",
                       disabled=self.number == 1, on_click=_go, args=(self.number - 1,),
                       width="content", help="The lesson's previous step (its settings).")
        buttons.button(bar, "Next", icon=":material/arrow_forward:", key="ls_next",
                       disabled=self.number == n, on_click=_go, args=(self.number + 1,),
                       width="content", help="The lesson's next step (its settings).")

    def aside(self, config: TrainConfig) -> None:
        """The step's text beside the charts: what to look for, its formula, its question."""
        step = self.step
        st.markdown("**What to look for**")
        st.markdown("\n".join(f"- {line}" for line in step.look))
        st.info(step.question, icon=":material/forum:")
        general = {title: g for title, g, _ in formulas.formula_rows(config.to_dict(), None)}
        st.markdown(f"**{step.formula}**")
        st.latex(SMALL + general[step.formula])  # (a third of the page wide: a smaller size)
        self._numbers = st.empty()

    def with_run(self, view) -> None:
        """The step's formula with the shown run's numbers, under the general one."""
        if self._numbers is None:
            return
        rows = {title: numbers for title, _, numbers in
                formulas.formula_rows(view.config, view.final)}
        with self._numbers.container():
            st.caption("With this run's numbers:")
            st.latex(SMALL + rows[self.step.formula])
