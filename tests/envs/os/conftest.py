"""A fresh sandbox per test (``sandbox_ok``, the check whether one can run here, is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cmat.envs.os_interaction.sandbox import Sandbox, SandboxConfig


@pytest.fixture
def box(sandbox_ok: None) -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(size="64m", command_timeout=3.0, script_timeout=20.0, processes=64)) as sandbox:
        yield sandbox
