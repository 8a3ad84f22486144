"""Shared fixtures for the training-data tests: one small generated task set per session."""

from __future__ import annotations

from typing import Any

import pytest

from cmat.tasks import generate_tasks


@pytest.fixture(scope="session")
def tasks() -> list[dict[str, Any]]:
    """165 generated tasks (every type several times), seed 20."""
    return generate_tasks(165, seed=20)
