"""Inside the network, drawn: the first hidden layer's units as activation maps (a mosaic
image), each layer's weight histogram, and the weight norms over training. Pure functions of
a run's workers.recorder.Extras: numbers in, images and Vega-Lite specs out (no Streamlit)."""

from __future__ import annotations

import numpy as np

from nncore.metrics import NEAR_ZERO
from workers.recorder import Extras, Units
from workers.views import weight_edges

from .common import chart, legend, table, x_epoch
from .training import weights_chart

TILE = 3          # screen pixels per activation cell
GAP = 6           # pixels between tiles
COLUMNS = 16
DEAD = np.array([214, 39, 40], np.uint8)       # a dead unit's frame
LOW, HIGH = np.array([247, 247, 250]), np.array([31, 95, 191])  # 0 ... the unit's maximum
LAYER_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")


def mosaic(units: Units, columns: int = COLUMNS) -> np.ndarray:
    """An RGB image (uint8) of the units' maps in rows of `columns`, strongest first; x1 to the
    right, x2 up; a dead unit (never active on the training points) framed in red."""
    n, res, _ = units.maps.shape
    rows = -(-n // columns)
    side = res * TILE
    image = np.full((rows * (side + GAP) + GAP, columns * (side + GAP) + GAP, 3), 255, np.uint8)
    for k in range(n):
        r, c = divmod(k, columns)
        top, left = GAP + r * (side + GAP), GAP + c * (side + GAP)
        level = units.maps[k][::-1].astype(np.float64) / 255  # row 0 is the lowest x2
        tile = (LOW + (HIGH - LOW) * level[..., None]).astype(np.uint8)
        tile = np.repeat(np.repeat(tile, TILE, axis=0), TILE, axis=1)
        image[top:top + side, left:left + side] = tile
        if units.dead[k]:
            image[top - 3:top, left - 3:left + side + 3] = DEAD
            image[top + side:top + side + 3, left - 3:left + side + 3] = DEAD
            image[top - 3:top + side + 3, left - 3:left] = DEAD
            image[top - 3:top + side + 3, left + side:left + side + 3] = DEAD
    return image


def units_caption(units: Units) -> str:
    shown, dead = len(units.norms), int(units.dead.sum())
    total_dead = dead if shown == units.total else None
    head = (f"All {units.total} units" if shown == units.total else
            f"The {shown} strongest of {units.total} units")
    return (f"{head} of the first hidden layer, strongest incoming weights first (‖w‖ from "
            f"{units.norms[0]:.2g} to {units.norms[-1]:.2g}): each map is the unit's activation "
            f"relu(w·x + b) over the input plane, on one scale for the layer (dark = its highest; "
            f"flat = no slope: weights near 0). {dead} shown "
            f"{'is' if dead == 1 else 'are'} dead (red frame: never active on a training point)"
            + ("" if total_dead is not None else " among those drawn") + ".")


def layer_histograms(extras: Extras) -> list[dict]:
    """One weight histogram per Dense layer (the near-zero share in each title line); whether
    the layer is regularised under its name ("dense3 (not regularised)" on one line was cut
    short in a third of a column at 1280 x 720)."""
    edges = weight_edges()
    out = []
    for name, (_, counts), _share, regularised in extras.layers:
        spec = weights_chart(edges, counts, float("nan"), NEAR_ZERO, title=name)
        spec["title"]["subtitle"] = "regularised" if regularised else "not regularised"
        out.append(spec)
    return out


def norm_chart(extras: Extras) -> dict:
    """‖W‖ of each layer over the epochs: L2 pulls it down, L1 zeroes weights one by one."""
    names = list(extras.norms)
    epochs, norms, layer = [], [], []
    for name in names:
        e, v = extras.norms[name]
        epochs.append(e)
        norms.append(v)
        layer += [name] * len(e)
    data = table(epoch=np.concatenate(epochs) if epochs else np.zeros(0, np.int64),
                 norm=np.concatenate(norms) if norms else np.zeros(0),
                 layer=np.array(layer, dtype=str))
    colours = [LAYER_COLOURS[i % len(LAYER_COLOURS)] for i in range(len(names))]
    key, key_rows = legend(names, colours)
    layers = [{"data": {"name": "norms"}, "mark": {"type": "line", "strokeWidth": 3},
               "encoding": {"x": x_epoch(),
                            "y": {"field": "norm", "type": "quantitative", "title": "‖W‖",
                                  "scale": {"zero": True}},
                            "color": {"field": "layer", "type": "nominal", "legend": None,
                                      "scale": {"domain": names, "range": colours}},
                            "tooltip": [{"field": "layer"},
                                        {"field": "epoch", "type": "quantitative"},
                                        {"field": "norm", "type": "quantitative",
                                         "format": ".3f"}]}},
              key]
    return chart("Weight norm of each layer over training", layers,
                 {"norms": data, "legend": key_rows}, height=280,
                 resolve={"scale": {"color": "independent"}})
