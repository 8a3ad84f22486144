"""Helpers for checker tests: a DBBench-like CheckContext from a reply, schema dicts, fake dry runs."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from cmat.agents.checker_base import CheckContext
from cmat.envs.base import Task
from cmat.envs.dbbench.env import parse_reply
from cmat.types import Message

SCHEMA = {
    "Radio Stations": ["Call sign", "Frequency MHz", "City of license", "Class", "Rank"],
    "race_results": ["Class", "No", "Team", "Drivers"],
}
TASK_PROMPT = "Which stations are class D?\nThe name of this table is Radio Stations."
# The rule tests below the value check use values the question above never states.


def load_script(name: str) -> ModuleType:
    """The project's ``scripts/<name>.py`` (a scan), loaded as a module."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parents[2] / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def operation(sql: str) -> str:
    """A reply in AgentBench's operation format."""
    return f"Let me look.\nAction: Operation\n```sql\n{sql}\n```"


def answer(text: str) -> str:
    """A reply in AgentBench's answer format (``text`` follows "Final Answer:")."""
    return f"Done.\nAction: Answer\nFinal Answer: {text}"


def history(*turns: tuple[str, str]) -> list[Message]:
    """The episode's opening plus (assistant reply, observation) turns."""
    messages = [Message("user", "instructions"), Message("assistant", "Ok."), Message("user", TASK_PROMPT)]
    for reply, observation in turns:
        messages += [Message("assistant", reply), Message("user", observation)]
    return messages


def make_ctx(
    reply: str,
    *,
    schema: dict[str, list[str]] | None = None,
    dry_run: Callable[[str], str | None] | None = None,
    task_type: str = "other",
    conversation: Sequence[Message] | None = None,
    data: dict[str, object] | None = None,
) -> CheckContext:
    """The context a checker sees for ``reply`` (parsed with DBBench's own parser)."""
    return CheckContext(
        task=Task("0", "dbbench", task_type, data or {}),
        task_prompt=TASK_PROMPT,
        conversation=list(conversation if conversation is not None else history()),
        reply=reply,
        action=parse_reply(reply),
        env_name="dbbench",
        schema=SCHEMA if schema is None else schema,
        dry_run=dry_run,
    )
