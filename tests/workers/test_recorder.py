"""What a run records beyond its curves (workers.recorder): the memory it states."""

import pickle

from nncore import TrainConfig, train_stream
from nncore.config import MAX_HIDDEN_LAYERS
from workers.network import MAX_EDGES
from workers.network import MAX_UNITS as DRAWN_UNITS
from workers.recorder import MAX_UNITS, NORM_POINTS, SNAPSHOTS, UNIT_RESOLUTION, Recorder


def test_a_runs_extras_stay_within_the_stated_budget():
    """workers/recorder.py states ~100-200 kB a run beyond its curves and final regions; a
    network at every cap (every hidden layer, more units than MAX_UNITS and than a byte
    indexes, each snapshot's network drawn at MAX_EDGES connections, maps of the units drawn
    of each deeper layer) stays within 220 kB, pickled as a view is kept and sent."""
    config = TrainConfig(hidden=(300,) * MAX_HIDDEN_LAYERS, samples=30, epochs=2000)
    recorder = Recorder(config.epochs)
    for history in train_stream(config, chunk=5):  # far more yields than snapshots or norms
        recorder.seen(history)
    extras = recorder.finish(history)
    assert len(extras.snapshots) == SNAPSHOTS
    assert extras.units.maps.shape[0] == MAX_UNITS < 300
    assert all(len(e) <= NORM_POINTS for e, _ in extras.norms.values())
    edges = [len(s.network.weights) for s in extras.snapshots]
    assert edges.count(MAX_EDGES) > SNAPSHOTS // 2, edges  # the most a snapshot draws
    assert extras.snapshots[-1].network.shown.max() > 255
    assert [d.maps.shape for d in extras.deeper] == [
        (DRAWN_UNITS, UNIT_RESOLUTION, UNIT_RESOLUTION)] * (MAX_HIDDEN_LAYERS - 1)
    size = len(pickle.dumps(extras, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"\nextras at every cap: {size:,} B")
    assert 100_000 < size < 220_000, size
