"""Bad input through the UI (AppTest): hostile links, unusable CSV files, extreme but valid
configs. Each ends in a clear message and safe values, never a traceback.

(Complements test_app.py, which covers samples=99999, dropout=banana, noise=nan, moons with 5
classes, a config over the work cap, learning_rate=-1, a non-numeric CSV and a one-class first
upload.)"""

import pytest
from apphelpers import charts, make_app, no_errors, open_group

from nncore import TrainConfig
from ui import panels, upload
from ui.fields import widget_key

DEFAULT = TrainConfig()


def _config(at) -> TrainConfig:
    return at.session_state["cfg_config"]


def _warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("field, text, expected", [
    # garbage
    ("learning_rate", "0x1F", DEFAULT.learning_rate),
    ("hidden", "abc", DEFAULT.hidden),
    ("hidden", "0-0", (1, 1)),                      # clamped to the smallest layer
    ("dataset", "../../etc/passwd", DEFAULT.dataset),
    ("optimizer", "__import__('os').system('id')", DEFAULT.optimizer),
    ("dtype", "float16", DEFAULT.dtype),
    ("regularise_output", "maybe", DEFAULT.regularise_output),
    ("seed", "", DEFAULT.seed),
    ("dropout", "0.1" * 40, DEFAULT.dropout),       # over the length limit
    ("weight_l2", "１２", DEFAULT.weight_l2),        # full-width digits: not a number here
    # huge numbers
    ("learning_rate", "1e308", 100.0),
    ("seed", "99999999999999999999999", 2**32 - 1),
    ("epochs", "1e400", DEFAULT.epochs),            # inf after parsing
    ("hidden", "999999-3", (1024, 3)),
    ("decay", "1e99", 1.0),
    # negative
    ("samples", "-5", 2),
    ("dropout", "-0.5", 0.0),
    ("epochs", "-1", 1),
    ("weight_l1", "-1e-9", 0.0),
    # NaN / inf strings
    ("learning_rate", "inf", DEFAULT.learning_rate),
    ("weight_l2", "-inf", DEFAULT.weight_l2),
    ("dropout", "NaN", DEFAULT.dropout),
    ("momentum", "Infinity", DEFAULT.momentum),
])
def test_hostile_link_values_warn_and_fall_back(field, text, expected):
    at = make_app(**{field: text, "epochs": "21"} if field != "epochs" else {field: text})
    at.run()
    no_errors(at)
    assert field in _warnings(at), _warnings(at)
    assert getattr(_config(at), field) == expected


def test_repeated_keys_use_the_last_value():
    at = make_app(epochs="21")
    at.query_params["dropout"] = ["banana", "0.3"]
    at.run()
    no_errors(at)
    assert _config(at).dropout == pytest.approx(0.3)


def test_repeated_keys_with_a_bad_last_value_warn_and_use_the_default():
    at = make_app(epochs="21")
    at.query_params["dropout"] = ["0.3", "nan"]
    at.run()
    no_errors(at)
    assert "dropout" in _warnings(at)
    assert _config(at).dropout == DEFAULT.dropout


def test_many_unknown_and_bad_keys_at_once():
    params = {f"junk{i}": "x" * 100 for i in range(50)}
    params.update(epochs="21", samples="nan", classes="1e9", noise="-inf", hidden="1-2-3-4-5")
    at = make_app(**params).run()
    no_errors(at)
    config = _config(at)
    assert config.samples == DEFAULT.samples and config.classes == 10
    assert config.noise == DEFAULT.noise and config.hidden == (1, 2, 3)


# ---- CSV uploads: each bad file gets a clear message; the previous data and charts stay ----

