"""An isolated, throw-away Linux root per episode: namespaces + overlayfs on a sized tmpfs.

``Sandbox.start`` runs ``setup.sh`` under ``unshare`` in new user, mount, pid, net, ipc and
uts namespaces. The host's ``/usr``, ``/etc`` and ``/var`` are shown copy-on-write (overlayfs;
every write lands on a tmpfs of ``size`` bytes), everything else of the host (``/root``,
``/home``, ``/work``, ``/tmp``, ``/opt``, ...) is absent or empty; there is no network. Every
process runs under rlimits (CPU time, address space, processes, file size, open files) with
Docker's default capabilities (no ``CAP_SYS_ADMIN``: mounts cannot be undone), and every
command has a wall-clock timeout. ``close`` kills the namespace's init, which takes every
process and mount of the episode with it. See ``docs/design/os-env.md``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

from cmat.envs.os_interaction.sandbox import procs
from cmat.envs.os_interaction.sandbox.cgroup import PidsCgroup
from cmat.envs.os_interaction.sandbox.shell import ExecResult, Shell
from cmat.errors import CmatError

# Docker's default capability set: what a root process in an AgentBench container holds.
DOCKER_CAPS = (
    "chown", "dac_override", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
    "net_bind_service", "net_raw", "sys_chroot", "mknod", "audit_write", "setfcap",
)
SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
TOOLS = ("unshare", "nsenter", "prlimit", "setpriv", "bash", "base64")


class SandboxError(CmatError):
    """The sandbox could not be built here (no user namespaces, missing tools, ...)."""


@dataclass(frozen=True)
class SandboxConfig:
    """Limits and layout of one sandbox."""

    size: str = "512m"          # tmpfs holding everything the episode writes (disk quota)
    shm_size: str = "64m"       # /dev/shm
    visible: tuple[str, ...] = ("usr", "etc", "var")  # host directories shown copy-on-write
    cwd: str = "/root"          # working directory of the shell and of independent commands
    hostname: str = "cmat-os"
    command_timeout: float = 10.0   # wall seconds per agent command
    script_timeout: float = 60.0    # wall seconds per init / start / check script
    cpu_seconds: int = 120          # RLIMIT_CPU per process
    memory_bytes: int = 4 << 30     # RLIMIT_AS per process
    processes: int = 512            # RLIMIT_NPROC (per user inside the sandbox)
    file_bytes: int = 256 << 20     # RLIMIT_FSIZE
    open_files: int = 1024          # RLIMIT_NOFILE
    output_cap: int = 1 << 20       # bytes of output kept per command
    backend: str = "namespaces"     # namespaces (this module) or docker (``docker.py``)
    image: str = "ubuntu:22.04"     # docker: the local image each episode starts from
    docker: str = "docker"          # docker: the client command


BACKENDS = ("namespaces", "docker")


class Box(Protocol):
    """What the OS environment and its judge use of a sandbox, whatever its backend."""

    config: SandboxConfig

    def start(self) -> None: ...
    def run(self, command: str, timeout: float | None = None) -> ExecResult: ...
    def execute(self, argv: Sequence[str], timeout: float | None = None) -> ExecResult: ...
    def execute_script(self, language: str, code: str, *params: str,
                       timeout: float | None = None) -> ExecResult: ...
    def close(self) -> None: ...


def open_sandbox(config: SandboxConfig | None = None) -> Box:
    """A not yet started sandbox of ``config.backend`` (:class:`Sandbox` or ``DockerSandbox``)."""
    cfg = config or SandboxConfig()
    if cfg.backend == "docker":
        from cmat.envs.os_interaction.sandbox.docker import DockerSandbox

        return DockerSandbox(cfg)
    if cfg.backend != "namespaces":
        raise SandboxError(f"unknown sandbox backend '{cfg.backend}'; valid: {', '.join(BACKENDS)}")
    return Sandbox(cfg)


def script_argv(language: str, code: str, params: Sequence[str]) -> list[str]:
    """The command of AgentBench's ``execute_independent``: ``bash -c code -- params`` or ``python3 -c``."""
    if language == "bash":
        return ["bash", "-c", code, *(["--", *params] if params else [])]
    if language == "python":
        return ["python3", "-c", code, *params]
    raise SandboxError(f"unsupported script language '{language}' (bash, python)")


