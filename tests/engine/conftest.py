"""Shared fixtures: each preset trained once per test session (full-length runs are seconds)."""

import functools

import pytest

from nncore import PRESETS, train


@functools.cache
def _trained(name: str):
    return train(PRESETS[name])


@pytest.fixture(scope="session")
def preset_run():
    """preset_run(name): the History of train(PRESETS[name]), trained once per session.
    Read it; do not change it (other tests see the same object)."""
    return _trained


@pytest.fixture(scope="session")
def measured():
    """nncore.claims.measure(): every claim's run on seeds 0-19, {run: {measure: [per seed]}},
    trained once per test session in two processes (~3 min on 2 cores)."""
    from nncore import claims

    return claims.measure(jobs=2)
