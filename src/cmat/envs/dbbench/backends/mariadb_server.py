"""A private MariaDB server that cmat owns: started on demand, reused, stopped on request.

Why: the MariaDB backend is the reference the embedded SQLite backend is checked against, and
tests and users should get it without configuring a system service. The server lives entirely
under one directory (default ``~/.cache/cmat/mariadb``, or ``$CMAT_MARIADB_DIR``): data files,
a unix socket, a pid file and a log. It listens on that socket only (no TCP), and the directory
is private to its owner, so the passwordless account ``cmat`` it creates is reachable by that
user alone.

Typical use::

    server = MariaDBServer()       # nothing happens yet
    server.start()                 # initialise (first time) and launch, or reuse a running one
    kwargs = server.connect_kwargs()
    server.stop()
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cmat.errors import BackendError

INSTALL_HINT = "install MariaDB with: apt-get install mariadb-server (Debian/Ubuntu)"
# MySQL 8.0's default sql_mode; the server starts with it so that every session has it.
MYSQL8_SQL_MODE = (
    "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
)
# MariaDB's counterpart of MySQL 8's utf8mb4_0900_ai_ci: UCA based, accent and case insensitive,
# and NO PAD (trailing spaces matter), as 0900 collations are.
COLLATION = "utf8mb4_uca1400_nopad_ai_ci"
USER = "cmat"
_SBIN = ("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin")


def default_dir() -> Path:
    """``$CMAT_MARIADB_DIR`` if set, else ``~/.cache/cmat/mariadb``."""
    env = os.environ.get("CMAT_MARIADB_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "cmat" / "mariadb"


def find_program(*names: str) -> str | None:
    """The first of ``names`` found on PATH or in the usual sbin folders (not always on PATH)."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
        for folder in _SBIN:
            candidate = Path(folder) / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return None


def mariadbd_path() -> str | None:
    """Path of the server binary, or None when MariaDB is not installed."""
    return find_program("mariadbd", "mysqld")


@dataclass
class MariaDBServer:
    """One private server under ``base_dir``; every method is safe to call repeatedly."""

    base_dir: Path = field(default_factory=default_dir)
    start_timeout_s: float = 60.0

    def __post_init__(self) -> None:
        self.base_dir = Path(self.base_dir).expanduser().resolve()

    @property
    def datadir(self) -> Path:
        return self.base_dir / "data"

    @property
    def socket_path(self) -> Path:
        return self.base_dir / "mysqld.sock"

    @property
    def pid_file(self) -> Path:
        return self.base_dir / "mysqld.pid"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "mysqld.log"

    def connect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``pymysql.connect`` reaching this server."""
        return {"unix_socket": str(self.socket_path), "user": USER, "password": ""}

    def is_running(self) -> bool:
        """True when something accepts connections on our socket."""
        if not self.socket_path.exists():
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            try:
                sock.connect(str(self.socket_path))
            except OSError:
                return False
        return True

    def start(self) -> None:
        """Initialise the data directory if needed and launch the server unless it runs already.

        A file lock serialises concurrent callers (parallel test workers, several samples), so
        exactly one server is launched and everyone else reuses it.
        """
        binary = mariadbd_path()
        if binary is None:
            raise BackendError(f"the MariaDB server program 'mariadbd' was not found; {INSTALL_HINT}")
        self.base_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.base_dir, 0o700)
        with self._lock():
            if self.is_running():
                return
            if not (self.datadir / "mysql").is_dir():
                self._install_db()
            self._launch(binary)

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Stop the server if it runs; returns True when one was stopped."""
        pid = self._pid()
        if pid is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not _alive(pid):
                return True
            time.sleep(0.1)
        raise BackendError(f"MariaDB (pid {pid}) did not stop within {timeout_s:.0f}s; see {self.log_file}")

    def status(self) -> str:
        """One line for people: running or not, where, which pid."""
        if self.is_running():
            return f"running (pid {self._pid()}) on socket {self.socket_path}"
        return f"not running (data dir {self.base_dir})"

    # -- internals -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _lock(self) -> Any:
        with open(self.base_dir / "start.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) else None

    def _install_db(self) -> None:
        tool = find_program("mariadb-install-db", "mysql_install_db")
        if tool is None:
            raise BackendError(f"'mariadb-install-db' was not found; {INSTALL_HINT}")
        if self.datadir.exists():  # a half-initialised directory from an interrupted run
            shutil.rmtree(self.datadir)
        command = [
            tool,
            "--no-defaults",
            f"--datadir={self.datadir}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ]
        if os.geteuid() == 0:
            command.append("--user=root")
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackendError(f"mariadb-install-db failed ({done.returncode}):\n{done.stderr[-2000:]}")

    def _launch(self, binary: str) -> None:
        init_file = self.base_dir / "init.sql"
        init_file.write_text(
            f"CREATE USER IF NOT EXISTS '{USER}'@'localhost';\n"
            f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'localhost';\n"
        )
        command = [
            binary,
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--socket={self.socket_path}",
            f"--pid-file={self.pid_file}",
            f"--log-error={self.log_file}",
            f"--init-file={init_file}",
            "--skip-networking",
            "--skip-log-bin",
            "--character-set-server=utf8mb4",
            f"--collation-server={COLLATION}",
            f"--sql-mode={MYSQL8_SQL_MODE}",
            "--group-concat-max-len=1024",
            "--lower-case-table-names=0",
            "--innodb-buffer-pool-size=64M",
            "--max-connections=500",
        ]
        if os.geteuid() == 0:
            command.append("--user=root")
        with open(self.base_dir / "launch.out", "ab") as out:
            process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.is_running():
                return
            if process.poll() is not None:
                break
            time.sleep(0.1)
        raise BackendError(
            f"MariaDB did not start (exit code {process.poll()}); last lines of {self.log_file}:\n"
            + _tail(self.log_file)
        )


def _alive(pid: int) -> bool:
    try:  # our own child: reap it once it exited (a zombie still answers kill(pid, 0))
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def main(argv: list[str] | None = None) -> int:
    """Command line of ``scripts/mariadb.sh start|stop|status [--dir DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(description="cmat's private MariaDB server (reference SQL backend)")
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument(
        "--dir", default=None, help="server directory (default: $CMAT_MARIADB_DIR or ~/.cache)"
    )
    args = parser.parse_args(argv)
    server = MariaDBServer(Path(args.dir)) if args.dir else MariaDBServer()
    try:
        if args.action == "start":
            server.start()
        elif args.action == "stop":
            server.stop()
    except BackendError as exc:
        print(f"error: {exc}")
        return 1
    print(server.status())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
