"""The training charts' builders (Plotly figures as plain dicts), tested without Streamlit: what
each figure plots (its traces' x and y, names, colours, dashes, fills; the layout's axes,
titles, notes and lines), that every figure is valid Plotly and plain JSON."""

import html
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from figcheck import valid

from ui.charts import common, training
from workers import views


@pytest.fixture
def curves():
    rng = np.random.default_rng(1)
    n = 300
    epoch = np.arange(n)
    data = 1.1 * np.exp(-epoch / 80) + 0.1 + 0.01 * rng.random(n)
    reg = 0.02 + 0.01 * np.sin(epoch / 30) ** 2
    return epoch, data, reg, data * 1.2, rng.random(n), rng.random(n), 0.02 / (1 + 1e-3 * epoch)


def _trace(fig: dict, name: str, *, ref: bool = False) -> dict:
    """The one trace called `name` (the pinned run's, if `ref`)."""
    found = [t for t in fig["data"] if t.get("name") == name
             and (t.get("legendgroup") == "ref") == ref]
    assert len(found) == 1, (name, [t.get("name") for t in fig["data"]])
    return found[0]


def _y(trace: dict) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in trace["y"]], dtype=np.float64)


def _custom(trace: dict) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in trace["customdata"]],
                    dtype=np.float64)


def _legend(fig: dict) -> list[str]:
    """The legend's entries, in order."""
    return [t["name"] for t in fig["data"] if t.get("showlegend", True)] \
        if fig["layout"]["showlegend"] else []


def _lines(fig: dict) -> list[str]:
    """The title's lines (title, then subtitle lines) as plain text."""
    text = common.title_text(fig)
    return [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in text.split("<br>")]


def _notes(fig: dict) -> list[str]:
    """The annotations' text as Plotly draws it (one line; entities read)."""
    return [html.unescape(a["text"].replace("<br>", " ")) for a in fig["layout"]["annotations"]]


def _rgb(colour: str) -> str:
    return ",".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))


def test_loss_chart_stacks_reg_loss_on_data_loss_to_the_total(curves):
    epoch, data, reg, val, *_ = curves
    fig = training.loss_chart(epoch, data, reg, val)
    assert _legend(fig) == ["data loss", "reg loss", "total", "val loss"]
    band, reg_band, total, val_line = (_trace(fig, n) for n in ("data loss", "reg loss",
                                                                 "total", "val loss"))
    assert band["x"] == list(range(300))
    np.testing.assert_allclose(_y(band), data, rtol=1e-4)
    np.testing.assert_allclose(_y(reg_band), data + reg, rtol=1e-4)  # stacked: up to the total
    np.testing.assert_allclose(_y(total), data + reg, rtol=1e-4)
    np.testing.assert_allclose(_y(val_line), val, rtol=1e-4)
    # the data band from 0 to the data loss, the reg band from the data loss (the trace just
    # before it) to the total
    assert band["fill"] == "tozeroy" and reg_band["fill"] == "tonexty"
    assert fig["data"].index(reg_band) == fig["data"].index(band) + 1
    assert _rgb(common.DATA_COLOUR) in band["fillcolor"]
    assert _rgb(common.REG_COLOUR) in reg_band["fillcolor"]
    assert total["line"]["color"] == common.TOTAL_COLOUR and "dash" not in total["line"]
    assert val_line["line"]["color"] == common.VAL_COLOUR
    assert val_line["line"]["dash"] == common.VAL_DASH
    # the hover: every series' true value at the epoch under the pointer
    assert fig["layout"]["hovermode"] == "x unified"
    np.testing.assert_allclose(_custom(reg_band), reg, rtol=1e-4)
    assert fig["layout"]["yaxis"]["title"]["text"] == "loss"
    assert fig["layout"]["xaxis"]["title"]["text"] == "epoch"
    assert fig["layout"]["yaxis"]["range"][0] == 0


def test_loss_chart_marks_the_lowest_validation_loss(curves):
    epoch, data, reg, val, *_ = curves
    val = val.copy()
    val[123] = 0.01
    fig = training.loss_chart(epoch, data, reg, val)
    (label,) = [a for a in fig["layout"]["annotations"] if "lowest val loss" in a["text"]]
    assert label["text"] == "● lowest val loss 0.010, epoch 123"
    assert (label["x"], label["xanchor"], label["y"], label["yanchor"]) == (1, "right", 1, "top")
    assert label["font"]["color"] == common.VAL_COLOUR
    (rule,) = [s for s in fig["layout"]["shapes"] if s["line"].get("dash") == "dot"]
    assert rule["x0"] == rule["x1"] == 123 and (rule["y0"], rule["y1"]) == (0, 1)
    assert rule["yref"] == "paper" and rule["line"]["color"] == common.VAL_COLOUR
    dot = _trace(fig, "lowest val loss")
    assert dot["x"] == [123] and dot["y"] == [0.01] and dot["mode"] == "markers"
    assert dot["showlegend"] is False


