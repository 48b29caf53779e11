"""Fixtures of every test folder: one BLAS thread for the whole test session, as in the
server (workers.slots.one_blas_thread: in-process numbers are compared with the training
workers', which run one thread each); training slots; headless Chromium (e2e, and the
figure tests' one drawing)."""

import os

import pytest

from benchmarks import serving
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


def skip_or_fail(reason: str) -> None:
    """Skip where no browser is installed, but never under CI: there the tests must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: real-browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (never `playwright install`)."""
    reason = serving.browser_missing()
    if reason:
        skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(**serving.launch_kwargs())
        try:
            yield chromium
        finally:
            chromium.close()
