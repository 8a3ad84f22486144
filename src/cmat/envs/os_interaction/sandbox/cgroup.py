"""A pids cgroup per sandbox: the process limit that also binds root.

``RLIMIT_NPROC`` does not bind a process whose kernel uid is 0 (the kernel exempts root's
user), and the sandbox maps its root to the host's uid 0 so that the host's files keep their
owners. The pids controller (cgroup v1 ``/sys/fs/cgroup/pids`` or a v2 hierarchy offering
``pids``) limits every process of the sandbox together. Without one (not root, no controller)
the sandbox runs without this limit and timeouts still kill what a command leaves behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

_CANDIDATES = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))


def _hierarchy() -> Path | None:
    for root in _CANDIDATES:
        controllers = root / "cgroup.controllers"
        if (root / "pids.max").exists() or ((root / "tasks").exists() and root.name == "pids"):
            return root
        if controllers.exists() and "pids" in controllers.read_text().split():
            return root
    return None


class PidsCgroup:
    """Create a cgroup limited to ``limit`` processes; ``add`` moves processes into it."""

    def __init__(self, limit: int, create: bool = True) -> None:
        self.path: Path | None = None
        root = _hierarchy() if os.geteuid() == 0 and create else None
        if root is None:
            return
        path = root / f"cmat-os-{secrets.token_hex(6)}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(f"{limit}\n")
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()
            return
        self.path = path

    def add(self, pid: int) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                (self.path / "cgroup.procs").write_text(f"{pid}\n")

    def remove(self) -> None:
        """Delete the cgroup (once its processes are gone)."""
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.rmdir()
            self.path = None