def test_a_spike_is_cut_off_at_a_robust_top_and_keeps_its_true_value(curves):
    epoch, data, reg, val, *_ = curves
    val = val.copy()
    val[200] = 50.0  # one of Adam's spikes
    fig = training.loss_chart(epoch, data, reg, val)
    line = _trace(fig, "val loss")
    drawn = _y(line)
    assert drawn.max() < 2.0  # the axis is not squashed: it ends near the first loss
    assert drawn.max() >= (data + reg)[0]
    assert drawn[200] == pytest.approx(fig["layout"]["yaxis"]["range"][1])  # at the top edge
    assert _custom(line)[200] == 50.0                                       # its true value
    assert "customdata" in line["hovertemplate"]
    top = training.robust_top(data + reg, val)
    assert fig["layout"]["yaxis"]["range"][1] == pytest.approx(top, rel=1e-4)


def test_loss_chart_log_scale(curves):
    epoch, data, reg, val, *_ = curves
    data = data.copy()
    data[5] = 0.0  # no logarithm
    fig = training.loss_chart(epoch, data, np.zeros_like(reg), val, log_y=True)
    y = fig["layout"]["yaxis"]
    assert y["type"] == "log"
    assert y["range"][0] == pytest.approx(math.log10(training.LOG_FLOOR))
    assert y["range"][1] == pytest.approx(math.log10(training.robust_top(data, val)),
                                  abs=1e-4)
    band = _trace(fig, "data loss")
    assert _y(band)[5] == training.LOG_FLOOR and _custom(band)[5] == 0.0
    for trace in fig["data"]:
        assert np.nanmin(_y(trace)) >= training.LOG_FLOOR, trace["name"]  # none below the axis
    # the data band is filled down to the floor (a log axis has no 0 to fill to)
    under = fig["data"][fig["data"].index(band) - 1]
    assert band["fill"] == "tonexty" and set(under["y"]) == {training.LOG_FLOOR}
    assert under["showlegend"] is False and under["hoverinfo"] == "skip"
    linear = training.loss_chart(epoch, data, np.zeros_like(reg), val)
    assert linear["layout"]["yaxis"].get("type") in (None, "linear")


def test_reg_chart_has_its_own_axis_and_states_its_share(curves):
    epoch, data, reg, *_ = curves
    fig = training.reg_chart(epoch, data, reg, regularised=True)
    line = _trace(fig, "reg loss")
    np.testing.assert_allclose(_y(line), reg, rtol=1e-4)
    assert line["fill"] == "tozeroy" and line["line"]["color"] == common.REG_COLOUR
    assert fig["layout"]["yaxis"]["title"]["text"] == "reg loss"
    assert fig["layout"]["yaxis"]["rangemode"] == "tozero"
    share = reg[-1] / (data[-1] + reg[-1])
    (text,) = _notes(fig)
    assert text == f"last epoch: reg loss {reg[-1]:.4g} = {share:.1%} of the total"
    np.testing.assert_allclose(_custom(line), reg / (data + reg), rtol=1e-4)  # in the hover
    off = training.reg_chart(epoch, data, np.zeros_like(reg), regularised=False)
    assert _notes(off) == ["no regularisation: every lambda is 0"]
    # the note stands over the plot: the top margin makes room for it
    assert fig["layout"]["margin"]["t"] > training.lr_chart(epoch, reg)["layout"]["margin"]["t"]