def missing_tools() -> list[str]:
    """Host tools the sandbox needs that are not on PATH."""
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@functools.lru_cache(maxsize=1)
def sandbox_unavailable() -> str | None:
    """Why the sandbox cannot run on this machine (tools, user namespaces, overlayfs), or None
    when a throw-away sandbox starts and runs a command. Cached: probed once per process."""
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


def _setup_script() -> str:
    return resources.files("cmat.envs.os_interaction.sandbox").joinpath("setup.sh").read_text("utf-8")


def _write_maps(pid: int) -> None:
    """Map users into the sandbox: 0-65535 identity as root (useradd, chown, su work), else
    the calling user as root only (files cannot be given to other users)."""
    uid, gid = os.geteuid(), os.getegid()
    if uid == 0:
        uid_map, gid_map = "0 0 65536\n", "0 0 65536\n"
    else:
        with open(f"/proc/{pid}/setgroups", "w") as f:
            f.write("deny\n")
        uid_map, gid_map = f"0 {uid} 1\n", f"0 {gid} 1\n"
    with open(f"/proc/{pid}/uid_map", "w") as f:
        f.write(uid_map)
    with open(f"/proc/{pid}/gid_map", "w") as f:
        f.write(gid_map)


def _cleanup(proc: subprocess.Popen[bytes], base: str, init: list[int], group: PidsCgroup) -> None:
    """Kill the namespace: SIGKILL to its init takes every process of the namespace with it."""
    for pid in init:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    shutil.rmtree(base, ignore_errors=True)
    if init:
        procs.wait_gone(init[0])
    group.remove()


