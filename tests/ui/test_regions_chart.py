"""The decision-region figure (ui.charts.regions) and its PNG (ui.charts.png), tested without
Streamlit: the cells are one image that tiles the box exactly, its pixels are the cells'
colours (row 0 the lowest x2), the points are on top (thinned), the plot is square, thumbnails
and narrow charts, and every figure is a valid Plotly figure of plain JSON. One test draws a
figure in headless Chromium (skipped where there is none, failed under CI: tests/conftest.py)
to check which way up plotly.js puts the image."""

import ast
import json
from pathlib import Path

import numpy as np
import pytest
from figcheck import decode_png, image_pixels, valid

from nncore.grid import grid_axes, grid_bounds
from ui.charts import common, png, regions

# ---- helpers ------------------------------------------------------------------------------


def _probs(res=20, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(res, res, classes))
    e = np.exp(logits)
    return e / e.sum(-1, keepdims=True)


def _points(n=30, classes=3):
    rng = np.random.default_rng(3)
    return rng.normal(size=(n, 2)), np.arange(n) % classes


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _image(fig) -> dict | None:
    images = [t for t in fig["data"] if t["type"] == "image"]
    assert len(images) <= 1
    return images[0] if images else None


def _point_traces(fig, kind: str | None = None) -> list[dict]:
    """The points' traces (not the legends' entries, which have no points)."""
    return [t for t in fig["data"] if t["type"] == "scatter" and not t["showlegend"]
            and (kind is None or t["name"].startswith(kind))]


def _count(fig, kind: str) -> int:
    return sum(len(t["x"]) for t in _point_traces(fig, kind))


def _legend_entries(fig, legend: str = "legend") -> list[dict]:
    return [t for t in fig["data"] if t.get("showlegend") and t.get("legend", "legend") == legend]


# ---- the PNG ------------------------------------------------------------------------------


def test_a_png_decodes_back_to_its_pixels():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, size=(7, 5, 3), dtype=np.uint8)
    np.testing.assert_array_equal(decode_png(png.encode(rgb)), rgb)
    palette = rng.integers(0, 256, size=(40, 3), dtype=np.uint8)
    index = rng.integers(0, 40, size=(6, 9)).astype(np.uint8)
    np.testing.assert_array_equal(decode_png(png.encode(index, palette)), palette[index])
    # a data URI, and the colours of "#rrggbb" strings
    assert png.data_uri(b"\x00\xff").startswith("data:image/png;base64,AP8")
    np.testing.assert_array_equal(png.rgb(["#0072B2", "#ffffff"]), [[0, 114, 178],
                                                                     [255, 255, 255]])
    with pytest.raises(ValueError):
        png.encode(index, palette[:3])  # an index past the palette
    with pytest.raises(ValueError):
        png.encode(np.zeros((2, 2), np.uint8))  # no palette, not RGB


# ---- the cells ----------------------------------------------------------------------------


