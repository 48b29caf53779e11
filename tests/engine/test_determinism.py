"""Same seed -> identical History; seeds differ; threads change nothing; no global state touched."""

import dataclasses
import threading

import numpy as np
import pytest

import nncore
from nncore import PRESETS, TrainConfig, make_dataset, train
from nncore.data import nnfs_dataset
from nncore.history import SERIES

SMALL = TrainConfig(samples=40, hidden=(16,), dropout=0.2, epochs=150)


def _same(a, b) -> bool:
    return all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True) for k in SERIES)


def test_same_seed_gives_identical_history():
    a, b = train(SMALL), train(SMALL)
    assert _same(a, b)
    assert np.array_equal(a.model.params.value, b.model.params.value)


def test_different_seeds_differ():
    a = train(SMALL)
    b = train(dataclasses.replace(SMALL, seed=1))
    assert not np.array_equal(a.data_loss, b.data_loss)
    assert not np.array_equal(a.data.X, b.data.X)


def test_dropout_rate_changes_neither_data_nor_initial_weights():
    one = dataclasses.replace(SMALL, epochs=1)
    a = train(one)
    b = train(dataclasses.replace(one, dropout=0.6))
    assert np.array_equal(a.data.X, b.data.X) and np.array_equal(a.data.X_val, b.data.X_val)
    # One epoch makes no update: both models still have their initial weights.
    assert np.array_equal(a.model.params.value, b.model.params.value)
    assert a.val_loss[0] == b.val_loss[0]  # computed without dropout, from those weights


def test_two_threads_give_what_they_give_one_after_another():
    configs = [SMALL, dataclasses.replace(SMALL, seed=5, dataset="vertical")]
    alone = [train(c) for c in configs]
    together = [None, None]

    def run(i):
        together[i] = train(configs[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(alone, together, strict=True):
        assert _same(a, b)


def test_global_numpy_state_and_dot_untouched():
    dot, zeros, randn = np.dot, np.zeros, np.random.randn
    before = np.random.get_state()  # noqa: NPY002 - what we check
    train(dataclasses.replace(SMALL, epochs=5))
    make_dataset(TrainConfig(dataset="spiral"))
    make_dataset(TrainConfig(dataset="vertical"))
    train(dataclasses.replace(PRESETS["book-ch14"], epochs=3))
    after = np.random.get_state()  # noqa: NPY002
    assert np.dot is dot and np.zeros is zeros and np.random.randn is randn
    assert before[0] == after[0] and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]
    assert nncore  # imported at module level: importing must not have changed np.dot either


def test_nnfs_wrapper_is_a_pure_function_of_its_arguments():
    x1, y1 = nnfs_dataset("spiral", 50, 3, seed=9)
    np.random.standard_normal(1000)  # noqa: NPY002 - deliberately disturb the global stream
    x2, y2 = nnfs_dataset("spiral", 50, 3, seed=9)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert not np.array_equal(x1, nnfs_dataset("spiral", 50, 3, seed=10)[0])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_is_used_throughout(dtype):
    h = train(dataclasses.replace(SMALL, epochs=3, dtype=dtype))
    assert h.model.params.value.dtype == np.dtype(dtype)
    assert h.data_loss.dtype == np.float64  # records are float64 whatever the model dtype


def test_fingerprint_identifies_the_numbers():
    a, b = train(SMALL), train(SMALL)
    assert a.fingerprint() == b.fingerprint() and len(a.fingerprint()) == 12
    assert a.fingerprint() != train(dataclasses.replace(SMALL, seed=3)).fingerprint()
    assert a.fingerprint() != train(dataclasses.replace(SMALL, epochs=149)).fingerprint()
