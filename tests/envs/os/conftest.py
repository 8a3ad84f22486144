"""Shared fixtures: one check whether the sandbox can run here, and a fresh sandbox per test."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import pytest

from cmat.envs.os_interaction.sandbox import Sandbox, SandboxConfig, SandboxError, missing_tools


@functools.lru_cache(maxsize=1)
def sandbox_unavailable() -> str | None:
    """Why the sandbox cannot run on this machine, or None when it can."""
    missing = missing_tools()
    if missing:
        return f"sandbox tools missing: {', '.join(missing)}"
    if not os.path.exists("/proc/self/ns/user"):
        return "no user namespaces"
    try:
        with Sandbox(SandboxConfig(size="16m")) as box:
            box.run("true")
    except (SandboxError, OSError) as exc:
        return f"the OS sandbox cannot start here (needs user namespaces and overlayfs): {exc}"
    return None


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
