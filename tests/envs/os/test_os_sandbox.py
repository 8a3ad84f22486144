"""The sandbox holds: nothing the agent does inside reaches the host or the next episode.

Each escape attempt is its own test; each asserts the host is unchanged and, where it
matters, that a fresh sandbox starts clean.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from cmat.envs.os_interaction.sandbox import Sandbox, SandboxConfig


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _fresh_is_clean(*paths: str) -> None:
    with Sandbox(SandboxConfig(size="16m")) as fresh:
        out = fresh.run("for p in " + " ".join(paths) + "; do [ -e $p ] && echo LEFT $p; done; echo checked").output
    assert out.strip() == "checked", out


def test_writes_to_system_dirs_stay_inside(box: Sandbox) -> None:
    passwd = _digest("/etc/passwd")
    out = box.run("echo x > /etc/cmat-canary && echo y > /usr/cmat-canary && echo z > /root/cmat-canary && "
                  "useradd -m intruder && getent passwd intruder | cut -d: -f1 && cat /etc/cmat-canary").output
    assert out == "intruder\nx\n"
    for path in ("/etc/cmat-canary", "/usr/cmat-canary", "/root/cmat-canary", "/home/intruder"):
        assert not os.path.exists(path)
    assert _digest("/etc/passwd") == passwd
    _fresh_is_clean("/etc/cmat-canary", "/usr/cmat-canary", "/root/cmat-canary", "/home/intruder")


def test_host_files_outside_the_view_are_invisible(box: Sandbox) -> None:
    project = Path(__file__).resolve()
    out = box.run(f"cat {project} 2>&1; ls /work 2>&1; ls -A /root /home /tmp /opt; grep -c : /etc/shadow; "
                  "grep -v '^[^:]*:[*!]' /etc/shadow | head -1").output
    assert "No such file or directory" in out
    assert "def test_host_files_outside_the_view_are_invisible" not in out
    listed = box.run("ls -A /root /home /tmp /opt").output.split()
    assert set(listed) <= {"/root:", "/home:", "/tmp:", "/opt:", ".bashrc", ".profile", ".bash_logout"}
    # Password hashes of the host are replaced by "*".
    assert box.run("cut -d: -f2 /etc/shadow | sort -u | tr -d '\\n'").output in ("*", "*!", "!*", "")


def test_no_network(box: Sandbox) -> None:
    code = "import socket; socket.create_connection(('1.1.1.1', 53), 2)"
    out = box.run(f'python3 -c "{code}" 2>&1 | tail -1; ls /sys/class/net').output
    assert "Network is unreachable" in out
    assert out.strip().endswith("lo")


def test_rm_rf_root_leaves_the_host_intact(box: Sandbox) -> None:
    python = _digest("/usr/bin/python3")
    # Count with bash builtins only: rm may already have deleted ls and wc inside the sandbox.
    count = 'n=0; for f in /usr/bin/*; do [ -e "$f" ] && n=$((n+1)); done; echo "$n"'
    result = box.run(f"rm -rf --no-preserve-root / 2>/dev/null; {count}", timeout=5)
    assert result.timed_out or int(result.output.split()[-1]) < 50
    assert _digest("/usr/bin/python3") == python and Path("/etc/passwd").exists()
    assert Path(__file__).exists()
    _fresh_is_clean("/nonexistent")
    with Sandbox(SandboxConfig(size="16m")) as fresh:
        assert fresh.run("ls /usr/bin/python3 /etc/passwd").exit_code == 0


def test_fork_bomb_is_contained() -> None:
    host_before = len([p for p in os.listdir("/proc") if p.isdigit()])
    with Sandbox(SandboxConfig(size="16m", processes=32)) as bomb:
        if bomb.pids_limited is False:
            pytest.skip("no pids cgroup here (needs root and the pids controller): a fork bomb is not bounded")
        result = bomb.run(":(){ :|:& };: ; sleep 5", timeout=1.0)  # the timeout kills all it left behind
        assert result.timed_out
        assert bomb.run("echo alive").output == "alive\n"
        count = int(bomb.run("ps -e --no-headers | wc -l").output)
        assert count < 10, count
    assert len([p for p in os.listdir("/proc") if p.isdigit()]) < host_before + 10


def test_filling_the_disk_is_bounded(box: Sandbox) -> None:
    free = os.statvfs("/tmp").f_bavail
    out = box.run("dd if=/dev/zero of=/root/big bs=1M count=200 2>&1; du -sm /root/big").output
    assert "No space left on device" in out
    assert int(out.split()[-2]) <= 64
    assert os.statvfs("/tmp").f_bavail >= free - (8 << 20) // os.statvfs("/tmp").f_frsize
    assert box.run("rm /root/big && echo ok").output == "ok\n"


def test_endless_command_times_out_and_shell_survives(box: Sandbox) -> None:
    box.run("cd /tmp && MARK=kept")
    result = box.run("sleep 1000", timeout=1.0)
    assert result.timed_out and result.exit_code != 0
    assert box.run("pwd; echo $MARK").output == "/tmp\nkept\n"


def test_busy_loop_in_the_shell_restarts_it(box: Sandbox) -> None:
    box.run("nohup sleep 300 >/dev/null 2>&1 &")
    result = box.run("while true; do :; done", timeout=1.0)
    assert result.timed_out
    assert box.run("echo fresh; pgrep -c sleep").output == "fresh\n1\n"  # background jobs survive


def test_stdin_reading_commands_do_not_hang(box: Sandbox) -> None:
    for command in ("cat", "read x; echo [$x]", "python3"):
        result = box.run(command, timeout=3.0)
        assert not result.timed_out, command
    assert box.run("echo 'unbalanced").exit_code == 2
    assert box.run("echo still").output == "still\n"


def test_output_is_capped(box: Sandbox) -> None:
    result = box.run("yes | head -c 5000000", timeout=10.0)
    assert result.truncated and len(result.output) == box.config.output_cap


def test_no_mount_capability(box: Sandbox) -> None:
    out = box.run("mount -t tmpfs x /mnt 2>&1; umount /usr 2>&1; grep CapBnd /proc/self/status").output
    assert "permission denied" in out.lower() or "must be superuser" in out.lower()
    assert int(out.split()[-1], 16) & (1 << 21) == 0  # CAP_SYS_ADMIN is not held


def test_close_kills_every_process(box: Sandbox) -> None:
    from cmat.envs.os_interaction.sandbox import procs

    box.run("sleep 300 & sleep 300 &")
    namespace = box.namespace
    assert len(procs.members(namespace)) >= 3
    box.close()
    deadline = time.monotonic() + 5
    while procs.members(namespace) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert procs.members(namespace) == set()
