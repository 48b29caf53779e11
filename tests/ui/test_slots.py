"""Training slots: bounded concurrent runs, FIFO places, release on every exit, a resource (worker)
per slot; one BLAS thread."""

import os
import threading
import time

import pytest
from threadpoolctl import threadpool_info

from ui import slots
from ui.slots import TrainingSlots, slot_count


def test_blas_pools_are_limited_to_one_thread_at_import():
    info = threadpool_info()
    assert info, "numpy's BLAS was not found by threadpoolctl"
    assert all(pool["num_threads"] == 1 for pool in info), info


def test_at_most_n_run_at_once_and_waiters_see_their_place():
    pool = TrainingSlots(2)
    running, peak, seen = [0], [0], {}
    lock = threading.Lock()

    def work(i: int) -> None:
        with pool.slot(lambda ahead: seen.setdefault(i, []).append(ahead), poll_s=0.01):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
        time.sleep(0.005)
    for t in threads:
        t.join(timeout=10)
    assert peak[0] == 2
    assert pool.busy == 0 and pool.waiting == 0
    places = [p for ps in seen.values() for p in ps]
    assert places and max(places) >= 1           # someone waited behind another
    for ps in seen.values():
        assert ps == sorted(ps, reverse=True)    # a place in the queue only moves forward


def test_an_interrupted_wait_gives_up_its_place():
    pool = TrainingSlots(1)

    class Rerun(Exception):
        pass

    def interrupt(ahead: int) -> None:
        raise Rerun

    with pool.slot():
        with pytest.raises(Rerun), pool.slot(interrupt):
            pass
        assert pool.waiting == 0 and pool.busy == 1
    assert pool.busy == 0


def test_the_slot_is_released_when_the_body_raises():
    pool = TrainingSlots(1)
    with pytest.raises(KeyboardInterrupt), pool.slot():
        raise KeyboardInterrupt
    assert pool.busy == 0
    with pool.slot():  # free again
        assert pool.busy == 1


def test_one_slot_per_usable_core():
    assert slots.slot_count(3) == 3 and slots.slot_count(0) == 1
    assert 1 <= slots.usable_cores() <= (os.cpu_count() or 1)


def test_the_server_has_one_shared_set_of_slots():
    assert slots.training_slots() is slots.training_slots()
    assert slots.training_slots().slots == slot_count()


def test_each_holder_gets_a_resource_of_its_own_and_gives_it_back():
    made = []
    pool = TrainingSlots(2, make=lambda: made.append(object()) or made[-1])
    assert len(made) == 2
    with pool.slot() as first, pool.slot() as second:
        assert {id(first), id(second)} == {id(m) for m in made}
    with pool.slot() as again:
        assert any(again is m for m in made)
    assert len(made) == 2  # made once, reused
