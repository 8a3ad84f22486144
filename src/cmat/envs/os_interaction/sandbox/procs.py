"""Host-side process bookkeeping for a sandbox: who lives in its pid namespace, and killing them.

The host sees every process of the sandbox's pid namespace in its own ``/proc`` (namespaces
nest), so it can stop runaway commands without asking anything inside the sandbox.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path


def pid_namespace(pid: int) -> str | None:
    """The pid-namespace identity of ``pid`` (``pid:[inode]``), or None if it is gone."""
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def members(namespace: str) -> set[int]:
    """Host pids of every process in pid namespace ``namespace``."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and pid_namespace(int(entry.name)) == namespace:
            found.add(int(entry.name))
    return found


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (all threads), oldest first."""
    kids: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            kids.extend(int(p) for p in text.split())
    except OSError:
        return []
    return kids


def kill_new(namespace: str, keep: set[int], passes: int = 100) -> int:
    """SIGKILL every process of ``namespace`` not in ``keep``; returns how many.

    Victims are frozen first (SIGSTOP, pass after pass until no new process appears), so a
    fork bomb cannot refill its slots while we kill; then all of them get SIGKILL.
    """
    frozen: set[int] = set()
    for _ in range(passes):
        victims = members(namespace) - keep - frozen
        if not victims:
            break
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
        frozen |= victims
    for pid in frozen:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return len(frozen)


def wait_gone(pid: int, timeout: float = 2.0) -> bool:
    """Wait until ``pid`` no longer exists (or is a zombie); whether it went."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.01)
    return False
