"""Shared fixtures for the training-data tests: one small generated task set per session."""

from __future__ import annotations

from typing import Any

import pytest

from cmat.tasks import generate_tasks


@pytest.fixture(scope="session")
def tasks() -> list[dict[str, Any]]:
    """165 generated tasks (every type several times), seed 20."""
    return generate_tasks(165, seed=20)


@pytest.fixture(scope="session")
def crowd_tasks() -> list[dict[str, Any]]:
    """The same, with crowd-style questions."""
    return generate_tasks(165, seed=20, style="crowd")


@pytest.fixture(params=["tasks", "crowd_tasks"])
def styled_tasks(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """Each of the two task sets in turn (tests that must hold for both question styles)."""
    tasks: list[dict[str, Any]] = request.getfixturevalue(request.param)
    return tasks
