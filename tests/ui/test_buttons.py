"""ui.buttons: a press whose callback Streamlit did not call (a session new since the page was
drawn: a server restart) still runs it, once, before any widget is drawn; a normal press runs
it once too."""

import pytest
from streamlit.testing.v1 import AppTest

from ui import buttons


@pytest.mark.parametrize(("clicked", "ran", "call"), [
    (True, False, True), (True, True, False), (False, False, False), (False, True, False)])
def test_the_helper_calls_the_callback_only_for_a_press_streamlit_fired_none_for(clicked, ran,
                                                                                  call):
    assert buttons.must_call(clicked, ran) is call


def _script():
    import streamlit as st

    from ui import buttons

    ss = st.session_state
    buttons.begin_run()
    ss.setdefault("calls", 0)
    ss.setdefault("runs", 0)
    ss["runs"] += 1

    def bump(step: int) -> None:  # also moves a widget drawn before the button in the run
        ss["calls"] += step
        ss["level"] = ss.get("level", 0) + step

    st.slider("Level", 0, 10, key="level")
    if ss.get("armed"):
        buttons.button(st, "Go", key="go", on_click=bump, args=(1,), icon=":material/add:")
    else:  # the same button, with no callback registered: a session that never drew it
        st.button("Go", key="go", icon=":material/add:")
    st.write(f"calls={ss['calls']}")


def test_a_press_before_the_callback_was_registered_still_runs_it_once():
    at = AppTest.from_function(_script, default_timeout=30)
    at.run()
    at.session_state["armed"] = True  # the next run draws the helper's button (its callback)
    at.button(key="go").click().run()  # ... but Streamlit has none registered for this press
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["calls"] == 1
    assert at.slider(key="level").value == 1  # set before the slider was drawn: no error
    assert at.markdown[0].value == "calls=1"  # the page shows it (the helper reran)
    assert buttons.PENDING_KEY not in at.session_state
    at.run()  # no press: nothing more
    assert at.session_state["calls"] == 1


def test_a_normal_press_runs_the_callback_once():
    at = AppTest.from_function(_script, default_timeout=30)
    at.session_state["armed"] = True
    at.run()
    runs = at.session_state["runs"]
    at.button(key="go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["calls"] == 1
    assert at.session_state["runs"] == runs + 1  # Streamlit called it: no extra rerun
    at.button(key="go").click().run()
    assert at.session_state["calls"] == 2


def test_the_dashboard_begins_each_run_with_the_buttons_helper_and_uses_it_everywhere():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    entry = (root / "dashboard.py").read_text()
    assert entry.index("buttons.begin_run()") < entry.index("sidebar.render_sidebar()")
    direct = [f"{p.relative_to(root)}:{i}" for folder in ("ui", "pages")
              for p in (root / folder).rglob("*.py") if p.name != "buttons.py"
              for i, line in enumerate(p.read_text().splitlines(), 1)
              if ".button(" in line and "buttons.button(" not in line]
    assert direct == []
