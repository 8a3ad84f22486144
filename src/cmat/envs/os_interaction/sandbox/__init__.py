"""The OS environment's sandbox: an isolated, throw-away Linux root per episode."""

from cmat.envs.os_interaction.sandbox.sandbox import (
    BACKENDS,
    DOCKER_CAPS,
    Box,
    Sandbox,
    SandboxConfig,
    SandboxError,
    missing_tools,
    open_sandbox,
    sandbox_unavailable,
)
from cmat.envs.os_interaction.sandbox.shell import ExecResult

__all__ = [
    "BACKENDS",
    "DOCKER_CAPS",
    "Box",
    "ExecResult",
    "Sandbox",
    "SandboxConfig",
    "SandboxError",
    "missing_tools",
    "open_sandbox",
    "sandbox_unavailable",
]
