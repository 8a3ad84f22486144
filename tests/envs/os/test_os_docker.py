"""The Docker backend of the OS sandbox, against a stand-in ``docker`` command (no engine here).

The stand-in records every call and runs ``exec`` commands on the host in a scratch folder, so
these tests check the plumbing (the ``docker run`` limits, the persistent shell over
``docker exec -i``, independent scripts, exit codes, timeouts, removal), not the isolation, which
is Docker's.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cmat.envs.os_interaction.sandbox import Sandbox, SandboxConfig, SandboxError, open_sandbox
from cmat.envs.os_interaction.sandbox.docker import DockerSandbox

FAKE = r"""#!/bin/bash
state="$(dirname "$0")"
echo "$*" >> "$state/calls"
cmd="$1"; shift
case "$cmd" in
  run)
    if [ -f "$state/fail" ]; then echo "Unable to find image 'nope' locally" >&2; exit 125; fi
    mkdir -p "$state/c1"; echo c1 ;;
  exec)
    while [[ "$1" == -* ]]; do case "$1" in -i) shift ;; -w) shift 2 ;; *) shift ;; esac; done
    cid="$1"; shift
    cd "$state/$cid" || exit 1
    if [ "$1" = kill ]; then exit 0; fi                       # never kill host processes
    if [ "$1" = sh ] && [ "$3" = "cd /proc && echo [0-9]*" ]; then echo 1; exit 0; fi
    exec "$@" ;;
  rm) rm -rf "${state:?}/$2" ;;
esac
"""


@pytest.fixture
def fake_docker(tmp_path: Path) -> Path:
    path = tmp_path / "docker"
    path.write_text(FAKE)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _config(docker: Path, **kw: object) -> SandboxConfig:
    return SandboxConfig(backend="docker", image="local-os/default", docker=str(docker), command_timeout=2.0, **kw)


def test_open_sandbox_picks_the_backend() -> None:
    assert isinstance(open_sandbox(SandboxConfig()), Sandbox)
    assert isinstance(open_sandbox(SandboxConfig(backend="docker")), DockerSandbox)
    with pytest.raises(SandboxError, match="unknown sandbox backend 'vm'"):
        open_sandbox(SandboxConfig(backend="vm"))


def test_the_container_has_no_network_the_limits_and_is_never_pulled(fake_docker: Path) -> None:
    argv = DockerSandbox(_config(fake_docker, processes=64, size="32m")).run_argv()
    joined = " ".join(argv)
    for part in ("--rm", "--pull never", "--network none", "--pids-limit 64", "--tmpfs /tmp:size=32m",
                 "--ulimit cpu=120", "--ulimit nofile=1024", f"--memory {4 << 30}", "-w /root"):
        assert part in joined
    assert argv[-2:] == ["local-os/default", "infinity"]


def test_shell_state_persists_exit_codes_and_scripts_come_back(fake_docker: Path) -> None:
    with open_sandbox(_config(fake_docker)) as box:
        assert isinstance(box, DockerSandbox) and box.container == "c1"
        box.run("export GREETING=hello; mkdir -p sub && cd sub")
        shown = box.run('echo "$GREETING from $(basename "$PWD")"')
        assert (shown.output.strip(), shown.exit_code) == ("hello from sub", 0)
        assert box.run("false").exit_code == 1
        script = box.execute_script("bash", 'echo "arg=$1"', "x")
        assert (script.output, script.exit_code) == ("arg=x\n", 0)
        assert box.execute_script("python", "import sys; print(sys.argv[1:])", "a").output == "['a']\n"
        assert box.run("env").output.count("HOME=/root") == 1  # a clean environment, as root's
    calls = (fake_docker.parent / "calls").read_text().splitlines()
    assert calls[-1] == "rm -f c1" and not (fake_docker.parent / "c1").exists()
    assert any(c.startswith("exec -i -w /root c1 env -i HOME=/root") and c.endswith("bash --login") for c in calls)


def test_a_command_that_never_ends_times_out(fake_docker: Path) -> None:
    with open_sandbox(_config(fake_docker)) as box:
        result = box.run("sleep 30")
        assert result.timed_out and result.exit_code is None
        assert box.run("echo again").output.strip() == "again"  # a fresh shell takes over
        slow = box.execute(["sleep", "30"], timeout=1.0)
        assert slow.timed_out and slow.exit_code is None


def test_docker_failures_are_clear_errors(fake_docker: Path, tmp_path: Path) -> None:
    (fake_docker.parent / "fail").write_text("")
    with pytest.raises(SandboxError, match="docker run local-os/default failed: Unable to find image"):
        DockerSandbox(_config(fake_docker)).start()
    with pytest.raises(SandboxError, match=r"needs the '.*nowhere' command"):
        DockerSandbox(_config(tmp_path / "nowhere")).start()
    with pytest.raises(SandboxError, match="not running"):
        DockerSandbox(_config(fake_docker)).run("true")


def test_the_os_environment_runs_a_task_in_the_docker_backend(fake_docker: Path) -> None:
    from cmat.envs.base import Task
    from cmat.envs.os_interaction.env import OSEnv

    judge = {"init": [("bash", "echo 42 > answer.txt")], "start": None,
             "match": {"answer": "42", "strip": True}, "check": None, "example": None}
    task = Task("0", "os", "os", {"description": "What number is in answer.txt?", "judge": judge})
    env = OSEnv(sandbox=_config(fake_docker))
    try:
        env.reset(task)
        assert "42" in (env.step("Think.\nAct: bash\n```bash\ncat answer.txt\n```").observation or "")
        env.step("Act: answer(42)")
        assert env.evaluate().correct
    finally:
        env.close()
    assert os.path.exists(fake_docker.parent / "calls")
