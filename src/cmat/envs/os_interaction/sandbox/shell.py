"""The episode's persistent shell: one ``bash --login`` inside the sandbox, fed by a pipe.

AgentBench keeps one shell per container, so ``cd``, variables and background jobs persist
between actions. Each command is sent base64-encoded and run with ``eval`` (so unbalanced
quotes or a stray ``exit`` cannot swallow the protocol), with stdin from ``/dev/null`` (so
``read``, ``cat`` or an editor cannot eat the next command), stderr merged into stdout, and
followed by a random end marker carrying ``$?``. Output beyond ``cap`` bytes is dropped.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import select
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass
class ExecResult:
    """What a command printed (stdout and stderr interleaved) and how it ended.

    ``exit_code`` is None when the command did not finish (timed out, or the shell died).
    """

    output: str
    exit_code: int | None
    timed_out: bool = False
    truncated: bool = False


class _Reader:
    """Accumulates a stream, keeping at most ``cap`` bytes plus a tail for marker search."""

    def __init__(self, cap: int, marker: bytes) -> None:
        self.cap, self.marker = cap, marker
        self.buffer = bytearray()
        self.head: bytes | None = None  # the first ``cap`` bytes once the output overflowed
        self.found: int = -1

    def feed(self, chunk: bytes) -> None:
        start = max(0, len(self.buffer) - len(self.marker))
        self.buffer += chunk
        self.found = self.buffer.find(self.marker, start)
        if self.found < 0 and len(self.buffer) > self.cap + 4096:
            if self.head is None:
                self.head = bytes(self.buffer[: self.cap])
            self.buffer = self.buffer[-1024:]

    def output(self) -> tuple[bytes, bool]:
        """The output before the marker (or all so far) and whether it was cut at ``cap``."""
        end = self.found if self.found >= 0 else len(self.buffer)
        if self.head is not None:
            return self.head, True
        body = bytes(self.buffer[:end])
        return body[: self.cap], len(body) > self.cap

    def exit_code(self) -> int | None:
        if self.found < 0:
            return None
        rest = bytes(self.buffer[self.found + len(self.marker):]).split(b"\n", 1)
        if len(rest) < 2:
            return None
        try:
            return int(rest[0])
        except ValueError:
            return None


class Shell:
    """A persistent bash started by ``argv`` (which enters the sandbox); see the module doc."""

    def __init__(self, argv: Sequence[str], cap: int) -> None:
        self.cap = cap
        self.proc = subprocess.Popen(
            list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )
        self.dead = False

    def run(self, command: str, timeout: float, on_timeout: Callable[[], None]) -> ExecResult:
        """Run ``command``; after ``timeout`` seconds call ``on_timeout`` (which kills what it
        started) and give the shell one more second to report; a shell that cannot (a busy
        loop in bash itself) is killed and marked dead."""
        if self.dead or self.proc.stdin is None or self.proc.stdout is None:
            return ExecResult("", None)
        token = secrets.token_hex(12)
        marker = f"\n__cmat_end_{token}__".encode()
        encoded = base64.b64encode(command.encode("utf-8")).decode("ascii")
        line = (
            f'eval "$(printf %s {encoded} | base64 -d)" </dev/null 2>&1; '
            f'printf "\\n__cmat_end_{token}__%s\\n" "$?"\n'
        )
        try:
            self.proc.stdin.write(line.encode("ascii"))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.dead = True
            return ExecResult("", None)
        reader = _Reader(self.cap, marker)
        finished, timed_out = self._pump(reader, time.monotonic() + timeout)
        if not finished and not self.dead:
            timed_out = True
            on_timeout()
            finished, _ = self._pump(reader, time.monotonic() + 1.0)
            if not finished:
                self.kill()
        body, truncated = reader.output()
        code = reader.exit_code() if finished else None
        return ExecResult(body.decode("utf-8", errors="replace"), code, timed_out, truncated)

    def _pump(self, reader: _Reader, deadline: float) -> tuple[bool, bool]:
        """Read until the marker and its exit code arrive (True), EOF or ``deadline`` (False)."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            if reader.found >= 0 and reader.exit_code() is not None:
                return True, False
            left = deadline - time.monotonic()
            if left <= 0:
                return False, True
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                self.dead = True
                return False, False
            reader.feed(chunk)

    def kill(self) -> None:
        """Kill the shell and mark it dead; background jobs it started keep running."""
        from cmat.envs.os_interaction.sandbox.procs import children

        self.dead = True
        for pid in [*children(self.proc.pid), self.proc.pid]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=2)
