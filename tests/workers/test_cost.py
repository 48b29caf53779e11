"""A run's cost estimate (workers.cost): which runs are long, what the estimate counts."""

from nncore import PRESETS, TrainConfig
from workers import cost


def test_which_runs_count_as_long():
    assert not cost.is_long(TrainConfig())
    assert not any(cost.is_long(p) for p in PRESETS.values())  # a preset is never held back
    assert cost.is_long(TrainConfig(epochs=100_000))
    # issue 8 item 6: 20 training points but 50,000 validation points of 10 classes (~73 s
    # alone, measured): the validation pass is counted, so it is long
    assert cost.is_long(TrainConfig(hidden=(1,), classes=10, samples=2, val_samples=5000,
                                    epochs=20001))


def test_the_estimate_counts_validation_and_the_live_grids():
    config = TrainConfig(hidden=(32,), epochs=1000)
    base = cost.epoch_ms(config, 300, 0, 3)
    assert cost.epoch_ms(config, 300, 30_000, 3) > 5 * base           # validation points
    assert cost.epoch_ms(config, 300, 300, 10) > cost.epoch_ms(config, 300, 300, 3)
    slow_redraws = cost.run_seconds(config, 300, 300, 3, pace_s=10.0)
    assert cost.run_seconds(config, 300, 300, 3, pace_s=0.25) > slow_redraws  # the grids
