"""The network, drawn (issue 20, item 3): which units and connections a diagram of the network
shows, from a model's weights. Pure NumPy (the training worker computes it each time it sends a
live view; ui.charts.diagram draws it).

What is drawn: every input and output unit; of each hidden layer the MAX_UNITS strongest units
(by the norm of their incoming and outgoing weights together); of the connections among the
drawn units those with |w| >= THRESHOLD, at most MAX_EDGES, the strongest. THRESHOLD is fixed
(not per run), so two runs compare: as L1 rises, fewer connections are above it.

Cost: a few small products per layer and one inference pass over at most DEAD_ROWS points
(3 x 128 hidden units, 600 points: well under a millisecond or two); no Python loop over units
or connections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

THRESHOLD = 0.05   # |w| at or above which a connection is drawn
MAX_UNITS = 16     # hidden units drawn per layer, the strongest (inputs and outputs: all)
MAX_EDGES = 400    # connections drawn at most, the strongest of those above THRESHOLD
# Points used to tell dead units: at most this many, evenly spread over the training set (not
# its first rows: the data sets list their points class by class, so the first 2,000 rows of a
# large set would all be of one class, and a unit active only on the others would look dead).
DEAD_ROWS = 2000


def dense_weights(model) -> list[tuple[str, np.ndarray]]:
    """(layer name, weight matrix) of every Dense layer, first to last (views, not copies)."""
    return [(p.name.rsplit(".", 1)[0], p.value) for p in model.params.params
            if p.name.endswith(".weights")]


def dense_biases(model) -> list[np.ndarray]:
    """The bias vector of every Dense layer, first to last (views, not copies)."""
    return [p.value for p in model.params.params if p.name.endswith(".biases")]


@dataclass(frozen=True)
class Picture:
    sizes: tuple[int, ...]          # units per layer, inputs .. outputs (the full sizes)
    shown: tuple[np.ndarray, ...]   # per layer, the unit indices drawn (int), in drawing order
    dead: tuple[np.ndarray, ...]    # per layer, bool per shown unit: a hidden unit whose ReLU
    #                                 output is 0 on every training point (inputs/outputs: False)
    edges: np.ndarray               # (k, 4) float32 rows: source layer index, source position
    #                                 in shown[layer], target position in shown[layer + 1],
    #                                 weight; weakest first (the strongest drawn last, on top)
    above: int                      # connections in the WHOLE network with |w| >= THRESHOLD
    total: int                      # connections in the whole network
    hidden_units: int               # hidden units not drawn (over all hidden layers)
    dropout: float                  # the config's dropout rate (share of hidden units off
    #                                 each training step)


def _dead_rows(X: np.ndarray) -> np.ndarray:
    """At most DEAD_ROWS rows of X, evenly spread (every k-th)."""
    step = -(-len(X) // DEAD_ROWS) if len(X) > DEAD_ROWS else 1
    return X[::step]


def _alive(weights: list[np.ndarray], biases: list[np.ndarray], X: np.ndarray
           ) -> list[np.ndarray]:
    """Per hidden layer, bool per unit: its ReLU output is above 0 on at least one row of X
    (inference: no dropout)."""
    h = np.asarray(X, dtype=weights[0].dtype)
    alive = []
    for w, b in zip(weights[:-1], biases[:-1], strict=True):
        h = h @ w
        h += b
        np.maximum(h, 0, out=h)
        alive.append(h.any(axis=0))  # after the ReLU: active somewhere = some value not 0
    return alive


def drawn_units(weights: list[np.ndarray]) -> list[np.ndarray]:
    """Per hidden layer, the indices (ascending) of the units the diagram draws, from the
    Dense layers' weight matrices (first to last)."""
    return [_strongest_units(weights[i], weights[i + 1]) for i in range(len(weights) - 1)]


def _strongest_units(w_in: np.ndarray, w_out: np.ndarray) -> np.ndarray:
    """The indices (ascending) of a hidden layer's MAX_UNITS units with the largest norm of
    incoming (a column of w_in) and outgoing (a row of w_out) weights; all if fewer."""
    n = w_in.shape[1]
    if n <= MAX_UNITS:
        return np.arange(n)
    strength = (np.einsum("ij,ij->j", w_in, w_in, dtype=np.float64)
                + np.einsum("ij,ij->i", w_out, w_out, dtype=np.float64))
    return np.sort(np.argpartition(-strength, MAX_UNITS - 1)[:MAX_UNITS])


