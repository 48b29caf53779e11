"""AppTest: the dashboard script end to end (sidebar, Playground page, URL state, uploads)."""

import dataclasses
import math

import pytest
from apphelpers import charts, make_app, no_errors, open_group

from nncore import PRESET_NOTES, PRESETS, TrainConfig, train
from ui import formulas, panels, upload
from ui.fields import CONTROLS, widget_key


def _config(at) -> TrainConfig:
    return at.session_state["cfg_config"]


def _final_status(at) -> str:
    return at.session_state["pg_result"]["view"].status


def test_default_run_trains_to_the_end_and_shows_everything():
    at = make_app().run()
    no_errors(at)
    assert _config(at) == TrainConfig()
    assert _final_status(at) == "completed"
    labels = [m.label for m in at.metric]
    assert {"Train acc", "Val acc", "Data loss", "Val loss", "Reg share", "|w|<1e-3"} <= set(labels)
    assert float(at.metric[0].value.rstrip("%")) > 50
    assert len(charts(at)) == panels.N_CHARTS
    assert any("Completed" in p.proto.text and "epochs/s" in p.proto.text
               for p in at.get("progress"))
    assert dict(at.query_params) == {}  # defaults: a clean URL
    assert len(at.session_state["pg_log"]) == 1
    downloads = {b.proto.label for b in at.get("download_button")}
    assert {"History (CSV)", "Config (JSON)", "Run log (CSV)"} <= downloads
    # the session's first run: the run log a line, not a table, and the formulas typeset once
    # their expander is opened (each held a new session's charts back: ui/panels.py)
    assert not at.dataframe and not at.latex
    assert any("first finished run" in c.value for c in at.caption)
    at.session_state["pg_formulas"] = True  # the reader opens the expander (a rerun)
    at.run()
    no_errors(at)
    rows = formulas.formula_rows(TrainConfig().to_dict(), None)
    assert at.latex and len(at.latex) == 2 * len(rows)


CHANGES = {  # field -> a new value the widget can show
    "dataset": "moons", "samples": 50, "classes": 4, "noise": 0.1, "val_samples": 50,
    "weight_l1": 1e-4, "weight_l2": 1e-3, "bias_l1": 2e-5, "bias_l2": 0.0,
    "regularise_output": True, "dropout": 0.2, "optimizer": "sgd", "learning_rate": 0.5,
    "decay": 1e-3, "epochs": 11, "seed": 7, "dtype": "float64",
}
OPTIMISER_FIELDS = {"momentum": ("sgd", 0.5), "beta1": ("adam", 0.8), "beta2": ("adam", 0.99),
                    "rho": ("rmsprop", 0.8), "eps": ("rmsprop", 1e-5)}


def _set(at, field, value):
    open_group(at, next(c.group for c in CONTROLS if c.field == field))
    widget = at.sidebar.get(_kind(field))
    match = [w for w in widget if w.key == widget_key(field)]
    assert match, f"no widget for {field}"
    match[0].set_value(value)
    at.run()
    no_errors(at)


def _kind(field):
    kind = next(c.kind for c in CONTROLS if c.field == field)
    return {"select": "selectbox", "number": "number_input"}.get(kind, kind)


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_every_control_changes_the_config_the_url_and_retrains(fast_app, field):
    at, value = fast_app, CHANGES[field]
    _set(at, field, value)
    config = _config(at)
    assert getattr(config, field) == value
    if field != "epochs":
        assert field in at.query_params
    assert at.session_state["pg_result"]["key"] != ""
    assert _final_status(at) in ("completed", "diverged")


@pytest.mark.parametrize("field", sorted(OPTIMISER_FIELDS))
def test_optimiser_fields_show_only_for_their_optimiser(fast_app, field):
    at = fast_app
    optimizer, value = OPTIMISER_FIELDS[field]
    others = {"sgd": "adam", "adam": "sgd", "rmsprop": "sgd"}[optimizer]
    _set(at, "optimizer", others)
    assert not [w for w in at.sidebar.get(_kind(field)) if w.key == widget_key(field)]
    _set(at, "optimizer", optimizer)
    _set(at, field, value)
    assert getattr(_config(at), field) == value


