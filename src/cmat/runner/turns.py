"""Collects the turns of an episode as it runs (roles, trainable flags, verdicts, tokens)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cmat.trajectories.schema import Turn, TurnRole
from cmat.types import Completion, Message


@dataclass
class Recorder:
    """Append-only list of :class:`Turn` plus token and environment-time totals."""

    turns: list[Turn] = field(default_factory=list)
    tokens: list[int] = field(default_factory=lambda: [0, 0])
    env_s: float = 0.0

    def add(
        self, role: TurnRole, content: str, attempt: int, step: int, *, trainable: bool = False,
        verdict: dict[str, Any] | None = None, meta: dict[str, Any] | None = None,
    ) -> None:
        self.turns.append(Turn(role, content, attempt, step, trainable, verdict, meta or {}))

    def prefix(self, messages: Sequence[Message], attempt: int) -> None:
        """The conversation the environment starts with (instructions, task): never trainable."""
        for m in messages:
            self.add("assistant" if m.role == "assistant" else "user", m.content, attempt, -1)

    def count(self, completion: Completion) -> None:
        self.tokens[0] += completion.prompt_tokens
        self.tokens[1] += completion.completion_tokens