BAD_FILES = {
    "empty.csv": (b"", "no data rows"),
    "blank.csv": (b"\n \n\n", "no data rows"),
    "binary.csv": (bytes(range(256)) * 8, "binary"),
    "utf16.csv": ("x1,x2,label\n1,2,0\n3,4,1\n".encode("utf-16"), "binary"),
    "two-columns.csv": (b"a,b\n1,2\n3,4\n", "columns"),
    "four-columns.csv": (b"1,2,3,4\n5,6,7,8\n", "columns"),
    "nan.csv": (b"1,2,0\nnan,3,1\n1,1,0\n2,2,1\n", "finite"),
    "inf.csv": (b"1,2,0\n3,inf,1\n1,1,0\n2,2,1\n", "finite"),
    "one-class.csv": (b"1,2,0\n3,4,0\n5,6,0\n", "at least 2 classes"),
    "classes.csv": ("\n".join(f"{i},{i},{i}" for i in range(3000)).encode(), "at most 10"),
    "huge.csv": (b"1,2,0\n" * (upload.MAX_UPLOAD_BYTES // 6 + 10), "at most 2 MB"),
}


def _to_csv(at):
    open_group(at, "data").sidebar.selectbox(key=widget_key("dataset")).set_value("csv")
    at.run()
    return at.sidebar.file_uploader(key="cfg_csv_file")


def _upload(at, name: str, raw: bytes):
    at.sidebar.file_uploader(key="cfg_csv_file").set_value((name, raw, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def csv_app(fast_app):
    """The dashboard on the example CSV, trained once."""
    at = fast_app
    _to_csv(at)
    _upload(at, "points.csv", upload.example_csv())
    no_errors(at)
    assert at.session_state["pg_result"]["view"].status == "completed"
    return at


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_csv_keeps_the_previous_data_and_charts(csv_app, name):
    at = csv_app
    before = at.session_state["pg_result"]["view"]
    raw, words = BAD_FILES[name]
    _upload(at, name, raw)
    errors = " ".join(e.value for e in at.error)
    assert f"` {name} ` was not used" in errors and words in errors, errors
    assert at.session_state["cfg_csv"]["name"] == "points.csv"
    assert len(charts(at)) == panels.N_CHARTS
    after = at.session_state["pg_result"]["view"]
    assert after.fingerprint == before.fingerprint  # same data, same run


def test_over_the_size_limit_is_refused_before_parsing():
    with pytest.raises(upload.CsvError, match="at most 2 MB"):
        upload.parse_upload("big.csv", b"0" * (upload.MAX_UPLOAD_BYTES + 1))


def test_huge_but_finite_coordinates_train_or_diverge_cleanly(fast_app):
    at = fast_app
    _to_csv(at)
    rows = "\n".join(f"{s * 1e300},{s * 1e300},{i % 2}" for i, s in
                     enumerate([1, -1, 0.5, -0.5, 0.25, -0.25, 0.1, -0.1]))
    _upload(at, "far.csv", rows.encode())
    assert not at.exception
    view = at.session_state["pg_result"]["view"]
    assert view.status in ("completed", "diverged")
    if view.status == "diverged":
        assert any(f"epoch {view.diverged_at}" in e.value for e in at.error)


# ---- extreme but valid configs: train, or diverge with the divergence message ----

@pytest.mark.parametrize("params", [
    {"learning_rate": "10"},
    {"learning_rate": "10", "optimizer": "sgd"},
    {"weight_l1": "1", "weight_l2": "1", "bias_l1": "1", "bias_l2": "1"},
    {"weight_l1": "1", "weight_l2": "1", "regularise_output": "1", "learning_rate": "10"},
    {"dropout": "0.9"},
    {"hidden": "1"},
    {"hidden": "1-1-1", "dropout": "0.9", "learning_rate": "10"},
])
def test_extreme_valid_configs_train_or_diverge_cleanly(params):
    at = make_app(**params, epochs="201").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not _warnings(at), _warnings(at)  # valid: taken as they are
    view = at.session_state["pg_result"]["view"]
    assert view.status in ("completed", "diverged")
    errors = " ".join(e.value for e in at.error)
    if view.status == "diverged":
        assert f"epoch {view.diverged_at}" in errors
    else:
        assert not errors
    assert len(charts(at)) == panels.N_CHARTS