def test_hidden_layers_and_neurons(fast_app):
    at = open_group(fast_app, "network")
    at.radio(key="cfg_layers").set_value(2).run()
    at.select_slider(key="cfg_hidden_1").set_value(16).run()
    no_errors(at)
    assert _config(at).hidden == (64, 16)
    assert at.query_params["hidden"] == "64-16"


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_load_with_their_caption(name):
    at = make_app().run()
    at.session_state["pg_force"] = None
    at.selectbox(key="cfg_preset").set_value(name)
    # train a shortened copy: the preset's own epochs are checked on the config only
    expected = PRESETS[name]
    at.run(timeout=600)
    no_errors(at)
    assert _config(at) == expected
    assert any(name in i.value for i in at.info)


def test_changing_a_control_after_a_preset_says_what_changed():
    at = make_app().run()
    at.selectbox(key="cfg_preset").set_value("book-ch14").run(timeout=300)
    assert any(PRESET_NOTES["book-ch14"] in i.value for i in at.info)
    open_group(at, "train").select_slider(key="cfg_epochs").set_value(21).run()
    no_errors(at)
    assert any("Changed since: epochs" in i.value for i in at.info)
    # the note's claims were measured with the preset's settings: not shown for others
    assert not any(PRESET_NOTES["book-ch14"] in i.value for i in at.info)
    assert not any("0.88-0.95" in i.value for i in at.info)


def test_a_preset_with_another_seed_keeps_its_note_only_within_the_measured_seeds():
    at = make_app(preset="overfit", seed="19", epochs="21").run()
    assert not any(PRESET_NOTES["overfit"] in i.value for i in at.info)  # epochs changed too
    at = make_app(preset="overfit", seed="19").run(timeout=120)
    no_errors(at)
    assert any(PRESET_NOTES["overfit"] in i.value and "seeds 0-19" in i.value for i in at.info)
    at = make_app(preset="overfit", seed="20").run(timeout=120)
    assert not any(PRESET_NOTES["overfit"] in i.value for i in at.info)
    assert any("Changed since: seed" in i.value for i in at.info)


def test_a_preset_link_opens_the_preset_with_its_story_and_keeps_a_short_url():
    # book-ch14 with fewer epochs: the link names the preset and only what differs from it
    at = make_app(preset="book-ch14", epochs="21").run()
    no_errors(at)
    assert _config(at) == TrainConfig.from_dict({**PRESETS["book-ch14"].to_dict(), "epochs": 21})
    assert at.session_state["cfg_preset"] == "book-ch14"
    assert any("Preset book-ch14" in i.value and "Changed since: epochs" in i.value
               for i in at.info)
    assert dict(at.query_params) == {"preset": "book-ch14", "epochs": "21"}
    again = make_app(**dict(at.query_params)).run()  # the shared link: the same run
    assert (again.session_state["pg_result"]["view"].fingerprint
            == at.session_state["pg_result"]["view"].fingerprint)


def test_choosing_a_preset_puts_only_its_name_in_the_url():
    at = make_app(epochs="21", seed="3").run()
    at.selectbox(key="cfg_preset").set_value("overfit-l2").run(timeout=300)
    no_errors(at)
    assert at.session_state["cfg_preset"] == "overfit-l2"
    assert dict(at.query_params) == {"preset": "overfit-l2"}  # the fields are the preset's
    open_group(at, "train").select_slider(key="cfg_epochs").set_value(21).run()
    assert dict(at.query_params) == {"preset": "overfit-l2", "epochs": "21"}
    at.button(key="cfg_reset").click().run()
    assert "preset" not in dict(at.query_params)