class Sandbox:
    """One episode's sandbox; see the module doc. Use as a context manager or call close()."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self._proc: subprocess.Popen[bytes] | None = None
        self._base = ""
        self._init = 0
        self._init_holder: list[int] = []  # shared with the finalizer
        self._ns = ""
        self._shell: Shell | None = None
        self._finalizer: Any = None
        self._group = PidsCgroup(0, create=False)

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pids_limited(self) -> bool:
        """Whether a pids cgroup bounds the sandbox's processes (root with the pids controller)."""
        return self._group.path is not None

    @property
    def namespace(self) -> str:
        """The sandbox's pid namespace (``pid:[inode]``)."""
        return self._ns

    def start(self) -> None:
        """Build the root filesystem and the namespaces; raises :class:`SandboxError`."""
        missing = missing_tools()
        if missing:
            raise SandboxError(f"the OS sandbox needs {', '.join(missing)} (util-linux, coreutils)")
        cfg = self.config
        self._base = tempfile.mkdtemp(prefix="cmat-os-")
        argv = ["unshare", "--user", "--mount", "--pid", "--fork", "--net", "--ipc", "--uts",
                "--kill-child", "--", "bash", "-c", _setup_script(), "cmat-setup",
                self._base, cfg.size, cfg.shm_size]
        env = {"PATH": SAFE_PATH, "CMAT_VISIBLE": " ".join(cfg.visible), "CMAT_HOSTNAME": cfg.hostname}
        self._proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, start_new_session=True,
        )
        self._group = PidsCgroup(cfg.processes)
        self._finalizer = weakref.finalize(
            self, _cleanup, self._proc, self._base, self._init_holder, self._group
        )
        try:
            self._handshake(self._proc)
        except SandboxError:
            self.close()
            raise

    def _handshake(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdin is not None and proc.stdout is not None
        mine = os.readlink("/proc/self/ns/user")
        deadline = time.monotonic() + 10
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if os.readlink(f"/proc/{proc.pid}/ns/user") != mine:
                    break
            except OSError:
                pass
            time.sleep(0.002)
        # The namespace's first process waits for "go": put it in the pids cgroup before.
        while proc.poll() is None and not procs.children(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.002)
        for pid in [proc.pid, *procs.children(proc.pid)]:
            self._group.add(pid)
        try:
            _write_maps(proc.pid)
            proc.stdin.write(b"go\n")
            proc.stdin.close()
        except OSError as exc:
            raise SandboxError(f"cannot create the sandbox's user namespace: {exc}") from exc
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline() if ready else b""
        kids = procs.children(proc.pid)
        if line.strip() != b"ready" or not kids:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr and proc.poll() is not None else ""
            raise SandboxError(f"the sandbox did not start: {err.strip() or 'no ready signal'}")
        self._init = kids[0]
        self._init_holder.append(self._init)
        self._ns = procs.pid_namespace(self._init) or ""

    def enter(self, argv: Sequence[str]) -> list[str]:
        """The host command line that runs ``argv`` inside the sandbox, limited, as root."""
        cfg = self.config
        bounding = "-all," + ",".join(f"+{cap}" for cap in DOCKER_CAPS)
        join: list[str] = []
        if self._group.path is not None:
            # setns() keeps the caller's cgroup: join the sandbox's pids cgroup before entering.
            procs_file = self._group.path / "cgroup.procs"
            join = ["sh", "-c", f'echo $$ > "{procs_file}" && exec "$@"', "cmat-join"]
        return [
            *join,
            "nsenter", "-t", str(self._init), "--user", "--mount", "--pid", "--net", "--ipc", "--uts",
            "--root", f"--wdns={cfg.cwd}", "--preserve-credentials", "--",
            "prlimit", f"--cpu={cfg.cpu_seconds}", f"--as={cfg.memory_bytes}",
            f"--nproc={cfg.processes}", f"--fsize={cfg.file_bytes}", f"--nofile={cfg.open_files}", "--",
            "setpriv", f"--bounding-set={bounding}", "--",
            "env", "-i", "HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/bash",
            f"PATH={SAFE_PATH}", "LANG=C.UTF-8", "TERM=dumb", *argv,
        ]

    # -- the persistent shell -------------------------------------------------------------

    def run(self, command: str, timeout: float | None = None) -> ExecResult:
        """Run ``command`` in the episode's persistent shell (restarted if it died)."""
        if self._proc is None:
            raise SandboxError("the sandbox is not running; call start() first")
        if self._shell is None or self._shell.dead:
            self._shell = Shell(self.enter(["bash", "--login"]), self.config.output_cap)
            self._shell.run(":", self.config.script_timeout, lambda: None)  # swallow login noise
        before = procs.members(self._ns)
        limit = self.config.command_timeout if timeout is None else timeout
        return self._shell.run(command, limit, lambda: self._kill_new(before))

    def _kill_new(self, before: set[int]) -> None:
        procs.kill_new(self._ns, before)

    # -- independent commands (AgentBench's ``execute_independent``) -------------------------

    def execute(self, argv: Sequence[str], timeout: float | None = None) -> ExecResult:
        """Run ``argv`` as its own process in the sandbox (stdin empty, output merged)."""
        if self._proc is None:
            raise SandboxError("the sandbox is not running; call start() first")
        limit = self.config.script_timeout if timeout is None else timeout
        before = procs.members(self._ns)
        return run_process(self.enter(argv), limit, self.config.output_cap,
                           lambda: procs.kill_new(self._ns, before), env={"PATH": SAFE_PATH})

    def execute_script(self, language: str, code: str, *params: str, timeout: float | None = None) -> ExecResult:
        """AgentBench's ``execute_independent``: ``bash -c code -- params`` or ``python3 -c``."""
        return self.execute(script_argv(language, code, params), timeout)

    def close(self) -> None:
        """Kill every process of the sandbox and forget its filesystem."""
        if self._shell is not None:
            self._shell.kill()
            self._shell = None
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._proc = None


def run_process(argv: Sequence[str], timeout: float, cap: int, on_timeout: Callable[[], object],
                env: dict[str, str] | None = None) -> ExecResult:
    """Run the host command ``argv`` (stdin empty, output merged, at most ``cap`` bytes kept); after
    ``timeout`` seconds call ``on_timeout`` (it kills what the command started inside the sandbox)
    and kill the command. Every backend's independent commands run through here."""
    proc = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        output, truncated, timed_out = collect_output(proc, timeout, cap)
        if timed_out:
            on_timeout()
            proc.kill()
        code = proc.wait(timeout=5)
    finally:
        if proc.stdout is not None:
            proc.stdout.close()
    text = output.decode("utf-8", errors="replace")
    return ExecResult(text, None if timed_out else code, timed_out, truncated)


def collect_output(proc: subprocess.Popen[bytes], timeout: float, cap: int) -> tuple[bytes, bool, bool]:
    """Read ``proc``'s stdout until EOF or ``timeout``: (first ``cap`` bytes, cut, timed out)."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    kept, total = bytearray(), 0
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return bytes(kept), total > cap, True
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return bytes(kept), total > cap, False
        total += len(chunk)
        if len(kept) < cap:
            kept += chunk[: cap - len(kept)]
