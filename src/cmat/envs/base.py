"""The environment contract: ``reset`` renders the task, ``step`` takes the model's reply.

Environments own their action protocol (how a reply is parsed into an action) and their
judge; they never import LLMs or agents. The model's mistakes become observations and
outcomes, never exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from cmat.types import Message, Outcome


@dataclass(frozen=True)
class Task:
    """One sample of a data set: an id, a task type and the raw entry (gold fields included).

    ``data`` is the entry exactly as read; environments decide what the agent may see.
    """

    id: str
    env: str
    type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Action:
    """A reply parsed by the environment's protocol.

    ``kind`` is environment specific ("operation", "answer", ...) or "invalid" when the reply
    matches no pattern; ``content`` is the payload (an SQL statement, an answer string).
    """

    kind: str
    content: str
    raw: str


@dataclass
class StepResult:
    """What the environment says after a reply: the next observation, or the end."""

    observation: str | None
    done: bool
    outcome: Outcome | None = None
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class Evaluation:
    """The judge's verdict on a finished episode; gold data never reaches the agent."""

    outcome: Outcome
    answer: str
    correct: bool
    details: dict[str, Any] = field(default_factory=dict)


class Env(Protocol):
    """One episode of one task at a time; create a fresh environment per episode."""

    name: str

    def reset(self, task: Task) -> list[Message]:
        """Prepare a fresh state for ``task``; return the conversation the agent starts from."""
        ...

    def parse(self, reply: str) -> Action:
        """Parse a reply into an action without executing it (checkers use this)."""
        ...

    def step(self, reply: str) -> StepResult:
        """Execute the model's reply; return the next observation or the end of the episode."""
        ...

    def interrupt(self, outcome: Outcome, reason: str = "") -> None:
        """End the episode from outside (context limit, backend failure)."""
        ...

    def evaluate(self) -> Evaluation:
        """Judge the finished episode against the gold data."""
        ...

    def close(self) -> None:
        """Release every resource of the episode."""
        ...
