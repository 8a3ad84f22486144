"""The optional Docker backend of the OS sandbox: one throw-away container per episode.

Where a Docker engine exists, ``SandboxConfig(backend="docker", image=...)`` runs each episode
in ``docker run --rm`` of a local image (AgentBench's own OS images work), with no network, the
memory, process, CPU-time, file-size and open-file limits of :class:`SandboxConfig`, Docker's
default capabilities and a ``tmpfs`` ``/tmp`` of ``size``. Nothing is pulled (``--pull never``):
a missing image is a clear :class:`SandboxError`. The interface is :class:`Sandbox`'s: the same
persistent shell (``Shell`` over ``docker exec -i``), independent commands, timeouts that kill
what the command started, and ``close`` removes the container with everything in it.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Sequence

from cmat.envs.os_interaction.sandbox.sandbox import (
    SAFE_PATH,
    SandboxConfig,
    SandboxError,
    run_process,
    script_argv,
)
from cmat.envs.os_interaction.sandbox.shell import ExecResult, Shell

ENV = ("HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/bash", "LANG=C.UTF-8", "TERM=dumb")
_PIDS = "cd /proc && echo [0-9]*"


class DockerSandbox:
    """One episode's container; the same methods as :class:`Sandbox`."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.container = ""
        self._shell: Shell | None = None

    def __enter__(self) -> DockerSandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _docker(self, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run([self.config.docker, *args], capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SandboxError(f"docker {args[0]} failed: {exc}") from exc

    def run_argv(self) -> list[str]:
        """The ``docker run`` command line of this sandbox (see the module doc)."""
        cfg = self.config
        return [
            "run", "-d", "--rm", "--pull", "never", "--network", "none", "--hostname", cfg.hostname,
            "--memory", str(cfg.memory_bytes), "--pids-limit", str(cfg.processes),
            "--ulimit", f"cpu={cfg.cpu_seconds}", "--ulimit", f"fsize={cfg.file_bytes}",
            "--ulimit", f"nofile={cfg.open_files}", "--tmpfs", f"/tmp:size={cfg.size}",
            "--shm-size", cfg.shm_size, "-w", cfg.cwd, "--entrypoint", "sleep", cfg.image, "infinity",
        ]

    def start(self) -> None:
        """Start the container; raises :class:`SandboxError` naming what Docker said."""
        if shutil.which(self.config.docker) is None:
            raise SandboxError(f"the docker sandbox needs the '{self.config.docker}' command (a Docker engine)")
        done = self._docker(*self.run_argv())
        if done.returncode != 0 or not done.stdout.strip():
            raise SandboxError(f"docker run {self.config.image} failed: {(done.stderr or done.stdout).strip()}")
        self.container = done.stdout.strip().splitlines()[-1]

    def enter(self, argv: Sequence[str], interactive: bool = False) -> list[str]:
        """The host command line that runs ``argv`` in the container as root, in a clean environment."""
        return [self.config.docker, "exec", *(["-i"] if interactive else []), "-w", self.config.cwd,
                self.container, "env", "-i", *ENV, f"PATH={SAFE_PATH}", *argv]

    def _pids(self) -> set[str]:
        done = self._docker("exec", self.container, "sh", "-c", _PIDS, timeout=10)
        return set(done.stdout.split()) if done.returncode == 0 else set()

    def _kill_new(self, before: set[str]) -> None:
        new = sorted(self._pids() - before - {"1"})
        if new:
            self._docker("exec", self.container, "kill", "-9", *new, timeout=10)

    def run(self, command: str, timeout: float | None = None) -> ExecResult:
        """Run ``command`` in the episode's persistent shell (restarted if it died)."""
        if not self.container:
            raise SandboxError("the sandbox is not running; call start() first")
        if self._shell is None or self._shell.dead:
            self._shell = Shell(self.enter(["bash", "--login"], interactive=True), self.config.output_cap)
            self._shell.run(":", self.config.script_timeout, lambda: None)  # swallow login noise
        before = self._pids()
        limit = self.config.command_timeout if timeout is None else timeout
        return self._shell.run(command, limit, lambda: self._kill_new(before))

    def execute(self, argv: Sequence[str], timeout: float | None = None) -> ExecResult:
        """Run ``argv`` as its own process in the container (stdin empty, output merged)."""
        if not self.container:
            raise SandboxError("the sandbox is not running; call start() first")
        limit = self.config.script_timeout if timeout is None else timeout
        before = self._pids()
        return run_process(self.enter(argv), limit, self.config.output_cap, lambda: self._kill_new(before))

    def execute_script(self, language: str, code: str, *params: str, timeout: float | None = None) -> ExecResult:
        """AgentBench's ``execute_independent``: ``bash -c code -- params`` or ``python3 -c``."""
        return self.execute(script_argv(language, code, params), timeout)

    def close(self) -> None:
        """Remove the container and everything in it."""
        if self._shell is not None:
            self._shell.kill()
            self._shell = None
        if self.container:
            with contextlib.suppress(Exception):
                self._docker("rm", "-f", self.container, timeout=30)
            self.container = ""
