"""The "Inside the network" page's charts (Plotly figures, plain dicts): the weight norm of each
layer over the epochs (a line a layer, in Okabe-Ito colours) and each layer's weight histogram
(short titles, the bars as shares of the weights on a symmetric-log axis). No Streamlit."""

import json
import re

import numpy as np
import pytest
from figcheck import valid

from nncore.metrics import NEAR_ZERO
from ui.charts import common, network
from workers import views
from workers.recorder import Extras

NORMS = {"dense1": (np.array([0, 10, 20, 30]), np.array([4.0, 3.5, 3.1234567, 2.9])),
         "dense2": (np.array([0, 10, 20, 30]), np.array([2.0, 2.5, 2.75, 2.875])),
         "dense3": (np.array([0, 15, 30]), np.array([1.0, 0.5, 0.25]))}


MARKUP, ESCAPED = "<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"


def lines(title: str) -> list[str]:
    """A figure title's lines as drawn: split at <br>, tags dropped, entities read."""
    return [re.sub(r"<[^>]+>", "", line).replace("&lt;", "<").replace("&gt;", ">")
            .replace("&amp;", "&") for line in title.split("<br>")]


def test_norm_chart_draws_one_line_per_layer_with_its_norms():
    fig = valid(network.norm_chart(Extras(norms=NORMS)))
    assert [t["name"] for t in fig["data"]] == list(NORMS)
    for t, (epochs, norms) in zip(fig["data"], NORMS.values(), strict=True):
        assert t["type"] == "scatter" and t["mode"] == "lines"
        assert t["x"] == epochs.tolist()
        np.testing.assert_allclose(t["y"], norms, rtol=1e-4)
    # a colour each, from the shared colour-blind-safe palette (not tab10's)
    colours = [t["line"]["color"] for t in fig["data"]]
    assert len(set(colours)) == len(colours)
    assert set(colours) <= set(common.CLASS_COLOURS)
    assert fig["layout"]["yaxis"]["title"]["text"] == "‖W‖"
    assert fig["layout"]["xaxis"]["title"]["text"] == "epoch"
    assert lines(common.title_text(fig)) == ["Weight norm of each layer over training"]


def test_norm_chart_of_a_run_without_norms_is_empty_and_valid():
    fig = valid(network.norm_chart(Extras()))
    assert fig["data"] == []


def test_norm_chart_names_the_run_in_a_short_title():
    """Two runs side by side (this one and the pinned one): whose chart it is, in a title
    that fits half a column."""
    fig = valid(network.norm_chart(Extras(norms=NORMS), run="Pinned run"))
    assert lines(common.title_text(fig)) == ["Pinned run: weight norms",
                                                     "‖W‖ of each layer over training"]
    empty = valid(network.norm_chart(Extras(), run="This run"))
    assert lines(common.title_text(empty))[0] == "This run: weight norms"


@pytest.fixture
def two_layers():
    edges, counts = views.weight_histogram(np.random.default_rng(0).normal(size=200))
    near = np.r_[np.zeros(150), np.random.default_rng(1).normal(size=50)]  # 75% at 0
    return Extras(layers=(("dense1", (edges, counts), 0.1, True),
                          ("dense2", views.weight_histogram(near), 0.75, False)))


def test_layer_histograms_keep_their_titles_short(two_layers):
    """"dense3 (not regularised)" was cut to "dense3 (not regulari…" in a third of a column at
    1280x720: the layer's name is the title, whether it is regularised the subtitle."""
    heads = [lines(common.title_text(fig))
             for fig in map(valid, network.layer_histograms(two_layers))]
    assert heads == [["dense1", "regularised"], ["dense2", "not regularised"]]


def test_layer_histograms_draw_each_bin_as_a_share_of_the_weights(two_layers):
    figs = [valid(f) for f in network.layer_histograms(two_layers)]
    edges = views.weight_edges()
    for fig, (_, (_, counts), _, _) in zip(figs, two_layers.layers, strict=True):
        (bars,) = fig["data"]
        assert bars["type"] == "bar"
        np.testing.assert_allclose(bars["y"], counts / counts.sum(), rtol=1e-4, atol=1e-12)
        assert [c[2] for c in bars["customdata"]] == counts.tolist()
        # each bar spans its bin on the symmetric-log axis: they tile it, the centre bar
        # (|w| < NEAR_ZERO) in the middle
        x, width = np.array(bars["x"]), np.array(bars["width"])
        np.testing.assert_allclose(x - width / 2, network.symlog(edges[:-1]), rtol=1e-4,
                                   atol=1e-9)
        np.testing.assert_allclose(x + width / 2, network.symlog(edges[1:]), rtol=1e-4,
                                   atol=1e-9)
        assert abs(x[len(x) // 2]) < 1e-9
        ticks = fig["layout"]["xaxis"]
        assert ticks["ticktext"] == ["-1", "-0.01", "0", "0.01", "1"]
        np.testing.assert_allclose(ticks["tickvals"], network.symlog([-1, -0.01, 0, 0.01, 1]),
                                   rtol=1e-4)
        np.testing.assert_allclose(ticks["minor"]["tickvals"], network.symlog([-0.1, 0.1]),
                                   rtol=1e-4)
    # the note over the plot: the share in the centre bar
    notes = [" ".join(lines(f["layout"]["annotations"][0]["text"])) for f in figs]
    assert notes[1] == f"75% of the weights have |w| < {NEAR_ZERO:g}"


def test_symlog_is_linear_near_zero_and_logarithmic_beyond():
    np.testing.assert_allclose(network.symlog([-NEAR_ZERO, 0, NEAR_ZERO]),
                               [-np.log10(2), 0, np.log10(2)])
    np.testing.assert_allclose(np.diff(network.symlog([1, 10, 100])), 1, rtol=1e-3)


def test_a_layer_name_is_written_literally_never_read_as_markup():
    edges, counts = views.weight_histogram(np.linspace(-1, 1, 50))
    extras = Extras(norms={MARKUP: NORMS["dense1"]},
                    layers=((MARKUP, (edges, counts), 0.0, True),))
    for fig in [network.norm_chart(extras), *network.layer_histograms(extras)]:
        text = json.dumps(valid(fig), ensure_ascii=False)
        assert MARKUP not in text and ESCAPED in text
    assert network.norm_chart(extras)["data"][0]["name"] == ESCAPED
    (hist,) = network.layer_histograms(extras)
    assert common.title_text(hist).startswith(ESCAPED + "<br>")