def test_accuracy_and_lr_charts(curves):
    epoch, *_, acc, val_acc, lr = curves
    fig = training.accuracy_chart(epoch, acc, val_acc)
    assert _legend(fig) == ["train", "validation"]
    np.testing.assert_allclose(_y(_trace(fig, "train")), acc, rtol=1e-4)
    np.testing.assert_allclose(_y(_trace(fig, "validation")), val_acc, rtol=1e-4)
    assert _trace(fig, "train")["line"]["color"] == common.TRAIN_COLOUR
    assert _trace(fig, "validation")["line"]["dash"] == common.VAL_DASH
    assert _trace(fig, "validation")["line"]["color"] == common.VAL_COLOUR
    y = fig["layout"]["yaxis"]
    assert y["range"] == [0, training.ACCURACY_TOP] and y["tickformat"] == ".0%"
    assert y["title"]["text"] == "accuracy"
    lr_fig = training.lr_chart(epoch, lr)
    (line,) = lr_fig["data"]
    np.testing.assert_allclose(_y(line), lr, rtol=1e-4)
    assert line["line"]["color"] == common.LR_COLOUR
    assert lr_fig["layout"]["yaxis"]["title"]["text"] == "learning rate"
    assert _lines(lr_fig) == ["Learning rate", "lr₀ / (1 + decay·t)"]


def test_long_runs_are_thinned_but_keep_the_last_epoch():
    epoch = np.arange(100_000)
    values = np.linspace(1, 0, 100_000)
    fig = training.loss_chart(epoch, values, values * 0.1, values, points=500)
    for name in ("data loss", "reg loss", "total", "val loss"):
        x = _trace(fig, name)["x"]
        assert len(x) <= 501 and x[0] == 0 and x[-1] == 99_999
    # the marker of the lowest validation loss comes from every epoch, not the thinned ones
    assert _trace(fig, "lowest val loss")["x"] == [99_999]


@pytest.mark.parametrize(("points", "most"), [(training.LIVE_POINTS, 501),
                                              (training.FINAL_POINTS, 1501)])
def test_a_1501_epoch_run_in_a_live_and_a_final_view(points, most):
    """1,501 epochs drawn for a live (500 points) and a finished (1,500) view: thinned to at
    most one more point than asked, ending at the last epoch, valid Plotly and JSON."""
    epoch = np.arange(1501)
    curve = np.linspace(1.0, 0.1, 1501)
    ref = {"epoch": epoch, "total": curve, "val": curve, "train": 1 - curve, "reg": curve / 10}
    figs = [training.loss_chart(epoch, curve, curve / 10, curve * 1.2, points=points, ref=ref,
                                cursor=700),
            training.reg_chart(epoch, curve, curve / 10, regularised=True, points=points,
                               ref=ref),
            training.accuracy_chart(epoch, 1 - curve, 1 - curve / 2, points=points, ref=ref),
            training.lr_chart(epoch, 0.05 / (1 + 1e-3 * epoch), points=points)]
    for fig in figs:
        for trace in fig["data"]:
            if len(trace["x"]) > 1:
                assert len(trace["x"]) <= most and trace["x"][-1] == 1500
                assert len(trace["x"]) < 1501  # thinned in both views
        valid(fig)


def test_weight_histogram_has_fixed_edges_and_counts_the_centre_exactly():
    w = np.array([0.0, 1e-4, -9e-4, 1e-3, 0.5, -2.0, 100.0, np.nan])
    edges, counts = views.weight_histogram(w)
    np.testing.assert_array_equal(edges, views.weight_edges())  # the same for every run
    centre = len(counts) // 2
    assert counts[centre] == 3           # |w| < 1e-3: the card's number
    assert counts.sum() == 7             # NaN left out; 100 goes in the last bin
    assert counts[-1] == 1 and edges[-1] == views.WEIGHT_LIMIT
    fig = training.weights_chart(edges, counts, 1 / 7, 1e-3)
    (bars,) = fig["data"]
    assert bars["type"] == "bar" and bars["marker"]["color"] == common.WEIGHT_COLOUR
    assert sum(bars["y"]) == pytest.approx(1.0, rel=1e-4)
    assert bars["y"][centre] == pytest.approx(3 / 7, rel=1e-4)
    # the hover gives each bar's true edges and count
    lo, hi, n = zip(*bars["customdata"], strict=True)
    np.testing.assert_allclose(lo, edges[:-1], rtol=1e-4)
    np.testing.assert_allclose(hi, edges[1:], rtol=1e-4)
    assert list(n) == counts.tolist()
    assert _notes(fig) == ["43% of the weights have |w| < 0.001 (14% set to 0: too small for "
                           "float32)"]
    # the bars tile the symmetric-log axis edge to edge, the centre bar around 0, the axis
    # exactly as wide as the fixed edges, the outer bars (log-spaced edges) about as wide as
    # each other, as on a log axis
    x, width = np.array(bars["x"]), np.array(bars["width"])
    np.testing.assert_allclose((x + width / 2)[:-1], (x - width / 2)[1:], atol=1e-3)
    assert x[centre] == 0
    axis = fig["layout"]["xaxis"]
    assert axis["range"] == pytest.approx([x[0] - width[0] / 2, x[-1] + width[-1] / 2],
                                          abs=1e-3)
    assert axis["range"][0] == -axis["range"][1]
    assert np.ptp(width[-6:]) < 0.05 * width[-1] and np.ptp(width[:6]) < 0.05 * width[0]
    ticks = dict(zip(axis["ticktext"], axis["tickvals"], strict=True))
    assert ticks["0"] == 0 and ticks["-1"] == -ticks["1"]
    assert np.all(np.diff(axis["tickvals"]) > 0)
    # a weight of 1 is drawn inside the bar whose edges hold it
    k = int(np.searchsorted(edges, 1.0)) - 1
    assert x[k] - width[k] / 2 <= ticks["1"] <= x[k] + width[k] / 2
    unknown = training.weights_chart(edges, counts, math.nan, 1e-3)
    assert _notes(unknown) == ["43% of the weights have |w| < 0.001"]


