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
def history():
    return train(TrainConfig(epochs=30))


@pytest.fixture(scope="module")
def view(history):
    return views.view_from_history(history, decision_grid(history.model, history.data.X,
                                                         resolution=20))


def test_view_copies_the_history(view):
    assert view.status == "completed" and len(view.epoch) == 30
    assert set(view.series) == set(views.SERIES)
    assert view.grid[2].shape == (20, 20, 3)
    assert len(view.fingerprint) == 12
    assert 0.0 <= view.final["near_zero_weights"] <= 1.0


def test_history_csv_has_one_row_per_epoch_and_the_total(history, view):
    """Every column value by value against the History the run recorded (not the view's own
    series: a CSV of zeros sums to its zero total too)."""
    frame = pd.read_csv(io.BytesIO(runs.history_csv(view)))
    assert list(frame.columns) == ["epoch", "data_loss", "reg_loss", "loss", "accuracy",
                                   "val_loss", "val_accuracy", "learning_rate"]
    np.testing.assert_array_equal(frame["epoch"], np.arange(30))
    for name in ("data_loss", "reg_loss", "accuracy", "val_loss", "val_accuracy",
                 "learning_rate"):
        np.testing.assert_allclose(frame[name], getattr(history, name)[:30], rtol=1e-12,
                                   err_msg=name)
    np.testing.assert_allclose(frame["loss"], history.data_loss[:30] + history.reg_loss[:30],
                               rtol=1e-12)
    assert frame["loss"].iloc[-1] == pytest.approx(history.final()["loss"], rel=1e-12)
    assert frame["reg_loss"].iloc[-1] > 0 and frame["data_loss"].iloc[0] > 0.5  # (not zeros)


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


# Hand-set weights of a 2-3-2-3 network: |w| < 1e-3 is near zero, w == 0 exactly zero (and
# 3e-7 or 5e-8 is not).
HAND_WEIGHTS = {
    "dense1.weights": [[0.0, 5e-4, 0.5], [-2e-4, 0.0, -1.0]],    # 4 near zero, 2 exactly
    "dense2.weights": [[0.3, -3e-7], [2e-3, -0.7], [0.0, 1.5]],  # 2 near zero, 1 exactly
    "dense3.weights": [[0.0, 0.0, 0.0], [0.0, 5e-8, 2.0]],       # (output) 5 near, 4 exactly
}


def _hand_set_view(regularise_output: bool):
    history = train(TrainConfig(epochs=2, hidden=(3, 2), samples=10,
                                regularise_output=regularise_output))
    for p in history.model.params.params:
        # biases all 0: they would add exact zeros if they were counted
        p.value[...] = HAND_WEIGHTS[p.name] if p.name in HAND_WEIGHTS else 0.0
    return views.view_from_history(history, None)


@pytest.mark.parametrize("regularise_output, near, exact, counted, below, above", [
    # the two hidden layers' 12 weights: 6 near zero, 3 exactly 0, 2 <= -1e-3, 4 >= 1e-3
    (False, 6 / 12, 3 / 12, 12, 2, 4),
    # ... and the output layer's 6 too: 11 near zero, 7 exactly 0, one more >= 1e-3
    (True, 11 / 18, 7 / 18, 18, 2, 5),
])
def test_view_counts_sparsity_on_the_regularised_layers_only(regularise_output, near, exact,
                                                             counted, below, above):
    shown = _hand_set_view(regularise_output)
    assert shown.final["near_zero_weights"] == pytest.approx(near, abs=1e-12)
    assert shown.final["exact_zero_weights"] == pytest.approx(exact, abs=1e-12)
    counts = shown.weight_hist[1]
    centre = len(counts) // 2
    assert counts.sum() == counted
    assert counts[centre] == round(near * counted)
    assert counts[:centre].sum() == below and counts[centre + 1:].sum() == above


def test_weight_histogram_puts_each_weight_between_its_bins_edges():
    # bins: 0 = [-4, -2.004) (and beyond), 11 = [-1.996e-3, -1e-3), 12 = the centre,
    # 13 = [1e-3, 1.996e-3), 21 = [0.252, 0.503), 23 = [1.004, 2.004), 24 = [2.004, 4] (and beyond)
    w = np.array([1.5e-3, -1.5e-3, 0.3, -0.3, 3.0, -10.0, 5e-4, 1.2])
    edges, counts = views.weight_histogram(w)
    expected = np.zeros(25, int)
    np.add.at(expected, [13, 11, 21, 3, 24, 0, 12, 23], 1)
    assert (edges[11], edges[12], edges[13], edges[14]) == pytest.approx(
        (-1.996e-3, -1e-3, 1e-3, 1.996e-3), rel=1e-3)
    np.testing.assert_array_equal(counts, expected)


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
