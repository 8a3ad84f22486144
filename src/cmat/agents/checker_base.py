"""The Checker (critic) contract.

A checker sees the proposed action, the task and the state, and returns a :class:`Verdict`
*before* the environment executes anything. ``check`` is a generator so that a checker that
needs the model (the ``llm`` checker) can yield a conversation and receive its completion:
the orchestrator batches those requests with every other episode's. A checker that needs no
model (``rule``) simply returns without yielding.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cmat.envs.base import Action, Task
from cmat.types import Completion, Conversation, Message


@dataclass
class Verdict:
    """approve / reject with feedback the Assistant can act on.

    ``revision``: on a reject, the corrected reply when the checker can write it itself (the
    rule checker's name repairs); the episode executes it instead of asking the Assistant only
    when repairs are switched on (``AgentSetup.repair``).
    """

    approve: bool
    feedback: str = ""
    checker: str = ""
    details: dict[str, object] = field(default_factory=dict)
    revision: str = ""


@dataclass
class CheckContext:
    """Everything a checker may look at. Never holds gold answers.

    ``schema`` maps table name -> column names as the environment currently has them;
    ``dry_run`` executes a statement inside a transaction that is rolled back and returns the
    error text, or ``None`` when it would succeed (None when the environment has no dry run).
    ``peek`` runs a read-only SELECT the checker writes itself and returns its rows, or None on
    an error (None when the environment has none); it never counts as one of the episode's
    rounds, like a dry run.
    """

    task: Task
    task_prompt: str
    conversation: list[Message]
    reply: str
    action: Action
    env_name: str
    schema: dict[str, list[str]] = field(default_factory=dict)
    dry_run: Callable[[str], str | None] | None = None
    peek: Callable[[str], list[tuple[Any, ...]] | None] | None = None


def task_prompt(conversation: Sequence[Message]) -> str:
    """The task message of an episode's conversation (``CheckContext.task_prompt``): the second
    user message when the first is the task instruction (AgentBench's one-shot prompts), else the
    first; empty when there is none."""
    users = [m.content for m in conversation if m.role == "user"]
    return users[1] if len(users) > 1 else (users[0] if users else "")


CheckGen = Generator[Conversation, Completion, Verdict]


class Checker(Protocol):
    """Verifies a proposed action; see the module doc for the generator contract."""

    name: str

    def check(self, ctx: CheckContext) -> CheckGen: ...
