"""Two browser sessions of one server (two AppTest sessions in one process, as Streamlit runs
them): neither sees nor changes the other's state, results or uploaded data."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))  # apphelpers

from apphelpers import charts, make_app, no_errors  # noqa: E402

from ui import upload  # noqa: E402
from ui.fields import widget_key  # noqa: E402


def _snapshot(at) -> dict:
    ss = at.session_state
    result = ss["pg_result"]
    return {"config": ss["cfg_config"], "key": result["key"],
            "fingerprint": result["view"].fingerprint, "log": list(ss["pg_log"]),
            "dropout": ss[widget_key("dropout")], "csv": ss["cfg_csv"]}


def test_a_change_in_one_session_leaves_the_other_unchanged():
    a, b = make_app(epochs="21").run(), make_app(epochs="21").run()
    no_errors(a)
    no_errors(b)
    before = _snapshot(b)
    a.sidebar.slider(key=widget_key("dropout")).set_value(0.5)
    a.run()
    no_errors(a)
    assert a.session_state["cfg_config"].dropout == 0.5
    assert len(a.session_state["pg_log"]) == 2
    assert _snapshot(b) == before          # untouched while the other changed
    b.run()
    assert _snapshot(b) == before          # and after its own rerun
    assert b.session_state["cfg_config"].dropout == 0.0
    assert "dropout" not in b.query_params and a.query_params["dropout"] == "0.5"


def test_an_upload_in_one_session_is_invisible_to_the_other():
    a, b = make_app(epochs="21", dataset="csv").run(), make_app(epochs="21", dataset="csv").run()
    a.sidebar.file_uploader(key="cfg_csv_file").set_value(
        ("mine.csv", upload.example_csv(), "text/csv"))
    a.run()
    no_errors(a)
    assert a.session_state["cfg_csv"]["name"] == "mine.csv"
    assert a.session_state["pg_result"]["view"].status == "completed"
    b.run()
    no_errors(b)
    assert b.session_state["cfg_csv"] is None
    assert b.session_state["pg_result"] is None
    assert any("Upload a CSV" in i.value for i in b.info)
    assert not charts(b)


def test_session_state_objects_are_not_shared():
    a, b = make_app(epochs="21").run(), make_app(epochs="21").run()
    for key in ("pg_log", "pg_result", "cfg_last_good", "cfg_url_warnings"):
        assert a.session_state[key] is not b.session_state[key] or a.session_state[key] is None
