"""Fixtures for the memory tests: a few lessons about DBBench-like tasks."""

from __future__ import annotations

import pytest
from memory_helpers import BACKTICKS, lesson

from cmat.memory import MemoryEntry


@pytest.fixture
def lessons() -> list[MemoryEntry]:
    """One relevant lesson (id "backticks") among unrelated ones."""
    return [
        lesson("Give a value for every column in an INSERT statement.", "Add employee John to staff."),
        lesson(BACKTICKS, "How many players in table Player Stats 2021 scored more than 10 goals?",
               id="backticks"),
        lesson("Use ls | wc -l to count the files of a directory.", "Count the files in /etc.", env="os",
               kind="experience", outcome="completed"),
        lesson("Round averages to two decimals only when asked.", "Average salary by department?"),
        lesson("An UPDATE needs a WHERE clause or it changes every row.", "Raise the price of product 7."),
    ]