def _every_chart(n=300, seed=0):
    rng = np.random.default_rng(seed)
    epoch = np.arange(n)
    curve = np.linspace(1.0, 0.1, n) + 0.01 * rng.random(n)
    diverged = curve.copy()
    diverged[n // 2:] = np.nan
    diverged[n // 2] = np.inf
    edges, counts = views.weight_histogram(rng.normal(size=500))
    ref = {"epoch": epoch, "total": curve * 1.1, "val": curve * 1.3, "train": 1 - curve,
           "reg": curve / 20}
    return {
        "loss": training.loss_chart(epoch, curve, curve / 10, curve * 1.2),
        "loss log": training.loss_chart(epoch, curve, curve / 10, curve * 1.2, log_y=True),
        "loss, diverged": training.loss_chart(epoch, diverged, diverged / 10, diverged),
        "loss, no epochs yet": training.loss_chart(epoch[:0], curve[:0], curve[:0], curve[:0]),
        "reg": training.reg_chart(epoch, curve, curve / 10, regularised=True),
        "reg, none": training.reg_chart(epoch, curve, 0 * curve, regularised=False),
        "accuracy": training.accuracy_chart(epoch, 1 - curve / 2, 1 - curve),
        "lr": training.lr_chart(epoch, 0.05 / (1 + 1e-3 * epoch)),
        "weights": training.weights_chart(edges, counts, 0.0, 1e-3),
        "weights, pinned": training.weights_chart(edges, counts, math.nan, 1e-3,
                                                  ref_counts=counts[::-1]),
        "weights, none": training.weights_chart(edges, 0 * counts, math.nan, 1e-3),
        "loss, pinned and replayed": training.loss_chart(
            epoch, curve, curve / 10, curve * 1.2, cursor=int(epoch[n // 3]), ref=ref),
        "loss log, pinned": training.loss_chart(epoch, curve, curve / 10, curve * 1.2,
                                                log_y=True, ref=ref),
        "reg, pinned and replayed": training.reg_chart(epoch, curve, curve / 10,
                                                       regularised=True, ref=ref, cursor=9),
        "accuracy, pinned": training.accuracy_chart(epoch, 1 - curve / 2, 1 - curve, ref=ref,
                                                    cursor=3),
        "live view (500 points)": training.loss_chart(
            np.arange(5000), np.linspace(1, 0.1, 5000), np.full(5000, 0.01),
            np.linspace(1.2, 0.3, 5000), points=training.LIVE_POINTS),
    }


@pytest.mark.parametrize("name", list(_every_chart()))
def test_every_figure_is_valid_plotly_and_plain_json(name):
    """plotly's own schema accepts the figure, and it is JSON as it stands: no numpy values,
    no NaN (a gap is None)."""
    fig = valid(_every_chart()[name])
    text = json.dumps(fig, allow_nan=False)
    assert json.loads(text) == fig  # only lists, dicts, strings, numbers, None, bools


def test_a_diverged_run_leaves_gaps():
    fig = _every_chart()["loss, diverged"]
    y = _trace(fig, "data loss")["y"]
    assert y[150] == pytest.approx(fig["layout"]["yaxis"]["range"][1])  # inf: at the top
    assert y[151] is None and y[-1] is None                             # NaN: a gap


def test_figure_builders_do_not_import_streamlit():
    import ast
    root = Path(__file__).resolve().parents[2] / "ui"
    for name in ("charts/training.py", "charts/common.py", "runs.py", "urlstate.py", "scales.py",
                 "fields.py", "formulas.py"):
        tree = ast.parse((root / name).read_text())
        imported = {a.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.Import) for a in node.names}
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom)}
        assert "streamlit" not in imported, name
        if name.startswith("charts/"):  # plain dicts: no plotly objects built per redraw
            assert "plotly" not in imported, name


def test_a_replay_draws_a_cursor_at_its_epoch(curves):
    epoch, data, reg, val, acc, val_acc, _ = curves
    for build in (lambda c: training.loss_chart(epoch, data, reg, val, cursor=c),
                  lambda c: training.accuracy_chart(epoch, acc, val_acc, cursor=c),
                  lambda c: training.reg_chart(epoch, data, reg, regularised=True, cursor=c)):
        at_end, early = build(None), build(30)
        cursors = [s for s in early["layout"]["shapes"]
                   if s["line"]["color"] == common.CURSOR_COLOUR]
        assert len(cursors) == 1
        (line,) = cursors
        assert line["x0"] == line["x1"] == 30 and line["xref"] == "x"
        assert (line["yref"], line["y0"], line["y1"]) == ("paper", 0, 1)
        assert not [s for s in at_end["layout"]["shapes"]
                    if s["line"]["color"] == common.CURSOR_COLOUR]
        assert early["data"] == at_end["data"]  # the curves are the same


def test_a_pinned_run_is_drawn_faintly_under_the_current_curves(curves):
    epoch, data, reg, val, acc, val_acc, _ = curves
    ref = {"epoch": epoch, "total": (data + reg) * 2, "val": val * 2}
    fig = training.loss_chart(epoch, data, reg, val, ref=ref)
    faint = [t for t in fig["data"] if t.get("legendgroup") == "ref"]
    assert len(faint) == 2 and fig["data"][:2] == faint  # under the current run's traces
    assert all(t["line"]["color"] == common.REF_COLOUR for t in faint)
    assert [t["name"] for t in faint] == ["pinned run", "pinned run"]
    assert [t["showlegend"] for t in faint] == [True, False]  # one legend entry for both
    assert faint[1]["line"]["dash"] == common.VAL_DASH and "dash" not in faint[0]["line"]
    np.testing.assert_allclose(_custom(faint[1]), val * 2, rtol=1e-4)  # true values to hover
    top = training.robust_top(data + reg, val)
    assert np.nanmax(_y(faint[1])) <= top * (1 + 1e-4)  # cut at the same robust top
    assert (ref["val"] > top).any()                      # (which it needed)
    assert "grey: pinned run" in " ".join(_lines(fig))
    assert "grey" not in " ".join(_lines(training.loss_chart(epoch, data, reg, val)))
    # the other charts: the same, the current run's curves unchanged
    acc_fig = training.accuracy_chart(epoch, acc, val_acc,
                                      ref={"epoch": epoch, "train": acc / 2, "val": val_acc / 2})
    assert [t["name"] for t in acc_fig["data"]] == ["pinned run", "pinned run", "train",
                                                    "validation"]
    np.testing.assert_allclose(_y(acc_fig["data"][0]), acc / 2, rtol=1e-4)
    assert _legend(acc_fig) == ["pinned run", "train", "validation"]
    reg_fig = training.reg_chart(epoch, data, reg, regularised=True,
                                 ref={"epoch": epoch, "reg": reg * 3})
    assert reg_fig["data"][0]["line"]["color"] == common.REF_COLOUR
    np.testing.assert_allclose(_y(reg_fig["data"][0]), reg * 3, rtol=1e-4)
    assert _legend(reg_fig) == ["pinned run", "reg loss"]
    assert _legend(training.reg_chart(epoch, data, reg, regularised=True)) == []


def test_a_pinned_runs_histogram_is_drawn_as_outlines():
    edges, counts = views.weight_histogram(np.random.default_rng(0).normal(size=300))
    ref_counts = counts[::-1] * 2
    fig = training.weights_chart(edges, counts, math.nan, 1e-3, ref_counts=ref_counts)
    bars, outline = fig["data"]
    assert outline["name"] == "pinned run" and outline["x"] == bars["x"]
    assert outline["marker"]["line"]["color"] == common.REF_COLOUR
    assert outline["marker"]["color"] == "rgba(0,0,0,0)"  # no fill: the bars show through
    np.testing.assert_allclose(outline["y"], ref_counts / ref_counts.sum(), rtol=1e-4)
    assert fig["layout"]["barmode"] == "overlay"
    assert _legend(fig) == ["this run", "pinned run"]
    assert _legend(training.weights_chart(edges, counts, math.nan, 1e-3)) == []


def test_text_is_large_enough_to_read_from_the_back_of_a_room():
    """Issue 20, a projector at 1280x720: tick labels >= 14 px, axis titles, legends and notes
    >= 15 px, titles >= 18 px, on every chart."""
    for name, fig in _every_chart().items():
        layout = fig["layout"]
        assert layout["font"]["size"] >= 15, name
        assert layout["title"]["font"]["size"] >= 18, name
        for key in ("xaxis", "yaxis"):
            if layout[key].get("visible", True):
                assert layout[key]["tickfont"]["size"] >= 14, name
                assert layout[key]["title"]["font"]["size"] >= 15, name
        if layout["showlegend"]:
            assert layout["legend"]["font"]["size"] >= 15, name
        assert all(a["font"]["size"] >= 15 for a in layout["annotations"]), name
        assert layout["hoverlabel"]["font"]["size"] >= 15, name


def test_the_loss_subtitle_is_one_line_of_page_text():
    """One line (the component draws it as page text that wraps in a narrow column: Plotly's
    own text was cut there), so that the chart fits a 1280 x 720 screen under the cards."""
    epoch = np.arange(50)
    curve = np.linspace(1, 0.1, 50)
    for ref in (None, {"epoch": epoch, "total": curve, "val": curve}):
        title, *lines = _lines(training.loss_chart(epoch, curve, curve / 10, curve, ref=ref))
        assert title == "Loss = data + regularisation"
        assert len(lines) == 1 and "dashed: validation (data only)" in lines[0]
        assert ("grey: pinned run" in lines[0]) == (ref is not None)


def test_plots_keep_their_heights_under_titles_and_notes():
    """The plot itself is as high as its constant says (the loss chart's is lower: the chart
    lies wholly on a 1280 x 720 screen under the cards): the figure adds the room its title,
    subtitles, legend and notes take over it."""
    epoch = np.arange(50)
    curve = np.linspace(1, 0.1, 50)
    edges, counts = views.weight_histogram(np.linspace(-1, 1, 50))
    for fig, plot in ((training.loss_chart(epoch, curve, curve, curve), 160),
                      (training.reg_chart(epoch, curve, curve, regularised=True), 200),
                      (training.accuracy_chart(epoch, curve, curve), 260),
                      (training.lr_chart(epoch, curve), 240),
                      (training.weights_chart(edges, counts, 0.1, 1e-3), 240)):
        layout = fig["layout"]
        assert layout["height"] - layout["margin"]["t"] - training.X_AXIS_ROOM == plot
        assert layout["margin"]["t"] >= 34 + 20 * (len(_lines(fig)) - 1)


def test_the_epoch_charts_end_at_the_last_epoch_drawn_marker_or_not(curves):
    """The loss chart's lowest-validation marker made Plotly pad its epoch axis: stacked over
    the reg-loss chart, it drew each epoch (and the replay cursor) further left than that one."""
    epoch, data, reg, val, acc, val_acc, lr = curves
    val = val.copy()
    val[-3] = 0.01  # the lowest validation loss three epochs from the end: a marker there
    assert training.best_epoch(epoch, val)[0] == epoch[-3]
    last = {"clipmax": int(epoch[-1])}
    figs = [training.loss_chart(epoch, data, reg, val),
            training.reg_chart(epoch, data, reg, regularised=True),
            training.accuracy_chart(epoch, acc, val_acc), training.lr_chart(epoch, lr)]
    for fig in figs:
        assert fig["layout"]["xaxis"]["autorangeoptions"] == last, fig["layout"]["title"]
    # a pinned run longer than this one: the charts that draw it end at its last epoch
    n = len(epoch) + 100
    ref = {"epoch": np.arange(n), "total": np.ones(n), "val": np.ones(n), "reg": np.ones(n),
           "train": np.ones(n)}
    longer = {"clipmax": n - 1}
    assert training.loss_chart(epoch, data, reg, val, ref=ref)["layout"]["xaxis"][
        "autorangeoptions"] == longer
    assert training.reg_chart(epoch, data, reg, regularised=True, ref=ref)["layout"]["xaxis"][
        "autorangeoptions"] == longer
    # no epochs yet (the blank chart before a run): Plotly's own range
    assert "autorangeoptions" not in training.loss_chart([], [], [], [])["layout"]["xaxis"]