def test_decision_chart_cells_and_points():
    X, y = _points()
    Xv, yv = _points(9)
    probs = _probs()
    fig = regions.decision_chart(grid_bounds(X), probs, X, y, Xv, yv, classes=3)
    codes = regions.cell_codes(probs)
    np.testing.assert_array_equal(codes // regions.LEVELS, probs.argmax(-1))
    # one image: pixel (r, c) is cell codes[r, c]'s colour, row 0 the lowest x2 (the first
    # row plotly.js draws at y0, the bottom of an upward axis)
    pixels = image_pixels(fig)
    assert pixels.shape == (20, 20, 3)
    palette = np.array([_hex(c) for c in regions.cell_palette(3)])
    np.testing.assert_array_equal(pixels, palette[codes])
    assert _image(fig)["dy"] > 0 and _image(fig)["hoverinfo"] == "skip"
    assert _count(fig, "training") == 30 and _count(fig, "validation") == 9
    # each point where it is, in its class's colour
    for kind, points, labels in (("training", X, y), ("validation", Xv, yv)):
        for trace in _point_traces(fig, kind):
            k = int(trace["legendgroup"].split()[-1])
            assert trace["marker"]["color"] == common.CLASS_COLOURS[k]
            np.testing.assert_allclose(trace["x"], points[labels == k, 0], rtol=1e-4)
            np.testing.assert_allclose(trace["y"], points[labels == k, 1], rtol=1e-4)
    # the cells under the points
    assert fig["data"][0]["type"] == "image"
    only_train = regions.decision_chart(grid_bounds(X), probs, X, y, Xv, yv, classes=3,
                                        show_val=False)
    assert _count(only_train, "training") == 30 and not _point_traces(only_train, "validation")
    nothing = regions.decision_chart(grid_bounds(X), probs, X, y, Xv, yv, classes=3,
                                     show_train=False, show_val=False)
    assert _point_traces(nothing) == [] and _image(nothing) is not None


@pytest.mark.parametrize("res", [20, 60, 100])
def test_cells_tile_the_box_exactly_and_line_up_with_the_points(res):
    """Cell j of n spans [lo + j * span / n, lo + (j + 1) * span / n] (nncore.grid samples its
    centre): the image's first pixel is centred on the first cell's centre, its pixels are a
    cell wide, and the last pixel ends at the box's far corner."""
    X, y = _points()
    (x_lo, y_lo), (x_hi, y_hi) = bounds = grid_bounds(X)
    fig = regions.decision_chart(bounds, _probs(res), X, y, X, y, classes=3)
    image = _image(fig)
    assert image["x0"] - image["dx"] / 2 == pytest.approx(x_lo, abs=1e-12)
    assert image["y0"] - image["dy"] / 2 == pytest.approx(y_lo, abs=1e-12)
    assert image["x0"] + (res - 0.5) * image["dx"] == pytest.approx(x_hi, abs=1e-12)
    assert image["y0"] + (res - 0.5) * image["dy"] == pytest.approx(y_hi, abs=1e-12)
    xs, ys = grid_axes(X, resolution=res)  # where the model was asked
    np.testing.assert_allclose(image["x0"] + np.arange(res) * image["dx"], xs)
    np.testing.assert_allclose(image["y0"] + np.arange(res) * image["dy"], ys)
    assert image_pixels(fig).shape == (res, res, 3)


def test_cell_codes_encode_class_and_confidence():
    probs = np.array([[[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.2, 0.8]]])
    codes = regions.cell_codes(probs)
    assert codes[0, 0] == regions.LEVELS - 1              # class 0, certain
    assert codes[0, 1] == 0                               # a three-way tie: least sure
    assert 2 * regions.LEVELS < codes[0, 2] < 3 * regions.LEVELS  # class 2, fairly sure
    palette = regions.cell_palette(3)
    assert len(palette) == 3 * regions.LEVELS and len(set(palette)) == len(palette)
    # class k's colour (Okabe-Ito), paler for lower confidence
    assert regions.CLASS_COLOURS is common.CLASS_COLOURS
    for k in range(3):
        shades = np.array([_hex(c) for c in palette[k * regions.LEVELS:(k + 1) * regions.LEVELS]])
        whiteness = shades.sum(axis=1)
        assert (np.diff(whiteness) < 0).all()             # stronger with confidence
        colour = np.array(_hex(common.CLASS_COLOURS[k]), float)
        expected = np.round(colour * (1 - regions.DARKEST) + 255 * regions.DARKEST)
        np.testing.assert_array_equal(shades[-1], expected)


def test_a_replay_draws_its_codes():
    X, y = _points()
    codes = regions.cell_codes(_probs(40, seed=4))
    fig = regions.decision_chart(grid_bounds(X), None, X, y, X, y, classes=3, codes=codes)
    palette = np.array([_hex(c) for c in regions.cell_palette(3)])
    np.testing.assert_array_equal(image_pixels(fig), palette[codes])
    assert "diverged" not in common.title_text(fig)


def test_big_point_sets_are_thinned_for_drawing():
    X = np.zeros((20_000, 2))
    y = np.repeat([0, 1], 10_000)
    fig = regions.decision_chart(((-1, -1), (1, 1)), _probs(classes=2), X, y, X[:10], y[:10],
                                 classes=2, show_val=False)
    assert 0 < _count(fig, "training") <= regions.MAX_POINTS_SHOWN
    both = regions.decision_chart(((-1, -1), (1, 1)), _probs(classes=2), X, y, X, y,
                                  classes=2)
    assert _count(both, "training") <= regions.MAX_POINTS_SHOWN
    assert _count(both, "validation") <= regions.MAX_POINTS_SHOWN
    assert {int(t["legendgroup"].split()[-1]) for t in _point_traces(both)} == {0, 1}


def test_decision_chart_without_probabilities_draws_points_only():
    X, y = np.zeros((6, 2)), np.array([0, 1, 2, 0, 1, 2])
    fig = regions.decision_chart(((-1, -1), (1, 1)), None, X, y, X[:3], y[:3], classes=3)
    assert _image(fig) is None
    assert _count(fig, "training") == 6 and _count(fig, "validation") == 3
    assert "none drawn: the model diverged" in common.title_text(fig)  # under it


def test_points_say_where_they_are_and_their_class_on_hover():
    X, y = _points()
    fig = regions.decision_chart(grid_bounds(X), _probs(), X, y, X, y, classes=3)
    for trace in _point_traces(fig):
        kind, k = trace["name"].split(", class ")
        template = trace["hovertemplate"]
        assert "%{x:.2f}" in template and "%{y:.2f}" in template
        assert f"class {k}" in template and kind in template
        assert "x₁" in template and "x₂" in template


# ---- the plot -----------------------------------------------------------------------------


def test_the_regions_plot_is_square_and_filled_by_the_box():
    """One unit of x1 as long as one of x2 (scaleanchor), the axes just covering the box (the
    cells fill the plot), and a fixed height: the plot's side (at most SIDE, less when
    asked) and the room over and under it."""
    X, y = _points()
    (x_lo, y_lo), (x_hi, y_hi) = bounds = grid_bounds(X)
    fig = regions.decision_chart(bounds, _probs(), X, y, X, y, classes=3)
    xaxis, yaxis = fig["layout"]["xaxis"], fig["layout"]["yaxis"]
    assert yaxis["scaleanchor"] == "x" and yaxis["scaleratio"] == 1
    assert xaxis["constrain"] == yaxis["constrain"] == "domain"  # the ranges kept as given
    assert xaxis["range"] == pytest.approx([x_lo, x_hi]) and yaxis["range"] == pytest.approx(
        [y_lo, y_hi])
    layout = fig["layout"]
    assert layout["height"] == regions.SIDE + layout["margin"]["t"] + regions.X_AXIS_ROOM
    smaller = regions.decision_chart(bounds, _probs(), X, y, X, y, classes=3, height=200)
    assert smaller["layout"]["height"] == layout["height"] - (regions.SIDE - 200)
    narrow = regions.decision_chart(bounds, _probs(), X, y, X, y, classes=3, narrow=True)
    assert regions.NARROW_SIDE < regions.SIDE <= regions.PLOT_MAX
    assert narrow["layout"]["height"] == (regions.NARROW_SIDE + narrow["layout"]["margin"]["t"]
                                          + regions.X_AXIS_ROOM)


def test_points_outside_the_box_are_still_on_the_plot():
    """A validation point beyond the box (a caller that fitted it to the training points
    only) widens the axes, not the cells."""
    X, y = _points()
    (x_lo, y_lo), (x_hi, y_hi) = bounds = grid_bounds(X)
    far = np.array([[x_hi + 2.0, y_lo - 1.0]])
    fig = regions.decision_chart(bounds, _probs(), X, y, far, np.array([0]), classes=3)
    (a, b), (c, d) = fig["layout"]["xaxis"]["range"], fig["layout"]["yaxis"]["range"]
    assert a == pytest.approx(x_lo) and b == pytest.approx(far[0, 0])
    assert c == pytest.approx(far[0, 1]) and d == pytest.approx(y_hi)
    image = _image(fig)  # the cells still tile the box
    assert image["x0"] - image["dx"] / 2 == pytest.approx(x_lo)
    assert image["x0"] + 19.5 * image["dx"] == pytest.approx(x_hi)
    # a point with no finite coordinates is a gap, not a NaN in the JSON, nor on the axes
    nan = regions.decision_chart(bounds, _probs(), X, y, np.array([[np.nan, 0.0]]),
                                 np.array([1]), classes=3)
    assert [t["x"] for t in _point_traces(nan, "validation")] == [[None]]
    assert nan["layout"]["xaxis"]["range"] == pytest.approx([x_lo, x_hi])
    json.dumps(nan, allow_nan=False)


@pytest.mark.parametrize(("classes", "narrow"), [(2, False), (3, False), (10, False),
                                                  (2, True), (4, True), (10, True)])
def test_the_legend_names_each_class_and_each_set_in_page_text(classes, narrow):
    """The legend is page text over the plot (meta.legend, drawn by ui/chart.js, where it wraps
    into rows: Plotly's own legend became a scrolled list over a 70-px plot in a narrow column
    at 1280 x 720): each class in its colour, then the training dots and validation diamonds."""
    X, y = _points()
    fig = regions.decision_chart(grid_bounds(X), _probs(classes=classes), X, y % classes,
                                 X, y % classes, classes=classes, narrow=narrow)
    layout = fig["layout"]
    assert layout["showlegend"] is False and not _legend_entries(fig)
    legend = layout["meta"]["legend"]
    assert [e["text"] for e in legend] == [f"class {k}" for k in range(classes)] + [
        "training", "validation"]
    assert [e["color"] for e in legend[:classes]] == [
        common.CLASS_COLOURS[k % len(common.CLASS_COLOURS)] for k in range(classes)]
    assert [e["symbol"] for e in legend[classes:]] == ["●", "◆"]
    # the points of a class are one legend group (as the PNG's colours are the class's)
    assert {t["legendgroup"] for t in _point_traces(fig)} == {
        f"class {k}" for k in np.unique(y % classes).tolist()}
    # the square plot is fitted to its column by the component, up to the figure's height,
    # its axes' room asked for as margins (not left to Plotly's automargin: a second draw)
    assert layout["meta"]["square"] == {"max": regions.PLOT_MAX, "below": regions.X_AXIS_ROOM}
    assert layout["margin"]["l"] == (regions.NARROW_Y_AXIS_ROOM if narrow else regions.Y_AXIS_ROOM)
    assert layout["margin"]["b"] == regions.X_AXIS_ROOM
    assert layout["xaxis"]["nticks"] == (3 if narrow else 5)


def test_a_hidden_set_leaves_the_legend_and_not_the_axes():
    X, y = _points()
    far = np.array([[9.0, 9.0]])
    fig = regions.decision_chart(grid_bounds(X), _probs(), X, y, far, np.array([1]),
                                 classes=3, show_val=False)
    assert [e["text"] for e in fig["layout"]["meta"]["legend"]][3:] == ["training"]
    assert fig["layout"]["xaxis"]["range"][1] == 9.0  # the axes stay put
    neither = regions.decision_chart(grid_bounds(X), _probs(), X, y, X, y, classes=3,
                                     show_train=False, show_val=False)
    # the classes still say what the colours are
    assert [e["text"] for e in neither["layout"]["meta"]["legend"]] == [
        "class 0", "class 1", "class 2"]


def test_a_thumbnail_has_no_axes_and_no_legends():
    X, y = _points()
    fig = regions.decision_chart(grid_bounds(X), _probs(), X, y, X, y, classes=3,
                                 compact=True, height=190, title="lr=0.01")
    layout = fig["layout"]
    assert layout["xaxis"]["visible"] is False and layout["yaxis"]["visible"] is False
    assert layout["yaxis"]["scaleanchor"] == "x"  # still square
    assert layout["showlegend"] is False and "legend2" not in layout
    assert not [t for t in fig["data"] if t.get("showlegend")]
    assert layout["height"] == 190
    assert layout["title"]["font"]["size"] < common.TITLE_SIZE
    assert max(layout["margin"][k] for k in "lrb") <= 8 and layout["margin"]["t"] <= 30
    regular = regions.decision_chart(grid_bounds(X), _probs(), X, y, X, y, classes=3)
    for kind in ("training", "validation"):
        (small, big) = (_point_traces(f, kind)[0]["marker"]["size"] for f in (fig, regular))
        assert small < big


# ---- every figure -------------------------------------------------------------------------


def _every_figure() -> dict[str, dict]:
    X, y = _points()
    bounds = grid_bounds(X)
    return {
        "regions": regions.decision_chart(bounds, _probs(), X, y, X, y, classes=3),
        "regions, 100 x 100": regions.decision_chart(bounds, _probs(100), X, y, X, y,
                                                     classes=3),
        "replay": regions.decision_chart(bounds, None, X, y, X, y, classes=3,
                                         codes=regions.cell_codes(_probs(40))),
        "diverged": regions.decision_chart(bounds, None, X, y, X, y, classes=3),
        "narrow": regions.decision_chart(bounds, _probs(), X, y, X, y, classes=3, narrow=True,
                                         title="Pinned run"),
        "ten classes": regions.decision_chart(bounds, _probs(classes=10), X, y, X, y,
                                              classes=10),
        "thumbnail": regions.decision_chart(bounds, _probs(), X, y, None, None, classes=3,
                                            compact=True, height=190, title="lr=0.1 <b>"),
        "no points": regions.decision_chart(bounds, _probs(), classes=3),
    }


@pytest.mark.parametrize("name", list(_every_figure()))
def test_every_figure_is_valid_plotly_and_plain_json(name):
    fig = valid(_every_figure()[name])
    assert "<b>" not in json.dumps(fig)  # titles go through common.plain
    assert all(t.get("uid") for t in fig["data"])  # Plotly.react keeps hidden traces by uid


def test_builders_do_not_import_streamlit():
    root = Path(__file__).resolve().parents[2] / "ui" / "charts"
    for name in ("regions.py", "png.py", "diagram.py", "common.py"):
        tree = ast.parse((root / name).read_text())
        imported = {a.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.Import) for a in node.names}
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom)}
        assert not {"streamlit", "plotly", "PIL"} & imported, name


