"""One BLAS thread for the whole test session, as in the server (workers.slots.one_blas_thread):
in-process numbers are compared with the training workers', which run one thread each."""

import pytest

from workers.slots import one_blas_thread


@pytest.fixture(scope="session", autouse=True)
def _one_blas_thread() -> None:
    one_blas_thread()


@pytest.fixture(scope="module")
def worker_slots():
    """Two training slots over real worker processes (python -m workers.worker), closed after
    the module."""
    from workers.slots import TrainingSlots
    from workers.worker import Trainer

    pool = TrainingSlots(2, make=Trainer)
    yield pool
    for worker in pool._free:
        worker.close()
