"""What a run keeps beyond its curves, for replay and for a look inside the network: a bounded
set of snapshots spread over its epochs (the regions, the weights and the network drawn then),
the weight norm of each layer over training, and at the end each first-layer unit's activation
over the input plane (and of each deeper layer, the units the network diagram draws). Pure
NumPy (the training workers compute it, workers.worker); the pages draw it.

Memory: a snapshot is the decision cells as one byte each (SNAPSHOT_RESOLUTION**2 = 1,600 B),
a weight histogram (25 counts), the network drawn (workers.network.Packed: at most MAX_EDGES
connections, ~2.6 kB) and its epoch; a run keeps at most SNAPSHOTS of them (~40-100 kB),
NORM_POINTS weight norms per layer, a weight histogram per layer and one activation map of
UNIT_RESOLUTION**2 bytes per first-layer unit (at most MAX_UNITS, ~50 kB) and per unit the
diagram draws of each deeper hidden layer (at most 16 a layer, ~12.5 kB): about 100-200 kB a
run beside its curves and final regions, 198 kB pickled for a network at every cap
(tests/workers/test_recorder.py bounds it at 220 kB).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nncore import decision_grid
from nncore.grid import grid_axes
from nncore.metrics import NEAR_ZERO, regularised_weights

from .network import Packed, dense_biases, dense_weights, drawn_units, pack, picture_from_history
from .thinning import thin
from .views import weight_histogram

SNAPSHOTS = 24            # snapshots kept per run, spread over its epochs
SNAPSHOT_RESOLUTION = 40  # decision cells per axis in a snapshot
NORM_POINTS = 300         # weight-norm records kept per layer (spread evenly, ends kept)
UNIT_RESOLUTION = 28      # activation map of one unit: this many cells per axis
MAX_UNITS = 64            # first-layer units drawn at most (the strongest by weight norm)
LEVELS = 8                # confidence steps per class in a cell code (ui.charts.regions)


@dataclass(frozen=True)
class Snapshot:
    epoch: int
    codes: np.ndarray           # (res, res) uint8: winner * LEVELS + confidence level
    weight_counts: np.ndarray   # counts over workers.views.weight_edges()
    network: Packed | None = None  # the network drawn at that epoch (None: not finite)


@dataclass(frozen=True)
class Units:
    """The first hidden layer's units, strongest first: activation maps over the grid's box
    (uint8, on one scale: 255 is the layer's highest activation, so a unit whose weights L1
    zeroed shows a flat tone, its bias), the norm of each unit's incoming weights, whether it
    is dead (never active on the training points)."""

    maps: np.ndarray            # (units, res, res) uint8
    norms: np.ndarray           # (units,)
    dead: np.ndarray            # (units,) bool
    order: np.ndarray           # the units' indices in the layer, strongest first
    total: int                  # units in the layer (maps holds at most MAX_UNITS)


@dataclass(frozen=True)
class Deeper:
    """A hidden layer after the first: the units the network diagram draws of it (the end's
    workers.network.Picture), each one's activation map over the grid's box (uint8, on the
    layer's one scale, as Units)."""

    layer: int                  # the layer's place in the diagram (1: the first hidden layer)
    units: np.ndarray           # the units' indices in the layer
    maps: np.ndarray            # (units, res, res) uint8


@dataclass(frozen=True)
class Extras:
    snapshots: tuple = ()
    norms: dict = field(default_factory=dict)   # layer name -> (epochs, norms) arrays
    units: Units | None = None
    deeper: tuple = ()  # Deeper, per hidden layer after the first
    layers: tuple = ()  # (name, (edges, counts), near-zero share, regularised) per Dense layer


def snapshot_epochs(epochs: int, n: int = SNAPSHOTS) -> np.ndarray:
    """The epochs at which snapshots are taken: n spread evenly from the first to the last."""
    return np.unique(np.linspace(0, max(epochs - 1, 0), min(n, epochs)).round().astype(int))


def codes(probs: np.ndarray) -> np.ndarray:
    """(res, res, K) probabilities -> uint8 cell codes winner * LEVELS + confidence level, the
    confidence rescaling the winning probability from 1/K (a coin toss) to 1 (certain)."""
    classes = probs.shape[-1]
    top = probs.max(axis=-1)
    confidence = np.clip((top - 1 / classes) / (1 - 1 / classes), 0, 1)
    level = np.minimum((confidence * LEVELS).astype(np.int64), LEVELS - 1)
    return (probs.argmax(axis=-1) * LEVELS + level).astype(np.uint8)


class Recorder:
    """Collects a run's Extras while it trains: call `seen(history)` at every yield of the
    engine and `finish(history)` once at the end."""

    def __init__(self, epochs: int):
        self._targets = list(snapshot_epochs(epochs))
        self._snapshots: list[Snapshot] = []
        self._norms: dict[str, tuple[list[int], list[float]]] = {}

    def seen(self, history) -> None:
        n = history.n
        if n == 0:
            return
        epoch = int(history.epoch[n - 1])
        for name, w in dense_weights(history.model):
            epochs, norms = self._norms.setdefault(name, ([], []))
            epochs.append(epoch)
            norms.append(float(np.sqrt(np.sum(np.square(w, dtype=np.float64)))))
        if self._targets and epoch >= self._targets[0]:
            while self._targets and epoch >= self._targets[0]:
                self._targets.pop(0)
            self._snapshots.append(_snapshot(history, epoch))

    def finish(self, history) -> Extras:
        self.seen(history)
        norms = {name: thin(np.asarray(e), np.asarray(v), max_points=NORM_POINTS, evenly=True)
                 for name, (e, v) in self._norms.items()}
        finite = np.all(np.isfinite(history.model.params.value))
        data = history.data
        return Extras(snapshots=tuple(self._snapshots), norms=norms,
                      units=first_layer_units(history.model, data.X, data.X_val)
                      if finite else None,
                      deeper=deeper_units(history.model, data.X, data.X_val) if finite else (),
                      layers=layer_summaries(history.model, history.config.regularise_output))


def _snapshot(history, epoch: int) -> Snapshot:
    _, _, probs = decision_grid(history.model, history.data.X, X_val=history.data.X_val,
                                resolution=SNAPSHOT_RESOLUTION)
    cells = codes(probs) if np.all(np.isfinite(probs)) else np.zeros(probs.shape[:2], np.uint8)
    weights = regularised_weights(history.model, history.config.regularise_output)
    network = picture_from_history(history)
    return Snapshot(epoch, cells, weight_histogram(weights)[1],
                    network=None if network is None else pack(network))


def first_layer_units(model, X: np.ndarray, X_val: np.ndarray | None = None,
                      resolution: int = UNIT_RESOLUTION) -> Units:
    """Each first-layer unit's activation relu(w . x + b) over the grid's box, strongest
    incoming weights first; a unit is dead if it is not active on any training point."""
    W = dense_weights(model)[0][1].astype(np.float64)
    b = dense_biases(model)[0].astype(np.float64).ravel()
    act = np.maximum(_grid(X, X_val, resolution) @ W + b, 0.0)  # (res*res, units)
    dead = ~np.any(np.asarray(X, dtype=np.float64) @ W + b > 0, axis=0)
    norms = np.sqrt(np.sum(W * W, axis=0))
    order = np.argsort(-norms, kind="stable")[:MAX_UNITS]
    peak = float(act.max()) if act.size else 0.0
    scaled = act / peak if peak > 0 else np.zeros_like(act)
    maps = (scaled[:, order].T.reshape(len(order), resolution, resolution) * 255).round()
    return Units(maps=maps.astype(np.uint8), norms=norms[order], dead=dead[order],
                 order=order, total=W.shape[1])


def _grid(X: np.ndarray, X_val: np.ndarray | None, resolution: int) -> np.ndarray:
    """(resolution**2, 2) points over the regions' box, row by row from the lowest x2."""
    xs, ys = grid_axes(np.asarray(X), resolution, X_val=X_val)
    gx, gy = np.meshgrid(xs, ys)
    return np.c_[gx.ravel(), gy.ravel()]


def deeper_units(model, X: np.ndarray, X_val: np.ndarray | None,
                 resolution: int = UNIT_RESOLUTION) -> tuple[Deeper, ...]:
    """Each hidden layer after the first: the activation over the grid's box (inference: no
    dropout) of the units the network diagram draws of it (workers.network.drawn_units),
    scaled to the layer's highest activation over the grid."""
    weights = [w.astype(np.float64) for _, w in dense_weights(model)]
    biases = [b.astype(np.float64).ravel() for b in dense_biases(model)]
    drawn = drawn_units(weights)
    h = _grid(X, X_val, resolution)
    out = []
    for i, (w, b) in enumerate(zip(weights[:-1], biases[:-1], strict=True)):
        h = np.maximum(h @ w + b, 0.0)                        # (res*res, units of layer i)
        if i == 0:
            continue
        units = drawn[i].astype(np.int64)
        peak = float(h.max()) if h.size else 0.0
        scaled = h[:, units] / peak if peak > 0 else np.zeros((len(h), len(units)))
        maps = (scaled.T.reshape(len(units), resolution, resolution) * 255).round()
        out.append(Deeper(layer=i + 1, units=units, maps=maps.astype(np.uint8)))
    return tuple(out)


def layer_summaries(model, regularise_output: bool) -> tuple:
    """(name, (edges, counts), share of |w| < NEAR_ZERO, regularised?) of every Dense layer."""
    layers = dense_weights(model)
    out = []
    for i, (name, w) in enumerate(layers):
        regularised = i < len(layers) - 1 or regularise_output
        finite = w[np.isfinite(w)]
        share = float(np.mean(np.abs(finite) < NEAR_ZERO)) if finite.size else float("nan")
        out.append((name, weight_histogram(w.ravel()), share, regularised))
    return tuple(out)
