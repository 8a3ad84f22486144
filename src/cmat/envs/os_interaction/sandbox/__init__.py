"""The OS environment's sandbox: an isolated, throw-away Linux root per episode."""

from cmat.envs.os_interaction.sandbox.sandbox import (
    DOCKER_CAPS,
    Sandbox,
    SandboxConfig,
    SandboxError,
    missing_tools,
    sandbox_unavailable,
)
from cmat.envs.os_interaction.sandbox.shell import ExecResult

__all__ = [
    "DOCKER_CAPS",
    "ExecResult",
    "Sandbox",
    "SandboxConfig",
    "SandboxError",
    "missing_tools",
    "sandbox_unavailable",
]