def picture(model, X: np.ndarray, dropout: float) -> Picture | None:
    """What the diagram of `model` (an nncore Model: Dense -> ReLU (-> Dropout) blocks and a
    Dense output) draws; dead units tested on the training points X. None if any weight (or
    bias) is not finite."""
    if not np.all(np.isfinite(model.params.value)):
        return None
    weights = [w for _, w in dense_weights(model)]
    biases = dense_biases(model)
    sizes = (weights[0].shape[0], *(w.shape[1] for w in weights))

    alive = _alive(weights, biases, _dead_rows(np.asarray(X)))
    shown = [np.arange(sizes[0])]
    dead = [np.zeros(sizes[0], bool)]
    for i, units in enumerate(drawn_units(weights)):
        shown.append(units)
        dead.append(~alive[i][units])
    shown.append(np.arange(sizes[-1]))
    dead.append(np.zeros(sizes[-1], bool))

    # The connections among drawn units that are above the threshold, layer by layer ...
    layer, src, dst, value = [], [], [], []
    for i, w in enumerate(weights):
        sub = w[np.ix_(shown[i], shown[i + 1])]
        s, d = np.nonzero(np.abs(sub) >= THRESHOLD)
        layer.append(np.full(len(s), i))
        src.append(s)
        dst.append(d)
        value.append(sub[s, d])
    layer, src, dst = (np.concatenate(a) for a in (layer, src, dst))
    value = np.concatenate(value).astype(np.float64)
    # ... the strongest MAX_EDGES of them, weakest first.
    strength = np.abs(value)
    if len(value) > MAX_EDGES:
        keep = np.argpartition(-strength, MAX_EDGES - 1)[:MAX_EDGES]
    else:
        keep = np.arange(len(value))
    keep = keep[np.argsort(strength[keep], kind="stable")]
    edges = np.stack([layer[keep], src[keep], dst[keep], value[keep]], axis=1
                     ).astype(np.float32).reshape(-1, 4)

    above = int(sum(np.count_nonzero(np.abs(w) >= THRESHOLD) for w in weights))
    total = int(sum(w.size for w in weights))
    return Picture(sizes=tuple(int(s) for s in sizes), shown=tuple(shown), dead=tuple(dead),
                   edges=edges, above=above, total=total,
                   hidden_units=int(sum(sizes[1:-1]) - sum(len(u) for u in shown[1:-1])),
                   dropout=float(dropout))


def picture_from_history(history) -> Picture | None:
    """picture() of a run's model on its training points with its config's dropout."""
    return picture(history.model, history.data.X, history.config.dropout)


@dataclass(frozen=True)
class Packed:
    """A Picture in fewer bytes, for a replay (a run keeps one per snapshot,
    workers.recorder): the units drawn and their dead flags end to end, each connection as
    (layer, source, target) small ints and its weight as a float16 (the diagram draws |w| in
    a few steps from THRESHOLD to 1 and tells it to 3 decimals). A third of a Picture's
    pickled bytes for 400 connections (2.6 kB)."""

    sizes: tuple[int, ...]
    counts: tuple[int, ...]   # units drawn per layer
    shown: np.ndarray         # every layer's drawn units, end to end
    dead: np.ndarray          # bool, the same
    links: np.ndarray         # (k, 3): source layer, source position, target position
    weights: np.ndarray       # (k,) float16, clipped to float16's range
    above: int
    total: int
    hidden_units: int
    dropout: float


def _small(values: np.ndarray) -> np.ndarray:
    """`values` (non-negative ints) in the smallest unsigned type that holds them."""
    values = np.asarray(values)
    return values.astype(np.min_scalar_type(int(values.max()) if values.size else 0))


def pack(pic: Picture) -> Packed:
    edges = np.asarray(pic.edges)
    limit = float(np.finfo(np.float16).max)
    return Packed(sizes=pic.sizes, counts=tuple(len(u) for u in pic.shown),
                  shown=_small(np.concatenate(pic.shown)), dead=np.concatenate(pic.dead),
                  links=_small(edges[:, :3].astype(np.int64)).reshape(-1, 3),
                  weights=np.clip(edges[:, 3], -limit, limit).astype(np.float16),
                  above=pic.above, total=pic.total, hidden_units=pic.hidden_units,
                  dropout=pic.dropout)


def unpack(packed: Packed) -> Picture:
    cut = np.cumsum(packed.counts)[:-1]
    edges = np.column_stack([packed.links.astype(np.float32),
                             packed.weights.astype(np.float32)]).reshape(-1, 4)
    return Picture(sizes=packed.sizes,
                   shown=tuple(np.split(packed.shown.astype(np.int64), cut)),
                   dead=tuple(np.split(packed.dead.astype(bool), cut)), edges=edges,
                   above=packed.above, total=packed.total, hidden_units=packed.hidden_units,
                   dropout=packed.dropout)
