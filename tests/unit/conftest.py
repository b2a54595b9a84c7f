"""Fixtures of the unit suite."""

from __future__ import annotations

import pytest

from descgen.quality import gate, normalize


@pytest.fixture(autouse=True)
def fresh_text_caches() -> None:
    """Each test computes the readings and term patterns it asserts on, never an earlier test's cached
    answer: mutation testing runs the tests in processes forked from one that has run them all, and a
    warm cache would hide a mutant of the code behind it. (fastText's model stays loaded: it is data.)"""
    normalize.normalized.cache_clear()
    gate._pattern.cache_clear()
