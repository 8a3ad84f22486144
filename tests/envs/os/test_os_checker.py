"""The OS rule checker: rejects destructive, interactive and endless commands, approves normal ones."""

from __future__ import annotations

import pytest

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers import RULE_CHECKERS, make_checker
from cmat.agents.checkers.shell_rule import ShellRuleChecker
from cmat.envs.base import Task
from cmat.envs.os_interaction.protocol import extract_action, initial_messages
from cmat.types import Message

TASK = Task(id="0", env="os", type="file", data={"description": "How many files are in /etc?"})


def _verdict(reply: str, ran: bool = True) -> tuple[bool, str, str]:
    conversation = initial_messages(TASK.data["description"])
    if ran:
        conversation += [Message("assistant", "Act: bash\n\n```bash\nls\n```"),
                         Message("user", "The output of the OS:\n\na")]
    ctx = CheckContext(task=TASK, task_prompt=conversation[-1].content, conversation=conversation, reply=reply,
                       action=extract_action(reply), env_name="os")
    verdict = ShellRuleChecker().verify(ctx)
    return verdict.approve, str(verdict.details.get("rule", "")), verdict.feedback


def bash(code: str) -> str:
    return f"Think: go.\n\nAct: bash\n\n```bash\n{code}\n```"


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("rm -rf /", "destructive"),
        ("sudo rm -rf --no-preserve-root /", "destructive"),
        ("cd /tmp && rm -fr /*", "destructive"),
        ("mkfs.ext4 /dev/sda1", "destructive"),
        ("dd if=/dev/zero of=/dev/sda bs=1M", "destructive"),
        (":(){ :|:& };:", "destructive"),
        ("vim /etc/hosts", "interactive"),
        ("nano notes.txt", "interactive"),
        ("less /var/log/syslog", "interactive"),
        ("top", "interactive"),
        ("ssh user@host", "interactive"),
        ("python3", "interactive"),
        ("read name; echo $name", "interactive"),
        ("tail -f /root/log", "endless"),
        ("sleep 3600", "endless"),
        ("while true; do date; done", "endless"),
        ("echo 'unclosed", "syntax"),
        ("if [ -f x ]; then echo y", "syntax"),
    ],
)
def test_rejects(code: str, rule: str) -> None:
    approve, found, feedback = _verdict(bash(code))
    assert not approve and found == rule, (found, feedback)
    assert feedback


@pytest.mark.parametrize(
    "code",
    [
        "ls -a /home | grep '^\\.' | wc -l",
        "find /home -type f -size 0 | wc -l",
        "rm -rf /tmp/build && mkdir -p /tmp/build",
        "dd if=/dev/zero of=/tmp/file bs=1M count=1",
        "top -b -n 1 | head -5",
        "python3 -c 'print(1)'",
        "sleep 2; cat /root/log",
        "tail -n 5 /var/log/dpkg.log",
        "while true; do [ -f /tmp/x ] && break; sleep 1; done",
        "useradd -m -s /bin/bash jack && echo ok",
        "cat <<'EOF' > /usr/local/bin/calc\n#!/bin/bash\npython3 -c \"print($*)\"\nEOF\nchmod +x /usr/local/bin/calc",
    ],
)
def test_approves(code: str) -> None:
    approve, rule, feedback = _verdict(bash(code))
    assert approve, (rule, feedback)


def test_reply_format_rules() -> None:
    assert _verdict("I think it is 3.")[1] == "invalid_action"
    assert _verdict("Think: x\n\nAct: bash")[1] == "no_code"
    assert _verdict("Act: answer()")[1] == "answer_empty"
    assert _verdict("Act: answer(3)", ran=False)[1] == "answer_without_command"
    assert _verdict("Act: answer(3)")[0] and _verdict("Act: finish")[0]


def test_registered_for_os() -> None:
    assert "os" in RULE_CHECKERS
    assert isinstance(make_checker("rule", env="os"), ShellRuleChecker)
    assert make_checker("llm", env="os").system_prompt == "checker_system_os"  # type: ignore[union-attr]
