"""Shared fixtures: each preset trained once per test session (full-length runs are seconds)."""

import dataclasses
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


@functools.cache
def _seeded(name: str, seed: int, changes: tuple) -> object:
    return train(dataclasses.replace(PRESETS[name], seed=seed, **dict(changes)))


@pytest.fixture(scope="session")
def seeded_run():
    """seeded_run(name, seed, **changes): the History of preset `name` with that seed (and
    fields changed), trained once per session. Read it; do not change it."""
    return lambda name, seed, **changes: _seeded(name, seed, tuple(sorted(changes.items())))