def test_an_unknown_preset_in_a_link_warns_and_uses_the_defaults():
    at = make_app(preset="nope<script>", epochs="21").run()
    no_errors(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "is not a preset" in warnings and "overfit-l2" in warnings  # names what is allowed
    assert at.session_state["cfg_preset"] == "—"
    assert _config(at) == TrainConfig(epochs=21)


def test_reset_and_new_seed(fast_app):
    at = open_group(fast_app, "train")
    at.button(key="cfg_new_seed").click().run()
    assert _config(at).seed != 0 or _config(at).seed == at.session_state[widget_key("seed")]
    at.button(key="cfg_reset").click().run()
    no_errors(at)
    assert _config(at) == TrainConfig()


def test_divergence_shows_the_epoch_and_a_hint():
    at = make_app(optimizer="sgd", learning_rate="100", weight_l2="0.1").run()
    assert not at.exception
    view = at.session_state["pg_result"]["view"]
    assert view.status == "diverged"
    message = " ".join(e.value for e in at.error)
    assert f"epoch {view.diverged_at}" in message and "learning rate" in message
    assert len(charts(at)) == panels.N_CHARTS  # the charts up to that point stay


@pytest.mark.parametrize("query, words", [
    ({"samples": "99999", "epochs": "21"}, "samples"),
    ({"dropout": "banana", "epochs": "21"}, "dropout"),
    ({"noise": "nan", "epochs": "21"}, "noise"),
    ({"dataset": "moons", "classes": "5", "epochs": "21"}, None),  # classes forced to 2
    ({"hidden": "1024-1024-1024", "epochs": "100000"}, "epochs"),  # over the work cap
    ({"learning_rate": "-1", "epochs": "21"}, "learning_rate"),
])
def test_bad_url_params_warn_and_never_raise(query, words):
    at = make_app(**query, whatever="1").run()
    no_errors(at)
    warnings = " ".join(w.value for w in at.warning)
    if words:
        assert words in warnings
    assert _config(at) is not None


def test_a_shared_link_reproduces_the_same_run():
    first = make_app(epochs="51", dropout="0.3", seed="12").run()
    second = make_app(**dict(first.query_params)).run()
    a, b = (x.session_state["pg_result"]["view"] for x in (first, second))
    assert a.config == b.config and a.fingerprint == b.fingerprint
    assert math.isclose(a.final["val_loss"], b.final["val_loss"])


def _to_csv(at):
    _set(at, "dataset", "csv")
    assert any("Upload a CSV" in i.value for i in at.info)
    return at.sidebar.file_uploader(key="cfg_csv_file")


def test_csv_upload_good_then_bad_keeps_the_previous_data(fast_app):
    at = fast_app
    _to_csv(at).set_value(("points.csv", upload.example_csv(), "text/csv"))
    at.run()
    no_errors(at)
    good = at.session_state["pg_result"]["view"]
    assert len(good.points[1]) + len(good.points[3]) == 120
    at.sidebar.file_uploader(key="cfg_csv_file").set_value(
        ("bad.csv", b"x1,x2,label\n1,2,cat\n", "text/csv"))
    at.run()
    assert not at.exception
    assert any("` bad.csv ` was not used" in e.value and "not a number" in e.value
               for e in at.error)
    assert at.session_state["cfg_csv"]["name"] == "points.csv"
    assert len(charts(at)) == panels.N_CHARTS


def test_csv_first_upload_bad_shows_the_error_and_no_charts(fast_app):
    at = fast_app
    _to_csv(at).set_value(("one.csv", b"1,2,0\n3,4,0\n", "text/csv"))
    at.run()
    assert not at.exception
    assert any("at least 2 classes" in e.value for e in at.error)


def test_run_log_grows_and_deltas_appear(fast_app):
    at = fast_app
    _set(at, "dropout", 0.3)
    assert len(at.session_state["pg_log"]) == 2
    assert len(at.dataframe) == 1  # two runs to compare: the table
    assert any(m.delta for m in at.metric)
    _set(at, "dropout", 0.0)  # back to a cached config: no retraining, logged again
    assert len(at.session_state["pg_log"]) == 3


def test_cached_result_is_reused_and_train_again_retrains(fast_app):
    at = fast_app
    first = at.session_state["pg_result"]["view"]
    at.toggle(key="pg_log_loss").set_value(True).run()
    assert at.session_state["pg_result"]["view"] is first or charts(at)
    at.button(key="pg_again").click().run()
    no_errors(at)
    assert at.session_state["pg_result"]["view"].fingerprint == first.fingerprint


def test_about_page():
    at = make_app(epochs="21").run()
    at.switch_page("pages/about.py").run()
    no_errors(at)
    assert at.latex and at.table


def test_hidden_optimiser_fields_keep_their_values(fast_app):
    at = fast_app
    _set(at, "optimizer", "sgd")
    _set(at, "momentum", 0.5)
    _set(at, "optimizer", "adam")
    assert _config(at).momentum == 0.5  # hidden, but still part of the config
    _set(at, "optimizer", "sgd")
    assert at.slider(key=widget_key("momentum")).value == 0.5


def test_settings_survive_a_page_change(fast_app):
    at = fast_app
    _set(at, "dropout", 0.3)
    at.toggle(key="pg_log_loss").set_value(True).run()
    at.switch_page("pages/about.py").run()
    no_errors(at)
    at.switch_page("pages/playground.py").run()
    no_errors(at)
    assert _config(at).dropout == 0.3
    assert at.toggle(key="pg_log_loss").value is True


def test_a_config_stopped_while_waiting_trains_when_the_user_comes_back_to_it():
    from ui import live

    at = make_app(epochs="21", seed="987").run()  # (a seed no other test caches runs of)
    # as if Stop had been pressed while the epochs=51 run waited for a training slot:
    at.session_state["pg_stopped_key"] = live.run_key(TrainConfig(epochs=51, seed=987))
    open_group(at, "train").select_slider(key="cfg_epochs").set_value(51).run()
    assert any("Stopped while waiting" in i.value for i in at.info)
    assert at.session_state["pg_result"]["view"].config["epochs"] == 21  # nothing trained
    at.select_slider(key="cfg_epochs").set_value(11).run()  # another config: trains
    assert _final_status(at) == "completed"
    at.select_slider(key="cfg_epochs").set_value(51).run()  # and back: now it trains
    no_errors(at)
    assert _final_status(at) == "completed"
    assert at.session_state["pg_result"]["view"].config["epochs"] == 51
    assert not any("Stopped while waiting" in i.value for i in at.info)


def test_a_run_completed_by_another_session_meanwhile_ends_the_wait():
    """Every training slot busy: a session waiting for the same config that another session
    completes takes that result instead of training it again (a class opening one link)."""
    import threading
    from contextlib import ExitStack

    from ui import live, slots
    from workers.worker import Job, run_job

    config = TrainConfig(epochs=21, seed=4242)
    key = live.run_key(config)
    done = run_job(Job(config, None, chunk=5, pace_s=1e9, live_resolution=10,
                       final_resolution=20), lambda: False, lambda v: None)
    pool = slots.training_slots()
    with ExitStack() as held:
        for _ in range(pool.slots):  # nobody can train now
            held.enter_context(pool.slot())
        timer = threading.Timer(1.0, live.store, args=(key, done))  # "another session"
        timer.start()
        at = make_app(epochs="21", seed="4242").run(timeout=30)
        timer.join()
    no_errors(at)
    view = at.session_state["pg_result"]["view"]
    assert view.fingerprint == done.fingerprint == train(config).fingerprint()


def test_closed_sidebar_groups_draw_no_controls_and_keep_their_values(fast_app):
    """The closed groups are Streamlit's lazy expanders (ui/sidebar.py): their controls are
    drawn only while open, and what was set in them drives the runs after they close."""
    from ui.sidebar import GROUPS, group_key

    at = fast_app
    drawn = {w.key for kind in ("select_slider", "slider", "selectbox", "number_input", "toggle",
                                "radio") for w in at.sidebar.get(kind)}
    for group, _, expanded in GROUPS:
        fields = {widget_key(c.field) for c in CONTROLS if c.group == group}
        assert (fields & drawn == set()) != expanded, group  # drawn if and only if open
    assert "cfg_layers" not in drawn
    at = open_group(at, "optim")
    at.select_slider(key=widget_key("learning_rate")).set_value(0.5).run()
    at.session_state[group_key("optim")] = False  # closed again
    at.run()
    no_errors(at)
    assert widget_key("learning_rate") not in {w.key for w in at.sidebar.get("select_slider")}
    assert _config(at).learning_rate == 0.5 and at.query_params["learning_rate"] == "0.5"
    at.session_state[widget_key("seed")] = 5  # another run: the closed group's value holds
    at.run()
    assert _config(at).learning_rate == 0.5 and _config(at).seed == 5


def test_a_link_to_csv_data_opens_the_data_group_at_its_uploader():
    at = make_app(epochs="21", dataset="csv").run()
    no_errors(at)
    assert at.sidebar.file_uploader(key="cfg_csv_file") is not None


def test_the_run_logs_preset_column_says_what_differs_from_the_preset():
    from ui import playground, session

    preset = PRESETS["overfit-l2"]
    assert playground.preset_label("overfit-l2", preset) == "overfit-l2"
    moved = dataclasses.replace(preset, dropout=0.3, seed=preset.seed + 1)
    assert playground.preset_label("overfit-l2", moved) == \
        "overfit-l2 (changed: dropout, seed)"
    assert playground.preset_label(session.NO_PRESET, moved) is None
    # the page writes it into the log (the link's epochs are not the preset's)
    at = make_app(preset="overfit-l2", epochs="31").run()
    no_errors(at)
    assert at.session_state["pg_log"][-1]["preset"] == "overfit-l2 (changed: epochs)"
