"""The teaching sweep draws its U-curve: an interior minimum of the mean validation loss on
seeds 0-4 and again on seeds 5-9 (90 runs, ~40 s on 2 cores), with the numbers its note quotes."""

import dataclasses
import math

import pytest

from nncore import SWEEP_PRESET_NOTES, SWEEP_PRESETS, SweepSpec
from nncore.sweep import make_spec, run_sweep


def test_every_sweep_preset_has_a_note_and_a_string_that_reads_back():
    assert set(SWEEP_PRESETS) == set(SWEEP_PRESET_NOTES)
    # what the note says differs from the overfit presets is what differs (issue 19)
    from nncore import PRESETS

    base, l2 = SWEEP_PRESETS["l2-u-curve"].base, PRESETS["overfit-l2"]
    assert (base.hidden, base.epochs, base.decay) == ((64, 64), 1001, 1e-4)
    assert (l2.hidden, l2.epochs, l2.decay, l2.weight_l2, l2.bias_l2) == ((128, 128), 1501,
                                                                         3e-2, 1e-2, 1e-2)
    assert base.bias_l2 == 0 and "L2 on the weights only" in SWEEP_PRESET_NOTES["l2-u-curve"]
    assert (base.dataset, base.samples, base.noise) == (l2.dataset, l2.samples, l2.noise)
    for spec in SWEEP_PRESETS.values():
        assert SweepSpec.from_string(spec.to_string(), spec.base) == spec


@pytest.mark.parametrize("first_seed", [0, 5])
def test_l2_u_curve_has_a_visible_interior_minimum(first_seed):
    preset = SWEEP_PRESETS["l2-u-curve"]
    spec = make_spec(dataclasses.replace(preset.base, seed=first_seed), preset.axes, preset.seeds)
    result = run_sweep(spec)
    assert all(e["completed"] == 5 for e in result.summary)
    means = [e["val_loss_mean"] for e in result.summary]
    best = min(range(len(means)), key=means.__getitem__)
    assert 0 < best < len(means) - 1, means            # a minimum inside the range
    assert means[0] > 1.5 * means[best], means          # too little L2: overfits
    assert means[-1] > 1.5 * means[best], means         # too much: underfits
    # The note's numbers: ~0.7 at 1e-5, ~0.29 at the best, ln 3 (every class 1/3) at 1e-1.
    assert 0.6 < means[0] < 0.8 and means[best] < 0.35
    assert means[-1] == pytest.approx(math.log(3), abs=1e-3)
    assert result.summary[best]["weight_l2"] == pytest.approx(10 ** -2.5)
