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


@pytest.fixture(scope="session")
def multi_tasks() -> list[dict[str, Any]]:
    """Crowd style with extra query filters (``more_conditions``)."""
    return generate_tasks(165, seed=20, style="crowd", more_conditions=0.5)


@pytest.fixture(params=["tasks", "crowd_tasks", "multi_tasks"])
def styled_tasks(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """Each task set in turn (tests that must hold for both question styles and for extra filters)."""
    tasks: list[dict[str, Any]] = request.getfixturevalue(request.param)
    return tasks
