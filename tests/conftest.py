"""One BLAS thread for the whole test session, as in the server (workers.slots.one_blas_thread):
in-process numbers are compared with the training workers', which run one thread each."""

import pytest

from workers.slots import one_blas_thread


@pytest.fixture(scope="session", autouse=True)
def _one_blas_thread() -> None:
    one_blas_thread()