# ---- in a browser -------------------------------------------------------------------------


def test_plotly_js_draws_the_cells_the_right_way_up_and_square(browser):
    """Drawn by the plotly.js the app serves (static/, ui/canvas.py): class 0 wins above
    x2 = 0 and class 1 below, so the plot's top half is class 0's colour, its bottom half
    class 1's (a flipped image would swap them); and the plot is as wide as it is high."""
    Image = pytest.importorskip("PIL.Image")
    import io

    from ui import canvas

    served = (Path(__file__).resolve().parents[2] / "static" / canvas.PLOTLY_JS).read_text()
    n = 20
    upper = np.arange(n)[:, None] >= n // 2  # rows along x2, from the bottom
    codes = np.where(upper, regions.LEVELS - 1, 2 * regions.LEVELS - 1) * np.ones((1, n), int)
    fig = regions.decision_chart(((-1, -1), (1, 1)), None, None, None, None, None, classes=2,
                                 codes=codes.astype(np.uint8))
    page = browser.new_page(viewport={"width": 500, "height": 800})
    try:
        page.set_content("<body style='margin:0'><div id='g' style='width:480px'></div></body>")
        page.add_script_tag(content=served)
        page.evaluate("f => Plotly.newPlot('g', f.data, f.layout)", fig)
        page.wait_for_selector(".imagelayer image, .plot image", state="attached")
        page.wait_for_timeout(300)
        box = page.evaluate("() => { const r = document.querySelector('.nsewdrag')"
                            ".getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }")
        shot = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), int)
    finally:
        page.close()
    x, y, w, h = box
    assert abs(w - h) <= 1.5  # square
    palette = [_hex(c) for c in regions.cell_palette(2)]
    top = shot[int(y + h * 0.25), int(x + w / 2)]
    bottom = shot[int(y + h * 0.75), int(x + w / 2)]
    assert np.abs(top - palette[regions.LEVELS - 1]).max() <= 3, top
    assert np.abs(bottom - palette[2 * regions.LEVELS - 1]).max() <= 3, bottom
