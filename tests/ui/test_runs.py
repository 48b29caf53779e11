"""Run records, run log and exports (pure helpers), and the CSV upload handler."""

import dataclasses
import io
import json

import numpy as np
import pandas as pd
import pytest

from nncore import CsvError, TrainConfig, decision_grid, train
from ui import formulas, panels, runs, upload
from workers import views


@pytest.fixture(scope="module")
def view():
    history = train(TrainConfig(epochs=30))
    return views.view_from_history(history, decision_grid(history.model, history.data.X,
                                                         resolution=20))


def test_view_copies_the_history(view):
    assert view.status == "completed" and len(view.epoch) == 30
    assert set(view.series) == set(views.SERIES)
    assert view.grid[2].shape == (20, 20, 3)
    assert len(view.fingerprint) == 12
    assert 0.0 <= view.final["near_zero_weights"] <= 1.0


def test_history_csv_has_one_row_per_epoch_and_the_total(view):
    frame = pd.read_csv(io.BytesIO(runs.history_csv(view)))
    assert len(frame) == 30
    np.testing.assert_allclose(frame["loss"], frame["data_loss"] + frame["reg_loss"], rtol=1e-6)


def test_config_json_reads_back(view):
    assert TrainConfig.from_dict(json.loads(runs.config_json(view.config))).epochs == 30


def test_run_log_is_bounded_and_skips_repeats(view):
    log = []
    for i in range(runs.MAX_LOG_ROWS + 20):
        log = runs.append_log(log, runs.log_entry(f"k{i}", view, log[-1] if log else None))
    assert len(log) == runs.MAX_LOG_ROWS and log[-1]["key"] == f"k{runs.MAX_LOG_ROWS + 19}"
    again = runs.append_log(log, runs.log_entry(log[-1]["key"], view, None))
    assert again is log
    data = runs.data_key(view.config)
    assert runs.previous_final(log, log[-1]["key"], data)["key"] == log[-2]["key"]
    frame = runs.log_frame(log)
    assert frame["run"].iloc[0] == runs.MAX_LOG_ROWS and "val acc" in frame.columns
    assert "config" not in frame.columns and "data" not in frame.columns
    assert runs.log_csv(log).startswith(b"run,")


def test_config_changes_lists_only_differences():
    base = TrainConfig().to_dict()
    changed = TrainConfig(dropout=0.5, hidden=(8, 8)).to_dict()
    assert runs.config_changes(changed, base) == "hidden=8-8, dropout=0.5"
    assert runs.config_changes(base, base) == "(defaults)"
    assert runs.config_changes(changed, base, arrows=True) == "hidden 64 → 8-8, dropout 0 → 0.5"


def test_the_log_says_what_changed_since_the_previous_run(view):
    """Not against the defaults: the change just made is the one a reader looks for."""
    first = runs.log_entry("a", view, None, defaults=TrainConfig().to_dict())
    moved = dict(view.config, dropout=0.3)
    second_view = dataclasses.replace(view, config=moved)
    second = runs.log_entry("b", second_view, first)
    assert second["changes"] == "dropout 0 → 0.3"
    assert first["changes"] == "epochs=30"


def test_card_deltas_compare_only_runs_on_the_same_data(view):
    log = [runs.log_entry("a", view, None)]
    same_data = dict(view.config, dropout=0.3)
    assert runs.previous_final(log, "b", runs.data_key(same_data))["key"] == "a"
    for field, value in (("seed", 1), ("samples", 50), ("noise", 0.1), ("dataset", "moons")):
        other = dict(view.config, **{field: value})
        assert runs.previous_final(log, "b", runs.data_key(other)) is None, field
    assert runs.previous_final(log, "b", runs.data_key(view.config, "a-file")) is None


def test_a_card_delta_that_rounds_to_nothing_says_so():
    assert panels.card_delta(0.0123, "{:.1%}") == "+1.2 pts"
    assert panels.card_delta(-0.0004, "{:.1%}") == "±0 pts"  # not "-0.0 pts"
    assert panels.card_delta(0.0, "{:.3f}") == "±0"
    assert panels.card_delta(-0.00123, "{:.3f}") == "-0.00123"


def test_view_counts_sparsity_on_the_regularised_layers_only(view):
    from nncore.metrics import sparsity
    history = train(TrainConfig(epochs=30, hidden=(8, 8)))
    shown = views.view_from_history(history, None)
    shares = sparsity(history.model, regularise_output=False)
    assert shown.final["near_zero_weights"] == shares["near_zero"]
    assert shown.final["exact_zero_weights"] == shares["exact_zero"]
    # the histogram holds the two hidden layers' weights, not the output layer's
    assert shown.weight_hist[1].sum() == 2 * 8 + 8 * 8


def test_formula_rows_put_this_runs_numbers_beside_the_formula(view):
    rows = formulas.formula_rows(view.config, view.final)
    assert len(rows) == 5
    assert r"5\times10^{-4}" in rows[1][2]
    assert formulas.tex_number(0.0) == "0" and formulas.tex_number(float("nan")) == r"\text{n/a}"


def test_parse_upload_good_file():
    parsed = upload.parse_upload("points.csv", upload.example_csv())
    assert parsed["rows"] == 120 and parsed["classes"] == 2
    assert parsed["X"].shape == (120, 2) and len(parsed["digest"]) == 16
    data = upload.csv_dataset(parsed, 0.25, 0)
    assert len(data.y) + len(data.y_val) == 120 and data.classes == 2


@pytest.mark.parametrize("raw, words", [
    (b"", "no data rows"),
    (b"\x00\x01\x02binary", "binary"),
    (b"x1,x2\n1,2\n", "columns"),
    (b"a,b,c\n1,2,zero\n3,4,1\n", "not a number"),
    (b"1,2,0\n3,nan,1\n", "finite"),
    (b"1,2,0\n3,4,0\n", "2 classes"),
    (b"1" * (upload.MAX_UPLOAD_BYTES + 1), "MB"),
])
def test_parse_upload_bad_files_raise_a_clear_csv_error(raw, words):
    with pytest.raises(CsvError, match=words):
        upload.parse_upload("bad.csv", raw)
