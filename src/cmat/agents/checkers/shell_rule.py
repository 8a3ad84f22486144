"""The deterministic OS checker: reply format, shell syntax and dangerous or hanging commands.

It reads the reply the way the environment will (``ctx.action``, AgentBench's
``extract_action``), checks the bash code with ``bash -n`` (parse only, nothing runs) and
judges every simple command (:mod:`cmat.agents.checkers._shell_rules`): commands that would
destroy the system, wait for a keyboard or never return are rejected with a specific fix. It
never runs anything in the sandbox and never sees gold data.
"""

from __future__ import annotations

import itertools
import subprocess
from dataclasses import dataclass

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers._shell_rules import COMMAND_RULES, script_rules, simple_commands
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.checkers.base import FindingChecker
from cmat.agents.templates import clip, render
from cmat.envs.os_interaction.protocol import EMPTY_OUTPUT, OUTPUT_PREFIX, extract_action, task_prompt


def bash_syntax_error(script: str) -> str | None:
    """bash's parse error for ``script`` (``bash -n``: nothing is executed), or None."""
    try:
        done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode == 0:
        return None
    lines = [line.replace("bash: ", "", 1) for line in done.stderr.strip().splitlines()]
    return "; ".join(lines)[:300] or "syntax error"


@dataclass
class ShellRuleChecker(FindingChecker):
    """Rule checker for OS-interaction replies; see the module doc."""

    name: str = "rule"
    # The command just run, proposed again with nothing run in between, is rejected.
    check_repeats: bool = True

    def find(self, ctx: CheckContext) -> Finding | None:
        """The first problem of the proposed reply, or None."""
        kind, content = ctx.action.kind, ctx.action.content
        if kind == "invalid":
            return Finding("invalid_action", render("rule_os_invalid_action"), {})
        if kind == "answer":
            if not content.strip():
                return Finding("answer_empty", render("rule_os_answer_empty"), {})
            if not _ran_command(ctx):
                return Finding("answer_without_command", render("rule_os_answer_without_command"), {})
            return None
        if kind != "bash":
            return None
        if not content.strip():
            return Finding("no_code", render("rule_os_no_code"), {})
        found = self.script(content)
        if found is None and self.check_repeats:
            found = repeated_command(content, ctx)
        return found

    def script(self, script: str) -> Finding | None:
        """The first problem of a bash script, or None."""
        found = script_rules(script)
        if found:
            return found
        error = bash_syntax_error(script)
        if error:
            return Finding("syntax", render("rule_shell_syntax", error=error), {"error": error})
        for words in simple_commands(script):
            for rule in COMMAND_RULES:
                found = rule(words)
                if found:
                    return found
        return None


def repeated_command(script: str, ctx: CheckContext, limit: int = 200) -> Finding | None:
    """Reject ``script`` when it is the command that just ran: with nothing run in between, the
    shell prints the same (a small model decoding greedily repeats itself until the round limit)."""
    for reply, observation in reversed(list(itertools.pairwise(ctx.conversation))):
        if reply.role != "assistant" or observation.role != "user":
            continue
        last = extract_action(reply.content)
        if last.kind != "bash" or not _is_output(observation.content):
            return None
        if " ".join(last.content.split()) != " ".join(script.split()):
            return None
        shown = clip(observation.content, limit)
        return Finding("repeated_command", render("rule_os_repeated", observation=shown), {"observation": shown})
    return None


def _is_output(text: str) -> bool:
    return text.startswith(OUTPUT_PREFIX) or text == EMPTY_OUTPUT


def _ran_command(ctx: CheckContext) -> bool:
    """Whether the shell has shown an output since the task was stated."""
    start = task_prompt(ctx.task.data.get("description", "")) if ctx.task.data else ctx.task_prompt
    seen = False
    for message in ctx.conversation:
        if message.role == "user" and message.content == start:
            seen = True
        elif seen and message.role == "user" and _is_output(message.content):
            return True
    return False
