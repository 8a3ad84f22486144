"""Shared fixtures: one check whether the sandbox can run here, and a fresh sandbox per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cmat.envs.os_interaction.sandbox import Sandbox, SandboxConfig, sandbox_unavailable


@pytest.fixture
def sandbox_ok() -> None:
    """Skip the test where the sandbox cannot run (not root / no user namespaces)."""
    reason = sandbox_unavailable()
    if reason:
        pytest.skip(reason)


@pytest.fixture
def box() -> Iterator[Sandbox]:
    reason = sandbox_unavailable()
    if reason:
        pytest.skip(reason)
    with Sandbox(SandboxConfig(size="64m", command_timeout=3.0, script_timeout=20.0, processes=64)) as sandbox:
        yield sandbox
